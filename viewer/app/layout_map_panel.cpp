// Layout map: the file as proportional coloured blocks (header, directory, sections, padding)
// laid out on rows like text; the wheel zooms around the cursor, a right-drag pans, hover names
// the block, a click or "go to offset" selects a byte and names its owner, the selected
// vertex's records are outlined and the pages its reading touched ticked, and verify's findings
// are marked at their offsets. Zoomed in to a few KiB it draws record and field boundaries, and
// the bytes once they fit. Per frame it draws what is in view: its cost follows the section and
// finding counts, not the file size.
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

#include <GLFW/glfw3.h>

#include "app.hpp"

#include <imgui_stdlib.h>  // after imgui.h, which it needs

namespace mmgraph::viewer {

namespace {

// The map's drawing area: rows of `width` pixels from `origin`.
struct MapCanvas {
    ImDrawList* draw;
    ImVec2 origin;
    float row_height;

    void rect(int row, double x0, double x1, ImU32 colour, bool filled, float inset = 1.0f) const {
        ImVec2 a{origin.x + static_cast<float>(x0), origin.y + row * row_height + inset};
        ImVec2 b{origin.x + static_cast<float>(std::max(x1, x0 + 1.0)), origin.y + (row + 1) * row_height - inset};
        if (filled) draw->AddRectFilled(a, b, colour);
        else draw->AddRect(a, b, colour, 0, 0, 2.0f);
    }
    ImVec2 at(int row, double x) const { return {origin.x + static_cast<float>(x), origin.y + row * row_height}; }
};

// The file range of the vertex's node record, if it has one.
std::optional<std::pair<uint64_t, uint64_t>> node_record(const CurrentVertex& current) {
    for (const RecordSpan& r : current.anatomy.records)
        if (r.part == Part::node && r.size > 0) return std::pair{r.offset, r.offset + r.size};
    return std::nullopt;
}

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

void draw_blocks(const std::vector<MapBlock>& blocks, const MapView& view, const MapCanvas& canvas) {
    for (const MapBlock& block : blocks) {
        if (block.offset + block.size <= view.begin || block.offset >= view.end) continue;
        double p0 = view.position_of(block.offset), p1 = view.position_of(block.offset + block.size);
        if (p1 - p0 < 1) p1 = p0 + 1;  // a tiny section still shows
        bool labelled = false;
        for_segments(view, p0, p1, [&](int row, double x0, double x1) {
            canvas.rect(row, x0, x1, section_colour(block.kind, block.name), true);
            ImVec2 text = ImGui::CalcTextSize(block.name.c_str());
            if (!labelled && x1 - x0 > text.x + 6) {
                canvas.draw->AddText({canvas.origin.x + static_cast<float>(x0) + 3, canvas.origin.y + row * canvas.row_height + (canvas.row_height - text.y) / 2},
                                     IM_COL32(20, 20, 20, 255), block.name.c_str());
                labelled = true;
            }
        });
    }
}

// Verify's findings in view: a range (a section's checksum) outlined, a point as a red mark
// with a dark edge so that it shows on every section colour. Points closer than a pixel share
// one mark, so a frame draws at most one per pixel of the map.
void draw_findings(const Integrity& integrity, const MapView& view, const MapCanvas& canvas) {
    for (size_t i : integrity.ranges) {
        const VerifyFinding& f = integrity.findings[i];
        if (f.offset + f.length <= view.begin || f.offset >= view.end) continue;
        double p0 = view.position_of(f.offset), p1 = std::max(view.position_of(f.offset + f.length), p0 + 3);
        for_segments(view, p0, p1, [&](int row, double x0, double x1) { canvas.rect(row, x0, x1, kFindingColour, false, 0); });
    }
    auto [first, last] = integrity.at(view.begin, view.end);
    double drawn = -2;
    for (size_t i = first; i < last; ++i) {
        const VerifyFinding& f = integrity.findings[i];
        double p = view.position_of(f.offset);
        if (f.length > 0 || p - drawn < 1) continue;
        drawn = p;
        for_segments(view, p - 1, p + 3, [&](int row, double x0, double x1) {
            canvas.rect(row, x0 - 1, x1 + 1, IM_COL32(0, 0, 0, 255), true, 0);
            canvas.rect(row, x0, x1, kFindingColour, true, 0);
        });
    }
}

// The hovered block, and the findings within a few pixels of the cursor.
void map_tooltip(const App& app, const MapView& view, uint64_t offset, uint64_t file_size) {
    const MapBlock* block = block_at(app.blocks, offset);
    std::pair<size_t, size_t> near{0, 0};
    if (app.integrity) {
        const uint64_t slack = static_cast<uint64_t>(view.bytes_per_pixel() * 4) + 1;
        near = app.integrity->at(offset > slack ? offset - slack : 0, offset + slack);
    }
    if (!block && near.first == near.second) return;
    ImGui::BeginTooltip();
    if (block) {
        ImGui::Text("%s", block->name.c_str());
        ImGui::Text("offset %s..%s", hex_offset(block->offset).c_str(), hex_offset(block->offset + block->size).c_str());
        ImGui::Text("%s (%" PRIu64 " bytes), %.2f%% of the file", human_bytes(block->size).c_str(), block->size,
                    100.0 * static_cast<double>(block->size) / static_cast<double>(std::max<uint64_t>(file_size, 1)));
    }
    ImGui::TextDisabled("byte %s", hex_offset(offset).c_str());
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
    for (size_t i = near.first; i < near.second && i < near.first + 3; ++i)
        ImGui::TextColored(kFindingText, "%s", without_path(app.integrity->findings[i].message, app.session.path()).c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

// The selected byte: its owner in words, a way to walk to its vertex and to see its bytes.
void selected_line(App& app) {
    const SelectedByte& b = *app.session.selected_byte();
    if (b.owner.vertex) {
        if (ImGui::SmallButton("Walk there")) app.session.go_index(*b.owner.vertex);
        ImGui::SameLine();
    }
    if (ImGui::SmallButton("Bytes")) app.go_to_offset(b.owner.offset);
    ImGui::SameLine();
    const std::string text = "byte " + hex_offset(b.owner.offset) + ": " + b.text;
    ImGui::TextUnformatted(text.c_str());
    if (ImGui::IsItemHovered() && ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_C)) ImGui::SetClipboardText(text.c_str());
    if (ImGui::BeginPopupContextItem("byte menu")) {
        if (ImGui::MenuItem("Copy", "Ctrl+C")) ImGui::SetClipboardText(text.c_str());
        if (ImGui::MenuItem("Copy offset")) ImGui::SetClipboardText(hex_offset(b.owner.offset).c_str());
        ImGui::EndPopup();
    }
}

// The toolbar: whole file, the selected vertex, go to offset (Ctrl+G), and what is shown.
void toolbar(App& app, uint64_t file_size) {
    MapView& view = app.map;
    const auto& current = app.session.current();
    if (ImGui::SmallButton("Whole file")) {
        view.begin = 0;
        view.end = file_size;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Selected vertex") && current) {
        if (auto range = node_record(*current)) view.show(range->first, range->second, file_size);
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::CalcTextSize("0x000000000000").x + 10);
    if (app.focus_offset_input) {
        ImGui::SetKeyboardFocusHere();
        app.focus_offset_input = false;
    }
    if (ImGui::InputTextWithHint("##offset", "go to offset", &app.offset_input, ImGuiInputTextFlags_EnterReturnsTrue)) {
        if (auto offset = parse_offset(app.offset_input)) app.go_to_offset(*offset);
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A byte offset, decimal or 0x hex (Ctrl+G): the map zooms to it and the hex view opens there");
    ImGui::SameLine();
    ImGui::TextDisabled("showing %s..%s (%s of %s), wheel zooms, right-drag pans, click names a byte", hex_offset(view.begin).c_str(),
                        hex_offset(view.end).c_str(), human_bytes(view.end - view.begin).c_str(), human_bytes(file_size).c_str());
}

// A zoomed map follows the walk: on a new vertex it moves to its node record, keeping the zoom.
void follow_selection(App& app, uint64_t file_size) {
    const auto& current = app.session.current();
    if (app.map_generation == app.session.generation()) return;
    app.map_generation = app.session.generation();
    MapView& view = app.map;
    if (!current || (view.begin == 0 && view.end == file_size)) return;
    const auto range = node_record(*current);
    if (!range || (range->first >= view.begin && range->second <= view.end)) return;
    const uint64_t span = view.end - view.begin, middle = (range->first + range->second) / 2;
    view.begin = middle > span / 2 ? std::min(middle - span / 2, file_size - span) : 0;
    view.end = view.begin + span;
}

// Pages the current vertex's reading touched, as ticks along the bottom of each row.
void draw_footprint(const CurrentVertex& current, const MapView& view, const MapCanvas& canvas) {
    const uint64_t page = current.footprint.page_size;
    for (uint64_t p : current.footprint.pages) {
        const uint64_t from = p * page, to = from + page;
        if (to <= view.begin || from >= view.end) continue;
        const double p0 = view.position_of(from), p1 = std::max(view.position_of(to), p0 + 2);
        for_segments(view, p0, p1, [&](int row, double x0, double x1) {
            const ImVec2 a = canvas.at(row, x0), b = canvas.at(row + 1, x1);
            canvas.draw->AddRectFilled({a.x, b.y - 4}, {b.x, b.y - 1}, IM_COL32(90, 220, 240, 230));
        });
    }
}

// Zoomed in to a few KiB: the owners' boundaries (record and field edges) as lines and, once a
// byte is wide enough, the bytes in hex. The owners are read once per view.
void draw_detail(App& app, const File& file, const MapView& view, const MapCanvas& canvas) {
    constexpr uint64_t kDetailBytes = 4096;
    const double pixels_per_byte = 1.0 / std::max(view.bytes_per_pixel(), 1e-9);
    if (view.end - view.begin > kDetailBytes || pixels_per_byte < 3) return;
    if (app.map_detail_begin != view.begin || app.map_detail_end != view.end) {
        app.map_detail = read_byte_window(file, view.begin, view.end - view.begin);
        app.map_detail_begin = view.begin;
        app.map_detail_end = view.end;
    }
    const ByteWindow& w = app.map_detail;
    for (const OwnedRun& run : w.runs) {
        const double p = view.position_of(run.offset);
        for_segments(view, p, p + 1, [&](int row, double x0, double) {
            const ImVec2 a = canvas.at(row, x0), b = canvas.at(row + 1, x0);
            canvas.draw->AddLine(a, b, IM_COL32(20, 20, 20, 255), 2.0f);
        });
    }
    const float text_width = ImGui::CalcTextSize("00").x;
    if (pixels_per_byte < text_width + 4) return;
    for (size_t i = 0; i < w.bytes.size(); ++i) {
        const double p = view.position_of(w.begin + i);
        char hex[4];
        std::snprintf(hex, sizeof hex, "%02X", w.bytes[i]);
        for_segments(view, p, p + 1, [&](int row, double x0, double) {
            const ImVec2 a = canvas.at(row, x0);
            canvas.draw->AddText({a.x + 2, a.y + (canvas.row_height - ImGui::GetTextLineHeight()) / 2}, IM_COL32(15, 15, 15, 255), hex);
        });
    }
}

}  // namespace

void draw_layout_map(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Layout map", pos, size, ImGuiWindowFlags_NoScrollbar);
    const auto& file = app.session.file();
    if (!file) {
        ImGui::TextDisabled(app.session.failed_open() ? "The file could not be opened: see Errors." : "No file open (File > Open).");
        ImGui::End();
        return;
    }
    const uint64_t file_size = file->file_size();
    MapView& view = app.map;
    const auto& current = app.session.current();
    follow_selection(app, file_size);
    toolbar(app, file_size);

    ImVec2 origin = ImGui::GetCursorScreenPos();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float line = ImGui::GetTextLineHeightWithSpacing();
    float canvas_height = std::max(avail.y - line - 4, 40.0f);
    view.rows = std::clamp(static_cast<int>(canvas_height / 22), 1, 16);
    view.width = std::max(avail.x, 50.0f);
    const MapCanvas canvas{ImGui::GetWindowDrawList(), origin, canvas_height / static_cast<float>(view.rows)};

    draw_blocks(app.blocks, view, canvas);
    // The selected vertex's records, outlined in white at least 3 pixels wide.
    if (current)
        for (const RecordSpan& r : current->anatomy.records) {
            if (r.offset + r.size <= view.begin || r.offset >= view.end) continue;
            double p0 = view.position_of(r.offset), p1 = std::max(view.position_of(r.offset + r.size), p0 + 3);
            for_segments(view, p0, p1, [&](int row, double x0, double x1) { canvas.rect(row, x0, x1, IM_COL32(255, 255, 255, 255), false, 0); });
        }
    draw_detail(app, *file, view, canvas);
    if (current) draw_footprint(*current, view, canvas);
    if (app.integrity) draw_findings(*app.integrity, view, canvas);
    const auto& selected = app.session.selected_byte();
    if (selected && selected->owner.offset >= view.begin && selected->owner.offset < view.end) {
        double p = view.position_of(selected->owner.offset);
        for_segments(view, p, p + 2, [&](int row, double x0, double x1) { canvas.rect(row, x0, x1, IM_COL32(255, 230, 60, 255), true, 0); });
    }

    ImGui::InvisibleButton("map", {static_cast<float>(view.width), canvas_height},
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
    // Right-drag pans: a pixel across is a pixel of bytes, a row down is a row of bytes.
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
        ImVec2 delta = ImGui::GetIO().MouseDelta;
        view.pan(-(delta.x + delta.y / canvas.row_height * view.width), file_size);
    }
    if (ImGui::IsItemHovered()) {
        ImVec2 mouse = ImGui::GetIO().MousePos;
        int row = static_cast<int>((mouse.y - origin.y) / canvas.row_height);
        uint64_t offset = view.offset_at(row, mouse.x - origin.x);
        float wheel = ImGui::GetIO().MouseWheel;
        if (wheel != 0) view.zoom(offset, std::pow(0.75, wheel), file_size);
        map_tooltip(app, view, offset, file_size);
        if (ImGui::IsItemClicked()) app.session.select_byte(offset);
    }
    if (selected) selected_line(app);
    ImGui::End();
}

}  // namespace mmgraph::viewer
