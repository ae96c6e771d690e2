// Several labels per vertex (spec §6.6) and ID spaces (§8.1, §8.3), format 2.2: seeded random
// graphs whose vertices carry label sets and keys in several spaces, written and read back
// (labels, membership, the union attributes, the per-label counts, lookups per space, verify)
// in one and several shards; the writer's refusals; and that files without either are the
// bytes they were before.
#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "mmgraph/format/hash.hpp"
#include "mmgraph/format/layout.hpp"
#include "mmgraph/reader.hpp"
#include "mmgraph/writer.hpp"
#include "support/probe.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using Catch::Matchers::Contains;
using mmgraph::test::read_bytes;
using mmgraph::test::TempDir;

namespace {

// Labels whose attribute names overlap with equal types, so that union layouts share names:
// "name" (string) is on three labels, "born" (int32 nullable) on two.
std::vector<std::pair<std::string, std::vector<AttributeSpec>>> overlapping_labels() {
    return {
        {"Person", {{"name", TypeCode::string}, {"born", TypeCode::int32, true}}},
        {"Actor", {{"name", TypeCode::string}, {"roles", Type::list_of(TypeCode::uint16), true}}},
        {"Director", {{"born", TypeCode::int32, true}, {"studio", TypeCode::string, true}, {"score", TypeCode::float64}}},
        {"Plain", {}},
        {"Movie", {{"title", TypeCode::string}, {"name", TypeCode::string}, {"rating", TypeCode::uint8, true}}},
    };
}

struct MultiVertex {
    std::string key;
    IdSpace space;  // 0, or a named space: keys repeat across spaces
    std::vector<LabelId> labels;  // ascending
    std::map<std::string, std::string> values;  // attribute -> canonical text ("null" for null)
};

struct MultiGraph {
    std::vector<MultiVertex> vertices;
    std::vector<std::pair<uint32_t, uint32_t>> edges;
};

// Random label sets: 60% one label, 30% two, 10% three.
// With `spaces`, vertex i has key "v<i/3>" in space i % 3 (0 and the two named spaces), so
// every key names up to three vertices.
MultiGraph random_multi_graph(uint64_t seed, uint32_t n, uint32_t label_count, bool spaces = false) {
    std::mt19937_64 rng(seed);
    MultiGraph g;
    for (uint32_t i = 0; i < n; ++i) {
        MultiVertex v;
        v.key = "v" + std::to_string(spaces ? i / 3 : i);
        v.space = {static_cast<uint16_t>(spaces ? i % 3 : 0)};
        const uint32_t roll = static_cast<uint32_t>(rng() % 10);
        const uint32_t size = roll < 6 ? 1 : roll < 9 ? 2 : 3;
        std::set<LabelId> set;
        while (set.size() < size) set.insert(static_cast<LabelId>(rng() % label_count));
        v.labels.assign(set.begin(), set.end());
        g.vertices.push_back(std::move(v));
    }
    for (uint32_t e = 0; e < 3 * n; ++e) g.edges.emplace_back(static_cast<uint32_t>(rng() % n), static_cast<uint32_t>(rng() % n));
    return g;
}

// Writes the graph, giving each vertex random values in its set's union order; records what
// was given in the model. Vertices with one label go through the single-label overload.
void write_multi_graph(MultiGraph& g, const std::filesystem::path& path, WriterOptions options, uint64_t seed) {
    std::mt19937_64 rng(seed);
    Writer w(options);
    for (const auto& [name, attributes] : overlapping_labels()) w.add_label(name, attributes);
    const auto knows = w.add_edge_type("KNOWS");
    const bool spaces = std::any_of(g.vertices.begin(), g.vertices.end(), [](const MultiVertex& v) { return v.space.id != 0; });
    if (spaces) {
        CHECK(w.add_id_space("Movie-ID") == IdSpace{1});
        CHECK(w.add_id_space("Actor-ID") == IdSpace{2});
    }
    for (MultiVertex& v : g.vertices) {
        const std::vector<AttributeSpec> attributes = w.label_set_attributes(v.labels);
        std::vector<Value> values;
        std::vector<std::string> strings;
        std::vector<std::vector<uint16_t>> lists;
        strings.reserve(attributes.size());
        lists.reserve(attributes.size());
        for (const AttributeSpec& a : attributes) {
            if (a.nullable && rng() % 4 == 0) {
                values.emplace_back();
                v.values[a.name] = "null";
                continue;
            }
            const uint64_t r = rng() % 100000;
            switch (a.type.is_list() ? TypeCode::uint16 : a.type.element()) {
                case TypeCode::string:
                    strings.push_back(a.name + "-" + std::to_string(r) + std::string(r % 7 == 0 ? 300 : 0, 'x'));
                    values.emplace_back(strings.back());
                    v.values[a.name] = "s:" + strings.back();
                    break;
                case TypeCode::int32:
                    values.emplace_back(static_cast<int64_t>(r) - 50000);
                    v.values[a.name] = "i:" + std::to_string(static_cast<int64_t>(r) - 50000);
                    break;
                case TypeCode::uint8:
                    values.emplace_back(static_cast<uint64_t>(r % 256));
                    v.values[a.name] = "u:" + std::to_string(r % 256);
                    break;
                case TypeCode::float64: {
                    values.emplace_back(static_cast<double>(r) / 8);
                    mmgraph::test::ModelValue model;
                    model.type = TypeCode::float64;
                    model.null = false;
                    model.f = static_cast<double>(r) / 8;
                    v.values[a.name] = model.text();
                    break;
                }
                default: {  // the uint16[] list
                    lists.push_back({static_cast<uint16_t>(r), static_cast<uint16_t>(r / 3)});
                    values.push_back(Value::list(lists.back()));
                    v.values[a.name] = "[u:" + std::to_string(lists.back()[0]) + ",u:" + std::to_string(lists.back()[1]) + "]";
                }
            }
        }
        if (v.labels.size() == 1 && v.space.id == 0) w.add_vertex(std::string_view(v.key), v.labels[0], values);
        else if (v.labels.size() == 1) w.add_vertex(v.space, std::string_view(v.key), v.labels[0], values);
        else if (v.space.id == 0) w.add_vertex(std::string_view(v.key), v.labels, values);
        else w.add_vertex(v.space, std::string_view(v.key), v.labels, values);
    }
    for (auto [s, t] : g.edges) {
        const MultiVertex &from = g.vertices[s], &to = g.vertices[t];
        if (!spaces) w.add_edge(std::string_view(from.key), std::string_view(to.key), knows);
        else w.add_edge(from.space, std::string_view(from.key), to.space, std::string_view(to.key), knows);
    }
    w.finish(path);
}

// Every vertex of the model, found by key in its shard: its labels, membership of every label,
// every union attribute by name, and per shard the label counts and verify.
void check_multi_graph(const MultiGraph& g, const std::filesystem::path& path, uint16_t shards) {
    auto dataset = Dataset::open(path);
    const uint32_t label_count = static_cast<uint32_t>(overlapping_labels().size());
    std::vector<std::vector<uint64_t>> counts(shards, std::vector<uint64_t>(label_count, 0));
    for (const MultiVertex& mv : g.vertices) {
        INFO("vertex " << mv.key << " in space " << mv.space.id);
        auto v = dataset.find(std::string_view(mv.key), mv.space);
        REQUIRE(v);
        CHECK(v->id_space() == mv.space);
        CHECK(v->file().shard_id() == shard_of(std::string_view(mv.key), shards, mv.space));
        if (mv.space.id == 0) CHECK(dataset.find(std::string_view(mv.key))->index() == v->index());
        const auto labels = v->labels();
        CHECK(std::vector<uint32_t>(labels.begin(), labels.end()) == std::vector<uint32_t>(mv.labels.begin(), mv.labels.end()));
        CHECK(v->label() == mv.labels.front());
        for (uint32_t l = 0; l < label_count; ++l)
            CHECK(v->has_label(l) == (std::find(mv.labels.begin(), mv.labels.end(), l) != mv.labels.end()));
        const LabelInfo& layout = v->file().label_set_layout(v->label_set());
        CHECK(layout.attributes.size() == mv.values.size());
        for (const auto& [name, text] : mv.values) CHECK(mmgraph::test::canonical(v->get(name), {}) == text);
        uint32_t seen = 0;
        for (auto [name, value] : v->attributes()) {
            CHECK(mmgraph::test::canonical(value, {}) == mv.values.at(std::string(name)));
            ++seen;
        }
        CHECK(seen == mv.values.size());
        for (uint32_t l : mv.labels) ++counts[v->file().shard_id()][l];
    }
    for (uint16_t s = 0; s < shards; ++s) {
        const File& f = dataset.shard(s);
        f.verify();
        dataset.verify();
        CHECK(f.version_minor() == 6);
        for (uint32_t l = 0; l < label_count; ++l) CHECK(f.labels()[l].count == counts[s][l]);
        // The per-label range walks the vertices carrying the label, whatever else they carry.
        for (uint32_t l = 0; l < label_count; ++l) {
            uint64_t walked = 0;
            for (Vertex v : f.vertices(l)) {
                CHECK(v.has_label(l));
                ++walked;
            }
            CHECK(walked == counts[s][l]);
        }
    }
}

}  // namespace

TEST_CASE("labels: random graphs with label sets read back in one and three shards", "[labels]") {
    for (uint64_t seed : {1u, 2u, 3u}) {
        for (uint16_t shards : {uint16_t{1}, uint16_t{3}}) {
            INFO("seed " << seed << ", " << shards << " shard(s)");
            MultiGraph g = random_multi_graph(seed, 400, static_cast<uint32_t>(overlapping_labels().size()));
            TempDir dir;
            WriterOptions o;
            o.shard_count = shards;
            o.threads = 2;
            write_multi_graph(g, dir / "g.mmg", o, seed);
            check_multi_graph(g, dir / "g.mmg", shards);
        }
    }
}

TEST_CASE("ID spaces: the same keys in three spaces, with label sets, read back in one and three shards", "[labels][spaces]") {
    for (uint64_t seed : {4u, 5u}) {
        for (uint16_t shards : {uint16_t{1}, uint16_t{3}}) {
            INFO("seed " << seed << ", " << shards << " shard(s)");
            MultiGraph g = random_multi_graph(seed, 450, static_cast<uint32_t>(overlapping_labels().size()), true);
            TempDir dir;
            WriterOptions o;
            o.shard_count = shards;
            o.threads = 2;
            write_multi_graph(g, dir / "g.mmg", o, seed);
            check_multi_graph(g, dir / "g.mmg", shards);
            auto dataset = Dataset::open(dir / "g.mmg");
            const File& f = dataset.shard(0);
            CHECK(std::vector<std::string_view>(f.id_space_names().begin(), f.id_space_names().end()) ==
                  std::vector<std::string_view>{"Movie-ID", "Actor-ID"});
            CHECK(f.id_space("Actor-ID") == IdSpace{2});
            CHECK_FALSE(f.id_space("Person-ID"));
            CHECK_FALSE(f.find("v0", IdSpace{3}));  // a space the file lacks holds no key
            // The batch lookup per space agrees with one lookup at a time.
            if (shards == 1) {
                std::vector<Key> keys;
                for (uint32_t i = 0; i < 160; ++i) keys.emplace_back(g.vertices[i].key);
                for (uint16_t space : {0, 1, 2}) {
                    std::vector<std::optional<Vertex>> found(keys.size());
                    f.find(keys, IdSpace{space}, found);
                    for (size_t i = 0; i < keys.size(); ++i) {
                        auto one = f.find(keys[i], IdSpace{space});
                        REQUIRE(found[i].has_value() == one.has_value());
                        if (one) CHECK(found[i]->index() == one->index());
                    }
                }
            }
        }
    }
}

TEST_CASE("ID spaces: the section's bytes, the seeded hash and the refusals", "[labels][spaces]") {
    TempDir dir;
    Writer w;
    const auto movie = w.add_label("Movie", {{"title", TypeCode::string}});
    const auto actor = w.add_label("Actor", {{"name", TypeCode::string}});
    CHECK_THROWS_WITH(w.add_id_space(""), Contains("must not be empty"));
    const IdSpace movies = w.add_id_space("Movie-ID"), actors = w.add_id_space("Actor-ID");
    CHECK_THROWS_WITH(w.add_id_space("Movie-ID"), Contains("declared twice"));
    w.add_vertex(movies, "1", movie, {Value("The Matrix")});
    w.add_vertex(actors, "1", actor, {Value("Keanu Reeves")});
    w.add_vertex("1", actor, {Value("Default")});
    CHECK_THROWS_WITH(w.add_vertex(movies, "1", movie, {Value("again")}), Contains("duplicate vertex key '1' in ID space 'Movie-ID'"));
    CHECK_THROWS_AS(w.add_vertex(IdSpace{3}, "2", movie, {Value("x")}), Error);
    CHECK_THROWS_WITH(w.add_edge(actors, "1", movies, "2", w.add_edge_type("ACTED_IN")), Contains("unknown target vertex '2' in ID space 'Movie-ID'"));
    w.add_edge(actors, "1", movies, "1", 0);
    CHECK(w.has_vertex(actors, "1"));
    CHECK_FALSE(w.has_vertex(actors, "2"));
    w.finish(dir / "s.mmg");
    auto f = File::open(dir / "s.mmg");
    f->verify();
    CHECK(f->version_minor() == 6);
    CHECK(f->find("1", movies)->get<std::string_view>("title") == "The Matrix");
    CHECK(f->find("1", actors)->get<std::string_view>("name") == "Keanu Reeves");
    CHECK(f->find("1")->get<std::string_view>("name") == "Default");
    CHECK(f->find("1", actors)->edges(Direction::out).begin()->target.index == f->find("1", movies)->index());
    // Node types per (label set, space): Movie in Movie-ID, Actor in Actor-ID, Actor in 0.
    REQUIRE(f->node_types().size() == 3);
    CHECK(f->node_types()[0].space == 1);
    CHECK(f->node_types()[1].space == 2);
    CHECK(f->node_types()[2].space == 0);
    const SectionInfo& spaces = f->sections()[3];  // right after node_types (no label sets)
    REQUIRE(spaces.kind == static_cast<uint16_t>(format::SectionKind::id_spaces));
    std::vector<uint8_t> bytes(f->data() + spaces.offset, f->data() + spaces.offset + spaces.length);
    REQUIRE(bytes.size() == 8 + 2 * 4 + 3 * 2);
    CHECK(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 8) == std::vector<uint8_t>{2, 0, 0, 0, 0, 0, 0, 0});
    CHECK(f->id_space_names()[0] == "Movie-ID");
    CHECK(std::vector<uint8_t>(bytes.end() - 6, bytes.end()) == std::vector<uint8_t>{1, 0, 2, 0, 0, 0});
    // Seed 0 is the hash of format 2.1; another space's is another hash.
    CHECK(format::key_hash(std::string_view("1"), IdSpace{0}) == XXH3_64bits("1", 1));
    CHECK(format::key_hash(std::string_view("1"), IdSpace{1}) == XXH3_64bits_withSeed("1", 1, 1));
    CHECK(format::key_hash(std::string_view("1"), IdSpace{1}) != format::key_hash(std::string_view("1")));
    // A 2.1 file with the section is refused.
    auto raw = read_bytes(dir / "s.mmg");
    format::store<uint16_t>(raw.data() + format::header::kMinorOff, 1);
    mmgraph::test::reseal(raw);
    mmgraph::test::write_bytes(dir / "old.mmg", raw);
    CHECK_THROWS_WITH(File::open(dir / "old.mmg"), Contains("id_spaces") && Contains("format 2.2, but the file says 2.1"));
}

TEST_CASE("ID spaces: the batch, find-or-add and reference forms take a space", "[labels][spaces]") {
    TempDir dir;
    WriterOptions o;
    o.shard_count = 3;
    Writer w(o);
    const auto movie = w.add_label("Movie", {{"title", TypeCode::string}, {"sequel_of", TypeCode::vertex_ref, true}});
    const auto actor = w.add_label("Actor", {{"name", TypeCode::string}, {"films", Type::list_of(TypeCode::vertex_ref), true}});
    const auto person = w.add_label("Person");
    const IdSpace movies = w.add_id_space("Movie-ID"), actors = w.add_id_space("Actor-ID");
    // "1" names a default-space actor too: a reference in Movie-ID must not resolve to it.
    w.add_vertex("1", actor, {Value("Default One")});
    const std::array<Key, 3> movie_keys{"1", "2", "3"};
    const std::array<std::string, 3> titles{"The Matrix", "Reloaded", "Revolutions"};
    std::array<std::array<Value, 2>, 3> movie_rows;
    for (size_t i = 0; i < 3; ++i) movie_rows[i] = {Value(titles[i]), i == 0 ? Value() : Value::ref(movies, movie_keys[i - 1])};
    w.add_vertices(movies, movie_keys, movie, [&](size_t row) { return std::span<const Value>(movie_rows[row]); });
    // All or none: a repeat in the space refuses the call and takes its earlier rows back.
    const uint64_t before = w.vertex_count();
    const std::array<Key, 2> repeated{"4", "2"};
    CHECK_THROWS_WITH(w.add_vertices(movies, repeated, movie, [&](size_t) { return std::span<const Value>(movie_rows[0]); }),
                      Contains("row 1: duplicate vertex key '2' in ID space 'Movie-ID'"));
    CHECK(w.vertex_count() == before);
    CHECK_FALSE(w.has_vertex(movies, "4"));
    const std::array<Key, 1> keanu{"1"};
    const std::array<Key, 2> films{"1", "3"};
    const std::array<Value, 2> keanu_row{Value("Keanu Reeves"), Value::ref_list(movies, films)};
    const std::array<LabelId, 2> both{actor, person};
    w.add_vertices(actors, keanu, both, [&](size_t) { return std::span<const Value>(keanu_row); });
    CHECK_THROWS_AS(w.add_vertices(IdSpace{9}, keanu, actor), Error);
    // Find-or-add in a space: an existing key gives its id, a new one adds a vertex there.
    std::optional<uint32_t> keanu_id[1];
    const std::array<IdSpace, 1> in_actors{actors};
    w.find_vertices(keanu, in_actors, keanu_id);
    REQUIRE(keanu_id[0]);
    CHECK(w.vertex_for(actors, "1", actor) == *keanu_id[0]);
    const uint32_t carrie = w.vertex_for(actors, "2", person);  // a new vertex takes no values: a label without attributes
    CHECK(w.has_vertex(actors, "2"));
    CHECK_FALSE(w.has_vertex("2"));
    const std::array<Key, 3> mixed{"2", "5", "5"};
    std::array<uint32_t, 3> ids{};
    w.vertices_for(movies, mixed, person, ids);
    CHECK(ids[1] == ids[2]);
    CHECK(ids[0] != carrie);
    std::optional<uint32_t> reloaded[1];
    const std::array<Key, 1> two{"2"};
    const std::array<IdSpace, 1> in_movies{movies};
    w.find_vertices(two, in_movies, reloaded);
    CHECK(reloaded[0] == ids[0]);
    CHECK(w.has_vertex(movies, "5"));
    CHECK_FALSE(w.has_vertex(actors, "5"));
    w.finish(dir / "s.mmg");

    auto dataset = Dataset::open(dir / "s.mmg");
    dataset.verify();
    // The batch lookup in a space, routed over three shards, answers as one lookup at a time.
    const std::vector<Key> keys{"1", "2", "3", "5", "9"};
    for (IdSpace space : {IdSpace{0}, movies, actors}) {
        std::vector<std::optional<Vertex>> found(keys.size());
        dataset.find(keys, space, found);
        for (size_t i = 0; i < keys.size(); ++i) {
            INFO("space " << space.id << ", key " << key_to_string(keys[i]));
            auto one = dataset.find(keys[i], space);
            REQUIRE(found[i].has_value() == one.has_value());
            if (one) CHECK(found[i]->ref() == one->ref());
        }
    }
    std::vector<std::optional<Vertex>> found(keys.size());
    dataset.find(keys, movies, found);
    CHECK_FALSE(found[4]);
    REQUIRE(found[1]);
    CHECK(found[1]->id_space() == movies);
    CHECK(found[1]->get<std::string_view>("title") == "Reloaded");
    // References by key in a space resolve in that space.
    CHECK(found[1]->get<VertexRef>("sequel_of") == found[0]->ref());
    const auto matrix = dataset.vertex(found[1]->get<VertexRef>("sequel_of"));
    CHECK(matrix.get<std::string_view>("title") == "The Matrix");
    auto reeves = dataset.find("1", actors);
    REQUIRE(reeves);
    CHECK(reeves->labels().size() == 2);
    const ValueRef list = reeves->get("films");
    REQUIRE(list.list_size() == 2);
    CHECK(list.element(0).as_ref() == found[0]->ref());
    CHECK(list.element(1).as_ref() == found[2]->ref());
    // A partial dataset routes each key by its hash in the space: the first key whose shard is
    // not mapped is named, and nothing is looked up.
    const std::array<uint16_t, 1> first_shard{0};
    auto partial = Dataset::open(dir / "s.mmg", std::span<const uint16_t>(first_shard));
    const auto elsewhere = std::find_if(keys.begin(), keys.end(), [&](const Key& k) { return shard_of(k, 3, movies) != 0; });
    REQUIRE(elsewhere != keys.end());
    std::vector<std::optional<Vertex>> untouched(keys.size());
    try {
        partial.find(keys, movies, untouched);
        FAIL("no ShardNotMapped");
    } catch (const ShardNotMapped& e) {
        CHECK(e.shard() == shard_of(*elsewhere, 3, movies));
        CHECK_THAT(e.what(), Contains("'" + key_to_string(*elsewhere) + "'"));
    }
    CHECK(std::none_of(untouched.begin(), untouched.end(), [](const auto& v) { return v.has_value(); }));
}

TEST_CASE("ID spaces: a reference by key names its space in the writer's errors", "[labels][spaces]") {
    TempDir dir;
    Writer w;
    const auto movie = w.add_label("Movie", {{"sequel_of", TypeCode::vertex_ref, true}});
    const IdSpace movies = w.add_id_space("Movie-ID");
    // A space the writer never declared is a misuse at the call.
    CHECK_THROWS_WITH(w.add_vertex(movies, "1", movie, {Value::ref(IdSpace{4}, "0")}), Contains("unknown ID space 4"));
    CHECK_FALSE(w.has_vertex(movies, "1"));
    w.add_vertex("9", movie);  // in the default space, so not the one referenced below
    w.add_vertex(movies, "1", movie, {Value::ref(movies, "9")});
    CHECK_THROWS_WITH(w.finish(dir / "s.mmg"), Contains("references unknown vertex '9' in ID space 'Movie-ID'"));
    CHECK_FALSE(std::filesystem::exists(dir / "s.mmg"));
}

TEST_CASE("labels: the bytes do not depend on the thread count", "[labels]") {
    MultiGraph g = random_multi_graph(7, 300, static_cast<uint32_t>(overlapping_labels().size()));
    TempDir dir;
    WriterOptions one, four;
    one.threads = 1;
    four.threads = 4;
    write_multi_graph(g, dir / "a.mmg", one, 7);
    write_multi_graph(g, dir / "b.mmg", four, 7);
    CHECK(read_bytes(dir / "a.mmg") == read_bytes(dir / "b.mmg"));
}

TEST_CASE("labels: the union layout and the label set section", "[labels]") {
    TempDir dir;
    Writer w;
    for (const auto& [name, attributes] : overlapping_labels()) w.add_label(name, attributes);
    const std::array<LabelId, 3> three{2, 0, 1};  // any order
    const auto union_attributes = w.label_set_attributes(three);
    std::vector<std::string> names;
    for (const auto& a : union_attributes) names.push_back(a.name);
    // Person's, then Actor's without "name", then Director's without "born" (§4.2).
    CHECK(names == std::vector<std::string>{"name", "born", "roles", "studio", "score"});
    const std::array<LabelId, 1> one{4};
    CHECK(w.label_set_attributes(one).size() == 3);
    w.add_vertex("a", three, {Value("Ann"), Value(1970), Value(), Value("S"), Value(2.5)});
    w.add_vertex("b", LabelId{3});
    const std::array<LabelId, 2> two{3, 1};
    w.add_vertex("c", two, {Value("Cy")});
    w.add_vertex("d", three, {Value("Di"), Value(), Value(), Value(), Value(0.5)});
    w.finish(dir / "l.mmg");
    auto f = File::open(dir / "l.mmg");
    f->verify();
    REQUIRE(f->label_sets().size() == 2);
    CHECK(f->label_set_count() == 7);
    // Numbered from label_count in the order of first use (§6.6).
    CHECK(f->label_sets()[0].labels == std::vector<uint32_t>{0, 1, 2});
    CHECK(f->label_sets()[1].labels == std::vector<uint32_t>{1, 3});
    CHECK(f->label_sets()[0].layout.name == "Person;Actor;Director");
    CHECK(f->find("a")->label_set() == 5);
    CHECK(f->find("b")->label_set() == 3);
    CHECK(f->find("c")->label_set() == 6);
    CHECK(f->find("c")->label() == 1);
    CHECK(f->find("c")->label_name() == "Actor");
    CHECK(f->label_set_has(6, 3));
    CHECK(!f->label_set_has(6, 0));
    CHECK(f->label_set_has(3, 3));
    CHECK(f->label_set_labels(3).size() == 1);
    CHECK_THROWS_AS(f->label_set_labels(7), Error);
    CHECK(f->labels()[0].count == 2);  // Person: a, d
    CHECK(f->labels()[1].count == 3);  // Actor: a, c, d
    CHECK(f->labels()[3].count == 2);  // Plain: b, c
    CHECK(f->find("a")->get<double>("score") == 2.5);
    CHECK(f->find("a")->get<std::string_view>("studio") == "S");
    // A handle of one label reads the attribute of a vertex that carries that label among others.
    CHECK(f->find("a")->get<std::string_view>(f->attribute_handle("Actor", "name")) == "Ann");
    CHECK(f->find("d")->get<double>(f->attribute_handle("Director", "score")) == 0.5);
    CHECK_THROWS_WITH(f->find("b")->get(f->attribute_handle("Actor", "name")), Contains("not the handle's label"));
    // The section's bytes: count 2, reserved; {3: 0 1 2, pad 2}; {2: 1 3}.
    const SectionInfo* sets = nullptr;
    for (const SectionInfo& s : f->sections())
        if (s.kind == static_cast<uint16_t>(format::SectionKind::label_sets)) sets = &s;
    REQUIRE(sets);
    CHECK(sets == &f->sections()[3]);  // right after node_types (§3)
    const std::vector<uint8_t> expected{2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 3, 0};
    CHECK(std::vector<uint8_t>(f->data() + sets->offset, f->data() + sets->offset + sets->length) == expected);
}

TEST_CASE("labels: one label per vertex given as a set writes the same bytes as one label", "[labels]") {
    TempDir dir;
    auto build = [&](const std::filesystem::path& path, bool as_sets) {
        Writer w;
        for (const auto& [name, attributes] : overlapping_labels()) w.add_label(name, attributes);
        for (uint32_t i = 0; i < 50; ++i) {
            const std::string key = "k" + std::to_string(i);
            const std::array<LabelId, 1> one{i % 4 == 3 ? 0u : 1u};
            if (as_sets) w.add_vertex(std::string_view(key), one, {Value("n")});
            else w.add_vertex(std::string_view(key), one[0], {Value("n")});
        }
        w.finish(path);
    };
    build(dir / "a.mmg", false);
    build(dir / "b.mmg", true);
    CHECK(read_bytes(dir / "a.mmg") == read_bytes(dir / "b.mmg"));
    auto f = File::open(dir / "b.mmg");
    CHECK(f->version_minor() == 6);  // the minor of the key table of kind 15; no label set
    CHECK(f->label_sets().empty());
}

TEST_CASE("labels: the writer refuses conflicting, empty, repeated and unknown label sets", "[labels]") {
    Writer w;
    const auto a = w.add_label("A", {{"x", TypeCode::int32}});
    const auto b = w.add_label("B", {{"x", TypeCode::int64}});
    const auto c = w.add_label("C", {{"x", TypeCode::int32, true}});
    const auto d = w.add_label("D", {{"x", TypeCode::int32}, {"y", TypeCode::string}});
    const std::array<LabelId, 2> ab{a, b}, ac{a, c}, aa{a, a}, ad{a, d}, a9{a, 9};
    CHECK_THROWS_WITH(w.add_vertex("k", ab), Contains("labels 'A' and 'B' both declare attribute 'x'") && Contains("int32") && Contains("int64"));
    CHECK_THROWS_WITH(w.add_vertex("k", ac), Contains("labels 'A' and 'C'") && Contains("nullable"));
    CHECK_THROWS_WITH(w.add_vertex("k", aa), Contains("label 'A' given twice"));
    CHECK_THROWS_WITH(w.add_vertex("k", std::span<const LabelId>()), Contains("at least one label"));
    CHECK_THROWS_AS(w.add_vertex("k", a9), Error);
    CHECK(w.vertex_count() == 0);
    w.add_vertex("k", ad, {Value(1), Value("y")});  // the same name and type: stored once
    CHECK(w.label_set_attributes(ad).size() == 2);
    CHECK_THROWS_WITH(w.add_vertex("k", ad), Contains("duplicate vertex key"));
    // add_vertices with a set is all or none, as with one label.
    const std::vector<Key> keys{std::string_view("m"), std::string_view("k")};
    const std::vector<Value> values{Value(2), Value("z")};
    CHECK_THROWS_WITH(w.add_vertices(keys, ad, [&](size_t) { return std::span<const Value>(values); }), Contains("row 1") && Contains("duplicate"));
    CHECK(w.vertex_count() == 1);
}

TEST_CASE("labels: a 2.1 file with a label_sets section is refused at open", "[labels]") {
    TempDir dir;
    MultiGraph g = random_multi_graph(5, 40, static_cast<uint32_t>(overlapping_labels().size()));
    write_multi_graph(g, dir / "g.mmg", {}, 5);
    auto bytes = read_bytes(dir / "g.mmg");
    format::store<uint16_t>(bytes.data() + format::header::kMinorOff, 1);
    mmgraph::test::reseal(bytes);
    mmgraph::test::write_bytes(dir / "old.mmg", bytes);
    CHECK_THROWS_WITH(File::open(dir / "old.mmg"), Contains("label_sets") && Contains("format 2.2, but the file says 2.1"));
}

// The figures of spec §11 for label sets (run by hand: test_labels "[.measure]"): 100,000
// vertices over 4 labels, 30% with two or three, written with label sets and, as the rejected
// synthetic-label design, with one label per combination carrying its union attribute list.
TEST_CASE("labels: bytes of label sets against combined labels", "[.measure]") {
    constexpr uint32_t kVertices = 100000;
    const std::vector<std::pair<std::string, std::vector<AttributeSpec>>> labels = {
        {"Person", {{"name", TypeCode::string}, {"born", TypeCode::int32, true}}},
        {"Actor", {{"name", TypeCode::string}, {"awards", TypeCode::uint8}}},
        {"Director", {{"studio", TypeCode::string, true}, {"films", TypeCode::uint16}}},
        {"Author", {{"pen_name", TypeCode::string, true}}},
    };
    std::mt19937_64 rng(42);
    std::vector<std::vector<LabelId>> sets(kVertices);
    uint64_t memberships = 0, multi = 0;
    for (auto& set : sets) {
        const uint64_t roll = rng() % 10;
        const size_t size = roll < 7 ? 1 : roll < 9 ? 2 : 3;
        std::set<LabelId> chosen;
        while (chosen.size() < size) chosen.insert(static_cast<LabelId>(rng() % labels.size()));
        set.assign(chosen.begin(), chosen.end());
        memberships += size;
        multi += size > 1;
    }
    auto values_for = [](const std::vector<AttributeSpec>& attributes, uint32_t i, std::vector<std::string>& text) {
        std::vector<Value> values;
        text.clear();
        text.reserve(attributes.size());
        for (const AttributeSpec& a : attributes) {
            if (a.type.element() == TypeCode::string) {
                text.push_back(a.name + " " + std::to_string(i));
                values.emplace_back(text.back());
            } else {
                values.emplace_back(static_cast<int64_t>(i % 200));
            }
        }
        return values;
    };
    TempDir dir;
    auto sizes = [](const std::filesystem::path& path) {
        auto f = File::open(path);
        f->verify();
        std::map<std::string, uint64_t> bytes{{"file", f->file_size()}};
        for (const SectionInfo& s : f->sections()) bytes[std::string(s.name())] += s.length;
        return bytes;
    };
    {
        Writer w;
        for (const auto& [name, attributes] : labels) w.add_label(name, attributes);
        std::vector<std::string> text;
        for (uint32_t i = 0; i < kVertices; ++i) {
            const std::string key = "v" + std::to_string(i);
            w.add_vertex(std::string_view(key), sets[i], values_for(w.label_set_attributes(sets[i]), i, text));
        }
        w.finish(dir / "sets.mmg");
    }
    {
        Writer w;
        for (const auto& [name, attributes] : labels) w.add_label(name, attributes);
        std::map<std::vector<LabelId>, LabelId> combined;
        std::vector<std::string> text;
        for (uint32_t i = 0; i < kVertices; ++i) {
            const std::vector<AttributeSpec> attributes = w.label_set_attributes(sets[i]);
            LabelId label = sets[i][0];
            if (sets[i].size() > 1) {
                auto it = combined.find(sets[i]);
                if (it == combined.end()) {
                    std::string name;
                    for (LabelId l : sets[i]) name += (name.empty() ? "" : "&") + labels[l].first;
                    it = combined.emplace(sets[i], w.add_label(name, attributes)).first;
                }
                label = it->second;
            }
            const std::string key = "v" + std::to_string(i);
            w.add_vertex(std::string_view(key), label, values_for(attributes, i, text));
        }
        w.finish(dir / "combined.mmg");
    }
    const auto with_sets = sizes(dir / "sets.mmg"), with_combined = sizes(dir / "combined.mmg");
    for (const auto& [name, bytes] : with_sets)
        WARN(name << ": label sets " << bytes << ", combined labels " << (with_combined.count(name) ? with_combined.at(name) : 0));
    WARN(multi << " vertices with several labels, " << memberships << " label memberships");
}
