// Statistics: degree histograms on a log scale (from the worker thread, with progress), bytes
// by section and vertices per node type (from the tables read at open).
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "app.hpp"

namespace mmgraph::viewer {

namespace {

// Bars of log10(count + 1) so that a few hubs and millions of leaves share one chart.
void histogram(const char* title, const DegreeHistogram& h, ImU32 colour) {
    ImGui::Text("%s: max %" PRIu64 " (vertex %u), mean %.2f", title, h.max_degree, h.max_vertex,
                h.vertices ? static_cast<double>(h.total) / static_cast<double>(h.vertices) : 0.0);
    ImVec2 origin = ImGui::GetCursorScreenPos();
    float width = ImGui::GetContentRegionAvail().x, height = 70;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRect(origin, {origin.x + width, origin.y + height}, IM_COL32(80, 80, 80, 255));
    double top = 1;
    for (uint64_t c : h.buckets) top = std::max(top, std::log10(static_cast<double>(c) + 1));
    size_t n = std::max<size_t>(h.buckets.size(), 1);
    float bar = width / static_cast<float>(n);
    for (size_t b = 0; b < h.buckets.size(); ++b) {
        float share = static_cast<float>(std::log10(static_cast<double>(h.buckets[b]) + 1) / top);
        ImVec2 a{origin.x + bar * static_cast<float>(b) + 1, origin.y + height * (1 - share)};
        ImVec2 z{origin.x + bar * static_cast<float>(b + 1) - 1, origin.y + height};
        draw->AddRectFilled(a, z, colour);
        if (ImGui::IsMouseHoveringRect({a.x, origin.y}, z))
            ImGui::SetTooltip("degree %" PRIu64 "..%" PRIu64 ": %" PRIu64 " vertices", DegreeHistogram::bucket_low(b),
                              b == 0 ? 0 : DegreeHistogram::bucket_low(b + 1) - 1, h.buckets[b]);
    }
    ImGui::Dummy({width, height});
    // Bin labels: the low degree of every bar that has room for its text.
    const float label_y = ImGui::GetCursorScreenPos().y;
    float free_from = origin.x;
    for (size_t b = 0; b < h.buckets.size(); ++b) {
        const std::string text = std::to_string(DegreeHistogram::bucket_low(b));
        const float x = origin.x + bar * static_cast<float>(b) + 1;
        if (x < free_from) continue;
        draw->AddText({x, label_y}, IM_COL32(150, 150, 150, 255), text.c_str());
        free_from = x + ImGui::CalcTextSize(text.c_str()).x + 6;
    }
    ImGui::Dummy({width, ImGui::GetTextLineHeight()});
}

void degrees_tab(App& app) {
    if (app.worker.running()) {
        const float done = static_cast<float>(app.worker.progress());
        char text[48];
        std::snprintf(text, sizeof text, "scanning degrees: %.0f%%", done * 100.0f);
        ImGui::ProgressBar(done, {-80, 0}, text);
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) app.worker.cancel();
        return;
    }
    if (!app.statistics) {
        ImGui::TextDisabled("The degree scan was cancelled.");
        if (ImGui::Button("Scan again")) app.worker.start(app.session.file());
        return;
    }
    const Statistics& s = *app.statistics;
    histogram("out-degree", s.out, IM_COL32(208, 135, 112, 255));
    if (s.has_in) histogram("in-degree", s.in, IM_COL32(235, 203, 139, 255));
    ImGui::TextDisabled("log scale; bars start at the degree below them; %" PRIu64 " vertices in %.3f s", s.vertices, s.seconds);
    if (s.damaged) ImGui::TextColored({1, 0.4f, 0.4f, 1}, "%" PRIu64 " damaged vertices: %s", s.damaged, s.first_error.c_str());
    if (ImGui::SmallButton("Walk to the highest out-degree")) app.session.go_index(s.out.max_vertex);
    if (s.has_in) {
        ImGui::SameLine();
        if (ImGui::SmallButton("Walk to the highest in-degree")) app.session.go_index(s.in.max_vertex);
    }
}

void share_bar(const std::string& label, uint64_t part, uint64_t whole, ImU32 colour, const std::string& amount) {
    ImVec2 origin = ImGui::GetCursorScreenPos();
    float width = ImGui::GetContentRegionAvail().x;
    float share = whole ? static_cast<float>(static_cast<double>(part) / static_cast<double>(whole)) : 0.0f;
    float line = ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddRectFilled(origin, {origin.x + std::max(width * share, 1.0f), origin.y + line}, colour);
    ImGui::Text("%-12s %s  %.1f%%", label.c_str(), amount.c_str(), share * 100.0f);
}

}  // namespace

void draw_statistics(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Statistics", pos, size);
    const File& file = *app.session.file();
    if (ImGui::BeginTabBar("stats")) {
        if (ImGui::BeginTabItem("Degrees")) {
            degrees_tab(app);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Bytes by section")) {
            for (const MapBlock& b : app.blocks)
                if (b.section >= 0 || b.name != "padding")
                    share_bar(b.name, b.size, file.file_size(), section_colour(b.kind, b.name), human_bytes(b.size));
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Node types")) {
            auto types = file.node_types();
            ImGuiListClipper clipper;
            clipper.Begin(static_cast<int>(types.size()));
            while (clipper.Step())
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const NodeTypeInfo& t = types[static_cast<size_t>(i)];
                    share_bar(std::to_string(i) + " " + std::string(file.label_set_layout(t.label).name), t.vertices, file.vertex_count(),
                              IM_COL32(163, 190, 140, 160), std::to_string(t.vertices));
                }
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace mmgraph::viewer
