// Reader API details not covered by the model round trips: handles, iteration, typed reads.
#include <catch2/catch.hpp>

#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::test::TempDir;

namespace {

std::shared_ptr<const File> small_file(const TempDir& dir) {
    Writer w;
    auto person = w.add_label("Person", {{"name", TypeCode::string}, {"age", TypeCode::uint8, true}});
    auto city = w.add_label("City", {{"name", TypeCode::string}});
    auto lives = w.add_edge_type("LIVES_IN");
    auto knows = w.add_edge_type("KNOWS");
    w.add_vertex("p1", person, {"Ann", 31u});
    w.add_vertex("p2", person, {"Bob"});
    w.add_vertex("c1", city, {"Oslo"});
    w.add_edge("p1", "c1", lives);
    w.add_edge("p2", "c1", lives);
    w.add_edge("p1", "p2", knows);
    w.finish(dir / "small.mmg");
    return File::open(dir / "small.mmg");
}

}  // namespace

TEST_CASE("attribute handles read without a name search and reject other labels", "[reader]") {
    TempDir dir;
    auto file = small_file(dir);
    AttributeHandle age = file->attribute_handle("Person", "age");
    CHECK(file->find("p1")->get(age).as_uint() == 31);
    CHECK(file->find("p2")->get(age).is_null());
    CHECK_THROWS_AS(file->find("c1")->get(age), Error);
    CHECK_THROWS_AS(file->attribute_handle("Person", "height"), Error);
    CHECK_THROWS_AS(file->attribute_handle("Planet", "name"), Error);
}

TEST_CASE("vertices() iterates every vertex in index order", "[reader]") {
    TempDir dir;
    auto file = small_file(dir);
    std::vector<std::string> keys;
    uint32_t expected = 0;
    for (Vertex v : file->vertices()) {
        CHECK(v.index() == expected++);
        keys.push_back(v.key_string());
    }
    CHECK(keys == std::vector<std::string>{"p1", "p2", "c1"});
    CHECK(file->vertices().size() == 3);
}

TEST_CASE("typed reads check the type and nulls", "[reader]") {
    TempDir dir;
    auto file = small_file(dir);
    Vertex ann = *file->find("p1");
    CHECK(ann.get("name").as_string() == "Ann");
    CHECK(ann.get("age").as_int() == 31);
    CHECK_THROWS_AS(ann.get("name").as_int(), Error);
    CHECK_THROWS_AS(ann.get("age").as_string(), Error);
    CHECK_THROWS_AS(file->find("p2")->get("age").as_uint(), Error);  // null
    CHECK_THROWS_AS(ann.get("nope"), Error);
    CHECK_THROWS_AS(file->vertex(3), Error);
    CHECK_FALSE(file->find(int64_t{7}).has_value());  // wrong key type: not found
}

TEST_CASE("edges and degrees by type, O(1) total degree", "[reader]") {
    TempDir dir;
    auto file = small_file(dir);
    Vertex ann = *file->find("p1");
    uint32_t lives = *file->find_edge_type("LIVES_IN"), knows = *file->find_edge_type("KNOWS");
    CHECK(ann.degree(Direction::out) == 2);
    CHECK(ann.degree(Direction::out, lives) == 1);
    CHECK(ann.degree(Direction::out, knows) == 1);
    CHECK(ann.degree(Direction::in) == 0);
    Vertex oslo = *file->find("c1");
    CHECK(oslo.degree(Direction::in, lives) == 2);
    CHECK(oslo.degree(Direction::in, knows) == 0);
    std::vector<std::string> residents;
    for (const Edge& e : oslo.edges(Direction::in, lives)) {
        CHECK(e.type == lives);
        CHECK(e.direction == Direction::in);
        residents.push_back(file->vertex(e.target.index).key_string());
    }
    CHECK(residents == std::vector<std::string>{"p1", "p2"});
    EdgeRange out = ann.edges(Direction::out);  // blocks() views the range: keep it alive
    auto blocks = out.blocks();
    REQUIRE(blocks.size() == 2);
    CHECK(blocks[0].type < blocks[1].type);
}
