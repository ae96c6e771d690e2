// viewer/model/panel_layout: panels that fit every window from 800x500 to 4K, splitters that move.
#include <catch2/catch.hpp>

#include <cmath>

#include "panel_layout.hpp"

using namespace mmgraph::viewer;

namespace {

bool overlap(const Rect& a, const Rect& b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

bool inside(const Rect& r, const Rect& area) {
    const float slack = 0.01f;
    return r.x >= area.x - slack && r.y >= area.y - slack && r.x + r.w <= area.x + area.w + slack && r.y + r.h <= area.y + area.h + slack;
}

void check_placement(const PanelLayout& layout, Rect area) {
    const auto p = layout.place(area);
    std::vector<Rect> shown;
    for (size_t i = 0; i < p.panels.size(); ++i) {
        const Rect& r = p.panels[i];
        if (static_cast<PanelId>(i) == PanelId::errors && !layout.show_errors) {
            CHECK(r.w * r.h == 0);
            continue;
        }
        CAPTURE(i, r.x, r.y, r.w, r.h);
        CHECK(inside(r, area));
        CHECK(r.w >= PanelLayout::kMinPanel);
        CHECK(r.h >= PanelLayout::kMinPanel);
        shown.push_back(r);
    }
    for (size_t a = 0; a < shown.size(); ++a)
        for (size_t b = a + 1; b < shown.size(); ++b) CHECK_FALSE(overlap(shown[a], shown[b]));
    // Together with the gaps, the panels fill the area: nothing is wasted at any size.
    double covered = 0;
    for (const Rect& r : shown) covered += static_cast<double>(r.w) * r.h;
    CHECK(covered > 0.95 * static_cast<double>(area.w) * area.h);
}

}  // namespace

TEST_CASE("the panels tile every window size without overlap", "[viewer][layout]") {
    for (auto [w, h] : {std::pair{800.0f, 500.0f}, {1280.0f, 800.0f}, {2560.0f, 1440.0f}, {3840.0f, 2160.0f}}) {
        for (bool errors : {false, true}) {
            CAPTURE(w, h, errors);
            PanelLayout layout;
            layout.show_errors = errors;
            check_placement(layout, {0, 20, w, h - 20});
        }
    }
}

TEST_CASE("a dragged splitter follows the pointer and stops at the minimum panel size", "[viewer][layout]") {
    const Rect area{0, 20, 1280, 780};
    PanelLayout layout;
    layout.show_errors = true;
    layout.drag(SplitId::map_bottom, 300, area);
    auto p = layout.place(area);
    CHECK(std::abs(p.splitters[static_cast<size_t>(SplitId::map_bottom)].y - 300) < 1.0f);
    layout.drag(SplitId::left_right_edge, 500, area);
    p = layout.place(area);
    CHECK(std::abs(p.splitters[static_cast<size_t>(SplitId::left_right_edge)].x - 500) < 1.0f);
    layout.drag(SplitId::middle_right_edge, 900, area);
    layout.drag(SplitId::anatomy_bottom, 600, area);
    p = layout.place(area);
    CHECK(std::abs(p.splitters[static_cast<size_t>(SplitId::middle_right_edge)].x - 900) < 1.0f);
    CHECK(std::abs(p.splitters[static_cast<size_t>(SplitId::anatomy_bottom)].y - 600) < 1.0f);
    check_placement(layout, area);

    // Dragged past the window's edges, every panel keeps its minimum.
    for (SplitId s : {SplitId::map_bottom, SplitId::left_right_edge, SplitId::middle_right_edge, SplitId::walker_bottom,
                      SplitId::anatomy_bottom, SplitId::neighbourhood_bottom}) {
        for (float pixel : {-1000.0f, 5000.0f}) {
            PanelLayout dragged = layout;
            dragged.drag(s, pixel, area);
            check_placement(dragged, area);
        }
    }
}
