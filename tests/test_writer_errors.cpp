// Writer input errors: each throws mmgraph::Error with a message that names the problem, and
// none leaves a file (or a temporary file) behind. An error in add_vertex/add_edge leaves the
// writer usable; a failed finish() leaves an older file at the target path untouched.
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::test::read_bytes;
using mmgraph::test::TempDir;
using Catch::Contains;

namespace {

std::vector<std::string> list_dir(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// A writer with one label of typical attributes and two edge types.
struct Fixture {
    TempDir dir;
    Writer w;
    LabelId person = 0, city = 0;
    EdgeTypeId knows = 0, rated = 0;

    explicit Fixture(WriterOptions options = {}) : w(options) {
        person = w.add_label("Person", {{"age", TypeCode::int32},
                                        {"name", TypeCode::string},
                                        {"active", TypeCode::boolean},
                                        {"small", TypeCode::int8, true},
                                        {"count", TypeCode::uint32, true},
                                        {"scores", Type::list_of(TypeCode::int32), true},
                                        {"best", TypeCode::vertex_ref, true}});
        city = w.add_label("City");
        knows = w.add_edge_type("KNOWS");
        rated = w.add_edge_type("RATED", {{"stars", TypeCode::uint8}, {"text", TypeCode::string, true}});
    }
    std::filesystem::path target() const { return dir / "g.mmg"; }
    void expect_empty_dir() const { CHECK(list_dir(dir.path).empty()); }
};

}  // namespace

TEST_CASE("writer_errors: unknown edge endpoints are refused", "[writer_errors]") {
    Fixture f;
    f.w.add_vertex("a", f.person, {1, "A", true});
    CHECK_THROWS_WITH(f.w.add_edge("a", "nobody", f.knows), Contains("unknown target vertex 'nobody'"));
    CHECK_THROWS_WITH(f.w.add_edge("ghost", "a", f.knows), Contains("unknown source vertex 'ghost'"));
    CHECK_THROWS_AS(f.w.add_edge("ghost", "a", f.knows), Error);
    CHECK(f.w.edge_count() == 0);
    f.expect_empty_dir();
}

TEST_CASE("writer_errors: duplicate vertex keys are refused", "[writer_errors]") {
    Fixture f;
    f.w.add_vertex("a", f.person, {1, "A", true});
    CHECK_THROWS_WITH(f.w.add_vertex("a", f.city), Contains("duplicate vertex key 'a'"));
    CHECK(f.w.vertex_count() == 1);
    f.expect_empty_dir();
}

TEST_CASE("writer_errors: values of the wrong type are refused with the attribute named", "[writer_errors]") {
    Fixture f;
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {"forty", "A", true}),
                      Contains("'age'") && Contains("expected an integer, got string"));
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, 5, true}),
                      Contains("'name'") && Contains("expected a string, got signed integer"));
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, "A", 1.5}),
                      Contains("'active'") && Contains("expected bool, got floating-point number"));
    const std::vector<int64_t> wide = {1, 2};
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, "A", true, Value(), Value(), Value::list(wide)}),
                      Contains("'scores'") && Contains("expected a list of int32, got a list of int64"));
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, "A", true, Value(), Value(), 7}),
                      Contains("expected a list, got signed integer"));
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, "A", true, Value(), Value(), Value(), "b"}),
                      Contains("'best'") && Contains("expected a vertex reference, got string"));
    // The message names the vertex too.
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {"x"}), Contains("vertex 'v'"));
    CHECK(f.w.vertex_count() == 0);
    CHECK_FALSE(f.w.has_vertex("v"));
    f.expect_empty_dir();
}

TEST_CASE("writer_errors: integers out of the attribute's range are refused", "[writer_errors]") {
    Fixture f;
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, "A", true, 300}), Contains("'small'") && Contains("value 300 out of range"));
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, "A", true, -129}), Contains("out of range"));
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, "A", true, Value(), -1}), Contains("'count'") && Contains("value -1 out of range"));
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, "A", true, Value(), 4294967296ull}), Contains("out of range"));
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {int64_t{1} << 31, "A", true}), Contains("'age'") && Contains("out of range"));
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {UINT64_MAX, "A", true}), Contains("out of range"));
    // The extremes of each range are accepted.
    f.w.add_vertex("lo", f.person, {INT32_MIN, "A", false, -128, 0u});
    f.w.add_vertex("hi", f.person, {INT32_MAX, "B", true, 127, 4294967295ull});
    CHECK(f.w.vertex_count() == 2);
}

TEST_CASE("writer_errors: null into a non-nullable attribute is refused", "[writer_errors]") {
    Fixture f;
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {Value(), "A", true}),
                      Contains("'age'") && Contains("null given but the attribute is not nullable"));
    // Missing trailing values are null too.
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1}), Contains("'name'") && Contains("not nullable"));
    f.w.add_vertex("a", f.person, {1, "A", true});
    f.w.add_vertex("b", f.person, {1, "B", true});
    CHECK_THROWS_WITH(f.w.add_edge("a", "b", f.rated, {Value(), "t"}), Contains("edge 'a' -> 'b'") && Contains("'stars'"));
    CHECK(f.w.edge_count() == 0);
}

TEST_CASE("writer_errors: too many values for a label or edge type are refused", "[writer_errors]") {
    Fixture f;
    CHECK_THROWS_WITH(f.w.add_vertex("c", f.city, {1}), Contains("1 values given, 'City' has 0 attributes"));
    f.w.add_vertex("c", f.city);
    CHECK_THROWS_WITH(f.w.add_edge("c", "c", f.rated, {1u, "x", 3}), Contains("3 values given, 'RATED' has 2 attributes"));
    CHECK_THROWS_WITH(f.w.add_edge("c", "c", f.knows, {1}), Contains("'KNOWS' has no properties"));
    CHECK(f.w.edge_count() == 0);
}

TEST_CASE("writer_errors: unknown label and edge type ids are refused", "[writer_errors]") {
    Fixture f;
    CHECK_THROWS_WITH(f.w.add_vertex("v", 7), Contains("unknown label id 7"));
    f.w.add_vertex("c", f.city);
    CHECK_THROWS_WITH(f.w.add_edge("c", "c", 5), Contains("unknown edge type id 5"));
    f.expect_empty_dir();
}

TEST_CASE("writer_errors: duplicate schema names and invalid attribute types are refused", "[writer_errors]") {
    Writer w;
    w.add_label("Person");
    w.add_edge_type("KNOWS");
    CHECK_THROWS_WITH(w.add_label("Person"), Contains("label 'Person' declared twice"));
    CHECK_THROWS_WITH(w.add_edge_type("KNOWS"), Contains("edge type 'KNOWS' declared twice"));
    // A label and an edge type may share a name: they are separate namespaces (§4.2).
    w.add_edge_type("Person");
    CHECK_THROWS_WITH(w.add_label("X", {{"a", TypeCode::int32}, {"a", TypeCode::string}}),
                      Contains("label 'X'") && Contains("duplicate attribute 'a'"));
    CHECK_THROWS_WITH(w.add_edge_type("Y", {{"p", TypeCode::int8}, {"p", TypeCode::int8}}), Contains("duplicate attribute 'p'"));
    Type bad;
    bad.byte = 22;  // past point (21), the last code
    CHECK_THROWS_WITH(w.add_edge_type("Z", {{"odd", bad}}), Contains("invalid type"));
    bad.byte = 0x80;  // a list of nothing
    CHECK_THROWS_WITH(w.add_label("Z", {{"names", bad}}), Contains("attribute 'names'") && Contains("invalid type"));
    bad.byte = 0x96;  // a list of code 22
    CHECK_THROWS_WITH(w.add_label("Z", {{"blobs", bad}}), Contains("invalid type"));
    CHECK_THROWS_WITH(w.add_label(""), Contains("name must not be empty"));
    // Refused declarations did not consume an id.
    CHECK(w.add_label("Z") == 1);
}

TEST_CASE("writer_errors: key type mismatches are refused", "[writer_errors]") {
    SECTION("int key in a string-keyed writer") {
        Writer w;
        auto l = w.add_label("L");
        CHECK_THROWS_WITH(w.add_vertex(int64_t{5}, l), Contains("key 5 is an integer but this graph has string keys"));
        w.add_vertex("a", l);
        CHECK_THROWS_WITH(w.add_edge("a", int64_t{5}, w.add_edge_type("E")), Contains("string keys"));
        CHECK(w.vertex_count() == 1);
    }
    SECTION("string key in an int64-keyed writer") {
        WriterOptions o;
        o.key_type = KeyType::int64;
        Writer w(o);
        auto l = w.add_label("L", {{"r", TypeCode::vertex_ref, true}});
        CHECK_THROWS_WITH(w.add_vertex("5", l), Contains("key '5' is a string but this graph has int64 keys"));
        w.add_vertex(int64_t{5}, l);
        // A vertex reference must use the graph's key type too.
        CHECK_THROWS_WITH(w.add_vertex(int64_t{6}, l, {Value::ref(std::string_view("5"))}), Contains("int64 keys"));
        CHECK(w.vertex_count() == 1);
    }
}

TEST_CASE("writer_errors: a list value larger than a record's variable data is refused, not truncated", "[writer_errors]") {
    // 2^29 uint64 elements = 4 GiB of payload: within the per-value element limit (§9) but past
    // the 0xFFFFFFFE bytes of one record's variable data. The elements live in a reserved,
    // never-touched read-only mapping (zero pages), so the test needs no real memory as long as
    // the writer refuses the value before copying it. (It used to wrap the size to 5 bytes and
    // write a corrupt file.)
    const size_t n = size_t{1} << 29;
    void* p = ::mmap(nullptr, n * 8, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        WARN("cannot reserve 4 GiB of address space; skipped");
        return;
    }
    const std::span<const uint64_t> huge(static_cast<const uint64_t*>(p), n);
    Fixture f;
    Writer w;
    auto l = w.add_label("L", {{"big", Type::list_of(TypeCode::uint64)}});
    auto e = w.add_edge_type("E", {{"big", Type::list_of(TypeCode::uint64)}});
    CHECK_THROWS_WITH(w.add_vertex("a", l, {Value::list(huge)}), Contains("'big'") && Contains("exceeds the limit"));
    const std::vector<uint64_t> small = {1, 2};
    w.add_vertex("a", l, {Value::list(small)});
    CHECK_THROWS_WITH(w.add_edge("a", "a", e, {Value::list(huge)}), Contains("exceeds the limit"));
    w.add_edge("a", "a", e, {Value::list(small)});
    w.finish(f.target());
    auto file = File::open(f.target());
    file->verify();
    CHECK(file->find("a")->get("big").list_size() == 2);
    ::munmap(p, n * 8);
}

TEST_CASE("writer_errors: a vertex_ref to a vertex never added fails at finish() and leaves no file", "[writer_errors]") {
    Fixture f;
    f.w.add_vertex("a", f.person, {1, "A", true, Value(), Value(), Value(), Value::ref(std::string_view("ghost"))});
    f.w.add_vertex("b", f.person, {2, "B", true});
    CHECK_THROWS_WITH(f.w.finish(f.target()), Contains("vertex 'a'") && Contains("'best'") && Contains("unknown vertex 'ghost'"));
    f.expect_empty_dir();
}

TEST_CASE("writer_errors: a vertex_ref list or edge property naming an unknown vertex fails at finish()", "[writer_errors]") {
    TempDir dir;
    Writer w;
    auto l = w.add_label("L", {{"refs", Type::list_of(TypeCode::vertex_ref)}});
    auto e = w.add_edge_type("E", {{"via", TypeCode::vertex_ref}});
    const std::vector<Key> refs = {std::string_view("a"), std::string_view("zz")};
    w.add_vertex("a", l, {Value::ref_list(refs)});
    CHECK_THROWS_WITH(w.finish(dir / "g.mmg"), Contains("'refs'") && Contains("unknown vertex 'zz'"));
    CHECK(list_dir(dir.path).empty());

    Writer w2;
    w2.add_label("L");
    auto e2 = w2.add_edge_type("E", {{"via", TypeCode::vertex_ref}});
    w2.add_vertex("a", 0);
    w2.add_edge("a", "a", e2, {Value::ref(std::string_view("nope"))});
    CHECK_THROWS_WITH(w2.finish(dir / "g.mmg"), Contains("edge 'a' -> 'a'") && Contains("unknown vertex 'nope'"));
    CHECK(list_dir(dir.path).empty());
    (void)e;
}

TEST_CASE("writer_errors: a lowered per-shard vertex limit fails at finish() and leaves no file", "[writer_errors]") {
    WriterOptions o;
    o.max_vertices_per_shard = 10;
    Fixture f(o);
    for (int i = 0; i < 10; ++i) f.w.add_vertex("v" + std::to_string(i), f.city);
    {
        // Exactly at the limit is fine.
        TempDir other;
        Writer ok(o);
        ok.add_label("L");
        for (int i = 0; i < 10; ++i) ok.add_vertex("v" + std::to_string(i), 0);
        ok.finish(other / "ok.mmg");
        CHECK(File::open(other / "ok.mmg")->vertex_count() == 10);
    }
    f.w.add_vertex("v10", f.city);
    CHECK_THROWS_WITH(f.w.finish(f.target()), Contains("more than 10 vertices"));
    f.expect_empty_dir();
    WriterOptions zero;
    zero.max_vertices_per_shard = 0;
    CHECK_THROWS_AS(Writer(zero), Error);
    WriterOptions no_shards;
    no_shards.shard_count = 0;
    CHECK_THROWS_WITH(Writer(no_shards), Contains("shard_count"));
}

TEST_CASE("writer_errors: finish() twice is refused, as is adding after finish()", "[writer_errors]") {
    Fixture f;
    f.w.add_vertex("c", f.city);
    f.w.finish(f.target());
    auto before = read_bytes(f.target());
    CHECK_THROWS_WITH(f.w.finish(f.dir / "again.mmg"), Contains("finish() called twice"));
    CHECK_THROWS_WITH(f.w.add_vertex("d", f.city), Contains("after finish()"));
    CHECK_THROWS_WITH(f.w.add_edge("c", "c", f.knows), Contains("after finish()"));
    CHECK(list_dir(f.dir.path) == std::vector<std::string>{"g.mmg"});
    CHECK(read_bytes(f.target()) == before);
}

TEST_CASE("writer_errors: a failed finish() leaves an older file at the target byte-identical", "[writer_errors]") {
    TempDir dir;
    const auto target = dir / "g.mmg";
    {
        Writer old;
        auto l = old.add_label("Old", {{"x", TypeCode::int64}});
        old.add_vertex("keep", l, {42});
        old.finish(target);
    }
    const auto before = read_bytes(target);
    REQUIRE(before.size() > 128);

    SECTION("plan-time error") {
        Writer w;
        auto l = w.add_label("L", {{"r", TypeCode::vertex_ref}});
        w.add_vertex("a", l, {Value::ref(std::string_view("missing"))});
        CHECK_THROWS_WITH(w.finish(target), Contains("unknown vertex 'missing'"));
    }
    SECTION("limit error") {
        WriterOptions o;
        o.max_vertices_per_shard = 1;
        Writer w(o);
        w.add_label("L");
        w.add_vertex("a", 0);
        w.add_vertex("b", 0);
        CHECK_THROWS_WITH(w.finish(target), Contains("more than 1 vertices"));
    }
    CHECK(list_dir(dir.path) == std::vector<std::string>{"g.mmg"});
    CHECK(read_bytes(target) == before);
    auto file = File::open(target);
    file->verify();
    CHECK(file->find("keep")->get("x").as_int() == 42);
}

TEST_CASE("writer_errors: a failed commit removes the temporary file", "[writer_errors]") {
    // The target is a non-empty directory, so the final rename fails after the temporary file
    // was fully written: the writer must remove it.
    TempDir dir;
    std::filesystem::create_directory(dir / "g.mmg");
    { std::ofstream(dir / "g.mmg" / "inside") << "x"; }
    Writer w;
    w.add_label("L");
    w.add_vertex("a", 0);
    CHECK_THROWS_WITH(w.finish(dir / "g.mmg"), Contains("cannot rename"));
    CHECK(list_dir(dir.path) == std::vector<std::string>{"g.mmg"});
    CHECK(std::filesystem::is_directory(dir / "g.mmg"));
    // A target in a directory that does not exist fails before anything is written.
    Writer w2;
    w2.add_label("L");
    w2.add_vertex("a", 0);
    CHECK_THROWS_WITH(w2.finish(dir / "no" / "such" / "g.mmg"), Contains("cannot create"));
    CHECK(list_dir(dir.path) == std::vector<std::string>{"g.mmg"});
}

TEST_CASE("writer_errors: after an add_vertex or add_edge error the writer stays usable", "[writer_errors]") {
    Fixture f;
    f.w.add_vertex("a", f.person, {1, "Ann", true, 5, 7u, Value(), Value::ref(std::string_view("b"))});
    // Each failure happens after some attributes were already staged: nothing of it may remain.
    CHECK_THROWS_AS(f.w.add_vertex("bad1", f.person, {2, "X", true, 1, 2u, 3}), Error);  // scores not a list
    CHECK_THROWS_AS(f.w.add_vertex("bad2", f.person, {2, "X", true, 1000}), Error);      // small out of range
    CHECK_THROWS_AS(f.w.add_vertex("bad3", f.person, {2}), Error);                       // name missing
    CHECK_THROWS_AS(f.w.add_vertex("a", f.person, {3, "dup", true}), Error);
    CHECK_FALSE(f.w.has_vertex("bad1"));
    CHECK_FALSE(f.w.has_vertex("bad2"));
    CHECK(f.w.vertex_count() == 1);
    const std::vector<int32_t> scores = {3, 1, 4};
    f.w.add_vertex("b", f.person, {-9, "", false, Value(), Value(), Value::list(scores), Value::ref(std::string_view("a"))});
    // A bad key reused later with good values is accepted.
    f.w.add_vertex("bad1", f.person, {4, "fixed", true});
    f.w.add_vertex("c", f.city);

    CHECK_THROWS_AS(f.w.add_edge("a", "b", f.rated, {300u, "too many stars"}), Error);  // uint8 out of range
    CHECK_THROWS_AS(f.w.add_edge("a", "b", f.rated, {1u, 2}), Error);                   // text not a string
    f.w.add_edge("a", "b", f.rated, {5u, "great"});
    f.w.add_edge("b", "c", f.knows);
    CHECK_THROWS_AS(f.w.add_edge("b", "nobody", f.knows), Error);
    f.w.add_edge("b", "a", f.rated, {1u});
    CHECK(f.w.edge_count() == 3);
    f.w.finish(f.target());

    auto file = File::open(f.target());
    file->verify();
    CHECK(file->vertex_count() == 4);
    CHECK(file->edge_count() == 3);
    CHECK_FALSE(file->find("bad2").has_value());
    auto a = file->find("a");
    REQUIRE(a);
    CHECK(a->get("age").as_int() == 1);
    CHECK(a->get("name").as_string() == "Ann");
    CHECK(a->get("small").as_int() == 5);
    CHECK(a->get("count").as_uint() == 7);
    CHECK(a->get("scores").is_null());
    CHECK(file->vertex(a->get("best").as_ref().index).key_string() == "b");
    auto b = file->find("b");
    REQUIRE(b);
    CHECK(b->get("age").as_int() == -9);
    CHECK(b->get("name").as_string().empty());
    CHECK_FALSE(b->get("active").as_bool());
    CHECK(b->get("small").is_null());
    REQUIRE(b->get("scores").list_size() == 3);
    CHECK(b->get("scores").element(2).as_int() == 4);
    CHECK(file->vertex(b->get("best").as_ref().index).key_string() == "a");
    auto fixed = file->find("bad1");
    REQUIRE(fixed);
    CHECK(fixed->get("name").as_string() == "fixed");
    CHECK(fixed->get("age").as_int() == 4);

    std::vector<std::string> rated;
    for (const Edge& e : a->edges(Direction::out))
        rated.push_back(file->vertex(e.target.index).key_string() + ":" + std::to_string(file->property(e, 0).as_uint()) + ":" +
                        std::string(file->property(e, 1).as_string()));
    CHECK(rated == std::vector<std::string>{"b:5:great"});
    for (const Edge& e : b->edges(Direction::out, f.rated)) CHECK(file->property(e, 1).is_null());
    CHECK(b->degree(Direction::out) == 2);
    CHECK(a->degree(Direction::in) == 1);
}

TEST_CASE("writer: vertex_for and add_edge_by_id write what add_vertex and add_edge write", "[writer]") {
    TempDir dir;
    auto build = [&](const std::filesystem::path& path, bool by_id) {
        WriterOptions options;
        options.key_type = KeyType::int64;
        Writer w(options);
        LabelId label = w.add_label("V");
        EdgeTypeId plain = w.add_edge_type("E");
        EdgeTypeId weighted = w.add_edge_type("W", {{"w", TypeCode::int32}});
        const std::vector<std::pair<int64_t, int64_t>> edges{{7, 3}, {3, 7}, {7, 7}, {-1, 3}, {9, -1}, {7, 3}};
        for (size_t i = 0; i < edges.size(); ++i) {
            auto [from, to] = edges[i];
            EdgeTypeId type = i % 2 ? weighted : plain;
            std::vector<Value> props;
            if (type == weighted) props.push_back(Value(int32_t(i)));
            if (by_id) {
                uint32_t a = w.vertex_for(from, label);
                w.add_edge_by_id(a, w.vertex_for(to, label), type, props);
            } else {
                if (!w.has_vertex(from)) w.add_vertex(from, label);
                if (!w.has_vertex(to)) w.add_vertex(to, label);
                w.add_edge(from, to, type, props);
            }
        }
        CHECK(w.vertex_for(7, label) == 0);  // an existing key keeps its id and adds nothing
        CHECK(w.vertex_count() == 4);
        w.finish(path);
    };
    build(dir / "keys.mmg", false);
    build(dir / "ids.mmg", true);
    CHECK(read_bytes(dir / "keys.mmg") == read_bytes(dir / "ids.mmg"));

    Writer w;
    LabelId label = w.add_label("V");
    EdgeTypeId type = w.add_edge_type("E", {{"n", TypeCode::int8}});
    uint32_t a = w.vertex_for("a", label);
    CHECK_THROWS_WITH(w.add_edge_by_id(a, 1, type), Contains("vertex id out of range (1 vertices)"));
    const std::vector<Value> wrong{Value("x")};  // a string for an int8 property
    CHECK_THROWS_WITH(w.add_edge_by_id(a, a, type, wrong), Contains("edge 'a' -> 'a'"));
    const uint32_t b = w.vertex_for("b", label);
    CHECK_THROWS_WITH(w.add_edge_by_id(b, a, type, wrong), Contains("edge 'b' -> 'a'"));
    CHECK_THROWS_WITH(w.vertex_for(int64_t{5}, label), Contains("is an integer but this graph has string keys"));
    CHECK_THROWS_WITH(w.vertex_for("c", 9), Contains("unknown label id 9"));
    CHECK(w.edge_count() == 0);
}

TEST_CASE("writer: vertices_for and find_vertices resolve a batch as vertex_for and has_vertex would, key by key", "[writer]") {
    WriterOptions options;
    options.key_type = KeyType::int64;
    Writer batch(options), single(options);
    LabelId label = batch.add_label("V");
    single.add_label("V");
    std::mt19937_64 rng(11);
    std::vector<Key> keys;
    for (int i = 0; i < 5000; ++i) keys.push_back(static_cast<int64_t>(rng() % 1500) - 700);  // many repeats
    std::vector<uint32_t> ids(keys.size());
    batch.vertices_for(std::span<const Key>(keys).first(17), label, std::span<uint32_t>(ids).first(17));
    batch.vertices_for(std::span<const Key>(keys).subspan(17), label, std::span<uint32_t>(ids).subspan(17));
    for (size_t i = 0; i < keys.size(); ++i) REQUIRE(ids[i] == single.vertex_for(keys[i], label));
    CHECK(batch.vertex_count() == single.vertex_count());
    batch.vertices_for({}, label, {});

    const std::vector<Key> mixed{int64_t{100000}, std::string_view("x")};
    std::vector<uint32_t> out(2);
    CHECK_THROWS_WITH(batch.vertices_for(mixed, label, out), Contains("is a string but this graph has int64 keys"));
    CHECK_FALSE(batch.has_vertex(int64_t{100000}));  // nothing added before the bad key was found
    CHECK_THROWS_WITH(batch.vertices_for(mixed, label, std::span<uint32_t>(out).first(1)), Contains("2 keys but room for 1"));
    CHECK_THROWS_WITH(batch.vertices_for(mixed, 7, out), Contains("unknown label id 7"));

    // find_vertices looks up without adding.
    const uint64_t before = batch.vertex_count();
    std::vector<Key> probe(keys.begin(), keys.begin() + 40);
    probe.push_back(int64_t{999999});
    std::vector<std::optional<uint32_t>> found(probe.size());
    batch.find_vertices(probe, found);
    for (size_t i = 0; i < 40; ++i) CHECK(found[i] == ids[i]);
    CHECK_FALSE(found.back());
    CHECK(batch.vertex_count() == before);
    CHECK_THROWS_WITH(batch.find_vertices(mixed, std::span<std::optional<uint32_t>>(found).first(2)), Contains("is a string"));
    CHECK_THROWS_WITH(batch.find_vertices(mixed, found), Contains("2 keys but room for 41"));
}

TEST_CASE("writer: vertices_for_int_keys gives plain integers the vertices vertices_for gives their Keys", "[writer]") {
    WriterOptions options;
    options.key_type = KeyType::int64;
    Writer ints(options), keys(options);
    const LabelId label = ints.add_label("V");
    keys.add_label("V");
    // Negative keys and keys far past the vertex count have no direct slot and go by hash; the
    // ascending run at the end makes the direct slots grow while a batch resolves.
    std::mt19937_64 rng(23);
    std::vector<int64_t> numbers;
    for (int i = 0; i < 4000; ++i) numbers.push_back(static_cast<int64_t>(rng() % 1200) - 300);
    for (int i = 0; i < 50; ++i) numbers.push_back(int64_t{1} << 40 | static_cast<int64_t>(rng() % 20));
    for (int64_t i = 0; i < 3000; ++i) numbers.push_back(5000 + i);
    const std::vector<Key> as_keys(numbers.begin(), numbers.end());
    std::vector<uint32_t> from_ints(numbers.size()), from_keys(numbers.size());
    for (size_t at = 0; at < numbers.size(); at += 1000) {
        const size_t n = std::min<size_t>(1000, numbers.size() - at);
        ints.vertices_for_int_keys(std::span<const int64_t>(numbers).subspan(at, n), label, std::span<uint32_t>(from_ints).subspan(at, n));
        keys.vertices_for(std::span<const Key>(as_keys).subspan(at, n), label, std::span<uint32_t>(from_keys).subspan(at, n));
    }
    CHECK(from_ints == from_keys);
    CHECK(ints.vertex_count() == keys.vertex_count());
    for (size_t i = 0; i < numbers.size(); i += 97) CHECK(ints.vertex_for(numbers[i], label) == from_ints[i]);
    ints.vertices_for_int_keys({}, label, {});

    std::vector<uint32_t> room(2);
    const std::vector<int64_t> two{1, 2};
    CHECK_THROWS_WITH(ints.vertices_for_int_keys(two, label, std::span<uint32_t>(room).first(1)), Contains("2 keys but room for 1"));
    CHECK_THROWS_WITH(ints.vertices_for_int_keys(two, 7, room), Contains("unknown label id 7"));
    Writer strings;
    strings.add_label("V");
    CHECK_THROWS_WITH(strings.vertices_for_int_keys(two, 0, room), Contains("this graph has string keys"));
    CHECK(strings.vertex_count() == 0);
    TempDir dir;
    ints.finish(dir / "ints.mmg");
    CHECK_THROWS_WITH(ints.vertices_for_int_keys(two, label, room), Contains("vertices_for_int_keys after finish()"));
}

TEST_CASE("writer: find_int_keys_concurrently finds the vertices of small-number keys, its stamp goes stale when vertices are taken back", "[writer]") {
    test::IntKeyedWriter setup;
    Writer& w = setup.writer;
    const LabelId plain = setup.plain, counted = setup.counted;
    // Small numbers take direct slots; 2^40 and negative numbers never do, and 900000 does not
    // while the graph is small (its vertex went to the key table), so the finders miss them.
    const std::vector<int64_t> keys{3, 900000, 0, int64_t{1} << 40, 17, -5, 3, 65000};
    std::vector<uint32_t> ids(keys.size());
    w.vertices_for_int_keys(keys, plain, ids);
    std::vector<uint32_t> found(keys.size());
    const uint64_t stamp = w.find_int_keys_concurrently(keys, found);
    CHECK(w.found_ids_current(stamp));
    const std::vector<uint32_t> expected{ids[0], Writer::kUnfound, ids[2], Writer::kUnfound, ids[4], Writer::kUnfound, ids[0], ids[7]};
    CHECK(found == expected);
    const std::vector<int64_t> absent{1, 4, 899999, 65001, -1};
    std::vector<uint32_t> none(absent.size());
    w.find_int_keys_concurrently(absent, none);
    CHECK(std::all_of(none.begin(), none.end(), [](uint32_t id) { return id == Writer::kUnfound; }));

    // A batch that fails at its last row takes back the rows before it: the stamp goes stale,
    // and those keys (direct slots and key table alike) have no vertex again.
    const std::vector<Key> batch{Key(int64_t{5}), Key(int64_t{6}), Key(int64_t{1} << 41), Key(int64_t{7})};
    const std::vector<Value> good{Value(int64_t{1})}, bad{Value("not a number")};
    CHECK_THROWS(w.add_vertices(batch, counted, [&](size_t row) { return std::span<const Value>(row == 3 ? bad : good); }));
    CHECK_FALSE(w.found_ids_current(stamp));
    const uint64_t after = w.find_int_keys_concurrently(std::vector<int64_t>{5, 6, 7}, none = std::vector<uint32_t>(3));
    CHECK(w.found_ids_current(after));
    CHECK(none == std::vector<uint32_t>(3, Writer::kUnfound));
    for (const Key& key : batch) CHECK_FALSE(w.has_vertex(key));
    for (size_t i = 0; i < keys.size(); ++i) CHECK(w.vertex_for(keys[i], plain) == ids[i]);
    w.add_vertices(batch, counted, [&](size_t) { return std::span<const Value>(good); });
    CHECK(w.vertex_count() == 11);  // seven distinct keys, then four

    std::vector<uint32_t> room(1);
    CHECK_THROWS_WITH(w.find_int_keys_concurrently(keys, room), Contains("8 keys but room for 1"));
    Writer strings;
    CHECK_THROWS_WITH(strings.find_int_keys_concurrently(std::span<const int64_t>(keys).first(1), room), Contains("this graph has string keys"));
}

TEST_CASE("writer_errors: an edge property naming an unknown vertex is reported by its endpoints from a later chunk", "[writer_errors][spill]") {
    TempDir dir;
    Writer w;
    w.add_label("L");
    auto plain = w.add_edge_type("P");
    auto e = w.add_edge_type("E", {{"via", TypeCode::vertex_ref}});
    for (const char* k : {"a", "b", "c"}) w.add_vertex(k, 0);
    for (int i = 0; i < 300'000; ++i) w.add_edge("a", "b", plain);  // more than one staging chunk
    w.add_edge("b", "c", e, {Value::ref(std::string_view("a"))});
    w.add_edge("c", "b", e, {Value::ref(std::string_view("nope"))});
    CHECK_THROWS_WITH(w.finish(dir / "g.mmg"), Contains("edge 'c' -> 'b'") && Contains("unknown vertex 'nope'"));
    CHECK(list_dir(dir.path).empty());
}

TEST_CASE("writer_errors: an edge property naming an unknown vertex is reported from a chunk of one edge type", "[writer_errors][spill]") {
    // Chunks whose edges all have one type store ids relative to the chunk and no type.
    TempDir dir;
    Writer w;
    w.add_label("L");
    auto e = w.add_edge_type("E", {{"via", TypeCode::vertex_ref}});
    for (const char* k : {"a", "b", "c"}) w.add_vertex(k, 0);
    for (int i = 0; i < 600'000; ++i) w.add_edge("a", "b", e, {Value::ref(std::string_view("c"))});
    w.add_edge("c", "a", e, {Value::ref(std::string_view("nope"))});
    for (int i = 0; i < 10; ++i) w.add_edge("b", "c", e, {Value::ref(std::string_view("a"))});
    CHECK_THROWS_WITH(w.finish(dir / "g.mmg"), Contains("edge 'c' -> 'a'") && Contains("unknown vertex 'nope'"));
    CHECK(list_dir(dir.path).empty());
}

TEST_CASE("writer_errors: a failed write of staged edges fails an edge, and is tried again by the next one", "[writer_errors][spill]") {
    // A file size limit makes the staged edges' writes fail (EFBIG) without filling a disk.
    struct FileSizeLimit {
        rlimit saved{};
        explicit FileSizeLimit(rlim_t bytes) {
            std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails instead of killing
            getrlimit(RLIMIT_FSIZE, &saved);
            rlimit limited = saved;
            limited.rlim_cur = bytes;
            REQUIRE(setrlimit(RLIMIT_FSIZE, &limited) == 0);
        }
        ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &saved); }
    };
    for (unsigned threads : {1u, 2u}) {
        CAPTURE(threads);
        TempDir dir;
        WriterOptions o;
        o.temp_directory = dir.path;
        o.threads = threads;
        Writer w(o);
        w.add_label("L");
        auto t = w.add_edge_type("T", {{"n", TypeCode::int32}});
        for (const char* k : {"a", "b"}) w.add_vertex(k, 0);
        uint64_t added = 0;
        std::string failure;
        {
            FileSizeLimit limit(1 << 20);  // a chunk is 4 MiB (2^18 edges, 8 bytes, twice)
            for (int i = 0; i < 1'000'000 && failure.empty(); ++i) {
                try {
                    w.add_edge(i % 2 ? "a" : "b", "a", t, {Value(int32_t(i))});
                    ++added;
                } catch (const Error& error) {
                    CHECK(error.kind() == ErrorKind::io);
                    failure = error.what();
                }
            }
        }
        CHECK_THAT(failure, Contains("cannot write staged edges"));
        // Written in place, the first full chunk fails; written behind, the next one finds out.
        CHECK(added == (threads == 1 ? 1u : 2u) << 18);
        CHECK(w.edge_count() == added);
        for (int i = 0; i < 300'000; ++i, ++added) w.add_edge("b", "b", t, {Value(int32_t(-i))});
        w.finish(dir / "g.mmg");
        auto file = File::open(dir / "g.mmg");
        file->verify();
        CHECK(file->edge_count() == added);
        auto a = file->find("a"), b = file->find("b");
        REQUIRE((a && b));
        CHECK(a->degree(Direction::in) == added - 300'000);
        CHECK(b->degree(Direction::in) == 300'000);
        CHECK(b->degree(Direction::out) == 300'000 + (added - 300'000) / 2);
    }
}

TEST_CASE("writer_errors: a temporary directory that cannot hold staged edges fails the edge that fills a chunk", "[writer_errors][spill]") {
    TempDir dir;
    WriterOptions o;
    o.temp_directory = dir / "missing";
    Writer w(o);
    w.add_label("L");
    auto t = w.add_edge_type("T");
    w.add_vertex("a", 0);
    bool failed = false;
    for (int i = 0; i < 300'000 && !failed; ++i) {
        try {
            w.add_edge("a", "a", t);
        } catch (const Error& error) {
            CHECK_THAT(error.what(), Contains("temporary file for staged edges") && Contains("missing"));
            CHECK(i == (1 << 18));  // the first edge past a full chunk
            failed = true;
        }
    }
    CHECK(failed);
    CHECK(w.edge_count() == (1 << 18));  // the failed edge was not staged
    CHECK(list_dir(dir.path).empty());
}

TEST_CASE("writer_errors: text that is not UTF-8 is refused, bytes values take anything", "[writer_errors]") {
    Fixture f;
    const std::string bad = "ab\xC3(";
    CHECK_THROWS_WITH(f.w.add_vertex("v", f.person, {1, bad, true}), Contains("'name'") && Contains("string is not UTF-8 (byte 0xC3 at byte 2"));
    CHECK_THROWS_WITH(f.w.add_vertex(std::string_view("k\xFF"), f.city), Contains("key is not UTF-8 (byte 0xFF at byte 1"));
    const std::vector<Key> keys = {std::string_view("fine"), std::string_view("\xED\xA0\x80")};  // a surrogate
    std::vector<uint32_t> ids(keys.size());
    CHECK_THROWS_WITH(f.w.vertices_for(keys, f.city, ids), Contains("key is not UTF-8"));
    CHECK_FALSE(f.w.has_vertex(std::string_view("fine")));  // all or none
    CHECK_THROWS_WITH(f.w.add_label("Bad\xC0\xAF"), Contains("label name is not UTF-8"));
    CHECK_THROWS_WITH(f.w.add_label("L", {{"n\xFF", TypeCode::int32}}), Contains("attribute name is not UTF-8"));
    CHECK_THROWS_WITH(f.w.add_label("L", {{std::string("n\0x", 3), TypeCode::int32}}), Contains("attribute name holds a 0x00 byte at byte 1"));
    CHECK_THROWS_WITH(f.w.add_id_space(std::string_view("S\0", 2)), Contains("ID space name holds a 0x00 byte"));

    Writer w;
    const LabelId l = w.add_label("L", {{"tags", Type::list_of(TypeCode::string), true}, {"raw", TypeCode::bytes, true}});
    const std::vector<std::string_view> tags = {"ok", "\xF8"};
    CHECK_THROWS_WITH(w.add_vertex("a", l, {Value::list(std::span<const std::string_view>(tags)), Value()}),
                      Contains("item 1: string is not UTF-8"));
    const uint8_t raw[] = {0xFF, 0xFE};
    w.add_vertex("a", l, {Value(), Value::bytes(raw)});
    w.add_vertex("b", l, {Value::list(std::span<const std::string_view>(tags.data(), 1)), Value()});
    w.finish(f.dir / "ok.mmg");
    CHECK_NOTHROW(File::open(f.dir / "ok.mmg")->verify());
}
