// An allocator for the whole-graph arrays handed to numpy: a large block is 2 MiB-aligned and
// asks the kernel for transparent huge pages, as numpy's own allocator does (a fresh 130 MB
// array otherwise costs 33k page faults in 4 KiB pages), and resize() does not zero numbers
// that the caller writes anyway.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

namespace mmgraph::python {

template <typename T>
struct HugePageAllocator {
    using value_type = T;
    static constexpr size_t kHugePage = size_t{2} << 20;
    static constexpr size_t kWorthIt = size_t{4} << 20;  // below this, plain pages

    HugePageAllocator() = default;
    template <typename U>
    HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

    T* allocate(size_t n) {
        const size_t bytes = n * sizeof(T);
        if (bytes < kWorthIt) return std::allocator<T>().allocate(n);
        const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        void* p = std::aligned_alloc(kHugePage, rounded);
        if (!p) throw std::bad_alloc();
        madvise(p, rounded, MADV_HUGEPAGE);  // a hint: without it the memory is still good
        return static_cast<T*>(p);
    }
    void deallocate(T* p, size_t n) noexcept {
        if (n * sizeof(T) < kWorthIt) std::allocator<T>().deallocate(p, n);
        else std::free(p);
    }
    // resize(n) leaves numbers uninitialised: the filling threads touch the pages first, so the
    // kernel's zeroing of fresh pages is shared between them instead of done here.
    template <typename U>
    void construct(U* p) noexcept {
        ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <typename U>
    bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

// A vector for arrays that end up in numpy.
template <typename T>
using NumpyVector = std::vector<T, HugePageAllocator<T>>;

// Faults in the pages of [values, values + count) now, writable and zeroed by the kernel, without
// writing them (MADV_POPULATE_WRITE, Linux 5.14): threads that then fill the memory in pieces
// taken in turn do not fault the same huge page at once. Two threads populating a half each share
// the kernel's zeroing. Best effort: an older kernel leaves the faults to the first writes.
template <typename T>
void populate(T* values, size_t count) noexcept {
#ifdef MADV_POPULATE_WRITE
    constexpr uintptr_t kPage = 4096;
    const auto begin = reinterpret_cast<uintptr_t>(values) / kPage * kPage;
    const auto end = (reinterpret_cast<uintptr_t>(values + count) + kPage - 1) / kPage * kPage;
    if (count) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
    (void)values, (void)count;
#endif
}

}  // namespace mmgraph::python
