// libFuzzer target: the SNAP edge-list importer and the int64-keyed writer behind it. Build
// checks: see import_check.hpp.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "import_check.hpp"
#include "mmgraph/import/csv.hpp"

namespace {

// EdgeListReader::next_plain_pairs is a fast path of next(): reading with it wherever it
// applies (into a small buffer, so that it also stops for room) must give the edges and the
// errors (their lines and offsets) of next() alone.
std::vector<std::string> read_edges(const std::string& path, bool plain_pairs) {
    mmgraph::importer::InputBuffer input(path);
    mmgraph::importer::EdgeListReader reader(input);
    std::vector<std::string> events;
    std::vector<int64_t> room(6);
    for (;;) {
        const size_t count = plain_pairs ? reader.next_plain_pairs(room) : 0;
        for (size_t i = 0; i < count; i += 2) events.push_back(std::to_string(room[i]) + " " + std::to_string(room[i + 1]));
        int64_t from = 0, to = 0;
        try {
            if (!reader.next(from, to)) break;
            events.push_back(std::to_string(from) + " " + std::to_string(to));
        } catch (const mmgraph::importer::InputError& e) {
            events.push_back(std::string("error ") + e.what() + " at " + std::to_string(reader.offset()));
        }
    }
    events.push_back("end at " + std::to_string(reader.offset()));
    return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mmgraph::fuzz;
    static const std::string input = scratch_path("-edges.txt");
    if (!write_scratch(input, data, size)) return 0;
    auto read = [&](bool plain_pairs) -> std::vector<std::string> {
        try {
            return read_edges(input, plain_pairs);
        } catch (const mmgraph::Error& e) {  // not an edge list's error: a damaged zip, say
            return {e.what()};
        }
    };
    if (read(true) != read(false)) {
        std::fprintf(stderr, "next_plain_pairs and next() read different edges\n");
        std::abort();
    }
    mmgraph::importer::BuildOptions options;
    options.edgelists.push_back(input);
    build_and_check(options, 1 + size % 23);  // edge lists are read by one thread; this checks the build is the same
    return 0;
}
