// Damaged and foreign files (spec §12): open, verify and every read either succeed or throw
// mmgraph::Error naming the section and offset; nothing crashes, hangs or throws anything else.
// Checksums must catch every flipped bit; resealed damage (checksums recomputed over a changed
// byte) exercises the structural checks behind them.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "mmgraph/anatomy.hpp"
#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/fields.hpp"
#include "mmgraph/format/hash.hpp"
#include "support/damage.hpp"
#include "support/error_kind.hpp"
#include "support/probe.hpp"
#include "support/temporal_graph.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;
using Catch::Contains;

namespace {

namespace hd = format::header;

void store64(std::vector<uint8_t>& b, uint64_t at, uint64_t v) { format::store<uint64_t>(b.data() + at, v); }

void fix_header_checksum(std::vector<uint8_t>& b) {
    store64(b, hd::kHeaderHashOff, format::checksum(b.data(), hd::kHeaderHashOff));
}

struct Outcome {
    bool opened = false;
    bool verified = false;   // verify() completed
    bool walked = false;     // walk() completed
    std::string open_error, verify_error, walk_error;
    std::string dump;        // what the walk read, when it completed
    std::string foreign;     // an exception that is not mmgraph::Error
    std::string batch;       // how the batch reads differed from one-at-a-time reads, if they did
    std::string collected;   // how verify_all() disagreed with verify(), if it did
    bool detected() const { return !opened || !verified; }
};

// verify_all() against verify() on one file: ok exactly when verify() passed, its first finding
// verify()'s error, and every finding placed in the section it names. "" when all hold.
std::string verify_all_mismatch(const File& file, bool verified, const std::string& verify_error) {
    VerifyReport report = file.verify_all();
    if (!report.complete()) return "report incomplete";
    if (report.ok() != verified) return std::string("verify_all ") + (report.ok() ? "passed" : "failed") + ", verify " + (verified ? "passed" : "failed");
    if (!verified && report.findings.front().message != verify_error)
        return "first finding '" + report.findings.front().message + "', verify: '" + verify_error + "'";
    for (const VerifyFinding& f : report.findings) {
        if (f.section < 0) continue;
        const SectionInfo& s = file.sections()[static_cast<size_t>(f.section)];
        if (f.area != s.name() || f.offset < s.offset || f.offset - s.offset > s.length || (s.length && f.offset - s.offset == s.length))
            return "finding at " + std::to_string(f.offset) + " placed in " + f.area + ": " + f.message;
    }
    return "";
}

// Under a sanitizer (5-10x slower) verify_all() is held to verify(), and the batch APIs to the
// walk, on every fourth damaged copy only: the sweeps stay within their time limit, and the
// plain build checks every copy.
#ifdef MMGRAPH_TEST_SANITIZED
constexpr unsigned kThoroughEvery = 4;
#else
constexpr unsigned kThoroughEvery = 1;
#endif

// Opens, verifies and walks `path`; the walk runs even when verify() threw, because a reader
// that skips verify must not crash either.
Outcome probe(const std::filesystem::path& path) {
    static unsigned probes = 0;  // the sweeps run on Catch's one thread
    Outcome o;
    std::shared_ptr<const File> file;
    auto guard = [&](std::string& error, auto&& fn) -> bool {
        try {
            fn();
            return true;
        } catch (const Error& e) {
            error = e.what();
        } catch (const std::exception& e) {
            o.foreign += std::string(typeid(e).name()) + ": " + e.what() + "; ";
        }
        return false;
    };
    o.opened = guard(o.open_error, [&] { file = File::open(path); });
    if (!o.opened) return o;
    o.verified = guard(o.verify_error, [&] { file->verify(); });
    const bool thorough = probes++ % kThoroughEvery == 0;
    std::string collect_error;
    if (thorough && !guard(collect_error, [&] { o.collected = verify_all_mismatch(*file, o.verified, o.verify_error); }))
        o.collected = "verify_all threw: " + collect_error;
    o.walked = guard(o.walk_error, [&] { o.dump = walk(*file); });
    std::string unused;
    if (thorough) guard(unused, [&] { o.batch = batch_mismatch(*file); });
    return o;
}

// A small graph whose last node record is short, for targeted damage.
std::vector<uint8_t> small_graph(const TempDir& dir) {
    Writer w;
    auto person = w.add_label("Person", {{"age", TypeCode::int32}, {"name", TypeCode::string}});
    auto knows = w.add_edge_type("KNOWS");
    auto rated = w.add_edge_type("RATED", {{"stars", TypeCode::uint8}, {"note", TypeCode::string, true}});
    w.add_vertex("ann", person, {30, "Ann"});
    w.add_vertex("bob", person, {40, "Bob"});
    w.add_vertex("cy", person, {50, "Cy"});
    w.add_edge("ann", "bob", knows);
    w.add_edge("ann", "cy", rated, {5u, "good"});
    w.add_edge("bob", "ann", rated, {3u});
    w.add_edge("cy", "cy", knows);
    w.finish(dir / "small.mmg");
    File::open(dir / "small.mmg")->verify();
    return read_bytes(dir / "small.mmg");
}

SectionInfo section(const File& f, std::string_view name) {
    for (const auto& s : f.sections())
        if (s.name() == name) return s;
    FAIL("no section " << name);
    return {};
}

}  // namespace

// ---- foreign files ------------------------------------------------------------------------

TEST_CASE("damaged: empty, tiny, text and PNG files are refused", "[damaged]") {
    TempDir dir;
    mmgraph::test::write_bytes(dir / "empty.mmg", {});
    CHECK_THROWS_WITH(File::open(dir / "empty.mmg"), Contains("0 bytes") && Contains("128-byte header"));
    mmgraph::test::write_bytes(dir / "ten.mmg", std::vector<uint8_t>(10, 0x89));
    CHECK_THROWS_WITH(File::open(dir / "ten.mmg"), Contains("10 bytes"));

    std::string text;
    while (text.size() < 300) text += "this is a plain text file, not a graph\n";
    mmgraph::test::write_bytes(dir / "text.mmg", std::vector<uint8_t>(text.begin(), text.end()));
    CHECK_THROWS_WITH(File::open(dir / "text.mmg"), Contains("bad magic"));

    // PNG signature (same structure as ours: 0x89, 3 letters, CR LF SUB LF) then an IHDR chunk.
    std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89};
    png.resize(512, 0);
    mmgraph::test::write_bytes(dir / "png.mmg", png);
    CHECK_THROWS_WITH(File::open(dir / "png.mmg"), Contains("bad magic"));

    CHECK_THROWS_WITH(File::open(dir / "missing.mmg"), Contains("cannot open"));
    CHECK_THROWS_WITH(File::open(dir.path), Contains("not a regular file"));
    CHECK_THROWS_AS(Dataset::open(dir / "text.mmg"), Error);
}

TEST_CASE("damaged: a different major version is refused, a newer minor is read", "[damaged]") {
    TempDir dir;
    auto good = small_graph(dir);
    SECTION("major 3") {
        auto b = good;
        format::store<uint16_t>(b.data() + hd::kMajorOff, 3);
        fix_header_checksum(b);
        mmgraph::test::write_bytes(dir / "v3.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "v3.mmg"), Contains("format version 3." + std::to_string(format::kVersionMinor) + " is not supported") && Contains("major versions 1 to 2"));
    }
    SECTION("major 0") {
        auto b = good;
        format::store<uint16_t>(b.data() + hd::kMajorOff, 0);
        fix_header_checksum(b);
        mmgraph::test::write_bytes(dir / "v0.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "v0.mmg"), Contains("not supported"));
    }
    SECTION("a newer minor with reserved bytes and an unknown flag bit (§2.3 rule 3)") {
        auto b = good;
        format::store<uint16_t>(b.data() + hd::kMinorOff, format::kVersionMinor + 1);
        b[hd::kReservedOff + 3] = 0x5A;
        b[hd::kFlagsOff] |= 0x80;
        fix_header_checksum(b);
        mmgraph::test::write_bytes(dir / "v21.mmg", b);
        auto f = File::open(dir / "v21.mmg");
        CHECK(f->version_minor() == format::kVersionMinor + 1);
        f->verify();
        CHECK(f->find("ann")->get("name").as_string() == "Ann");
    }
    SECTION("minor 0 with a reserved byte set: verify reports it (§2.3 rule 4)") {
        auto b = good;
        b[hd::kReservedOff + 3] = 0x5A;
        fix_header_checksum(b);
        mmgraph::test::write_bytes(dir / "res.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "res.mmg")->verify(), Contains("reserved"));
    }
    SECTION("minor 0 with a vertex slot role it does not define is refused (§5.1)") {
        auto b = good;
        auto f = File::open(dir / "small.mmg");
        uint64_t roles = section(*f, "vertices").offset + 8;
        format::store<uint16_t>(b.data() + roles + 4, 42);  // the in_edges slot's role
        reseal(b);
        mmgraph::test::write_bytes(dir / "role.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "role.mmg"), Contains("unknown slot role 42"));
    }
}

// ---- truncation, trailing bytes, checksums ------------------------------------------------

TEST_CASE("damaged: truncated files and trailing bytes are refused at open", "[damaged]") {
    TempDir dir;
    auto good = small_graph(dir);
    mmgraph::test::write_bytes(dir / "good.mmg", good);
    auto file = File::open(dir / "good.mmg");
    const uint64_t dir_end = hd::kSize + 32 * file->sections().size();
    const SectionInfo& nodes = section(*file, "nodes");
    std::vector<uint64_t> lengths = {127, 128, 129, hd::kSize + 50, dir_end - 1, dir_end,
                                     nodes.offset + nodes.length / 2, good.size() - 8, good.size() - 1};
    for (const Damage& d : boundary_truncations(*file)) lengths.push_back(d.at);  // every section's edges
    REQUIRE(lengths.size() > 9 + 2 * file->sections().size());
    for (uint64_t len : lengths) {
        INFO("truncated to " << len << " of " << good.size() << " bytes");
        mmgraph::test::write_bytes(dir / "cut.mmg", std::vector<uint8_t>(good.begin(), good.begin() + static_cast<ptrdiff_t>(len)));
        if (len < hd::kSize) CHECK_THROWS_WITH(File::open(dir / "cut.mmg"), Contains("smaller than the 128-byte header"));
        else CHECK_THROWS_WITH(File::open(dir / "cut.mmg"), Contains("declares " + std::to_string(good.size()) + " bytes") && Contains("(truncated)"));
    }
    for (size_t extra : {1u, 8u, 4096u}) {
        auto longer = good;
        longer.resize(good.size() + extra, 0);
        mmgraph::test::write_bytes(dir / "long.mmg", longer);
        CHECK_THROWS_WITH(File::open(dir / "long.mmg"), Contains("trailing bytes"));
    }
}

TEST_CASE("damaged: a damaged header checksum or directory is refused at open", "[damaged]") {
    TempDir dir;
    auto good = small_graph(dir);
    auto b = good;
    b[hd::kHeaderHashOff] ^= 1;
    mmgraph::test::write_bytes(dir / "h.mmg", b);
    CHECK_THROWS_WITH(File::open(dir / "h.mmg"), Contains("header checksum mismatch"));
    b = good;
    b[hd::kVertexCountOff] ^= 4;  // any header field is covered by the checksum
    mmgraph::test::write_bytes(dir / "h.mmg", b);
    CHECK_THROWS_WITH(File::open(dir / "h.mmg"), Contains("header checksum mismatch"));
    b = good;
    b[hd::kSize + 32 + 9] ^= 1;  // directory entry 1, offset field
    mmgraph::test::write_bytes(dir / "d.mmg", b);
    CHECK_THROWS_WITH(File::open(dir / "d.mmg"), Contains("section directory checksum mismatch"));
}

TEST_CASE("damaged: a damaged section passes open but verify() names it", "[damaged]") {
    TempDir dir;
    auto good = small_graph(dir);
    mmgraph::test::write_bytes(dir / "good.mmg", good);
    uint64_t nodes_offset = 0, nodes_length = 0;
    {
        auto f = File::open(dir / "good.mmg");
        nodes_offset = section(*f, "nodes").offset;
        nodes_length = section(*f, "nodes").length;
    }
    auto b = good;
    b[nodes_offset + nodes_length / 2] ^= 0x10;
    mmgraph::test::write_bytes(dir / "bad.mmg", b);
    auto f = File::open(dir / "bad.mmg");
    // verify() wording is free; §12 asks that the section and an offset are named.
    CHECK_THROWS_WITH(f->verify(), Contains("nodes") && Contains("offset") && Contains("checksum"));
    ReaderOptions strict;
    strict.verify_on_open = true;
    CHECK_THROWS_WITH(File::open(dir / "bad.mmg", strict), Contains("nodes") && Contains("checksum mismatch"));
    // A nonzero padding byte between sections is caught too.
    b = good;
    const uint64_t gap = nodes_offset + nodes_length;
    if (gap % 8 != 0) {
        b[gap] = 1;
        mmgraph::test::write_bytes(dir / "pad.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "pad.mmg")->verify(), Contains("padding") && Contains("offset"));
    }
}

TEST_CASE("damaged: verify() hashes a section larger than its read-ahead chunk in pieces and still finds a flip near its end", "[damaged]") {
    TempDir dir;
    Writer w;
    auto blob = w.add_label("Blob", {{"payload", TypeCode::bytes}});
    std::vector<uint8_t> payload(20 << 20);  // the nodes section spans three 8 MiB chunks
    for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 7);
    w.add_vertex("only", blob, {Value::bytes(payload)});
    w.finish(dir / "big.mmg");
    SectionInfo nodes;
    {
        auto f = File::open(dir / "big.mmg");
        f->verify();
        nodes = section(*f, "nodes");
    }
    REQUIRE(nodes.length > (16u << 20));
    auto b = mmgraph::test::read_bytes(dir / "big.mmg");
    b[nodes.offset + nodes.length - 100] ^= 0x01;
    mmgraph::test::write_bytes(dir / "bad.mmg", b);
    CHECK_THROWS_WITH(File::open(dir / "bad.mmg")->verify(), Contains("nodes") && Contains("checksum mismatch"));
}

// ---- resealed structural damage: messages name the section and the offset ------------------

TEST_CASE("damaged: structural damage behind valid checksums gives errors naming section and offset", "[damaged]") {
    TempDir dir;
    const auto good = small_graph(dir);
    mmgraph::test::write_bytes(dir / "good.mmg", good);
    auto ref = File::open(dir / "good.mmg");
    const SectionInfo nodes = section(*ref, "nodes");
    const SectionInfo out_runs = section(*ref, "out_runs");
    const SectionInfo keys = section(*ref, "key_table");
    const Vertex::Slots ann = ref->find("ann")->slots();
    const Vertex::Slots cy = ref->find("cy")->slots();
    auto damaged = [&](auto&& patch) {
        auto b = good;
        patch(b);
        reseal(b);
        mmgraph::test::write_bytes(dir / "bad.mmg", b);
        return File::open(dir / "bad.mmg");
    };

    SECTION("node slot past the nodes section") {
        auto f = damaged([&](std::vector<uint8_t>& b) { store64(b, ann.slot_offset, ann.node + nodes.length + 64); });
        CHECK_THROWS_WITH(f->vertex(0).key(), Contains("section nodes") && Contains("offset 0x"));
        CHECK_THROWS_WITH(f->verify(), Contains("nodes") && Contains("offset"));
    }
    SECTION("node slot naming the wrong domain") {
        auto f = damaged([&](std::vector<uint8_t>& b) { store64(b, ann.slot_offset, ann.node ^ (uint64_t{1} << 48)); });
        CHECK_THROWS_WITH(f->vertex(0).get("name"), Contains("section vertices") && Contains("offset 0x") && Contains("names domain 5"));
        CHECK_THROWS_AS(f->verify(), Error);
    }
    SECTION("a start past the run's entries") {
        // Vertex 0's second start (§7.3: 4-byte starts after the 8-byte head) ends its entries.
        REQUIRE(ann.out & format::kSlotTagLocal);
        const uint64_t at = out_runs.offset + format::kRunsHeadSize + 4;
        auto f = damaged([&](std::vector<uint8_t>& b) { format::store<uint32_t>(b.data() + at, 0x7FFFFFFF); });
        CHECK_THROWS_WITH(f->vertex(0).edges(Direction::out), Contains("section out_runs") && Contains("at offset 0x8") &&
                                                                     Contains("past the run's"));
        CHECK_THROWS_WITH(f->vertex(0).degree(Direction::out), Contains("section out_runs"));
        CHECK_THROWS_WITH(f->verify(), Contains("out_runs") && Contains("offset"));
    }
    SECTION("string length prefix running past the nodes section") {
        // cy is the last record: [id][null bitmap][age][offset table][VLQ "cy"][VLQ "Cy"].
        const auto& nt = ref->node_types()[ref->vertex(2).node_type()];
        const auto& label = ref->labels()[nt.label];
        const uint64_t id_width = ref->node_types().size() <= 1 ? 0 : 1;
        const uint64_t var = nodes.offset + (cy.node & format::kSlotOffsetMask) + id_width + label.null_bytes +
                             label.fixed_size + nt.table_size;
        REQUIRE(good[var] == 2);          // key "cy"
        REQUIRE(good[var + 3] == 2);      // name "Cy"
        auto f = damaged([&](std::vector<uint8_t>& b) { b[var + 3] = 0x7F; });
        CHECK(f->vertex(2).key_string() == "cy");
        CHECK_THROWS_WITH(f->vertex(2).get("name"), Contains("section nodes") && Contains("past the end of the section"));
        CHECK_THROWS_WITH(f->verify(), Contains("nodes") && Contains("offset"));
        // A 6-byte VLQ: refused as malformed, never read as a 64-bit length.
        auto g = damaged([&](std::vector<uint8_t>& b) { std::memset(&b[var + 3], 0xFF, 3); });
        CHECK_THROWS_WITH(g->vertex(2).get("name"), Contains("section nodes") && Contains("offset 0x"));
    }
    // The key table (§8.1): 3 vertices, C = 5 slots after the 16-byte head.
    REQUIRE(keys.length == format::kKeyTableHeadSize + 5 * format::kKeySlotSize);
    auto slot_at = [&](uint64_t s) { return keys.offset + format::kKeyTableHeadSize + s * format::kKeySlotSize; };
    auto slot_of = [&](uint32_t local) {  // where vertex `local` is
        uint64_t s = 0;
        while (format::load<uint32_t>(good.data() + slot_at(s) + 4) != local + 1) ++s;
        return s;
    };
    SECTION("key table slot naming a vertex past the vertex count") {
        auto f = damaged([&](std::vector<uint8_t>& b) { format::store<uint32_t>(b.data() + slot_at(slot_of(0)) + 4, 200); });
        CHECK_THROWS_WITH(f->find("ann"), Contains("section key_table") && Contains("offset 0x") && Contains("names vertex 199"));
        CHECK_THROWS_WITH(f->verify(), Contains("section key_table") && Contains("names vertex 199"));
    }
    SECTION("key table slot with a wrong fingerprint") {
        auto f = damaged([&](std::vector<uint8_t>& b) { b[slot_at(slot_of(2))] ^= 0x01; });
        CHECK_FALSE(f->find("cy"));  // the walk passes the slot and ends at an empty one
        VerifyReport report = f->verify_all();
        bool named = false;
        for (const VerifyFinding& finding : report.findings)
            named |= finding.area == "key_table" && finding.message.find("vertex 2's key gives") != std::string::npos;
        CHECK(named);
    }
    SECTION("key table naming one vertex twice") {
        auto f = damaged([&](std::vector<uint8_t>& b) {  // vertex 0's slot, fingerprint included, in vertex 1's place too
            std::copy_n(good.begin() + static_cast<ptrdiff_t>(slot_at(slot_of(0))), 8, b.begin() + static_cast<ptrdiff_t>(slot_at(slot_of(1))));
        });
        VerifyReport report = f->verify_all();
        bool named = false;
        for (const VerifyFinding& finding : report.findings)
            named |= finding.area == "key_table" && finding.message.find("names vertex 0 a second time") != std::string::npos;
        CHECK(named);
    }
    SECTION("key table slots swapped (§8.1 placement)") {
        auto f = damaged([&](std::vector<uint8_t>& b) {
            std::swap_ranges(b.begin() + static_cast<ptrdiff_t>(slot_at(slot_of(0))), b.begin() + static_cast<ptrdiff_t>(slot_at(slot_of(0)) + 8),
                             b.begin() + static_cast<ptrdiff_t>(slot_at(slot_of(2))));
        });
        VerifyReport report = f->verify_all();
        bool named = false;
        for (const VerifyFinding& finding : report.findings)
            named |= finding.area == "key_table" && finding.message.find("inserting the keys in (hash, index) order puts vertex") != std::string::npos;
        CHECK(named);
    }
    SECTION("key table empty slot with a fingerprint") {
        uint64_t empty = 0;
        while (format::load<uint64_t>(good.data() + slot_at(empty)) != 0) ++empty;
        auto f = damaged([&](std::vector<uint8_t>& b) { b[slot_at(empty)] = 0x5A; });
        CHECK(f->find("ann"));
        CHECK_THROWS_WITH(f->verify(), Contains("section key_table") && Contains("empty key slot " + std::to_string(empty) + " has a nonzero fingerprint"));
    }
    SECTION("key table slot naming another node block (§8.1, 2.6)") {
        // Block 0 -> 1 (bit 12 of the low word): a hint for reading ahead only, so find still
        // answers, through the vertex table; verify names the slot and the block it should hold.
        auto f = damaged([&](std::vector<uint8_t>& b) { b[slot_at(slot_of(2)) + 1] ^= 0x10; });
        CHECK(f->find("cy")->get("name").as_string() == "Cy");
        CHECK_THROWS_WITH(f->verify(), Contains("section key_table") && Contains("names node block 1, but vertex 2's node record starts at offset") &&
                                           Contains("in block 0 of 4096 bytes"));
    }
    SECTION("key table slot naming a node block past the nodes section") {
        ReaderOptions cold;
        cold.access = Access::random;  // cold lookups read ahead the slot's block
        auto b = good;
        format::store<uint32_t>(b.data() + slot_at(slot_of(2)), format::load<uint32_t>(b.data() + slot_at(slot_of(2))) | 0xFFFFF000u);
        reseal(b);
        mmgraph::test::write_bytes(dir / "bad.mmg", b);
        auto f = File::open(dir / "bad.mmg", cold);
        CHECK(f->find("cy")->get("name").as_string() == "Cy");
        CHECK_THROWS_WITH(f->verify(), Contains("section key_table") && Contains("names node block 1048575"));
    }
    SECTION("directory entry pointing outside the file") {
        auto b = good;
        store64(b, hd::kSize + 32 * 4 + 8, b.size() + 64);  // entry 4 (nodes) offset
        reseal(b);
        mmgraph::test::write_bytes(dir / "bad.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "bad.mmg"), Contains("section 4 (nodes)") && Contains("outside the file"));
    }
    SECTION("invalid attribute type byte in the schema") {
        const SectionInfo schema = section(*ref, "schema");
        auto b = good;
        b[schema.offset + 16 + 16 + 4] = 0x96;  // label 0, attribute 0: a list of code 22, past point
        reseal(b);
        mmgraph::test::write_bytes(dir / "bad.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "bad.mmg"), Contains("section schema") && Contains("at offset 0x24") &&
                                                             Contains("invalid attribute type byte 0x96"));
        // Nor, in a file stamped 2.0, the point[] type that 2.2 added (the key table, which such a
        // file cannot have either, is checked after the schema).
        b[schema.offset + 16 + 16 + 4] = 0x95;
        format::store<uint16_t>(b.data() + hd::kMinorOff, 0);
        reseal(b);
        mmgraph::test::write_bytes(dir / "bad.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "bad.mmg"), Contains("at offset 0x24") &&
                                                             Contains("point[] (0x95) is defined from format 2.2, but the file says 2.0"));
        // A 2.0 file cannot use the date[] type that 2.1 added (§2.3).
        b[schema.offset + 16 + 16 + 4] = 0x8F;
        reseal(b);
        mmgraph::test::write_bytes(dir / "bad.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "bad.mmg"), Contains("at offset 0x24") &&
                                                             Contains("date[] (0x8f) is defined from format 2.1, but the file says 2.0"));
        // A 1.0 file cannot use the string[] type that 1.1 added (§2.3).
        b = good;
        b[schema.offset + 16 + 16 + 4] = 0x8D;
        format::store<uint16_t>(b.data() + hd::kMajorOff, 1);
        format::store<uint16_t>(b.data() + hd::kMinorOff, 0);
        reseal(b);
        mmgraph::test::write_bytes(dir / "bad.mmg", b);
        CHECK_THROWS_WITH(File::open(dir / "bad.mmg"), Contains("section schema") && Contains("at offset 0x24") &&
                                                             Contains("string[] (0x8d) is defined from format 1.1") &&
                                                             Contains("the file says 1.0"));
    }
    SECTION("adjacency entry naming a vertex that does not exist") {
        // ann -> bob (KNOWS) is ann's first entry, the first of the out_runs section's run (§7.3).
        const uint64_t entry = out_runs.offset + format::runs_run_offset(ref->vertex_count(), 4);
        const unsigned bits = format::packed_entry_bits(ref->vertex_count());
        const uint32_t mask = (1u << bits) - 1;
        REQUIRE(mask >= ref->vertex_count());  // a W-bit value that names no vertex exists
        REQUIRE((format::load<uint32_t>(good.data() + entry) & mask) == 1);
        auto f = damaged([&](std::vector<uint8_t>& b) { format::store<uint32_t>(b.data() + entry, (format::load<uint32_t>(b.data() + entry) & ~mask) | mask); });
        CHECK_THROWS_WITH(f->verify(), Contains("out_runs") && Contains("offset") && Contains(std::to_string(mask)));
        for (const Edge& e : f->vertex(0).edges(Direction::out, 0)) CHECK_THROWS_AS(f->vertex(e.target.index), Error);
    }
}

// ---- the sweep ------------------------------------------------------------------------------
//
// For small files with every feature (sweep_file() of support/damage.hpp, which also describes
// the damaged copies, shared with tests/damaged_corpus.cpp): every truncation and every bit flip
// (for a file too big for that, a seeded sample of at least 20,000 bit positions). Each damaged copy is opened,
// verified and walked in full: whatever completes without error must read exactly what the
// original reads, verify() must reject every copy, and nothing may crash, hang (a watchdog
// aborts any copy that takes longer than kProbeLimit) or throw anything but mmgraph::Error.

namespace {

constexpr auto kProbeLimit = std::chrono::seconds(20);  // per copy; a normal probe takes < 10 ms
constexpr uint64_t kMaxFullSweepBytes = 16 * 1024;       // every bit up to this size
constexpr uint64_t kSampledBits = 20'000;                // else this many seeded positions

// Aborts the process, naming the case, if one probe runs past kProbeLimit: a hang must fail the
// test, not stall it until ctest's timeout with no word on which copy hung.
class Watchdog {
public:
    Watchdog() : thread_([this] { watch(); }) {}
    ~Watchdog() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    void start(std::string what) {
        std::lock_guard lock(mutex_);
        what_ = std::move(what);
        since_ = std::chrono::steady_clock::now();
        busy_ = true;
    }
    void done() {
        std::lock_guard lock(mutex_);
        busy_ = false;
    }

private:
    void watch() {
        std::unique_lock lock(mutex_);
        while (!stop_) {
            wake_.wait_for(lock, std::chrono::milliseconds(200));
            if (busy_ && std::chrono::steady_clock::now() - since_ > kProbeLimit) {
                std::fprintf(stderr, "sweep: %s takes longer than %lld s: hang\n", what_.c_str(),
                             static_cast<long long>(kProbeLimit.count()));
                std::abort();
            }
        }
    }
    std::mutex mutex_;
    std::condition_variable wake_;
    std::string what_;
    std::chrono::steady_clock::time_point since_;
    bool busy_ = false, stop_ = false;
    std::thread thread_;
};

struct SweepReport {
    std::string original;  // the undamaged file's walk
    uint64_t cases = 0, opened = 0, verified = 0, walked = 0, walked_different = 0;
    std::vector<std::string> undetected;   // open and verify both passed
    std::vector<std::string> wrong;        // open, verify and walk passed with different results
    std::vector<std::string> foreign;      // exceptions other than mmgraph::Error
    std::vector<std::string> unreadable;   // verify passed but the walk threw (verify missed it)
    std::vector<std::string> batch;        // the batch APIs read or failed unlike one-at-a-time reads
    std::vector<std::string> collected;    // verify_all() disagreed with verify()

    void add(const std::string& what, const Outcome& o, bool must_detect) {
        ++cases;
        opened += o.opened;
        verified += o.opened && o.verified;
        walked += o.opened && o.walked;
        // Without verify() a lazy reader cannot know that a value's bytes changed; counted only.
        walked_different += o.opened && o.walked && o.dump != original;
        if (must_detect && !o.detected() && undetected.size() < 20) undetected.push_back(what);
        if (o.opened && o.verified && o.walked && o.dump != original && wrong.size() < 20) wrong.push_back(what);
        if (!o.foreign.empty() && foreign.size() < 20) foreign.push_back(what + ": " + o.foreign);
        if (o.opened && o.verified && !o.walked && unreadable.size() < 20) unreadable.push_back(what + ": " + o.walk_error);
        if (!o.batch.empty() && batch.size() < 20) batch.push_back(what + ": " + o.batch);
        if (!o.collected.empty() && collected.size() < 20) collected.push_back(what + ": " + o.collected);
    }
};

std::string join(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) s += "  " + l + "\n";
    return s;
}

// Patches one byte of `work` in place, probes it and restores it.
class BytePatcher {
public:
    BytePatcher(const std::filesystem::path& work, const std::vector<uint8_t>& good) : good_(good), fd_(::open(work.c_str(), O_WRONLY)) {
        REQUIRE(fd_ >= 0);
    }
    ~BytePatcher() { ::close(fd_); }
    void set(uint64_t at, uint8_t byte) { REQUIRE(::pwrite(fd_, &byte, 1, static_cast<off_t>(at)) == 1); }
    void restore(uint64_t at) { set(at, good_[at]); }

private:
    const std::vector<uint8_t>& good_;
    int fd_;
};

void sweep(const std::filesystem::path& base, uint64_t seed) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const auto good = read_bytes(base);
    const auto work = base.parent_path() / ("work-" + base.filename().string());
    SweepReport report;
    report.original = walk(*File::open(base));
    Watchdog watchdog;
    auto run = [&](const std::string& what) {
        watchdog.start(what);
        report.add(what, probe(work), true);
        watchdog.done();
    };

    // Every truncation, longest first: one copy shrinks a byte at a time (no rewrite per length).
    mmgraph::test::write_bytes(work, good);
    for (const Damage& d : every_truncation(good.size())) {
        std::filesystem::resize_file(work, d.at);
        run(d.describe());
    }

    // Every bit, or a seeded sample for a larger file.
    const std::vector<Damage> flips = bit_flips(good.size(), kMaxFullSweepBytes, kSampledBits, seed);
    mmgraph::test::write_bytes(work, good);
    {
        BytePatcher patch(work, good);
        for (const Damage& d : flips) {
            patch.set(d.byte(), static_cast<uint8_t>(good[d.byte()] ^ d.mask()));
            run(d.describe());
            patch.restore(d.byte());
        }
    }
    const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
    INFO(report.cases << " damaged copies of a " << good.size() << "-byte file in " << seconds << " s; opened " << report.opened
                      << ", verified " << report.verified << ", walked " << report.walked);
    INFO("undetected by verify():\n" << join(report.undetected));
    INFO("verified and walked, but read differently:\n" << join(report.wrong));
    INFO("non-Error exceptions:\n" << join(report.foreign));
    INFO("batch reads unlike one-at-a-time reads:\n" << join(report.batch));
    INFO("verify_all() unlike verify():\n" << join(report.collected));
    CHECK(report.undetected.empty());
    CHECK(report.wrong.empty());
    CHECK(report.foreign.empty());
    CHECK(report.batch.empty());
    CHECK(report.collected.empty());
    CHECK(report.cases == good.size() + flips.size());
    WARN("sweep of " << base.filename() << ": " << report.cases << " damaged copies of " << good.size() << " bytes in " << seconds
                     << " s; " << report.opened << " opened, " << report.walked << " walked without error (" << report.walked_different
                     << " of them reading changed values, all rejected by verify), 0 passed verify");
}

// Resealed flips: checksums recomputed after each flip, so only structural checks stand
// between the damage and the decoder. Whatever verify() accepts must then read without error.
void resealed_sweep(const std::filesystem::path& base, uint64_t seed) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const auto good = read_bytes(base);
    const auto work = base.parent_path() / "work.mmg";
    SweepReport report;
    report.original = walk(*File::open(base));
    Watchdog watchdog;
    // Every flip lands in a section body, where the structure lives (resealed_flips()).
    for (const Damage& d : resealed_flips(*File::open(base), 2500, seed)) {
        mmgraph::test::write_bytes(work, d.apply(good));
        const std::string what = d.describe();
        watchdog.start(what);
        report.add(what, probe(work), false);
        watchdog.done();
    }
    const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
    INFO(report.cases << " resealed copies in " << seconds << " s; opened " << report.opened << ", verified " << report.verified
                      << ", walked " << report.walked);
    INFO("non-Error exceptions:\n" << join(report.foreign));
    INFO("verified but unreadable:\n" << join(report.unreadable));
    INFO("batch reads unlike one-at-a-time reads:\n" << join(report.batch));
    INFO("verify_all() unlike verify():\n" << join(report.collected));
    CHECK(report.foreign.empty());
    CHECK(report.unreadable.empty());
    CHECK(report.batch.empty());
    CHECK(report.collected.empty());
    CHECK(report.verified < report.cases);  // the damage is mostly caught
    WARN("resealed sweep of " << base.filename() << ": " << report.cases << " copies in " << seconds << " s, " << report.verified << " passed verify");
}

// The golden file with label sets (§6.6), copied so that the sweep's work files stay in `dir`.
std::filesystem::path labels_file(const std::filesystem::path& dir) {
    const auto path = dir / "labels.mmg";
    std::filesystem::copy_file(std::filesystem::path(MMGRAPH_TEST_DATA) / "labels.mmg", path);
    return path;
}

}  // namespace

TEST_CASE("damaged: sweep: every truncation and every bit flip of a small file is rejected by verify, nothing crashes", "[damaged][sweep]") {
    TempDir dir;
    sweep(sweep_file(dir.path, 1), 7);
}

TEST_CASE("damaged: sweep: every truncation and every bit flip of a dataset shard is rejected by verify", "[damaged][sweep]") {
    TempDir dir;
    sweep(sweep_file(dir.path, 2), 8);
}

TEST_CASE("damaged: sweep: resealed bit flips give Error or valid reads, and verify() vouches for reads", "[damaged][sweep]") {
    TempDir dir;
    resealed_sweep(sweep_file(dir.path, 1), 11);
}

TEST_CASE("damaged: sweep: every truncation and bit flip of a file with label sets is rejected by verify", "[damaged][sweep][labels]") {
    TempDir dir;
    sweep(labels_file(dir.path), 9);
}

TEST_CASE("damaged: sweep: resealed bit flips of a file with label sets give Error or valid reads", "[damaged][sweep][labels]") {
    TempDir dir;
    resealed_sweep(labels_file(dir.path), 12);
}

// The 2.2 types (spec §4.3): every range check of verify stands between a damaged value and
// the text functions that print it (support/probe.cpp's walk prints every such value).
TEST_CASE("damaged: sweep: every truncation and every bit flip of a file with the 2.2 types is rejected by verify", "[damaged][sweep][temporal]") {
    TempDir dir;
    mmgraph::test::write_temporal_graph(dir / "temporal.mmg", 1);
    sweep(dir / "temporal.mmg", 9);
}

TEST_CASE("damaged: sweep: resealed bit flips of a file with the 2.2 types give Error or valid reads", "[damaged][sweep][temporal]") {
    TempDir dir;
    mmgraph::test::write_temporal_graph(dir / "temporal.mmg", 1);
    resealed_sweep(dir / "temporal.mmg", 12);
}

// ---- error kinds ----------------------------------------------------------------------------

TEST_CASE("damaged: errors name their kind: damaged files, limits, io", "[damaged][kinds]") {
    TempDir dir;
    const auto good = small_graph(dir);
    mmgraph::test::write_bytes(dir / "good.mmg", good);
    auto ref = File::open(dir / "good.mmg");
    const SectionInfo out = section(*ref, "out_edges");
    const Vertex::Slots ann = ref->find("ann")->slots();

    mmgraph::test::write_bytes(dir / "ten.mmg", std::vector<uint8_t>(10, 0x89));
    CHECK(mmgraph::test::kind_thrown([&] { File::open(dir / "ten.mmg"); }) == ErrorKind::damaged);
    auto b = good;
    b[hd::kHeaderHashOff] ^= 1;
    mmgraph::test::write_bytes(dir / "h.mmg", b);
    CHECK(mmgraph::test::kind_thrown([&] { File::open(dir / "h.mmg"); }) == ErrorKind::damaged);
    b = good;
    b[out.offset] ^= 0x40;  // a checksum mismatch found by verify
    mmgraph::test::write_bytes(dir / "c.mmg", b);
    CHECK(mmgraph::test::kind_thrown([&] { File::open(dir / "c.mmg")->verify(); }) == ErrorKind::damaged);
    b = good;  // a structural error behind valid checksums, found on access
    format::store<uint32_t>(b.data() + out.offset + (ann.out & format::kSlotOffsetMask), 0x7FFFFFFF);
    reseal(b);
    mmgraph::test::write_bytes(dir / "s.mmg", b);
    CHECK(mmgraph::test::kind_thrown([&] { File::open(dir / "s.mmg")->vertex(0).edges(Direction::out); }) == ErrorKind::damaged);

    ReaderOptions tight;
    tight.max_sections = 2;
    CHECK(mmgraph::test::kind_thrown([&] { File::open(dir / "good.mmg", tight); }) == ErrorKind::limit);
    tight = {};
    tight.max_strings = 1;
    CHECK(mmgraph::test::kind_thrown([&] { File::open(dir / "good.mmg", tight); }) == ErrorKind::limit);

    try {
        File::open(dir / "missing.mmg");
        FAIL("opened a missing file");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
        CHECK(e.error_number() == ENOENT);
    }
    CHECK(mmgraph::test::kind_thrown([&] { File::open(dir.path); }) == ErrorKind::io);
}

TEST_CASE("damaged: a caller's mistakes are misuse, with unchanged messages", "[damaged][kinds]") {
    TempDir dir;
    mmgraph::test::write_bytes(dir / "good.mmg", small_graph(dir));
    auto f = File::open(dir / "good.mmg");
    const Vertex ann = *f->find("ann");
    CHECK(mmgraph::test::kind_thrown([&] { f->vertex(3); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(f->vertex(3), Contains("vertex index 3 out of range (3 vertices)"));
    CHECK(mmgraph::test::kind_thrown([&] { ann.get(7u); }) == ErrorKind::misuse);
    CHECK(mmgraph::test::kind_thrown([&] { ann.get("height"); }) == ErrorKind::misuse);
    CHECK(mmgraph::test::kind_thrown([&] { f->attribute_handle("Robot", "age"); }) == ErrorKind::misuse);
    CHECK(mmgraph::test::kind_thrown([&] { ann.get("age").as_string(); }) == ErrorKind::misuse);
    CHECK_THROWS_WITH(ann.get("age").as_string(), "value of type int32 read as string");
    CHECK(mmgraph::test::kind_thrown([&] { ann.get("name").element(0); }) == ErrorKind::misuse);
    Edge edge = *ann.edges(Direction::out).begin();
    CHECK(mmgraph::test::kind_thrown([&] { f->property(edge, 9); }) == ErrorKind::misuse);
}

TEST_CASE("damaged: a reserved tag bit in an adjacency slot is reported at the slot (§5.1)", "[damaged]") {
    TempDir dir;
    auto b = small_graph(dir);
    mmgraph::test::write_bytes(dir / "good.mmg", b);
    auto ref = File::open(dir / "good.mmg");
    const Vertex::Slots bob = ref->find("bob")->slots();
    const SectionInfo vertices = section(*ref, "vertices");
    const uint64_t out_slot = bob.slot_offset + 8;  // roles are nodes, out_edges, in_edges
    REQUIRE(format::load<uint64_t>(b.data() + out_slot) == bob.out);
    format::store<uint64_t>(b.data() + out_slot, bob.out | 2);
    reseal(b);
    mmgraph::test::write_bytes(dir / "bad.mmg", b);
    auto f = File::open(dir / "bad.mmg");
    char at[64];
    std::snprintf(at, sizeof at, "at offset 0x%llx:", static_cast<unsigned long long>(out_slot - vertices.offset));
    CHECK_THROWS_WITH(f->vertex(1).edges(Direction::out), Contains("section vertices") && Contains(at) && Contains("reserved slot tag bit set"));
    CHECK_THROWS_WITH(f->verify(), Contains("section vertices") && Contains(at) && Contains("vertex 1: out_edges slot"));
}

TEST_CASE("damaged: a vertex_ref value into another shard that names no vertex fails the dataset's verify (§10)", "[damaged]") {
    TempDir dir;
    const auto path = sweep_file(dir.path, 2);
    const auto other = dir / "base-1-of-2.mmg";
    const uint64_t other_count = File::open(other)->vertex_count();
    auto b = read_bytes(path);
    uint64_t at = 0;  // file offset of a scalar vertex_ref value naming shard 1
    {
        auto f = File::open(path);
        for (uint64_t i = 0; i < f->vertex_count() && at == 0; ++i) {
            const Vertex v = f->vertex(i);
            const auto& attributes = f->labels()[v.label()].attributes;
            for (uint32_t a = 0; a < attributes.size() && at == 0; ++a) {
                if (attributes[a].type != Type(TypeCode::vertex_ref)) continue;
                const ValueRef value = v.get(a);
                if (!value.is_null() && value.as_ref().shard == 1) at = static_cast<uint64_t>(value.as_bytes().data() - f->data());
            }
        }
    }
    REQUIRE(at != 0);
    const uint32_t low = format::load<uint32_t>(b.data() + at);
    format::store<uint32_t>(b.data() + at, (low & ~format::kLocalIndexMask) | static_cast<uint32_t>(other_count));
    reseal(b);
    mmgraph::test::write_bytes(dir / "bad-0-of-2.mmg", b);
    File::open(dir / "bad-0-of-2.mmg")->verify();  // its own shard cannot tell
    const std::vector<std::filesystem::path> files = {dir / "bad-0-of-2.mmg", other};
    CHECK_THROWS_WITH(Dataset::open(files).verify(),
                      Contains("names vertex " + std::to_string(other_count) + " of shard 1, which has " + std::to_string(other_count) + " vertices"));
    CHECK(mmgraph::test::kind_thrown([&] { Dataset::open(files).verify(); }) == ErrorKind::damaged);
}

// ---- the writer rules that validity requires (§12) -----------------------------------------

namespace {

// Inserts n zero bytes at file offset `at` and moves what follows: the directory and every
// section after `at`, or lengthens the section holding it. Reseal afterwards.
std::vector<uint8_t> insert_zeros(const std::vector<uint8_t>& good, uint64_t at, uint64_t n) {
    std::vector<uint8_t> b(good.begin(), good.begin() + static_cast<ptrdiff_t>(at));
    b.insert(b.end(), n, 0);
    b.insert(b.end(), good.begin() + static_cast<ptrdiff_t>(at), good.end());
    using F = format::header::Field;
    uint64_t dir = format::get(b.data(), F::directory_offset);
    if (dir >= at) format::put(b.data(), F::directory_offset, dir += n);
    for (uint64_t i = 0; i < format::get(b.data(), F::section_count); ++i) {
        uint8_t* e = b.data() + dir + 32 * i;
        const uint64_t offset = format::get(e, format::dir_entry::Field::offset), length = format::get(e, format::dir_entry::Field::length);
        if (offset >= at) format::put(e, format::dir_entry::Field::offset, offset + n);
        else if (offset + length > at) format::put(e, format::dir_entry::Field::length, length + n);
    }
    format::put(b.data(), F::file_size, b.size());
    return b;
}

// A damaged copy's error at open, resealed first so that only the damage is found.
std::string open_error(const TempDir& dir, std::vector<uint8_t> b) {
    reseal(b);
    mmgraph::test::write_bytes(dir / "open.mmg", b);
    try {
        File::open(dir / "open.mmg");
    } catch (const Error& e) {
        return e.what();
    }
    return "opened";
}

std::string verify_error(const TempDir& dir, std::vector<uint8_t> b) {
    reseal(b);
    mmgraph::test::write_bytes(dir / "rule.mmg", b);
    auto f = File::open(dir / "rule.mmg");
    CHECK_NOTHROW(walk(*f));  // still readable: only verify refuses it
    try {
        f->verify();
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::damaged);
        return e.what();
    }
    return "verify passed";
}

}  // namespace

TEST_CASE("damaged: verify refuses a file that breaks a writer rule validity requires", "[damaged][rules]") {
    TempDir dir;
    const auto good = small_graph(dir);
    mmgraph::test::write_bytes(dir / "good.mmg", good);
    auto ref = File::open(dir / "good.mmg");
    const auto sections = ref->sections();
    REQUIRE(sections.size() == 11);

    SECTION("the directory after a gap (§2.2: at 128)") {
        CHECK_THAT(verify_error(dir, insert_zeros(good, hd::kSize, 8)), Contains("section directory at file offset 0x88, not at 0x80"));
    }
    SECTION("a gap between two sections (§3 placement)") {
        CHECK_THAT(verify_error(dir, insert_zeros(good, sections[3].offset, 8)),
                   Contains("section 3 (vertices) at file offset") && Contains("where §3 places it"));
    }
    SECTION("a gap at the file's end (§3: file_size)") {
        auto b = good;
        b.resize(good.size() + 8, 0);
        format::put(b.data(), format::header::Field::file_size, b.size());
        CHECK_THAT(verify_error(dir, b), Contains("§3 makes it " + std::to_string(good.size())));
    }
    SECTION("a reordered directory (§3 order)") {
        auto b = good;
        std::swap_ranges(b.begin() + hd::kSize + 32, b.begin() + hd::kSize + 64, b.begin() + hd::kSize + 64);
        CHECK_THAT(verify_error(dir, b), Contains("directory entry 2 (schema) is out of the order of §3"));
    }
    SECTION("permuted slot roles (§5.1 order)") {
        auto b = good;
        const uint64_t vertices = sections[3].offset;
        REQUIRE(format::load<uint32_t>(b.data() + vertices) == 3);
        std::swap(b[vertices + 10], b[vertices + 12]);  // roles out_edges, in_edges
        std::swap(b[vertices + 11], b[vertices + 13]);
        for (uint64_t v = 0; v < ref->vertex_count(); ++v) {
            auto slots = b.begin() + static_cast<ptrdiff_t>(vertices + 16 + 24 * v);
            std::swap_ranges(slots + 8, slots + 16, slots + 16);
        }
        CHECK_THAT(verify_error(dir, b), Contains("slot roles are not in the order nodes, out_edges, in_edges"));
    }
    SECTION("a key table one slot larger (§8.1: the writer's C)") {
        const SectionInfo keys = sections[10];
        REQUIRE(keys.name() == "key_table");
        REQUIRE(keys.offset + keys.length == good.size());  // the last section
        REQUIRE(good.back() == 0);  // the top byte of the last slot: 8 zeros before it add an empty slot
        auto b = insert_zeros(good, good.size() - 1, 8);
        reseal(b);
        mmgraph::test::write_bytes(dir / "rule.mmg", b);
        bool named = false;
        for (const VerifyFinding& finding : File::open(dir / "rule.mmg")->verify_all().findings)
            named |= finding.message.find("6 slots for 3 vertices, §8.1 gives 5") != std::string::npos;
        CHECK(named);
    }
    SECTION("an edge property heap after a gap (§8.2: heap_offset)") {
        const SectionInfo props = sections[9];
        REQUIRE(props.name() == "edge_props");
        const uint64_t heap = format::load<uint64_t>(good.data() + props.offset + 24);
        auto b = insert_zeros(good, props.offset + heap, 8);
        format::store<uint64_t>(b.data() + props.offset + 24, heap + 8);
        CHECK_THAT(verify_error(dir, b), Contains("heap offset") && Contains("(§8.2)"));
    }
}

TEST_CASE("damaged: the nodes section ends after its last record's padding (§6), not before", "[damaged][rules]") {
    TempDir dir;
    Writer w;
    auto person = w.add_label("Person", {{"name", TypeCode::string}});
    auto knows = w.add_edge_type("KNOWS");
    w.add_vertex("ann", person, {"Ann"});
    w.add_vertex("bo", person, {"Bo"});  // 2-byte table, "bo" and "Bo" with their VLQs: 8 bytes
    w.add_vertex("cy", person, {"C"});   // 7 bytes, padded to 8
    w.add_edge("ann", "bo", knows);
    w.finish(dir / "good.mmg");
    const auto good = read_bytes(dir / "good.mmg");
    const SectionInfo nodes = section(*File::open(dir / "good.mmg"), "nodes");
    REQUIRE(nodes.length % 4 == 0);
    uint64_t end = nodes.length;  // where the last record's bytes end, its padding excluded
    while (good[nodes.offset + end - 1] == 0) --end;
    REQUIRE(end < nodes.length);  // the writer padded the last record
    auto b = good;
    format::put(b.data() + hd::kSize + 32 * 4, format::dir_entry::Field::length, end);
    CHECK_THAT(verify_error(dir, b), Contains("section does not end at the last node record"));
}

TEST_CASE("damaged: more than 3 slots only in a newer minor (§5.1)", "[damaged][rules]") {
    TempDir dir;
    auto b = small_graph(dir);
    const uint64_t vertices = section(*File::open(dir / "small.mmg"), "vertices").offset;
    REQUIRE(format::load<uint32_t>(b.data() + vertices) == 3);
    format::store<uint32_t>(b.data() + vertices, 4);
    reseal(b);
    mmgraph::test::write_bytes(dir / "four.mmg", b);
    CHECK_THROWS_WITH(File::open(dir / "four.mmg"), Contains("section vertices") && Contains("slot count 4 in a file of a known minor, which has at most 3"));
}

// §5.1 (2.4): the key slot of a file of int64 keys, a copy of the node record's key that find
// compares; verify holds the two to each other, and open holds the role to the file's minor and
// key type.
// §3, §8.1: a 2.6 file's key table is kind 15, a 2.3 to 2.5 file's kind 12; either in the other's
// version is refused at open, so no reader compares a fingerprint of the wrong width.
TEST_CASE("damaged: the key table's kind agrees with the version", "[damaged][rules]") {
    TempDir dir;
    const auto good = small_graph(dir);
    mmgraph::test::write_bytes(dir / "good.mmg", good);
    const auto file = File::open(dir / "good.mmg");
    const auto sections = file->sections();  // a view into the open file
    REQUIRE(sections.back().kind == static_cast<uint16_t>(format::SectionKind::block_key_table));
    auto b = good;
    format::store<uint16_t>(b.data() + hd::kMinorOff, 5);
    CHECK_THAT(open_error(dir, b), Contains("required section key_table of kind 12 (2.3 to 2.5) is missing (format 2.5"));
    b = good;
    const uint64_t entry = format::load<uint64_t>(b.data() + hd::kDirectoryOffsetOff) + format::dir_entry::kSize * (sections.size() - 1);
    format::store<uint16_t>(b.data() + entry, static_cast<uint16_t>(format::SectionKind::key_table));
    CHECK_THAT(open_error(dir, b), Contains("required section key_table of kind 15 (since 2.6) is missing (format 2.6"));
}

TEST_CASE("damaged: the key slot (2.4) agrees with the node record, and only 2.4 files of int64 keys have it", "[damaged][rules]") {
    TempDir dir;
    WriterOptions options;
    options.key_type = KeyType::int64;
    Writer w(options);
    auto thing = w.add_label("Thing");
    auto next = w.add_edge_type("NEXT");
    for (int64_t k : {7, -3, 1000}) w.add_vertex(k, thing);
    w.add_edge(int64_t{7}, int64_t{-3}, next);
    w.finish(dir / "int.mmg");
    const auto good = read_bytes(dir / "int.mmg");
    const uint64_t vertices = section(*File::open(dir / "int.mmg"), "vertices").offset;
    REQUIRE(format::load<uint16_t>(good.data() + hd::kMinorOff) == 6);
    REQUIRE(format::load<uint32_t>(good.data() + vertices) == 4);  // nodes, out_edges, in_edges, key
    REQUIRE(format::load<uint16_t>(good.data() + vertices + 14) == format::kKeyRole);
    const uint64_t row1_key = vertices + 16 + 32 + 24;  // vertex 1's fourth slot
    REQUIRE(format::load<int64_t>(good.data() + row1_key) == std::get<int64_t>(File::open(dir / "int.mmg")->vertex(1).key()));

    auto b = good;  // a key slot that names another key than the record
    format::store<int64_t>(b.data() + row1_key, 5);
    reseal(b);
    CHECK_THAT(verify_error(dir, b), Contains("section vertices") && Contains("key slot 5 differs from the node record's key"));

    b = good;  // the same bytes stamped 2.3, whose vertex table has no key role
    format::store<uint16_t>(b.data() + hd::kMinorOff, 3);
    CHECK_THAT(open_error(dir, b), Contains("section vertices") && Contains("slot count 4 in a file of a known minor, which has at most 3"));

    b = good;  // a role no minor this reader knows defines
    format::store<uint16_t>(b.data() + vertices + 14, 0x200);
    CHECK_THAT(open_error(dir, b), Contains("unknown slot role 512"));

    options.store_in_edges = false;  // int64 keys and three slots, the third one's role said to be in_edges
    Writer out_only(options);
    out_only.add_vertex(int64_t{1}, out_only.add_label("Thing"));
    out_only.finish(dir / "out.mmg");
    b = read_bytes(dir / "out.mmg");
    const uint64_t out_vertices = section(*File::open(dir / "out.mmg"), "vertices").offset;
    REQUIRE(format::load<uint16_t>(b.data() + out_vertices + 12) == format::kKeyRole);
    auto stamped = b;  // stamped 2.3, which defines no key role
    format::store<uint16_t>(stamped.data() + hd::kMinorOff, 3);
    CHECK_THAT(open_error(dir, stamped), Contains("unknown slot role 256"));
    format::store<uint16_t>(b.data() + out_vertices + 12, static_cast<uint16_t>(format::SectionKind::in_edges));
    CHECK_THAT(open_error(dir, b), Contains("vertex table has no key slot, which a file of int64 keys has since 2.4"));

    auto s = small_graph(dir);  // string keys in a minor that defines the key role, its in_edges slot called the key's
    const uint64_t small_vertices = section(*File::open(dir / "small.mmg"), "vertices").offset;
    REQUIRE(format::load<uint16_t>(s.data() + hd::kMinorOff) >= format::kKeyRoleMinor);
    format::store<uint16_t>(s.data() + small_vertices + 12, format::kKeyRole);
    CHECK_THAT(open_error(dir, s), Contains("vertex table has a key slot in a file of string keys"));
}

// ---- verify_all: every problem, placed, with progress and cancel -----------------------------
// (The sweeps above also hold it to verify() on every damaged copy: verify_all_mismatch.)

TEST_CASE("damaged: verify_all passes a good file, with progress up to 1, and stops when told", "[damaged][verify_all]") {
    TempDir dir;
    auto file = File::open(sweep_file(dir.path, 1));
    std::vector<double> seen;
    VerifyOptions options;
    options.progress = [&](double done) {
        seen.push_back(done);
        return true;
    };
    VerifyReport report = file->verify_all(options);
    CHECK(report.ok());
    REQUIRE(!seen.empty());
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(seen.front() >= 0.0);
    CHECK(seen.back() == Approx(1.0));

    options.progress = [](double) { return false; };
    report = file->verify_all(options);
    CHECK(report.cancelled);
    CHECK_FALSE(report.complete());
    CHECK_FALSE(report.ok());
}

TEST_CASE("damaged: verify_all reports a flipped byte in every section at that section", "[damaged][verify_all]") {
    TempDir dir;
    const auto base = sweep_file(dir.path, 1);
    const auto good = read_bytes(base);
    const std::vector<SectionInfo> sections = [&] {
        auto f = File::open(base);
        return std::vector<SectionInfo>(f->sections().begin(), f->sections().end());
    }();
    std::set<std::string> kinds;
    for (size_t i = 0; i < sections.size(); ++i) {
        const SectionInfo& s = sections[i];
        if (s.length == 0) continue;
        // Open parses the small tables: take the first byte from the middle on whose flip still opens.
        std::shared_ptr<const File> file;
        for (uint64_t k = 0; k < s.length && !file; ++k) {
            auto b = good;
            b[s.offset + (s.length / 2 + k) % s.length] ^= 0x01;
            mmgraph::test::write_bytes(dir / "flip.mmg", b);
            try {
                file = File::open(dir / "flip.mmg");
            } catch (const Error&) {
            }
        }
        REQUIRE(file);
        INFO("section " << i << " (" << s.name() << ")");
        VerifyReport report = file->verify_all();
        CHECK(report.complete());
        bool at_section = false;
        for (const VerifyFinding& f : report.findings)
            at_section |= f.section == static_cast<int>(i) && f.area == s.name() && f.offset == s.offset && f.length == s.length &&
                          f.message.find("checksum mismatch") != std::string::npos;
        CHECK(at_section);
        kinds.insert(std::string(s.name()));
    }
    CHECK(kinds == std::set<std::string>{"strings", "schema", "node_types", "vertices", "nodes", "out_edges", "in_edges", "out_runs", "in_runs",
                                         "edge_props", "key_table"});
}

TEST_CASE("damaged: verify_all reports each damaged record at its field, without cascading", "[damaged][verify_all]") {
    // One flipped byte in the first ordinal of a block of out-edges with properties (the
    // ordinal read as 71776119061217280): verify() stops there; verify_all() names the field
    // and goes on, the next records' ordinals and placement picking up after it.
    TempDir dir;
    const auto good = small_graph(dir);
    mmgraph::test::write_bytes(dir / "good.mmg", good);
    auto ref = File::open(dir / "good.mmg");
    auto first_ordinal = [&](const char* key) {
        VertexAnatomy anatomy = describe_vertex(*ref, ref->find(key)->index());
        for (const FieldSpan& f : anatomy.fields)
            if (f.part == Part::out_edges && f.name.find("first ordinal") != std::string::npos) return f.offset;
        FAIL("no first ordinal field for " << key);
        return uint64_t{0};
    };
    const uint64_t ann = first_ordinal("ann"), bob = first_ordinal("bob");
    const int out_section = [&] {
        for (size_t i = 0; i < ref->sections().size(); ++i)
            if (ref->sections()[i].name() == "out_edges") return static_cast<int>(i);
        return -1;
    }();

    auto b = good;
    b[ann + 6] ^= 0xFF;
    reseal(b);
    mmgraph::test::write_bytes(dir / "one.mmg", b);
    auto one = File::open(dir / "one.mmg");
    CHECK(format::load<uint64_t>(b.data() + ann) == 71776119061217280ull);
    std::string error;
    try {
        one->verify();
    } catch (const Error& e) {
        error = e.what();
    }
    REQUIRE(!error.empty());
    VerifyReport report = one->verify_all();
    CHECK(report.complete());
    REQUIRE(report.findings.size() == 1);
    CHECK(report.findings[0].message == error);
    CHECK(report.findings[0].offset == ann);
    CHECK(report.findings[0].section == out_section);
    CHECK(report.findings[0].area == "out_edges");
    CHECK_THAT(report.findings[0].message, Contains("out of sequence"));

    b[bob + 3] ^= 0x10;
    reseal(b);
    mmgraph::test::write_bytes(dir / "two.mmg", b);
    report = File::open(dir / "two.mmg")->verify_all();
    CHECK(report.complete());
    REQUIRE(report.findings.size() == 2);
    CHECK(report.findings[0].offset == ann);
    CHECK(report.findings[1].offset == bob);

    VerifyOptions options;
    options.max_findings = 1;
    report = File::open(dir / "two.mmg")->verify_all(options);
    CHECK(report.truncated);
    CHECK_FALSE(report.complete());
    CHECK(report.findings.size() == 1);
}
