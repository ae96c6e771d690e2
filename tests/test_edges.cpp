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
    // format 1: 32-bit flat entries; 2.0 to 2.2: blocked flat records; 2.3: no key slot; 2.4: each flat record's own run
    for (const char* older : {"v1", "v2", "v2.3", "v2.4"})
        for (const auto& entry : std::filesystem::directory_iterator(kGolden / older))
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

TEST_CASE("RecordLayout: a packed record has its run first, a blocked one its blocks' ordinals before their entries", "[edges]") {
    using format::Ordinals;
    using format::RecordLayout;
    // §7.1's packed record at 0x1A4: D = 3, W = 4, blocks KNOWS (2, no ordinals), RATED (1, first).
    constexpr RecordLayout packed{0x1A4, 3, 4, true, true, true};
    static_assert(packed.run_offset() == 0x1A8 && packed.run_bytes() == 4 && packed.directory_offset() == 0x1AC);
    static_assert(packed.directory_entry_offset(1) == 0x1B8 && packed.blocks_offset(2) == 0x1C0);
    constexpr auto knows = packed.first_block(2, 2, 0, Ordinals::none);
    static_assert(knows.entries_offset() == 0x1A8 && knows.first == 0 && knows.entry_bytes() == 4 && knows.end() == 0x1C0);
    constexpr auto rated = knows.next(1, 0, Ordinals::first);
    static_assert(rated.entries_offset() == 0x1A8 && rated.first == 2 && rated.ordinal_offset(0) == 0x1C0);
    static_assert(rated.end() - packed.offset == 36);  // §7.1's length
    // The same record blocked (2.2): D, B, directory, then per block ordinals and run.
    constexpr RecordLayout blocked{0x1A4, 3, 4, true, false, true};
    static_assert(blocked.run_bytes() == 0 && blocked.directory_offset() == 0x1A8 && blocked.blocks_offset(2) == 0x1BC);
    constexpr auto knows2 = blocked.first_block(2, 2, 0, Ordinals::none);
    static_assert(knows2.entries_offset() == 0x1BC && knows2.end() == 0x1C0);
    constexpr auto rated2 = knows2.next(1, 0, Ordinals::first);
    static_assert(rated2.ordinal_offset(0) == 0x1C0 && rated2.entries_offset() == 0x1C8 && rated2.first == 0);
    static_assert(rated2.end() - blocked.offset == 40);
    // Grouped, in direction: each ordinal, then the groups' words.
    constexpr RecordLayout grouped{8, 3, 32, false, false, false};
    constexpr auto in = grouped.first_block(1, 3, 2, Ordinals::each);
    static_assert(in.ordinal_offset(2) == 28 && in.entries_offset() == 36 && in.entry_bytes() == 4 * (3 + 2) && in.end() == 56);
    // Format 1: one word per entry.
    constexpr RecordLayout format1{0, 3, 32, true, false, false};
    static_assert(format1.first_block(1, 3, 0, Ordinals::none).end() == 16);
    static_assert(format::block_ordinals(true, false) == Ordinals::first && format::block_ordinals(true, true) == Ordinals::each &&
                  format::block_ordinals(false, true) == Ordinals::none);
    static_assert(format::packed_layout(2, 3) && !format::packed_layout(2, 2) && !format::packed_layout(1, 1));
    SUCCEED();
}

TEST_CASE("EdgeRange blocks tile each adjacency record the anatomy describes", "[edges]") {
    for (const auto& path : golden_files()) {
        INFO(path);
        auto file = File::open(path);
        const bool multi = file->edge_types().size() > 1;
        const bool packed = format::packed_layout(file->version_major(), file->version_minor());
        const bool runs = format::runs_apart(file->version_major(), file->version_minor());
        const unsigned bits = file->version_major() == 1 ? 32 : format::packed_entry_bits(file->vertex_count());
        // The small golden files have 4-byte starts (§7.3).
        const uint64_t run_at = format::runs_run_offset(file->vertex_count(), 4);
        for (Vertex v : file->vertices()) {
            EdgeRange range = v.edges(Direction::out);
            if (range.empty()) continue;
            const uint64_t record = v.slots().out & format::kSlotOffsetMask;
            auto blocks = range.blocks();
            const bool packed_record = packed && range.local();
            const bool apart = runs && range.local();  // no degree or run in the record (§7.3)
            const uint64_t run = packed_record && !apart ? format::packed_bytes(range.size(), bits) : 0;
            CHECK(blocks[0].offset == record + (apart ? 0 : 4) + run + (multi ? 4 + 8 * blocks.size() : 0));
            for (size_t b = 0; b + 1 < blocks.size(); ++b) {
                CHECK(blocks[b + 1].offset == blocks[b].end());
                if (packed_record) CHECK(blocks[b + 1].first == blocks[b].first + blocks[b].count);
            }
            for (const auto& b : blocks) {
                CHECK(b.flat == range.local());
                CHECK(b.packed == packed_record);
                CHECK(b.apart == apart);
                if (packed_record) CHECK(b.entries_offset() == (apart ? run_at : record + 4));
            }
            if (apart) CHECK(blocks[0].first == format::load<uint32_t>(file->data() + [&] {
                for (const SectionInfo& s : file->sections())
                    if (s.name() == "out_runs") return s.offset + format::kRunsHeadSize + 4 * uint64_t{v.index()};
                return uint64_t{0};
            }()));
        }
    }
}

TEST_CASE("2.0 to 2.2 files read the same edges, types and ordinals through every walk as their 2.3 rewrites", "[edges][compat]") {
    struct Seen {
        uint32_t from;
        VertexRef target;
        uint32_t type;
        uint64_t ordinal;
        bool operator==(const Seen&) const = default;
    };
    auto by_iterator = [](const File& f, Direction d) {
        std::vector<Seen> out;
        for (Vertex v : f.vertices())
            for (const Edge& e : v.edges(d)) out.push_back({v.index(), e.target, e.type, e.ordinal});
        return out;
    };
    auto by_for_each_edge = [](const File& f, Direction d) {
        std::vector<Seen> out;
        f.for_each_edge(d, [&](uint32_t v, const Edge& e) { out.push_back({v, e.target, e.type, e.ordinal}); });
        return out;
    };
    auto neighbours = [](const std::vector<Seen>& edges) {
        std::vector<std::pair<uint32_t, VertexRef>> out;
        for (const Seen& e : edges) out.emplace_back(e.from, e.target);
        return out;
    };
    size_t compared = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kGolden / "v2")) {
        if (entry.path().extension() != ".mmg") continue;
        INFO(entry.path());
        auto old_file = File::open(entry.path());
        auto new_file = File::open(kGolden / entry.path().filename());
        CHECK(old_file->version_minor() < format::kPackedRecordMinor);
        CHECK(new_file->version_minor() >= format::kPackedRecordMinor);
        std::vector<uint32_t> frontier(old_file->vertex_count());
        for (uint32_t v = 0; v < frontier.size(); ++v) frontier[v] = static_cast<uint32_t>(frontier.size() - 1 - v);  // any order
        for (Direction d : {Direction::out, Direction::in}) {
            if (d == Direction::in && !old_file->has_in_edges()) continue;
            const auto expected = by_iterator(*old_file, d);
            CHECK(by_iterator(*new_file, d) == expected);
            CHECK(by_for_each_edge(*old_file, d) == expected);
            CHECK(by_for_each_edge(*new_file, d) == expected);
            for (const File* f : {old_file.get(), new_file.get()}) {
                std::vector<std::pair<uint32_t, VertexRef>> all, listed;
                f->for_each_neighbour(d, [&](uint32_t v, VertexRef w) { all.emplace_back(v, w); });
                CHECK(all == neighbours(expected));
                f->for_each_neighbour(std::span<const uint32_t>(frontier), d, [&](uint32_t v, VertexRef w) { listed.emplace_back(v, w); });
                std::vector<std::pair<uint32_t, VertexRef>> by_frontier;
                for (uint32_t v : frontier)
                    for (const Edge& e : f->vertex(v).edges(d)) by_frontier.emplace_back(v, e.target);
                CHECK(listed == by_frontier);
            }
            compared += expected.size();
        }
    }
    CHECK(compared > 0);
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
