// The CSR, Boost.Graph and mmgraph peers (SQLite is in sqlite_peer.cpp).
#include "peers.hpp"

#include <algorithm>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/visitors.hpp>

#include "frontier_bfs.hpp"

namespace mmgraph::bench {

std::string BfsAnswer::describe() const {
    std::string text = "reached " + std::to_string(reached) + " over " + std::to_string(edges) + " edges, by distance [";
    for (size_t d = 0; d < histogram.size(); ++d) text += (d ? " " : "") + std::to_string(histogram[d]);
    return text + "]";
}

std::string LookupAnswer::describe() const {
    return "found " + std::to_string(found) + ", with attribute " + std::to_string(with_attribute) + ", attribute hash " +
           std::to_string(attribute_hash) + ", degree sum " + std::to_string(degree_sum);
}

void LookupAnswer::add(std::optional<std::string_view> attribute, uint64_t degree) {
    ++found;
    degree_sum += degree;
    if (!attribute) return;
    ++with_attribute;
    uint64_t h = 14695981039346656037ull;  // FNV-1a
    for (char c : *attribute) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    attribute_hash += h;
}

// ---- plain CSR ----

BfsAnswer csr_bfs(const InputGraph& graph, uint32_t source) {
    const uint64_t* offsets = graph.offsets.data();
    const uint32_t* targets = graph.targets.data();
    return frontier_bfs(graph.vertex_count(), source, [&](std::span<const uint32_t> frontier, auto&& visit) {
        for (uint32_t v : frontier)
            for (uint64_t e = offsets[v], end = offsets[v + 1]; e < end; ++e) visit(targets[e]);
    });
}

LookupAnswer csr_lookup(const InputGraph& graph, const std::vector<Key>& keys) {
    LookupAnswer answer;
    for (const Key& key : keys)
        if (auto v = graph.find(key)) answer.add(graph.attribute(*v), graph.out_degree(*v));
    return answer;
}

ReverseCsr reverse_of(const InputGraph& graph) {
    const uint64_t n = graph.vertex_count();
    ReverseCsr r;
    r.offsets.assign(n + 1, 0);
    for (uint32_t t : graph.targets) ++r.offsets[t + 1];
    for (uint64_t v = 0; v < n; ++v) r.offsets[v + 1] += r.offsets[v];
    r.sources.resize(graph.edge_count());
    std::vector<uint64_t> at(r.offsets.begin(), r.offsets.end() - 1);
    for (uint32_t v = 0; v < n; ++v)
        for (uint64_t e = graph.offsets[v]; e < graph.offsets[v + 1]; ++e) r.sources[at[graph.targets[e]]++] = v;
    return r;
}

namespace {

bool test_bit(const std::vector<uint64_t>& bits, uint64_t i) { return bits[i >> 6] >> (i & 63) & 1; }
void set_bit(std::vector<uint64_t>& bits, uint64_t i) { bits[i >> 6] |= uint64_t{1} << (i & 63); }

// One bottom-up level: every unvisited vertex with an in-neighbour in `front` joins `next`.
uint64_t csr_bottom_up(const ReverseCsr& reverse, std::vector<uint64_t>& visited, const std::vector<uint64_t>& front,
                       std::vector<uint64_t>& next) {
    std::fill(next.begin(), next.end(), 0);
    uint64_t found = 0;
    const uint64_t n = reverse.offsets.size() - 1;
    for (uint64_t v = 0; v < n; ++v) {
        if (test_bit(visited, v)) continue;
        for (uint64_t k = reverse.offsets[v]; k < reverse.offsets[v + 1]; ++k)
            if (test_bit(front, reverse.sources[k])) {
                set_bit(visited, v);
                set_bit(next, v);
                ++found;
                break;
            }
    }
    return found;
}

}  // namespace

BfsAnswer csr_bfs_direction_optimizing(const InputGraph& graph, const ReverseCsr& reverse, uint32_t source) {
    const uint64_t n = graph.vertex_count();
    std::vector<uint64_t> visited((n + 63) / 64, 0), front, next_front;
    std::vector<uint32_t> queue{source}, next;
    set_bit(visited, source);
    BfsAnswer answer;
    answer.histogram.push_back(1);
    double unexplored = static_cast<double>(graph.edge_count());
    uint64_t frontier_edges = graph.out_degree(source);
    while (!queue.empty()) {
        if (static_cast<double>(frontier_edges) > unexplored / 15) {
            front.assign(visited.size(), 0);
            next_front.assign(visited.size(), 0);
            for (uint32_t v : queue) set_bit(front, v);
            uint64_t awake = queue.size(), previous = 0;
            do {
                previous = awake;
                awake = csr_bottom_up(reverse, visited, front, next_front);
                front.swap(next_front);
                if (awake > 0) answer.histogram.push_back(awake);
            } while (awake > 0 && (awake >= previous || static_cast<double>(awake) > static_cast<double>(n) / 18));
            queue.clear();
            for (uint32_t v = 0; v < n; ++v)
                if (test_bit(front, v)) queue.push_back(v);
            frontier_edges = 0;
            continue;
        }
        unexplored -= std::min(unexplored, static_cast<double>(frontier_edges));
        next.clear();
        frontier_edges = 0;
        for (uint32_t v : queue)
            for (uint64_t e = graph.offsets[v]; e < graph.offsets[v + 1]; ++e) {
                const uint32_t w = graph.targets[e];
                if (test_bit(visited, w)) continue;
                set_bit(visited, w);
                next.push_back(w);
                frontier_edges += graph.out_degree(w);
            }
        queue.swap(next);
        if (!queue.empty()) answer.histogram.push_back(queue.size());
    }
    for (uint64_t count : answer.histogram) answer.reached += count;
    return answer;
}

// ---- Boost.Graph ----

namespace {
struct BoostVertex {
    std::string_view name;
    bool has_name = false;
};
// 32-bit vertex ids like the other peers; 64-bit edge indices for graphs past 4G edges.
using BoostGraph = boost::compressed_sparse_row_graph<boost::directedS, BoostVertex, boost::no_property,
                                                      boost::no_property, uint32_t, uint64_t>;
}  // namespace

struct BoostPeer::Impl {
    BoostGraph graph;
};

BoostPeer::BoostPeer(const InputGraph& input) : input_(input), impl_(std::make_unique<Impl>()) {
    std::vector<std::pair<uint32_t, uint32_t>> edges;
    edges.reserve(input.edge_count());
    for (uint32_t v = 0; v < input.vertex_count(); ++v)
        for (uint64_t e = input.offsets[v]; e < input.offsets[v + 1]; ++e) edges.emplace_back(v, input.targets[e]);
    impl_->graph = BoostGraph(boost::edges_are_sorted, edges.begin(), edges.end(), static_cast<uint32_t>(input.vertex_count()));
    for (uint32_t v = 0; v < input.vertex_count(); ++v)
        if (auto name = input.attribute(v)) impl_->graph[v] = {*name, true};
}

BoostPeer::~BoostPeer() = default;

BfsAnswer BoostPeer::bfs(uint32_t source) const {
    const BoostGraph& g = impl_->graph;
    const uint32_t n = static_cast<uint32_t>(boost::num_vertices(g));
    std::vector<uint32_t> distance(n, 0);
    std::vector<boost::default_color_type> color(n, boost::white_color);
    boost::breadth_first_search(
        g, source,
        boost::visitor(boost::make_bfs_visitor(boost::record_distances(distance.data(), boost::on_tree_edge())))
            .color_map(boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, g))));
    BfsAnswer answer;
    for (uint32_t v = 0; v < n; ++v) {
        if (color[v] == boost::white_color) continue;
        if (answer.histogram.size() <= distance[v]) answer.histogram.resize(distance[v] + 1, 0);
        ++answer.histogram[distance[v]];
        ++answer.reached;
        answer.edges += boost::out_degree(v, g);
    }
    return answer;
}

LookupAnswer BoostPeer::lookup(const std::vector<Key>& keys) const {
    const BoostGraph& g = impl_->graph;
    LookupAnswer answer;
    for (const Key& key : keys)
        if (auto v = input_.find(key)) {
            const BoostVertex& props = g[*v];
            answer.add(props.has_name ? std::optional<std::string_view>(props.name) : std::nullopt, boost::out_degree(*v, g));
        }
    return answer;
}

// ---- mmgraph ----

BfsAnswer mmgraph_bfs(const File& file, uint32_t source) {
    return frontier_bfs(file.vertex_count(), source, [&](std::span<const uint32_t> frontier, auto&& visit) {
        file.for_each_neighbour(frontier, Direction::out, [&](uint32_t, VertexRef target) { visit(target.index); });
    });
}

BfsAnswer mmgraph_bfs_edges(const File& file, uint32_t source) {
    return frontier_bfs(file.vertex_count(), source, [&](std::span<const uint32_t> frontier, auto&& visit) {
        file.for_each_edge(frontier, Direction::out, [&](uint32_t, const Edge& edge) { visit(edge.target.index); });
    });
}

BfsAnswer mmgraph_bfs_per_vertex(const File& file, uint32_t source) {
    return frontier_bfs(file.vertex_count(), source, vertex_by_vertex([&](uint32_t v, auto&& visit) {
        for (const Edge& edge : file.vertex(v).edges(Direction::out)) visit(edge.target.index);
    }));
}

namespace {

// The attribute's index in each label that has it (resolved once, as a service would).
std::vector<std::optional<uint32_t>> attribute_by_label(const File& file, const std::string& attribute) {
    std::vector<std::optional<uint32_t>> index_in_label;
    for (const LabelInfo& label : file.labels()) index_in_label.push_back(label.find(attribute));
    return index_in_label;
}

void add_found(LookupAnswer& answer, const Vertex& v, const std::vector<std::optional<uint32_t>>& index_in_label) {
    std::optional<std::string_view> value;
    if (auto index = index_in_label[v.label()]) {
        ValueRef ref = v.get(*index);
        if (!ref.is_null()) value = ref.as_string();
    }
    answer.add(value, v.degree(Direction::out));
}

}  // namespace

LookupAnswer mmgraph_lookup(const File& file, const std::vector<Key>& keys, const std::string& attribute) {
    const auto index_in_label = attribute_by_label(file, attribute);
    // Keys in chunks of kLookupChunk through the batch find, then the attribute and degree of
    // each vertex found, whose records the batch find prefetched.
    std::vector<std::optional<Vertex>> found(kLookupChunk);
    LookupAnswer answer;
    for (size_t at = 0; at < keys.size(); at += kLookupChunk) {
        std::span<const Key> chunk(keys.data() + at, std::min(kLookupChunk, keys.size() - at));
        std::span<std::optional<Vertex>> out(found.data(), chunk.size());
        file.find(chunk, out);
        for (const auto& v : out)
            if (v) add_found(answer, *v, index_in_label);
    }
    return answer;
}

LookupAnswer mmgraph_lookup_per_key(const File& file, const std::vector<Key>& keys, const std::string& attribute) {
    const auto index_in_label = attribute_by_label(file, attribute);
    LookupAnswer answer;
    for (const Key& key : keys)
        if (std::optional<Vertex> v = file.find(key)) add_found(answer, *v, index_in_label);
    return answer;
}

}  // namespace mmgraph::bench
