// The 1-2 hop ego network of a vertex, sampled so that a hub shows distinct neighbours at a
// bounded cost, and what the sample left out.
//
// Sampling: each expanded vertex reads at most `max_reads` adjacency entries per direction; a
// longer list is probed at evenly spaced positions (flat records index in O(blocks)), so hubs
// are sampled across all their edge types and targets rather than by their first entries.
// Self-loops, repeated neighbours and neighbours in other shards are skipped and counted. Of
// the distinct new neighbours found, an evenly spaced choice becomes nodes, within a per-vertex
// cap and a share of the node cap that keeps the second hop balanced between the first hop's
// vertices. Positions (layout) and drawing live in ego_layout.hpp and the panel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmgraph/reader.hpp"

namespace mmgraph::viewer {

// What an expanded vertex's sample read and why entries were not drawn; zero for vertices of the
// last hop, whose lists are not read.
struct EgoCounts {
    uint64_t entries = 0;     // adjacency entries in both directions (the degrees)
    uint64_t read = 0;        // entries read (all of them unless sampled)
    uint64_t self_loops = 0;  // read entries pointing back at the vertex
    uint64_t repeats = 0;     // read entries repeating a (neighbour, type) already read
    uint64_t remote = 0;      // read entries whose neighbour is in another shard
    uint64_t not_chosen = 0;  // distinct new neighbours found but over the caps
    uint64_t damaged = 0;     // directions whose record could not be read
    EgoCounts& operator+=(const EgoCounts& other);
};

struct EgoNode {
    uint32_t index = 0;
    int hop = 0;              // 0 for the centre
    size_t parent = 0;        // the node whose list it was found in (itself for the centre)
    std::string key;          // "?" when the record is damaged
    uint32_t label = 0;       // label id; label_name is "?" when the record is damaged
    std::string label_name;
    bool expanded = false;    // its lists were read (hops below the last)
    bool sampled = false;     // a list was longer than max_reads: probed evenly
    EgoCounts counts;
    uint64_t hidden = 0;      // entries not drawn as an edge: counts.entries - edges drawn from it
    float x = 0, y = 0;       // layout position (ego_layout.hpp), centre at the origin
};

struct EgoEdge {
    size_t from = 0, to = 0;  // positions in EgoNetwork::nodes, in the edge's direction
    uint32_t type = 0;
};

struct EgoNetwork {
    std::vector<EgoNode> nodes;
    std::vector<EgoEdge> edges;  // distinct (from, to, type): parallel edges are one
    EgoCounts left_out;          // the expanded vertices' counts, summed
    uint64_t hidden = 0;         // the nodes' hidden entries, summed
    bool int_keys = false;       // keys are int64 (dumped as numbers)
    std::vector<std::string> label_names;  // by label id, for the legend and the state dump
    std::vector<std::string> type_names;   // by edge type id
};

struct EgoOptions {
    int hops = 2;
    size_t max_nodes = 60;
    uint64_t max_per_vertex = 12;  // new neighbours taken per direction and vertex
    uint64_t max_reads = 1024;     // entries read per direction and vertex
};

EgoNetwork extract_ego(const File& file, uint32_t centre, EgoOptions options = {});

}  // namespace mmgraph::viewer
