// Geometry of an adjacency record (§7), described once: the writer's plan and encoder, the
// reader's edge walk, its random access, verify and the anatomy all locate a record's parts
// through RecordLayout and BlockLayout, so a change to the record layout is made here and
// nowhere else.
//
// Three record layouts (§7):
//
//   apart (a flat record, slot tag L set, in a file of minor >= kRunsMinor):
//     [directory] | ordinals; its degree and entries lie in the direction's runs section
//     (§7.3): D = start[v + 1] - start[v], entries [start[v], start[v + 1]) of one run
//   packed (a flat record of 2.3 and 2.4):
//     u32 degree D | one packed run of all D entries, block after block | [directory] | ordinals
//   blocked (a grouped record; a flat record of 2.2 and older, and of format 1):
//     u32 degree D | [directory] | per block: [ordinals] entries
//
//   directory (only when the schema has more than one edge type):
//     u32 block count B, B x {u32 type | groups << 16, u32 count}
//   ordinals: none; or one u64 first ordinal (out, type with properties); or count x u64
//             ordinals (in, type with properties)
//   entries:  flat: packed at W bits in whole 32-bit words (§7.2); a packed record rounds only
//                   its one run to whole words, not each block
//             grouped: groups x {u32 shard id, entries of 32 bits, the last with bit 31 set}
//
// An apart record leaves a walk that wants only the neighbours to the runs section, which it
// reads as a CSR's offsets and targets (§11.16); a packed one put the degree and its run first.
#pragma once

#include <cstdint>

#include "mmgraph/format/layout.hpp"
#include "mmgraph/format/packed.hpp"

namespace mmgraph::format {

// What precedes a block's entries (§7): out-edges of a type with properties carry the first
// edge ordinal (the rest follow by counting), in-edges carry each edge's ordinal.
enum class Ordinals : uint8_t { none, first, each };

constexpr Ordinals block_ordinals(bool type_has_properties, bool in_direction) noexcept {
    return !type_has_properties ? Ordinals::none : in_direction ? Ordinals::each : Ordinals::first;
}
// The bytes of those ordinals in a block of `count` entries.
constexpr uint64_t ordinal_bytes(Ordinals ordinals, uint64_t count) noexcept {
    return ordinals == Ordinals::none ? 0 : ordinals == Ordinals::first ? 8 : 8 * count;
}

// One block of a record: where its ordinals and its entries are. Made by RecordLayout (the
// first block) and by next() (each later one).
struct BlockLayout {
    uint64_t offset = 0;      // domain offset of the block's ordinals (in the blocked layout
                              // the block's first byte, its entries following the ordinals)
    uint64_t run = 0;         // domain offset of the run holding the block's entries
    uint64_t first = 0;       // index of the block's first entry in that run: 0 except in a
                              // packed record, where it counts the entries of earlier blocks
    uint64_t count = 0;       // entries
    uint32_t groups = 0;      // group headers of a grouped block; 0 when flat, and in a
                              // single-type record, which does not store it
    uint8_t entry_bits = 32;  // flat: W of §7.2 (32 in format 1); grouped: 32
    bool flat = true;         // the record's slot has tag L: entries packed, no group headers
    bool packed = false;      // the record is of the packed layout (one run for all blocks)
    bool apart = false;       // ... and that run is the runs section's (§7.3), `run` an offset in it
    Ordinals ordinals = Ordinals::none;

    constexpr uint64_t ordinal_bytes() const noexcept { return format::ordinal_bytes(ordinals, count); }
    // Domain offset of the u64 ordinal of entry k (Ordinals::each), or of the first (first).
    constexpr uint64_t ordinal_offset(uint64_t k) const noexcept { return offset + (ordinals == Ordinals::each ? 8 * k : 0); }
    // Offset of the run holding the block's entries: in the record's domain, or in the runs
    // section when `apart`.
    constexpr uint64_t entries_offset() const noexcept { return run; }
    // Bytes of the run from its start through the word holding this block's last entry: a
    // reader that bounds-checks them may decode entries [first, first + count) with
    // packed_entry(run, entry_bytes() / 4, ...). Grouped: the block's own words.
    constexpr uint64_t entry_bytes() const noexcept {
        return flat ? packed_bytes(first + count, entry_bits) : 4 * (count + groups);
    }
    // Where the next block's ordinals start; after the last block, the record's end.
    constexpr uint64_t end() const noexcept { return packed ? offset + ordinal_bytes() : run + entry_bytes(); }
    // The next block of the record, with its count, group count and ordinals.
    constexpr BlockLayout next(uint64_t next_count, uint32_t next_groups, Ordinals next_ordinals) const noexcept {
        BlockLayout b = *this;
        b.offset = end();
        b.count = next_count;
        b.groups = next_groups;
        b.ordinals = next_ordinals;
        if (packed) b.first = first + count;
        else b.run = b.offset + b.ordinal_bytes();
        return b;
    }
};

// A record's head: where its run and directory are, and its first block.
struct RecordLayout {
    uint64_t offset = 0;      // domain offset of the record (its degree, or its directory when apart)
    uint64_t degree = 0;      // D
    uint8_t entry_bits = 32;  // W (§7.2); 32 in format 1 and in grouped records
    bool flat = true;         // slot tag L
    bool packed = false;      // flat and of minor >= kPackedRecordMinor (packed_layout)
    bool multi_type = false;  // the schema has more than one edge type: the record has a directory
    bool apart = false;       // flat and of minor >= kRunsMinor (runs_apart): no degree, no run
    uint64_t run_base = 0;     // apart: runs-section offset of the run (runs_run_offset)
    uint64_t first_entry = 0;  // apart: start[v], the index of the record's first entry there

    // The packed run holding the D entries (packed layout only): the record's own after its
    // degree, or the runs section's (apart).
    constexpr uint64_t run_offset() const noexcept { return apart ? run_base : offset + 4; }
    // The run's bytes inside the record.
    constexpr uint64_t run_bytes() const noexcept { return packed && !apart ? packed_bytes(degree, entry_bits) : 0; }
    // Domain offset of the u32 block count, and of block b's entry {u32 type | groups << 16, u32 count}.
    constexpr uint64_t directory_offset() const noexcept { return offset + (apart ? 0 : 4) + run_bytes(); }
    constexpr uint64_t directory_entry_offset(uint64_t b) const noexcept { return directory_offset() + 4 + 8 * b; }
    // Where the first block's ordinals start, after the degree, the run and the directory.
    constexpr uint64_t blocks_offset(uint64_t blocks) const noexcept { return directory_offset() + (multi_type ? 4 + 8 * blocks : 0); }
    constexpr BlockLayout first_block(uint64_t blocks, uint64_t count, uint32_t groups, Ordinals ordinals) const noexcept {
        BlockLayout b;
        b.offset = blocks_offset(blocks);
        b.count = count;
        b.groups = groups;
        b.entry_bits = flat ? entry_bits : 32;
        b.flat = flat;
        b.packed = packed;
        b.apart = apart;
        b.ordinals = ordinals;
        b.run = packed ? run_offset() : b.offset + b.ordinal_bytes();
        b.first = apart ? first_entry : 0;
        return b;
    }
};

// Whether a file of this version lays out its flat records packed (§2.4, §7).
constexpr bool packed_layout(uint16_t major, uint16_t minor) noexcept { return major == 2 && minor >= kPackedRecordMinor; }
// Whether its flat records' degrees and entries lie in runs sections (§7.3).
constexpr bool runs_apart(uint16_t major, uint16_t minor) noexcept { return major == 2 && minor >= kRunsMinor; }

}  // namespace mmgraph::format
