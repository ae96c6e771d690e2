// The viewer application state shared by the panels, and one draw function per panel (each in
// its own file). Panels read the model (viewer/model) and call its navigation; they never read
// file bytes except through the reader and its anatomy API.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "ego_layout.hpp"
#include "byte_window.hpp"
#include "ego_network.hpp"
#include "footprint.hpp"
#include "integrity.hpp"
#include "layout_map.hpp"
#include "mmgraph/anatomy.hpp"
#include "neighbour_filter.hpp"
#include "panel_layout.hpp"
#include "session.hpp"
#include "statistics.hpp"

namespace mmgraph::viewer {

struct App {
    Session session;
    std::shared_ptr<const File> shown_file;  // the file the views and workers below are for
    StatisticsWorker worker;
    std::optional<Statistics> statistics;

    // Integrity: verify in the background; its findings on the map, in Errors, and flagged on
    // the selected vertex's fields
    IntegrityWorker verifier;
    std::optional<Integrity> integrity;
    bool verify_cancelled = false;
    VertexFlags flags;
    uint64_t flags_generation = ~uint64_t{0};
    std::optional<uint64_t> focus_offset;  // the anatomy scrolls to this byte once

    // Layout map
    std::vector<MapBlock> blocks;
    MapView map;
    uint64_t map_generation = ~uint64_t{0};  // the selection the zoomed map last followed
    std::string offset_input;                // "go to offset", decimal or 0x hex
    bool focus_offset_input = false;         // Ctrl+G
    std::optional<uint64_t> map_detail_begin, map_detail_end;  // the view the detail below is of
    ByteWindow map_detail;                                      // owners of the bytes in a zoomed view

    // Bytes at any offset: a hex view of a window of the file, every byte's owner on hover
    bool bytes_open = false;
    uint64_t bytes_begin = 0;  // the window's first byte (a multiple of 16)
    ByteWindow bytes_window;
    std::optional<uint64_t> bytes_window_of;  // bytes_begin the window was read for
    bool bytes_scroll = false;                // scroll to the selected byte once

    // Neighbourhood
    EgoNetwork ego;
    uint64_t ego_generation = ~uint64_t{0};
    EgoView ego_view;
    float ego_width = 0, ego_height = 0;  // the drawing area last drawn, for the state dump
    std::optional<size_t> ego_pressed;    // the vertex under the left button while it is down
    bool ego_dragged = false;             // ... and whether it moved (then it is no click)

    // Walker inputs, which follow the walk
    std::string key_input;
    uint64_t index_input = 0;
    uint64_t walker_generation = ~uint64_t{0};
    // Per direction (out, in): the key filter and "jump to entry N" of the neighbour list
    struct NeighbourListView {
        std::string filter;
        NeighbourMatches matches;
        std::string matched_filter;
        uint64_t matched_generation = ~uint64_t{0};
        uint64_t jump_input = 0;
        std::optional<uint64_t> scroll_to;    // a position over all types, scrolled to once
        std::optional<uint64_t> highlighted;  // the entry jumped to, until the walk moves
    };
    std::array<NeighbourListView, 2> neighbour_views;
    uint64_t anatomy_generation = ~uint64_t{0};

    // File > Open
    bool open_dialog = false;
    std::string open_path;
    std::string browse_dir;

    bool quit = false;  // File > Quit, Ctrl+Q
    PanelLayout layout;  // where the splitters are

    void open(const std::string& path);
    // Resets the views and restarts the workers when the session's file changed (File > Open,
    // a walk's open step); a file that failed to open changes nothing.
    void follow_file();
    void frame();  // draws every panel
    void handle_shortcuts();
    void scale_text(float factor);
    void draw_splitters(const PanelLayout::Placement& placed, const Rect& area);
    // The drawn neighbourhood for --dump-state (ego_state), null when none is drawn.
    nlohmann::ordered_json neighbourhood_state() const;
    // {pages, bytes, parts: [{part, bytes, pages}], hop_new_pages} of the current vertex.
    nlohmann::ordered_json footprint_state() const;
    // The selected vertex's flags, recomputed when the selection or the findings change.
    const VertexFlags& vertex_flags();
    // Shows a byte (and `length` bytes after it) on the map, names its owner and, for a byte of
    // a vertex's record, walks there with the anatomy scrolled to it.
    void go_to_byte(uint64_t offset, uint64_t length = 0);
    // "Go to offset": selects the byte, zooms the map to it and opens the hex view there.
    void go_to_offset(uint64_t offset);
};

void draw_layout_map(App& app, ImVec2 pos, ImVec2 size);
void draw_schema(App& app, ImVec2 pos, ImVec2 size);
void draw_walker(App& app, ImVec2 pos, ImVec2 size);
void draw_anatomy(App& app, ImVec2 pos, ImVec2 size);
void draw_neighbourhood(App& app, ImVec2 pos, ImVec2 size);
void draw_statistics(App& app, ImVec2 pos, ImVec2 size);
void draw_errors(App& app, ImVec2 pos, ImVec2 size);
void draw_open_dialog(App& app);
void draw_bytes(App& app);  // the floating hex view of "go to offset"
void draw_verify_status(App& app);  // in the menu bar: progress and cancel, then the outcome

// Shared look: a colour per section kind and per record part, used by the map and the anatomy.
ImU32 section_colour(uint16_t kind, const std::string& name);
ImU32 part_colour(Part part, float alpha = 1.0f);
ImU32 field_colour(size_t field_index, Part part);
constexpr ImU32 kFindingColour = IM_COL32(255, 40, 40, 255);  // a verify finding, wherever shown
inline const ImVec4 kFindingText{1.0f, 0.4f, 0.4f, 1.0f};
std::string human_bytes(uint64_t bytes);
std::string hex_offset(uint64_t offset);
// A table of fields: offset, `second` (a narrow column), field, value; widths in characters.
// Pair with ImGui::EndTable when it returns true.
bool begin_field_table(const char* id, float offset_chars, const char* second, float second_chars);
// Begins a panel window at a fixed tile of the display (pair with ImGui::End).
void begin_panel(const char* title, ImVec2 pos, ImVec2 size, ImGuiWindowFlags flags = 0);

}  // namespace mmgraph::viewer
