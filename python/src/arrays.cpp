// Whole-graph arrays, computed with the GIL released into std::vectors that numpy then owns
// (no copy): find_many, degrees, csr, bfs, and the column tables behind vertices() and edges().
#include "binding.hpp"
#include "huge_pages.hpp"
#include "in_parallel.hpp"
#include "mmgraph/traversal.hpp"

#include <algorithm>
#include <map>
#include <atomic>
#include <ranges>


namespace mmgraph::python {
namespace {

template <typename T, typename Allocator>
py::array_t<T> to_numpy(std::vector<T, Allocator>&& values) {
    using Vector = std::vector<T, Allocator>;
    auto* owned = new Vector(std::move(values));
    py::capsule owner(owned, [](void* p) { delete static_cast<Vector*>(p); });
    return py::array_t<T>(static_cast<py::ssize_t>(owned->size()), owned->data(), owner);
}

std::optional<uint32_t> edge_type_of(const File& file, const std::optional<Name>& type) {
    if (!type) return std::nullopt;
    auto id = file.find_edge_type(type->bytes);
    if (!id) throw Error(ErrorKind::misuse, file.path().string() + ": no edge type '" + type->bytes + "'");
    return id;
}

// --- find_many ------------------------------------------------------------------------------

py::array_t<int64_t> find_many(const PyGraph& g, const py::object& keys, const std::optional<Name>& space_name) {
    SourcePtr source = g.source();
    const IdSpace space = id_space_named(*source, space_name);
    const bool int_keys = source->first_own().key_type() == KeyType::int64;
    std::vector<OwnedKey> owned;
    std::vector<Key> wanted;
    py::array_t<int64_t, py::array::c_style | py::array::forcecast> numbers;
    const bool given_as_text = py::isinstance<py::list>(keys) && py::len(keys) > 0 && py::isinstance<py::str>(keys.cast<py::list>()[0]);
    if (int_keys && !given_as_text) {
        numbers = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(keys);
        if (!numbers) throw py::error_already_set();
        wanted.assign(numbers.data(), numbers.data() + numbers.size());
    } else {
        for (const auto& key : keys) owned.push_back(key_from_python(key));
        for (const auto& key : owned) wanted.push_back(key.key());
    }
    std::vector<int64_t> found(wanted.size(), -1);
    {
        py::gil_scoped_release release;
        std::vector<std::optional<Vertex>> results(wanted.size());
        if (source->whole()) source->dataset->find(wanted, space, results);
        else source->first_own().find(wanted, space, results);
        for (size_t i = 0; i < wanted.size(); ++i)
            if (results[i]) {
                const VertexRef ref = results[i]->ref();
                found[i] = static_cast<int64_t>(source->global(ref.shard, ref.index));
            }
    }
    return to_numpy(std::move(found));
}

// --- degrees, csr, bfs ----------------------------------------------------------------------

struct Csr {
    NumpyVector<int64_t> indptr;
    NumpyVector<int64_t> indices;
};

Csr transpose(const Csr& csr, uint64_t n) {
    Csr t;
    t.indptr.assign(n + 1, 0);
    for (int64_t target : csr.indices) ++t.indptr[target + 1];
    for (uint64_t v = 0; v < n; ++v) t.indptr[v + 1] += t.indptr[v];
    t.indices.resize(csr.indices.size());
    NumpyVector<int64_t> next(t.indptr.begin(), t.indptr.end() - 1);
    for (uint64_t v = 0; v < n; ++v)
        for (int64_t k = csr.indptr[v]; k < csr.indptr[v + 1]; ++k) t.indices[next[csr.indices[k]]++] = static_cast<int64_t>(v);
    return t;
}

// Room for the view's edges in `direction`: the out-edge counts of the headers, which only
// verify() checks, believed as far as the files' bytes could hold them (an entry takes at least
// a bit), so that forged counts cannot ask for more memory than the files explain. A shard's
// in-edges have no count of their own: the bytes alone bound them.
uint64_t edge_capacity(const Source& source, Direction direction) {
    uint64_t n = 0;
    for (uint16_t s : source.own_shards()) {
        const uint64_t bits = source.shard(s).file_size() * 8;
        n += direction == Direction::out ? std::min(source.shard(s).edge_count(), bits) : bits;
    }
    return n;
}

// Rows [begin, end) of a CSR.
Csr rows(Csr&& csr, uint64_t begin, uint64_t end) {
    if (begin == 0 && end + 1 == csr.indptr.size()) return std::move(csr);
    Csr part;
    part.indices.assign(csr.indices.begin() + csr.indptr[begin], csr.indices.begin() + csr.indptr[end]);
    for (uint64_t v = begin; v <= end; ++v) part.indptr.push_back(csr.indptr[v] - csr.indptr[begin]);
    return part;
}

// One shard's rows [first, last) of a CSR whose row starts are already known (`starts`, from
// the degrees): every row is written at its place, so that threads fill disjoint rows. A flat
// record (every target in the shard) is decoded a packed run at a time, and its largest target
// checked against the shard's vertex count; a grouped one is walked edge by edge. A record
// holding more or fewer edges than its degree said is damaged, and no write leaves its row.
void fill_rows(const Source& source, uint16_t shard, std::optional<uint32_t> type, Direction direction, uint32_t first,
               uint32_t last, const int64_t* starts, int64_t* indices) {
    const File& file = source.shard(shard);
    const auto base = static_cast<int64_t>(source.global(shard, 0));
    const uint64_t vertices = file.vertex_count();
    for (uint32_t v = first; v < last; ++v) {
        const Vertex vertex = file.vertex(v);
        const EdgeRange range = type ? vertex.edges(direction, *type) : vertex.edges(direction);
        int64_t* row = indices + starts[v - first];
        const auto room = static_cast<uint64_t>(starts[v - first + 1] - starts[v - first]);
        if (range.size() != room)
            throw Error(ErrorKind::damaged, file.path().string() + ": vertex " + std::to_string(v) + " has a different number of " +
                                                (direction == Direction::out ? "out" : "in") + "-edges than its degree");
        if (range.local()) {
            const uint32_t largest = range.local_targets(std::span<int64_t>(row, room), base);
            if (largest >= vertices) [[unlikely]] source.bad_reference({shard, largest});
        } else {
            for (const Edge& e : range) *row++ = static_cast<int64_t>(source.global(e.target));
        }
    }
}

// Worth a second thread: below this, starting it costs more than it saves.
constexpr uint32_t kParallelVertices = 65536;

// A shard's rows cut into pieces of about equal work for the filling threads to take in turn: a
// row costs its edges' decoding plus a fixed amount for finding its record (kRowCost edges'
// worth), so that neither thread is left with the many small rows after the hubs. Returns the
// pieces' first rows and n.
constexpr int64_t kRowCost = 8;
constexpr uint32_t kPieces = 64;

std::vector<uint32_t> piece_bounds(const int64_t* starts, uint32_t n) {
    const auto work_before = [&](uint32_t v) { return starts[v] - starts[0] + kRowCost * v; };
    const int64_t total = work_before(n);
    std::vector<uint32_t> bounds{0};
    const auto rows = std::views::iota(uint32_t{0}, n);
    for (uint32_t p = 1; p < kPieces; ++p) {
        const int64_t wanted = total / kPieces * p;
        const uint32_t v = *std::ranges::partition_point(rows, [&](uint32_t row) { return work_before(row) < wanted; });
        if (v > bounds.back()) bounds.push_back(v);
    }
    bounds.push_back(n);
    return bounds;
}

// Row ends of one shard's vertices [first, last) into ends[v - first]: their degrees, summed later.
void degrees_into(const File& file, std::optional<uint32_t> type, Direction direction, uint32_t first, uint32_t last, int64_t* ends) {
    for (uint32_t v = first; v < last; ++v) {
        const Vertex vertex = file.vertex(v);
        ends[v - first] = static_cast<int64_t>(type ? vertex.degree(direction, *type) : vertex.degree(direction));
    }
}

// The degrees of a shard's n vertices into ends[0, n), half of them on a second thread.
void degrees_of_halves(const File& file, std::optional<uint32_t> type, Direction direction, uint32_t n, int64_t* ends) {
    const uint32_t middle = n / 2;
    in_parallel(n >= kParallelVertices, [&] { degrees_into(file, type, direction, 0, middle, ends); },
                [&] { degrees_into(file, type, direction, middle, n, ends + middle); });
}

// The rows of the view's own vertices, each listing global indices. The degrees come first
// (O(1) a vertex), so both arrays are sized once, and then two threads fill the rows, taking
// pieces of equal work in turn: decoding, not memory, bounds a scan of a file in the page cache.
Csr build_csr(const Source& source, Direction direction, const std::optional<Name>& type) {
    // A file written without in-edges still answers the in direction, by transposing; a vertex's
    // in-edges may start in any shard, so the whole dataset is transposed.
    if (direction == Direction::in && !source.first_own().has_in_edges())
        return rows(transpose(build_csr(source.whole_view(), Direction::out, type), source.vertex_count()), source.own_begin(),
                    source.own_end());
    Csr csr;
    csr.indptr.resize(source.own_count() + 1);
    csr.indptr[0] = 0;
    std::vector<std::optional<uint32_t>> types;
    const std::vector<uint16_t> own = source.own_shards();
    for (uint16_t s : own) types.push_back(edge_type_of(source.shard(s), type));
    auto for_each_shard = [&](auto&& work) {
        uint64_t row = 0;
        for (size_t k = 0; k < own.size(); ++k) {
            const File& file = source.shard(own[k]);
            const auto n = static_cast<uint32_t>(file.vertex_count());
            work(own[k], file, types[k], n, csr.indptr.data() + row);
            row += n;
        }
    };
    for_each_shard([&](uint16_t, const File& file, std::optional<uint32_t> t, uint32_t n, int64_t* starts) {
        degrees_of_halves(file, t, direction, n, starts + 1);
    });
    for (size_t row = 0; row + 1 < csr.indptr.size(); ++row) csr.indptr[row + 1] += csr.indptr[row];
    // Degrees are counts the files' bytes must explain (an entry takes at least a bit).
    if (static_cast<uint64_t>(csr.indptr.back()) > edge_capacity(source, direction))
        throw Error(ErrorKind::damaged, source.first_own().path().string() + ": the degrees add up to more edges than the file can hold");
    csr.indices.resize(static_cast<size_t>(csr.indptr.back()));
    for_each_shard([&](uint16_t shard, const File&, std::optional<uint32_t> t, uint32_t n, const int64_t* starts) {
        const std::vector<uint32_t> bounds = piece_bounds(starts, n);
        std::atomic<size_t> next{0};
        int64_t* const indices = csr.indices.data();
        const auto take_pieces = [&] {
            for (size_t p; (p = next.fetch_add(1, std::memory_order_relaxed)) + 1 < bounds.size();)
                fill_rows(source, shard, t, direction, bounds[p], bounds[p + 1], starts + bounds[p], indices);
        };
        // Each thread faults in half the shard's rows first: see populate().
        const int64_t middle = (starts[0] + starts[n]) / 2;
        in_parallel(
            n >= kParallelVertices,
            [&] {
                populate(indices + starts[0], static_cast<size_t>(middle - starts[0]));
                take_pieces();
            },
            [&] {
                populate(indices + middle, static_cast<size_t>(starts[n] - middle));
                take_pieces();
            });
    });
    return csr;
}

py::tuple csr(const PyGraph& g, const std::string& direction, const std::optional<Name>& type) {
    SourcePtr source = g.source();
    Direction d = parse_direction(direction);
    Csr result;
    {
        py::gil_scoped_release release;
        result = build_csr(*source, d, type);
    }
    return py::make_tuple(to_numpy(std::move(result.indptr)), to_numpy(std::move(result.indices)));
}

py::array_t<int64_t> degrees(const PyGraph& g, const std::string& direction, const std::optional<Name>& type) {
    SourcePtr source = g.source();
    Direction d = parse_direction(direction);
    NumpyVector<int64_t> out;
    {
        py::gil_scoped_release release;
        if (d == Direction::in && !source->first_own().has_in_edges()) {
            Csr t = build_csr(*source, d, type);
            out.resize(source->own_count());
            for (size_t v = 0; v < out.size(); ++v) out[v] = t.indptr[v + 1] - t.indptr[v];
        } else {
            out.resize(source->own_count());
            uint64_t row = 0;
            for (uint16_t s : source->own_shards()) {
                const File& file = source->shard(s);
                const auto n = static_cast<uint32_t>(file.vertex_count());
                degrees_of_halves(file, edge_type_of(file, type), d, n, out.data() + row);
                row += n;
            }
        }
    }
    return to_numpy(std::move(out));
}

// Over the whole dataset, whichever shards `source` calls its own.
NumpyVector<int32_t> bfs_levels(const Source& view, uint64_t start, Direction direction) {
    const Source source = view.whole_view();
    const uint64_t n = source.vertex_count();
    NumpyVector<int32_t> distance(n, -1);
    source.locate(start);
    distance[start] = 0;
    std::vector<uint64_t> frontier{start}, next;
    if (direction == Direction::in && !source.first_own().has_in_edges()) {
        Csr t = build_csr(source, direction, std::nullopt);
        for (int32_t level = 1; !frontier.empty(); ++level) {
            next.clear();
            for (uint64_t v : frontier)
                for (int64_t k = t.indptr[v]; k < t.indptr[v + 1]; ++k)
                    if (distance[t.indices[k]] < 0) {
                        distance[t.indices[k]] = level;
                        next.push_back(static_cast<uint64_t>(t.indices[k]));
                    }
            frontier.swap(next);
        }
        return distance;
    }
    // The library's search numbers vertices as Source does (mapped shards in order).
    BfsOptions options;
    options.direction = direction == Direction::out ? BfsDirection::out : BfsDirection::in;
    mmgraph::bfs(*source.dataset, source.locate(start), distance, options);
    return distance;
}

py::array_t<int32_t> bfs(const PyGraph& g, const py::object& start, const std::string& direction) {
    SourcePtr source = g.source();
    uint64_t index;
    if (py::isinstance<PyVertex>(start)) {
        index = start.cast<const PyVertex&>().global;
    } else {
        int64_t i = start.cast<int64_t>();
        if (i < 0) throw Error(ErrorKind::misuse, "bfs: source index " + std::to_string(i) + " is negative");
        index = static_cast<uint64_t>(i);
    }
    Direction d = parse_direction(direction);
    NumpyVector<int32_t> distance;
    {
        py::gil_scoped_release release;
        distance = bfs_levels(*source, index, d);
    }
    return to_numpy(std::move(distance));
}

// --- tables ---------------------------------------------------------------------------------
//
// A table is rows of one kind (vertices, or out-edges) whose schema entry (label or edge type)
// may differ from row to row. Each attribute name becomes one column: typed (numpy values and a
// null mask) when every entry having it gives it the same fixed-size scalar type, else a
// column of Python objects. Rows whose entry lacks the attribute are null there.

struct Row {
    uint16_t shard = 0;
    uint32_t index = 0;   // the vertex, or the edge's source
    uint32_t schema = 0;  // label id or edge type id
    Edge edge;            // edge tables
};

struct ColumnPlan {
    std::string name;
    std::vector<int64_t> attribute;  // per schema entry: attribute index, -1 when absent
    std::optional<Type> type;        // the common type, if there is one
    bool typed = false;              // values and mask in numpy arrays
    std::vector<uint8_t> values, mask;
    std::vector<ValueRef> objects;
    std::vector<uint16_t> shards;  // per row, for datetime zones (typed datetime and object columns)
};

// `kept[e]`: whether entry e's attributes become columns.
std::vector<ColumnPlan> plan_columns(const std::vector<const LabelInfo*>& entries, const std::vector<bool>& kept) {
    std::vector<ColumnPlan> columns;
    for (uint32_t e = 0; e < entries.size(); ++e) {
        if (!kept[e]) continue;
        for (uint32_t a = 0; a < entries[e]->attributes.size(); ++a) {
            const AttributeInfo& info = entries[e]->attributes[a];
            auto it = std::find_if(columns.begin(), columns.end(), [&](const ColumnPlan& c) { return c.name == info.name; });
            if (it == columns.end()) {
                columns.push_back(ColumnPlan{std::string(info.name), std::vector<int64_t>(entries.size(), -1), info.type, false, {}, {}, {}, {}});
                it = columns.end() - 1;
            } else if (it->type && !(*it->type == info.type)) {
                it->type.reset();
            }
            it->attribute[e] = a;
        }
    }
    for (auto& c : columns) c.typed = c.type && c.type->is_fixed();
    return columns;
}

unsigned typed_size(Type type) { return type.element() == TypeCode::vertex_ref ? 8 : format::scalar_size(type.byte); }

template <typename Read>
void fill_columns(const Source& source, std::vector<ColumnPlan>& columns, const std::vector<Row>& rows, Read read) {
    for (auto& c : columns) {
        if (c.typed) {
            c.values.assign(rows.size() * typed_size(*c.type), 0);
            c.mask.assign(rows.size(), 0);
        } else {
            c.objects.assign(rows.size(), ValueRef());
        }
        if (!c.typed || c.type->element() == TypeCode::datetime) {
            c.shards.resize(rows.size());
            for (size_t r = 0; r < rows.size(); ++r) c.shards[r] = rows[r].shard;
        }
    }
    for (size_t r = 0; r < rows.size(); ++r) {
        for (auto& c : columns) {
            int64_t attribute = c.attribute[rows[r].schema];
            ValueRef value = attribute < 0 ? ValueRef() : read(rows[r], static_cast<uint32_t>(attribute));
            if (!c.typed) {
                c.objects[r] = value;
            } else if (value.is_null()) {
                c.mask[r] = 1;
            } else if (c.type->element() == TypeCode::vertex_ref) {
                int64_t global = static_cast<int64_t>(source.global(value.as_ref()));
                std::memcpy(&c.values[r * 8], &global, 8);
            } else {
                const unsigned size = typed_size(*c.type);
                auto bytes = value.as_bytes();
                if (bytes.size() != size) throw Error(ErrorKind::damaged, "attribute '" + c.name + "': value of unexpected size");
                std::memcpy(&c.values[r * size], bytes.data(), size);
            }
        }
    }
}

py::list columns_to_python(std::vector<ColumnPlan>& columns, const HandlePtr& handle, const SourcePtr& source) {
    py::list out;
    for (auto& c : columns) {
        const std::string type = c.type ? type_name(*c.type) : "object";
        if (c.typed) {
            py::dtype dtype = c.type->element() == TypeCode::vertex_ref ? py::dtype("<i8") : scalar_dtype(c.type->element());
            py::array values(dtype, {static_cast<py::ssize_t>(c.mask.size())}, {dtype.itemsize()}, c.values.data());
            if (c.type->element() == TypeCode::date) values = date_days_array(values);
            py::array_t<bool> mask(static_cast<py::ssize_t>(c.mask.size()), reinterpret_cast<const bool*>(c.mask.data()));
            if (c.type->element() == TypeCode::datetime) {  // (records, zone names): see dense_zones
                std::vector<const File*> files(c.shards.size());
                for (size_t r = 0; r < files.size(); ++r)
                    if (!c.mask[r]) files[r] = &source->shard(c.shards[r]);
                std::vector<std::string> zones;
                values = dense_zones(values, files, zones);
                py::list names;
                for (const auto& z : zones) names.append(decode_text(z));
                out.append(py::make_tuple(decode_text(c.name), type, py::make_tuple(values, names), mask));
                continue;
            }
            out.append(py::make_tuple(decode_text(c.name), type, values, mask));
        } else {
            py::list objects;
            for (size_t r = 0; r < c.objects.size(); ++r)
                objects.append(to_python(c.objects[r], handle, source, true, &source->shard(c.shards[r])));
            out.append(py::make_tuple(decode_text(c.name), type, objects, py::none()));
        }
    }
    return out;
}

// The label sets (§6.6) of the view's shards as table entries. A shard numbers only the sets
// its vertices use, so one set may have other ids in other shards: an entry is a set's labels,
// which name it the same way in every shard of one schema.
struct LabelSetEntries {
    std::vector<const LabelInfo*> layouts;       // per entry
    std::vector<std::vector<uint32_t>> labels;   // per entry, ascending label ids
    std::vector<std::vector<uint32_t>> of_shard;  // per shard: the shard's set id -> entry
};

LabelSetEntries label_set_entries(const Source& source) {
    LabelSetEntries entries;
    std::map<std::vector<uint32_t>, uint32_t> by_labels;
    entries.of_shard.resize(source.shard_count());
    for (uint16_t s : source.own_shards()) {
        const File& file = source.shard(s);
        for (uint32_t set = 0; set < file.label_set_count(); ++set) {
            const auto labels = file.label_set_labels(set);
            std::vector<uint32_t> key(labels.begin(), labels.end());
            auto [it, added] = by_labels.emplace(key, static_cast<uint32_t>(entries.layouts.size()));
            if (added) {
                entries.layouts.push_back(&file.label_set_layout(set));
                entries.labels.push_back(std::move(key));
            }
            entries.of_shard[s].push_back(it->second);
        }
    }
    return entries;
}

py::dict vertex_table(const PyGraph& g, const std::optional<Name>& label) {
    SourcePtr source = g.source();
    const File& first = source->first_own();
    std::optional<uint32_t> only;
    if (label) {
        only = first.find_label(label->bytes);
        if (!only) throw Error(ErrorKind::misuse, g.path + ": no label '" + label->bytes + "'");
    }
    const LabelSetEntries sets = label_set_entries(*source);
    // With a label, the columns of every set that carries it: its vertices' whole records.
    std::vector<bool> kept(sets.layouts.size());
    for (size_t e = 0; e < kept.size(); ++e)
        kept[e] = !only || std::binary_search(sets.labels[e].begin(), sets.labels[e].end(), *only);
    std::vector<ColumnPlan> columns = plan_columns(sets.layouts, kept);
    std::vector<Row> rows;
    std::vector<int64_t> index, int_keys;
    std::vector<int32_t> labels;
    std::vector<std::string_view> text_keys;
    const bool int_key = first.key_type() == KeyType::int64;
    {
        py::gil_scoped_release release;
        auto take = [&](uint16_t s, const Vertex& v) {
            Row row{s, v.index(), sets.of_shard[s].at(v.label_set()), {}};
            rows.push_back(row);
            index.push_back(static_cast<int64_t>(source->global(s, v.index())));
            labels.push_back(static_cast<int32_t>(v.label()));
            Key key = v.key();
            if (int_key) int_keys.push_back(std::get<int64_t>(key));
            else text_keys.push_back(std::get<std::string_view>(key));
        };
        for (uint16_t s : source->own_shards()) {
            const File& file = source->shard(s);
            if (only) {
                for (Vertex v : file.vertices(*only)) take(s, v);
            } else {
                for (Vertex v : file.vertices()) take(s, v);
            }
        }
        fill_columns(*source, columns, rows, [&](const Row& row, uint32_t attribute) {
            return source->shard(row.shard).vertex(row.index).get(attribute);
        });
    }
    py::dict table;
    table["index"] = to_numpy(std::move(index));
    if (int_key) {
        table["key"] = to_numpy(std::move(int_keys));
    } else {
        py::list keys;
        for (auto k : text_keys) keys.append(key_to_python(Key(k)));
        table["key"] = keys;
    }
    table["label"] = to_numpy(std::move(labels));
    py::list names;
    for (const auto& l : first.labels()) names.append(decode_text(l.name));
    table["label_names"] = names;
    // Every row's labels as a tuple of names, one tuple per set shared by its rows.
    std::vector<py::tuple> set_names;
    for (const auto& set : sets.labels) {
        py::tuple t(set.size());
        for (size_t i = 0; i < set.size(); ++i) t[i] = names[set[i]];
        set_names.push_back(std::move(t));
    }
    py::list row_labels(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) row_labels[r] = set_names[rows[r].schema];
    table["labels"] = row_labels;
    table["columns"] = columns_to_python(columns, g.handle, source);
    return table;
}

py::dict edge_table(const PyGraph& g, const std::optional<Name>& type) {
    SourcePtr source = g.source();
    const File& first = source->first_own();
    std::optional<uint32_t> only = edge_type_of(first, type);
    std::vector<const LabelInfo*> entries;
    std::vector<bool> kept;
    for (uint32_t t = 0; t < first.edge_types().size(); ++t) {
        entries.push_back(&first.edge_types()[t]);
        kept.push_back(!only || t == *only);
    }
    std::vector<ColumnPlan> columns = plan_columns(entries, kept);
    std::vector<Row> rows;
    std::vector<int64_t> sources, targets;
    std::vector<int32_t> types;
    {
        py::gil_scoped_release release;
        for (uint16_t s : source->own_shards()) {
            const File& file = source->shard(s);
            file.for_each_edge(Direction::out, [&](uint32_t from, const Edge& e) {
                if (only && e.type != *only) return;
                if (e.type >= first.edge_types().size()) throw Error(ErrorKind::damaged, "edge of unknown type " + std::to_string(e.type));
                rows.push_back(Row{s, from, e.type, e});
                sources.push_back(static_cast<int64_t>(source->global(s, from)));
                targets.push_back(static_cast<int64_t>(source->global(e.target)));
                types.push_back(static_cast<int32_t>(e.type));
            });
        }
        fill_columns(*source, columns, rows, [&](const Row& row, uint32_t property) {
            return source->shard(row.shard).property(row.edge, property);
        });
    }
    py::dict table;
    table["source"] = to_numpy(std::move(sources));
    table["target"] = to_numpy(std::move(targets));
    table["type"] = to_numpy(std::move(types));
    py::list names;
    for (const auto& t : first.edge_types()) names.append(decode_text(t.name));
    table["type_names"] = names;
    table["columns"] = columns_to_python(columns, g.handle, source);
    return table;
}

}  // namespace

void bind_graph_arrays(py::class_<PyGraph>& cls) {
    cls.def("find_many", &find_many, py::arg("keys"), py::arg("space") = py::none(),
            "Indices of the vertices with these keys as a numpy int64 array, -1 where absent (one batched native lookup). "
            "space: the ID space of every key, by name, as find() takes it.")
        .def("degrees", &degrees, py::arg("direction") = "out", py::arg("type") = py::none(),
             "Every vertex's degree as a numpy int64 array, in index order (a shard File: its own vertices, index_range).")
        .def("csr", &csr, py::arg("direction") = "out", py::arg("type") = py::none(),
             "The adjacency as compressed sparse rows (indptr, indices), numpy int64 arrays; row v lists v's neighbours in stored "
             "order, multi-edges repeated. A shard File gives the rows of its own vertices (index_range), with global indices.")
        .def("bfs", &bfs, py::arg("source"), py::arg("direction") = "out",
             "Breadth-first distances (numpy int32, -1 where unreachable) from a Vertex or a vertex index, indexed by global "
             "index: a shard File searches its whole dataset.")
        .def("_vertex_table", &vertex_table, py::arg("label") = py::none())
        .def("_edge_table", &edge_table, py::arg("type") = py::none());
}

void register_arrays(py::module_&) {}

}  // namespace mmgraph::python
