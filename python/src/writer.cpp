// mmgraph.Writer's native half: schema declarations, and whole columns of vertices or edges
// added in one call. The Python half (mmgraph/_writing.py) turns numpy arrays, pandas Series
// and sequences into the prepared columns read here:
//   ("fixed", values, mask)  values: a contiguous numpy array of the attribute's exact dtype;
//                            mask: numpy bool (True = null) or None
//   ("text", objects, None)  str, bytes-like or None per row (string and bytes attributes)
//   ("ref", keys, mask)      the referenced vertices' keys, prepared as the key column is
//   ("list", objects, None)  None or one list per row: a numpy array of the element dtype, a
//                            sequence of str/bytes, or a sequence of keys (vertex_ref[])
//   None                     the attribute is absent: null in every row
// A key column is a numpy int64 array (int keys) or a sequence of str.
//
// Reading the Python objects needs the GIL; adding the rows does not. So a call first takes
// string views, numbers and list views out of the objects (keeping references to them), then
// releases the GIL and adds every row under the writer's own mutex.
#include "binding.hpp"
#include "in_parallel.hpp"

#include <span>

#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

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
                                              "vertex_ref, and lists of them such as 'int32[]')");
    return list ? Type::list_of(static_cast<TypeCode>(*code)) : Type(static_cast<TypeCode>(*code));
}

// {"name": "string", "born": ("int16", True)} or a sequence of (name, type[, nullable]).
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

// The ids of the vertices with the keys of a column, in chunks whose Key buffer stays in cache;
// the first row whose key no vertex has, if any (ids are then incomplete).
std::optional<size_t> resolve_keys(const Writer& writer, const KeyColumn& column, std::span<uint32_t> ids) {
    constexpr size_t kChunk = 4096;
    std::vector<Key> keys;
    std::vector<std::optional<uint32_t>> found;
    for (size_t begin = 0; begin < ids.size(); begin += kChunk) {
        const size_t end = std::min(ids.size(), begin + kChunk);
        keys.clear();
        for (size_t r = begin; r < end; ++r) keys.push_back(column.key(r));
        found.assign(keys.size(), std::nullopt);
        writer.find_vertices(keys, found);
        for (size_t i = 0; i < keys.size(); ++i) {
            if (!found[i]) return begin + i;
            ids[begin + i] = *found[i];
        }
    }
    return std::nullopt;
}

// One prepared column, ready to give each row's Value without the GIL.
// Not copyable: its list Values point into its own list_texts and list_keys, which a move
// keeps in place and a copy would not.
struct Column {
    Column() = default;
    Column(Column&&) = default;
    Column(const Column&) = delete;
    Column& operator=(const Column&) = delete;

    enum Kind : uint8_t { absent, fixed, text, ref, list } kind = absent;
    Type type;
    const uint8_t* data = nullptr;  // fixed
    const bool* mask = nullptr;     // fixed
    std::vector<std::optional<std::string_view>> texts;
    KeyColumn refs;
    std::vector<Value> lists;  // null Values for null rows
    // What the list Values view.
    std::deque<std::vector<std::string_view>> list_texts;
    std::deque<std::vector<Key>> list_keys;

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
            default: return Value();
        }
    }
};

template <typename T>
Value numeric_list(const py::handle& item, std::vector<py::object>& keep) {
    auto array = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(item);
    if (!array || array.ndim() != 1) throw Error(ErrorKind::bad_input, "a list value must be a one-dimensional sequence of numbers");
    keep.push_back(array);
    return Value::list(std::span<const T>(array.data(), static_cast<size_t>(array.size())));
}

Value list_value(Column& column, const py::handle& item, bool int_keys, std::vector<py::object>& keep, const std::string& what) {
    switch (column.type.element()) {
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
        py::dtype want = scalar_dtype(spec.type.element());
        auto array = py::array::ensure(values, py::array::c_style);
        if (!array || !array.dtype().is(want) || array.ndim() != 1)
            throw Error(ErrorKind::misuse, what + ": prepared values must be a 1-d array of " + std::string(py::str(want)));
        if (static_cast<size_t>(array.size()) != rows)
            throw Error(ErrorKind::bad_input, what + ": " + std::to_string(array.size()) + " values for " + std::to_string(rows) + " rows");
        keep.push_back(array);
        column.kind = Column::fixed;
        column.data = static_cast<const uint8_t*>(array.data());
        if (!mask.is_none()) {
            auto m = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(mask);
            if (!m || static_cast<size_t>(m.size()) != rows) throw Error(ErrorKind::misuse, what + ": mask of the wrong length");
            keep.push_back(m);
            column.mask = m.data();
        }
        return column;
    }
    if (kind == "ref") {
        column.kind = Column::ref;
        column.refs = read_keys(values, mask, rows, int_keys, keep, what);
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
    if (kind == "list") {
        column.kind = Column::list;
        column.lists.reserve(rows);
        for (size_t i = 0; i < rows; ++i) {
            py::object item = sequence[i];
            column.lists.push_back(item.is_none() ? Value() : list_value(column, item, int_keys, keep, what + " row " + std::to_string(i)));
        }
        return column;
    }
    throw Error(ErrorKind::misuse, what + ": unknown prepared column kind '" + kind + "'");
}

struct Schema {
    uint32_t id = 0;
    std::vector<AttributeSpec> attributes;
};

class PyWriter {
public:
    PyWriter(const std::string& key_type, unsigned threads, unsigned shards, bool store_in_edges, const std::string& temp_directory) {
        WriterOptions options;
        if (key_type == "string") options.key_type = KeyType::string;
        else if (key_type == "int" || key_type == "int64") options.key_type = KeyType::int64;
        else throw Error(ErrorKind::misuse, "key_type is 'string' or 'int', not '" + key_type + "'");
        if (shards < 1 || shards > 65535) throw Error(ErrorKind::misuse, "shards must be 1 to 65535");
        options.threads = threads;
        options.shard_count = static_cast<uint16_t>(shards);
        options.store_in_edges = store_in_edges;
        options.temp_directory = temp_directory;
        int_keys_ = options.key_type == KeyType::int64;
        writer_ = std::make_unique<Writer>(options);
    }

    uint32_t add_label(const std::string& name, const py::object& attributes) {
        auto specs = parse_attributes(attributes);
        std::lock_guard lock(mutex_);
        check_open();
        uint32_t id = writer_->add_label(name, specs);
        labels_[name] = Schema{id, std::move(specs)};
        return id;
    }

    uint32_t add_edge_type(const std::string& name, const py::object& properties) {
        auto specs = parse_attributes(properties);
        std::lock_guard lock(mutex_);
        check_open();
        uint32_t id = writer_->add_edge_type(name, specs);
        edge_types_[name] = Schema{id, std::move(specs)};
        return id;
    }

    py::list schema(const std::string& kind, const std::string& name) const {
        const auto& table = kind == "label" ? labels_ : edge_types_;
        auto it = table.find(name);
        if (it == table.end()) throw Error(ErrorKind::misuse, "no " + kind + " '" + name + "' (declare it first)");
        py::list out;
        for (const auto& a : it->second.attributes) out.append(py::make_tuple(a.name, type_name(a.type), a.nullable));
        return out;
    }

    void add_vertices(const std::string& label, const py::object& keys, const py::list& columns) {
        const Schema& schema = find(labels_, label, "label");
        const std::string owner = "label '" + label + "'";
        std::vector<py::object> keep;  // released with the GIL held, after the rows are added
        const size_t rows = py::len(keys);
        KeyColumn key_column = read_keys(keys, py::none(), rows, int_keys_, keep, owner + " keys");
        for (size_t i = 0; i < rows; ++i)
            if (key_column.is_null(i)) throw Error(ErrorKind::bad_input, "the key is null").at_row(i).prefixed(owner);
        std::vector<Column> prepared = read_columns(schema, columns, rows, keep, owner);
        unlocked(owner, [&] { writer_->add_vertices(key_column.all(rows), schema.id, row_values(prepared)); });
    }

    // Endpoint keys resolve in one batch lookup each, then every edge is added by vertex id.
    void add_edges(const std::string& type, const py::object& sources, const py::object& targets, const py::list& columns) {
        const Schema& schema = find(edge_types_, type, "edge type");
        const std::string owner = "edge type '" + type + "'";
        std::vector<py::object> keep;
        const size_t rows = py::len(sources);
        KeyColumn from = read_keys(sources, py::none(), rows, int_keys_, keep, owner + " sources");
        KeyColumn to = read_keys(targets, py::none(), rows, int_keys_, keep, owner + " targets");
        for (size_t i = 0; i < rows; ++i)
            if (from.is_null(i) || to.is_null(i)) throw Error(ErrorKind::bad_input, "an endpoint is null").at_row(i).prefixed(owner);
        std::vector<Column> prepared = read_columns(schema, columns, rows, keep, owner);
        unlocked(owner, [&] {
            std::vector<uint32_t> from_ids(rows), to_ids(rows);
            resolve_endpoints(from, to, from_ids, to_ids);
            writer_->add_edges_by_id(from_ids, to_ids, schema.id, row_values(prepared));
        });
    }

    py::dict finish(const std::string& path) {
        WriteStats stats;
        {
            py::gil_scoped_release release;
            std::lock_guard lock(mutex_);
            check_open();
            finished_ = true;  // a failed finish leaves the writer unusable too
            stats = writer_->finish(path);
            writer_.reset();
        }
        py::dict out;
        py::list files;
        for (const auto& f : stats.files) files.append(f.string());
        out["files"] = files;
        out["vertices"] = stats.vertices;
        out["edges"] = stats.edges;
        out["bytes"] = stats.bytes;
        out["node_types"] = stats.node_types;
        out["plan_seconds"] = stats.plan_seconds;
        out["encode_seconds"] = stats.encode_seconds;
        out["commit_seconds"] = stats.commit_seconds;
        return out;
    }

    uint64_t vertex_count() {
        std::lock_guard lock(mutex_);
        check_open();
        return writer_->vertex_count();
    }
    uint64_t edge_count() {
        std::lock_guard lock(mutex_);
        check_open();
        return writer_->edge_count();
    }
    bool int_keys() const { return int_keys_; }
    bool finished() const { return finished_; }

private:
    void check_open() const {
        if (finished_) throw Error(ErrorKind::misuse, "the Writer is finished; make a new one");
    }
    const Schema& find(const std::unordered_map<std::string, Schema>& table, const std::string& name, const char* kind) const {
        auto it = table.find(name);
        if (it == table.end()) throw Error(ErrorKind::misuse, std::string("no ") + kind + " '" + name + "' (declare it first)");
        return it->second;
    }
    // Runs `add` with the GIL released and the writer locked; its errors name `owner`.
    template <typename Add>
    void unlocked(const std::string& owner, Add&& add) {
        py::gil_scoped_release release;
        std::lock_guard lock(mutex_);
        check_open();
        try {
            add();
        } catch (const Error& e) {
            throw e.prefixed(owner);
        }
    }

    // Row r's values from the prepared columns, in a buffer the writer reads before the next row.
    static Writer::RowValues row_values(const std::vector<Column>& prepared) {
        if (prepared.empty()) return {};
        auto values = std::make_shared<std::vector<Value>>(prepared.size());
        return [&prepared, values](size_t r) {
            for (size_t c = 0; c < prepared.size(); ++c) (*values)[c] = prepared[c].value(r);
            return std::span<const Value>(*values);
        };
    }

    // Sources and targets resolve on two threads for a large call (the Writer allows lookups
    // from several threads while nothing is added); an unknown endpoint fails the call at the
    // first row that has one.
    void resolve_endpoints(const KeyColumn& from, const KeyColumn& to, std::span<uint32_t> from_ids, std::span<uint32_t> to_ids) const {
        std::optional<size_t> bad_source, bad_target;
        in_parallel(from_ids.size() >= 65536, [&] { bad_source = resolve_keys(*writer_, from, from_ids); },
                    [&] { bad_target = resolve_keys(*writer_, to, to_ids); });
        if (bad_source && (!bad_target || *bad_source <= *bad_target))
            throw Error(ErrorKind::bad_input, "unknown source vertex " + key_text(from.key(*bad_source))).at_row(*bad_source);
        if (bad_target) throw Error(ErrorKind::bad_input, "unknown target vertex " + key_text(to.key(*bad_target))).at_row(*bad_target);
    }

    static std::string key_text(const Key& key) {
        if (const auto* s = std::get_if<std::string_view>(&key)) return "'" + std::string(*s) + "'";
        return std::to_string(std::get<int64_t>(key));
    }

    std::vector<Column> read_columns(const Schema& schema, const py::list& columns, size_t rows, std::vector<py::object>& keep,
                                     const std::string& owner) const {
        if (columns.size() != schema.attributes.size())
            throw Error(ErrorKind::misuse, owner + ": " + std::to_string(columns.size()) + " prepared columns for " +
                                               std::to_string(schema.attributes.size()) + " attributes");
        std::vector<Column> prepared;
        prepared.reserve(columns.size());
        for (size_t c = 0; c < columns.size(); ++c)
            prepared.push_back(read_column(schema.attributes[c], columns[c], rows, int_keys_, keep, owner));
        return prepared;
    }

    std::mutex mutex_;  // one add or finish at a time: they run without the GIL
    std::unique_ptr<Writer> writer_;
    std::unordered_map<std::string, Schema> labels_, edge_types_;
    bool int_keys_ = false;
    bool finished_ = false;
};

}  // namespace

void register_writer(py::module_& m) {
    py::class_<PyWriter>(m, "Writer", "Native writer; use mmgraph.Writer.")
        .def(py::init<const std::string&, unsigned, unsigned, bool, const std::string&>(), py::arg("key_type") = "string",
             py::arg("threads") = 0, py::arg("shards") = 1, py::arg("store_in_edges") = true, py::arg("temp_directory") = "")
        .def("add_label", &PyWriter::add_label, py::arg("name"), py::arg("attributes") = py::none())
        .def("add_edge_type", &PyWriter::add_edge_type, py::arg("name"), py::arg("properties") = py::none())
        .def("_schema", &PyWriter::schema)
        .def("_add_vertices", &PyWriter::add_vertices)
        .def("_add_edges", &PyWriter::add_edges)
        .def("finish", &PyWriter::finish, py::arg("path"))
        .def_property_readonly("vertex_count", &PyWriter::vertex_count)
        .def_property_readonly("edge_count", &PyWriter::edge_count)
        .def_property_readonly("_int_keys", &PyWriter::int_keys)
        .def_property_readonly("finished", &PyWriter::finished);
}

}  // namespace mmgraph::python
