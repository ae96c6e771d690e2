// The 1-2 hop ego network of a vertex, capped, and a force-directed layout of it. Extraction
// reads at most max_per_vertex edges per direction per vertex, so its cost is bounded whatever
// the degrees; each node records how many of its neighbours were left out ("+N more").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmgraph/reader.hpp"

namespace mmgraph::viewer {

struct EgoNode {
    uint32_t index = 0;
    int hop = 0;          // 0 for the centre
    std::string key;
    uint64_t hidden = 0;  // neighbours not drawn
    float x = 0, y = 0;   // layout position, centre at the origin
    float vx = 0, vy = 0;
};

struct EgoEdge {
    size_t from = 0, to = 0;  // positions in EgoNetwork::nodes
    uint32_t type = 0;
};

struct EgoNetwork {
    std::vector<EgoNode> nodes;
    std::vector<EgoEdge> edges;
    uint64_t hidden = 0;  // sum of the nodes' hidden counts
};

struct EgoOptions {
    int hops = 2;
    size_t max_nodes = 60;
    uint64_t max_per_vertex = 12;  // edges read per direction and vertex
};

EgoNetwork extract_ego(const File& file, uint32_t centre, EgoOptions options = {});

// One step of a spring-electric layout (repulsion between all nodes, springs along edges, the
// centre pinned); returns the total movement so callers can stop when it settles.
float layout_step(EgoNetwork& network, float step = 0.05f);

}  // namespace mmgraph::viewer
