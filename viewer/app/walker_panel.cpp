// Vertex walker: go to an index or a key, back / forward and breadcrumbs, the current vertex's
// label and typed attributes, and its neighbours by edge type in clipped lists. Verify's
// findings in the vertex's records are listed under it, and an edge type whose block holds one
// is shown in red.
#include <algorithm>
#include <climits>

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

// One edge type's run of a neighbour list: only the visible rows are decoded.
void neighbour_run(App& app, const NeighbourList& list, const NeighbourList::TypeRun& run, Direction dir) {
    const File& file = *app.session.file();
    const char* arrow = dir == Direction::out ? "->" : "<-";
    std::string title = std::string(arrow) + " " + std::string(file.edge_types()[run.type].name) + " (" + std::to_string(run.count) + ")";
    const VerifyFinding* finding = block_finding(app, dir, run.type);
    if (finding) title += "  damaged (verify)";
    ImGui::PushID(static_cast<int>(run.type) * 2 + (dir == Direction::out ? 0 : 1));
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
        ImGuiListClipper clipper;
        // The clipper counts in int; a longer run shows its first INT_MAX rows.
        clipper.Begin(static_cast<int>(std::min<uint64_t>(run.count, INT_MAX)), row);
        std::optional<uint64_t> follow;
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                uint64_t position = run.first + static_cast<uint64_t>(i);
                std::string text;
                Edge e;
                bool decoded = false;
                try {
                    e = list.at(position);
                    decoded = true;
                    if (e.target.shard == file.shard_id())
                        text = app.session.key_of(e.target.index) + "  #" + std::to_string(e.target.index);
                    else
                        text = "shard " + std::to_string(e.target.shard) + " #" + std::to_string(e.target.index);
                } catch (const Error& err) {
                    text = std::string("damaged: ") + err.what();
                }
                ImGui::PushID(i);
                if (ImGui::Selectable(text.c_str())) follow = position;
                if (decoded && ImGui::IsItemHovered()) edge_tooltip(file, e, position);
                ImGui::PopID();
            }
        ImGui::EndChild();
        ImGui::TreePop();
        if (follow) app.session.follow(dir, *follow);
    }
    ImGui::PopID();
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
    ImGui::SameLine();
    ImGui::TextColored({0.6f, 0.8f, 1.0f, 1.0f}, ":%s", current->label.c_str());
    if (!current->error.empty()) ImGui::TextColored(kFindingText, "%s", current->error.c_str());
    vertex_findings(app);
    if (!current->attributes.empty() && ImGui::BeginTable("attributes", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
        for (const auto& [name, value] : current->attributes) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(name.c_str());
            ImGui::TableNextColumn();
            if (value == "null") ImGui::TextDisabled("null");
            else ImGui::TextUnformatted(value.c_str());
        }
        ImGui::EndTable();
    }
    ImGui::Text("out-degree %llu, in-degree %s", static_cast<unsigned long long>(current->out.size()),
                file.has_in_edges() ? std::to_string(current->in.size()).c_str() : "not stored");
    ImGui::BeginChild("neighbours");
    // Following a neighbour replaces the current vertex and its lists: stop drawing them then.
    uint64_t generation = s.generation();
    for (Direction dir : {Direction::out, Direction::in}) {
        size_t runs = (dir == Direction::out ? current->out : current->in).runs().size();
        for (size_t r = 0; r < runs && s.generation() == generation; ++r) {
            const NeighbourList& list = dir == Direction::out ? s.current()->out : s.current()->in;
            neighbour_run(app, list, list.runs()[r], dir);
        }
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace mmgraph::viewer
