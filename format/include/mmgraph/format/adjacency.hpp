// Geometry of an adjacency record (§7), described once: the reader's edge walk, its random
// access, verify and the anatomy all locate a block's parts through BlockLayout, so a change to
// the record layout is made here and nowhere else.
//
//   record: u32 degree [u32 block count, block count x {u32 type | groups << 16, u32 count}]
//   block:  [ordinals] entries
//     ordinals: none; or one u64 first ordinal (out, type with properties); or count x u64
//               ordinals (in, type with properties)
//     entries:  flat: count entries packed at W bits in whole 32-bit words (§7.2)
//               grouped: groups x {u32 shard id, entries of 32 bits, the last with bit 31 set}
#pragma once

#include <cstdint>

#include "mmgraph/format/layout.hpp"
#include "mmgraph/format/packed.hpp"

namespace mmgraph::format {

// Bytes before the first block: the degree, and with more than one edge type in the schema the
// block count and the block directory.
constexpr uint64_t record_head_bytes(uint64_t blocks, bool multi_type) noexcept {
    return 4 + (multi_type ? 4 + 8 * blocks : 0);
}
// Domain offset of block b's directory entry {u32 type | groups << 16, u32 count}.
constexpr uint64_t block_entry_offset(uint64_t record, uint64_t b) noexcept { return record + 8 + 8 * b; }

// What precedes a block's entries (§7): out-edges of a type with properties carry the first
// edge ordinal (the rest follow by counting), in-edges carry each edge's ordinal.
enum class Ordinals : uint8_t { none, first, each };

constexpr Ordinals block_ordinals(bool type_has_properties, bool in_direction) noexcept {
    return !type_has_properties ? Ordinals::none : in_direction ? Ordinals::each : Ordinals::first;
}

struct BlockLayout {
    uint64_t offset = 0;      // domain offset of the block's first byte
    uint64_t count = 0;       // entries
    uint32_t groups = 0;      // group headers of a grouped block; 0 when flat, and in a
                              // single-type record, which does not store it
    uint8_t entry_bits = 32;  // flat: W of §7.2 (32 in format 1); grouped: 32
    bool flat = true;         // the record's slot has tag L: entries packed, no group headers
    Ordinals ordinals = Ordinals::none;

    constexpr uint64_t ordinal_bytes() const noexcept {
        return ordinals == Ordinals::none ? 0 : ordinals == Ordinals::first ? 8 : 8 * count;
    }
    // Domain offset of the u64 ordinal of entry k (Ordinals::each), or of the first (first).
    constexpr uint64_t ordinal_offset(uint64_t k) const noexcept { return offset + (ordinals == Ordinals::each ? 8 * k : 0); }
    constexpr uint64_t entries_offset() const noexcept { return offset + ordinal_bytes(); }
    constexpr uint64_t entry_bytes() const noexcept {
        return flat ? packed_bytes(count, entry_bits) : 4 * (count + groups);
    }
    constexpr uint64_t size() const noexcept { return ordinal_bytes() + entry_bytes(); }
    constexpr uint64_t end() const noexcept { return offset + size(); }  // where the next block starts
};

}  // namespace mmgraph::format
