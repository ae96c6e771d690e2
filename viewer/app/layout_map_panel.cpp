// Layout map: the file as proportional coloured blocks (header, directory, sections, padding)
// laid out on rows like text; the wheel zooms around the cursor, a right-drag pans, hover names
// the block, a click resolves the byte to its owner, and the selected vertex's records are
// outlined. Per frame it draws the blocks and records in view: its cost follows the section
// count, not the file size.
#include <algorithm>
#include <cinttypes>
#include <cmath>

#include "app.hpp"

namespace mmgraph::viewer {

namespace {

// Calls draw(row, x0, x1) for each row segment of the linear pixel range [p0, p1).
template <typename Draw>
void for_segments(const MapView& view, double p0, double p1, Draw draw) {
    while (p0 < p1) {
        int row = static_cast<int>(p0 / view.width);
        if (row >= view.rows) break;
        double x0 = p0 - row * view.width;
        double x1 = std::min(view.width, x0 + (p1 - p0));
        draw(row, x0, x1);
        p0 = (row + 1) * view.width;
    }
}

const MapBlock* block_at(const std::vector<MapBlock>& blocks, uint64_t offset) {
    auto it = std::upper_bound(blocks.begin(), blocks.end(), offset, [](uint64_t o, const MapBlock& b) { return o < b.offset; });
    if (it == blocks.begin()) return nullptr;
    --it;
    return offset - it->offset < it->size ? &*it : nullptr;
}

}  // namespace

void draw_layout_map(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Layout map", pos, size, ImGuiWindowFlags_NoScrollbar);
    const auto& file = app.session.file();
    if (!file) {
        ImGui::TextDisabled(app.session.path().empty() ? "No file open (File > Open)." : "The file could not be opened: see Errors.");
        ImGui::End();
        return;
    }
    const uint64_t file_size = file->file_size();
    MapView& view = app.map;
    if (ImGui::SmallButton("Whole file")) {
        view.begin = 0;
        view.end = file_size;
    }
    const auto& current = app.session.current();
    ImGui::SameLine();
    if (ImGui::SmallButton("Selected vertex") && current && !current->anatomy.records.empty()) {
        uint64_t lo = UINT64_MAX, hi = 0;
        for (const RecordSpan& r : current->anatomy.records)
            if (r.part == Part::node) lo = r.offset, hi = r.offset + r.size;
        if (hi > lo) view.show(lo, hi, file_size);
    }
    ImGui::SameLine();
    ImGui::TextDisabled("showing %s..%s (%s of %s), wheel zooms, right-drag pans, click names a byte", hex_offset(view.begin).c_str(),
                        hex_offset(view.end).c_str(), human_bytes(view.end - view.begin).c_str(), human_bytes(file_size).c_str());

    ImVec2 origin = ImGui::GetCursorScreenPos();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float line = ImGui::GetTextLineHeightWithSpacing();
    float canvas_height = std::max(avail.y - line - 4, 40.0f);
    view.rows = std::clamp(static_cast<int>(canvas_height / 22), 1, 16);
    view.width = std::max(avail.x, 50.0f);
    float row_height = canvas_height / static_cast<float>(view.rows);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    auto rect = [&](int row, double x0, double x1, ImU32 colour, bool filled, float inset = 1.0f) {
        ImVec2 a{origin.x + static_cast<float>(x0), origin.y + row * row_height + inset};
        ImVec2 b{origin.x + static_cast<float>(std::max(x1, x0 + 1.0)), origin.y + (row + 1) * row_height - inset};
        if (filled) draw->AddRectFilled(a, b, colour);
        else draw->AddRect(a, b, colour, 0, 0, 2.0f);
    };

    for (const MapBlock& block : app.blocks) {
        if (block.offset + block.size <= view.begin || block.offset >= view.end) continue;
        double p0 = view.position_of(block.offset), p1 = view.position_of(block.offset + block.size);
        if (p1 - p0 < 1) p1 = p0 + 1;  // a tiny section still shows
        bool labelled = false;
        for_segments(view, p0, p1, [&](int row, double x0, double x1) {
            rect(row, x0, x1, section_colour(block.kind, block.name), true);
            ImVec2 text = ImGui::CalcTextSize(block.name.c_str());
            if (!labelled && x1 - x0 > text.x + 6) {
                draw->AddText({origin.x + static_cast<float>(x0) + 3, origin.y + row * row_height + (row_height - text.y) / 2},
                              IM_COL32(20, 20, 20, 255), block.name.c_str());
                labelled = true;
            }
        });
    }
    // The selected vertex's records, outlined in white at least 3 pixels wide.
    if (current)
        for (const RecordSpan& r : current->anatomy.records) {
            if (r.offset + r.size <= view.begin || r.offset >= view.end) continue;
            double p0 = view.position_of(r.offset), p1 = std::max(view.position_of(r.offset + r.size), p0 + 3);
            for_segments(view, p0, p1, [&](int row, double x0, double x1) { rect(row, x0, x1, IM_COL32(255, 255, 255, 255), false, 0); });
        }
    if (app.clicked && app.clicked->offset >= view.begin && app.clicked->offset < view.end) {
        double p = view.position_of(app.clicked->offset);
        for_segments(view, p, p + 2, [&](int row, double x0, double x1) { rect(row, x0, x1, IM_COL32(255, 60, 60, 255), true, 0); });
    }

    ImGui::InvisibleButton("map", {static_cast<float>(view.width), canvas_height},
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
    // Right-drag pans: a pixel across is a pixel of bytes, a row down is a row of bytes.
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
        ImVec2 delta = ImGui::GetIO().MouseDelta;
        view.pan(-(delta.x + delta.y / row_height * view.width), file_size);
    }
    if (ImGui::IsItemHovered()) {
        ImVec2 mouse = ImGui::GetIO().MousePos;
        int row = static_cast<int>((mouse.y - origin.y) / row_height);
        uint64_t offset = view.offset_at(row, mouse.x - origin.x);
        float wheel = ImGui::GetIO().MouseWheel;
        if (wheel != 0) view.zoom(offset, std::pow(0.75, wheel), file_size);
        if (const MapBlock* block = block_at(app.blocks, offset)) {
            ImGui::BeginTooltip();
            ImGui::Text("%s", block->name.c_str());
            ImGui::Text("offset %s..%s", hex_offset(block->offset).c_str(), hex_offset(block->offset + block->size).c_str());
            ImGui::Text("%s (%" PRIu64 " bytes), %.2f%% of the file", human_bytes(block->size).c_str(), block->size,
                        100.0 * static_cast<double>(block->size) / static_cast<double>(std::max<uint64_t>(file_size, 1)));
            ImGui::TextDisabled("byte %s", hex_offset(offset).c_str());
            ImGui::EndTooltip();
        }
        if (ImGui::IsItemClicked()) app.clicked = owner_of(*file, offset);
    }

    if (app.clicked) {
        const ByteOwner& o = *app.clicked;
        std::string text = "byte " + hex_offset(o.offset) + ": " + o.area;
        if (o.section >= 0) text += " +" + hex_offset(o.section_offset);
        if (!o.detail.empty()) text += ", " + o.detail;
        if (o.field) text += ", " + std::string(part_name(o.field->part)) + " field '" + o.field->name + "' = " + o.field->value;
        if (o.vertex) {
            text += ", vertex " + std::to_string(*o.vertex);
            if (ImGui::SmallButton("Walk there")) app.session.go_index(*o.vertex);
            ImGui::SameLine();
        }
        ImGui::TextUnformatted(text.c_str());
    }
    ImGui::End();
}

}  // namespace mmgraph::viewer
