// The viewer's GL-free model: history, walk scripts and the session they drive, the layout map
// geometry, ego-network sampling, layout and view, the statistics worker, and integrity (verify
// in the background, its findings placed and flagged on a vertex's fields).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "ego_layout.hpp"
#include "ego_network.hpp"
#include "history.hpp"
#include "integrity.hpp"
#include "layout_map.hpp"
#include "session.hpp"
#include "statistics.hpp"
#include "support/random_graph.hpp"
#include "walk_script.hpp"

using namespace mmgraph;
using namespace mmgraph::viewer;
using mmgraph::test::TempDir;

namespace {

const std::filesystem::path kGolden = MMGRAPH_TEST_DATA;

std::filesystem::path random_file(const TempDir& dir, uint64_t seed = 7, uint32_t vertices = 200, uint32_t edges = 900) {
    test::RandomGraphOptions options;
    options.seed = seed;
    options.vertices = vertices;
    options.edges = edges;
    test::write_model(test::random_model(options), {}, dir / "g.mmg");
    return dir / "g.mmg";
}

}  // namespace

TEST_CASE("history behaves like a browser's", "[viewer]") {
    History h;
    CHECK_FALSE(h.current());
    CHECK_FALSE(h.back());
    h.visit(1);
    h.visit(2);
    h.visit(2);  // the current vertex again adds nothing
    h.visit(3);
    CHECK(h.entries() == std::vector<uint32_t>{1, 2, 3});
    CHECK(h.back());
    CHECK(h.back());
    CHECK_FALSE(h.back());
    CHECK(*h.current() == 1);
    CHECK(h.forward());
    CHECK(*h.current() == 2);
    h.visit(9);  // drops the forward entry 3
    CHECK(h.entries() == std::vector<uint32_t>{1, 2, 9});
    CHECK_FALSE(h.can_forward());
    CHECK(h.jump(0));
    CHECK(*h.current() == 1);
    CHECK_FALSE(h.jump(3));
}

TEST_CASE("walk scripts parse steps and reject bad lines with their number", "[viewer]") {
    auto steps = parse_walk_script("# a comment\nkey alice smith\n\nindex 12\r\nout 0\nin 3\n  back  \nforward\n");
    REQUIRE(steps.size() == 6);
    CHECK(steps[0].kind == WalkStep::Kind::key);
    CHECK(steps[0].key == "alice smith");
    CHECK(steps[0].line == 2);
    CHECK(steps[1].kind == WalkStep::Kind::index);
    CHECK(steps[1].number == 12);
    CHECK(steps[2].kind == WalkStep::Kind::out);
    CHECK(steps[3].kind == WalkStep::Kind::in);
    CHECK(steps[3].number == 3);
    CHECK(steps[4].kind == WalkStep::Kind::back);
    CHECK(steps[5].kind == WalkStep::Kind::forward);
    CHECK_THROWS_WITH(parse_walk_script("index 1\njump 3\n"), Catch::Contains("line 2") && Catch::Contains("unknown step"));
    CHECK_THROWS_WITH(parse_walk_script("out -1"), Catch::Contains("line 1"));
    CHECK_THROWS_WITH(parse_walk_script("index 1x"), Catch::Contains("non-negative integer"));
    CHECK_THROWS_WITH(parse_walk_script("key"), Catch::Contains("needs a key"));
    CHECK_THROWS_WITH(parse_walk_script("back 2"), Catch::Contains("no argument"));
}

TEST_CASE("out N and in N follow the N-th edge of the stored order over all types", "[viewer]") {
    TempDir dir;
    Session session;
    REQUIRE(session.open(random_file(dir).string()));
    const File& file = *session.file();
    for (uint32_t i = 0; i < 40; ++i)
        for (Direction dir : {Direction::out, Direction::in}) {
            std::vector<uint32_t> targets;
            for (const Edge& e : file.vertex(i).edges(dir)) targets.push_back(e.target.index);
            for (size_t k = 0; k < targets.size(); ++k) {
                REQUIRE(session.go_index(i));
                REQUIRE(session.follow(dir, k));
                CHECK(session.current()->index == targets[k]);
            }
            REQUIRE(session.go_index(i));
            CHECK_FALSE(session.follow(dir, targets.size()));
        }
}

TEST_CASE("a walk moves, goes back and forward, and records failed steps", "[viewer]") {
    Session session;
    REQUIRE(session.open((kGolden / "small.mmg").string()));
    const File& file = *session.file();
    CHECK(session.current()->index == 0);  // a file opens at its first vertex
    // A vertex with out-edges, and its first out-neighbour.
    uint32_t from = 0;
    while (file.vertex(from).degree(Direction::out) == 0) ++from;
    uint32_t first = file.vertex(from).edges(Direction::out).begin()->target.index;
    std::string key = file.vertex(from).key_string();
    std::string script = "index " + std::to_string(from) + "\nout 0\nkey no-such-key\nback\nforward\nout 100000\n";
    run_walk(session, parse_walk_script(script));
    CHECK(session.current()->index == first);
    auto state = session.state();
    CHECK(state["current"]["index"] == first);
    CHECK(state["current"]["key"] == file.vertex(first).key_string());
    CHECK(state["current"]["label"] == std::string(file.vertex(first).label_name()));
    std::vector<std::string> history;
    for (const auto& k : state["history"]) history.push_back(k.get<std::string>());
    std::vector<std::string> want{file.vertex(0).key_string()};
    if (from != 0) want.push_back(key);
    if (first != from) want.push_back(file.vertex(first).key_string());
    CHECK(history == want);
    CHECK(state["history_position"] == want.size() - 1);
    REQUIRE(state["errors"].size() == 2);
    CHECK(state["errors"][0].get<std::string>().find("walk line 3: no vertex has the key 'no-such-key'") == 0);
    CHECK(state["errors"][1].get<std::string>().find("walk line 6: out 100000") == 0);
}

TEST_CASE("int64 keys are looked up as numbers and dumped as numbers", "[viewer]") {
    Session session;
    REQUIRE(session.open((kGolden / "intkeys.mmg").string()));
    int64_t key = std::get<int64_t>(session.file()->vertex(1).key());
    CHECK(session.go_key(std::to_string(key)));
    CHECK(session.current()->index == 1);
    CHECK(session.state()["current"]["key"] == key);
    CHECK_FALSE(session.go_key("twelve"));
    CHECK(session.errors().back().find("not an integer") != std::string::npos);
    CHECK_FALSE(session.follow(Direction::in, 0));  // the file stores no in-edges
}

TEST_CASE("the current vertex names every label of its label set (§6.6)", "[viewer][labels]") {
    Session session;
    REQUIRE(session.open((kGolden / "labels.mmg").string()));
    REQUIRE(session.go_key("lana"));
    CHECK(session.current()->label == "Person;Actor;Director");
    CHECK(session.current()->labels == std::vector<std::string>{"Person", "Actor", "Director"});
    CHECK(session.current()->attributes.size() == 4);  // the union layout: name, born, awards, studio
    CHECK(session.state()["current"]["labels"] == nlohmann::ordered_json::array({"Person", "Actor", "Director"}));
    REQUIRE(session.go_key("joel"));
    CHECK(session.current()->labels == std::vector<std::string>{"Person"});
    CHECK(session.current()->id_space.empty());
    // The key "1" exists only in named spaces; a vertex of one names its space.
    REQUIRE(session.go_index(session.file()->find("1", *session.file()->id_space("Actor-ID"))->index()));
    CHECK(session.current()->id_space == "Actor-ID");
}

TEST_CASE("a file that cannot be opened leaves the reader's message and no selection", "[viewer]") {
    TempDir dir;
    auto bytes = test::read_bytes(kGolden / "small.mmg");
    bytes.resize(bytes.size() / 2);
    mmgraph::test::write_bytes(dir / "cut.mmg", bytes);
    Session session;
    CHECK_FALSE(session.open((dir / "cut.mmg").string()));
    auto state = session.state();
    CHECK(state["current"].is_null());
    CHECK(state["history"].empty());
    REQUIRE(state["errors"].size() == 1);
    CHECK(state["errors"][0].get<std::string>().find("truncated") != std::string::npos);
    CHECK_FALSE(session.go_index(0));
    CHECK_FALSE(Session().open((dir / "missing.mmg").string()));
}

TEST_CASE("layout blocks cover the file in order and the map view zooms within it", "[viewer]") {
    auto file = File::open(kGolden / "small.mmg");
    auto blocks = layout_blocks(*file);
    uint64_t at = 0;
    std::set<std::string> names;
    for (const MapBlock& b : blocks) {
        CHECK(b.offset == at);
        at += b.size;
        names.insert(b.name);
    }
    CHECK(at == file->file_size());
    for (const char* name : {"header", "directory", "strings", "schema", "vertices", "nodes", "out_edges", "in_edges", "key_table"})
        CHECK(names.count(name) == 1);

    MapView view{0, 10000, 4, 100};
    CHECK(view.offset_at(0, 0) == 0);
    CHECK(view.offset_at(1, 0) == 2500);
    CHECK(view.offset_at(3, 100) == 9999);
    CHECK(view.position_of(5000) == Approx(200));
    view.zoom(5000, 0.1, 10000);
    CHECK(view.end - view.begin == 1000);
    CHECK(view.begin <= 5000);
    CHECK(view.end > 5000);
    view.zoom(9990, 0.001, 10000);  // never below the minimum span, never past the end
    CHECK(view.end - view.begin == 64);
    CHECK(view.end <= 10000);
    view.zoom(0, 1e9, 10000);
    CHECK(view.begin == 0);
    CHECK(view.end == 10000);
    view = {1000, 2000, 4, 100};  // 2.5 bytes per pixel
    view.pan(40, 10000);
    CHECK(view.begin == 1100);
    CHECK(view.end == 2100);
    view.pan(-1e6, 10000);  // stops at the start, keeping the span
    CHECK(view.begin == 0);
    CHECK(view.end == 1000);
    view.pan(1e6, 10000);
    CHECK(view.end == 10000);
    CHECK(view.begin == 9000);
}

TEST_CASE("the ego network is capped and says what it left out", "[viewer]") {
    TempDir dir;
    auto file = File::open(random_file(dir, 3, 300, 3000));
    EgoOptions options;
    options.max_nodes = 20;
    options.max_per_vertex = 4;
    uint32_t hub = 0;
    for (uint32_t i = 0; i < file->vertex_count(); ++i)
        if (file->vertex(i).degree(Direction::out) > file->vertex(hub).degree(Direction::out)) hub = i;
    EgoNetwork net = extract_ego(*file, hub, options);
    REQUIRE(!net.nodes.empty());
    CHECK(net.nodes[0].index == hub);
    CHECK(net.nodes[0].expanded);
    CHECK(net.nodes.size() == 20);
    const Vertex centre = file->vertex(hub);
    CHECK(net.nodes[0].counts.entries == centre.degree(Direction::out) + centre.degree(Direction::in));
    CHECK(net.nodes[0].counts.read == net.nodes[0].counts.entries);  // short lists are read whole
    CHECK(net.hidden > 0);
    CHECK(net.left_out.not_chosen > 0);
    size_t first_hop = 0;
    for (const EgoNode& n : net.nodes) first_hop += n.hop == 1;
    CHECK(first_hop <= 8);  // 4 new neighbours per direction
    std::set<std::tuple<uint32_t, uint32_t, uint32_t>> drawn;
    for (const EgoEdge& e : net.edges) {
        REQUIRE(e.from < net.nodes.size());
        REQUIRE(e.to < net.nodes.size());
        CHECK(e.from != e.to);
        CHECK(drawn.insert({net.nodes[e.from].index, net.nodes[e.to].index, e.type}).second);  // parallel edges once
        // Every drawn edge is an edge of the file.
        bool found = false;
        for (const Edge& f : file->vertex(net.nodes[e.from].index).edges(Direction::out))
            found = found || (f.target.index == net.nodes[e.to].index && f.type == e.type);
        CHECK(found);
    }
    for (const EgoNode& n : net.nodes) {
        CHECK(n.label == file->vertex(n.index).label());
        CHECK(n.label_name == file->vertex(n.index).label_name());
        CHECK(n.key == file->vertex(n.index).key_string());
    }
}

namespace {

// A Graph500-style R-MAT graph (a = 0.57, b = c = 0.19): heavy hubs, self-loops and repeated
// edges kept, three labels and three edge types; vertex i has the key "v<i>".
test::Model rmat_model(unsigned scale, unsigned edge_factor, uint64_t seed) {
    test::Model m;
    for (const char* l : {"Person", "Place", "Thing"}) m.labels.emplace_back(l, std::vector<AttributeSpec>{});
    for (const char* t : {"KNOWS", "LIKES", "OWNS"}) m.edge_types.emplace_back(t, std::vector<AttributeSpec>{});
    const uint32_t n = 1u << scale;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    for (uint32_t i = 0; i < n; ++i) m.vertices.push_back({"v" + std::to_string(i), static_cast<uint32_t>(rng() % 3), {}});
    for (uint64_t k = 0; k < uint64_t{n} * edge_factor; ++k) {
        uint32_t src = 0, dst = 0;
        for (unsigned bit = 0; bit < scale; ++bit) {
            double r = unit(rng);
            bool down = r >= 0.57 + 0.19, right = (r >= 0.57 && r < 0.76) || r >= 0.95;
            src = src << 1 | (down ? 1u : 0u);
            dst = dst << 1 | (right ? 1u : 0u);
        }
        m.edges.push_back({src, dst, static_cast<uint32_t>(rng() % 3), {}});
    }
    return m;
}

// Where every vertex of the drawing lands in a panel of this size, after the layout and the fit.
std::vector<std::pair<float, float>> drawn_positions(EgoNetwork& net, float width, float height) {
    radial_layout(net);
    EgoView view;
    view.follow(net);
    EgoFrame frame = view.frame(width, height);
    std::vector<std::pair<float, float>> at;
    for (const EgoNode& n : net.nodes) at.emplace_back(frame.to_panel_x(n.x), frame.to_panel_y(n.y));
    return at;
}

// Distinct, finite, inside the panel, at least `gap` pixels apart, and filling a good part of it.
void check_spread(const std::vector<std::pair<float, float>>& at, float width, float height, float gap) {
    float min_x = width, max_x = 0, min_y = height, max_y = 0, closest = INFINITY;
    for (size_t i = 0; i < at.size(); ++i) {
        auto [x, y] = at[i];
        REQUIRE(std::isfinite(x));
        REQUIRE(std::isfinite(y));
        CHECK(x >= 0);
        CHECK(x <= width);
        CHECK(y >= 0);
        CHECK(y <= height);
        min_x = std::min(min_x, x), max_x = std::max(max_x, x), min_y = std::min(min_y, y), max_y = std::max(max_y, y);
        for (size_t j = 0; j < i; ++j) closest = std::min(closest, std::hypot(x - at[j].first, y - at[j].second));
    }
    if (at.size() < 2) return;
    CHECK(closest >= gap);
    CHECK(std::max((max_x - min_x) / width, (max_y - min_y) / height) >= 0.6f);
    if (at.size() >= 5) {
        CHECK((max_x - min_x) / width >= 0.3f);
        CHECK((max_y - min_y) / height >= 0.3f);
    }
}

}  // namespace

TEST_CASE("R-MAT neighbourhoods are drawn with distinct, finite, spread-out positions", "[viewer]") {
    // The spring layout this replaced sent most of these to NaN or to 1e11, drawing the centre alone.
    TempDir dir;
    test::write_model(rmat_model(11, 12, 5), {}, dir / "rmat.mmg");
    auto file = File::open(dir / "rmat.mmg");
    size_t full = 0;
    for (uint32_t centre = 0; centre < 300; ++centre) {
        INFO("centre " << centre);
        EgoNetwork net = extract_ego(*file, centre);
        full += net.nodes.size() == 60;
        std::set<uint32_t> indices;
        for (const EgoNode& n : net.nodes) CHECK(indices.insert(n.index).second);
        for (auto [width, height] : {std::pair{420.0f, 260.0f}, std::pair{250.0f, 150.0f}, std::pair{1100.0f, 700.0f}}) {
            INFO("panel " << width << "x" << height);
            check_spread(drawn_positions(net, width, height), width, height, width < 300 ? 5.0f : 8.0f);
        }
    }
    CHECK(full > 100);  // most R-MAT vertices fill the drawing
}

TEST_CASE("a hub whose first edges are self-loops shows distinct neighbours from its whole list", "[viewer]") {
    // Vertex 0 sorts first in its own lists, so its self-loops come before everything else, then
    // a few targets repeated many times, then many distinct ones: the first entries in stored
    // order say nothing about the rest.
    test::Model m;
    m.labels.emplace_back("Hub", std::vector<AttributeSpec>{});
    m.labels.emplace_back("Leaf", std::vector<AttributeSpec>{});
    m.edge_types.emplace_back("LINKS", std::vector<AttributeSpec>{});
    m.edge_types.emplace_back("OWNS", std::vector<AttributeSpec>{});
    const uint32_t n = 5000;
    for (uint32_t i = 0; i < n; ++i) m.vertices.push_back({"v" + std::to_string(i), i == 0 ? 0u : 1u, {}});
    for (int k = 0; k < 40; ++k) m.edges.push_back({0, 0, 0, {}});
    for (int k = 0; k < 3000; ++k) m.edges.push_back({0, 1 + static_cast<uint32_t>(k % 3), 0, {}});
    for (uint32_t i = 4; i < n; ++i) {
        m.edges.push_back({0, i, i % 2, {}});
        if (i % 3 == 0) m.edges.push_back({i, 0, 1, {}});
        m.edges.push_back({i, i == n - 1 ? 4 : i + 1, 0, {}});
    }
    TempDir dir;
    test::write_model(m, {}, dir / "hub.mmg");
    auto file = File::open(dir / "hub.mmg");
    REQUIRE(file->vertex(0).edges(Direction::out).begin()->target.index == 0);

    EgoNetwork net = extract_ego(*file, 0);
    const EgoNode& hub = net.nodes[0];
    CHECK(hub.sampled);
    CHECK(hub.counts.read <= 2 * EgoOptions{}.max_reads);  // bounded, whatever the degree
    CHECK(hub.counts.self_loops > 0);
    CHECK(hub.counts.repeats > 0);
    CHECK(net.left_out.self_loops >= hub.counts.self_loops);
    std::set<uint32_t> first_hop;
    uint32_t furthest = 0;
    for (const EgoNode& node : net.nodes) {
        if (node.hop != 1) continue;
        CHECK(node.index != 0);
        CHECK(first_hop.insert(node.index).second);
        furthest = std::max(furthest, node.index);
    }
    CHECK(first_hop.size() == 2 * EgoOptions{}.max_per_vertex);  // 12 out- and 12 in-neighbours
    CHECK(furthest > n / 2);  // taken from the whole list, not its first entries
    CHECK(net.nodes.size() == EgoOptions{}.max_nodes);
    for (const EgoEdge& e : net.edges) CHECK(e.from != e.to);
    std::set<uint32_t> types;
    for (const EgoEdge& e : net.edges) types.insert(e.type);
    CHECK(types.size() == 2);  // the sample spans both edge types
    check_spread(drawn_positions(net, 420, 260), 420, 260, 8);
}

TEST_CASE("the neighbourhood view fits, zooms around the cursor, pans, and maps back for drags", "[viewer]") {
    EgoNetwork net;
    for (int i = 0; i < 7; ++i) {
        EgoNode n;
        n.index = static_cast<uint32_t>(i);
        n.hop = i == 0 ? 0 : i < 4 ? 1 : 2;
        n.parent = i < 4 ? 0 : static_cast<size_t>(i - 3);
        net.nodes.push_back(n);
    }
    radial_layout(net);
    CHECK(net.nodes[0].x == 0.0f);
    CHECK(net.nodes[1].y == Approx(-1.0f));  // the first hop starts at the top
    for (const EgoNode& n : net.nodes) CHECK(std::hypot(n.x, n.y) == Approx(n.hop == 2 ? 1.6f : n.hop).margin(1e-5));

    EgoView view;
    view.follow(net);
    EgoFrame f = view.frame(400, 300);
    float min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY, max_y = -INFINITY;
    for (const EgoNode& n : net.nodes) {
        min_x = std::min(min_x, f.to_panel_x(n.x)), max_x = std::max(max_x, f.to_panel_x(n.x));
        min_y = std::min(min_y, f.to_panel_y(n.y)), max_y = std::max(max_y, f.to_panel_y(n.y));
    }
    CHECK((min_x + max_x) / 2 == Approx(200));  // the drawing is centred, within a margin
    CHECK((min_y + max_y) / 2 == Approx(150));
    CHECK(min_y >= 20);
    CHECK(max_y == Approx(300 - min_y));
    CHECK(f.scale_x <= f.scale_y * EgoView::kMaxStretch + 1e-3f);
    CHECK(f.to_layout_x(f.to_panel_x(1.25f)) == Approx(1.25f));
    CHECK(f.to_layout_y(f.to_panel_y(-0.5f)) == Approx(-0.5f));

    // The layout point under the cursor stays under it while zooming.
    float lx = f.to_layout_x(300), ly = f.to_layout_y(80);
    view.zoom_at(300, 80, 2.0f, 400, 300);
    EgoFrame zoomed = view.frame(400, 300);
    CHECK(zoomed.scale_x == Approx(2 * f.scale_x));
    CHECK(zoomed.to_panel_x(lx) == Approx(300));
    CHECK(zoomed.to_panel_y(ly) == Approx(80));
    view.pan(10, -5);
    EgoFrame panned = view.frame(400, 300);
    CHECK(panned.to_panel_x(lx) == Approx(310));
    CHECK(panned.to_panel_y(ly) == Approx(75));

    // A held view does not refit when a vertex is dragged far out; reset() fits again.
    net.nodes[6].x = 50;
    view.follow(net);
    CHECK(view.frame(400, 300).to_panel_x(lx) == Approx(310));
    view.reset();
    view.follow(net);
    EgoFrame refit = view.frame(400, 300);
    CHECK(refit.to_panel_x(50) <= 400);
    CHECK(refit.to_panel_x(net.nodes[1].x) >= 0);
}

TEST_CASE("the neighbourhood state lists vertices in panel pixels and edges by index and type", "[viewer]") {
    auto file = File::open(kGolden / "intkeys.mmg");
    EgoNetwork net = extract_ego(*file, 1);
    radial_layout(net);
    EgoView view;
    view.follow(net);
    EgoFrame frame = view.frame(300, 200);
    auto state = ego_state(net, frame);
    CHECK(state["width"] == 300.0f);
    REQUIRE(state["vertices"].size() == net.nodes.size());
    for (size_t i = 0; i < net.nodes.size(); ++i) {
        const auto& v = state["vertices"][i];
        CHECK(v["index"] == net.nodes[i].index);
        CHECK(v["key"] == std::get<int64_t>(file->vertex(net.nodes[i].index).key()));  // int64 keys stay numbers
        CHECK(v["label"] == std::string(file->vertex(net.nodes[i].index).label_name()));
        CHECK(v["x"].get<float>() == Approx(frame.to_panel_x(net.nodes[i].x)));
        CHECK(v["y"].get<float>() == Approx(frame.to_panel_y(net.nodes[i].y)));
    }
    REQUIRE(state["edges"].size() == net.edges.size());
    for (size_t i = 0; i < net.edges.size(); ++i) {
        CHECK(state["edges"][i]["from"] == net.nodes[net.edges[i].from].index);
        CHECK(state["edges"][i]["to"] == net.nodes[net.edges[i].to].index);
        CHECK(state["edges"][i]["type"] == std::string(file->edge_types()[net.edges[i].type].name));
    }
}

TEST_CASE("statistics match a direct count and the worker can be cancelled", "[viewer]") {
    TempDir dir;
    auto file = File::open(random_file(dir, 5, 500, 2500));
    auto stats = compute_statistics(*file, nullptr, nullptr);
    REQUIRE(stats);
    std::vector<uint64_t> buckets;
    uint64_t total = 0, max = 0;
    for (Vertex v : file->vertices()) {
        uint64_t d = v.degree(Direction::out);
        size_t b = DegreeHistogram::bucket_of(d);
        if (buckets.size() <= b) buckets.resize(b + 1);
        ++buckets[b];
        total += d;
        max = std::max(max, d);
    }
    CHECK(stats->out.buckets == buckets);
    CHECK(stats->out.total == total);
    CHECK(stats->out.max_degree == max);
    CHECK(file->vertex(stats->out.max_vertex).degree(Direction::out) == max);
    CHECK(stats->in.total == total);  // every edge has both ends in this file
    uint64_t node_bytes = 0;
    for (uint64_t b : stats->node_type_bytes) node_bytes += b;
    for (const SectionInfo& s : file->sections())
        if (s.name() == "nodes") CHECK(node_bytes == s.length);
    CHECK(DegreeHistogram::bucket_of(0) == 0);
    CHECK(DegreeHistogram::bucket_of(1) == 1);
    CHECK(DegreeHistogram::bucket_of(7) == 3);
    CHECK(DegreeHistogram::bucket_low(3) == 4);

    std::atomic<bool> stop{true};
    CHECK_FALSE(compute_statistics(*file, &stop, nullptr));

    StatisticsWorker worker;
    worker.start(file);
    for (int i = 0; i < 1000 && worker.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto result = worker.take();
    REQUIRE(result);
    CHECK(result->out.buckets == buckets);
    CHECK_FALSE(worker.take());
    worker.start(file);
    worker.cancel();  // joins; no result
    CHECK_FALSE(worker.running());
    CHECK_FALSE(worker.take());
}

TEST_CASE("a failed open keeps the file, selection and history, and decodes the refused header", "[viewer]") {
    TempDir dir;
    const auto good = random_file(dir);
    auto bytes = test::read_bytes(good);
    bytes.resize(bytes.size() / 2);
    mmgraph::test::write_bytes(dir / "cut.mmg", bytes);

    Session session;
    REQUIRE(session.open(good.string()));
    REQUIRE(session.go_index(7));
    const auto file = session.file();
    const uint64_t generation = session.generation();
    CHECK_FALSE(session.open((dir / "cut.mmg").string()));
    CHECK(session.file() == file);
    CHECK(session.path() == good.string());
    CHECK(session.current()->index == 7);
    CHECK(session.history().entries() == std::vector<uint32_t>{0, 7});
    CHECK(session.generation() == generation);
    REQUIRE(session.errors().size() == 1);
    CHECK(session.errors()[0].find("truncated") != std::string::npos);

    REQUIRE(session.failed_open());
    const FailedOpen& failed = *session.failed_open();
    CHECK(failed.path == (dir / "cut.mmg").string());
    CHECK(failed.error == session.errors()[0]);
    CHECK(failed.head.size() == FailedOpen::kHeadBytes);
    REQUIRE(failed.fields.size() == 15 + 6 * file->sections().size());  // the header and every directory entry
    CHECK(failed.fields[0].name == "magic");
    CHECK(failed.fields[4].name == "file size");
    CHECK(failed.fields[4].value == std::to_string(file->file_size()));  // what the header declares

    // A file too short for the header, and one that does not exist.
    mmgraph::test::write_bytes(dir / "tiny.mmg", {0x89, 'M', 'M', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 2, 0});
    CHECK_FALSE(session.open((dir / "tiny.mmg").string()));
    CHECK(session.failed_open()->fields.size() == 2);  // magic, version major
    CHECK_FALSE(session.open((dir / "missing.mmg").string()));
    CHECK(session.failed_open()->head.empty());
    CHECK(session.failed_open()->fields.empty());
    CHECK(session.current()->index == 7);

    // An open that succeeds replaces the file and forgets the failures.
    REQUIRE(session.open((kGolden / "small.mmg").string()));
    CHECK_FALSE(session.failed_open());
    CHECK(session.errors().empty());
    CHECK(session.current()->index == 0);
}

TEST_CASE("a walk's open step opens a file like File > Open", "[viewer]") {
    TempDir dir;
    const auto good = random_file(dir);
    mmgraph::test::write_bytes(dir / "foreign.mmg", std::vector<uint8_t>(300, 'x'));
    auto steps = parse_walk_script("open " + (dir / "foreign.mmg").string() + "\nindex 3\nopen " + good.string() + "\nindex 4\n");
    REQUIRE(steps.size() == 4);
    CHECK(steps[0].kind == WalkStep::Kind::open);
    CHECK(steps[0].path == (dir / "foreign.mmg").string());
    CHECK_THROWS_WITH(parse_walk_script("open\n"), Catch::Contains("needs a file"));

    Session session;
    REQUIRE(session.open((kGolden / "small.mmg").string()));
    run_walk(session, {steps[0], steps[1]});
    CHECK(session.path() == (kGolden / "small.mmg").string());  // the foreign file is refused
    CHECK(session.current()->index == 3);
    REQUIRE(session.errors().size() == 1);
    CHECK(session.errors()[0].rfind("walk line 1: ", 0) == 0);
    CHECK(session.errors()[0].find("magic") != std::string::npos);
    run_walk(session, {steps[2], steps[3]});
    CHECK(session.path() == good.string());
    CHECK(session.current()->index == 4);
    CHECK(session.history().entries() == std::vector<uint32_t>{0, 4});
}

namespace {

// A copy of `path` with the first ordinal of the first out-block with one (a type with
// properties) read as 71776119061217280: one flipped byte. Returns the field's offset.
uint64_t flip_first_ordinal(const std::filesystem::path& path, const std::filesystem::path& out, uint32_t& vertex) {
    auto file = File::open(path);
    for (vertex = 0; vertex < file->vertex_count(); ++vertex)
        for (const FieldSpan& f : describe_vertex(*file, vertex).fields)
            if (f.part == Part::out_edges && f.name.find("first ordinal") != std::string::npos && f.value == "0") {
                auto bytes = test::read_bytes(path);
                bytes[f.offset + 6] ^= 0xFF;
                mmgraph::test::write_bytes(out, bytes);
                return f.offset;
            }
    FAIL("no out-block with a first ordinal of 0");
    return 0;
}

}  // namespace

TEST_CASE("integrity: findings are placed by section and flagged on the vertex's damaged field", "[viewer][integrity]") {
    TempDir dir;
    const auto good = random_file(dir, 11, 200, 900);
    {
        auto file = File::open(good);
        auto clean = check_integrity(*file, nullptr, nullptr);
        REQUIRE(clean);
        CHECK(clean->findings.empty());
        CHECK(findings_json(*clean).empty());
    }
    uint32_t vertex = 0;
    const uint64_t ordinal_at = flip_first_ordinal(good, dir / "bad.mmg", vertex);
    auto file = File::open(dir / "bad.mmg");
    SectionInfo out;
    for (const SectionInfo& s : file->sections())
        if (s.name() == "out_edges") out = s;

    std::atomic<uint64_t> progress{0};
    auto integrity = check_integrity(*file, nullptr, &progress);
    REQUIRE(integrity);
    CHECK(progress == kProgressScale);
    // The section's checksum (a range) and the field (a point), in offset order.
    REQUIRE(integrity->findings.size() == 2);
    CHECK(integrity->findings[0].offset == out.offset);
    CHECK(integrity->findings[0].length == out.length);
    CHECK(integrity->findings[0].area == "out_edges");
    CHECK(integrity->findings[1].offset == ordinal_at);
    CHECK(integrity->findings[1].length == 0);
    CHECK(integrity->ranges == std::vector<size_t>{0});
    CHECK(integrity->at(0, file->file_size()) == std::pair<size_t, size_t>{0, 2});
    CHECK(integrity->at(out.offset + 1, ordinal_at) == std::pair<size_t, size_t>{1, 1});
    CHECK(integrity->at(ordinal_at, ordinal_at + 1) == std::pair<size_t, size_t>{1, 2});

    auto json = findings_json(*integrity);
    REQUIRE(json.size() == 2);
    CHECK(json[1]["section"] == "out_edges");
    CHECK(json[1]["offset"] == ordinal_at);
    CHECK(json[1]["message"].get<std::string>().find("71776119061217280 out of sequence") != std::string::npos);
    const std::string path = (dir / "bad.mmg").string();
    CHECK(without_path(integrity->findings[1].message, path).rfind("section out_edges", 0) == 0);
    CHECK(without_path("other: message", path) == "other: message");

    // The damaged vertex: its first-ordinal field and its edge block are flagged, and nothing
    // else; the checksum says nothing about one vertex.
    VertexAnatomy anatomy = describe_vertex(*file, vertex);
    VertexFlags flags = flag_vertex(*file, anatomy, *integrity);
    CHECK(flags.records == std::vector<size_t>{1});
    REQUIRE(flags.fields.size() == 1);
    CHECK(anatomy.fields[flags.fields[0].field].offset == ordinal_at);
    CHECK(anatomy.fields[flags.fields[0].field].name.find("first ordinal") != std::string::npos);
    REQUIRE(flags.blocks.size() == 1);
    CHECK(flags.blocks[0].direction == Direction::out);
    CHECK(flags.blocks[0].finding == 1);
    CHECK(!file->edge_types()[flags.blocks[0].type].attributes.empty());
    const uint32_t other = vertex + 1 < file->vertex_count() ? vertex + 1 : 0;
    VertexFlags none = flag_vertex(*file, describe_vertex(*file, other), *integrity);
    CHECK(none.records.empty());
    CHECK(none.fields.empty());
    CHECK(none.blocks.empty());
}

TEST_CASE("integrity: a flipped byte in each section kind is found at that section", "[viewer][integrity]") {
    TempDir dir;
    const auto good = random_file(dir, 12, 150, 600);
    const auto bytes = test::read_bytes(good);
    const std::vector<SectionInfo> sections = [&] {
        auto f = File::open(good);
        return std::vector<SectionInfo>(f->sections().begin(), f->sections().end());
    }();
    for (size_t i = 0; i < sections.size(); ++i) {
        const SectionInfo& s = sections[i];
        INFO("section " << i << " (" << s.name() << ")");
        // The small tables are parsed at open: the first byte from the middle whose flip still opens.
        Session session;
        for (uint64_t k = 0; k < s.length && !session.file(); ++k) {
            auto b = bytes;
            b[s.offset + (s.length / 2 + k) % s.length] ^= 0x04;
            mmgraph::test::write_bytes(dir / "flip.mmg", b);
            session.open((dir / "flip.mmg").string());
        }
        REQUIRE(session.file());
        auto integrity = check_integrity(*session.file(), nullptr, nullptr);
        REQUIRE(integrity);
        auto [first, last] = integrity->at(s.offset, s.offset + 1);
        REQUIRE(last > first);
        CHECK(integrity->findings[first].section == static_cast<int>(i));
        CHECK(integrity->findings[first].area == s.name());
        CHECK(integrity->findings[first].length == s.length);
    }
}

TEST_CASE("integrity: the worker verifies in the background and can be cancelled", "[viewer][integrity]") {
    TempDir dir;
    uint32_t vertex = 0;
    flip_first_ordinal(random_file(dir, 13, 300, 1500), dir / "bad.mmg", vertex);
    auto file = File::open(dir / "bad.mmg");
    IntegrityWorker worker;
    worker.start(file);
    for (int i = 0; i < 2000 && worker.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(worker.progress() == Approx(1.0));
    auto result = worker.take();
    REQUIRE(result);
    CHECK(result->findings.size() == 2);
    CHECK_FALSE(worker.take());
    worker.start(file);
    worker.cancel();  // joins; no result
    CHECK_FALSE(worker.running());
    CHECK_FALSE(worker.take());
    worker.start(nullptr);
    CHECK_FALSE(worker.running());

    std::atomic<bool> stop{true};
    CHECK_FALSE(check_integrity(*file, &stop, nullptr));
}
