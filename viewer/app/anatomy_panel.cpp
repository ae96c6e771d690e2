// Record anatomy: the selected vertex's bytes as a hex view, 16 bytes a row, each byte tinted
// by the field it belongs to; hovering a byte or a row of the field table decodes the field,
// with packed words split into their bit fields. Fields where verify found a problem are
// outlined and listed in red, with the finding. Rows are clipped, so a record of millions of
// entries scrolls like a short one.
#include <algorithm>
#include <climits>
#include <cinttypes>

#include "app.hpp"

namespace mmgraph::viewer {

namespace {

constexpr uint64_t kRowBytes = 16;
constexpr uint64_t kMaxRowsPerRecord = 1 << 16;  // 1 MiB of hex per record; the rest is summarised

struct HexRow {
    size_t record;
    uint64_t offset;  // file offset of the row's first byte, a multiple of 16
};

// Rebuilt when the selection changes; frames only look things up.
struct AnatomyCache {
    uint64_t generation = ~uint64_t{0};
    std::vector<HexRow> rows;
    std::vector<size_t> by_offset;  // field indices sorted by offset
};

AnatomyCache cache;

void rebuild(const VertexAnatomy& anatomy, uint64_t generation) {
    cache = {};
    cache.generation = generation;
    for (size_t r = 0; r < anatomy.records.size(); ++r) {
        const RecordSpan& rec = anatomy.records[r];
        uint64_t first = rec.offset / kRowBytes * kRowBytes;
        uint64_t rows = (rec.offset + rec.size - first + kRowBytes - 1) / kRowBytes;
        for (uint64_t i = 0; i < std::min(rows, kMaxRowsPerRecord); ++i) cache.rows.push_back({r, first + i * kRowBytes});
    }
    cache.by_offset.resize(anatomy.fields.size());
    for (size_t i = 0; i < cache.by_offset.size(); ++i) cache.by_offset[i] = i;
    std::stable_sort(cache.by_offset.begin(), cache.by_offset.end(),
                     [&](size_t a, size_t b) { return anatomy.fields[a].offset < anatomy.fields[b].offset; });
}

std::optional<size_t> field_index_at(const VertexAnatomy& anatomy, uint64_t offset) {
    auto it = std::upper_bound(cache.by_offset.begin(), cache.by_offset.end(), offset,
                               [&](uint64_t o, size_t i) { return o < anatomy.fields[i].offset; });
    if (it == cache.by_offset.begin()) return std::nullopt;
    const FieldSpan& f = anatomy.fields[*(it - 1)];
    if (offset - f.offset < f.size) return *(it - 1);
    return std::nullopt;
}

// The finding flagged on a field, if any (a vertex has few: a linear search).
const VerifyFinding* finding_of(const App& app, const VertexFlags& flags, size_t field) {
    for (const FieldFlag& flag : flags.fields)
        if (flag.field == field) return &app.integrity->findings[flag.finding];
    return nullptr;
}

void field_tooltip(const FieldSpan& f, const VerifyFinding* finding = nullptr, const std::string& path = {}) {
    ImGui::BeginTooltip();
    ImGui::TextColored({1.0f, 0.85f, 0.4f, 1.0f}, "%s", f.name.c_str());
    if (finding) {
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
        ImGui::TextColored(kFindingText, "verify: %s", without_path(finding->message, path).c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::Text("%s, offset %s, %" PRIu64 " bytes", std::string(part_name(f.part)).c_str(), hex_offset(f.offset).c_str(), f.size);
    if (!f.value.empty()) ImGui::TextWrapped("= %s", f.value.c_str());
    if (!f.bits.empty() && ImGui::BeginTable("bits", 3, ImGuiTableFlags_Borders)) {
        ImGui::TableSetupColumn("bits");
        ImGui::TableSetupColumn("field");
        ImGui::TableSetupColumn("value");
        ImGui::TableHeadersRow();
        for (const BitField& b : f.bits) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            if (b.width == 1) ImGui::Text("%u", b.lsb);
            else ImGui::Text("%u..%u", b.lsb, b.lsb + b.width - 1);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(b.name.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%" PRIu64 " (%s)", b.value, hex_offset(b.value).c_str());
        }
        ImGui::EndTable();
    }
    ImGui::EndTooltip();
}

// The record's bytes, 16 a row, tinted by field; flagged fields outlined in red. Scrolls to
// `focus` when given. Returns the hovered field.
std::optional<size_t> hex_view(const App& app, const VertexAnatomy& anatomy, const VertexFlags& flags, std::optional<uint64_t> focus) {
    const File& file = *app.session.file();
    const uint8_t* data = file.data();
    const uint64_t file_size = file.file_size();
    float char_width = ImGui::CalcTextSize("0").x;
    float row_height = ImGui::GetTextLineHeightWithSpacing();
    if (focus)
        for (size_t i = 0; i < cache.rows.size(); ++i)
            if (*focus - cache.rows[i].offset < kRowBytes) {
                ImGui::SetScrollY(static_cast<float>(i) * row_height);
                break;
            }
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(std::min<size_t>(cache.rows.size(), INT_MAX)), row_height);
    std::optional<size_t> hovered;
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const HexRow& row = cache.rows[static_cast<size_t>(i)];
            const RecordSpan& rec = anatomy.records[row.record];
            bool first_row = i == 0 || cache.rows[static_cast<size_t>(i) - 1].record != row.record;
            ImVec2 start = ImGui::GetCursorScreenPos();
            ImGui::TextDisabled("%10s", hex_offset(row.offset).c_str());
            float x0 = start.x + char_width * 12;
            for (uint64_t b = 0; b < kRowBytes; ++b) {
                uint64_t offset = row.offset + b;
                if (offset < rec.offset || offset >= rec.offset + rec.size || offset >= file_size) continue;
                ImVec2 a{x0 + static_cast<float>(b) * char_width * 3, start.y};
                ImVec2 z{a.x + char_width * 3, a.y + row_height};
                auto field = field_index_at(anatomy, offset);
                if (field) draw->AddRectFilled(a, {z.x - 1, z.y - 1}, field_colour(*field, anatomy.fields[*field].part));
                if (field && finding_of(app, flags, *field)) draw->AddRect(a, {z.x - 1, z.y - 1}, kFindingColour, 0, 0, 2.0f);
                char text[4];
                std::snprintf(text, sizeof text, "%02X", data[offset]);
                draw->AddText({a.x + char_width * 0.5f, a.y}, field ? IM_COL32(15, 15, 15, 255) : IM_COL32(200, 200, 200, 255), text);
                if (ImGui::IsMouseHoveringRect(a, z) && ImGui::IsWindowHovered()) hovered = field;
            }
            if (first_row)
                draw->AddText({x0 + char_width * 49, start.y}, part_colour(rec.part), std::string(part_name(rec.part)).c_str());
        }
    return hovered;
}

// Every field: offset, size, name, value; flagged rows in red with their finding.
// Right-click on a field's row: copy its offset, name or value.
void copy_menu(const FieldSpan& f, int id) {
    ImGui::PushID(id);
    if (ImGui::BeginPopupContextItem("field menu")) {
        if (ImGui::MenuItem("Copy value")) ImGui::SetClipboardText(f.value.c_str());
        if (ImGui::MenuItem("Copy offset")) ImGui::SetClipboardText(hex_offset(f.offset).c_str());
        if (ImGui::MenuItem("Copy field name")) ImGui::SetClipboardText(f.name.c_str());
        ImGui::EndPopup();
    }
    ImGui::PopID();
}

void field_table(const App& app, const VertexAnatomy& anatomy, const VertexFlags& flags, std::optional<uint64_t> focus) {
    if (!begin_field_table("fields", 10, "size", 6)) return;
    if (focus)
        for (size_t i = 0; i < cache.by_offset.size(); ++i) {
            const FieldSpan& f = anatomy.fields[cache.by_offset[i]];
            if (*focus - f.offset < f.size) {
                ImGui::SetScrollY(static_cast<float>(i) * ImGui::GetTextLineHeightWithSpacing());
                break;
            }
        }
    const std::string path = app.session.path();
    ImGuiListClipper rows;
    rows.Begin(static_cast<int>(cache.by_offset.size()));
    while (rows.Step())
        for (int i = rows.DisplayStart; i < rows.DisplayEnd; ++i) {
            size_t index = cache.by_offset[static_cast<size_t>(i)];
            const FieldSpan& f = anatomy.fields[index];
            const VerifyFinding* finding = finding_of(app, flags, index);
            ImGui::TableNextRow();
            if (finding) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(120, 20, 20, 255));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(hex_offset(f.offset).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%" PRIu64, f.size);
            ImGui::TableNextColumn();
            ImVec2 p = ImGui::GetCursorScreenPos();
            ImGui::GetWindowDrawList()->AddRectFilled(p, {p.x + 8, p.y + ImGui::GetTextLineHeight()}, finding ? kFindingColour : field_colour(index, f.part));
            ImGui::SetCursorScreenPos({p.x + 12, p.y});
            ImGui::TextUnformatted(f.name.c_str());
            if (ImGui::IsItemHovered()) field_tooltip(f, finding, path);
            ImGui::TableNextColumn();
            if (finding) ImGui::TextColored(kFindingText, "%s  (verify: damaged)", f.value.c_str());
            else ImGui::TextUnformatted(f.value.c_str());
            if (ImGui::IsItemHovered()) field_tooltip(f, finding, path);
            copy_menu(f, static_cast<int>(index));
        }
    ImGui::EndTable();
}

}  // namespace

void draw_anatomy(App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("Record anatomy", pos, size);
    const auto& current = app.session.current();
    if (!current) {
        ImGui::TextDisabled("Select a vertex.");
        ImGui::End();
        return;
    }
    const VertexAnatomy& anatomy = current->anatomy;
    if (cache.generation != app.session.generation()) rebuild(anatomy, app.session.generation());
    const VertexFlags& flags = app.vertex_flags();
    if (!anatomy.error.empty()) ImGui::TextColored(kFindingText, "stopped: %s", anatomy.error.c_str());
    if (!flags.records.empty())
        ImGui::TextColored(kFindingText, "verify: %zu problem%s in these records (red)", flags.records.size(), flags.records.size() == 1 ? "" : "s");
    // The focus is for the selection it was set with, which is current by now.
    std::optional<uint64_t> focus = app.focus_offset;
    app.focus_offset.reset();

    ImGui::BeginChild("hex", {0, ImGui::GetContentRegionAvail().y * 0.55f}, true, ImGuiWindowFlags_HorizontalScrollbar);
    std::optional<size_t> hovered = hex_view(app, anatomy, flags, focus);
    if (hovered) field_tooltip(anatomy.fields[*hovered], finding_of(app, flags, *hovered), app.session.path());
    ImGui::EndChild();
    field_table(app, anatomy, flags, focus);
    ImGui::End();
}

}  // namespace mmgraph::viewer
