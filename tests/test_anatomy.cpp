// The inspection API (mmgraph/anatomy.hpp): field spans against the spec's worked examples
// (§6.5, §7.1), field coverage and decoded values on the golden files and random graphs,
// byte->owner resolution, random access to neighbours, and damaged records.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <map>

#include "mmgraph/anatomy.hpp"
#include "mmgraph/format/endian.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::test::TempDir;

namespace {

const std::filesystem::path kGolden = MMGRAPH_TEST_DATA;

const RecordSpan& record(const VertexAnatomy& a, Part part) {
    for (const RecordSpan& r : a.records)
        if (r.part == part) return r;
    FAIL("no record of part " << part_name(part));
    throw;
}

// Fields of one part, relative to that part's record start: {offset, size, name}.
std::vector<std::tuple<uint64_t, uint64_t, std::string>> layout(const VertexAnatomy& a, Part part) {
    uint64_t start = record(a, part).offset;
    std::vector<std::tuple<uint64_t, uint64_t, std::string>> out;
    for (const FieldSpan& f : a.fields)
        if (f.part == part) out.emplace_back(f.offset - start, f.size, f.name);
    return out;
}

// Every field of every vertex lies inside one of the vertex's records of its part, and in node
// and adjacency records the fields tile the record in order without gaps.
void check_tiling(const File& file) {
    for (uint32_t i = 0; i < file.vertex_count(); ++i) {
        VertexAnatomy a = describe_vertex(file, i);
        INFO("vertex " << i);
        REQUIRE(a.error.empty());
        for (const FieldSpan& f : a.fields) {
            bool inside = false;
            for (const RecordSpan& r : a.records)
                inside |= r.part == f.part && f.offset >= r.offset && f.offset + f.size <= r.offset + r.size;
            CHECK(inside);
            if (f.name.find("packed word ") != std::string::npos) {  // its bit fields cover the word (§7.2)
                unsigned next = 0;
                for (const BitField& bf : f.bits) {
                    CHECK(bf.lsb == next);
                    next = bf.lsb + bf.width;
                }
                CHECK(next == 32);
            }
        }
        for (const RecordSpan& r : a.records) {
            if (r.part != Part::node && r.part != Part::out_edges && r.part != Part::in_edges) continue;
            uint64_t at = r.offset;
            for (const FieldSpan& f : a.fields) {
                if (f.part != r.part) continue;
                CHECK(f.offset == at);
                at = f.offset + f.size;
            }
            CHECK(at == r.offset + r.size);
        }
    }
}

}  // namespace

TEST_CASE("a node record is described field by field as in the worked example (§6.5)", "[anatomy]") {
    TempDir dir;
    Writer w;
    auto person = w.add_label("Person", {{"age", TypeCode::int32},
                                         {"score", TypeCode::float64, true},
                                         {"name", TypeCode::string},
                                         {"nick", TypeCode::string, true}});
    w.add_vertex("v1", person, {42, Value(), "Ada", ""});
    w.finish(dir / "p.mmg");
    auto file = File::open(dir / "p.mmg");
    VertexAnatomy a = describe_vertex(*file, 0);
    REQUIRE(a.error.empty());
    // One node type, so no type id byte: the example's record from rec+01 on.
    using Row = std::tuple<uint64_t, uint64_t, std::string>;
    std::vector<Row> want{{0, 1, "null bitmap"},
                          {1, 4, "age (int32)"},
                          {5, 8, "score (float64)"},
                          {13, 1, "offset entry 0 (key)"},
                          {14, 1, "offset entry 1 (name (string))"},
                          {15, 1, "offset entry 2 (nick (string))"},
                          {16, 1, "key: size prefix"},
                          {17, 2, "key: payload"},
                          {19, 1, "name (string): size prefix"},
                          {20, 3, "name (string): payload"},
                          {23, 1, "nick (string): size prefix"}};
    CHECK(layout(a, Part::node) == want);
    CHECK(record(a, Part::node).size == 24);
    // The bytes under the fields are the example's bytes.
    const uint8_t expected[] = {0x01, 0x2A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x04, 0x08, 0x02, 0x76, 0x31, 0x03, 0x41, 0x64, 0x61, 0x00};
    CHECK(std::memcmp(file->data() + record(a, Part::node).offset, expected, sizeof expected) == 0);
    std::map<std::string, std::string> values;
    for (const FieldSpan& f : a.fields) values[f.name] = f.value;
    CHECK(values["null bitmap"] == "null: score");
    CHECK(values["age (int32)"] == "42");
    CHECK(values["score (float64)"] == "null");
    CHECK(values["offset entry 1 (name (string))"] == "var+3");
    CHECK(values["name (string): payload"] == "\"Ada\"");
    CHECK(values["nick (string): size prefix"] == "VLQ 0 bytes");
}

TEST_CASE("an adjacency record is described as in the worked example (§7.1)", "[anatomy]") {
    TempDir dir;
    Writer w;
    auto thing = w.add_label("Thing");
    auto knows = w.add_edge_type("KNOWS");
    auto rated = w.add_edge_type("RATED", {{"stars", TypeCode::int8}});
    for (int i = 0; i < 10; ++i) w.add_vertex(std::to_string(i), thing);
    for (int i = 0; i < 12; ++i) w.add_edge(std::to_string(i % 5), "8", rated, {1});
    w.add_edge("5", "9", knows);
    w.add_edge("5", "7", rated, {5});
    w.add_edge("5", "2", knows);
    w.finish(dir / "e.mmg");
    auto file = File::open(dir / "e.mmg");
    VertexAnatomy a = describe_vertex(*file, 5);
    REQUIRE(a.error.empty());
    const RecordSpan& out = record(a, Part::out_edges);
    CHECK(out.size == 28);
    // The record is its directory and first ordinal; its degree and entries are out_runs' (§7.3).
    const uint8_t expected[] = {2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0};
    CHECK(std::memcmp(file->data() + out.offset, expected, sizeof expected) == 0);
    using Row = std::tuple<uint64_t, uint64_t, std::string>;
    std::vector<Row> want{{0, 4, "block count"},  {4, 4, "block 0 word"},  {8, 4, "block 0 edges"},
                          {12, 4, "block 1 word"}, {16, 4, "block 1 edges"}, {20, 8, "RATED: first ordinal"}};
    CHECK(layout(a, Part::out_edges) == want);
    // 10 vertices: entries are packed at W = 4 bits (§7.2); vertex 5's are entries 12 to 14 of
    // the run, after vertices 0-4's twelve (all vertex 8), in its word 1: 88 88 92 07.
    const auto entries = layout(a, Part::out_runs);
    REQUIRE(entries.size() == 3);
    const RecordSpan& starts = record(a, Part::out_runs);
    CHECK(format::load<uint32_t>(file->data() + starts.offset) == 12);
    CHECK(format::load<uint32_t>(file->data() + starts.offset + 4) == 15);
    CHECK(std::get<2>(entries[0]) == "start 5");
    CHECK(std::get<2>(entries[1]) == "start 6");
    CHECK(std::get<2>(entries[2]) == "entries: packed word 1");
    const FieldSpan* word = nullptr;
    for (const FieldSpan& f : a.fields)
        if (f.name == "entries: packed word 1") word = &f;
    REQUIRE(word);
    const uint8_t word_bytes[] = {0x88, 0x88, 0x92, 0x07};
    CHECK(std::memcmp(file->data() + word->offset, word_bytes, 4) == 0);
    CHECK(word->value == "0: vertex 2, 1: vertex 9, 2: vertex 7");
    REQUIRE(word->bits.size() == 5);
    CHECK((word->bits[0].name == "other vertices' entries" && word->bits[0].lsb == 0 && word->bits[0].width == 16 && word->bits[0].value == 0x8888));
    CHECK((word->bits[1].name == "entry 0" && word->bits[1].lsb == 16 && word->bits[1].width == 4 && word->bits[1].value == 2));
    CHECK((word->bits[2].name == "entry 1" && word->bits[2].lsb == 20 && word->bits[2].width == 4 && word->bits[2].value == 9));
    CHECK((word->bits[3].name == "entry 2" && word->bits[3].lsb == 24 && word->bits[3].width == 4 && word->bits[3].value == 7));
    CHECK((word->bits[4].name == "padding" && word->bits[4].lsb == 28 && word->bits[4].width == 4 && word->bits[4].value == 0));
    // Vertex 4's entries (10 and 11) share that word with vertex 3's before them and vertex 5's
    // after them, and the run ends in it: the bits after its entries are named apart.
    VertexAnatomy four = describe_vertex(*file, 4);
    REQUIRE(four.error.empty());
    const FieldSpan* shared = nullptr;
    for (const FieldSpan& f : four.fields)
        if (f.name == "entries: packed word 1") shared = &f;
    REQUIRE(shared);
    using Bits = std::tuple<std::string, unsigned, unsigned>;
    std::vector<Bits> bits;
    for (const BitField& f : shared->bits) bits.emplace_back(f.name, f.lsb, f.width);
    CHECK(bits == std::vector<Bits>{{"other vertices' entries", 0, 8}, {"entry 0", 8, 4}, {"entry 1", 12, 4},
                                    {"other vertices' entries", 16, 12}, {"padding", 28, 4}});
    // owner_of gives a shared word to the vertex of its first entry (entry 8, vertex 3's), whose
    // anatomy names the same word.
    const ByteOwner owner = owner_of(*file, word->offset + 2);
    CHECK(owner.area == "out_runs");
    CHECK(owner.vertex == std::optional<uint32_t>(3));
    REQUIRE(owner.field);
    CHECK(owner.field->name == "entries: packed word 1");
    const FieldSpan* ordinal = a.field_at(out.offset + 20);
    CHECK(ordinal->value == "12");
    // The out_edges slot splits into tags, offset and domain (§5.1): L set, domain 5.
    for (const FieldSpan& f : a.fields)
        if (f.name == "slot out_edges") {
            CHECK(f.bits[0].value == 1);
            CHECK(f.bits[3].value == 5);
            CHECK(f.bits[2].value == out.offset - file->sections()[5].offset);
        }
}

TEST_CASE("fields tile every record of the golden files and random graphs", "[anatomy]") {
    for (const char* name : {"small.mmg", "intkeys.mmg", "sharded-0-of-2.mmg", "sharded-1-of-2.mmg", "lists.mmg"}) {
        INFO(name);
        check_tiling(*File::open(kGolden / name));
        check_tiling(*File::open(kGolden / "v1" / name));  // format 1: a word per flat entry
        check_tiling(*File::open(kGolden / "v2" / name));  // 2.0 to 2.2: the key index, a packed run per block
    }
    check_tiling(*File::open(kGolden / "v2.3" / "intkeys.mmg"));  // int64 keys without the key slot of 2.4
    for (const char* name : {"small.mmg", "intkeys.mmg", "sharded-0-of-2.mmg", "lists.mmg", "labels.mmg"})
        check_tiling(*File::open(kGolden / "v2.4" / name));  // flat records holding their degree and run
    check_tiling(*File::open(kGolden / "labels.mmg"));  // records of label sets' union layouts (§6.6)
    TempDir dir;
    for (uint64_t seed : {1, 2, 3}) {
        test::RandomGraphOptions options;
        options.seed = seed;
        options.int_keys = seed == 2;
        auto model = test::random_model(options);
        WriterOptions writer;
        writer.shard_count = seed == 3 ? 3 : 1;
        test::write_model(model, writer, dir / "r.mmg");
        for (uint32_t s = 0; s < writer.shard_count; ++s) check_tiling(*File::open(shard_path(dir / "r.mmg", s, writer.shard_count)));
    }
}

TEST_CASE("attribute fields show the values the reader returns", "[anatomy]") {
    for (const char* golden : {"small.mmg", "lists.mmg"}) {
        INFO(golden);
        auto file = File::open(kGolden / golden);
        for (uint32_t i = 0; i < file->vertex_count(); ++i) {
            Vertex v = file->vertex(i);
            VertexAnatomy a = describe_vertex(*file, i);
            const LabelInfo& label = file->labels()[v.label()];
            for (uint32_t k = 0; k < label.attributes.size(); ++k) {
                const AttributeInfo& attr = label.attributes[k];
                std::string name = std::string(attr.name) + " (" + attr.type.name() + ")";
                std::string want = value_text(v.get(k));
                bool found = false;
                for (const FieldSpan& f : a.fields)
                    if (f.name == name || f.name == name + ": payload") {
                        CHECK(f.value == want);
                        found = true;
                    }
                // Null and empty variable values have an offset entry but no payload.
                if (!attr.type.is_fixed() && (v.get(k).is_null() || v.get(k).as_bytes().empty())) continue;
                if (format::has_variable_items(attr.type.byte)) {
                    // string[] and bytes[]: one field per non-empty item, in order.
                    std::vector<std::string> items;
                    for (const FieldSpan& f : a.fields)
                        if (f.name.rfind(name + ": item ", 0) == 0 && f.name.find("size prefix") == std::string::npos) items.push_back(f.value);
                    std::vector<std::string> want_items;
                    for (const ValueRef& item : v.get(k).elements())
                        if (!item.as_bytes().empty()) want_items.push_back(value_text(item, 80));
                    CHECK(items == want_items);
                    continue;
                }
                CHECK(found);
            }
        }
    }
}

TEST_CASE("NeighbourList gives the k-th edge of the stored order", "[anatomy]") {
    std::vector<std::filesystem::path> files{kGolden / "small.mmg", kGolden / "intkeys.mmg", kGolden / "sharded-0-of-2.mmg",
                                             kGolden / "sharded-1-of-2.mmg"};
    for (const auto& path : files) {
        auto file = File::open(path);
        for (Vertex v : file->vertices())
            for (Direction dir : {Direction::out, Direction::in}) {
                if (dir == Direction::in && !file->has_in_edges()) continue;
                NeighbourList list(v, dir);
                uint64_t k = 0;
                for (const Edge& e : v.edges(dir)) {
                    Edge got = list.at(k++);
                    CHECK(got.target == e.target);
                    CHECK(got.type == e.type);
                    CHECK(got.ordinal == e.ordinal);
                }
                CHECK(list.size() == k);
                CHECK_THROWS_AS(list.at(k), Error);
            }
    }
}

TEST_CASE("owner_of names the section, vertex and field of any byte", "[anatomy]") {
    auto file = File::open(kGolden / "small.mmg");
    ByteOwner header = owner_of(*file, 10);
    CHECK(header.area == "header");
    REQUIRE(header.field);
    CHECK(header.field->name == "version minor");
    CHECK(owner_of(*file, 130).area == "directory");
    CHECK(owner_of(*file, file->file_size()).area == "past the end");
    for (uint32_t i = 0; i < file->vertex_count(); ++i) {
        VertexAnatomy a = describe_vertex(*file, i);
        for (const FieldSpan& f : a.fields) {
            if (f.name.starts_with("bucket")) continue;  // a bucket is shared by the keys hashed into it
            ByteOwner o = owner_of(*file, f.offset + f.size - 1);
            INFO("vertex " << i << " field " << f.name);
            REQUIRE(o.vertex);
            // A runs section's bytes are shared (§7.3): a start ends one vertex's entries and
            // begins the next's, and a word holds the entries of neighbouring vertices. Their
            // owner is one of those vertices, whose anatomy names the same field.
            if (f.part != Part::out_runs && f.part != Part::in_runs) CHECK(*o.vertex == i);
            REQUIRE(o.field);
            CHECK(o.field->name == f.name);
        }
    }
    // Bytes of the string table belong to no vertex.
    ByteOwner strings = owner_of(*file, file->sections()[0].offset);
    CHECK(strings.area == "strings");
    CHECK_FALSE(strings.vertex);
}

TEST_CASE("owner_of names the label set of a byte of the label_sets section (§6.6)", "[anatomy][labels]") {
    auto file = File::open(kGolden / "labels.mmg");
    const SectionInfo& sets = file->sections()[3];
    REQUIRE(sets.kind == static_cast<uint16_t>(format::SectionKind::label_sets));
    CHECK(owner_of(*file, sets.offset + 4).detail == "label set table head");
    CHECK(owner_of(*file, sets.offset + 8).detail == "label set 5 (Person;Actor): label count");
    CHECK(owner_of(*file, sets.offset + 0x14).detail == "label set 6 (Movie;Sequel): label id");
    CHECK(owner_of(*file, sets.offset + 0x22).detail == "label set 7 (Person;Actor;Director): padding");
    // And the id_spaces section (§8.3): head, names, the node types' spaces.
    const SectionInfo& spaces = file->sections()[4];
    REQUIRE(spaces.kind == static_cast<uint16_t>(format::SectionKind::id_spaces));
    CHECK(owner_of(*file, spaces.offset).detail == "ID space table head");
    CHECK(owner_of(*file, spaces.offset + 0x0C).detail == "name of ID space 2 (Actor-ID)");
    CHECK(owner_of(*file, spaces.offset + 0x10).detail == "ID space of node type 0: the default");
    CHECK(owner_of(*file, spaces.offset + 0x1A).detail == "ID space of node type 5: Movie-ID");
    // A node record of a set names the set in its node type field.
    VertexAnatomy lana = describe_vertex(*file, file->find("lana")->index());
    REQUIRE(lana.error.empty());
    bool named = false;
    for (const FieldSpan& f : lana.fields) named |= f.name == "node type id" && f.value.find("Person;Actor;Director") != std::string::npos;
    CHECK(named);
}

TEST_CASE("a damaged record stops the description with the reader's message", "[anatomy]") {
    TempDir dir;
    auto bytes = test::read_bytes(kGolden / "small.mmg");
    auto clean = File::open(kGolden / "small.mmg");
    // Point vertex 1's node slot far past the nodes section: open still succeeds (§12).
    uint64_t slot = clean->vertex(1).slots().slot_offset;
    uint64_t value = clean->vertex(1).slots().node | 0x0000FFFFFFFF0000ull;
    std::memcpy(bytes.data() + slot, &value, 8);
    test::write_bytes(dir / "bad.mmg", bytes);
    auto file = File::open(dir / "bad.mmg");
    VertexAnatomy a = describe_vertex(*file, 1);
    CHECK_THAT(a.error, Catch::Contains("nodes") && Catch::Contains("offset"));
    CHECK_FALSE(a.fields.empty());  // the slots were described before the bad record
    CHECK(describe_vertex(*file, 0).error.empty());
    CHECK_FALSE(describe_vertex(*file, 99999).error.empty());
}

TEST_CASE("damaged bytes anywhere after the header never make the inspection API crash", "[anatomy]") {
    // Section checksums are verify()'s business, so a flipped section byte still opens: every
    // describer must then stop with an error or decode garbage, within bounds (ASan checks it).
    TempDir dir;
    for (const char* name : {"small.mmg", "sharded-0-of-2.mmg", "lists.mmg"}) {
        const auto clean = test::read_bytes(kGolden / name);
        const uint64_t first_section = File::open(kGolden / name)->sections()[0].offset;
        static const uint8_t flips[] = {0x01, 0x80, 0xFF};
        uint64_t opened = 0;
        for (uint64_t at = first_section; at < clean.size(); ++at) {
            auto bytes = clean;
            bytes[at] ^= flips[at % 3];
            test::write_bytes(dir / "flip.mmg", bytes);
            std::shared_ptr<const File> file;
            try {
                file = File::open(dir / "flip.mmg");
            } catch (const Error&) {
                continue;
            }
            ++opened;
            INFO(name << " byte " << at);
            for (uint32_t i = 0; i < file->vertex_count(); ++i) {
                CHECK_NOTHROW(describe_vertex(*file, i));
                for (Direction d : {Direction::out, Direction::in}) {
                    try {
                        NeighbourList list(file->vertex(i), d);
                        for (uint64_t k = 0; k < std::min<uint64_t>(list.size(), 64); ++k) (void)list.at(k);
                    } catch (const Error&) {
                    }
                }
            }
            for (uint64_t probe = at % 7; probe < bytes.size(); probe += 61) CHECK_NOTHROW(owner_of(*file, probe));
        }
        CHECK(opened > 0);
    }
}

TEST_CASE("string[] and bytes[] values show their items", "[anatomy]") {
    auto file = File::open(kGolden / "lists.mmg");
    CHECK(value_text(file->find("d1")->get("tags")) == "[\"graph\", \"mmap\"]");
    CHECK(value_text(file->find("d3")->get("tags")) == "[\"\", \"b\xC3\xA9ton\", \"\xE6\x97\xA5\xE6\x9C\xAC\"]");
    CHECK(value_text(file->find("d1")->get("chunks")) == "[0x0001, empty]");
    CHECK(value_text(file->find("d2")->get("tags")) == "[]");
    // Each item has a size-prefix field and, when not empty, a field with its text.
    VertexAnatomy a = describe_vertex(*file, file->find("d1")->index());
    std::vector<std::string> names;
    for (const FieldSpan& f : a.fields)
        if (f.name.rfind("tags (string[])", 0) == 0) names.push_back(f.name + " = " + f.value);
    CHECK(names == std::vector<std::string>{"tags (string[]): size prefix = VLQ 2 items", "tags (string[]): item 0 size prefix = VLQ 5 bytes",
                                            "tags (string[]): item 0 = \"graph\"", "tags (string[]): item 1 size prefix = VLQ 4 bytes",
                                            "tags (string[]): item 1 = \"mmap\""});
}

TEST_CASE("describe_header decodes raw bytes as far as they go, like the opened file's", "[anatomy]") {
    auto file = File::open(kGolden / "small.mmg");
    const std::vector<FieldSpan> opened = describe_header(*file);
    std::vector<uint8_t> bytes(file->data(), file->data() + file->file_size());
    auto same = [](const std::vector<FieldSpan>& a, const std::vector<FieldSpan>& b) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (a[i].offset != b[i].offset || a[i].size != b[i].size || a[i].name != b[i].name || a[i].value != b[i].value) return false;
        return true;
    };
    CHECK(same(describe_header(bytes), opened));
    CHECK(opened.size() == 15 + 6 * file->sections().size());
    CHECK(opened[0].value == "89 4D 4D 47 0D 0A 1A 0A");

    // A prefix: the fields it holds whole; the directory's entries while they fit.
    auto prefix = [&](size_t n) { return describe_header(std::span<const uint8_t>(bytes.data(), n)); };
    CHECK(prefix(0).empty());
    CHECK(prefix(20).size() == 4);  // magic, major, minor, flags
    CHECK(prefix(128).size() == 15);
    CHECK(prefix(128 + 32 * 2 + 5).size() == 15 + 6 * 2);

    // Damage that open() refuses is shown as stored.
    bytes[0] = 0x88;
    bytes[12] = 0x06;  // IN_EDGES cleared, two unknown flags
    bytes[90] = 1;
    auto fields = describe_header(bytes);
    CHECK(fields[0].value == "88 4D 4D 47 0D 0A 1A 0A");
    CHECK(fields[3].value == "none, unknown 0x6");
    CHECK(fields[13].value == "not zero");
    format::store<uint32_t>(bytes.data() + 44, 1000000);  // a section count past the bytes
    CHECK(describe_header(bytes).size() == 15 + 6 * ((bytes.size() - 128) / 32));
    CHECK(describe_header(bytes, 3).size() == 15 + 6 * 3);
    format::store<uint64_t>(bytes.data() + 48, uint64_t{1} << 62);  // a directory past the bytes
    CHECK(describe_header(bytes).size() == 15);
}
