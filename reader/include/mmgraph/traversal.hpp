// Breadth-first search over a dataset, the one behind `mmgraph bfs` and Python's `File.bfs()`.
//
// Direction-optimizing (Beamer, Asanović, Patterson, SC 2012): a level is expanded top-down
// (each frontier vertex lists its neighbours through File::for_each_neighbour, which prefetches
// and reads neither edge types nor ordinals) while the frontier is small, and bottom-up (each
// unvisited vertex scans its edges of the reverse direction until it meets a frontier vertex)
// while the frontier holds a large part of the graph, where top-down would test mostly visited vertices. Bottom-up needs the reverse edges
// stored: an out-search reads in-edges, an in-search out-edges, a search over both reads both.
// Without in-edges every level is top-down. The distances are the same either way; only the
// time differs.
//
// Numbering. Vertices are numbered across the dataset's mapped shards in shard order: shard s's
// vertex i is global index (vertices of the mapped shards before s) + i, so a single file's
// indices are its own (the numbering of the Python module). An edge into an unmapped shard
// throws ShardNotMapped; an edge naming a vertex that does not exist throws ErrorKind::damaged.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mmgraph/reader.hpp"

namespace mmgraph {

// Which edges a search follows: out-edges, in-edges (reversed), or both as undirected.
enum class BfsDirection : uint8_t { out, in, both };

struct BfsOptions {
    BfsDirection direction = BfsDirection::out;
    // false: top-down at every level (the reference the benchmark compares with).
    bool bottom_up = true;
    // Beamer's thresholds. Go bottom-up once the frontier's edges exceed 1/alpha of the edges
    // of the vertices not yet reached; back to top-down once the frontier stops growing and
    // holds fewer than 1/beta of the vertices. The defaults are the paper's (and GAP's).
    double alpha = 15;
    double beta = 18;
};

struct BfsSummary {
    std::vector<uint64_t> level_sizes;  // vertices at each distance; [0] is the source
    uint32_t bottom_up_levels = 0;      // levels expanded bottom-up
    uint64_t reached() const;
};

// The first global index of each shard (unmapped shards take none), then the total: shard s's
// vertex i is global index first[s] + i.
std::vector<uint64_t> global_first_indices(const Dataset& dataset);

// Distances from `source`: distance[v] = hops from the source to global vertex v, -1 where it
// is not reached. `distance` must hold dataset.vertex_count() entries; on error its contents are
// unspecified. Throws ErrorKind::misuse for a wrong size, a source that is not a vertex of a
// mapped shard, or an in- or both-search on a file without in-edges.
BfsSummary bfs(const Dataset& dataset, VertexRef source, std::span<int32_t> distance, const BfsOptions& options = {});

}  // namespace mmgraph
