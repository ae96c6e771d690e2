// libFuzzer target: decode the header from raw bytes, then open, fully walk, compare the batch
// reads with the one-at-a-time ones, inspect (anatomy.hpp), search (traversal.hpp) and verify an arbitrary file. Any outcome but success or mmgraph::Error
// (a crash, a sanitizer report, another exception, a hang, a batch read unlike its
// one-at-a-time form) is a finding. Mutations reach past the checksums through reseal_mutator.cpp.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "mmgraph/anatomy.hpp"
#include "mmgraph/reader.hpp"
#include "mmgraph/traversal.hpp"
#include "scratch.hpp"
#include "support/probe.hpp"

namespace {

// The inspection API the viewer uses: it must stop with an error, never crash.
void inspect(const mmgraph::File& file) {
    for (uint64_t i = 0; i < file.vertex_count() && i < 256; ++i) {
        (void)mmgraph::describe_vertex(file, static_cast<uint32_t>(i));
        for (auto dir : {mmgraph::Direction::out, mmgraph::Direction::in}) {
            try {
                mmgraph::NeighbourList list(file.vertex(i), dir);
                for (uint64_t k = 0; k < list.size() && k < 256; ++k) (void)list.at(k);
            } catch (const mmgraph::Error&) {
            }
        }
    }
    for (uint64_t offset = 0; offset < file.file_size(); offset += 1 + file.file_size() / 64) (void)mmgraph::owner_of(file, offset);
}

// The BFS reads edges of both directions and names far ends by global index: top-down and
// bottom-up levels must stop with an error on damaged adjacency, never read outside the mapping.
void search(const std::shared_ptr<const mmgraph::File>& file) {
    if (file->vertex_count() == 0) return;
    const std::filesystem::path path = file->path();
    const mmgraph::Dataset dataset = mmgraph::Dataset::open(path);
    std::vector<int32_t> distance(dataset.vertex_count());
    for (auto direction : {mmgraph::BfsDirection::out, mmgraph::BfsDirection::both}) {
        if (direction != mmgraph::BfsDirection::out && !file->has_in_edges()) continue;
        for (bool bottom_up_always : {false, true}) {
            mmgraph::BfsOptions options;
            options.direction = direction;
            if (bottom_up_always) options.alpha = options.beta = 1e12;
            try {
                (void)mmgraph::bfs(dataset, mmgraph::VertexRef{file->shard_id(), 0}, distance, options);
            } catch (const mmgraph::Error&) {
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // The raw-bytes decoder the viewer shows a refused file with reads anything, opened or not.
    try {
        (void)mmgraph::describe_header(std::span<const uint8_t>(data, size));
    } catch (const mmgraph::Error&) {
    }
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
    // The batch reads (local_targets, for_each_edge, for_each_neighbour, find(keys, out)) must read, and fail,
    // exactly as the one-at-a-time ones do.
    if (!mmgraph::test::batch_mismatch(*file).empty()) std::abort();
    try {
        inspect(*file);
    } catch (const mmgraph::Error&) {
    }
    try {
        search(file);
    } catch (const mmgraph::Error&) {
    }
    try {
        file->verify();
    } catch (const mmgraph::Error&) {
    }
    return 0;
}
