// Reading prepared columns (see columns.hpp) into views the writers add rows from.
#include "columns.hpp"

namespace mmgraph::python {
namespace {

Type parse_type(const std::string& name) {
    std::string scalar = name;
    const bool list = scalar.size() > 2 && scalar.ends_with("[]");
    if (list) scalar.resize(scalar.size() - 2);
    auto code = format::scalar_from_name(scalar);
    if (!code)
        throw Error(ErrorKind::bad_input, "unknown attribute type '" + name +
                                              "' (types are bool, int8 ... int64, uint8 ... uint64, float32, float64, string, bytes, "
                                              "vertex_ref, date, localtime, time, localdatetime, datetime, duration, point, "
                                              "and lists of them such as 'int32[]')");
    return list ? Type::list_of(static_cast<TypeCode>(*code)) : Type(static_cast<TypeCode>(*code));
}

template <typename T>
Value numeric_list(const py::handle& item, std::vector<py::object>& keep) {
    auto array = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(item);
    if (!array || array.ndim() != 1) throw Error(ErrorKind::bad_input, "a list value must be a one-dimensional sequence of numbers");
    keep.push_back(array);
    return Value::list(std::span<const T>(array.data(), static_cast<size_t>(array.size())));
}

// Zone names of prepared datetime records (a list of str): views kept in `column.zones`-like
// storage; every record's zone field must be at most their count.
std::vector<std::string_view> zone_names(const py::handle& names, const uint8_t* records, size_t count, std::vector<py::object>& keep,
                                         const std::string& what) {
    std::vector<std::string_view> out;
    for (const auto& name : names.cast<py::sequence>()) out.push_back(text_of(name, keep, what + " zone name"));
    for (size_t r = 0; r < count; ++r)
        if (format::load<uint32_t>(records + r * 20 + 16) > out.size()) throw Error(ErrorKind::misuse, what + ": a zone index past the zone names");
    return out;
}

// A prepared list of 2.2 records (see columns.hpp) decoded into structs the Value views.
template <typename T, typename Decode>
Value record_list(Column& column, const py::handle& item, std::vector<py::object>& keep, const std::string& what, Decode decode) {
    const bool zoned = std::is_same_v<T, DateTime>;
    py::object records = zoned ? item.cast<py::tuple>()[0] : py::reinterpret_borrow<py::object>(item);
    auto array = py::array::ensure(records, py::array::c_style);
    const py::dtype want = temporal_dtype(column.type.element());
    if (!array || !array.dtype().equal(want) || array.ndim() != 1)
        throw Error(ErrorKind::misuse, what + ": prepared list items must be a 1-d array of " + std::string(py::str(py::handle(want))));
    keep.push_back(array);
    const auto* bytes = static_cast<const uint8_t*>(array.data());
    const auto count = static_cast<size_t>(array.size());
    auto& items = std::any_cast<std::vector<T>&>(column.list_records.emplace_back(std::vector<T>(count)));
    for (size_t i = 0; i < count; ++i) items[i] = decode(bytes + i * static_cast<size_t>(want.itemsize()));
    if constexpr (zoned) {
        auto& names = column.list_texts.emplace_back(zone_names(item.cast<py::tuple>()[1], bytes, count, keep, what));
        return Value::list(std::span<const DateTime>(items), std::span<const std::string_view>(names));
    } else {
        return Value::list(std::span<const T>(items));
    }
}

Value list_value(Column& column, const py::handle& item, bool int_keys, std::vector<py::object>& keep, const std::string& what) {
    switch (column.type.element()) {
        case TypeCode::localtime: return record_list<LocalTime>(column, item, keep, what, format::decode_localtime);
        case TypeCode::time: return record_list<Time>(column, item, keep, what, format::decode_time);
        case TypeCode::localdatetime: return record_list<LocalDateTime>(column, item, keep, what, format::decode_localdatetime);
        case TypeCode::datetime: return record_list<DateTime>(column, item, keep, what, format::decode_datetime);
        case TypeCode::duration: return record_list<Duration>(column, item, keep, what, format::decode_duration);
        case TypeCode::point: return record_list<Point>(column, item, keep, what, format::decode_point);
        case TypeCode::boolean: return numeric_list<bool>(item, keep);
        case TypeCode::int8: return numeric_list<int8_t>(item, keep);
        case TypeCode::int16: return numeric_list<int16_t>(item, keep);
        case TypeCode::int32: return numeric_list<int32_t>(item, keep);
        case TypeCode::int64: return numeric_list<int64_t>(item, keep);
        case TypeCode::uint8: return numeric_list<uint8_t>(item, keep);
        case TypeCode::uint16: return numeric_list<uint16_t>(item, keep);
        case TypeCode::uint32: return numeric_list<uint32_t>(item, keep);
        case TypeCode::uint64: return numeric_list<uint64_t>(item, keep);
        case TypeCode::float32: return numeric_list<float>(item, keep);
        case TypeCode::float64: return numeric_list<double>(item, keep);
        case TypeCode::string:
        case TypeCode::bytes: {
            auto& texts = column.list_texts.emplace_back();
            for (const auto& text : item) texts.push_back(text_of(text, keep, what));
            return Value::list(std::span<const std::string_view>(texts));
        }
        case TypeCode::date: {  // int32 day counts, range-checked by mmgraph/_writing.py
            Value days = numeric_list<int32_t>(item, keep);
            return Value::date_list(std::span<const int32_t>(reinterpret_cast<const int32_t*>(days.text().data()), days.list_size()));
        }
        case TypeCode::vertex_ref: {
            auto& keys = column.list_keys.emplace_back();
            for (const auto& key : item) {
                if (int_keys) keys.emplace_back(key.cast<int64_t>());
                else keys.emplace_back(text_of(key, keep, what));
            }
            return Value::ref_list(std::span<const Key>(keys));
        }
    }
    throw Error(ErrorKind::bad_input, what + ": unknown list type");
}

// One of the two sequences of a resolved reference list, as int64 with every item in [0, max].
std::vector<int64_t> place_numbers(const py::handle& items, int64_t max, const char* name, const std::string& what) {
    auto array = py::array::ensure(items);
    const bool integers = array && (array.dtype().kind() == 'i' || array.dtype().kind() == 'u');
    if (!array || array.ndim() != 1 || (!integers && array.size() > 0))
        throw Error(ErrorKind::bad_input, what + ": " + name + " must be a one-dimensional sequence of integers");
    auto numbers = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(array);
    if (!numbers) throw py::error_already_set();
    std::vector<int64_t> out(numbers.data(), numbers.data() + numbers.size());
    for (size_t i = 0; i < out.size(); ++i)
        if (out[i] < 0 || out[i] > max)  // a uint64 past int64 arrives negative
            throw Error(ErrorKind::bad_input, what + ": " + name + " item " + std::to_string(i) + " is not from 0 to " + std::to_string(max));
    return out;
}

// A vertex_ref[] value resolved: a pair (shards, indices) of integer sequences.
Value place_list_value(Column& column, const py::handle& item, const std::string& what) {
    const Py_ssize_t size = PySequence_Check(item.ptr()) ? PySequence_Size(item.ptr()) : -1;
    if (size < 0) PyErr_Clear();  // not a sized sequence
    if (size != 2) throw Error(ErrorKind::bad_input, what + ": a resolved vertex_ref[] value is a pair (shards, indices)");
    auto pair = py::reinterpret_borrow<py::sequence>(item);
    const auto shards = place_numbers(pair[0], UINT16_MAX, "shards", what);
    const auto indices = place_numbers(pair[1], UINT32_MAX, "indices", what);
    if (shards.size() != indices.size())
        throw Error(ErrorKind::bad_input, what + ": " + std::to_string(shards.size()) + " shards but " + std::to_string(indices.size()) + " indices");
    auto& places = column.list_places.emplace_back(shards.size());
    for (size_t i = 0; i < places.size(); ++i) places[i] = {static_cast<uint16_t>(shards[i]), static_cast<uint32_t>(indices[i])};
    return Value::ref_list(std::span<const VertexRef>(places));
}

// A prepared column's array: 1-d, contiguous, `rows` long, of exactly `want` (the Python half
// casts and range-checks it).
py::array exact_array(const py::handle& values, py::dtype want, size_t rows, std::vector<py::object>& keep, const std::string& what) {
    auto array = py::array::ensure(values, py::array::c_style);
    if (!array || !array.dtype().equal(want) || array.ndim() != 1)
        throw Error(ErrorKind::misuse, what + ": prepared values must be a 1-d array of " + std::string(py::str(want)));
    if (static_cast<size_t>(array.size()) != rows)
        throw Error(ErrorKind::bad_input, what + ": " + std::to_string(array.size()) + " values for " + std::to_string(rows) + " rows");
    keep.push_back(array);
    return array;
}

// A null mask (True = null) of `rows` items, or nullptr for None.
const bool* read_mask(const py::object& mask, size_t rows, std::vector<py::object>& keep, const std::string& what) {
    if (mask.is_none()) return nullptr;
    auto m = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(mask);
    if (!m || static_cast<size_t>(m.size()) != rows) throw Error(ErrorKind::misuse, what + ": mask of the wrong length");
    keep.push_back(m);
    return m.data();
}

}  // namespace

KeyType parse_key_type(const std::string& name) {
    if (name == "string") return KeyType::string;
    if (name == "int" || name == "int64") return KeyType::int64;
    throw Error(ErrorKind::misuse, "key_type is 'string' or 'int', not '" + name + "'");
}

std::vector<AttributeSpec> parse_attributes(const py::object& attributes) {
    std::vector<AttributeSpec> specs;
    if (attributes.is_none()) return specs;
    auto add = [&](const py::handle& name, const py::handle& spec) {
        AttributeSpec a;
        a.name = name.cast<std::string>();
        if (py::isinstance<py::str>(spec)) {
            a.type = parse_type(spec.cast<std::string>());
        } else {
            auto parts = spec.cast<py::sequence>();
            if (parts.size() < 1 || parts.size() > 2) throw py::type_error("attribute '" + a.name + "': give a type name or (type, nullable)");
            a.type = parse_type(parts[0].cast<std::string>());
            if (parts.size() == 2) a.nullable = parts[1].cast<bool>();
        }
        specs.push_back(std::move(a));
    };
    if (py::isinstance<py::dict>(attributes)) {
        for (auto [name, spec] : attributes.cast<py::dict>()) add(name, spec);
    } else {
        for (const auto& item : attributes) {
            auto parts = item.cast<py::sequence>();
            if (parts.size() == 2) add(parts[0], parts[1]);
            else if (parts.size() == 3) add(parts[0], py::make_tuple(parts[1], parts[2]));
            else throw py::type_error("an attribute is (name, type) or (name, type, nullable)");
        }
    }
    return specs;
}

std::string_view text_of(const py::handle& object, std::vector<py::object>& keep, const std::string& what) {
    if (PyUnicode_Check(object.ptr())) {
        Py_ssize_t size = 0;
        const char* data = PyUnicode_AsUTF8AndSize(object.ptr(), &size);
        if (!data) throw py::error_already_set();
        keep.push_back(py::reinterpret_borrow<py::object>(object));
        return {data, static_cast<size_t>(size)};
    }
    if (PyBytes_Check(object.ptr())) {
        keep.push_back(py::reinterpret_borrow<py::object>(object));
        return {PyBytes_AS_STRING(object.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(object.ptr()))};
    }
    if (PyObject_CheckBuffer(object.ptr())) {
        PyObject* converted = PyBytes_FromObject(object.ptr());
        if (!converted) throw py::error_already_set();
        auto copy = py::reinterpret_steal<py::object>(converted);
        keep.push_back(copy);
        return {PyBytes_AS_STRING(copy.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(copy.ptr()))};
    }
    throw Error(ErrorKind::bad_input, what + ": expected str or bytes, got " + std::string(py::str(object.get_type().attr("__name__"))));
}

KeyColumn read_keys(const py::object& keys, const py::object& mask, size_t rows, bool int_keys, std::vector<py::object>& keep,
                    const std::string& what) {
    KeyColumn column;
    if (!mask.is_none()) {
        auto m = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(mask);
        if (!m || static_cast<size_t>(m.size()) != rows) throw Error(ErrorKind::misuse, what + ": mask of the wrong length");
        column.null.assign(m.data(), m.data() + rows);
    }
    if (int_keys) {
        auto numbers = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(keys);
        if (!numbers) throw Error(ErrorKind::bad_input, what + ": int keys must convert to int64");
        if (static_cast<size_t>(numbers.size()) != rows) throw Error(ErrorKind::misuse, what + ": " + std::to_string(numbers.size()) + " keys for " + std::to_string(rows) + " rows");
        keep.push_back(numbers);
        column.ints = numbers.data();
        return column;
    }
    auto sequence = keys.cast<py::sequence>();
    if (sequence.size() != rows) throw Error(ErrorKind::misuse, what + ": " + std::to_string(sequence.size()) + " keys for " + std::to_string(rows) + " rows");
    column.texts.reserve(rows);
    for (size_t i = 0; i < rows; ++i) {
        py::object item = sequence[i];
        if (item.is_none() || column.is_null(i)) {
            if (column.null.empty()) column.null.assign(rows, 0);
            column.null[i] = 1;
            column.texts.emplace_back(std::string_view());
            continue;
        }
        if (!PyUnicode_Check(item.ptr()))
            throw Error(ErrorKind::bad_input, what + " row " + std::to_string(i) + ": string keys must be str, got " +
                                                  std::string(py::str(item.get_type().attr("__name__"))));
        column.texts.emplace_back(text_of(item, keep, what));
    }
    return column;
}

Column read_column(const AttributeSpec& spec, const py::handle& prepared, size_t rows, bool int_keys, std::vector<py::object>& keep,
                   const std::string& owner) {
    Column column;
    column.type = spec.type;
    if (prepared.is_none()) return column;
    const std::string what = owner + " attribute '" + spec.name + "'";
    auto parts = prepared.cast<py::tuple>();
    const std::string kind = parts[0].cast<std::string>();
    py::object values = parts[1], mask = parts[2];
    if (kind == "fixed") {
        if (!spec.type.is_fixed() || spec.type.element() == TypeCode::vertex_ref) throw Error(ErrorKind::misuse, what + ": not a fixed-size number");
        column.kind = Column::fixed;
        const bool zoned = spec.type.element() == TypeCode::datetime;
        py::object records = zoned ? values.cast<py::tuple>()[0] : values;
        column.data = static_cast<const uint8_t*>(exact_array(records, scalar_dtype(spec.type.element()), rows, keep, what).data());
        if (zoned) column.zones = zone_names(values.cast<py::tuple>()[1], column.data, rows, keep, what);
        column.mask = read_mask(mask, rows, keep, what);
        return column;
    }
    if (kind == "ref") {
        column.kind = Column::ref;
        column.refs = read_keys(values, mask, rows, int_keys, keep, what);
        return column;
    }
    if (kind == "place") {
        if (spec.type != Type(TypeCode::vertex_ref)) throw Error(ErrorKind::misuse, what + ": not a vertex_ref attribute");
        auto pair = values.cast<py::tuple>();
        if (pair.size() != 2) throw Error(ErrorKind::misuse, what + ": prepared references are (shards, indices)");
        column.kind = Column::place;
        column.shards = static_cast<const uint16_t*>(exact_array(pair[0], scalar_dtype(TypeCode::uint16), rows, keep, what + " shards").data());
        column.indices = static_cast<const uint32_t*>(exact_array(pair[1], scalar_dtype(TypeCode::uint32), rows, keep, what + " indices").data());
        column.mask = read_mask(mask, rows, keep, what);
        return column;
    }
    auto sequence = values.cast<py::sequence>();
    if (sequence.size() != rows)
        throw Error(ErrorKind::bad_input, what + ": " + std::to_string(sequence.size()) + " values for " + std::to_string(rows) + " rows");
    if (kind == "text") {
        column.kind = Column::text;
        column.texts.reserve(rows);
        for (size_t i = 0; i < rows; ++i) {
            py::object item = sequence[i];
            column.texts.push_back(item.is_none() ? std::nullopt : std::optional(text_of(item, keep, what + " row " + std::to_string(i))));
        }
        return column;
    }
    if (kind == "list" || kind == "place_list") {
        const bool places = kind == "place_list";
        if (places && spec.type != Type::list_of(TypeCode::vertex_ref)) throw Error(ErrorKind::misuse, what + ": not a vertex_ref[] attribute");
        column.kind = Column::list;
        column.lists.reserve(rows);
        for (size_t i = 0; i < rows; ++i) {
            py::object item = sequence[i];
            if (item.is_none()) {
                column.lists.emplace_back();
                continue;
            }
            const std::string row = what + " row " + std::to_string(i);
            column.lists.push_back(places ? place_list_value(column, item, row) : list_value(column, item, int_keys, keep, row));
        }
        return column;
    }
    throw Error(ErrorKind::misuse, what + ": unknown prepared column kind '" + kind + "'");
}

void Schemas::declare(bool label, const std::string& name, uint32_t id, std::vector<AttributeSpec> attributes) {
    (label ? labels_ : edge_types_)[name] = Schema{id, std::move(attributes)};
}

const Schema& Schemas::find(const std::string& kind, const std::string& name) const {
    const auto& table = kind == "label" ? labels_ : edge_types_;
    auto it = table.find(name);
    if (it == table.end()) throw Error(ErrorKind::misuse, "no " + kind + " '" + name + "' (declare it first)");
    return it->second;
}

py::list Schemas::describe(const std::string& kind, const std::string& name) const {
    py::list out;
    for (const auto& a : find(kind, name).attributes) out.append(py::make_tuple(a.name, type_name(a.type), a.nullable));
    return out;
}

std::vector<Column> read_columns(const Schema& schema, const py::list& columns, size_t rows, bool int_keys, std::vector<py::object>& keep,
                                 const std::string& owner) {
    if (columns.size() != schema.attributes.size())
        throw Error(ErrorKind::misuse, owner + ": " + std::to_string(columns.size()) + " prepared columns for " +
                                           std::to_string(schema.attributes.size()) + " attributes");
    std::vector<Column> prepared;
    prepared.reserve(columns.size());
    for (size_t c = 0; c < columns.size(); ++c) prepared.push_back(read_column(schema.attributes[c], columns[c], rows, int_keys, keep, owner));
    return prepared;
}

Writer::RowValues row_values(const std::vector<Column>& prepared) {
    if (prepared.empty()) return {};
    auto values = std::make_shared<std::vector<Value>>(prepared.size());
    return [&prepared, values](size_t r) {
        for (size_t c = 0; c < prepared.size(); ++c) (*values)[c] = prepared[c].value(r);
        return std::span<const Value>(*values);
    };
}

}  // namespace mmgraph::python
