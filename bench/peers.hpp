// The four ways of answering the same two queries: mmgraph (a mapped file), the plain
// in-memory CSR, Boost.Graph's compressed_sparse_row_graph and SQLite. Each query returns an
// answer that must be identical across peers; the harness times them and compares.
//
//   BFS     full single-threaded breadth-first search over out-edges from one source:
//           vertices reached and the number at each distance.
//   lookup  per key: find the vertex, read one string attribute, read its out-degree.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "graph_input.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::bench {

struct BfsAnswer {
    uint64_t reached = 0;
    uint64_t edges = 0;               // out-edges scanned (of every reached vertex)
    std::vector<uint64_t> histogram;  // vertices at distance 0, 1, ...
    bool operator==(const BfsAnswer&) const = default;
    std::string describe() const;
};

struct LookupAnswer {
    uint64_t found = 0;
    uint64_t with_attribute = 0;
    uint64_t attribute_hash = 0;  // sum of FNV-1a hashes of the attribute values read
    uint64_t degree_sum = 0;
    bool operator==(const LookupAnswer&) const = default;
    std::string describe() const;
    void add(std::optional<std::string_view> attribute, uint64_t degree);
};

// ---- plain CSR: the InputGraph itself, with a hash map for keys ----
BfsAnswer csr_bfs(const InputGraph& graph, uint32_t source);
LookupAnswer csr_lookup(const InputGraph& graph, const std::vector<Key>& keys);
// The in-edges of the CSR (sources by target), for the bottom-up levels below.
struct ReverseCsr {
    std::vector<uint64_t> offsets;  // per vertex, + end
    std::vector<uint32_t> sources;
};
ReverseCsr reverse_of(const InputGraph& graph);
// Direction-optimizing BFS over the CSR with the thresholds of mmgraph::bfs (alpha 15, beta 18):
// the in-memory reference for the library's. Reached and histogram only (edges is 0).
BfsAnswer csr_bfs_direction_optimizing(const InputGraph& graph, const ReverseCsr& reverse, uint32_t source);

// ---- Boost.Graph ----
class BoostPeer {
public:
    explicit BoostPeer(const InputGraph& graph);
    ~BoostPeer();
    BfsAnswer bfs(uint32_t source) const;
    // Boost has no key index of its own: a user keeps a hash map next to it (the InputGraph's).
    LookupAnswer lookup(const std::vector<Key>& keys) const;

private:
    struct Impl;
    const InputGraph& input_;
    std::unique_ptr<Impl> impl_;
};

// ---- SQLite ----
class SqlitePeer {
public:
    // vertices(id INTEGER PRIMARY KEY), edges(src, dst), indexes edges(src, dst), edges(dst, src).
    static SqlitePeer from_graph(const std::filesystem::path& db, const InputGraph& graph);
    // vertices(id TEXT PRIMARY KEY, label, <every node column>), edges(src, dst, type,
    // <every relationship column>), indexes on edges(src) and edges(dst).
    static SqlitePeer from_csv(const std::filesystem::path& db, const std::vector<std::string>& node_files,
                               const std::vector<std::string>& edge_files);
    SqlitePeer(SqlitePeer&&) noexcept;
    ~SqlitePeer();

    uint64_t bytes_out_index = 0;   // database size with the out (src) index only
    uint64_t bytes = 0;             // with both indexes
    double load_seconds = 0;

    // The application's BFS: one prepared neighbour query per vertex.
    BfsAnswer bfs(const InputGraph& graph, uint32_t source) const;
    LookupAnswer lookup(const std::vector<Key>& keys, const std::string& attribute) const;

private:
    explicit SqlitePeer(const std::filesystem::path& db);
    static void finish_load(SqlitePeer& peer, std::chrono::steady_clock::time_point start);
    sqlite3* db_ = nullptr;
};

// ---- mmgraph, through the public reader API ----
// BFS: each level through File::for_each_neighbour (prefetches ahead in the frontier, reads
// only the neighbours: like the CSR, no edge types or ordinals).
BfsAnswer mmgraph_bfs(const File& file, uint32_t source);
// BFS: each level through File::for_each_edge (the same prefetching; every edge's type and
// ordinal decoded, which a search that filters by type or reads properties needs).
BfsAnswer mmgraph_bfs_edges(const File& file, uint32_t source);
// BFS: each vertex through vertex(v).edges(out), one after the other.
BfsAnswer mmgraph_bfs_per_vertex(const File& file, uint32_t source);
// Lookups: chunks of kLookupChunk keys through the batch File::find(keys, out), then the
// attribute and the out-degree of each vertex found.
inline constexpr size_t kLookupChunk = 256;
LookupAnswer mmgraph_lookup(const File& file, const std::vector<Key>& keys, const std::string& attribute);
// Lookups: one find(key), attribute and out-degree after the other.
LookupAnswer mmgraph_lookup_per_key(const File& file, const std::vector<Key>& keys, const std::string& attribute);

}  // namespace mmgraph::bench
