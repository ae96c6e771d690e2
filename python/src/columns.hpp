// Prepared columns, as mmgraph.Writer and mmgraph.ShardWriter (python/mmgraph/_writing.py) hand
// them to their native halves (writer.cpp, shard_writer.cpp):
//   ("fixed", values, mask)  values: a contiguous numpy array of the attribute's exact dtype;
//                            mask: numpy bool (True = null) or None
//   ("text", objects, None)  str, bytes-like or None per row (string and bytes attributes)
//   ("ref", keys, mask)      the referenced vertices' keys, prepared as the key column is
//   ("place", (shards, indices), mask)
//                            references resolved (ShardWriter): contiguous uint16 shard ids and
//                            uint32 local indices, one each per row
//   ("list", objects, None)  None or one list per row: a numpy array of the element dtype, a
//                            sequence of str/bytes, or a sequence of keys (vertex_ref[])
//   ("place_list", objects, None)
//                            vertex_ref[] resolved (ShardWriter): None or a pair (shards,
//                            indices) of integer sequences per row
//   None                     the attribute is absent: null in every row
// The 2.2 types travel as their packed records (§4.3; temporal_dtype() gives the numpy dtype),
// in "fixed" columns and as "list" items. A datetime's records come as a pair (records, zone
// names), each record's zone field 0 for a fixed offset or k for names[k - 1].
// A key column is a numpy int64 array (int keys) or a sequence of str.
//
// Reading the Python objects needs the GIL; adding the rows does not. So a call first takes
// string views, numbers and list views out of the objects (keeping references to them in
// `keep`), then releases the GIL and adds every row from these columns.
#pragma once

#include <any>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>

#include "binding.hpp"

namespace mmgraph::python {

// "string" or "int" (also "int64"), as the writers' key_type argument.
KeyType parse_key_type(const std::string& name);

// {"name": "string", "born": ("int16", True)} or a sequence of (name, type[, nullable]).
std::vector<AttributeSpec> parse_attributes(const py::object& attributes);

// The bytes of a str, bytes or buffer object, viewed in place (the object, or a bytes copy of a
// buffer, goes to `keep`); bad_input naming `what` for anything else.
std::string_view text_of(const py::handle& object, std::vector<py::object>& keep, const std::string& what);

// Keys of vertices or of references, with null marks for reference columns. Int keys stay in
// their numpy array (kept alive by the caller's `keep`): an edge column of millions of rows
// would otherwise be copied into Key variants three times its size.
struct KeyColumn {
    const int64_t* ints = nullptr;  // int keys
    std::vector<Key> texts;         // string keys (views into the kept str objects)
    std::vector<uint8_t> null;      // empty: no nulls
    Key key(size_t row) const { return ints ? Key(ints[row]) : texts[row]; }
    bool is_null(size_t row) const { return !null.empty() && null[row]; }
    std::vector<Key> all(size_t rows) const {
        if (!ints) return texts;
        return std::vector<Key>(ints, ints + rows);
    }
};

KeyColumn read_keys(const py::object& keys, const py::object& mask, size_t rows, bool int_keys, std::vector<py::object>& keep,
                    const std::string& what);

// One prepared column, ready to give each row's Value without the GIL.
// Not copyable: its list Values point into its own list_texts, list_keys and list_places,
// which a move keeps in place and a copy would not.
struct Column {
    Column() = default;
    Column(Column&&) = default;
    Column(const Column&) = delete;
    Column& operator=(const Column&) = delete;

    enum Kind : uint8_t { absent, fixed, text, ref, place, list } kind = absent;
    Type type;
    const uint8_t* data = nullptr;  // fixed
    const bool* mask = nullptr;     // fixed, place
    const uint16_t* shards = nullptr;  // place
    const uint32_t* indices = nullptr;  // place
    std::vector<std::optional<std::string_view>> texts;
    KeyColumn refs;
    std::vector<Value> lists;  // null Values for null rows
    // What the list Values view.
    std::deque<std::vector<std::string_view>> list_texts;
    std::deque<std::vector<Key>> list_keys;
    std::deque<std::vector<VertexRef>> list_places;
    std::deque<std::any> list_records;  // a std::vector of a 2.2 struct per list
    std::vector<std::string_view> zones;  // datetime: what zone field k > 0 names (views of kept str)

    Value value(size_t row) const {
        switch (kind) {
            case absent: return Value();
            case fixed: return mask && mask[row] ? Value() : fixed_value(row);
            case text: {
                if (!texts[row]) return Value();
                return type.element() == TypeCode::bytes
                           ? Value::bytes({reinterpret_cast<const uint8_t*>(texts[row]->data()), texts[row]->size()})
                           : Value(*texts[row]);
            }
            case ref: return refs.is_null(row) ? Value() : Value::ref(refs.key(row));
            case place: return mask && mask[row] ? Value() : Value::ref(VertexRef{shards[row], indices[row]});
            case list: return lists[row];
        }
        return Value();
    }

    Value fixed_value(size_t row) const {
        const size_t size = format::scalar_size(type.byte);
        const uint8_t* p = data + row * size;
        auto load = [p]<typename T>(T) { T v; std::memcpy(&v, p, sizeof v); return v; };
        switch (type.element()) {
            case TypeCode::boolean: return Value(*p != 0);
            case TypeCode::int8: return Value(static_cast<long long>(load(int8_t{})));
            case TypeCode::int16: return Value(static_cast<long long>(load(int16_t{})));
            case TypeCode::int32: return Value(static_cast<long long>(load(int32_t{})));
            case TypeCode::int64: return Value(static_cast<long long>(load(int64_t{})));
            case TypeCode::uint8: return Value(static_cast<unsigned long long>(load(uint8_t{})));
            case TypeCode::uint16: return Value(static_cast<unsigned long long>(load(uint16_t{})));
            case TypeCode::uint32: return Value(static_cast<unsigned long long>(load(uint32_t{})));
            case TypeCode::uint64: return Value(static_cast<unsigned long long>(load(uint64_t{})));
            case TypeCode::float32: return Value(load(float{}));
            case TypeCode::float64: return Value(load(double{}));
            case TypeCode::date: return Value::date_days(load(int32_t{}));
            case TypeCode::localtime: return Value::localtime(format::decode_localtime(p));
            case TypeCode::time: return Value::time(format::decode_time(p));
            case TypeCode::localdatetime: return Value::localdatetime(format::decode_localdatetime(p));
            case TypeCode::datetime: {
                const DateTime t = format::decode_datetime(p);  // zones checked by read_column
                return Value::datetime(t, t.zone ? zones[t.zone - 1] : std::string_view());
            }
            case TypeCode::duration: return Value::duration(format::decode_duration(p));
            case TypeCode::point: return Value::point(format::decode_point(p));
            default: return Value();
        }
    }
};

// One prepared column of attribute `spec`; its errors name `owner` and the attribute.
Column read_column(const AttributeSpec& spec, const py::handle& prepared, size_t rows, bool int_keys, std::vector<py::object>& keep,
                   const std::string& owner);

// A declared label or edge type: its id and attributes, to read its prepared columns with.
struct Schema {
    uint32_t id = 0;
    std::vector<AttributeSpec> attributes;
};

// The labels and edge types a writer declared, by name.
class Schemas {
public:
    void declare(bool label, const std::string& name, uint32_t id, std::vector<AttributeSpec> attributes);
    // kind is "label" or "edge type"; misuse when there is no such name.
    const Schema& find(const std::string& kind, const std::string& name) const;
    // [(name, type name, nullable)] of the attributes, for the Python half's _prepare_all.
    py::list describe(const std::string& kind, const std::string& name) const;

private:
    std::unordered_map<std::string, Schema> labels_, edge_types_;
};

// Every prepared column of one call, in the schema's attribute order.
std::vector<Column> read_columns(const Schema& schema, const py::list& columns, size_t rows, bool int_keys, std::vector<py::object>& keep,
                                 const std::string& owner);

// Row r's values from the prepared columns, in a buffer the writer reads before the next row.
Writer::RowValues row_values(const std::vector<Column>& prepared);

// Runs `add` with the GIL released and `mutex` held; its errors name `owner`.
template <typename Add>
void add_unlocked(std::mutex& mutex, const std::string& owner, Add&& add) {
    py::gil_scoped_release release;
    std::lock_guard lock(mutex);
    try {
        add();
    } catch (const Error& e) {
        throw e.prefixed(owner);
    }
}

}  // namespace mmgraph::python
