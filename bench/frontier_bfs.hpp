// The level-synchronous BFS that the CSR, mmgraph and SQLite peers share, so that they differ
// only in how they list a vertex's out-neighbours: a visited bitmap, and two flat frontiers.
#pragma once

#include <cstdint>
#include <vector>

#include "peers.hpp"

namespace mmgraph::bench {

// for_each_neighbour(v, visit) calls visit(w) for every out-neighbour w of v.
template <typename ForEachNeighbour>
BfsAnswer frontier_bfs(uint64_t vertices, uint32_t source, ForEachNeighbour&& for_each_neighbour) {
    std::vector<uint64_t> visited((vertices + 63) / 64, 0);
    std::vector<uint32_t> frontier{source}, next;
    visited[source / 64] |= uint64_t{1} << (source % 64);
    BfsAnswer answer;
    while (!frontier.empty()) {
        answer.histogram.push_back(frontier.size());
        answer.reached += frontier.size();
        next.clear();
        for (uint32_t v : frontier)
            for_each_neighbour(v, [&](uint32_t w) {
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

}  // namespace mmgraph::bench
