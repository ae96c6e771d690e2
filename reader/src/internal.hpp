// Reader internals: what open() parsed (header, directory, small tables) and the record
// decoders shared by access and verify.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>

#include "bounds.hpp"
#include "mmgraph/format/adjacency.hpp"
#include "mmgraph/format/layout.hpp"
#include "mmgraph/format/packed.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph {

struct PropTableInfo {
    detail::Region region;
    uint32_t type = 0;
    unsigned width = 0;
    uint64_t rows = 0;
    uint32_t row_size = 0;
    uint64_t heap_offset = 0;
};

// Where a record's parts start (§6.1, §8.2); offsets are within `region`.
struct RecordView {
    const detail::Region* region = nullptr;
    uint64_t nulls = 0;        // null bitmap
    uint64_t fixed = 0;        // packed fixed-size values
    uint64_t table = 0;        // offset table
    uint64_t var_base = 0;     // where offset value 1 points
    const uint8_t* widths = nullptr;  // per entry (node records)
    const uint32_t* entry_offsets = nullptr;  // per entry byte offset in the table (node records)
    unsigned uniform_width = 0;  // edge property rows: every entry has this width
};

struct File::Impl {
    std::filesystem::path path;
    std::string path_text;  // regions point here so their errors name the file
    ReaderOptions options;
    boost::interprocess::file_mapping mapping;
    boost::interprocess::mapped_region region;
    const uint8_t* data = nullptr;
    uint64_t size = 0;

    uint16_t major = 0, minor = 0;
    // Flat adjacency entries (§7.2): packed at this many bits, read through this mask. Format 1
    // stored 32-bit words whose bit 31 is the terminator.
    unsigned entry_bits = 32;
    uint32_t entry_mask = format::kLocalIndexMask;
    uint32_t flags = 0;
    std::array<uint8_t, 16> dataset_id{};
    uint16_t shard_id = 0, shard_count = 1;
    uint64_t vertex_count = 0, edge_count = 0;
    KeyType key_type = KeyType::string;

    std::vector<SectionInfo> sections;
    std::vector<detail::Region> regions;  // per directory entry
    detail::Region strings, schema, node_types_region, vertices, nodes, out, in;
    // §8.1: a 2.3 file's key table, or an older file's key index (the other stays empty).
    detail::Region key_table, key_index;
    int nodes_domain = -1, out_domain = -1, in_domain = -1;
    // Whether a frontier walk prefetches ahead: not when the vertex table and the adjacency
    // domains fit in half a typical L2 together, where the hints find every line already cached
    // and only add work per vertex (figure 7's sample graph: 3.0x -> 2.2x the CSR without them).
    bool frontier_hints = true;
    static constexpr uint64_t kCachedWalkBytes = uint64_t{1} << 20;

    std::vector<std::string_view> names;
    std::vector<LabelInfo> labels, edge_types;
    // §6.6: the sets of two or more labels (set labels.size() + i), the identity 0..L-1 that
    // label_set_labels() views for a label alone, and (set << 32 | label) for every member
    // of a multi-label set, so that membership costs one probe.
    detail::Region label_sets_region;
    std::vector<LabelSetInfo> label_sets;
    std::vector<uint32_t> singleton_labels;
    std::unordered_set<uint64_t> label_set_members;
    const LabelInfo& layout(uint32_t set) const { return set < labels.size() ? labels[set] : label_sets[set - labels.size()].layout; }
    bool has_label(uint32_t set, uint32_t label) const {
        return set < labels.size() ? set == label : label_set_members.count(uint64_t{set} << 32 | label) != 0;
    }
    std::vector<NodeTypeInfo> node_types;
    detail::Region id_spaces_region;                  // §8.3, empty without named spaces
    std::vector<std::string_view> id_space_names;     // space id - 1
    std::vector<std::vector<uint32_t>> entry_offsets;  // per node type
    uint32_t id_width = 0;

    uint32_t slot_count = 0;
    int node_slot = -1, out_slot = -1, in_slot = -1;
    int key_slot = -1;  // since 2.4, with int64 keys: the key beside the vertex's other slots (§5.1)
    uint64_t table_head = 0;

    uint64_t key_capacity = 0;  // key table slots C (> vertex_count), 0 in a file with a key index
    uint32_t bucket_bits = 0;   // key index (2.2 and older)
    uint64_t key_entries = 0, buckets_at = 0, entries_at = 0;
    const detail::Region& key_section() const { return key_capacity > 0 ? key_table : key_index; }

    std::vector<int32_t> prop_table_of;  // per edge type: index in prop_tables, -1 if none
    std::vector<PropTableInfo> prop_tables;

    // What the frontier walks read of each direction (out, in), made once at open: per call
    // it cost a sample graph's BFS (14 levels of 40 vertices) about 6% of its time.
    std::array<detail::RunSource, 2> run_sources{};

    // The file's minor is newer than any this reader knows of its major (§2.3 reader rule 3).
    bool newer_minor() const { return minor > format::newest_minor(major); }
    // Flat records are packed (§7): the file's minor is kPackedRecordMinor or newer.
    bool packed_records = false;
    // ... and their degrees and entries lie in the runs sections (§7.3): kRunsMinor or newer.
    bool runs_apart = false;
    // §8.1: the bits of a key slot's low word that hold the fingerprint (12 in kind 15 since 2.6,
    // whose bits above name the block where the node record starts, 32 in kind 12).
    uint64_t fingerprint_mask = format::kWideFingerprintMask;
    unsigned node_block_shift = format::kMinNodeBlockShift;  // log2 of a node block's bytes (kind 15)
    // §7.3: a direction's runs section, as open() checked it (start_bytes 0: none, before 2.5).
    struct Runs {
        detail::Region region;
        uint32_t start_bytes = 0;
        uint64_t capacity = 0;  // the most entries the run's words hold: every start used is at most this
        uint64_t run_at = 0;    // section offset of the run
    };
    Runs out_runs, in_runs;
    const Runs& runs(Direction direction) const { return direction == Direction::out ? out_runs : in_runs; }
    // Vertex `index`'s flat entries in `direction` (2.5): [first, first + count) of the run, with
    // the checks of its two starts (in order, the later at most E). Count 0 for a vertex
    // without a flat record.
    void flat_entries(uint64_t index, Direction direction, uint64_t& first, uint64_t& count) const;
    // E, the last start of `direction`'s runs section, checked against the run's capacity.
    uint64_t run_entries(Direction direction) const;
    // A record's geometry in this file (§7, format/adjacency.hpp): W, and its layout. `first`:
    // the index of an apart record's first entry in its direction's run (flat_entries).
    format::RecordLayout record_layout(uint64_t offset, uint64_t degree, bool flat, Direction direction, uint64_t first = 0) const {
        format::RecordLayout layout{offset, degree, static_cast<uint8_t>(flat ? entry_bits : 32), flat, flat && packed_records, edge_types.size() > 1};
        layout.apart = flat && runs_apart;
        if (layout.apart) {
            layout.run_base = runs(direction).run_at;
            layout.first_entry = first;
        }
        return layout;
    }
    // Where a block's entries are: its record's domain, or the runs section (apart).
    const detail::Region& entries_region(const format::BlockLayout& block, Direction direction) const {
        return block.apart ? runs(direction).region : adjacency(direction);
    }
    // The ordinals a block of this type carries in this direction.
    format::Ordinals ordinals(uint32_t type, Direction direction) const {
        // A type has properties exactly when it has a property table (open checks both ways).
        const bool properties = type < prop_table_of.size() && prop_table_of[type] >= 0;
        return format::block_ordinals(properties, direction == Direction::in);
    }
    // A block directory entry of a multi-type record (§7), read at domain offset `at`.
    struct DirectoryEntry {
        uint32_t type = 0;
        uint64_t count = 0;
        uint32_t groups = 0;
    };
    DirectoryEntry directory_entry(const detail::Region& r, uint64_t at) const {
        const uint32_t word = r.read<uint32_t>(at, "block type");
        return {word & format::kBlockTypeMask, r.read<uint32_t>(at + 4, "block count"), word >> format::kBlockGroupsShift};
    }
    const detail::Region& adjacency(Direction direction) const { return direction == Direction::out ? out : in; }
    // Vertex `index`'s adjacency record in `direction` from its slot (§5.1, §7), with the slot's
    // and the degree's checks: its domain, or null when the vertex has none. Sets the record's
    // domain offset, whether it is flat (slot tag L), its degree and, for an apart record, the
    // index of its first entry in the runs section's run.
    const detail::Region* adjacency_record(uint32_t index, Direction direction, uint64_t& offset, bool& local, uint64_t& degree, uint64_t& first) const;

    // Decoding shared by access and verify. Inline: it is on the path of every edge walk.
    uint64_t slot(uint64_t index, int which) const {
        return vertices.read<uint64_t>(table_head + (index * slot_count + static_cast<uint64_t>(which)) * 8, "vertex slot");
    }
    // Resolves an adjacency or node slot to its domain region and record offset.
    const detail::Region& domain(uint64_t slot, int expected_domain, const char* role, uint64_t index, uint64_t& offset) const;
    // The shard named by the group header at `at` of a grouped adjacency record (§7): below the
    // shard count and above the block's previous group (`previous` is -1 for a block's first).
    uint16_t group_shard(const detail::Region& r, uint64_t at, int previous) const;
    RecordView node_record(uint32_t index, uint32_t& node_type) const;
    RecordView prop_row(uint32_t type, uint64_t ordinal) const;
    ValueRef attribute(const RecordView& record, const AttributeInfo& a, bool is_key, const char* what) const;
    Key key(uint32_t index) const;         // from the key slot when the file has one (§5.1)
    Key record_key(uint32_t index) const;  // from the node record (§6.1)
    // The key's hash (§8.1), or nullopt for a key of the other type.
    std::optional<uint64_t> hash_of(const Key& key, IdSpace space = {}) const;
    std::optional<uint32_t> lookup(const Key& key, IdSpace space = {}) const;
    std::optional<uint32_t> lookup(const Key& key, uint64_t hash, IdSpace space = {}) const;  // hash: hash_of(key, space)
    // The two forms of lookup(key, hash, space): the key table (2.3), the key index (older).
    std::optional<uint32_t> lookup_table(const Key& key, uint64_t hash, IdSpace space) const;
    std::optional<uint32_t> lookup_index(const Key& key, uint64_t hash, IdSpace space) const;
    // Whether vertex `local`, named by the key section at `at`, has this key and space; fetches
    // its out-edges record first (see prefetch_adjacency).
    // On a cold file (`cold`), reads ahead what the caller reads next, the node record from the
    // block that `key_slot_value`, the key table slot naming the vertex, gives (0: none).
    bool is_vertex_of(const detail::Region& keys, uint64_t at, uint32_t local, const Key& key, IdSpace space, bool cold,
                      uint64_t key_slot_value = 0) const;
    IdSpace space_of(uint32_t index) const;  // the vertex's key's ID space, from its node type
    // Asks the cache for the start of vertex `index`'s adjacency record in `direction`, reading
    // its slot (bounds-checked, never throws): a lookup does so before it compares the key
    // through the node record, so that the two records' misses overlap.
    void prefetch_adjacency(uint64_t index, Direction direction) const noexcept;
    // Asks the kernel to start reading [offset, offset + length) into the page cache, so that a
    // pass in file order does not wait for one page at a time under Access::random.
    void read_ahead(uint64_t offset, uint64_t length) const;

    // Lookups left that read ahead for a cold file (ReaderOptions::cold_lookup_hints).
    mutable std::atomic<uint32_t> cold_hints{0};
    bool take_cold_hint() const noexcept {
        uint32_t left = cold_hints.load(std::memory_order_relaxed);
        while (left > 0 && !cold_hints.compare_exchange_weak(left, left - 1, std::memory_order_relaxed)) {}
        return left > 0;
    }
    // The key entries around where bucket `bucket`'s first one is expected (§8.1, key index).
    void read_ahead_entries(uint64_t bucket) const noexcept;
    // The first line of vertex `index`'s node record, reading its slot.
    void read_ahead_node(uint64_t index) const noexcept;
    // For a cold file's lookup that found vertex `index`: its row, out-starts, out-edges record
    // and node record, this one from `node_block` of a kind-15 key slot when given (§8.1), with
    // the line after the block, where the head of a record starting near its end continues.
    void read_ahead_found(uint64_t index, std::optional<uint64_t> node_block) const noexcept;
};

// The parsed tables of a file, for reader sources outside File's own classes (verify, anatomy,
// batch reads): File::impl() is private so that it stays out of the public API.
struct FileInternals {
    static const File::Impl& of(const File& file) { return file.impl(); }
};

inline const File::Impl& impl_of(const File& file) { return FileInternals::of(file); }

inline int adjacency_slot(const File::Impl& m, Direction direction) noexcept {
    return direction == Direction::out ? m.out_slot : m.in_slot;
}

inline int adjacency_domain(const File::Impl& m, Direction direction) noexcept {
    return direction == Direction::out ? m.out_domain : m.in_domain;
}

namespace detail {

// File::run_source's answer, for the bottom-up BFS step (traversal.cpp) too.
RunSource make_run_source(const File::Impl& m, Direction direction) noexcept;

}  // namespace detail

}  // namespace mmgraph
