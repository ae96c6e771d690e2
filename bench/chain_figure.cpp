// Figure 10 (bench/README.md): dependent lookups by key. The graph is an R-MAT graph whose 2^scale
// ids are all vertices, keyed by their int64 id, written with the Writer (in-edges stored, as
// the CLI does). Step i looks up key k_i and reads its out-degree d_i; the next key is a fixed
// mix of k_i and d_i into [0, 2^scale). A lookup thus waits for the one before it, as in a
// service that follows one answer to the next question, and the cache misses of one lookup form
// the whole cost. Three walks of the same chain, taking turns within each repeat:
//   mmgraph find      File::find(key), then Vertex::degree(out)
//   mmgraph batch     File::find(keys, out) with one key, then the degree
//   map + CSR         std::unordered_map<int64_t, uint32_t> to the index, then offsets[v + 1] - offsets[v]
// Each must end on the same key with the same sum of degrees.
#include "chain_figure.hpp"

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "graph_input.hpp"
#include "measure.hpp"
#include "mmgraph/reader.hpp"
#include "mmgraph/writer.hpp"

namespace mmgraph::bench {

namespace fs = std::filesystem;

namespace {

// The next key: a 64-bit finalizer (splitmix64's) of the key and the degree, top `scale` bits.
inline int64_t next_key(int64_t key, uint64_t degree, unsigned scale) {
    uint64_t z = static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ull + degree + 1;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<int64_t>((z ^ (z >> 31)) >> (64 - scale));
}

struct ChainAnswer {
    uint64_t found = 0, degree_sum = 0;
    int64_t last_key = 0;
    bool operator==(const ChainAnswer&) const = default;
    std::string describe() const {
        return std::to_string(found) + " found, degree sum " + std::to_string(degree_sum) + ", last key " + std::to_string(last_key);
    }
};

// Walks `steps` lookups from key 0; `degree_of(key)` is the out-degree, or nullopt when absent.
template <typename DegreeOf>
ChainAnswer walk(uint64_t steps, unsigned scale, DegreeOf&& degree_of) {
    ChainAnswer a;
    int64_t key = 0;
    for (uint64_t i = 0; i < steps; ++i) {
        const std::optional<uint64_t> degree = degree_of(key);
        a.found += degree.has_value();
        a.degree_sum += degree.value_or(0);
        a.last_key = key;
        key = next_key(key, degree.value_or(0), scale);
    }
    return a;
}

void write_graph(const InputGraph& graph, const fs::path& path) {
    WriterOptions options;
    options.key_type = KeyType::int64;
    options.threads = 2;
    Writer writer(options);
    const LabelId label = writer.add_label("Vertex");
    const EdgeTypeId type = writer.add_edge_type("EDGE");
    const std::vector<Key> keys(graph.int_key.begin(), graph.int_key.end());
    writer.add_vertices(keys, label);
    std::vector<uint32_t> from(graph.edge_count());
    for (uint32_t v = 0; v < graph.vertex_count(); ++v)
        std::fill(from.begin() + static_cast<ptrdiff_t>(graph.offsets[v]), from.begin() + static_cast<ptrdiff_t>(graph.offsets[v + 1]), v);
    writer.add_edges_by_id(from, graph.targets, type);
    writer.finish(path);
}

}  // namespace

std::string chain_figure_title(const ChainOptions& o) {
    return "10. Dependent lookups: find by key + out-degree, the next key computed from the answer (R-MAT s" +
           std::to_string(o.rmat.scale) + " ef" + std::to_string(o.rmat.edge_factor) + ", every id a vertex; ns per lookup, " +
           std::to_string(o.lookups) + " lookups in one chain, median of " + std::to_string(o.repeats) + ", taking turns)";
}

Table chain_figure(const ChainOptions& o, double* vs_peer) {
    fs::create_directories(o.scratch);
    const fs::path path = o.scratch / "chain.mmg";
    double file_mib = 0;
    uint64_t vertices = 0;
    constexpr size_t kWalks = 3;
    std::vector<double> times[kWalks];
    ChainAnswer answers[kWalks];
    {
        InputGraph graph;
        {
            const RmatEdges edges = generate_rmat_edges(o.rmat);
            graph = graph_of_ids(edges.vertices, edges.from, edges.to);
        }
        write_graph(graph, path);
        vertices = graph.vertex_count();
        file_mib = static_cast<double>(file_bytes(path)) / (1024.0 * 1024.0);
        const auto file = File::open(path);
        const unsigned scale = o.rmat.scale;
        std::optional<Vertex> one[1];
        const std::function<ChainAnswer()> walks[kWalks] = {
            [&] {
                return walk(o.lookups, scale, [&](int64_t key) -> std::optional<uint64_t> {
                    const auto v = file->find(key);
                    return v ? std::optional<uint64_t>(v->degree(Direction::out)) : std::nullopt;
                });
            },
            [&] {
                return walk(o.lookups, scale, [&](int64_t key) -> std::optional<uint64_t> {
                    const Key k = key;
                    file->find(std::span<const Key>(&k, 1), one);
                    return one[0] ? std::optional<uint64_t>(one[0]->degree(Direction::out)) : std::nullopt;
                });
            },
            [&] {
                return walk(o.lookups, scale, [&](int64_t key) -> std::optional<uint64_t> {
                    const auto v = graph.find(key);
                    return v ? std::optional<uint64_t>(graph.out_degree(*v)) : std::nullopt;
                });
            }};
        // One untimed turn each (the answers; warms the page cache and the map), then the rounds.
        for (size_t w = 0; w < kWalks; ++w) answers[w] = walks[w]();
        for (unsigned r = 0; r < o.repeats; ++r)
            for (size_t w = 0; w < kWalks; ++w) times[w].push_back(seconds_of([&] {
                if (!(walks[w]() == answers[w])) throw Error(ErrorKind::misuse, "figure 10: a repeated chain gave another answer");
            }));
    }
    fs::remove_all(o.scratch);
    const char* names[kWalks] = {"mmgraph find", "mmgraph batch find", "unordered_map + CSR"};
    for (size_t w : {0, 1})
        if (!(answers[w] == answers[2]))
            throw Error(ErrorKind::misuse, std::string("figure 10: ") + names[w] + " gives " + answers[w].describe() + ", " + names[2] + " " +
                                               answers[2].describe());
    double ns[kWalks];
    for (size_t w = 0; w < kWalks; ++w) ns[w] = median(times[w]) * 1e9 / static_cast<double>(o.lookups);
    if (vs_peer) *vs_peer = ns[0] / ns[2];
    Table t{{"graph", "vertices", "file MiB", "found", "mmgraph find ns", "batch find ns", "map + CSR ns", "find vs map + CSR",
             "batch vs map + CSR"}, {}};
    t.rows.push_back({"R-MAT s" + std::to_string(o.rmat.scale) + " ef" + std::to_string(o.rmat.edge_factor), std::to_string(vertices),
                      fixed(file_mib, 1), std::to_string(answers[0].found), fixed(ns[0], 0), fixed(ns[1], 0), fixed(ns[2], 0), ratio(ns[0], ns[2]),
                      ratio(ns[1], ns[2])});
    return t;
}

}  // namespace mmgraph::bench
