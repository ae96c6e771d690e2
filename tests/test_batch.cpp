// The batch read APIs against their one-at-a-time equivalents: File::for_each_edge gives the
// same (vertex, edge) sequence as vertex(v).edges(direction) over the same vertices, and
// File::find(keys, out) the same results as find(key) per key, on seeded random graphs (several
// edge types with properties, so ordinals matter; isolated vertices; multi-shard datasets, whose
// shards hold grouped adjacency records). Damaged files: tests/test_damaged.cpp and
// tests/test_hostile.cpp run both APIs through support/probe's batch_mismatch.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "support/probe.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;
using Catch::Contains;

namespace {

std::string render(uint32_t from, const Edge& e) {
    return std::to_string(from) + ">" + std::to_string(e.target.shard) + "/" + std::to_string(e.target.index) + "/t" +
           std::to_string(e.type) + (e.direction == Direction::out ? "/out" : "/in") + "/o" + std::to_string(e.ordinal);
}

std::vector<std::string> one_at_a_time(const File& file, const std::vector<uint32_t>& vertices, Direction direction) {
    std::vector<std::string> seen;
    for (uint32_t v : vertices)
        for (const Edge& e : file.vertex(v).edges(direction)) seen.push_back(render(v, e));
    return seen;
}

std::vector<std::string> batched(const File& file, const std::vector<uint32_t>& vertices, Direction direction) {
    std::vector<std::string> seen;
    file.for_each_edge(vertices, direction, [&](uint32_t from, const Edge& e) { seen.push_back(render(from, e)); });
    return seen;
}

// Frontiers over a file: empty, every vertex, random ones with repeats of several sizes (some
// past the prefetch distances, some not), and the vertices without edges.
std::vector<std::vector<uint32_t>> frontiers(const File& file, uint64_t seed) {
    const uint32_t n = static_cast<uint32_t>(file.vertex_count());
    std::vector<std::vector<uint32_t>> all{{}};
    std::vector<uint32_t> every, isolated;
    for (uint32_t v = 0; v < n; ++v) {
        every.push_back(v);
        if (file.vertex(v).degree(Direction::out) == 0) isolated.push_back(v);
    }
    all.push_back(every);
    all.push_back(isolated);
    std::mt19937_64 rng(seed);
    for (size_t size : {1, 2, 7, 8, 9, 16, 17, 33, 500, 3000}) {
        std::vector<uint32_t> f;
        for (size_t i = 0; i < size; ++i) f.push_back(static_cast<uint32_t>(rng() % n));
        all.push_back(f);
    }
    return all;
}

// The (vertex, neighbour) pairs of for_each_neighbour's frontier form, rendered as the edges
// without their type and ordinal.
std::vector<std::string> neighbours_of(const File& file, const std::vector<uint32_t>& vertices, Direction direction) {
    std::vector<std::string> seen;
    file.for_each_neighbour(vertices, direction, [&](uint32_t from, VertexRef w) {
        seen.push_back(std::to_string(from) + ">" + std::to_string(w.shard) + "/" + std::to_string(w.index));
    });
    return seen;
}

std::vector<std::string> targets_only(const std::vector<std::string>& rendered) {
    std::vector<std::string> out;
    for (const std::string& r : rendered) out.push_back(r.substr(0, r.find("/t")));
    return out;
}

// for_each_edge and for_each_neighbour against the iterator. Both prefetch 8 and 16 frontier
// positions ahead (detail::RunSource), so frontiers of 16, 17 and 33 vertices put records the
// walks cannot read inline (grouped, in a dataset's shards) before, at and past those distances.
void check_for_each_edge(const File& file, uint64_t seed) {
    for (const auto& frontier : frontiers(file, seed))
        for (Direction dir : {Direction::out, Direction::in}) {
            INFO("frontier of " << frontier.size() << ", " << (dir == Direction::out ? "out" : "in"));
            auto expected = one_at_a_time(file, frontier, dir);
            CHECK(batched(file, frontier, dir) == expected);
            CHECK(neighbours_of(file, frontier, dir) == targets_only(expected));
        }
}

std::vector<std::optional<Vertex>> find_each(const File& file, const std::vector<Key>& keys) {
    std::vector<std::optional<Vertex>> found;
    for (const Key& key : keys) found.push_back(file.find(key));
    return found;
}

void check_find(const File& file, const std::vector<Key>& keys) {
    auto expected = find_each(file, keys);
    std::vector<std::optional<Vertex>> found(keys.size(), Vertex(&file, 0));  // overwritten, nullopt included
    file.find(keys, found);
    REQUIRE(found.size() == expected.size());
    for (size_t i = 0; i < keys.size(); ++i) {
        INFO("key " << i << ": " << key_to_string(keys[i]));
        REQUIRE(found[i].has_value() == expected[i].has_value());
        if (found[i]) {
            CHECK(found[i]->index() == expected[i]->index());
            CHECK(&found[i]->file() == &file);
        }
    }
}

}  // namespace

TEST_CASE("batch: for_each_edge visits what vertex(v).edges() visits, in the same order", "[batch]") {
    for (uint64_t seed : {1, 2, 3}) {
        TempDir dir;
        RandomGraphOptions o;
        o.seed = seed;
        o.vertices = 400;
        o.edges = 900;  // R-MAT-like skew is not needed: ~ a third of the vertices have no out-edges
        o.edge_types = seed == 1 ? 1 : 3;
        o.properties = seed != 3;
        Model model = random_model(o);
        write_model(model, {}, dir / "g.mmg");
        auto file = File::open(dir / "g.mmg");
        INFO("seed " << seed);
        check_for_each_edge(*file, seed);
    }
}

TEST_CASE("batch: for_each_edge on the shards of a dataset (grouped records)", "[batch]") {
    TempDir dir;
    RandomGraphOptions o;
    o.seed = 5;
    o.vertices = 600;
    o.edges = 1500;
    o.int_keys = true;
    Model model = random_model(o);
    WriterOptions w;
    w.shard_count = 3;
    write_model(model, w, dir / "g.mmg");
    Dataset d = Dataset::open(dir / "g.mmg");
    bool grouped = false;
    for (uint16_t s = 0; s < d.shard_count(); ++s) {
        const File& shard = d.shard(s);
        for (Vertex v : shard.vertices()) grouped |= !v.edges(Direction::out).local();
        INFO("shard " << s);
        check_for_each_edge(shard, 10 + s);
    }
    CHECK(grouped);
}

TEST_CASE("batch: for_each_edge fails as the per-vertex loop does", "[batch]") {
    TempDir dir;
    RandomGraphOptions o;
    o.seed = 7;
    Model model = random_model(o);
    WriterOptions w;
    w.store_in_edges = false;
    write_model(model, w, dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    const std::vector<uint32_t> frontier{0, 1, 2};
    CHECK(batched(*file, frontier, Direction::out) == one_at_a_time(*file, frontier, Direction::out));
    CHECK_THROWS_WITH(batched(*file, frontier, Direction::in), Contains("stores no in-edges"));
    CHECK(batched(*file, {}, Direction::in).empty());  // nothing to visit, nothing read
    // An index past the end fails when its turn comes, after the vertices before it.
    std::vector<uint32_t> seen;
    const std::vector<uint32_t> bad{0, 1, static_cast<uint32_t>(file->vertex_count()), 2};
    CHECK_THROWS_WITH(file->for_each_edge(bad, Direction::out, [&](uint32_t from, const Edge&) {
        if (seen.empty() || seen.back() != from) seen.push_back(from);
    }), Contains("out of range"));
    for (uint32_t v : seen) CHECK(v < 2);
}

// What a walk of `vertices` visits (rendered) and the error that ends it, if any.
std::pair<std::vector<std::string>, std::string> walk_until_error(const File& file, const std::vector<uint32_t>& vertices, bool batch) {
    std::vector<std::string> seen;
    auto visit = [&](uint32_t from, const Edge& e) { seen.push_back(render(from, e)); };
    try {
        if (batch) {
            file.for_each_edge(vertices, Direction::out, visit);
        } else {
            for (uint32_t v : vertices)
                for (const Edge& e : file.vertex(v).edges(Direction::out)) visit(v, e);
        }
    } catch (const Error& e) {
        return {seen, e.what()};
    }
    return {seen, ""};
}

// Writes dir/g.mmg, two vertices and two edge types without in-edges, and returns the file
// offset of vertex b's flat out-record (§7.1): B = 2, {KNOWS, 2}, {RATED, 1}, RATED's first
// ordinal; 28 bytes, the section's last. Its degree 3 and its entries (a, b | a at 1 bit) are
// the out_runs section's (§7.3).
uint64_t write_two_type_record(const TempDir& dir) {
    WriterOptions w;
    w.store_in_edges = false;
    Writer writer(w);
    auto label = writer.add_label("L");
    auto knows = writer.add_edge_type("KNOWS");
    auto rated = writer.add_edge_type("RATED", {{"stars", TypeCode::uint8}});
    writer.add_vertex("a", label);
    writer.add_vertex("b", label);
    writer.add_edge("b", "a", knows);
    writer.add_edge("b", "b", knows);
    writer.add_edge("b", "a", rated, {5u});
    writer.finish(dir / "g.mmg");
    auto good = File::open(dir / "g.mmg");
    uint64_t section_offset = 0;
    for (const SectionInfo& s : good->sections())
        if (s.name() == "out_edges") section_offset = s.offset;
    REQUIRE(section_offset != 0);
    return section_offset + (good->vertex(1).slots().out & format::kSlotOffsetMask);
}

TEST_CASE("batch: for_each_edge visits a record's blocks up to a damaged one, then fails as the iterator does", "[batch]") {
    TempDir dir;
    // The out_edges section said to end 8 bytes early, before vertex b's record's first ordinal
    // (its last 8 bytes): the iterator finds that only on entering block 1.
    const uint64_t record = write_two_type_record(dir);
    auto bytes = read_bytes(dir / "g.mmg");
    REQUIRE(format::load<uint32_t>(bytes.data() + record) == 2);  // B
    const auto good = File::open(dir / "g.mmg");  // sections() views the file's tables
    const auto sections = good->sections();
    const auto out = std::find_if(sections.begin(), sections.end(), [](const SectionInfo& s) { return s.name() == "out_edges"; });
    REQUIRE(out->offset + out->length == record + 28);
    const uint64_t length_at = format::header::kSize + 32 * static_cast<uint64_t>(out - sections.begin()) + format::dir_entry::kLengthOff;
    format::store<uint64_t>(bytes.data() + length_at, out->length - 8);
    reseal(bytes);
    write_bytes(dir / "bad.mmg", bytes);
    auto bad = File::open(dir / "bad.mmg");
    const auto [one, one_error] = walk_until_error(*bad, {0, 1}, false);
    const auto [batch, batch_error] = walk_until_error(*bad, {0, 1}, true);
    CHECK(one.size() == 2);  // the KNOWS block
    CHECK_THAT(one_error, Contains("out_edges") && Contains("first edge ordinal"));
    CHECK(batch == one);
    CHECK(batch_error == one_error);
}

// for_each_edge reads a record's directory and ordinals inline (RunSource::read_blocks) and
// leaves whatever breaks a rule of §7 to the iterator: each forged directory below must give
// the edges and the error that the one-at-a-time loop gives.
TEST_CASE("batch: for_each_edge meets each forged block directory as the iterator does", "[batch]") {
    TempDir dir;
    const uint64_t record = write_two_type_record(dir);
    const auto original = read_bytes(dir / "g.mmg");
    // Vertex b's record: B, {KNOWS | groups << 16, n}, {RATED, n}, RATED's first ordinal; its
    // degree, 3, is the runs section's.
    REQUIRE(format::load<uint32_t>(original.data() + record) == 2);
    struct Forgery {
        const char* what;
        uint32_t words[5];
    };
    const Forgery forgeries[] = {
        {"as written", {2, 0, 2, 1, 1}},
        {"no blocks", {0, 0, 2, 1, 1}},
        {"more blocks than types", {3, 0, 1, 1, 1}},
        {"types out of order", {2, 1, 2, 0, 1}},
        {"a type twice", {2, 0, 2, 0, 1}},
        {"an unknown type", {2, 0, 2, 7, 1}},
        {"a block of no edges", {2, 0, 3, 1, 0}},
        {"a group count in a flat record", {2, 1u << 16, 2, 1, 1}},
        {"counts short of the degree", {2, 0, 1, 1, 1}},
        {"counts past the degree", {2, 0, 2, 1, 2}},
        {"one block of every edge", {1, 1, 3, 0, 0}},
    };
    for (const Forgery& forgery : forgeries) {
        INFO(forgery.what);
        auto bytes = original;
        for (size_t i = 0; i < std::size(forgery.words); ++i) format::store<uint32_t>(bytes.data() + record + 4 * i, forgery.words[i]);
        reseal(bytes);
        write_bytes(dir / "bad.mmg", bytes);
        auto bad = File::open(dir / "bad.mmg");
        const auto [one, one_error] = walk_until_error(*bad, {0, 1}, false);
        const auto [batch, batch_error] = walk_until_error(*bad, {0, 1}, true);
        CHECK(batch == one);
        CHECK(batch_error == one_error);
        if (&forgery == &forgeries[0]) CHECK(one_error.empty());
        else if (&forgery != &forgeries[std::size(forgeries) - 1]) CHECK_FALSE(one_error.empty());
    }
}

TEST_CASE("batch: find(keys, out) equals find(key) per key", "[batch]") {
    for (bool int_keys : {false, true}) {
        TempDir dir;
        RandomGraphOptions o;
        o.seed = int_keys ? 21 : 22;
        o.vertices = 700;
        o.int_keys = int_keys;
        Model model = random_model(o);
        write_model(model, {}, dir / "g.mmg");
        auto file = File::open(dir / "g.mmg");
        INFO((int_keys ? "int64" : "string") << " keys");
        // Present keys, absent ones, keys of the other type, duplicates, in a seeded mix.
        std::vector<std::string> texts;
        std::vector<int64_t> ints;
        for (const auto& v : model.vertices) {
            texts.push_back(int_keys ? "v" + v.key : v.key);  // strings: present; under int keys, the wrong type
            if (int_keys) ints.push_back(std::stoll(v.key));
        }
        for (int i = 0; i < 300; ++i) {
            texts.push_back("absent" + std::to_string(i));
            ints.push_back(int64_t{1} << 40 | i);
        }
        if (!int_keys)
            for (int i = 0; i < 50; ++i) ints.push_back(i);  // the wrong type
        std::vector<Key> pool;
        for (const auto& t : texts) pool.emplace_back(std::string_view(t));
        for (int64_t i : ints) pool.emplace_back(i);
        std::mt19937_64 rng(o.seed);
        for (size_t size : {0, 1, 15, 16, 17, 31, 33, 1000}) {
            std::vector<Key> keys;
            for (size_t i = 0; i < size; ++i) keys.push_back(pool[rng() % pool.size()]);
            INFO(size << " keys");
            check_find(*file, keys);
        }
        check_find(*file, pool);  // every key once
        std::vector<Key> same(40, pool[3]);
        check_find(*file, same);
    }
}

TEST_CASE("batch: find(keys, out) on the shards of a dataset and on an empty file", "[batch]") {
    TempDir dir;
    RandomGraphOptions o;
    o.seed = 23;
    o.vertices = 500;
    Model model = random_model(o);
    WriterOptions w;
    w.shard_count = 3;
    write_model(model, w, dir / "g.mmg");
    Dataset d = Dataset::open(dir / "g.mmg");
    std::vector<std::string> texts;
    for (const auto& v : model.vertices) texts.push_back(v.key);
    std::vector<Key> keys;
    for (const auto& t : texts) keys.emplace_back(std::string_view(t));
    for (uint16_t s = 0; s < d.shard_count(); ++s) check_find(d.shard(s), keys);  // a third present in each

    Writer empty;
    empty.add_label("L");
    empty.finish(dir / "empty.mmg");
    check_find(*File::open(dir / "empty.mmg"), keys);
}

TEST_CASE("batch: find(keys, out) refuses spans of different sizes", "[batch]") {
    TempDir dir;
    RandomGraphOptions o;
    o.seed = 24;
    write_model(random_model(o), {}, dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    std::vector<Key> keys{std::string_view("v1"), std::string_view("v2")};
    std::vector<std::optional<Vertex>> out(1);
    CHECK_THROWS_WITH(file->find(keys, out), Contains("2 keys") && Contains("1 result"));
}

TEST_CASE("batch: support's batch_mismatch finds no difference on intact files", "[batch]") {
    for (uint16_t shards : {1, 2}) {
        TempDir dir;
        RandomGraphOptions o;
        o.seed = 30 + shards;
        o.int_keys = shards > 1;
        WriterOptions w;
        w.shard_count = shards;
        write_model(random_model(o), w, dir / "g.mmg");
        Dataset d = Dataset::open(dir / "g.mmg");
        for (uint16_t s = 0; s < d.shard_count(); ++s) CHECK(batch_mismatch(d.shard(s)) == "");
    }
}

TEST_CASE("batch: for_each_edge fails at a bad vertex in the middle of a batch, after the vertices before it", "[batch]") {
    TempDir dir;
    RandomGraphOptions o;
    o.seed = 8;
    o.edge_types = 3;
    Model model = random_model(o);
    write_model(model, {}, dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    const uint32_t n = static_cast<uint32_t>(file->vertex_count());
    // for_each_edge reads the records of several vertices before walking the first of them:
    // vertices after the bad one in its batch (and the batch before it) must not change what is
    // visited before the error, nor the error.
    for (size_t bad_at : {0, 3, 8, 11, 19}) {
        std::vector<uint32_t> frontier;
        for (uint32_t i = 0; i < 20; ++i) frontier.push_back(i % n);
        frontier[bad_at] = n;
        INFO("bad vertex at position " << bad_at);
        const auto batched_walk = walk_until_error(*file, frontier, true);
        CHECK_THAT(batched_walk.second, Contains("out of range"));
        CHECK(batched_walk == walk_until_error(*file, frontier, false));
    }
}
