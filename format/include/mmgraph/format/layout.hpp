// Wire layout of an mmgraph file, format 2 (spec/FORMAT.md is normative; § numbers cite it).
//
// Index:
//   1. version and magic            5. domain slots and vertex references
//   2. header                       6. node records and node types
//   3. section directory            7. adjacency records
//   4. schema type codes            8. key index, edge property tables, limits
//
// Everything is little-endian and read through format/endian.hpp (memcpy, never a cast), so
// these structs are documentation of offsets, pinned by static_assert, not things to overlay.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mmgraph/format/endian.hpp"

namespace mmgraph::format {

// ---- 1. version and magic (§2.1) ----------------------------------------------------------
inline constexpr uint8_t kMagic[8] = {0x89, 'M', 'M', 'G', '\r', '\n', 0x1A, '\n'};
inline constexpr uint16_t kVersionMajor = 2;  // what this code writes: 2.6 (§2.3)
inline constexpr uint16_t kVersionMinor = 6;  // the newest minor of major 2 this code knows
inline constexpr uint16_t kLabelSetsMinor = 2;  // the minor that added the label_sets section (§6.6)
inline constexpr uint16_t kIdSpacesMinor = 2;   // ... and the id_spaces section (§8.3)
inline constexpr uint16_t kKeyTableMinor = 3;   // the minor whose key_table replaced key_index (§8.1)
inline constexpr uint16_t kPackedRecordMinor = 3;  // ... and whose flat adjacency records are packed (§7)
inline constexpr uint16_t kKeyRoleMinor = 4;   // the minor whose vertex table holds int64 keys (§5.1)
inline constexpr uint16_t kRunsMinor = 5;      // the minor whose flat entries lie in runs sections (§7.3)
inline constexpr uint16_t kNodeBlockMinor = 6;  // the minor whose key slots name their node record's block (§8.1)
constexpr bool node_blocks(uint16_t major, uint16_t minor) noexcept { return major == 2 && minor >= kNodeBlockMinor; }
inline constexpr uint16_t kOldestMajor = 1;   // what it reads: 1.0, 1.1 and 2.0 (§2.4)
// The newest minor this code knows of a major it reads; a file with a newer one is read by the
// forward-compatibility rules of §2.3.
constexpr uint16_t newest_minor(uint16_t major) noexcept { return major == 1 ? 1 : kVersionMinor; }

// ---- 2. header (§2.2): 128 bytes at offset 0 -----------------------------------------------
namespace header {
inline constexpr size_t kMagicOff = 0;             // 8  magic bytes
inline constexpr size_t kMajorOff = 8;             // u16 major version
inline constexpr size_t kMinorOff = 10;            // u16 minor version
inline constexpr size_t kFlagsOff = 12;            // u32 flags (kFlag*)
inline constexpr size_t kFileSizeOff = 16;         // u64 total file size in bytes
inline constexpr size_t kDatasetIdOff = 24;        // 16 bytes dataset id, equal in all shards
inline constexpr size_t kShardIdOff = 40;          // u16 this file's shard id
inline constexpr size_t kShardCountOff = 42;       // u16 number of shards in the dataset (>= 1)
inline constexpr size_t kSectionCountOff = 44;     // u32 entries in the section directory
inline constexpr size_t kDirectoryOffsetOff = 48;  // u64 file offset of the directory
inline constexpr size_t kDirectoryHashOff = 56;    // u64 XXH3-64 of the directory bytes
inline constexpr size_t kVertexCountOff = 64;      // u64 vertices in this shard
inline constexpr size_t kEdgeCountOff = 72;        // u64 edges whose source is in this shard
inline constexpr size_t kReservedOff = 80;         // 40 bytes, zero
inline constexpr size_t kHeaderHashOff = 120;      // u64 XXH3-64 of bytes [0, 120)
inline constexpr size_t kSize = 128;

// The header as one table (§2.2): the reader parses it, the anatomy describes it and a writer
// writes it through this table, so the three cannot disagree. Fields in file order, tiling the
// 128 bytes (pinned in tests/test_format.cpp); `name` is the spec's.
enum class Field : uint8_t {
    magic, version_major, version_minor, flags, file_size, dataset_id, shard_id, shard_count,
    section_count, directory_offset, directory_hash, vertex_count, edge_count, reserved, header_checksum,
};
struct FieldSpec {
    std::string_view name;
    size_t offset;
    size_t width;  // bytes; integer fields are 2, 4 or 8 wide and little-endian
};
inline constexpr std::array<FieldSpec, 15> kFields = {{
    {"magic", kMagicOff, 8},
    {"version_major", kMajorOff, 2},
    {"version_minor", kMinorOff, 2},
    {"flags", kFlagsOff, 4},
    {"file_size", kFileSizeOff, 8},
    {"dataset_id", kDatasetIdOff, 16},
    {"shard_id", kShardIdOff, 2},
    {"shard_count", kShardCountOff, 2},
    {"section_count", kSectionCountOff, 4},
    {"directory_offset", kDirectoryOffsetOff, 8},
    {"directory_hash", kDirectoryHashOff, 8},
    {"vertex_count", kVertexCountOff, 8},
    {"edge_count", kEdgeCountOff, 8},
    {"reserved", kReservedOff, 40},
    {"header_checksum", kHeaderHashOff, 8},
}};
constexpr const FieldSpec& spec(Field f) { return kFields[static_cast<size_t>(f)]; }
constexpr bool is_integer(Field f) { return spec(f).width == 2 || spec(f).width == 4 || spec(f).width == 8; }
}  // namespace header

inline constexpr uint32_t kFlagInEdges = 1u << 0;  // IN_EDGES domain present (§2.2)
inline constexpr uint32_t kKnownFlags = kFlagInEdges;

// ---- 3. section directory (§3): section_count entries of 32 bytes -------------------------
namespace dir_entry {
inline constexpr size_t kKindOff = 0;       // u16 SectionKind
inline constexpr size_t kFlagsOff = 2;      // u16 kSectionOptional ...
inline constexpr size_t kReservedOff = 4;   // u32 zero
inline constexpr size_t kOffsetOff = 8;     // u64 file offset, multiple of kSectionAlign
inline constexpr size_t kLengthOff = 16;    // u64 length in bytes (padding excluded)
inline constexpr size_t kChecksumOff = 24;  // u64 XXH3-64 of the section's bytes
inline constexpr size_t kSize = 32;

// The entry as one table, like the header's (same FieldSpec).
enum class Field : uint8_t { kind, flags, reserved, offset, length, checksum };
inline constexpr std::array<header::FieldSpec, 6> kFields = {{
    {"kind", kKindOff, 2},
    {"flags", kFlagsOff, 2},
    {"reserved", kReservedOff, 4},
    {"offset", kOffsetOff, 8},
    {"length", kLengthOff, 8},
    {"checksum", kChecksumOff, 8},
}};
constexpr const header::FieldSpec& spec(Field f) { return kFields[static_cast<size_t>(f)]; }
}  // namespace dir_entry

inline constexpr uint16_t kSectionOptional = 1u << 0;  // a reader that does not know the kind skips it
inline constexpr uint64_t kSectionAlign = 8;

enum class SectionKind : uint16_t {
    strings = 1,     // §4.1 string table
    schema = 2,      // §4.2 labels, attributes, edge types
    node_types = 3,  // §6.3
    vertices = 4,    // §5.1 fixed-size vertex table
    nodes = 5,       // §6 domain: node records
    out_edges = 6,   // §7 domain: outgoing adjacency records
    in_edges = 7,    // §7 domain: incoming adjacency records
    edge_props = 8,  // §8.2 one per edge type that has properties
    key_index = 9,   // §8.1
    label_sets = 10, // §6.6 since 2.2: the label sets of vertices with two or more labels
    id_spaces = 11,  // §8.3 since 2.2: the named ID spaces, and each node type's space
    key_table = 12,  // §8.1 since 2.3: open-addressing key table, replaces key_index
    out_runs = 13,   // §7.3 since 2.5: each vertex's start, then the packed flat out-entries
    in_runs = 14,    // §7.3 since 2.5: the same for in-entries, when IN_EDGES
    // §8.1 since 2.6: the key table whose slots also name the block of the vertex's node record;
    // replaces kind 12 and is named "key_table" too. A new code, so that older readers, which
    // would compare the whole low word as a fingerprint, refuse the file (§2.3 reader rule 5).
    block_key_table = 15,
};

// ---- 4. schema type codes (§4.3) ----------------------------------------------------------
enum class TypeCode : uint8_t {
    boolean = 1,
    int8 = 2, int16 = 3, int32 = 4, int64 = 5,
    uint8 = 6, uint16 = 7, uint32 = 8, uint64 = 9,
    float32 = 10, float64 = 11,
    vertex_ref = 12,  // 48-bit vertex reference (§5.2), 6 bytes
    string = 13,      // UTF-8, variable size
    bytes = 14,       // opaque, variable size
    date = 15,        // i32 days since 1970-01-01, since 2.1
    // Cypher's other temporal types and its point, since 2.2 (format/temporal.hpp)
    localtime = 16,      // 8: i64 ns since midnight
    time = 17,           // 12: i64 ns since midnight, i32 UTC offset s
    localdatetime = 18,  // 12: i64 wall-clock s since 1970, u32 ns
    datetime = 19,       // 20: i64 UTC s, u32 ns, i32 offset s, u32 zone (string id + 1, 0 none)
    duration = 20,       // 28: i64 months, i64 days, i64 s, i32 ns
    point = 21,          // 28: u32 SRID, f64 x, y, z
};
inline constexpr uint8_t kListBit = 0x80;  // type byte = kListBit | element code; element fixed-size

inline constexpr uint32_t kKeyString = 1;  // schema key_type: keys are UTF-8 strings
inline constexpr uint32_t kKeyInt64 = 2;   // keys are signed 64-bit integers

inline constexpr uint8_t kAttrNullable = 1u << 0;

// Schema section layout (§4.2): a fixed head then variable-length label and edge type entries.
namespace schema {
inline constexpr size_t kKeyTypeOff = 0;        // u32 kKeyString / kKeyInt64
inline constexpr size_t kLabelCountOff = 4;     // u32
inline constexpr size_t kEdgeTypeCountOff = 8;  // u32
inline constexpr size_t kReservedOff = 12;      // u32 zero
inline constexpr size_t kHeadSize = 16;
// entry head (labels and edge types alike): u32 name string id, u32 attribute count, u64 count
// of vertices (labels) or edges (edge types) in this shard, then attribute descriptors.
inline constexpr size_t kEntryHeadSize = 16;
// attribute descriptor: u32 name string id, u8 type byte, u8 flags, u16 zero.
inline constexpr size_t kAttrSize = 8;
}  // namespace schema

// ---- 5. domain slots and vertex references (§5) -------------------------------------------
// Vertex table (§5.1): u32 slot_count, u32 zero, then slot_count u16 roles (a SectionKind),
// padded to 8 bytes; then vertex_count records of slot_count 64-bit slots.
//
// Domain slot, lsb -> msb:  | tags:2 | offset bits 2..47 :46 | domain id :16 |
// The offset is the byte offset of the record inside its domain section; records are 4-byte
// aligned so bits 0-1 of the offset are always zero and carry tags instead. Slot value 0 means
// "no record" (directory entry 0 is always the string table, which is never a domain).
// Since 2.4 a file with int64 keys has one more slot per vertex, the last, holding the key
// itself (the node record's 8 key bytes): a lookup compares the key in the row it reads anyway.
inline constexpr uint16_t kKeyRole = 0x100;  // not a section kind: the slot names no domain
inline constexpr uint64_t kSlotTagMask = 0x3;
inline constexpr uint64_t kSlotTagLocal = 0x1;    // adjacency: one implicit group of this shard
inline constexpr uint64_t kSlotOffsetMask = 0x0000'FFFF'FFFF'FFFCull;
inline constexpr unsigned kSlotDomainShift = 48;
inline constexpr uint64_t kRecordAlign = 4;

// Vertex reference, 48 bits, lsb -> msb: | local index :31 | terminator :1 | shard id :16 |
// Stored in 6 bytes as a vertex_ref attribute, in 4 bytes (the low 32 bits) as an adjacency
// entry whose shard comes from its group.
inline constexpr uint32_t kLocalIndexMask = 0x7FFF'FFFFu;
inline constexpr uint32_t kTerminatorBit = 0x8000'0000u;
inline constexpr unsigned kRefShardShift = 32;
inline constexpr size_t kVertexRefSize = 6;

// ---- 6. node records and node types (§6) --------------------------------------------------
// Node type table (§6.3): u32 count, u8 id width (0, 1 or 2 bytes per record), 3 bytes zero;
// then per type: u32 label id, u64 vertex count, then one width byte (1, 2 or 4) per variable
// attribute of the label (key first when keys are strings), padded to 4 bytes.
inline constexpr size_t kNodeTypesHeadSize = 8;
inline constexpr size_t kNodeTypeEntryHeadSize = 12;
inline constexpr uint32_t kDefaultMaxNodeTypes = 64;

// Label sets (§6.6): u32 count, u32 zero; then per set: u32 label count n (>= 2), n u16 label
// ids strictly ascending, zero padding to 4 bytes. A node type's label set id s names label s
// when s < label_count, else set s - label_count of this table.
inline constexpr size_t kLabelSetsHeadSize = 8;
inline constexpr size_t kLabelSetEntryHeadSize = 4;
constexpr uint64_t label_set_entry_size(uint64_t labels) { return (kLabelSetEntryHeadSize + 2 * labels + 3) & ~uint64_t{3}; }
inline constexpr uint32_t kMaxNodeTypes = 65535;

// ---- 7. adjacency records (§7) ------------------------------------------------------------
// u32 degree; when the schema has more than one edge type: u32 block count B and B pairs
// {u32 type id (bits 0-15) | group count (bits 16-31), u32 edge count}; then per block:
// [out, type with properties: u64 first edge ordinal] [in, with properties: count x u64
// ordinals] then entries. Flat (slot tag local): count local indices packed at W bits
// (format/packed.hpp) in whole 32-bit words; format 1 wrote 32-bit words with the terminator
// bit on the last. Grouped: groups {u32 shard id, 32-bit entries...}, terminator bit set on
// the last entry of each group.
inline constexpr uint32_t kBlockTypeMask = 0xFFFF;
inline constexpr unsigned kBlockGroupsShift = 16;

// Runs section (§7.3, since 2.5): u32 start_bytes (4 or 8), u32 zero, then vertex_count + 1
// starts of start_bytes each, then the packed run (§7.2) of E = the last start entries. Vertex
// v's flat entries are [start[v], start[v + 1]); its flat record keeps the directory and the
// ordinals only.
inline constexpr size_t kRunsHeadSize = 8;
inline constexpr size_t kRunsStartBytesOff = 0;
// 4-byte starts while they fit (a writer rule validity requires).
constexpr uint32_t runs_start_bytes(uint64_t entries) noexcept { return entries < (uint64_t{1} << 32) ? 4 : 8; }
constexpr uint64_t runs_run_offset(uint64_t vertex_count, uint32_t start_bytes) noexcept {
    return kRunsHeadSize + uint64_t{start_bytes} * (vertex_count + 1);
}
// Start v of a runs section's starts, which begin at `starts`; `wide`: 8-byte starts.
inline uint64_t runs_start(const uint8_t* starts, bool wide, uint64_t v) noexcept {
    return wide ? load<uint64_t>(starts + 8 * v) : load<uint32_t>(starts + 4 * v);
}
// The same width from the section's length alone, so that open need not read the section: by
// that rule, 8-byte starts come with a run of at least 2^32 entries, whose bytes are more than
// any run of 4-byte starts can have (§7.3). `entry_bits` W <= 32.
constexpr uint32_t runs_start_bytes_of_length(uint64_t length, uint64_t vertex_count, unsigned entry_bits) noexcept {
    const uint64_t head = runs_run_offset(vertex_count, 4);
    return length < head || length - head <= 4 * (((uint64_t{1} << 32) - 1) * entry_bits / 32 + 1) ? 4 : 8;
}

// ---- 8. key index, edge property tables, limits (§8, §9) ----------------------------------
// Key index (§8.1): u32 key_type, u32 bucket bits b, u64 entry count n, then (2^b + 1) u32
// bucket starts, padded to 8, then n entries {u32 fingerprint, u32 local index}.
inline constexpr size_t kKeyIndexHeadSize = 16;
inline constexpr size_t kKeyEntrySize = 8;
inline constexpr uint32_t kMaxBucketBits = 31;
// Where the entries start: after the head and the 2^b + 1 bucket starts, aligned to 8.
constexpr uint64_t key_entries_offset(uint32_t bucket_bits) {
    return (kKeyIndexHeadSize + 4 * ((uint64_t{1} << bucket_bits) + 1) + 7) & ~uint64_t{7};
}

// Key table (§8.1, since 2.3): u32 key_type, u32 zero, u64 n, then C slots, 0 = empty; C from
// format/types.hpp key_table_capacity. A slot's high word is the local index + 1; its low word
// is the hash's low 32 bits (kind 12, 2.3 to 2.5), or since 2.6 (kind 15) the hash's low 12
// bits and, above them, the block of the nodes section where the vertex's node record starts.
inline constexpr size_t kKeyTableHeadSize = 16;
inline constexpr size_t kKeySlotSize = 8;
inline constexpr uint64_t kWideFingerprintMask = 0xFFFFFFFF;  // kind 12
inline constexpr uint64_t kNarrowFingerprintMask = 0xFFF;     // kind 15
inline constexpr unsigned kNodeBlockBits = 20;
inline constexpr unsigned kMinNodeBlockShift = 12;  // blocks of 4 KiB, a page, at the least
// The log2 of a node block's size for a nodes section of `nodes_length` bytes: the smallest,
// from 4 KiB up, whose 2^20 blocks cover the section, so every record's block fits 20 bits.
constexpr unsigned node_block_shift(uint64_t nodes_length) noexcept {
    const unsigned width = nodes_length == 0 ? 0 : static_cast<unsigned>(std::bit_width(nodes_length - 1));
    return width > kMinNodeBlockShift + kNodeBlockBits ? width - kNodeBlockBits : kMinNodeBlockShift;
}
// A kind-15 slot from a kind-12 one (same placement) and the node record's offset.
constexpr uint64_t with_node_block(uint64_t wide_slot, uint64_t node_offset, unsigned shift) noexcept {
    return (wide_slot & ~kWideFingerprintMask) | (wide_slot & kNarrowFingerprintMask) | (node_offset >> shift) << 12;
}
constexpr uint64_t node_block_of(uint64_t slot) noexcept { return (slot & kWideFingerprintMask) >> 12; }

// ID spaces (§8.3): u32 named space count S, u32 zero, S u32 name string ids (spaces 1..S),
// then one u16 space id per node type, in node type order. The key hash is seeded with the
// vertex's space id (seed 0: the unseeded hash of format 2.1).
inline constexpr size_t kIdSpacesHeadSize = 8;
inline constexpr uint32_t kMaxIdSpaces = 65535;
constexpr uint64_t id_spaces_size(uint64_t spaces, uint64_t node_types) { return kIdSpacesHeadSize + 4 * spaces + 2 * node_types; }

// Edge property table (§8.2): u32 edge type id, u8 heap offset width (1, 2, 4, 8), 3 zero,
// u64 row count, u32 row size, u32 zero, u64 heap offset (from section start); rows; heap.
inline constexpr size_t kEdgePropsHeadSize = 32;

inline constexpr uint64_t kMaxVerticesPerShard = uint64_t{1} << 31;
inline constexpr uint32_t kMaxShards = 65535;
inline constexpr uint32_t kMaxLabels = 65535;
inline constexpr uint32_t kMaxEdgeTypes = 65535;
inline constexpr uint32_t kMaxAttributes = 4096;    // per label or edge type
inline constexpr uint64_t kMaxValueSize = 0xFFFF'FFF0u;  // one variable value, bytes or items
inline constexpr uint64_t kMaxRecordVarBytes = 0xFFFF'FFFEu;  // var data of one node record

}  // namespace mmgraph::format
