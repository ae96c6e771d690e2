// A File or Dataset is immutable after open and shared between threads (reader.hpp): many
// threads reading it at once, and verify() alongside them, must all see the same data.
// Catch2 assertions are not thread-safe: workers only record results; the main thread checks.
#include <catch2/catch.hpp>

#include <exception>
#include <latch>
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
