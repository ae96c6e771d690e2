// Vertex walker: go to an index or a key, back / forward and breadcrumbs, the current vertex's
// label and typed attributes, and its neighbours by edge type in clipped lists. Verify's
// findings in the vertex's records are listed under it, and an edge type whose block holds one
// is shown in red.
#include <algorithm>
#include <climits>
#include <cstdint>

#include <GLFW/glfw3.h>

#include "app.hpp"

#include <imgui_stdlib.h>  // after imgui.h, which it needs

namespace mmgraph::viewer {

namespace {

// The hovered edge: its position in the list and its properties. Properties live in the
// source's shard (§8.2), so an in-edge from another shard file shows none.
void edge_tooltip(const File& file, const Edge& e, uint64_t position) {
    ImGui::BeginTooltip();
    ImGui::Text("%s-edge %llu over all types: click to walk there", e.direction == Direction::out ? "out" : "in",
                static_cast<unsigned long long>(position));
    const LabelInfo& type = file.edge_types()[e.type];
    if (!type.attributes.empty() && (e.direction == Direction::out || e.target.shard == file.shard_id())) {
        for (uint32_t p = 0; p < type.attributes.size(); ++p) {
            std::string value;
            try {
                value = value_text(file.property(e, p));
            } catch (const Error& err) {
                value = std::string("damaged: ") + err.what();
            }
            ImGui::Text("%s = %s", std::string(type.attributes[p].name).c_str(), value.c_str());
        }
    }
    ImGui::EndTooltip();
}

// The finding in the block of one edge type, if any.
const VerifyFinding* block_finding(App& app, Direction dir, uint32_t type) {
    for (const BlockFlag& flag : app.vertex_flags().blocks)
        if (flag.direction == dir && flag.type == type) return &app.integrity->findings[flag.finding];
    return nullptr;
}

// The text of one neighbour entry: the other end's key and index.
std::string neighbour_text(App& app, const NeighbourList& list, uint64_t position, Edge& e, bool& decoded) {
    const File& file = *app.session.file();
    try {
        e = list.at(position);
        decoded = true;
        if (e.target.shard == file.shard_id()) return app.session.key_of(e.target.index) + "  #" + std::to_string(e.target.index);
        return "shard " + std::to_string(e.target.shard) + " #" + std::to_string(e.target.index);
    } catch (const Error& err) {
        decoded = false;
        return std::string("damaged: ") + err.what();
    }
}

// One row of a neighbour list; true when clicked (walk there). Ctrl+C or the context menu
// copies the key or the index.
bool neighbour_row(App& app, const NeighbourList& list, uint64_t position, bool highlighted) {
    const File& file = *app.session.file();
    Edge e;
    bool decoded = false;
    const std::string text = neighbour_text(app, list, position, e, decoded);
    ImGui::PushID(static_cast<int>(position));
    const bool clicked = ImGui::Selectable(text.c_str(), highlighted);
    if (decoded && ImGui::IsItemHovered()) {
        edge_tooltip(file, e, position);
        if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_C)) ImGui::SetClipboardText(app.session.key_of(e.target.index).c_str());
    }
    if (decoded && ImGui::BeginPopupContextItem("row menu")) {
        if (ImGui::MenuItem("Copy key", "Ctrl+C")) ImGui::SetClipboardText(app.session.key_of(e.target.index).c_str());
        if (ImGui::MenuItem("Copy index")) ImGui::SetClipboardText(std::to_string(e.target.index).c_str());
        if (ImGui::MenuItem("Copy entry position")) ImGui::SetClipboardText(std::to_string(position).c_str());
        ImGui::EndPopup();
    }
    ImGui::PopID();
    return clicked;
}

// One edge type's run of a neighbour list: only the visible rows are decoded.
void neighbour_run(App& app, const NeighbourList& list, const NeighbourList::TypeRun& run, Direction dir, bool reset_scroll) {
    const File& file = *app.session.file();
    App::NeighbourListView& view = app.neighbour_views[dir == Direction::out ? 0 : 1];
    const bool target_here = view.scroll_to && *view.scroll_to >= run.first && *view.scroll_to < run.first + run.count;
    const char* arrow = dir == Direction::out ? "->" : "<-";
    std::string title = std::string(arrow) + " " + std::string(file.edge_types()[run.type].name) + " (" + std::to_string(run.count) + ")";
    const VerifyFinding* finding = block_finding(app, dir, run.type);
    if (finding) title += "  damaged (verify)";
    ImGui::PushID(static_cast<int>(run.type) * 2 + (dir == Direction::out ? 0 : 1));
    if (target_here) ImGui::SetNextItemOpen(true);
    if (finding) ImGui::PushStyleColor(ImGuiCol_Text, kFindingText);
    bool open = ImGui::TreeNodeEx(title.c_str(), ImGuiTreeNodeFlags_DefaultOpen);
    if (finding) {
        ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", without_path(finding->message, app.session.path()).c_str());
    }
    if (open) {
        float row = ImGui::GetTextLineHeightWithSpacing();
        float height = std::min(static_cast<float>(run.count), 8.0f) * row + 4;
        ImGui::BeginChild("rows", {0, height}, false);
        if (reset_scroll) ImGui::SetScrollY(0);
        if (target_here) ImGui::SetScrollY(static_cast<float>(*view.scroll_to - run.first) * row);
        ImGuiListClipper clipper;
        // The clipper counts in int; a longer run shows its first INT_MAX rows.
        clipper.Begin(static_cast<int>(std::min<uint64_t>(run.count, INT_MAX)), row);
        std::optional<uint64_t> follow;
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const uint64_t position = run.first + static_cast<uint64_t>(i);
                if (neighbour_row(app, list, position, view.highlighted == position)) follow = position;
            }
        ImGui::EndChild();
        ImGui::TreePop();
        if (follow) app.session.follow(dir, *follow);
    }
    ImGui::PopID();
}

// The filter box and "jump to entry N" of one direction's list.
void list_controls(App& app, const NeighbourList& list, Direction dir) {
    App::NeighbourListView& view = app.neighbour_views[dir == Direction::out ? 0 : 1];
    ImGui::PushID(dir == Direction::out ? "out controls" : "in controls");
    ImGui::TextDisabled("%s %llu", dir == Direction::out ? "out" : "in", static_cast<unsigned long long>(list.size()));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(80.0f, ImGui::GetContentRegionAvail().x - 150));
    ImGui::InputTextWithHint("##filter", "filter by key", &view.filter);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(70);
    const bool entered = ImGui::InputScalar("##entry", ImGuiDataType_U64, &view.jump_input, nullptr, nullptr, nullptr,
                                            ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Entry N of the list, over all edge types in stored order");
    ImGui::SameLine();
    if ((ImGui::SmallButton("Go") || entered) && view.jump_input < list.size()) {
        view.filter.clear();
        view.scroll_to = view.highlighted = view.jump_input;
    }
    ImGui::PopID();
}

// The entries whose key contains the filter text, recomputed when the text or vertex changes.
void filtered_list(App& app, const NeighbourList& list, Direction dir) {
    App::NeighbourListView& view = app.neighbour_views[dir == Direction::out ? 0 : 1];
    if (view.matched_filter != view.filter || view.matched_generation != app.session.generation()) {
        view.matches = filter_neighbours(*app.session.file(), list, view.filter);
        view.matched_filter = view.filter;
        view.matched_generation = app.session.generation();
    }
    const NeighbourMatches& m = view.matches;
    ImGui::TextDisabled("%zu matches in %llu of %llu entries%s", m.positions.size(), static_cast<unsigned long long>(m.scanned),
                        static_cast<unsigned long long>(list.size()), m.damaged ? " (some damaged)" : "");
    const float row = ImGui::GetTextLineHeightWithSpacing();
    ImGui::PushID(dir == Direction::out ? "out matches" : "in matches");
    ImGui::BeginChild("matches", {0, std::min(static_cast<float>(m.positions.size()), 10.0f) * row + 4}, false);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(std::min<size_t>(m.positions.size(), INT_MAX)), row);
    std::optional<uint64_t> follow;
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
            if (neighbour_row(app, list, m.positions[static_cast<size_t>(i)], false)) follow = m.positions[static_cast<size_t>(i)];
    ImGui::EndChild();
    ImGui::PopID();
    if (follow) app.session.follow(dir, *follow);
}

// The attribute table; hovering a value shows it whole, Ctrl+C or the context menu copies it.
void attribute_table(App& app, const CurrentVertex& current) {
    if (current.attributes.empty() || !ImGui::BeginTable("attributes", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) return;
    const File& file = *app.session.file();
    for (size_t i = 0; i < current.attributes.size(); ++i) {
        const auto& [name, value] = current.attributes[i];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(name.c_str());
        ImGui::TableNextColumn();
        ImGui::PushID(static_cast<int>(i));
        ImGui::Selectable(value == "null" ? "null" : value.c_str(), false, ImGuiSelectableFlags_SpanAllColumns);
        auto whole = [&] {
            try {
                return value_text(file.vertex(current.index).get(static_cast<uint32_t>(i)), SIZE_MAX);
            } catch (const Error& e) {
                return std::string("damaged: ") + e.what();
            }
        };
        if (ImGui::IsItemHovered()) {
            const std::string text = whole();
            if (text.size() > 40) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
                ImGui::TextUnformatted(text.c_str(), text.c_str() + std::min<size_t>(text.size(), 64 * 1024));
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
            if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_C)) ImGui::SetClipboardText(text.c_str());
        }
        if (ImGui::BeginPopupContextItem("value menu")) {
            if (ImGui::MenuItem("Copy value", "Ctrl+C")) ImGui::SetClipboardText(whole().c_str());
            if (ImGui::MenuItem("Copy name")) ImGui::SetClipboardText(name.c_str());
            ImGui::EndPopup();
        }
        ImGui::PopID();
    }
    ImGui::EndTable();
}

// What a service pays to read this vertex: the pages its records touch, and how many of them
// the hop from the previous vertex found new (each a page fault on a cold cache).
void footprint_line(const CurrentVertex& current) {
    const Footprint& f = current.footprint;
    if (f.pages.empty()) return;
    ImGui::TextDisabled("read: %zu pages, %s", f.pages.size(), human_bytes(f.bytes).c_str());
    if (current.hop_new_pages) {
        ImGui::SameLine();
        ImGui::TextColored({0.95f, 0.75f, 0.4f, 1}, "last hop: %llu new", static_cast<unsigned long long>(*current.hop_new_pages));
    }
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::Text("Reading this vertex touches, by part (%llu-byte pages):", static_cast<unsigned long long>(f.page_size));
        for (const FootprintPart& p : f.parts)
            ImGui::Text("  %-10s %s in %llu page%s", std::string(part_name(p.part)).c_str(), human_bytes(p.bytes).c_str(),
                        static_cast<unsigned long long>(p.pages), p.pages == 1 ? "" : "s");
        ImGui::TextDisabled("Pages of the last hop not touched by the vertex before it: the page faults of a step on a cold cache.");
        ImGui::EndTooltip();
    }
}

// Verify's findings in the current vertex's records: the field and the problem, each a link
// to the field in the anatomy.
void vertex_findings(App& app) {
    const VertexFlags& flags = app.vertex_flags();
    if (flags.records.empty()) return;
    const VertexAnatomy& anatomy = app.session.current()->anatomy;
    ImGui::TextColored(kFindingText, "verify: %zu problem%s in this vertex's records", flags.records.size(), flags.records.size() == 1 ? "" : "s");
    constexpr size_t kShown = 4;
    for (size_t k = 0; k < flags.records.size() && k < kShown; ++k) {
        const VerifyFinding& f = app.integrity->findings[flags.records[k]];
        std::string where = hex_offset(f.offset);
        for (const FieldFlag& flag : flags.fields)
            if (flag.finding == flags.records[k]) where = anatomy.fields[flag.field].name;
        ImGui::PushID(static_cast<int>(k));
        ImGui::Bullet();
        ImGui::PushStyleColor(ImGuiCol_Text, kFindingText);
        if (ImGui::SmallButton(where.c_str())) app.focus_offset = f.offset;
        ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", without_path(f.message, app.session.path()).c_str());
        ImGui::PopID();
    }
    if (flags.records.size() > kShown) ImGui::TextDisabled("... %zu more in Errors", flags.records.size() - kShown);
}

}  // namespace

void draw_walker(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Vertex walker", pos, size);
    Session& s = app.session;
    const File& file = *s.file();
    ImGui::Text("%llu vertices, %llu edges, %s keys", static_cast<unsigned long long>(file.vertex_count()),
                static_cast<unsigned long long>(file.edge_count()), file.key_type() == KeyType::string ? "string" : "int64");

    // The Index and Key fields show where the walk is.
    const bool moved = app.walker_generation != s.generation();
    if (moved && s.current()) {
        app.index_input = s.current()->index;
        app.key_input = s.current()->key;
        for (auto& view : app.neighbour_views) view.scroll_to.reset(), view.highlighted.reset();
    }
    app.walker_generation = s.generation();

    ImGui::SetNextItemWidth(90);
    bool go_index = ImGui::InputScalar("##index", ImGuiDataType_U64, &app.index_input, nullptr, nullptr, nullptr,
                                       ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if (ImGui::Button("Index") || go_index) s.go_index(app.index_input);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(60.0f, ImGui::GetContentRegionAvail().x - 50));
    bool go_key = ImGui::InputTextWithHint("##key", "key", &app.key_input, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if (ImGui::Button("Key") || go_key) s.go_key(app.key_input);

    ImGui::BeginDisabled(!s.history().can_back());
    if (ImGui::ArrowButton("##back", ImGuiDir_Left)) s.back();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Back (Alt+Left)");
    ImGui::SameLine();
    ImGui::BeginDisabled(!s.history().can_forward());
    if (ImGui::ArrowButton("##forward", ImGuiDir_Right)) s.forward();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Forward (Alt+Right)");

    // Breadcrumbs: the path walked, the most recent ones when it is long.
    const auto& entries = s.history().entries();
    constexpr size_t kCrumbs = 8;
    size_t first = entries.size() > kCrumbs ? entries.size() - kCrumbs : 0;
    std::optional<size_t> jump;
    if (first > 0) {
        ImGui::SameLine();
        ImGui::TextDisabled("...");
    }
    for (size_t i = first; i < entries.size(); ++i) {
        ImGui::SameLine();
        std::string label = s.key_of(entries[i]);
        if (label.size() > 14) label = label.substr(0, 12) + "..";
        ImGui::PushID(static_cast<int>(i));
        bool here = i == s.history().position();
        if (here) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::SmallButton(label.c_str())) jump = i;
        if (here) ImGui::PopStyleColor();
        ImGui::PopID();
    }
    if (jump) s.jump(*jump);
    ImGui::Separator();

    const auto& current = s.current();
    if (!current) {
        ImGui::TextDisabled("The file has no vertices.");
        ImGui::End();
        return;
    }
    ImGui::Text("#%u  %s", current->index, current->key.c_str());
    if (ImGui::BeginPopupContextItem("vertex menu")) {
        if (ImGui::MenuItem("Copy key")) ImGui::SetClipboardText(current->key.c_str());
        if (ImGui::MenuItem("Copy index")) ImGui::SetClipboardText(std::to_string(current->index).c_str());
        ImGui::EndPopup();
    }
    if (ImGui::IsItemHovered() && ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_C)) ImGui::SetClipboardText(current->key.c_str());
    ImGui::SameLine();
    for (const std::string& label : current->labels) {  // every label, as Cypher writes them: :Movie :Sequel
        ImGui::SameLine();
        ImGui::TextColored({0.6f, 0.8f, 1.0f, 1.0f}, ":%s", label.c_str());
    }
    if (!current->id_space.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("in ID space %s", current->id_space.c_str());
    }
    if (!current->error.empty()) ImGui::TextColored(kFindingText, "%s", current->error.c_str());
    vertex_findings(app);
    attribute_table(app, *current);
    ImGui::Text("out-degree %llu, in-degree %s", static_cast<unsigned long long>(current->out.size()),
                file.has_in_edges() ? std::to_string(current->in.size()).c_str() : "not stored");
    footprint_line(*current);
    ImGui::BeginChild("neighbours");
    if (moved) ImGui::SetScrollY(0);
    // Following a neighbour replaces the current vertex and its lists: stop drawing them then.
    const uint64_t generation = s.generation();
    for (Direction dir : {Direction::out, Direction::in}) {
        if (s.generation() != generation) break;
        const NeighbourList& list = dir == Direction::out ? current->out : current->in;
        if (list.size() == 0) continue;
        list_controls(app, list, dir);
        if (!app.neighbour_views[dir == Direction::out ? 0 : 1].filter.empty()) {
            filtered_list(app, list, dir);
            continue;
        }
        for (size_t r = 0; r < list.runs().size() && s.generation() == generation; ++r) neighbour_run(app, list, list.runs()[r], dir, moved);
        if (s.generation() == generation) app.neighbour_views[dir == Direction::out ? 0 : 1].scroll_to.reset();
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace mmgraph::viewer
