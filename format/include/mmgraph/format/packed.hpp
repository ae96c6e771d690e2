// Packed adjacency entries (§7.2): the entries of a flat block are W-bit local indices, W the
// bits of the shard's largest index, in a little-endian bit stream of 32-bit words. Format 1
// stored them as whole 32-bit words with a terminator bit; that is the case W = 32 here, with
// the terminator masked off, so one decoder serves both.
#pragma once

#include <bit>
#include <cstdint>

#include "mmgraph/format/endian.hpp"

namespace mmgraph::format {

// W for a shard of `vertex_count` vertices: enough bits for index vertex_count - 1, at least 1.
constexpr unsigned packed_entry_bits(uint64_t vertex_count) noexcept {
    return vertex_count <= 2 ? 1u : static_cast<unsigned>(std::bit_width(vertex_count - 1));
}

// Bytes of `count` entries of `bits` bits: whole 32-bit words, so records stay 4-byte aligned.
constexpr uint64_t packed_bytes(uint64_t count, unsigned bits) noexcept { return 4 * ((count * bits + 31) / 32); }

// Entry k of a packed run of `words` 32-bit words at `run`, masked with `mask`. Reads only the
// run's own words: the word after the one holding bit k*bits is read only when it exists, and
// an entry that needs it always lies inside the run.
inline uint32_t packed_entry(const uint8_t* run, uint64_t words, uint64_t k, unsigned bits, uint32_t mask) noexcept {
    const uint64_t bit = k * bits;
    const uint64_t word = bit / 32;
    uint64_t pair = load<uint32_t>(run + 4 * word);
    if (word + 1 < words) pair |= uint64_t{load<uint32_t>(run + 4 * word + 4)} << 32;
    return static_cast<uint32_t>(pair >> (bit % 32)) & mask;
}

// Writes `count` values (each below 2^bits) from `value(i)` into packed_bytes(count, bits) bytes
// at `out`, padding bits zero.
template <typename ValueOf>
void pack_entries(uint8_t* out, uint64_t count, unsigned bits, ValueOf&& value) {
    uint64_t buffer = 0;
    unsigned filled = 0;
    for (uint64_t i = 0; i < count; ++i) {
        buffer |= uint64_t{value(i)} << filled;
        filled += bits;
        if (filled >= 32) {
            store<uint32_t>(out, static_cast<uint32_t>(buffer));
            out += 4;
            buffer >>= 32;
            filled -= 32;
        }
    }
    if (filled) store<uint32_t>(out, static_cast<uint32_t>(buffer));
}

}  // namespace mmgraph::format
