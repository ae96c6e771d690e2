// libFuzzer target: the SNAP edge-list importer and the int64-keyed writer behind it. Build
// checks: see import_check.hpp.
#include <cstdint>

#include "import_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mmgraph::fuzz;
    static const std::string input = scratch_path("-edges.txt");
    if (!write_scratch(input, data, size)) return 0;
    mmgraph::importer::BuildOptions options;
    options.edgelists.push_back(input);
    build_and_check(options, 1 + size % 23);  // edge lists are read by one thread; this checks the build is the same
    return 0;
}
