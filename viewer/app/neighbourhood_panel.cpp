// Neighbourhood: the current vertex's sampled 1-2 hop ego network (viewer/model/ego_network),
// laid out in rings by hop when selected (ego_layout) and drawn coloured by label, edges by type.
//
// Sections: refreshing the network; the header saying what was left out; mouse handling
// (wheel zooms at the cursor, dragging a vertex moves it, dragging elsewhere pans,
// double-click fits, a click on a vertex walks there); drawing edges, vertices and the legend.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "app.hpp"

namespace mmgraph::viewer {

namespace {

// Labels get saturated colours, edge types paler ones, so a legend entry is not mistaken for
// the other kind.
ImU32 label_colour(uint32_t label) {
    static const ImU32 palette[] = {IM_COL32(78, 160, 235, 255),  IM_COL32(240, 150, 60, 255), IM_COL32(110, 200, 100, 255),
                                    IM_COL32(225, 90, 100, 255),  IM_COL32(175, 125, 220, 255), IM_COL32(230, 210, 80, 255),
                                    IM_COL32(80, 205, 195, 255),  IM_COL32(235, 130, 190, 255)};
    return palette[label % std::size(palette)];
}

ImU32 type_colour(uint32_t type, int alpha = 170) {
    static const ImVec4 palette[] = {{0.70f, 0.72f, 0.78f, 1}, {0.95f, 0.60f, 0.45f, 1}, {0.55f, 0.80f, 0.95f, 1},
                                     {0.75f, 0.90f, 0.55f, 1}, {0.95f, 0.80f, 0.50f, 1}, {0.85f, 0.65f, 0.95f, 1}};
    ImVec4 c = palette[type % std::size(palette)];
    c.w = static_cast<float>(alpha) / 255.0f;
    return ImGui::ColorConvertFloat4ToU32(c);
}

float node_radius(const EgoNode& n) { return n.hop == 0 ? 8.0f : n.hop == 1 ? 6.0f : 4.5f; }

std::string with_commas(uint64_t value) {
    std::string digits = std::to_string(value), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// "27 self-loops, 1,130 repeats, ..." for the non-zero counts.
std::string left_out_text(const EgoCounts& c, uint64_t hidden) {
    std::string text;
    auto part = [&](uint64_t n, const char* what) {
        if (!n) return;
        if (!text.empty()) text += ", ";
        text += with_commas(n) + " " + what;
    };
    part(c.self_loops, "self-loops");
    part(c.repeats, "repeated neighbours");
    part(c.not_chosen, "neighbours over the caps");
    part(c.entries - c.read, "entries not read (sampled)");
    part(c.remote, "in other shards");
    part(c.damaged, "damaged lists");
    if (text.empty() && hidden) text = with_commas(hidden) + " entries";
    return text;
}

void refresh(App& app) {
    if (app.ego_generation == app.session.generation()) return;
    app.ego = extract_ego(*app.session.file(), app.session.current()->index);
    app.ego_generation = app.session.generation();
    radial_layout(app.ego);
    app.ego_view.reset();
    app.ego_pressed.reset();
}

// Counts, and what was left out: in full when the panel has room, else in the tooltip.
void draw_header(const EgoNetwork& net, bool roomy) {
    std::string left_out = left_out_text(net.left_out, net.hidden);
    ImGui::Text("%zu vertices, %zu edges", net.nodes.size(), net.edges.size());
    ImGui::SameLine();
    if (net.hidden) ImGui::TextDisabled("+%s entries not drawn (?)", with_commas(net.hidden).c_str());
    else ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        const EgoOptions limits;
        std::string details = left_out.empty() ? "" : "Left out: " + left_out + ".\n\n";
        ImGui::SetTooltip("%s"
                          "The first hop on the inner ring (out-neighbours first, clockwise from the top), the second\n"
                          "outside, beside the vertex that found them; fainter lines are edges found in between.\n"
                          "Each expanded vertex reads at most %llu entries per direction (longer lists are probed\n"
                          "evenly) and draws up to %llu new neighbours per direction, %zu vertices in all.\n"
                          "Self-loops and repeated neighbours are skipped; parallel edges are drawn once.\n\n"
                          "Wheel: zoom. Drag a vertex: move it. Drag elsewhere: pan. Double-click: fit.\n"
                          "Click a vertex: walk there.",
                          details.c_str(), static_cast<unsigned long long>(limits.max_reads),
                          static_cast<unsigned long long>(limits.max_per_vertex), limits.max_nodes);
    }
    if (roomy && !left_out.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("left out: %s", left_out.c_str());
        ImGui::PopStyleColor();
    }
}

// One legend entry on the current line (wrapping when it would not fit): a disc for a label, a
// line for an edge type.
void legend_entry(ImU32 colour, const std::string& name, bool edge, bool first) {
    const float marker = 12, width = marker + 4 + ImGui::CalcTextSize(name.c_str()).x;
    if (!first) {
        ImGui::SameLine(0, 12);
        if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
    }
    ImVec2 at = ImGui::GetCursorScreenPos();
    float mid = at.y + ImGui::GetTextLineHeight() / 2;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    if (edge) draw->AddLine({at.x, mid}, {at.x + marker, mid}, colour, 2.5f);
    else draw->AddCircleFilled({at.x + marker / 2, mid}, 4.5f, colour);
    ImGui::Dummy({marker, ImGui::GetTextLineHeight()});
    ImGui::SameLine(0, 4);
    ImGui::TextUnformatted(name.c_str());
}

// Which colours mean which label and which edge type, on a row above the drawing.
void draw_legend(const EgoNetwork& net) {
    std::set<uint32_t> labels, types;
    for (const EgoNode& n : net.nodes) labels.insert(n.label);
    for (const EgoEdge& e : net.edges) types.insert(e.type);
    auto name = [](const std::vector<std::string>& names, uint32_t id) { return id < names.size() ? names[id] : "#" + std::to_string(id); };
    const size_t shown = 8;
    size_t k = 0;
    for (uint32_t l : labels)
        if (k < shown) legend_entry(label_colour(l), name(net.label_names, l), false, k++ == 0);
    k = 0;
    for (uint32_t t : types)
        if (k++ < shown) legend_entry(type_colour(t, 255), name(net.type_names, t), true, false);
    size_t more = labels.size() + types.size() - std::min(labels.size(), shown) - std::min(types.size(), shown);
    if (more) {
        ImGui::SameLine();
        ImGui::TextDisabled("+%zu more", more);
    }
}

// The vertex under the mouse: the nearest one within reach of its disc.
std::optional<size_t> node_at(const EgoNetwork& net, const EgoFrame& frame, ImVec2 canvas, ImVec2 mouse) {
    std::optional<size_t> best;
    float best_d2 = 0;
    for (size_t i = 0; i < net.nodes.size(); ++i) {
        const EgoNode& n = net.nodes[i];
        float dx = mouse.x - canvas.x - frame.to_panel_x(n.x), dy = mouse.y - canvas.y - frame.to_panel_y(n.y);
        float reach = node_radius(n) + 3;
        float d2 = dx * dx + dy * dy;
        if (d2 <= reach * reach && (!best || d2 < best_d2)) best = i, best_d2 = d2;
    }
    return best;
}

// Mouse handling on the canvas (an invisible button, so drags stay with it); returns a vertex
// to walk to when one was clicked without moving.
std::optional<uint32_t> handle_mouse(App& app, ImVec2 canvas, ImVec2 size, const std::optional<size_t>& hovered) {
    ImGuiIO& io = ImGui::GetIO();
    EgoNetwork& net = app.ego;
    EgoFrame frame = app.ego_view.frame(size.x, size.y);
    ImVec2 mouse{io.MousePos.x - canvas.x, io.MousePos.y - canvas.y};
    if (ImGui::IsItemHovered() && io.MouseWheel != 0)
        app.ego_view.zoom_at(mouse.x, mouse.y, std::pow(1.2f, io.MouseWheel), size.x, size.y);
    if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(0) && !hovered) app.ego_view.reset();
    if (ImGui::IsItemActivated() && ImGui::IsMouseClicked(0)) {
        app.ego_pressed = hovered;
        app.ego_dragged = false;
    }
    std::optional<uint32_t> walk_to;
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(0)) {
        app.ego_view.hold();  // the fit stops following, so what is dragged stays under the mouse
        if (app.ego_pressed && *app.ego_pressed < net.nodes.size()) {
            EgoNode& n = net.nodes[*app.ego_pressed];
            n.x = frame.to_layout_x(mouse.x);
            n.y = frame.to_layout_y(mouse.y);
        } else {
            app.ego_view.pan(io.MouseDelta.x, io.MouseDelta.y);
        }
        app.ego_dragged = true;
    } else if (ImGui::IsItemActive() && ImGui::IsMouseDragging(1)) {
        app.ego_view.pan(io.MouseDelta.x, io.MouseDelta.y);
    }
    if (ImGui::IsItemDeactivated() && app.ego_pressed && !app.ego_dragged && *app.ego_pressed < net.nodes.size()) {
        const EgoNode& n = net.nodes[*app.ego_pressed];
        if (n.hop > 0 && hovered == app.ego_pressed) walk_to = n.index;
    }
    if (!ImGui::IsItemActive()) {
        app.ego_pressed.reset();
        app.ego_dragged = false;
    }
    return walk_to;
}

void draw_edges(const EgoNetwork& net, const EgoFrame& frame, ImVec2 canvas, ImDrawList* draw) {
    // Edges joining the same two vertices (both directions, several types) bend apart.
    std::map<std::pair<size_t, size_t>, int> lanes, used;
    for (const EgoEdge& e : net.edges) ++lanes[std::minmax(e.from, e.to)];
    auto screen = [&](const EgoNode& n) { return ImVec2{canvas.x + frame.to_panel_x(n.x), canvas.y + frame.to_panel_y(n.y)}; };
    for (const EgoEdge& e : net.edges) {
        auto pair = std::minmax(e.from, e.to);
        int lane = used[pair]++, count = lanes[pair];
        ImVec2 a = screen(net.nodes[e.from]), b = screen(net.nodes[e.to]);
        float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
        if (len < 1) continue;
        float ux = dx / len, uy = dy / len;
        // The bend is measured from the pair's lower position, so opposite directions part.
        float bend = (static_cast<float>(lane) - static_cast<float>(count - 1) / 2) * 7.0f;
        if (e.from != pair.first) bend = -bend;
        ImVec2 mid{(a.x + b.x) / 2 - uy * bend * 2, (a.y + b.y) / 2 + ux * bend * 2};
        // Edges that brought a vertex in carry the picture; the others are fainter.
        bool tree = net.nodes[e.to].parent == e.from || net.nodes[e.from].parent == e.to;
        ImU32 colour = type_colour(e.type, tree ? 200 : 70);
        if (bend == 0) draw->AddLine(a, b, colour, tree ? 1.5f : 1.0f);
        else draw->AddBezierQuadratic(a, mid, b, colour, tree ? 1.5f : 1.0f, 12);
        if (len > 16) {
            // An arrow head just short of the target's disc shows the direction.
            float back = node_radius(net.nodes[e.to]) + 1;
            ImVec2 tip{b.x - ux * back, b.y - uy * back};
            if (bend != 0) {  // along the curve's last tangent
                float tx = b.x - mid.x, ty = b.y - mid.y, tl = std::sqrt(tx * tx + ty * ty);
                ux = tx / tl, uy = ty / tl;
                tip = {b.x - ux * back, b.y - uy * back};
            }
            draw->AddTriangleFilled(tip, {tip.x - ux * 7 - uy * 3.5f, tip.y - uy * 7 + ux * 3.5f},
                                    {tip.x - ux * 7 + uy * 3.5f, tip.y - uy * 7 - ux * 3.5f}, type_colour(e.type, tree ? 230 : 110));
        }
    }
}

void node_tooltip(const EgoNode& n) {
    ImGui::BeginTooltip();
    ImGui::Text("%s", n.key.c_str());
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(label_colour(n.label)), ":%s", n.label_name.c_str());
    ImGui::TextDisabled("#%u, hop %d", n.index, n.hop);
    if (n.expanded) {
        ImGui::Text("%s adjacency entries, %s read%s", with_commas(n.counts.entries).c_str(), with_commas(n.counts.read).c_str(),
                    n.sampled ? " (sampled evenly)" : "");
        std::string text = left_out_text(n.counts, n.hidden);
        if (!text.empty()) ImGui::TextDisabled("left out: %s", text.c_str());
    } else {
        ImGui::TextDisabled("not expanded: only its edges to the vertices shown");
    }
    if (n.hop > 0) ImGui::TextDisabled("click to walk here, drag to move");
    ImGui::EndTooltip();
}

void draw_nodes(const App& app, const EgoFrame& frame, ImVec2 canvas, ImDrawList* draw, const std::optional<size_t>& hovered) {
    const EgoNetwork& net = app.ego;
    // Names where they stay readable: the centre always, the rest in small or zoomed-in pictures.
    bool all_named = net.nodes.size() <= 16 || app.ego_view.zoom() >= 2.5f;
    for (size_t i = 0; i < net.nodes.size(); ++i) {
        const EgoNode& n = net.nodes[i];
        ImVec2 p{canvas.x + frame.to_panel_x(n.x), canvas.y + frame.to_panel_y(n.y)};
        float radius = node_radius(n);
        draw->AddCircleFilled(p, radius, label_colour(n.label));
        if (n.hop == 0) draw->AddCircle(p, radius + 2.5f, IM_COL32(255, 255, 255, 230), 0, 2.0f);
        if (hovered == i) draw->AddCircle(p, radius + 2, IM_COL32(255, 255, 255, 255), 0, 1.5f);
        if (n.hop == 0 || all_named || hovered == i) {
            std::string name = n.key.size() > 18 ? n.key.substr(0, 16) + ".." : n.key;
            draw->AddText({p.x + radius + 3, p.y - 7}, IM_COL32(235, 235, 235, 255), name.c_str());
        }
    }
}

}  // namespace

void draw_neighbourhood(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Neighbourhood", pos, size, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    if (!app.session.current()) {
        ImGui::TextDisabled("Select a vertex.");
        ImGui::End();
        return;
    }
    refresh(app);
    EgoNetwork& net = app.ego;
    draw_header(net, size.y >= 300);
    draw_legend(net);

    ImVec2 canvas = ImGui::GetCursorScreenPos();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    if (avail.x < 20 || avail.y < 20) {
        ImGui::End();
        return;
    }
    app.ego_width = avail.x, app.ego_height = avail.y;
    app.ego_view.follow(net);
    ImGui::InvisibleButton("canvas", avail, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
    EgoFrame frame = app.ego_view.frame(avail.x, avail.y);
    std::optional<size_t> hovered;
    if (ImGui::IsItemHovered() || ImGui::IsItemActive()) hovered = node_at(net, frame, canvas, ImGui::GetIO().MousePos);
    if (app.ego_pressed && ImGui::IsItemActive()) hovered = app.ego_pressed;
    std::optional<uint32_t> walk_to = handle_mouse(app, canvas, avail, hovered);
    frame = app.ego_view.frame(avail.x, avail.y);  // after this frame's zoom and pan

    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(canvas, {canvas.x + avail.x, canvas.y + avail.y}, true);
    draw_edges(net, frame, canvas, draw);
    draw_nodes(app, frame, canvas, draw, hovered);
    draw->PopClipRect();
    if (hovered && *hovered < net.nodes.size() && !app.ego_dragged) node_tooltip(net.nodes[*hovered]);
    ImGui::End();
    if (walk_to) app.session.go_index(*walk_to);
}

nlohmann::ordered_json App::neighbourhood_state() const {
    if (!session.current() || ego_generation != session.generation() || ego.nodes.empty()) return nullptr;
    return ego_state(ego, ego_view.frame(ego_width, ego_height));
}

}  // namespace mmgraph::viewer
