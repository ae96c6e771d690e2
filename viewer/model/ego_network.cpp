#include "ego_network.hpp"

#include <cmath>
#include <algorithm>
#include <optional>
#include <unordered_map>


namespace mmgraph::viewer {

EgoNetwork extract_ego(const File& file, uint32_t centre, EgoOptions options) {
    EgoNetwork net;
    std::unordered_map<uint32_t, size_t> position_of;
    auto add_node = [&](uint32_t index, int hop) -> std::optional<size_t> {
        if (auto it = position_of.find(index); it != position_of.end()) return it->second;
        if (net.nodes.size() >= options.max_nodes) return std::nullopt;
        EgoNode node;
        node.index = index;
        node.hop = hop;
        try {
            node.key = file.vertex(index).key_string();
        } catch (const Error&) {
            node.key = "?";
        }
        position_of[index] = net.nodes.size();
        net.nodes.push_back(node);
        return net.nodes.size() - 1;
    };
    add_node(centre, 0);
    std::vector<size_t> frontier{0};
    for (int hop = 1; hop <= options.hops; ++hop) {
        std::vector<size_t> next;
        for (size_t from : frontier) {
            uint32_t index = net.nodes[from].index;
            uint64_t hidden = 0;
            for (Direction dir : {Direction::out, Direction::in}) {
                if (dir == Direction::in && !file.has_in_edges()) continue;
                try {
                    // Only the first edges are drawn: iterate, do not index the whole record.
                    EdgeRange range = file.vertex(index).edges(dir);
                    uint64_t shown = std::min(range.size(), options.max_per_vertex);
                    hidden += range.size() - shown;
                    uint64_t k = 0;
                    for (const Edge& e : range) {
                        if (k++ == shown) break;
                        if (e.target.shard != file.shard_id()) {
                            ++hidden;
                            continue;
                        }
                        size_t before = net.nodes.size();
                        auto to = add_node(e.target.index, hop);
                        if (!to) {
                            ++hidden;
                            continue;
                        }
                        if (net.nodes.size() > before) next.push_back(*to);
                        if (*to != from) {
                            if (dir == Direction::out) net.edges.push_back({from, *to, e.type});
                            else net.edges.push_back({*to, from, e.type});
                        }
                    }
                } catch (const Error&) {
                    // A damaged record: draw what was read.
                }
            }
            net.nodes[from].hidden = hidden;
        }
        frontier = std::move(next);
    }
    // Nodes of the last hop were not expanded: their neighbours beyond the drawn edges are unknown
    // without reading them, so they carry no marker.
    for (const EgoNode& n : net.nodes) net.hidden += n.hidden;
    // Start on rings by hop, spread by position: deterministic, and the layout untangles from there.
    for (size_t i = 1; i < net.nodes.size(); ++i) {
        float angle = static_cast<float>(i) * 2.3999632f;  // golden angle
        float radius = static_cast<float>(net.nodes[i].hop);
        net.nodes[i].x = radius * std::cos(angle);
        net.nodes[i].y = radius * std::sin(angle);
    }
    return net;
}

float layout_step(EgoNetwork& net, float step) {
    const size_t n = net.nodes.size();
    std::vector<float> fx(n, 0), fy(n, 0);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            float dx = net.nodes[i].x - net.nodes[j].x, dy = net.nodes[i].y - net.nodes[j].y;
            float d2 = std::max(dx * dx + dy * dy, 0.01f);
            float f = 0.2f / d2;
            float d = std::sqrt(d2);
            fx[i] += f * dx / d, fy[i] += f * dy / d;
            fx[j] -= f * dx / d, fy[j] -= f * dy / d;
        }
    for (const EgoEdge& e : net.edges) {
        if (e.from == e.to) continue;
        float dx = net.nodes[e.to].x - net.nodes[e.from].x, dy = net.nodes[e.to].y - net.nodes[e.from].y;
        float d = std::max(std::sqrt(dx * dx + dy * dy), 0.01f);
        float f = 1.0f * (d - 1.0f);
        fx[e.from] += f * dx / d, fy[e.from] += f * dy / d;
        fx[e.to] -= f * dx / d, fy[e.to] -= f * dy / d;
    }
    float moved = 0;
    for (size_t i = 1; i < n; ++i) {  // node 0, the centre, stays at the origin
        EgoNode& node = net.nodes[i];
        node.vx = (node.vx + step * fx[i]) * 0.85f;
        node.vy = (node.vy + step * fy[i]) * 0.85f;
        node.x += node.vx;
        node.y += node.vy;
        moved += std::fabs(node.vx) + std::fabs(node.vy);
    }
    return moved;
}

}  // namespace mmgraph::viewer
