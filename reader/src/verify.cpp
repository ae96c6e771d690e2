// verify(): the deep check of spec §12. Open checked the header, directory and small tables;
// this adds every checksum, every vertex record, offset, value, adjacency list and terminator,
// the counts against the tables, and the key index against the keys. O(file size).
#include <algorithm>
#include <cstring>
#include <vector>

#include "internal.hpp"
#include "mmgraph/format/hash.hpp"

namespace mmgraph {

using detail::hex;
using detail::Region;

namespace {

void check_value(const File::Impl& m, const ValueRef& v, const AttributeInfo& a, const Region& r, const std::string& where) {
    if (v.is_null()) return;
    uint8_t code = format::element_code(a.type.byte);
    auto bytes = v.as_bytes();
    if (code == static_cast<uint8_t>(TypeCode::boolean)) {
        for (uint8_t b : bytes)
            if (b > 1) r.fail(static_cast<uint64_t>(bytes.data() - r.data), where + ": bool byte " + hex(b) + " is not 0 or 1");
    }
    if (code == static_cast<uint8_t>(TypeCode::vertex_ref)) {
        for (size_t i = 0; i + format::kVertexRefSize <= bytes.size(); i += format::kVertexRefSize) {
            uint64_t ref = format::load_u48(bytes.data() + i);
            uint64_t shard = ref >> format::kRefShardShift;
            if ((ref & format::kTerminatorBit) || shard >= m.shard_count ||
                (shard == m.shard_id && (ref & format::kLocalIndexMask) >= m.vertex_count))
                r.fail(static_cast<uint64_t>(bytes.data() + i - r.data), where + ": vertex reference " + hex(ref) + " names no vertex");
        }
    }
}

}  // namespace

void File::verify() const {
    const Impl& m = *impl_;
    const std::string file = m.path.string() + ": ";

    // §2.3: reserved bytes and flags must be zero in files of this minor version.
    if (m.minor <= format::kVersionMinor) {
        for (size_t i = format::header::kReservedOff; i < format::header::kHeaderHashOff; ++i)
            if (m.data[i] != 0) throw Error(file + "header: reserved byte at offset " + hex(i) + " is not zero");
        if (m.flags & ~format::kKnownFlags) throw Error(file + "header: unknown flags " + hex(m.flags));
    }
    for (size_t i = 0; i < m.sections.size(); ++i) {
        const SectionInfo& s = m.sections[i];
        if (format::checksum(m.data + s.offset, s.length) != s.checksum)
            throw Error(file + "section " + std::to_string(i) + " (" + std::string(s.name()) + ", file offset " + hex(s.offset) +
                        ", " + std::to_string(s.length) + " bytes): checksum mismatch");
    }

    const bool multi = m.edge_types.size() > 1;
    std::vector<uint64_t> label_counts(m.labels.size()), type_counts(m.node_types.size()), edge_type_counts(m.edge_types.size());
    std::vector<uint64_t> rows_seen(m.prop_tables.size(), 0);
    uint64_t out_total = 0, in_total = 0;
    uint64_t node_end = 0;
    for (uint64_t i = 0; i < m.vertex_count; ++i) {
        Vertex v(this, static_cast<uint32_t>(i));
        const std::string where = "vertex " + std::to_string(i);
        uint32_t type = 0;
        RecordView rec = m.node_record(static_cast<uint32_t>(i), type);
        uint64_t record_start = rec.nulls - m.id_width;
        if (record_start % format::kRecordAlign != 0) m.nodes.fail(record_start, where + ": node record is not 4-byte aligned");
        if (record_start < node_end) m.nodes.fail(record_start, where + ": node record overlaps the previous vertex's record");
        ++type_counts[type];
        const LabelInfo& label = m.labels[m.node_types[type].label];
        ++label_counts[m.node_types[type].label];
        // Null bits past the nullable attributes must be zero; null fixed values are zero bytes.
        uint64_t var_end = rec.var_base + 1;
        for (uint32_t a = 0; a < label.attributes.size(); ++a) {
            const AttributeInfo& attr = label.attributes[a];
            ValueRef value = m.attribute(rec, attr, false, "attribute value");
            check_value(m, value, attr, m.nodes, where + " attribute '" + std::string(attr.name) + "'");
            if (!attr.type.is_fixed() && !value.is_null() && value.list_size() > 0)
                var_end = std::max<uint64_t>(var_end, static_cast<uint64_t>(value.as_bytes().data() - m.nodes.data) + value.as_bytes().size());
        }
        Key key = v.key();
        if (auto* s = std::get_if<std::string_view>(&key); s && !s->empty())
            var_end = std::max<uint64_t>(var_end, static_cast<uint64_t>(reinterpret_cast<const uint8_t*>(s->data()) - m.nodes.data) + s->size());
        node_end = var_end;
        auto found = m.lookup(key);
        if (!found || *found != i)
            m.key_index.fail(m.entries_at, where + ": key '" + key_to_string(key) + "' does not lead back to the vertex through the key index");

        for (Direction dir : {Direction::out, Direction::in}) {
            if (dir == Direction::in && m.in_slot < 0) continue;
            const Region& r = dir == Direction::out ? m.out : m.in;
            EdgeRange edges = v.edges(dir);
            uint64_t n = 0;
            for (auto it = edges.begin(); it != edges.end(); ++it) {
                const Edge& e = *it;
                ++n;
                if (e.target.shard == m.shard_id && e.target.index >= m.vertex_count)
                    r.fail(0, where + ": " + (dir == Direction::out ? "out" : "in") + "-edge " + std::to_string(n - 1) + " targets vertex " +
                                  std::to_string(e.target.index) + " >= " + std::to_string(m.vertex_count));
                bool props = !m.edge_types[e.type].attributes.empty();
                if (props && (dir == Direction::out || e.target.shard == m.shard_id)) {
                    const PropTableInfo& t = m.prop_tables[static_cast<size_t>(m.prop_table_of[e.type])];
                    if (e.ordinal >= t.rows)
                        r.fail(0, where + ": edge ordinal " + std::to_string(e.ordinal) + " >= " + std::to_string(t.rows) + " rows");
                    if (dir == Direction::out) ++rows_seen[static_cast<size_t>(m.prop_table_of[e.type])];
                }
                if (dir == Direction::out) ++edge_type_counts[e.type];
            }
            if (n != edges.size()) r.fail(0, where + ": adjacency record holds " + std::to_string(n) + " entries, degree says " + std::to_string(edges.size()));
            // Flat lists: only the last entry of each block carries the terminator (§7).
            uint64_t value = dir == Direction::out ? v.slots().out : v.slots().in;
            if (value & format::kSlotTagLocal) {
                uint64_t off = value & format::kSlotOffsetMask;
                uint64_t blocks = multi ? r.read<uint32_t>(off + 4, "block count") : 1;
                uint64_t at = off + 4 + (multi ? 4 + 8 * blocks : 0);
                for (uint64_t b = 0; b < blocks; ++b) {
                    uint32_t t = multi ? (r.read<uint32_t>(off + 8 + 8 * b, "block type") & format::kBlockTypeMask) : 0;
                    uint64_t count = multi ? r.read<uint32_t>(off + 12 + 8 * b, "block count") : edges.size();
                    if (!m.edge_types[t].attributes.empty()) at += dir == Direction::out ? 8 : 8 * count;
                    for (uint64_t k = 0; k < count; ++k, at += 4) {
                        bool terminator = r.read<uint32_t>(at, "adjacency entry") & format::kTerminatorBit;
                        if (terminator != (k + 1 == count))
                            r.fail(at, where + ": terminator bit " + (terminator ? "set inside" : "missing at the end of") + " a list");
                    }
                }
            }
            (dir == Direction::out ? out_total : in_total) += n;
        }
    }
    if (out_total != m.edge_count)
        throw Error(file + "out-adjacency holds " + std::to_string(out_total) + " edges, header says " + std::to_string(m.edge_count));
    if (m.shard_count == 1 && m.in_slot >= 0 && in_total != out_total)
        throw Error(file + "in-adjacency holds " + std::to_string(in_total) + " edges, out-adjacency " + std::to_string(out_total));
    for (size_t t = 0; t < m.node_types.size(); ++t)
        if (type_counts[t] != m.node_types[t].vertices)
            m.node_types_region.fail(0, "node type " + std::to_string(t) + " declares " + std::to_string(m.node_types[t].vertices) +
                                            " vertices, " + std::to_string(type_counts[t]) + " use it");
    for (size_t l = 0; l < m.labels.size(); ++l)
        if (label_counts[l] != m.labels[l].count)
            m.schema.fail(0, "label '" + std::string(m.labels[l].name) + "' declares " + std::to_string(m.labels[l].count) +
                                 " vertices, " + std::to_string(label_counts[l]) + " have it");
    for (size_t t = 0; t < m.edge_types.size(); ++t)
        if (edge_type_counts[t] != m.edge_types[t].count)
            m.schema.fail(0, "edge type '" + std::string(m.edge_types[t].name) + "' declares " + std::to_string(m.edge_types[t].count) +
                                 " edges, " + std::to_string(edge_type_counts[t]) + " stored");

    // §8.2: every row decodes and each is owned by exactly one out-edge.
    for (size_t ti = 0; ti < m.prop_tables.size(); ++ti) {
        const PropTableInfo& t = m.prop_tables[ti];
        if (rows_seen[ti] != t.rows)
            t.region.fail(8, std::to_string(t.rows) + " property rows, " + std::to_string(rows_seen[ti]) + " out-edges of the type");
        const LabelInfo& et = m.edge_types[t.type];
        for (uint64_t row = 0; row < t.rows; ++row) {
            RecordView rec = m.prop_row(t.type, row);
            for (const AttributeInfo& a : et.attributes)
                check_value(m, m.attribute(rec, a, false, "edge property"), a, t.region,
                            "edge property row " + std::to_string(row) + " '" + std::string(a.name) + "'");
        }
    }

    // §8.1: buckets ascend to n; each entry's fingerprint and bucket match its vertex's key.
    const uint64_t buckets = uint64_t{1} << m.bucket_bits;
    uint64_t previous = 0;
    for (uint64_t b = 0; b <= buckets; ++b) {
        uint64_t start = m.key_index.read<uint32_t>(m.buckets_at + 4 * b, "bucket start");
        if (start < previous || start > m.key_entries || (b == 0 && start != 0) || (b == buckets && start != m.key_entries))
            m.key_index.fail(m.buckets_at + 4 * b, "bucket " + std::to_string(b) + " start " + std::to_string(start) + " is out of order");
        for (uint64_t i = previous; i < start; ++i) {
            uint64_t at = m.entries_at + i * format::kKeyEntrySize;
            uint32_t local = m.key_index.read<uint32_t>(at + 4, "key entry index");
            if (local >= m.vertex_count) m.key_index.fail(at + 4, "key entry names vertex " + std::to_string(local));
            Key key = m.key(local);
            uint64_t hash = std::holds_alternative<int64_t>(key) ? format::key_hash(std::get<int64_t>(key))
                                                                  : format::key_hash(std::get<std::string_view>(key));
            if (static_cast<uint32_t>(hash) != m.key_index.read<uint32_t>(at, "key fingerprint") ||
                format::key_bucket(hash, m.bucket_bits) != b - 1)
                m.key_index.fail(at, "key entry " + std::to_string(i) + " is in the wrong bucket or has a wrong fingerprint");
            if (m.shard_count > 1 && hash % m.shard_count != m.shard_id)
                m.key_index.fail(at, "vertex " + std::to_string(local) + " belongs to shard " + std::to_string(hash % m.shard_count));
        }
        previous = start;
    }
}

}  // namespace mmgraph
