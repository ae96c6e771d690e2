// The adjacency lists of a window of one shard's vertices, in one direction, read back from the
// edge spill and put in stored order (§7: type, then the other endpoint's shard and local index,
// then edge id). Plan and encode both walk the shard window by window, so memory is bounded by
// the window, not the graph.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "edge_spill.hpp"

namespace mmgraph::detail {

// Edges per window: a list longer than this gets a window to itself.
inline constexpr uint64_t kWindowEdges = 1u << 18;

// Window boundaries over local indices [0, members.size()): consecutive ranges holding at most
// kWindowEdges entries, from each vertex's degree (indexed by global id).
std::vector<uint32_t> window_bounds(const std::vector<uint32_t>& members, const std::vector<uint32_t>& degree);

class AdjacencyWindow {
public:
    // The lists of local indices [first, last) of `shard`, whose vertices' global ids `members`
    // gives by local index. `others_only`, for a spill of plain edges only
    // (EdgeSpill::all_plain()): each list is kept as its other endpoints' local indices, read
    // through others(), a quarter of the bytes to place and sort; entries() and list() are then
    // empty.
    void load(const EdgeSpill& spill, Direction dir, uint16_t shard, std::span<const uint32_t> members, uint32_t first, uint32_t last,
              bool others_only = false);
    // Every list of the window, in stored order.
    std::span<const SpilledEdge> entries() const { return {entries_.get(), others_only_ ? 0 : entry_count_}; }
    std::span<const SpilledEdge> list(uint32_t local) const {
        if (others_only_) return {};
        const uint64_t i = local - first_;
        return {entries_.get() + begin_[i], entries_.get() + begin_[i + 1]};
    }
    // A list of plain edges, sorted: their other endpoints (one shard: their local indices).
    std::span<const uint32_t> others(uint32_t local) const {
        if (!others_only_) return {};
        const uint64_t i = local - first_;
        return {others_.get() + begin_[i], others_.get() + begin_[i + 1]};
    }
    // Every list of others() at once, in stored order: they lie one after another.
    std::span<const uint32_t> all_others() const { return {others_.get(), others_only_ ? entry_count_ : 0}; }

private:
    void sort_lists(uint64_t n);
    uint32_t first_ = 0;
    std::vector<uint64_t> begin_;
    // Every entry is written by the load, so fresh space is not zeroed first.
    std::unique_ptr<SpilledEdge[]> entries_;
    std::unique_ptr<uint32_t[]> others_;
    uint64_t entry_count_ = 0, entry_capacity_ = 0, other_capacity_ = 0;
    bool others_only_ = false;
};

}  // namespace mmgraph::detail
