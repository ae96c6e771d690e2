// EdgeRange::local_targets, the decoder of whole flat runs (§7.2): format::unpack_entries against
// packed_entry at every width, the reader call against the iterator on seeded random graphs
// (one and several edge types, properties or not, in-edges, format 1 files), its misuse errors,
// and damaged records, which must fail exactly as iterating them fails.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "mmgraph/format/layout.hpp"
#include "mmgraph/format/packed.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::test::TempDir;

namespace {

// The iterator's targets of a range, as local indices.
std::vector<uint32_t> iterated(const EdgeRange& range) {
    std::vector<uint32_t> out;
    for (const Edge& e : range) out.push_back(e.target.index);
    return out;
}

// Every range of the file (each vertex, direction, and per type) decoded both ways.
void check_file(const File& file) {
    for (Vertex v : file.vertices())
        for (Direction dir : {Direction::out, Direction::in}) {
            if (dir == Direction::in && !file.has_in_edges()) continue;
            std::vector<EdgeRange> ranges{v.edges(dir)};
            for (uint32_t t = 0; t < file.edge_types().size(); ++t) ranges.push_back(v.edges(dir, t));
            for (const EdgeRange& range : ranges) {
                INFO("vertex " << v.index() << " size " << range.size());
                REQUIRE(range.local());
                const std::vector<uint32_t> expected = iterated(range);
                std::vector<uint32_t> local(range.size() + 2, 7);  // the slack stays untouched
                const uint32_t largest = range.local_targets(local);
                CHECK(std::vector<uint32_t>(local.begin(), local.begin() + static_cast<ptrdiff_t>(range.size())) == expected);
                CHECK(local[range.size()] == 7);
                CHECK(largest == (expected.empty() ? 0 : *std::max_element(expected.begin(), expected.end())));
                std::vector<int64_t> global(range.size());
                CHECK(range.local_targets(global, 1000) == largest);
                for (size_t k = 0; k < expected.size(); ++k) CHECK(global[k] == 1000 + int64_t{expected[k]});
            }
        }
}

}  // namespace

TEST_CASE("unpack_entries decodes a packed run, or a block inside it, as packed_entry does, at every width", "[local_targets]") {
    std::mt19937_64 random(20);
    for (unsigned bits = 1; bits <= 32; ++bits) {
        const uint32_t mask = bits == 32 ? format::kLocalIndexMask : static_cast<uint32_t>((uint64_t{1} << bits) - 1);
        for (uint64_t count : {0u, 1u, 2u, 3u, 5u, 31u, 32u, 33u, 64u, 100u, 1000u}) {
            INFO("W " << bits << ", " << count << " entries");
            std::vector<uint32_t> values(count);
            for (auto& value : values) value = static_cast<uint32_t>(random()) & (bits == 32 ? 0xFFFFFFFFu : mask);
            // A run of its own bytes, so that a read past it is a sanitizer report.
            std::vector<uint8_t> run(format::packed_bytes(count, bits));
            format::pack_entries(run.data(), count, bits, [&](uint64_t i) { return values[i]; });
            const uint64_t words = run.size() / 4;
            std::vector<int64_t> out(count);
            const uint32_t largest = format::unpack_entries<int64_t>(run.data(), words, 0, count, bits, mask, out.data(), -5);
            uint32_t expected_largest = 0;
            for (uint64_t k = 0; k < count; ++k) {
                const uint32_t entry = format::packed_entry(run.data(), words, k, bits, mask);
                CHECK(entry == (values[k] & mask));
                CHECK(out[k] == int64_t{entry} - 5);
                expected_largest = std::max(expected_largest, entry);
            }
            CHECK(largest == expected_largest);
            // A block inside the run (a packed record's later block, §7): entries [first, count).
            const uint64_t first = count / 3;
            std::vector<int64_t> tail(count - first);
            format::unpack_entries<int64_t>(run.data(), words, first, count - first, bits, mask, tail.data(), 0);
            for (uint64_t k = first; k < count; ++k) CHECK(tail[k - first] == int64_t{values[k] & mask});
        }
    }
}

TEST_CASE("local_targets gives the iterator's targets on seeded random graphs", "[local_targets]") {
    TempDir dir;
    // Vertex counts give W from 1 (2 vertices) to 11; several edge types and properties give
    // multi-block records (packed: blocks inside one run, ordinals after it); every third graph
    // has no in-edges.
    const uint32_t sizes[] = {1, 2, 3, 4, 5, 8, 9, 17, 33, 100, 129, 600, 1025, 1500};
    for (uint64_t seed = 1; seed <= 14; ++seed) {
        mmgraph::test::RandomGraphOptions o;
        o.seed = seed;
        o.vertices = sizes[seed - 1];
        o.edges = o.vertices * (seed % 4 + 1) * 3;
        o.edge_types = seed % 3 + 1;
        o.properties = seed % 2 == 0;
        o.int_keys = seed % 5 == 0;
        WriterOptions w;
        w.store_in_edges = seed % 3 != 0;
        const auto path = dir / ("g" + std::to_string(seed) + ".mmg");
        mmgraph::test::write_model(mmgraph::test::random_model(o), w, path);
        auto file = File::open(path);
        INFO("seed " << seed << ", " << file->vertex_count() << " vertices");
        check_file(*file);
    }
}

TEST_CASE("local_targets reads format 1 files (32-bit entries, terminator masked)", "[local_targets]") {
    const std::filesystem::path v1 = std::filesystem::path(MMGRAPH_TEST_DATA) / "v1";
    for (const auto& entry : std::filesystem::directory_iterator(v1)) {
        if (entry.path().extension() != ".mmg") continue;
        auto file = File::open(entry.path());
        if (file->shard_count() > 1) continue;  // grouped records: not local
        INFO(entry.path());
        check_file(*file);
    }
}

TEST_CASE("local_targets refuses a grouped range and a short buffer", "[local_targets]") {
    const std::filesystem::path data = MMGRAPH_TEST_DATA;
    auto shard = File::open(data / "sharded-0-of-2.mmg");
    bool saw_grouped = false;
    for (Vertex v : shard->vertices()) {
        const EdgeRange range = v.edges(Direction::out);
        if (range.local() || range.empty()) continue;
        saw_grouped = true;
        std::vector<uint32_t> out(range.size());
        CHECK_THROWS_MATCHES(range.local_targets(out), Error, Catch::Predicate<Error>([](const Error& e) {
                                 return e.kind() == ErrorKind::misuse && std::string(e.what()).find("grouped") != std::string::npos;
                             }));
    }
    CHECK(saw_grouped);
    auto file = File::open(data / "small.mmg");
    for (Vertex v : file->vertices()) {
        const EdgeRange range = v.edges(Direction::out);
        if (range.size() < 1) continue;
        std::vector<int64_t> out(range.size() - 1);
        CHECK_THROWS_MATCHES(range.local_targets(out, 0), Error,
                             Catch::Predicate<Error>([](const Error& e) { return e.kind() == ErrorKind::misuse; }));
        std::vector<uint32_t> none;
        CHECK(EdgeRange().local_targets(none) == 0);
        break;
    }
}

TEST_CASE("local_targets fails on a damaged record as the iterator does", "[local_targets]") {
    TempDir dir;
    for (uint32_t types : {1u, 3u}) {
        mmgraph::test::RandomGraphOptions o;
        o.seed = 40 + types;
        o.vertices = 300;
        o.edges = 3000;
        o.edge_types = types;
        o.properties = true;
        const auto good_path = dir / "good.mmg";
        mmgraph::test::write_model(mmgraph::test::random_model(o), WriterOptions{}, good_path);
        const std::vector<uint8_t> good = mmgraph::test::read_bytes(good_path);
        auto original = File::open(good_path);
        uint64_t runs_section = 0;
        for (const SectionInfo& s : original->sections())
            if (s.name() == "out_runs") runs_section = s.offset;
        REQUIRE(runs_section != 0);
        // Each vertex with out-edges in turn gets an end (its next start, §7.3) past the run's
        // entries, whatever its record's blocks.
        uint32_t damaged_records = 0;
        for (uint32_t index = 0; index < original->vertex_count() && damaged_records < 20; index += 7) {
            const Vertex v = original->vertex(index);
            const EdgeRange range = v.edges(Direction::out);
            if (range.empty()) continue;
            std::vector<uint8_t> bytes = good;
            constexpr uint32_t kForged = 1u << 20;  // entries: more than the run holds
            REQUIRE(format::load<uint32_t>(bytes.data() + runs_section) == 4);  // start_bytes
            format::store<uint32_t>(bytes.data() + runs_section + format::kRunsHeadSize + 4 * (uint64_t{index} + 1), kForged);
            const auto bad_path = dir / "bad.mmg";
            mmgraph::test::write_bytes(bad_path, bytes);
            auto bad = File::open(bad_path);
            INFO("types " << types << ", vertex " << index);
            std::string iterated_error, decoded_error;
            try {
                const EdgeRange r = bad->vertex(index).edges(Direction::out);
                for (const Edge& e : r) (void)e;
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::damaged);
                iterated_error = e.what();
            }
            try {
                const EdgeRange r = bad->vertex(index).edges(Direction::out);
                std::vector<uint32_t> out(r.size());
                r.local_targets(out);
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::damaged);
                decoded_error = e.what();
            }
            REQUIRE_FALSE(iterated_error.empty());
            CHECK(iterated_error.find("out_runs") != std::string::npos);
            CHECK(iterated_error.find("past the run's") != std::string::npos);
            CHECK(decoded_error == iterated_error);
            ++damaged_records;
        }
        CHECK(damaged_records > 5);
    }
}
