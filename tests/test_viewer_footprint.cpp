// viewer/model/footprint: the bytes and pages reading a vertex touches, and the new pages of a hop.
#include <catch2/catch.hpp>

#include <set>

#include "footprint.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::viewer;
using mmgraph::test::TempDir;

TEST_CASE("a footprint counts each record's bytes and each page once", "[viewer][footprint]") {
    VertexAnatomy a;
    a.records = {{Part::slot, 4090, 12},        // pages 0 and 1
                 {Part::node, 4200, 100},       // page 1 again
                 {Part::out_edges, 8192, 8192}, // pages 2 and 3
                 {Part::key_index, 100, 8}};    // page 0 again
    const Footprint f = footprint_of(a);
    CHECK(f.bytes == 12 + 100 + 8192 + 8);
    CHECK(f.pages == std::vector<uint64_t>{0, 1, 2, 3});
    REQUIRE(f.parts.size() == 4);
    CHECK(f.parts[0].part == Part::slot);
    CHECK(f.parts[0].pages == 2);
    CHECK(f.parts[2].bytes == 8192);
    CHECK(f.parts[2].pages == 2);

    VertexAnatomy b;
    b.records = {{Part::slot, 4100, 12}, {Part::node, 12300, 40}};  // page 1 (seen), page 3 (seen)
    CHECK(new_pages(f, footprint_of(b)) == 0);
    b.records.push_back({Part::out_edges, 40000, 10});  // page 9: new
    CHECK(new_pages(f, footprint_of(b)) == 1);
    CHECK(new_pages(Footprint{}, f) == 4);
}

TEST_CASE("a vertex of a real file touches its slots, record, adjacency and key entry", "[viewer][footprint]") {
    TempDir dir;
    test::RandomGraphOptions options;
    options.seed = 3;
    options.vertices = 300;
    options.edges = 2000;
    test::write_model(test::random_model(options), {}, dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    for (uint32_t v : {0u, 1u, 150u, 299u}) {
        const VertexAnatomy anatomy = describe_vertex(*file, v);
        const Footprint f = footprint_of(anatomy);
        std::set<Part> parts;
        uint64_t bytes = 0;
        for (const RecordSpan& r : anatomy.records) parts.insert(r.part), bytes += r.size;
        CHECK(f.bytes == bytes);
        CHECK(f.parts.size() == parts.size());
        CHECK(parts.count(Part::slot) == 1);
        CHECK(parts.count(Part::node) == 1);
        CHECK(parts.count(Part::key_index) == 1);
        CHECK_FALSE(f.pages.empty());
        CHECK(f.pages.back() * 4096 < file->file_size());
    }
}
