// Where the ego network's vertices go: a radial layout in layout units (the first hop on the
// unit circle around the centre, each further hop on a wider circle), and the view that maps
// layout units to panel pixels (fit, zoom, pan).
//
// Why radial and not forces: the earlier spring layout stepped velocity by force, which diverges
// once a vertex has enough springs; R-MAT neighbourhoods have hubs joined to most of the first
// hop, so positions ran to infinity and NaN and the panel drew the centre alone. Rings cannot
// blow up, show the hops at a glance, and space every ring's vertices evenly, so no two meet.
#pragma once

#include <nlohmann/json.hpp>

#include "ego_network.hpp"

namespace mmgraph::viewer {

// Places every vertex. The first hop keeps the sample's order (out-neighbours, then
// in-neighbours) clockwise from the top; each further ring is ordered by the angle of the vertex
// that found them and turned to sit as close to those parents as even spacing allows.
void radial_layout(EgoNetwork& network);

// Layout units to panel pixels (origin at the drawing area's top-left corner).
struct EgoFrame {
    float scale_x = 1, scale_y = 1;    // pixels per layout unit
    float origin_x = 0, origin_y = 0;  // the panel position of the layout origin
    float width = 0, height = 0;
    float to_panel_x(float x) const { return origin_x + x * scale_x; }
    float to_panel_y(float y) const { return origin_y + y * scale_y; }
    float to_layout_x(float px) const { return (px - origin_x) / scale_x; }
    float to_layout_y(float py) const { return (py - origin_y) / scale_y; }
};

// The user's view: the layout's bounding box fitted to the panel with a margin (stretched up to
// kMaxStretch to use a wide or tall panel), then zoomed around a point and panned. The box
// follows the layout until the user zooms, pans or drags (a picture that refits under the mouse
// cannot be aimed at); reset() fits again.
class EgoView {
public:
    static constexpr float kMaxStretch = 1.8f;

    void follow(const EgoNetwork& network);  // refits the box unless the user holds the view
    EgoFrame frame(float width, float height) const;
    void zoom_at(float px, float py, float factor, float width, float height);
    void pan(float dx, float dy);
    void hold() { following_ = false; }
    void reset();
    float zoom() const { return zoom_; }

private:
    float min_x_ = -1, min_y_ = -1, max_x_ = 1, max_y_ = 1;  // the fitted box, layout units
    float zoom_ = 1, pan_x_ = 0, pan_y_ = 0;
    bool following_ = true;
};

// {width, height, vertices: [{index, key, label, x, y}], edges: [{from, to, type}], left_out}:
// positions in panel pixels, edges by vertex index and type name, left_out the summed EgoCounts
// and hidden.
nlohmann::ordered_json ego_state(const EgoNetwork& network, const EgoFrame& frame);

}  // namespace mmgraph::viewer
