// Transparent huge pages for a large array that is about to be written for the first time.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace mmgraph::detail {

// Asks for 2 MiB pages in the whole 2 MiB blocks of [data, data + bytes), so that random
// accesses over it stop missing the TLB. Only pages not yet touched are affected; a hint, so a
// refusal changes nothing.
inline void advise_huge_pages(void* data, size_t bytes) {
    constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
    const auto at = reinterpret_cast<uintptr_t>(data);
    const uintptr_t begin = (at + kHugePage - 1) & ~(kHugePage - 1), end = (at + bytes) & ~(kHugePage - 1);
    if (begin < end) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace mmgraph::detail
