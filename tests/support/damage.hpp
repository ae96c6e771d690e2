// Damaged copies of a file, described once for the damaged-file sweep (tests/test_damaged.cpp)
// and for tests/damaged_corpus.cpp, which writes them for the Python suite to read
// (python/tests/test_damaged_corpus.py). No Catch2 here: failures throw std::runtime_error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "mmgraph/reader.hpp"

namespace mmgraph::test {

// One change to a file image.
struct Damage {
    enum class Kind : uint8_t {
        truncate,       // the file cut short
        flip,           // one bit inverted: every checksum still names the old bytes
        resealed_flip,  // one bit inverted, then every checksum recomputed (reseal() of probe.hpp),
                        // so that only the structural checks stand between it and the decoder
    };
    Kind kind = Kind::truncate;
    uint64_t at = 0;  // truncate: the length kept; flips: the bit, byte * 8 + bit (bit 0 the lsb)

    uint64_t byte() const { return at / 8; }
    uint8_t mask() const { return static_cast<uint8_t>(1u << (at % 8)); }
    // "truncated to 812", "bit 3 of byte 77", "resealed bit 3 of byte 77"
    std::string describe() const;
    // The kind's name: "truncate", "flip" or "resealed_flip".
    std::string_view kind_name() const;
    // The damaged image of `good`.
    std::vector<uint8_t> apply(std::span<const uint8_t> good) const;
};

// The file the sweeps damage, a few KiB with every feature: every attribute type (scalars,
// strings, bytes, lists, vertex references), nulls, three labels (one bare), two edge types with
// and without properties, in-edges, self-loops and multi-edges, several node types and 2-byte
// offset entries (one 300-byte string). With `shards` > 1 it is shard 0 of a dataset written into
// `dir` (int64 keys, grouped adjacency records, cross-shard references). Returns its path.
std::filesystem::path sweep_file(const std::filesystem::path& dir, uint16_t shards);

// Every truncation of a `size`-byte file, longest first, so that one copy can be shrunk in place.
std::vector<Damage> every_truncation(uint64_t size);

// Truncations at and one byte either side of every boundary of the layout (§2, §3): the header,
// the directory, the start and end of every section; longest first, each length once.
std::vector<Damage> boundary_truncations(const File& file);

// Every bit flip of a `size`-byte file when it has at most `max_full_bytes` bytes, else
// `samples` seeded positions (repeats possible).
std::vector<Damage> bit_flips(uint64_t size, uint64_t max_full_bytes, uint64_t samples, uint64_t seed);

// `samples` seeded resealed flips in the section bodies. The header and directory are left out:
// any change there is refused at open, which the plain flips show.
std::vector<Damage> resealed_flips(const File& file, uint64_t samples, uint64_t seed);

}  // namespace mmgraph::test
