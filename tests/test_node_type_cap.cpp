// Spec §6.3: the node-type cap grows with the label count. Below 64 labels it is raised to the
// label count, as before; from 64 labels on, to 4 per label, so that the widest type each label
// keeps room for does not leave only widest types (300 labels once gave every record 4-byte
// offsets).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::test::TempDir;

namespace {

// `labels` labels of two string attributes; each label gets `per_label` vertices with short
// values (every offset fits 1 byte) and then one whose first value is 300 bytes long (widths
// 1, 1, 2).
std::shared_ptr<const File> write_labels(const TempDir& dir, uint32_t labels, uint32_t per_label, uint32_t max_node_types) {
    WriterOptions o;
    o.temp_directory = dir.path;
    o.max_node_types = max_node_types;
    Writer w(o);
    for (uint32_t l = 0; l < labels; ++l) w.add_label("L" + std::to_string(l), {{"bio", TypeCode::string}, {"name", TypeCode::string}});
    const std::string long_bio(300, 'b');
    for (uint32_t i = 0; i <= per_label; ++i)
        for (uint32_t l = 0; l < labels; ++l) {
            const std::string key = "v" + std::to_string(l) + "-" + std::to_string(i);
            w.add_vertex(key, l, {Value(i == per_label ? std::string_view(long_bio) : std::string_view("short")), Value(key)});
        }
    const auto path = dir / ("g" + std::to_string(labels) + ".mmg");
    w.finish(path);
    auto file = File::open(path);
    file->verify();
    return file;
}

size_t widest_count(const File& file) {
    size_t widest = 0;
    for (const auto& nt : file.node_types())
        widest += std::all_of(nt.offset_widths.begin(), nt.offset_widths.end(), [](uint8_t w) { return w == 4; });
    return widest;
}

}  // namespace

TEST_CASE("node-type cap: with 300 labels every record gets the widths it needs", "[node_types]") {
    TempDir dir;
    for (uint32_t requested : {1u, format::kDefaultMaxNodeTypes}) {
        CAPTURE(requested);
        auto file = write_labels(dir, 300, 3, requested);
        // Two exact types per label (1,1,1 and 1,1,2) fit the cap of 4 x 300; no widest type.
        CHECK(file->node_types().size() == 600);
        CHECK(widest_count(*file) == 0);
        for (uint32_t i = 0; i < file->vertex_count(); ++i) {
            const auto& widths = file->node_types()[file->vertex(i).node_type()].offset_widths;
            const bool long_bio = file->vertex(i).get(0u).as_string().size() == 300;
            CHECK(widths == (long_bio ? std::vector<uint8_t>{1, 1, 2} : std::vector<uint8_t>{1, 1, 1}));
        }
    }
}

TEST_CASE("node-type cap: below 64 labels it is the label count, as before", "[node_types]") {
    TempDir dir;
    // 63 labels, cap 64: one widest type per label stays reserved, so only one exact type fits
    // beside them while labels still have vertices to come.
    auto file = write_labels(dir, 63, 1, format::kDefaultMaxNodeTypes);
    CHECK(file->node_types().size() <= 64);
    CHECK(widest_count(*file) >= 62);
    // From 64 labels on the cap is 4 per label: every type is exact.
    auto wider = write_labels(dir, 64, 1, format::kDefaultMaxNodeTypes);
    CHECK(wider->node_types().size() == 128);
    CHECK(widest_count(*wider) == 0);
}
