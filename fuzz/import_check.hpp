// Runs the importer (importer::run_build, what `mmgraph build` runs) on scratch inputs, for the
// importer fuzz targets. A bad input must end in mmgraph::Error and leave no output; a build that
// succeeds must write a file that verify() accepts. Anything else aborts, which libFuzzer reports as a crash.
//
// Each input is built twice: by one thread reading from start to end, and by parsing threads
// with chunks of a few bytes, cut anywhere (inside quoted fields too). Both must give the same
// bytes, or fail with the same message.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "mmgraph/import.hpp"
#include "mmgraph/reader.hpp"
#include "scratch.hpp"

namespace mmgraph::fuzz {

// The output's bytes, or "error: " and the message of a failed build.
inline std::string build_once(importer::BuildOptions options) {
    try {
        importer::run_build(options);
    } catch (const Error& e) {
        if (std::filesystem::exists(options.output)) {
            std::fprintf(stderr, "failed build left %s behind\n", options.output.c_str());
            std::abort();
        }
        return std::string("error: ") + e.what();
    }
    try {
        File::open(options.output)->verify();
    } catch (const Error& e) {
        std::fprintf(stderr, "the importer wrote a file that verify() refuses: %s\n", e.what());
        std::abort();
    }
    std::ifstream in(options.output, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(options.output);
    return bytes;
}

// `chunk_bytes`: the parallel build's chunk size, from the input so that the fuzzer explores it.
inline void build_and_check(importer::BuildOptions options, uint64_t chunk_bytes) {
    static const std::string output = scratch_path(".mmg");  // one path per process, removed at exit
    options.output = output;
    std::filesystem::remove(options.output);
    for (bool skip : {false, true}) {
        options.skip_bad_rows = skip;
        options.threads = 1;
        options.chunk_bytes = uint64_t(1) << 40;
        const std::string sequential = build_once(options);
        options.threads = 2;
        options.chunk_bytes = chunk_bytes;
        if (build_once(options) != sequential) {
            std::fprintf(stderr, "chunks of %llu bytes on 2 threads do not give what one sequential read gives:\n%s\n",
                         static_cast<unsigned long long>(chunk_bytes), sequential.substr(0, 300).c_str());
            std::abort();
        }
        if (sequential.rfind("error: ", 0) != 0) return;  // built; else again with --skip-bad-rows
    }
}

}  // namespace mmgraph::fuzz
