// Writer internals: the staged graph (flat arrays, §DESIGN "values in contiguous arrays"),
// the per-shard plan that fixes every byte position, and the encoders that fill it.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <span>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <thread>
#include <type_traits>
#include <vector>

#include "direct_key_table.hpp"
#include "edge_spill.hpp"
#include "growable_array.hpp"
#include "monotone_offsets.hpp"
#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/vlq.hpp"
#include "mmgraph/writer.hpp"

namespace mmgraph::detail {

inline constexpr uint32_t kAbsent = 0xFFFF'FFFFu;  // a variable value that gets offset 0
inline constexpr uint64_t kRowsPerTask = 1u << 15;  // edge property rows per encode task

// A zone name goes into the string table (§4.1): IANA names are ASCII letters, digits and
// "/_-+", and anything else is refused, so no name breaks the table's UTF-8 rule.
inline bool is_zone_name_text(std::string_view name) {
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' || c == '+';
    });
}

class OutputFile;

// String keys by vertex id. A key of up to 15 bytes lives in its vertex's own 16-byte cell (its
// length, then its bytes), so a lookup that has found a candidate id in the key table compares
// the key after one more cache miss instead of two (an offset table, then a byte buffer).
// Longer keys live in one buffer, and the cell says where.
class StringKeys {
public:
    void push(std::string_view key) {
        if (is_short(key)) {
            cells_.push_back(short_cell(key));
            return;
        }
        Cell& cell = cells_.emplace_back();
        cell.bytes[0] = kLong;
        const uint32_t length = static_cast<uint32_t>(key.size());  // < 2^32: max_value_size
        const uint64_t offset = long_bytes_.size();
        std::memcpy(cell.bytes + 4, &length, 4);
        std::memcpy(cell.bytes + 8, &offset, 8);
        long_bytes_.append(key.data(), key.size());
    }
    // A key as its cell holds it, to compare whole cells; only for keys shorter than kLong.
    struct alignas(16) Cell {
        uint8_t bytes[16];
    };
    static bool is_short(std::string_view key) { return key.size() < kLong; }
    static Cell short_cell(std::string_view key) {
        Cell cell{};
        cell.bytes[0] = static_cast<uint8_t>(key.size());
        if (!key.empty()) std::memcpy(cell.bytes + 1, key.data(), key.size());  // an empty view may have no data
        return cell;
    }
    // Whether vertex v's key is the short key `cell` was made from: one 16-byte compare (the
    // bytes after a short key are zero; a long key's cell never starts with a short length).
    bool holds(uint32_t v, const Cell& cell) const { return std::memcmp(&cells_[v], &cell, sizeof(Cell)) == 0; }
    // Valid until the next push.
    std::string_view operator[](uint32_t v) const {
        const Cell& cell = cells_[v];
        if (cell.bytes[0] != kLong) return {reinterpret_cast<const char*>(cell.bytes + 1), cell.bytes[0]};
        uint32_t length = 0;
        uint64_t offset = 0;
        std::memcpy(&length, cell.bytes + 4, 4);
        std::memcpy(&offset, cell.bytes + 8, 8);
        return {long_bytes_.data() + offset, length};
    }
    [[gnu::always_inline]] void prefetch(uint32_t v) const { __builtin_prefetch(&cells_[v]); }
    // Keeps the first `count` keys.
    void truncate(size_t count) {
        for (size_t v = count; v < cells_.size(); ++v) {
            if (cells_[v].bytes[0] != kLong) continue;
            uint64_t offset = 0;
            std::memcpy(&offset, cells_[v].bytes + 8, 8);
            long_bytes_.resize(offset);  // the first long key removed starts the bytes removed
            break;
        }
        cells_.resize(count);
    }

private:
    static constexpr uint8_t kLong = 16;  // a length byte that means "in long_bytes_"
    GrowableArray<Cell> cells_;
    GrowableArray<char> long_bytes_;
};

// Names the vertex (or the edge from -> to) an input error is about; turned into text only when
// an error is thrown, so the hot staging path builds no strings and, for an edge given by
// vertex ids, reads no keys (two random reads per edge otherwise).
struct InputContext {
    const Key* from = nullptr;
    const Key* to = nullptr;  // set for edges
    const Writer::Impl* writer = nullptr;  // instead of the keys: an edge by vertex ids
    uint32_t from_id = 0, to_id = 0;
    // Or an item that describes itself (ShardWriter: an edge by places), called for errors only.
    std::string (*describe)(const void* subject) = nullptr;
    const void* subject = nullptr;
    std::string text() const;
};

// How a writer stages its vertex references (see Arena): as keys of its key type, resolved at
// encode (Writer), or already resolved, as their final 6 bytes (ShardWriter).
enum class StagedRefs : uint8_t { string_keys, int64_keys, resolved };

inline StagedRefs staged_refs(KeyType key_type, bool resolved) {
    if (resolved) return StagedRefs::resolved;
    return key_type == KeyType::int64 ? StagedRefs::int64_keys : StagedRefs::string_keys;
}

// A vertex reference as staged by key: the key and the ID space it is in (§8.1).
struct StagedKey {
    IdSpace space;
    Key key;
};

// Reads a staged vertex-reference key (see Arena) and advances p past it.
inline StagedKey read_staged_key(const uint8_t*& p, KeyType key_type) {
    const IdSpace space{format::load<uint16_t>(p)};
    p += 2;
    if (key_type == KeyType::int64) {
        int64_t k = format::load<int64_t>(p);
        p += 8;
        return {space, k};
    }
    uint64_t n = 0;
    p += format::vlq_decode(p, format::kMaxVlqBytes, n);
    std::string_view s(reinterpret_cast<const char*>(p), n);
    p += n;
    return {space, s};
}

// Size in the file (VLQ prefix included) of a staged variable value (§6.4). Staged bytes are
// the file's bytes except for vertex references, staged as keys; their size follows from the
// count alone.
inline uint64_t staged_value_size(uint8_t type, const uint8_t* value) {
    uint64_t count = 0;
    const uint8_t* p = value + format::vlq_decode(value, format::kMaxVlqBytes, count);
    if (!format::is_list(type)) return static_cast<uint64_t>(p - value) + count;
    if (!format::has_variable_items(type)) return static_cast<uint64_t>(p - value) + count * format::scalar_size(format::element_code(type));
    for (uint64_t j = 0; j < count; ++j) {
        uint64_t length = 0;
        p += format::vlq_decode(p, format::kMaxVlqBytes, length);
        p += length;
    }
    return static_cast<uint64_t>(p - value);
}

// Visits the staged attributes of one item: fn(attribute index, present, pointer to the staged
// value after its presence byte); returns the end of the item.
template <typename Fn>
const uint8_t* walk_staged(const std::vector<AttributeSpec>& attrs, StagedRefs refs, const uint8_t* p, Fn&& fn) {
    const KeyType key_type = refs == StagedRefs::int64_keys ? KeyType::int64 : KeyType::string;
    for (uint32_t i = 0; i < attrs.size(); ++i) {
        bool present = *p++ != 0;
        fn(i, present, p);
        if (!present) continue;
        uint8_t type = attrs[i].type.byte;
        const bool ref_keys = format::element_code(type) == static_cast<uint8_t>(TypeCode::vertex_ref) && refs != StagedRefs::resolved;
        if (format::is_fixed(type)) {
            if (ref_keys) read_staged_key(p, key_type);
            else p += format::scalar_size(type);
            continue;
        }
        if (ref_keys) {
            uint64_t count = 0;
            p += format::vlq_decode(p, format::kMaxVlqBytes, count);
            for (uint64_t j = 0; j < count; ++j) read_staged_key(p, key_type);
        } else {
            p += staged_value_size(type, p);
        }
    }
    return p;
}

// Whether a staged variable value (null: absent) goes to an edge property heap (§8.2): nulls and
// empty values of non-nullable attributes do not, they get offset 0.
inline bool heap_stores(const AttributeSpec& attr, const uint8_t* value) {
    if (!value) return false;
    uint64_t count = 0;
    format::vlq_decode(value, format::kMaxVlqBytes, count);
    return count > 0 || attr.nullable;
}

// Heap bytes of a staged edge item: the sizes of the variable values the heap stores.
inline uint64_t staged_heap_bytes(const std::vector<AttributeSpec>& attrs, StagedRefs refs, const uint8_t* item) {
    uint64_t heap = 0;
    walk_staged(attrs, refs, item, [&](uint32_t i, bool present, const uint8_t* v) {
        const uint8_t type = attrs[i].type.byte;
        if (present && !format::is_fixed(type) && heap_stores(attrs[i], v)) heap += staged_value_size(type, v);
    });
    return heap;
}

// Where each attribute of a label (or property of an edge type) goes in a record (§6.1).
struct Shape {
    std::string name;
    std::vector<AttributeSpec> attributes;
    std::vector<int32_t> null_bit;    // per attribute: bit in the null bitmap, -1 if none
    std::vector<uint32_t> slot;       // per attribute: fixed byte offset, or offset-table entry
    std::vector<uint32_t> var_attribute;  // per offset-table entry: its attribute (key: unused)
    uint32_t null_bytes = 0;
    uint32_t fixed_size = 0;          // packed fixed-size bytes, int64 key included
    uint32_t var_count = 0;           // offset table entries, string key included
    uint32_t key_fixed = 0;           // 8 when the int64 key leads the fixed part
    uint32_t key_var = 0;             // 1 when the string key is offset table entry 0
    uint32_t name_string = 0;

    bool has_properties() const { return !attributes.empty(); }
    // Every attribute a fixed-size scalar other than a vertex reference: a staged item is then
    // a presence byte and the final bytes per attribute, copied as they are.
    bool is_plain_fixed() const {
        return var_count == 0 && std::all_of(attributes.begin(), attributes.end(), [](const AttributeSpec& a) {
                   const auto code = static_cast<TypeCode>(format::element_code(a.type.byte));
                   return format::is_fixed(a.type.byte) && code != TypeCode::vertex_ref && code != TypeCode::datetime;
               });
    }
};

// One attribute value staged in the arena: a presence byte, then for fixed-size types the final
// little-endian bytes, for variable types VLQ(count) + payload. Vertex references are staged
// as keys (the u16 ID space, then a string key as VLQ length + bytes or an int64 key as 8
// bytes) and resolved at encode,
// or, in a ShardWriter, which is given them resolved, as their final 6 bytes (StagedRefs).
// Items (a vertex's attributes, an edge's properties) follow each other in `bytes`. While every
// item has the same size (an edge type whose properties are all fixed-size, and every edge has
// them: the usual case), item i starts at i times that size and no start is stored. From the
// first item of another size on, where each starts takes 4 bytes an item (a 64-bit base per
// block of items), or 8 once an item lies 4 GiB or more past its block's base.
class Arena {
public:
    // `max_delta` is the largest start a delta holds; tests lower it to reach the wide form
    // without staging 4 GiB.
    explicit Arena(uint64_t max_delta = 0xFFFF'FFFFull) : max_delta_(max_delta) {}

    GrowableArray<uint8_t> bytes;

    uint64_t items() const { return uniform_ ? uniform_items_ : wide_.empty() ? delta_.size() : wide_.size(); }
    const uint8_t* item(uint64_t i) const { return bytes.data() + start(i); }
    [[gnu::always_inline]] void prefetch_start(uint64_t i) const {
        if (!uniform_) __builtin_prefetch(wide_.empty() ? static_cast<const void*>(&delta_[i]) : &wide_[i]);
    }
    // Whether the items so far are all of one size, their starts computed rather than stored.
    bool uniform() const { return uniform_; }
    // The bytes staged from here on belong to a new item.
    void begin_item() {
        const uint64_t at = bytes.size();
        if (uniform_) {
            const uint64_t n = uniform_items_;
            if (n == 1) stride_ = at;  // the first item's size
            if (n == 1 || at == n * stride_) {
                ++uniform_items_;
                return;
            }
            leave_uniform();
        }
        store_start(at);
    }
    // Unstages the last item, bytes and all.
    void drop_last_item() {
        bytes.resize(start(items() - 1));
        if (uniform_) {
            --uniform_items_;
            return;
        }
        if (!wide_.empty()) {
            wide_.pop_back();
            return;
        }
        delta_.pop_back();
        if (delta_.size() % kBlockItems == 0) base_.pop_back();  // it was its block's first item
    }

private:
    static constexpr uint64_t kBlockItems = 4096;
    uint64_t start(uint64_t i) const {
        if (uniform_) return i * stride_;
        return wide_.empty() ? base_[i / kBlockItems] + delta_[i] : wide_[i];
    }
    // The items so far, and all after them, get stored starts.
    void leave_uniform() {
        const uint64_t n = uniform_items_;
        uniform_ = false;
        for (uint64_t i = 0; i < n; ++i) store_start(i * stride_);
    }
    void store_start(uint64_t at) {
        if (!wide_.empty()) {
            wide_.push_back(at);
            return;
        }
        if (delta_.size() % kBlockItems == 0) base_.push_back(at);
        if (at - base_.back() > max_delta_) {
            // Built aside: start() reads wide_ as soon as it is not empty.
            GrowableArray<uint64_t> wide;
            wide.reserve(delta_.size() + 1);
            for (uint64_t i = 0; i < delta_.size(); ++i) wide.push_back(start(i));
            wide.push_back(at);
            wide_ = std::move(wide);
            base_ = {};
            delta_ = {};
            return;
        }
        delta_.push_back(static_cast<uint32_t>(at - base_.back()));
    }
    bool uniform_ = true;
    uint64_t uniform_items_ = 0;
    uint64_t stride_ = 0;            // uniform: the size of every item (once there are two)
    GrowableArray<uint64_t> base_;   // per block of items
    GrowableArray<uint32_t> delta_;  // per item, from its block's base
    GrowableArray<uint64_t> wide_;   // per item, once a delta would not fit 32 bits
    uint64_t max_delta_;
};

// A label set of two or more labels (§6.6), as add_vertex takes it: the labels ascending and
// the shape of its records, the union of their attributes (§4.2). The writer numbers label sets
// down from 0xFFFF (label_set_id) while labels count up from 0, so one u16 per vertex names
// either; a shard renumbers the sets it uses from label_count (ShardPlan::label_sets).
struct LabelSet {
    std::vector<uint32_t> labels;
    Shape shape;
};
constexpr uint16_t label_set_id(size_t k) { return static_cast<uint16_t>(0xFFFF - k); }
constexpr size_t label_set_index(uint16_t id) { return 0xFFFFu - id; }

struct NodeType {
    uint32_t label = 0;  // the label set (§6.6): a label id below label_count
    uint16_t space = 0;  // the ID space of its vertices (§8.3)
    std::vector<uint8_t> widths;
    uint64_t vertices = 0;
};

// Byte-exact layout of one shard file.
struct ShardPlan {
    uint16_t shard = 0;
    std::vector<uint32_t> members;      // local index -> global vertex id

    std::vector<NodeType> node_types;
    uint32_t id_width = 0;
    std::vector<std::vector<uint32_t>> label_sets;  // §6.6: set label_count + i is label_sets[i]
    std::vector<uint16_t> node_type;    // per local vertex
    detail::MonotoneOffsets node_offset;  // per local vertex, + end

    struct Adjacency {
        std::vector<uint32_t> windows;     // local index bounds of the windows (see AdjacencyWindow)
        detail::MonotoneOffsets offset;    // record offset per local vertex, + end
        detail::MonotoneOffsets start;     // §7.3: flat entries before each local vertex, + end (E)
        std::vector<uint8_t> local;        // per local vertex: every entry in this shard
    };
    Adjacency out, in;

    struct PropTable {
        uint32_t type = 0;
        uint64_t row_count = 0;
        std::vector<uint32_t> rows;        // edge ids by ordinal, unless rows_from_windows
        // With one edge type, one shard and fixed-size scalar properties, row r is the r-th
        // out-edge in stored order, so the plan reads nothing back: the out-adjacency tasks
        // write the rows of each window they load, starting at window_rows[w].
        bool rows_from_windows = false;
        std::vector<uint64_t> window_rows;  // per out window, + end
        std::vector<uint64_t> task_heap;   // heap position of every kRowsPerTask-th row, + end
        uint32_t row_size = 0;
        unsigned width = 1;                // heap offset width
        uint64_t heap_offset = 0;          // from section start
    };
    std::vector<PropTable> prop_tables;

    // §8.1 key table: C slots, the hash's low 32 bits in the low word, local index + 1 in the
    // high (0: empty); the encoder narrows the fingerprint and adds the node block (kind 15).
    std::vector<uint64_t> key_slots;

    std::vector<std::string> strings;
    std::unordered_map<std::string, uint32_t> string_ids;
    uint32_t zone_base = 0;  // string id of the first zone name (after the schema's names)

    struct Section {
        format::SectionKind kind;
        uint64_t offset = 0;  // in file
        uint64_t length = 0;
        uint64_t checksum = 0;
    };
    std::vector<Section> sections;
    uint64_t directory_offset = 0;
    uint64_t file_size = 0;
    uint32_t slot_count = 0;
    uint64_t edge_count = 0;
    std::vector<uint64_t> label_counts, edge_type_counts;

    uint32_t section_index(format::SectionKind kind) const;
    uint32_t prop_section_index(uint32_t table) const;
};

}  // namespace mmgraph::detail

namespace mmgraph {

struct Writer::Impl {
    WriterOptions options;
    std::vector<detail::Shape> labels, edge_types;
    std::unordered_set<std::string> label_names, edge_type_names;  // duplicate checks in O(1)
    std::vector<detail::LabelSet> label_sets;           // ids detail::label_set_id(k)
    std::map<std::vector<uint32_t>, uint16_t> label_set_ids;
    bool is_label_set(uint16_t id) const { return id >= labels.size(); }
    const detail::LabelSet& label_set(uint16_t id) const { return label_sets[detail::label_set_index(id)]; }
    const detail::Shape& shape_of(uint16_t id) const { return is_label_set(id) ? label_set(id).shape : labels[id]; }
    // The id of the label set `labels` (any order, no repeats): the label itself for one label,
    // else a set, declared on first use with the union of the labels' attributes.
    uint16_t label_set_of(std::span<const LabelId> labels, const char* what);

    // Vertices, by global id (insertion order).
    std::vector<uint16_t> vertex_label;      // a label id, or a label set's (detail::LabelSet)
    // ID spaces (§8.1): the named ones' names (space id - 1), and each vertex's space, empty
    // while every vertex is in the default space 0 (most graphs: no 2 bytes per vertex).
    std::vector<std::string> id_spaces;
    std::unordered_set<std::string> id_space_names;
    std::vector<uint16_t> vertex_space;
    IdSpace space_of(uint32_t v) const { return {vertex_space.empty() ? uint16_t{0} : vertex_space[v]}; }
    std::string space_text(IdSpace space) const { return space.id == 0 ? "" : " in ID space '" + id_spaces[space.id - 1] + "'"; }
    std::vector<uint64_t> key_hash;
    std::vector<int64_t> int_keys;           // KeyType::int64
    detail::StringKeys string_keys;          // KeyType::string
    detail::Arena vertex_values;
    std::vector<uint32_t> var_sizes;         // per vertex var_count final value sizes (or kAbsent)
    std::vector<uint64_t> var_begin;         // per vertex, + end, into var_sizes

    // Open-addressing key -> global id table: (hash high half << 32) | (id + 1), 0 = empty.
    // It holds the vertices that direct_keys did not take when they were added.
    std::vector<uint64_t> key_table;
    size_t key_table_entries = 0;
    // Beside it, for the keys of ID space 0 that are numbers in [0, size), indexed by the number:
    // id + 1, 0 = none. Every such vertex is in it, and those it took when they were added are
    // only in it. A number is an int64 key, or a string key in canonical decimal ("0", "17";
    // not "017", at most 9 digits), one number per string. Such keys (counters, an edge list's
    // ids, a CSV's default string ids) are most graphs'; a lookup is then one read where the
    // table's probe took two dependent ones and a hash. It grows only for a key below
    // kDirectKeysPerVertex times the vertex count (+ kDirectKeysMin), so it takes at most twice
    // that many 4-byte entries: 32 bytes a vertex at worst, where the key table took 16 to 32.
    // Four, not fewer: an edge list meets its large ids long before it has seen a quarter as
    // many vertices, and each vertex added before the table reached its id went to the key
    // table (at two, 29% of an R-MAT scale-22 import's 2.4M vertices; at four, 15%). Other
    // threads may read it meanwhile (find_int_keys_concurrently); vertices_taken_back counts the
    // failed calls that took back vertices, whose entries such a reader may have seen.
    detail::DirectKeyTable direct_keys;
    std::atomic<uint64_t> vertices_taken_back{0};
    static constexpr uint64_t kDirectKeysPerVertex = 4, kDirectKeysMin = 1u << 16;
    static constexpr uint64_t kNotDirect = ~uint64_t{0};
    // The number a key of this graph's key type stands for in direct_keys, or kNotDirect.
    uint64_t direct_number(const Key& key) const {
        if (options.key_type == KeyType::int64) {
            const auto* i = std::get_if<int64_t>(&key);
            return i && *i >= 0 ? static_cast<uint64_t>(*i) : kNotDirect;
        }
        const auto* s = std::get_if<std::string_view>(&key);
        if (!s || s->empty() || s->size() > 9 || ((*s)[0] == '0' && s->size() > 1)) return kNotDirect;
        uint64_t n = 0;
        for (char c : *s) {
            if (c < '0' || c > '9') return kNotDirect;
            n = n * 10 + static_cast<uint64_t>(c - '0');
        }
        return n;
    }
    // The direct_keys slot of `key` looked up in `space`, if it has one.
    const uint32_t* direct_slot(const Key& key, IdSpace space) const {
        if (space.id != 0 || direct_keys.empty()) return nullptr;
        const uint64_t n = direct_number(key);
        return n < direct_keys.size() ? &direct_keys[static_cast<size_t>(n)] : nullptr;
    }
    // The same for a key of an int64-keyed graph given as a plain integer.
    const uint32_t* direct_slot(int64_t key, IdSpace space) const {
        if (space.id != 0 || key < 0 || static_cast<uint64_t>(key) >= direct_keys.size()) return nullptr;
        return &direct_keys[static_cast<size_t>(key)];
    }
    bool insert_direct_key(uint32_t v);  // whether direct_keys took v

    // Where each vertex goes (§10), by global id: fixed when it is added, so that edges can be
    // staged with their endpoints' places.
    std::vector<uint16_t> vertex_shard;
    std::vector<uint32_t> vertex_local;
    std::vector<uint32_t> shard_sizes;
    // Empty in a Writer, whose vertex references are keys. A ShardWriter's hold every shard's size
    // (§10.1 phase 1): its references come resolved and are checked against these when staged.
    std::vector<uint32_t> resolved_ref_shard_sizes;
    bool refs_resolved() const { return !resolved_ref_shard_sizes.empty(); }

    // The IANA zone names of datetime values, in order of first use. A datetime is staged with
    // its zone's number here (1-based, 0 = a fixed offset); every shard's string table lists
    // these names after the schema's, so the planner turns number k into string id base + k - 1
    // and the encoder stores base + k (§4.3). A failed add_* call truncates what it added.
    std::vector<std::string> zone_names;
    std::unordered_map<std::string, uint32_t> zone_numbers;
    uint32_t zone_number(std::string_view name) {
        auto [it, inserted] = zone_numbers.emplace(std::string(name), static_cast<uint32_t>(zone_names.size() + 1));
        if (inserted) zone_names.emplace_back(name);
        return it->second;
    }
    void truncate_zones(size_t count) {
        while (zone_names.size() > count) {
            zone_numbers.erase(zone_names.back());
            zone_names.pop_back();
        }
    }
    detail::StagedRefs staged_refs() const { return detail::staged_refs(options.key_type, refs_resolved()); }

    // Edges, by global edge id: endpoints and type in the spill (off the heap).
    // edge_type stays empty while every edge has type 0, and edge_value_item while the items
    // follow a pattern: no edge has properties, or every edge has (item = edge id, the common
    // case of one edge type with properties). Read them through type_of and item_of.
    std::optional<detail::EdgeSpill> edges;
    std::vector<uint16_t> edge_type;
    detail::Arena edge_values;               // only edges whose type has properties
    std::vector<uint32_t> edge_value_item;   // per edge: item in edge_values, kAbsent if none
    uint16_t type_of(uint64_t e) const { return edge_type.empty() ? 0 : edge_type[e]; }
    bool items_are_ids = false;              // the pattern while edge_value_item is empty
    uint32_t item_of(uint64_t e) const {
        if (!edge_value_item.empty()) return edge_value_item[e];
        return items_are_ids ? static_cast<uint32_t>(e) : detail::kAbsent;
    }
    std::vector<uint32_t> ordinal;           // per edge: row in its type's table (plan, or encode for rows_from_windows; < 2^32 edges)
    std::vector<uint32_t> edge_sizes_scratch;  // add_edge: staged property sizes, reused

    bool finished = false;

    Key key_of(uint32_t vertex) const;
    std::optional<uint32_t> lookup(const Key& key, uint64_t hash, IdSpace space = {}) const;  // hash: hash_key(key, space)
    // The vertex whose key table slot matches `hash` and for which `matches(vertex)` holds.
    template <typename Matches>
    std::optional<uint32_t> probe(uint64_t hash, Matches&& matches) const;
    // Cache hints for a later lookup(hash): the table slot, then (once that is cached) the key
    // it names. Always inlined: GCC counts a prefetch as no side effect, so it took a helper
    // whose body was a conditional prefetch for a const function and deleted every call (the
    // lookups of an import ran without these hints until this was found).
    [[gnu::always_inline]] void prefetch_slot(uint64_t hash) const {
        if (!key_table.empty()) __builtin_prefetch(&key_table[hash & (key_table.size() - 1)]);
    }
    [[gnu::always_inline]] void prefetch_key(uint64_t hash) const {
        if (key_table.empty()) return;
        const uint64_t slot = key_table[hash & (key_table.size() - 1)];
        if (slot == 0 || (slot ^ hash) >> 32) return;  // empty, or another key's: the probe goes on from there
        const uint32_t v = static_cast<uint32_t>(slot) - 1;
        if (options.key_type == KeyType::int64) __builtin_prefetch(&int_keys[v]);
        else string_keys.prefetch(v);
    }
    // Hashes every key (so a key of the wrong type throws before `resolve` runs), then calls
    // resolve(i, hash) in order with the probes of later keys prefetched.
    // With `spaces`, key i is hashed in space spaces[i] (§8.1).
    template <typename Resolve>
    void resolve_in_order(std::span<const Key> keys, Resolve&& resolve, std::span<const IdSpace> spaces = {}) const {
        std::vector<uint64_t> hashes(keys.size());
        for (size_t i = 0; i < keys.size(); ++i) hashes[i] = hash_key(keys[i], spaces.empty() ? IdSpace{} : spaces[i]);
        constexpr size_t kSlotsAhead = 16, kKeysAhead = 8;
        for (size_t i = 0; i < keys.size(); ++i) {
            if (i + kSlotsAhead < keys.size()) prefetch_slot(hashes[i + kSlotsAhead]);
            if (i + kKeysAhead < keys.size()) prefetch_key(hashes[i + kKeysAhead]);
            resolve(i, hashes[i]);
        }
    }
    // resolve_in_order, except that the keys with a direct_keys slot go first, in order, to
    // direct(i, slot, in_order), which returns whether that resolved key i (in_order: so did
    // every key before it); the others then go to resolve_in_order. Such keys need no hash,
    // and most of an import's endpoints are such keys.
    // Keys are Keys, or the plain integers of an int64-keyed graph (K = int64_t), which the
    // direct slots take as they are; only the others become Keys, to be hashed.
    template <typename K, typename Direct, typename Resolve>
    void resolve_keys(std::span<const K> keys, std::span<const IdSpace> spaces, Direct&& direct, Resolve&& resolve) const {
        if constexpr (std::is_same_v<K, Key>)
            if (direct_keys.empty()) return resolve_in_order(keys, resolve, spaces);
        auto space = [&](size_t i) { return spaces.empty() ? IdSpace{} : spaces[i]; };
        std::vector<uint32_t> rest;
        // Each key's slot is found once (a string key's digits read once), kAhead keys before its
        // turn, and prefetched then.
        constexpr size_t kAhead = 16;
        std::array<const uint32_t*, kAhead> ahead;
        auto find_ahead = [&](size_t i) {
            const uint32_t* slot = direct_slot(keys[i], space(i));
            if (slot) __builtin_prefetch(slot);
            ahead[i % kAhead] = slot;
        };
        for (size_t i = 0; i < std::min(kAhead, keys.size()); ++i) find_ahead(i);
        for (size_t i = 0; i < keys.size(); ++i) {
            const uint32_t* slot = ahead[i % kAhead];
            if (i + kAhead < keys.size()) find_ahead(i + kAhead);
            if (!slot || !direct(i, *slot, rest.empty())) rest.push_back(static_cast<uint32_t>(i));
        }
        if (rest.empty()) return;
        std::vector<Key> rest_keys;
        std::vector<IdSpace> rest_spaces;
        for (uint32_t i : rest) {
            rest_keys.push_back(keys[i]);
            if (!spaces.empty()) rest_spaces.push_back(spaces[i]);
        }
        resolve_in_order(rest_keys, [&](size_t j, uint64_t hash) { resolve(rest[j], hash); }, rest_spaces);
    }
    // Whether a vertex with this new key may be added: throws the limit error that refuses it.
    void check_new_vertex(const Key& key) const;
    // vertices_for's checks of its arguments (`call` names it in the error).
    void check_vertices_for(const char* call, IdSpace space, size_t key_count, LabelId label, size_t id_room) const;
    // vertices_for once its keys passed: each key's vertex, added (in order) when new.
    template <typename K>
    void resolve_or_add(IdSpace space, std::span<const K> keys, LabelId label, std::span<uint32_t> ids);
    bool key_refused(const Key& key) const;
    // add_vertex after its duplicate check; returns the new id.
    uint32_t append_vertex(const Key& key, uint64_t hash, uint16_t label, std::span<const Value> values, IdSpace space = {});  // label: a label or label set id
    void add_vertices(IdSpace space, std::span<const Key> keys, uint16_t label, const RowValues& values);
    void append_edge(uint32_t src, uint32_t dst, EdgeTypeId type, std::span<const Value> properties, const detail::InputContext& context);
    // append_edge's two halves: the properties staged (their item, or kAbsent), then the edge
    // recorded after edges->make_room().
    uint32_t stage_edge(EdgeTypeId type, std::span<const Value> properties, const detail::InputContext& context);
    void record_edge(uint32_t src, uint32_t dst, EdgeTypeId type, uint32_t item);
    // Whether record_edge of an edge of `type` without properties would only append it to the
    // spill, as plain: no type or item column to extend, the item pattern already set. Runs of
    // such edges (an edge list's) then go to the spill at once.
    bool records_only_in_spill(EdgeTypeId type) const {
        return type == 0 && edge_type.empty() && edge_value_item.empty() && edges->size() > 0 && !items_are_ids;
    }
    // Takes back every vertex after the first `count`, for a batch that failed.
    void truncate_vertices(uint32_t count);
    void erase_key(uint32_t v);
    uint64_t hash_key(const Key& key, IdSpace space = {}) const;  // §8.1, seeded with the space
    void insert_key(uint32_t vertex);
    void grow_key_table();

    // Validates `values` against `shape` and stages them; returns the variable sizes.
    void stage(const detail::Shape& shape, std::span<const Value> values, detail::Arena& arena,
               std::vector<uint32_t>& var_sizes, const detail::InputContext& context);

    unsigned worker_threads() const { return options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency()); }
    std::vector<detail::ShardPlan> plan(std::optional<uint16_t> only = std::nullopt);  // every shard, or one
    void encode(detail::ShardPlan& plan, detail::OutputFile& output, unsigned threads);  // fills ordinal for rows_from_windows tables
    uint32_t resolve_ref_key(const uint8_t*& p) const;  // staged key -> global vertex id
};

}  // namespace mmgraph
