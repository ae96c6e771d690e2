// Little-endian loads and stores over unaligned bytes (§1: byte order). memcpy compiles to a
// single move on x86-64 and ARM64 and is the only well-defined way to read an unaligned value.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace mmgraph::format {

static_assert(std::endian::native == std::endian::little,
              "mmgraph v1 maps files in place and needs a little-endian host");

template <typename T>
inline T load(const uint8_t* p) noexcept {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
}

template <typename T>
inline void store(uint8_t* p, T value) noexcept {
    static_assert(std::is_trivially_copyable_v<T>);
    std::memcpy(p, &value, sizeof(T));
}

// 48-bit values (vertex references, §5.2) occupy 6 bytes.
inline uint64_t load_u48(const uint8_t* p) noexcept {
    uint64_t value = 0;
    std::memcpy(&value, p, 6);
    return value;
}

inline void store_u48(uint8_t* p, uint64_t value) noexcept { std::memcpy(p, &value, 6); }

// An unsigned value stored in `width` bytes (1, 2, 4 or 8): offset table entries (§6.2).
inline uint64_t load_uint(const uint8_t* p, unsigned width) noexcept {
    uint64_t value = 0;
    std::memcpy(&value, p, width);
    return value;
}

inline void store_uint(uint8_t* p, uint64_t value, unsigned width) noexcept {
    std::memcpy(p, &value, width);
}

}  // namespace mmgraph::format
