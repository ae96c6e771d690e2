// File, Dataset and Vertex: opening, the schema, lookups, one vertex's values and edges, and a
// Dataset's shards as File views.
#include "binding.hpp"

#include <algorithm>

namespace mmgraph::python {
namespace {

struct AttributeDescription {
    Name name;
    std::string type;
    bool nullable = false;
};

struct SchemaEntry {
    Name name;
    uint64_t count = 0;
    std::vector<AttributeDescription> attributes;
};

struct SectionDescription {
    std::string name;
    uint64_t offset = 0;
    uint64_t length = 0;
};

struct PyFile : PyGraph {};
struct PyDataset : PyGraph {};

constexpr const char* kFileDoc =
    "One mmgraph file, opened with mmgraph.open(), or one shard of a Dataset (Dataset.shard(), Dataset.shards).\n\n"
    "A shard's File reads that shard's vertices as its own (len(), vertex(), find(), degrees(), csr() rows, vertices(), "
    "edges() of its out-edges) and numbers everything as its Dataset does: indices are global, index_range gives its "
    "own, and neighbours and references may lie in other shards. It shares the dataset's mapping: closing the "
    "Dataset closes it too; closing it leaves the Dataset open.";
constexpr const char* kDatasetDoc =
    "The shard files of one dataset (spec §10), opened with mmgraph.open(); vertex indices are global, shard after "
    "shard (shard_first_index()). shard(i) and shards give each shard as a File.\n\n"
    "Opened with shards=[...], it maps only those (mapped_shards) and numbers only their vertices. A key, vertex or "
    "edge property of another shard raises mmgraph.ShardNotMapped naming the shard that owns it (shard_of() routes "
    "keys); edges and vertex_ref values into it are Vertex references whose shard and local_index are known.";

// Labels or edge types with their counts summed over the view's shards (which share one schema).
std::vector<SchemaEntry> describe(const Source& source, bool labels) {
    std::vector<SchemaEntry> entries;
    const std::vector<uint16_t> own = source.own_shards();
    for (uint16_t s : own) {
        auto infos = labels ? source.shard(s).labels() : source.shard(s).edge_types();
        for (size_t i = 0; i < infos.size(); ++i) {
            if (s == own.front()) {
                SchemaEntry entry{{std::string(infos[i].name)}, 0, {}};
                for (const auto& a : infos[i].attributes) entry.attributes.push_back({{std::string(a.name)}, type_name(a.type), a.nullable});
                entries.push_back(std::move(entry));
            }
            entries.at(i).count += infos[i].count;
        }
    }
    return entries;
}

uint32_t edge_type_id(const File& file, const std::string& name) {
    auto id = file.find_edge_type(name);
    if (!id) throw Error(ErrorKind::misuse, file.path().string() + ": no edge type '" + name + "'");
    return *id;
}

void require_direction(const File& file, Direction direction) {
    if (direction == Direction::in && !file.has_in_edges())
        throw Error(ErrorKind::misuse, file.path().string() + ": the file stores no in-edges (written with store_in_edges=False)");
}

uint64_t own_edge_count(const Source& source) {
    uint64_t n = 0;
    for (uint16_t s : source.own_shards()) n += source.shard(s).edge_count();
    return n;
}

std::optional<PyVertex> find_key(const HandlePtr& handle, const py::handle& key, const std::optional<Name>& space_name) {
    OwnedKey owned = key_from_python(key);
    SourcePtr source = handle->get();
    const IdSpace space = id_space_named(*source, space_name);
    // One lookup is a few hundred nanoseconds: releasing and taking back the GIL would cost as
    // much (find_many is the form that releases it).
    const std::optional<Vertex> found =
        source->whole() ? source->dataset->find(owned.key(), space) : source->first_own().find(owned.key(), space);
    if (!found) return std::nullopt;
    return make_vertex(handle, *source, found->ref());
}

// `index` is global; a negative one counts back from the end of the view's own vertices.
PyVertex vertex_at(const HandlePtr& handle, int64_t index) {
    SourcePtr source = handle->get();
    const auto begin = static_cast<int64_t>(source->own_begin()), end = static_cast<int64_t>(source->own_end());
    const int64_t global = index < 0 ? end + index : index;
    if (global < begin || global >= end) {
        if (source->whole()) throw Error(ErrorKind::misuse, "vertex index " + std::to_string(index) + " out of range (" + std::to_string(end) + " vertices)");
        throw Error(ErrorKind::misuse, "vertex index " + std::to_string(index) + " is not in shard " + std::to_string(source->shard_begin) +
                                           ", whose vertices are range(" + std::to_string(begin) + ", " + std::to_string(end) + ")");
    }
    VertexRef ref = source->locate(static_cast<uint64_t>(global));
    return PyVertex{handle, static_cast<uint64_t>(global), ref.shard, ref.index};
}

// A path given by Python (str, bytes or os.PathLike) as the bytes the file system takes, and back.
std::string path_bytes(const py::handle& path) { return py::module_::import("os").attr("fsencode")(path).cast<std::string>(); }
py::object path_text(const std::string& path) { return py::module_::import("os").attr("fsdecode")(py::bytes(path)); }

// `shards`: the shards to map, or None for all.
py::object open_graph(const py::object& paths, bool verify, const std::optional<std::vector<int64_t>>& shards) {
    ReaderOptions options;
    options.verify_on_open = verify;
    std::optional<std::vector<uint16_t>> wanted;
    if (shards) {
        wanted.emplace();
        for (int64_t s : *shards) {
            if (s < 0 || s > UINT16_MAX) throw Error(ErrorKind::misuse, "shard " + std::to_string(s) + " out of range (a shard id is 0 to 65534)");
            wanted->push_back(static_cast<uint16_t>(s));
        }
    }
    std::optional<Dataset> dataset;
    std::string shown;
    if (py::isinstance<py::str>(paths) || py::isinstance<py::bytes>(paths) || py::hasattr(paths, "__fspath__")) {
        std::filesystem::path path = path_bytes(paths);
        shown = path.string();
        py::gil_scoped_release release;
        dataset = wanted ? Dataset::open(path, std::span<const uint16_t>(*wanted), options) : Dataset::open(path, options);
    } else {
        std::vector<std::filesystem::path> files;
        for (const auto& p : paths) files.emplace_back(path_bytes(p));
        shown = files.empty() ? "" : files.front().string();
        py::gil_scoped_release release;
        dataset = wanted ? Dataset::open(files, std::span<const uint16_t>(*wanted), options) : Dataset::open(files, options);
    }
    auto handle = std::make_shared<Handle>();
    handle->source = std::make_shared<const Source>(std::move(*dataset));
    if (handle->source->shard_count() == 1) return py::cast(PyFile{{handle, shown}});
    return py::cast(PyDataset{{handle, shown}});
}

py::dict vertex_attributes(const PyVertex& v) {
    SourcePtr source = v.handle->get();
    py::dict values;
    Vertex vertex = v.get(*source);
    for (auto [name, value] : vertex.attributes()) values[decode_text(name)] = to_python(value, v.handle, source, false, &vertex.file());
    return values;
}

py::object vertex_item(const PyVertex& v, const Name& name) {
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    // The layout of the vertex's whole label set: its attributes are every label's (§6.6).
    const LabelInfo& layout = vertex.file().label_set_layout(vertex.label_set());
    if (!layout.find(name.bytes)) {
        const std::string what = vertex.labels().size() > 1 ? "labels '" : "label '";
        const std::string verb = vertex.labels().size() > 1 ? "' have" : "' has";
        PyErr_SetObject(PyExc_KeyError, decode_text(what + std::string(layout.name) + verb + " no attribute '" + name.bytes + "'").ptr());
        throw py::error_already_set();
    }
    return to_python(vertex.get(name.bytes), v.handle, source, false, &vertex.file());
}

py::tuple vertex_labels(const PyVertex& v) {
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    const auto labels = vertex.labels();
    const auto infos = vertex.file().labels();
    py::tuple names(labels.size());
    for (size_t i = 0; i < labels.size(); ++i) names[i] = decode_text(infos[labels[i]].name);
    return names;
}

py::object vertex_id_space(const PyVertex& v) {
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    const IdSpace space = vertex.id_space();
    if (space.id == 0) return py::none();
    return decode_text(vertex.file().id_space_names()[space.id - 1]);
}

EdgeRange edge_range(const Vertex& vertex, Direction direction, const std::optional<Name>& type) {
    require_direction(vertex.file(), direction);
    return type ? vertex.edges(direction, edge_type_id(vertex.file(), type->bytes)) : vertex.edges(direction);
}

uint64_t vertex_degree(const PyVertex& v, const std::string& direction, const std::optional<Name>& type) {
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    Direction d = parse_direction(direction);
    require_direction(vertex.file(), d);
    return type ? vertex.degree(d, edge_type_id(vertex.file(), type->bytes)) : vertex.degree(d);
}

py::array_t<int64_t> vertex_neighbors(const PyVertex& v, const std::string& direction, const std::optional<Name>& type) {
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    EdgeRange edges = edge_range(vertex, parse_direction(direction), type);
    py::array_t<int64_t> out(static_cast<py::ssize_t>(edges.size()));
    int64_t* data = out.mutable_data();
    size_t i = 0;
    for (const Edge& e : edges) {
        if (i == edges.size()) break;
        data[i++] = static_cast<int64_t>(source->global(e.target));
    }
    return out;
}

py::object vertex_edges(const PyVertex& v, const std::string& direction, const std::optional<Name>& type) {
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    EdgeRange edges = edge_range(vertex, parse_direction(direction), type);
    const auto types = vertex.file().edge_types();
    py::array_t<int64_t> targets(static_cast<py::ssize_t>(edges.size()));
    py::list type_names, properties;
    size_t i = 0;
    for (const Edge& e : edges) {
        if (i == edges.size()) break;
        targets.mutable_data()[i++] = static_cast<int64_t>(source->global(e.target));
        if (e.type >= types.size()) throw Error(ErrorKind::damaged, "edge of unknown type " + std::to_string(e.type));
        type_names.append(decode_text(types[e.type].name));
        py::dict props;
        const auto& attributes = types[e.type].attributes;
        // Properties live in the source's shard (§8.2), whose string table names their zones; an
        // unmapped one makes property() raise ShardNotMapped first.
        const File* holder = e.direction == Direction::out ? &vertex.file()
                             : source->mapped(e.target.shard) ? &source->shard(e.target.shard) : nullptr;
        for (uint32_t p = 0; p < attributes.size(); ++p)
            props[decode_text(attributes[p].name)] = to_python(source->dataset->property(e, vertex, p), v.handle, source, false, holder);
        properties.append(std::move(props));
    }
    static py::object make = py::module_::import("collections").attr("namedtuple")("VertexEdges", "targets types properties");
    return make(targets, type_names, properties);
}

py::object shard_file(const PyDataset& d, int64_t shard) {
    const SourcePtr source = d.source();
    const int64_t id = shard < 0 ? shard + source->shard_count() : shard;
    if (id < 0 || id >= source->shard_count())
        throw Error(ErrorKind::misuse, "shard " + std::to_string(shard) + " out of range (" + std::to_string(source->shard_count()) + " shards)");
    source->shard(static_cast<uint16_t>(id));  // raises ShardNotMapped for a shard not mapped
    auto handle = std::make_shared<Handle>();
    handle->source = std::make_shared<const Source>(source->shard_view(static_cast<uint16_t>(id)));
    auto& views = d.handle->views;
    views.erase(std::remove_if(views.begin(), views.end(), [](const std::weak_ptr<Handle>& h) { return h.expired(); }), views.end());
    views.push_back(handle);
    return py::cast(PyFile{{handle, source->shard(static_cast<uint16_t>(id)).path().native()}});
}

// The shards and local indices of a vertex's neighbours: references, whichever shard they are in.
py::tuple vertex_neighbor_refs(const PyVertex& v, const std::string& direction, const std::optional<Name>& type) {
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    EdgeRange edges = edge_range(vertex, parse_direction(direction), type);
    py::array_t<uint16_t> shards(static_cast<py::ssize_t>(edges.size()));
    py::array_t<uint32_t> indices(static_cast<py::ssize_t>(edges.size()));
    size_t i = 0;
    for (const Edge& e : edges) {
        if (i == edges.size()) break;
        shards.mutable_data()[i] = e.target.shard;
        indices.mutable_data()[i++] = e.target.index;
    }
    return py::make_tuple(shards, indices);
}

// The vertex at (shard, local index): a reference when the shard is not mapped.
PyVertex vertex_in(const PyGraph& g, int64_t shard, int64_t index) {
    SourcePtr source = g.source();
    if (shard < 0 || shard >= source->shard_count())
        throw Error(ErrorKind::misuse, "shard " + std::to_string(shard) + " out of range (" + std::to_string(source->shard_count()) + " shards)");
    const auto s = static_cast<uint16_t>(shard);
    if (source->mapped(s) && (index < 0 || static_cast<uint64_t>(index) >= source->shard(s).vertex_count()))
        throw Error(ErrorKind::misuse, "vertex index " + std::to_string(index) + " out of range (shard " + std::to_string(shard) + " has " +
                                           std::to_string(source->shard(s).vertex_count()) + " vertices)");
    if (index < 0 || index > UINT32_MAX) throw Error(ErrorKind::misuse, "vertex index " + std::to_string(index) + " out of range");
    return make_vertex(g.handle, *source, VertexRef{s, static_cast<uint32_t>(index)});
}

py::str vertex_repr(const PyVertex& v) {
    if (!v.handle->source) return py::str("<mmgraph.Vertex {} of a closed file>").format(v.global);
    if (v.global == PyVertex::kUnmapped) return py::str("<mmgraph.Vertex shard={} local_index={} (shard not mapped)>").format(v.shard, v.index);
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    if (vertex.labels().size() > 1)
        return py::str("<mmgraph.Vertex {} key={!r} labels={}>").format(v.global, key_to_python(vertex.key()), vertex_labels(v));
    return py::str("<mmgraph.Vertex {} key={!r} label={}>").format(v.global, key_to_python(vertex.key()), decode_text(vertex.label_name()));
}

py::str graph_repr(const PyGraph& g) {
    if (!g.handle->source) return py::str("<mmgraph closed {!r}>").format(path_text(g.path));
    const SourcePtr source = g.source();
    py::str shards = py::str("{} shard(s)").format(source->shard_count());
    if (source->dataset->partial() && source->whole()) shards = py::str("shards {} of {}").format(py::cast(source->own_shards()), source->shard_count());
    if (!source->whole()) shards = py::str("shard {} of {}").format(source->shard_begin, source->shard_count());
    return py::str("<mmgraph {!r}: {} vertices, {} edges, {}>").format(path_text(g.path), source->own_count(), own_edge_count(*source), shards);
}

void bind_schema(py::module_& m) {
    py::class_<AttributeDescription>(m, "Attribute", "An attribute of a label or a property of an edge type.")
        .def_readonly("name", &AttributeDescription::name)
        .def_readonly("type", &AttributeDescription::type, "Type name as in spec §4.3: 'int16', 'string', 'float32[]' ...")
        .def_readonly("nullable", &AttributeDescription::nullable)
        .def("__repr__", [](const AttributeDescription& a) {
            return py::str("Attribute(name={!r}, type={!r}, nullable={})").format(a.name, a.type, a.nullable);
        });
    py::class_<SchemaEntry>(m, "SchemaEntry", "A label or an edge type: its name, how many vertices or edges have it, its attributes.")
        .def_readonly("name", &SchemaEntry::name)
        .def_readonly("count", &SchemaEntry::count)
        .def_readonly("attributes", &SchemaEntry::attributes)
        .def("__repr__", [](const SchemaEntry& e) {
            return py::str("SchemaEntry(name={!r}, count={}, attributes={!r})").format(e.name, e.count, e.attributes);
        });
    py::class_<SectionDescription>(m, "Section", "A section of the file (spec §3): name, byte offset, byte length.")
        .def_readonly("name", &SectionDescription::name)
        .def_readonly("offset", &SectionDescription::offset)
        .def_readonly("length", &SectionDescription::length)
        .def("__repr__", [](const SectionDescription& s) {
            return "Section(name='" + s.name + "', offset=" + std::to_string(s.offset) + ", length=" + std::to_string(s.length) + ")";
        });
}

void bind_vertex(py::module_& m) {
    py::class_<PyVertex>(m, "Vertex",
                         "A vertex of an open File or Dataset: cheap, valid until the file is closed (then every use raises "
                         "mmgraph.ClosedError).")
        .def_property_readonly("index", [](const PyVertex& v) {
            SourcePtr source = v.handle->get();
            if (v.global == PyVertex::kUnmapped) source->dataset->vertex({v.shard, v.index});  // raises ShardNotMapped
            return v.global;
        }, "Index in the file; in a dataset and its shard Files, the global index (shards numbered one after another). "
           "A reference into a shard the dataset does not map has none: mmgraph.ShardNotMapped.")
        .def_property_readonly("shard", [](const PyVertex& v) { v.handle->get(); return v.shard; })
        .def_property_readonly("local_index", [](const PyVertex& v) { v.handle->get(); return v.index; },
                               "Index within its shard: with shard, the reference a service mapping that shard takes (Dataset.vertex_in).")
        .def_property_readonly("mapped", [](const PyVertex& v) { v.handle->get(); return v.global != PyVertex::kUnmapped; },
                               "False for a reference into a shard the dataset does not map: only shard and local_index answer.")
        .def_property_readonly("key", [](const PyVertex& v) { SourcePtr source = v.handle->get(); return key_to_python(v.get(*source).key()); })
        .def_property_readonly("label", [](const PyVertex& v) { SourcePtr source = v.handle->get(); return decode_text(v.get(*source).label_name()); },
                               "The vertex's label; for a vertex with several labels (spec §6.6), the first of labels: the one "
                               "declared first in the file's schema (lowest label id).")
        .def_property_readonly("labels", &vertex_labels,
                               "The names of all the vertex's labels as a tuple, in schema order (label id order); label is "
                               "the first.")
        .def_property_readonly("id_space", &vertex_id_space,
                               "The name of the ID space its key is in (spec §8.1), None for the default space.")
        .def("__getitem__", &vertex_item, py::arg("name"), "The value of one attribute (KeyError when its labels have none so named). Times and "
             "date-times are datetime objects, which hold microseconds: digits below are dropped "
             "(vertices() keeps them).")
        .def("attributes", &vertex_attributes, "All attribute values as a dict, nulls as None; times and date-times to the microsecond, "
             "as item access gives them.")
        .def("degree", &vertex_degree, py::arg("direction") = "out", py::arg("type") = py::none(),
             "Number of edges in a direction ('out' or 'in'), of one edge type or all.")
        .def("neighbors", &vertex_neighbors, py::arg("direction") = "out", py::arg("type") = py::none(),
             "Indices of the other endpoints as a numpy int64 array, in stored order (by type, then index).")
        .def("edges", &vertex_edges, py::arg("direction") = "out", py::arg("type") = py::none(),
             "The edges as VertexEdges(targets: int64 array, types: list of names, properties: list of dicts).")
        .def("neighbor_refs", &vertex_neighbor_refs, py::arg("direction") = "out", py::arg("type") = py::none(),
             "The other endpoints as references, (shards: uint16 array, local indices: uint32 array), in the order of "
             "neighbors(); unlike neighbors(), also for neighbours in shards the dataset does not map.")
        .def("__eq__", [](const PyVertex& a, const py::object& b) {
            if (!py::isinstance<PyVertex>(b)) return false;
            const auto& other = b.cast<const PyVertex&>();
            return a.handle == other.handle && a.shard == other.shard && a.index == other.index;
        })
        .def("__hash__", [](const PyVertex& v) {
            return std::hash<const void*>()(v.handle.get()) ^ std::hash<uint64_t>()((uint64_t{v.shard} << 32) | v.index);
        })
        .def("__repr__", &vertex_repr);

}

void bind_graphs(py::module_& m) {
    py::class_<PyGraph> graph(m, "Graph", "What File and Dataset share.");
    graph
        .def_property_readonly("path", [](const PyGraph& g) { return path_text(g.path); })
        .def_property_readonly("closed", [](const PyGraph& g) { return !g.handle->source; })
        .def("close", [](PyGraph& g) { g.handle->close(); },
             "Releases the file. Vertices and values obtained from it (and a Dataset's shard Files) then raise "
             "mmgraph.ClosedError; numpy arrays and memoryviews already handed out stay valid (they keep the mapping).")
        .def("__enter__", [](const py::object& self) { return self; })
        .def("__exit__", [](PyGraph& g, const py::args&) { g.handle->close(); })
        .def_property_readonly("shard_count", [](const PyGraph& g) { return g.source()->shard_count(); },
                               "Shards of the dataset the graph belongs to (1 for a single file).")
        .def_property_readonly("vertex_count", [](const PyGraph& g) { return g.source()->own_count(); })
        .def_property_readonly("edge_count", [](const PyGraph& g) { return own_edge_count(*g.source()); },
                               "Edges whose source vertex is in the graph (in a shard File, its own out-edges).")
        .def("__len__", [](const PyGraph& g) { return g.source()->own_count(); })
        .def_property_readonly("index_range", [](const PyGraph& g) {
            const SourcePtr source = g.source();
            return py::module_::import("builtins").attr("range")(source->own_begin(), source->own_end());
        }, "The indices of the graph's own vertices as a range: range(0, vertex_count), but for a shard File the global "
           "indices of its shard's vertices.")
        .def_property_readonly("_index_limit", [](const PyGraph& g) { return g.source()->vertex_count(); })
        .def_property_readonly("has_in_edges", [](const PyGraph& g) { return g.source()->first_own().has_in_edges(); })
        .def_property_readonly("key_type", [](const PyGraph& g) {
            return g.source()->first_own().key_type() == KeyType::int64 ? "int" : "string";
        }, "'string' or 'int'.")
        .def_property_readonly("labels", [](const PyGraph& g) { return describe(*g.source(), true); })
        .def_property_readonly("edge_types", [](const PyGraph& g) { return describe(*g.source(), false); })
        .def("find", [](const PyGraph& g, const py::object& key, const std::optional<Name>& space) { return find_key(g.handle, key, space); },
             py::arg("key"), py::arg("space") = py::none(),
             "The vertex with this key (str or int), or None (in a shard File: None when another shard holds it). space: the "
             "name of the ID space the key is in (id_spaces), None for the default space; a name the file lacks raises "
             "mmgraph.MisuseError.")
        .def_property_readonly("id_spaces", [](const PyGraph& g) {
            const auto names = g.source()->first_own().id_space_names();
            py::tuple out(names.size());
            for (size_t i = 0; i < names.size(); ++i) out[i] = decode_text(names[i]);
            return out;
        }, "The names of the named ID spaces (spec §8.1) as a tuple, in declaration order; empty when every key is in the "
           "default space.")
        .def("vertex", [](const PyGraph& g, int64_t index) { return vertex_at(g.handle, index); }, py::arg("index"),
             "The vertex at an index (negative counts from the end); in a shard File, one of its own global indices.")
        .def("vertex_in", &vertex_in, py::arg("shard"), py::arg("local_index"),
             "The vertex at a local index of a shard (a reference from Vertex.neighbor_refs() or Vertex.shard/local_index); a "
             "reference when the dataset does not map that shard.")
        .def("verify", [](const PyGraph& g) {
            SourcePtr source = g.source();
            py::gil_scoped_release release;
            if (source->whole()) source->dataset->verify();
            else source->first_own().verify();
        }, "The deep check of every byte (spec §12); raises mmgraph.DamagedFileError describing the first problem. A "
           "Dataset also checks the edges between its shards; a shard File checks its own file.")
        .def("__repr__", &graph_repr);

    bind_graph_arrays(graph);

    py::class_<PyFile, PyGraph>(m, "File", kFileDoc)
        .def_property_readonly("sections", [](const PyFile& f) {
            std::vector<SectionDescription> sections;
            for (const auto& s : f.source()->first_own().sections()) sections.push_back({std::string(s.name()), s.offset, s.length});
            return sections;
        })
        .def_property_readonly("version", [](const PyFile& f) {
            const File& file = f.source()->first_own();
            return py::make_tuple(file.version_major(), file.version_minor());
        })
        .def_property_readonly("shard_id", [](const PyFile& f) { return f.source()->shard_begin; },
                               "The file's shard id in its dataset (0 for a single file).");

    py::class_<PyDataset, PyGraph>(m, "Dataset", kDatasetDoc)
        .def_property_readonly("shard_paths", [](const PyDataset& d) {
            const SourcePtr source = d.source();
            py::list paths;
            for (uint16_t s = 0; s < source->shard_count(); ++s)
                paths.append(source->mapped(s) ? path_text(source->shard(s).path().native()) : py::none());
            return paths;
        }, "The path of each shard's file, None for a shard not mapped.")
        .def_property_readonly("mapped_shards", [](const PyDataset& d) { return py::tuple(py::cast(d.source()->own_shards())); },
                               "The shards this dataset maps (all unless opened with shards=[...]).")
        .def("shard_first_index", [](const PyDataset& d) { return d.source()->first_index; },
             "Global index of each shard's first vertex, then the vertex count.")
        .def("shard", &shard_file, py::arg("shard"),
             "A File reading one shard (negative counts from the end): a new view of this dataset, closed with it.")
        .def_property_readonly("shards", [](const PyDataset& d) {
            py::tuple files(d.source()->shard_count());
            for (uint16_t s = 0; s < files.size(); ++s) files[s] = d.source()->mapped(s) ? shard_file(d, s) : py::none();
            return files;
        }, "A File per shard, in shard order, as a tuple (new views on each access, as shard()); None for a shard not mapped.");
}

}  // namespace

IdSpace id_space_named(const Source& source, const std::optional<Name>& name) {
    if (!name) return {};
    const File& file = source.first_own();
    if (auto space = file.id_space(name->bytes)) return *space;
    std::string known;
    for (std::string_view n : file.id_space_names()) known += (known.empty() ? "" : ", ") + ("'" + std::string(n) + "'");
    throw Error(ErrorKind::misuse, "no ID space '" + name->bytes + "' in " + file.path().string() +
                                       (known.empty() ? " (it has none but the default)" : " (it has " + known + ")"));
}

void register_graph(py::module_& m) {
    bind_schema(m);
    bind_vertex(m);
    bind_graphs(m);
    m.def("_open", &open_graph, py::arg("path"), py::arg("verify") = false, py::arg("shards") = py::none());
    m.def("shard_of", [](const py::object& key, int64_t shard_count) {
        if (shard_count < 1 || shard_count > UINT16_MAX)
            throw Error(ErrorKind::misuse, "shard_of: a dataset has 1 to 65535 shards, not " + std::to_string(shard_count));
        OwnedKey owned = key_from_python(key);
        return shard_of(owned.key(), static_cast<uint16_t>(shard_count));
    }, py::arg("key"), py::arg("shard_count"),
          "The shard of a shard_count-shard dataset that holds the vertex with this key (str or int): key hash mod K (spec "
          "§10), as the writers place it. Route a request for the key to the service that maps this shard.");
}

}  // namespace mmgraph::python
