// Bytes at any offset (ImHex's "go to"): a floating hex view of 2 KiB of the file around the
// chosen byte, 16 a row with their text, each byte tinted by its owner (a field in its record's
// colour, a section's bytes in the section's), boundaries between owners shaded apart; hovering
// a byte names its owner (section, vertex and key, field), a click selects it. The window
// scrolls both ways, so it stays usable in a small window.
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "app.hpp"

namespace mmgraph::viewer {

namespace {

constexpr uint64_t kBefore = 512, kWindow = 2048;

ImU32 owner_colour(const File& file, const OwnedRun& run, bool odd) {
    ImVec4 c = ImGui::ColorConvertU32ToFloat4(
        run.owner.field ? part_colour(run.owner.field->part)
                        : section_colour(run.owner.section >= 0 ? file.sections()[static_cast<size_t>(run.owner.section)].kind : 0, run.owner.area));
    const float shade = odd ? 0.7f : 0.95f;  // neighbouring owners alternate, so their edge shows
    return ImGui::ColorConvertFloat4ToU32({c.x * shade, c.y * shade, c.z * shade, 1.0f});
}

void byte_tooltip(const File& file, const OwnedRun& run, uint64_t offset, uint8_t value) {
    ImGui::BeginTooltip();
    ImGui::Text("byte %s = 0x%02X (%u)", hex_offset(offset).c_str(), value, value);
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36);
    ImGui::TextUnformatted(describe_owner(file, run.owner).c_str());
    ImGui::PopTextWrapPos();
    ImGui::TextDisabled("%s..%s (%" PRIu64 " bytes of this owner)", hex_offset(run.offset).c_str(), hex_offset(run.offset + run.size).c_str(), run.size);
    ImGui::EndTooltip();
}

// One row of 16 bytes: offset, hex cells, text.
void hex_row(App& app, const File& file, uint64_t row_offset, float cell, float origin_x) {
    const ByteWindow& w = app.bytes_window;
    const auto& selected = app.session.selected_byte();
    ImGui::TextDisabled("%12s", hex_offset(row_offset).c_str());
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (uint64_t b = row_offset; b < row_offset + 16; ++b) {
        const OwnedRun* run = w.run_at(b);
        if (!run) break;
        ImGui::SameLine(origin_x + cell * static_cast<float>(b - row_offset));
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const uint8_t value = w.bytes[b - w.begin];
        const bool odd = (run - w.runs.data()) % 2 == 1;
        draw->AddRectFilled(at, {at.x + cell - 1, at.y + ImGui::GetTextLineHeight()}, owner_colour(file, *run, odd));
        if (selected && selected->owner.offset == b)
            draw->AddRect({at.x - 1, at.y - 1}, {at.x + cell, at.y + ImGui::GetTextLineHeight() + 1}, IM_COL32(255, 230, 60, 255), 0, 0, 2);
        char text[4];
        std::snprintf(text, sizeof text, "%02X", value);
        ImGui::PushID(static_cast<int>(b - w.begin));
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(15, 15, 15, 255));
        if (ImGui::Selectable(text, false, 0, {cell - 2, 0})) app.session.select_byte(b);
        ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) byte_tooltip(file, *run, b, value);
        ImGui::PopID();
    }
    std::string ascii;
    for (uint64_t b = row_offset; b < row_offset + 16 && b - w.begin < w.bytes.size(); ++b) {
        const uint8_t value = w.bytes[b - w.begin];
        ascii += value >= 32 && value < 127 ? static_cast<char>(value) : '.';
    }
    ImGui::SameLine(origin_x + cell * 16 + 12);
    ImGui::TextUnformatted(ascii.c_str());
}

}  // namespace

void draw_bytes(App& app) {
    const auto& file = app.session.file();
    if (!app.bytes_open || !file) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowSize({std::min(display.x * 0.6f, 760.0f), display.y * 0.6f}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowPos({display.x * 0.3f, display.y * 0.35f}, ImGuiCond_FirstUseEver);  // below the map it points into
    if (!ImGui::Begin("Bytes at offset", &app.bytes_open, ImGuiWindowFlags_HorizontalScrollbar)) {
        ImGui::End();
        return;
    }
    const uint64_t size = file->file_size();
    const uint64_t first = app.bytes_begin > kBefore ? (app.bytes_begin - kBefore) / 16 * 16 : 0;
    if (app.bytes_window_of != first) {
        app.bytes_window = read_byte_window(*file, first, kWindow);
        app.bytes_window_of = first;
    }
    if (ImGui::SmallButton("-1 KiB") && app.bytes_begin >= 1024) app.bytes_begin -= 1024;
    ImGui::SameLine();
    if (ImGui::SmallButton("+1 KiB") && app.bytes_begin + 1024 < size) app.bytes_begin += 1024;
    ImGui::SameLine();
    ImGui::TextDisabled("%s..%s of %s; hover a byte for its owner, click to select it", hex_offset(first).c_str(),
                        hex_offset(first + app.bytes_window.bytes.size()).c_str(), human_bytes(size).c_str());
    if (const auto& selected = app.session.selected_byte()) ImGui::TextWrapped("selected %s: %s", hex_offset(selected->owner.offset).c_str(), selected->text.c_str());
    ImGui::Separator();
    const float cell = ImGui::CalcTextSize("00").x + 8;
    const float origin_x = ImGui::CalcTextSize("0x0000000000").x + 16;
    ImGui::BeginChild("rows", {0, 0}, false, ImGuiWindowFlags_HorizontalScrollbar);
    const ByteWindow& w = app.bytes_window;
    const int rows = static_cast<int>((w.bytes.size() + 15) / 16);
    const float row_height = ImGui::GetTextLineHeightWithSpacing();
    if (app.bytes_scroll) {
        ImGui::SetScrollY(static_cast<float>((app.bytes_begin - w.begin) / 16) * row_height - ImGui::GetWindowHeight() / 3);
        app.bytes_scroll = false;
    }
    ImGuiListClipper clipper;
    clipper.Begin(rows, row_height);
    while (clipper.Step())
        for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) hex_row(app, *file, w.begin + static_cast<uint64_t>(r) * 16, cell, origin_x);
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace mmgraph::viewer
