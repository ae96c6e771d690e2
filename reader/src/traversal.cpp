// Direction-optimizing BFS (traversal.hpp). Sections: the search state and its checked
// numbering; a top-down level; a bottom-up level; the switch between them; the public calls.
#include "mmgraph/traversal.hpp"

#include "internal.hpp"
#include "mmgraph/format/packed.hpp"

#include <algorithm>
#include <bit>
#include <numeric>

namespace mmgraph {
namespace {

bool test_bit(const std::vector<uint64_t>& bits, uint64_t i) { return bits[i >> 6] >> (i & 63) & 1; }
void set_bit(std::vector<uint64_t>& bits, uint64_t i) { bits[i >> 6] |= uint64_t{1} << (i & 63); }

struct Level {
    uint64_t vertices = 0;  // reached in this level
    uint64_t edges = 0;     // their edges in the search's directions (when counted)
};

class Search {
public:
    Search(const Dataset& dataset, std::span<int32_t> distance, const BfsOptions& options);
    BfsSummary run(VertexRef source);

private:
    // The global index of an edge's far end; throws when it names no vertex.
    uint64_t global(VertexRef ref) const {
        if (ref.shard < count_.size() && ref.index < count_[ref.shard]) [[likely]]
            return first_[ref.shard] + ref.index;
        bad_reference(ref);
    }
    [[noreturn]] void bad_reference(VertexRef ref) const;
    // Marks a vertex reached at `level`; false when it already was.
    bool claim(uint64_t vertex, int32_t level) {
        uint64_t& word = visited_[vertex >> 6];
        const uint64_t bit = uint64_t{1} << (vertex & 63);
        if (word & bit) return false;
        word |= bit;
        distance_[vertex] = level;
        return true;
    }
    uint64_t degree(VertexRef ref) const;
    Level top_down(int32_t level);
    uint64_t bottom_up(int32_t level);
    // The run reads of one shard in each reverse direction (reverse_'s order), made once per step.
    using RunSources = std::vector<detail::RunSource>;
    bool has_parent_in_frontier(const File& file, const RunSources& sources, uint32_t vertex) const;
    uint64_t bottom_up_run(int32_t& level, BfsSummary& summary);
    void queue_to_bitmap();
    void bitmap_to_queue();

    const Dataset& dataset_;
    std::span<int32_t> distance_;
    BfsOptions options_;
    std::vector<uint64_t> first_;   // global index of each shard's vertex 0, then the total
    std::vector<uint64_t> count_;   // vertices per shard, 0 for an unmapped one
    std::vector<Direction> forward_, reverse_;
    bool can_bottom_up_ = false;
    std::vector<uint64_t> visited_;               // one bit per global vertex
    std::vector<std::vector<uint32_t>> frontier_, next_;  // top-down: local indices per shard
    std::vector<uint64_t> front_, front_next_;    // bottom-up: the frontier as bits
    uint64_t frontier_size_ = 0;
};

Search::Search(const Dataset& dataset, std::span<int32_t> distance, const BfsOptions& options)
    : dataset_(dataset), distance_(distance), options_(options), first_(global_first_indices(dataset)),
      count_(dataset.shard_count(), 0), frontier_(dataset.shard_count()), next_(dataset.shard_count()) {
    const uint64_t n = first_.back();
    if (distance.size() != n)
        throw Error(ErrorKind::misuse, "bfs: room for " + std::to_string(distance.size()) + " distances, the dataset has " +
                                           std::to_string(n) + " vertices");
    bool in_edges = true;
    for (uint16_t s : dataset.mapped_shards()) {
        count_[s] = first_[s + 1] - first_[s];
        in_edges = in_edges && dataset.shard(s).has_in_edges();
    }
    switch (options.direction) {
        case BfsDirection::out: forward_ = {Direction::out}; reverse_ = {Direction::in}; break;
        case BfsDirection::in: forward_ = {Direction::in}; reverse_ = {Direction::out}; break;
        case BfsDirection::both: forward_ = reverse_ = {Direction::out, Direction::in}; break;
    }
    if (!in_edges && options.direction != BfsDirection::out)
        throw Error(ErrorKind::misuse, "bfs: " + dataset.shard(dataset.mapped_shards().front()).path().string() +
                                           " stores no in-edges (it was written without them); only an out-search is possible");
    can_bottom_up_ = options.bottom_up && in_edges;
    visited_.assign((n + 63) / 64, 0);
}

void Search::bad_reference(VertexRef ref) const {
    if (ref.shard < count_.size() && !dataset_.mapped(ref.shard)) dataset_.shard(ref.shard);  // throws ShardNotMapped
    throw Error(ErrorKind::damaged, "edge to vertex " + std::to_string(ref.index) + " of shard " + std::to_string(ref.shard) +
                                        ", which does not exist");
}

uint64_t Search::degree(VertexRef ref) const {
    const Vertex vertex(&dataset_.shard(ref.shard), ref.index);
    uint64_t sum = 0;
    for (Direction d : forward_) sum += vertex.degree(d);
    return sum;
}

// --- top-down: the frontier lists its neighbours ----------------------------------------------

// Each shard's part of the frontier goes through for_each_neighbour, whose prefetching overlaps
// the cache misses of successive vertices and which reads only the neighbours (a flat record's
// one packed run, §7), not edge types or ordinals. The new vertices' degrees are only read when
// a bottom-up level may follow, to decide on it.
Level Search::top_down(int32_t level) {
    Level found;
    for (auto& part : next_) part.clear();
    const bool count_edges = can_bottom_up_;
    for (uint16_t s = 0; s < frontier_.size(); ++s) {
        if (frontier_[s].empty()) continue;
        const File& file = dataset_.shard(s);
        for (Direction d : forward_)
            // Inlined at each of the walk's call sites (a single-shard 2.5 file's loop, the
            // slots' loop, the iterator's): called per neighbour, it cost top-down 1.3x the CSR.
            file.for_each_neighbour(std::span<const uint32_t>(frontier_[s]), d, [&](uint32_t, VertexRef target) __attribute__((always_inline)) {
                if (!claim(global(target), level)) return;
                next_[target.shard].push_back(target.index);
                ++found.vertices;
                if (count_edges) found.edges += degree(target);
            });
    }
    frontier_.swap(next_);
    frontier_size_ = found.vertices;
    return found;
}

// --- bottom-up: each unvisited vertex looks for a parent --------------------------------------

// A flat record's neighbours are read straight from its packed run (§7), stopping at the first
// parent; any other record (grouped, or one the run's checks refuse) goes through the iterator,
// which reports damage.
bool Search::has_parent_in_frontier(const File& file, const RunSources& sources, uint32_t vertex) const {
    detail::NeighbourRun run;
    for (size_t i = 0; i < reverse_.size(); ++i) {
        if (!sources[i].read(vertex, run)) {
            for (const Edge& e : Vertex(&file, vertex).edges(reverse_[i]))
                if (test_bit(front_, global(e.target))) return true;
            continue;
        }
        for (uint64_t bit = run.first_bit, end = bit + run.count * run.entry_bits; bit < end; bit += run.entry_bits) {
            const uint32_t index = bit < run.loadable_bits ? format::packed_entry_loaded(run.run, bit, run.entry_mask)
                                                           : format::packed_entry_at(run.run, run.words, bit, run.entry_mask);
            if (test_bit(front_, global(VertexRef{run.shard, index}))) return true;
        }
    }
    return false;
}

// Vertices are walked in index order, so their slots and records are read front to back.
uint64_t Search::bottom_up(int32_t level) {
    std::fill(front_next_.begin(), front_next_.end(), 0);
    uint64_t found = 0;
    for (uint16_t s : dataset_.mapped_shards()) {
        const File& file = dataset_.shard(s);
        RunSources sources;
        for (Direction d : reverse_) sources.push_back(impl_of(file).run_sources[d == Direction::in]);
        const uint64_t base = first_[s];
        for (uint32_t v = 0; v < count_[s]; ++v) {
            const uint64_t g = base + v;
            if (test_bit(visited_, g) || !has_parent_in_frontier(file, sources, v)) continue;
            claim(g, level);
            set_bit(front_next_, g);
            ++found;
        }
    }
    front_.swap(front_next_);
    frontier_size_ = found;
    return found;
}

void Search::queue_to_bitmap() {
    front_.assign(visited_.size(), 0);
    front_next_.assign(visited_.size(), 0);
    for (uint16_t s = 0; s < frontier_.size(); ++s)
        for (uint32_t v : frontier_[s]) set_bit(front_, first_[s] + v);
}

void Search::bitmap_to_queue() {
    for (uint16_t s = 0; s < frontier_.size(); ++s) {
        frontier_[s].clear();
        for (uint64_t g = first_[s]; g < first_[s] + count_[s];) {
            const uint64_t word = front_[g >> 6] >> (g & 63);
            if (word == 0) {
                g = (g | 63) + 1;
                continue;
            }
            g += static_cast<uint64_t>(std::countr_zero(word));
            if (g >= first_[s] + count_[s]) break;
            frontier_[s].push_back(static_cast<uint32_t>(g - first_[s]));
            ++g;
        }
    }
}

// --- the switch ---------------------------------------------------------------------------------

// Bottom-up levels while the frontier grows or stays large; returns the last frontier's size.
uint64_t Search::bottom_up_run(int32_t& level, BfsSummary& summary) {
    queue_to_bitmap();
    const double large = static_cast<double>(first_.back()) / options_.beta;
    uint64_t awake = frontier_size_, previous = 0;
    do {
        previous = awake;
        awake = bottom_up(level++);
        ++summary.bottom_up_levels;
        if (awake > 0) summary.level_sizes.push_back(awake);
    } while (awake > 0 && (awake >= previous || static_cast<double>(awake) > large));
    bitmap_to_queue();
    return awake;
}

BfsSummary Search::run(VertexRef source) {
    if (source.shard >= count_.size() || source.index >= count_[source.shard]) {
        dataset_.vertex(source);  // throws misuse or ShardNotMapped, naming the problem
        throw Error(ErrorKind::misuse, "bfs: no source vertex " + std::to_string(source.index));
    }
    std::fill(distance_.begin(), distance_.end(), -1);
    BfsSummary summary;
    claim(first_[source.shard] + source.index, 0);
    frontier_[source.shard].push_back(source.index);
    frontier_size_ = 1;
    summary.level_sizes.push_back(1);
    // Edges the vertices not yet reached hold (an estimate: levels run bottom-up do not lower
    // it), and the edges of the frontier.
    double unexplored = 0;
    for (uint16_t s : dataset_.mapped_shards()) unexplored += static_cast<double>(dataset_.shard(s).edge_count() * forward_.size());
    uint64_t frontier_edges = can_bottom_up_ ? degree(source) : 0;
    for (int32_t level = 1; frontier_size_ > 0;) {
        if (can_bottom_up_ && static_cast<double>(frontier_edges) > unexplored / options_.alpha) {
            bottom_up_run(level, summary);
            frontier_edges = 0;  // the next level is top-down, and counts again
            continue;
        }
        unexplored -= std::min(unexplored, static_cast<double>(frontier_edges));
        const Level found = top_down(level++);
        frontier_edges = found.edges;
        if (found.vertices > 0) summary.level_sizes.push_back(found.vertices);
    }
    return summary;
}

}  // namespace

uint64_t BfsSummary::reached() const { return std::accumulate(level_sizes.begin(), level_sizes.end(), uint64_t{0}); }

std::vector<uint64_t> global_first_indices(const Dataset& dataset) {
    std::vector<uint64_t> first(dataset.shard_count() + size_t{1}, 0);
    for (uint16_t s = 0; s < dataset.shard_count(); ++s)
        first[s + 1] = first[s] + (dataset.mapped(s) ? dataset.shard(s).vertex_count() : 0);
    return first;
}

BfsSummary bfs(const Dataset& dataset, VertexRef source, std::span<int32_t> distance, const BfsOptions& options) {
    return Search(dataset, distance, options).run(source);
}

}  // namespace mmgraph
