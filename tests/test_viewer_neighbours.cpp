// viewer/model/neighbour_filter: the key filter of the neighbour lists.
#include <catch2/catch.hpp>

#include "neighbour_filter.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::viewer;
using mmgraph::test::TempDir;

TEST_CASE("the key filter finds every neighbour whose key contains the text, in list order", "[viewer][neighbours]") {
    TempDir dir;
    Writer w;
    const auto label = w.add_label("V");
    const auto a = w.add_edge_type("A"), b = w.add_edge_type("B");
    std::vector<std::string> keys;
    for (int i = 0; i < 300; ++i) keys.push_back("k" + std::to_string(i));
    for (const auto& k : keys) w.add_vertex(k, label);
    for (int i = 1; i < 300; ++i) w.add_edge("k0", keys[static_cast<size_t>(i)], i % 2 ? a : b);
    w.finish(dir / "hub.mmg");
    auto file = File::open(dir / "hub.mmg");
    const NeighbourList list(file->vertex(0), Direction::out);

    const NeighbourMatches m = filter_neighbours(*file, list, "k1");
    CHECK(m.scanned == 299);
    CHECK(m.damaged == 0);
    std::vector<std::string> found;
    for (uint64_t p : m.positions) found.push_back(file->vertex(list.at(p).target.index).key_string());
    // k1, k10..k19, k100..k199: 1 + 10 + 100 keys, each in the list once.
    CHECK(found.size() == 111);
    for (const auto& k : found) CHECK(k.rfind("k1", 0) == 0);
    CHECK(std::is_sorted(m.positions.begin(), m.positions.end()));

    CHECK(filter_neighbours(*file, list, "").positions.size() == 299);
    CHECK(filter_neighbours(*file, list, "zz").positions.empty());
    const NeighbourMatches bounded = filter_neighbours(*file, list, "k", 50);
    CHECK(bounded.scanned == 50);
    CHECK(bounded.positions.size() == 50);
}
