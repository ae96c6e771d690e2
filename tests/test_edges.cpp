// Adjacency records through the public API: the block geometry of format/adjacency.hpp
// against the records the writer wrote (§7), EdgeRange::at against iteration, and iterators
// that outlive the range they came from.
#include <catch2/catch.hpp>

#include "mmgraph/format/adjacency.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::test::TempDir;

namespace {

const std::filesystem::path kGolden = MMGRAPH_TEST_DATA;

std::vector<std::filesystem::path> golden_files() {
    std::vector<std::filesystem::path> files{kGolden / "small.mmg", kGolden / "intkeys.mmg", kGolden / "lists.mmg",
                                             kGolden / "sharded-0-of-2.mmg", kGolden / "sharded-1-of-2.mmg"};
    for (const auto& entry : std::filesystem::directory_iterator(kGolden / "v1"))  // format 1: 32-bit flat entries
        if (entry.path().extension() == ".mmg") files.push_back(entry.path());
    return files;
}

void check_at_matches_iteration(const File& file) {
    for (Vertex v : file.vertices())
        for (Direction dir : {Direction::out, Direction::in}) {
            if (dir == Direction::in && !file.has_in_edges()) continue;
            EdgeRange range = v.edges(dir);
            uint64_t k = 0;
            for (const Edge& e : range) {
                INFO("vertex " << v.index() << " edge " << k);
                Edge got = range.at(k);
                CHECK(got.target == e.target);
                CHECK(got.type == e.type);
                CHECK(got.direction == e.direction);
                CHECK(got.ordinal == e.ordinal);
                CHECK(range[k].target == e.target);
                ++k;
            }
            CHECK(k == range.size());
            CHECK_THROWS_AS(range.at(k), Error);
            for (uint32_t type = 0; type < file.edge_types().size(); ++type) {
                EdgeRange one = v.edges(dir, type);
                uint64_t j = 0;
                for (const Edge& e : one) CHECK(one.at(j++).target == e.target);
                CHECK(j == one.size());
            }
        }
}

}  // namespace

TEST_CASE("BlockLayout: ordinals precede the entries; flat entries are packed, grouped ones are words", "[edges]") {
    using format::BlockLayout;
    using format::Ordinals;
    constexpr BlockLayout flat_out{100, 5, 0, 20, true, Ordinals::first};
    static_assert(flat_out.ordinal_bytes() == 8 && flat_out.entries_offset() == 108);
    static_assert(flat_out.entry_bytes() == 16);  // 5 x 20 bits in whole 32-bit words
    static_assert(flat_out.end() == 124);
    constexpr BlockLayout grouped_in{8, 3, 2, 32, false, Ordinals::each};
    static_assert(grouped_in.ordinal_offset(2) == 24 && grouped_in.entries_offset() == 32);
    static_assert(grouped_in.entry_bytes() == 4 * (3 + 2) && grouped_in.end() == 52);
    constexpr BlockLayout format1{4, 3, 0, 32, true, Ordinals::none};
    static_assert(format1.entry_bytes() == 12 && format1.end() == 16);
    static_assert(format::record_head_bytes(3, true) == 32 && format::record_head_bytes(1, false) == 4);
    static_assert(format::block_ordinals(true, false) == Ordinals::first && format::block_ordinals(true, true) == Ordinals::each &&
                  format::block_ordinals(false, true) == Ordinals::none);
    SUCCEED();
}

TEST_CASE("EdgeRange blocks tile each adjacency record the anatomy describes", "[edges]") {
    for (const auto& path : golden_files()) {
        auto file = File::open(path);
        const bool multi = file->edge_types().size() > 1;
        for (Vertex v : file->vertices()) {
            EdgeRange range = v.edges(Direction::out);
            if (range.empty()) continue;
            const uint64_t record = v.slots().out & format::kSlotOffsetMask;
            auto blocks = range.blocks();
            CHECK(blocks[0].offset == record + format::record_head_bytes(blocks.size(), multi));
            for (size_t b = 0; b + 1 < blocks.size(); ++b) CHECK(blocks[b + 1].offset == blocks[b].end());
            for (const auto& b : blocks) CHECK(b.flat == range.local());
        }
    }
}

TEST_CASE("EdgeRange::at gives the k-th edge of iteration order and checks k", "[edges]") {
    for (const auto& path : golden_files()) {
        INFO(path);
        check_at_matches_iteration(*File::open(path));
    }
    TempDir dir;
    for (uint64_t seed : {3u, 4u}) {
        mmgraph::test::RandomGraphOptions o;
        o.seed = seed;
        o.edge_types = seed == 3 ? 1 : 5;
        o.edges = seed == 3 ? 300 : 3000;  // with 5 types, some vertices have more blocks than EdgeRange keeps inline
        mmgraph::test::write_model(mmgraph::test::random_model(o), WriterOptions{}, dir / "g.mmg");
        check_at_matches_iteration(*File::open(dir / "g.mmg"));
    }
    auto file = File::open(kGolden / "small.mmg");
    try {
        file->vertex(0).edges(Direction::out).at(1000);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::misuse);
        CHECK(std::string(e.what()).find("out of range") != std::string::npos);
    }
}

TEST_CASE("an iterator does not depend on the range it came from", "[edges]") {
    for (const auto& path : golden_files()) {
        auto file = File::open(path);
        for (Vertex v : file->vertices()) {
            EdgeRange kept = v.edges(Direction::out);
            if (kept.size() < 2) continue;
            std::vector<Edge> expected(kept.begin(), kept.end());
            // The range is a temporary: it is gone before the iterator steps.
            auto it = v.edges(Direction::out).begin();
            for (const Edge& e : expected) {
                CHECK(it->target == e.target);
                CHECK(it->type == e.type);
                CHECK(it->ordinal == e.ordinal);
                ++it;
            }
            CHECK(it == EdgeRange::iterator());
            auto second = ++v.edges(Direction::out).begin();
            CHECK(second->target == expected[1].target);
        }
    }
}
