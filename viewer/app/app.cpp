// Frame layout (a fixed tiling that fits 1280x800 and scales with the window), the menu bar,
// keyboard and mouse shortcuts, opening files, and the shared colours.
#include "app.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include <GLFW/glfw3.h>

namespace mmgraph::viewer {

void App::open(const std::string& path) {
    session.open(path);
    follow_file();
}

void App::follow_file() {
    if (session.file() == shown_file) return;
    shown_file = session.file();
    worker.cancel();
    statistics.reset();
    verifier.cancel();
    integrity.reset();
    verify_cancelled = false;
    flags_generation = ~uint64_t{0};
    focus_offset.reset();
    bytes_open = false;
    bytes_window_of.reset();
    map_detail_begin.reset();
    map_generation = ~uint64_t{0};
    ego = {};
    ego_generation = ~uint64_t{0};
    blocks.clear();
    if (shown_file) {
        blocks = layout_blocks(*shown_file);
        map.begin = 0;
        map.end = shown_file->file_size();
        worker.start(shown_file);
        verifier.start(shown_file);
    }
}

const VertexFlags& App::vertex_flags() {
    if (!integrity || !session.current()) {
        flags = {};
    } else if (flags_generation != session.generation()) {
        flags = flag_vertex(*session.file(), session.current()->anatomy, *integrity);
        flags_generation = session.generation();
    }
    return flags;
}

void App::go_to_byte(uint64_t offset, uint64_t length) {
    const auto& file = session.file();
    if (!file || offset >= file->file_size()) return;
    map.show(offset, offset + std::max<uint64_t>(length, 1), file->file_size());
    session.select_byte(offset);
    // A range (a section's checksum) belongs to no one vertex.
    const auto& vertex = session.selected_byte()->owner.vertex;
    if (length == 0 && vertex) {
        if (!session.current() || session.current()->index != *vertex) session.go_index(*vertex);
        focus_offset = offset;
    }
}

void App::go_to_offset(uint64_t offset) {
    const auto& file = session.file();
    if (!file || !session.select_byte(offset)) return;
    // About 12 bytes of context each side: at the map's usual width the bytes show as hex.
    map.show(offset > 12 ? offset - 12 : 0, std::min(offset + 13, file->file_size()), file->file_size());
    map_generation = session.generation();  // the map shows the byte, not the vertex
    bytes_open = true;
    bytes_begin = offset / 16 * 16;
    bytes_scroll = true;
}

void App::handle_shortcuts() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    // Alt+Left / Alt+Right, and the mouse's back / forward buttons, walk the history.
    if ((io.KeyAlt && ImGui::IsKeyPressed(GLFW_KEY_LEFT)) || ImGui::IsMouseClicked(3)) session.back();
    if ((io.KeyAlt && ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) || ImGui::IsMouseClicked(4)) session.forward();
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_O)) open_dialog = true;
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_G)) focus_offset_input = true;
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Q)) quit = true;
    if (io.KeyCtrl && (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD))) scale_text(1.25f);
    if (io.KeyCtrl && (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT))) scale_text(0.8f);
}

// ImGui's built-in font is a 13-pixel bitmap: scaled up it stays readable on a 4K screen.
void App::scale_text(float factor) {
    ImGuiIO& io = ImGui::GetIO();
    io.FontGlobalScale = std::clamp(io.FontGlobalScale * factor, 0.6f, 4.0f);
}

void App::frame() {
    follow_file();
    if (!worker.running())
        if (auto result = worker.take()) statistics = std::move(result);
    if (!verifier.running())
        if (auto result = verifier.take()) {
            integrity = std::move(result);
            flags_generation = ~uint64_t{0};
        }
    handle_shortcuts();

    float menu_height = 0;
    if (ImGui::BeginMainMenuBar()) {
        if (ImGui::BeginMenu("File")) {
            if (ImGui::MenuItem("Open...", "Ctrl+O")) open_dialog = true;
            if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit = true;
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu("View")) {
            if (ImGui::MenuItem("Larger text", "Ctrl+=")) scale_text(1.25f);
            if (ImGui::MenuItem("Smaller text", "Ctrl+-")) scale_text(0.8f);
            if (ImGui::MenuItem("Text at 100%")) ImGui::GetIO().FontGlobalScale = 1.0f;
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu("Go")) {
            if (ImGui::MenuItem("Back", "Alt+Left", false, session.history().can_back())) session.back();
            if (ImGui::MenuItem("Forward", "Alt+Right", false, session.history().can_forward())) session.forward();
            ImGui::EndMenu();
        }
        draw_verify_status(*this);
        ImGui::TextDisabled("%s", session.path().empty() ? "no file" : session.path().c_str());
        menu_height = ImGui::GetWindowSize().y;
        ImGui::EndMainMenuBar();
    }
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const Rect area{0, menu_height, display.x, display.y - menu_height};
    layout.show_errors = session.file() && (!session.errors().empty() || (integrity && !integrity->findings.empty()));
    const auto placed = layout.place(area);
    auto panel = [&](PanelId id, void (*draw)(App&, ImVec2, ImVec2)) {
        const Rect& r = placed.panels[static_cast<size_t>(id)];
        draw(*this, {r.x, r.y}, {r.w, r.h});
    };
    panel(PanelId::map, draw_layout_map);
    if (!session.file()) {
        // Nothing to walk: the error takes the body.
        const Rect& map = placed.panels[static_cast<size_t>(PanelId::map)];
        const float top = map.y + map.h + PanelLayout::kGap;
        draw_errors(*this, {area.x, top}, {area.w, area.y + area.h - top});
    } else {
        panel(PanelId::walker, draw_walker);
        panel(PanelId::schema, draw_schema);
        panel(PanelId::anatomy, draw_anatomy);
        if (layout.show_errors) panel(PanelId::errors, draw_errors);
        panel(PanelId::neighbourhood, draw_neighbourhood);
        panel(PanelId::statistics, draw_statistics);
    }
    draw_splitters(placed, area);
    draw_bytes(*this);
    draw_open_dialog(*this);
}

// Each splitter is a window of its own in the gap between two panels, so that it gets the
// mouse before the panels do; dragging it moves the split.
void App::draw_splitters(const PanelLayout::Placement& placed, const Rect& area) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {0, 0});
    ImGui::PushStyleVar(ImGuiStyleVar_WindowMinSize, {1, 1});
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    for (size_t i = 0; i < placed.splitters.size(); ++i) {
        const Rect& r = placed.splitters[i];
        if (r.w <= 0 || r.h <= 0 || (!session.file() && i != static_cast<size_t>(SplitId::map_bottom))) continue;
        const auto id = static_cast<SplitId>(i);
        const bool vertical = PanelLayout::vertical(id);
        ImGui::SetNextWindowPos({r.x, r.y}, ImGuiCond_Always);
        ImGui::SetNextWindowSize({r.w, r.h}, ImGuiCond_Always);
        const std::string name = "##splitter" + std::to_string(i);
        ImGui::Begin(name.c_str(), nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
        ImGui::InvisibleButton("handle", {r.w, r.h});
        const bool active = ImGui::IsItemActive();
        if (active || ImGui::IsItemHovered()) {
            ImGui::SetMouseCursor(vertical ? ImGuiMouseCursor_ResizeEW : ImGuiMouseCursor_ResizeNS);
            ImGui::GetWindowDrawList()->AddRectFilled({r.x, r.y}, {r.x + r.w, r.y + r.h}, IM_COL32(110, 140, 190, 200));
        }
        if (active) {
            const ImVec2 mouse = ImGui::GetIO().MousePos;
            layout.drag(id, vertical ? mouse.x - PanelLayout::kGap / 2 : mouse.y - PanelLayout::kGap / 2, area);
        }
        ImGui::End();
    }
    ImGui::PopStyleVar(3);
}

nlohmann::ordered_json App::footprint_state() const {
    const auto& current = session.current();
    if (!current) return nullptr;
    const Footprint& f = current->footprint;
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    for (const FootprintPart& p : f.parts) parts.push_back({{"part", std::string(part_name(p.part))}, {"bytes", p.bytes}, {"pages", p.pages}});
    return {{"pages", f.pages.size()},
            {"bytes", f.bytes},
            {"parts", parts},
            {"hop_new_pages", current->hop_new_pages ? nlohmann::ordered_json(*current->hop_new_pages) : nlohmann::ordered_json()}};
}

bool begin_field_table(const char* id, float offset_chars, const char* second, float second_chars) {
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable(id, 4, flags)) return false;
    const float char_width = ImGui::CalcTextSize("0").x;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("offset", ImGuiTableColumnFlags_WidthFixed, char_width * offset_chars);
    ImGui::TableSetupColumn(second, ImGuiTableColumnFlags_WidthFixed, char_width * second_chars);
    ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    return true;
}

void begin_panel(const char* title, ImVec2 pos, ImVec2 size, ImGuiWindowFlags flags) {
    ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
    ImGui::SetNextWindowSize(size, ImGuiCond_Always);
    ImGui::Begin(title, nullptr, ImGuiWindowFlags_NoCollapse | flags);
}

ImU32 section_colour(uint16_t kind, const std::string& name) {
    static const ImU32 palette[] = {
        IM_COL32(90, 90, 90, 255),    // 0: header, directory
        IM_COL32(214, 158, 46, 255),  // 1 strings
        IM_COL32(191, 97, 106, 255),  // 2 schema
        IM_COL32(180, 142, 173, 255), // 3 node_types
        IM_COL32(94, 129, 172, 255),  // 4 vertices
        IM_COL32(163, 190, 140, 255), // 5 nodes
        IM_COL32(208, 135, 112, 255), // 6 out_edges
        IM_COL32(235, 203, 139, 255), // 7 in_edges
        IM_COL32(136, 192, 208, 255), // 8 edge_props
        IM_COL32(129, 161, 193, 255), // 9 key_index (2.2 and older)
        IM_COL32(200, 200, 200, 255), // 10 label_sets
        IM_COL32(200, 200, 200, 255), // 11 id_spaces
        IM_COL32(129, 161, 193, 255), // 12 key_table, key_index's successor (2.3)
        IM_COL32(222, 160, 140, 255), // 13 out_runs (2.5), out_edges' hue, lighter
        IM_COL32(245, 220, 170, 255), // 14 in_runs (2.5), in_edges' hue, lighter
        IM_COL32(129, 161, 193, 255), // 15 key_table whose slots name node blocks (2.6), kind 12's colour
    };
    if (name == "padding") return IM_COL32(40, 40, 40, 255);
    if (name == "directory") return IM_COL32(120, 120, 120, 255);
    return kind < std::size(palette) ? palette[kind] : IM_COL32(200, 200, 200, 255);
}

ImU32 part_colour(Part part, float alpha) {
    ImVec4 c;
    switch (part) {
        case Part::slot: c = {0.37f, 0.51f, 0.67f, alpha}; break;
        case Part::node: c = {0.64f, 0.75f, 0.55f, alpha}; break;
        case Part::out_edges: c = {0.82f, 0.53f, 0.44f, alpha}; break;
        case Part::in_edges: c = {0.92f, 0.80f, 0.55f, alpha}; break;
        case Part::out_runs: c = {0.87f, 0.63f, 0.55f, alpha}; break;
        case Part::in_runs: c = {0.96f, 0.86f, 0.67f, alpha}; break;
        case Part::key_index: c = {0.51f, 0.63f, 0.76f, alpha}; break;
        default: c = {0.6f, 0.6f, 0.6f, alpha}; break;
    }
    return ImGui::ColorConvertFloat4ToU32(c);
}

ImU32 field_colour(size_t field_index, Part part) {
    // Neighbouring fields alternate in brightness around their part's hue, so borders show.
    ImVec4 base = ImGui::ColorConvertU32ToFloat4(part_colour(part));
    float shade = 0.55f + 0.45f * static_cast<float>((field_index * 7) % 5) / 4.0f;
    return ImGui::ColorConvertFloat4ToU32({base.x * shade, base.y * shade, base.z * shade, 1.0f});
}

std::string human_bytes(uint64_t bytes) {
    char buf[32];
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) value /= 1024, ++unit;
    if (unit == 0) std::snprintf(buf, sizeof buf, "%" PRIu64 " B", bytes);
    else std::snprintf(buf, sizeof buf, "%.1f %s", value, units[unit]);
    return buf;
}

std::string hex_offset(uint64_t offset) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, offset);
    return buf;
}

}  // namespace mmgraph::viewer
