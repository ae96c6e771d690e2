// libFuzzer target: open, fully walk and verify an arbitrary file. Any outcome but success or
// mmgraph::Error (a crash, a sanitizer report, another exception, a hang) is a finding.
// Mutations reach past the checksums through reseal_mutator.cpp.
#include <cstdint>

#include "mmgraph/reader.hpp"
#include "scratch.hpp"
#include "support/probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = mmgraph::fuzz::scratch_path(".mmg");
    if (!mmgraph::fuzz::write_scratch(path, data, size)) return 0;
    std::shared_ptr<const mmgraph::File> file;
    try {
        file = mmgraph::File::open(path);
    } catch (const mmgraph::Error&) {
        return 0;
    }
    try {  // walk before verify: the lazy paths must hold on their own
        (void)mmgraph::test::walk(*file);
    } catch (const mmgraph::Error&) {
    }
    try {
        file->verify();
    } catch (const mmgraph::Error&) {
    }
    return 0;
}
