// The public API as a service author meets it: the version header, what the headers refuse
// at compile time, typed reads, attribute pairs, the vertices of a label, every edge of a file,
// properties by name, and the kinds of the errors a caller can cause.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "mmgraph/version.hpp"
#include "support/error_kind.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::test::TempDir;
using Catch::Matchers::Contains;

namespace {

// File::impl() is private: the parsed tables are not part of the API.
template <typename F>
concept exposes_impl = requires(const F& f) { f.impl(); };
static_assert(!exposes_impl<File>);

// A Value views its data: a temporary std::string would dangle.
static_assert(!std::is_constructible_v<Value, std::string&&>);
static_assert(!std::is_constructible_v<Value, const std::string&&>);
static_assert(!std::is_constructible_v<Value, std::string>);
static_assert(std::is_constructible_v<Value, const std::string&>);
static_assert(std::is_constructible_v<Value, std::string&>);
static_assert(std::is_constructible_v<Value, std::string_view>);
static_assert(std::is_constructible_v<Value, const char*>);
template <typename S>
concept makes_ref = requires(S&& s) { Value::ref(std::forward<S>(s)); };
static_assert(!makes_ref<std::string>);
static_assert(makes_ref<std::string&>);
static_assert(makes_ref<std::string_view>);
static_assert(makes_ref<const char (&)[4]>);

// Every attribute type a typed read distinguishes, one value of each and a null.
std::shared_ptr<const File> typed_file(const TempDir& dir) {
    Writer w;
    auto thing = w.add_label("Thing", {{"i8", TypeCode::int8},
                                       {"i32", TypeCode::int32},
                                       {"i64", TypeCode::int64},
                                       {"u8", TypeCode::uint8},
                                       {"u32", TypeCode::uint32},
                                       {"u64", TypeCode::uint64},
                                       {"flag", TypeCode::boolean},
                                       {"f32", TypeCode::float32},
                                       {"f64", TypeCode::float64},
                                       {"text", TypeCode::string},
                                       {"other", TypeCode::vertex_ref},
                                       {"scores", Type::list_of(TypeCode::int16)},
                                       {"maybe", TypeCode::int32, true}});
    auto link = w.add_edge_type("LINK", {{"weight", TypeCode::float64}, {"note", TypeCode::string, true}});
    const std::vector<int16_t> scores{3, -4};
    w.add_vertex("a", thing,
                 {int8_t{-5}, -70000, int64_t{-1} << 40, 200u, 4000000000u, uint64_t{1} << 63, true, 1.5f, 2.25, "hello",
                  Value::ref(std::string_view("b")), Value::list(scores), Value::null()});
    w.add_vertex("b", thing,
                 {int8_t{1}, 2, int64_t{3}, 4u, 5u, uint64_t{6}, false, 7.0f, 8.0, "", Value::ref(std::string_view("a")),
                  Value::list(std::span<const int16_t>()), 9});
    w.add_edge("a", "b", link, {0.5, "first"});
    w.add_edge("b", "a", link, {0.25, Value::null()});
    w.finish(dir / "typed.mmg");
    return File::open(dir / "typed.mmg");
}

std::shared_ptr<const File> random_file(const TempDir& dir, uint64_t seed, bool in_edges = true) {
    test::RandomGraphOptions o;
    o.seed = seed;
    o.vertices = 300;
    o.edges = 1200;
    o.labels = 4;
    o.edge_types = 3;
    test::Model model = test::random_model(o);
    WriterOptions options;
    options.store_in_edges = in_edges;
    test::write_model(model, options, dir / "random.mmg");
    return File::open(dir / "random.mmg");
}

}  // namespace

TEST_CASE("version.hpp names the project version and the format version written", "[api]") {
    CHECK(std::string(MMGRAPH_VERSION_STRING) == std::to_string(MMGRAPH_VERSION_MAJOR) + "." +
                                                     std::to_string(MMGRAPH_VERSION_MINOR) + "." +
                                                     std::to_string(MMGRAPH_VERSION_PATCH));
    CHECK(MMGRAPH_VERSION_MAJOR >= 2);
    TempDir dir;
    auto file = typed_file(dir);
    CHECK(file->version_major() == MMGRAPH_FORMAT_VERSION_MAJOR);
    CHECK(MMGRAPH_FORMAT_VERSION_MINOR == 6);
    // Every file has the 2.6 key table of kind 15 (§2.3 writer rule 1).
    CHECK(file->version_minor() == 6);
}

TEST_CASE("typed reads: get<T> for the types that fit, misuse for the rest", "[api][typed]") {
    TempDir dir;
    auto file = typed_file(dir);
    Vertex a = *file->find("a");
    CHECK(a.get<int8_t>("i8") == -5);
    CHECK(a.get<int64_t>("i8") == -5);
    CHECK(a.get<int32_t>("i32") == -70000);
    CHECK(a.get<int64_t>("i64") == int64_t{-1} << 40);
    CHECK(a.get<uint8_t>("u8") == 200);
    CHECK(a.get<int16_t>("u8") == 200);
    CHECK(a.get<uint32_t>("u32") == 4000000000u);
    CHECK(a.get<int64_t>("u32") == 4000000000);
    CHECK(a.get<uint64_t>("u64") == uint64_t{1} << 63);
    CHECK(a.get<bool>("flag"));
    CHECK(a.get<double>("f32") == 1.5);
    CHECK(a.get<double>("f64") == 2.25);
    CHECK(a.get<std::string_view>("text") == "hello");
    CHECK(a.get<VertexRef>("other") == file->find("b")->ref());
    ValueRef scores = a.get<ValueRef>("scores");
    REQUIRE(scores.list_size() == 2);
    CHECK(scores.element(1).as<int64_t>() == -4);
    CHECK(a.get<ValueRef>("i32").as_int() == -70000);

    // Types that do not fit T, whatever the value: narrower integers, signedness, other kinds.
    auto misuse = [&](auto read) { CHECK(mmgraph::test::kind_thrown(read) == ErrorKind::misuse); };
    misuse([&] { a.get<int8_t>("i32"); });
    misuse([&] { a.get<uint64_t>("i8"); });
    misuse([&] { a.get<int64_t>("u64"); });
    misuse([&] { a.get<int8_t>("u8"); });
    misuse([&] { a.get<uint16_t>("u32"); });
    misuse([&] { a.get<bool>("u8"); });
    misuse([&] { a.get<int64_t>("flag"); });
    misuse([&] { a.get<double>("i32"); });
    misuse([&] { a.get<std::string_view>("other"); });
    misuse([&] { a.get<VertexRef>("text"); });
    misuse([&] { a.get<int64_t>("scores"); });
    CHECK_THROWS_WITH(a.get<std::string_view>("i32"), "attribute 'i32' of type int32 read as std::string_view");
    CHECK_THROWS_WITH(a.get<int64_t>("scores"), "attribute 'scores' of type int16[] read as int64_t");

    // Nulls: get<T> refuses them, get_if<T> returns nullopt, a value is returned as is.
    CHECK_THROWS_WITH(a.get<int32_t>("maybe"), "attribute 'maybe' is null, read as int32_t");
    misuse([&] { a.get<ValueRef>("maybe"); });
    CHECK(a.get_if<int32_t>("maybe") == std::nullopt);
    CHECK(a.get_if<ValueRef>("maybe") == std::nullopt);
    CHECK(file->find("b")->get_if<int64_t>("maybe") == 9);
    CHECK(a.get_if<std::string_view>("text") == "hello");
    misuse([&] { a.get_if<std::string_view>("i32"); });  // a type that does not fit is not a null
    CHECK_THROWS_AS(a.get<int64_t>("absent"), Error);

    // Through a handle, and on a ValueRef directly.
    AttributeHandle u32 = file->attribute_handle("Thing", "u32");
    CHECK(a.get<uint64_t>(u32) == 4000000000u);
    CHECK_THROWS_WITH(a.get<int32_t>(u32), "attribute 'u32' of type uint32 read as int32_t");
    CHECK(a.get_if<int64_t>(file->attribute_handle("Thing", "maybe")) == std::nullopt);
    CHECK(a.get("u8").as<uint32_t>() == 200);
    CHECK(a.get("maybe").as_optional<int64_t>() == std::nullopt);
    CHECK_THROWS_WITH(a.get("maybe").as<int64_t>(), "value is null, read as int64_t");
    CHECK(a.get("u8").fits<int16_t>());
    CHECK_FALSE(a.get("u8").fits<int8_t>());
    CHECK(a.get("maybe").fits<ValueRef>());
}

TEST_CASE("typed reads agree with the ValueRef accessors on random graphs", "[api][typed]") {
    TempDir dir;
    auto file = random_file(dir, 41);
    uint64_t compared = 0;
    for (Vertex v : file->vertices()) {
        for (auto [name, value] : v.attributes()) {
            if (value.is_null()) {
                CHECK_FALSE(v.get_if<ValueRef>(name).has_value());
                continue;
            }
            const Type type = value.type();
            if (type.is_list()) continue;
            const TypeCode code = type.element();
            if (code >= TypeCode::int8 && code <= TypeCode::int64) CHECK(v.get<int64_t>(name) == value.as_int());
            else if (code >= TypeCode::uint8 && code <= TypeCode::uint64) CHECK(v.get<uint64_t>(name) == value.as_uint());
            else if (code == TypeCode::float32 || code == TypeCode::float64) CHECK(v.get<double>(name) == value.as_double());
            else if (code == TypeCode::string) CHECK(v.get<std::string_view>(name) == value.as_string());
            else if (code == TypeCode::boolean) CHECK(v.get<bool>(name) == value.as_bool());
            else if (code == TypeCode::vertex_ref) CHECK(v.get<VertexRef>(name) == value.as_ref());
            else continue;
            ++compared;
        }
    }
    CHECK(compared > 100);
}

TEST_CASE("attributes() gives (name, value) pairs in schema order", "[api]") {
    TempDir dir;
    auto file = typed_file(dir);
    Vertex a = *file->find("a");
    std::vector<std::string> names;
    for (auto [name, value] : a.attributes()) {
        names.emplace_back(name);
        CHECK(value.is_null() == a.get(name).is_null());
        if (!value.is_null()) CHECK(value.type() == a.get(name).type());
    }
    CHECK(names == std::vector<std::string>{"i8", "i32", "i64", "u8", "u32", "u64", "flag", "f32", "f64", "text", "other", "scores", "maybe"});
    CHECK(a.attributes().size() == 13);

    auto random = random_file(dir, 42);
    for (Vertex v : random->vertices()) {
        const LabelInfo& label = random->labels()[v.label()];
        auto range = v.attributes();
        REQUIRE(range.size() == label.attributes.size());
        uint32_t i = 0;
        for (auto it = range.begin(); it != range.end(); ++it, ++i) {
            NamedValue nv = *it;
            CHECK(nv.name == label.attributes[i].name);
            CHECK(nv.value.is_null() == v.get(i).is_null());
            if (!nv.value.is_null()) CHECK(std::ranges::equal(nv.value.as_bytes(), v.get(i).as_bytes()));
        }
    }
}

TEST_CASE("vertices(label) is the filter of vertices() by label", "[api]") {
    TempDir dir;
    auto file = random_file(dir, 43);
    REQUIRE(file->labels().size() == 4);
    for (uint32_t label = 0; label < file->labels().size(); ++label) {
        std::vector<uint32_t> expected, got;
        for (Vertex v : file->vertices())
            if (v.label() == label) expected.push_back(v.index());
        auto range = file->vertices(label);
        CHECK(range.label() == label);
        for (Vertex v : range) {
            CHECK(v.label() == label);
            got.push_back(v.index());
        }
        CHECK(got == expected);
        CHECK(got.size() == file->labels()[label].count);
    }
    CHECK(mmgraph::test::kind_thrown([&] { file->vertices(4); }) == ErrorKind::misuse);

    // A label without vertices, and a label of a one-label file.
    Writer w;
    auto used = w.add_label("Used");
    w.add_label("Unused");
    for (int i = 0; i < 5; ++i) w.add_vertex("v" + std::to_string(i), used);
    w.finish(dir / "labels.mmg");
    auto small = File::open(dir / "labels.mmg");
    CHECK(small->vertices(1).begin() == small->vertices(1).end());
    CHECK(std::distance(small->vertices(0).begin(), small->vertices(0).end()) == 5);
}

TEST_CASE("for_each_edge(direction) visits every edge in vertex order", "[api]") {
    TempDir dir;
    auto file = random_file(dir, 44);
    for (Direction direction : {Direction::out, Direction::in}) {
        std::vector<std::tuple<uint32_t, uint32_t, uint32_t, uint64_t>> expected, got;
        for (Vertex v : file->vertices())
            for (const Edge& e : v.edges(direction)) expected.emplace_back(v.index(), e.target.index, e.type, e.ordinal);
        file->for_each_edge(direction, [&](uint32_t source, const Edge& e) {
            CHECK(e.direction == direction);
            got.emplace_back(source, e.target.index, e.type, e.ordinal);
        });
        CHECK(got == expected);
        CHECK(got.size() == file->edge_count());
    }
    auto no_in = random_file(dir, 45, false);
    CHECK_THROWS_AS(no_in->for_each_edge(Direction::in, [](uint32_t, const Edge&) {}), Error);
}

TEST_CASE("edge properties by name, in a file and a dataset", "[api]") {
    TempDir dir;
    auto file = typed_file(dir);
    Vertex a = *file->find("a"), b = *file->find("b");
    for (Vertex v : {a, b}) {
        for (const Edge& e : v.edges(Direction::out)) {
            CHECK(file->property(e, "weight").as_double() == file->property(e, 0).as_double());
            CHECK(file->property(e, "note").is_null() == file->property(e, 1).is_null());
        }
    }
    const Edge first = *a.edges(Direction::out).begin();
    CHECK(file->property(first, "weight").as<double>() == 0.5);
    CHECK(file->property(first, "note").as<std::string_view>() == "first");
    CHECK(mmgraph::test::kind_thrown([&] { file->property(first, "height"); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(file->property(first, "height"), Contains("edge type 'LINK' has no property 'height'"));
    Edge unknown = first;
    unknown.type = 9;
    CHECK(mmgraph::test::kind_thrown([&] { file->property(unknown, "weight"); }) == ErrorKind::misuse);

    // Across shards: the in-edge's property lives in its source's shard.
    test::RandomGraphOptions o;
    o.seed = 46;
    o.vertices = 200;
    o.edges = 800;
    test::Model model = test::random_model(o);
    WriterOptions options;
    options.shard_count = 3;
    test::write_model(model, options, dir / "d.mmg");
    Dataset dataset = Dataset::open(dir / "d.mmg");
    uint64_t compared = 0;
    for (uint16_t s = 0; s < dataset.shard_count(); ++s) {
        for (Vertex v : dataset.shard(s).vertices()) {
            for (Direction direction : {Direction::out, Direction::in}) {
                for (const Edge& e : v.edges(direction)) {
                    const LabelInfo& type = dataset.shard(s).edge_types()[e.type];
                    for (uint32_t p = 0; p < type.attributes.size(); ++p) {
                        ValueRef by_index = dataset.property(e, v, p), by_name = dataset.property(e, v, type.attributes[p].name);
                        CHECK(by_index.is_null() == by_name.is_null());
                        if (!by_index.is_null()) CHECK(std::ranges::equal(by_index.as_bytes(), by_name.as_bytes()));
                        ++compared;
                    }
                }
            }
        }
    }
    CHECK(compared > 100);
}

TEST_CASE("errors a caller causes are of kind misuse", "[api][errors]") {
    TempDir dir;
    auto file = random_file(dir, 47);
    std::vector<Key> keys{std::string_view("x"), std::string_view("y")};
    std::vector<std::optional<Vertex>> out(1);
    CHECK(mmgraph::test::kind_thrown([&] { file->find(keys, out); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(file->find(keys, out), "find: 2 keys but room for 1 results");
    Dataset dataset = Dataset::open(dir / "random.mmg");
    CHECK(mmgraph::test::kind_thrown([&] { dataset.vertex(VertexRef{1, 0}); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(dataset.vertex(VertexRef{1, 0}), "vertex reference names shard 1 of a 1-shard dataset");
}
