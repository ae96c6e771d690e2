// Figure 7: what several labels per vertex (spec §6.6) and a datetime attribute (§4.3) cost in
// bytes per vertex and in single-key lookups, against the same vertices with one label each.
#pragma once

#include <cstdint>
#include <filesystem>

#include "report.hpp"

namespace mmgraph::bench {

struct LabelCostOptions {
    std::filesystem::path nodes_csv;  // the R-MAT nodes.csv: id,Person,name,score,year per row
    std::filesystem::path scratch;    // the figure's files, removed at the end
    uint64_t lookups = 200000;
    unsigned repeats = 5;
    uint64_t seed = 1;
};

// Writes the vertices four ways and times find(key) + one string attribute per key; throws when
// the files disagree on what the lookups found.
Table label_cost_figure(const LabelCostOptions& options);

}  // namespace mmgraph::bench
