#include "panel_layout.hpp"

#include <algorithm>

namespace mmgraph::viewer {

namespace {

size_t at(SplitId s) { return static_cast<size_t>(s); }
size_t at(PanelId p) { return static_cast<size_t>(p); }

// The smallest spans before and after a split: a split with two panels beyond it keeps room
// for both.
std::pair<float, float> minimum_sides(SplitId s) {
    constexpr float one = PanelLayout::kMinPanel, two = 2 * PanelLayout::kMinPanel + PanelLayout::kGap;
    return s == SplitId::map_bottom || s == SplitId::left_right_edge ? std::pair{one, two} : std::pair{one, one};
}

// The length of the first span of `usable` pixels split at `fraction`, keeping each side's
// minimum while there is room for both (else in proportion to them).
float first_span(float usable, float fraction, SplitId s) {
    auto [before, after] = minimum_sides(s);
    if (before + after > usable) return usable * before / (before + after);
    return std::clamp(usable * fraction, before, usable - after);
}

// [from, from + length) cut by split `s` into two spans with a gap between: the first span's
// length and where the second starts.
std::pair<float, float> cut(float from, float length, float fraction, SplitId s) {
    const float usable = std::max(length - PanelLayout::kGap, 0.0f);
    const float first = first_span(usable, fraction, s);
    return {first, from + first + PanelLayout::kGap};
}

}  // namespace

PanelLayout::Placement PanelLayout::place(Rect area) const {
    Placement p;
    auto [map_h, body_y] = cut(area.y, area.h, split[at(SplitId::map_bottom)], SplitId::map_bottom);
    p.panels[at(PanelId::map)] = {area.x, area.y, area.w, map_h};
    p.splitters[at(SplitId::map_bottom)] = {area.x, area.y + map_h, area.w, kGap};
    const float body_h = area.y + area.h - body_y;

    auto [left_w, middle_x] = cut(area.x, area.w, split[at(SplitId::left_right_edge)], SplitId::left_right_edge);
    const float rest = area.x + area.w - middle_x;
    auto [middle_w, right_x] = cut(middle_x, rest, split[at(SplitId::middle_right_edge)], SplitId::middle_right_edge);
    const float right_w = area.x + area.w - right_x;
    p.splitters[at(SplitId::left_right_edge)] = {area.x + left_w, body_y, kGap, body_h};
    p.splitters[at(SplitId::middle_right_edge)] = {middle_x + middle_w, body_y, kGap, body_h};

    // A column of two panels split at `s`; with `single`, the top one takes it all.
    auto column = [&](float x, float w, PanelId top, PanelId bottom, SplitId s, bool single) {
        if (single) {
            p.panels[at(top)] = {x, body_y, w, body_h};
            return;
        }
        auto [top_h, bottom_y] = cut(body_y, body_h, split[at(s)], s);
        p.panels[at(top)] = {x, body_y, w, top_h};
        p.panels[at(bottom)] = {x, bottom_y, w, body_y + body_h - bottom_y};
        p.splitters[at(s)] = {x, body_y + top_h, w, kGap};
    };
    column(area.x, left_w, PanelId::walker, PanelId::schema, SplitId::walker_bottom, false);
    column(middle_x, middle_w, PanelId::anatomy, PanelId::errors, SplitId::anatomy_bottom, !show_errors);
    column(right_x, right_w, PanelId::neighbourhood, PanelId::statistics, SplitId::neighbourhood_bottom, false);
    return p;
}

void PanelLayout::drag(SplitId s, float pixel, Rect area) {
    // The span the splitter divides, found from the current placement.
    const Placement p = place(area);
    float from = 0, length = 0;
    switch (s) {
        case SplitId::map_bottom: from = area.y, length = area.h; break;
        case SplitId::left_right_edge: from = area.x, length = area.w; break;
        case SplitId::middle_right_edge: {
            const Rect& middle = p.panels[at(PanelId::anatomy)];
            from = middle.x, length = area.x + area.w - middle.x;
            break;
        }
        case SplitId::walker_bottom:
        case SplitId::anatomy_bottom:
        case SplitId::neighbourhood_bottom: {
            const Rect& column = p.panels[at(PanelId::walker)];
            from = column.y, length = area.y + area.h - column.y;
            break;
        }
        case SplitId::count: return;
    }
    const float usable = std::max(length - kGap, 1.0f);
    const float first = first_span(usable, (pixel - from) / usable, s);
    split[at(s)] = first / usable;
}

}  // namespace mmgraph::viewer
