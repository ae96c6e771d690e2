// Format limits at write time (spec §9): each is a clear mmgraph::Error naming the limit, at the
// real limit where a test can reach it (labels, edge types, attributes), through a lowered knob
// where it cannot (vertices per shard, bytes or items per value), and no file is left behind.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;
using Catch::Contains;

TEST_CASE("limits: 65535 labels are written and read back, the 65536th is refused", "[limits]") {
    TempDir dir;
    Writer w;
    for (uint32_t i = 0; i < format::kMaxLabels; ++i) w.add_label("L" + std::to_string(i));
    CHECK_THROWS_WITH(w.add_label("one-more"), Contains("'one-more'") && Contains("more than 65535 labels") && Contains("§9"));
    w.add_vertex("v", format::kMaxLabels - 1);
    w.finish(dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    file->verify();
    CHECK(file->labels().size() == format::kMaxLabels);
    CHECK(file->find("v")->label_name() == "L65534");
}

TEST_CASE("limits: 65535 edge types are written and read back, the 65536th is refused", "[limits]") {
    TempDir dir;
    Writer w;
    w.add_label("L");
    for (uint32_t i = 0; i < format::kMaxEdgeTypes; ++i) w.add_edge_type("E" + std::to_string(i));
    CHECK_THROWS_WITH(w.add_edge_type("one-more"), Contains("'one-more'") && Contains("more than 65535 edge types") && Contains("§9"));
    w.add_vertex("a", 0);
    w.add_vertex("b", 0);
    w.add_edge("a", "b", format::kMaxEdgeTypes - 1);
    w.add_edge("a", "b", 0);
    w.finish(dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    file->verify();
    CHECK(file->find("a")->degree(Direction::out, format::kMaxEdgeTypes - 1) == 1);
}

TEST_CASE("limits: 4096 attributes per label or edge type, 4097 are refused", "[limits]") {
    auto attributes = [](uint32_t n) {
        std::vector<AttributeSpec> list;
        for (uint32_t i = 0; i < n; ++i) list.push_back({"a" + std::to_string(i), TypeCode::int8, true});
        return list;
    };
    TempDir dir;
    Writer w;
    auto l = w.add_label("Wide", attributes(format::kMaxAttributes));
    CHECK_THROWS_WITH(w.add_label("Wider", attributes(format::kMaxAttributes + 1)),
                      Contains("label 'Wider'") && Contains("4097 attributes exceed the limit of 4096"));
    CHECK_THROWS_WITH(w.add_edge_type("E", attributes(format::kMaxAttributes + 1)),
                      Contains("edge type 'E'") && Contains("4097 attributes exceed the limit of 4096"));
    w.add_vertex("v", l, {1, 2, 3});
    w.finish(dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    file->verify();
    CHECK(file->find("v")->get("a4095").is_null());
    CHECK(file->find("v")->get("a2").as_int() == 3);
}

TEST_CASE("limits: names longer than 65535 bytes are refused", "[limits]") {
    Writer w;
    const std::string long_name(0x10000, 'n');
    CHECK_THROWS_WITH(w.add_label(long_name), Contains("longer than 65535 bytes"));
    CHECK_THROWS_WITH(w.add_edge_type(long_name), Contains("longer than 65535 bytes"));
    CHECK_THROWS_WITH(w.add_label("L", {{long_name, TypeCode::int8}}), Contains("attribute name too long"));
}

TEST_CASE("limits: a value longer than the per-value limit is refused (lowered limit)", "[limits]") {
    // The real limit, 0xFFFFFFF0 bytes or items (the VLQ prefix stays within 5 bytes), is
    // checked by the same comparison; 10 makes it reachable.
    TempDir dir;
    WriterOptions o;
    o.max_value_size = 10;
    Writer w(o);
    auto l = w.add_label("L", {{"s", TypeCode::string, true}, {"b", TypeCode::bytes, true}, {"v", Type::list_of(TypeCode::int16), true}});
    auto e = w.add_edge_type("E", {{"s", TypeCode::string}});
    const std::string ten(10, 'x'), eleven(11, 'x');
    const std::vector<uint8_t> raw(11, 7);
    const std::vector<int16_t> items(11, 3);
    CHECK_THROWS_WITH(w.add_vertex("a", l, {eleven}), Contains("vertex 'a'") && Contains("attribute 's'") &&
                                                          Contains("11 bytes exceeds the limit of 10 bytes per value"));
    CHECK_THROWS_WITH(w.add_vertex("a", l, {Value(), Value::bytes(raw)}), Contains("attribute 'b'") && Contains("exceeds the limit of 10"));
    CHECK_THROWS_WITH(w.add_vertex("a", l, {Value(), Value(), Value::list(items)}),
                      Contains("attribute 'v'") && Contains("list of 11 items exceeds the limit of 10 items per value"));
    CHECK_THROWS_WITH(w.add_vertex(eleven, l), Contains("key of 11 bytes exceeds the limit of 10"));
    w.add_vertex(ten, l, {ten, Value::bytes(std::span<const uint8_t>(raw).first(10)),
                          Value::list(std::span<const int16_t>(items).first(10))});
    CHECK_THROWS_WITH(w.add_edge(ten, ten, e, {eleven}), Contains("edge") && Contains("exceeds the limit of 10"));
    w.add_edge(ten, ten, e, {ten});
    w.finish(dir / "g.mmg");
    auto file = File::open(dir / "g.mmg");
    file->verify();
    CHECK(file->find(ten)->get("v").list_size() == 10);

    WriterOptions too_high;
    too_high.max_value_size = format::kMaxValueSize + 1;
    CHECK_THROWS_WITH(Writer(too_high), Contains("max_value_size must be at most"));
}

TEST_CASE("limits: more vertices in one shard than allowed fails at finish() naming the shard (lowered limit)", "[limits]") {
    // The real limit is 2^31 per shard (31-bit local indices); the knob lowers it to 5.
    TempDir dir;
    WriterOptions o;
    o.max_vertices_per_shard = 5;
    o.shard_count = 2;
    Writer w(o);
    w.add_label("L");
    for (int i = 0; i < 11; ++i) w.add_vertex("v" + std::to_string(i), 0);  // one shard gets 6+
    CHECK_THROWS_WITH(w.finish(dir / "g.mmg"), Contains("shard ") && Contains("more than 5 vertices") && Contains("2^31"));
    CHECK(std::filesystem::is_empty(dir.path));
}
