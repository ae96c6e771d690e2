// viewer/model/byte_window: offsets typed by people, byte windows with their owners, and the
// text that names an owner.
#include <catch2/catch.hpp>

#include <cstdio>
#include <set>

#include "byte_window.hpp"
#include "session.hpp"
#include "support/random_graph.hpp"
#include "walk_script.hpp"

using namespace mmgraph;
using namespace mmgraph::viewer;
using mmgraph::test::TempDir;

namespace {

std::filesystem::path random_file(const TempDir& dir, bool in_edges = true) {
    test::RandomGraphOptions options;
    options.seed = 11;
    options.vertices = 120;
    options.edges = 500;
    WriterOptions writer;
    writer.store_in_edges = in_edges;
    test::write_model(test::random_model(options), writer, dir / "g.mmg");
    return dir / "g.mmg";
}

}  // namespace

TEST_CASE("offsets are decimal or 0x hex", "[viewer][bytes]") {
    CHECK(parse_offset("0") == 0u);
    CHECK(parse_offset("4096") == 4096u);
    CHECK(parse_offset("0x1f") == 31u);
    CHECK(parse_offset(" 0X10 ") == 16u);
    CHECK(parse_offset("18446744073709551615") == UINT64_MAX);
    for (const char* bad : {"", "0x", "12a", "-1", "x10", "1 2", "18446744073709551616"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_offset(bad));
    }
}

TEST_CASE("a byte window's runs cover it and agree with owner_of at every byte", "[viewer][bytes]") {
    TempDir dir;
    auto file = File::open(random_file(dir));
    const uint64_t size = file->file_size();
    const ByteWindow whole = read_byte_window(*file, 0, size);
    REQUIRE(whole.bytes.size() == size);
    CHECK(std::equal(whole.bytes.begin(), whole.bytes.end(), file->data()));
    uint64_t at = 0;
    std::set<std::string> areas;
    for (const OwnedRun& run : whole.runs) {
        REQUIRE(run.offset == at);
        REQUIRE(run.size > 0);
        at += run.size;
        areas.insert(run.owner.area);
        // Every byte of a run has the run's owner.
        for (uint64_t b = run.offset; b < run.offset + run.size; b += std::max<uint64_t>(1, run.size / 4)) {
            const ByteOwner o = owner_of(*file, b);
            CHECK(o.area == run.owner.area);
            CHECK(o.vertex == run.owner.vertex);
            CHECK(o.field.has_value() == run.owner.field.has_value());
            if (o.field && run.owner.field) CHECK(o.field->name == run.owner.field->name);
        }
    }
    CHECK(at == size);
    for (const char* area : {"header", "directory", "nodes", "vertices", "out_edges", "in_edges", "key_table"}) {
        CAPTURE(area);
        CHECK(areas.count(area) == 1);
    }
    // A window past the end is clipped to the file, and run_at finds only its own bytes.
    const ByteWindow tail = read_byte_window(*file, size - 10, 100);
    CHECK(tail.begin == size - 10);
    CHECK(tail.bytes.size() == 10);
    CHECK(tail.run_at(size - 1) != nullptr);
    CHECK(tail.run_at(size) == nullptr);
    CHECK(tail.run_at(size - 11) == nullptr);
    CHECK(read_byte_window(*file, size + 5, 16).bytes.empty());
}

TEST_CASE("an owner's text names the section, the vertex with its key and the field", "[viewer][bytes]") {
    TempDir dir;
    auto file = File::open(random_file(dir));
    const VertexAnatomy anatomy = describe_vertex(*file, 7);
    REQUIRE_FALSE(anatomy.fields.empty());
    const std::string key = file->vertex(7).key_string();
    for (const FieldSpan& field : anatomy.fields) {
        const ByteOwner owner = owner_of(*file, field.offset);
        const std::string text = describe_owner(*file, owner);
        CAPTURE(text, field.name);
        // A byte of a shared structure (a key-index bucket) is named by its detail instead.
        if (owner.field) CHECK(text.find("field '" + field.name + "'") != std::string::npos);
        else CHECK((!owner.detail.empty() && text.find(owner.detail) != std::string::npos));
        // A runs section's start or word is shared with a neighbouring vertex (§7.3).
        if (owner.vertex && field.part != Part::out_runs && field.part != Part::in_runs) {
            CHECK(*owner.vertex == 7u);
            CHECK(text.find("vertex 7 (key '" + key + "')") != std::string::npos);
        }
    }
    CHECK(describe_owner(*file, owner_of(*file, 0)).rfind("header, ", 0) == 0);
}

TEST_CASE("walk steps `offset N` select a byte of every section kind and name its owner as the anatomy does", "[viewer][bytes]") {
    TempDir dir;
    const auto path = random_file(dir);
    Session session;
    REQUIRE(session.open(path.string()));
    const File& file = *session.file();
    std::set<std::string> kinds;
    for (const SectionInfo& section : file.sections()) {
        for (uint64_t at : {section.offset, section.offset + section.length / 2, section.offset + section.length - 1}) {
            CAPTURE(std::string(section.name()), at);
            run_walk(session, parse_walk_script(at % 2 ? "offset 0x" + [&] {
                char hex[24];
                std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(at));
                return std::string(hex);
            }() : "offset " + std::to_string(at)));
            REQUIRE(session.selected_byte());
            const auto state = session.state()["selected_byte"];
            CHECK(state["offset"] == at);
            CHECK(state["section"] == std::string(section.name()));
            const ByteOwner& owner = session.selected_byte()->owner;
            if (owner.vertex) {
                // The field is the one the vertex's anatomy places at that byte.
                const VertexAnatomy anatomy = describe_vertex(file, *owner.vertex);
                const FieldSpan* field = anatomy.field_at(at);
                if (field) {
                    CHECK(state["field"] == field->name);
                    CHECK(state["vertex"] == *owner.vertex);
                }
            }
        }
        kinds.insert(std::string(section.name()));
    }
    CHECK(kinds.size() >= 7);
    CHECK(session.errors().empty());
    run_walk(session, parse_walk_script("offset " + std::to_string(file.file_size())));
    REQUIRE(session.errors().size() == 1);
    CHECK_THAT(session.errors()[0], Catch::StartsWith("walk line 1: offset") && Catch::Contains("past the end"));
    CHECK_THROWS_WITH(parse_walk_script("offset 0xZZ"), Catch::Contains("line 1") && Catch::Contains("0x hex"));
}

TEST_CASE("each hop records the pages its vertex touched that the one before had not", "[viewer][footprint]") {
    TempDir dir;
    Session session;
    REQUIRE(session.open(random_file(dir).string()));
    CHECK_FALSE(session.current()->hop_new_pages);  // the first vertex: no hop
    const Footprint first = session.current()->footprint;
    REQUIRE(session.go_index(60));
    REQUIRE(session.current()->hop_new_pages);
    CHECK(*session.current()->hop_new_pages == new_pages(first, session.current()->footprint));
    REQUIRE(session.go_index(60));  // the same vertex again: nothing new
    CHECK(*session.current()->hop_new_pages == 0);
}
