// The level-synchronous BFS that the CSR, mmgraph and SQLite peers share, so that they differ
// only in how they list the out-neighbours of a frontier: a visited bitmap, and two flat
// frontiers.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "peers.hpp"

namespace mmgraph::bench {

// expand(frontier, visit) calls visit(w) for every out-neighbour w of every vertex of the
// frontier (a std::span<const uint32_t>), vertex by vertex in frontier order. A peer lists a
// whole level at once so that it can overlap the work of successive vertices, as
// File::for_each_neighbour and File::for_each_edge do.
template <typename Expand>
BfsAnswer frontier_bfs(uint64_t vertices, uint32_t source, Expand&& expand) {
    std::vector<uint64_t> visited((vertices + 63) / 64, 0);
    std::vector<uint32_t> frontier{source}, next;
    visited[source / 64] |= uint64_t{1} << (source % 64);
    BfsAnswer answer;
    while (!frontier.empty()) {
        answer.histogram.push_back(frontier.size());
        answer.reached += frontier.size();
        next.clear();
        expand(std::span<const uint32_t>(frontier), [&](uint32_t w) {
            ++answer.edges;
            uint64_t& word = visited[w / 64];
            uint64_t bit = uint64_t{1} << (w % 64);
            if (word & bit) return;
            word |= bit;
            next.push_back(w);
        });
        frontier.swap(next);
    }
    return answer;
}

// An expand for peers that list one vertex at a time: for_each_neighbour(v, visit).
template <typename ForEachNeighbour>
auto vertex_by_vertex(ForEachNeighbour&& for_each_neighbour) {
    return [&for_each_neighbour](std::span<const uint32_t> frontier, auto&& visit) {
        for (uint32_t v : frontier) for_each_neighbour(v, visit);
    };
}

}  // namespace mmgraph::bench
