// Shared declarations of the mmgraph._native translation units.
//
// Lifetimes. A Python File or Dataset owns a Handle; everything obtained from it (Vertex
// objects, value views, arrays) holds the same Handle or, for numpy views into the mapping,
// a Source of its own. close() empties the Handle, so later calls through it raise ClosedError,
// while views already handed out keep their Source, and with it the mapping, alive. Each call
// copies the Source out of the Handle while it holds the GIL and uses that copy with the GIL
// released, so a close() from another thread cannot pull the mapping from under it.
//
// A Dataset's shard File (Dataset.shard()) has a Handle of its own, over a Source that shares the
// dataset and reads one shard as its own vertices; the dataset's Handle lists it, so closing the
// dataset closes its shard Files too, while closing a shard File closes only that File. Handles
// are only touched with the GIL held.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "mmgraph/reader.hpp"
#include "mmgraph/writer.hpp"

namespace py = pybind11;

namespace mmgraph::python {

// Raised for any use of a closed File or Dataset (Python: mmgraph.ClosedError).
class ClosedError : public Error {
public:
    ClosedError() : Error(ErrorKind::misuse, "the mmgraph file is closed") {}
};

// An open dataset (one or more shards) and the global numbering of its vertices: shard s's
// vertex i is global index first_index[s] + i, so a single shard's indices are its own. A
// dataset opened with some of its shards numbers only those: an unmapped shard takes no indices,
// and a reference into it has none (global() throws ShardNotMapped naming it).
// The shards [shard_begin, shard_end) are the view's own vertices, the rows of its tables and
// arrays: every shard for mmgraph.open(), one for a shard File. Indices stay global either way,
// and edges and references lead anywhere in the dataset.
struct Source {
    std::shared_ptr<const Dataset> dataset;
    std::vector<uint64_t> first_index;  // per shard, plus the total at the end
    uint16_t shard_begin = 0, shard_end = 0;

    explicit Source(Dataset opened);
    // The same dataset with one shard's vertices as its own, or all of them.
    Source shard_view(uint16_t shard) const;
    Source whole_view() const;
    bool whole() const { return shard_begin == 0 && shard_end == shard_count(); }
    // Global indices of the view's own vertices: [own_begin(), own_end()).
    uint64_t own_begin() const { return first_index[shard_begin]; }
    uint64_t own_end() const { return first_index[shard_end]; }
    uint64_t own_count() const { return own_end() - own_begin(); }
    bool mapped(uint16_t id) const { return dataset->mapped(id); }
    // The mapped shards among the view's own, in shard order.
    std::vector<uint16_t> own_shards() const;
    const File& first_own() const { return shard(own_shards().front()); }
    uint16_t shard_count() const { return dataset->shard_count(); }
    const File& shard(uint16_t id) const { return dataset->shard(id); }
    uint64_t vertex_count() const { return first_index.back(); }  // the whole dataset's
    // The global index of a reference read from the file; throws damaged when it names no vertex.
    // Inline: bfs() and csr()'s grouped records ask it once per edge.
    uint64_t checked_global(uint16_t shard, uint32_t index) const {
        if (shard + size_t{1} >= first_index.size() || index >= first_index[shard + 1] - first_index[shard]) [[unlikely]]
            bad_reference({shard, index});
        return first_index[shard] + index;
    }
    uint64_t global(VertexRef ref) const { return checked_global(ref.shard, ref.index); }
    [[noreturn]] void bad_reference(VertexRef ref) const;
    uint64_t global(uint16_t shard, uint32_t index) const { return first_index[shard] + index; }
    VertexRef locate(uint64_t global) const;  // throws misuse when out of range
    Vertex vertex(uint64_t global) const { return dataset->vertex(locate(global)); }
};
using SourcePtr = std::shared_ptr<const Source>;

struct Handle {
    SourcePtr source;                          // empty once closed
    std::vector<std::weak_ptr<Handle>> views;  // the shard Files made from this one
    SourcePtr get() const {
        if (!source) throw ClosedError();
        return source;
    }
    void close() {
        source.reset();
        for (const auto& view : views)
            if (auto open = view.lock()) open->close();
        views.clear();
    }
};
using HandlePtr = std::shared_ptr<Handle>;

// What File and Dataset share on the Python side.
struct PyGraph {
    HandlePtr handle;
    std::string path;
    SourcePtr source() const { return handle->get(); }
};

// A vertex as Python sees it: the handle it was read through and its place. A vertex of a shard
// the dataset does not map is a reference: its shard and index are known, nothing else.
struct PyVertex {
    static constexpr uint64_t kUnmapped = UINT64_MAX;  // `global` of a reference into an unmapped shard
    HandlePtr handle;
    uint64_t global = 0;
    uint16_t shard = 0;
    uint32_t index = 0;
    // The caller keeps `source` (a copy taken from the handle) while it uses the Vertex.
    Vertex get(const Source& source) const { return source.shard(shard).vertex(index); }
};

PyVertex make_vertex(const HandlePtr& handle, const Source& source, VertexRef ref);

// A read-only numpy array over bytes of the mapping, keeping the source alive.
py::array view_array(const SourcePtr& source, py::dtype dtype, uint64_t count, const void* data);
// The numpy dtype of a fixed-size scalar type code (vertex_ref excluded).
py::dtype scalar_dtype(TypeCode code);
// int32 day counts (a date's stored form) as a numpy datetime64[D] array (a copy).
py::array date_days_array(const py::array& days);
// The numpy dtype of a 2.2 type's packed record (§4.3): localtime int64, the others structured.
py::dtype temporal_dtype(TypeCode code);
// Rewrites the zone field of datetime records (an owned array), each from files[r], from string
// id + 1 to index + 1 into `names` (extended with the names met); a null file leaves a record.
py::array dense_zones(py::array records, const std::vector<const File*>& files, std::vector<std::string>& names);
// mmgraph._temporal.objects(): records of a 2.2 type as Python objects, in a list.
py::list temporal_objects(TypeCode code, const py::array& records, const std::vector<std::string>& zones);

// Text read from a file (names, keys, string values) as a str: UTF-8, with bytes that are not
// kept as surrogate escapes (as os.fsdecode does), so that a damaged file's names still show and
// can be given back.
py::str decode_text(std::string_view bytes);
// The bytes of a str, surrogate escapes turned back into the bytes they stand for; throws
// py::error_already_set when `str` is not a str.
std::string encode_text(const py::handle& str);
// A name given by Python (a label, attribute or edge type), as encode_text() converts it.
struct Name {
    std::string bytes;
};

// The ID space of a name given by Python (None: the default space); misuse naming a name the
// dataset lacks, with the ones it has.
IdSpace id_space_named(const Source& source, const std::optional<Name>& name);

// A value as Python sees it (the head of values.cpp lists the mapping). `for_table` gives
// bytes objects instead of memoryviews and vertex indices instead of Vertex objects. `file` is
// the shard the value was read from, whose string table names a datetime's zone (default: the
// first of the source's own shards).
py::object to_python(const ValueRef& value, const HandlePtr& handle, const SourcePtr& source, bool for_table = false,
                     const File* file = nullptr);

// A key given by Python, held with its string's storage.
struct OwnedKey {
    std::string text;
    int64_t number = 0;
    bool is_text = false;
    Key key() const { return is_text ? Key(std::string_view(text)) : Key(number); }
};
OwnedKey key_from_python(const py::handle& key);
py::object key_to_python(const Key& key);

std::string type_name(Type type);
Direction parse_direction(const std::string& direction);

// Whole-graph methods of File and Dataset (arrays.cpp).
void bind_graph_arrays(py::class_<PyGraph>& cls);

// Registration, one per translation unit.
void register_errors(py::module_& m);
void register_graph(py::module_& m);
void register_values(py::module_& m);
void register_arrays(py::module_& m);
void register_writer(py::module_& m);
void register_shard_writer(py::module_& m);
void register_importer(py::module_& m);

}  // namespace mmgraph::python

namespace pybind11::detail {
// Name from and to str (see decode_text() and encode_text()).
template <>
struct type_caster<mmgraph::python::Name> {
    PYBIND11_TYPE_CASTER(mmgraph::python::Name, const_name("str"));
    bool load(handle source, bool) {
        if (!PyUnicode_Check(source.ptr())) return false;
        value.bytes = mmgraph::python::encode_text(source);
        return true;
    }
    static handle cast(const mmgraph::python::Name& name, return_value_policy, handle) { return mmgraph::python::decode_text(name.bytes).release(); }
};
}  // namespace pybind11::detail
