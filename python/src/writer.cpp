// mmgraph.Writer's native half: schema declarations, and whole columns of vertices or edges
// added in one call (the prepared columns of columns.hpp), with the GIL released while the rows
// are added under the writer's own mutex.
#include "columns.hpp"
#include "in_parallel.hpp"

namespace mmgraph::python {
namespace {

// The ids of the vertices with the keys of a column, in chunks whose Key buffer stays in cache;
// the first row whose key no vertex has, if any (ids are then incomplete).
// Every key is in ID space `space`.
std::optional<size_t> resolve_keys(const Writer& writer, const KeyColumn& column, IdSpace space, std::span<uint32_t> ids) {
    constexpr size_t kChunk = 4096;
    std::vector<Key> keys;
    std::vector<std::optional<uint32_t>> found;
    const std::vector<IdSpace> spaces(space.id == 0 ? 0 : kChunk, space);
    for (size_t begin = 0; begin < ids.size(); begin += kChunk) {
        const size_t end = std::min(ids.size(), begin + kChunk);
        keys.clear();
        for (size_t r = begin; r < end; ++r) keys.push_back(column.key(r));
        found.assign(keys.size(), std::nullopt);
        if (space.id == 0) writer.find_vertices(keys, found);
        else writer.find_vertices(keys, std::span<const IdSpace>(spaces).first(keys.size()), found);
        for (size_t i = 0; i < keys.size(); ++i) {
            if (!found[i]) return begin + i;
            ids[begin + i] = *found[i];
        }
    }
    return std::nullopt;
}

class PyWriter {
public:
    PyWriter(const std::string& key_type, unsigned threads, unsigned shards, bool store_in_edges, const std::string& temp_directory) {
        WriterOptions options;
        options.key_type = parse_key_type(key_type);
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
        schemas_.declare(true, name, id, std::move(specs));
        return id;
    }

    uint32_t add_edge_type(const std::string& name, const py::object& properties) {
        auto specs = parse_attributes(properties);
        std::lock_guard lock(mutex_);
        check_open();
        uint32_t id = writer_->add_edge_type(name, specs);
        schemas_.declare(false, name, id, std::move(specs));
        return id;
    }

    uint16_t add_id_space(const std::string& name) {
        std::lock_guard lock(mutex_);
        check_open();
        const IdSpace space = writer_->add_id_space(name);
        id_spaces_[name] = space;
        return space.id;
    }

    py::list schema(const std::string& kind, const std::string& name) const { return schemas_.describe(kind, name); }

    // The attributes of vertices with these labels (Writer::label_set_attributes), as _schema.
    py::list label_set_schema(const std::vector<std::string>& names) {
        const LabelSet& set = label_set(names);
        py::list out;
        for (const auto& a : set.schema.attributes) out.append(py::make_tuple(a.name, type_name(a.type), a.nullable));
        return out;
    }

    // `labels`: one label's name, or a list of names (a label set, spec §6.6); `space`: the name
    // of the keys' ID space, None for the default.
    void add_vertices(const py::object& labels, const py::object& keys, const py::list& columns, const std::optional<std::string>& space_name) {
        const bool one = py::isinstance<py::str>(labels);
        const std::vector<std::string> names = one ? std::vector<std::string>{labels.cast<std::string>()} : labels.cast<std::vector<std::string>>();
        const LabelSet& set = label_set(names);
        const IdSpace space = id_space(space_name);
        const std::string owner = set.owner;
        std::vector<py::object> keep;  // released with the GIL held, after the rows are added
        const size_t rows = py::len(keys);
        KeyColumn key_column = read_keys(keys, py::none(), rows, int_keys_, keep, owner + " keys");
        for (size_t i = 0; i < rows; ++i)
            if (key_column.is_null(i)) throw Error(ErrorKind::bad_input, "the key is null").at_row(i).prefixed(owner);
        std::vector<Column> prepared = read_columns(set.schema, columns, rows, int_keys_, keep, owner);
        unlocked(owner, [&] { writer_->add_vertices(space, key_column.all(rows), set.labels, row_values(prepared)); });
    }

    // Endpoint keys resolve in one batch lookup each, then every edge is added by vertex id.
    void add_edges(const std::string& type, const py::object& sources, const py::object& targets, const py::list& columns,
                   const std::optional<std::string>& source_space, const std::optional<std::string>& target_space) {
        const IdSpace from_space = id_space(source_space), to_space = id_space(target_space);
        const Schema& schema = schemas_.find("edge type", type);
        const std::string owner = "edge type '" + type + "'";
        std::vector<py::object> keep;
        const size_t rows = py::len(sources);
        KeyColumn from = read_keys(sources, py::none(), rows, int_keys_, keep, owner + " sources");
        KeyColumn to = read_keys(targets, py::none(), rows, int_keys_, keep, owner + " targets");
        for (size_t i = 0; i < rows; ++i)
            if (from.is_null(i) || to.is_null(i)) throw Error(ErrorKind::bad_input, "an endpoint is null").at_row(i).prefixed(owner);
        std::vector<Column> prepared = read_columns(schema, columns, rows, int_keys_, keep, owner);
        unlocked(owner, [&] {
            std::vector<uint32_t> from_ids(rows), to_ids(rows);
            resolve_endpoints(from, from_space, to, to_space, from_ids, to_ids);
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
    // Runs `add` with the GIL released and the writer locked (once it is checked open).
    template <typename Add>
    void unlocked(const std::string& owner, Add&& add) {
        add_unlocked(mutex_, owner, [&] {
            check_open();
            add();
        });
    }

    // Sources and targets resolve on two threads for a large call (the Writer allows lookups
    // from several threads while nothing is added); an unknown endpoint fails the call at the
    // first row that has one.
    void resolve_endpoints(const KeyColumn& from, IdSpace from_space, const KeyColumn& to, IdSpace to_space, std::span<uint32_t> from_ids,
                           std::span<uint32_t> to_ids) const {
        std::optional<size_t> bad_source, bad_target;
        in_parallel(from_ids.size() >= 65536, [&] { bad_source = resolve_keys(*writer_, from, from_space, from_ids); },
                    [&] { bad_target = resolve_keys(*writer_, to, to_space, to_ids); });
        if (bad_source && (!bad_target || *bad_source <= *bad_target))
            throw Error(ErrorKind::bad_input, "unknown source vertex " + key_text(from.key(*bad_source)) + space_text(from_space)).at_row(*bad_source);
        if (bad_target)
            throw Error(ErrorKind::bad_input, "unknown target vertex " + key_text(to.key(*bad_target)) + space_text(to_space)).at_row(*bad_target);
    }

    // A label set as add_vertices takes it, declared on first use: its label ids and attributes.
    struct LabelSet {
        std::vector<LabelId> labels;
        Schema schema;
        std::string owner;  // "label 'A'" or "labels ('A', 'B')", for errors
    };
    const LabelSet& label_set(const std::vector<std::string>& names) {
        std::string joined;
        for (const auto& n : names) joined += n + '\0';  // no name holds a 0x00 byte (spec §4.1)
        if (auto it = label_sets_.find(joined); it != label_sets_.end()) return it->second;
        if (names.empty()) throw Error(ErrorKind::bad_input, "a vertex table needs at least one label");
        LabelSet set;
        for (const auto& n : names) {
            set.labels.push_back(schemas_.find("label", n).id);
            set.owner += (set.owner.empty() ? "" : ", ") + ("'" + n + "'");
        }
        set.owner = names.size() == 1 ? "label " + set.owner : "labels (" + set.owner + ")";
        std::lock_guard lock(mutex_);
        check_open();
        set.schema = names.size() == 1 ? schemas_.find("label", names[0]) : Schema{0, writer_->label_set_attributes(set.labels)};
        return label_sets_.emplace(std::move(joined), std::move(set)).first->second;
    }

    IdSpace id_space(const std::optional<std::string>& name) const {
        if (!name) return {};
        auto it = id_spaces_.find(*name);
        if (it == id_spaces_.end()) throw Error(ErrorKind::misuse, "no ID space '" + *name + "' (declare it first with add_id_space)");
        return it->second;
    }
    std::string space_text(IdSpace space) const {
        for (const auto& [name, s] : id_spaces_)
            if (s == space && space.id != 0) return " in ID space '" + name + "'";
        return "";
    }

    static std::string key_text(const Key& key) {
        if (const auto* s = std::get_if<std::string_view>(&key)) return "'" + std::string(*s) + "'";
        return std::to_string(std::get<int64_t>(key));
    }

    std::mutex mutex_;  // one add or finish at a time: they run without the GIL
    std::unique_ptr<Writer> writer_;
    Schemas schemas_;
    std::unordered_map<std::string, LabelSet> label_sets_;  // by their names, each followed by 0x00
    std::unordered_map<std::string, IdSpace> id_spaces_;
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
        .def("add_id_space", &PyWriter::add_id_space, py::arg("name"),
             "Declares a named ID space (spec §8.1) and returns its id (1, 2, ... in declaration order): the same key may "
             "name one vertex in each space.")
        .def("_schema", &PyWriter::schema)
        .def("_label_set_schema", &PyWriter::label_set_schema)
        .def("_add_vertices", &PyWriter::add_vertices)
        .def("_add_edges", &PyWriter::add_edges)
        .def("finish", &PyWriter::finish, py::arg("path"))
        .def_property_readonly("vertex_count", &PyWriter::vertex_count)
        .def_property_readonly("edge_count", &PyWriter::edge_count)
        .def_property_readonly("_int_keys", &PyWriter::int_keys)
        .def_property_readonly("finished", &PyWriter::finished);
}

}  // namespace mmgraph::python
