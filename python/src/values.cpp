// Values, keys and vertices as Python sees them:
//   null -> None; bool, integers, floats -> bool, int, float; string -> str (invalid UTF-8 is
//   kept as surrogate escapes); bytes -> a read-only memoryview into the mapping (bytes in
//   tables); vertex_ref -> the referenced Vertex; lists of fixed-size numbers -> read-only numpy
//   views into the mapping (unaligned where the file packs them so); string[] -> list of str;
//   bytes[] -> list of memoryviews; vertex_ref[] -> list of Vertex; date -> datetime.date (a
//   numpy.datetime64 in days outside the years 1..9999); date[] -> a numpy datetime64[D] array;
//   the 2.2 types and their lists -> what mmgraph/_temporal.py makes of their records
//   (datetime.time, datetime.datetime, mmgraph.Duration, mmgraph.Point; lists as lists).
#include "binding.hpp"

#include <algorithm>
#include <map>

#include "mmgraph/format/date.hpp"
#include "mmgraph/format/temporal.hpp"

namespace mmgraph::python {

Source::Source(Dataset opened) : dataset(std::make_shared<const Dataset>(std::move(opened))) {
    first_index.reserve(dataset->shard_count() + 1);
    uint64_t next = 0;
    for (uint16_t s = 0; s < dataset->shard_count(); ++s) {
        first_index.push_back(next);
        if (dataset->mapped(s)) next += dataset->shard(s).vertex_count();
    }
    first_index.push_back(next);
    shard_end = dataset->shard_count();
}

Source Source::shard_view(uint16_t shard) const {
    if (shard >= shard_count())
        throw Error(ErrorKind::misuse, "shard " + std::to_string(shard) + " out of range (" + std::to_string(shard_count()) + " shards)");
    Source view = *this;
    view.shard_begin = shard;
    view.shard_end = static_cast<uint16_t>(shard + 1);
    return view;
}

Source Source::whole_view() const {
    Source view = *this;
    view.shard_begin = 0;
    view.shard_end = shard_count();
    return view;
}

VertexRef Source::locate(uint64_t global) const {
    if (global >= vertex_count())
        throw Error(ErrorKind::misuse, "vertex index " + std::to_string(global) + " out of range (" + std::to_string(vertex_count()) +
                                           " vertices)");
    auto after = std::upper_bound(first_index.begin(), first_index.end(), global);
    auto shard = static_cast<uint16_t>(after - first_index.begin() - 1);
    return {shard, static_cast<uint32_t>(global - first_index[shard])};
}

std::vector<uint16_t> Source::own_shards() const {
    std::vector<uint16_t> ids;
    for (uint16_t s = shard_begin; s < shard_end; ++s)
        if (mapped(s)) ids.push_back(s);
    return ids;
}

void Source::bad_reference(VertexRef ref) const {
    if (ref.shard < shard_count() && !mapped(ref.shard)) dataset->vertex(ref);  // throws ShardNotMapped naming the shard
    if (ref.shard >= shard_count())
        throw Error(ErrorKind::damaged, "vertex reference to shard " + std::to_string(ref.shard) + " of a " +
                                            std::to_string(shard_count()) + "-shard dataset");
    throw Error(ErrorKind::damaged, "vertex reference to index " + std::to_string(ref.index) + " of shard " + std::to_string(ref.shard) +
                                        ", which has " + std::to_string(shard(ref.shard).vertex_count()) + " vertices");
}

PyVertex make_vertex(const HandlePtr& handle, const Source& source, VertexRef ref) {
    if (ref.shard < source.shard_count() && !source.mapped(ref.shard)) return PyVertex{handle, PyVertex::kUnmapped, ref.shard, ref.index};
    return PyVertex{handle, source.global(ref), ref.shard, ref.index};
}

py::dtype scalar_dtype(TypeCode code) {
    switch (code) {
        case TypeCode::boolean: return py::dtype("?");
        case TypeCode::int8: return py::dtype("i1");
        case TypeCode::int16: return py::dtype("<i2");
        case TypeCode::int32: return py::dtype("<i4");
        case TypeCode::int64: return py::dtype("<i8");
        case TypeCode::uint8: return py::dtype("u1");
        case TypeCode::uint16: return py::dtype("<u2");
        case TypeCode::uint32: return py::dtype("<u4");
        case TypeCode::uint64: return py::dtype("<u8");
        case TypeCode::float32: return py::dtype("<f4");
        case TypeCode::float64: return py::dtype("<f8");
        case TypeCode::date: return py::dtype("<i4");  // the stored day count; see date_days_array
        case TypeCode::localtime:
        case TypeCode::time:
        case TypeCode::localdatetime:
        case TypeCode::datetime:
        case TypeCode::duration:
        case TypeCode::point: return temporal_dtype(code);
        default: throw Error(ErrorKind::misuse, "no numpy dtype for type " + std::string(format::scalar_name(static_cast<uint8_t>(code))));
    }
}

// The packed records of §4.3, field by field: mmgraph/_temporal.py takes its DTYPES from here
// (_native._temporal_dtypes), so what it writes and reads is this layout.
py::dtype temporal_dtype(TypeCode code) {
    auto packed = [](std::initializer_list<std::pair<const char*, const char*>> fields) {
        py::list list;
        for (const auto& [name, type] : fields) list.append(py::make_tuple(name, type));
        return py::dtype::from_args(list);
    };
    switch (code) {
        case TypeCode::localtime: return py::dtype("<i8");  // nanoseconds since midnight
        case TypeCode::time: return packed({{"nanos", "<i8"}, {"offset", "<i4"}});
        case TypeCode::localdatetime: return packed({{"seconds", "<i8"}, {"nanos", "<u4"}});
        case TypeCode::datetime: return packed({{"seconds", "<i8"}, {"nanos", "<u4"}, {"offset", "<i4"}, {"zone", "<u4"}});
        case TypeCode::duration: return packed({{"months", "<i8"}, {"days", "<i8"}, {"seconds", "<i8"}, {"nanos", "<i4"}});
        case TypeCode::point: return packed({{"srid", "<u4"}, {"x", "<f8"}, {"y", "<f8"}, {"z", "<f8"}});
        default: throw Error(ErrorKind::misuse, "not a 2.2 type");
    }
}

py::array dense_zones(py::array records, const std::vector<const File*>& files, std::vector<std::string>& names) {
    // Zone fields hold a string id + 1 of the file each record came from (§4.3); Python gets an
    // index + 1 into `names` instead, the same for equal names from different shards.
    std::map<std::string, uint32_t, std::less<>> seen;
    for (size_t i = 0; i < names.size(); ++i) seen.emplace(names[i], static_cast<uint32_t>(i + 1));
    auto* bytes = static_cast<uint8_t*>(records.mutable_data());
    for (size_t r = 0; r < files.size(); ++r) {
        uint8_t* field = bytes + r * 20 + 16;
        uint32_t zone = format::load<uint32_t>(field);
        if (zone == 0 || !files[r]) continue;
        std::string_view name = files[r]->zone_name(zone);
        auto it = seen.find(name);
        if (it == seen.end()) {
            names.emplace_back(name);
            it = seen.emplace(std::string(name), static_cast<uint32_t>(names.size())).first;
        }
        format::store<uint32_t>(field, it->second);
    }
    return records;
}

py::list temporal_objects(TypeCode code, const py::array& records, const std::vector<std::string>& zones) {
    py::list names;
    for (const auto& z : zones) names.append(decode_text(z));
    return py::module_::import("mmgraph._temporal").attr("objects")(std::string(format::scalar_name(static_cast<uint8_t>(code))), records, names);
}

py::array date_days_array(const py::array& days) { return days.attr("astype")("<M8[D]"); }

py::object date_to_python(int32_t days) {
    const format::CivilDate civil = format::civil_from_days(days);
    if (civil.year >= 1 && civil.year <= 9999)
        return py::module_::import("datetime").attr("date")(civil.year, civil.month, civil.day);
    // datetime.date stops at the years 1..9999; numpy's day-unit datetime64 holds every date.
    return py::module_::import("numpy").attr("datetime64")(static_cast<int64_t>(days), "D");
}

py::array view_array(const SourcePtr& source, py::dtype dtype, uint64_t count, const void* data) {
    py::capsule owner(new SourcePtr(source), [](void* p) { delete static_cast<SourcePtr*>(p); });
    // An empty list may point anywhere (even null); numpy needs a valid pointer only to read.
    static const uint64_t empty = 0;
    py::array array(dtype, {static_cast<py::ssize_t>(count)}, {dtype.itemsize()}, count ? data : &empty, owner);
    py::detail::array_proxy(array.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return array;
}

py::str decode_text(std::string_view bytes) {
    PyObject* s = PyUnicode_DecodeUTF8(bytes.data(), static_cast<Py_ssize_t>(bytes.size()), "surrogateescape");
    if (!s) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(s);
}

std::string encode_text(const py::handle& str) {
    PyObject* encoded = PyUnicode_AsEncodedString(str.ptr(), "utf-8", "surrogateescape");
    if (!encoded) throw py::error_already_set();
    std::string bytes(PyBytes_AS_STRING(encoded), static_cast<size_t>(PyBytes_GET_SIZE(encoded)));
    Py_DECREF(encoded);
    return bytes;
}

namespace {

py::object bytes_value(std::span<const uint8_t> data, const SourcePtr& source, bool copy) {
    if (copy) return py::bytes(reinterpret_cast<const char*>(data.data()), data.size());
    py::array view = view_array(source, py::dtype("u1"), data.size(), data.data());
    PyObject* memory = PyMemoryView_FromObject(view.ptr());
    if (!memory) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(memory);
}

}  // namespace

namespace {

// A 2.2 value or list (a copy of its records) as Python objects; `file` resolves zones.
py::object temporal_to_python(const ValueRef& value, const File& file) {
    const TypeCode code = value.type().element();
    const uint64_t count = value.type().is_list() ? value.list_size() : 1;
    py::dtype dtype = temporal_dtype(code);
    py::array records(dtype, py::array::ShapeContainer{static_cast<py::ssize_t>(count)});
    if (value.as_bytes().size() != count * static_cast<uint64_t>(dtype.itemsize()))
        throw Error(ErrorKind::damaged, "a " + value.type().name() + " value of unexpected size");
    if (count) std::memcpy(records.mutable_data(), value.as_bytes().data(), value.as_bytes().size());
    std::vector<std::string> zones;
    if (code == TypeCode::datetime) records = dense_zones(records, std::vector<const File*>(count, &file), zones);
    py::list items = temporal_objects(code, records, zones);
    if (value.type().is_list()) return items;
    return items[0];
}

}  // namespace

py::object to_python(const ValueRef& value, const HandlePtr& handle, const SourcePtr& source, bool for_table, const File* file) {
    if (value.is_null()) return py::none();
    const Type type = value.type();
    const TypeCode code = type.element();
    if (type.is_list() && format::is_temporal_code(static_cast<uint8_t>(code))) return temporal_to_python(value, file ? *file : source->first_own());
    if (type.is_list()) {
        if (code == TypeCode::string || code == TypeCode::bytes || code == TypeCode::vertex_ref) {
            py::list items;
            for (const ValueRef& item : value.elements()) items.append(to_python(item, handle, source, for_table));
            return items;
        }
        py::array items = view_array(source, scalar_dtype(code), value.list_size(), value.as_bytes().data());
        return code == TypeCode::date ? date_days_array(items) : items;  // a copy: datetime64 counts in 64 bits
    }
    switch (code) {
        case TypeCode::boolean: return py::bool_(value.as_bool());
        case TypeCode::uint64: return py::int_(value.as_uint());
        case TypeCode::int8:
        case TypeCode::int16:
        case TypeCode::int32:
        case TypeCode::int64:
        case TypeCode::uint8:
        case TypeCode::uint16:
        case TypeCode::uint32: return py::int_(value.as_int());
        case TypeCode::float32:
        case TypeCode::float64: return py::float_(value.as_double());
        case TypeCode::string: return decode_text(value.as_string());
        case TypeCode::bytes: return bytes_value(value.as_bytes(), source, for_table);
        case TypeCode::date: return date_to_python(value.as_date_days());
        case TypeCode::localtime:
        case TypeCode::time:
        case TypeCode::localdatetime:
        case TypeCode::datetime:
        case TypeCode::duration:
        case TypeCode::point: return temporal_to_python(value, file ? *file : source->first_own());
        case TypeCode::vertex_ref:
            if (for_table) return py::int_(source->global(value.as_ref()));
            return py::cast(make_vertex(handle, *source, value.as_ref()));
    }
    throw Error(ErrorKind::damaged, "unknown attribute type " + type.name());
}

OwnedKey key_from_python(const py::handle& key) {
    OwnedKey owned;
    if (PyLong_CheckExact(key.ptr())) {  // the common int key, without the attribute lookups below
        owned.number = PyLong_AsLongLong(key.ptr());
        if (owned.number == -1 && PyErr_Occurred()) throw py::error_already_set();
    } else if (py::isinstance<py::str>(key)) {
        owned.is_text = true;
        owned.text = encode_text(key);
    } else if (py::isinstance<py::bytes>(key)) {
        owned.is_text = true;
        owned.text = key.cast<std::string>();
    } else if (py::hasattr(key, "__index__") && !py::isinstance<py::bool_>(key)) {
        owned.number = py::reinterpret_borrow<py::object>(key).cast<int64_t>();
    } else {
        throw py::type_error("a vertex key is a str or an int, not " + std::string(py::str(key.get_type().attr("__name__"))));
    }
    return owned;
}

py::object key_to_python(const Key& key) {
    if (auto* bytes = std::get_if<std::string_view>(&key)) return decode_text(*bytes);
    return py::int_(std::get<int64_t>(key));
}

std::string type_name(Type type) { return type.name(); }

Direction parse_direction(const std::string& direction) {
    if (direction == "out") return Direction::out;
    if (direction == "in") return Direction::in;
    throw py::value_error("direction is 'out' or 'in', not '" + direction + "'");
}

void register_values(py::module_& m) {
    m.def("_temporal_dtypes", [] {
        py::dict dtypes;
        for (auto code = static_cast<uint8_t>(TypeCode::localtime); code <= static_cast<uint8_t>(TypeCode::point); ++code)
            dtypes[py::str(std::string(format::scalar_name(code)))] = temporal_dtype(static_cast<TypeCode>(code));
        return dtypes;
    });
}

}  // namespace mmgraph::python
