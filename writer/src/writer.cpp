// Writer API: schema declarations, input validation and staging into flat arrays. Every input
// error is thrown here or in plan(), before any byte of output exists.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <tuple>
#include <cctype>
#include <utility>

#include "internal.hpp"
#include "mmgraph/format/date.hpp"
#include "mmgraph/format/hash.hpp"
#include "mmgraph/format/temporal.hpp"
#include "mmgraph/format/utf8.hpp"
#include "mmgraph/format/vlq.hpp"

namespace mmgraph {

using detail::kAbsent;
using detail::Shape;

namespace {

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

// Names go to the string table, which holds UTF-8 without 0x00 bytes only (spec §4.1).
void check_utf8_name(std::string_view name, const char* what) {
    if (const size_t bad = format::first_invalid_utf8(name); bad != name.size())
        throw Error(ErrorKind::bad_input, std::string(what) + " name is not UTF-8 (byte " + format::hex_byte(name[bad]) + " at byte " +
                                              std::to_string(bad) + ", spec §4.1)");
    if (const size_t nul = name.find('\0'); nul != std::string_view::npos)
        throw Error(ErrorKind::bad_input, std::string(what) + " name holds a 0x00 byte at byte " + std::to_string(nul) + " (spec §4.1)");
}

// Vertex ids are u32 and two values are kept free.
constexpr uint64_t kMaxWriterVertices = std::numeric_limits<uint32_t>::max() - 1;
Error too_many_vertices() { return Error(ErrorKind::limit, "more than 2^32 - 2 vertices in one writer"); }

Shape make_shape(std::string_view name, std::vector<AttributeSpec> attributes, KeyType key_type,
                 bool is_label, const char* what) {
    if (name.empty()) throw Error(ErrorKind::bad_input, std::string(what) + " name must not be empty");
    if (name.size() > 0xFFFF) throw Error(ErrorKind::limit, std::string(what) + " name longer than 65535 bytes");
    check_utf8_name(name, what);
    if (attributes.size() > format::kMaxAttributes)
        throw Error(ErrorKind::limit, std::string(what) + " " + in_quotes(name) + ": " + std::to_string(attributes.size()) +
                    " attributes exceed the limit of " + std::to_string(format::kMaxAttributes) + " (spec §9)");
    Shape shape;
    shape.name = std::string(name);
    std::set<std::string_view> seen;
    if (is_label && key_type == KeyType::int64) shape.key_fixed = 8;
    if (is_label && key_type == KeyType::string) shape.key_var = 1;
    shape.fixed_size = shape.key_fixed;
    shape.var_count = shape.key_var;
    shape.var_attribute.assign(shape.key_var, 0);
    uint32_t nullable_fixed = 0;
    for (const auto& a : attributes) {
        if (a.name.empty()) throw Error(ErrorKind::bad_input, std::string(what) + " " + in_quotes(name) + ": empty attribute name");
        if (a.name.size() > 0xFFFF) throw Error(ErrorKind::limit, std::string(what) + " " + in_quotes(name) + ": attribute name too long");
        check_utf8_name(a.name, "attribute");
        if (!format::is_valid_type(a.type.byte))
            throw Error(ErrorKind::bad_input, std::string(what) + " " + in_quotes(name) + ": attribute " + in_quotes(a.name) +
                        " has an invalid type (lists hold fixed-size elements only)");
        if (!seen.insert(a.name).second)
            throw Error(ErrorKind::bad_input, std::string(what) + " " + in_quotes(name) + ": duplicate attribute " + in_quotes(a.name));
        if (a.type.is_fixed()) {
            shape.null_bit.push_back(a.nullable ? static_cast<int32_t>(nullable_fixed++) : -1);
            shape.slot.push_back(shape.fixed_size);
            shape.fixed_size += format::scalar_size(a.type.byte);
        } else {
            shape.null_bit.push_back(-1);
            shape.var_attribute.push_back(static_cast<uint32_t>(shape.slot.size()));
            shape.slot.push_back(shape.var_count++);
        }
    }
    shape.null_bytes = (nullable_fixed + 7) / 8;
    shape.attributes = std::move(attributes);
    return shape;
}

bool int_fits(TypeCode code, int64_t v) {
    switch (code) {
        case TypeCode::int8: return v >= INT8_MIN && v <= INT8_MAX;
        case TypeCode::int16: return v >= INT16_MIN && v <= INT16_MAX;
        case TypeCode::int32: return v >= INT32_MIN && v <= INT32_MAX;
        case TypeCode::int64: return true;
        case TypeCode::uint8: return v >= 0 && v <= UINT8_MAX;
        case TypeCode::uint16: return v >= 0 && v <= UINT16_MAX;
        case TypeCode::uint32: return v >= 0 && v <= UINT32_MAX;
        case TypeCode::uint64: return v >= 0;
        default: return false;
    }
}

bool uint_fits(TypeCode code, uint64_t v) {
    if (v <= static_cast<uint64_t>(INT64_MAX)) return int_fits(code, static_cast<int64_t>(v));
    return code == TypeCode::uint64;
}

bool is_integer(TypeCode c) { return c >= TypeCode::int8 && c <= TypeCode::uint64; }

const char* kind_name(Value::Kind k) {
    switch (k) {
        case Value::Kind::null: return "null";
        case Value::Kind::boolean: return "bool";
        case Value::Kind::int_: return "signed integer";
        case Value::Kind::uint_: return "unsigned integer";
        case Value::Kind::float_: return "floating-point number";
        case Value::Kind::string: return "string";
        case Value::Kind::bytes: return "bytes";
        case Value::Kind::ref: return "vertex reference";
        case Value::Kind::resolved_ref: return "resolved vertex reference";
        case Value::Kind::list: return "list";
        case Value::Kind::date: return "date";
        case Value::Kind::temporal: return "temporal or point value";
    }
    return "value";
}

void push(detail::GrowableArray<uint8_t>& out, const void* data, size_t n) {
    out.append(static_cast<const uint8_t*>(data), n);
}

void push_vlq(detail::GrowableArray<uint8_t>& out, uint64_t v) {
    uint8_t buf[format::kMaxVlqBytes];
    push(out, buf, format::vlq_encode(buf, v));
}

}  // namespace

Writer::Writer(WriterOptions options) : impl_(std::make_unique<Impl>()) {
    if (options.shard_count < 1) throw Error(ErrorKind::bad_input, "shard_count must be at least 1");
    if (options.max_vertices_per_shard > format::kMaxVerticesPerShard || options.max_vertices_per_shard == 0)
        throw Error(ErrorKind::bad_input, "max_vertices_per_shard must be between 1 and 2^31");
    if (options.max_value_size > format::kMaxValueSize)
        throw Error(ErrorKind::bad_input, "max_value_size must be at most " + std::to_string(format::kMaxValueSize) + " (spec §9)");
    impl_->options = options;
    impl_->shard_sizes.assign(options.shard_count, 0);
    // With one thread asked for, the writer starts none (staged edges are written in place).
    impl_->edges.emplace(options.shard_count, options.temp_directory, impl_->vertex_shard, impl_->vertex_local,
                         impl_->worker_threads() > 1);
    impl_->var_begin.push_back(0);
}

Writer::~Writer() = default;

const WriterOptions& Writer::options() const { return impl_->options; }
uint64_t Writer::vertex_count() const { return impl_->vertex_label.size(); }
uint64_t Writer::edge_count() const { return impl_->edges->size(); }

LabelId Writer::add_label(std::string_view name, std::vector<AttributeSpec> attributes) {
    auto& labels = impl_->labels;
    if (labels.size() + impl_->label_sets.size() >= format::kMaxLabels)
        throw Error(ErrorKind::limit, "label " + in_quotes(name) + ": more than " + std::to_string(format::kMaxLabels) +
                                          " labels and label sets together (spec §9)");
    if (impl_->label_names.count(std::string(name))) throw Error(ErrorKind::bad_input, "label " + in_quotes(name) + " declared twice");
    labels.push_back(make_shape(name, std::move(attributes), impl_->options.key_type, true, "label"));
    impl_->label_names.emplace(name);
    return static_cast<LabelId>(labels.size() - 1);
}

EdgeTypeId Writer::add_edge_type(std::string_view name, std::vector<AttributeSpec> properties) {
    auto& types = impl_->edge_types;
    if (types.size() >= format::kMaxEdgeTypes)
        throw Error(ErrorKind::limit, "edge type " + in_quotes(name) + ": more than " + std::to_string(format::kMaxEdgeTypes) + " edge types (spec §9)");
    if (impl_->edge_type_names.count(std::string(name))) throw Error(ErrorKind::bad_input, "edge type " + in_quotes(name) + " declared twice");
    types.push_back(make_shape(name, std::move(properties), impl_->options.key_type, false, "edge type"));
    impl_->edge_type_names.emplace(name);
    return static_cast<EdgeTypeId>(types.size() - 1);
}

// §4.2, §6.6: a set's attributes are its labels' in ascending label id order, each name once;
// one name declared with two types or nullabilities cannot share a record, so it is refused.
uint16_t Writer::Impl::label_set_of(std::span<const LabelId> set, const char* what) {
    if (set.empty()) throw Error(ErrorKind::bad_input, std::string(what) + ": a vertex needs at least one label");
    std::vector<uint32_t> sorted(set.begin(), set.end());
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) {
        if (sorted[i] >= labels.size()) throw Error(ErrorKind::misuse, std::string(what) + ": unknown label id " + std::to_string(sorted[i]));
        if (i > 0 && sorted[i] == sorted[i - 1])
            throw Error(ErrorKind::bad_input, std::string(what) + ": label " + in_quotes(labels[sorted[i]].name) + " given twice");
    }
    if (sorted.size() == 1) return static_cast<uint16_t>(sorted[0]);
    if (auto it = label_set_ids.find(sorted); it != label_set_ids.end()) return it->second;
    std::string name;
    std::vector<AttributeSpec> attributes;
    std::unordered_map<std::string, uint32_t> contributed_by;  // attribute name -> label
    for (uint32_t l : sorted) {
        name += (name.empty() ? "" : ";") + labels[l].name;
        for (const AttributeSpec& a : labels[l].attributes) {
            auto [it, inserted] = contributed_by.emplace(a.name, l);
            if (inserted) {
                attributes.push_back(a);
                continue;
            }
            const AttributeSpec& first = *std::find_if(attributes.begin(), attributes.end(), [&](const AttributeSpec& b) { return b.name == a.name; });
            if (first.type.byte != a.type.byte || first.nullable != a.nullable)
                throw Error(ErrorKind::bad_input, std::string(what) + ": labels " + in_quotes(labels[it->second].name) + " and " +
                                                      in_quotes(labels[l].name) + " both declare attribute " + in_quotes(a.name) +
                                                      " with different types or nullability (" + first.type.name() + (first.nullable ? " nullable" : "") +
                                                      ", " + a.type.name() + (a.nullable ? " nullable" : "") + "): a vertex cannot carry both");
        }
    }
    if (labels.size() + label_sets.size() >= format::kMaxLabels)
        throw Error(ErrorKind::limit, std::string(what) + ": more than " + std::to_string(format::kMaxLabels) + " labels and label sets together (spec §9)");
    if (attributes.size() > format::kMaxAttributes)
        throw Error(ErrorKind::limit, std::string(what) + ": label set " + in_quotes(name) + " has " + std::to_string(attributes.size()) +
                                          " attributes, past the limit of " + std::to_string(format::kMaxAttributes) + " (spec §9)");
    Shape shape = make_shape(name, std::move(attributes), options.key_type, true, "label set");
    const uint16_t id = detail::label_set_id(label_sets.size());
    label_sets.push_back({sorted, std::move(shape)});
    label_set_ids.emplace(std::move(sorted), id);
    return id;
}

uint64_t Writer::Impl::hash_key(const Key& key, IdSpace space) const {
    if (space.id > id_spaces.size()) throw Error(ErrorKind::misuse, "key " + in_quotes(key_to_string(key)) + ": unknown ID space " + std::to_string(space.id));
    if (options.key_type == KeyType::string) {
        auto* s = std::get_if<std::string_view>(&key);
        if (!s) throw Error(ErrorKind::bad_input, "key " + key_to_string(key) + " is an integer but this graph has string keys");
        return format::key_hash(*s, space);
    }
    auto* i = std::get_if<int64_t>(&key);
    if (!i) throw Error(ErrorKind::bad_input, "key " + in_quotes(key_to_string(key)) + " is a string but this graph has int64 keys");
    return format::key_hash(*i, space);
}

IdSpace Writer::add_id_space(std::string_view name) {
    Impl& m = *impl_;
    if (m.finished) throw Error(ErrorKind::misuse, "add_id_space after finish()");
    if (name.empty()) throw Error(ErrorKind::bad_input, "an ID space name must not be empty");
    check_utf8_name(name, "ID space");
    if (m.id_spaces.size() >= format::kMaxIdSpaces)
        throw Error(ErrorKind::limit, "ID space " + in_quotes(name) + ": more than " + std::to_string(format::kMaxIdSpaces) + " ID spaces (spec §9)");
    if (!m.id_space_names.emplace(name).second) throw Error(ErrorKind::bad_input, "ID space " + in_quotes(name) + " declared twice");
    m.id_spaces.emplace_back(name);
    return {static_cast<uint16_t>(m.id_spaces.size())};
}

std::string detail::InputContext::text() const {
    if (describe) return describe(subject);
    if (writer) return "edge '" + key_to_string(writer->key_of(from_id)) + "' -> '" + key_to_string(writer->key_of(to_id)) + "'";
    if (!to) return "vertex '" + key_to_string(*from) + "'";
    return "edge '" + key_to_string(*from) + "' -> '" + key_to_string(*to) + "'";
}

Key Writer::Impl::key_of(uint32_t v) const {
    if (options.key_type == KeyType::int64) return int_keys[v];
    return string_keys[v];
}

// Key table slots hold the vertex id + 1 in the low half (0 = empty) and the key hash's high
// half above it, so a probe rejects other keys without loading their hash or bytes.
namespace {
constexpr uint64_t key_slot(uint64_t hash, uint32_t vertex) { return (hash & 0xFFFF'FFFF'0000'0000ull) | (vertex + 1u); }
}  // namespace

template <typename Matches>
std::optional<uint32_t> Writer::Impl::probe(uint64_t hash, Matches&& matches) const {
    if (key_table.empty()) return std::nullopt;
    size_t mask = key_table.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        uint64_t slot = key_table[i];
        if (slot == 0) return std::nullopt;
        if ((slot ^ hash) >> 32) continue;
        uint32_t v = static_cast<uint32_t>(slot) - 1;
        if (matches(v)) return v;
    }
}

// The key's type was checked by hash_key. Comparing without building a Key per candidate
// matters: an import looks up two keys per edge.
std::optional<uint32_t> Writer::Impl::lookup(const Key& key, uint64_t hash, IdSpace space) const {
    if (const uint32_t* direct = direct_slot(key, space)) return *direct ? std::optional<uint32_t>(*direct - 1) : std::nullopt;
    // The same key in another space hashes differently, so a match of hash and key almost
    // always is the vertex; the space decides the rare collision.
    if (!vertex_space.empty()) {
        if (const auto* i = std::get_if<int64_t>(&key); i && options.key_type == KeyType::int64)
            return probe(hash, [&](uint32_t v) { return int_keys[v] == *i && space_of(v) == space; });
        const auto* s = std::get_if<std::string_view>(&key);
        if (!s || options.key_type != KeyType::string) return std::nullopt;
        return probe(hash, [&](uint32_t v) { return string_keys[v] == *s && space_of(v) == space; });
    }
    if (space.id != 0) return std::nullopt;  // no vertex is in a named space yet
    if (const auto* i = std::get_if<int64_t>(&key); i && options.key_type == KeyType::int64)
        return probe(hash, [&](uint32_t v) { return int_keys[v] == *i; });
    const auto* s = std::get_if<std::string_view>(&key);
    if (!s || options.key_type != KeyType::string) return std::nullopt;
    if (detail::StringKeys::is_short(*s)) {
        const detail::StringKeys::Cell cell = detail::StringKeys::short_cell(*s);
        return probe(hash, [&](uint32_t v) { return string_keys.holds(v, cell); });
    }
    return probe(hash, [&](uint32_t v) { return string_keys[v] == *s; });
}

void Writer::Impl::insert_key(uint32_t v) {
    if (space_of(v).id == 0 && insert_direct_key(v)) return;
    if ((key_table_entries + 1) * 2 > key_table.size()) grow_key_table();
    size_t mask = key_table.size() - 1;
    size_t i = key_hash[v] & mask;
    while (key_table[i] != 0) i = (i + 1) & mask;
    key_table[i] = key_slot(key_hash[v], v);
    ++key_table_entries;
}

// Growth at least doubles, and fills the new range from every vertex: a vertex whose key was
// past the old size is only in the key table until then.
bool Writer::Impl::insert_direct_key(uint32_t v) {
    const uint64_t k = direct_number(key_of(v));
    if (k == kNotDirect) return false;
    const size_t old_size = direct_keys.size();
    const bool grows = k >= old_size;
    if (grows && (k >= kDirectKeysPerVertex * vertex_label.size() + kDirectKeysMin || k >= direct_keys.capacity())) return false;
    direct_keys.set(static_cast<size_t>(k), v + 1);  // past the size too: nobody reads it before grow_to
    if (!grows) return true;
    const size_t new_size = std::min<uint64_t>(std::max<uint64_t>(k + 1, 2 * old_size), direct_keys.capacity());
    for (uint32_t u = 0; u < v; ++u) {
        const uint64_t other = space_of(u).id == 0 ? direct_number(key_of(u)) : kNotDirect;
        if (other >= old_size && other < new_size) direct_keys.set(static_cast<size_t>(other), u + 1);
    }
    direct_keys.grow_to(new_size);
    return true;
}

void Writer::Impl::grow_key_table() {
    std::vector<uint64_t> old(std::max<size_t>(16, key_table.size() * 2), 0);
    old.swap(key_table);
    size_t mask = key_table.size() - 1;
    for (uint64_t slot : old) {
        if (slot == 0) continue;
        size_t i = key_hash[static_cast<uint32_t>(slot) - 1] & mask;
        while (key_table[i] != 0) i = (i + 1) & mask;
        key_table[i] = slot;
    }
}

bool Writer::has_vertex(Key key) const { return impl_->lookup(key, impl_->hash_key(key)).has_value(); }
bool Writer::has_vertex(IdSpace space, Key key) const { return impl_->lookup(key, impl_->hash_key(key, space), space).has_value(); }

namespace {

// The error about one value: the item and the attribute named, then why.
struct ValueError {
    const detail::InputContext& context;
    const AttributeSpec& attribute;
    Error operator()(const std::string& why, ErrorKind kind = ErrorKind::bad_input) const {
        return Error(kind, context.text() + ": attribute " + in_quotes(attribute.name) + " (" + attribute.type.name() + "): " + why);
    }
};

// A vertex reference is staged as its key (see Arena) and resolved at encode time.
void stage_key(const Writer::Impl& writer, IdSpace space, const Key& key, detail::GrowableArray<uint8_t>& out) {
    writer.hash_key(key, space);  // checks the key's type and the space
    push(out, &space.id, 2);
    if (auto* s = std::get_if<std::string_view>(&key)) {
        push_vlq(out, s->size());
        push(out, s->data(), s->size());
    } else {
        int64_t k = std::get<int64_t>(key);
        push(out, &k, 8);
    }
}

std::string place_text(VertexRef place) { return std::to_string(place.shard) + ":" + std::to_string(place.index); }

// A writer takes references in one form: Writer by key (it places every vertex itself),
// ShardWriter resolved (its task holds one shard's keys, spec §10.1 phase 2).
void check_ref_form(const Writer::Impl& writer, const Value& v, const ValueError& bad) {
    if (writer.refs_resolved() && !v.holds_resolved_refs())
        throw bad("got a vertex reference by key; a ShardWriter takes references resolved to (shard, local index): resolve "
                  "the key as edge endpoints are (spec §10.1 phase 2) and give Value::ref(VertexRef) or "
                  "Value::ref_list(std::span<const VertexRef>)");
    if (!writer.refs_resolved() && v.holds_resolved_refs())
        throw bad("got a vertex reference resolved to (shard, local index); a Writer takes references by key (Value::ref(Key), "
                  "Value::ref_list(std::span<const Key>)) and places the vertices itself");
}

// A resolved reference, checked against the dataset's shard sizes as an edge endpoint is, and
// staged as its final 6 bytes (§5.2). `list_item` is its place in a list, for an error.
void stage_place(const Writer::Impl& writer, VertexRef place, detail::GrowableArray<uint8_t>& out, const ValueError& bad,
                 std::optional<size_t> list_item = std::nullopt) {
    const auto& sizes = writer.resolved_ref_shard_sizes;
    const auto item = [&] { return list_item ? "item " + std::to_string(*list_item) + ": " : std::string(); };
    if (place.shard >= sizes.size())
        throw bad(item() + "reference " + place_text(place) + ": shard " + std::to_string(place.shard) + " is past the dataset's " +
                  std::to_string(sizes.size()) + " shards");
    if (place.index >= sizes[place.shard])
        throw bad(item() + "reference " + place_text(place) + ": local index " + std::to_string(place.index) + " is past shard " +
                  std::to_string(place.shard) + "'s " + std::to_string(sizes[place.shard]) + " vertices");
    uint8_t bytes[format::kVertexRefSize];
    format::store_u48(bytes, (uint64_t{place.shard} << format::kRefShardShift) | place.index);
    push(out, bytes, sizeof bytes);
}

// Dates outside the years -999999..+999999 have no ISO 8601 text of six year digits; the
// format refuses them (§4.3) so that every stored date prints and reads back exactly.
void check_date(int64_t days, const ValueError& bad, std::string item = {}) {
    if (!format::is_valid_date_days(days))
        throw bad(item + "date of " + std::to_string(days) + " days since 1970-01-01 is outside the years -999999 to +999999 (" +
                  std::to_string(format::kMinDateDays) + " to " + std::to_string(format::kMaxDateDays) + " days, spec §4.3)");
}

// A zone name goes into the string table (§4.1).
uint32_t stage_zone(Writer::Impl& writer, std::string_view zone_name, const ValueError& bad, const std::string& item) {
    if (!detail::is_zone_name_text(zone_name))
        throw bad(item + "zone name " + in_quotes(std::string(zone_name)) + " is not an IANA time zone name");
    return writer.zone_number(zone_name);
}

// One encoded value of a 2.2 type (§4.3) after its range check; a datetime gets its zone's
// number (see Writer::Impl::zone_names). `item` prefixes errors about a list's item.
void stage_temporal(Writer::Impl& writer, TypeCode code, const uint8_t* encoded, std::string_view zone_name,
                    detail::GrowableArray<uint8_t>& out, const ValueError& bad, const std::string& item = {}) {
    const char* why = nullptr;
    switch (code) {
        case TypeCode::localtime: why = format::invalid(format::decode_localtime(encoded)); break;
        case TypeCode::time: why = format::invalid(format::decode_time(encoded)); break;
        case TypeCode::localdatetime: why = format::invalid(format::decode_localdatetime(encoded)); break;
        case TypeCode::datetime: why = format::invalid(format::decode_datetime(encoded)); break;
        case TypeCode::duration: why = format::invalid(format::decode_duration(encoded)); break;
        case TypeCode::point: why = format::invalid(format::decode_point(encoded)); break;
        default: MMGRAPH_CHECK(false, "not a 2.2 type");
    }
    if (why) throw bad(item + why + " (spec §4.3)");
    const unsigned size = format::scalar_size(static_cast<uint8_t>(code));
    uint8_t bytes[28];
    std::memcpy(bytes, encoded, size);
    if (code == TypeCode::datetime) {
        format::DateTime t = format::decode_datetime(bytes);
        t.zone = zone_name.empty() ? 0 : stage_zone(writer, zone_name, bad, item);
        format::encode(t, bytes);
    }
    push(out, bytes, size);
}

bool is_temporal(TypeCode code) { return code >= TypeCode::localtime && code <= TypeCode::point; }

// A present fixed-size value: its final little-endian bytes (a reference: its key, or in a
// ShardWriter its final bytes).
void stage_fixed(Writer::Impl& writer, const AttributeSpec& a, const Value& v, detail::GrowableArray<uint8_t>& out,
                 const ValueError& bad) {
    const TypeCode code = a.type.element();
    uint8_t buf[8] = {};
    unsigned size = format::scalar_size(a.type.byte);
    if (is_temporal(code)) {
        if (v.kind() != Value::Kind::temporal || v.list_element() != code)
            throw bad("expected a " + a.type.name() + ", got " +
                      (v.kind() == Value::Kind::temporal ? std::string(format::scalar_name(static_cast<uint8_t>(v.list_element())))
                                                         : std::string(kind_name(v.kind()))));
        stage_temporal(writer, code, v.encoded_bytes().data(), v.text(), out, bad);
        return;
    }
    if (code == TypeCode::boolean) {
        if (v.kind() != Value::Kind::boolean) throw bad(std::string("expected bool, got ") + kind_name(v.kind()));
        buf[0] = v.as_bool() ? 1 : 0;
    } else if (is_integer(code)) {
        if (v.kind() == Value::Kind::int_) {
            if (!int_fits(code, v.as_int())) throw bad("value " + std::to_string(v.as_int()) + " out of range");
            int64_t x = v.as_int();
            std::memcpy(buf, &x, size);
        } else if (v.kind() == Value::Kind::uint_) {
            if (!uint_fits(code, v.as_uint())) throw bad("value " + std::to_string(v.as_uint()) + " out of range");
            uint64_t x = v.as_uint();
            std::memcpy(buf, &x, size);
        } else {
            throw bad(std::string("expected an integer, got ") + kind_name(v.kind()));
        }
    } else if (code == TypeCode::float32 || code == TypeCode::float64) {
        double x;
        if (v.kind() == Value::Kind::float_) x = v.as_float();
        else if (v.kind() == Value::Kind::int_) x = static_cast<double>(v.as_int());
        else if (v.kind() == Value::Kind::uint_) x = static_cast<double>(v.as_uint());
        else throw bad(std::string("expected a number, got ") + kind_name(v.kind()));
        if (code == TypeCode::float32) {
            float f = static_cast<float>(x);
            std::memcpy(buf, &f, 4);
        } else {
            std::memcpy(buf, &x, 8);
        }
    } else if (code == TypeCode::date) {
        if (v.kind() != Value::Kind::date) throw bad(std::string("expected a date, got ") + kind_name(v.kind()));
        check_date(v.as_int(), bad);
        const int32_t days = static_cast<int32_t>(v.as_int());
        std::memcpy(buf, &days, 4);
    } else if (code == TypeCode::vertex_ref) {
        if (v.kind() != Value::Kind::ref && v.kind() != Value::Kind::resolved_ref)
            throw bad(std::string("expected a vertex reference, got ") + kind_name(v.kind()));
        check_ref_form(writer, v, bad);
        if (writer.refs_resolved()) stage_place(writer, v.place(), out, bad);
        else stage_key(writer, v.ref_space(), v.key(), out);
        return;
    }
    push(out, buf, size);
}

// String values are UTF-8 (spec §4.3); bytes values may hold anything.
void check_utf8_value(std::string_view text, const ValueError& bad, const std::string& item = {}) {
    if (const size_t at = format::first_invalid_utf8(text); at != text.size())
        throw bad(item + "string is not UTF-8 (byte " + format::hex_byte(text[at]) + " at byte " + std::to_string(at) +
                  "; store it as bytes, or fix its encoding; spec §4.3)");
}

// A present string or bytes value: VLQ(count) + payload; returns the payload's size.
uint64_t stage_text(const AttributeSpec& a, const Value& v, uint64_t max_value_size, detail::GrowableArray<uint8_t>& out,
                    const ValueError& bad) {
    const TypeCode code = a.type.element();
    bool ok = (code == TypeCode::string && v.kind() == Value::Kind::string) ||
              (code == TypeCode::bytes && (v.kind() == Value::Kind::bytes || v.kind() == Value::Kind::string));
    if (!ok) throw bad(std::string("expected ") + (code == TypeCode::string ? "a string" : "bytes") + ", got " + kind_name(v.kind()));
    if (code == TypeCode::string) check_utf8_value(v.text(), bad);
    const uint64_t count = v.text().size();
    if (count > max_value_size)
        throw bad("value of " + std::to_string(count) + " bytes exceeds the limit of " + std::to_string(max_value_size) +
                      " bytes per value (spec §9)",
                  ErrorKind::limit);
    push_vlq(out, count);
    push(out, v.text().data(), v.text().size());
    return count;
}

// A present list: VLQ(count) + items; returns (count, payload bytes).
// The items of a list of a 2.2 type, given as the structs of format/temporal.hpp.
void stage_temporal_items(Writer::Impl& writer, TypeCode code, const Value& v, detail::GrowableArray<uint8_t>& out,
                          const ValueError& bad) {
    const auto zone_names = v.string_items();
    for (uint64_t j = 0; j < v.list_size(); ++j) {
        const std::string item = "item " + std::to_string(j) + ": ";
        uint8_t bytes[28];
        std::string_view zone;
        switch (code) {
            case TypeCode::localtime: format::encode(v.encoded_items<format::LocalTime>()[j], bytes); break;
            case TypeCode::time: format::encode(v.encoded_items<format::Time>()[j], bytes); break;
            case TypeCode::localdatetime: format::encode(v.encoded_items<format::LocalDateTime>()[j], bytes); break;
            case TypeCode::duration: format::encode(v.encoded_items<format::Duration>()[j], bytes); break;
            case TypeCode::point: format::encode(v.encoded_items<format::Point>()[j], bytes); break;
            case TypeCode::datetime: {
                const format::DateTime t = v.encoded_items<format::DateTime>()[j];
                if (t.zone > zone_names.size())
                    throw bad(item + "zone " + std::to_string(t.zone) + " is past the " + std::to_string(zone_names.size()) + " zone names given");
                if (t.zone > 0) zone = zone_names[t.zone - 1];
                format::encode(format::DateTime{t.seconds, t.nanos, t.offset, 0}, bytes);
                break;
            }
            default: MMGRAPH_CHECK(false, "not a 2.2 type");
        }
        stage_temporal(writer, code, bytes, zone, out, bad, item);
    }
}

std::pair<uint64_t, uint64_t> stage_list(Writer::Impl& writer, const AttributeSpec& a, const Value& v,
                                         detail::GrowableArray<uint8_t>& out, const ValueError& bad) {
    const TypeCode code = a.type.element();
    const uint64_t max_value_size = writer.options.max_value_size;
    if (v.kind() != Value::Kind::list) throw bad(std::string("expected a list, got ") + kind_name(v.kind()));
    // Strings stand for byte strings too, as they do for a scalar bytes attribute.
    bool strings_for_bytes = code == TypeCode::bytes && v.list_element() == TypeCode::string;
    if (v.list_element() != code && !strings_for_bytes)
        throw bad("expected a list of " + std::string(format::scalar_name(static_cast<uint8_t>(code))) + ", got a list of " +
                  std::string(format::scalar_name(static_cast<uint8_t>(v.list_element()))));
    if (code == TypeCode::vertex_ref) check_ref_form(writer, v, bad);
    const uint64_t count = v.list_size();
    if (count > max_value_size)
        throw bad("list of " + std::to_string(count) + " items exceeds the limit of " + std::to_string(max_value_size) +
                      " items per value (spec §9)",
                  ErrorKind::limit);
    uint64_t payload = 0;
    if (format::has_variable_items(a.type.byte)) {
        uint64_t index = 0;
        for (std::string_view item : v.string_items()) {
            if (code == TypeCode::string) check_utf8_value(item, bad, "item " + std::to_string(index) + ": ");
            ++index;
            if (item.size() > max_value_size)
                throw bad("list item of " + std::to_string(item.size()) + " bytes exceeds the limit of " +
                              std::to_string(max_value_size) + " bytes per value (spec §9)",
                          ErrorKind::limit);
            payload += format::vlq_size(item.size()) + item.size();
        }
    } else {
        payload = count * format::scalar_size(static_cast<uint8_t>(code));
    }
    // Sizes are staged as u32: a value that cannot fit one record's variable data (§9) must be
    // refused here, not wrap to a small size.
    if (format::vlq_size(count) + payload > format::kMaxRecordVarBytes)
        throw bad("list of " + std::to_string(count) + " items (" + std::to_string(payload) + " bytes) exceeds the limit of " +
                      std::to_string(format::kMaxRecordVarBytes) + " bytes of variable data",
                  ErrorKind::limit);
    push_vlq(out, count);
    if (format::has_variable_items(a.type.byte)) {
        for (std::string_view item : v.string_items()) {
            push_vlq(out, item.size());
            push(out, item.data(), item.size());
        }
    } else if (code == TypeCode::vertex_ref && writer.refs_resolved()) {
        const auto places = v.place_items();
        for (size_t j = 0; j < places.size(); ++j) stage_place(writer, places[j], out, bad, j);
    } else if (code == TypeCode::vertex_ref) {
        for (const Key& k : v.ref_items()) stage_key(writer, v.ref_space(), k, out);
    } else if (code == TypeCode::boolean) {
        for (uint64_t j = 0; j < count; ++j) out.push_back(v.text()[j] != 0 ? 1 : 0);  // normalise to 0/1 (§4.3)
    } else if (code == TypeCode::date) {
        for (uint64_t j = 0; j < count; ++j) {
            int32_t days;
            std::memcpy(&days, v.text().data() + 4 * j, 4);
            check_date(days, bad, "item " + std::to_string(j) + ": ");
        }
        push(out, v.text().data(), v.text().size());
    } else if (is_temporal(code)) {
        stage_temporal_items(writer, code, v, out, bad);
    } else {
        push(out, v.text().data(), v.text().size());
    }
    return {count, payload};
}

// stage() for the common item: every value present, of a boolean, integer or floating-point
// attribute, and of the kind that attribute takes (an integer in its range). Such an item is a
// presence byte and the value's final bytes per attribute, put together here and appended at
// once. Returns false, having appended nothing, when some value needs stage()'s checks: a null,
// another type or kind, an integer out of range, or an item longer than the buffer.
bool stage_plain_scalars(const Shape& shape, std::span<const Value> values, detail::GrowableArray<uint8_t>& out) {
    const auto& attrs = shape.attributes;
    if (values.size() != attrs.size()) return false;
    uint8_t item[32] = {};  // all 32 are copied
    size_t at = 0;
    for (size_t i = 0; i < attrs.size(); ++i) {
        const TypeCode code = attrs[i].type.element();
        const unsigned size = format::scalar_size(attrs[i].type.byte);
        if (attrs[i].type.is_list() || at + 1 + size > sizeof item) return false;
        const Value& v = values[i];
        item[at++] = 1;
        if (code == TypeCode::float32 && v.kind() == Value::Kind::float_) {
            const float f = static_cast<float>(v.as_float());
            std::memcpy(item + at, &f, 4);
        } else if (code == TypeCode::float64 && v.kind() == Value::Kind::float_) {
            const double d = v.as_float();
            std::memcpy(item + at, &d, 8);
        } else if (is_integer(code) && v.kind() == Value::Kind::int_ && int_fits(code, v.as_int())) {
            const int64_t x = v.as_int();
            std::memcpy(item + at, &x, size);  // little-endian: the low bytes
        } else if (code == TypeCode::boolean && v.kind() == Value::Kind::boolean) {
            item[at] = v.as_bool() ? 1 : 0;
        } else {
            return false;
        }
        at += size;
    }
    out.append_from(item, at);
    return true;
}

}  // namespace

void Writer::Impl::stage(const Shape& shape, std::span<const Value> values, detail::Arena& arena,
                         std::vector<uint32_t>& sizes, const detail::InputContext& context) {
    const auto& attrs = shape.attributes;
    if (values.size() > attrs.size())
        throw Error(ErrorKind::bad_input, context.text() + ": " + std::to_string(values.size()) + " values given, " + in_quotes(shape.name) +
                    " has " + std::to_string(attrs.size()) + " attributes");
    auto& out = arena.bytes;
    size_t sizes_rollback = sizes.size();
    const size_t zones_rollback = zone_names.size();
    arena.begin_item();
    if (stage_plain_scalars(shape, values, out)) return;
    try {
        for (size_t i = 0; i < attrs.size(); ++i) {
            const AttributeSpec& a = attrs[i];
            const Value none{};
            const Value& v = i < values.size() ? values[i] : none;
            const ValueError bad{context, a};
            bool fixed = a.type.is_fixed();
            if (v.kind() == Value::Kind::null) {
                if (!a.nullable) throw bad("null given but the attribute is not nullable");
                out.push_back(0);
                if (!fixed) sizes.push_back(kAbsent);
                continue;
            }
            out.push_back(1);
            if (fixed) {
                stage_fixed(*this, a, v, out, bad);
                continue;
            }
            // Variable-size: stage VLQ(count) + payload, remember the final encoded size.
            uint64_t count = 0, payload = 0;
            if (!a.type.is_list()) count = payload = stage_text(a, v, options.max_value_size, out, bad);
            else std::tie(count, payload) = stage_list(*this, a, v, out, bad);
            if (count == 0 && !a.nullable) sizes.push_back(kAbsent);  // empty: offset 0 (§6.2)
            else sizes.push_back(static_cast<uint32_t>(format::vlq_size(count) + payload));
        }
    } catch (...) {
        arena.drop_last_item();
        sizes.resize(sizes_rollback);
        truncate_zones(zones_rollback);
        throw;
    }
}

void Writer::add_vertex(Key key, LabelId label, std::span<const Value> values) { add_vertex(IdSpace{}, key, label, values); }

void Writer::add_vertex(IdSpace space, Key key, LabelId label, std::span<const Value> values) {
    Impl& m = *impl_;
    if (m.finished) throw Error(ErrorKind::misuse, "add_vertex after finish()");
    if (label >= m.labels.size()) throw Error(ErrorKind::misuse, "vertex " + key_to_string(key) + ": unknown label id " + std::to_string(label));
    uint64_t hash = m.hash_key(key, space);
    if (m.lookup(key, hash, space)) throw Error(ErrorKind::bad_input, "duplicate vertex key " + in_quotes(key_to_string(key)) + m.space_text(space));
    m.append_vertex(key, hash, static_cast<uint16_t>(label), values, space);
}

void Writer::add_vertex(Key key, std::span<const LabelId> labels, std::span<const Value> values) { add_vertex(IdSpace{}, key, labels, values); }

void Writer::add_vertex(IdSpace space, Key key, std::span<const LabelId> labels, std::span<const Value> values) {
    Impl& m = *impl_;
    if (m.finished) throw Error(ErrorKind::misuse, "add_vertex after finish()");
    uint64_t hash = m.hash_key(key, space);
    if (m.lookup(key, hash, space)) throw Error(ErrorKind::bad_input, "duplicate vertex key " + in_quotes(key_to_string(key)) + m.space_text(space));
    // A new set is declared before the vertex is staged; a refused vertex leaves it declared,
    // which changes no byte: only the sets that vertices use reach a file.
    m.append_vertex(key, hash, m.label_set_of(labels, ("vertex " + key_to_string(key)).c_str()), values, space);
}

std::vector<AttributeSpec> Writer::label_set_attributes(std::span<const LabelId> labels) {
    Impl& m = *impl_;
    return m.shape_of(m.label_set_of(labels, "label_set_attributes")).attributes;
}

uint32_t Writer::vertex_for(Key key, LabelId label) { return vertex_for(IdSpace{}, key, label); }

uint32_t Writer::vertex_for(IdSpace space, Key key, LabelId label) {
    Impl& m = *impl_;
    if (m.finished) throw Error(ErrorKind::misuse, "vertex_for after finish()");
    if (label >= m.labels.size()) throw Error(ErrorKind::misuse, "vertex " + key_to_string(key) + ": unknown label id " + std::to_string(label));
    uint64_t hash = m.hash_key(key, space);
    if (auto v = m.lookup(key, hash, space)) return *v;
    return m.append_vertex(key, hash, static_cast<uint16_t>(label), {}, space);
}

void Writer::vertices_for(std::span<const Key> keys, LabelId label, std::span<uint32_t> ids) { vertices_for(IdSpace{}, keys, label, ids); }

void Writer::vertices_for(IdSpace space, std::span<const Key> keys, LabelId label, std::span<uint32_t> ids) {
    Impl& m = *impl_;
    m.check_vertices_for("vertices_for", space, keys.size(), label, ids.size());
    // What can refuse a new vertex is checked before the first is added, so that a failed call
    // adds none; key types first, as resolve_in_order checks them.
    const Key* refused = nullptr;
    for (const Key& key : keys) {
        if (std::holds_alternative<std::string_view>(key) != (m.options.key_type == KeyType::string)) m.hash_key(key);  // throws
        if (!refused && m.key_refused(key)) refused = &key;
    }
    if (refused) m.check_new_vertex(*refused);
    m.resolve_or_add(space, keys, label, ids);
}

void Writer::vertices_for_int_keys(std::span<const int64_t> keys, LabelId label, std::span<uint32_t> ids) {
    Impl& m = *impl_;
    m.check_vertices_for("vertices_for_int_keys", IdSpace{}, keys.size(), label, ids.size());
    if (m.options.key_type != KeyType::int64) throw Error(ErrorKind::misuse, "vertices_for_int_keys: this graph has string keys");
    m.resolve_or_add(IdSpace{}, keys, label, ids);  // an int64 key is never refused but by the vertex limit
}

uint64_t Writer::find_int_keys_concurrently(std::span<const int64_t> keys, std::span<uint32_t> ids) const {
    const Impl& m = *impl_;
    if (ids.size() != keys.size())
        throw Error(ErrorKind::misuse, "find_int_keys_concurrently: " + std::to_string(keys.size()) + " keys but room for " + std::to_string(ids.size()) + " ids");
    if (m.options.key_type != KeyType::int64) throw Error(ErrorKind::misuse, "find_int_keys_concurrently: this graph has string keys");
    // The stamp first: a vertex taken back after it was read changes the count the ids go with.
    const uint64_t stamp = m.vertices_taken_back.load(std::memory_order_acquire);
    const size_t size = m.direct_keys.published_size();
    // The loop does little per key: it takes this many keys ahead to cover a miss to memory.
    constexpr size_t kAhead = 64;
    for (size_t i = 0; i < keys.size(); ++i) {  // a negative key becomes a number past any size
        if (i + kAhead < keys.size())
            if (const auto later = static_cast<uint64_t>(keys[i + kAhead]); later < size) __builtin_prefetch(&m.direct_keys[later]);
        const auto number = static_cast<uint64_t>(keys[i]);
        ids[i] = (number < size ? m.direct_keys.load_concurrently(number) : 0) - 1;  // 0 - 1 is kUnfound
    }
    return stamp;
}

bool Writer::found_ids_current(uint64_t stamp) const { return stamp == impl_->vertices_taken_back.load(std::memory_order_relaxed); }

void Writer::Impl::check_vertices_for(const char* call, IdSpace space, size_t key_count, LabelId label, size_t id_room) const {
    auto misuse = [call](const std::string& what) { return Error(ErrorKind::misuse, call + what); };
    if (finished) throw misuse(" after finish()");
    if (id_room != key_count) throw misuse(": " + std::to_string(key_count) + " keys but room for " + std::to_string(id_room) + " ids");
    if (label >= labels.size()) throw misuse(": unknown label id " + std::to_string(label));
    if (space.id > id_spaces.size()) throw misuse(": unknown ID space " + std::to_string(space.id));
}

template <typename K>
void Writer::Impl::resolve_or_add(IdSpace space, std::span<const K> keys, LabelId label, std::span<uint32_t> ids) {
    if (vertex_label.size() + keys.size() > kMaxWriterVertices) {
        std::set<Key> added;
        for (const K& key : keys)
            if (!lookup(Key(key), hash_key(Key(key), space), space)) added.insert(Key(key));
        if (vertex_label.size() + added.size() > kMaxWriterVertices) throw too_many_vertices();
    }
    const std::vector<IdSpace> spaces(space.id == 0 ? 0 : keys.size(), space);
    resolve_keys(
        keys, spaces,
        [&](size_t i, uint32_t slot, bool in_order) {
            if (slot != 0) {
                ids[i] = slot - 1;
                return true;
            }
            // A new vertex (direct_keys holds every vertex whose key has a slot): added here
            // when no key before it is left for the second pass, which keeps the order.
            if (!in_order) return false;
            const Key key(keys[i]);
            ids[i] = append_vertex(key, hash_key(key, space), static_cast<uint16_t>(label), {}, space);
            return true;
        },
        [&](size_t i, uint64_t hash) {
            const Key key(keys[i]);
            auto v = lookup(key, hash, space);
            ids[i] = v ? *v : append_vertex(key, hash, static_cast<uint16_t>(label), {}, space);
        });
}

namespace {
bool found_direct(std::optional<uint32_t>& id, uint32_t slot) {
    id = slot ? std::optional<uint32_t>(slot - 1) : std::nullopt;
    return true;
}
}  // namespace

void Writer::find_vertices(std::span<const Key> keys, std::span<const IdSpace> spaces, std::span<std::optional<uint32_t>> ids) const {
    const Impl& m = *impl_;
    if (ids.size() != keys.size() || spaces.size() != keys.size())
        throw Error(ErrorKind::misuse, "find_vertices: " + std::to_string(keys.size()) + " keys, " + std::to_string(spaces.size()) + " spaces and room for " +
                                           std::to_string(ids.size()) + " ids");
    m.resolve_keys(keys, spaces, [&](size_t i, uint32_t slot, bool) { return found_direct(ids[i], slot); },
                   [&](size_t i, uint64_t hash) { ids[i] = m.lookup(keys[i], hash, spaces[i]); });
}

void Writer::find_vertices(std::span<const Key> keys, std::span<std::optional<uint32_t>> ids) const {
    const Impl& m = *impl_;
    if (ids.size() != keys.size())
        throw Error(ErrorKind::misuse, "find_vertices: " + std::to_string(keys.size()) + " keys but room for " + std::to_string(ids.size()) + " ids");
    m.resolve_keys(keys, {}, [&](size_t i, uint32_t slot, bool) { return found_direct(ids[i], slot); },
                   [&](size_t i, uint64_t hash) { ids[i] = m.lookup(keys[i], hash); });
}

bool Writer::Impl::key_refused(const Key& key) const {
    const auto* s = std::get_if<std::string_view>(&key);
    return s && (s->size() > options.max_value_size || !format::is_valid_utf8(*s));
}

void Writer::Impl::check_new_vertex(const Key& key) const {
    if (vertex_label.size() >= kMaxWriterVertices) throw too_many_vertices();
    const auto* s = std::get_if<std::string_view>(&key);
    if (!s) return;
    if (s->size() > options.max_value_size)
        throw Error(ErrorKind::limit, detail::InputContext{&key}.text() + ": key of " + std::to_string(s->size()) +
                    " bytes exceeds the limit of " + std::to_string(options.max_value_size) + " bytes per value (spec §9)");
    if (const size_t bad = format::first_invalid_utf8(*s); bad != s->size())
        throw Error(ErrorKind::bad_input, detail::InputContext{&key}.text() + ": key is not UTF-8 (byte " +
                    format::hex_byte((*s)[bad]) + " at byte " + std::to_string(bad) + ", spec §4.3)");
}

uint32_t Writer::Impl::append_vertex(const Key& key, uint64_t hash, uint16_t label, std::span<const Value> values, IdSpace space) {
    check_new_vertex(key);
    const Shape& shape = shape_of(label);
    const detail::InputContext context{&key};
    // The string key is offset-table entry 0 (§6.1); stage the attributes after it.
    if (auto* s = std::get_if<std::string_view>(&key))
        var_sizes.push_back(s->empty() ? kAbsent : static_cast<uint32_t>(format::vlq_size(s->size()) + s->size()));
    try {
        stage(shape, values, vertex_values, var_sizes, context);
    } catch (...) {
        if (shape.key_var) var_sizes.pop_back();
        throw;
    }
    var_begin.push_back(var_sizes.size());
    uint32_t v = static_cast<uint32_t>(vertex_label.size());
    vertex_label.push_back(label);
    if (space.id != 0 || !vertex_space.empty()) {  // the first vertex of a named space materializes the column
        vertex_space.resize(v, 0);
        vertex_space.push_back(space.id);
    }
    key_hash.push_back(hash);
    if (auto* s = std::get_if<std::string_view>(&key)) {
        string_keys.push(*s);
    } else {
        int_keys.push_back(std::get<int64_t>(key));
    }
    insert_key(v);
    const uint16_t shard = static_cast<uint16_t>(hash % options.shard_count);
    vertex_shard.push_back(shard);
    vertex_local.push_back(shard_sizes[shard]++);  // past the shard limit plan() reports it
    return v;
}

void Writer::add_edge(Key from, Key to, EdgeTypeId type, std::span<const Value> properties) {
    add_edge(IdSpace{}, from, IdSpace{}, to, type, properties);
}

void Writer::add_edge(IdSpace from_space, Key from, IdSpace to_space, Key to, EdgeTypeId type, std::span<const Value> properties) {
    Impl& m = *impl_;
    if (m.finished) throw Error(ErrorKind::misuse, "add_edge after finish()");
    const detail::InputContext context{&from, &to};
    auto src = m.lookup(from, m.hash_key(from, from_space), from_space);
    if (!src) throw Error(ErrorKind::bad_input, context.text() + ": unknown source vertex " + in_quotes(key_to_string(from)) + m.space_text(from_space));
    auto dst = m.lookup(to, m.hash_key(to, to_space), to_space);
    if (!dst) throw Error(ErrorKind::bad_input, context.text() + ": unknown target vertex " + in_quotes(key_to_string(to)) + m.space_text(to_space));
    m.append_edge(*src, *dst, type, properties, context);
}

void Writer::add_edge_by_id(uint32_t from, uint32_t to, EdgeTypeId type, std::span<const Value> properties) {
    Impl& m = *impl_;
    if (m.finished) throw Error(ErrorKind::misuse, "add_edge_by_id after finish()");
    const uint64_t count = m.vertex_label.size();
    if (from >= count || to >= count)
        throw Error(ErrorKind::misuse, "edge " + std::to_string(from) + " -> " + std::to_string(to) + ": vertex id out of range (" + std::to_string(count) + " vertices)");
    m.append_edge(from, to, type, properties, {nullptr, nullptr, &m, from, to});
}

void Writer::Impl::append_edge(uint32_t src, uint32_t dst, EdgeTypeId type, std::span<const Value> properties, const detail::InputContext& context) {
    if (type >= edge_types.size()) throw Error(ErrorKind::misuse, context.text() + ": unknown edge type id " + std::to_string(type));
    if (edges->size() >= std::numeric_limits<uint32_t>::max() - 1)
        throw Error(ErrorKind::limit, "more than 2^32 - 2 edges in one writer");
    edges->make_room();  // the only step that can fail on I/O: before anything is staged
    record_edge(src, dst, type, stage_edge(type, properties, context));
}

uint32_t Writer::Impl::stage_edge(EdgeTypeId type, std::span<const Value> properties, const detail::InputContext& context) {
    const Shape& shape = edge_types[type];
    if (!shape.has_properties()) {
        if (!properties.empty())
            throw Error(ErrorKind::bad_input, context.text() + ": edge type " + in_quotes(shape.name) + " has no properties");
        return kAbsent;
    }
    std::vector<uint32_t>& sizes = edge_sizes_scratch;
    sizes.clear();
    stage(shape, properties, edge_values, sizes, context);
    uint64_t heap = 0;
    for (uint32_t s : sizes)
        if (s != kAbsent) heap += s;
    if (heap > 0xFFFF'FFFFull) {
        edge_values.drop_last_item();
        throw Error(ErrorKind::limit, context.text() + ": properties too large");
    }
    return static_cast<uint32_t>(edge_values.items() - 1);
}

void Writer::Impl::record_edge(uint32_t src, uint32_t dst, EdgeTypeId type, uint32_t item) {
    const uint64_t id = edges->size();
    // The first edge of another type, or the first that breaks the item pattern, materializes
    // the column it needs from the earlier edges' values.
    if (type != 0 || !edge_type.empty()) {
        edge_type.resize(id, 0);
        edge_type.push_back(static_cast<uint16_t>(type));
    }
    if (edge_value_item.empty()) {
        if (id == 0) items_are_ids = item != kAbsent;  // the first edge sets the pattern
        if (item != (items_are_ids ? static_cast<uint32_t>(id) : kAbsent)) {
            edge_value_item.resize(id);
            for (uint64_t e = 0; e < id; ++e) edge_value_item[e] = items_are_ids ? static_cast<uint32_t>(e) : kAbsent;
        }
    }
    if (!edge_value_item.empty()) edge_value_item.push_back(item);
    edges->append(src, dst, static_cast<uint16_t>(type), type == 0 && item == kAbsent);
}

void Writer::add_vertices(std::span<const Key> keys, LabelId label, const RowValues& values) { add_vertices(IdSpace{}, keys, label, values); }

void Writer::add_vertices(std::span<const Key> keys, std::span<const LabelId> labels, const RowValues& values) {
    add_vertices(IdSpace{}, keys, labels, values);
}

void Writer::add_vertices(IdSpace space, std::span<const Key> keys, LabelId label, const RowValues& values) {
    if (label >= impl_->labels.size()) throw Error(ErrorKind::misuse, "add_vertices: unknown label id " + std::to_string(label));
    impl_->add_vertices(space, keys, static_cast<uint16_t>(label), values);
}

void Writer::add_vertices(IdSpace space, std::span<const Key> keys, std::span<const LabelId> labels, const RowValues& values) {
    if (impl_->finished) throw Error(ErrorKind::misuse, "add_vertices after finish()");
    impl_->add_vertices(space, keys, impl_->label_set_of(labels, "add_vertices"), values);
}

void Writer::Impl::add_vertices(IdSpace space, std::span<const Key> keys, uint16_t label, const RowValues& values) {
    Impl& m = *this;
    if (m.finished) throw Error(ErrorKind::misuse, "add_vertices after finish()");
    if (space.id > m.id_spaces.size()) throw Error(ErrorKind::misuse, "add_vertices: unknown ID space " + std::to_string(space.id));
    const auto first = static_cast<uint32_t>(m.vertex_label.size());
    const size_t first_zones = m.zone_names.size();
    size_t row = 0;
    try {
        for (; row < keys.size(); ++row) {
            const uint64_t hash = m.hash_key(keys[row], space);
            if (m.lookup(keys[row], hash, space))
                throw Error(ErrorKind::bad_input, "duplicate vertex key " + in_quotes(key_to_string(keys[row])) + m.space_text(space));
            m.append_vertex(keys[row], hash, label, values ? values(row) : std::span<const Value>(), space);
        }
    } catch (const Error& e) {
        m.truncate_vertices(first);
        m.truncate_zones(first_zones);
        throw e.at_row(row);
    } catch (...) {
        m.truncate_vertices(first);
        m.truncate_zones(first_zones);
        throw;
    }
}

void Writer::add_edges_by_id(std::span<const uint32_t> from, std::span<const uint32_t> to, EdgeTypeId type, const RowValues& properties) {
    Impl& m = *impl_;
    if (m.finished) throw Error(ErrorKind::misuse, "add_edges_by_id after finish()");
    if (from.size() != to.size())
        throw Error(ErrorKind::misuse, "add_edges_by_id: " + std::to_string(from.size()) + " sources but " + std::to_string(to.size()) + " targets");
    if (type >= m.edge_types.size()) throw Error(ErrorKind::misuse, "add_edges_by_id: unknown edge type id " + std::to_string(type));
    if (m.edges->size() + from.size() >= std::numeric_limits<uint32_t>::max() - 1)
        throw Error(ErrorKind::limit, "more than 2^32 - 2 edges in one writer");
    const uint64_t count = m.vertex_label.size();
    const uint64_t first_item = m.edge_values.items();
    const size_t first_zones = m.zone_names.size();
    auto drop_items_from = [&](uint64_t item) {
        while (m.edge_values.items() > item) m.edge_values.drop_last_item();
        if (item == first_item) m.truncate_zones(first_zones);
    };
    // Each row of a type with properties stages one item, in row order: row r's is first_item + r.
    const bool has_properties = m.edge_types[type].has_properties();
    size_t row = 0;
    try {
        for (; row < from.size(); ++row) {
            if (from[row] >= count || to[row] >= count)
                throw Error(ErrorKind::misuse, "edge " + std::to_string(from[row]) + " -> " + std::to_string(to[row]) +
                                                   ": vertex id out of range (" + std::to_string(count) + " vertices)");
            if (has_properties || properties)  // otherwise there is nothing to stage or refuse
                m.stage_edge(type, properties ? properties(row) : std::span<const Value>(), {nullptr, nullptr, &m, from[row], to[row]});
        }
    } catch (const Error& e) {
        drop_items_from(first_item);
        throw e.at_row(row);
    } catch (...) {
        drop_items_from(first_item);
        throw;
    }
    for (row = 0; row < from.size();) {
        const bool plain = !has_properties && m.records_only_in_spill(type);
        try {
            m.edges->make_room(plain ? detail::EdgeSpill::kPlainChunkEdges : detail::EdgeSpill::kChunkEdges);
        } catch (const Error& e) {
            // The staged properties of the rows not added go too: items follow edge ids.
            if (has_properties) drop_items_from(first_item + row);
            throw e.prefixed("the rows before it were added").at_row(row);
        }
        if (plain) {
            row += m.edges->append_plain(from.subspan(row), to.subspan(row));  // as many as the tail holds
            continue;
        }
        m.record_edge(from[row], to[row], type, has_properties ? static_cast<uint32_t>(first_item + row) : kAbsent);
        ++row;
    }
}

void Writer::Impl::truncate_vertices(uint32_t count) {
    const bool takes_back = count < vertex_label.size();
    for (uint32_t v = static_cast<uint32_t>(vertex_label.size()); v-- > count;) {
        erase_key(v);
        vertex_values.drop_last_item();
        --shard_sizes[vertex_shard[v]];
    }
    var_sizes.resize(var_begin[count]);
    var_begin.resize(count + 1);
    vertex_label.resize(count);
    if (!vertex_space.empty()) vertex_space.resize(count);
    key_hash.resize(count);
    vertex_shard.resize(count);
    vertex_local.resize(count);
    if (options.key_type == KeyType::int64) int_keys.resize(count);
    else string_keys.truncate(count);
    // After the entries are cleared: a finder that reads the new count sees them cleared, and
    // one that read the old count may have seen them set, which found_ids_current tells.
    if (takes_back) vertices_taken_back.fetch_add(1, std::memory_order_release);
}

// Linear-probing deletion by backward shift: each later entry of the probe run moves into the
// hole when the hole lies between its home slot and where it sits, so no lookup ever meets an
// empty slot before its key.
void Writer::Impl::erase_key(uint32_t v) {
    if (space_of(v).id == 0) {
        const uint64_t k = direct_number(key_of(v));
        if (k < direct_keys.size() && direct_keys[k] == v + 1) direct_keys.set(static_cast<size_t>(k), 0);
    }
    if (key_table.empty()) return;
    const size_t mask = key_table.size() - 1;
    size_t hole = key_hash[v] & mask;
    for (; static_cast<uint32_t>(key_table[hole]) != v + 1; hole = (hole + 1) & mask)
        if (key_table[hole] == 0) return;  // only in direct_keys
    --key_table_entries;
    for (size_t i = (hole + 1) & mask; key_table[i] != 0; i = (i + 1) & mask) {
        const size_t home = key_hash[static_cast<uint32_t>(key_table[i]) - 1] & mask;
        if (((i - home) & mask) >= ((i - hole) & mask)) {
            key_table[hole] = key_table[i];
            hole = i;
        }
    }
    key_table[hole] = 0;
}

}  // namespace mmgraph
