// Lazy access: vertex slots (§5.1), node records (§6), adjacency records (§7), key index
// lookups (§8.1) and edge property rows (§8.2). Every offset goes through Region::at.
#include <algorithm>
#include <cmath>

#include "internal.hpp"
#include "mmgraph/format/hash.hpp"

namespace mmgraph {

using detail::hex;
using detail::Region;

const Region& File::Impl::domain(uint64_t value, int expected_domain, const char* role, uint64_t index, uint64_t& offset) const {
    uint64_t id = value >> format::kSlotDomainShift;
    offset = value & format::kSlotOffsetMask;
    if (static_cast<int64_t>(id) != expected_domain)
        vertices.fail(table_head + index * slot_count * 8,
                      "vertex " + std::to_string(index) + ": " + role + " slot names domain " + std::to_string(id) +
                          ", expected directory entry " + std::to_string(expected_domain));
    return regions[id];
}

uint16_t File::Impl::group_shard(const Region& r, uint64_t at, int previous) const {
    uint32_t header = r.read<uint32_t>(at, "group header");
    if (header > 0xFFFF || header >= shard_count)
        r.fail(at, "group header " + hex(header) + " does not name a shard below " + std::to_string(shard_count));
    if (static_cast<int>(header) <= previous)
        r.fail(at, "group header " + hex(header) + " is not a shard id above the previous group's");
    return static_cast<uint16_t>(header);
}

RecordView File::Impl::node_record(uint32_t index, uint32_t& type) const {
    uint64_t value = slot(index, node_slot);
    if (value == 0) vertices.fail(table_head + uint64_t{index} * slot_count * 8, "vertex " + std::to_string(index) + " has no node record");
    if (value & format::kSlotTagMask) vertices.fail(table_head + uint64_t{index} * slot_count * 8, "vertex " + std::to_string(index) + ": node slot has tag bits set");
    uint64_t off = 0;
    const Region& r = domain(value, nodes_domain, "node", index, off);
    type = id_width ? static_cast<uint32_t>(r.read_uint(off, id_width, "node type id")) : 0;
    if (type >= node_types.size())
        r.fail(off, "vertex " + std::to_string(index) + ": node type id " + std::to_string(type) + " >= " + std::to_string(node_types.size()));
    const NodeTypeInfo& nt = node_types[type];
    const LabelInfo& label = layout(nt.label);
    RecordView v;
    v.region = &r;
    v.nulls = off + id_width;
    v.fixed = v.nulls + label.null_bytes;
    v.table = v.fixed + label.fixed_size;
    v.var_base = v.table + nt.table_size - 1;  // offset value 1 = first byte after the table
    v.widths = nt.offset_widths.data();
    v.entry_offsets = entry_offsets[type].data();
    r.at(off, v.var_base + 1 - off, "node record header");
    return v;
}

RecordView File::Impl::prop_row(uint32_t type, uint64_t ordinal) const {
    if (type >= prop_table_of.size() || prop_table_of[type] < 0)
        throw Error(ErrorKind::misuse, path.string() + ": edge type " + std::to_string(type) + " has no property table");
    const PropTableInfo& t = prop_tables[static_cast<size_t>(prop_table_of[type])];
    if (ordinal >= t.rows)
        t.region.fail(8, "edge ordinal " + std::to_string(ordinal) + " >= row count " + std::to_string(t.rows));
    const LabelInfo& et = edge_types[type];
    RecordView v;
    v.region = &t.region;
    v.nulls = format::kEdgePropsHeadSize + ordinal * t.row_size;
    v.fixed = v.nulls + et.null_bytes;
    v.table = v.fixed + et.fixed_size;
    v.var_base = t.heap_offset - 1;
    v.uniform_width = t.width;
    return v;
}

ValueRef File::Impl::attribute(const RecordView& rec, const AttributeInfo& a, bool is_key, const char* what) const {
    const Region& r = *rec.region;
    if (a.type.is_fixed()) {
        if (a.nullable) {
            uint8_t bits = r.read<uint8_t>(rec.nulls + a.null_bit / 8, "null bitmap");
            if (bits & (1u << (a.null_bit % 8))) return {};
        }
        unsigned size = format::scalar_size(a.type.byte);
        return ValueRef(a.type, r.at(rec.fixed + a.fixed_offset, size, what), size, 1);
    }
    uint32_t k = a.fixed_offset;
    unsigned width = rec.uniform_width ? rec.uniform_width : rec.widths[k];
    uint64_t entry_at = rec.table + (rec.uniform_width ? uint64_t{k} * width : rec.entry_offsets[k]);
    uint64_t entry = r.read_uint(entry_at, width, "offset table entry");
    if (entry == 0) {
        if (a.nullable && !is_key) return {};
        return ValueRef(a.type, r.data, 0, 0);  // empty
    }
    uint64_t at = rec.var_base + entry;
    if (at < rec.var_base) r.fail(entry_at, std::string(what) + ": offset overflows");
    uint64_t count = 0;
    size_t prefix = r.read_vlq(at, count, what);
    if (count > format::kMaxValueSize) r.fail(at, std::string(what) + ": value of " + std::to_string(count) + " items exceeds the limit", ErrorKind::limit);
    const uint64_t payload_at = at + prefix;
    if (!format::has_variable_items(a.type.byte)) {
        uint64_t elem = a.type.is_list() ? format::scalar_size(format::element_code(a.type.byte)) : 1;
        uint64_t size = count * elem;
        return ValueRef(a.type, r.at(payload_at, size, what), size, count);
    }
    // A list of strings or bytes: every item is at least its one-byte prefix, so a forged count
    // larger than the bytes left fails before the walk; the walk checks each item's bounds.
    if (count > r.size - payload_at)
        r.fail(at, std::string(what) + ": list of " + std::to_string(count) + " items cannot fit in the " +
                       std::to_string(r.size - payload_at) + " bytes left in the section");
    uint64_t end = payload_at;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t length = 0;
        end += r.read_vlq(end, length, "list item");
        if (length > format::kMaxValueSize) r.fail(end, std::string(what) + ": list item of " + std::to_string(length) + " bytes exceeds the limit", ErrorKind::limit);
        r.at(end, length, "list item");
        end += length;
    }
    return ValueRef(a.type, r.at(payload_at, end - payload_at, what), end - payload_at, count);
}

Key File::Impl::key(uint32_t index) const {
    // The vertex table's copy (2.4, int64 keys), which find compares: verify checks that it
    // equals the node record's.
    return key_slot >= 0 ? Key(static_cast<int64_t>(slot(index, key_slot))) : record_key(index);
}

Key File::Impl::record_key(uint32_t index) const {
    uint32_t type = 0;
    RecordView rec = node_record(index, type);
    if (key_type == KeyType::int64) return rec.region->read<int64_t>(rec.fixed, "int64 key");
    AttributeInfo key_attr;
    key_attr.type = Type(TypeCode::string);
    key_attr.fixed_offset = 0;
    return attribute(rec, key_attr, true, "string key").as_string();
}

std::optional<uint64_t> File::Impl::hash_of(const Key& k, IdSpace space) const {
    if (std::holds_alternative<std::string_view>(k) != (key_type == KeyType::string)) return std::nullopt;
    if (space.id > id_space_names.size()) return std::nullopt;  // a space the file lacks holds no key
    return format::key_hash(k, space);
}

std::optional<uint32_t> File::Impl::lookup(const Key& k, IdSpace space) const {
    auto hash = hash_of(k, space);
    return hash ? lookup(k, *hash, space) : std::nullopt;
}

IdSpace File::Impl::space_of(uint32_t index) const {
    if (id_space_names.empty()) return {};
    uint32_t type = 0;
    node_record(index, type);
    return {node_types[type].space};
}

std::optional<uint32_t> File::Impl::lookup(const Key& k, uint64_t hash, IdSpace space) const {
    return key_capacity > 0 ? lookup_table(k, hash, space) : lookup_index(k, hash, space);
}

bool File::Impl::is_vertex_of(const detail::Region& keys, uint64_t at, uint32_t local, const Key& k, IdSpace space, bool cold,
                              uint64_t key_slot_value) const {
    if (local >= vertex_count) keys.fail(at, "key entry names vertex " + std::to_string(local) + " >= " + std::to_string(vertex_count));
    // A caller of find reads the degree or the edges next, and of a cold file's first lookup the
    // attributes: fetch them now, while the key is compared, so that those misses overlap. A key
    // slot of kind 15 (2.6) names the node record's block, which is then read alongside the row.
    if (cold)
        read_ahead_found(local, fingerprint_mask == format::kNarrowFingerprintMask && key_slot_value != 0
                                    ? std::optional<uint64_t>(format::node_block_of(key_slot_value))
                                    : std::nullopt);
    prefetch_adjacency(local, Direction::out);
    // With the key in the vertex table (2.4) the compare reads the row just fetched, and only a
    // file with named spaces reads the node record, for the space.
    return key(local) == k && space_of(local) == space;
}

namespace {

// §8.1 (2.3): from the home slot to the first empty one. A table without an empty slot is
// damaged; the walk still ends after C slots. Always inlined into File::find: figure 10's chain
// of one-key lookups measured 1.2x to 1.5x the peer with the walk out of line and 0.8x to 1.2x
// with it inlined, for the same instructions (bench/RESULTS.md: a placement effect, not work).
[[gnu::always_inline]] inline std::optional<uint32_t> walk_key_table(const File::Impl& m, const Key& k, uint64_t hash, IdSpace space) {
    const uint64_t home = format::key_table_home(hash, m.key_capacity);
    const bool cold = m.take_cold_hint();
    // On a cold file the home slot is the first disk read: ask for it, and for the line after
    // it, where a probe that crosses into the next page continues.
    if (cold) m.read_ahead(m.key_table.file_offset + format::kKeyTableHeadSize + home * format::kKeySlotSize, 64);
    uint64_t s = home;
    for (uint64_t step = 0; step < m.key_capacity; ++step) {
        const uint64_t at = format::kKeyTableHeadSize + s * format::kKeySlotSize;
        const uint64_t slot = m.key_table.read<uint64_t>(at, "key slot");
        if (slot >> 32 == 0) return std::nullopt;
        if (((slot ^ hash) & m.fingerprint_mask) == 0 &&
            m.is_vertex_of(m.key_table, at + 4, static_cast<uint32_t>((slot >> 32) - 1), k, space, cold, slot))
            return static_cast<uint32_t>((slot >> 32) - 1);
        s = s + 1 == m.key_capacity ? 0 : s + 1;
    }
    return std::nullopt;
}

}  // namespace

std::optional<uint32_t> File::Impl::lookup_table(const Key& k, uint64_t hash, IdSpace space) const { return walk_key_table(*this, k, hash, space); }

// §8.1, "Reading 2.2 and older": the bucket's entries, whose fingerprints pick candidates.
std::optional<uint32_t> File::Impl::lookup_index(const Key& k, uint64_t hash, IdSpace space) const {
    if (key_entries == 0) return std::nullopt;
    uint64_t bucket = format::key_bucket(hash, bucket_bits);
    // On a cold file the bucket words and the entries are two disk reads in a row; requesting
    // the entries' likely pages first makes them one wait.
    const bool cold = take_cold_hint();
    if (cold) read_ahead_entries(bucket);
    uint64_t first = key_index.read<uint32_t>(buckets_at + 4 * bucket, "key bucket start");
    uint64_t last = key_index.read<uint32_t>(buckets_at + 4 * bucket + 4, "key bucket end");
    if (first > last || last > key_entries)
        key_index.fail(buckets_at + 4 * bucket, "bucket " + std::to_string(bucket) + " range [" + std::to_string(first) + ", " +
                                                     std::to_string(last) + ") is not within the " + std::to_string(key_entries) + " entries");
    for (uint64_t i = first; i < last; ++i) {
        uint64_t at = entries_at + i * format::kKeyEntrySize;
        if (key_index.read<uint32_t>(at, "key fingerprint") != static_cast<uint32_t>(hash)) continue;
        uint32_t local = key_index.read<uint32_t>(at + 4, "key entry index");
        if (is_vertex_of(key_index, at + 4, local, k, space, cold)) return local;
    }
    return std::nullopt;
}

// Entries are sorted by hash (§8.1), so the entries of the buckets before j number
// Binomial(n, j / 2^b): bucket j starts near n·p, p = j / 2^b, within a few standard deviations
// sqrt(n·p·(1 - p)). Five of them either side (at most 512 KiB) cover it in practice; a
// miss costs only the overlap, never a wrong answer.
void File::Impl::read_ahead_entries(uint64_t bucket) const noexcept {
    const double n = static_cast<double>(key_entries);
    const double p = bucket_bits == 0 ? 0.0 : static_cast<double>(bucket) / static_cast<double>(uint64_t{1} << bucket_bits);
    const double expected = n * p, spread = std::min(5 * std::sqrt(n * p * (1 - p)) + 8, 32768.0);
    const uint64_t lo = static_cast<uint64_t>(std::max(0.0, expected - spread));
    const uint64_t hi = std::min(key_entries, static_cast<uint64_t>(expected + spread));
    if (lo < hi) read_ahead(key_index.file_offset + entries_at + lo * format::kKeyEntrySize, (hi - lo) * format::kKeyEntrySize);
}

// ---- File -----------------------------------------------------------------------------------

Vertex File::vertex(uint64_t index) const {
    if (index >= impl_->vertex_count)
        throw Error(ErrorKind::misuse, impl_->path.string() + ": vertex index " + std::to_string(index) + " out of range (" +
                    std::to_string(impl_->vertex_count) + " vertices)");
    return Vertex(this, static_cast<uint32_t>(index));
}

std::optional<Vertex> File::find(const Key& key) const { return find(key, IdSpace{}); }

std::optional<Vertex> File::find(const Key& key, IdSpace space) const {
    const Impl& m = *impl_;
    const std::optional<uint64_t> hash = m.hash_of(key, space);
    if (!hash) return std::nullopt;
    const std::optional<uint32_t> v = m.key_capacity > 0 ? walk_key_table(m, key, *hash, space) : m.lookup_index(key, *hash, space);
    return v ? std::optional<Vertex>(Vertex(this, *v)) : std::nullopt;
}

std::span<const std::string_view> File::id_space_names() const { return impl_->id_space_names; }

std::optional<IdSpace> File::id_space(std::string_view name) const {
    for (size_t i = 0; i < impl_->id_space_names.size(); ++i)
        if (impl_->id_space_names[i] == name) return IdSpace{static_cast<uint16_t>(i + 1)};
    return std::nullopt;
}

IdSpace Vertex::id_space() const { return file_->impl().space_of(index_); }

ValueRef File::property(const Edge& edge, uint32_t property) const {
    const auto& types = impl_->edge_types;
    if (edge.type >= types.size() || property >= types[edge.type].attributes.size())
        throw Error(ErrorKind::misuse, impl_->path.string() + ": edge type " + std::to_string(edge.type) + " has no property " + std::to_string(property));
    RecordView row = impl_->prop_row(edge.type, edge.ordinal);
    return impl_->attribute(row, types[edge.type].attributes[property], false, "edge property");
}

// ---- Vertex ---------------------------------------------------------------------------------

VertexRef Vertex::ref() const { return {file_->shard_id(), index_}; }

Key Vertex::key() const { return file_->impl().key(index_); }

uint32_t Vertex::node_type() const {
    uint32_t type = 0;
    file_->impl().node_record(index_, type);
    return type;
}

uint32_t Vertex::label_set() const { return file_->impl().node_types[node_type()].label; }

uint32_t Vertex::label() const {
    const auto& m = file_->impl();
    const uint32_t set = label_set();
    return set < m.labels.size() ? set : m.label_sets[set - m.labels.size()].labels.front();
}

std::string_view Vertex::label_name() const { return file_->impl().labels[label()].name; }

std::span<const uint32_t> Vertex::labels() const { return file_->label_set_labels(label_set()); }

bool Vertex::has_label(uint32_t label) const { return file_->impl().has_label(label_set(), label); }

ValueRef Vertex::get(uint32_t attribute) const {
    const auto& m = file_->impl();
    uint32_t type = 0;
    RecordView rec = m.node_record(index_, type);
    const LabelInfo& label = m.layout(m.node_types[type].label);
    if (attribute >= label.attributes.size())
        throw Error(ErrorKind::misuse, "label '" + std::string(label.name) + "' has no attribute " + std::to_string(attribute));
    return m.attribute(rec, label.attributes[attribute], false, "attribute value");
}

ValueRef Vertex::get(std::string_view name) const {
    const LabelInfo& label = file_->impl().layout(label_set());
    auto i = label.find(name);
    if (!i) throw Error(ErrorKind::misuse, "label '" + std::string(label.name) + "' has no attribute '" + std::string(name) + "'");
    return get(*i);
}

ValueRef Vertex::get(AttributeHandle handle) const {
    const auto& m = file_->impl();
    uint32_t type = 0;
    RecordView rec = m.node_record(index_, type);
    uint32_t set = m.node_types[type].label;
    if (!m.has_label(set, handle.label) || handle.label >= m.labels.size() || handle.index >= m.labels[handle.label].attributes.size())
        throw Error(ErrorKind::misuse, "vertex " + std::to_string(index_) + " has label set '" + std::string(m.layout(set).name) +
                    "', not the handle's label " + std::to_string(handle.label));
    if (set == handle.label) return m.attribute(rec, m.labels[set].attributes[handle.index], false, "attribute value");
    // A vertex of several labels: the attribute's place in the union layout, found by name.
    const LabelInfo& layout = m.layout(set);
    const std::string_view name = m.labels[handle.label].attributes[handle.index].name;
    return m.attribute(rec, layout.attributes[*layout.find(name)], false, "attribute value");
}

AttributeHandle File::attribute_handle(std::string_view label, std::string_view attribute) const {
    auto l = find_label(label);
    if (!l) throw Error(ErrorKind::misuse, "no label '" + std::string(label) + "'");
    auto a = impl_->labels[*l].find(attribute);
    if (!a) throw Error(ErrorKind::misuse, "label '" + std::string(label) + "' has no attribute '" + std::string(attribute) + "'");
    return {*l, *a};
}

Vertex::Slots Vertex::slots() const {
    const auto& m = file_->impl();
    Slots s;
    s.slot_offset = m.vertices.file_offset + m.table_head + uint64_t{index_} * m.slot_count * 8;
    s.node = m.slot(index_, m.node_slot);
    s.out = m.slot(index_, m.out_slot);
    if (m.in_slot >= 0) s.in = m.slot(index_, m.in_slot);
    return s;
}

void File::Impl::flat_entries(uint64_t index, Direction direction, uint64_t& first, uint64_t& count) const {
    const Runs& rs = runs(direction);
    const uint64_t at = format::kRunsHeadSize + index * rs.start_bytes;
    // open() checked that the section holds every start.
    const uint64_t a = rs.region.read_uint(at, rs.start_bytes, "start");
    const uint64_t b = rs.region.read_uint(at + rs.start_bytes, rs.start_bytes, "start");
    if (a > b || b > rs.capacity)
        rs.region.fail(at, "vertex " + std::to_string(index) + ": starts " + std::to_string(a) + " and " + std::to_string(b) +
                               " are out of order or past the run's room for " + std::to_string(rs.capacity) + " entries");
    first = a;
    count = b - a;
}

uint64_t File::Impl::run_entries(Direction direction) const {
    const Runs& rs = runs(direction);
    const uint64_t at = rs.run_at - rs.start_bytes;
    const uint64_t entries = rs.region.read_uint(at, rs.start_bytes, "last start");
    if (entries > rs.capacity)
        rs.region.fail(at, "last start " + std::to_string(entries) + " is past the run's room for " + std::to_string(rs.capacity) + " entries");
    return entries;
}

const Region* File::Impl::adjacency_record(uint32_t index, Direction direction, uint64_t& offset, bool& local, uint64_t& degree, uint64_t& first) const {
    int which = direction == Direction::out ? out_slot : in_slot;
    if (which < 0) throw Error(ErrorKind::misuse, path.string() + ": the file stores no in-edges");
    uint64_t value = slot(index, which);
    // §7.3: the runs section holds entries exactly for a flat slot. Held to that on every read,
    // so that a walk reading the starts alone (RunSource) gives what this gives where it succeeds.
    uint64_t count = 0;
    first = 0;
    if (runs_apart) flat_entries(index, direction, first, count);
    auto entries_disagree = [&](const char* what) {
        runs(direction).region.fail(format::kRunsHeadSize + uint64_t{index} * runs(direction).start_bytes,
                                    "vertex " + std::to_string(index) + ": " + std::to_string(count) + " entries in the runs section, " + what);
    };
    if (value == 0) {
        if (count != 0) entries_disagree("but no adjacency record");
        return nullptr;
    }
    const Region& r = domain(value, direction == Direction::out ? out_domain : in_domain,
                             direction == Direction::out ? "out_edges" : "in_edges", index, offset);
    if (value & format::kSlotTagMask & ~format::kSlotTagLocal)
        vertices.fail(table_head + (uint64_t{index} * slot_count + static_cast<uint64_t>(which)) * 8,
                      "vertex " + std::to_string(index) + ": " + (direction == Direction::out ? "out_edges" : "in_edges") +
                          " slot: reserved slot tag bit set");
    local = (value & format::kSlotTagLocal) != 0;
    if (!local && shard_count == 1) r.fail(offset, "grouped adjacency record in a single-shard file");
    if (local && runs_apart) {
        // The degree is the runs section's; the record (directory, ordinals) may be empty.
        if (offset > r.size) r.fail(offset, "vertex " + std::to_string(index) + ": record offset past the domain's end");
        if (count == 0) entries_disagree("for a flat record");
        degree = count;
        return &r;
    }
    if (count != 0) entries_disagree("for a grouped record");
    degree = r.read<uint32_t>(offset, "degree");
    if (degree == 0) r.fail(offset, "vertex " + std::to_string(index) + ": adjacency record with degree 0");
    return &r;
}

EdgeRange Vertex::edges(Direction direction) const {
    const auto& m = file_->impl();
    EdgeRange range;
    range.file_ = file_;
    range.direction_ = direction;
    uint64_t off = 0, degree = 0, first = 0;
    const Region* domain = m.adjacency_record(index_, direction, off, range.local_, degree, first);
    if (!domain) return range;
    const Region& r = *domain;
    range.count_ = degree;
    const format::RecordLayout record = m.record_layout(off, degree, range.local_, direction, first);
    range.directory_ = record.directory_entry_offset(0);
    if (!record.multi_type) {
        if (m.edge_types.empty()) r.fail(off, "adjacency record in a file without edge types");
        // Made in place: a copy of a block just written field by field waits for those stores.
        EdgeRange::Block& block = range.blocks_.emplace_back();
        static_cast<format::BlockLayout&>(block) = record.first_block(1, degree, 0, m.ordinals(0, direction));
        block.type = 0;
        return range;
    }
    const uint64_t blocks = r.read<uint32_t>(record.directory_offset(), "block count");
    if (blocks == 0 || blocks > degree || blocks > m.edge_types.size())
        r.fail(record.directory_offset(), "block count " + std::to_string(blocks) + " is inconsistent with degree " + std::to_string(degree));
    r.at(record.directory_entry_offset(0), blocks * 8, "block directory");
    uint64_t total = 0;
    int64_t previous = -1;
    format::BlockLayout layout;
    for (uint64_t b = 0; b < blocks; ++b) {
        const uint64_t entry_at = record.directory_entry_offset(b);
        const File::Impl::DirectoryEntry entry = m.directory_entry(r, entry_at);
        const format::Ordinals ordinals = m.ordinals(entry.type, direction);
        layout = b == 0 ? record.first_block(blocks, entry.count, entry.groups, ordinals) : layout.next(entry.count, entry.groups, ordinals);
        if (entry.type >= m.edge_types.size() || static_cast<int64_t>(entry.type) <= previous || entry.count == 0)
            r.fail(entry_at, "block " + std::to_string(b) + ": edge type " + std::to_string(entry.type) + " with " +
                                 std::to_string(entry.count) + " edges is out of order or invalid");
        if (range.local_ != (entry.groups == 0) || (!range.local_ && entry.groups > entry.count))
            r.fail(entry_at, "block " + std::to_string(b) + ": group count " + std::to_string(entry.groups) + " does not match the record's form");
        previous = entry.type;
        total += entry.count;
        EdgeRange::Block& block = range.blocks_.emplace_back();
        static_cast<format::BlockLayout&>(block) = layout;
        block.type = entry.type;
    }
    if (total != degree) r.fail(off, "block counts add up to " + std::to_string(total) + ", degree says " + std::to_string(degree));
    return range;
}

EdgeRange Vertex::edges(Direction direction, uint32_t edge_type) const {
    EdgeRange all = edges(direction);
    EdgeRange one = all;
    one.blocks_.clear();
    one.count_ = 0;
    const auto blocks = all.blocks();
    for (uint32_t b = 0; b < blocks.size(); ++b)
        if (blocks[b].type == edge_type) {
            one.blocks_.push_back(blocks[b]);
            one.count_ = blocks[b].count;
            one.first_block_ = b;
        }
    return one;
}

uint64_t Vertex::degree(Direction direction) const {
    const auto& m = file_->impl();
    int which = direction == Direction::out ? m.out_slot : m.in_slot;
    if (which < 0) throw Error(ErrorKind::misuse, m.path.string() + ": the file stores no in-edges");
    uint64_t value = m.slot(index_, which);
    if (m.runs_apart) {
        // The two starts (§7.3), read directly: a lookup's degree pays for every instruction
        // (figure 10: find and degree took 48-49 ns through adjacency_record, 29-37 so). What
        // does not agree with the slot, or falls outside the run, goes to adjacency_record,
        // whose checks report it.
        const File::Impl::Runs& runs = m.runs(direction);
        const uint8_t* starts = runs.region.data + format::kRunsHeadSize;  // every vertex's lie inside (open)
        const uint64_t first = format::runs_start(starts, runs.start_bytes == 8, index_);
        const uint64_t end = format::runs_start(starts, runs.start_bytes == 8, uint64_t{index_} + 1);
        const uint64_t flat_tags = (value & ~format::kSlotOffsetMask) ^ format::kSlotTagLocal;
        const uint64_t domain = static_cast<uint64_t>(direction == Direction::out ? m.out_domain : m.in_domain);
        if (first <= end && end <= runs.capacity) {
            if (value == 0 && first == end) return 0;
            if (value != 0 && flat_tags == domain << format::kSlotDomainShift && first < end &&
                (value & format::kSlotOffsetMask) <= m.adjacency(direction).size)
                return end - first;
        }
        uint64_t off = 0, degree = 0, start = 0;
        bool local = false;
        m.adjacency_record(index_, direction, off, local, degree, start);
        return degree;
    }
    if (value == 0) return 0;
    uint64_t off = 0;
    const Region& r = m.domain(value, direction == Direction::out ? m.out_domain : m.in_domain,
                               direction == Direction::out ? "out_edges" : "in_edges", index_, off);
    return r.read<uint32_t>(off, "degree");
}

uint64_t Vertex::degree(Direction direction, uint32_t edge_type) const { return edges(direction, edge_type).size(); }

// ---- EdgeRange ------------------------------------------------------------------------------

EdgeRange::iterator EdgeRange::begin() const {
    iterator it;
    if (count_ == 0) return it;
    it.file_ = file_;
    it.remaining_ = count_;
    it.directory_ = directory_;
    it.block_index_ = first_block_;
    it.local_ = local_;
    it.edge_.direction = direction_;
    it.enter_block(blocks()[0]);
    return it;
}

Edge EdgeRange::at(uint64_t k) const {
    if (k >= count_)
        throw Error(ErrorKind::misuse, "edge " + std::to_string(k) + " out of range (" + std::to_string(count_) + " edges)");
    const auto& m = file_->impl();
    const Region& r = m.adjacency(direction_);
    for (const Block& b : blocks()) {
        if (k >= b.count) {
            k -= b.count;
            continue;
        }
        Edge e;
        e.type = b.type;
        e.direction = direction_;
        e.ordinal = b.ordinals == format::Ordinals::each    ? r.read<uint64_t>(b.ordinal_offset(k), "edge ordinal")
                    : b.ordinals == format::Ordinals::first ? r.read<uint64_t>(b.ordinal_offset(0), "first edge ordinal") + k
                                                            : k;
        if (b.flat) {
            const uint8_t* run = m.entries_region(b, direction_).at(b.entries_offset(), b.entry_bytes(), "adjacency entries");
            e.target = {m.shard_id, format::packed_entry(run, b.entry_bytes() / 4, b.first + k, b.entry_bits, m.entry_mask)};
            return e;
        }
        // Grouped: walk the groups up to entry k, with the checks of the iterator's walk.
        uint64_t at = b.entries_offset();
        int shard = -1;
        for (uint64_t i = 0;; ++i) {
            if (shard < 0) {
                shard = m.group_shard(r, at, shard);
                at += 4;
            }
            const uint32_t word = r.read<uint32_t>(at, "adjacency entry");
            if (i == k) {
                e.target = {static_cast<uint16_t>(shard), word & format::kLocalIndexMask};
                return e;
            }
            at += 4;
            if (word & format::kTerminatorBit) {
                shard = m.group_shard(r, at, shard);
                at += 4;
            }
        }
    }
    MMGRAPH_CHECK(false, "EdgeRange::at: block counts add up to the range's size");
    return {};
}

template <typename T>
uint32_t EdgeRange::decode_local_targets(std::span<T> out, T base) const {
    if (!local_)
        throw Error(ErrorKind::misuse, "local_targets: the range is a grouped record (edges into other shards); iterate it instead");
    if (out.size() < count_)
        throw Error(ErrorKind::misuse, "local_targets: room for " + std::to_string(out.size()) + " targets, the range has " +
                                           std::to_string(count_));
    if (count_ == 0) return 0;
    const auto& m = file_->impl();
    const Region& r = m.adjacency(direction_);
    uint32_t largest = 0;
    T* at = out.data();
    for (const Block& b : blocks()) {
        // What iterator::enter_block checks, in its order and words: the ordinals, then the run.
        if (b.ordinals == format::Ordinals::each) r.at(b.ordinal_offset(0), b.ordinal_bytes(), "edge ordinals");
        else if (b.ordinals == format::Ordinals::first) r.at(b.ordinal_offset(0), 8, "first edge ordinal");
        const uint64_t bytes = b.entry_bytes();
        const uint8_t* run = m.entries_region(b, direction_).at(b.entries_offset(), bytes, "adjacency entries");
        largest = std::max(largest, format::unpack_entries(run, bytes / 4, b.first, b.count, b.entry_bits, m.entry_mask, at, base));
        at += b.count;
    }
    return largest;
}

uint32_t EdgeRange::local_targets(std::span<uint32_t> out) const { return decode_local_targets<uint32_t>(out, 0); }

uint32_t EdgeRange::local_targets(std::span<int64_t> out, int64_t base) const { return decode_local_targets(out, base); }

void EdgeRange::iterator::enter_block(const Block& b) {
    const auto& m = file_->impl();
    const Region& r = m.adjacency(edge_.direction);
    block_ = b;
    block_left_ = b.count;
    block_pos_ = 0;
    data_ = r.data;
    edge_.type = b.type;
    // ordinals are meaningful only for types with properties
    ordinal_ = b.ordinals == format::Ordinals::each ? r.at(b.ordinal_offset(0), b.ordinal_bytes(), "edge ordinals") : nullptr;
    edge_.ordinal = ordinal_                                 ? format::load<uint64_t>(ordinal_)
                    : b.ordinals == format::Ordinals::first ? r.read<uint64_t>(b.ordinal_offset(0), "first edge ordinal")
                                                            : 0;
    cursor_ = b.entries_offset();
    if (local_) {
        // A flat block is one packed run: checked once here, so stepping through it reads the
        // mapping directly.
        const uint64_t bytes = b.entry_bytes();
        run_ = m.entries_region(b, edge_.direction).at(cursor_, bytes, "adjacency entries");
        run_words_ = bytes / 4;
        entry_bits_ = b.entry_bits;
        entry_mask_ = m.entry_mask;
        flat_count_ = b.first + b.count;  // entries are counted from the run's start (a packed record's blocks share it)
        flat_next_ = b.first + 1;
        shard_ = m.shard_id;
        set_target(shard_, format::packed_entry(run_, run_words_, b.first, entry_bits_, entry_mask_));
        return;
    }
    flat_count_ = 0;
    shard_ = m.group_shard(r, cursor_, -1);
    cursor_ += 4;
    r.at(cursor_, 4, "adjacency entry");
    load();
}

// The entry at cursor_ and the ordinals were bounds-checked by enter_block or by step() before
// the cursor got here.
void EdgeRange::iterator::load() {
    entry_ = data_ + cursor_;
    uint32_t word = format::load<uint32_t>(entry_);
    set_target(shard_, word & format::kLocalIndexMask);
    const bool each = block_.ordinals == format::Ordinals::each;
    ordinal_ = each ? data_ + block_.ordinal_offset(block_pos_) : nullptr;
    edge_.ordinal = each ? format::load<uint64_t>(ordinal_) : edge_.ordinal + (block_pos_ ? 1 : 0);
}

// Called by operator++ with remaining_ already decremented. Past a block's end the next block
// is read from the record's block directory, which Vertex::edges checked: only multi-type
// records have more than one block, and a range of one type ends with its block.
void EdgeRange::iterator::step() {
    if (remaining_ == 0) return;  // the end: iterators compare by remaining_ alone
    const auto& m = file_->impl();
    const Region& r = m.adjacency(edge_.direction);
    auto next_block = [&] {
        ++block_index_;
        const File::Impl::DirectoryEntry entry = m.directory_entry(r, directory_ + 8 * block_index_);
        Block next;
        static_cast<format::BlockLayout&>(next) = block_.next(entry.count, entry.groups, m.ordinals(entry.type, edge_.direction));
        next.type = entry.type;
        enter_block(next);
    };
    if (local_) {  // the end of a flat block
        next_block();
        return;
    }
    uint32_t word = format::load<uint32_t>(entry_);  // the current entry, checked before load() read it
    bool terminator = (word & format::kTerminatorBit) != 0;
    --block_left_;
    ++block_pos_;
    cursor_ += 4;
    if (block_left_ == 0) {
        if (!terminator) r.fail(cursor_ - 4, "last entry of a group lacks the terminator bit");
        next_block();
        return;
    }
    if (terminator) {
        shard_ = m.group_shard(r, cursor_, shard_);
        cursor_ += 4;
    }
    r.at(cursor_, 4, "adjacency entry");
    load();
}

}  // namespace mmgraph
