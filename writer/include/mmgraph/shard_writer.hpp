// mmgraph::ShardWriter: writes ONE shard of a K-shard dataset from references already resolved
// to (shard, local index), so that a distributed build (Dask, Spark, MPI ...) encodes each shard
// in a task that holds only that shard's vertices, its out-edges and its in-edges. Fed as spec
// §10.1 ("Building a dataset one shard at a time") says, every shard file is byte-identical to
// the one Writer (WriterOptions::shard_count = K) writes from the same input in the same order.
//
// The phases of a build, and what each call here expects:
//   1. place: a vertex lives in shard format::key_hash(key, space) % K (the hash seeded with
//      its ID space, §8.1); its local index is its rank among that shard's vertices in input
//      order. Every shard's size is then known, and so are the dataset's label sets of two or
//      more labels and the zone names of its datetime values, which every shard declares.
//   2. resolve: every edge endpoint, and every vertex_ref attribute value, becomes a VertexRef
//      (shard, local index).
//   3. number: each shard numbers its out-edges of every edge type with properties
//      (out_edge_ordinals, from the shard's out-edges alone); an edge's ordinal is its row in the
//      source shard's property table of its type (§8.2).
//   4. route: each edge goes to its source's shard as an out-edge and, when its target lives in
//      another shard, to the target's shard as an in-edge with its ordinal.
//   5. encode: per shard, a ShardWriter takes the schema, the vertices in local order, the
//      out-edges in input order and the in-edges in any order; finish() writes the file (under a
//      temporary name of the caller's choosing) and returns its ShardSummary. Values of vertex_ref
//      and vertex_ref[] attributes come resolved: Value::ref(VertexRef) and
//      Value::ref_list(std::span<const VertexRef>); a reference by key is refused (bad_input).
//   6. seal: dataset_id_of(every summary) gives the id (§10); seal_shard writes it into each
//      file's header. Then the caller renames every file to shard_path(path, s, K).
//
// Errors: as Writer, mmgraph::Error with a kind: bad_input for input that breaks the protocol
// (a key of another shard, an endpoint or attribute reference past its shard's size, a reference
// by key, a wrong vertex count), misuse for calls out of order; messages name the item
// ("out-edge 12 (3 -> 2:41)", "vertex 'k': attribute 'boss'") and the numbers. A call that
// throws stages nothing. A failed finish() leaves no file at the path; the writer cannot
// be used again after finish(), failed or not.
//
// Threads: one thread at a time, as Writer; finish() starts encode workers of its own.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "mmgraph/writer.hpp"

namespace mmgraph {

// What finish() wrote: the file and the section checksums the dataset id is derived from.
struct ShardSummary {
    std::filesystem::path file;
    uint16_t shard = 0;
    uint16_t shard_count = 1;
    uint64_t vertices = 0;
    uint64_t edges = 0;   // out-edges: the edges this shard stores
    uint64_t bytes = 0;
    std::vector<uint64_t> section_checksums;  // in directory order
};

class ShardWriter {
public:
    // `options.shard_count` is K; `shard_sizes` holds the vertex count of every shard (K
    // entries, from phase 1, each at most 2^31), which the references (edge endpoints and
    // vertex_ref values) are checked against. options.dataset_id,
    // when set, goes into the header at once and no sealing is needed; otherwise the header
    // holds zeros until seal_shard.
    ShardWriter(WriterOptions options, uint16_t shard, std::vector<uint32_t> shard_sizes);
    ~ShardWriter();
    ShardWriter(const ShardWriter&) = delete;
    ShardWriter& operator=(const ShardWriter&) = delete;

    // The schema: the same labels, edge types and ID spaces, in the same order, in every shard
    // (ID spaces as Writer::add_id_space: ids 1, 2, ... in declaration order).
    LabelId add_label(std::string_view name, std::vector<AttributeSpec> attributes = {});
    EdgeTypeId add_edge_type(std::string_view name, std::vector<AttributeSpec> properties = {});
    IdSpace add_id_space(std::string_view name);

    // Phase 1 for label sets (§6.6, §10.1): every set of two or more labels that a vertex of the
    // dataset has, in any shard, before any vertex: phase 1 tells every shard what the dataset
    // has, so a shard knows of sets it has none of; a vertex
    // whose set was not declared is refused (misuse). Refuses what Writer refuses for a set
    // (labels declaring one attribute name with different types). A set of one label is a label.
    void declare_label_set(std::span<const LabelId> labels);
    // The attributes of a vertex with these labels, in the order its values come (as Writer's).
    std::vector<AttributeSpec> label_set_attributes(std::span<const LabelId> labels);

    // Phase 1 for datetime zones (§10.1): every zone name of the dataset's datetime values, in
    // order of first use in the input, before any vertex. A Writer lists them all in every
    // shard's string table (§4.1), so a shard that names them the same way gets its bytes; a
    // name given no value here is still numbered as it comes, after these. Refuses a name that
    // is not an IANA zone name (as Value::datetime does) or a call after the first vertex.
    void declare_zone_names(std::span<const std::string_view> names);

    // The shard's vertices in local order (the n-th call is local index n); each key must
    // belong to this shard. All of them come before the first edge.
    void add_vertex(Key key, LabelId label, std::span<const Value> values = {});
    void add_vertex(Key key, LabelId label, std::initializer_list<Value> values) {
        add_vertex(key, label, std::span<const Value>(values.begin(), values.size()));
    }
    // With several labels (a declared set, values in label_set_attributes order), and the key in
    // ID space `space` (it must belong to this shard by the hash seeded with that space).
    void add_vertex(IdSpace space, Key key, std::span<const LabelId> labels, std::span<const Value> values = {});
    void add_vertex(IdSpace space, Key key, std::span<const LabelId> labels, std::initializer_list<Value> values) {
        add_vertex(space, key, labels, std::span<const Value>(values.begin(), values.size()));
    }

    // Many of the shard's vertices in one call, the next local indices in order, all or none (as
    // Writer::add_vertices): every key is checked to belong to this shard, and the count to fit
    // its size, before any is added; a refused row's error starts with "row N: " (N counted from
    // the call's first row).
    void add_vertices(std::span<const Key> keys, LabelId label, const Writer::RowValues& values = {});
    // The same, every row with the labels `labels` (one label, or a declared set) and its key in
    // ID space `space`.
    void add_vertices(IdSpace space, std::span<const Key> keys, std::span<const LabelId> labels, const Writer::RowValues& values = {});

    // An edge whose source is local vertex `source`, in input order: of two edges with the same
    // source, target and type, the one added first must come first (its ordinal is lower).
    void add_out_edge(uint32_t source, VertexRef target, EdgeTypeId type, std::span<const Value> properties = {});
    void add_out_edge(uint32_t source, VertexRef target, EdgeTypeId type, std::initializer_list<Value> properties) {
        add_out_edge(source, target, type, std::span<const Value>(properties.begin(), properties.size()));
    }
    // Many out-edges of one type in input order, sources[i] -> targets[i], all or none as
    // Writer::add_edges_by_id: every row is checked and its properties staged before any edge is
    // added, and a refused row's error starts with "row N: ". The one exception is Writer's: an io
    // error while staged edges spill to disk keeps the rows before it (the error names the first
    // row not added).
    void add_out_edges(std::span<const uint32_t> sources, std::span<const VertexRef> targets, EdgeTypeId type,
                       const Writer::RowValues& properties = {});
    // An edge from a vertex of another shard to local vertex `target`, with its ordinal in the
    // source shard's property table of `type` (ignored when the type has no properties). Any
    // order. Edges between two vertices of this shard come only as out-edges.
    void add_in_edge(uint32_t target, VertexRef source, EdgeTypeId type, uint64_t ordinal = 0);
    // Many in-edges of one type, sources[i] -> targets[i] with ordinals[i] (empty: all 0), all or
    // none; a refused row's error starts with "row N: ".
    void add_in_edges(std::span<const uint32_t> targets, std::span<const VertexRef> sources, EdgeTypeId type,
                      std::span<const uint64_t> ordinals = {});

    uint64_t vertex_count() const;

    // Writes the shard file at `file`, atomically: complete under a temporary name, then renamed.
    ShardSummary finish(const std::filesystem::path& file);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Phase 3: the ordinal of every out-edge of one shard, given as its source's local index, its
// target and its type, in input order (as add_out_edge takes them): its rank among the shard's
// out-edges of the same type in stored order (§7: by source, then type, target shard, target
// index, input order). Meaningful for edge types with properties; the spans have equal sizes.
std::vector<uint32_t> out_edge_ordinals(std::span<const uint32_t> source, std::span<const VertexRef> target,
                                        std::span<const EdgeTypeId> type);

// Phase 6: the dataset id (§10) of the shards whose summaries these are, one per shard in shard
// order 0 .. K-1.
std::array<uint8_t, 16> dataset_id_of(std::span<const ShardSummary> shards);

// Writes `dataset_id` into the header of the shard file at `file` (and the header checksum
// again), durably. Throws io when the file cannot be opened or written, damaged when it is no
// mmgraph file. The file is changed in place: seal before publishing under the final name.
void seal_shard(const std::filesystem::path& file, const std::array<uint8_t, 16>& dataset_id);

}  // namespace mmgraph
