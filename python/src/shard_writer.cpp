// mmgraph.ShardWriter's native half and the spec §10.1 protocol functions (out_edge_ordinals,
// dataset_id_of, seal_shard) with shards_of, the vectorised shard_of that places vertices.
// Columns come prepared as for mmgraph.Writer (columns.hpp), except vertex references, which come
// resolved ("place" and "place_list" columns) as the C++ ShardWriter takes them; index columns
// come as contiguous numpy arrays of their exact dtypes (the Python half casts and range-checks
// them). Rows are added by the C++ batch calls with the GIL released, all or none per call.
#include "mmgraph/shard_writer.hpp"

#include "columns.hpp"
#include "in_parallel.hpp"
#include "mmgraph/format/hash.hpp"

namespace mmgraph::python {
namespace {

template <typename T>
using Indices = py::array_t<T, py::array::c_style | py::array::forcecast>;

// The columns of one call must be as long as its first.
void check_length(size_t rows, size_t got, const std::string& what) {
    if (got != rows) throw Error(ErrorKind::misuse, what + ": " + std::to_string(got) + " values for " + std::to_string(rows) + " rows");
}

// (shard, index) pairs from two columns, as the C++ API takes them.
std::vector<VertexRef> refs_of(const uint16_t* shards, const uint32_t* indices, size_t rows) {
    std::vector<VertexRef> refs(rows);
    for (size_t i = 0; i < rows; ++i) refs[i] = {shards[i], indices[i]};
    return refs;
}

std::array<uint8_t, 16> dataset_id_from(const py::handle& id) {
    PyObject* converted = PyBytes_FromObject(id.ptr());  // bytes, bytearray, memoryview; not str
    if (!converted) {
        PyErr_Clear();
        throw Error(ErrorKind::misuse, "a dataset id is 16 bytes, not " + std::string(py::str(id.get_type().attr("__name__"))));
    }
    auto owned = py::reinterpret_steal<py::bytes>(converted);
    std::array<uint8_t, 16> out{};
    if (static_cast<size_t>(PyBytes_GET_SIZE(converted)) != out.size())
        throw Error(ErrorKind::misuse, "a dataset id is 16 bytes, not " + std::to_string(PyBytes_GET_SIZE(converted)));
    std::memcpy(out.data(), PyBytes_AS_STRING(converted), out.size());
    return out;
}

py::bytes to_bytes(const std::array<uint8_t, 16>& id) { return {reinterpret_cast<const char*>(id.data()), id.size()}; }

uint16_t checked_shard_count(int64_t count, const char* what) {
    if (count < 1 || count > UINT16_MAX)
        throw Error(ErrorKind::misuse, std::string(what) + ": a dataset has 1 to 65535 shards, not " + std::to_string(count));
    return static_cast<uint16_t>(count);
}

class PyShardWriter {
public:
    PyShardWriter(int64_t shard, std::vector<uint32_t> shard_sizes, const std::string& key_type, unsigned threads, bool store_in_edges,
                  const std::string& temp_directory, const py::object& dataset_id) {
        WriterOptions options;
        options.key_type = parse_key_type(key_type);
        options.shard_count = checked_shard_count(static_cast<int64_t>(shard_sizes.size()), "ShardWriter shard_sizes");
        if (shard < 0 || shard >= options.shard_count)
            throw Error(ErrorKind::misuse, "ShardWriter: shard " + std::to_string(shard) + " is not one of the dataset's " +
                                               std::to_string(options.shard_count) + " shards");
        options.threads = threads;
        options.store_in_edges = store_in_edges;
        options.temp_directory = temp_directory;
        if (!dataset_id.is_none()) options.dataset_id = dataset_id_from(dataset_id);
        int_keys_ = options.key_type == KeyType::int64;
        writer_ = std::make_unique<ShardWriter>(options, static_cast<uint16_t>(shard), std::move(shard_sizes));
    }

    uint32_t add_label(const std::string& name, const py::object& attributes) {
        auto specs = parse_attributes(attributes);
        std::lock_guard lock(mutex_);
        check_open();
        const uint32_t id = writer_->add_label(name, specs);
        schemas_.declare(true, name, id, std::move(specs));
        return id;
    }

    uint32_t add_edge_type(const std::string& name, const py::object& properties) {
        auto specs = parse_attributes(properties);
        std::lock_guard lock(mutex_);
        check_open();
        const uint32_t id = writer_->add_edge_type(name, specs);
        schemas_.declare(false, name, id, std::move(specs));
        return id;
    }

    py::list schema(const std::string& kind, const std::string& name) const { return schemas_.describe(kind, name); }

    uint16_t add_id_space(const std::string& name) {
        std::lock_guard lock(mutex_);
        check_open();
        const uint16_t id = writer_->add_id_space(name).id;
        spaces_.emplace(name, id);
        return id;
    }

    // Phase 1 (spec §10.1): a set of labels some vertex of the dataset has, by name.
    void declare_label_set(const std::vector<std::string>& labels) {
        const std::vector<LabelId> ids = label_ids(labels);
        std::lock_guard lock(mutex_);
        check_open();
        writer_->declare_label_set(ids);
    }

    void declare_zone_names(const std::vector<std::string>& names) {
        const std::vector<std::string_view> views(names.begin(), names.end());
        std::lock_guard lock(mutex_);
        check_open();
        writer_->declare_zone_names(views);
    }

    // [(name, type name, nullable)] of a vertex with these labels, as _schema describes one label.
    py::list label_set_schema(const std::vector<std::string>& labels) {
        py::list out;
        for (const auto& a : label_set(labels).attributes) out.append(py::make_tuple(a.name, type_name(a.type), a.nullable));
        return out;
    }

    // `space`: the name of an ID space declared with add_id_space, None for the default space.
    void add_vertices(const std::vector<std::string>& labels, const py::object& keys, const py::list& columns,
                      const std::optional<std::string>& space_name) {
        const IdSpace space = space_of(space_name);
        const Schema schema = label_set(labels);
        const std::vector<LabelId> ids = label_ids(labels);
        const std::string owner = owner_of(labels);
        std::vector<py::object> keep;  // released with the GIL held, after the rows are added
        const size_t rows = py::len(keys);
        KeyColumn key_column = read_keys(keys, py::none(), rows, int_keys_, keep, owner + " keys");
        for (size_t i = 0; i < rows; ++i)
            if (key_column.is_null(i)) throw Error(ErrorKind::bad_input, "the key is null").at_row(i).prefixed(owner);
        std::vector<Column> prepared = read_columns(schema, columns, rows, int_keys_, keep, owner);
        unlocked(owner, [&] { writer_->add_vertices(space, key_column.all(rows), ids, row_values(prepared)); });
    }

    void add_out_edges(const std::string& type, const Indices<uint32_t>& sources, const Indices<uint16_t>& target_shards,
                       const Indices<uint32_t>& target_indices, const py::list& columns) {
        const Schema& schema = schemas_.find("edge type", type);
        const std::string owner = "edge type '" + type + "'";
        const size_t rows = sources.size();
        check_length(rows, target_shards.size(), owner + " target_shards");
        check_length(rows, target_indices.size(), owner + " target_indices");
        std::vector<py::object> keep;
        std::vector<Column> prepared = read_columns(schema, columns, rows, int_keys_, keep, owner);
        unlocked(owner, [&] {
            const auto targets = refs_of(target_shards.data(), target_indices.data(), rows);
            writer_->add_out_edges({sources.data(), rows}, targets, schema.id, row_values(prepared));
        });
    }

    void add_in_edges(const std::string& type, const Indices<uint32_t>& targets, const Indices<uint16_t>& source_shards,
                      const Indices<uint32_t>& source_indices, const std::optional<Indices<uint64_t>>& ordinals) {
        const Schema& schema = schemas_.find("edge type", type);
        const std::string owner = "edge type '" + type + "'";
        const size_t rows = targets.size();
        check_length(rows, source_shards.size(), owner + " source_shards");
        check_length(rows, source_indices.size(), owner + " source_indices");
        if (ordinals) check_length(rows, ordinals->size(), owner + " ordinals");
        unlocked(owner, [&] {
            const auto sources = refs_of(source_shards.data(), source_indices.data(), rows);
            std::span<const uint64_t> given;
            if (ordinals) given = {ordinals->data(), rows};
            writer_->add_in_edges({targets.data(), rows}, sources, schema.id, given);
        });
    }

    py::dict finish(const std::string& path) {
        ShardSummary summary;
        {
            py::gil_scoped_release release;
            std::lock_guard lock(mutex_);
            check_open();
            finished_ = true;  // the C++ writer cannot be used again either, failed or not
            summary = writer_->finish(path);
            writer_.reset();
        }
        py::dict out;
        out["file"] = summary.file.string();
        out["shard"] = summary.shard;
        out["shard_count"] = summary.shard_count;
        out["vertices"] = summary.vertices;
        out["edges"] = summary.edges;
        out["bytes"] = summary.bytes;
        out["section_checksums"] = summary.section_checksums;
        return out;
    }

    uint64_t vertex_count() {
        std::lock_guard lock(mutex_);
        check_open();
        return writer_->vertex_count();
    }
    bool int_keys() const { return int_keys_; }
    bool finished() const { return finished_; }

private:
    std::vector<LabelId> label_ids(const std::vector<std::string>& labels) const {
        std::vector<LabelId> ids;
        for (const std::string& label : labels) ids.push_back(schemas_.find("label", label).id);
        return ids;
    }
    IdSpace space_of(const std::optional<std::string>& name) const {
        if (!name) return {};
        auto it = spaces_.find(*name);
        if (it == spaces_.end()) throw Error(ErrorKind::misuse, "no ID space '" + *name + "' (declare it first with add_id_space)");
        return {it->second};
    }
    static std::string owner_of(const std::vector<std::string>& labels) {
        std::string names;
        for (const std::string& label : labels) names += (names.empty() ? "'" : "', '") + label;
        return (labels.size() == 1 ? "label " : "labels ") + names + "'";
    }
    // One label's schema, or a label set's: its labels' attributes, each name once (§4.2).
    Schema label_set(const std::vector<std::string>& labels) {
        if (labels.size() == 1) return schemas_.find("label", labels.front());
        const std::vector<LabelId> ids = label_ids(labels);
        std::lock_guard lock(mutex_);
        check_open();
        return {0, writer_->label_set_attributes(ids)};
    }
    void check_open() const {
        if (finished_) throw Error(ErrorKind::misuse, "the ShardWriter is finished; make a new one");
    }
    template <typename Add>
    void unlocked(const std::string& owner, Add&& add) {
        add_unlocked(mutex_, owner, [&] {
            check_open();
            add();
        });
    }

    std::mutex mutex_;  // one add or finish at a time: they run without the GIL
    std::unique_ptr<ShardWriter> writer_;
    Schemas schemas_;
    std::unordered_map<std::string, uint16_t> spaces_;  // ID space name -> id
    bool int_keys_ = false;
    bool finished_ = false;
};

py::array_t<uint32_t> ordinals_of(const Indices<uint32_t>& sources, const Indices<uint16_t>& target_shards,
                                  const Indices<uint32_t>& target_indices, const Indices<uint32_t>& types) {
    const size_t rows = sources.size();
    check_length(rows, target_shards.size(), "out_edge_ordinals target_shards");
    check_length(rows, target_indices.size(), "out_edge_ordinals target_indices");
    check_length(rows, types.size(), "out_edge_ordinals types");
    py::array_t<uint32_t> out(static_cast<py::ssize_t>(rows));
    uint32_t* result = out.mutable_data();
    {
        py::gil_scoped_release release;
        const auto targets = refs_of(target_shards.data(), target_indices.data(), rows);
        const auto ordinals = out_edge_ordinals({sources.data(), rows}, targets, {types.data(), rows});
        std::copy(ordinals.begin(), ordinals.end(), result);
    }
    return out;
}

py::bytes dataset_id_of_summaries(const py::sequence& summaries) {
    std::vector<ShardSummary> shards;
    for (const auto& item : summaries) {
        auto summary = item.cast<py::dict>();
        ShardSummary s;
        s.shard = summary["shard"].cast<uint16_t>();
        s.shard_count = summary["shard_count"].cast<uint16_t>();
        s.section_checksums = summary["section_checksums"].cast<std::vector<uint64_t>>();
        shards.push_back(std::move(s));
    }
    return to_bytes(dataset_id_of(shards));
}

// Int keys hash without the GIL, in two halves for a large array; str keys need it to be read.
py::array_t<uint16_t> shards_of(const py::object& keys, int64_t shard_count, uint16_t space_id) {
    const uint16_t count = checked_shard_count(shard_count, "shards_of");
    const IdSpace space{space_id};
    if (py::isinstance<py::array_t<int64_t>>(keys)) {
        auto numbers = py::array_t<int64_t, py::array::c_style>::ensure(keys);
        if (!numbers || numbers.ndim() != 1) throw Error(ErrorKind::misuse, "shards_of: int keys come as a one-dimensional int64 numpy array");
        const size_t rows = numbers.size();
        py::array_t<uint16_t> out(static_cast<py::ssize_t>(rows));
        const int64_t* in = numbers.data();
        uint16_t* shard = out.mutable_data();
        auto place = [&](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i) shard[i] = static_cast<uint16_t>(format::key_hash(in[i], space) % count);
        };
        {
            py::gil_scoped_release release;
            in_parallel(rows >= (1u << 20), [&] { place(0, rows / 2); }, [&] { place(rows / 2, rows); });
        }
        return out;
    }
    auto sequence = py::reinterpret_steal<py::object>(PySequence_Fast(keys.ptr(), "shards_of: keys are an int64 array or a sequence of str"));
    if (!sequence) throw py::error_already_set();
    const size_t rows = PySequence_Fast_GET_SIZE(sequence.ptr());
    PyObject** items = PySequence_Fast_ITEMS(sequence.ptr());
    py::array_t<uint16_t> out(static_cast<py::ssize_t>(rows));
    uint16_t* shard = out.mutable_data();
    for (size_t i = 0; i < rows; ++i) {
        Py_ssize_t size = 0;
        const char* data = PyUnicode_Check(items[i]) ? PyUnicode_AsUTF8AndSize(items[i], &size) : nullptr;
        if (!data) {
            if (PyErr_Occurred()) throw py::error_already_set();
            throw Error(ErrorKind::bad_input, "shards_of: string keys must be str, got " +
                                                  std::string(Py_TYPE(items[i])->tp_name)).at_row(i);
        }
        shard[i] = static_cast<uint16_t>(format::key_hash(std::string_view(data, static_cast<size_t>(size)), space) % count);
    }
    return out;
}

}  // namespace

void register_shard_writer(py::module_& m) {
    py::class_<PyShardWriter>(m, "ShardWriter", "Native shard writer; use mmgraph.ShardWriter.")
        .def(py::init<int64_t, std::vector<uint32_t>, const std::string&, unsigned, bool, const std::string&, const py::object&>(),
             py::arg("shard"), py::arg("shard_sizes"), py::arg("key_type") = "string", py::arg("threads") = 0,
             py::arg("store_in_edges") = true, py::arg("temp_directory") = "", py::arg("dataset_id") = py::none())
        .def("add_label", &PyShardWriter::add_label, py::arg("name"), py::arg("attributes") = py::none())
        .def("add_edge_type", &PyShardWriter::add_edge_type, py::arg("name"), py::arg("properties") = py::none())
        .def("_schema", &PyShardWriter::schema)
        .def("_add_vertices", &PyShardWriter::add_vertices)
        .def("add_id_space", &PyShardWriter::add_id_space, py::arg("name"),
             "Declares a named ID space (spec §8.1) and returns its id: 1, 2, ... in declaration order, the same in every shard.")
        .def("_declare_label_set", &PyShardWriter::declare_label_set)
        .def("declare_zone_names", &PyShardWriter::declare_zone_names, py::arg("names"),
             "Phase 1 (spec §10.1): the IANA zone names of the dataset's datetime values in order of first use, before any vertex.")
        .def("_label_set_schema", &PyShardWriter::label_set_schema)
        .def("_add_out_edges", &PyShardWriter::add_out_edges)
        .def("_add_in_edges", &PyShardWriter::add_in_edges)
        .def("finish", &PyShardWriter::finish, py::arg("path"))
        .def_property_readonly("vertex_count", &PyShardWriter::vertex_count)
        .def_property_readonly("_int_keys", &PyShardWriter::int_keys)
        .def_property_readonly("finished", &PyShardWriter::finished);
    m.def("_out_edge_ordinals", &ordinals_of, py::arg("sources"), py::arg("target_shards"), py::arg("target_indices"), py::arg("types"));
    m.def("dataset_id_of", &dataset_id_of_summaries, py::arg("summaries"),
          "The dataset id (spec §10) of the shards whose finish() summaries these are, in shard order 0 .. K-1: 16 bytes.");
    m.def("seal_shard", [](const py::object& file, const py::object& dataset_id) {
        const auto path = py::module_::import("os").attr("fsencode")(file).cast<std::string>();  // str or path-like
        const auto id = dataset_id_from(dataset_id);
        py::gil_scoped_release release;
        seal_shard(path, id);
    }, py::arg("path"), py::arg("dataset_id"),
          "Writes the 16-byte dataset id into the header of the shard file at path (and its checksum), durably. Seal before "
          "renaming the file to its final name.");
    m.def("_shards_of", &shards_of, py::arg("keys"), py::arg("shard_count"), py::arg("space") = 0);
}

}  // namespace mmgraph::python
