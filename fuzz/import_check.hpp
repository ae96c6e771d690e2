// Runs `mmgraph build` (the importer) on scratch inputs, for the importer fuzz targets. A bad
// input must end in mmgraph::Error and leave no output; a build that succeeds must write a file
// that verify() accepts. Anything else aborts, which libFuzzer reports as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "import.hpp"
#include "mmgraph/reader.hpp"
#include "scratch.hpp"

namespace mmgraph::fuzz {

inline void build_and_check(cli::BuildOptions options) {
    static const std::string output = scratch_path(".mmg");  // one path per process, removed at exit
    options.output = output;
    options.threads = 1;
    options.quiet = true;
    std::filesystem::remove(options.output);
    for (bool skip : {false, true}) {
        options.skip_bad_rows = skip;
        try {
            cli::run_build(options);
        } catch (const Error&) {
            if (std::filesystem::exists(options.output)) {
                std::fprintf(stderr, "failed build left %s behind\n", options.output.c_str());
                std::abort();
            }
            continue;  // again with --skip-bad-rows, then give up
        }
        try {
            File::open(options.output)->verify();
        } catch (const Error& e) {
            std::fprintf(stderr, "the importer wrote a file that verify() refuses: %s\n", e.what());
            std::abort();
        }
        std::filesystem::remove(options.output);
        return;
    }
}

}  // namespace mmgraph::fuzz
