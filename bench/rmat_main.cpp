// mmgraph_rmat: writes a seeded Graph500-style R-MAT graph as a SNAP edge list and neo4j CSV, or
// (--edge-types) the typed property graph on the same topology.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "rmat.hpp"

int main(int argc, char** argv) {
    mmgraph::bench::RmatOptions options;
    std::string out = "rmat";
    CLI::App app("Writes DIR/edges.txt (SNAP), DIR/nodes.csv and DIR/edges.csv (neo4j-admin import).", "mmgraph_rmat");
    app.add_option("--scale", options.scale, "2^scale vertex ids (default 20)");
    app.add_option("--edge-factor", options.edge_factor, "edges per vertex id (default 16)");
    app.add_option("--seed", options.seed, "random seed (default 1)");
    app.add_option("--out", out, "output directory (default ./rmat)");
    unsigned edge_types = 0;
    app.add_option("--edge-types", edge_types,
                   "instead: the typed property graph (bench/rmat.hpp), nodes-*.csv and edges-*.csv with this many edge types");
    CLI11_PARSE(app, argc, argv);
    try {
        if (edge_types > 0) {
            auto files = mmgraph::bench::write_typed_rmat({options.scale, options.edge_factor, edge_types, options.seed}, out);
            std::printf("%s: %llu edges of %u types over %llu vertices\n", out.c_str(), static_cast<unsigned long long>(files.edges),
                        edge_types, static_cast<unsigned long long>(files.vertices));
            return 0;
        }
        auto files = mmgraph::bench::write_rmat(options, out);
        std::printf("%s: %llu edges over %llu vertex ids\n", out.c_str(), static_cast<unsigned long long>(files.edges),
                    static_cast<unsigned long long>(files.vertices));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mmgraph_rmat: %s\n", e.what());
        return 1;
    }
    return 0;
}
