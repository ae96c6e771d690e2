// Reading and writing the fields of the header (§2.2) and of a directory entry (§3) by their
// table in layout.hpp, so that no reader, writer or tool spells an offset or a width itself:
//
//     format::put(h, format::header::Field::vertex_count, n);
//     uint64_t n = format::get(h, format::header::Field::vertex_count);
//
// get and put take integer fields (2, 4 or 8 bytes); bytes() views any field, such as the magic
// or the dataset id.
#pragma once

#include <cstdint>
#include <span>

#include "mmgraph/error.hpp"
#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/layout.hpp"

namespace mmgraph::format {

namespace detail {
inline uint64_t get_field(const uint8_t* base, const header::FieldSpec& f) {
    MMGRAPH_CHECK(f.width == 2 || f.width == 4 || f.width == 8, "get: not an integer field");
    return load_uint(base + f.offset, static_cast<unsigned>(f.width));
}
inline void put_field(uint8_t* base, const header::FieldSpec& f, uint64_t value) {
    MMGRAPH_CHECK(f.width == 2 || f.width == 4 || f.width == 8, "put: not an integer field");
    MMGRAPH_CHECK(f.width == 8 || value >> (8 * f.width) == 0, "put: value wider than its field");
    store_uint(base + f.offset, value, static_cast<unsigned>(f.width));
}
}  // namespace detail

// `header` is the file's first byte; `entry` a directory entry's first byte.
inline uint64_t get(const uint8_t* header, header::Field f) { return detail::get_field(header, header::spec(f)); }
inline void put(uint8_t* header, header::Field f, uint64_t value) { detail::put_field(header, header::spec(f), value); }
inline uint64_t get(const uint8_t* entry, dir_entry::Field f) { return detail::get_field(entry, dir_entry::spec(f)); }
inline void put(uint8_t* entry, dir_entry::Field f, uint64_t value) { detail::put_field(entry, dir_entry::spec(f), value); }

inline std::span<const uint8_t> bytes(const uint8_t* header, header::Field f) {
    return {header + header::spec(f).offset, header::spec(f).width};
}
inline std::span<uint8_t> bytes(uint8_t* header, header::Field f) { return {header + header::spec(f).offset, header::spec(f).width}; }

}  // namespace mmgraph::format
