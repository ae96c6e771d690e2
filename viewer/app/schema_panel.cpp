// Schema and node types: labels with their attributes and vertex counts, edge types with
// their properties and edge counts, node types with offset widths, vertices and bytes.
#include "app.hpp"

namespace mmgraph::viewer {

namespace {

constexpr size_t kExpandedEntries = 200;

void attribute_rows(const LabelInfo& entry) {
    for (const AttributeInfo& a : entry.attributes) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Indent();
        ImGui::TextUnformatted(std::string(a.name).c_str());
        ImGui::Unindent();
        ImGui::TableNextColumn();
        ImGui::Text("%s%s", a.type.name().c_str(), a.nullable ? ", nullable" : "");
        ImGui::TableNextColumn();
    }
}

void entry_table(const char* id, std::span<const LabelInfo> entries, const char* count_name) {
    if (!ImGui::BeginTable(id, 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) return;
    ImGui::TableSetupColumn("name");
    ImGui::TableSetupColumn("type");
    ImGui::TableSetupColumn(count_name);
    ImGui::TableHeadersRow();
    // A small schema lists every attribute; a large one gets one clipped row per entry, its
    // attributes in a tooltip, so the frame cost stays bounded.
    const bool expanded = entries.size() <= kExpandedEntries;
    auto row = [&](const LabelInfo& entry) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored({0.6f, 0.8f, 1.0f, 1.0f}, "%s", std::string(entry.name).c_str());
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%zu attributes", entry.attributes.size());
        if (!expanded && ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            for (const AttributeInfo& a : entry.attributes)
                ImGui::Text("%s: %s%s", std::string(a.name).c_str(), a.type.name().c_str(), a.nullable ? ", nullable" : "");
            ImGui::EndTooltip();
        }
        ImGui::TableNextColumn();
        ImGui::Text("%llu", static_cast<unsigned long long>(entry.count));
        if (expanded) attribute_rows(entry);
    };
    if (expanded) {
        for (const LabelInfo& entry : entries) row(entry);
    } else {
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(entries.size()));
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) row(entries[static_cast<size_t>(i)]);
    }
    ImGui::EndTable();
}

}  // namespace

void draw_schema(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Schema and node types", pos, size);
    const File& file = *app.session.file();
    if (ImGui::BeginTabBar("schema")) {
        if (ImGui::BeginTabItem("Labels")) {
            entry_table("labels", file.labels(), "vertices");
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Edge types")) {
            entry_table("edge_types", file.edge_types(), "edges");
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Node types")) {
            if (ImGui::BeginTable("node_types", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY)) {
                ImGui::TableSetupScrollFreeze(0, 1);
                ImGui::TableSetupColumn("id");
                ImGui::TableSetupColumn("label");
                ImGui::TableSetupColumn("widths");
                ImGui::TableSetupColumn("vertices");
                ImGui::TableSetupColumn("bytes");
                ImGui::TableHeadersRow();
                auto types = file.node_types();
                ImGuiListClipper clipper;
                clipper.Begin(static_cast<int>(types.size()));
                while (clipper.Step())
                    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                        const NodeTypeInfo& t = types[static_cast<size_t>(i)];
                        ImGui::TableNextRow();
                        ImGui::TableNextColumn();
                        ImGui::Text("%d", i);
                        ImGui::TableNextColumn();
                        ImGui::TextUnformatted(std::string(file.label_set_layout(t.label).name).c_str());
                        ImGui::TableNextColumn();
                        std::string widths;
                        for (uint8_t w : t.offset_widths) widths += (widths.empty() ? "" : ",") + std::to_string(w);
                        ImGui::TextUnformatted(widths.empty() ? "-" : widths.c_str());
                        ImGui::TableNextColumn();
                        ImGui::Text("%llu", static_cast<unsigned long long>(t.vertices));
                        ImGui::TableNextColumn();
                        if (app.statistics && static_cast<size_t>(i) < app.statistics->node_type_bytes.size())
                            ImGui::TextUnformatted(human_bytes(app.statistics->node_type_bytes[static_cast<size_t>(i)]).c_str());
                        else
                            ImGui::TextDisabled("counting...");
                    }
                ImGui::EndTable();
            }
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace mmgraph::viewer
