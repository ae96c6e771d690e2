// Writer -> reader round trips of seeded random property graphs (tests/support/random_graph)
// and of small hand-made graphs that pin one rule of spec/FORMAT.md each.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "mmgraph/format/layout.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;

namespace {

ModelValue model_string(std::string s, TypeCode code = TypeCode::string) {
    ModelValue v;
    v.type = code;
    v.null = false;
    v.s = std::move(s);
    return v;
}

ModelValue model_null(Type type) {
    ModelValue v;
    v.type = type;
    return v;
}

uint64_t vlq_len(uint64_t n) {
    uint64_t bytes = 1;
    while (n >= 128) n >>= 7, ++bytes;
    return bytes;
}

// Bytes a variable value occupies in a node record (§6.2 table); 0 = no value stored.
uint64_t stored_size(const ModelValue& v, bool nullable) {
    if (v.null) return 0;
    uint64_t count = 0, element = 1;
    if (!v.type.is_list()) {
        count = v.s.size();
    } else {
        TypeCode c = v.type.element();
        element = format::scalar_size(static_cast<uint8_t>(c));
        count = c == TypeCode::vertex_ref ? v.refs.size()
                : (c == TypeCode::float32 || c == TypeCode::float64) ? v.floats.size()
                : (c >= TypeCode::uint8 && c <= TypeCode::uint64) ? v.uints.size()
                                                                 : v.ints.size();
    }
    if (count == 0 && !nullable) return 0;
    return vlq_len(count) + count * element;
}

// The widths §6.3 requires for one vertex: left to right, smallest width holding the entry
// value and not narrower than the previous entry (no-shrink), starting from 1.
std::vector<uint8_t> required_widths(const Model& model, const ModelVertex& v) {
    std::vector<uint64_t> sizes;
    if (model.key_type == KeyType::string) sizes.push_back(v.key.empty() ? 0 : vlq_len(v.key.size()) + v.key.size());
    const auto& attrs = model.labels[v.label].second;
    for (size_t j = 0; j < attrs.size(); ++j)
        if (!attrs[j].type.is_fixed()) sizes.push_back(stored_size(v.values[j], attrs[j].nullable));
    std::vector<uint8_t> widths;
    uint8_t previous = 1;
    uint64_t position = 0;
    for (uint64_t size : sizes) {
        uint8_t w = previous;
        if (size != 0) {
            uint64_t entry = position + 1;
            w = std::max<uint8_t>(previous, entry <= 0xFF ? 1 : entry <= 0xFFFF ? 2 : 4);
            position += size;
        }
        widths.push_back(w);
        previous = w;
    }
    return widths;
}

// An independent rendering of §6.3 "Numbering and the cap" for one shard whose vertices, in
// local index order, have these labels and required widths.
struct ExpectedNodeTypes {
    std::vector<std::pair<uint32_t, std::vector<uint8_t>>> types;  // (label, widths)
    std::vector<uint32_t> of_vertex;
};

ExpectedNodeTypes assign_node_types(const std::vector<std::pair<uint32_t, std::vector<uint8_t>>>& vertices,
                                    uint32_t label_count, uint32_t max_node_types) {
    ExpectedNodeTypes out;
    uint32_t cap = std::min<uint32_t>(std::max(max_node_types, label_count), 65535);
    std::vector<uint64_t> unassigned(label_count, 0);
    for (const auto& v : vertices) ++unassigned[v.first];
    auto widest_of = [&](uint32_t label) -> int64_t {
        for (size_t t = 0; t < out.types.size(); ++t)
            if (out.types[t].first == label &&
                std::all_of(out.types[t].second.begin(), out.types[t].second.end(), [](uint8_t w) { return w == 4; }))
                return static_cast<int64_t>(t);
        return -1;
    };
    for (const auto& [label, W] : vertices) {
        int64_t chosen = -1;
        for (size_t t = 0; t < out.types.size() && chosen < 0; ++t)  // 1. exact match
            if (out.types[t].first == label && out.types[t].second == W) chosen = static_cast<int64_t>(t);
        if (chosen < 0) {  // 2. create when the cap keeps room for the widest types still needed
            bool w_is_widest = std::all_of(W.begin(), W.end(), [](uint8_t w) { return w == 4; });
            uint64_t still_need = 0;
            for (uint32_t l = 0; l < label_count; ++l) {
                bool has_widest = widest_of(l) >= 0 || (l == label && w_is_widest);
                if (!has_widest && unassigned[l] > 0) ++still_need;
            }
            if (out.types.size() + 1 + still_need <= cap) {
                out.types.emplace_back(label, W);
                chosen = static_cast<int64_t>(out.types.size() - 1);
            }
        }
        if (chosen < 0) {  // 3. the narrowest existing type of the label that holds W
            uint64_t best_total = UINT64_MAX;
            for (size_t t = 0; t < out.types.size(); ++t) {
                if (out.types[t].first != label) continue;
                bool holds = true;
                uint64_t total = 0;
                for (size_t k = 0; k < W.size(); ++k) {
                    holds = holds && out.types[t].second[k] >= W[k];
                    total += out.types[t].second[k];
                }
                if (holds && total < best_total) chosen = static_cast<int64_t>(t), best_total = total;
            }
        }
        if (chosen < 0) {  // 4. the label's widest type
            chosen = widest_of(label);
            if (chosen < 0) {
                out.types.emplace_back(label, std::vector<uint8_t>(W.size(), 4));
                chosen = static_cast<int64_t>(out.types.size() - 1);
            }
        }
        out.of_vertex.push_back(static_cast<uint32_t>(chosen));
        --unassigned[label];
    }
    return out;
}

// Compares a written single-shard file's node types with the §6.3 rules.
void check_node_types(const Model& model, const File& file, uint32_t max_node_types) {
    std::vector<std::pair<uint32_t, std::vector<uint8_t>>> vertices;
    for (const auto& v : model.vertices) vertices.emplace_back(v.label, required_widths(model, v));
    ExpectedNodeTypes expected = assign_node_types(vertices, static_cast<uint32_t>(model.labels.size()), max_node_types);
    auto types = file.node_types();
    REQUIRE(types.size() == expected.types.size());
    for (size_t t = 0; t < types.size(); ++t) {
        INFO("node type " << t);
        CHECK(types[t].label == expected.types[t].first);
        CHECK(types[t].offset_widths == expected.types[t].second);
        CHECK(types[t].vertices == static_cast<uint64_t>(std::count(expected.of_vertex.begin(), expected.of_vertex.end(), t)));
    }
    for (uint32_t i = 0; i < file.vertex_count(); ++i) {
        INFO("vertex " << model.vertices[i].key);
        CHECK(file.vertex(i).node_type() == expected.of_vertex[i]);
    }
}

bool non_decreasing(const std::vector<uint8_t>& widths) { return std::is_sorted(widths.begin(), widths.end()); }

std::vector<std::string> keys_of(const File& file, const EdgeRange& range) {
    std::vector<std::string> keys;
    for (const Edge& e : range) keys.push_back(file.vertex(e.target.index).key_string());
    return keys;
}

}  // namespace

TEST_CASE("roundtrip: random graphs with every attribute type round-trip", "[roundtrip]") {
    for (uint64_t seed : {1, 2, 3}) {
        TempDir dir;
        RandomGraphOptions o;
        o.seed = seed;
        Model model = random_model(o);
        write_model(model, {}, dir / "g.mmg");
        File::open(dir / "g.mmg")->verify();
        check_against_model(model, dir / "g.mmg");
    }
}

TEST_CASE("roundtrip: int64 keys, multi-shard, low node-type cap", "[roundtrip]") {
    TempDir dir;
    RandomGraphOptions o;
    o.seed = 9;
    o.int_keys = true;
    o.long_string_rate = 0.2;
    Model model = random_model(o);
    WriterOptions w;
    w.shard_count = 3;
    w.max_node_types = 2;
    write_model(model, w, dir / "g.mmg");
    Dataset::open(dir / "g.mmg").verify();
    check_against_model(model, dir / "g.mmg");
}

TEST_CASE("roundtrip: every attribute type reads back over several seeds and both key types", "[roundtrip]") {
    for (bool int_keys : {false, true}) {
        for (uint64_t seed = 21; seed <= 26; ++seed) {
            INFO("seed " << seed << (int_keys ? " int64 keys" : " string keys"));
            TempDir dir;
            RandomGraphOptions o;
            o.seed = seed;
            o.vertices = 150;
            o.edges = 400;
            o.labels = 4;
            o.edge_types = 3;
            o.int_keys = int_keys;
            Model model = random_model(o);
            write_model(model, {}, dir / "g.mmg");
            auto file = File::open(dir / "g.mmg");
            file->verify();
            CHECK(file->key_type() == (int_keys ? KeyType::int64 : KeyType::string));

            // The schema read back declares every scalar type and the model's lists, with flags.
            std::set<uint8_t> declared;
            REQUIRE(file->labels().size() == model.labels.size());
            for (size_t l = 0; l < model.labels.size(); ++l) {
                const auto& attrs = file->labels()[l].attributes;
                REQUIRE(attrs.size() == model.labels[l].second.size());
                for (size_t j = 0; j < attrs.size(); ++j) {
                    CHECK(attrs[j].name == model.labels[l].second[j].name);
                    CHECK(attrs[j].type == model.labels[l].second[j].type);
                    CHECK(attrs[j].nullable == model.labels[l].second[j].nullable);
                    declared.insert(attrs[j].type.byte);
                }
            }
            for (uint8_t code = 1; code <= 14; ++code) CHECK(declared.count(code) == 1);
            CHECK(declared.count(0x80 | static_cast<uint8_t>(TypeCode::vertex_ref)) == 1);

            // Every type occurs as a non-null value, so the comparison below exercises each.
            std::set<uint8_t> seen;
            for (const auto& v : model.vertices)
                for (const auto& x : v.values)
                    if (!x.null) seen.insert(x.type.byte);
            CHECK(seen == declared);

            // Typed accessors agree with the schema type of each value.
            for (Vertex v : file->vertices()) {
                const LabelInfo& label = file->labels()[v.label()];
                for (uint32_t j = 0; j < label.attributes.size(); ++j) {
                    ValueRef value = v.get(j);
                    if (!value.is_null()) CHECK(value.type() == label.attributes[j].type);
                }
            }
            check_against_model(model, dir / "g.mmg");
        }
    }
}

TEST_CASE("roundtrip: null, empty string and empty list are distinguished", "[roundtrip]") {
    TempDir dir;
    Writer w;
    auto label = w.add_label("T", {{"ns_null", TypeCode::string, true},
                                   {"ns_empty", TypeCode::string, true},
                                   {"s_empty", TypeCode::string, false},
                                   {"nl_empty", Type::list_of(TypeCode::int32), true},
                                   {"nl_null", Type::list_of(TypeCode::int32), true},
                                   {"l_empty", Type::list_of(TypeCode::int32), false},
                                   {"nb_empty", TypeCode::bytes, true},
                                   {"ni_null", TypeCode::int32, true},
                                   {"ni_zero", TypeCode::int32, true}});
    auto rel = w.add_edge_type("R", {{"note", TypeCode::string, true}, {"tags", Type::list_of(TypeCode::uint8), false}});
    const std::vector<int32_t> none;
    const std::vector<int32_t> two = {7, -8};
    const std::vector<uint8_t> no_tags;
    w.add_vertex("a", label,
                 {Value::null(), "", "", Value::list(none), Value::null(), Value::list(none),
                  Value::bytes(std::span<const uint8_t>()), Value::null(), 0});
    w.add_vertex("b", label, {"x", Value::null(), "y", Value::list(two), Value::list(two), Value::list(two)});
    w.add_vertex("", label, {Value::null(), Value::null(), "", Value::null(), Value::null(), Value::list(none)});  // empty key
    w.add_edge("a", "b", rel, {Value::null(), Value::list(no_tags)});
    w.add_edge("b", "a", rel, {"", Value::list(no_tags)});
    w.finish(dir / "n.mmg");

    auto file = File::open(dir / "n.mmg");
    file->verify();
    Vertex a = *file->find("a");
    CHECK(a.get("ns_null").is_null());
    CHECK_THROWS_AS(a.get("ns_null").as_string(), Error);
    REQUIRE_FALSE(a.get("ns_empty").is_null());
    CHECK(a.get("ns_empty").as_string() == "");
    REQUIRE_FALSE(a.get("s_empty").is_null());
    CHECK(a.get("s_empty").as_string() == "");
    REQUIRE_FALSE(a.get("nl_empty").is_null());
    CHECK(a.get("nl_empty").list_size() == 0);
    CHECK(a.get("nl_null").is_null());
    REQUIRE_FALSE(a.get("l_empty").is_null());
    CHECK(a.get("l_empty").list_size() == 0);
    REQUIRE_FALSE(a.get("nb_empty").is_null());
    CHECK(a.get("nb_empty").as_bytes().empty());
    CHECK(a.get("ni_null").is_null());
    REQUIRE_FALSE(a.get("ni_zero").is_null());
    CHECK(a.get("ni_zero").as_int() == 0);

    Vertex b = *file->find("b");
    CHECK(b.get("ns_null").as_string() == "x");
    CHECK(b.get("ns_empty").is_null());
    CHECK(b.get("s_empty").as_string() == "y");
    REQUIRE(b.get("nl_empty").list_size() == 2);
    CHECK(b.get("nl_empty").element(0).as_int() == 7);
    CHECK(b.get("nl_empty").element(1).as_int() == -8);
    CHECK(b.get("l_empty").list_size() == 2);
    CHECK(b.get("nb_empty").is_null());  // missing trailing values are null
    CHECK(b.get("ni_zero").is_null());

    Vertex empty_key = *file->find("");
    CHECK(empty_key.key_string() == "");
    CHECK(empty_key.get("ns_null").is_null());

    // The same distinction in edge property rows (§8.2).
    std::vector<std::string> notes;
    for (const Edge& e : a.edges(Direction::out)) {
        CHECK(file->property(e, 0).is_null());
        REQUIRE_FALSE(file->property(e, 1).is_null());
        CHECK(file->property(e, 1).list_size() == 0);
    }
    for (const Edge& e : a.edges(Direction::in)) {
        REQUIRE_FALSE(file->property(e, 0).is_null());
        CHECK(file->property(e, 0).as_string() == "");
    }

    // The bytes of a's offset table (§6.2): null and non-nullable empty are entry 0, a nullable
    // empty value is a stored VLQ 0 (one byte). One node type, so no type id; 1 null-bitmap byte
    // and 8 fixed bytes precede the table; var data = key (VLQ 1, 'a'), then three VLQ 0 bytes.
    REQUIRE(file->node_types().size() == 1);
    const SectionInfo* nodes = nullptr;
    for (const auto& s : file->sections())
        if (s.kind == static_cast<uint16_t>(format::SectionKind::nodes)) nodes = &s;
    REQUIRE(nodes != nullptr);
    const uint8_t* record = file->data() + nodes->offset + (a.slots().node & format::kSlotOffsetMask);
    CHECK(record[0] == 0x01);  // null bitmap: ni_null
    const std::vector<uint8_t> table(record + 9, record + 17);
    CHECK(table == std::vector<uint8_t>{1, 0, 3, 0, 4, 0, 0, 5});  // key ns_null ns_empty s_empty nl_empty nl_null l_empty nb_empty
    const std::vector<uint8_t> var(record + 17, record + 22);
    CHECK(var == std::vector<uint8_t>{1, 'a', 0, 0, 0});
}

TEST_CASE("roundtrip: long values force offset widths 1, 2 and 4 under the no-shrink rule", "[roundtrip]") {
    for (KeyType key_type : {KeyType::string, KeyType::int64}) {
        INFO((key_type == KeyType::string ? "string keys" : "int64 keys"));
        Model model;
        model.key_type = key_type;
        model.labels.push_back({"Doc",
                                {{"a", TypeCode::string, false},
                                 {"b", TypeCode::string, true},
                                 {"c", TypeCode::bytes, false},
                                 {"n", TypeCode::int16, false},
                                 {"d", Type::list_of(TypeCode::int32), false}}});
        model.edge_types.push_back({"LINK", {}});
        auto list = [](size_t n) {
            ModelValue v;
            v.type = Type::list_of(TypeCode::int32);
            v.null = false;
            for (size_t i = 0; i < n; ++i) v.ints.push_back(static_cast<int64_t>(i) - 3);
            return v;
        };
        auto num = [](int64_t x) {
            ModelValue v;
            v.type = TypeCode::int16;
            v.null = false;
            v.i = x;
            return v;
        };
        auto text = [](size_t n, char fill) { return std::string(n, fill); };
        auto vertex = [&](std::string key, ModelValue a, ModelValue b, std::string c, ModelValue d) {
            if (key_type == KeyType::int64) key = std::to_string(model.vertices.size() * 1000 + 17);
            model.vertices.push_back({key, 0, {std::move(a), std::move(b), model_string(std::move(c), TypeCode::bytes), num(7), std::move(d)}});
        };
        // Widths 1, 1, 1, 1 (+ key): everything short.
        vertex("narrow", model_string("x"), model_string("y"), "z", list(2));
        // An entry value above 255: 2 bytes from there on.
        vertex("two", model_string(text(300, 'p')), model_string("y"), "z", list(3));
        // An entry value above 65535: 4 bytes.
        vertex("four", model_string(text(70000, 'q')), model_string("y"), "z", list(1));
        // 1, 2, 4 in one record, then an empty (value 0) entry that stays 4 wide (no-shrink).
        vertex("mixed", model_string(text(300, 'r')), model_string(text(70000, 's')), "t", list(0));
        // Lots of variable data but every non-zero entry small: widths stay 1.
        vertex("late", model_string("u"), model_null(TypeCode::string), "", list(20000));
        // Empty entries (value 0) after a widening keep the wider width.
        vertex("emptywide", model_string(text(400, 'v')), model_string("w"), "", list(0));
        for (uint32_t i = 0; i + 1 < model.vertices.size(); ++i) model.edges.push_back({i, i + 1, 0, {}});

        TempDir dir;
        write_model(model, {}, dir / "w.mmg");
        auto file = File::open(dir / "w.mmg");
        file->verify();

        std::set<uint8_t> widths_seen;
        for (const auto& nt : file->node_types()) {
            CHECK(non_decreasing(nt.offset_widths));
            widths_seen.insert(nt.offset_widths.begin(), nt.offset_widths.end());
        }
        CHECK(widths_seen == std::set<uint8_t>{1, 2, 4});
        // Each vertex got exactly its required widths (default cap, so no fallback).
        for (uint32_t i = 0; i < model.vertices.size(); ++i) {
            INFO("vertex " << model.vertices[i].key);
            Vertex v = file->vertex(i);
            CHECK(file->node_types()[v.node_type()].offset_widths == required_widths(model, model.vertices[i]));
        }
        const uint8_t off = key_type == KeyType::string ? 1 : 0;  // string key is entry 0
        CHECK(file->node_types()[file->vertex(0).node_type()].offset_widths[off + 2] == 1);
        CHECK(file->node_types()[file->vertex(1).node_type()].offset_widths[off + 1] == 2);
        CHECK(file->node_types()[file->vertex(2).node_type()].offset_widths[off + 1] == 4);
        auto mixed = file->node_types()[file->vertex(3).node_type()].offset_widths;
        CHECK(mixed[off + 1] == 2);
        CHECK(mixed[off + 2] == 4);
        CHECK(mixed[off + 3] == 4);  // list d is empty (entry 0) but 4 wide
        CHECK(file->node_types()[file->vertex(4).node_type()].offset_widths == std::vector<uint8_t>(off + 4, 1));
        auto emptywide = file->node_types()[file->vertex(5).node_type()].offset_widths;
        CHECK(emptywide[off + 1] == 2);
        CHECK(emptywide[off + 2] == 2);
        CHECK(emptywide[off + 3] == 2);
        CHECK(file->vertex(3).get("b").as_string() == text(70000, 's'));
        CHECK(file->vertex(4).get("d").list_size() == 20000);
        CHECK(file->vertex(4).get("d").element(19999).as_int() == 19996);
        check_against_model(model, dir / "w.mmg");
        check_node_types(model, *file, format::kDefaultMaxNodeTypes);
    }
}

TEST_CASE("roundtrip: edge property heaps pick 1-, 2- and 4-byte offsets", "[roundtrip]") {
    // §8.2: heap_width is the smallest of 1, 2, 4, 8 holding heap_len + 1.
    for (auto [length, width] : {std::pair<size_t, unsigned>{10, 1}, {300, 2}, {70000, 4}}) {
        TempDir dir;
        Writer w;
        auto label = w.add_label("V");
        auto type = w.add_edge_type("E", {{"s", TypeCode::string, false}, {"t", TypeCode::string, true}});
        w.add_vertex("x", label);
        w.add_vertex("y", label);
        std::string big(length, 'e');
        w.add_edge("x", "y", type, {Value(big), "tail"});
        w.add_edge("y", "x", type, {"small", Value::null()});
        w.finish(dir / "e.mmg");
        auto file = File::open(dir / "e.mmg");
        file->verify();
        const SectionInfo* table = nullptr;
        for (const auto& s : file->sections())
            if (s.kind == static_cast<uint16_t>(format::SectionKind::edge_props)) table = &s;
        REQUIRE(table != nullptr);
        CHECK(file->data()[table->offset + 4] == width);
        Vertex x = *file->find("x");
        for (const Edge& e : x.edges(Direction::out)) {
            CHECK(file->property(e, 0).as_string() == big);
            CHECK(file->property(e, 1).as_string() == "tail");
        }
        for (const Edge& e : x.edges(Direction::in)) {
            CHECK(file->property(e, 0).as_string() == "small");
            CHECK(file->property(e, 1).is_null());
        }
    }
}

TEST_CASE("roundtrip: the node-type cap bounds the table and values still read back", "[roundtrip]") {
    for (uint64_t seed : {5, 6, 7}) {
        INFO("seed " << seed);
        // Two labels with four string attributes each; lengths chosen so that records need
        // many different width vectors (long values push later entries to 2 or 4 bytes).
        std::mt19937_64 rng(seed);
        Model model;
        std::vector<AttributeSpec> attrs = {{"p", TypeCode::string, false},
                                            {"q", TypeCode::string, true},
                                            {"r", TypeCode::bytes, true},
                                            {"s", TypeCode::string, false}};
        model.labels.push_back({"A", attrs});
        model.labels.push_back({"B", attrs});
        model.edge_types.push_back({"E", {}});
        for (uint32_t i = 0; i < 240; ++i) {
            ModelVertex v;
            v.key = "k" + std::to_string(i);
            v.label = static_cast<uint32_t>(rng() % 2);
            for (const auto& a : attrs) {
                unsigned pick = static_cast<unsigned>(rng() % 10);
                if (pick < 2 && a.nullable) {
                    v.values.push_back(model_null(a.type));
                    continue;
                }
                size_t n = pick < 4 ? 0 : pick < 6 ? 4 : pick < 9 ? 200 : 33000;  // two 33000s pass 65535
                v.values.push_back(model_string(std::string(n, static_cast<char>('a' + i % 26)), a.type.element()));
            }
            model.vertices.push_back(std::move(v));
        }
        std::set<std::pair<uint32_t, std::vector<uint8_t>>> patterns;
        for (const auto& v : model.vertices) patterns.insert({v.label, required_widths(model, v)});
        REQUIRE(patterns.size() > 6);  // enough variety for the cap to bite

        TempDir dir;
        {
            write_model(model, {}, dir / "free.mmg");
            auto file = File::open(dir / "free.mmg");
            file->verify();
            // Below the default cap every pattern gets its own type, in order of first use.
            CHECK(file->node_types().size() == patterns.size());
            for (uint32_t i = 0; i < model.vertices.size(); ++i)
                CHECK(file->node_types()[file->vertex(i).node_type()].offset_widths == required_widths(model, model.vertices[i]));
            check_against_model(model, dir / "free.mmg");
            check_node_types(model, *file, format::kDefaultMaxNodeTypes);
        }
        for (uint32_t cap : {1u, 2u, 3u, 5u}) {
            INFO("max_node_types " << cap);
            WriterOptions options;
            options.max_node_types = cap;
            auto path = dir / ("cap" + std::to_string(cap) + ".mmg");
            write_model(model, options, path);
            auto file = File::open(path);
            file->verify();
            CHECK(file->node_types().size() <= std::max<size_t>(cap, model.labels.size()));
            for (const auto& nt : file->node_types()) CHECK(non_decreasing(nt.offset_widths));
            // A wider type than required stores the same values (§6.3 fallback).
            for (uint32_t i = 0; i < model.vertices.size(); ++i) {
                Vertex v = file->vertex(i);
                const NodeTypeInfo& nt = file->node_types()[v.node_type()];
                auto need = required_widths(model, model.vertices[i]);
                CHECK(nt.label == model.vertices[i].label);
                REQUIRE(nt.offset_widths.size() == need.size());
                for (size_t k = 0; k < need.size(); ++k) CHECK(nt.offset_widths[k] >= need[k]);
            }
            check_against_model(model, path);
        }
    }
}

TEST_CASE("roundtrip: node type numbering and the cap follow spec 6.3 exactly", "[roundtrip]") {
    std::vector<AttributeSpec> attrs = {{"p", TypeCode::string, false}, {"q", TypeCode::string, true}};
    auto vertex = [](std::string key, uint32_t label, size_t p, size_t q) {
        return ModelVertex{std::move(key), label, {model_string(std::string(p, 'p')), model_string(std::string(q, 'q'))}};
    };
    SECTION("a label whose vertices are all assigned no longer reserves a widest type") {
        // Labels A, B, cap 3. A's only vertex creates (A; 1,1,1); B's first vertex then may create
        // (B; 1,1,1) because A needs no widest type any more: 2 types + 1 (B still needs) <= 3.
        Model model;
        model.labels = {{"A", attrs}, {"B", attrs}};
        model.vertices = {vertex("a0", 0, 1, 1), vertex("b0", 1, 1, 1), vertex("b1", 1, 300, 1)};
        TempDir dir;
        WriterOptions options;
        options.max_node_types = 3;
        write_model(model, options, dir / "g.mmg");
        auto file = File::open(dir / "g.mmg");
        file->verify();
        check_node_types(model, *file, 3);
        REQUIRE(file->node_types().size() == 3);
        CHECK(file->node_types()[1].label == 1);
        CHECK(file->node_types()[1].offset_widths == std::vector<uint8_t>{1, 1, 1});
        check_against_model(model, dir / "g.mmg");
    }
    SECTION("the cap is raised to the schema's label count, used or not") {
        // Three labels declared, one used, max_node_types 1 -> cap 3: two exact types fit.
        Model model;
        model.labels = {{"A", attrs}, {"B", attrs}, {"C", attrs}};
        model.vertices = {vertex("a0", 0, 1, 1), vertex("a1", 0, 300, 1)};
        TempDir dir;
        WriterOptions options;
        options.max_node_types = 1;
        write_model(model, options, dir / "g.mmg");
        auto file = File::open(dir / "g.mmg");
        file->verify();
        check_node_types(model, *file, 1);
        REQUIRE(file->node_types().size() == 2);
        CHECK(file->node_types()[0].offset_widths == std::vector<uint8_t>{1, 1, 1});
        CHECK(file->node_types()[1].offset_widths == std::vector<uint8_t>{1, 1, 2});
    }
    SECTION("random width patterns under several caps") {
        for (uint64_t seed : {31, 32, 33}) {
            std::mt19937_64 rng(seed);
            Model model;
            model.labels = {{"A", attrs}, {"B", attrs}, {"C", attrs}};
            for (uint32_t i = 0; i < 120; ++i) {
                // Labels in runs, so some labels finish early and free their reservation.
                uint32_t label = i < 40 ? 0 : i < 80 ? static_cast<uint32_t>(1 + rng() % 2) : 2;
                size_t lengths[] = {0, 2, 260, 66000};
                model.vertices.push_back(vertex("k" + std::to_string(i), label, lengths[rng() % 3], lengths[rng() % 4]));
            }
            for (uint32_t cap : {1u, 3u, 4u, 5u, 6u, 8u, 64u}) {
                INFO("seed " << seed << " max_node_types " << cap);
                TempDir dir;
                WriterOptions options;
                options.max_node_types = cap;
                write_model(model, options, dir / "g.mmg");
                auto file = File::open(dir / "g.mmg");
                check_node_types(model, *file, cap);
                check_against_model(model, dir / "g.mmg");
            }
        }
    }
}

TEST_CASE("roundtrip: multi-edges, self-loops and isolated vertices", "[roundtrip]") {
    TempDir dir;
    Writer w;
    auto label = w.add_label("V");
    auto knows = w.add_edge_type("KNOWS");
    auto rated = w.add_edge_type("RATED", {{"weight", TypeCode::int32}});
    for (const char* k : {"a", "b", "c", "iso"}) w.add_vertex(k, label);
    w.add_edge("a", "b", knows);
    w.add_edge("a", "a", knows);  // self-loop
    w.add_edge("a", "b", rated, {1});
    w.add_edge("a", "b", knows);  // multi-edge
    w.add_edge("a", "b", rated, {2});
    w.add_edge("b", "c", rated, {3});
    w.add_edge("c", "a", knows);
    w.add_edge("a", "b", rated, {4});
    w.finish(dir / "m.mmg");

    auto file = File::open(dir / "m.mmg");
    file->verify();
    CHECK(file->edge_count() == 8);
    CHECK(file->edge_types()[knows].count == 4);
    CHECK(file->edge_types()[rated].count == 4);
    Vertex a = *file->find("a"), b = *file->find("b"), c = *file->find("c"), iso = *file->find("iso");

    auto weights = [&](const EdgeRange& range) {
        std::vector<int64_t> out;
        for (const Edge& e : range) out.push_back(file->property(e, 0).as_int());
        return out;
    };
    using S = std::vector<std::string>;
    // Out-records: blocks by type, entries by target index then insertion order (§7 "Order").
    CHECK(a.degree(Direction::out) == 6);
    CHECK(a.degree(Direction::out, knows) == 3);
    CHECK(a.degree(Direction::out, rated) == 3);
    CHECK(keys_of(*file, a.edges(Direction::out)) == S{"a", "b", "b", "b", "b", "b"});
    CHECK(keys_of(*file, a.edges(Direction::out, knows)) == S{"a", "b", "b"});
    CHECK(weights(a.edges(Direction::out, rated)) == std::vector<int64_t>{1, 2, 4});
    // The self-loop appears once in a's out-record and once in its in-record.
    CHECK(a.degree(Direction::in) == 2);
    CHECK(keys_of(*file, a.edges(Direction::in)) == S{"a", "c"});
    CHECK(a.degree(Direction::in, rated) == 0);

    CHECK(b.degree(Direction::out) == 1);
    CHECK(weights(b.edges(Direction::out)) == std::vector<int64_t>{3});
    CHECK(b.degree(Direction::in) == 5);
    CHECK(b.degree(Direction::in, knows) == 2);
    CHECK(keys_of(*file, b.edges(Direction::in)) == S{"a", "a", "a", "a", "a"});
    // In-edge ordinals name the same property rows as the out-edges.
    CHECK(weights(b.edges(Direction::in, rated)) == std::vector<int64_t>{1, 2, 4});

    CHECK(keys_of(*file, c.edges(Direction::out)) == S{"a"});
    CHECK(keys_of(*file, c.edges(Direction::in)) == S{"b"});

    // Isolated: no adjacency records at all (slot 0, §5.1).
    for (Direction dir : {Direction::out, Direction::in}) {
        CHECK(iso.degree(dir) == 0);
        CHECK(iso.degree(dir, knows) == 0);
        CHECK(iso.edges(dir).empty());
        CHECK(iso.edges(dir).begin() == iso.edges(dir).end());
    }
    CHECK(iso.slots().out == 0);
    CHECK(iso.slots().in == 0);
    CHECK(iso.slots().node != 0);

    // Degrees sum to the edge count in each direction.
    uint64_t out_sum = 0, in_sum = 0;
    for (Vertex v : file->vertices()) out_sum += v.degree(Direction::out), in_sum += v.degree(Direction::in);
    CHECK(out_sum == 8);
    CHECK(in_sum == 8);
}

TEST_CASE("roundtrip: the empty graph opens and verifies", "[roundtrip]") {
    for (uint16_t shards : {1, 2}) {
        for (bool declared : {false, true}) {
            INFO(shards << " shard(s), labels declared: " << declared);
            TempDir dir;
            WriterOptions options;
            options.shard_count = shards;
            Writer w(options);
            if (declared) {
                w.add_label("Person", {{"name", TypeCode::string}, {"age", TypeCode::int32, true}});
                w.add_label("City");
                w.add_edge_type("KNOWS", {{"since", TypeCode::int64}});
                w.add_edge_type("IN");
            }
            WriteStats stats = w.finish(dir / "e.mmg");
            CHECK(stats.vertices == 0);
            CHECK(stats.edges == 0);
            REQUIRE(stats.files.size() == shards);

            Dataset d = Dataset::open(dir / "e.mmg");
            d.verify();
            CHECK(d.shard_count() == shards);
            CHECK(d.vertex_count() == 0);
            CHECK(d.edge_count() == 0);
            CHECK_FALSE(d.find("anything").has_value());
            for (uint16_t s = 0; s < shards; ++s) {
                const File& f = d.shard(s);
                CHECK(f.vertex_count() == 0);
                CHECK(f.edge_count() == 0);
                CHECK(f.vertices().size() == 0);
                CHECK(f.vertices().begin() == f.vertices().end());
                CHECK(f.node_types().empty());
                CHECK_FALSE(f.find("").has_value());
                CHECK_THROWS_AS(f.vertex(0), Error);
                CHECK(f.labels().size() == (declared ? 2u : 0u));
                CHECK(f.edge_types().size() == (declared ? 2u : 0u));
                for (const auto& l : f.labels()) CHECK(l.count == 0);
                for (const auto& t : f.edge_types()) CHECK(t.count == 0);
                if (declared) CHECK(f.find_label("City").value() == 1);
            }
        }
    }
}

// Vertices and no edges: every adjacency window of the encoder is empty (it then holds no entry
// array at all), in one shard and in two.
TEST_CASE("roundtrip: vertices without any edge", "[roundtrip]") {
    for (uint16_t shards : {1, 2}) {
        INFO(shards << " shard(s)");
        TempDir dir;
        RandomGraphOptions o;
        o.seed = 43;
        o.vertices = 300;
        o.edges = 0;
        Model model = random_model(o);
        WriterOptions options;
        options.shard_count = shards;
        WriteStats stats = write_model(model, options, dir / "v.mmg");
        CHECK(stats.vertices == 300);
        CHECK(stats.edges == 0);
        check_against_model(model, dir / "v.mmg");
        Dataset d = Dataset::open(dir / "v.mmg");
        d.verify();
        for (uint16_t s = 0; s < d.shard_count(); ++s)
            for (Vertex v : d.shard(s).vertices()) {
                CHECK(v.degree(Direction::out) == 0);
                CHECK(v.degree(Direction::in) == 0);
            }
    }
}

TEST_CASE("roundtrip: store_in_edges=false omits in-edges, out-edges still work", "[roundtrip]") {
    for (uint16_t shards : {1, 2}) {
        INFO(shards << " shard(s)");
        TempDir dir;
        RandomGraphOptions o;
        o.seed = 41;
        Model model = random_model(o);
        WriterOptions options;
        options.store_in_edges = false;
        options.shard_count = shards;
        write_model(model, options, dir / "g.mmg");
        Dataset d = Dataset::open(dir / "g.mmg");
        d.verify();
        for (uint16_t s = 0; s < shards; ++s) {
            const File& f = d.shard(s);
            CHECK_FALSE(f.has_in_edges());
            for (const auto& section : f.sections()) CHECK(section.kind != static_cast<uint16_t>(format::SectionKind::in_edges));
            uint64_t out_total = 0;
            for (Vertex v : f.vertices()) {
                CHECK_THROWS_AS(v.edges(Direction::in), Error);
                CHECK_THROWS_AS(v.degree(Direction::in), Error);
                CHECK_THROWS_AS(v.degree(Direction::in, 0), Error);
                CHECK(v.slots().in == 0);
                out_total += v.degree(Direction::out);
            }
            CHECK(out_total == f.edge_count());
        }
        check_against_model(model, dir / "g.mmg");  // compares out-edges and properties
    }
}

TEST_CASE("roundtrip: lookups of missing keys return nullopt", "[roundtrip]") {
    SECTION("string keys") {
        TempDir dir;
        RandomGraphOptions o;
        o.seed = 51;
        o.vertices = 500;
        Model model = random_model(o);
        write_model(model, {}, dir / "g.mmg");
        auto file = File::open(dir / "g.mmg");
        for (const auto& v : model.vertices) REQUIRE(file->find(std::string_view(v.key)).has_value());
        for (std::string_view missing : {"v500", "v", "", "v1 ", "V1", "v01", "v-1", "vertex"})
            CHECK_FALSE(file->find(missing).has_value());
        for (int i = 500; i < 3000; ++i) CHECK_FALSE(file->find("v" + std::to_string(i)).has_value());
        CHECK_FALSE(file->find(int64_t{1}).has_value());  // wrong key type
    }
    SECTION("int64 keys, three shards") {
        TempDir dir;
        RandomGraphOptions o;
        o.seed = 52;
        o.vertices = 500;
        o.int_keys = true;
        Model model = random_model(o);
        WriterOptions options;
        options.shard_count = 3;
        write_model(model, options, dir / "g.mmg");
        Dataset d = Dataset::open(dir / "g.mmg");
        for (const auto& v : model.vertices) REQUIRE(d.find(static_cast<int64_t>(std::stoll(v.key))).has_value());
        // Keys are v * 7919 - 50000: anything not on that lattice is missing.
        for (int64_t k = -60000; k < 60000; k += 37)
            if ((k + 50000) % 7919 != 0) CHECK_FALSE(d.find(k).has_value());
        CHECK_FALSE(d.find(INT64_MIN).has_value());
        CHECK_FALSE(d.find(INT64_MAX).has_value());
        CHECK_FALSE(d.find(int64_t{500} * 7919 - 50000).has_value());
        CHECK_FALSE(d.find("-50000").has_value());  // the text of a present key, wrong type
        for (uint16_t s = 0; s < 3; ++s) CHECK_FALSE(d.shard(s).find(int64_t{1}).has_value());
    }
}

TEST_CASE("roundtrip: string keys of every length up to 40 bytes, short ones inline in the writer", "[roundtrip]") {
    // The writer keeps keys under 16 bytes in a per-vertex cell and longer ones apart; keys that
    // share a prefix or differ only in length must stay distinct on both sides of that line.
    TempDir dir;
    std::vector<std::string> keys;
    for (size_t length = 0; length <= 40; ++length) {
        keys.push_back(std::string(length, 'k'));
        if (length > 0) keys.push_back(std::string(length - 1, 'k') + "\x01");
    }
    {
        Writer w;
        LabelId label = w.add_label("K");
        EdgeTypeId type = w.add_edge_type("next");
        for (const auto& k : keys) w.add_vertex(std::string_view(k), label);
        for (size_t i = 0; i + 1 < keys.size(); ++i) w.add_edge(std::string_view(keys[i]), std::string_view(keys[i + 1]), type);
        CHECK_THROWS_AS(w.add_vertex(std::string_view(keys[17]), label), Error);  // duplicates are still found
        w.finish(dir / "g.mmg");
    }
    auto file = File::open(dir / "g.mmg");
    file->verify();
    for (size_t i = 0; i < keys.size(); ++i) {
        INFO("key of " << keys[i].size() << " bytes, index " << i);
        auto v = file->find(std::string_view(keys[i]));
        REQUIRE(v.has_value());
        CHECK(v->key_string() == keys[i]);
        CHECK(v->degree(Direction::out) == (i + 1 < keys.size() ? 1u : 0u));
    }
    CHECK_FALSE(file->find(std::string(41, 'k')).has_value());
}

TEST_CASE("roundtrip: edges and degrees per edge type match the model", "[roundtrip]") {
    for (uint16_t shards : {1, 3}) {
        INFO(shards << " shard(s)");
        TempDir dir;
        RandomGraphOptions o;
        o.seed = 61;
        o.vertices = 120;
        o.edges = 800;
        o.edge_types = 4;  // types 0 and 2 have properties
        Model model = random_model(o);
        WriterOptions options;
        options.shard_count = shards;
        write_model(model, options, dir / "g.mmg");
        Dataset d = Dataset::open(dir / "g.mmg");
        d.verify();
        // expected[dir][vertex][type] = sorted "other key|weight" strings
        std::map<std::tuple<int, uint32_t, uint32_t>, std::vector<std::string>> expected;
        for (const auto& e : model.edges) {
            std::string w = e.props.empty() ? "" : "|" + e.props[0].text();
            expected[{0, e.src, e.type}].push_back(model.vertices[e.dst].key + w);
            expected[{1, e.dst, e.type}].push_back(model.vertices[e.src].key + w);
        }
        for (uint32_t i = 0; i < model.vertices.size(); ++i) {
            Vertex v = *d.find(std::string_view(model.vertices[i].key));
            for (Direction dir : {Direction::out, Direction::in}) {
                uint64_t sum = 0;
                for (uint32_t t = 0; t < 4; ++t) {
                    INFO("vertex " << model.vertices[i].key << " type " << t << (dir == Direction::out ? " out" : " in"));
                    std::vector<std::string> actual;
                    EdgeRange range = v.edges(dir, t);
                    for (const Edge& e : range) {
                        CHECK(e.type == t);
                        CHECK(e.direction == dir);
                        std::string s = d.vertex(e.target).key_string();
                        if (!d.shard(0).edge_types()[t].attributes.empty()) s += "|" + canonical(d.property(e, v, 0), {});
                        actual.push_back(s);
                    }
                    auto want = expected[{dir == Direction::out ? 0 : 1, i, t}];
                    std::sort(actual.begin(), actual.end());
                    std::sort(want.begin(), want.end());
                    CHECK(actual == want);
                    CHECK(range.size() == want.size());
                    CHECK(v.degree(dir, t) == want.size());
                    sum += v.degree(dir, t);
                }
                CHECK(sum == v.degree(dir));
            }
        }
    }
}

TEST_CASE("roundtrip: vertex_ref values may name vertices added later", "[roundtrip]") {
    for (uint16_t shards : {1, 3}) {
        INFO(shards << " shard(s)");
        TempDir dir;
        WriterOptions options;
        options.shard_count = shards;
        Writer w(options);
        auto node = w.add_label("Node", {{"ref", TypeCode::vertex_ref, true}, {"refs", Type::list_of(TypeCode::vertex_ref), true}});
        auto link = w.add_edge_type("LINK", {{"via", TypeCode::vertex_ref}});
        std::vector<Key> later = {std::string_view("z"), std::string_view("a"), std::string_view("m")};
        w.add_vertex("a", node, {Value::ref(std::string_view("z")), Value::ref_list(later)});  // z, m: not yet added
        w.add_vertex("m", node, {Value::ref(std::string_view("a"))});
        for (int i = 0; i < 20; ++i) w.add_vertex("filler" + std::to_string(i), node, {Value::ref(std::string_view("z"))});
        w.add_vertex("z", node, {Value::ref(std::string_view("z"))});  // self-reference
        w.add_edge("a", "m", link, {Value::ref(std::string_view("z"))});
        w.finish(dir / "r.mmg");

        Dataset d = Dataset::open(dir / "r.mmg");
        d.verify();
        Vertex a = *d.find("a"), m = *d.find("m"), z = *d.find("z");
        VertexRef to_z = a.get("ref").as_ref();
        CHECK(to_z == z.ref());
        CHECK(d.vertex(to_z).key_string() == "z");
        ValueRef refs = a.get("refs");
        REQUIRE(refs.list_size() == 3);
        CHECK(refs.element(0).as_ref() == z.ref());
        CHECK(refs.element(1).as_ref() == a.ref());
        CHECK(refs.element(2).as_ref() == m.ref());
        CHECK(m.get("ref").as_ref() == a.ref());
        CHECK(m.get("refs").is_null());
        CHECK(z.get("ref").as_ref() == z.ref());
        for (int i = 0; i < 20; ++i) CHECK(d.find("filler" + std::to_string(i))->get("ref").as_ref() == z.ref());
        for (const Edge& e : a.edges(Direction::out)) CHECK(d.property(e, a, 0).as_ref() == z.ref());
        for (const Edge& e : m.edges(Direction::in)) CHECK(d.vertex(d.property(e, m, 0).as_ref()).key_string() == "z");
    }
}

TEST_CASE("roundtrip: edge types and properties that first appear after plain edges", "[roundtrip]") {
    // The writer keeps no per-edge type or property column until an edge needs one; the edges
    // before it must read back as type 0 without properties.
    TempDir dir;
    Writer w;
    LabelId label = w.add_label("V");
    EdgeTypeId plain = w.add_edge_type("PLAIN");
    EdgeTypeId later = w.add_edge_type("LATER", {{"n", TypeCode::int32}});
    for (const char* k : {"a", "b", "c"}) w.add_vertex(k, label);
    w.add_edge("a", "b", plain);
    w.add_edge("a", "c", plain);
    w.add_edge("a", "b", later, {Value(int32_t(7))});
    w.add_edge("b", "c", plain);
    w.add_edge("c", "a", later, {Value(int32_t(9))});
    w.finish(dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    file->verify();
    std::vector<std::string> seen;
    for (Vertex v : file->vertices())
        for (const Edge& e : v.edges(Direction::out)) {
            std::string text = v.key_string() + ">" + file->vertex(e.target.index).key_string() + ":" + std::string(file->edge_types()[e.type].name);
            if (e.type == later) text += "=" + std::to_string(file->property(e, 0).as_int());
            seen.push_back(text);
        }
    std::sort(seen.begin(), seen.end());
    CHECK(seen == std::vector<std::string>{"a>b:LATER=7", "a>b:PLAIN", "a>c:PLAIN", "b>c:PLAIN", "c>a:LATER=9"});
}

TEST_CASE("roundtrip: graphs of several staging chunks read back, with types, properties, shards and in-edges", "[roundtrip][spill]") {
    // More edges than two of the writer's staging chunks (2^18 edges each), so that adjacency
    // lists gather entries from several chunks and several windows of the temporary file.
    TempDir dir;
    RandomGraphOptions o;
    o.seed = 21;
    o.vertices = 3000;
    o.edges = 600'000;
    o.long_string_rate = 0.0005;
    Model model = random_model(o);
    for (uint16_t shards : {1, 3}) {
        WriterOptions w;
        w.shard_count = shards;
        w.temp_directory = dir.path;  // the staged edges' file is unnamed: nothing appears there
        write_model(model, w, dir / "g.mmg");
        Dataset::open(dir / "g.mmg").verify();
        check_against_model(model, dir / "g.mmg");
        for (const auto& entry : std::filesystem::directory_iterator(dir.path)) CHECK(entry.path().extension() == ".mmg");
    }
}

TEST_CASE("roundtrip: plain edges over several chunks, then typed edges with properties", "[roundtrip][spill]") {
    // Chunks of type-0 edges without properties are staged without ids or types; the next chunk
    // mixes in a second type with a property (16-byte entries), and the chunks after it hold only
    // that type (8-byte entries that keep the type once per chunk and ids relative to it). Every
    // list must come back in stored order.
    TempDir dir;
    WriterOptions options;
    options.key_type = KeyType::int64;
    Writer w(options);
    LabelId label = w.add_label("V");
    EdgeTypeId plain = w.add_edge_type("PLAIN");
    EdgeTypeId weighted = w.add_edge_type("WEIGHTED", {{"n", TypeCode::int32}});
    constexpr uint32_t kVertices = 4000, kEdges = 900'000, kPlainEdges = 400'000, kMixedEnd = 1u << 19;
    for (int64_t k = 0; k < kVertices; ++k) w.add_vertex(k * 7, label);
    std::mt19937_64 rng(5);
    // Per source key: (target key, type, property or -1), and per target key the reverse.
    std::map<int64_t, std::vector<std::tuple<int64_t, uint32_t, int64_t>>> out, in;
    for (uint32_t i = 0; i < kEdges; ++i) {
        // Skewed: a few vertices hold long lists that span windows.
        const uint64_t r = rng();
        const int64_t from = static_cast<int64_t>((r % 8 == 0 ? r % 5 : r % kVertices) * 7);
        const int64_t to = static_cast<int64_t>((rng() % kVertices) * 7);
        if (i < kPlainEdges || (i < kMixedEnd && i % 3 != 0)) {
            w.add_edge(from, to, plain);
            out[from].emplace_back(to, plain, -1);
            in[to].emplace_back(from, plain, -1);
        } else {
            w.add_edge(from, to, weighted, {Value(int32_t(i))});
            out[from].emplace_back(to, weighted, i);
            in[to].emplace_back(from, weighted, i);
        }
    }
    w.finish(dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    file->verify();
    REQUIRE(file->edge_count() == kEdges);
    auto read = [&](Vertex v, Direction dir) {
        std::vector<std::tuple<int64_t, uint32_t, int64_t>> list;
        std::tuple<uint32_t, uint32_t> previous{0, 0};
        bool first = true;
        for (const Edge& e : v.edges(dir)) {
            const std::tuple<uint32_t, uint32_t> order{e.type, e.target.index};
            CHECK((first || previous <= order));  // stored order: type, then index (one shard)
            previous = order;
            first = false;
            const int64_t property = e.type == weighted ? file->property(e, 0).as_int() : -1;
            list.emplace_back(std::get<int64_t>(file->vertex(e.target.index).key()), e.type, property);
        }
        std::sort(list.begin(), list.end());
        return list;
    };
    uint64_t checked = 0;
    for (Vertex v : file->vertices()) {
        const int64_t key = std::get<int64_t>(v.key());
        auto expected_out = out[key], expected_in = in[key];
        std::sort(expected_out.begin(), expected_out.end());
        std::sort(expected_in.begin(), expected_in.end());
        CHECK(read(v, Direction::out) == expected_out);
        CHECK(read(v, Direction::in) == expected_in);
        checked += expected_out.size();
    }
    CHECK(checked == kEdges);
}

TEST_CASE("roundtrip: only plain edges under a schema of several edge types, over several chunks", "[roundtrip][spill]") {
    // Every staged chunk plain: the encoder keeps each list as its other endpoints alone, and a
    // schema of two types still gives every record a directory of its one block.
    TempDir dir;
    WriterOptions options;
    options.key_type = KeyType::int64;
    Writer w(options);
    LabelId label = w.add_label("V");
    EdgeTypeId plain = w.add_edge_type("PLAIN");
    w.add_edge_type("UNUSED", {{"n", TypeCode::int32}});
    constexpr uint32_t kVertices = 3000, kEdges = 600'000;
    for (int64_t k = 0; k < kVertices; ++k) w.add_vertex(k, label);
    std::mt19937_64 rng(11);
    std::vector<std::vector<int64_t>> out(kVertices), in(kVertices);
    for (uint32_t i = 0; i < kEdges; ++i) {
        const uint64_t r = rng();
        const int64_t from = static_cast<int64_t>(r % 8 == 0 ? r % 3 : r % kVertices), to = static_cast<int64_t>(rng() % kVertices);
        w.add_edge(from, to, plain);
        out[static_cast<size_t>(from)].push_back(to);
        in[static_cast<size_t>(to)].push_back(from);
    }
    w.finish(dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    file->verify();
    REQUIRE(file->edge_count() == kEdges);
    auto read = [&](Vertex v, Direction direction) {
        std::vector<int64_t> list;
        for (const Edge& e : v.edges(direction)) {
            CHECK(e.type == plain);
            list.push_back(std::get<int64_t>(file->vertex(e.target.index).key()));
        }
        return list;
    };
    for (Vertex v : file->vertices()) {
        const auto key = static_cast<size_t>(std::get<int64_t>(v.key()));
        for (auto [direction, expected] : {std::pair{Direction::out, out[key]}, std::pair{Direction::in, in[key]}}) {
            const std::vector<int64_t> got = read(v, direction);
            std::vector<uint32_t> indices;
            for (const Edge& e : v.edges(direction)) indices.push_back(e.target.index);
            CHECK(std::is_sorted(indices.begin(), indices.end()));  // stored order (one shard, one type)
            std::sort(expected.begin(), expected.end());
            std::vector<int64_t> sorted_got = got;
            std::sort(sorted_got.begin(), sorted_got.end());
            CHECK(sorted_got == expected);
        }
    }
}

TEST_CASE("roundtrip: edges with properties, then edges without", "[roundtrip]") {
    // While every edge has properties the writer keeps no per-edge item column; the first
    // edge without them must not shift the items of the edges before or after it.
    TempDir dir;
    Writer w;
    LabelId label = w.add_label("V");
    EdgeTypeId weighted = w.add_edge_type("W", {{"n", TypeCode::int32}});
    EdgeTypeId plain = w.add_edge_type("P");
    for (const char* k : {"a", "b", "c"}) w.add_vertex(k, label);
    w.add_edge("a", "b", weighted, {Value(int32_t(1))});
    w.add_edge("b", "c", weighted, {Value(int32_t(2))});
    w.add_edge("a", "c", plain);
    w.add_edge("c", "a", weighted, {Value(int32_t(3))});
    w.finish(dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    file->verify();
    std::vector<std::string> seen;
    for (Vertex v : file->vertices())
        for (const Edge& e : v.edges(Direction::in)) {
            std::string text = file->vertex(e.target.index).key_string() + ">" + v.key_string();
            if (e.type == weighted) text += "=" + std::to_string(file->property(e, 0).as_int());
            seen.push_back(text);
        }
    std::sort(seen.begin(), seen.end());
    CHECK(seen == std::vector<std::string>{"a>b=1", "a>c", "b>c=2", "c>a=3"});
}

TEST_CASE("roundtrip: fixed-size edge properties, nullable and not, read back row by row", "[roundtrip]") {
    // An edge type whose properties are all fixed-size scalars takes the encoder's direct row
    // copy; nulls of nullable properties set their bit, the others read back as written. With one
    // edge type and one shard the rows are written from the out-adjacency windows: 400,000 edges
    // span several windows and staging chunks, and in-lists must name the same rows.
    for (const int edges : {5000, 400000}) {
        INFO(edges << " edges");
        TempDir dir;
        WriterOptions options;
        options.key_type = KeyType::int64;
        Writer w(options);
        LabelId label = w.add_label("V");
        EdgeTypeId t = w.add_edge_type("T", {{"flag", TypeCode::boolean, true},
                                             {"small", TypeCode::int8},
                                             {"x", TypeCode::float64, true},
                                             {"big", TypeCode::uint64}});
        const int vertices = edges / 100;
        for (int64_t k = 0; k < vertices; ++k) w.add_vertex(k, label);
        std::mt19937_64 rng(11);
        std::map<std::tuple<int64_t, int64_t, int64_t>, std::string> expected;  // (from, to, big) -> values
        for (int i = 0; i < edges; ++i) {
            const int64_t from = static_cast<int64_t>(rng() % vertices), to = static_cast<int64_t>(rng() % vertices);
            const bool flag_null = i % 3 == 0, x_null = i % 5 == 0;
            const Value flag = flag_null ? Value::null() : Value(i % 2 == 0);
            const Value x = x_null ? Value::null() : Value(i * 0.5);
            w.add_edge(from, to, t, {flag, Value(int8_t(i % 100 - 50)), x, Value(uint64_t(i) << 33)});
            expected[{from, to, int64_t(i)}] = (flag_null ? std::string("null") : std::to_string(i % 2 == 0)) + "," +
                                               std::to_string(i % 100 - 50) + "," + (x_null ? std::string("null") : std::to_string(i * 0.5));
        }
        w.finish(dir / "g.mmg");
        auto file = File::open(dir / "g.mmg");
        file->verify();
        auto text = [&](const Edge& e) {
            const ValueRef flag = file->property(e, 0), x = file->property(e, 2);
            return (flag.is_null() ? std::string("null") : std::to_string(flag.as_bool())) + "," + std::to_string(file->property(e, 1).as_int()) +
                   "," + (x.is_null() ? std::string("null") : std::to_string(x.as_double()));
        };
        auto big = [&](const Edge& e) { return static_cast<int64_t>(file->property(e, 3).as_uint() >> 33); };
        std::map<std::tuple<int64_t, int64_t, int64_t>, std::string> out, in;
        for (Vertex v : file->vertices()) {
            const int64_t key = std::get<int64_t>(v.key());
            for (const Edge& e : v.edges(Direction::out)) out[{key, std::get<int64_t>(file->vertex(e.target.index).key()), big(e)}] = text(e);
            for (const Edge& e : v.edges(Direction::in)) in[{std::get<int64_t>(file->vertex(e.target.index).key()), key, big(e)}] = text(e);
        }
        CHECK(out == expected);
        CHECK(in == expected);
    }
}
