// The storage of the writer's direct keys (Writer::Impl::direct_keys): per number, the id + 1
// of the vertex whose key it is, 0 for none.
//
// Its entries never move. The address space for the most it may hold is reserved once, without
// backing (a page costs memory only once written), and growing only publishes a larger size. So
// other threads may read it while the writer's thread adds vertices
// (Writer::find_int_keys_concurrently): they read the published size with acquire and each entry
// with a relaxed atomic load, and see either 0 or the id the entry was set to. Entries are
// written with relaxed atomic stores, which compile to plain stores. Only the writer's thread
// grows or sets the table.
#pragma once

#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "huge_pages.hpp"

namespace mmgraph::detail {

class DirectKeyTable {
public:
    DirectKeyTable() = default;
    DirectKeyTable(const DirectKeyTable&) = delete;
    DirectKeyTable& operator=(const DirectKeyTable&) = delete;
    ~DirectKeyTable() {
        if (entries_) munmap(entries_, capacity_ * sizeof(uint32_t));
    }

    // The writer's thread's view.
    size_t size() const { return size_.load(std::memory_order_relaxed); }
    bool empty() const { return size() == 0; }
    const uint32_t& operator[](size_t i) const { return entries_[i]; }
    void set(size_t i, uint32_t value) { std::atomic_ref<uint32_t>(entries_[i]).store(value, std::memory_order_relaxed); }

    // Another thread's view: the entries below the size it read (with acquire, so that the
    // entries set before the table grew to it are visible).
    size_t published_size() const { return size_.load(std::memory_order_acquire); }
    uint32_t load_concurrently(size_t i) const { return std::atomic_ref<uint32_t>(entries_[i]).load(std::memory_order_relaxed); }

    // The most entries the table can have; the address space is reserved on the first call.
    size_t capacity() {
        if (!reserved_) reserve();
        return capacity_;
    }
    // Publishes a larger size, up to capacity(). The entries of the new range are set before:
    // an entry past the size may be set, and is read by no one until it is published.
    void grow_to(size_t size) { size_.store(size, std::memory_order_release); }

private:
    // 2^32 entries (16 GiB of address space) hold the numbers of graphs up to 2^31 vertices; a
    // system that refuses that much (a strict overcommit policy, an address-space limit) gets
    // the most it grants, halving down to 2^16, or none.
    void reserve() {
        reserved_ = true;
        for (size_t capacity = size_t{1} << 32; capacity >= (size_t{1} << 16); capacity /= 2) {
            void* p = mmap(nullptr, capacity * sizeof(uint32_t), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (p == MAP_FAILED) continue;
            entries_ = static_cast<uint32_t*>(p);
            capacity_ = capacity;
            // Lookups land anywhere in it (an edge list's endpoints, 134 million at R-MAT scale
            // 22, over 16 MiB): in 2 MiB pages they stop missing the TLB, and
            // find_int_keys_concurrently took a third fewer samples.
            advise_huge_pages(p, capacity * sizeof(uint32_t));
            return;
        }
    }

    uint32_t* entries_ = nullptr;
    size_t capacity_ = 0;
    bool reserved_ = false;
    std::atomic<size_t> size_{0};
};

}  // namespace mmgraph::detail
