// The peers' view of an input graph, read straight from the files the mmgraph CLI reads (a SNAP
// edge list, or neo4j-admin CSV): keys, one probed string attribute, and out-adjacency as a
// plain CSR of uint32 targets in std::vectors. This CSR is itself the "physical limit" peer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mmgraph/types.hpp"

namespace mmgraph::bench {

struct InputGraph {
    bool int_keys = false;
    std::vector<int64_t> int_key;    // per vertex, int-keyed graphs (edge lists)
    std::vector<char> key_bytes;     // string keys, concatenated
    std::vector<uint64_t> key_begin;  // per vertex, + end
    // The probed attribute (string-keyed graphs): per vertex, absent when null or not a column
    // of the vertex's file.
    std::vector<char> attribute_bytes;
    std::vector<uint64_t> attribute_begin;  // per vertex, + end
    std::vector<uint8_t> attribute_present;
    std::vector<uint64_t> offsets;   // out-edge CSR: per vertex, + end
    std::vector<uint32_t> targets;
    uint64_t input_bytes = 0;        // size of the files read

    uint64_t vertex_count() const { return offsets.empty() ? 0 : offsets.size() - 1; }
    uint64_t edge_count() const { return targets.size(); }
    Key key(uint32_t v) const;
    std::optional<uint32_t> find(const Key& key) const;
    std::optional<std::string_view> attribute(uint32_t v) const;
    uint64_t out_degree(uint32_t v) const { return offsets[v + 1] - offsets[v]; }
    // The vertex of highest out-degree (lowest index on ties): the fixed BFS source.
    uint32_t busiest_vertex() const;

    std::unordered_map<int64_t, uint32_t> int_index;
    std::unordered_map<std::string_view, uint32_t> string_index;  // views into key_bytes
};

// SNAP edge lists: every distinct id is a vertex, numbered in order of first sight (as
// `mmgraph build --edgelist` numbers them).
InputGraph load_edge_list(const std::vector<std::string>& paths);

// Vertices 0..vertices-1, vertex v keyed by the int64 v (isolated ones included), and the
// edges from[e] -> to[e].
InputGraph graph_of_ids(uint64_t vertices, const std::vector<uint32_t>& from, const std::vector<uint32_t>& to);

// neo4j-admin CSV: vertices from the node files in row order, edges from the relationship
// files; `attribute` names the string column that lookups read.
InputGraph load_csv(const std::vector<std::string>& node_files, const std::vector<std::string>& edge_files,
                    const std::string& attribute);

}  // namespace mmgraph::bench
