// Reader API details not covered by the model round trips: handles, iteration, typed reads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>

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

// The VmFlags line of the mapping that starts at `address`, from /proc/self/smaps.
std::string mapping_flags(const void* address) {
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool ours = false;
    while (std::getline(smaps, line)) {
        unsigned long start = 0;
        if (std::sscanf(line.c_str(), "%lx-", &start) == 1 && line.find('-') < line.find(' ')) ours = start == reinterpret_cast<uintptr_t>(address);
        if (ours && line.rfind("VmFlags:", 0) == 0) return line;
    }
    return "";
}

}  // namespace

TEST_CASE("ReaderOptions::access sets the mapping's readahead advice and reads the same graph", "[reader]") {
    TempDir dir;
    small_file(dir);
    for (Access access : {Access::random, Access::normal, Access::sequential}) {
        ReaderOptions options;
        options.access = access;
        auto file = File::open(dir / "small.mmg", options);
        std::string flags = mapping_flags(file->data());
        INFO(flags);
        REQUIRE(!flags.empty());
        CHECK((flags.find(" rr") != std::string::npos) == (access == Access::random));
        CHECK((flags.find(" sr") != std::string::npos) == (access == Access::sequential));
        CHECK(file->find("p1")->get("name").as_string() == "Ann");
        CHECK(file->find("c1")->degree(Direction::in) == 2);
        file->verify();
    }
}

TEST_CASE("ReaderOptions::cold_lookup_hints: lookups that read ahead find what the others find", "[reader]") {
    TempDir dir;
    mmgraph::test::RandomGraphOptions o;
    o.seed = 31;
    o.vertices = 900;
    o.int_keys = true;
    const mmgraph::test::Model model = mmgraph::test::random_model(o);
    mmgraph::test::write_model(model, {}, dir / "g.mmg");
    std::vector<int64_t> keys;
    for (const auto& v : model.vertices) keys.push_back(std::stoll(v.key));
    for (int i = 0; i < 100; ++i) keys.push_back(int64_t{1} << 40 | i);  // absent
    // Every lookup of `hinted` reads ahead, none of `plain`'s; both must agree on each key.
    ReaderOptions hints, none;
    hints.cold_lookup_hints = static_cast<uint32_t>(keys.size());
    none.cold_lookup_hints = 0;
    auto hinted = File::open(dir / "g.mmg", hints), plain = File::open(dir / "g.mmg", none);
    uint64_t found = 0;
    for (int64_t key : keys) {
        INFO("key " << key);
        auto a = hinted->find(key), b = plain->find(key);
        REQUIRE(a.has_value() == b.has_value());
        if (!a) continue;
        ++found;
        CHECK(a->index() == b->index());
        CHECK(a->degree(Direction::out) == b->degree(Direction::out));
    }
    CHECK(found == model.vertices.size());
}

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

// A string[] value with a forged item count or item length must fail with the section and
// offset, before walking or reading past the section (§6.4, §12). The file is written by the
// writer and then damaged in its nodes section, which open() does not checksum.
TEST_CASE("string[] values with forged counts or lengths give errors, not reads past the section", "[reader][lists]") {
    TempDir dir;
    Writer w;
    auto doc = w.add_label("Doc", {{"tags", Type::list_of(TypeCode::string)}});
    const std::vector<std::string_view> tags = {"graph", "mmap"};
    w.add_vertex("d", doc, {Value::list(tags)});
    w.finish(dir / "ok.mmg");
    std::vector<uint8_t> good = mmgraph::test::read_bytes(dir / "ok.mmg");
    const std::vector<uint8_t> pattern = {0x02, 0x05, 'g', 'r', 'a', 'p', 'h', 0x04, 'm', 'm', 'a', 'p'};
    auto at = std::search(good.begin(), good.end(), pattern.begin(), pattern.end());
    REQUIRE(at != good.end());
    const size_t value = static_cast<size_t>(at - good.begin());
    REQUIRE(File::open(dir / "ok.mmg")->find("d")->get("tags").elements().size() == 2);

    // Each damaged copy gets its own name: a mapped file must not be rewritten in place.
    int copies = 0;
    auto damaged = [&](size_t offset, std::vector<uint8_t> bytes) {
        std::vector<uint8_t> b = good;
        std::copy(bytes.begin(), bytes.end(), b.begin() + static_cast<std::ptrdiff_t>(offset));
        auto path = dir / ("bad" + std::to_string(++copies) + ".mmg");
        mmgraph::test::write_bytes(path, b);
        auto file = File::open(path);
        CHECK_THROWS_WITH(file->verify(), Catch::Matchers::Contains("nodes"));
        return file;
    };
    // A count of 2^28 items: more than the bytes left, refused before any walk.
    auto file = damaged(value, {0x80, 0x80, 0x80, 0x80, 0x01});
    auto v = file->find("d");
    REQUIRE(v);
    CHECK_THROWS_WITH(v->get("tags"), Catch::Matchers::Contains("section nodes") && Catch::Matchers::Contains("list of 268435456 items cannot fit"));
    // The second item claims 127 bytes: past the end of the section.
    file = damaged(value + 7, {0x7F});
    v = file->find("d");
    REQUIRE(v);
    CHECK_THROWS_WITH(v->get("tags"), Catch::Matchers::Contains("section nodes") && Catch::Matchers::Contains("list item") &&
                                          Catch::Matchers::Contains("past the end of the section"));
    // A non-minimal item length (0x85 0x00 for 5).
    file = damaged(value + 1, {0x85, 0x00});
    v = file->find("d");
    REQUIRE(v);
    CHECK_THROWS_WITH(v->get("tags"), Catch::Matchers::Contains("not in its shortest form"));
}
