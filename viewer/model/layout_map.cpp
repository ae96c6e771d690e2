#include "layout_map.hpp"

#include <algorithm>
#include <cmath>

#include "mmgraph/format/layout.hpp"

namespace mmgraph::viewer {

std::vector<MapBlock> layout_blocks(const File& file) {
    std::vector<MapBlock> blocks;
    uint64_t at = 0;
    auto pad_to = [&](uint64_t next) {
        if (next > at) blocks.push_back({at, next - at, "padding", -1, 0});
        at = std::max(at, next);
    };
    blocks.push_back({0, format::header::kSize, "header", -1, 0});
    at = format::header::kSize;
    auto sections = file.sections();
    if (!sections.empty()) {
        // The directory sits between the header and the first section (§3); its offset is the
        // header's, its size the entry count times 32.
        uint64_t directory_end = format::header::kSize + sections.size() * format::dir_entry::kSize;
        blocks.push_back({at, directory_end - at, "directory", -1, 0});
        at = directory_end;
    }
    for (size_t i = 0; i < sections.size(); ++i) {
        const SectionInfo& s = sections[i];
        if (s.offset < at) continue;  // overlapping entries are refused at open; stay monotonic anyway
        pad_to(s.offset);
        blocks.push_back({s.offset, s.length, std::string(s.name()), static_cast<int>(i), s.kind});
        at = s.offset + s.length;
    }
    pad_to(file.file_size());
    return blocks;
}

double MapView::position_of(uint64_t offset) const {
    if (end <= begin) return 0;
    offset = std::clamp(offset, begin, end);
    return static_cast<double>(offset - begin) / static_cast<double>(end - begin) * rows * width;
}

uint64_t MapView::offset_at(int row, double x) const {
    if (end <= begin) return begin;
    row = std::clamp(row, 0, rows - 1);
    x = std::clamp(x, 0.0, width);
    double fraction = (row * width + x) / (rows * width);
    uint64_t offset = begin + static_cast<uint64_t>(fraction * static_cast<double>(end - begin));
    return std::min(offset, end - 1);
}

void MapView::zoom(uint64_t anchor, double factor, uint64_t file_size, uint64_t min_span) {
    if (file_size == 0) return;
    anchor = std::clamp(anchor, begin, std::max(begin, end - 1));
    double span = static_cast<double>(end - begin) * factor;
    span = std::clamp(span, static_cast<double>(std::min(min_span, file_size)), static_cast<double>(file_size));
    double left_share = end > begin ? static_cast<double>(anchor - begin) / static_cast<double>(end - begin) : 0.5;
    double new_begin = static_cast<double>(anchor) - left_share * span;
    new_begin = std::clamp(new_begin, 0.0, static_cast<double>(file_size) - span);
    begin = static_cast<uint64_t>(std::llround(new_begin));
    end = std::min(file_size, begin + static_cast<uint64_t>(std::llround(span)));
}

void MapView::show(uint64_t from, uint64_t to, uint64_t file_size) {
    uint64_t span = std::max<uint64_t>(to - from, 16);
    uint64_t margin = span / 2;
    begin = from > margin ? from - margin : 0;
    end = std::min(file_size, to + margin);
    if (end <= begin) end = std::min(file_size, begin + 1);
}

void MapView::pan(double pixels, uint64_t file_size) {
    uint64_t span = end - begin;
    if (span == 0 || span > file_size) return;
    double moved = pixels * bytes_per_pixel();
    double target = std::clamp(static_cast<double>(begin) + moved, 0.0, static_cast<double>(file_size - span));
    begin = static_cast<uint64_t>(std::llround(target));
    end = begin + span;
}

}  // namespace mmgraph::viewer
