// The writer's output depends only on its input: not on the number of encode threads, not on
// the run (spec §10 "Dataset id ... deterministic for deterministic content").
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <random>

#include <xxhash.h>

#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;

namespace {

struct GraphSpec {
    uint64_t seed = 1;
    uint32_t vertices = 1000;
    uint32_t edges = 3000;
    bool int_keys = false;
};

// Feeds a seeded graph straight into a Writer (no in-memory model: the large graphs here would
// make one cost hundreds of MB). Properties of every kind, a few long strings so node types of
// several widths appear, vertex references to later vertices, multi-edges and self-loops.
WriteStats write_graph(const GraphSpec& g, WriterOptions options, const std::filesystem::path& path) {
    options.key_type = g.int_keys ? KeyType::int64 : KeyType::string;
    Writer w(options);
    auto person = w.add_label("Person", {{"name", TypeCode::string},
                                         {"age", TypeCode::uint8, true},
                                         {"score", TypeCode::float64, true},
                                         {"tags", Type::list_of(TypeCode::int32)},
                                         {"friend", TypeCode::vertex_ref, true},
                                         {"blob", TypeCode::bytes, true}});
    auto thing = w.add_label("Thing", {{"title", TypeCode::string, true},
                                       {"weight", TypeCode::float32},
                                       {"parts", Type::list_of(TypeCode::uint16), true},
                                       {"ok", TypeCode::boolean}});
    auto bare = w.add_label("Bare");
    auto knows = w.add_edge_type("KNOWS", {{"since", TypeCode::int32}, {"note", TypeCode::string, true}});
    auto link = w.add_edge_type("LINK");
    auto rates = w.add_edge_type("RATES", {{"stars", TypeCode::uint8}, {"why", Type::list_of(TypeCode::float64), true}});

    std::mt19937_64 rng(g.seed);
    std::vector<std::string> string_keys;
    auto key = [&](uint32_t i) -> Key {
        if (g.int_keys) return static_cast<int64_t>(i) * 7919 - 50000;
        return std::string_view(string_keys[i]);
    };
    if (!g.int_keys)
        for (uint32_t i = 0; i < g.vertices; ++i) string_keys.push_back("n" + std::to_string(i));
    auto text = [&](std::string& s) {
        uint64_t r = rng() % 10000;
        size_t n = r < 3 ? 70000 : r < 100 ? 400 : static_cast<size_t>(rng() % 24);
        s.assign(n, static_cast<char>('a' + rng() % 26));
        return std::string_view(s);
    };
    std::string s1, s2;
    std::vector<int32_t> ints;
    std::vector<uint16_t> shorts;
    std::vector<double> doubles;
    for (uint32_t i = 0; i < g.vertices; ++i) {
        switch (rng() % 3) {
            case 0: {
                ints.resize(rng() % 5);
                for (auto& x : ints) x = static_cast<int32_t>(rng());
                Value friend_ref = rng() % 3 == 0 ? Value::null() : Value::ref(key(static_cast<uint32_t>(rng() % g.vertices)));
                std::string_view blob = text(s2);
                w.add_vertex(key(i), person,
                             {Value(text(s1)), rng() % 4 == 0 ? Value::null() : Value(static_cast<unsigned>(rng() % 256)),
                              rng() % 4 == 0 ? Value::null() : Value(static_cast<double>(rng() % 1000) / 7), Value::list(ints), friend_ref,
                              rng() % 2 ? Value::null() : Value::bytes({reinterpret_cast<const uint8_t*>(blob.data()), blob.size()})});
                break;
            }
            case 1:
                shorts.resize(rng() % 4);
                for (auto& x : shorts) x = static_cast<uint16_t>(rng());
                w.add_vertex(key(i), thing,
                             {rng() % 5 == 0 ? Value::null() : Value(text(s1)), Value(static_cast<float>(rng() % 100) / 3),
                              rng() % 3 == 0 ? Value::null() : Value::list(shorts), Value(rng() % 2 == 0)});
                break;
            default:
                w.add_vertex(key(i), bare);
        }
    }
    uint32_t src = 0, dst = 0;
    for (uint32_t e = 0; e < g.edges; ++e) {
        if (e == 0 || rng() % 10 != 0) {  // else: a multi-edge repeating the previous endpoints
            src = static_cast<uint32_t>(rng() % g.vertices);
            dst = rng() % 20 == 0 ? src : static_cast<uint32_t>(rng() % g.vertices);
        }
        switch (rng() % 3) {
            case 0:
                w.add_edge(key(src), key(dst), knows,
                           {Value(static_cast<int>(rng() % 100000)), rng() % 2 ? Value::null() : Value(text(s1))});
                break;
            case 1:
                w.add_edge(key(src), key(dst), link);
                break;
            default:
                doubles.resize(rng() % 3);
                for (auto& x : doubles) x = static_cast<double>(rng() % 1000) / 8;
                w.add_edge(key(src), key(dst), rates,
                           {Value(static_cast<unsigned>(rng() % 6)), rng() % 4 == 0 ? Value::null() : Value::list(doubles)});
        }
    }
    return w.finish(path);
}

std::vector<std::filesystem::path> shard_files(const std::filesystem::path& path, uint16_t shards) {
    std::vector<std::filesystem::path> files;
    for (uint16_t s = 0; s < shards; ++s) files.push_back(shard_path(path, s, shards));
    return files;
}

// Offset of the first byte where the files differ, -1 when identical (Catch would print whole
// multi-MB vectors on a failed ==).
int64_t first_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    if (a == b) return -1;  // memcmp, fast even in Debug
    auto [pa, pb] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    if (pa == a.end() && pb == b.end()) return -1;
    return pa - a.begin();
}

// §10: XXH3-128 over every directory entry's checksum (8 LE bytes), shards in id order; the
// low 64 bits LE at bytes 0-7 of the id, the high 64 bits LE at bytes 8-15.
std::array<uint8_t, 16> expected_dataset_id(const Dataset& d) {
    std::vector<uint8_t> sums;
    for (uint16_t s = 0; s < d.shard_count(); ++s)
        for (const auto& section : d.shard(s).sections())
            for (int b = 0; b < 8; ++b) sums.push_back(static_cast<uint8_t>(section.checksum >> (8 * b)));
    XXH128_hash_t h = XXH3_128bits(sums.data(), sums.size());
    std::array<uint8_t, 16> id{};
    for (int b = 0; b < 8; ++b) {
        id[b] = static_cast<uint8_t>(h.low64 >> (8 * b));
        id[8 + b] = static_cast<uint8_t>(h.high64 >> (8 * b));
    }
    return id;
}

}  // namespace

TEST_CASE("determinism: 1, 2 and 8 encode threads write identical bytes", "[determinism]") {
    // The encoder splits each domain at 16,384 vertices and each property table at 32,768 rows.
    // Sizes are picked so that every domain of every shard has 2+ tasks that really interleave
    // (asserted below), while the file stays within ~20 s in a Debug build.
    auto [int_keys, shards] = GENERATE(std::pair<bool, uint16_t>{false, 1}, std::pair<bool, uint16_t>{true, 1},
                                       std::pair<bool, uint16_t>{false, 3}, std::pair<bool, uint16_t>{true, 3});
    INFO((int_keys ? "int64 keys, " : "string keys, ") << shards << " shard(s)");
    GraphSpec g;
    g.seed = 101 + shards + (int_keys ? 10 : 0);
    g.vertices = shards == 1 ? 40000 : 51000;
    g.edges = 120000;  // single shard: ~40,000 rows per property table
    g.int_keys = int_keys;
    TempDir dir;
    std::vector<std::vector<std::vector<uint8_t>>> bytes;  // [run][shard]
    for (unsigned threads : {1u, 2u, 8u}) {
        WriterOptions options;
        options.threads = threads;
        options.shard_count = shards;
        auto path = dir / ("t" + std::to_string(threads) + ".mmg");
        WriteStats stats = write_graph(g, options, path);
        REQUIRE(stats.files == shard_files(path, shards));
        REQUIRE(stats.vertices == g.vertices);
        REQUIRE(stats.edges == g.edges);
        CHECK(stats.node_types > 3 * shards);  // long strings created wider node types
        bytes.emplace_back();
        for (const auto& file : stats.files) bytes.back().push_back(read_bytes(file));
    }
    for (uint16_t s = 0; s < shards; ++s) {
        INFO("shard " << s);
        REQUIRE(bytes[0][s].size() > 100000);
        CHECK(first_difference(bytes[1][s], bytes[0][s]) == -1);
        CHECK(first_difference(bytes[2][s], bytes[0][s]) == -1);
    }
    // The output is a valid dataset, not merely a reproducible one.
    Dataset d = Dataset::open(dir / "t8.mmg");
    if (shards == 1) d.verify();  // ~0.6 s each in Debug: once per key type is enough
    CHECK(d.vertex_count() == g.vertices);
    CHECK(d.edge_count() == g.edges);
    for (uint16_t s = 0; s < shards; ++s) CHECK(d.shard(s).vertex_count() > 16384);  // 2+ tasks per domain
}

TEST_CASE("determinism: writing the same input twice gives the same bytes and dataset id", "[determinism]") {
    for (uint16_t shards : {1, 3}) {
        INFO(shards << " shard(s)");
        GraphSpec g;
        g.seed = 7;
        g.vertices = 4000;
        g.edges = 12000;
        TempDir one, two;
        WriterOptions options;
        options.shard_count = shards;
        write_graph(g, options, one / "g.mmg");
        write_graph(g, options, two / "g.mmg");
        for (uint16_t s = 0; s < shards; ++s) {
            auto a = read_bytes(shard_path(one / "g.mmg", s, shards));
            REQUIRE_FALSE(a.empty());
            CHECK(first_difference(a, read_bytes(shard_path(two / "g.mmg", s, shards))) == -1);
        }
        // The id is the one §10 derives from the section checksums, in every shard.
        Dataset d = Dataset::open(one / "g.mmg");
        auto id = expected_dataset_id(d);
        for (uint16_t s = 0; s < shards; ++s) CHECK(d.shard(s).dataset_id() == id);

        // Other content, other id.
        GraphSpec other = g;
        other.seed = 8;
        TempDir three;
        write_graph(other, options, three / "g.mmg");
        Dataset d3 = Dataset::open(three / "g.mmg");
        CHECK(d3.shard(0).dataset_id() != id);
        CHECK(d3.shard(0).dataset_id() == expected_dataset_id(d3));
    }
}

TEST_CASE("determinism: an explicit dataset id is stored as given and changes nothing else", "[determinism]") {
    const uint16_t shards = 3;
    GraphSpec g;
    g.seed = 9;
    g.vertices = 3000;
    g.edges = 9000;
    g.int_keys = true;
    TempDir derived_dir, given_dir;
    WriterOptions options;
    options.shard_count = shards;
    write_graph(g, options, derived_dir / "g.mmg");
    std::array<uint8_t, 16> given{};
    for (uint8_t i = 0; i < 16; ++i) given[i] = static_cast<uint8_t>(0xA0 + i);
    options.dataset_id = given;
    write_graph(g, options, given_dir / "g.mmg");

    Dataset d = Dataset::open(given_dir / "g.mmg");
    d.verify();
    for (uint16_t s = 0; s < shards; ++s) {
        INFO("shard " << s);
        CHECK(d.shard(s).dataset_id() == given);
        // Only the dataset id (header bytes 24-39) and the header checksum (120-127) differ.
        auto a = read_bytes(shard_path(derived_dir / "g.mmg", s, shards));
        auto b = read_bytes(shard_path(given_dir / "g.mmg", s, shards));
        REQUIRE(a.size() == b.size());
        CHECK(std::equal(b.begin() + 24, b.begin() + 40, given.begin()));
        std::vector<size_t> differing;
        for (size_t i = 0; i < a.size(); ++i)
            if (a[i] != b[i] && !((i >= 24 && i < 40) || (i >= 120 && i < 128))) differing.push_back(i);
        CHECK(differing.empty());
    }
}
