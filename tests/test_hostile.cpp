// Hostile files (spec §12): forged counts and lengths behind valid checksums. Each one must be
// refused, or fail on first access, with an Error naming the section, the offset or the limit,
// quickly and without allocating or looping in proportion to the forged number.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "mmgraph/format/adjacency.hpp"
#include "mmgraph/format/endian.hpp"
#include "support/probe.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;
using Catch::Contains;

namespace {

namespace hd = format::header;

constexpr auto kFast = std::chrono::seconds(2);  // generous: each case takes milliseconds

uint64_t peak_rss_kib() {
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<uint64_t>(usage.ru_maxrss);
}

// A small file with two labels' worth of features: a string, a list, two edge types (one with
// properties), in-edges. "ann" has the name "Ann" and the tags [1, 2, 3].
struct Forge {
    TempDir dir;
    std::vector<uint8_t> good;
    std::shared_ptr<const File> ref;

    explicit Forge(bool one_edge_type = false) {
        Writer w;
        auto person = w.add_label("Person", {{"name", TypeCode::string}, {"tags", Type::list_of(TypeCode::int32), true}});
        auto knows = w.add_edge_type("KNOWS");
        std::vector<int32_t> tags = {1, 2, 3};
        w.add_vertex("ann", person, {"Ann", Value::list(tags)});
        w.add_vertex("bob", person, {"Bob"});
        w.add_vertex("cy", person, {"Cy"});
        w.add_edge("ann", "bob", knows);
        w.add_edge("ann", "cy", knows);
        if (!one_edge_type) {
            auto rated = w.add_edge_type("RATED", {{"stars", TypeCode::uint8}, {"note", TypeCode::string, true}});
            w.add_edge("bob", "ann", rated, {5u, "good"});
        }
        w.finish(dir / "good.mmg");
        good = read_bytes(dir / "good.mmg");
        ref = File::open(dir / "good.mmg");
        ref->verify();
    }

    SectionInfo section(std::string_view name) const {
        for (const auto& s : ref->sections())
            if (s.name() == name) return s;
        FAIL("no section " << name);
        return {};
    }

    // File offset of the first occurrence of `pattern` inside a section.
    uint64_t find(std::string_view section_name, std::vector<uint8_t> pattern) const {
        SectionInfo s = section(section_name);
        auto begin = good.begin() + static_cast<ptrdiff_t>(s.offset);
        auto it = std::search(begin, begin + static_cast<ptrdiff_t>(s.length), pattern.begin(), pattern.end());
        REQUIRE(it != begin + static_cast<ptrdiff_t>(s.length));
        return static_cast<uint64_t>(it - good.begin());
    }

    // Applies `patch` to a copy, recomputes every checksum, writes it; returns its path.
    template <typename Patch>
    std::filesystem::path forge(Patch&& patch) const {
        auto b = good;
        patch(b);
        reseal(b);
        auto path = dir / "forged.mmg";
        write_bytes(path, b);
        return path;
    }
};

template <typename T>
void put(std::vector<uint8_t>& b, uint64_t at, T value) {
    format::store<T>(b.data() + at, value);
}

// Runs `fn`, which must throw mmgraph::Error whose message contains every piece, in under kFast.
template <typename Fn>
void refused(Fn&& fn, std::initializer_list<std::string> pieces) {
    const auto t0 = std::chrono::steady_clock::now();
    std::string message;
    try {
        fn();
    } catch (const Error& e) {
        message = e.what();
    }
    const auto took = std::chrono::steady_clock::now() - t0;
    INFO("error: " << message);
    REQUIRE_FALSE(message.empty());
    for (const auto& piece : pieces) CHECK_THAT(message, Contains(piece));
    CHECK(took < kFast);
}

}  // namespace

TEST_CASE("hostile: forged counts in the header and directory are refused at open", "[hostile]") {
    Forge f;
    const uint64_t rss_before = peak_rss_kib();
    SECTION("2^32 - 1 directory entries") {
        auto path = f.forge([](auto& b) { put<uint32_t>(b, hd::kSectionCountOff, 0xFFFF'FFFF); });
        refused([&] { File::open(path); }, {"section directory", "4294967295 entries", "outside the file"});
    }
    SECTION("more directory entries than ReaderOptions::max_sections") {
        ReaderOptions few;
        few.max_sections = 4;
        refused([&] { File::open(f.dir / "good.mmg", few); }, {"entries exceed the reader limit of 4", "max_sections"});
    }
    SECTION("2^31 vertices over a 3-vertex table") {
        auto path = f.forge([](auto& b) { put<uint64_t>(b, hd::kVertexCountOff, uint64_t{1} << 31); });
        refused([&] { File::open(path); }, {"section vertices", "holds 3 records, header says 2147483648"});
    }
    SECTION("2^63 vertices") {
        auto path = f.forge([](auto& b) { put<uint64_t>(b, hd::kVertexCountOff, uint64_t{1} << 63); });
        refused([&] { File::open(path); }, {"exceed the 2^31 per-shard limit"});
    }
    SECTION("a section length of 2^64 - 1") {
        auto path = f.forge([](auto& b) { put<uint64_t>(b, hd::kSize + 32 * 4 + 16, ~uint64_t{0}); });
        refused([&] { File::open(path); }, {"section 4 (nodes)", "outside the file"});
    }
    CHECK(peak_rss_kib() - rss_before < 64 * 1024);  // no allocation sized by a forged count
}

TEST_CASE("hostile: forged table counts are checked against their section before any loop", "[hostile]") {
    Forge f;
    const uint64_t rss_before = peak_rss_kib();
    const SectionInfo strings = f.section("strings"), schema = f.section("schema"), node_types = f.section("node_types");
    const SectionInfo vertices = f.section("vertices"), keys = f.section("key_table"), props = f.section("edge_props");
    SECTION("2^32 - 1 strings: past the reader limit") {
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, strings.offset, 0xFFFF'FFFF); });
        refused([&] { File::open(path); }, {"section strings", "offset 0x0", "exceed the reader limit", "max_strings"});
    }
    SECTION("2^32 - 1 strings with the reader limit lifted: past the section") {
        ReaderOptions unlimited;
        unlimited.max_strings = std::numeric_limits<uint64_t>::max();
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, strings.offset, 0xFFFF'FFFF); });
        refused([&] { File::open(path, unlimited); }, {"section strings", "string offset table", "past the end of the section"});
    }
    SECTION("65535 labels and 65535 edge types in a small schema") {
        auto path = f.forge([&](auto& b) {
            put<uint32_t>(b, schema.offset + 4, 0xFFFF);
            put<uint32_t>(b, schema.offset + 8, 0xFFFF);
        });
        refused([&] { File::open(path); }, {"section schema", "65535 labels and 65535 edge types do not fit the section"});
    }
    SECTION("2^32 - 1 attributes of one label") {
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, schema.offset + 16 + 4, 0xFFFF'FFFF); });
        refused([&] { File::open(path); }, {"section schema", "offset 0x14", "4294967295 attributes exceed the limit"});
    }
    SECTION("4000 attributes (within the limit) past the schema's end") {
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, schema.offset + 16 + 4, 4000); });
        refused([&] { File::open(path); }, {"section schema", "attribute descriptors", "past the end of the section"});
    }
    // §4.2: names are distinct; schema entries are Person (2 attributes), KNOWS, RATED (2).
    namespace sc = format::schema;
    const uint64_t knows_at = schema.offset + sc::kHeadSize + sc::kEntryHeadSize + 2 * sc::kAttrSize;
    const uint64_t rated_at = knows_at + sc::kEntryHeadSize;
    SECTION("two edge types of one name") {
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, rated_at, format::load<uint32_t>(b.data() + knows_at)); });
        refused([&] { File::open(path); }, {"section schema", "edge type name 'KNOWS' appears twice"});
    }
    SECTION("two attributes of one name in an edge type") {
        const uint64_t stars_at = rated_at + sc::kEntryHeadSize;
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, stars_at + sc::kAttrSize, format::load<uint32_t>(b.data() + stars_at)); });
        refused([&] { File::open(path); }, {"section schema", "attribute name 'stars' appears twice in 'RATED'"});
    }
    SECTION("2^32 - 1 node types") {
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, node_types.offset, 0xFFFF'FFFF); });
        refused([&] { File::open(path); }, {"section node_types", "4294967295 node types do not fit the section"});
    }
    SECTION("2^32 - 1 slots per vertex") {
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, vertices.offset, 0xFFFF'FFFF); });
        refused([&] { File::open(path); }, {"section vertices", "slot count 4294967295 is not between 2 and 16"});
    }
    // Open takes the key table's slot count from the section's length (§8.1); the head is only
    // checked by verify, and a forged one changes nothing a lookup reads.
    SECTION("a key table head for 2^64 - 1 vertices") {
        auto path = f.forge([&](auto& b) { put<uint64_t>(b, keys.offset + 8, ~uint64_t{0}); });
        auto file = File::open(path);
        CHECK(file->find("bob").has_value());
        refused([&] { file->verify(); }, {"section key_table", "offset 0x8", "is for 18446744073709551615 vertices, the shard has 3"});
    }
    SECTION("a key table length that is no whole number of slots") {
        uint64_t entry = 0;
        while (f.ref->sections()[entry].name() != "key_table") ++entry;
        auto path = f.forge([&](auto& b) { put<uint64_t>(b, hd::kSize + 32 * entry + 16, keys.length - 4); });
        refused([&] { File::open(path); }, {"section key_table", "do not hold a 16-byte head and whole 8-byte slots"});
    }
    SECTION("a key table with no more slots than vertices") {
        uint64_t entry = 0;
        while (f.ref->sections()[entry].name() != "key_table") ++entry;
        auto path = f.forge([&](auto& b) { put<uint64_t>(b, hd::kSize + 32 * entry + 16, format::kKeyTableHeadSize + 3 * format::kKeySlotSize); });
        refused([&] { File::open(path); }, {"section key_table", "3 slots for 3 vertices"});
    }
    SECTION("a full key table: a lookup of a missing key ends after C slots") {
        const uint64_t capacity = (keys.length - format::kKeyTableHeadSize) / format::kKeySlotSize;
        auto path = f.forge([&](auto& b) {
            uint64_t first = 0;  // vertex 0's slot, copied into every empty one
            for (uint64_t s = 0; s < capacity; ++s) {
                const uint64_t at = keys.offset + format::kKeyTableHeadSize + s * format::kKeySlotSize;
                if (format::load<uint64_t>(b.data() + at) >> 32 == 1) first = format::load<uint64_t>(b.data() + at);
            }
            REQUIRE(first != 0);
            for (uint64_t s = 0; s < capacity; ++s) {
                const uint64_t at = keys.offset + format::kKeyTableHeadSize + s * format::kKeySlotSize;
                if (format::load<uint64_t>(b.data() + at) == 0) put<uint64_t>(b, at, first);
            }
        });
        auto file = File::open(path);
        refused([&] {
            if (!file->find("nobody") && file->find("bob")) throw Error(ErrorKind::damaged, "lookups ended");
        }, {"lookups ended"});
        refused([&] { file->verify(); }, {"section key_table", "names vertex 0 a second time"});
    }
    SECTION("2^63 edge property rows") {
        auto path = f.forge([&](auto& b) { put<uint64_t>(b, props.offset + 8, uint64_t{1} << 63); });
        refused([&] { File::open(path); }, {"section edge_props", "rows do not fit the section"});
    }
    SECTION("an edge property heap offset of 2^64 - 8") {
        auto path = f.forge([&](auto& b) { put<uint64_t>(b, props.offset + 24, ~uint64_t{7}); });
        refused([&] { File::open(path); }, {"section edge_props", "heap offset", "lies past the section"});
    }
    CHECK(peak_rss_kib() - rss_before < 64 * 1024);
}

TEST_CASE("hostile: forged lengths inside records fail on access and in verify", "[hostile]") {
    Forge f;
    const uint64_t rss_before = peak_rss_kib();
    SECTION("a string length of 2^30 - 1 (a 5-byte VLQ)") {
        const uint64_t at = f.find("nodes", {3, 'A', 'n', 'n', 3});  // "Ann", then the tags' VLQ 3
        auto path = f.forge([&](auto& b) {
            // 0xFF x 4 then the 0x03 that follows: VLQ 0x3FFFFFFF. The key is untouched.
            std::fill_n(b.begin() + static_cast<ptrdiff_t>(at), 4, 0xFF);
        });
        auto file = File::open(path);
        refused([&] { (void)file->vertex(0).get("name").as_string(); }, {"section nodes", "offset 0x"});
        refused([&] { file->verify(); }, {"nodes", "offset"});
    }
    SECTION("a list of 2^21 elements") {
        const uint64_t at = f.find("nodes", {3, 1, 0, 0, 0, 2, 0, 0, 0});
        auto path = f.forge([&](auto& b) {
            const uint8_t vlq[4] = {0x80, 0x80, 0x80, 0x01};  // 2^21; then the element bytes
            std::copy(vlq, vlq + 4, b.begin() + static_cast<ptrdiff_t>(at));
        });
        auto file = File::open(path);
        refused([&] { (void)file->vertex(0).get("tags").list_size(); }, {"section nodes", "past the end of the section"});
        refused([&] { file->verify(); }, {"nodes"});
    }
    SECTION("a slot that names the vertex table itself as its domain") {
        const Vertex::Slots ann = f.ref->find("ann")->slots();
        const int vertices_entry = 3;
        REQUIRE(f.ref->sections()[vertices_entry].name() == "vertices");
        auto path = f.forge([&](auto& b) {
            put<uint64_t>(b, ann.slot_offset, (uint64_t{vertices_entry} << format::kSlotDomainShift) | 8);
        });
        auto file = File::open(path);
        refused([&] { (void)file->vertex(0).key(); }, {"section vertices", "names domain 3, expected directory entry 4"});
        // The batch lookup's prefetch stage peeks at the same slot: no prefetch, the same error.
        refused(
            [&] {
                const Key key = std::string_view("ann");
                std::vector<std::optional<Vertex>> found(1);
                file->find(std::span<const Key>(&key, 1), found);
            },
            {"section vertices", "names domain 3, expected directory entry 4"});
        CHECK(batch_mismatch(*file).empty());
        refused([&] { file->verify(); }, {"vertices"});
    }
    SECTION("two vertices sharing one node record") {
        const Vertex::Slots ann = f.ref->find("ann")->slots(), bob = f.ref->find("bob")->slots();
        auto path = f.forge([&](auto& b) { put<uint64_t>(b, bob.slot_offset, ann.node); });
        auto file = File::open(path);
        CHECK(file->vertex(1).key_string() == "ann");  // the lazy reader reads what it is pointed at
        refused([&] { file->verify(); }, {"section nodes", "offset"});
    }
    CHECK(peak_rss_kib() - rss_before < 64 * 1024);
}

TEST_CASE("hostile: a forged degree of 2^32 - 1 is refused before an entry is read", "[hostile]") {
    Forge f(/*one_edge_type=*/true);  // single-type records: the starts alone size the list
    const SectionInfo runs = f.section("out_runs");
    // Vertex 0's next start (§7.3), which ends its entries: a degree of 2^32 - 1.
    auto path = f.forge([&](auto& b) { put<uint32_t>(b, runs.offset + format::kRunsHeadSize + 4, 0xFFFF'FFFF); });
    auto file = File::open(path);
    refused([&] { (void)file->vertex(0).degree(Direction::out); }, {"section out_runs", "past the run's"});
    uint64_t seen = 0;
    refused(
        [&] {
            for (const Edge& e : file->vertex(0).edges(Direction::out)) seen += e.target.index < 3;
        },
        {"section out_runs", "past the run's"});
    CHECK(seen == 0);  // the starts are checked against the run's entries before the first is read
    const std::vector<uint32_t> frontier{1, 0, 2};
    refused(
        [&] {
            file->for_each_edge(frontier, Direction::out, [&](uint32_t from, const Edge&) { seen += from == 0; });
        },
        {"section out_runs", "past the run's"});
    refused(
        [&] {
            file->for_each_neighbour(frontier, Direction::out, [&](uint32_t from, VertexRef) { seen += from == 0; });
        },
        {"section out_runs", "past the run's"});
    CHECK(seen == 0);
    CHECK(batch_mismatch(*file).empty());
    refused([&] { file->verify(); }, {"out_runs"});
    refused([&] { (void)walk(*file); }, {"out_runs"});
}

// A flat record (§7) is its directory and ordinals; its degree and entries are the runs
// section's (§7.3). for_each_neighbour reads only the runs section, so damage in the record
// reaches it only through verify() and the other walks.
TEST_CASE("hostile: forged parts of a packed adjacency record fail where they are read", "[hostile]") {
    Forge f;  // two edge types: every record has a directory after its run
    const SectionInfo out = f.section("out_edges"), in = f.section("in_edges");
    const unsigned bits = format::packed_entry_bits(f.ref->vertex_count());
    auto layout = [&](uint64_t slot, uint64_t degree) {
        format::RecordLayout record{slot & format::kSlotOffsetMask, degree, static_cast<uint8_t>(bits), true, true, true};
        record.apart = true;
        return record;
    };
    auto neighbours = [](const File& file, Direction d, std::vector<uint32_t> frontier) {
        std::vector<uint32_t> seen;
        file.for_each_neighbour(std::span<const uint32_t>(frontier), d, [&](uint32_t, VertexRef w) { seen.push_back(w.index); });
        return seen;
    };
    SECTION("block counts that do not add up to the degree") {
        const format::RecordLayout ann = layout(f.ref->find("ann")->slots().out, 2);  // KNOWS -> bob, cy
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, out.offset + ann.directory_entry_offset(0) + 4, 1); });
        auto file = File::open(path);
        refused([&] { (void)file->vertex(0).edges(Direction::out); }, {"section out_edges", "block counts add up to 1, degree says 2"});
        refused([&] { file->for_each_edge(Direction::out, [](uint32_t, const Edge&) {}); }, {"block counts add up to 1, degree says 2"});
        CHECK(neighbours(*file, Direction::out, {0}) == std::vector<uint32_t>{1, 2});  // the run alone is intact
        CHECK(batch_mismatch(*file).empty());
        refused([&] { file->verify(); }, {"out_edges", "block counts add up to 1, degree says 2"});
    }
    SECTION("a degree whose entries run past the run") {
        const SectionInfo runs = f.section("out_runs");
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, runs.offset + format::kRunsHeadSize + 4, 0x0FFF'FFFF); });
        auto file = File::open(path);
        refused([&] { (void)neighbours(*file, Direction::out, {1, 0}); }, {"section out_runs", "past the run's"});
        refused([&] { (void)file->vertex(0).edges(Direction::out); }, {"section out_runs", "past the run's"});
        CHECK(batch_mismatch(*file).empty());
        refused([&] { file->verify(); }, {"out_runs"});
    }
    SECTION("ordinals past the end of the last record") {
        // cy's in-record (KNOWS from ann) ends the in_edges section; typed RATED, it needs an
        // ordinal per edge after its directory, which is not there.
        const format::RecordLayout cy = layout(f.ref->find("cy")->slots().in, 1);
        REQUIRE(cy.blocks_offset(1) == in.length);
        auto path = f.forge([&](auto& b) { put<uint32_t>(b, in.offset + cy.directory_entry_offset(0), 1); });
        auto file = File::open(path);
        refused([&] { for (const Edge& e : file->vertex(2).edges(Direction::in)) (void)e; }, {"section in_edges", "edge ordinals"});
        CHECK(neighbours(*file, Direction::in, {2}) == std::vector<uint32_t>{0});
        CHECK(batch_mismatch(*file).empty());
        refused([&] { file->verify(); }, {"in_edges"});
    }
}

// for_each_edge tests a slot's domain, its tags and where its record lies (detail::RunSource::
// read_apart): every slot it must not read inline goes to the iterator, whose error it then
// throws. In a file of one shard, for_each_neighbour reads the runs section alone (§7.3): a
// forged slot reaches it only through verify() and the other walks.
TEST_CASE("hostile: forged adjacency slots make for_each_edge throw the iterator's error", "[hostile]") {
    Forge f;
    const SectionInfo vertices = f.section("vertices"), out = f.section("out_edges");
    const Vertex::Slots ann = f.ref->find("ann")->slots(), bob = f.ref->find("bob")->slots();
    const uint64_t out_slot = ann.slot_offset + 8;  // roles are nodes, out_edges, in_edges
    const uint64_t domain_and_tag = ann.out & ~format::kSlotOffsetMask;
    REQUIRE(ann.slot_offset >= vertices.offset);
    auto error_of = [](auto&& fn) -> std::string {
        try {
            fn();
        } catch (const Error& e) {
            return e.what();
        }
        return "";
    };
    const std::vector<std::pair<std::string, uint64_t>> forged = {
        {"the reserved tag R", ann.out | 2},
        {"the in_edges domain", (bob.in & ~format::kSlotOffsetMask) | (ann.out & format::kSlotOffsetMask)},
        {"the nodes domain", (ann.node & ~format::kSlotOffsetMask) | format::kSlotTagLocal},
        {"domain id 0xFFFF", ann.out | uint64_t{0xFFFF} << format::kSlotDomainShift},
        {"an offset at the domain's end", domain_and_tag | out.length},
        {"an offset 2 bytes before it", domain_and_tag | (out.length - 2)},
        {"an offset past 2^32", domain_and_tag | uint64_t{1} << 40},
    };
    for (const auto& [what, value] : forged) {
        INFO("out slot of ann with " << what);
        auto path = f.forge([&](auto& b) { put<uint64_t>(b, out_slot, value); });
        auto file = File::open(path);
        const std::string expected = error_of([&] {
            for (const Edge& e : file->vertex(0).edges(Direction::out)) (void)e;
        });
        CHECK_FALSE(expected.empty());
        const std::vector<uint32_t> frontier{1, 0, 2};
        CHECK(error_of([&] { file->for_each_edge(std::span<const uint32_t>(frontier), Direction::out, [](uint32_t, const Edge&) {}); }) ==
              expected);
        CHECK(error_of([&] { file->for_each_edge(Direction::out, [](uint32_t, const Edge&) {}); }) == expected);
        // degree() reads the slot and the starts (§7.3), not the record: it fails as the
        // iterator does, or, where only the record is out of reach, gives the starts' degree.
        uint64_t degree = 0;
        const std::string degree_error = error_of([&] { degree = file->vertex(0).degree(Direction::out); });
        CHECK((degree_error == expected || (degree_error.empty() && degree == 2)));
        std::vector<uint32_t> seen;
        file->for_each_neighbour(std::span<const uint32_t>(frontier), Direction::out, [&](uint32_t v, VertexRef w) {
            if (v == 0) seen.push_back(w.index);
        });
        CHECK(seen == std::vector<uint32_t>{1, 2});  // ann's entries, from the runs section
        CHECK(batch_mismatch(*file).empty());
        CHECK_FALSE(error_of([&] { file->verify(); }).empty());
    }
    // The last 4 bytes of the domain hold a degree that fits: a run past the end is refused.
    auto path = f.forge([&](auto& b) { put<uint64_t>(b, out_slot, domain_and_tag | (out.length - 4)); });
    auto file = File::open(path);
    CHECK(batch_mismatch(*file).empty());
}

TEST_CASE("hostile: text that is not UTF-8 behind valid checksums is found by verify", "[hostile]") {
    Forge f;
    SECTION("a string value") {
        const uint64_t at = f.find("nodes", {'A', 'n', 'n'});
        auto path = f.forge([&](auto& b) { b[at + 1] = 0xFF; });
        auto file = File::open(path);
        CHECK(file->vertex(0).get("name").as_string() == "A\xFFn");  // read as the bytes they are
        refused([&] { file->verify(); }, {"section nodes", "'name'", "string is not UTF-8 (byte 0xFF)"});
    }
    SECTION("an edge property") {
        const uint64_t at = f.find("edge_props", {'g', 'o', 'o', 'd'});
        auto path = f.forge([&](auto& b) { b[at + 3] = 0xC3; });
        refused([&] { File::open(path)->verify(); }, {"section edge_props", "'note'", "string is not UTF-8 (byte 0xC3)"});
    }
    SECTION("a name of the string table") {
        const uint64_t at = f.find("strings", {'P', 'e', 'r', 's', 'o', 'n'});
        auto path = f.forge([&](auto& b) { b[at + 4] = 0xC0; });
        refused([&] { File::open(path)->verify(); }, {"section strings", "is not UTF-8 (byte 0xC0)"});
    }
}
