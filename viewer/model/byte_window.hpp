// Bytes at any offset: a window of file bytes with the owner of each (section, vertex, field),
// and the text that names an owner. The hex view of "go to offset" and the walk step `offset N`
// read it; GL-free, so tests check owners without a display.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mmgraph/anatomy.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::viewer {

// An offset typed by a person: decimal, or hex after 0x; nullopt when it is neither.
std::optional<uint64_t> parse_offset(std::string_view text);

// Consecutive bytes with one owner.
struct OwnedRun {
    uint64_t offset = 0;
    uint64_t size = 0;
    ByteOwner owner;  // as owner_of says for the run's first byte
};

struct ByteWindow {
    uint64_t begin = 0;          // the first byte, clipped to the file
    std::vector<uint8_t> bytes;  // a copy: a window outlives no file
    std::vector<OwnedRun> runs;  // cover [begin, begin + bytes.size()) in order
    const OwnedRun* run_at(uint64_t offset) const;  // nullptr outside the window
};

// [begin, begin + length) clipped to the file. owner_of is asked once per field and per byte
// outside fields, so a window of a few KiB costs a few hundred lookups.
ByteWindow read_byte_window(const File& file, uint64_t begin, uint64_t length);

// "nodes +0x40, vertex 12, node field 'offset entry 1 (name)' = \"Ada\"": area, place in the
// section, what the reader says the byte is part of, and the vertex with its key when known.
std::string describe_owner(const File& file, const ByteOwner& owner);

}  // namespace mmgraph::viewer
