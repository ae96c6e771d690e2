// ShardWriter (spec §10.1): each shard written alone from resolved references, following the
// protocol's phases as a distributed build would, is byte-identical to the shard Writer writes
// with shard_count = K; bad input is an error that names it and leaves no file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <random>
#include <unordered_map>

#include "mmgraph/format/hash.hpp"
#include "mmgraph/shard_writer.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;

namespace {

Key key_of(const Model& m, const ModelVertex& v) {
    if (m.key_type == KeyType::int64) return static_cast<int64_t>(std::strtoll(v.key.c_str(), nullptr, 10));
    return std::string_view(v.key);
}

// Phases 1 and 2 (§10.1): every vertex's place, from its key's hash and the input order.
struct Placement {
    std::vector<VertexRef> place;           // per model vertex
    std::vector<std::vector<uint32_t>> members;  // per shard: model vertices in local order
    std::vector<uint32_t> sizes;
    std::unordered_map<std::string, VertexRef> of_key;  // phase 2 for vertex_ref values
};

Placement place(const Model& m, uint16_t K) {
    Placement p;
    p.members.resize(K);
    for (uint32_t v = 0; v < m.vertices.size(); ++v) {
        const Key key = key_of(m, m.vertices[v]);
        const uint64_t hash = m.key_type == KeyType::int64 ? format::key_hash(std::get<int64_t>(key)) : format::key_hash(std::get<std::string_view>(key));
        const auto s = static_cast<uint16_t>(hash % K);
        p.place.push_back({s, static_cast<uint32_t>(p.members[s].size())});
        p.of_key[m.vertices[v].key] = p.place.back();
        p.members[s].push_back(v);
    }
    for (const auto& members : p.members) p.sizes.push_back(static_cast<uint32_t>(members.size()));
    return p;
}

// One item's values as a ShardWriter takes them: vertex references resolved through the
// placement (phase 2). The Values view this object's storage until the next call.
class ResolvedValues {
public:
    ResolvedValues(const Model& m, const Placement& p) : m_(m), p_(p) {}
    std::span<const Value> operator()(const std::vector<ModelValue>& values) {
        values_.clear();
        places_.clear();
        for (const ModelValue& x : values) {
            if (x.null || x.type.element() != TypeCode::vertex_ref) {
                values_.push_back(x.to_value(m_.key_type));
            } else if (!x.type.is_list()) {
                values_.push_back(Value::ref(p_.of_key.at(x.s)));
            } else {
                auto& list = places_.emplace_back();
                for (const std::string& key : x.refs) list.push_back(p_.of_key.at(key));
                values_.push_back(Value::ref_list(list));
            }
        }
        return values_;
    }

private:
    const Model& m_;
    const Placement& p_;
    std::vector<Value> values_;
    std::deque<std::vector<VertexRef>> places_;  // a deque: a list's Value views its vector
};

// The model with vertex_ref and vertex_ref[] properties on every edge type that has properties,
// and some references of vertices and edges naming their own vertex or endpoint: references
// then cross shards, stay in one, name their own item, or are null (or empty lists).
Model with_reference_properties(Model m, uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (auto& [name, props] : m.edge_types) {
        (void)name;
        if (props.empty()) continue;
        props.push_back({"boss", TypeCode::vertex_ref, true});
        props.push_back({"via", Type::list_of(TypeCode::vertex_ref), false});
        props.push_back({"path", Type::list_of(TypeCode::vertex_ref), true});
    }
    auto any_key = [&] { return m.vertices[rng() % m.vertices.size()].key; };
    auto reference = [&](Type type, bool nullable, const std::string& own) {
        ModelValue x;
        x.type = type;
        x.null = nullable && rng() % 4 == 0;
        if (x.null) return x;
        if (!type.is_list()) x.s = rng() % 3 == 0 ? own : any_key();
        else
            for (size_t n = rng() % 4; n > 0; --n) x.refs.push_back(rng() % 3 == 0 ? own : any_key());
        return x;
    };
    for (ModelEdge& e : m.edges) {
        if (m.edge_types[e.type].second.empty()) continue;
        e.props.push_back(reference(TypeCode::vertex_ref, true, m.vertices[e.src].key));
        e.props.push_back(reference(Type::list_of(TypeCode::vertex_ref), false, m.vertices[e.dst].key));
        e.props.push_back(reference(Type::list_of(TypeCode::vertex_ref), true, m.vertices[e.src].key));
    }
    for (ModelVertex& v : m.vertices)
        for (ModelValue& x : v.values) {
            if (x.null || x.type.element() != TypeCode::vertex_ref || rng() % 4 != 0) continue;
            if (x.type.is_list()) x.refs.push_back(v.key);
            else x.s = v.key;
        }
    return m;
}

// Phase 3: the ordinal of every model edge, each source shard numbering its own out-edges.
std::vector<uint32_t> number_edges(const Model& m, const Placement& p) {
    std::vector<uint32_t> ordinal(m.edges.size());
    for (uint16_t s = 0; s < p.members.size(); ++s) {
        std::vector<uint32_t> ids, source, type;
        std::vector<VertexRef> target;
        for (uint32_t e = 0; e < m.edges.size(); ++e) {
            if (p.place[m.edges[e].src].shard != s) continue;
            ids.push_back(e);
            source.push_back(p.place[m.edges[e].src].index);
            target.push_back(p.place[m.edges[e].dst]);
            type.push_back(m.edges[e].type);
        }
        const std::vector<uint32_t> ranks = out_edge_ordinals(source, target, type);
        for (size_t i = 0; i < ids.size(); ++i) ordinal[ids[i]] = ranks[i];
    }
    return ordinal;
}

// Calls add(begin, end) for each run of consecutive items [begin, end) that same() joins.
template <typename Same, typename Add>
void in_runs(size_t count, Same&& same, Add&& add) {
    for (size_t begin = 0, end = 0; begin < count; begin = end) {
        for (end = begin + 1; end < count && same(begin, end);) ++end;
        add(begin, end);
    }
}

// Phase 5 through the batch calls: one call per run of vertices of one label, of out-edges or
// of in-edges of one type.
void add_batched(ShardWriter& w, const Model& m, const Placement& p, const std::vector<uint32_t>& ordinal, uint16_t s,
                 const std::vector<uint32_t>& out_edges, const std::vector<uint32_t>& in_edges) {
    ResolvedValues values(m, p);  // row r's values, read before the next row is asked for
    const auto& members = p.members[s];
    in_runs(members.size(), [&](size_t a, size_t b) { return m.vertices[members[a]].label == m.vertices[members[b]].label; },
            [&](size_t begin, size_t end) {
                std::vector<Key> keys;
                for (size_t i = begin; i < end; ++i) keys.push_back(key_of(m, m.vertices[members[i]]));
                w.add_vertices(keys, m.vertices[members[begin]].label, [&](size_t r) { return values(m.vertices[members[begin + r]].values); });
            });
    auto same_type = [&](const std::vector<uint32_t>& edges) {
        return [&](size_t a, size_t b) { return m.edges[edges[a]].type == m.edges[edges[b]].type; };
    };
    in_runs(out_edges.size(), same_type(out_edges), [&](size_t begin, size_t end) {
        std::vector<uint32_t> sources;
        std::vector<VertexRef> targets;
        for (size_t i = begin; i < end; ++i) {
            sources.push_back(p.place[m.edges[out_edges[i]].src].index);
            targets.push_back(p.place[m.edges[out_edges[i]].dst]);
        }
        w.add_out_edges(sources, targets, m.edges[out_edges[begin]].type, [&](size_t r) { return values(m.edges[out_edges[begin + r]].props); });
    });
    in_runs(in_edges.size(), same_type(in_edges), [&](size_t begin, size_t end) {
        std::vector<uint32_t> targets;
        std::vector<VertexRef> sources;
        std::vector<uint64_t> ordinals;
        for (size_t i = begin; i < end; ++i) {
            targets.push_back(p.place[m.edges[in_edges[i]].dst].index);
            sources.push_back(p.place[m.edges[in_edges[i]].src]);
            ordinals.push_back(ordinal[in_edges[i]]);
        }
        w.add_in_edges(targets, sources, m.edges[in_edges[begin]].type, ordinals);
    });
}

// Phases 4 and 5 for shard s: its vertices, its out-edges in input order, the in-edges from
// other shards shuffled (any order must do); one call per row, or `batched`.
ShardSummary write_shard(const Model& m, const Placement& p, const std::vector<uint32_t>& ordinal, WriterOptions options, uint16_t s,
                         const std::filesystem::path& file, bool batched) {
    options.key_type = m.key_type;
    ShardWriter w(options, s, p.sizes);
    for (const auto& [name, attrs] : m.labels) w.add_label(name, attrs);
    for (const auto& [name, props] : m.edge_types) w.add_edge_type(name, props);
    std::vector<uint32_t> out_edges, in_edges;
    for (uint32_t e = 0; e < m.edges.size(); ++e) {
        if (p.place[m.edges[e].src].shard == s) out_edges.push_back(e);
        else if (p.place[m.edges[e].dst].shard == s) in_edges.push_back(e);
    }
    std::shuffle(in_edges.begin(), in_edges.end(), std::mt19937_64(s + 17));
    if (batched) {
        add_batched(w, m, p, ordinal, s, out_edges, in_edges);
        return w.finish(file);
    }
    ResolvedValues values(m, p);
    for (uint32_t v : p.members[s]) w.add_vertex(key_of(m, m.vertices[v]), m.vertices[v].label, values(m.vertices[v].values));
    for (uint32_t e : out_edges) w.add_out_edge(p.place[m.edges[e].src].index, p.place[m.edges[e].dst], m.edges[e].type, values(m.edges[e].props));
    for (uint32_t e : in_edges) w.add_in_edge(p.place[m.edges[e].dst].index, p.place[m.edges[e].src], m.edges[e].type, ordinal[e]);
    return w.finish(file);
}

void check_byte_identical(const Model& m, uint16_t K, bool store_in_edges = true, bool batched = false) {
    TempDir dir;
    WriterOptions options;
    options.threads = 2;
    options.shard_count = K;
    options.store_in_edges = store_in_edges;
    write_model(m, options, dir / "whole.mmg");

    const Placement p = place(m, K);
    const std::vector<uint32_t> ordinal = number_edges(m, p);
    std::vector<ShardSummary> summaries;
    for (uint16_t s = 0; s < K; ++s) summaries.push_back(write_shard(m, p, ordinal, options, s, dir / ("part-" + std::to_string(s) + ".tmp"), batched));
    const auto id = dataset_id_of(summaries);
    for (const ShardSummary& summary : summaries) {
        INFO("shard " << summary.shard << " of " << K);
        seal_shard(summary.file, id);
        const auto expected = read_bytes(shard_path(dir / "whole.mmg", summary.shard, K));
        const auto got = read_bytes(summary.file);
        CHECK(summary.bytes == got.size());
        CHECK(summary.vertices == p.sizes[summary.shard]);
        REQUIRE(got.size() == expected.size());
        const auto diff = std::mismatch(got.begin(), got.end(), expected.begin());
        INFO("first difference at byte " << (diff.first - got.begin()));
        CHECK(diff.first == got.end());
    }
}

// A small shard writer of shard 0 of 2 with the given vertices' keys already placed.
struct SmallDataset {
    Model model;
    Placement placement;
    SmallDataset() {
        RandomGraphOptions o;
        o.seed = 5;
        o.vertices = 40;
        o.edges = 100;
        model = random_model(o);
        placement = place(model, 2);
    }
    std::unique_ptr<ShardWriter> writer(uint16_t s, WriterOptions options = {}) const {
        options.shard_count = 2;
        options.threads = 1;
        auto w = std::make_unique<ShardWriter>(options, s, placement.sizes);
        for (const auto& [name, attrs] : model.labels) w->add_label(name, attrs);
        for (const auto& [name, props] : model.edge_types) w->add_edge_type(name, props);
        return w;
    }
    void add_vertices(ShardWriter& w, uint16_t s) const {
        ResolvedValues values(model, placement);
        for (uint32_t v : placement.members[s]) w.add_vertex(key_of(model, model.vertices[v]), model.vertices[v].label, values(model.vertices[v].values));
    }
};

template <typename Fn>
Error error_of(Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error thrown");
    return Error(ErrorKind::misuse, "");
}

}  // namespace

TEST_CASE("each shard written alone is byte-identical to Writer's", "[shard_writer]") {
    for (const uint16_t K : {1, 3, 4})
        for (const uint64_t seed : {1, 2}) {
            RandomGraphOptions o;
            o.seed = seed;
            o.vertices = 300;
            o.edges = 1500;
            o.int_keys = seed == 2;
            INFO("K = " << K << ", seed " << seed);
            check_byte_identical(random_model(o), K);
        }
}

TEST_CASE("shards written by the batch calls are byte-identical to Writer's", "[shard_writer]") {
    for (const uint16_t K : {1, 3, 4})
        for (const uint64_t seed : {3, 4}) {
            RandomGraphOptions o;
            o.seed = seed;
            o.vertices = 300;
            o.edges = 1500;
            o.int_keys = seed == 4;
            INFO("K = " << K << ", seed " << seed);
            check_byte_identical(random_model(o), K, true, true);
        }
}

TEST_CASE("shard writer: one edge type, no properties, no in-edges stored", "[shard_writer]") {
    RandomGraphOptions o;
    o.seed = 9;
    o.vertices = 200;
    o.edges = 900;
    o.edge_types = 1;
    o.properties = false;
    const Model m = random_model(o);
    for (const uint16_t K : {1, 3, 4}) {
        INFO("K = " << K);
        check_byte_identical(m, K, false);
    }
}

TEST_CASE("shard writer: one edge type with fixed-size properties", "[shard_writer]") {
    RandomGraphOptions o;
    o.seed = 11;
    o.vertices = 150;
    o.edges = 700;
    o.edge_types = 1;
    Model m = random_model(o);
    // Only the int32 and float64 properties: the one-type, fixed-size case (rows written with
    // the out-lists when K = 1).
    auto& props = m.edge_types[0].second;
    props = {props[0], props[3]};
    for (auto& e : m.edges) e.props = {e.props[0], e.props[3]};
    for (const uint16_t K : {1, 3, 4}) {
        INFO("K = " << K);
        check_byte_identical(m, K);
    }
}

TEST_CASE("shard writer: resolved vertex references in attributes and properties give Writer's bytes", "[shard_writer]") {
    for (const uint16_t K : {1, 3, 4})
        for (const uint64_t seed : {21, 22}) {
            RandomGraphOptions o;
            o.seed = seed;
            o.vertices = 250;
            o.edges = 1200;
            o.int_keys = seed == 22;
            const Model m = with_reference_properties(random_model(o), seed);
            INFO("K = " << K << ", seed " << seed);
            check_byte_identical(m, K);
            check_byte_identical(m, K, true, true);
        }
}

TEST_CASE("shard writer: one edge type whose fixed-size properties hold a reference", "[shard_writer]") {
    RandomGraphOptions o;
    o.seed = 23;
    o.vertices = 150;
    o.edges = 700;
    o.edge_types = 1;
    Model m = with_reference_properties(random_model(o), 23);
    // weight (int32) and boss (vertex_ref): every row fixed-size, with a reference among them.
    auto& props = m.edge_types[0].second;
    props = {props[0], props[5]};
    REQUIRE(props[1].name == "boss");
    for (auto& e : m.edges) e.props = {e.props[0], e.props[5]};
    for (const uint16_t K : {1, 3, 4}) {
        INFO("K = " << K);
        check_byte_identical(m, K);
    }
}

TEST_CASE("shard writer: references past a shard, wrong counts and misplaced keys are errors", "[shard_writer]") {
    const SmallDataset d;
    const auto& sizes = d.placement.sizes;

    SECTION("shard sizes of another dataset") {
        WriterOptions options;
        options.shard_count = 3;
        const Error e = error_of([&] { ShardWriter(options, 0, sizes); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("2 shard sizes given for 3 shards"));
    }
    SECTION("a key of the other shard") {
        auto w = d.writer(0);
        const uint32_t v = d.placement.members[1][0];
        const Error e = error_of([&] { w->add_vertex(key_of(d.model, d.model.vertices[v]), 0); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("belongs to shard 1"));
    }
    SECTION("an out-edge to a local index past the target shard's size") {
        auto w = d.writer(0);
        d.add_vertices(*w, 0);
        const Error e = error_of([&] { w->add_out_edge(0, {1, sizes[1]}, 1); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("out-edge 0 (0:0 -> 1:" + std::to_string(sizes[1]) + ")"));
        CHECK_THAT(e.what(), Catch::Contains("past shard 1's " + std::to_string(sizes[1]) + " vertices"));
    }
    SECTION("an in-edge from a shard past the dataset's") {
        auto w = d.writer(0);
        d.add_vertices(*w, 0);
        const Error e = error_of([&] { w->add_in_edge(0, {2, 0}, 1); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("in-edge 0 (2:0 -> 0:0): shard 2 is past"));
    }
    SECTION("an in-edge between two vertices of the shard") {
        auto w = d.writer(0);
        d.add_vertices(*w, 0);
        CHECK(error_of([&] { w->add_in_edge(0, {0, 1}, 1); }).kind() == ErrorKind::bad_input);
    }
    SECTION("an edge before every vertex is in") {
        auto w = d.writer(0);
        const Error e = error_of([&] { w->add_out_edge(0, {0, 0}, 1); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("has " + std::to_string(sizes[0]) + " vertices but 0 were added"));
    }
    SECTION("a bad property value names the edge") {
        auto w = d.writer(0);
        d.add_vertices(*w, 0);
        const Error e = error_of([&] { w->add_out_edge(0, {1, 0}, 0, {Value("not an int")}); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("out-edge 0 (0:0 -> 1:0): attribute 'weight'"));
    }
    SECTION("summaries out of shard order") {
        std::vector<ShardSummary> summaries(2);
        summaries[0].shard = 1;
        summaries[0].shard_count = summaries[1].shard_count = 2;
        CHECK(error_of([&] { dataset_id_of(summaries); }).kind() == ErrorKind::bad_input);
    }
}

TEST_CASE("shard writer: vertex references past a shard or by key are errors", "[shard_writer]") {
    const SmallDataset d;
    const auto& sizes = d.placement.sizes;
    auto w = d.writer(0);
    const LabelId ref_label = w->add_label("Ref", {{"to", TypeCode::vertex_ref, true}, {"via", Type::list_of(TypeCode::vertex_ref), true}});
    const EdgeTypeId ref_type = w->add_edge_type("REF", {{"boss", TypeCode::vertex_ref, true}});
    const std::string& first_key = d.model.vertices[d.placement.members[0][0]].key;
    const Key first = key_of(d.model, d.model.vertices[d.placement.members[0][0]]);
    const Key second = key_of(d.model, d.model.vertices[d.placement.members[0][1]]);

    SECTION("a reference past its shard's size") {
        const Error e = error_of([&] { w->add_vertex(first, ref_label, {Value::ref(VertexRef{1, sizes[1]})}); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("vertex '" + first_key + "': attribute 'to' (vertex_ref): reference 1:" + std::to_string(sizes[1])));
        CHECK_THAT(e.what(), Catch::Contains("local index " + std::to_string(sizes[1]) + " is past shard 1's " + std::to_string(sizes[1]) + " vertices"));
        CHECK(w->vertex_count() == 0);
    }
    SECTION("a list item in a shard past the dataset's") {
        const std::vector<VertexRef> places{{0, 0}, {2, 0}};
        const Error e = error_of([&] { w->add_vertex(first, ref_label, {Value(), Value::ref_list(places)}); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("attribute 'via' (vertex_ref[]): item 1: reference 2:0: shard 2 is past the dataset's 2 shards"));
    }
    SECTION("a batch refuses the row and adds none") {
        const std::vector<Key> keys{first, second};
        const std::vector<VertexRef> fine{{1, 0}, {0, 1}};
        std::vector<Value> row;  // row 1's first reference is one past shard 0
        const Error e = error_of([&] {
            w->add_vertices(keys, ref_label, [&](size_t r) {
                row = {Value::ref(VertexRef{0, static_cast<uint32_t>(r == 0 ? 0 : sizes[0])}), Value::ref_list(fine)};
                return std::span<const Value>(row);
            });
        });
        CHECK(e.row() == std::optional<uint64_t>(1));
        CHECK_THAT(e.what(), Catch::StartsWith("row 1: ") && Catch::Contains("attribute 'to'") && Catch::Contains("past shard 0's"));
        CHECK(w->vertex_count() == 0);
    }
    SECTION("a reference by key") {
        const Error e = error_of([&] { w->add_vertex(first, ref_label, {Value::ref(second)}); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("attribute 'to'") && Catch::Contains("a vertex reference by key") &&
                                 Catch::Contains("Value::ref(VertexRef)"));
        const std::vector<Key> keys{second};
        CHECK_THAT(error_of([&] { w->add_vertex(first, ref_label, {Value(), Value::ref_list(keys)}); }).what(),
                   Catch::Contains("attribute 'via'") && Catch::Contains("by key"));
    }
    SECTION("an out-edge property past a shard's size") {
        d.add_vertices(*w, 0);
        const Error e = error_of([&] { w->add_out_edge(0, {1, 0}, ref_type, {Value::ref(VertexRef{0, sizes[0]})}); });
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK_THAT(e.what(), Catch::Contains("out-edge 0 (0:0 -> 1:0): attribute 'boss'") &&
                                 Catch::Contains("past shard 0's " + std::to_string(sizes[0]) + " vertices"));
        const std::vector<uint32_t> sources{0, 0};
        const std::vector<VertexRef> targets{{1, 0}, {1, 1}};
        Value boss;  // row 1's names shard 3 of 2
        const Error batch = error_of([&] {
            w->add_out_edges(sources, targets, ref_type, [&](size_t r) {
                boss = Value::ref(VertexRef{static_cast<uint16_t>(r == 0 ? 1 : 3), 0});
                return std::span<const Value>(&boss, 1);
            });
        });
        CHECK(batch.row() == std::optional<uint64_t>(1));
        CHECK_THAT(batch.what(), Catch::Contains("shard 3 is past the dataset's 2 shards"));
    }
}

TEST_CASE("Writer refuses resolved vertex references, ShardWriter refuses shards past 2^31 vertices", "[shard_writer]") {
    Writer w;
    const LabelId label = w.add_label("Ref", {{"to", TypeCode::vertex_ref, true}, {"via", Type::list_of(TypeCode::vertex_ref), true}});
    Error e = error_of([&] { w.add_vertex("a", label, {Value::ref(VertexRef{0, 0})}); });
    CHECK(e.kind() == ErrorKind::bad_input);
    CHECK_THAT(e.what(), Catch::Contains("attribute 'to'") && Catch::Contains("resolved to (shard, local index)") &&
                             Catch::Contains("Writer takes references by key"));
    const std::vector<VertexRef> places{{0, 0}};
    e = error_of([&] { w.add_vertex("a", label, {Value(), Value::ref_list(places)}); });
    CHECK_THAT(e.what(), Catch::Contains("attribute 'via'") && Catch::Contains("resolved"));
    CHECK(w.vertex_count() == 0);

    WriterOptions options;
    options.shard_count = 2;
    e = error_of([&] { ShardWriter(options, 0, {1, (1u << 31) + 1}); });
    CHECK(e.kind() == ErrorKind::limit);
    CHECK_THAT(e.what(), Catch::Contains("shard 1 has 2147483649 vertices"));
}

TEST_CASE("shard writer: a failed finish leaves no file", "[shard_writer]") {
    const SmallDataset d;
    TempDir dir;
    const auto file = dir / "part.tmp";

    SECTION("too few vertices") {
        auto w = d.writer(1);
        const auto bare = static_cast<LabelId>(d.model.labels.size() - 1);  // no attributes
        w->add_vertex(key_of(d.model, d.model.vertices[d.placement.members[1][0]]), bare);
        CHECK(error_of([&] { w->finish(file); }).kind() == ErrorKind::bad_input);
        CHECK(error_of([&] { w->finish(file); }).kind() == ErrorKind::misuse);
    }
    SECTION("a shard past the vertex limit, found while planning") {
        WriterOptions options;
        options.max_vertices_per_shard = 2;
        auto w = d.writer(0, options);
        d.add_vertices(*w, 0);
        w->add_out_edge(0, {1, 0}, 1);
        CHECK(error_of([&] { w->finish(file); }).kind() == ErrorKind::limit);
    }
    SECTION("a directory that does not exist") {
        auto w = d.writer(0);
        d.add_vertices(*w, 0);
        CHECK(error_of([&] { w->finish(dir / "missing" / "part.tmp"); }).kind() == ErrorKind::io);
    }
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()) == 0);
}

TEST_CASE("seal_shard refuses a file that is not mmgraph's", "[shard_writer]") {
    TempDir dir;
    write_bytes(dir / "junk", std::vector<uint8_t>(200, 7));
    CHECK(error_of([&] { seal_shard(dir / "junk", {}); }).kind() == ErrorKind::damaged);
    CHECK(error_of([&] { seal_shard(dir / "absent", {}); }).kind() == ErrorKind::io);
}

TEST_CASE("shard writer: a refused batch stages nothing", "[shard_writer]") {
    const SmallDataset d;
    const auto& sizes = d.placement.sizes;
    const auto& members = d.placement.members;
    const auto bare = static_cast<LabelId>(d.model.labels.size() - 1);  // no attributes
    uint32_t typed = 0;  // an edge of type 0, whose properties are valid
    while (d.model.edges[typed].type != 0) ++typed;
    ResolvedValues resolved(d.model, d.placement);
    const auto typed_props = resolved(d.model.edges[typed].props);
    const std::vector<Value> props(typed_props.begin(), typed_props.end());
    const Writer::RowValues good = [&](size_t) { return std::span<const Value>(props); };
    const std::vector<Value> bad_props{Value("not an int")};

    // Shard 0 with every vertex, two out-edges and an in-edge; `refused` adds failed batches first.
    auto write = [&](bool refused, const std::filesystem::path& file) {
        auto w = d.writer(0);
        if (refused) {
            const std::vector<Key> keys{key_of(d.model, d.model.vertices[members[0][0]]), key_of(d.model, d.model.vertices[members[1][0]])};
            const Error e = error_of([&] { w->add_vertices(keys, bare); });
            CHECK(e.row() == std::optional<uint64_t>(1));
            CHECK_THAT(e.what(), Catch::StartsWith("row 1: vertex 1") && Catch::Contains("belongs to shard 1"));
            CHECK(w->vertex_count() == 0);
        }
        d.add_vertices(*w, 0);
        if (refused) {
            const std::vector<uint32_t> sources{0, 1, 0};
            const std::vector<VertexRef> past{{1, 0}, {0, 1}, {1, sizes[1]}};
            Error e = error_of([&] { w->add_out_edges(sources, past, 0, good); });
            CHECK(e.row() == std::optional<uint64_t>(2));
            CHECK_THAT(e.what(), Catch::Contains("out-edge 2 (0:0 -> 1:" + std::to_string(sizes[1]) + ")"));
            const std::vector<VertexRef> fine{{1, 0}, {0, 1}, {1, 1}};
            e = error_of([&] { w->add_out_edges(sources, fine, 0, [&](size_t r) { return std::span<const Value>(r == 1 ? bad_props : props); }); });
            CHECK(e.row() == std::optional<uint64_t>(1));
            CHECK(e.kind() == ErrorKind::bad_input);
            const std::vector<uint32_t> targets{0, 1};
            const std::vector<VertexRef> from{{1, 0}, {0, 1}};
            e = error_of([&] { w->add_in_edges(targets, from, 1); });
            CHECK(e.row() == std::optional<uint64_t>(1));
            CHECK_THAT(e.what(), Catch::Contains("the source is in this shard"));
        }
        const std::vector<uint32_t> sources{0, 1};
        const std::vector<VertexRef> targets{{1, 2}, {0, 0}};
        w->add_out_edges(sources, targets, 0, good);
        const std::vector<uint32_t> in_targets{1};
        const std::vector<VertexRef> in_sources{{1, 3}};
        const std::vector<uint64_t> ordinals{0};
        w->add_in_edges(in_targets, in_sources, 0, ordinals);
        return w->finish(file);
    };
    TempDir dir;
    write(false, dir / "plain.tmp");
    write(true, dir / "refused.tmp");
    CHECK(read_bytes(dir / "plain.tmp") == read_bytes(dir / "refused.tmp"));
}

TEST_CASE("shard writer: datetime zones declared in input order give Writer's bytes (§10.1)", "[shard_writer][temporal]") {
    // Zones are numbered by first use over the whole input and listed in every shard (§4.1), so
    // a task that sees only its own shard's values learns them in phase 1.
    TempDir dir;
    const uint16_t K = 2;
    const std::vector<std::string> keys = {"a", "b", "c", "d", "e", "f", "g", "h"};
    const std::vector<std::string_view> zones = {"Asia/Tokyo", "Europe/Paris", "America/Lima", "UTC"};
    auto values = [&](size_t i) {
        return std::vector<Value>{Value::datetime(DateTime{static_cast<int64_t>(i) * 86400, 0, 0, 0}, zones[i % zones.size()])};
    };
    const std::vector<AttributeSpec> schema = {{"at", TypeCode::datetime}};
    WriterOptions options;
    options.shard_count = K;
    options.threads = 1;
    Writer whole(options);
    whole.add_label("E", schema);
    for (size_t i = 0; i < keys.size(); ++i) whole.add_vertex(std::string_view(keys[i]), 0, values(i));
    whole.finish(dir / "whole.mmg");

    std::vector<std::vector<size_t>> members(K);
    for (size_t i = 0; i < keys.size(); ++i) members[format::key_hash(std::string_view(keys[i])) % K].push_back(i);
    const std::vector<uint32_t> sizes = {static_cast<uint32_t>(members[0].size()), static_cast<uint32_t>(members[1].size())};
    std::vector<ShardSummary> summaries;
    for (uint16_t s = 0; s < K; ++s) {
        ShardWriter w(options, s, sizes);
        w.add_label("E", schema);
        w.declare_zone_names(zones);
        for (size_t i : members[s]) w.add_vertex(std::string_view(keys[i]), 0, values(i));
        CHECK_THROWS_WITH(w.declare_zone_names(zones), Catch::Matchers::Contains("after the first vertex"));
        summaries.push_back(w.finish(dir / ("part-" + std::to_string(s) + ".tmp")));
    }
    const auto id = dataset_id_of(summaries);
    for (const ShardSummary& summary : summaries) {
        seal_shard(summary.file, id);
        CHECK(read_bytes(summary.file) == read_bytes(shard_path(dir / "whole.mmg", summary.shard, K)));
    }
    ShardWriter bad(options, 0, sizes);
    const std::vector<std::string_view> odd = {"Not a zone"};
    CHECK_THROWS_WITH(bad.declare_zone_names(odd), Catch::Matchers::Contains("is not an IANA time zone name"));
}

namespace {

// A small graph of label sets (§6.6) and, with `spaces`, two ID spaces sharing their keys
// (§8.1): persons in "Person-ID", movies in "Movie-ID", both keyed "0", "1", ... Only vertex 1
// has two labels, so with K > 1 some shard has no label set and must learn of it in phase 1.
struct SpacedGraph {
    struct Vertex {
        IdSpace space;
        std::string key;
        std::vector<LabelId> labels;
        std::vector<Value> values;
    };
    struct Edge {
        uint32_t src, dst;  // vertex numbers
        EdgeTypeId type;
        std::vector<Value> props;
    };
    bool spaces;
    std::deque<std::string> texts;  // what the Values view
    std::vector<Vertex> vertices;
    std::vector<Edge> edges;
    const std::vector<AttributeSpec> person{{"name", TypeCode::string}}, actor{{"name", TypeCode::string}, {"born", TypeCode::int32, true}},
        movie{{"title", TypeCode::string}}, acted{{"role", TypeCode::string}};

    explicit SpacedGraph(bool with_spaces) : spaces(with_spaces) {
        const IdSpace person_space{uint16_t(spaces ? 1 : 0)}, movie_space{uint16_t(spaces ? 2 : 0)};
        const uint32_t n = 24;
        for (uint32_t i = 0; i < n; ++i) {
            const std::string& name = texts.emplace_back("p" + std::to_string(i));
            if (i == 1) vertices.push_back({person_space, std::to_string(i), {1, 0}, {Value(name), Value(1964)}});
            else vertices.push_back({person_space, std::to_string(i), {0}, {Value(name)}});
        }
        for (uint32_t i = 0; i < n; ++i)
            vertices.push_back({movie_space, spaces ? std::to_string(i) : "m" + std::to_string(i), {2}, {Value(texts.emplace_back("t" + std::to_string(i)))}});
        for (uint32_t i = 0; i < 3 * n; ++i) {
            edges.push_back({i % n, n + (i * 7) % n, 0, {Value(texts.emplace_back("r" + std::to_string(i)))}});
            edges.push_back({i % n, (i * 5 + 1) % n, 1, {}});
        }
    }
    void declare_schema(auto& w) const {
        w.add_label("Person", person);
        w.add_label("Actor", actor);
        w.add_label("Movie", movie);
        w.add_edge_type("ACTED_IN", acted);
        w.add_edge_type("KNOWS");
        if (spaces) {
            w.add_id_space("Person-ID");
            w.add_id_space("Movie-ID");
        }
    }
    Key key(uint32_t v) const { return std::string_view(vertices[v].key); }
    uint64_t hash(uint32_t v) const { return format::key_hash(std::string_view(vertices[v].key), vertices[v].space); }
};

// Phases 1 to 5 of §10.1 for SpacedGraph, one ShardWriter per shard (row by row or batched).
std::vector<ShardSummary> write_spaced_shards(const SpacedGraph& g, WriterOptions options, const std::filesystem::path& dir, bool batched) {
    const uint16_t K = options.shard_count;
    std::vector<VertexRef> place;
    std::vector<std::vector<uint32_t>> members(K);
    for (uint32_t v = 0; v < g.vertices.size(); ++v) {
        const auto s = static_cast<uint16_t>(g.hash(v) % K);
        place.push_back({s, static_cast<uint32_t>(members[s].size())});
        members[s].push_back(v);
    }
    std::vector<uint32_t> sizes;
    for (const auto& m : members) sizes.push_back(static_cast<uint32_t>(m.size()));
    std::vector<uint32_t> ordinal(g.edges.size());
    for (uint16_t s = 0; s < K; ++s) {
        std::vector<uint32_t> ids, source, type;
        std::vector<VertexRef> target;
        for (uint32_t e = 0; e < g.edges.size(); ++e)
            if (place[g.edges[e].src].shard == s) {
                ids.push_back(e);
                source.push_back(place[g.edges[e].src].index);
                target.push_back(place[g.edges[e].dst]);
                type.push_back(g.edges[e].type);
            }
        const auto ranks = out_edge_ordinals(source, target, type);
        for (size_t i = 0; i < ids.size(); ++i) ordinal[ids[i]] = ranks[i];
    }
    std::vector<ShardSummary> summaries;
    const std::array<LabelId, 2> person_actor{0, 1};
    for (uint16_t s = 0; s < K; ++s) {
        ShardWriter w(options, s, sizes);
        g.declare_schema(w);
        w.declare_label_set(person_actor);
        for (uint32_t v : members[s]) {
            const auto& x = g.vertices[v];
            if (!batched) {
                w.add_vertex(x.space, g.key(v), x.labels, x.values);
                continue;
            }
            const std::array<Key, 1> keys{g.key(v)};
            w.add_vertices(x.space, keys, x.labels, [&](size_t) { return std::span<const Value>(x.values); });
        }
        for (uint32_t e = 0; e < g.edges.size(); ++e) {
            const auto& x = g.edges[e];
            if (place[x.src].shard == s) w.add_out_edge(place[x.src].index, place[x.dst], x.type, x.props);
            else if (place[x.dst].shard == s) w.add_in_edge(place[x.dst].index, place[x.src], x.type, ordinal[e]);
        }
        summaries.push_back(w.finish(dir / ("part-" + std::to_string(s) + ".tmp")));
    }
    return summaries;
}

}  // namespace

TEST_CASE("shard writer: label sets and ID spaces sharing keys give Writer's bytes (§10.1)", "[shard_writer]") {
    for (const bool spaces : {false, true})
        for (const uint16_t K : {1, 2, 3})
            for (const bool batched : {false, true}) {
                INFO("ID spaces " << spaces << ", K = " << K << ", batched " << batched);
                const SpacedGraph g(spaces);
                TempDir dir;
                WriterOptions options;
                options.shard_count = K;
                options.threads = 1;
                Writer whole(options);
                g.declare_schema(whole);
                for (uint32_t v = 0; v < g.vertices.size(); ++v) whole.add_vertex(g.vertices[v].space, g.key(v), g.vertices[v].labels, g.vertices[v].values);
                for (const auto& e : g.edges)
                    whole.add_edge(g.vertices[e.src].space, g.key(e.src), g.vertices[e.dst].space, g.key(e.dst), e.type, e.props);
                whole.finish(dir / "whole.mmg");

                const auto summaries = write_spaced_shards(g, options, dir.path, batched);
                const auto id = dataset_id_of(summaries);
                for (const ShardSummary& summary : summaries) {
                    INFO("shard " << summary.shard);
                    seal_shard(summary.file, id);
                    CHECK(read_bytes(summary.file) == read_bytes(shard_path(dir / "whole.mmg", summary.shard, K)));
                }
            }
}

TEST_CASE("shard writer: an undeclared label set, a key of another space's shard and late declarations are errors", "[shard_writer]") {
    const SpacedGraph g(true);
    WriterOptions options;
    options.shard_count = 2;
    options.threads = 1;
    std::vector<uint32_t> sizes(2, 0);
    for (uint32_t v = 0; v < g.vertices.size(); ++v) ++sizes[g.hash(v) % 2];
    ShardWriter w(options, 0, sizes);
    g.declare_schema(w);
    const std::array<LabelId, 2> person_actor{0, 1};
    CHECK(w.label_set_attributes(person_actor).size() == 2);  // "name" once, then "born"
    CHECK_THROWS_WITH(w.add_vertex(IdSpace{1}, "x", person_actor), Catch::Matchers::Contains("label set 'Person;Actor' was not declared"));
    // A key whose hash in space 1 says shard 1 but in space 2 says shard 0 is refused in space 1.
    std::string misplaced;
    for (int i = 0; misplaced.empty(); ++i) {
        const std::string k = "k" + std::to_string(i);
        if (format::key_hash(std::string_view(k), IdSpace{1}) % 2 == 1 && format::key_hash(std::string_view(k), IdSpace{2}) % 2 == 0) misplaced = k;
    }
    const std::array<LabelId, 1> person{0};
    const std::array<Key, 1> keys{std::string_view(misplaced)};
    const Error e = error_of([&] { w.add_vertices(IdSpace{1}, keys, person); });
    CHECK(e.kind() == ErrorKind::bad_input);
    CHECK_THAT(e.what(), Catch::Matchers::Contains("row 0: ") && Catch::Matchers::Contains("in ID space 'Person-ID'") &&
                             Catch::Matchers::Contains("belongs to shard 1"));
    CHECK(w.vertex_count() == 0);
    const std::array<Value, 1> name{Value("someone")};
    w.add_vertices(IdSpace{2}, keys, person, [&](size_t) { return std::span<const Value>(name); });
    CHECK(w.vertex_count() == 1);
    CHECK_THROWS_WITH(w.declare_label_set(person_actor), Catch::Matchers::Contains("after the first vertex"));
    CHECK_THROWS_AS(w.add_vertices(IdSpace{3}, keys, person), Error);  // no such space
}
