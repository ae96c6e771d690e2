// Neighbourhood: the current vertex's 1-2 hop ego network (capped), drawn with a force layout
// that settles over a few frames; a click on a node walks there.
#include <algorithm>
#include <cmath>

#include "app.hpp"

namespace mmgraph::viewer {

void draw_neighbourhood(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Neighbourhood", pos, size, ImGuiWindowFlags_NoScrollbar);
    const auto& current = app.session.current();
    if (!current) {
        ImGui::TextDisabled("Select a vertex.");
        ImGui::End();
        return;
    }
    if (app.ego_generation != app.session.generation()) {
        app.ego = extract_ego(*app.session.file(), current->index);
        app.ego_generation = app.session.generation();
        // Most of the settling happens here, so the first frame already shows a tidy picture.
        for (int i = 0; i < 300 && layout_step(app.ego) > 1e-3f; ++i) {}
        app.ego_settle_frames = 120;
    }
    if (app.ego_settle_frames > 0) {
        --app.ego_settle_frames;
        layout_step(app.ego);
    }
    EgoNetwork& net = app.ego;
    ImGui::Text("%zu vertices, %zu edges", net.nodes.size(), net.edges.size());
    if (net.hidden) {
        ImGui::SameLine();
        ImGui::TextDisabled("(+%llu more not drawn)", static_cast<unsigned long long>(net.hidden));
    }

    ImVec2 origin = ImGui::GetCursorScreenPos();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    if (avail.x < 20 || avail.y < 20) {
        ImGui::End();
        return;
    }
    float extent = 0.5f;
    for (const EgoNode& n : net.nodes) extent = std::max({extent, std::fabs(n.x), std::fabs(n.y)});
    float scale = std::min(avail.x, avail.y) * 0.5f * 0.85f / extent;
    ImVec2 centre{origin.x + avail.x / 2, origin.y + avail.y / 2};
    auto screen = [&](const EgoNode& n) { return ImVec2{centre.x + n.x * scale, centre.y + n.y * scale}; };
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(origin, {origin.x + avail.x, origin.y + avail.y}, true);
    for (const EgoEdge& e : net.edges) {
        ImVec2 a = screen(net.nodes[e.from]), b = screen(net.nodes[e.to]);
        draw->AddLine(a, b, IM_COL32(150, 150, 160, 120), 1.0f);
        // An arrow head two thirds along the edge shows its direction.
        float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
        if (len > 12) {
            ImVec2 m{a.x + dx * 0.66f, a.y + dy * 0.66f};
            float ux = dx / len, uy = dy / len;
            draw->AddTriangleFilled({m.x + ux * 5, m.y + uy * 5}, {m.x - uy * 3, m.y + ux * 3}, {m.x + uy * 3, m.y - ux * 3},
                                    IM_COL32(170, 170, 180, 200));
        }
    }
    static const ImU32 hop_colour[] = {IM_COL32(255, 210, 90, 255), IM_COL32(110, 170, 240, 255), IM_COL32(140, 200, 140, 255)};
    std::optional<uint32_t> walk_to;
    ImVec2 mouse = ImGui::GetIO().MousePos;
    bool hovered_window = ImGui::IsWindowHovered();
    for (const EgoNode& n : net.nodes) {
        ImVec2 p = screen(n);
        float radius = n.hop == 0 ? 8.0f : 5.0f;
        draw->AddCircleFilled(p, radius, hop_colour[std::min(n.hop, 2)]);
        // Labels only where they stay readable: the centre always, the others in small networks;
        // hovering names any node.
        bool labelled = n.hop == 0 || net.nodes.size() <= 16;
        std::string label = n.key.size() > 18 ? n.key.substr(0, 16) + ".." : n.key;
        if (labelled) draw->AddText({p.x + radius + 2, p.y - 7}, IM_COL32(230, 230, 230, 255), label.c_str());
        if (n.hidden && labelled) {
            std::string more = "+" + std::to_string(n.hidden) + " more";
            draw->AddText({p.x + radius + 2, p.y + 5}, IM_COL32(160, 160, 160, 255), more.c_str());
        }
        float dx = mouse.x - p.x, dy = mouse.y - p.y;
        if (hovered_window && dx * dx + dy * dy <= (radius + 3) * (radius + 3)) {
            ImGui::SetTooltip("%s  #%u  (hop %d)%s", n.key.c_str(), n.index, n.hop, n.hop ? "\nclick to walk here" : "");
            if (ImGui::IsMouseClicked(0) && n.hop > 0) walk_to = n.index;
        }
    }
    draw->PopClipRect();
    ImGui::Dummy(avail);
    ImGui::End();
    if (walk_to) app.session.go_index(*walk_to);
}

}  // namespace mmgraph::viewer
