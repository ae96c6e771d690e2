#include "adjacency_window.hpp"

#include <algorithm>
#include <array>

namespace mmgraph::detail {

namespace {

// The order within a list before edge id (which the spill already gives): type, shard, local.
uint64_t stored_order(const SpilledEdge& e) {
    return uint64_t{e.type} << 47 | uint64_t{e.other_shard} << 31 | e.other_local;
}

constexpr unsigned kDigitBits = 11;

}  // namespace

std::vector<uint32_t> window_bounds(const std::vector<uint32_t>& members, const std::vector<uint32_t>& degree) {
    std::vector<uint32_t> bounds{0};
    uint64_t in_window = 0;
    for (uint32_t l = 0; l < members.size(); ++l) {
        const uint64_t d = degree[members[l]];
        if (in_window > 0 && in_window + d > kWindowEdges) {
            bounds.push_back(l);
            in_window = 0;
        }
        in_window += d;
    }
    if (members.size() > bounds.back()) bounds.push_back(static_cast<uint32_t>(members.size()));
    return bounds;
}

void AdjacencyWindow::load(const EdgeSpill& spill, Direction dir, uint16_t shard, uint32_t first, uint32_t last) {
    first_ = first;
    entries_.clear();
    spill.read_window(dir, shard, first, last, entries_);
    scratch_.resize(entries_.size());

    // LSD radix sort on the stored order, stable, so equal keys keep edge id order. Digits that
    // are the same in every entry (the type of a one-type graph, the high bits of small local
    // indices) need no pass.
    uint64_t any = 0, all = ~uint64_t{0};
    for (const SpilledEdge& e : entries_) {
        any |= stored_order(e);
        all &= stored_order(e);
    }
    const uint64_t varying = any & ~all;
    for (unsigned shift = 0; shift < 64; shift += kDigitBits) {
        constexpr uint64_t mask = (uint64_t{1} << kDigitBits) - 1;
        if (((varying >> shift) & mask) == 0) continue;
        std::array<uint64_t, (1u << kDigitBits) + 1> start{};
        for (const SpilledEdge& e : entries_) ++start[((stored_order(e) >> shift) & mask) + 1];
        for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
        for (const SpilledEdge& e : entries_) scratch_[start[(stored_order(e) >> shift) & mask]++] = e;
        entries_.swap(scratch_);
    }

    // Then a stable counting sort by list.
    const uint64_t n = uint64_t{last} - first;
    begin_.assign(n + 1, 0);
    for (const SpilledEdge& e : entries_) ++begin_[e.self_local - first + 1];
    for (uint64_t i = 0; i < n; ++i) begin_[i + 1] += begin_[i];
    std::vector<uint64_t>& cursor = begin_;  // advanced to each list's end, then shifted back
    for (const SpilledEdge& e : entries_) scratch_[cursor[e.self_local - first]++] = e;
    for (uint64_t i = n; i > 0; --i) begin_[i] = begin_[i - 1];
    begin_[0] = 0;
    entries_.swap(scratch_);
}

}  // namespace mmgraph::detail
