// Sections: the radial layout; the view (fit, zoom, pan); the state dump.
#include "ego_layout.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace mmgraph::viewer {

void radial_layout(EgoNetwork& net) {
    constexpr float kTurn = 6.2831853f;
    constexpr float kTop = -kTurn / 4;  // panel y grows downwards: angles run clockwise from the top
    const size_t n = net.nodes.size();
    std::vector<float> angle(n, kTop);
    int last_hop = 0;
    for (const EgoNode& node : net.nodes) last_hop = std::max(last_hop, node.hop);
    float radius = 0;
    size_t inner = 0;  // vertices on the previous ring
    for (int hop = 0; hop <= last_hop; ++hop) {
        std::vector<size_t> ring;
        for (size_t i = 0; i < n; ++i)
            if (net.nodes[i].hop == hop) ring.push_back(i);
        if (ring.empty()) continue;
        // A ring with more vertices moves out so their spacing matches the inner ring's, within
        // bounds that keep the rings apart and the inner ones from shrinking to a dot.
        if (hop == 1) radius = 1;
        else if (hop > 1)
            radius = std::clamp(radius * static_cast<float>(ring.size()) / static_cast<float>(std::max<size_t>(inner, 1)),
                                radius + 0.6f, radius + 2.0f);
        inner = ring.size();
        const bool outer = hop >= 2;
        // Outer rings: beside the vertex that found them, in the order they were found.
        if (outer)
            std::stable_sort(ring.begin(), ring.end(),
                             [&](size_t a, size_t b) { return angle[net.nodes[a].parent] < angle[net.nodes[b].parent]; });
        const float slot = kTurn / static_cast<float>(ring.size());
        // The turn of the ring that best lines its vertices up with their parents: the circular
        // mean of the differences.
        float turn = 0;
        if (outer) {
            float sx = 0, sy = 0;
            for (size_t j = 0; j < ring.size(); ++j) {
                float d = angle[net.nodes[ring[j]].parent] - (kTop + slot * static_cast<float>(j));
                sx += std::cos(d), sy += std::sin(d);
            }
            if (sx * sx + sy * sy > 1e-6f) turn = std::atan2(sy, sx);
        }
        for (size_t j = 0; j < ring.size(); ++j) {
            EgoNode& node = net.nodes[ring[j]];
            angle[ring[j]] = kTop + slot * static_cast<float>(j) + turn;
            node.x = radius * std::cos(angle[ring[j]]);
            node.y = radius * std::sin(angle[ring[j]]);
        }
    }
}

void EgoView::follow(const EgoNetwork& net) {
    if (!following_ || net.nodes.empty()) return;
    min_x_ = min_y_ = INFINITY;
    max_x_ = max_y_ = -INFINITY;
    for (const EgoNode& n : net.nodes) {
        if (!std::isfinite(n.x) || !std::isfinite(n.y)) continue;
        min_x_ = std::min(min_x_, n.x), max_x_ = std::max(max_x_, n.x);
        min_y_ = std::min(min_y_, n.y), max_y_ = std::max(max_y_, n.y);
    }
    if (min_x_ > max_x_) min_x_ = min_y_ = -1, max_x_ = max_y_ = 1;
}

EgoFrame EgoView::frame(float width, float height) const {
    EgoFrame f;
    f.width = width, f.height = height;
    // Room for the vertex discs and the centre's name at the edges.
    float margin = std::min(28.0f, 0.12f * std::min(width, height));
    float span_x = std::max(max_x_ - min_x_, 1.0f), span_y = std::max(max_y_ - min_y_, 1.0f);
    float fit_x = std::max((width - 2 * margin) / span_x, 1e-3f), fit_y = std::max((height - 2 * margin) / span_y, 1e-3f);
    float uniform = std::min(fit_x, fit_y);
    f.scale_x = std::min(fit_x, uniform * kMaxStretch) * zoom_;
    f.scale_y = std::min(fit_y, uniform * kMaxStretch) * zoom_;
    float mid_x = (min_x_ + max_x_) / 2, mid_y = (min_y_ + max_y_) / 2;
    f.origin_x = width / 2 + pan_x_ - mid_x * f.scale_x;
    f.origin_y = height / 2 + pan_y_ - mid_y * f.scale_y;
    return f;
}

void EgoView::zoom_at(float px, float py, float factor, float width, float height) {
    float zoom = std::clamp(zoom_ * factor, 0.25f, 40.0f);
    factor = zoom / zoom_;
    // The layout point under (px, py) stays there: its offset from the panel centre scales.
    float cx = px - width / 2, cy = py - height / 2;
    pan_x_ = cx - (cx - pan_x_) * factor;
    pan_y_ = cy - (cy - pan_y_) * factor;
    zoom_ = zoom;
    following_ = false;
}

void EgoView::pan(float dx, float dy) {
    pan_x_ += dx, pan_y_ += dy;
    following_ = false;
}

void EgoView::reset() {
    zoom_ = 1, pan_x_ = pan_y_ = 0;
    following_ = true;
}

nlohmann::ordered_json ego_state(const EgoNetwork& net, const EgoFrame& frame) {
    auto vertices = nlohmann::ordered_json::array();
    for (const EgoNode& n : net.nodes) {
        // Keys as the rest of the state writes them: numbers for int64 keys, null when damaged.
        nlohmann::ordered_json key = n.key;
        if (n.key == "?") key = nullptr;
        else if (net.int_keys) key = std::stoll(n.key);
        nlohmann::ordered_json label = n.label_name;
        if (n.label_name == "?") label = nullptr;
        vertices.push_back({{"index", n.index}, {"key", key}, {"label", label}, {"x", frame.to_panel_x(n.x)},
                            {"y", frame.to_panel_y(n.y)}});
    }
    auto edges = nlohmann::ordered_json::array();
    for (const EgoEdge& e : net.edges) {
        std::string type = e.type < net.type_names.size() ? net.type_names[e.type] : std::to_string(e.type);
        edges.push_back({{"from", net.nodes[e.from].index}, {"to", net.nodes[e.to].index}, {"type", type}});
    }
    const EgoCounts& c = net.left_out;
    nlohmann::ordered_json left_out = {{"entries", c.entries},       {"read", c.read},       {"self_loops", c.self_loops},
                                       {"repeats", c.repeats},       {"remote", c.remote},   {"not_chosen", c.not_chosen},
                                       {"damaged", c.damaged},       {"hidden", net.hidden}};
    return {{"width", frame.width}, {"height", frame.height}, {"vertices", std::move(vertices)},
            {"edges", std::move(edges)}, {"left_out", std::move(left_out)}};
}

}  // namespace mmgraph::viewer
