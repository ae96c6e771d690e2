// Unsigned LEB128 ("VLQ") size prefixes of variable values (§6.4): 7 bits per byte, least
// significant group first, high bit set on every byte but the last.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mmgraph::format {

inline constexpr size_t kMaxVlqBytes = 10;

inline constexpr size_t vlq_size(uint64_t value) noexcept {
    size_t n = 1;
    while (value >= 0x80) {
        value >>= 7;
        ++n;
    }
    return n;
}

// Writes `value` at p and returns the number of bytes written (vlq_size(value)).
inline size_t vlq_encode(uint8_t* p, uint64_t value) noexcept {
    size_t n = 0;
    while (value >= 0x80) {
        p[n++] = static_cast<uint8_t>(value | 0x80);
        value >>= 7;
    }
    p[n++] = static_cast<uint8_t>(value);
    return n;
}

// Decodes from [p, p + avail). Returns the bytes consumed, or 0 when the encoding runs past
// `avail`, is longer than 10 bytes, or overflows 64 bits: the caller reports the error.
inline size_t vlq_decode(const uint8_t* p, size_t avail, uint64_t& value) noexcept {
    uint64_t result = 0;
    for (size_t i = 0; i < avail && i < kMaxVlqBytes; ++i) {
        uint64_t group = p[i] & 0x7F;
        if (i == 9 && group > 1) return 0;
        result |= group << (7 * i);
        if ((p[i] & 0x80) == 0) {
            value = result;
            return i + 1;
        }
    }
    return 0;
}

}  // namespace mmgraph::format
