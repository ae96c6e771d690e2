// Golden files pin format 2.4 (2.3 for string keys): the writer must reproduce tests/data/*.mmg byte for byte, with one
// thread and with four, and the reader must read them. A difference means the on-disk format
// changed; that is only legitimate together with a new format version and spec/FORMAT.md, and
// then the files are regenerated with MMGRAPH_UPDATE_GOLDEN=1 (see tests/data/README.md).
// tests/data/v1/, v2/ and v2.3/ keep the same graphs as written in format 1.0 and 1.1, in 2.0 to
// 2.2 and in 2.3, which the reader must still read to the same contents.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "mmgraph/anatomy.hpp"
#include "mmgraph/format/date.hpp"
#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/hash.hpp"
#include "mmgraph/format/temporal.hpp"
#include "support/probe.hpp"
#include "support/random_graph.hpp"
#include "support/temporal_graph.hpp"

using namespace mmgraph;
using mmgraph::test::read_bytes;
using mmgraph::test::TempDir;
using Catch::Matchers::Contains;

namespace {

const std::filesystem::path kData = MMGRAPH_TEST_DATA;

bool updating() {
    const char* v = std::getenv("MMGRAPH_UPDATE_GOLDEN");
    return v && std::string(v) == "1";
}

// (a) Every attribute type, nulls, empty values, two labels, two edge types (properties on one),
// a self-loop, multi-edges, string keys including the empty key, a 300-byte string that widens
// an offset entry (a second node type), and a non-ASCII string.
void build_small(const std::filesystem::path& path, unsigned threads) {
    WriterOptions o;
    o.threads = threads;
    Writer w(o);
    auto person = w.add_label(
        "Person", {{"flag", TypeCode::boolean},        {"i8", TypeCode::int8, true},
                   {"i16", TypeCode::int16},           {"i32", TypeCode::int32, true},
                   {"i64", TypeCode::int64},           {"u8", TypeCode::uint8},
                   {"u16", TypeCode::uint16, true},    {"u32", TypeCode::uint32},
                   {"u64", TypeCode::uint64},          {"f32", TypeCode::float32},
                   {"f64", TypeCode::float64, true},   {"friend", TypeCode::vertex_ref, true},
                   {"name", TypeCode::string},         {"nick", TypeCode::string, true},
                   {"photo", TypeCode::bytes, true},   {"l_bool", Type::list_of(TypeCode::boolean)},
                   {"l_i8", Type::list_of(TypeCode::int8)},       {"l_i16", Type::list_of(TypeCode::int16), true},
                   {"l_i32", Type::list_of(TypeCode::int32)},     {"l_i64", Type::list_of(TypeCode::int64), true},
                   {"l_u8", Type::list_of(TypeCode::uint8)},      {"l_u16", Type::list_of(TypeCode::uint16)},
                   {"l_u32", Type::list_of(TypeCode::uint32)},    {"l_u64", Type::list_of(TypeCode::uint64), true},
                   {"l_f32", Type::list_of(TypeCode::float32)},   {"l_f64", Type::list_of(TypeCode::float64)},
                   {"l_ref", Type::list_of(TypeCode::vertex_ref), true}});
    auto city = w.add_label("City", {{"name", TypeCode::string}, {"population", TypeCode::uint32, true}});
    auto knows = w.add_edge_type("KNOWS");
    auto visited = w.add_edge_type("VISITED", {{"year", TypeCode::int16},
                                               {"rating", TypeCode::float32, true},
                                               {"note", TypeCode::string, true},
                                               {"stops", Type::list_of(TypeCode::uint16)}});

    const bool l_bool[] = {true, false, true};
    const int8_t l_i8[] = {-128, 0, 127};
    const int16_t l_i16[] = {-300, 300};
    const int32_t l_i32[] = {1, -2, 3};
    const int64_t l_i64[] = {INT64_MIN, INT64_MAX};
    const uint8_t l_u8[] = {0, 255};
    const uint16_t l_u16[] = {65535};
    const uint32_t l_u32[] = {4000000000u, 1};
    const uint64_t l_u64[] = {UINT64_MAX};
    const float l_f32[] = {0.5f, -1.25f};
    const double l_f64[] = {3.141592653589793, -0.0};
    const std::vector<Key> refs_ab = {std::string_view("bob"), std::string_view("alice")};
    const uint8_t photo[] = {0x00, 0xFF, 0x10, 0x0A};
    auto span_of = [](const auto& array) { return std::span(array, std::size(array)); };

    w.add_vertex("alice", person,
                 {true, -5, 1000, 123456, int64_t{-9000000000}, 200u, 65535u, 4000000000u, UINT64_MAX, 1.5f, 2.25,
                  Value::ref(std::string_view("bob")), "Alice", "Al", Value::bytes(photo),
                  Value::list(span_of(l_bool)), Value::list(span_of(l_i8)), Value::list(span_of(l_i16)),
                  Value::list(span_of(l_i32)), Value::list(span_of(l_i64)), Value::list(span_of(l_u8)),
                  Value::list(span_of(l_u16)), Value::list(span_of(l_u32)), Value::list(span_of(l_u64)),
                  Value::list(span_of(l_f32)), Value::list(span_of(l_f64)), Value::ref_list(refs_ab)});
    // Nulls everywhere allowed, empty non-nullable string and lists, empty nullable string.
    const std::span<const int32_t> no_i32;
    w.add_vertex("bob", person,
                 {false, Value(), 0, Value(), 0, 0u, Value(), 0u, 0u, 0.0f, Value(), Value(), "", "", Value(),
                  Value::list(std::span<const bool>()), Value::list(std::span<const int8_t>()), Value(),
                  Value::list(no_i32), Value(), Value::list(std::span<const uint8_t>()),
                  Value::list(std::span<const uint16_t>()), Value::list(std::span<const uint32_t>()), Value(),
                  Value::list(std::span<const float>()), Value::list(std::span<const double>()), Value()});
    // A 300-byte name widens the later offset entries to 2 bytes (§6.5 "Widening").
    const std::string long_name(300, 'x');
    const std::vector<Key> refs_self = {std::string_view("carol")};
    w.add_vertex("carol", person,
                 {true, 127, -32768, INT32_MIN, INT64_MAX, 255u, 0u, 1u, 1u, -0.0f, -1e300,
                  Value::ref(std::string_view("carol")), long_name, "C", Value::bytes(std::span<const uint8_t>()),
                  Value::list(span_of(l_bool)), Value::list(std::span<const int8_t>()), Value(),
                  Value::list(span_of(l_i32)), Value(), Value::list(span_of(l_u8)), Value::list(span_of(l_u16)),
                  Value::list(std::span<const uint32_t>()), Value::list(span_of(l_u64)),
                  Value::list(std::span<const float>()), Value::list(span_of(l_f64)), Value::ref_list(refs_self)});
    w.add_vertex("oslo", city, {"Oslo", 709000u});
    w.add_vertex("zurich", city, {"Z\xC3\xBCrich"});
    w.add_vertex("", city, {"Nowhere", 0u});  // the empty key is a valid key

    w.add_edge("alice", "bob", knows);
    w.add_edge("alice", "bob", knows);  // multi-edge
    w.add_edge("bob", "bob", knows);    // self-loop
    w.add_edge("bob", "alice", knows);
    const uint16_t stops[] = {1, 2, 3};
    w.add_edge("alice", "oslo", visited, {2019, 4.5f, "fun", Value::list(span_of(stops))});
    w.add_edge("alice", "oslo", visited, {2021, Value(), Value(), Value::list(std::span<const uint16_t>())});
    w.add_edge("carol", "zurich", visited, {-1, 0.0f, "", Value::list(span_of(stops))});
    w.add_edge("carol", "carol", visited, {0, Value(), Value(), Value::list(std::span<const uint16_t>())});  // self-loop
    w.add_edge("", "oslo", knows);
    w.finish(path);
}

// (b) int64 keys (negative, zero and both extremes), no in_edges domain (2 slots per vertex),
// one edge type only (no block directory).
void build_intkeys(const std::filesystem::path& path, unsigned threads) {
    WriterOptions o;
    o.threads = threads;
    o.key_type = KeyType::int64;
    o.store_in_edges = false;
    Writer w(o);
    auto item = w.add_label("Item", {{"parent", TypeCode::vertex_ref, true},
                                     {"label", TypeCode::string, true},
                                     {"weight", TypeCode::float64},
                                     {"kids", Type::list_of(TypeCode::vertex_ref)}});
    auto link = w.add_edge_type("LINK", {{"w", TypeCode::int32}});
    const std::vector<int64_t> keys = {0, -1, 42, INT64_MIN, INT64_MAX, 7919};
    const std::vector<Key> kids = {int64_t{42}, int64_t{-1}};
    w.add_vertex(keys[0], item, {Value(), "root", 1.0, Value::ref_list(kids)});
    w.add_vertex(keys[1], item, {Value::ref(int64_t{0}), Value(), 0.5, Value::ref_list(std::span<const Key>())});
    w.add_vertex(keys[2], item, {Value::ref(int64_t{0}), "", -2.0, Value::ref_list(std::span<const Key>())});
    w.add_vertex(keys[3], item, {Value::ref(INT64_MAX), "min", 0.0, Value::ref_list(std::span<const Key>())});
    w.add_vertex(keys[4], item, {Value::ref(INT64_MIN), "max", 1e-300, Value::ref_list(std::span<const Key>())});
    w.add_vertex(keys[5], item, {Value(), Value(), 3.0, Value::ref_list(kids)});
    w.add_edge(int64_t{0}, int64_t{42}, link, {1});
    w.add_edge(int64_t{0}, int64_t{-1}, link, {2});
    w.add_edge(int64_t{0}, int64_t{42}, link, {3});  // multi-edge
    w.add_edge(INT64_MIN, INT64_MAX, link, {-4});
    w.add_edge(INT64_MAX, INT64_MAX, link, {5});      // self-loop
    w.add_edge(int64_t{7919}, int64_t{0}, link, {INT32_MIN});
    w.finish(path);
}

// (c) A 2-shard dataset: grouped adjacency records, cross-shard vertex references and in-edge
// ordinals naming the other shard's property rows, a label without attributes.
void build_sharded(const std::filesystem::path& path, unsigned threads) {
    WriterOptions o;
    o.threads = threads;
    o.shard_count = 2;
    Writer w(o);
    auto user = w.add_label("User", {{"name", TypeCode::string}, {"best", TypeCode::vertex_ref, true}});
    auto tag = w.add_label("Tag");
    auto follows = w.add_edge_type("FOLLOWS", {{"since", TypeCode::uint16}, {"via", TypeCode::string, true}});
    auto tagged = w.add_edge_type("TAGGED");
    for (int i = 0; i < 10; ++i) {
        std::string key = "u" + std::to_string(i);
        std::string best = "u" + std::to_string((i + 3) % 10);
        std::string name = key + "-name";  // a Value refuses a temporary string
        w.add_vertex(key, user, {name, i % 3 == 0 ? Value() : Value::ref(std::string_view(best))});
    }
    for (int i = 0; i < 4; ++i) w.add_vertex("t" + std::to_string(i), tag);
    for (int i = 0; i < 10; ++i)
        for (int d : {1, 2, 5}) {
            std::string from = "u" + std::to_string(i), to = "u" + std::to_string((i + d) % 10);
            w.add_edge(from, to, follows, {static_cast<unsigned>(2000 + i * 3 + d), d == 2 ? Value() : Value("app")});
        }
    for (int i = 0; i < 10; ++i) w.add_edge("u" + std::to_string(i), "t" + std::to_string(i % 4), tagged);
    w.add_edge("u1", "u1", follows, {1u});  // self-loop
    w.add_edge("t0", "u0", tagged);
    w.finish(path);
}

// (d) Format 1.1: lists of strings and of bytes, on vertices and edges, nullable and not; the
// empty list, null, an empty item, non-ASCII items, and an item of 300 bytes that widens the
// offset entries after it (a second node type).
void build_lists(const std::filesystem::path& path, unsigned threads) {
    WriterOptions o;
    o.threads = threads;
    Writer w(o);
    auto doc = w.add_label("Doc", {{"tags", Type::list_of(TypeCode::string)},
                                   {"chunks", Type::list_of(TypeCode::bytes), true},
                                   {"title", TypeCode::string, true}});
    auto cites = w.add_edge_type("CITES", {{"why", Type::list_of(TypeCode::string), true}, {"n", TypeCode::uint8}});
    using Items = std::vector<std::string_view>;
    const std::string long_item(300, 'q');
    w.add_vertex("d1", doc, {Value::list(Items{"graph", "mmap"}), Value::list(Items{std::string_view("\x00\x01", 2), ""}), "One"});
    w.add_vertex("d2", doc, {Value::list(Items{}), Value(), Value()});
    w.add_vertex("d3", doc, {Value::list(Items{"", "b\xC3\xA9ton", "\xE6\x97\xA5\xE6\x9C\xAC"}), Value::list(Items{}), "Three"});
    w.add_vertex("d4", doc, {Value::list(Items{long_item, "z"}), Value::list(Items{"x"}), "Four"});
    w.add_edge("d1", "d2", cites, {Value::list(Items{"background", "method"}), 1u});
    w.add_edge("d1", "d3", cites, {Value(), 2u});
    w.add_edge("d3", "d1", cites, {Value::list(Items{}), 3u});
    w.add_edge("d4", "d4", cites, {Value::list(Items{""}), 4u});  // self-loop, one empty item
    w.finish(path);
}

// Format 2.1: date and date[] at the range limits, the epoch, the day before it and leap days,
// as attributes and as an edge property.
void build_dates(const std::filesystem::path& path, unsigned threads) {
    using namespace std::chrono;
    WriterOptions o;
    o.threads = threads;
    Writer w(o);
    auto event = w.add_label("Event", {{"on", TypeCode::date}, {"until", TypeCode::date, true}, {"also", Type::list_of(TypeCode::date), true}});
    auto next = w.add_edge_type("NEXT", {{"noted", TypeCode::date, true}});
    const std::vector<int32_t> leap_days = {static_cast<int32_t>(sys_days(2000y / February / 29).time_since_epoch().count()),
                                            static_cast<int32_t>(sys_days(2024y / February / 29).time_since_epoch().count())};
    w.add_vertex("epoch", event, {Value::date(1970y / January / 1), Value::date_days(-1), Value::date_list(leap_days)});
    w.add_vertex("min", event, {Value::date_days(format::kMinDateDays), Value(), Value::date_list(std::vector<int32_t>{})});
    w.add_vertex("max", event, {Value::date_days(format::kMaxDateDays), Value::date(2023y / February / 28), Value()});
    w.add_edge("epoch", "max", next, {Value::date(sys_days(1900y / March / 1))});
    w.add_edge("max", "min", next, {Value()});
    w.finish(path);
}

// Format 2.2: vertices with one, two and three labels (§6.6); labels that share an attribute
// name, so a set's union layout stores it once; the label_sets section's numbering by first use;
// two named ID spaces besides the default one, with the key "1" in both (§8.1, §8.3).
void build_labels(const std::filesystem::path& path, unsigned threads) {
    WriterOptions o;
    o.threads = threads;
    Writer w(o);
    auto person = w.add_label("Person", {{"name", TypeCode::string}, {"born", TypeCode::int32, true}});
    auto actor = w.add_label("Actor", {{"name", TypeCode::string}, {"awards", TypeCode::uint8}});
    auto director = w.add_label("Director", {{"studio", TypeCode::string, true}});
    auto movie = w.add_label("Movie", {{"title", TypeCode::string}, {"released", TypeCode::int16}});
    auto sequel = w.add_label("Sequel", {{"part", TypeCode::uint8}});
    auto acted = w.add_edge_type("ACTED_IN", {{"role", TypeCode::string}});
    auto directed = w.add_edge_type("DIRECTED");
    const std::array<LabelId, 2> person_actor{actor, person}, movie_sequel{movie, sequel};
    const std::array<LabelId, 3> all_three{person, actor, director};
    w.add_vertex("keanu", person_actor, {Value("Keanu Reeves"), Value(1964), Value(0u)});
    w.add_vertex("matrix", movie, {Value("The Matrix"), Value(1999)});
    w.add_vertex("reloaded", movie_sequel, {Value("The Matrix Reloaded"), Value(2003), Value(2u)});
    w.add_vertex("lana", all_three, {Value("Lana Wachowski"), Value(1965), Value(1u), Value("Warner")});
    w.add_vertex("joel", person, {Value("Joel Silver"), Value()});
    w.add_vertex("carrie", person_actor, {Value("Carrie-Anne Moss"), Value(), Value(0u)});
    const IdSpace movie_ids = w.add_id_space("Movie-ID"), actor_ids = w.add_id_space("Actor-ID");
    w.add_vertex(movie_ids, "1", movie, {Value("Speed"), Value(1994)});
    w.add_vertex(actor_ids, "1", actor, {Value("Sandra Bullock"), Value(2u)});
    w.add_edge("keanu", "matrix", acted, {Value("Neo")});
    w.add_edge("keanu", "reloaded", acted, {Value("Neo")});
    w.add_edge("carrie", "matrix", acted, {Value("Trinity")});
    w.add_edge("lana", "matrix", directed);
    w.add_edge("lana", "reloaded", directed);
    w.add_edge(actor_ids, "1", movie_ids, "1", acted, {Value("Annie")});
    w.finish(path);
}

struct Golden {
    std::string name;                 // dataset path under tests/data
    std::vector<std::string> files;   // files it consists of
    std::function<void(const std::filesystem::path&, unsigned)> build;
    bool in_format_1 = true;          // tests/data/v1 holds it too (format 1 has no date)
};

const std::vector<Golden>& goldens() {
    static const std::vector<Golden> list = {
        {"small.mmg", {"small.mmg"}, build_small},
        {"intkeys.mmg", {"intkeys.mmg"}, build_intkeys},
        {"sharded.mmg", {"sharded-0-of-2.mmg", "sharded-1-of-2.mmg"}, build_sharded},
        {"lists.mmg", {"lists.mmg"}, build_lists},
        {"dates.mmg", {"dates.mmg"}, build_dates, false},
        {"temporal.mmg", {"temporal.mmg"}, mmgraph::test::write_temporal_graph, false},
        {"labels.mmg", {"labels.mmg"}, build_labels, false},
    };
    return list;
}

// Names the part of `golden` holding file offset `at`: header, directory, a section, or padding.
std::string where_in(const std::filesystem::path& golden, uint64_t at) {
    if (at < format::header::kSize) return "header";
    try {
        auto file = File::open(golden);
        uint64_t dir_end = format::header::kSize + format::dir_entry::kSize * file->sections().size();
        if (at < dir_end) return "section directory entry " + std::to_string((at - format::header::kSize) / 32);
        for (size_t i = 0; i < file->sections().size(); ++i) {
            const SectionInfo& s = file->sections()[i];
            if (at >= s.offset && at < s.offset + s.length)
                return "section " + std::to_string(i) + " (" + std::string(s.name()) + ") at section offset " +
                       std::to_string(at - s.offset);
        }
        return "padding between sections";
    } catch (const Error& e) {
        return std::string("(golden file unreadable: ") + e.what() + ")";
    }
}

void compare_file(const std::filesystem::path& golden, const std::filesystem::path& built) {
    const auto expected = read_bytes(golden);
    const auto actual = read_bytes(built);
    INFO("golden " << golden.string() << " (" << expected.size() << " bytes), rebuilt " << actual.size() << " bytes");
    REQUIRE(!expected.empty());
    if (expected == actual) return;
    uint64_t first = 0;
    while (first < expected.size() && first < actual.size() && expected[first] == actual[first]) ++first;
    std::ostringstream msg;
    msg << "first difference at file offset " << first << " (0x" << std::hex << first << std::dec << "), in "
        << where_in(golden, first);
    if (first < expected.size() && first < actual.size())
        msg << ": golden byte 0x" << std::hex << int(expected[first]) << ", rebuilt 0x" << int(actual[first]);
    FAIL_CHECK(msg.str());
}

}  // namespace

TEST_CASE("golden: the writer reproduces the golden files byte for byte", "[golden]") {
    if (updating()) {
        // Regenerate: written in place, then reread below like any other run.
        for (const auto& g : goldens()) {
            for (const auto& f : g.files) std::filesystem::remove(kData / f);
            g.build(kData / g.name, 1);
        }
        WARN("golden files regenerated in " << kData.string());
    }
    for (const auto& g : goldens()) {
        for (unsigned threads : {1u, 4u}) {
            INFO(g.name << " with " << threads << " thread(s)");
            TempDir dir;
            g.build(dir / g.name, threads);
            for (const auto& f : g.files) {
                REQUIRE(std::filesystem::exists(kData / f));
                compare_file(kData / f, dir / f);
            }
        }
    }
}

TEST_CASE("golden: (a): every type reads back", "[golden]") {
    auto file = File::open(kData / "small.mmg");
    file->verify();
    CHECK(file->version_major() == 2);
    CHECK(file->version_minor() == 6);  // every 2.6 file: its runs sections and key table of kind 15 (§2.3 writer rule 1)
    CHECK(file->key_type() == KeyType::string);
    CHECK(file->vertex_count() == 6);
    CHECK(file->edge_count() == 9);
    CHECK(file->has_in_edges());
    CHECK(file->node_types().size() >= 3);  // carol's long name forces a wider Person type
    auto key_of = [&](VertexRef r) { return file->vertex(r.index).key_string(); };

    auto alice = file->find("alice");
    REQUIRE(alice);
    CHECK(alice->label_name() == "Person");
    CHECK(alice->get("flag").as_bool());
    CHECK(alice->get("i8").as_int() == -5);
    CHECK(alice->get("i64").as_int() == -9000000000);
    CHECK(alice->get("u64").as_uint() == UINT64_MAX);
    CHECK(alice->get("f32").as_double() == 1.5);
    CHECK(key_of(alice->get("friend").as_ref()) == "bob");
    CHECK(alice->get("photo").as_bytes().size() == 4);
    CHECK(mmgraph::test::canonical(alice->get("l_i64"), key_of) == "[i:-9223372036854775808,i:9223372036854775807]");
    CHECK(mmgraph::test::canonical(alice->get("l_ref"), key_of) == "[r:bob,r:alice]");
    CHECK(mmgraph::test::canonical(alice->get("l_f32"), key_of) == "[f:0x1p-1,f:-0x1.4p+0]");

    auto bob = file->find("bob");
    REQUIRE(bob);
    CHECK(bob->get("i8").is_null());
    CHECK(bob->get("f64").is_null());
    CHECK(bob->get("friend").is_null());
    CHECK(bob->get("name").as_string().empty());
    CHECK_FALSE(bob->get("name").is_null());
    CHECK(bob->get("nick").as_string().empty());  // nullable, empty, not null (§6.2)
    CHECK_FALSE(bob->get("nick").is_null());
    CHECK(bob->get("l_i32").list_size() == 0);
    CHECK(bob->get("l_i16").is_null());

    auto carol = file->find("carol");
    REQUIRE(carol);
    CHECK(carol->get("name").as_string() == std::string(300, 'x'));
    CHECK(carol->get("nick").as_string() == "C");
    CHECK(key_of(carol->get("friend").as_ref()) == "carol");
    CHECK(carol->get("photo").as_bytes().empty());
    CHECK_FALSE(carol->get("photo").is_null());

    auto nowhere = file->find("");
    REQUIRE(nowhere);
    CHECK(nowhere->key_string().empty());
    CHECK(nowhere->get("name").as_string() == "Nowhere");
    CHECK(file->find("zurich")->get("name").as_string() == "Z\xC3\xBCrich");
    CHECK(file->find("zurich")->get("population").is_null());

    CHECK(alice->degree(Direction::out) == 4);
    CHECK(bob->degree(Direction::in) == 3);  // alice twice, bob itself
    std::vector<std::string> visits;
    for (const Edge& e : alice->edges(Direction::out, *file->find_edge_type("VISITED")))
        visits.push_back(key_of(e.target) + "/" + std::to_string(file->property(e, 0).as_int()) + "/" +
                         mmgraph::test::canonical(file->property(e, 2), key_of));
    CHECK(visits == std::vector<std::string>{"oslo/2019/s:fun", "oslo/2021/null"});
}

TEST_CASE("golden: (b): int64 keys read back", "[golden]") {
    auto file = File::open(kData / "intkeys.mmg");
    file->verify();
    CHECK(file->key_type() == KeyType::int64);
    CHECK_FALSE(file->has_in_edges());
    CHECK(file->vertex_count() == 6);
    CHECK(file->edge_count() == 6);
    auto key_of = [&](VertexRef r) { return file->vertex(r.index).key_string(); };
    auto min = file->find(INT64_MIN);
    REQUIRE(min);
    CHECK(min->get("label").as_string() == "min");
    CHECK(key_of(min->get("parent").as_ref()) == std::to_string(INT64_MAX));
    auto root = file->find(int64_t{0});
    REQUIRE(root);
    CHECK(mmgraph::test::canonical(root->get("kids"), key_of) == "[r:42,r:-1]");
    CHECK(root->get("parent").is_null());
    CHECK(file->find(int64_t{42})->get("label").as_string().empty());
    CHECK(file->find(int64_t{-1})->get("label").is_null());
    CHECK_FALSE(file->find(int64_t{1}).has_value());
    std::vector<std::string> out;
    for (const Edge& e : root->edges(Direction::out))
        out.push_back(key_of(e.target) + ":" + std::to_string(file->property(e, 0).as_int()));
    // Sorted by target local index, then insertion order (§7).
    CHECK(out == std::vector<std::string>{"-1:2", "42:1", "42:3"});
    CHECK_THROWS_AS(root->edges(Direction::in), Error);
}

TEST_CASE("golden: (c): the 2-shard dataset reads back", "[golden]") {
    Dataset d = Dataset::open(kData / "sharded.mmg");
    d.verify();
    REQUIRE(d.shard_count() == 2);
    CHECK(d.vertex_count() == 14);
    CHECK(d.edge_count() == 42);
    CHECK(d.shard(0).dataset_id() == d.shard(1).dataset_id());
    CHECK(d.shard(0).vertex_count() > 0);
    CHECK(d.shard(1).vertex_count() > 0);
    auto key_of = [&](VertexRef r) { return d.vertex(r).key_string(); };
    auto u1 = d.find("u1");
    REQUIRE(u1);
    CHECK(key_of(u1->get("best").as_ref()) == "u4");
    CHECK(u1->get("name").as_string() == "u1-name");
    CHECK(d.find("u0")->get("best").is_null());
    std::vector<std::string> in;
    for (const Edge& e : u1->edges(Direction::in)) {
        if (e.type != 0) continue;
        in.push_back(key_of(e.target) + ":" + std::to_string(d.property(e, *u1, 0).as_uint()) + ":" +
                     mmgraph::test::canonical(d.property(e, *u1, 1), key_of));
    }
    std::sort(in.begin(), in.end());
    CHECK(in == std::vector<std::string>{"u0:2001:s:app", "u1:1:null", "u6:2023:s:app", "u9:2029:null"});
    bool grouped = false;
    for (uint16_t s = 0; s < 2; ++s)
        for (Vertex v : d.shard(s).vertices()) grouped |= !v.edges(Direction::out).local();
    CHECK(grouped);  // at least one record names both shards
}

TEST_CASE("golden: (d): lists of strings and bytes read back", "[golden]") {
    auto file = File::open(kData / "lists.mmg");
    file->verify();
    CHECK(file->version_major() == 2);
    CHECK(file->version_minor() == 6);
    auto key_of = [&](VertexRef r) { return file->vertex(r.index).key_string(); };
    auto text = [&](std::string_view key, std::string_view attribute) {
        auto v = file->find(key);
        REQUIRE(v);
        return mmgraph::test::canonical(v->get(attribute), key_of);
    };
    CHECK(text("d1", "tags") == "[s:graph,s:mmap]");
    CHECK(text("d1", "chunks") == "[x:0001,x:]");
    CHECK(text("d2", "tags") == "[]");
    CHECK(text("d2", "chunks") == "null");
    CHECK(text("d3", "tags") == "[s:,s:b\xC3\xA9ton,s:\xE6\x97\xA5\xE6\x9C\xAC]");
    CHECK(text("d3", "chunks") == "[]");
    CHECK(text("d4", "tags") == "[s:" + std::string(300, 'q') + ",s:z]");
    CHECK(text("d4", "title") == "s:Four");  // found past the wide list
    CHECK(file->node_types().size() == 2);

    // elements() and element(i) agree, and element(i) checks its index.
    ValueRef tags = file->find("d3")->get("tags");
    std::vector<ValueRef> items = tags.elements();
    REQUIRE(items.size() == 3);
    for (uint64_t i = 0; i < items.size(); ++i) CHECK(items[i].as_string() == tags.element(i).as_string());
    CHECK_THROWS_WITH(tags.element(3), Contains("out of range"));
    CHECK_THROWS_WITH(tags.as_string(), Contains("string[]"));

    std::vector<std::string> why;
    for (Vertex v : file->vertices())
        for (const Edge& e : v.edges(Direction::out))
            why.push_back(v.key_string() + ">" + key_of(e.target) + ":" + mmgraph::test::canonical(file->property(e, 0), key_of));
    std::sort(why.begin(), why.end());
    CHECK(why == std::vector<std::string>{"d1>d2:[s:background,s:method]", "d1>d3:null", "d3>d1:[]", "d4>d4:[s:]"});
}

TEST_CASE("golden: (e): dates read back", "[golden][date]") {
    auto file = File::open(kData / "dates.mmg");
    file->verify();
    CHECK(file->version_major() == 2);
    CHECK(file->version_minor() == 6);
    auto days = [&](std::string_view key, std::string_view attribute) {
        auto v = file->find(key);
        REQUIRE(v);
        return mmgraph::test::canonical(v->get(attribute), {});
    };
    CHECK(days("epoch", "on") == "d:0");
    CHECK(days("epoch", "until") == "d:-1");
    CHECK(days("epoch", "also") == "[d:11016,d:19782]");
    CHECK(days("min", "on") == "d:-365961662");
    CHECK(days("min", "until") == "null");
    CHECK(days("min", "also") == "[]");
    CHECK(days("max", "on") == "d:364522971");
    CHECK(days("max", "until") == "d:19416");
    CHECK(days("max", "also") == "null");
    using namespace std::chrono;
    CHECK(file->find("max")->get<sys_days>("until") == sys_days(2023y / February / 28));
    CHECK(file->find("epoch")->get("on").as_date() == sys_days(1970y / January / 1));
    CHECK_THROWS_WITH(file->find("epoch")->get("on").as_int(), Contains("date"));
    // The bytes of §4.3's worked example: 2023-02-28 is day 19416, D8 4B 00 00.
    ValueRef until = file->find("max")->get("until");
    CHECK(std::vector<uint8_t>(until.as_bytes().begin(), until.as_bytes().end()) == std::vector<uint8_t>{0xD8, 0x4B, 0x00, 0x00});
    CHECK(value_text(until) == "2023-02-28");
    CHECK(value_text(file->find("min")->get("on")) == "-999999-01-01");
}

TEST_CASE("golden: (f): label sets read back", "[golden][labels]") {
    auto file = File::open(kData / "labels.mmg");
    file->verify();
    CHECK(file->version_minor() == 6);
    auto labels_of = [&](std::string_view key) {
        std::string names;
        for (uint32_t l : file->find(key)->labels()) names += (names.empty() ? "" : ";") + std::string(file->labels()[l].name);
        return names;
    };
    CHECK(labels_of("keanu") == "Person;Actor");
    CHECK(labels_of("matrix") == "Movie");
    CHECK(labels_of("reloaded") == "Movie;Sequel");
    CHECK(labels_of("lana") == "Person;Actor;Director");
    CHECK(labels_of("joel") == "Person");
    REQUIRE(file->label_sets().size() == 3);  // by first use: {0,1}, {3,4}, {0,1,2}
    CHECK(file->label_sets()[0].labels == std::vector<uint32_t>{0, 1});
    CHECK(file->label_sets()[1].labels == std::vector<uint32_t>{3, 4});
    CHECK(file->label_sets()[2].labels == std::vector<uint32_t>{0, 1, 2});
    CHECK(file->labels()[0].count == 4);  // Person: keanu, lana, joel, carrie
    CHECK(file->labels()[1].count == 4);  // Actor: keanu, lana, carrie, and "1" of Actor-ID
    CHECK(file->labels()[3].count == 3);
    auto lana = *file->find("lana");
    CHECK(lana.get<std::string_view>("name") == "Lana Wachowski");
    CHECK(lana.get<int32_t>("born") == 1965);
    CHECK(lana.get<uint8_t>("awards") == 1);
    CHECK(lana.get<std::string_view>("studio") == "Warner");
    CHECK(file->label_set_layout(lana.label_set()).attributes.size() == 4);
    CHECK(file->find("reloaded")->get<uint8_t>("part") == 2);
    // ID spaces: "1" names a movie in Movie-ID and an actor in Actor-ID, none in the default.
    CHECK(file->id_space_names().size() == 2);
    const IdSpace movie_ids = *file->id_space("Movie-ID"), actor_ids = *file->id_space("Actor-ID");
    CHECK(file->find("1", movie_ids)->get<std::string_view>("title") == "Speed");
    CHECK(file->find("1", actor_ids)->get<std::string_view>("name") == "Sandra Bullock");
    CHECK_FALSE(file->find("1"));
    CHECK(file->find("keanu")->id_space() == IdSpace{});
    const Edge annie = *file->find("1", actor_ids)->edges(Direction::out).begin();
    CHECK(annie.target.index == file->find("1", movie_ids)->index());
    CHECK(file->property(annie, "role").as_string() == "Annie");
    // §8.3's worked example, byte for byte.
    const SectionInfo& spaces = file->sections()[4];
    REQUIRE(spaces.kind == static_cast<uint16_t>(format::SectionKind::id_spaces));
    const std::vector<uint8_t> space_bytes{0x02, 0, 0, 0, 0, 0, 0, 0, 0x0F, 0, 0, 0, 0x10, 0, 0, 0,
                                           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x02, 0};
    CHECK(std::vector<uint8_t>(file->data() + spaces.offset, file->data() + spaces.offset + spaces.length) == space_bytes);
    // §6.6's worked example, byte for byte.
    const SectionInfo& sets = file->sections()[3];
    REQUIRE(sets.kind == static_cast<uint16_t>(format::SectionKind::label_sets));
    const std::vector<uint8_t> worked{0x03, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0x00, 0, 0x01, 0, 0x02, 0, 0, 0,
                                      0x03, 0, 0x04, 0, 0x03, 0, 0, 0, 0x00, 0, 0x01, 0, 0x02, 0, 0, 0};
    CHECK(std::vector<uint8_t>(file->data() + sets.offset, file->data() + sets.offset + sets.length) == worked);
}

TEST_CASE("golden: a date in a file stamped 2.0 is refused (§2.3 reader rule 6)", "[golden][date]") {
    auto bytes = read_bytes(kData / "v2" / "dates.mmg");  // a 2.3 file stamped older is refused for its key table first
    format::store<uint16_t>(bytes.data() + format::header::kMinorOff, 0);
    format::store<uint64_t>(bytes.data() + format::header::kHeaderHashOff, format::checksum(bytes.data(), format::header::kHeaderHashOff));
    TempDir dir;
    mmgraph::test::write_bytes(dir / "old.mmg", bytes);
    CHECK_THROWS_WITH(File::open(dir / "old.mmg"), Contains("date") && Contains("defined from format 2.1, but the file says 2.0"));
    format::store<uint16_t>(bytes.data() + format::header::kMajorOff, 1);  // and in format 1, date does not exist at all
    format::store<uint64_t>(bytes.data() + format::header::kHeaderHashOff, format::checksum(bytes.data(), format::header::kHeaderHashOff));
    mmgraph::test::write_bytes(dir / "v1.mmg", bytes);
    CHECK_THROWS_WITH(File::open(dir / "v1.mmg"), Contains("date") && Contains("format 2.1"));
}

TEST_CASE("golden: verify reports a stored date outside the years -999999..+999999", "[golden][date]") {
    auto bytes = read_bytes(kData / "dates.mmg");
    const uint8_t pattern[] = {0xD8, 0x4B, 0x00, 0x00};  // max's until, 2023-02-28
    auto at = std::search(bytes.begin(), bytes.end(), std::begin(pattern), std::end(pattern));
    REQUIRE(at != bytes.end());
    REQUIRE(std::search(at + 1, bytes.end(), std::begin(pattern), std::end(pattern)) == bytes.end());
    format::store<int32_t>(&*at, static_cast<int32_t>(format::kMaxDateDays + 1));
    mmgraph::test::reseal(bytes);
    TempDir dir;
    mmgraph::test::write_bytes(dir / "far.mmg", bytes);
    auto file = File::open(dir / "far.mmg");
    CHECK_THROWS_WITH(file->verify(), Contains("date of 364522972 days is outside the years -999999 to +999999"));
}

TEST_CASE("golden: (f): the temporal types and points read back", "[golden][temporal]") {
    auto file = File::open(kData / "temporal.mmg");
    file->verify();
    CHECK(file->version_major() == 2);
    CHECK(file->version_minor() == 6);
    auto text = [&](std::string_view key, std::string_view attribute) {
        auto v = file->find(key);
        REQUIRE(v);
        return value_text(v->get(attribute));
    };
    CHECK(text("min", "lt") == "00:00:00");
    CHECK(text("max", "lt") == "23:59:59.999999999");
    CHECK(text("min", "t") == "00:00:00-18:00");
    CHECK(text("max", "t") == "23:59:59.999999999+18:00");
    CHECK(text("min", "ldt") == "-999999-01-01T00:00:00");
    CHECK(text("max", "ldt") == "+999999-12-31T23:59:59.999999999");
    CHECK(text("min", "dt") == "-999999-01-01T00:00:00+18:00");
    CHECK(text("max", "dt") == "+999999-12-31T23:59:59.999999999-18:00");
    CHECK(text("min", "d") == "P-768614336404564650Y-8M-9223372036854775808DT-2562047788015215H-30M-8S");
    CHECK(text("max", "d") == "P768614336404564650Y7M9223372036854775807DT2562047788015215H30M7.999999999S");
    CHECK(text("min", "p") == "{crs:'wgs-84',x:-180,y:-90}");
    CHECK(text("max", "p") == "{crs:'wgs-84-3d',x:180,y:90,z:8848.86}");
    CHECK(text("london", "d") == "P14DT16H12M");
    CHECK(text("london", "ds") == "[PT-1.5S, P-1Y-2M-1D]");
    CHECK(text("london", "ps") == "[{crs:'cartesian',x:1.5,y:-2}, {crs:'cartesian-3d',x:0,y:-0,z:1e+300}]");
    CHECK(text("empty", "ps") == "[]");
    CHECK(text("empty", "t") == "null");

    // Zones: the names are strings of the table; the stored offsets print without a tz database.
    auto london = file->find("london");
    const DateTime dt = london->get<DateTime>("dt");
    CHECK(format::to_iso(dt, file->zone_name(dt.zone)) == "2015-07-21T21:40:32.142+01:00[Europe/London]");
    std::vector<std::string> zoned;
    for (const ValueRef& item : london->get("dts").elements()) {
        const DateTime t = item.as_datetime();
        zoned.push_back(format::to_iso(t, file->zone_name(t.zone)));
    }
    CHECK(zoned == std::vector<std::string>{"2023-03-26T00:59:59Z[Europe/London]", "2023-03-26T02:00:00+01:00[Europe/London]",
                                            "2023-10-29T01:30:00+01:00[Europe/London]", "2023-10-29T01:30:00Z[Europe/London]",
                                            "2015-07-21T22:40:32.142+02:00[Europe/Stockholm]", "2015-07-21T21:40:32.142+01:00"});
    CHECK(file->zone_name(0).empty());
    CHECK_THROWS_WITH(file->zone_name(1000), Contains("zone 1000 names no string"));
    CHECK(london->get<Point>("p") == Point{static_cast<uint32_t>(Srid::cartesian), 1.5, -2, 0});
    CHECK(london->get<Duration>("d") == Duration{0, 14, 58320, 0});
    CHECK_THROWS_WITH(london->get<Time>("d"), Contains("duration"));
    auto min = file->find("min");
    auto edge = *min->edges(Direction::out).begin();
    const DateTime at = file->property(edge, "at").as_datetime();
    CHECK(format::to_iso(at, file->zone_name(at.zone)) == "2023-03-26T02:00:00+01:00[Europe/London]");

    // The bytes of §4.3's worked examples.
    auto bytes_of = [](const ValueRef& v) { return std::vector<uint8_t>(v.as_bytes().begin(), v.as_bytes().end()); };
    CHECK(bytes_of(london->get("lt")) == std::vector<uint8_t>{0x80, 0xDF, 0x1A, 0x46, 0xF8, 0x46, 0x00, 0x00});
    CHECK(bytes_of(london->get("t")) == std::vector<uint8_t>{0x80, 0xDF, 0x1A, 0x46, 0xF8, 0x46, 0x00, 0x00, 0x10, 0x0E, 0x00, 0x00});
    CHECK(bytes_of(london->get("ldt")) == std::vector<uint8_t>{0x50, 0xBC, 0xAE, 0x55, 0x00, 0x00, 0x00, 0x00, 0x80, 0xBF, 0x76, 0x08});
    CHECK(bytes_of(london->get("d")) == std::vector<uint8_t>{0x00, 0, 0, 0, 0, 0, 0, 0, 0x0E, 0, 0, 0, 0, 0, 0, 0,
                                                             0xD0, 0xE3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
}

TEST_CASE("golden: a 2.2 type in a file stamped 2.1 is refused (§2.3 reader rule 6)", "[golden][temporal]") {
    auto bytes = read_bytes(kData / "v2" / "temporal.mmg");  // a 2.3 file stamped older is refused for its key table first
    format::store<uint16_t>(bytes.data() + format::header::kMinorOff, 1);
    format::store<uint64_t>(bytes.data() + format::header::kHeaderHashOff, format::checksum(bytes.data(), format::header::kHeaderHashOff));
    TempDir dir;
    mmgraph::test::write_bytes(dir / "old.mmg", bytes);
    CHECK_THROWS_WITH(File::open(dir / "old.mmg"), Contains("localtime") && Contains("defined from format 2.2, but the file says 2.1"));
}

TEST_CASE("golden: verify reports a stored 2.2 value out of range, and a zone naming no string", "[golden][temporal]") {
    const auto good = read_bytes(kData / "temporal.mmg");
    TempDir dir;
    // Each change is to a pattern found once: london's values of the worked examples.
    auto damage = [&](std::vector<uint8_t> pattern, size_t at, std::vector<uint8_t> with) {
        auto bytes = good;
        auto found = std::search(bytes.begin(), bytes.end(), pattern.begin(), pattern.end());
        REQUIRE(found != bytes.end());
        REQUIRE(std::search(found + 1, bytes.end(), pattern.begin(), pattern.end()) == bytes.end());
        std::copy(with.begin(), with.end(), found + static_cast<std::ptrdiff_t>(at));
        mmgraph::test::reseal(bytes);
        mmgraph::test::write_bytes(dir / "bad.mmg", bytes);
        auto file = File::open(dir / "bad.mmg");
        std::string message;
        try {
            file->verify();
        } catch (const Error& e) {
            message = e.what();
        }
        return message;
    };
    // time: the offset +01:00 becomes +18:00:01.
    CHECK_THAT(damage({0x80, 0xDF, 0x1A, 0x46, 0xF8, 0x46, 0x00, 0x00, 0x10, 0x0E, 0x00, 0x00}, 8, {0x21, 0xFD, 0x00, 0x00}),
               Contains("time: UTC offset outside -64800 to +64800 s"));
    // localdatetime: nanoseconds 10^9.
    CHECK_THAT(damage({0x50, 0xBC, 0xAE, 0x55, 0x00, 0x00, 0x00, 0x00, 0x80, 0xBF, 0x76, 0x08}, 8, {0x00, 0xCA, 0x9A, 0x3B}),
               Contains("localdatetime: nanoseconds outside 0 to 999999999"));
    // duration: nanoseconds -1.
    CHECK_THAT(damage({0xD0, 0xE3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 8, {0xFF, 0xFF, 0xFF, 0xFF}), Contains("duration: nanoseconds outside"));
    // point: the 3D cartesian point's z of 1e300 becomes NaN.
    const double huge = 1e300, nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<uint8_t> huge_bytes(8), nan_bytes(8);
    std::memcpy(huge_bytes.data(), &huge, 8);
    std::memcpy(nan_bytes.data(), &nan, 8);
    CHECK_THAT(damage(huge_bytes, 0, nan_bytes), Contains("point: coordinate is NaN"));
}

// The frozen files of older versions: v1/ as the format-1 writer wrote them, v2/ as the 2.0 to
// 2.2 writers did (key index, §8.1), v2.3/ the 2.3 writer's file of int64 keys (no key slot,
// §5.1), v2.4/ the 2.4 writer's files (flat records holding their degree and run, §2.4), v2.5/
// the 2.5 writer's (key table of kind 12, without node blocks, §8.1). Each must read to what its
// current rewrite reads to.
struct OldVersion {
    std::string dir;
    uint16_t major;
    std::function<uint16_t(const std::string&)> minor;           // per file
    std::function<bool(const Golden&, const std::string&)> holds;  // which files the folder keeps
};

TEST_CASE("golden: format 1.0, 1.1, 2.0, 2.1, 2.2, 2.3, 2.4 and 2.5 files read to the same contents as their rewrites", "[golden][compat]") {
    const std::vector<OldVersion> versions = {
        {"v1", 1, [](const std::string& f) -> uint16_t { return f == "lists.mmg" ? 1 : 0; },  // 1.1 only for string[] (§2.4)
         [](const Golden& g, const std::string&) { return g.in_format_1; }},
        {"v2", 2, [](const std::string& f) -> uint16_t { return f == "dates.mmg" ? 1 : f == "temporal.mmg" || f == "labels.mmg" ? 2 : 0; },
         [](const Golden&, const std::string&) { return true; }},
        // 2.4 changed only files of int64 keys, which now carry the key slot (§5.1).
        {"v2.3", 2, [](const std::string&) -> uint16_t { return 3; }, [](const Golden&, const std::string& f) { return f == "intkeys.mmg"; }},
        // The 2.4 writer stamped 2.4 for int64 keys, 2.3 otherwise.
        {"v2.4", 2, [](const std::string& f) -> uint16_t { return f == "intkeys.mmg" ? 4 : 3; }, [](const Golden&, const std::string&) { return true; }},
        {"v2.5", 2, [](const std::string&) -> uint16_t { return 5; }, [](const Golden&, const std::string&) { return true; }},
    };
    for (const OldVersion& version : versions)
        for (const auto& g : goldens()) {
            for (const auto& f : g.files) {
                if (!version.holds(g, f)) continue;
                INFO(version.dir << "/" << f);
                auto old_file = File::open(kData / version.dir / f);
                auto new_file = File::open(kData / f);
                CHECK(old_file->version_major() == version.major);
                CHECK(old_file->version_minor() == version.minor(f));
                CHECK(new_file->version_minor() == format::kNodeBlockMinor);
                old_file->verify();
                new_file->verify();
                CHECK(mmgraph::test::walk(*old_file) == mmgraph::test::walk(*new_file));
                // for_each_edge reads each layout inline (or leaves it to the iterator): the
                // iterator's edges and ordinals either way.
                for (const File* file : {old_file.get(), new_file.get()})
                    for (Direction d : {Direction::out, Direction::in}) {
                        if (d == Direction::in && !file->has_in_edges()) continue;
                        using Seen = std::tuple<uint32_t, uint16_t, uint32_t, uint32_t, uint64_t>;
                        std::vector<Seen> walked, iterated;
                        file->for_each_edge(d, [&](uint32_t v, const Edge& e) { walked.emplace_back(v, e.target.shard, e.target.index, e.type, e.ordinal); });
                        for (uint64_t v = 0; v < file->vertex_count(); ++v)
                            for (const Edge& e : file->vertex(v).edges(d))
                                iterated.emplace_back(static_cast<uint32_t>(v), e.target.shard, e.target.index, e.type, e.ordinal);
                        CHECK(walked == iterated);
                    }
                // Every key is found, through the old key index and the new key table alike.
                for (uint64_t v = 0; v < old_file->vertex_count(); ++v) {
                    const Vertex vertex = old_file->vertex(v);
                    auto found = new_file->find(vertex.key(), vertex.id_space());
                    REQUIRE(found);
                    CHECK(found->index() == v);
                }
                // Packed entries never take more room; 2.4's key slots take 8 bytes a vertex (§5.1),
                // and each runs section its directory entry, head, padding and a start a vertex
                // beyond the degrees it replaces (§7.3).
                uint64_t added = f == "intkeys.mmg" ? 8 * new_file->vertex_count() : 0;
                for (const SectionInfo& s : new_file->sections())
                    if (s.name() == "out_runs" || s.name() == "in_runs") added += 32 + 8 + 8 + 4 * (new_file->vertex_count() + 1);
                if (version.major == 1) CHECK(old_file->file_size() + added >= new_file->file_size());
            }
        }
}

TEST_CASE("golden: the vertex table of §5.1's key slot example", "[golden][key_slot]") {
    TempDir dir;
    WriterOptions options;
    options.key_type = KeyType::int64;
    Writer w(options);
    const auto vertex = w.add_label("V");
    const auto edge = w.add_edge_type("E");
    for (int64_t key : {7, -3, 1000}) w.add_vertex(key, vertex);
    w.add_edge(int64_t{7}, int64_t{-3}, edge);
    w.add_edge(int64_t{1000}, int64_t{7}, edge);
    w.finish(dir / "three.mmg");
    auto file = File::open(dir / "three.mmg");
    file->verify();
    CHECK(file->version_minor() == 6);
    const SectionInfo& vertices = file->sections()[3];
    REQUIRE(vertices.name() == "vertices");
    const std::vector<uint8_t> worked = {
        0x04, 0, 0, 0, 0, 0, 0, 0,                            // slot_count 4, reserved
        0x05, 0, 0x06, 0, 0x07, 0, 0x00, 0x01,                // roles nodes, out_edges, in_edges, key
        0, 0, 0, 0, 0, 0, 0x04, 0, 0x01, 0, 0, 0, 0, 0, 0x05, 0,  // vertex 0: nodes, out_edges (L)
        0x01, 0, 0, 0, 0, 0, 0x06, 0, 0x07, 0, 0, 0, 0, 0, 0, 0,  //           in_edges (L), key 7
        0x08, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0,     // vertex 1: nodes, no out-edges
        0x01, 0, 0, 0, 0, 0, 0x06, 0, 0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // in_edges (L, empty), key -3
        0x10, 0, 0, 0, 0, 0, 0x04, 0, 0x01, 0, 0, 0, 0, 0, 0x05, 0,  // vertex 2: nodes, out_edges (L, empty)
        0, 0, 0, 0, 0, 0, 0, 0, 0xE8, 0x03, 0, 0, 0, 0, 0, 0,        //           no in-edges, key 1000
    };
    CHECK(std::vector<uint8_t>(file->data() + vertices.offset, file->data() + vertices.offset + vertices.length) == worked);
    CHECK(std::get<int64_t>(file->find(int64_t{1000})->key()) == 1000);
}

TEST_CASE("golden: the runs section of §7.3's worked example", "[golden][runs]") {
    TempDir dir;
    WriterOptions options;
    options.store_in_edges = false;
    Writer w(options);
    const auto vertex = w.add_label("V");
    const auto edge = w.add_edge_type("E");
    for (const char* key : {"a", "b", "c"}) w.add_vertex(key, vertex);
    w.add_edge("a", "b", edge);
    w.add_edge("a", "c", edge);
    w.add_edge("c", "a", edge);
    w.finish(dir / "three.mmg");
    auto file = File::open(dir / "three.mmg");
    file->verify();
    const std::vector<uint8_t> worked = {
        0x04, 0, 0, 0, 0, 0, 0, 0,  // start_bytes 4, reserved
        0, 0, 0, 0,                 // start[0] = 0
        0x02, 0, 0, 0,              // start[1] = 2: vertex 0 has 2 entries
        0x02, 0, 0, 0,              // start[2] = 2: vertex 1 has none
        0x03, 0, 0, 0,              // start[3] = E = 3: vertex 2 has 1
        0x09, 0, 0, 0,              // run: 1 (bits 0-1), 2 (bits 2-3), 0 (bits 4-5); zero padding
    };
    const SectionInfo* runs = nullptr;
    for (const SectionInfo& s : file->sections())
        if (s.name() == "out_runs") runs = &s;
    REQUIRE(runs);
    CHECK(std::vector<uint8_t>(file->data() + runs->offset, file->data() + runs->offset + runs->length) == worked);
    // Every flat record is empty (one edge type without properties), each slot still names one.
    for (const SectionInfo& s : file->sections())
        if (s.name() == "out_edges") CHECK(s.length == 0);
    CHECK(file->vertex(0).slots().out == (uint64_t{5} << 48 | 1));
    CHECK(file->vertex(1).slots().out == 0);
    CHECK(file->vertex(2).slots().out == (uint64_t{5} << 48 | 1));
    CHECK(file->vertex(0).degree(Direction::out) == 2);
    CHECK(file->vertex(2).degree(Direction::out) == 1);
}

TEST_CASE("golden: the key table of §8.1's worked example", "[golden][key_table]") {
    TempDir dir;
    Writer w;
    const auto person = w.add_label("Person", {{"photo", TypeCode::bytes}});
    const std::vector<uint8_t> photo(3000, 0xAB);  // records of about 3 KiB: blocks 0, 0, 1, 2, 2
    for (const char* key : {"alice", "bob", "carol", "dave", "erin"}) w.add_vertex(key, person, {Value::bytes(photo)});
    w.finish(dir / "five.mmg");
    auto file = File::open(dir / "five.mmg");
    file->verify();
    const SectionInfo& keys = file->sections().back();
    REQUIRE(keys.name() == "key_table");
    CHECK(keys.kind == 15);
    const uint64_t node_offsets[5] = {0, 3012, 6020, 9032, 12044};
    for (uint32_t v = 0; v < 5; ++v) CHECK((file->vertex(v).slots().node & 0x0000FFFFFFFFFFFC) == node_offsets[v]);
    // C = 5 + ceil(5/3) + 1 = 8. carol and erin share home 7; erin, inserted after carol
    // (its hash is larger), wraps past slots 0-2 to slot 3. Low words: 12 bits of fingerprint,
    // then the node block, offset >> 12 (the nodes section is below 4 GiB).
    const std::vector<uint8_t> worked = {
        0x01, 0, 0, 0, 0, 0, 0, 0, 0x05, 0, 0, 0, 0, 0, 0, 0,  // key_type string, reserved, n = 5
        0xE5, 0x08, 0x00, 0x00, 0x02, 0, 0, 0,                   // slot 0: bob (local 1), block 0
        0xD8, 0x25, 0x00, 0x00, 0x04, 0, 0, 0,                   // slot 1: dave (local 3), block 2
        0xB0, 0x06, 0x00, 0x00, 0x01, 0, 0, 0,                   // slot 2: alice (local 0), block 0
        0x63, 0x2E, 0x00, 0x00, 0x05, 0, 0, 0,                   // slot 3: erin (local 4), home 7, block 2
        0, 0, 0, 0, 0, 0, 0, 0,                                  // slots 4-6: empty
        0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        0xA4, 0x1B, 0x00, 0x00, 0x03, 0, 0, 0,                   // slot 7: carol (local 2), block 1
    };
    CHECK(std::vector<uint8_t>(file->data() + keys.offset, file->data() + keys.offset + keys.length) == worked);
    CHECK(file->find("erin")->index() == 4);
    CHECK(file->find("erin")->get("photo").as_bytes().size() == 3000);
    CHECK_FALSE(file->find("frank"));
}
