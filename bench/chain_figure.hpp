// Figure 10: lookups one key at a time where each key comes from the previous answer, so that no
// two lookups can overlap: mmgraph's find(key), its batch find with one key, and the in-memory
// peer (std::unordered_map from key to index + CSR), each then reading the out-degree.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "report.hpp"
#include "rmat.hpp"

namespace mmgraph::bench {

struct ChainOptions {
    RmatOptions rmat;                 // the graph: every id below 2^scale is a vertex
    std::filesystem::path scratch;    // the figure's file, removed at the end
    uint64_t lookups = 1'000'000;     // steps of the chain
    unsigned repeats = 5;
};

std::string chain_figure_title(const ChainOptions& options);

// Writes the graph with the Writer, walks the chain with each of the three, in turn for every
// repeat, and gives one row of ns per lookup and ratios; throws when they disagree.
// `vs_peer` receives mmgraph find(key)'s time over the peer's.
Table chain_figure(const ChainOptions& options, double* vs_peer = nullptr);

}  // namespace mmgraph::bench
