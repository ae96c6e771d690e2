// Inspection API for tools that show bytes (the viewer, debugging): where one vertex's bytes
// lie in the file and what each field means (spec §5–§8), as named spans with decoded values.
// Every read goes through the reader's bounds checks; a damaged record stops the description
// at the bad field and names the problem in `error` instead of throwing.
//
//   describe_vertex   vertex slots, node record, adjacency records, key index entry
//   describe_header   header fields and section directory entries
//   owner_of          which section, vertex and field a file byte belongs to
//   NeighbourList     random access to the k-th edge of a vertex in stored order
//   value_text        one attribute value as display text
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mmgraph/reader.hpp"

namespace mmgraph {

// Which structure a field belongs to.
// out_runs and in_runs (2.5, §7.3): a vertex's two starts and the words holding its entries.
enum class Part : uint8_t { header, directory, slot, node, out_edges, in_edges, key_index, out_runs, in_runs };
std::string_view part_name(Part part);

// A bit field inside a packed word (a slot, a tagged reference, an adjacency entry).
struct BitField {
    std::string name;
    unsigned lsb = 0;
    unsigned width = 0;
    uint64_t value = 0;
};

struct FieldSpan {
    uint64_t offset = 0;  // file offset
    uint64_t size = 0;
    Part part = Part::node;
    std::string name;   // e.g. "offset entry 1 (name)"
    std::string value;  // decoded, e.g. "var+3" or "\"Ada\""
    std::vector<BitField> bits;
};

// A whole record of the vertex, for highlighting.
struct RecordSpan {
    Part part = Part::node;
    uint64_t offset = 0;  // file offset
    uint64_t size = 0;
};

struct VertexAnatomy {
    uint32_t index = 0;
    std::vector<FieldSpan> fields;    // slots, node record, out record, in record, key entry
    std::vector<RecordSpan> records;
    std::string error;                // set when a damaged field stopped the description
    const FieldSpan* field_at(uint64_t file_offset) const;  // nullptr when no field covers it
};

struct AnatomyOptions {
    // Adjacency entries listed per record; the rest of a huge list is one summary field, so a
    // vertex with millions of edges is described in bounded time and memory.
    uint64_t max_entries = 1024;
};

VertexAnatomy describe_vertex(const File& file, uint32_t index, AnatomyOptions options = {});

// The header (§2.2) and every directory entry (§3) as fields.
std::vector<FieldSpan> describe_header(const File& file);
// The same from raw bytes (a file's first bytes), decoded as stored and as far as they go: for
// a file that open() refuses. Header fields the bytes hold whole; directory entries up to the
// header's section_count, at most `max_entries`, while the bytes hold them.
std::vector<FieldSpan> describe_header(std::span<const uint8_t> bytes, uint64_t max_entries = 4096);

// The owner of one file byte: its section (or the header, directory, a gap), the vertex whose
// record holds it when there is one, and the field of that record.
struct ByteOwner {
    uint64_t offset = 0;        // the file offset asked about
    int section = -1;           // directory index, -1 for the header, directory and gaps
    std::string area;           // "header", "directory", "gap", or the section name
    uint64_t section_offset = 0;
    std::optional<uint32_t> vertex;
    std::optional<FieldSpan> field;
    std::string detail;         // e.g. "key index entry 17", "row 3 of edge type RATED"
};

// Cost: O(log vertex_count) probes of the vertex table plus one describe_vertex. Records are
// found by binary search over slots, which holds for files placed in index order (§6, §7); the
// candidate is confirmed by its own record span, so a file placed otherwise yields no vertex.
ByteOwner owner_of(const File& file, uint64_t file_offset);

// Random access to one direction of a vertex's edges over all types, in the order EdgeRange
// iterates them (by type, shard, index). Flat records are addressed by arithmetic (a packed
// entry is found from its position); grouped
// records are walked once at construction to index their groups.
class NeighbourList {
public:
    NeighbourList() = default;
    NeighbourList(const Vertex& vertex, Direction direction);
    uint64_t size() const { return size_; }
    Edge at(uint64_t position) const;  // throws mmgraph::Error on a damaged record or position >= size()
    // Position of the first edge of each type present: {type, first position, count}.
    struct TypeRun {
        uint32_t type;
        uint64_t first;
        uint64_t count;
    };
    const std::vector<TypeRun>& runs() const { return runs_; }

private:
    struct Group {
        uint64_t first;    // position of the group's first edge in the list
        uint64_t entries;  // domain offset of its first entry
        uint16_t shard;
        uint32_t block;
    };
    struct BlockInfo {
        EdgeRange::Block layout;
        uint64_t first;          // position of the block's first edge in the list
        uint64_t first_ordinal;  // Ordinals::first: the block's first ordinal
    };
    const File* file_ = nullptr;
    Direction direction_ = Direction::out;
    uint64_t size_ = 0;
    bool local_ = true;  // flat record: each block is one packed run
    std::vector<BlockInfo> blocks_;
    std::vector<Group> groups_;  // flat records: one group per block
    std::vector<TypeRun> runs_;
};

// Display text of a value: numbers, quoted strings (shortened past `max_chars`), hex bytes,
// lists in brackets, "null".
std::string value_text(const ValueRef& value, size_t max_chars = 200);

}  // namespace mmgraph
