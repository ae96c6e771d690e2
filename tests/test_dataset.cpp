// Multi-shard datasets (spec §10): file names, placement by key hash, cross-shard edges and
// their properties, and refusal of mixed or incomplete shard sets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>

#include <xxhash.h>

#include "support/error_kind.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;

namespace {

// §8.1: XXH3-64 of the key's UTF-8 bytes, or of the 8 little-endian bytes of an int64 key.
uint64_t spec_key_hash(const Model& model, const std::string& key) {
    if (model.key_type == KeyType::string) return XXH3_64bits(key.data(), key.size());
    uint64_t k = static_cast<uint64_t>(std::stoll(key));
    uint8_t le[8];
    for (int b = 0; b < 8; ++b) le[b] = static_cast<uint8_t>(k >> (8 * b));
    return XXH3_64bits(le, 8);
}

Key key_of(const Model& model, const std::string& key) {
    if (model.key_type == KeyType::int64) return static_cast<int64_t>(std::stoll(key));
    return std::string_view(key);
}

Model make_model(uint64_t seed, bool int_keys, uint32_t vertices = 400, uint32_t edges = 1500) {
    RandomGraphOptions o;
    o.seed = seed;
    o.vertices = vertices;
    o.edges = edges;
    o.int_keys = int_keys;
    o.edge_types = 3;
    return random_model(o);
}

WriteStats write_sharded(const Model& model, uint16_t shards, const std::filesystem::path& path) {
    WriterOptions options;
    options.shard_count = shards;
    return write_model(model, options, path);
}

void copy_over(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

}  // namespace

TEST_CASE("dataset: shard files are named per shard_path and carry one dataset id", "[dataset]") {
    CHECK(shard_path("dir/g.mmg", 0, 1) == std::filesystem::path("dir/g.mmg"));
    CHECK(shard_path("dir/g.mmg", 3, 4) == std::filesystem::path("dir/g-3-of-4.mmg"));
    CHECK(shard_path("g.mmg", 11, 12) == std::filesystem::path("g-11-of-12.mmg"));
    for (uint16_t K : {2, 4}) {
        INFO("K = " << K);
        TempDir dir;
        Model model = make_model(1, false);
        WriteStats stats = write_sharded(model, K, dir / "g.mmg");
        REQUIRE(stats.files.size() == K);
        for (uint16_t s = 0; s < K; ++s) {
            auto expected = dir / ("g-" + std::to_string(s) + "-of-" + std::to_string(K) + ".mmg");
            CHECK(stats.files[s] == expected);
            CHECK(shard_path(dir / "g.mmg", s, K) == expected);
            CHECK(std::filesystem::is_regular_file(expected));
        }
        CHECK_FALSE(std::filesystem::exists(dir / "g.mmg"));  // K > 1: no file at the base path
        CHECK(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()) == K);

        Dataset d = Dataset::open(dir / "g.mmg");
        REQUIRE(d.shard_count() == K);
        uint64_t vertices = 0, edges = 0;
        for (uint16_t s = 0; s < K; ++s) {
            const File& f = d.shard(s);
            CHECK(f.shard_id() == s);
            CHECK(f.shard_count() == K);
            CHECK(f.dataset_id() == d.shard(0).dataset_id());
            CHECK(f.path() == shard_path(dir / "g.mmg", s, K));
            CHECK(f.vertex_count() > 0);  // 400 keys spread over every shard
            vertices += f.vertex_count();
            edges += f.edge_count();
        }
        CHECK(vertices == model.vertices.size());
        CHECK(edges == model.edges.size());
        CHECK(d.vertex_count() == model.vertices.size());
        CHECK(d.edge_count() == model.edges.size());
    }
}

TEST_CASE("dataset: Dataset::open works from the base path and from any shard file", "[dataset]") {
    for (uint16_t K : {2, 4}) {
        INFO("K = " << K);
        TempDir dir;
        Model model = make_model(2, true);
        write_sharded(model, K, dir / "g.mmg");
        std::vector<std::filesystem::path> entries = {dir / "g.mmg"};
        for (uint16_t s = 0; s < K; ++s) entries.push_back(shard_path(dir / "g.mmg", s, K));
        for (const auto& entry : entries) {
            INFO("opened as " << entry);
            Dataset d = Dataset::open(entry);
            REQUIRE(d.shard_count() == K);
            for (uint16_t s = 0; s < K; ++s) CHECK(d.shard(s).shard_id() == s);
            CHECK(d.vertex_count() == model.vertices.size());
            for (size_t i = 0; i < model.vertices.size(); i += 37)
                CHECK(d.find(key_of(model, model.vertices[i].key))->key_string() == model.vertices[i].key);
        }
    }
}

TEST_CASE("dataset: each vertex lives in shard key_hash mod K, in insertion order", "[dataset]") {
    for (bool int_keys : {false, true}) {
        for (uint16_t K : {2, 4}) {
            INFO("K = " << K << (int_keys ? ", int64 keys" : ", string keys"));
            TempDir dir;
            Model model = make_model(3, int_keys);
            write_sharded(model, K, dir / "g.mmg");
            Dataset d = Dataset::open(dir / "g.mmg");
            std::vector<std::vector<std::string>> members(K);  // expected local order per shard
            for (const auto& mv : model.vertices) {
                uint16_t shard = static_cast<uint16_t>(spec_key_hash(model, mv.key) % K);
                members[shard].push_back(mv.key);
                auto v = d.find(key_of(model, mv.key));
                REQUIRE(v.has_value());
                CHECK(v->ref().shard == shard);
                CHECK(v->file().shard_id() == shard);
                CHECK(&v->file() == &d.shard(shard));
                CHECK(d.vertex(v->ref()).key_string() == mv.key);
                // The shard's own index has it; no other shard does.
                for (uint16_t s = 0; s < K; ++s) CHECK(d.shard(s).find(key_of(model, mv.key)).has_value() == (s == shard));
            }
            for (uint16_t s = 0; s < K; ++s) {
                REQUIRE(d.shard(s).vertex_count() == members[s].size());
                for (uint32_t i = 0; i < members[s].size(); ++i) CHECK(d.shard(s).vertex(i).key_string() == members[s][i]);
            }
            CHECK_THROWS_AS(d.vertex(VertexRef{K, 0}), Error);
        }
    }
}

TEST_CASE("dataset: the batch find answers as find does, key by key, across shards", "[dataset]") {
    for (bool int_keys : {false, true}) {
        for (uint16_t K : {1, 3}) {
            INFO("K = " << K << (int_keys ? ", int64 keys" : ", string keys"));
            TempDir dir;
            Model model = make_model(5, int_keys);
            write_sharded(model, K, dir / "g.mmg");
            Dataset d = Dataset::open(dir / "g.mmg");
            std::vector<Key> keys;
            for (size_t i = 0; i < model.vertices.size(); i += 3) keys.push_back(key_of(model, model.vertices[i].key));
            if (int_keys) {
                keys.push_back(int64_t{-123456789});
                keys.push_back(std::string_view("a string key in an int64 dataset"));
            } else {
                keys.push_back(std::string_view("no such key"));
                keys.push_back(int64_t{7});
            }
            std::vector<std::optional<Vertex>> out(keys.size());
            d.find(keys, out);
            for (size_t i = 0; i < keys.size(); ++i) {
                std::optional<Vertex> one = d.find(keys[i]);
                REQUIRE(out[i].has_value() == one.has_value());
                if (one) CHECK(out[i]->ref() == one->ref());
            }
            CHECK_FALSE(out[keys.size() - 1].has_value());
            CHECK_FALSE(out[keys.size() - 2].has_value());
            std::vector<std::optional<Vertex>> short_out(keys.size() - 1);
            CHECK(test::kind_thrown([&] { d.find(keys, short_out); }) == ErrorKind::misuse);
        }
    }
}

TEST_CASE("dataset: cross-shard edges are followed out and in, with their properties", "[dataset]") {
    for (uint16_t K : {2, 4}) {
        INFO("K = " << K);
        TempDir dir;
        Model model = make_model(4, false, 300, 2000);
        write_sharded(model, K, dir / "g.mmg");
        Dataset d = Dataset::open(dir / "g.mmg");
        d.verify();

        // Every edge seen from its source (out) and from its target (in) as
        // (source key, target key, type, ordinal, property texts); the two lists must agree,
        // which pins in-edge ordinals to the right row of the *source* shard's table (§8.2).
        std::vector<std::string> from_out, from_in;
        auto row = [](const std::string& src, const std::string& dst, uint32_t type, uint64_t ordinal, const std::string& props) {
            return src + "->" + dst + " t" + std::to_string(type) + " #" + std::to_string(ordinal) + props;
        };
        uint64_t cross = 0, grouped_records = 0;
        auto key_of_ref = [&](VertexRef r) { return d.vertex(r).key_string(); };
        for (uint16_t s = 0; s < K; ++s) {
            for (Vertex v : d.shard(s).vertices()) {
                for (Direction dir : {Direction::out, Direction::in}) {
                    EdgeRange range = v.edges(dir);
                    bool remote = false;
                    for (const Edge& e : range) {
                        Vertex other = d.vertex(e.target);
                        CHECK(other.ref() == e.target);
                        remote = remote || e.target.shard != s;
                        std::string props;
                        size_t count = d.shard(s).edge_types()[e.type].attributes.size();
                        for (uint32_t p = 0; p < count; ++p) props += "|" + canonical(d.property(e, v, p), key_of_ref);
                        uint64_t ordinal = count ? e.ordinal : 0;  // meaningful only with a property table
                        if (dir == Direction::out) {
                            if (e.target.shard != s) ++cross;
                            from_out.push_back(row(v.key_string(), other.key_string(), e.type, ordinal, props));
                        } else {
                            from_in.push_back(row(other.key_string(), v.key_string(), e.type, ordinal, props));
                        }
                    }
                    // The L tag (flat record) is set exactly when every entry is in this shard.
                    CHECK(range.local() == !remote);
                    if (remote) ++grouped_records;
                }
            }
        }
        CHECK(cross > model.edges.size() / 4);  // with K >= 2 about half the edges cross shards
        CHECK(grouped_records > 0);
        CHECK(from_out.size() == model.edges.size());
        std::sort(from_out.begin(), from_out.end());
        std::sort(from_in.begin(), from_in.end());
        // Report the first mismatches, not two 2000-row vectors.
        std::vector<std::string> only_out, only_in;
        std::set_difference(from_out.begin(), from_out.end(), from_in.begin(), from_in.end(), std::back_inserter(only_out));
        std::set_difference(from_in.begin(), from_in.end(), from_out.begin(), from_out.end(), std::back_inserter(only_in));
        only_out.resize(std::min<size_t>(only_out.size(), 5));
        only_in.resize(std::min<size_t>(only_in.size(), 5));
        CHECK(only_out == only_in);
        CHECK(from_out.size() == from_in.size());

        // And both equal the model.
        std::vector<std::string> expected, actual;
        for (const auto& e : model.edges) {
            std::string props;
            for (const auto& p : e.props) props += "|" + p.text();
            expected.push_back(model.vertices[e.src].key + "->" + model.vertices[e.dst].key + " t" + std::to_string(e.type) + props);
        }
        for (const std::string& r : from_out) {
            size_t hash = r.find(" #"), bar = r.find('|', hash);
            actual.push_back(r.substr(0, hash) + (bar == std::string::npos ? "" : r.substr(bar)));
        }
        std::sort(expected.begin(), expected.end());
        std::sort(actual.begin(), actual.end());
        CHECK(actual == expected);
    }
}

TEST_CASE("dataset: check_against_model passes for multi-shard models", "[dataset]") {
    for (bool int_keys : {false, true}) {
        for (uint16_t K : {2, 4}) {
            INFO("K = " << K << (int_keys ? ", int64 keys" : ", string keys"));
            TempDir dir;
            Model model = make_model(5 + K, int_keys);
            write_sharded(model, K, dir / "g.mmg");
            Dataset::open(dir / "g.mmg").verify();
            check_against_model(model, dir / "g.mmg");
        }
    }
}

TEST_CASE("dataset: a shard from another dataset is refused", "[dataset]") {
    const uint16_t K = 3;
    SECTION("different content, same shard count") {
        TempDir a, b;
        write_sharded(make_model(10, false), K, a / "g.mmg");
        write_sharded(make_model(11, false), K, b / "g.mmg");
        REQUIRE(Dataset::open(a / "g.mmg").shard(0).dataset_id() != Dataset::open(b / "g.mmg").shard(0).dataset_id());
        copy_over(shard_path(b / "g.mmg", 1, K), shard_path(a / "g.mmg", 1, K));
        CHECK_THROWS_AS(Dataset::open(a / "g.mmg"), Error);
        for (uint16_t s = 0; s < K; ++s) CHECK_THROWS_AS(Dataset::open(shard_path(a / "g.mmg", s, K)), Error);
        // The foreign file on its own is still a valid shard: the refusal is about the mix.
        CHECK_NOTHROW(File::open(shard_path(a / "g.mmg", 1, K))->verify());
    }
    SECTION("same content, different explicit dataset ids") {
        TempDir a, b;
        Model model = make_model(12, true);
        WriterOptions options;
        options.shard_count = K;
        options.dataset_id = std::array<uint8_t, 16>{1};
        write_model(model, options, a / "g.mmg");
        options.dataset_id = std::array<uint8_t, 16>{2};
        write_model(model, options, b / "g.mmg");
        copy_over(shard_path(b / "g.mmg", 2, K), shard_path(a / "g.mmg", 2, K));
        CHECK_THROWS_AS(Dataset::open(a / "g.mmg"), Error);
        CHECK_THROWS_AS(Dataset::open(shard_path(a / "g.mmg", 2, K)), Error);
    }
    SECTION("a shard of a dataset with another shard count") {
        TempDir a, b;
        Model model = make_model(13, false);
        write_sharded(model, K, a / "g.mmg");
        write_sharded(model, 2, b / "g.mmg");
        copy_over(shard_path(b / "g.mmg", 1, 2), shard_path(a / "g.mmg", 1, K));
        CHECK_THROWS_AS(Dataset::open(a / "g.mmg"), Error);
        CHECK_THROWS_AS(Dataset::open(shard_path(a / "g.mmg", 0, K)), Error);
    }
    SECTION("a shard file holding another shard id") {
        TempDir a;
        write_sharded(make_model(14, false), K, a / "g.mmg");
        copy_over(shard_path(a / "g.mmg", 0, K), shard_path(a / "g.mmg", 2, K));
        CHECK_THROWS_AS(Dataset::open(a / "g.mmg"), Error);
    }
}

TEST_CASE("dataset: a missing shard file is refused", "[dataset]") {
    for (uint16_t missing : {0, 2}) {
        INFO("missing shard " << missing);
        TempDir dir;
        const uint16_t K = 4;
        write_sharded(make_model(20, false), K, dir / "g.mmg");
        std::filesystem::remove(shard_path(dir / "g.mmg", missing, K));
        CHECK_THROWS_AS(Dataset::open(dir / "g.mmg"), Error);
        for (uint16_t s = 0; s < K; ++s)
            if (s != missing) CHECK_THROWS_AS(Dataset::open(shard_path(dir / "g.mmg", s, K)), Error);
    }
    TempDir empty;
    CHECK_THROWS_AS(Dataset::open(empty / "nothing.mmg"), Error);
}

TEST_CASE("dataset: leftover shards of another shard count make the base path ambiguous", "[dataset]") {
    // Rewriting a dataset with another K leaves the old shard files (the writer only replaces
    // its own targets). Opening by the base path must not silently pick one set by directory
    // order; opening a shard file chooses unambiguously.
    TempDir dir;
    Model old_model = make_model(30, false, 200, 600), new_model = make_model(31, false, 300, 900);
    write_sharded(old_model, 4, dir / "g.mmg");
    write_sharded(new_model, 2, dir / "g.mmg");
    CHECK_THROWS_AS(Dataset::open(dir / "g.mmg"), Error);
    Dataset latest = Dataset::open(shard_path(dir / "g.mmg", 1, 2));
    CHECK(latest.shard_count() == 2);
    CHECK(latest.vertex_count() == new_model.vertices.size());
    Dataset old = Dataset::open(shard_path(dir / "g.mmg", 3, 4));
    CHECK(old.shard_count() == 4);
    CHECK(old.vertex_count() == old_model.vertices.size());
    // Once the old files are gone the base path works again.
    for (uint16_t s = 0; s < 4; ++s) std::filesystem::remove(shard_path(dir / "g.mmg", s, 4));
    CHECK(Dataset::open(dir / "g.mmg").vertex_count() == new_model.vertices.size());
}

namespace {

// The shard files of a K-shard dataset at `base`, copied to names that say nothing, listed in
// the order `order` gives (shard order[i] at position i).
std::vector<std::filesystem::path> renamed_shards(const std::filesystem::path& base, uint16_t K, const TempDir& to,
                                                  const std::vector<uint16_t>& order) {
    std::vector<std::filesystem::path> files;
    for (uint16_t s : order) {
        files.push_back(to / ("part" + std::to_string(files.size()) + ".bin"));
        copy_over(shard_path(base, s, K), files.back());
    }
    return files;
}

}  // namespace

TEST_CASE("dataset: Dataset::open(files) places renamed shards by their headers", "[dataset]") {
    const uint16_t K = 4;
    TempDir dir, renamed;
    Model model = make_model(40, false);
    write_sharded(model, K, dir / "g.mmg");
    const std::vector<uint16_t> order{2, 0, 3, 1};
    auto files = renamed_shards(dir / "g.mmg", K, renamed, order);
    Dataset by_name = Dataset::open(dir / "g.mmg");
    Dataset by_list = Dataset::open(files);
    REQUIRE(by_list.shard_count() == K);
    for (size_t i = 0; i < order.size(); ++i) CHECK(by_list.shard(order[i]).path() == files[i]);
    CHECK(by_list.vertex_count() == by_name.vertex_count());
    CHECK(by_list.edge_count() == by_name.edge_count());
    for (const ModelVertex& v : model.vertices) {
        auto a = by_list.find(key_of(model, v.key)), b = by_name.find(key_of(model, v.key));
        REQUIRE(a.has_value());
        REQUIRE(b.has_value());
        CHECK(a->ref() == b->ref());
        CHECK(a->key_string() == v.key);
    }
    CHECK_NOTHROW(by_list.verify());

    // One shard: a list of the one file.
    TempDir single;
    write_sharded(model, 1, single / "one.mmg");
    std::vector<std::filesystem::path> one{single / "one.mmg"};
    CHECK(Dataset::open(one).vertex_count() == model.vertices.size());
}

TEST_CASE("dataset: Dataset::open(files) refuses incomplete, repeated and mixed lists", "[dataset]") {
    const uint16_t K = 3;
    TempDir dir, other, renamed;
    write_sharded(make_model(41, false), K, dir / "g.mmg");
    write_sharded(make_model(42, false), K, other / "g.mmg");
    auto files = renamed_shards(dir / "g.mmg", K, renamed, {1, 2, 0});

    std::vector<std::filesystem::path> none;
    CHECK(mmgraph::test::kind_thrown([&] { Dataset::open(none); }) == ErrorKind::misuse);

    std::vector<std::filesystem::path> two{files[0], files[1]};  // shards 1 and 2
    CHECK(mmgraph::test::kind_thrown([&] { Dataset::open(two); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(Dataset::open(two), files[0].string() + ": the dataset has 3 shards, shard 0 not given");
    std::vector<std::filesystem::path> lone{files[1]};
    CHECK_THROWS_WITH(Dataset::open(lone), files[1].string() + ": the dataset has 3 shards, shards 0, 1 not given");

    std::vector<std::filesystem::path> repeated{files[0], files[1], files[2], files[0]};
    CHECK(mmgraph::test::kind_thrown([&] { Dataset::open(repeated); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(Dataset::open(repeated), Catch::Matchers::Contains("shard 1 of 3 given twice"));

    std::vector<std::filesystem::path> mixed{files[0], files[1], shard_path(other / "g.mmg", 0, K)};
    CHECK(mmgraph::test::kind_thrown([&] { Dataset::open(mixed); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(Dataset::open(mixed), Catch::Matchers::Contains("files of different datasets"));

    std::vector<std::filesystem::path> absent{files[0], renamed / "nothing.mmg", files[2]};
    CHECK_THROWS_AS(Dataset::open(absent), Error);

    // Same dataset id, another shard count: the files of one dataset disagree.
    TempDir a, b;
    Model model = make_model(43, false);
    WriterOptions options;
    options.dataset_id = std::array<uint8_t, 16>{7};
    options.shard_count = K;
    write_model(model, options, a / "g.mmg");
    options.shard_count = 2;
    write_model(model, options, b / "g.mmg");
    std::vector<std::filesystem::path> counts{shard_path(a / "g.mmg", 0, K), shard_path(b / "g.mmg", 1, 2)};
    CHECK(mmgraph::test::kind_thrown([&] { Dataset::open(counts); }) == ErrorKind::damaged);
}

TEST_CASE("dataset: opening by name reports damage and misuse with their kinds", "[dataset]") {
    const uint16_t K = 3;
    TempDir a, b;
    write_sharded(make_model(44, false), K, a / "g.mmg");
    write_sharded(make_model(45, false), K, b / "g.mmg");
    copy_over(shard_path(b / "g.mmg", 1, K), shard_path(a / "g.mmg", 1, K));
    CHECK(mmgraph::test::kind_thrown([&] { Dataset::open(a / "g.mmg"); }) == ErrorKind::damaged);
    copy_over(shard_path(a / "g.mmg", 0, K), shard_path(a / "g.mmg", 2, K));
    CHECK(mmgraph::test::kind_thrown([&] { Dataset::open(shard_path(a / "g.mmg", 0, K)); }) == ErrorKind::damaged);

    TempDir leftovers;
    Model model = make_model(46, false, 100, 300);
    write_sharded(model, 4, leftovers / "g.mmg");
    write_sharded(model, 2, leftovers / "g.mmg");
    CHECK(mmgraph::test::kind_thrown([&] { Dataset::open(leftovers / "g.mmg"); }) == ErrorKind::misuse);
    Dataset two = Dataset::open(shard_path(leftovers / "g.mmg", 0, 2));
    CHECK(mmgraph::test::kind_thrown([&] { two.vertex(VertexRef{2, 0}); }) == ErrorKind::misuse);
}

// --- Partial datasets: services that map some shards (Dataset::open(path, shards), shard_of) ---

namespace {

// The ShardNotMapped a call throws (the test fails when it throws none).
template <typename Call>
ShardNotMapped not_mapped_thrown(Call&& call) {
    try {
        call();
    } catch (const ShardNotMapped& e) {
        return e;
    }
    FAIL("no ShardNotMapped thrown");
    return ShardNotMapped(0, "");
}

}  // namespace

TEST_CASE("dataset: shard_of is the placement the writer uses", "[dataset][partial]") {
    for (bool int_keys : {false, true}) {
        for (uint16_t K : {1, 3, 4}) {
            INFO("K = " << K << (int_keys ? ", int64 keys" : ", string keys"));
            TempDir dir;
            Model model = make_model(50, int_keys, 300, 600);
            write_sharded(model, K, dir / "g.mmg");
            Dataset d = Dataset::open(dir / "g.mmg");
            for (const ModelVertex& mv : model.vertices) {
                const Key key = key_of(model, mv.key);
                auto v = d.find(key);
                REQUIRE(v.has_value());
                CHECK(v->file().shard_id() == shard_of(key, K));
                CHECK(shard_of(key, K) == spec_key_hash(model, mv.key) % K);
            }
        }
    }
    CHECK(shard_of(Key(std::string_view("anything")), 1) == 0);
    CHECK(test::kind_thrown([] { shard_of(Key(int64_t{1}), 0); }) == ErrorKind::misuse);
}

TEST_CASE("dataset: two services of half the shards each answer every key once, routed by shard_of", "[dataset][partial]") {
    const uint16_t K = 4;
    for (bool int_keys : {false, true}) {
        INFO((int_keys ? "int64 keys" : "string keys"));
        TempDir dir;
        Model model = make_model(51, int_keys, 400, 1500);
        write_sharded(model, K, dir / "g.mmg");
        Dataset full = Dataset::open(dir / "g.mmg");
        const std::vector<uint16_t> even{0, 2}, odd{1, 3};
        Dataset a = Dataset::open(dir / "g.mmg", even), b = Dataset::open(shard_path(dir / "g.mmg", 3, K), odd);
        Dataset* service_of[K] = {&a, &b, &a, &b};
        CHECK(a.shard_count() == K);
        CHECK(a.partial());
        CHECK_FALSE(full.partial());
        CHECK(a.mapped_shards() == even);
        CHECK(b.mapped_shards() == odd);
        CHECK(a.vertex_count() + b.vertex_count() == model.vertices.size());
        CHECK(a.edge_count() + b.edge_count() == full.edge_count());
        for (const ModelVertex& mv : model.vertices) {
            const Key key = key_of(model, mv.key);
            const uint16_t owner = shard_of(key, K);
            Dataset& serves = *service_of[owner];
            Dataset& other = &serves == &a ? b : a;
            auto v = serves.find(key);
            REQUIRE(v.has_value());
            CHECK(v->ref() == full.find(key)->ref());
            CHECK(v->key_string() == mv.key);
            ShardNotMapped e = not_mapped_thrown([&] { other.find(key); });
            CHECK(e.shard() == owner);
            CHECK(e.kind() == ErrorKind::misuse);
            CHECK_THAT(e.what(), Catch::Matchers::Contains("shard " + std::to_string(owner) + " of 4"));
            CHECK(not_mapped_thrown([&] { other.vertex(v->ref()); }).shard() == owner);
        }
        // Absent keys and keys of the other type answer nullopt only where they could live.
        const Key absent = int_keys ? Key(int64_t{-987654321}) : Key(std::string_view("no such key"));
        CHECK_FALSE(service_of[shard_of(absent, K)]->find(absent).has_value());
        CHECK(not_mapped_thrown([&] { (service_of[shard_of(absent, K)] == &a ? b : a).find(absent); }).shard() == shard_of(absent, K));
        const Key wrong_type = int_keys ? Key(std::string_view("text")) : Key(int64_t{5});
        CHECK_FALSE(a.find(wrong_type).has_value());
        CHECK_FALSE(b.find(wrong_type).has_value());

        // The batch find: a service's own keys answer as find; one foreign key throws, naming it.
        std::vector<Key> mine;
        for (const ModelVertex& mv : model.vertices)
            if (service_of[shard_of(key_of(model, mv.key), K)] == &a) mine.push_back(key_of(model, mv.key));
        std::vector<std::optional<Vertex>> out(mine.size());
        a.find(mine, out);
        for (size_t i = 0; i < mine.size(); ++i) CHECK((out[i] && out[i]->ref() == a.find(mine[i])->ref()));
        std::vector<Key> mixed = mine;
        const auto in_b = std::find_if(model.vertices.begin(), model.vertices.end(),
                                       [&](const ModelVertex& mv) { return service_of[shard_of(key_of(model, mv.key), K)] == &b; });
        REQUIRE(in_b != model.vertices.end());
        const Key foreign = key_of(model, in_b->key);
        mixed.insert(mixed.begin() + 1, foreign);
        std::vector<std::optional<Vertex>> mixed_out(mixed.size());
        ShardNotMapped e = not_mapped_thrown([&] { a.find(mixed, mixed_out); });
        CHECK(e.shard() == shard_of(foreign, K));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("(row 1)"));
    }
}

TEST_CASE("dataset: edges and references into unmapped shards come back as references to route", "[dataset][partial]") {
    const uint16_t K = 4;
    TempDir dir;
    Model model = make_model(52, false, 300, 2000);
    write_sharded(model, K, dir / "g.mmg");
    Dataset full = Dataset::open(dir / "g.mmg");
    Dataset a = Dataset::open(dir / "g.mmg", {0, 2}), b = Dataset::open(dir / "g.mmg", {1, 3});
    uint64_t routed = 0, in_properties = 0;
    for (uint16_t s : a.mapped_shards()) {
        for (Vertex v : a.shard(s).vertices()) {
            for (Direction dir : {Direction::out, Direction::in}) {
                for (const Edge& e : v.edges(dir)) {
                    const bool here = e.target.shard % 2 == 0;
                    CHECK(a.mapped(e.target.shard) == here);
                    if (here) {
                        CHECK(a.vertex(e.target).key_string() == full.vertex(e.target).key_string());
                        continue;
                    }
                    ++routed;
                    CHECK(not_mapped_thrown([&] { a.vertex(e.target); }).shard() == e.target.shard);
                    CHECK(b.vertex(e.target).key_string() == full.vertex(e.target).key_string());
                    // An in-edge's properties live in its source's shard: there, not here.
                    if (dir == Direction::in && !a.shard(s).edge_types()[e.type].attributes.empty()) {
                        ++in_properties;
                        CHECK(not_mapped_thrown([&] { a.property(e, v, 0u); }).shard() == e.target.shard);
                        CHECK(canonical(b.property(e, v, 0u), [](VertexRef) { return std::string(); }) ==
                              canonical(full.property(e, v, 0u), [](VertexRef) { return std::string(); }));
                    }
                }
            }
        }
    }
    CHECK(routed > 0);
    CHECK(in_properties > 0);

    // verify() checks the mapped shards and the edges between them.
    CHECK_NOTHROW(a.verify());
    CHECK_NOTHROW(b.verify());
    CHECK(not_mapped_thrown([&] { a.shard(1); }).shard() == 1);
    CHECK(test::kind_thrown([&] { a.shard(4); }) == ErrorKind::misuse);
    CHECK(test::kind_thrown([&] { a.vertex(VertexRef{4, 0}); }) == ErrorKind::misuse);
}

TEST_CASE("dataset: a partial open checks the shards it maps and refuses bad shard lists", "[dataset][partial]") {
    const uint16_t K = 4;
    TempDir dir, other;
    Model model = make_model(53, false, 200, 600);
    write_sharded(model, K, dir / "g.mmg");
    write_sharded(make_model(54, false, 200, 600), K, other / "g.mmg");

    // A service's host may hold only its own shards: the names beside the dataset path give K.
    TempDir half;
    for (uint16_t s : {1, 3}) copy_over(shard_path(dir / "g.mmg", s, K), shard_path(half / "g.mmg", s, K));
    CHECK(Dataset::open(half / "g.mmg", {1, 3}).vertex_count() == Dataset::open(dir / "g.mmg", {1, 3}).vertex_count());
    CHECK(Dataset::open(shard_path(half / "g.mmg", 1, K), {3}).mapped_shards() == std::vector<uint16_t>{3});
    CHECK_THROWS_AS(Dataset::open(half / "g.mmg", {0, 1}), Error);  // shard 0's file is not there
    CHECK_THROWS_AS(Dataset::open(half / "g.mmg"), Error);

    // Bad lists.
    const std::vector<uint16_t> none, past{1, 4}, twice{2, 0, 2};
    CHECK(test::kind_thrown([&] { Dataset::open(dir / "g.mmg", none); }) == ErrorKind::misuse);
    CHECK(test::kind_thrown([&] { Dataset::open(dir / "g.mmg", past); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(Dataset::open(dir / "g.mmg", past), Catch::Matchers::Contains("shard 4 out of range, the dataset has 4 shards"));
    CHECK(test::kind_thrown([&] { Dataset::open(dir / "g.mmg", twice); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(Dataset::open(dir / "g.mmg", twice), Catch::Matchers::Contains("shard 2 named twice"));

    // The dataset id and shard count checks still apply to the mapped shards.
    copy_over(shard_path(other / "g.mmg", 2, K), shard_path(dir / "g.mmg", 2, K));
    CHECK(test::kind_thrown([&] { Dataset::open(dir / "g.mmg", {0, 2}); }) == ErrorKind::damaged);
    CHECK_NOTHROW(Dataset::open(dir / "g.mmg", {0, 1, 3}));
    copy_over(shard_path(dir / "g.mmg", 0, K), shard_path(dir / "g.mmg", 1, K));  // shard 0's file named as shard 1
    CHECK(test::kind_thrown([&] { Dataset::open(dir / "g.mmg", {1}); }) == ErrorKind::damaged);
    TempDir three;
    write_sharded(model, 3, three / "x.mmg");
    std::filesystem::rename(shard_path(three / "x.mmg", 0, 3), three / "x-0-of-4.mmg");  // shard 0 of 3 named as of 4
    CHECK(test::kind_thrown([&] { Dataset::open(three / "x-0-of-4.mmg", {0}); }) == ErrorKind::damaged);

    // Leftover shards of another count make the dataset path ambiguous, for a partial open too.
    write_sharded(model, 2, other / "g.mmg");
    CHECK(test::kind_thrown([&] { Dataset::open(other / "g.mmg", {1}); }) == ErrorKind::misuse);
    CHECK(Dataset::open(shard_path(other / "g.mmg", 0, 2), {1}).shard_count() == 2);
}

TEST_CASE("dataset: a partial open from a list of shard files maps exactly the named shards", "[dataset][partial]") {
    const uint16_t K = 4;
    TempDir dir, renamed;
    Model model = make_model(55, true, 200, 600);
    write_sharded(model, K, dir / "g.mmg");
    auto files = renamed_shards(dir / "g.mmg", K, renamed, {3, 1});
    const std::vector<uint16_t> odd{1, 3}, one{1}, three{1, 2, 3};
    Dataset d = Dataset::open(files, odd);
    CHECK(d.mapped_shards() == odd);
    CHECK(d.shard(3).path() == files[0]);
    CHECK_NOTHROW(d.verify());
    CHECK_THROWS_WITH(Dataset::open(files, one), Catch::Matchers::Contains("not one of the shards named (1)"));
    CHECK_THROWS_WITH(Dataset::open(files, three), files[0].string() + ": the dataset has 4 shards, shard 2 not given");
    const std::vector<uint16_t> past{1, 3, 7};
    CHECK(test::kind_thrown([&] { Dataset::open(files, past); }) == ErrorKind::misuse);
}
