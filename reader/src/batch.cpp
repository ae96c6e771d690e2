// Reads that overlap cache misses: what File::for_each_edge and File::for_each_neighbour read of
// a direction (run_source: their hints and the packed runs are read inline, reader.hpp), the
// checked table of a flat record's blocks, and the grouped key lookup File::find(keys, out).
// Prefetching only reads bytes that a later checked read will read anyway, so every peek below
// is non-throwing and bounds-checked: an address outside its section means no prefetch, never an
// access; the checked reads after the hints report damage.
#include <algorithm>

#include "internal.hpp"

namespace mmgraph {

using detail::Region;

namespace {

// Always inlined: GCC may take a function that only prefetches for one without effects and drop
// its calls.
[[gnu::always_inline]] inline void prefetch(const uint8_t* p) noexcept {
    if (p) __builtin_prefetch(p, 0, 3);
}

// The address of `len` bytes at `off` in `r`, or null when they are not all inside it.
inline const uint8_t* peek(const Region& r, uint64_t off, uint64_t len) noexcept { return r.peek(off, len); }

// The address of a vertex's slot `which`, or null.
inline const uint8_t* slot_address(const File::Impl& m, uint64_t index, int which) noexcept {
    if (which < 0 || index >= m.vertex_count) return nullptr;
    return peek(m.vertices, m.table_head + (index * m.slot_count + static_cast<uint64_t>(which)) * 8, 8);
}

// The first `len` bytes of the record a slot value points to, or null when the slot is empty,
// names another domain or they are not all inside it.
inline const uint8_t* record_address(const File::Impl& m, const uint8_t* slot, int expected_domain, uint64_t len = 1) noexcept {
    if (!slot || expected_domain < 0) return nullptr;
    uint64_t value = format::load<uint64_t>(slot);
    if (value == 0 || (value >> format::kSlotDomainShift) != static_cast<uint64_t>(expected_domain)) return nullptr;
    return peek(m.regions[static_cast<size_t>(expected_domain)], value & format::kSlotOffsetMask, len);
}

// Vertex `index`'s two starts in `direction`'s runs section (2.5, §7.3), where its degree is,
// or null.
inline const uint8_t* starts_address(const File::Impl& m, uint64_t index, Direction direction) noexcept {
    if (!m.runs_apart || index >= m.vertex_count || (direction == Direction::in && m.in_slot < 0)) return nullptr;
    const File::Impl::Runs& runs = m.runs(direction);
    return peek(runs.region, format::kRunsHeadSize + index * runs.start_bytes, 2 * uint64_t{runs.start_bytes});
}

// The start of vertex `index`'s adjacency record in `direction` (reading its slot), and its
// starts. Always inlined, as prefetch() is.
[[gnu::always_inline]] inline void prefetch_record(const File::Impl& m, uint64_t index, Direction direction) noexcept {
    prefetch(starts_address(m, index, direction));
    const uint8_t* slot = slot_address(m, index, adjacency_slot(m, direction));
    // A record of several blocks (directory, ordinals, runs) often spans the next cache line too.
    if (const uint8_t* two_lines = record_address(m, slot, adjacency_domain(m, direction), 128)) {
        prefetch(two_lines);
        prefetch(two_lines + 64);
        return;
    }
    prefetch(record_address(m, slot, adjacency_domain(m, direction)));
}

}  // namespace

// ---- what the inline walks of File::for_each_edge and File::for_each_neighbour read -------

const detail::RunSource& File::run_source(Direction direction) const noexcept { return impl_->run_sources[direction == Direction::in]; }

detail::RunSource detail::make_run_source(const File::Impl& m, Direction direction) noexcept {
    RunSource source;
    const int slot = adjacency_slot(m, direction), id = adjacency_domain(m, direction);
    if (slot < 0 || id < 0 || m.edge_types.empty()) return source;
    // The slot table's length was checked at open: every vertex's slots are inside it.
    source.slots = m.vertices.data + m.table_head + static_cast<uint64_t>(slot) * 8;
    source.stride = m.slot_count * 8;
    source.vertex_count = m.vertex_count;
    source.domain_id = static_cast<uint64_t>(id);
    source.flat_slot = source.domain_id << format::kSlotDomainShift | format::kSlotTagLocal;
    source.domain = m.regions[static_cast<size_t>(id)];
    // Offsets 0, 4, ..., size - 4, where a record's degree fits; none when an older multi-type
    // record keeps a run per block (the iterator reads those).
    const bool one_run = m.packed_records || m.edge_types.size() == 1;
    source.record_quarters = one_run && source.domain.size >= 4 ? (source.domain.size - 4) / 4 + 1 : 0;
    source.entry_bits = m.entry_bits;
    source.entry_mask = m.entry_mask;
    source.shard = m.shard_id;
    if (!m.packed_records) {
        const format::Ordinals ordinals = m.ordinals(0, direction);
        source.ordinal_bytes = ordinals == format::Ordinals::first ? 8 : 0;
        source.ordinal_bytes_per_entry = ordinals == format::Ordinals::each ? 8 : 0;
    }
    source.hints = m.frontier_hints;
    // open() sizes the table to the schema's types; anything else leaves read_blocks refusing all.
    if (m.prop_table_of.size() == m.edge_types.size()) {
        source.type_count = m.edge_types.size();
        source.table_of_type = m.prop_table_of.data();
    }
    source.in_direction = direction == Direction::in;
    if (m.runs_apart) {
        const File::Impl::Runs& runs = m.runs(direction);
        // open() checked that the section holds every start and a run of whole words.
        source.starts = runs.region.data + format::kRunsHeadSize;
        source.start_bytes = runs.start_bytes;
        source.run_capacity = runs.capacity;
        source.runs = {runs.region.data + runs.run_at, runs.region.size - runs.run_at};
        source.run_loadable_bits = source.runs.size < 8 ? 0 : 8 * (source.runs.size - 8) + 8;
        source.slots_decide = m.shard_count > 1;
    }
    return source;
}

// ---- grouped key lookups ------------------------------------------------------------------

void File::Impl::prefetch_adjacency(uint64_t index, Direction direction) const noexcept { prefetch_record(*this, index, direction); }

void File::Impl::read_ahead_node(uint64_t index) const noexcept {
    if (const uint8_t* record = record_address(*this, slot_address(*this, index, node_slot), nodes_domain))
        read_ahead(static_cast<uint64_t>(record - data), 64);
}

void File::Impl::read_ahead_found(uint64_t index, std::optional<uint64_t> node_block) const noexcept {
    // The row first, which the key comparison waits for, then what the caller reads next: the
    // starts (degree, neighbours) and the node record (attributes). All are asked for before the
    // row is touched, so their disk reads overlap.
    if (const uint8_t* row = slot_address(*this, index, 0)) read_ahead(static_cast<uint64_t>(row - data), slot_count * 8);
    if (const uint8_t* starts = starts_address(*this, index, Direction::out)) read_ahead(static_cast<uint64_t>(starts - data), 16);
    if (node_block) {
        // A damaged block may lie past the section: then nothing is read (§8.1; verify reports it).
        const uint64_t offset = *node_block << node_block_shift;
        if (offset < nodes.size) read_ahead(nodes.file_offset + offset, std::min((uint64_t{1} << node_block_shift) + 64, nodes.size - offset));
    }
    // The out-edges record, whose offset the row holds: this touches the row.
    const uint8_t* out_slot = slot_address(*this, index, adjacency_slot(*this, Direction::out));
    if (const uint8_t* record = record_address(*this, out_slot, adjacency_domain(*this, Direction::out)))
        read_ahead(static_cast<uint64_t>(record - data), 64);
    // With the key in the row (2.4) nothing else reads the node record before the caller does.
    if (!node_block && key_slot >= 0) read_ahead_node(index);
}

void File::find(std::span<const Key> keys, std::span<std::optional<Vertex>> out) const { find(keys, IdSpace{}, out); }

namespace {

// A key of a grouped lookup, as far as its prefetch stages got.
struct Probe {
    std::optional<uint64_t> hash;        // none for a key of the other type
    const uint8_t* bucket = nullptr;     // key table: its home slot; key index: the bucket's [first, last) words
    const uint8_t* entries = nullptr;    // key index: the bucket's entries
    uint64_t count = 0;                  // how many
    uint64_t candidate = 0;              // the first entry whose fingerprint matches
    const uint8_t* node_slot = nullptr;  // its node slot
};

// Stage 1: the key's first read, its home slot (key table) or its bucket words (key index).
const uint8_t* first_key_read(const File::Impl& m, uint64_t hash) noexcept {
    if (m.key_capacity > 0)
        return peek(m.key_table, format::kKeyTableHeadSize + format::key_table_home(hash, m.key_capacity) * format::kKeySlotSize, 8);
    if (m.key_entries == 0) return nullptr;
    return peek(m.key_index, m.buckets_at + 4 * format::key_bucket(hash, m.bucket_bits), 8);
}

// Stage 3 for a key table: the first slot from home, up to the first empty one, whose
// fingerprint matches (the checked lookup walks the same slots).
std::optional<uint32_t> table_candidate(const File::Impl& m, uint64_t hash) noexcept {
    uint64_t s = format::key_table_home(hash, m.key_capacity);
    for (uint64_t step = 0; step < m.key_capacity; ++step) {
        const uint8_t* slot = peek(m.key_table, format::kKeyTableHeadSize + s * format::kKeySlotSize, 8);
        if (!slot) return std::nullopt;
        const uint64_t value = format::load<uint64_t>(slot);
        if (value >> 32 == 0) return std::nullopt;
        if (((value ^ hash) & m.fingerprint_mask) == 0) return static_cast<uint32_t>((value >> 32) - 1);
        s = s + 1 == m.key_capacity ? 0 : s + 1;
    }
    return std::nullopt;
}

// Stage 3 for a key index: the first of the bucket's entries whose fingerprint matches.
std::optional<uint32_t> index_candidate(const Probe& p) noexcept {
    for (uint64_t e = 0; e < p.count; ++e) {
        const uint8_t* entry = p.entries + e * format::kKeyEntrySize;
        if (format::load<uint32_t>(entry) == static_cast<uint32_t>(*p.hash)) return format::load<uint32_t>(entry + 4);
    }
    return std::nullopt;
}

}  // namespace

void File::find(std::span<const Key> keys, IdSpace space, std::span<std::optional<Vertex>> out) const {
    if (keys.size() != out.size())
        throw Error(ErrorKind::misuse,
                    "find: " + std::to_string(keys.size()) + " keys but room for " + std::to_string(out.size()) + " results");
    const Impl& m = *impl_;
    const bool table = m.key_capacity > 0;
    // Keys per group: enough independent misses in flight to fill the core's miss buffers,
    // few enough that what a group prefetched is still in L1/L2 when its checked pass runs.
    constexpr size_t kGroup = 16;
    for (size_t base = 0; base < keys.size(); base += kGroup) {
        const size_t n = std::min(kGroup, keys.size() - base);
        if (n == 1) {  // nothing to overlap: the stages below would only add work to find(key)'s
            // Copied field by field: copying the returned optional whole reads it back with one
            // 16-byte load from narrower stores, which the core cannot forward; that load then
            // waits for the node record's cache miss to retire, and a caller's next miss (the
            // out-edges record) can no longer overlap it (figure 10: 1.5x against 1.0x).
            const std::optional<Vertex> v = find(keys[base], space);
            out[base] = v ? std::optional<Vertex>(Vertex(this, v->index())) : std::nullopt;
            continue;
        }
        Probe probes[kGroup];
        // 1. Hash every key; prefetch its home slot (its place follows from the hash alone) or
        // its bucket words.
        for (size_t i = 0; i < n; ++i) {
            Probe& p = probes[i];
            p.hash = m.hash_of(keys[base + i], space);
            if (!p.hash) continue;
            p.bucket = first_key_read(m, *p.hash);
            prefetch(p.bucket);
        }
        // 2. Key index only: read the bucket ranges; prefetch their first entries.
        for (size_t i = 0; i < n && !table; ++i) {
            Probe& p = probes[i];
            if (!p.bucket) continue;
            uint64_t first = format::load<uint32_t>(p.bucket), last = format::load<uint32_t>(p.bucket + 4);
            if (first >= last || last > m.key_entries) continue;
            p.count = last - first;
            p.entries = peek(m.key_index, m.entries_at + first * format::kKeyEntrySize, p.count * format::kKeyEntrySize);
            prefetch(p.entries);
        }
        // 3. Match fingerprints; prefetch the first candidate's vertex slots.
        for (size_t i = 0; i < n; ++i) {
            Probe& p = probes[i];
            if (!p.bucket || (!table && !p.entries)) continue;
            const std::optional<uint32_t> candidate = table ? table_candidate(m, *p.hash) : index_candidate(p);
            if (!candidate) continue;
            p.candidate = *candidate;
            p.node_slot = slot_address(m, p.candidate, m.node_slot);
            prefetch(p.node_slot);
        }
        // 4. Read the slots; prefetch the node record (its key is compared next, unless the
        // key is in the vertex table, 2.4) and the out-edges record (its slot is on the same
        // line: a caller reads degrees or edges next). Records are unaligned and a few dozen
        // bytes, so about half of them cross into a second cache line: prefetch the line holding
        // the record's 64th byte too.
        const bool compare_in_record = m.key_slot < 0 || !m.id_space_names.empty();
        for (size_t i = 0; i < n; ++i) {
            const Probe& p = probes[i];
            if (!p.node_slot) continue;
            if (const uint8_t* record = compare_in_record ? record_address(m, p.node_slot, m.nodes_domain) : nullptr) {
                prefetch(record);
                prefetch(peek(m.nodes, static_cast<uint64_t>(record - m.nodes.data) + 63, 1));
            }
            prefetch(record_address(m, slot_address(m, p.candidate, m.out_slot), m.out_domain));
        }
        // 5. The checked lookup (the one find(key) runs), now mostly from cache.
        for (size_t i = 0; i < n; ++i) {
            const Probe& p = probes[i];
            auto v = p.hash ? m.lookup(keys[base + i], *p.hash, space) : std::nullopt;
            out[base + i] = v ? std::optional<Vertex>(Vertex(this, *v)) : std::nullopt;
        }
    }
}

}  // namespace mmgraph
