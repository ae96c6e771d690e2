// mmgraph::Writer: collects a property graph in compact arrays, then `finish()` plans every
// section's exact size, sizes the output file once, encodes it with a bounded worker pool and
// renames it into place (spec/FORMAT.md §12).
//
// Errors: every call reports a failure by throwing mmgraph::Error, whose kind() says what went
// wrong: bad_input (a value, key or schema the format cannot hold as given: a wrong type, an
// unknown vertex, a duplicate name), limit (past a limit of spec §9, or of WriterOptions), io (a
// temporary file or the output could not be created, written, synced or renamed;
// error_number() holds the errno) and misuse (a call out of order, after finish(), or with an
// id this writer never returned). A call that throws leaves the writer as it was before the
// call: nothing of a failed add_* is staged, so the file finish() writes later is the one it
// would have written without the failed call. A failed finish() leaves no new file at the
// target paths and keeps everything staged; it may be called again.
//
// Threads: a Writer is used by one thread at a time; it starts worker threads of its own.
// The one exception: while a single thread adds edges (add_edge, add_edge_by_id) and no vertex
// is being added, other threads may call has_vertex and find_vertices at the same time.
//
//     mmgraph::Writer w;
//     auto person = w.add_label("Person", {{"name", mmgraph::TypeCode::string}});
//     auto knows = w.add_edge_type("KNOWS");
//     w.add_vertex("alice", person, {mmgraph::Value("Alice")});
//     w.add_vertex("bob", person, {mmgraph::Value("Bob")});
//     w.add_edge("alice", "bob", knows);
//     w.finish("people.mmg");
#pragma once

#include <array>
#include <cstdint>
#include <chrono>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "mmgraph/error.hpp"
#include "mmgraph/format/temporal.hpp"
#include "mmgraph/types.hpp"

namespace mmgraph {

// One input value: a non-owning view that the writer copies into its arrays immediately.
class Value {
public:
    // ref: a vertex reference by key; resolved_ref: one resolved to (shard, local index).
    // temporal: a localtime, time, localdatetime, datetime, duration or point (list_element()
    // says which), held encoded.
    enum class Kind : uint8_t { null, boolean, int_, uint_, float_, string, bytes, ref, resolved_ref, list, date, temporal };

    Value() = default;  // null
    Value(bool v) : kind_(Kind::boolean), u_(v) {}                      // NOLINT
    Value(int v) : kind_(Kind::int_), i_(v) {}                          // NOLINT
    Value(long v) : kind_(Kind::int_), i_(v) {}                         // NOLINT
    Value(long long v) : kind_(Kind::int_), i_(v) {}                    // NOLINT
    Value(unsigned v) : kind_(Kind::uint_), u_(v) {}                    // NOLINT
    Value(unsigned long v) : kind_(Kind::uint_), u_(v) {}               // NOLINT
    Value(unsigned long long v) : kind_(Kind::uint_), u_(v) {}          // NOLINT
    Value(double v) : kind_(Kind::float_), f_(v) {}                     // NOLINT
    Value(float v) : kind_(Kind::float_), f_(v) {}                      // NOLINT
    Value(std::string_view v) : kind_(Kind::string), text_(v) {}        // NOLINT
    Value(const char* v) : kind_(Kind::string), text_(v) {}             // NOLINT
    Value(const std::string& v) : kind_(Kind::string), text_(v) {}      // NOLINT
    // A Value views the string: one made from a temporary would dangle once stored past its
    // expression, so temporaries are refused (const&& catches const and non-const ones).
    Value(const std::string&&) = delete;

    static Value null() { return {}; }
    static Value bytes(std::span<const uint8_t> data) {
        Value v;
        v.kind_ = Kind::bytes;
        v.text_ = {reinterpret_cast<const char*>(data.data()), data.size()};
        return v;
    }
    // A reference to the vertex with this key; resolved by finish() (it may be added later).
    // A Key views its string too, so a temporary std::string is refused here as above.
    template <typename S>
        requires std::is_same_v<std::remove_const_t<S>, std::string>
    static Value ref(S&&) = delete;
    static Value ref(Key key) {
        Value v;
        v.kind_ = Kind::ref;
        v.key_ = key;
        return v;
    }
    // The vertex with this key in ID space `space` (Writer::add_id_space).
    template <typename S>
        requires std::is_same_v<std::remove_const_t<S>, std::string>
    static Value ref(IdSpace, S&&) = delete;
    static Value ref(IdSpace space, Key key) {
        Value v = ref(key);
        v.space_ = space;
        return v;
    }
    // A reference already resolved to its vertex's place in the dataset (§5.2), as ShardWriter
    // takes references (spec §10.1); Writer, which resolves keys itself, refuses it.
    static Value ref(VertexRef place) {
        Value v;
        v.kind_ = Kind::resolved_ref;
        v.u_ = (uint64_t{place.shard} << 32) | place.index;
        return v;
    }
    // A date attribute's value (spec §4.3): days since 1970-01-01. The writer refuses days
    // outside the years -999999 to +999999 (format::kMinDateDays..kMaxDateDays).
    static Value date_days(int64_t days) {
        Value v;
        v.kind_ = Kind::date;
        v.i_ = days;
        return v;
    }
    static Value date(std::chrono::sys_days day) { return date_days(day.time_since_epoch().count()); }
    static Value date(std::chrono::year_month_day day) { return date(std::chrono::sys_days(day)); }
    // A date[] attribute's value: days since 1970-01-01, each checked as date_days checks.
    static Value date_list(std::span<const int32_t> days) {
        Value v = list(days);
        v.list_element_ = TypeCode::date;
        return v;
    }
    static Value date_list(const std::vector<int32_t>& days) { return date_list(std::span<const int32_t>(days)); }
    // The types of 2.2 (spec §4.3, format/temporal.hpp): the writer refuses a value outside its
    // type's range (format::invalid says why) rather than clamp it.
    static Value localtime(LocalTime t) { return encoded(TypeCode::localtime, t); }
    static Value time(Time t) { return encoded(TypeCode::time, t); }
    static Value localdatetime(LocalDateTime t) { return encoded(TypeCode::localdatetime, t); }
    // A datetime at a fixed offset, or in the IANA zone `zone_name` (t.offset must then be the
    // zone's offset at that instant: the writer has no time-zone database to check it; the
    // importer computes it). The writer interns the name in the file's string table and sets
    // t.zone itself; the view is copied during the add_* call.
    static Value datetime(DateTime t, std::string_view zone_name = {}) {
        t.zone = 0;
        Value v = encoded(TypeCode::datetime, t);
        v.text_ = zone_name;
        return v;
    }
    static Value duration(Duration d) { return encoded(TypeCode::duration, d); }
    static Value point(Point p) { return encoded(TypeCode::point, p); }
    // Lists of them; a datetime item's zone is 0 for a fixed offset, k > 0 for zone_names[k - 1].
    static Value list(std::span<const LocalTime> items) { return encoded_list(TypeCode::localtime, items); }
    static Value list(std::span<const Time> items) { return encoded_list(TypeCode::time, items); }
    static Value list(std::span<const LocalDateTime> items) { return encoded_list(TypeCode::localdatetime, items); }
    static Value list(std::span<const DateTime> items, std::span<const std::string_view> zone_names = {}) {
        Value v = encoded_list(TypeCode::datetime, items);
        v.strings_ = zone_names;
        return v;
    }
    static Value list(std::span<const Duration> items) { return encoded_list(TypeCode::duration, items); }
    static Value list(std::span<const Point> items) { return encoded_list(TypeCode::point, items); }
    // A list of fixed-size scalars: the element type is checked against the attribute's.
    template <typename T>
    static Value list(std::span<const T> items) {
        static_assert(std::is_arithmetic_v<T>, "lists hold fixed-size scalars");
        Value v;
        v.kind_ = Kind::list;
        v.text_ = {reinterpret_cast<const char*>(items.data()), items.size() * sizeof(T)};
        v.u_ = items.size();
        v.list_element_ = list_element_for<T>();
        return v;
    }
    template <typename T>
    static Value list(const std::vector<T>& items) {
        return list(std::span<const T>(items));
    }
    static Value list(const std::vector<DateTime>& items, const std::vector<std::string_view>& zone_names) {
        return list(std::span<const DateTime>(items), std::span<const std::string_view>(zone_names));
    }
    // A list of strings, for a string[] or bytes[] attribute (spec §4.3). The views are
    // copied during the add_* call, like every other value.
    static Value list(std::span<const std::string_view> items) {
        Value v;
        v.kind_ = Kind::list;
        v.strings_ = items;
        v.u_ = items.size();
        v.list_element_ = TypeCode::string;
        return v;
    }
    static Value list(const std::vector<std::string_view>& items) { return list(std::span<const std::string_view>(items)); }
    // A list of vertex references by key.
    static Value ref_list(std::span<const Key> keys) {
        Value v;
        v.kind_ = Kind::list;
        v.refs_ = keys;
        v.u_ = keys.size();
        v.list_element_ = TypeCode::vertex_ref;
        return v;
    }
    // The same, every key in ID space `space`.
    static Value ref_list(IdSpace space, std::span<const Key> keys) {
        Value v = ref_list(keys);
        v.space_ = space;
        return v;
    }
    // A list of vertex references resolved to places, for ShardWriter (as ref(VertexRef)).
    static Value ref_list(std::span<const VertexRef> places) {
        Value v;
        v.kind_ = Kind::list;
        v.text_ = {reinterpret_cast<const char*>(places.data()), places.size() * sizeof(VertexRef)};  // viewed as list() views items
        v.u_ = places.size();
        v.list_element_ = TypeCode::vertex_ref;
        v.resolved_list_ = true;
        return v;
    }

    Kind kind() const { return kind_; }
    bool as_bool() const { return u_ != 0; }
    int64_t as_int() const { return i_; }
    uint64_t as_uint() const { return u_; }
    double as_float() const { return f_; }
    std::string_view text() const { return text_; }  // string, bytes, or raw list items
    const Key& key() const { return key_; }
    IdSpace ref_space() const { return space_; }  // the ID space of ref() and ref_list() keys
    TypeCode list_element() const { return list_element_; }
    uint64_t list_size() const { return u_; }
    std::span<const Key> ref_items() const { return refs_; }
    VertexRef place() const { return {static_cast<uint16_t>(u_ >> 32), static_cast<uint32_t>(u_)}; }  // resolved_ref
    // Whether the references this value holds (resolved_ref, or a vertex_ref list) are resolved.
    bool holds_resolved_refs() const { return kind_ == Kind::resolved_ref || resolved_list_; }
    std::span<const VertexRef> place_items() const {
        if (!resolved_list_) return {};
        return {reinterpret_cast<const VertexRef*>(text_.data()), u_};
    }
    std::span<const std::string_view> string_items() const { return strings_; }
    // Kind::temporal: the value's bytes as stored (§4.3), its zone name in text(). A list of
    // them: its items as the structs given, text() viewing them, the zone names in string_items().
    std::span<const uint8_t> encoded_bytes() const { return {encoded_, format::scalar_size(static_cast<uint8_t>(list_element_))}; }
    template <typename T>
    std::span<const T> encoded_items() const { return {reinterpret_cast<const T*>(text_.data()), u_}; }

private:
    template <typename T>
    static Value encoded(TypeCode code, const T& item) {
        Value v;
        v.kind_ = Kind::temporal;
        v.list_element_ = code;
        format::encode(item, v.encoded_);
        return v;
    }
    template <typename T>
    static Value encoded_list(TypeCode code, std::span<const T> items) {
        Value v;
        v.kind_ = Kind::list;
        v.text_ = {reinterpret_cast<const char*>(items.data()), items.size() * sizeof(T)};
        v.u_ = items.size();
        v.list_element_ = code;
        return v;
    }

    template <typename T>
    static constexpr TypeCode list_element_for() {
        if constexpr (std::is_same_v<T, bool>) return TypeCode::boolean;
        else if constexpr (std::is_floating_point_v<T>) return sizeof(T) == 4 ? TypeCode::float32 : TypeCode::float64;
        else if constexpr (std::is_signed_v<T>)
            return sizeof(T) == 1 ? TypeCode::int8 : sizeof(T) == 2 ? TypeCode::int16 : sizeof(T) == 4 ? TypeCode::int32 : TypeCode::int64;
        else
            return sizeof(T) == 1 ? TypeCode::uint8 : sizeof(T) == 2 ? TypeCode::uint16 : sizeof(T) == 4 ? TypeCode::uint32 : TypeCode::uint64;
    }

    Kind kind_ = Kind::null;
    TypeCode list_element_ = TypeCode::boolean;
    bool resolved_list_ = false;  // a list of VertexRef, viewed through text_
    IdSpace space_;               // of a reference by key
    union {
        int64_t i_;
        uint64_t u_ = 0;
        double f_;
    };
    uint8_t encoded_[28] = {};  // Kind::temporal, the largest of them (duration, point)
    std::string_view text_;
    Key key_;
    std::span<const Key> refs_;
    std::span<const std::string_view> strings_;
};

struct WriterOptions {
    KeyType key_type = KeyType::string;
    unsigned threads = 0;  // encode workers, and above 1 a thread that writes staged edges; 0 = hardware concurrency
    uint32_t max_node_types = format::kDefaultMaxNodeTypes;  // §6.3 cap (raised with the label count)
    uint16_t shard_count = 1;                        // files in the dataset (§10)
    bool store_in_edges = true;                      // in_edges domain (§7)
    std::optional<std::array<uint8_t, 16>> dataset_id;  // default: derived from content (§10)
    // Where staged edges wait for finish() (an unnamed file, gone with the writer): empty means
    // the system's temporary directory (TMPDIR, else /tmp).
    std::filesystem::path temp_directory;
    // Format limits (spec §9), lowered only to test the errors at reachable sizes.
    uint64_t max_vertices_per_shard = format::kMaxVerticesPerShard;
    uint64_t max_value_size = format::kMaxValueSize;  // bytes of a string or bytes value (and a string key), items of a list
};

struct WriteStats {
    std::vector<std::filesystem::path> files;
    uint64_t vertices = 0;
    uint64_t edges = 0;
    uint64_t bytes = 0;       // all shard files together
    uint32_t node_types = 0;  // summed over shards
    double plan_seconds = 0, encode_seconds = 0, commit_seconds = 0;
};

using LabelId = uint32_t;
using EdgeTypeId = uint32_t;

class Writer {
public:
    explicit Writer(WriterOptions options = {});
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    LabelId add_label(std::string_view name, std::vector<AttributeSpec> attributes = {});
    EdgeTypeId add_edge_type(std::string_view name, std::vector<AttributeSpec> properties = {});
    // A named ID space (spec §8.1): ids 1, 2, ... in declaration order; names distinct and not
    // empty. The same key may name one vertex in each space. Declaring one writes the id_spaces
    // section (§8.3) into every shard. Calls without a space use space 0,
    // the unnamed default, and so do vertex references by key without one (Value::ref(Key)).
    IdSpace add_id_space(std::string_view name);

    // Values come in the label's attribute order; missing trailing values are null.
    void add_vertex(Key key, LabelId label, std::span<const Value> values = {});
    void add_vertex(Key key, LabelId label, std::initializer_list<Value> values) {
        add_vertex(key, label, std::span<const Value>(values.begin(), values.size()));
    }
    // A vertex with several labels (spec §6.6), in any order, each once. Its attributes are
    // those of label_set_attributes(labels), and the values come in that order. A set whose
    // labels declare one attribute name with different types or nullability is refused
    // (bad_input, naming both labels). One label is the same as the overload above.
    //     const std::array<mmgraph::LabelId, 2> both{person, actor};
    //     w.add_vertex("keanu", both, {mmgraph::Value("Keanu"), mmgraph::Value(1964)});
    void add_vertex(Key key, std::span<const LabelId> labels, std::span<const Value> values = {});
    void add_vertex(Key key, std::span<const LabelId> labels, std::initializer_list<Value> values) {
        add_vertex(key, labels, std::span<const Value>(values.begin(), values.size()));
    }
    // The same, the key in ID space `space`: (space, key) is unique, a repeat is refused.
    void add_vertex(IdSpace space, Key key, LabelId label, std::span<const Value> values = {});
    void add_vertex(IdSpace space, Key key, LabelId label, std::initializer_list<Value> values) {
        add_vertex(space, key, label, std::span<const Value>(values.begin(), values.size()));
    }
    void add_vertex(IdSpace space, Key key, std::span<const LabelId> labels, std::span<const Value> values = {});
    void add_vertex(IdSpace space, Key key, std::span<const LabelId> labels, std::initializer_list<Value> values) {
        add_vertex(space, key, labels, std::span<const Value>(values.begin(), values.size()));
    }
    // The attributes of a vertex with these labels: the labels in ascending id order, each
    // label's attributes in schema order, a name that an earlier label gave already once
    // (spec §4.2). Refuses what add_vertex refuses for the set.
    std::vector<AttributeSpec> label_set_attributes(std::span<const LabelId> labels);
    // Both endpoints must have been added. Multi-edges and self-loops are legal.
    void add_edge(Key from, Key to, EdgeTypeId type, std::span<const Value> properties = {});
    void add_edge(Key from, Key to, EdgeTypeId type, std::initializer_list<Value> properties) {
        add_edge(from, to, type, std::span<const Value>(properties.begin(), properties.size()));
    }
    // Endpoints given by key in their ID spaces.
    void add_edge(IdSpace from_space, Key from, IdSpace to_space, Key to, EdgeTypeId type, std::span<const Value> properties = {});
    void add_edge(IdSpace from_space, Key from, IdSpace to_space, Key to, EdgeTypeId type, std::initializer_list<Value> properties) {
        add_edge(from_space, from, to_space, to, type, std::span<const Value>(properties.begin(), properties.size()));
    }

    // For importers that meet vertices as edge endpoints: the id (insertion index) of the vertex
    // with this key, added with `label` and no attributes when there is none yet; and an edge
    // between two such ids. One key lookup per endpoint, where has_vertex + add_vertex +
    // add_edge take two or three.
    uint32_t vertex_for(Key key, LabelId label);
    uint32_t vertex_for(IdSpace space, Key key, LabelId label);  // the key in ID space `space`
    // vertex_for over many keys, in order (ids[i] for keys[i]; ids.size() == keys.size()). The
    // key table probes of later keys are prefetched while earlier ones resolve, so their cache
    // misses overlap. A key of the wrong type fails before any vertex is added.
    void vertices_for(std::span<const Key> keys, LabelId label, std::span<uint32_t> ids);
    void vertices_for(IdSpace space, std::span<const Key> keys, LabelId label, std::span<uint32_t> ids);  // every key in `space`
    // vertices_for for an int64-keyed graph, the keys as plain integers (an edge list's ids, a
    // numpy array): a third of the bytes of Keys to read, and no key type to check per key.
    void vertices_for_int_keys(std::span<const int64_t> keys, LabelId label, std::span<uint32_t> ids);
    // For an importer that parses on other threads than the one adding: the ids of the int64
    // keys whose vertices can be found without the key table (keys that are small numbers, most
    // of an edge list's), ids[i] = that vertex or kUnfound. Unlike every other call, it may run
    // on any number of threads while one thread adds vertices and edges, until finish(); a
    // vertex added meanwhile may be found or not. The adding thread then resolves only the
    // kUnfound keys (vertices_for_int_keys: a found key is never new, so the order in which new
    // vertices are added stays that of the keys), leaving the found keys' cache misses to the
    // finding threads. Returns a stamp for found_ids_current.
    static constexpr uint32_t kUnfound = UINT32_MAX;
    uint64_t find_int_keys_concurrently(std::span<const int64_t> keys, std::span<uint32_t> ids) const;
    // Whether the ids found with `stamp` still hold: false when a failed call has taken back
    // vertices since (their ids may have been found, and may now be other vertices'); then
    // every key must be resolved again. Called on the adding thread.
    bool found_ids_current(uint64_t stamp) const;
    // The ids of existing vertices, prefetched the same way; nullopt for a key no vertex has.
    // Several threads may call it while one thread adds edges (add_edge, add_edge_by_id), as
    // long as no vertex is being added: an importer looks up endpoints in parallel that way.
    void find_vertices(std::span<const Key> keys, std::span<std::optional<uint32_t>> ids) const;
    // The same, keys[i] in ID space spaces[i] (spaces.size() == keys.size()).
    void find_vertices(std::span<const Key> keys, std::span<const IdSpace> spaces, std::span<std::optional<uint32_t>> ids) const;
    void add_edge_by_id(uint32_t from, uint32_t to, EdgeTypeId type, std::span<const Value> properties = {});

    // Many rows of one label or edge type in one call, all or none: when a row is refused,
    // the rows before it are taken back and the error (of the row's kind) starts with
    // "row N: ". values(i) gives row i's values, read before the next row is asked for; an
    // empty function gives none.
    using RowValues = std::function<std::span<const Value>(size_t row)>;
    void add_vertices(std::span<const Key> keys, LabelId label, const RowValues& values = {});
    // The same, every row with the labels `labels` (as add_vertex with several labels).
    void add_vertices(std::span<const Key> keys, std::span<const LabelId> labels, const RowValues& values = {});
    // Both, every key in ID space `space`.
    void add_vertices(IdSpace space, std::span<const Key> keys, LabelId label, const RowValues& values = {});
    void add_vertices(IdSpace space, std::span<const Key> keys, std::span<const LabelId> labels, const RowValues& values = {});
    // Edges between vertex ids (as add_edge_by_id), from[i] -> to[i]. Every row is checked and
    // its properties staged before any edge is added. One failure can leave rows added: an io
    // error while full chunks of staged edges spill to disk keeps the rows before it (the
    // error names the first row not added).
    void add_edges_by_id(std::span<const uint32_t> from, std::span<const uint32_t> to, EdgeTypeId type,
                         const RowValues& properties = {});

    bool has_vertex(Key key) const;
    bool has_vertex(IdSpace space, Key key) const;
    uint64_t vertex_count() const;
    uint64_t edge_count() const;
    const WriterOptions& options() const;

    // Writes the dataset: `path` itself for one shard, else shard_path(path, i, K) for each.
    // Every file is complete before any is renamed into place, and each rename is atomic: on
    // an input or I/O error before the renames nothing is left at the target paths and old files
    // there stay intact. Should a later rename of a multi-shard dataset fail, the shards already
    // renamed are new and the rest old; Dataset::open refuses that mix by its dataset ids.
    WriteStats finish(const std::filesystem::path& path);

    struct Impl;

private:
    friend class ShardWriter;  // stages one shard of a dataset in a Writer's arrays
    std::unique_ptr<Impl> impl_;
};


}  // namespace mmgraph
