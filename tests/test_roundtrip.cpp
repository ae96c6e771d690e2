// Writer -> reader round trips of seeded random property graphs (tests/support/random_graph).
#include <catch2/catch.hpp>

#include "support/random_graph.hpp"

using namespace mmgraph;
using namespace mmgraph::test;

TEST_CASE("random graphs with every attribute type round-trip", "[roundtrip]") {
    for (uint64_t seed : {1, 2, 3}) {
        TempDir dir;
        RandomGraphOptions o;
        o.seed = seed;
        Model model = random_model(o);
        write_model(model, {}, dir / "g.mmg");
        File::open(dir / "g.mmg")->verify();
        check_against_model(model, dir / "g.mmg");
    }
}

TEST_CASE("int64 keys, multi-shard, low node-type cap", "[roundtrip]") {
    TempDir dir;
    RandomGraphOptions o;
    o.seed = 9;
    o.int_keys = true;
    o.long_string_rate = 0.2;
    Model model = random_model(o);
    WriterOptions w;
    w.shard_count = 3;
    w.max_node_types = 2;
    write_model(model, w, dir / "g.mmg");
    Dataset::open(dir / "g.mmg").verify();
    check_against_model(model, dir / "g.mmg");
}
