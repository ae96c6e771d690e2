// The library's BFS (traversal.hpp) against a plain BFS over the model's edge list: seeded random
// graphs with and without in-edges, one and several shards, every direction, and thresholds
// that force each kind of level.
#include <catch2/catch.hpp>

#include <deque>

#include "mmgraph/traversal.hpp"
#include "support/error_kind.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;

namespace {

Model sparse_or_dense(uint64_t seed, uint32_t vertices, uint32_t edges) {
    RandomGraphOptions o;
    o.seed = seed;
    o.vertices = vertices;
    o.edges = edges;
    o.edge_types = 3;
    o.properties = false;
    return random_model(o);
}

// Distances over the model's edges, indexed like the model's vertices.
std::vector<int32_t> reference_bfs(const Model& model, uint32_t source, BfsDirection direction) {
    std::vector<std::vector<uint32_t>> next(model.vertices.size());
    for (const ModelEdge& e : model.edges) {
        if (direction != BfsDirection::in) next[e.src].push_back(e.dst);
        if (direction != BfsDirection::out) next[e.dst].push_back(e.src);
    }
    std::vector<int32_t> distance(model.vertices.size(), -1);
    std::deque<uint32_t> queue{source};
    distance[source] = 0;
    while (!queue.empty()) {
        const uint32_t v = queue.front();
        queue.pop_front();
        for (uint32_t w : next[v])
            if (distance[w] < 0) {
                distance[w] = distance[v] + 1;
                queue.push_back(w);
            }
    }
    return distance;
}

struct Placed {
    std::vector<VertexRef> refs;      // per model vertex
    std::vector<uint64_t> global;     // per model vertex
};

Placed place(const Model& model, const Dataset& dataset) {
    const std::vector<uint64_t> first = global_first_indices(dataset);
    Placed placed;
    for (const ModelVertex& v : model.vertices) {
        const auto found = dataset.find(std::string_view(v.key));
        REQUIRE(found);
        placed.refs.push_back(found->ref());
        placed.global.push_back(first[found->ref().shard] + found->index());
    }
    return placed;
}

BfsOptions forced(BfsDirection direction, bool bottom_up_always) {
    BfsOptions o;
    o.direction = direction;
    if (bottom_up_always) o.alpha = o.beta = 1e12;  // any frontier is "large", and stays so
    return o;
}

}  // namespace

TEST_CASE("bfs: the distances of a plain BFS, whatever levels run bottom-up", "[traversal]") {
    const auto [vertices, edges] = GENERATE(std::pair<uint32_t, uint32_t>{300, 3000}, std::pair<uint32_t, uint32_t>{600, 700});
    const uint64_t seed = GENERATE(1, 2);
    const uint16_t shards = GENERATE(1, 3);
    const bool in_edges = GENERATE(true, false);
    INFO("vertices " << vertices << " edges " << edges << " seed " << seed << " shards " << shards << " in-edges " << in_edges);
    const Model model = sparse_or_dense(seed, vertices, edges);
    TempDir dir;
    WriterOptions writing;
    writing.shard_count = shards;
    writing.store_in_edges = in_edges;
    write_model(model, writing, dir / "g.mmg");
    const Dataset dataset = Dataset::open(dir / "g.mmg");
    const Placed placed = place(model, dataset);

    uint32_t bottom_up_levels = 0;
    for (BfsDirection direction : {BfsDirection::out, BfsDirection::in, BfsDirection::both}) {
        for (uint32_t source : {0u, vertices / 2, vertices - 1}) {
            INFO("direction " << static_cast<int>(direction) << " source " << source);
            std::vector<int32_t> distance(dataset.vertex_count());
            if (!in_edges && direction != BfsDirection::out) {
                CHECK(kind_thrown([&] { bfs(dataset, placed.refs[source], distance, forced(direction, false)); }) == ErrorKind::misuse);
                continue;
            }
            const std::vector<int32_t> expected = reference_bfs(model, source, direction);
            std::vector<uint64_t> sizes;
            for (int32_t d : expected)
                if (d >= 0) {
                    if (sizes.size() <= static_cast<size_t>(d)) sizes.resize(d + 1);
                    ++sizes[d];
                }
            BfsOptions top_down_only = forced(direction, false);
            top_down_only.bottom_up = false;
            for (const BfsOptions& options : {forced(direction, false), forced(direction, true), top_down_only}) {
                std::fill(distance.begin(), distance.end(), 7);
                const BfsSummary summary = bfs(dataset, placed.refs[source], distance, options);
                for (uint32_t v = 0; v < vertices; ++v) REQUIRE(distance[placed.global[v]] == expected[v]);
                CHECK(summary.level_sizes == sizes);
                if (!options.bottom_up || !in_edges) CHECK(summary.bottom_up_levels == 0);
                bottom_up_levels += summary.bottom_up_levels;
            }
        }
    }
    if (in_edges) CHECK(bottom_up_levels > 0);
}

TEST_CASE("bfs: the default thresholds go bottom-up on a dense graph and back", "[traversal]") {
    const Model model = sparse_or_dense(5, 2000, 30000);
    TempDir dir;
    write_model(model, {}, dir / "g.mmg");
    const Dataset dataset = Dataset::open(dir / "g.mmg");
    const Placed placed = place(model, dataset);
    std::vector<int32_t> distance(dataset.vertex_count());
    const BfsSummary summary = bfs(dataset, placed.refs[0], distance);
    CHECK(summary.bottom_up_levels > 0);
    CHECK(summary.bottom_up_levels + 1 < summary.level_sizes.size());  // the source's level, at least, is top-down
    const std::vector<int32_t> expected = reference_bfs(model, 0, BfsDirection::out);
    for (uint32_t v = 0; v < model.vertices.size(); ++v) REQUIRE(distance[placed.global[v]] == expected[v]);
}

TEST_CASE("bfs: misuse is refused before any work", "[traversal]") {
    const Model model = sparse_or_dense(3, 50, 100);
    TempDir dir;
    write_model(model, {}, dir / "g.mmg");
    const Dataset dataset = Dataset::open(dir / "g.mmg");
    std::vector<int32_t> short_of_one(dataset.vertex_count() - 1);
    CHECK(kind_thrown([&] { bfs(dataset, VertexRef{0, 0}, short_of_one); }) == ErrorKind::misuse);
    std::vector<int32_t> distance(dataset.vertex_count());
    CHECK(kind_thrown([&] { bfs(dataset, VertexRef{0, 50}, distance); }) == ErrorKind::misuse);
    CHECK(kind_thrown([&] { bfs(dataset, VertexRef{1, 0}, distance); }) == ErrorKind::misuse);
}

TEST_CASE("bfs: an edge into a shard that is not mapped names the shard", "[traversal]") {
    const Model model = sparse_or_dense(4, 300, 3000);
    TempDir dir;
    WriterOptions writing;
    writing.shard_count = 2;
    write_model(model, writing, dir / "g.mmg");
    const Dataset part = Dataset::open(dir / "g.mmg", {0});
    std::vector<int32_t> distance(part.vertex_count());
    for (bool bottom_up : {false, true}) {
        BfsOptions options = forced(BfsDirection::out, bottom_up);
        try {
            bfs(part, VertexRef{0, 0}, distance, options);
            FAIL("no ShardNotMapped");
        } catch (const ShardNotMapped& e) {
            CHECK(e.shard() == 1);
        }
    }
}
