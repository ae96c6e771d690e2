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
// packed_entry_at takes the entry's first bit, k*bits, instead.
inline uint32_t packed_entry_at(const uint8_t* run, uint64_t words, uint64_t bit, uint32_t mask) noexcept {
    const uint64_t word = bit / 32;
    uint64_t pair = load<uint32_t>(run + 4 * word);
    if (word + 1 < words) pair |= uint64_t{load<uint32_t>(run + 4 * word + 4)} << 32;
    return static_cast<uint32_t>(pair >> (bit % 32)) & mask;
}
inline uint32_t packed_entry(const uint8_t* run, uint64_t words, uint64_t k, unsigned bits, uint32_t mask) noexcept {
    return packed_entry_at(run, words, k * bits, mask);
}

// Entry k starts in byte k*bits/8 at a shift below 8, so with bits <= 32 it lies in the 8 bytes
// from there. The entries whose 8 bytes end within `bytes` bytes of the run's start, [0, this),
// can each be read with one unaligned load (packed_entry_loaded), independent of the others.
constexpr uint64_t packed_loadable(uint64_t bytes, unsigned bits) noexcept { return bytes < 8 ? 0 : (8 * (bytes - 8) + 7) / bits + 1; }

// The entry at bit `bit` (k*bits) of a run, when it is below packed_loadable; masked with `mask`.
inline uint32_t packed_entry_loaded(const uint8_t* run, uint64_t bit, uint32_t mask) noexcept {
    return static_cast<uint32_t>(load<uint64_t>(run + bit / 8) >> (bit % 8)) & mask;
}

// Entries [first, first + count) of a packed run of `words` 32-bit words ((first + count) * bits
// <= 32 * words, bits <= 32) as out[k] = base + (entry first + k & mask): a whole block at once,
// for readers that want every target (a CSR, a BFS level). Every entry whose 8 bytes end inside
// the run is one unaligned load, a shift and a mask (packed_loadable); the last few go through
// packed_entry, so only the run's own words are read. Returns the largest entry, so that a
// caller checks every entry against the vertex count with one comparison.
template <typename T>
uint32_t unpack_entries(const uint8_t* run, uint64_t words, uint64_t first, uint64_t count, unsigned bits, uint32_t mask, T* out,
                        T base) noexcept {
    uint32_t largest = 0;
    uint64_t k = first;
    const uint64_t end = first + count;
    const uint64_t bytes = 4 * words;
    if (bits == 32) {  // format 1: whole words, the terminator bit masked off
        for (; k < end; ++k) {
            const uint32_t entry = load<uint32_t>(run + 4 * k) & mask;
            largest = entry > largest ? entry : largest;
            out[k - first] = base + static_cast<T>(entry);
        }
        return largest;
    }
    const uint64_t loadable = packed_loadable(bytes, bits);
    const uint64_t fast = end < loadable ? end : loadable;
    uint64_t bit = k * bits;
    for (; k < fast; ++k, bit += bits) {
        const uint32_t entry = packed_entry_loaded(run, bit, mask);
        largest = entry > largest ? entry : largest;
        out[k - first] = base + static_cast<T>(entry);
    }
    for (; k < end; ++k) {
        const uint32_t entry = packed_entry(run, words, k, bits, mask);
        largest = entry > largest ? entry : largest;
        out[k - first] = base + static_cast<T>(entry);
    }
    return largest;
}

// Writes `count` values (each below 2^bits) from `value(i)` into the words at `out`, from bit
// `first_bit` (below 32) of the first: packed_bytes(count, bits) bytes when it is 0, as a flat
// record's own run was; a stretch of a runs section's run starts inside a word (§7.3). The bits
// before the first value and after the last are zero.
template <typename ValueOf>
void pack_entries(uint8_t* out, uint64_t count, unsigned bits, ValueOf&& value, unsigned first_bit = 0) {
    uint64_t buffer = 0;
    unsigned filled = first_bit;
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
