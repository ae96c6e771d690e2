// Where the panels go: the layout map across the top, then three columns (walker over schema,
// anatomy over errors, neighbourhood over statistics), separated by splitters that the user
// drags. The split positions are fractions, so the layout follows the window from 800x500 to 4K;
// every panel keeps a minimum size while the window allows it.
#pragma once

#include <array>
#include <cstddef>

namespace mmgraph::viewer {

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    bool contains(float px, float py) const { return px >= x && px < x + w && py >= y && py < y + h; }
};

enum class PanelId { map, walker, schema, anatomy, errors, neighbourhood, statistics, count };
enum class SplitId { map_bottom, left_right_edge, middle_right_edge, walker_bottom, anatomy_bottom, neighbourhood_bottom, count };

struct PanelLayout {
    // Each split as a fraction of the space it divides.
    std::array<float, static_cast<std::size_t>(SplitId::count)> split{0.2f, 0.30f, 0.66f, 0.62f, 0.8f, 0.55f};
    bool show_errors = false;  // the errors panel takes the bottom of the middle column

    static constexpr float kGap = 5;        // splitter thickness, between panels
    static constexpr float kMinPanel = 90;  // a panel's smallest side, while the window allows

    struct Placement {
        std::array<Rect, static_cast<std::size_t>(PanelId::count)> panels;  // errors: empty when hidden
        std::array<Rect, static_cast<std::size_t>(SplitId::count)> splitters;
    };
    // The panels and splitters in a display area (below the menu bar).
    Placement place(Rect area) const;
    // Moves a splitter so that it sits at `pixel` (x for vertical splitters, y for horizontal
    // ones), clamped so that no panel drops below the minimum.
    void drag(SplitId split, float pixel, Rect area);
    static bool vertical(SplitId split) { return split == SplitId::left_right_edge || split == SplitId::middle_right_edge; }
};

}  // namespace mmgraph::viewer
