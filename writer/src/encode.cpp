// Encoding (DESIGN "encode in parallel"): each task fills exactly the byte range the plan gave
// it through a SectionWriter, on a fixed number of threads. Then checksums, directory and header, flush
// and rename. Byte positions come only from the plan, so the thread count cannot change a byte.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "adjacency_window.hpp"
#include "internal.hpp"
#include "mmgraph/format/temporal.hpp"
#include "mmgraph/format/packed.hpp"
#include "mmgraph/detail/section_writer.hpp"
#include "mmgraph/format/hash.hpp"
#include "mmgraph/parallel/ordered_pipeline.hpp"
#include "output_file.hpp"
#include "shard_file.hpp"

namespace mmgraph {

using detail::kAbsent;
using detail::SectionWriter;
using detail::ShardPlan;
using format::SectionKind;

namespace {

constexpr uint64_t kVerticesPerTask = 1u << 14;

uint64_t ref48(uint16_t shard, uint32_t local) { return (uint64_t{shard} << format::kRefShardShift) | local; }

// Writes the null bitmap, the packed fixed part and collects pointers to staged variable
// values, for a node record or an edge property row (§6.1, §8.2).
struct RecordParts {
    std::vector<uint8_t> nulls, fixed;
    std::vector<const uint8_t*> var;  // staged value (VLQ + payload) per table entry, or null
};

// One edge property row of a plain fixed shape (Shape::is_plain_fixed): the null bitmap and the
// staged values copied to their slots.
void put_plain_fixed_row(const detail::Shape& shape, const uint8_t* staged, uint8_t* row, uint32_t row_size) {
    std::memset(row, 0, row_size);
    uint8_t* fixed = row + shape.null_bytes;
    for (uint32_t i = 0; i < shape.attributes.size(); ++i) {
        const uint32_t size = format::scalar_size(shape.attributes[i].type.byte);
        if (*staged++) {
            std::memcpy(fixed + shape.slot[i], staged, size);
            staged += size;
        } else if (const int32_t bit = shape.null_bit[i]; bit >= 0) {
            row[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
        }
    }
}

}  // namespace

uint32_t Writer::Impl::resolve_ref_key(const uint8_t*& p) const {
    const auto [space, k] = detail::read_staged_key(p, options.key_type);
    auto v = lookup(k, hash_key(k, space), space);
    MMGRAPH_CHECK(v.has_value(), "vertex reference unresolved after plan");
    return *v;
}

namespace {

// Encodes one shard file, a section at a time (spec section numbers on each add_*): each add_*
// queues the tasks of one section, each task fills the byte range the plan gave it. The staged
// graph is read only, except `ordinal`, which the out-adjacency tasks fill for a table whose
// rows they write (PropTable::rows_from_windows).
class ShardEncoder {
public:
    ShardEncoder(const Writer::Impl& graph, std::vector<uint32_t>& ordinal, ShardPlan& plan, detail::OutputFile& output)
        : g_(graph), ordinal_(ordinal), p_(plan), output_(output), file_(output.data()), n_(plan.members.size()), plain_spill_(graph.edges->all_plain()) {}

    void run(unsigned threads) {
        add_strings();
        add_schema();
        add_node_types();
        if (!p_.label_sets.empty()) add_label_sets();
        if (!g_.id_spaces.empty()) add_id_spaces();
        add_vertices();
        add_nodes();
        add_runs_starts(Direction::out);
        add_adjacency(Direction::out);
        if (g_.options.store_in_edges) {
            add_runs_starts(Direction::in);
            // In-lists name each edge's ordinal; with rows written from the out windows, those
            // are known once every out task has run.
            if (rows_from_windows()) parallel::run_all(tasks_, threads);
            add_adjacency(Direction::in);
        }
        add_edge_props();
        add_key_table();
        parallel::run_all(tasks_, threads);
        write_run_edges(Direction::out);
        if (g_.options.store_in_edges) write_run_edges(Direction::in);
        zero_gaps();
        add_checksums();
        parallel::run_all(tasks_, threads);
    }

private:
    uint8_t* base_of(SectionKind kind) const { return file_ + p_.sections[p_.section_index(kind)].offset; }
    uint64_t length_of(SectionKind kind) const { return p_.sections[p_.section_index(kind)].length; }
    // Property rows that follow the out-lists are written with them (PropTable::rows_from_windows).
    bool rows_from_windows() const { return !p_.prop_tables.empty() && p_.prop_tables.front().rows_from_windows; }
    // Each bulk task hands its finished bytes back to the page cache (see OutputFile::release):
    // the writer's resident memory then holds a few tasks' output, not the whole file.
    void release(const uint8_t* base, uint64_t begin, uint64_t end, bool written = true) const {
        output_.release(static_cast<uint64_t>(base - file_) + begin, end - begin, written);
    }
    // Where an adjacency window's records, or the property rows written with its out-lists,
    // are encoded: bytes [begin, end) of the section at `base` go to a buffer of the task's
    // thread, which done_window() writes into the file at once (OutputFile::write). The buffer's
    // pages are warm from the thread's previous window, where each page of the output first
    // touched through the mapping is zeroed by the kernel before being overwritten: s22 edge
    // list, encode 1.65-1.86 -> 1.19-1.24 s. (The vertex table, nodes and key table measured no
    // faster written so, and stay mapped.) A range larger than kWindowBufferBytes (a hub's list)
    // is encoded in the mapping, so that no buffer grows with it.
    static constexpr uint64_t kWindowBufferBytes = 64u << 20;
    uint8_t* window_bytes(uint8_t* base, uint64_t begin, uint64_t end) const {
        if (end - begin > kWindowBufferBytes) return base + begin;
        thread_local std::vector<uint8_t> buffer;
        if (buffer.size() < end - begin) buffer.resize(end - begin);
        return buffer.data();
    }
    void done_window(uint8_t* base, uint64_t begin, uint64_t end, const uint8_t* bytes) const {
        if (bytes == base + begin) release(base, begin, end);
        else output_.write(static_cast<uint64_t>(base - file_) + begin, bytes, end - begin);
    }
    uint64_t ref_of(uint32_t vertex) const { return ref48(g_.vertex_shard[vertex], g_.vertex_local[vertex]); }

    void add_strings();
    void add_schema();
    void add_node_types();
    void add_label_sets();
    void add_id_spaces();
    void add_vertices();
    void encode_vertex_slots(uint64_t first, uint64_t last, uint64_t table_head) const;
    void add_nodes();
    void encode_nodes(uint64_t first, uint64_t last) const;
    void add_adjacency(Direction dir);
    void add_runs_starts(Direction dir);
    void encode_adjacency_window(Direction dir, size_t window_index);
    void put_run_entries(Direction dir, size_t window_index, uint64_t first_entry, std::span<const uint32_t> entries);
    void write_run_edges(Direction dir) const;
    // File offset of `dir`'s run, after its runs section's head and starts (§7.3).
    uint64_t run_offset(Direction dir) const {
        const ShardPlan::Adjacency& a = dir == Direction::out ? p_.out : p_.in;
        const SectionKind kind = dir == Direction::out ? SectionKind::out_runs : SectionKind::in_runs;
        return p_.sections[p_.section_index(kind)].offset + format::runs_run_offset(n_, format::runs_start_bytes(a.start.back()));
    }
    // The first and last word of each adjacency window's stretch of its direction's run: a word
    // there may hold entries of the windows before or after it too, so each window leaves its
    // bits of those two words here and write_run_edges merges them once every window has run.
    struct RunEdge {
        uint64_t word = ~uint64_t{0};  // index in the run; none by default
        uint32_t bits = 0;
    };
    std::array<std::vector<RunEdge>, 2> run_edges_;
    struct TypeBlock { uint16_t type; uint32_t groups; uint64_t begin, end; };  // a block of a list: its edges [begin, end)
    void put_adjacency_record(SectionWriter& w, Direction dir, std::span<const detail::SpilledEdge> list, bool local,
                              std::span<const TypeBlock> blocks, const uint32_t* in_ordinals) const;
    void put_plain_record(SectionWriter& w, std::span<const uint32_t> others) const;
    void put_directory(SectionWriter& w, std::span<const TypeBlock> blocks) const;
    void put_window_rows(const ShardPlan::PropTable& table, const detail::AdjacencyWindow& window, uint64_t first_row,
                         uint8_t* base) const;
    void add_edge_props();
    void encode_prop_rows(const ShardPlan::PropTable& table, uint8_t* base, uint64_t first, uint64_t last) const;
    void add_key_table();
    void zero_gaps() const;
    void add_checksums();
    void gather(const detail::Shape& shape, const uint8_t* staged, RecordParts& parts) const;
    void put_value(SectionWriter& w, uint8_t type, const uint8_t* v, uint32_t size) const;
    void put_datetime(uint8_t* out, const uint8_t* staged) const;

    const Writer::Impl& g_;
    std::vector<uint32_t>& ordinal_;
    ShardPlan& p_;
    detail::OutputFile& output_;
    uint8_t* const file_;
    const uint64_t n_;  // vertices in the shard
    const bool plain_spill_;  // every staged edge plain (EdgeSpill::all_plain): asked once, not per window
    std::vector<std::function<void()>> tasks_;
};

// Gathers fixed values and variable-value pointers of one staged item.
void ShardEncoder::gather(const detail::Shape& shape, const uint8_t* staged, RecordParts& parts) const {
    parts.nulls.assign(shape.null_bytes, 0);
    parts.fixed.assign(shape.fixed_size, 0);
    parts.var.assign(shape.var_count, nullptr);
    detail::walk_staged(shape.attributes, g_.staged_refs(), staged, [&](uint32_t i, bool present, const uint8_t* v) {
        uint8_t type = shape.attributes[i].type.byte;
        uint32_t slot = shape.slot[i];
        if (!format::is_fixed(type)) {
            if (present) parts.var[slot] = v;
            return;
        }
        if (!present) {
            int32_t bit = shape.null_bit[i];
            if (bit >= 0) parts.nulls[static_cast<uint32_t>(bit) / 8] |= static_cast<uint8_t>(1u << (bit % 8));
            return;
        }
        if (format::element_code(type) == static_cast<uint8_t>(TypeCode::vertex_ref) && !g_.refs_resolved()) {
            format::store_u48(&parts.fixed[slot], ref_of(g_.resolve_ref_key(v)));
        } else if (type == static_cast<uint8_t>(TypeCode::datetime)) {
            put_datetime(&parts.fixed[slot], v);
        } else {
            std::memcpy(&parts.fixed[slot], v, format::scalar_size(type));
        }
    });
}

// A staged datetime holds its zone's number in the writer (0 = none); the file holds the zone
// name's string id + 1 (§4.3), and the names follow the schema's in this shard's table.
void ShardEncoder::put_datetime(uint8_t* out, const uint8_t* staged) const {
    format::DateTime t = format::decode_datetime(staged);
    if (t.zone != 0) t.zone += p_.zone_base;
    format::encode(t, out);
}

// A staged variable value is already VLQ + payload, except vertex references staged as keys
// and datetime lists, whose zones are numbered as put_datetime says.
void ShardEncoder::put_value(SectionWriter& w, uint8_t type, const uint8_t* v, uint32_t size) const {
    if (type == (format::kListBit | static_cast<uint8_t>(TypeCode::datetime))) {
        uint64_t count = 0;
        v += format::vlq_decode(v, format::kMaxVlqBytes, count);
        w.put_vlq(count);
        constexpr unsigned kSize = format::scalar_size(static_cast<uint8_t>(TypeCode::datetime));
        for (uint64_t j = 0; j < count; ++j, v += kSize) {
            uint8_t item[kSize];
            put_datetime(item, v);
            w.put_bytes(item, kSize);
        }
        return;
    }
    if (format::element_code(type) != static_cast<uint8_t>(TypeCode::vertex_ref) || g_.refs_resolved()) {
        w.put_bytes(v, size);
        return;
    }
    uint64_t count = 0;
    v += format::vlq_decode(v, format::kMaxVlqBytes, count);
    w.put_vlq(count);
    for (uint64_t j = 0; j < count; ++j) w.put_u48(ref_of(g_.resolve_ref_key(v)));
}

// §4.1 strings
void ShardEncoder::add_strings() {
    tasks_.push_back([this, base = base_of(SectionKind::strings), len = length_of(SectionKind::strings)] {
        SectionWriter w(base, 0, len, "strings");
        w.put<uint32_t>(static_cast<uint32_t>(p_.strings.size()));
        w.put<uint32_t>(0);
        uint32_t at = 0;
        w.put<uint32_t>(0);
        for (const auto& s : p_.strings) w.put<uint32_t>(at += static_cast<uint32_t>(s.size()));
        for (const auto& s : p_.strings) w.put_bytes(s.data(), s.size());
        w.finish();
    });
}

// §4.2 schema
void ShardEncoder::add_schema() {
    tasks_.push_back([this, base = base_of(SectionKind::schema), len = length_of(SectionKind::schema)] {
        SectionWriter w(base, 0, len, "schema");
        w.put<uint32_t>(static_cast<uint32_t>(g_.options.key_type));
        w.put<uint32_t>(static_cast<uint32_t>(g_.labels.size()));
        w.put<uint32_t>(static_cast<uint32_t>(g_.edge_types.size()));
        w.put<uint32_t>(0);
        auto entry = [&](const detail::Shape& shape, uint64_t count) {
            w.put<uint32_t>(p_.string_ids.at(shape.name));
            w.put<uint32_t>(static_cast<uint32_t>(shape.attributes.size()));
            w.put<uint64_t>(count);
            for (const auto& a : shape.attributes) {
                w.put<uint32_t>(p_.string_ids.at(a.name));
                w.put<uint8_t>(a.type.byte);
                w.put<uint8_t>(a.nullable ? format::kAttrNullable : 0);
                w.put<uint16_t>(0);
            }
        };
        for (size_t i = 0; i < g_.labels.size(); ++i) entry(g_.labels[i], p_.label_counts[i]);
        for (size_t i = 0; i < g_.edge_types.size(); ++i) entry(g_.edge_types[i], p_.edge_type_counts[i]);
        w.finish();
    });
}

// §6.3 node types
void ShardEncoder::add_node_types() {
    tasks_.push_back([this, base = base_of(SectionKind::node_types), len = length_of(SectionKind::node_types)] {
        SectionWriter w(base, 0, len, "node_types");
        w.put<uint32_t>(static_cast<uint32_t>(p_.node_types.size()));
        w.put<uint8_t>(static_cast<uint8_t>(p_.id_width));
        w.zeros(3);
        for (const auto& nt : p_.node_types) {
            w.put<uint32_t>(nt.label);
            w.put<uint64_t>(nt.vertices);
            w.put_bytes(nt.widths.data(), nt.widths.size());
            w.pad_to(4);
        }
        w.finish();
    });
}

// §6.6 label sets
void ShardEncoder::add_label_sets() {
    tasks_.push_back([this, base = base_of(SectionKind::label_sets), len = length_of(SectionKind::label_sets)] {
        SectionWriter w(base, 0, len, "label_sets");
        w.put<uint32_t>(static_cast<uint32_t>(p_.label_sets.size()));
        w.put<uint32_t>(0);
        for (const auto& set : p_.label_sets) {
            w.put<uint32_t>(static_cast<uint32_t>(set.size()));
            for (uint32_t label : set) w.put<uint16_t>(static_cast<uint16_t>(label));
            w.pad_to(4);
        }
        w.finish();
    });
}

// §8.3 ID spaces
void ShardEncoder::add_id_spaces() {
    tasks_.push_back([this, base = base_of(SectionKind::id_spaces), len = length_of(SectionKind::id_spaces)] {
        SectionWriter w(base, 0, len, "id_spaces");
        w.put<uint32_t>(static_cast<uint32_t>(g_.id_spaces.size()));
        w.put<uint32_t>(0);
        for (const std::string& name : g_.id_spaces) w.put<uint32_t>(p_.string_ids.at(name));
        for (const auto& nt : p_.node_types) w.put<uint16_t>(nt.space);
        w.finish();
    });
}

// §5.1 vertex table: its head, then the slots of kVerticesPerTask vertices per task.
void ShardEncoder::add_vertices() {
    const uint64_t table_head = format::align_up(8 + 2 * p_.slot_count, 8);
    tasks_.push_back([this, table_head] {
        SectionWriter w(base_of(SectionKind::vertices), 0, table_head, "vertices head");
        w.put<uint32_t>(p_.slot_count);
        w.put<uint32_t>(0);
        w.put<uint16_t>(static_cast<uint16_t>(SectionKind::nodes));
        w.put<uint16_t>(static_cast<uint16_t>(SectionKind::out_edges));
        if (g_.options.store_in_edges) w.put<uint16_t>(static_cast<uint16_t>(SectionKind::in_edges));
        if (g_.options.key_type == KeyType::int64) w.put<uint16_t>(format::kKeyRole);
        w.pad_to(8);
        w.finish();
    });
    for (uint64_t first = 0; first < n_; first += kVerticesPerTask)
        tasks_.push_back([this, first, last = std::min(n_, first + kVerticesPerTask), table_head] {
            encode_vertex_slots(first, last, table_head);
        });
}

void ShardEncoder::encode_vertex_slots(uint64_t first, uint64_t last, uint64_t table_head) const {
    const uint64_t node_domain = p_.section_index(SectionKind::nodes);
    const uint64_t out_domain = p_.section_index(SectionKind::out_edges);
    const uint64_t in_domain = g_.options.store_in_edges ? p_.section_index(SectionKind::in_edges) : 0;
    const bool int64_keys = g_.options.key_type == KeyType::int64;
    auto adjacency_slot = [](const ShardPlan::Adjacency& a, uint64_t domain, uint64_t l) -> uint64_t {
        // No edges: neither a record (a flat one may be empty) nor entries in the runs section.
        if (a.offset[l] == a.offset[l + 1] && a.start[l] == a.start[l + 1]) return 0;
        return (domain << format::kSlotDomainShift) | a.offset[l] | (a.local[l] ? format::kSlotTagLocal : 0);
    };
    uint8_t* base = base_of(SectionKind::vertices);
    const uint64_t stride = p_.slot_count * 8;
    SectionWriter w(base, table_head + first * stride, table_head + last * stride, "vertices");
    for (uint64_t l = first; l < last; ++l) {
        w.put<uint64_t>((node_domain << format::kSlotDomainShift) | p_.node_offset[l]);
        w.put<uint64_t>(adjacency_slot(p_.out, out_domain, l));
        if (g_.options.store_in_edges) w.put<uint64_t>(adjacency_slot(p_.in, in_domain, l));
        if (int64_keys) w.put<int64_t>(g_.int_keys[p_.members[l]]);
    }
    w.finish();
    release(base, table_head + first * stride, table_head + last * stride);
}

// §6 node records
void ShardEncoder::add_nodes() {
    for (uint64_t first = 0; first < n_; first += kVerticesPerTask)
        tasks_.push_back([this, first, last = std::min(n_, first + kVerticesPerTask)] { encode_nodes(first, last); });
}

void ShardEncoder::encode_nodes(uint64_t first, uint64_t last) const {
    uint8_t* base = base_of(SectionKind::nodes);
    SectionWriter w(base, p_.node_offset[first], p_.node_offset[last], "nodes");
    RecordParts parts;
    for (uint64_t l = first; l < last; ++l) {
        uint32_t g = p_.members[l];
        const detail::Shape& shape = g_.shape_of(g_.vertex_label[g]);
        const detail::NodeType& nt = p_.node_types[p_.node_type[l]];
        gather(shape, g_.vertex_values.item(g), parts);
        if (g_.options.key_type == KeyType::int64) format::store(parts.fixed.data(), g_.int_keys[g]);
        if (p_.id_width) w.put_uint(p_.node_type[l], p_.id_width);
        w.put_bytes(parts.nulls.data(), parts.nulls.size());
        w.put_bytes(parts.fixed.data(), parts.fixed.size());
        const uint32_t* sizes = g_.var_sizes.data() + g_.var_begin[g];
        uint64_t position = 0;
        for (uint32_t k = 0; k < shape.var_count; ++k) {
            uint64_t entry = sizes[k] == kAbsent ? 0 : position + 1;
            if (sizes[k] != kAbsent) position += sizes[k];
            w.put_uint(entry, nt.widths[k]);
        }
        for (uint32_t k = 0; k < shape.var_count; ++k) {
            if (sizes[k] == kAbsent) continue;
            if (k < shape.key_var) {
                const std::string_view key = g_.string_keys[g];
                w.put_vlq(key.size());
                w.put_bytes(key.data(), key.size());
                continue;
            }
            uint32_t attr = shape.var_attribute[k];
            put_value(w, shape.attributes[attr].type.byte, parts.var[k], sizes[k]);
        }
        w.pad_to(format::kRecordAlign);
    }
    w.finish();
    release(base, p_.node_offset[first], p_.node_offset[last]);
}

// The rows of a window's out-edges, which are rows [first_row, first_row + entries) in stored
// order, and their ordinals (which in-lists name and out-lists start from).
void ShardEncoder::put_window_rows(const ShardPlan::PropTable& table, const detail::AdjacencyWindow& window, uint64_t first_row,
                                   uint8_t* base) const {
    const detail::Shape& shape = g_.edge_types[table.type];
    const auto entries = window.entries();
    const uint64_t begin = format::kEdgePropsHeadSize + first_row * table.row_size, end = begin + entries.size() * table.row_size;
    uint8_t* const bytes = window_bytes(base, begin, end);
    SectionWriter rows(SectionWriter::Buffer{bytes}, begin, end, "edge_props rows");
    // Ids are in arrival order, entries in stored order: every read and write here is random,
    // so each is prefetched (the staged item's start, then its bytes once the start is in).
    for (size_t i = 0; i < entries.size(); ++i) {
        if (i + 32 < entries.size()) g_.edge_values.prefetch_start(g_.item_of(entries[i + 32].id));
        if (i + 16 < entries.size()) {
            __builtin_prefetch(g_.edge_values.item(g_.item_of(entries[i + 16].id)));
            __builtin_prefetch(&ordinal_[entries[i + 16].id], 1);
        }
        ordinal_[entries[i].id] = static_cast<uint32_t>(first_row + i);
        put_plain_fixed_row(shape, g_.edge_values.item(g_.item_of(entries[i].id)), rows.take(table.row_size), table.row_size);
    }
    rows.finish();
    done_window(base, begin, end, bytes);
}

// §7 adjacency records, a window of lists per task (see AdjacencyWindow).
void ShardEncoder::add_adjacency(Direction dir) {
    const ShardPlan::Adjacency& a = dir == Direction::out ? p_.out : p_.in;
    run_edges_[dir == Direction::in].assign(2 * (a.windows.size() - 1), RunEdge{});
    for (size_t w = 0; w + 1 < a.windows.size(); ++w)
        tasks_.push_back([this, dir, w] { encode_adjacency_window(dir, w); });
}

void ShardEncoder::encode_adjacency_window(Direction dir, size_t window_index) {
    const ShardPlan::Adjacency& a = dir == Direction::out ? p_.out : p_.in;
    uint8_t* base = base_of(dir == Direction::out ? SectionKind::out_edges : SectionKind::in_edges);
    const char* what = dir == Direction::out ? "out_edges" : "in_edges";
    const uint32_t first = a.windows[window_index], last = a.windows[window_index + 1];
    detail::AdjacencyWindow window;
    // A graph of plain edges only (an edge list's) keeps each list as its other endpoints alone:
    // nothing below needs more of an entry.
    const bool rows_here = dir == Direction::out && rows_from_windows();
    const bool others_only = plain_spill_ && !rows_here && (dir == Direction::out || ordinal_.empty());
    window.load(*g_.edges, dir, p_.shard, p_.members, first, last, others_only);
    if (rows_here) {
        const ShardPlan::PropTable& table = p_.prop_tables.front();
        put_window_rows(table, window, table.window_rows[window_index], file_ + p_.sections[p_.prop_section_index(0)].offset);
    }
    // In-lists name each edge's row: gathered for the whole window first, with the random reads
    // of `ordinal` prefetched across lists (most lists are short).
    std::vector<uint32_t> in_ordinals;
    if (dir == Direction::in && !ordinal_.empty()) {
        const auto entries = window.entries();
        in_ordinals.resize(entries.size());
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i + 16 < entries.size() && entries[i + 16].id != detail::EdgeSpill::kNoId) __builtin_prefetch(&ordinal_[entries[i + 16].id]);
            if (entries[i].id != detail::EdgeSpill::kNoId && g_.edge_types[entries[i].type].has_properties())
                in_ordinals[i] = ordinal_[entries[i].id];
        }
    }
    const uint64_t begin = a.offset[first], end = a.offset[last];
    uint8_t* const bytes = window_bytes(base, begin, end);
    SectionWriter w(SectionWriter::Buffer{bytes}, begin, end, what);
    if (others_only) {
        for (uint32_t l = first; l < last; ++l)
            if (const auto others = window.others(l); !others.empty()) put_plain_record(w, others);
        w.finish();
        done_window(base, begin, end, bytes);
        // The window's lists lie one after another, as its entries do in the run (§7.3).
        put_run_entries(dir, window_index, a.start[first], window.all_others());
        return;
    }
    // The window's flat entries, in order: [a.start[first], a.start[last]) of the run (§7.3).
    thread_local std::vector<uint32_t> run;
    run.clear();
    std::vector<TypeBlock> blocks;
    for (uint32_t l = first; l < last; ++l) {
        const auto list = window.list(l);
        if (list.empty()) continue;
        const bool local = a.local[l];
        if (local)
            for (const detail::SpilledEdge& e : list) run.push_back(e.other_local);
        blocks.clear();
        for (uint64_t i = 0; i < list.size();) {
            const uint16_t t = list[i].type;
            TypeBlock block{t, 0, i, i};
            while (block.end < list.size() && list[block.end].type == t) {
                if (!local && (block.end == i || list[block.end].other_shard != list[block.end - 1].other_shard)) ++block.groups;
                ++block.end;
            }
            blocks.push_back(block);
            i = block.end;
        }
        const uint32_t* ordinals = in_ordinals.empty() ? nullptr : in_ordinals.data() + (list.data() - window.entries().data());
        put_adjacency_record(w, dir, list, local, blocks, ordinals);
    }
    w.finish();
    done_window(base, begin, end, bytes);
    put_run_entries(dir, window_index, a.start[first], run);
}

// §7.3: a runs section's head and starts, kVerticesPerTask starts per task; the run itself is
// written by the adjacency windows (put_run_entries).
void ShardEncoder::add_runs_starts(Direction dir) {
    const ShardPlan::Adjacency& a = dir == Direction::out ? p_.out : p_.in;
    const SectionKind kind = dir == Direction::out ? SectionKind::out_runs : SectionKind::in_runs;
    const uint32_t start_bytes = format::runs_start_bytes(a.start.back());
    uint8_t* base = base_of(kind);
    tasks_.push_back([base, start_bytes] {
        SectionWriter w(base, 0, format::kRunsHeadSize, "runs head");
        w.put<uint32_t>(start_bytes);
        w.put<uint32_t>(0);
        w.finish();
    });
    for (uint64_t first = 0; first <= n_; first += kVerticesPerTask)
        tasks_.push_back([this, &a, base, start_bytes, first, last = std::min(n_ + 1, first + kVerticesPerTask)] {
            const uint64_t begin = format::kRunsHeadSize + first * start_bytes, end = format::kRunsHeadSize + last * start_bytes;
            SectionWriter w(base, begin, end, "runs starts");
            for (uint64_t l = first; l < last; ++l) {
                if (start_bytes == 4) w.put<uint32_t>(static_cast<uint32_t>(a.start[l]));
                else w.put<uint64_t>(a.start[l]);
            }
            w.finish();
            release(base, begin, end);
        });
}

// A window's flat entries into its direction's run from entry `first_entry` on (§7.2, §7.3).
// Windows run on several threads and a word may hold entries of more than one window: the
// window's first and last words wait in run_edges_ for write_run_edges, the words between are
// whole and written at once, as the records are (not through the mapping, whose faults map
// whole folios: s22 edge list, 316 -> 680 MiB peak when the edge words were merged there).
void ShardEncoder::put_run_entries(Direction dir, size_t window_index, uint64_t first_entry, std::span<const uint32_t> entries) {
    if (entries.empty()) return;
    const unsigned bits = format::packed_entry_bits(n_);
    const uint64_t bit = first_entry * bits, first_word = bit / 32;
    const unsigned shift = static_cast<unsigned>(bit % 32);
    const uint64_t words = (shift + entries.size() * bits + 31) / 32;
    thread_local std::vector<uint32_t> packed;
    packed.resize(words);
    format::pack_entries(reinterpret_cast<uint8_t*>(packed.data()), entries.size(), bits, [&](uint64_t i) { return entries[i]; }, shift);
    RunEdge* edges = run_edges_[dir == Direction::in].data() + 2 * window_index;
    edges[0] = {first_word, packed[0]};
    if (words > 1) edges[1] = {first_word + words - 1, packed[words - 1]};
    if (words > 2) output_.write(run_offset(dir) + 4 * (first_word + 1), packed.data() + 1, 4 * (words - 2));
}

// The words that adjacency windows share (put_run_entries), each the OR of its windows' bits.
void ShardEncoder::write_run_edges(Direction dir) const {
    std::vector<RunEdge> edges;
    for (const RunEdge& e : run_edges_[dir == Direction::in])
        if (e.word != RunEdge{}.word) edges.push_back(e);
    std::sort(edges.begin(), edges.end(), [](const RunEdge& x, const RunEdge& y) { return x.word < y.word; });
    const uint64_t run = run_offset(dir);
    for (size_t i = 0; i < edges.size();) {
        uint32_t bits = 0;
        size_t j = i;
        for (; j < edges.size() && edges[j].word == edges[i].word; ++j) bits |= edges[j].bits;
        output_.write(run + 4 * edges[i].word, &bits, 4);
        i = j;
    }
}

// One record (§7, format/adjacency.hpp), in the order of its layout: a flat record is its
// directory and ordinals (its entries go to the runs section), a grouped one blocked (degree,
// directory, then per block its ordinals and its groups). `in_ordinals`: the list's edges' rows
// (in direction, when some type has properties).
void ShardEncoder::put_adjacency_record(SectionWriter& w, Direction dir, std::span<const detail::SpilledEdge> list, bool local,
                                        std::span<const TypeBlock> blocks, const uint32_t* in_ordinals) const {
    auto put_ordinals = [&](const TypeBlock& block) {
        if (!g_.edge_types[block.type].has_properties()) return;
        if (dir == Direction::out) w.put<uint64_t>(ordinal_[list[block.begin].id]);
        else for (uint64_t i = block.begin; i < block.end; ++i) w.put<uint64_t>(in_ordinals[i]);
    };
    if (local) {  // §7.3: the degree and the entries are the runs section's (put_run_entries)
        put_directory(w, blocks);
        for (const TypeBlock& block : blocks) put_ordinals(block);
        return;
    }
    w.put<uint32_t>(static_cast<uint32_t>(list.size()));
    put_directory(w, blocks);
    for (const TypeBlock& block : blocks) {
        put_ordinals(block);
        for (uint64_t i = block.begin; i < block.end; ++i) {
            const uint16_t shard = list[i].other_shard;
            const bool group_start = i == block.begin || shard != list[i - 1].other_shard;
            const bool group_end = i + 1 == block.end || shard != list[i + 1].other_shard;
            if (group_start) w.put<uint32_t>(shard);
            w.put<uint32_t>(list[i].other_local | (group_end ? format::kTerminatorBit : 0));
        }
    }
}

// A flat record's block directory (§7), when the schema has more than one edge type.
void ShardEncoder::put_directory(SectionWriter& w, std::span<const TypeBlock> blocks) const {
    if (g_.edge_types.size() <= 1) return;
    w.put<uint32_t>(static_cast<uint32_t>(blocks.size()));
    for (const TypeBlock& block : blocks) {
        w.put<uint32_t>(block.type | (block.groups << format::kBlockGroupsShift));
        w.put<uint32_t>(static_cast<uint32_t>(block.end - block.begin));
    }
}

// The record of a list of plain edges (one shard, type 0, no properties): put_adjacency_record's
// flat record of one block, from the other endpoints alone.
void ShardEncoder::put_plain_record(SectionWriter& w, std::span<const uint32_t> others) const {
    const TypeBlock only{0, 0, 0, others.size()};
    put_directory(w, std::span(&only, 1));
}

// §8.2 edge property tables: the head, then kRowsPerTask rows (and their heap) per task.
void ShardEncoder::add_edge_props() {
    for (uint32_t ti = 0; ti < p_.prop_tables.size(); ++ti) {
        const ShardPlan::PropTable& table = p_.prop_tables[ti];
        uint8_t* base = file_ + p_.sections[p_.prop_section_index(ti)].offset;
        const uint64_t rows_end = format::kEdgePropsHeadSize + table.row_count * table.row_size;
        tasks_.push_back([&table, base, rows_end] {
            SectionWriter w(base, 0, format::kEdgePropsHeadSize, "edge_props head");
            w.put<uint32_t>(table.type);
            w.put<uint8_t>(static_cast<uint8_t>(table.width));
            w.zeros(3);
            w.put<uint64_t>(table.row_count);
            w.put<uint32_t>(table.row_size);
            w.put<uint32_t>(0);
            w.put<uint64_t>(table.heap_offset);
            w.finish();
            SectionWriter pad(base, rows_end, table.heap_offset, "edge_props padding");
            pad.pad_to(8);
            pad.finish();
        });
        if (table.rows_from_windows) continue;  // written with the out-lists
        for (uint64_t first = 0; first < table.row_count; first += detail::kRowsPerTask)
            tasks_.push_back([this, &table, base, first, last = std::min<uint64_t>(table.row_count, first + detail::kRowsPerTask)] {
                encode_prop_rows(table, base, first, last);
            });
    }
}

void ShardEncoder::encode_prop_rows(const ShardPlan::PropTable& table, uint8_t* base, uint64_t first, uint64_t last) const {
    const detail::Shape& shape = g_.edge_types[table.type];
    const uint64_t heap_begin = table.heap_offset + table.task_heap[first / detail::kRowsPerTask];
    const uint64_t heap_end = table.heap_offset + table.task_heap[first / detail::kRowsPerTask + 1];
    const uint64_t rows_begin = format::kEdgePropsHeadSize + first * table.row_size;
    const uint64_t rows_end = format::kEdgePropsHeadSize + last * table.row_size;
    SectionWriter rows(base, rows_begin, rows_end, "edge_props rows");
    SectionWriter heap(base, heap_begin, heap_end, "edge_props heap");
    // Rows are in stored order, items in the order edges were added: prefetch the items a few
    // rows ahead, whose reads would otherwise be dependent misses.
    auto prefetch_item = [&](uint64_t r) {
        if (r + 16 < last) g_.edge_values.prefetch_start(g_.item_of(table.rows[r + 16]));
        if (r + 8 < last) __builtin_prefetch(g_.edge_values.item(g_.item_of(table.rows[r + 8])));
    };
    if (shape.is_plain_fixed()) {  // fixed-size scalars only (the common case)
        for (uint64_t r = first; r < last; ++r) {
            prefetch_item(r);
            put_plain_fixed_row(shape, g_.edge_values.item(g_.item_of(table.rows[r])), rows.take(table.row_size), table.row_size);
        }
        rows.finish();
        heap.finish();
        release(base, rows_begin, rows_end);
        return;
    }
    RecordParts parts;
    for (uint64_t r = first; r < last; ++r) {
        prefetch_item(r);
        gather(shape, g_.edge_values.item(g_.item_of(table.rows[r])), parts);
        rows.put_bytes(parts.nulls.data(), parts.nulls.size());
        rows.put_bytes(parts.fixed.data(), parts.fixed.size());
        for (uint32_t i = 0; i < shape.attributes.size(); ++i) {
            uint8_t type = shape.attributes[i].type.byte;
            if (format::is_fixed(type)) continue;
            const uint8_t* v = parts.var[shape.slot[i]];
            if (!detail::heap_stores(shape.attributes[i], v)) {
                rows.put_uint(0, table.width);
                continue;
            }
            rows.put_uint(heap.position() - table.heap_offset + 1, table.width);
            put_value(heap, type, v, static_cast<uint32_t>(detail::staged_value_size(type, v)));
        }
    }
    rows.finish();
    heap.finish();
    release(base, rows_begin, rows_end);
    release(base, heap_begin, heap_end);
}

// §8.1 key table (kind 15): the head, then kRowsPerTask slots per task, each with the block of
// its vertex's node record.
void ShardEncoder::add_key_table() {
    uint8_t* key_base = base_of(SectionKind::block_key_table);
    tasks_.push_back([this, key_base] {
        SectionWriter w(key_base, 0, format::kKeyTableHeadSize, "key_table head");
        w.put<uint32_t>(static_cast<uint32_t>(g_.options.key_type));
        w.put<uint32_t>(0);
        w.put<uint64_t>(n_);
        w.finish();
    });
    const uint64_t slots = p_.key_slots.size();
    const unsigned block_shift = format::node_block_shift(p_.node_offset.back());
    for (uint64_t first = 0; first < slots; first += detail::kRowsPerTask)
        tasks_.push_back([this, key_base, block_shift, first, last = std::min(slots, first + detail::kRowsPerTask)] {
            const uint64_t begin = format::kKeyTableHeadSize + first * format::kKeySlotSize, end = format::kKeyTableHeadSize + last * format::kKeySlotSize;
            SectionWriter w(key_base, begin, end, "key_table");
            for (uint64_t i = first; i < last; ++i) {
                const uint64_t slot = p_.key_slots[i];
                w.put<uint64_t>(slot == 0 ? 0 : format::with_node_block(slot, p_.node_offset[(slot >> 32) - 1], block_shift));
            }
            w.finish();
            release(key_base, begin, end);
        });
}

// Gaps between sections are zero (a reserved extent reads as zeros; write them for clarity).
void ShardEncoder::zero_gaps() const {
    for (size_t i = 0; i < p_.sections.size(); ++i) {
        uint64_t end = p_.sections[i].offset + p_.sections[i].length;
        uint64_t next = i + 1 < p_.sections.size() ? p_.sections[i + 1].offset : p_.file_size;
        std::memset(file_ + end, 0, next - end);
    }
}

// Checksums read every byte back, a piece at a time, releasing each piece once hashed.
void ShardEncoder::add_checksums() {
    for (auto& s : p_.sections)
        tasks_.push_back([this, &s] {
            constexpr uint64_t kPiece = 4u << 20;
            format::ChecksumStream sum;
            for (uint64_t at = 0; at < s.length; at += kPiece) {
                const uint64_t n = std::min(kPiece, s.length - at);
                sum.update(file_ + s.offset + at, n);
                const uint64_t behind = std::min(at, detail::OutputFile::kLargestFolio);
                release(file_, s.offset + at - behind, s.offset + at + n, /*written=*/false);  // its writing started already
            }
            s.checksum = sum.digest();
        });
}

}  // namespace

void Writer::Impl::encode(ShardPlan& p, detail::OutputFile& output, unsigned threads) {
    ShardEncoder(*this, ordinal, p, output).run(threads);
}

namespace {

// §10: the same in every shard; derived from every section's checksum unless given.
detail::DatasetId dataset_id_for(const std::vector<ShardPlan>& plans, const std::optional<detail::DatasetId>& given) {
    if (given) return *given;
    std::vector<uint64_t> sums;
    for (const ShardPlan& p : plans)
        for (const auto& s : p.sections) sums.push_back(s.checksum);
    return detail::dataset_id_from_checksums(sums);
}

}  // namespace

WriteStats Writer::finish(const std::filesystem::path& path) {
    using clock = std::chrono::steady_clock;
    Impl& m = *impl_;
    if (m.finished) throw Error(ErrorKind::misuse, "finish() called twice");
    WriteStats stats;
    auto t0 = clock::now();
    std::vector<ShardPlan> plans = m.plan();
    auto t1 = clock::now();

    const unsigned threads = m.worker_threads();
    std::vector<std::unique_ptr<detail::OutputFile>> outputs;
    for (const ShardPlan& p : plans)
        outputs.push_back(std::make_unique<detail::OutputFile>(shard_path(path, p.shard, m.options.shard_count), p.file_size));
    for (size_t s = 0; s < plans.size(); ++s) m.encode(plans[s], *outputs[s], threads);
    auto t2 = clock::now();

    const std::array<uint8_t, 16> dataset_id = dataset_id_for(plans, m.options.dataset_id);
    // §2.3 writer rule 1: the oldest minor of everything used, the same in every shard (§10).
    const bool label_sets = std::any_of(plans.begin(), plans.end(), [](const ShardPlan& p) { return !p.label_sets.empty(); });
    const uint16_t minor = detail::oldest_sufficient_minor(m.labels, m.edge_types, label_sets, !m.id_spaces.empty(), m.options.key_type == KeyType::int64);
    for (size_t s = 0; s < plans.size(); ++s) {
        detail::write_directory_and_header(plans[s], outputs[s]->data(), dataset_id, m.options.shard_count, m.options.store_in_edges, minor);
        outputs[s]->flush();
    }
    for (auto& out : outputs) {
        out->commit();
        stats.files.push_back(out->target());
        stats.bytes += out->size();
    }
    auto t3 = clock::now();
    m.finished = true;
    stats.vertices = m.vertex_label.size();
    stats.edges = m.edges->size();
    for (const ShardPlan& p : plans) stats.node_types += static_cast<uint32_t>(p.node_types.size());
    stats.plan_seconds = std::chrono::duration<double>(t1 - t0).count();
    stats.encode_seconds = std::chrono::duration<double>(t2 - t1).count();
    stats.commit_seconds = std::chrono::duration<double>(t3 - t2).count();
    return stats;
}

}  // namespace mmgraph
