// Seeded Graph500-style R-MAT graphs (a = 0.57, b = 0.19, c = 0.19, d = 0.05), written as a
// SNAP edge list and as neo4j-admin import CSV with typed properties on vertices and edges; and
// the same topology as a property graph shaped like real data (many edge types of skewed
// frequency, most with properties, several vertex labels).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

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

// The same distribution of edges in memory, for figures that need no files: edge e goes from
// from[e] to to[e], both below `vertices` (2^scale). The same options give the same edges.
struct RmatEdges {
    uint64_t vertices = 0;
    std::vector<uint32_t> from, to;
};
RmatEdges generate_rmat_edges(const RmatOptions& options);

// A property graph on an R-MAT topology: each edge gets one of `edge_types` types drawn from a
// Zipf law (type t with weight 1 / (t + 1)^1.1, so a few types hold most edges and the rest are
// rare, as in lexical and knowledge graphs); four of every five types carry properties (int,
// float, string, boolean, in four schemas), the fifth none. Vertices get one of four labels,
// each with its own columns.
struct TypedRmatOptions {
    unsigned scale = 17;       // 2^scale vertex ids, all written as vertices
    unsigned edge_factor = 3;  // edges = edge_factor * 2^scale
    unsigned edge_types = 30;
    uint64_t seed = 1;
};

struct TypedRmatFiles {
    std::vector<std::filesystem::path> nodes_csv;  // one per label
    std::vector<std::filesystem::path> edges_csv;  // one per property schema, several types each
    uint64_t vertices = 0;
    uint64_t edges = 0;
};

// Writes nodes-*.csv and edges-*.csv into `directory` (created if needed). The same options give
// the same bytes.
TypedRmatFiles write_typed_rmat(const TypedRmatOptions& options, const std::filesystem::path& directory);

}  // namespace mmgraph::bench
