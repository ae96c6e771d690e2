// Data of the layout map: the file as blocks in file order (header, directory, sections, the
// padding gaps between them), and the geometry that lays a zoomable byte range onto rows of
// pixels. Per frame the map draws blocks, never bytes, so its cost is the number of sections.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmgraph/reader.hpp"

namespace mmgraph::viewer {

struct MapBlock {
    uint64_t offset = 0;
    uint64_t size = 0;
    std::string name;  // "header", "directory", "padding", or the section name
    int section = -1;  // directory index; -1 for header, directory, padding
    uint16_t kind = 0; // section kind; 0 for the others
};

// Covers [0, file_size) exactly, in file order.
std::vector<MapBlock> layout_blocks(const File& file);

// A byte range [begin, end) shown on `rows` rows of `width` pixels, filled left to right, top to
// bottom, like text.
struct MapView {
    uint64_t begin = 0;
    uint64_t end = 0;
    int rows = 8;
    double width = 1000;

    double bytes_per_pixel() const { return static_cast<double>(end - begin) / (rows * width); }
    // Linear pixel position (row * width + x) of a file offset, clamped to the view.
    double position_of(uint64_t offset) const;
    // The file offset under a point; rows and x outside are clamped.
    uint64_t offset_at(int row, double x) const;
    // Zooms by `factor` (< 1 zooms in) keeping `anchor` under the cursor; keeps at least
    // min_span bytes and stays within [0, file_size).
    void zoom(uint64_t anchor, double factor, uint64_t file_size, uint64_t min_span = 64);
    void show(uint64_t from, uint64_t to, uint64_t file_size);  // a range with a margin
    // Moves the range by `pixels` (linear, positive towards the end), within [0, file_size).
    void pan(double pixels, uint64_t file_size);
};

}  // namespace mmgraph::viewer
