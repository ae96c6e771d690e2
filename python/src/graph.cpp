// File, Dataset and Vertex: opening, the schema, lookups and one vertex's values and edges.
#include "binding.hpp"

namespace mmgraph::python {
namespace {

struct AttributeDescription {
    std::string name;
    std::string type;
    bool nullable = false;
};

struct SchemaEntry {
    std::string name;
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

// Labels or edge types with their counts summed over the shards (which share one schema).
std::vector<SchemaEntry> describe(const Source& source, bool labels) {
    std::vector<SchemaEntry> entries;
    for (uint16_t s = 0; s < source.shard_count(); ++s) {
        auto infos = labels ? source.shard(s).labels() : source.shard(s).edge_types();
        for (size_t i = 0; i < infos.size(); ++i) {
            if (s == 0) {
                SchemaEntry entry{std::string(infos[i].name), 0, {}};
                for (const auto& a : infos[i].attributes) entry.attributes.push_back({std::string(a.name), type_name(a.type), a.nullable});
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

std::optional<PyVertex> find_key(const HandlePtr& handle, const py::handle& key) {
    OwnedKey owned = key_from_python(key);
    SourcePtr source = handle->get();
    std::optional<Vertex> found;
    {
        py::gil_scoped_release release;
        found = source->dataset->find(owned.key());
    }
    if (!found) return std::nullopt;
    return make_vertex(handle, *source, found->ref());
}

PyVertex vertex_at(const HandlePtr& handle, int64_t index) {
    SourcePtr source = handle->get();
    if (index < 0) index += static_cast<int64_t>(source->vertex_count());
    if (index < 0) throw Error(ErrorKind::misuse, "vertex index out of range");
    VertexRef ref = source->locate(static_cast<uint64_t>(index));
    return PyVertex{handle, static_cast<uint64_t>(index), ref.shard, ref.index};
}

py::object open_graph(const py::object& paths, bool verify) {
    ReaderOptions options;
    options.verify_on_open = verify;
    std::optional<Dataset> dataset;
    std::string shown;
    if (py::isinstance<py::str>(paths) || py::hasattr(paths, "__fspath__")) {
        std::filesystem::path path = py::str(py::module_::import("os").attr("fspath")(paths)).cast<std::string>();
        shown = path.string();
        py::gil_scoped_release release;
        dataset = Dataset::open(path, options);
    } else {
        std::vector<std::filesystem::path> files;
        for (const auto& p : paths) files.emplace_back(py::str(py::module_::import("os").attr("fspath")(p)).cast<std::string>());
        shown = files.empty() ? "" : files.front().string();
        py::gil_scoped_release release;
        dataset = Dataset::open(files, options);
    }
    auto handle = std::make_shared<Handle>();
    handle->source = std::make_shared<const Source>(std::move(*dataset));
    if (handle->source->shard_count() == 1) return py::cast(PyFile{{handle, shown}});
    return py::cast(PyDataset{{handle, shown}});
}

py::dict vertex_attributes(const PyVertex& v) {
    SourcePtr source = v.handle->get();
    py::dict values;
    for (auto [name, value] : v.get(*source).attributes()) values[py::str(std::string(name))] = to_python(value, v.handle, source);
    return values;
}

py::object vertex_item(const PyVertex& v, const std::string& name) {
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    const LabelInfo& label = vertex.file().labels()[vertex.label()];
    if (!label.find(name)) throw py::key_error("label '" + std::string(label.name) + "' has no attribute '" + name + "'");
    return to_python(vertex.get(name), v.handle, source);
}

EdgeRange edge_range(const Vertex& vertex, Direction direction, const std::optional<std::string>& type) {
    require_direction(vertex.file(), direction);
    return type ? vertex.edges(direction, edge_type_id(vertex.file(), *type)) : vertex.edges(direction);
}

uint64_t vertex_degree(const PyVertex& v, const std::string& direction, const std::optional<std::string>& type) {
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    Direction d = parse_direction(direction);
    require_direction(vertex.file(), d);
    return type ? vertex.degree(d, edge_type_id(vertex.file(), *type)) : vertex.degree(d);
}

py::array_t<int64_t> vertex_neighbors(const PyVertex& v, const std::string& direction, const std::optional<std::string>& type) {
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

py::object vertex_edges(const PyVertex& v, const std::string& direction, const std::optional<std::string>& type) {
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
        type_names.append(py::str(std::string(types[e.type].name)));
        py::dict props;
        const auto& attributes = types[e.type].attributes;
        for (uint32_t p = 0; p < attributes.size(); ++p)
            props[py::str(std::string(attributes[p].name))] = to_python(source->dataset->property(e, vertex, p), v.handle, source);
        properties.append(std::move(props));
    }
    static py::object make = py::module_::import("collections").attr("namedtuple")("VertexEdges", "targets types properties");
    return make(targets, type_names, properties);
}

std::string vertex_repr(const PyVertex& v) {
    if (!v.handle->source) return "<mmgraph.Vertex " + std::to_string(v.global) + " of a closed file>";
    SourcePtr source = v.handle->get();
    Vertex vertex = v.get(*source);
    return "<mmgraph.Vertex " + std::to_string(v.global) + " key=" + py::repr(key_to_python(vertex.key())).cast<std::string>() +
           " label=" + std::string(vertex.label_name()) + ">";
}

}  // namespace

void register_graph(py::module_& m) {
    py::class_<AttributeDescription>(m, "Attribute", "An attribute of a label or a property of an edge type.")
        .def_readonly("name", &AttributeDescription::name)
        .def_readonly("type", &AttributeDescription::type, "Type name as in spec §4.3: 'int16', 'string', 'float32[]' ...")
        .def_readonly("nullable", &AttributeDescription::nullable)
        .def("__repr__", [](const AttributeDescription& a) {
            return "Attribute(name='" + a.name + "', type='" + a.type + "', nullable=" + (a.nullable ? "True" : "False") + ")";
        });
    py::class_<SchemaEntry>(m, "SchemaEntry", "A label or an edge type: its name, how many vertices or edges have it, its attributes.")
        .def_readonly("name", &SchemaEntry::name)
        .def_readonly("count", &SchemaEntry::count)
        .def_readonly("attributes", &SchemaEntry::attributes)
        .def("__repr__", [](const SchemaEntry& e) {
            return "SchemaEntry(name='" + e.name + "', count=" + std::to_string(e.count) + ", attributes=" +
                   py::repr(py::cast(e.attributes)).cast<std::string>() + ")";
        });
    py::class_<SectionDescription>(m, "Section", "A section of the file (spec §3): name, byte offset, byte length.")
        .def_readonly("name", &SectionDescription::name)
        .def_readonly("offset", &SectionDescription::offset)
        .def_readonly("length", &SectionDescription::length)
        .def("__repr__", [](const SectionDescription& s) {
            return "Section(name='" + s.name + "', offset=" + std::to_string(s.offset) + ", length=" + std::to_string(s.length) + ")";
        });

    py::class_<PyVertex>(m, "Vertex",
                         "A vertex of an open File or Dataset: cheap, valid until the file is closed (then every use raises "
                         "mmgraph.ClosedError).")
        .def_property_readonly("index", [](const PyVertex& v) { v.handle->get(); return v.global; },
                               "Index in the file; in a dataset, the global index (shards numbered one after another).")
        .def_property_readonly("shard", [](const PyVertex& v) { v.handle->get(); return v.shard; })
        .def_property_readonly("key", [](const PyVertex& v) { SourcePtr source = v.handle->get(); return key_to_python(v.get(*source).key()); })
        .def_property_readonly("label", [](const PyVertex& v) { SourcePtr source = v.handle->get(); return std::string(v.get(*source).label_name()); })
        .def("__getitem__", &vertex_item, py::arg("name"), "The value of one attribute (KeyError when the label has none so named).")
        .def("attributes", &vertex_attributes, "All attribute values as a dict, nulls as None.")
        .def("degree", &vertex_degree, py::arg("direction") = "out", py::arg("type") = py::none(),
             "Number of edges in a direction ('out' or 'in'), of one edge type or all.")
        .def("neighbors", &vertex_neighbors, py::arg("direction") = "out", py::arg("type") = py::none(),
             "Indices of the other endpoints as a numpy int64 array, in stored order (by type, then index).")
        .def("edges", &vertex_edges, py::arg("direction") = "out", py::arg("type") = py::none(),
             "The edges as VertexEdges(targets: int64 array, types: list of names, properties: list of dicts).")
        .def("__eq__", [](const PyVertex& a, const py::object& b) {
            if (!py::isinstance<PyVertex>(b)) return false;
            const auto& other = b.cast<const PyVertex&>();
            return a.handle == other.handle && a.global == other.global;
        })
        .def("__hash__", [](const PyVertex& v) { return std::hash<const void*>()(v.handle.get()) ^ std::hash<uint64_t>()(v.global); })
        .def("__repr__", &vertex_repr);

    py::class_<PyGraph> graph(m, "Graph", "What File and Dataset share.");
    graph
        .def_property_readonly("path", [](const PyGraph& g) { return g.path; })
        .def_property_readonly("closed", [](const PyGraph& g) { return !g.handle->source; })
        .def("close", [](PyGraph& g) { g.handle->source.reset(); },
             "Releases the file. Vertices and values obtained from it then raise mmgraph.ClosedError; numpy arrays and "
             "memoryviews already handed out stay valid (they keep the mapping).")
        .def("__enter__", [](const py::object& self) { return self; })
        .def("__exit__", [](PyGraph& g, const py::args&) { g.handle->source.reset(); })
        .def_property_readonly("shard_count", [](const PyGraph& g) { return g.source()->shard_count(); })
        .def_property_readonly("vertex_count", [](const PyGraph& g) { return g.source()->vertex_count(); })
        .def_property_readonly("edge_count", [](const PyGraph& g) { return g.source()->dataset->edge_count(); })
        .def("__len__", [](const PyGraph& g) { return g.source()->vertex_count(); })
        .def_property_readonly("has_in_edges", [](const PyGraph& g) { return g.source()->shard(0).has_in_edges(); })
        .def_property_readonly("key_type", [](const PyGraph& g) {
            return g.source()->shard(0).key_type() == KeyType::int64 ? "int" : "string";
        }, "'string' or 'int'.")
        .def_property_readonly("labels", [](const PyGraph& g) { return describe(*g.source(), true); })
        .def_property_readonly("edge_types", [](const PyGraph& g) { return describe(*g.source(), false); })
        .def("find", [](const PyGraph& g, const py::object& key) { return find_key(g.handle, key); }, py::arg("key"),
             "The vertex with this key (str or int), or None.")
        .def("vertex", [](const PyGraph& g, int64_t index) { return vertex_at(g.handle, index); }, py::arg("index"),
             "The vertex at an index (negative counts from the end).")
        .def("verify", [](const PyGraph& g) {
            SourcePtr source = g.source();
            py::gil_scoped_release release;
            source->dataset->verify();
        }, "The deep check of every byte (spec §12); raises mmgraph.DamagedFileError describing the first problem.")
        .def("__repr__", [](const PyGraph& g) {
            if (!g.handle->source) return "<mmgraph closed '" + g.path + "'>";
            return "<mmgraph '" + g.path + "': " + std::to_string(g.source()->vertex_count()) + " vertices, " +
                   std::to_string(g.source()->dataset->edge_count()) + " edges, " + std::to_string(g.source()->shard_count()) + " shard(s)>";
        });

    bind_graph_arrays(graph);

    py::class_<PyFile, PyGraph>(m, "File", "One mmgraph file (a single-shard dataset), opened with mmgraph.open().")
        .def_property_readonly("sections", [](const PyFile& f) {
            std::vector<SectionDescription> sections;
            for (const auto& s : f.source()->shard(0).sections()) sections.push_back({std::string(s.name()), s.offset, s.length});
            return sections;
        })
        .def_property_readonly("version", [](const PyFile& f) {
            const File& file = f.source()->shard(0);
            return py::make_tuple(file.version_major(), file.version_minor());
        });

    py::class_<PyDataset, PyGraph>(m, "Dataset",
                                   "The shard files of one dataset (spec §10), opened with mmgraph.open(); vertex indices are global.")
        .def_property_readonly("shard_paths", [](const PyDataset& d) {
            std::vector<std::string> paths;
            for (uint16_t s = 0; s < d.source()->shard_count(); ++s) paths.push_back(d.source()->shard(s).path().string());
            return paths;
        })
        .def("shard_first_index", [](const PyDataset& d) { return d.source()->first_index; },
             "Global index of each shard's first vertex, then the vertex count.");

    m.def("_open", &open_graph, py::arg("path"), py::arg("verify") = false);
}

}  // namespace mmgraph::python
