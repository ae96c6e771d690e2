// Attribute type codes (§4.3): sizes, names and classification shared by writer and reader.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "mmgraph/format/layout.hpp"

namespace mmgraph::format {

inline constexpr bool is_list(uint8_t type_byte) noexcept { return (type_byte & kListBit) != 0; }
inline constexpr uint8_t element_code(uint8_t type_byte) noexcept {
    return static_cast<uint8_t>(type_byte & ~kListBit);
}

// Size in bytes of one value of a fixed-size scalar code, 0 for string/bytes/unknown codes.
inline constexpr unsigned scalar_size(uint8_t code) noexcept {
    switch (static_cast<TypeCode>(code)) {
        case TypeCode::boolean:
        case TypeCode::int8:
        case TypeCode::uint8: return 1;
        case TypeCode::int16:
        case TypeCode::uint16: return 2;
        case TypeCode::int32:
        case TypeCode::uint32:
        case TypeCode::float32:
        case TypeCode::date: return 4;
        case TypeCode::localtime:
        case TypeCode::int64:
        case TypeCode::uint64:
        case TypeCode::float64: return 8;
        case TypeCode::time:
        case TypeCode::localdatetime: return 12;
        case TypeCode::datetime: return 20;
        case TypeCode::duration:
        case TypeCode::point: return 28;
        case TypeCode::vertex_ref: return kVertexRefSize;
        case TypeCode::string:
        case TypeCode::bytes: return 0;
    }
    return 0;
}

inline constexpr uint8_t kLastTypeCode = static_cast<uint8_t>(TypeCode::point);

// A type byte is valid when it names a scalar or a list of any scalar (§4.3). Lists of strings
// and of bytes came with version 1.1, date with 2.1, the codes 16-21 with 2.2.
inline constexpr bool is_valid_type(uint8_t type_byte) noexcept {
    uint8_t code = element_code(type_byte);
    return code >= 1 && code <= kLastTypeCode;
}

// Lists whose items are themselves variable-size: each item carries its own VLQ length (§6.4),
// so finding item i means walking the i items before it.
inline constexpr bool has_variable_items(uint8_t type_byte) noexcept {
    return is_list(type_byte) && scalar_size(element_code(type_byte)) == 0;
}

// The oldest minor version of major 1 that defines a type byte: a writer stamps a file with the
// oldest minor able to describe it, so files that need nothing newer stay readable by 1.0
// readers (§2.3). `date` and the codes after it are not in format 1 at all (0xFFFF: no minor of
// major 1 defines them).
inline constexpr uint16_t minor_version_of(uint8_t type_byte) noexcept {
    if (element_code(type_byte) >= static_cast<uint8_t>(TypeCode::date)) return 0xFFFF;
    return has_variable_items(type_byte) ? 1 : 0;
}

// The same for major 2: `date` came with 2.1, the temporal types 16-20 and `point` with 2.2
// (each with its list), everything else is 2.0.
inline constexpr uint16_t minor_version_2_of(uint8_t type_byte) noexcept {
    const uint8_t code = element_code(type_byte);
    if (code >= static_cast<uint8_t>(TypeCode::localtime)) return 2;
    return code == static_cast<uint8_t>(TypeCode::date) ? 1 : 0;
}

// The major-2 minor that introduced a type, as text for messages ("2.2"); format-1 files
// cannot hold the types of 0xFFFF above.
inline constexpr std::string_view since_version(uint8_t type_byte) noexcept {
    switch (minor_version_2_of(type_byte)) {
        case 2: return "2.2";
        case 1: return "2.1";
        default: return "2.0";
    }
}

// Fixed-size attributes live in the packed part of a record; others in the offset table.
inline constexpr bool is_fixed(uint8_t type_byte) noexcept {
    return !is_list(type_byte) && scalar_size(type_byte) != 0;
}

inline constexpr std::string_view scalar_name(uint8_t code) noexcept {
    switch (static_cast<TypeCode>(code)) {
        case TypeCode::boolean: return "bool";
        case TypeCode::int8: return "int8";
        case TypeCode::int16: return "int16";
        case TypeCode::int32: return "int32";
        case TypeCode::int64: return "int64";
        case TypeCode::uint8: return "uint8";
        case TypeCode::uint16: return "uint16";
        case TypeCode::uint32: return "uint32";
        case TypeCode::uint64: return "uint64";
        case TypeCode::float32: return "float32";
        case TypeCode::float64: return "float64";
        case TypeCode::vertex_ref: return "vertex_ref";
        case TypeCode::string: return "string";
        case TypeCode::bytes: return "bytes";
        case TypeCode::date: return "date";
        case TypeCode::localtime: return "localtime";
        case TypeCode::time: return "time";
        case TypeCode::localdatetime: return "localdatetime";
        case TypeCode::datetime: return "datetime";
        case TypeCode::duration: return "duration";
        case TypeCode::point: return "point";
    }
    return "unknown";
}

inline constexpr std::optional<uint8_t> scalar_from_name(std::string_view name) noexcept {
    for (uint8_t code = 1; code <= kLastTypeCode; ++code)
        if (scalar_name(code) == name) return code;
    return std::nullopt;
}

inline constexpr std::string_view section_name(uint16_t kind) noexcept {
    switch (static_cast<SectionKind>(kind)) {
        case SectionKind::strings: return "strings";
        case SectionKind::schema: return "schema";
        case SectionKind::node_types: return "node_types";
        case SectionKind::vertices: return "vertices";
        case SectionKind::nodes: return "nodes";
        case SectionKind::out_edges: return "out_edges";
        case SectionKind::in_edges: return "in_edges";
        case SectionKind::edge_props: return "edge_props";
        case SectionKind::key_index: return "key_index";
        case SectionKind::label_sets: return "label_sets";
        case SectionKind::id_spaces: return "id_spaces";
        case SectionKind::key_table: return "key_table";
        case SectionKind::out_runs: return "out_runs";
        case SectionKind::in_runs: return "in_runs";
        case SectionKind::block_key_table: return "key_table";
    }
    return "unknown";
}

inline constexpr uint64_t align_up(uint64_t value, uint64_t alignment) noexcept {
    return (value + alignment - 1) & ~(alignment - 1);
}

// Key hash (§8.1) is XXH3-64; the bucket count rule lives here so both sides agree.
inline constexpr uint32_t key_bucket_bits(uint64_t entries) noexcept {
    if (entries <= 2) return 0;
    uint32_t bits = 0;
    while ((uint64_t{1} << bits) < entries) ++bits;  // ceil(log2 n)
    return bits - 1;
}

inline constexpr uint64_t key_bucket(uint64_t hash, uint32_t bits) noexcept {
    return bits == 0 ? 0 : hash >> (64 - bits);
}

// Key table (§8.1, 2.3): C = n + ceil(n/3) + 1 slots, so the load is at most 3/4 and one slot
// at least stays empty, which ends every probe.
inline constexpr uint64_t key_table_capacity(uint64_t entries) noexcept { return entries + (entries + 2) / 3 + 1; }

// A key's home slot: the high 64 bits of h × C, which spreads h over [0, C) without a division.
inline constexpr uint64_t key_table_home(uint64_t hash, uint64_t capacity) noexcept {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(hash) * capacity) >> 64);
}

// (hash, local index) pairs in ascending order, as std::sort orders them, in about linear time:
// the hashes are uniform, so a counting pass by their top bits leaves buckets of a few keys,
// each then sorted in place (std::sort took 0.17 s of an s22 build's plan). A bucket that is
// not small (hashes chosen to share their top bits) goes to std::sort, which bounds the time.
inline void sort_key_pairs(std::vector<std::pair<uint64_t, uint32_t>>& keys) {
    if (keys.size() < 64) return std::sort(keys.begin(), keys.end());
    const unsigned bits = static_cast<unsigned>(std::bit_width(keys.size() - 1)) - 2;  // about 4 keys a bucket
    const unsigned shift = 64 - bits;
    std::vector<uint32_t> bucket_end((size_t{1} << bits) + 1, 0);  // [b + 1] counts, then ends
    for (const auto& key : keys) ++bucket_end[(key.first >> shift) + 1];
    for (size_t b = 1; b < bucket_end.size(); ++b) bucket_end[b] += bucket_end[b - 1];
    std::vector<std::pair<uint64_t, uint32_t>> sorted(keys.size());
    for (const auto& key : keys) sorted[bucket_end[key.first >> shift]++] = key;  // [b] becomes b's end
    for (size_t b = 0, begin = 0; b + 1 < bucket_end.size(); begin = bucket_end[b++]) {
        auto* first = sorted.data() + begin;
        auto* last = sorted.data() + bucket_end[b];
        if (last - first > 16) {
            std::sort(first, last);
            continue;
        }
        for (auto* i = first + 1; i < last; ++i)  // insertion
            for (auto* j = i; j > first && *j < *(j - 1); --j) std::swap(*j, *(j - 1));
    }
    keys.swap(sorted);
}

// The key table of §8.1 for these (hash, local index) pairs, as a writer must build it: keys
// inserted in (hash, local) order, each from its home slot by linear probing with wrap-around;
// slot values {u32 fingerprint, u32 local + 1}, 0 when empty. The writer writes it and verify
// compares a file's table with it, so the rule lives here once.
inline std::vector<uint64_t> build_key_table(std::vector<std::pair<uint64_t, uint32_t>> keys) {
    sort_key_pairs(keys);
    const uint64_t capacity = key_table_capacity(keys.size());
    std::vector<uint64_t> slots(capacity, 0);
    for (const auto& [hash, local] : keys) {
        uint64_t s = key_table_home(hash, capacity);
        while (slots[s] != 0) s = s + 1 == capacity ? 0 : s + 1;  // C > n: an empty slot remains
        slots[s] = (uint64_t{local} + 1) << 32 | static_cast<uint32_t>(hash);
    }
    return slots;
}

}  // namespace mmgraph::format
