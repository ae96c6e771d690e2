// A File or Dataset is immutable after open and shared between threads (reader.hpp): many
// threads reading it at once, and verify() alongside them, must all see the same data.
// Catch2 assertions are not thread-safe: workers only record results; the main thread checks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <latch>
#include <numeric>
#include <random>
#include <thread>

#include <xxhash.h>

#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;

namespace {

constexpr unsigned kThreads = 8;

struct Digest {
    uint64_t sum = 0;  // sum of per-vertex hashes: independent of the visiting order
    uint64_t vertices = 0, values = 0, edges = 0, lookups = 0;
    bool operator==(const Digest&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Digest& d) {
    return os << "{sum " << d.sum << ", vertices " << d.vertices << ", values " << d.values << ", edges " << d.edges
              << ", lookups " << d.lookups << "}";
}

// Everything a reader can see about one vertex, as text: key, label, the result of looking the
// key up again, every attribute, every edge in both directions with its properties.
std::string describe(const Dataset& d, const Vertex& v, Digest& digest) {
    auto key_of = [&](VertexRef r) { return d.vertex(r).key_string(); };
    std::string text = v.key_string() + "/" + std::string(v.label_name());
    auto found = d.find(v.key());
    ++digest.lookups;
    text += found && found->ref() == v.ref() ? "/found" : "/LOST";
    const LabelInfo& label = v.file().labels()[v.label()];
    for (uint32_t j = 0; j < label.attributes.size(); ++j, ++digest.values) text += "/" + canonical(v.get(j), key_of);
    for (Direction dir : {Direction::out, Direction::in}) {
        text += dir == Direction::out ? "/out" : "/in";
        for (const Edge& e : v.edges(dir)) {
            ++digest.edges;
            text += "/" + key_of(e.target) + ":" + std::to_string(e.type);
            for (uint32_t p = 0; p < v.file().edge_types()[e.type].attributes.size(); ++p)
                text += "," + canonical(d.property(e, v, p), key_of);
        }
    }
    return text;
}

// Walks every vertex of every shard, starting at a per-thread offset so that concurrent
// walkers touch different parts of the mapping at the same moment.
Digest walk(const Dataset& d, uint64_t start_fraction) {
    Digest digest;
    for (uint16_t s = 0; s < d.shard_count(); ++s) {
        const File& f = d.shard(s);
        const uint64_t n = f.vertex_count();
        for (uint64_t k = 0; k < n; ++k) {
            Vertex v = f.vertex((k + start_fraction * n / kThreads) % n);
            std::string text = describe(d, v, digest);
            digest.sum += XXH3_64bits(text.data(), text.size());
            ++digest.vertices;
        }
    }
    return digest;
}

// The same walk through the single-file API only (File::find, File::property, File::vertex).
Digest walk(const File& f, uint64_t start_fraction) {
    Digest digest;
    auto key_of = [&](VertexRef r) { return f.vertex(r.index).key_string(); };
    const uint64_t n = f.vertex_count();
    for (uint64_t k = 0; k < n; ++k) {
        Vertex v = f.vertex((k + start_fraction * n / kThreads) % n);
        std::string text = v.key_string() + "/" + std::string(v.label_name());
        auto found = f.find(v.key());
        ++digest.lookups;
        text += found && found->index() == v.index() ? "/found" : "/LOST";
        const LabelInfo& label = f.labels()[v.label()];
        for (uint32_t j = 0; j < label.attributes.size(); ++j, ++digest.values) text += "/" + canonical(v.get(j), key_of);
        for (Direction dir : {Direction::out, Direction::in}) {
            for (const Edge& e : v.edges(dir)) {
                ++digest.edges;
                text += "/" + key_of(e.target) + ":" + std::to_string(e.type);
                for (uint32_t p = 0; p < f.edge_types()[e.type].attributes.size(); ++p)
                    text += "," + canonical(f.property(e, p), key_of);
            }
        }
        digest.sum += XXH3_64bits(text.data(), text.size());
        ++digest.vertices;
    }
    return digest;
}

struct Outcome {
    Digest digest;
    std::string error;  // empty on success
    unsigned verifications = 0;
};

// Runs fn(thread index) on kThreads threads released together by a latch.
template <typename Fn>
std::vector<Outcome> run_threads(Fn fn) {
    std::vector<Outcome> outcomes(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            try {
                fn(t, outcomes[t]);
            } catch (const std::exception& e) {
                outcomes[t].error = e.what();
            } catch (...) {
                outcomes[t].error = "unknown exception";
            }
        });
    for (auto& th : threads) th.join();
    return outcomes;
}

Model test_model(bool int_keys) {
    RandomGraphOptions o;
    o.seed = int_keys ? 202 : 201;
    o.vertices = 3000;
    o.edges = 12000;
    o.edge_types = 3;
    o.int_keys = int_keys;
    return random_model(o);
}

}  // namespace

TEST_CASE("concurrency: eight threads reading one File see what one thread sees", "[concurrency]") {
    TempDir dir;
    Model model = test_model(false);
    write_model(model, {}, dir / "g.mmg");
    std::shared_ptr<const File> file = File::open(dir / "g.mmg");

    const Digest expected = walk(*file, 0);
    REQUIRE(expected.vertices == model.vertices.size());
    REQUIRE(expected.edges == 2 * model.edges.size());  // each edge once out, once in
    REQUIRE(expected.lookups == model.vertices.size());
    // The walk's start offset does not change the digest (it is a sum over vertices).
    REQUIRE(walk(*file, 3) == expected);

    auto outcomes = run_threads([&](unsigned t, Outcome& out) { out.digest = walk(*file, t); });
    for (unsigned t = 0; t < kThreads; ++t) {
        INFO("thread " << t);
        CHECK(outcomes[t].error == "");
        CHECK(outcomes[t].digest == expected);
    }
}

TEST_CASE("concurrency: eight threads reading one 3-shard Dataset see what one thread sees", "[concurrency]") {
    TempDir dir;
    Model model = test_model(true);
    WriterOptions options;
    options.shard_count = 3;
    write_model(model, options, dir / "g.mmg");
    const Dataset dataset = Dataset::open(dir / "g.mmg");

    const Digest expected = walk(dataset, 0);
    REQUIRE(expected.vertices == model.vertices.size());
    REQUIRE(expected.edges == 2 * model.edges.size());

    auto outcomes = run_threads([&](unsigned t, Outcome& out) { out.digest = walk(dataset, t); });
    for (unsigned t = 0; t < kThreads; ++t) {
        INFO("thread " << t);
        CHECK(outcomes[t].error == "");
        CHECK(outcomes[t].digest == expected);
    }
}

TEST_CASE("concurrency: verify() runs while other threads read", "[concurrency]") {
    TempDir dir;
    Model model = test_model(false);
    WriterOptions options;
    options.shard_count = 2;
    write_model(model, options, dir / "g.mmg");
    const Dataset dataset = Dataset::open(dir / "g.mmg");
    const Digest expected = walk(dataset, 0);

    // Threads 0 and 1 verify (the whole dataset, then one shard) while 2-7 walk; every reader
    // walks twice so that the walks overlap the verifications.
    auto outcomes = run_threads([&](unsigned t, Outcome& out) {
        if (t == 0) {
            for (int i = 0; i < 2; ++i, ++out.verifications) dataset.verify();
        } else if (t == 1) {
            for (int i = 0; i < 3; ++i, ++out.verifications) dataset.shard(static_cast<uint16_t>(i % 2)).verify();
        } else {
            Digest first = walk(dataset, t);
            out.digest = walk(dataset, t + 1);
            if (!(first == out.digest)) out.error = "two walks by one thread differ";
        }
    });
    for (unsigned t = 0; t < kThreads; ++t) {
        INFO("thread " << t);
        CHECK(outcomes[t].error == "");
        if (t == 0) CHECK(outcomes[t].verifications == 2);
        else if (t == 1) CHECK(outcomes[t].verifications == 3);
        else CHECK(outcomes[t].digest == expected);
    }
}

// The writer is single-threaded but for Writer::find_int_keys_concurrently, which an importer's
// parsing threads call while its adding thread adds vertices. A found id must be the key's
// vertex, unless found_ids_current says a failed call has taken vertices back since.
TEST_CASE("concurrency: threads find int keys while one thread adds their vertices and takes some back", "[concurrency]") {
    IntKeyedWriter setup;
    Writer& w = setup.writer;
    const LabelId plain = setup.plain, counted = setup.counted;
    constexpr int64_t kKeys = 200000, kDoomed = 5000;  // keys [kKeys, kKeys + kDoomed) are always taken back
    std::vector<int64_t> order(kKeys);
    std::iota(order.begin(), order.end(), int64_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937_64(5));

    struct Found {
        int64_t key;
        uint32_t id;
        uint64_t stamp;
    };
    constexpr unsigned kFinders = 3;
    std::vector<std::vector<Found>> found(kFinders);
    std::vector<std::string> errors(kFinders);
    std::atomic<bool> done{false};
    std::vector<std::thread> finders;
    for (unsigned t = 0; t < kFinders; ++t)
        finders.emplace_back([&, t] {
            try {
                std::mt19937_64 rng(t);
                std::vector<int64_t> keys(256);
                std::vector<uint32_t> ids(keys.size());
                // Finds until the adding is over, then once more: that round's stamps are current.
                for (bool last = false; !last;) {
                    last = done.load(std::memory_order_acquire);
                    for (int64_t& key : keys) key = static_cast<int64_t>(rng() % (kKeys + kDoomed));
                    const uint64_t stamp = w.find_int_keys_concurrently(keys, ids);
                    if (found[t].size() < 400000 || last)
                        for (size_t i = 0; i < keys.size(); ++i) found[t].push_back({keys[i], ids[i], stamp});
                }
            } catch (const std::exception& e) {
                errors[t] = e.what();
            }
        });

    std::vector<uint32_t> ids(1000);
    const std::vector<Value> good{Value(int64_t{1})}, bad{Value("not a number")};
    for (int64_t at = 0, batch = 0; at < kKeys; at += 1000, ++batch) {
        w.vertices_for_int_keys(std::span<const int64_t>(order).subspan(static_cast<size_t>(at), 1000), plain, ids);
        if (batch % 10 != 0) continue;
        std::vector<Key> doomed;
        for (int64_t k = 0; k < 50; ++k) doomed.emplace_back(kKeys + (batch * 50 + k) % kDoomed);
        CHECK_THROWS(w.add_vertices(doomed, counted, [&](size_t row) { return std::span<const Value>(row + 1 == doomed.size() ? bad : good); }));
    }
    done.store(true, std::memory_order_release);
    for (std::thread& finder : finders) finder.join();

    std::vector<int64_t> all(kKeys + kDoomed);
    std::iota(all.begin(), all.end(), int64_t{0});
    std::vector<uint32_t> final_ids(all.size());
    w.find_int_keys_concurrently(all, final_ids);  // every key now has a direct slot
    REQUIRE(std::count(final_ids.begin(), final_ids.begin() + kKeys, Writer::kUnfound) == 0);
    REQUIRE(std::count(final_ids.begin() + kKeys, final_ids.end(), Writer::kUnfound) == kDoomed);
    size_t checked = 0, current = 0, stale = 0;
    for (unsigned t = 0; t < kFinders; ++t) {
        INFO("finder " << t);
        CHECK(errors[t] == "");
        for (const Found& f : found[t]) {
            if (f.id == Writer::kUnfound) continue;
            ++checked;
            if (w.found_ids_current(f.stamp)) {
                ++current;
                if (f.id != final_ids[static_cast<size_t>(f.key)]) FAIL("key " << f.key << " found as " << f.id << ", is " << final_ids[static_cast<size_t>(f.key)]);
            } else {
                ++stale;  // a key never taken back keeps its vertex all the same
                if (f.key < kKeys && f.id != final_ids[static_cast<size_t>(f.key)]) FAIL("key " << f.key << " found as " << f.id);
            }
        }
    }
    INFO("found " << checked << " ids, " << current << " with a current stamp, " << stale << " stale");
    CHECK(current > 0);
    CHECK(stale > 0);
}
