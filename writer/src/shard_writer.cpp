// ShardWriter (spec §10.1): one shard of a dataset staged in a Writer's arrays and planned and
// encoded by the same ShardPlanner and ShardEncoder, so its bytes cannot drift from Writer's.
//
// Sections: the staging (vertices, then edges by place), finish(), and the free functions of the
// protocol (ordinals, dataset id, sealing).
//
// How a shard is staged. The shard's vertices take global ids 0 .. n-1, so an id is the local
// index. An endpoint in another shard becomes a "ghost": a global id past the vertices with a
// place (vertex_shard, vertex_local) but no key, label or values; the planner reads members only
// among the vertices proper, so a ghost is never encoded, only named by adjacency entries. Each
// remote endpoint gets a ghost of its own (6 bytes of places and 8 of degrees an edge); sharing
// them would take a hash table larger than that.
//
// Vertex reference attributes need no ghosts: a reference is only copied into its record, never
// sorted or grouped as adjacency entries are, so the Writer stages it resolved (StagedRefs), as
// the 6 bytes the file stores (§5.2), checked against the shard sizes as it is staged. That is the
// least a reference can take; a ghost would add a global id and degrees besides its place.
#include "mmgraph/shard_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <numeric>
#include <tuple>
#include <unordered_set>

#include "internal.hpp"
#include "mmgraph/format/fields.hpp"
#include "mmgraph/format/hash.hpp"
#include "os_files.hpp"
#include "output_file.hpp"
#include "shard_file.hpp"

namespace mmgraph {

namespace {

std::string place_text(VertexRef r) { return std::to_string(r.shard) + ":" + std::to_string(r.index); }

struct EdgeSubject {
    const char* direction;  // "out-edge" or "in-edge"
    uint64_t number;        // its rank among the calls of that kind
    VertexRef source, target;
};

std::string describe_edge(const void* subject) {
    const auto& e = *static_cast<const EdgeSubject*>(subject);
    return std::string(e.direction) + " " + std::to_string(e.number) + " (" + place_text(e.source) + " -> " + place_text(e.target) + ")";
}

}  // namespace

struct ShardWriter::Impl {
    // An edge from another shard, kept until finish() stages these in stored order.
    struct InEdge {
        uint32_t target;
        VertexRef source;
        EdgeTypeId type;
        uint32_t ordinal;
    };

    Writer writer;
    Writer::Impl& g;
    uint16_t shard;
    const std::vector<uint32_t>& shard_sizes;  // every shard's, kept by the Writer (it checks references)
    std::vector<InEdge> in_edges;
    std::unordered_set<uint16_t> declared_sets;  // the Writer's ids of the dataset's label sets
    uint64_t out_edges = 0;
    bool finished = false;

    Impl(WriterOptions options, Writer::Impl& (*staged)(Writer&), uint16_t shard, std::vector<uint32_t> sizes)
        : writer(options), g(staged(writer)), shard(shard), shard_sizes(g.resolved_ref_shard_sizes) {
        g.resolved_ref_shard_sizes = std::move(sizes);
    }

    uint32_t size() const { return shard_sizes[shard]; }
    void check_open(const char* call) const {
        if (finished) throw Error(ErrorKind::misuse, std::string(call) + " after finish()");
    }
    // The global id that stands for `place` (see the file comment).
    uint32_t staged_id(VertexRef place) {
        if (place.shard == shard) return place.index;
        g.vertex_shard.push_back(place.shard);
        g.vertex_local.push_back(place.index);
        return static_cast<uint32_t>(g.vertex_shard.size() - 1);
    }
    // An edge's endpoints are checked against the shard sizes of phase 1 (§10.1); every vertex
    // of this shard is in before the first edge, so the ghosts come after the vertices. After
    // this check staged_id cannot fail.
    void check_edge(const EdgeSubject& e) const {
        if (g.vertex_shard.size() >= std::numeric_limits<uint32_t>::max() - 1)
            throw Error(ErrorKind::limit, describe_edge(&e) + ": more than 2^32 - 2 vertices and remote endpoints in one shard writer");
        if (g.vertex_label.size() != size())
            throw Error(ErrorKind::bad_input, describe_edge(&e) + ": shard " + std::to_string(shard) + " has " + std::to_string(size()) +
                                                  " vertices but " + std::to_string(g.vertex_label.size()) +
                                                  " were added; all of them come before the first edge");
        for (const VertexRef& r : {e.source, e.target}) {
            if (r.shard >= shard_sizes.size())
                throw Error(ErrorKind::bad_input, describe_edge(&e) + ": shard " + std::to_string(r.shard) + " is past the dataset's " +
                                                      std::to_string(shard_sizes.size()) + " shards");
            if (r.index >= shard_sizes[r.shard])
                throw Error(ErrorKind::bad_input, describe_edge(&e) + ": local index " + std::to_string(r.index) + " is past shard " +
                                                      std::to_string(r.shard) + "'s " + std::to_string(shard_sizes[r.shard]) + " vertices");
        }
    }
    // Vertex `local` (its local index) with this key in `space` may be added: its key is this
    // shard's and the shard has room for it.
    void check_vertex(const Key& key, uint64_t local, IdSpace space = {}) const {
        if (out_edges > 0 || !in_edges.empty()) throw Error(ErrorKind::misuse, "vertex " + std::to_string(local) + ": added after an edge");
        const uint64_t home = g.hash_key(key, space) % shard_sizes.size();
        if (home != shard)
            throw Error(ErrorKind::bad_input, "vertex " + std::to_string(local) + " '" + key_to_string(key) + "': its key belongs to shard " +
                                                  std::to_string(home) + " (key hash" + g.space_text(space) + " mod " + std::to_string(shard_sizes.size()) +
                                                  "), not to shard " + std::to_string(shard));
        if (local >= size())
            throw Error(ErrorKind::bad_input, "vertex " + std::to_string(local) + " '" + key_to_string(key) + "': shard " +
                                                  std::to_string(shard) + " has only " + std::to_string(size()) + " vertices");
    }
    // The Writer's id of the label or declared label set `labels` (§6.6).
    uint16_t label_or_set(std::span<const LabelId> labels, const std::string& what) {
        const uint16_t id = g.label_set_of(labels, what.c_str());
        if (g.is_label_set(id) && !declared_sets.contains(id))
            throw Error(ErrorKind::misuse, what + ": label set '" + g.label_set(id).shape.name + "'" +
                                               " was not declared (declare_label_set, spec §10.1 phase 1)");
        return id;
    }
    // Checks out-edge `e` of a known type and stages its properties: their item, or kAbsent.
    uint32_t stage_out_edge(const EdgeSubject& e, EdgeTypeId type, std::span<const Value> properties) {
        check_edge(e);
        detail::InputContext context;
        context.describe = describe_edge;
        context.subject = &e;
        return g.stage_edge(type, properties, context);
    }
    // In-edge number `number` as it is kept until finish(), once checked.
    InEdge checked_in_edge(uint32_t target, VertexRef source, EdgeTypeId type, uint64_t ordinal, uint64_t number) const {
        const EdgeSubject e{"in-edge", number, source, {shard, target}};
        check_edge(e);
        if (source.shard == shard)
            throw Error(ErrorKind::bad_input, describe_edge(&e) + ": the source is in this shard; such an edge comes only as an out-edge");
        if (type >= g.edge_types.size()) throw Error(ErrorKind::misuse, describe_edge(&e) + ": unknown edge type id " + std::to_string(type));
        if (!g.edge_types[type].has_properties()) ordinal = 0;
        if (ordinal >= std::numeric_limits<uint32_t>::max())
            throw Error(ErrorKind::bad_input, describe_edge(&e) + ": ordinal " + std::to_string(ordinal) + " is past 2^32 - 2 (spec §9)");
        return {target, source, type, static_cast<uint32_t>(ordinal)};
    }
    void stage_in_edges();
    ShardSummary write(const std::filesystem::path& file);
};

ShardWriter::ShardWriter(WriterOptions options, uint16_t shard, std::vector<uint32_t> shard_sizes) {
    if (shard_sizes.size() != options.shard_count)
        throw Error(ErrorKind::bad_input, "ShardWriter: " + std::to_string(shard_sizes.size()) + " shard sizes given for " +
                                              std::to_string(options.shard_count) + " shards");
    if (shard >= options.shard_count)
        throw Error(ErrorKind::bad_input, "ShardWriter: shard " + std::to_string(shard) + " is past the dataset's " +
                                              std::to_string(options.shard_count) + " shards");
    // A local index past 2^31 would set the terminator bit of a reference or entry (§5.2).
    for (size_t s = 0; s < shard_sizes.size(); ++s)
        if (shard_sizes[s] > format::kMaxVerticesPerShard)
            throw Error(ErrorKind::limit, "ShardWriter: shard " + std::to_string(s) + " has " + std::to_string(shard_sizes[s]) +
                                              " vertices, more than 2^31 (spec §9)");
    impl_ = std::make_unique<Impl>(options, [](Writer& w) -> Writer::Impl& { return *w.impl_; }, shard, std::move(shard_sizes));
}

ShardWriter::~ShardWriter() = default;

uint64_t ShardWriter::vertex_count() const { return impl_->g.vertex_label.size(); }

void ShardWriter::declare_zone_names(std::span<const std::string_view> names) {
    Impl& m = *impl_;
    m.check_open("declare_zone_names");
    if (!m.g.vertex_label.empty()) throw Error(ErrorKind::misuse, "ShardWriter: declare_zone_names after the first vertex");
    for (std::string_view name : names) {
        if (name.empty() || !detail::is_zone_name_text(name))
            throw Error(ErrorKind::bad_input, "ShardWriter: zone name '" + std::string(name) + "' is not an IANA time zone name");
    }
    for (std::string_view name : names) m.g.zone_number(name);
}

void ShardWriter::declare_label_set(std::span<const LabelId> labels) {
    Impl& m = *impl_;
    m.check_open("declare_label_set");
    if (!m.g.vertex_label.empty()) throw Error(ErrorKind::misuse, "ShardWriter: declare_label_set after the first vertex");
    const uint16_t id = m.g.label_set_of(labels, "declare_label_set");
    if (m.g.is_label_set(id)) m.declared_sets.insert(id);
}

std::vector<AttributeSpec> ShardWriter::label_set_attributes(std::span<const LabelId> labels) {
    return impl_->writer.label_set_attributes(labels);
}

IdSpace ShardWriter::add_id_space(std::string_view name) {
    impl_->check_open("add_id_space");
    return impl_->writer.add_id_space(name);
}

LabelId ShardWriter::add_label(std::string_view name, std::vector<AttributeSpec> attributes) {
    impl_->check_open("add_label");
    return impl_->writer.add_label(name, std::move(attributes));
}

EdgeTypeId ShardWriter::add_edge_type(std::string_view name, std::vector<AttributeSpec> properties) {
    impl_->check_open("add_edge_type");
    return impl_->writer.add_edge_type(name, std::move(properties));
}

void ShardWriter::add_vertex(Key key, LabelId label, std::span<const Value> values) {
    add_vertex(IdSpace{}, std::move(key), std::span<const LabelId>(&label, 1), values);
}

void ShardWriter::add_vertex(IdSpace space, Key key, std::span<const LabelId> labels, std::span<const Value> values) {
    Impl& m = *impl_;
    m.check_open("add_vertex");
    const uint64_t local = m.g.vertex_label.size();
    m.label_or_set(labels, "vertex " + std::to_string(local));
    m.check_vertex(key, local, space);
    m.writer.add_vertex(space, key, labels, values);
}

void ShardWriter::add_vertices(IdSpace space, std::span<const Key> keys, std::span<const LabelId> labels, const Writer::RowValues& values) {
    Impl& m = *impl_;
    m.check_open("add_vertices");
    const uint16_t label = m.label_or_set(labels, "add_vertices");
    const uint64_t first = m.g.vertex_label.size();
    for (size_t row = 0; row < keys.size(); ++row) {
        try {
            m.check_vertex(keys[row], first + row, space);
        } catch (const Error& e) {
            throw e.at_row(row);
        }
    }
    m.g.add_vertices(space, keys, label, values);  // all or none, its errors at their rows
}

void ShardWriter::add_vertices(std::span<const Key> keys, LabelId label, const Writer::RowValues& values) {
    add_vertices(IdSpace{}, keys, std::span<const LabelId>(&label, 1), values);
}

void ShardWriter::add_out_edge(uint32_t source, VertexRef target, EdgeTypeId type, std::span<const Value> properties) {
    Impl& m = *impl_;
    m.check_open("add_out_edge");
    const EdgeSubject e{"out-edge", m.out_edges, {m.shard, source}, target};
    if (type >= m.g.edge_types.size()) throw Error(ErrorKind::misuse, describe_edge(&e) + ": unknown edge type id " + std::to_string(type));
    if (m.g.edges->size() >= std::numeric_limits<uint32_t>::max() - 1) throw Error(ErrorKind::limit, "more than 2^32 - 2 edges in one writer");
    m.g.edges->make_room();
    // The properties are staged before the ghost is made, so a refused edge leaves no ghost.
    const uint32_t item = m.stage_out_edge(e, type, properties);
    m.g.record_edge(source, m.staged_id(target), type, item);
    ++m.out_edges;
}

// As Writer::add_edges_by_id: every row's properties are staged first (row r's item is
// first_item + r), and taken back when a row is refused; then the edges are recorded.
void ShardWriter::add_out_edges(std::span<const uint32_t> sources, std::span<const VertexRef> targets, EdgeTypeId type,
                                const Writer::RowValues& properties) {
    Impl& m = *impl_;
    m.check_open("add_out_edges");
    const size_t rows = sources.size();
    if (targets.size() != rows)
        throw Error(ErrorKind::misuse, "add_out_edges: " + std::to_string(rows) + " sources but " + std::to_string(targets.size()) + " targets");
    if (type >= m.g.edge_types.size()) throw Error(ErrorKind::misuse, "add_out_edges: unknown edge type id " + std::to_string(type));
    constexpr uint64_t kMaxIds = std::numeric_limits<uint32_t>::max() - 1;
    if (m.g.edges->size() + rows >= kMaxIds) throw Error(ErrorKind::limit, "more than 2^32 - 2 edges in one writer");
    // Each row makes at most one ghost (check_edge counts only those already made).
    if (m.g.vertex_shard.size() + rows >= kMaxIds)
        throw Error(ErrorKind::limit, "more than 2^32 - 2 vertices and remote endpoints in one shard writer");
    const uint64_t first_item = m.g.edge_values.items();
    auto drop_items_from = [&](uint64_t item) {
        while (m.g.edge_values.items() > item) m.g.edge_values.drop_last_item();
    };
    size_t row = 0;
    try {
        for (; row < rows; ++row) {
            const EdgeSubject e{"out-edge", m.out_edges + row, {m.shard, sources[row]}, targets[row]};
            m.stage_out_edge(e, type, properties ? properties(row) : std::span<const Value>());
        }
    } catch (const Error& e) {
        drop_items_from(first_item);
        throw e.at_row(row);
    } catch (...) {
        drop_items_from(first_item);
        throw;
    }
    const bool has_properties = m.g.edge_types[type].has_properties();
    for (row = 0; row < rows; ++row) {
        try {
            m.g.edges->make_room();
        } catch (const Error& e) {
            if (has_properties) drop_items_from(first_item + row);  // items follow the edges recorded
            throw e.prefixed("the rows before it were added").at_row(row);
        }
        m.g.record_edge(sources[row], m.staged_id(targets[row]), type, has_properties ? static_cast<uint32_t>(first_item + row) : detail::kAbsent);
        ++m.out_edges;
    }
}

void ShardWriter::add_in_edge(uint32_t target, VertexRef source, EdgeTypeId type, uint64_t ordinal) {
    Impl& m = *impl_;
    m.check_open("add_in_edge");
    m.in_edges.push_back(m.checked_in_edge(target, source, type, ordinal, m.in_edges.size()));
}

void ShardWriter::add_in_edges(std::span<const uint32_t> targets, std::span<const VertexRef> sources, EdgeTypeId type,
                               std::span<const uint64_t> ordinals) {
    Impl& m = *impl_;
    m.check_open("add_in_edges");
    const size_t rows = targets.size();
    if (sources.size() != rows || (!ordinals.empty() && ordinals.size() != rows))
        throw Error(ErrorKind::misuse, "add_in_edges: " + std::to_string(rows) + " targets, " + std::to_string(sources.size()) +
                                           " sources and " + std::to_string(ordinals.size()) + " ordinals");
    const size_t first = m.in_edges.size();
    m.in_edges.reserve(first + rows);  // before any row: an allocation failure adds none
    for (size_t row = 0; row < rows; ++row) {
        try {
            m.in_edges.push_back(m.checked_in_edge(targets[row], sources[row], type, ordinals.empty() ? 0 : ordinals[row], first + row));
        } catch (const Error& e) {
            m.in_edges.resize(first);
            throw e.at_row(row);
        }
    }
}

// The in-edges from other shards, staged after the out-edges in stored order (§7: target, type,
// source shard, source index, then ordinal), which is the order the edge ids then give; of two
// parallel edges the lower ordinal is the one Writer added first.
void ShardWriter::Impl::stage_in_edges() {
    std::sort(in_edges.begin(), in_edges.end(), [](const InEdge& a, const InEdge& b) {
        return std::tie(a.target, a.type, a.source.shard, a.source.index, a.ordinal) <
               std::tie(b.target, b.type, b.source.shard, b.source.index, b.ordinal);
    });
    if (g.edges->size() + in_edges.size() >= std::numeric_limits<uint32_t>::max() - 1)
        throw Error(ErrorKind::limit, "more than 2^32 - 2 edges in one writer");
    for (const InEdge& e : in_edges) {
        g.edges->make_room();
        g.record_edge(staged_id(e.source), e.target, e.type, detail::kAbsent);
    }
}

ShardSummary ShardWriter::Impl::write(const std::filesystem::path& file) {
    const uint64_t first_in_edge = g.edges->size();
    stage_in_edges();
    detail::ShardPlan plan = std::move(g.plan(shard).front());
    // The planner numbers this shard's out-edges; the in-edges' ordinals come from their shards.
    if (!g.ordinal.empty())
        for (uint64_t i = 0; i < in_edges.size(); ++i) g.ordinal[first_in_edge + i] = in_edges[i].ordinal;
    detail::OutputFile output(file, plan.file_size);
    g.encode(plan, output, g.worker_threads());
    const uint16_t shard_count = g.options.shard_count;
    detail::write_directory_and_header(plan, output.data(), g.options.dataset_id.value_or(detail::DatasetId{}), shard_count,
                                       g.options.store_in_edges,
                                       detail::oldest_sufficient_minor(g.labels, g.edge_types, !declared_sets.empty(), !g.id_spaces.empty(),
                                                                       g.options.key_type == KeyType::int64));
    output.flush();
    output.commit();
    ShardSummary summary{file, shard, shard_count, plan.members.size(), plan.edge_count, plan.file_size, {}};
    for (const auto& s : plan.sections) summary.section_checksums.push_back(s.checksum);
    return summary;
}

ShardSummary ShardWriter::finish(const std::filesystem::path& file) {
    Impl& m = *impl_;
    m.check_open("finish");
    m.finished = true;  // the in-edges are staged by this call: it cannot be tried again
    if (m.g.vertex_label.size() != m.size())
        throw Error(ErrorKind::bad_input, "shard " + std::to_string(m.shard) + " has " + std::to_string(m.size()) + " vertices but " +
                                              std::to_string(m.g.vertex_label.size()) + " were added");
    return m.write(file);
}

std::vector<uint32_t> out_edge_ordinals(std::span<const uint32_t> source, std::span<const VertexRef> target,
                                        std::span<const EdgeTypeId> type) {
    if (source.size() != target.size() || source.size() != type.size())
        throw Error(ErrorKind::misuse, "out_edge_ordinals: " + std::to_string(source.size()) + " sources, " + std::to_string(target.size()) +
                                           " targets and " + std::to_string(type.size()) + " types");
    if (source.size() >= std::numeric_limits<uint32_t>::max()) throw Error(ErrorKind::limit, "more than 2^32 - 2 edges in one shard");
    std::vector<uint32_t> order(source.size());
    std::iota(order.begin(), order.end(), 0u);
    // Stored order within the type (§7, §8.2); stable, so parallel edges keep input order.
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return std::tie(type[a], source[a], target[a].shard, target[a].index) < std::tie(type[b], source[b], target[b].shard, target[b].index);
    });
    std::vector<uint32_t> ordinal(source.size());
    uint32_t rank = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        if (i > 0 && type[order[i]] != type[order[i - 1]]) rank = 0;
        ordinal[order[i]] = rank++;
    }
    return ordinal;
}

std::array<uint8_t, 16> dataset_id_of(std::span<const ShardSummary> shards) {
    std::vector<uint64_t> sums;
    for (size_t s = 0; s < shards.size(); ++s) {
        if (shards[s].shard != s || shards[s].shard_count != shards.size())
            throw Error(ErrorKind::bad_input, "dataset_id_of: summary " + std::to_string(s) + " is of shard " + std::to_string(shards[s].shard) +
                                                  " of " + std::to_string(shards[s].shard_count) + ", expected shard " + std::to_string(s) +
                                                  " of " + std::to_string(shards.size()));
        sums.insert(sums.end(), shards[s].section_checksums.begin(), shards[s].section_checksums.end());
    }
    return detail::dataset_id_from_checksums(sums);
}

void seal_shard(const std::filesystem::path& file, const std::array<uint8_t, 16>& dataset_id) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) detail::throw_io("cannot open shard " + file.string() + " to seal it", errno);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    uint8_t header[format::header::kSize];
    const ssize_t got = ::pread(fd, header, sizeof header, 0);
    if (got < 0) detail::throw_io("cannot read the header of shard " + file.string(), errno);
    const auto magic = format::bytes(header, format::header::Field::magic);
    if (static_cast<size_t>(got) < sizeof header || !std::equal(magic.begin(), magic.end(), format::kMagic))
        throw Error(ErrorKind::damaged, "shard " + file.string() + ": not an mmgraph file (no header magic)");
    detail::put_dataset_id(header, dataset_id);
    if (::pwrite(fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header))
        detail::throw_io("cannot write the header of shard " + file.string(), errno ? errno : EIO);
    if (::fsync(fd) != 0) detail::throw_io("cannot sync shard " + file.string(), errno);
}

}  // namespace mmgraph
