#include "adjacency_window.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "mmgraph/error.hpp"

namespace mmgraph::detail {

namespace {

// The order within a list before edge id (which the spill already gives): type, shard, local.
uint64_t stored_order(const SpilledEdge& e) {
    return uint64_t{e.type} << 47 | uint64_t{e.other_shard} << 31 | e.other_local;
}

// Up to this many entries, insertion sort beats the radix passes' fixed cost of counters.
constexpr ptrdiff_t kInsertionSortMax = 32;

template <typename T, typename Key>
void insertion_sort(T* begin, T* end, Key key_of) {
    for (T* i = begin + 1; i < end; ++i) {
        const T e = *i;
        const uint64_t key = key_of(e);
        T* j = i;
        for (; j > begin && key_of(*(j - 1)) > key; --j) *j = *(j - 1);
        *j = e;
    }
}

// Stable LSD radix sort of [begin, end) on key_of, through `scratch` (room for as many). Digits
// that are the same in every entry (the type of a one-type graph, the high bits of small local
// indices) need no pass; short lists take narrower digits, whose counters cost less to clear.
template <typename T, typename Key>
void radix_sort(T* begin, T* end, T* scratch, Key key_of) {
    const ptrdiff_t size = end - begin;
    uint64_t any = 0, all = ~uint64_t{0};
    for (const T* e = begin; e < end; ++e) {
        any |= key_of(*e);
        all &= key_of(*e);
    }
    const uint64_t varying = any & ~all;
    const unsigned digit_bits = size < (1 << 14) ? 8 : 11;
    const uint64_t mask = (uint64_t{1} << digit_bits) - 1;
    std::array<uint32_t, (1u << 11) + 1> start;
    T *from = begin, *to = scratch;
    for (unsigned shift = 0; shift < 64; shift += digit_bits) {
        if (((varying >> shift) & mask) == 0) continue;
        std::fill(start.begin(), start.begin() + mask + 2, 0);
        for (const T* e = from; e < from + size; ++e) ++start[((key_of(*e) >> shift) & mask) + 1];
        for (size_t i = 1; i <= mask + 1; ++i) start[i] += start[i - 1];
        for (const T* e = from; e < from + size; ++e) to[start[(key_of(*e) >> shift) & mask]++] = *e;
        std::swap(from, to);
    }
    if (from != begin) std::copy(from, from + size, begin);
}

// LSD radix sort of 4-byte indices in digits of kBits, through `scratch`: one pass counts every
// digit position, so a list of a few hundred entries (most of an R-MAT graph's) pays for its
// counters once; digits equal in every index need no pass. A comparison sort took twice as long.
template <unsigned kBits>
void sort_indices_in_digits(uint32_t* begin, uint32_t* end, uint32_t* scratch) {
    constexpr unsigned kDigits = (32 + kBits - 1) / kBits;
    constexpr uint32_t kMask = (1u << kBits) - 1;
    std::array<std::array<uint32_t, kMask + 1>, kDigits> count{};
    uint32_t any = 0, all = ~uint32_t{0};
    for (const uint32_t* v = begin; v < end; ++v) {
        any |= *v;
        all &= *v;
        for (unsigned d = 0; d < kDigits; ++d) ++count[d][(*v >> (kBits * d)) & kMask];
    }
    const uint32_t varying = any & ~all;
    uint32_t *from = begin, *to = scratch;
    const ptrdiff_t size = end - begin;
    for (unsigned d = 0; d < kDigits; ++d) {
        if (((varying >> (kBits * d)) & kMask) == 0) continue;
        uint32_t at = 0;
        for (uint32_t& c : count[d]) at += std::exchange(c, at);
        for (const uint32_t* v = from; v < from + size; ++v) to[count[d][(*v >> (kBits * d)) & kMask]++] = *v;
        std::swap(from, to);
    }
    if (from != begin) std::copy(from, from + size, begin);
}

// Long lists take wider digits: one pass fewer for up to 22-bit indices, where clearing the
// larger counters costs little against the entries.
void sort_indices(uint32_t* begin, uint32_t* end, uint32_t* scratch) {
    if (end - begin < 2048) sort_indices_in_digits<8>(begin, end, scratch);
    else sort_indices_in_digits<11>(begin, end, scratch);
}

// Whether the entries differ in their other endpoint's local index alone (an edge list's lists:
// one type, one shard, no ids), so that sorting those indices sorts the list.
bool differ_in_other_local_only(const SpilledEdge* begin, const SpilledEdge* end) {
    for (const SpilledEdge* e = begin + 1; e < end; ++e)
        if (e->id != begin->id || e->other_shard != begin->other_shard || e->type != begin->type) return false;
    return true;
}

// Orders one list by stored order, stably, so that equal keys keep the spill's edge id order.
// `scratch` has room for the list, `locals` is reused. Sorting 4-byte indices rather than
// 16-byte entries moves a quarter of the bytes: a hub's list outgrows the caches.
void sort_list(SpilledEdge* begin, SpilledEdge* end, SpilledEdge* scratch, std::vector<uint32_t>& locals) {
    const ptrdiff_t size = end - begin;
    if (size <= kInsertionSortMax) {
        insertion_sort(begin, end, stored_order);
        return;
    }
    if (!differ_in_other_local_only(begin, end)) {
        radix_sort(begin, end, scratch, stored_order);
        return;
    }
    // Equal indices are equal entries here, so the sort need not be stable.
    locals.resize(2 * static_cast<size_t>(size));
    for (ptrdiff_t i = 0; i < size; ++i) locals[i] = begin[i].other_local;
    sort_indices(locals.data(), locals.data() + size, locals.data() + size);
    for (ptrdiff_t i = 0; i < size; ++i) begin[i].other_local = locals[i];
}

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

void AdjacencyWindow::load(const EdgeSpill& spill, Direction dir, uint16_t shard, std::span<const uint32_t> members, uint32_t first,
                           uint32_t last) {
    // Each list's place follows from the degrees, so entries are read straight into their lists
    // (in edge id order), and each list is then sorted on its own, in the cache.
    first_ = first;
    const uint64_t n = uint64_t{last} - first;
    const std::vector<uint32_t>& degree = spill.degree(dir);
    begin_.resize(n + 1);
    begin_[0] = 0;
    uint64_t longest = 0;
    for (uint64_t i = 0; i < n; ++i) {
        const uint32_t d = degree[members[first + i]];
        begin_[i + 1] = begin_[i] + d;
        longest = std::max<uint64_t>(longest, d);
    }
    entry_count_ = begin_[n];
    if (entry_count_ > entry_capacity_) {
        entries_ = std::make_unique_for_overwrite<SpilledEdge[]>(entry_count_);
        entry_capacity_ = entry_count_;
    }
    next_.assign(begin_.begin(), begin_.end() - 1);
    spill.read_window_by_list(dir, shard, first, last, next_, entries_.get(), entry_count_);
    for (uint64_t i = 0; i < n; ++i) MMGRAPH_CHECK(next_[i] == begin_[i + 1], "a staged list holds fewer entries than its degree");
    scratch_.resize(longest);
    for (uint64_t i = 0; i < n; ++i) sort_list(entries_.get() + begin_[i], entries_.get() + begin_[i + 1], scratch_.data(), locals_);
}

}  // namespace mmgraph::detail
