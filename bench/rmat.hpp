// Seeded Graph500-style R-MAT graphs (a = 0.57, b = 0.19, c = 0.19, d = 0.05), written as a
// SNAP edge list and as neo4j-admin import CSV with typed properties on vertices and edges.
#pragma once

#include <cstdint>
#include <filesystem>

namespace mmgraph::bench {

struct RmatOptions {
    unsigned scale = 20;        // 2^scale vertex ids
    unsigned edge_factor = 16;  // edges = edge_factor * 2^scale
    uint64_t seed = 1;
};

struct RmatFiles {
    std::filesystem::path edge_list;  // "FROM\tTO" lines: only vertices with an edge exist
    std::filesystem::path nodes_csv;  // :ID,:LABEL,name:string,score:double,year:int (every id; an unnamed key column stores no attribute)
    std::filesystem::path edges_csv;  // :START_ID,:END_ID,:TYPE,weight:float,since:int
    uint64_t vertices = 0;            // 2^scale, the rows of nodes_csv
    uint64_t edges = 0;
};

// Writes edges.txt, nodes.csv and edges.csv into `directory` (created if needed). The same
// options give the same bytes.
RmatFiles write_rmat(const RmatOptions& options, const std::filesystem::path& directory);

}  // namespace mmgraph::bench
