#include "adjacency_window.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <hwy/contrib/sort/vqsort.h>

#include "mmgraph/error.hpp"

namespace mmgraph::detail {

namespace {

// The order within a list before edge id (which the spill already gives): type, shard, local.
uint64_t stored_order(const SpilledEdge& e) {
    return uint64_t{e.type} << 47 | uint64_t{e.other_shard} << 31 | e.other_local;
}

// Up to this many entries, insertion sort beats the fixed cost of the other sorts.
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
// Each pass counts its own digit: a 63-bit stored order has up to eight digits of which most do
// not vary, where counting every digit at once would clear and fill counters for nothing.
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

// Sorts values ascending with Highway's vectorized quicksort, which took half the time of an
// LSD radix sort in 8-bit digits on an R-MAT graph's lists (a few dozen to a few thousand
// entries each, whose counters that sort cleared and summed per list). Not stable, and need not
// be: equal values are alike, and where order among equal indices matters the edge id is in the
// value, below the index.
template <typename T>
void sort_values(T* begin, T* end, const hwy::Sorter& sorter) {
    sorter(begin, static_cast<size_t>(end - begin), hwy::SortAscending());
}

// How the entries of a list differ, besides the list (which is the same).
enum class Variety {
    other_local,     // only in the other endpoint's local index (an edge list's: no ids)
    other_local_id,  // in that and the edge id (one type, one shard, with properties)
    more,            // also in type or shard
};

Variety variety_of(const SpilledEdge* begin, const SpilledEdge* end) {
    bool same_id = true;
    for (const SpilledEdge* e = begin + 1; e < end; ++e) {
        if (e->other_shard != begin->other_shard || e->type != begin->type) return Variety::more;
        same_id = same_id && e->id == begin->id;
    }
    return same_id ? Variety::other_local : Variety::other_local_id;
}

// Scratch space of sort_list, reused from list to list.
struct SortScratch {
    std::vector<SpilledEdge> entries;
    std::vector<uint32_t> indices;
    std::vector<uint64_t> indices_with_ids;
    hwy::Sorter sorter;  // holds a buffer of its own: one per thread
};

// Orders one list by stored order, stably, so that equal keys keep the spill's edge id order.
// When only the other endpoint's index and the id vary, the list is sorted as 4- or 8-byte
// values (index, then id below it) rather than 16-byte entries: half or a quarter of the bytes
// moved, and a hub's list outgrows the caches.
void sort_list(SpilledEdge* begin, SpilledEdge* end, SortScratch& scratch) {
    const ptrdiff_t size = end - begin;
    if (size <= kInsertionSortMax) {
        insertion_sort(begin, end, stored_order);
        return;
    }
    switch (variety_of(begin, end)) {
    case Variety::more:
        scratch.entries.resize(static_cast<size_t>(size));
        radix_sort(begin, end, scratch.entries.data(), stored_order);
        return;
    case Variety::other_local: {
        std::vector<uint32_t>& v = scratch.indices;
        v.resize(static_cast<size_t>(size));
        for (ptrdiff_t i = 0; i < size; ++i) v[i] = begin[i].other_local;
        sort_values(v.data(), v.data() + size, scratch.sorter);
        for (ptrdiff_t i = 0; i < size; ++i) begin[i].other_local = v[i];
        return;
    }
    case Variety::other_local_id: {
        std::vector<uint64_t>& v = scratch.indices_with_ids;
        v.resize(static_cast<size_t>(size));
        for (ptrdiff_t i = 0; i < size; ++i) v[i] = uint64_t{begin[i].other_local} << 32 | begin[i].id;
        sort_values(v.data(), v.data() + size, scratch.sorter);
        for (ptrdiff_t i = 0; i < size; ++i) {
            begin[i].other_local = static_cast<uint32_t>(v[i] >> 32);
            begin[i].id = static_cast<uint32_t>(v[i]);
        }
        return;
    }
    }
}

// A list of plain edges' other endpoints: equal values are alike, so no order but theirs.
void sort_others(uint32_t* begin, uint32_t* end, const hwy::Sorter& sorter) {
    if (end - begin <= kInsertionSortMax) {
        insertion_sort(begin, end, [](uint32_t other) { return uint64_t{other}; });
        return;
    }
    sort_values(begin, end, sorter);
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
                           uint32_t last, bool others_only) {
    // Each list's place follows from the degrees, so entries are read straight into their lists
    // (in edge id order), and each list is then sorted on its own, in the cache.
    first_ = first;
    const uint64_t n = uint64_t{last} - first;
    const std::vector<uint32_t>& degree = spill.degree(dir);
    begin_.resize(n + 1);
    begin_[0] = 0;
    for (uint64_t i = 0; i < n; ++i) {
        const uint32_t d = degree[members[first + i]];
        begin_[i + 1] = begin_[i] + d;
    }
    entry_count_ = begin_[n];
    others_only_ = others_only;
    // begin_ itself is the cursor (a second array per list raised the peak memory): each list's
    // start advances to its end, which is the next list's start, then all move back one.
    const std::span<uint64_t> cursor(begin_.data(), n);
    if (others_only) {
        if (entry_count_ > other_capacity_) {
            others_ = std::make_unique_for_overwrite<uint32_t[]>(entry_count_);
            other_capacity_ = entry_count_;
        }
        spill.read_window_others_by_list(dir, shard, first, last, cursor, others_.get(), entry_count_);
    } else {
        if (entry_count_ > entry_capacity_) {
            entries_ = std::make_unique_for_overwrite<SpilledEdge[]>(entry_count_);
            entry_capacity_ = entry_count_;
        }
        spill.read_window_by_list(dir, shard, first, last, cursor, entries_.get(), entry_count_);
    }
    for (uint64_t i = n; i > 0; --i) begin_[i] = begin_[i - 1];
    begin_[0] = 0;
    for (uint64_t i = 0; i < n; ++i)
        MMGRAPH_CHECK(begin_[i + 1] - begin_[i] == degree[members[first + i]], "a staged list holds fewer entries than its degree");
    sort_lists(n);
}

// Each list into stored order; a list shorter than two is in it already.
void AdjacencyWindow::sort_lists(uint64_t n) {
    if (others_only_) {
        const hwy::Sorter sorter;
        for (uint64_t i = 0; i < n; ++i)
            if (begin_[i + 1] - begin_[i] > 1) sort_others(others_.get() + begin_[i], others_.get() + begin_[i + 1], sorter);
        return;
    }
    SortScratch scratch;
    for (uint64_t i = 0; i < n; ++i)
        if (begin_[i + 1] - begin_[i] > 1) sort_list(entries_.get() + begin_[i], entries_.get() + begin_[i + 1], scratch);
}

}  // namespace mmgraph::detail
