// Planning (DESIGN "plan first"): assigns shards and local indices, node types (§6.3),
// adjacency order (§7), edge ordinals (§8.2) and the key index order (§8.1), and from them the
// exact offset of every record and section. Encoding later only fills the planned bytes.
#include <algorithm>
#include <exception>
#include <map>
#include <numeric>
#include <string>
#include <thread>
#include <unordered_map>

#include "adjacency_window.hpp"
#include "huge_pages.hpp"
#include "internal.hpp"
#include "mmgraph/format/adjacency.hpp"
#include "mmgraph/format/packed.hpp"
#include "mmgraph/parallel/ordered_pipeline.hpp"

namespace mmgraph {

using detail::kAbsent;
using detail::NodeType;
using detail::ShardPlan;
using format::SectionKind;

namespace detail {

uint32_t ShardPlan::section_index(SectionKind kind) const {
    for (uint32_t i = 0; i < sections.size(); ++i)
        if (sections[i].kind == kind) return i;
    MMGRAPH_CHECK(false, "section missing from plan");
}

uint32_t ShardPlan::prop_section_index(uint32_t table) const {
    return section_index(SectionKind::edge_props) + table;
}

}  // namespace detail

namespace {

unsigned width_for(uint64_t value) {
    if (value <= 0xFF) return 1;
    if (value <= 0xFFFF) return 2;
    return 4;
}

// §6.3: one left-to-right pass; each entry takes the smallest width that holds its offset and
// is not narrower than the previous entry's (the no-shrink heuristic).
void required_widths(const uint32_t* sizes, uint32_t count, std::string& widths, uint64_t& var_bytes) {
    widths.assign(count, '\0');
    unsigned previous = 1;
    uint64_t position = 0;
    for (uint32_t k = 0; k < count; ++k) {
        unsigned w = previous;
        if (sizes[k] != kAbsent) {
            w = std::max(previous, width_for(position + 1));
            position += sizes[k];
        }
        widths[k] = static_cast<char>(w);
        previous = w;
    }
    var_bytes = position;
}

// §6.3: each label keeps room for its widest type, so a cap of one type per label leaves only
// the widest types. Below kDefaultMaxNodeTypes labels the cap is raised to the label count (the
// default then leaves room to spare); from there on to kNodeTypesPerLabel per label. Counted
// over the schema's labels, not over those present in a shard; never past the format's limit.
constexpr uint64_t kNodeTypesPerLabel = 4;

uint32_t node_type_cap(uint32_t requested, uint32_t label_count) {
    const uint64_t raised = label_count < format::kDefaultMaxNodeTypes ? label_count : kNodeTypesPerLabel * label_count;
    return static_cast<uint32_t>(std::min<uint64_t>(std::max<uint64_t>(requested, raised), format::kMaxNodeTypes));
}

struct NodeTypeAssigner {
    ShardPlan& plan;
    uint32_t cap;
    std::unordered_map<std::string, uint16_t> by_signature;  // label bytes + widths -> exact type
    std::vector<int32_t> widest;                            // per label, -1 when not created
    std::vector<uint64_t> unassigned;                       // per label: vertices not yet assigned
    uint32_t reserve = 0;  // labels that still need a widest type: none yet, vertices unassigned
    // Step 3/4 results; valid only while no type is created and the reserve does not shrink,
    // because either can make step 2 succeed for the same widths later.
    std::unordered_map<std::string, uint16_t> fallback;
    std::vector<std::vector<uint16_t>> types_of;  // per label: its node types, ascending
    // The unit a "label" of the steps stands for (§6.3, §8.3): a (label set, ID space) pair.
    std::vector<std::pair<uint32_t, uint16_t>> units;

    static std::string signature(uint32_t label, const std::string& widths) {
        std::string s(reinterpret_cast<const char*>(&label), 4);
        return s + widths;
    }

    uint16_t create(uint32_t label, const std::string& widths) {
        NodeType t;
        t.label = units[label].first;
        t.space = units[label].second;
        t.widths.assign(widths.begin(), widths.end());
        bool is_widest = std::all_of(widths.begin(), widths.end(), [](char w) { return w == 4; });
        if (is_widest && widest[label] < 0) {
            widest[label] = static_cast<int32_t>(plan.node_types.size());
            --reserve;
        }
        plan.node_types.push_back(std::move(t));
        uint16_t id = static_cast<uint16_t>(plan.node_types.size() - 1);
        types_of[label].push_back(id);
        by_signature.emplace(signature(label, widths), id);
        fallback.clear();
        return id;
    }

    uint16_t choose(uint32_t label, const std::string& widths) {
        std::string sig = signature(label, widths);
        if (auto it = by_signature.find(sig); it != by_signature.end()) return it->second;
        if (auto it = fallback.find(sig); it != fallback.end()) return it->second;
        bool is_widest = std::all_of(widths.begin(), widths.end(), [](char w) { return w == 4; });
        uint32_t reserve_after = reserve - (is_widest && widest[label] < 0 ? 1 : 0);
        if (plan.node_types.size() + 1 + reserve_after <= cap) return create(label, widths);
        // Cap reached: the narrowest existing type of the label that holds these offsets (the
        // lowest id on ties). Only the label's own types are looked at: with thousands of
        // labels a scan of every type made this quadratic.
        int64_t best = -1;
        uint64_t best_total = UINT64_MAX;
        for (const uint16_t t : types_of[label]) {
            const NodeType& nt = plan.node_types[t];
            bool holds = true;
            uint64_t total = 0;
            for (size_t k = 0; k < widths.size(); ++k) {
                holds &= nt.widths[k] >= static_cast<uint8_t>(widths[k]);
                total += nt.widths[k];
            }
            if (holds && total < best_total) best = static_cast<int64_t>(t), best_total = total;
        }
        if (best < 0) return create(label, std::string(widths.size(), '\4'));
        fallback.emplace(std::move(sig), static_cast<uint16_t>(best));
        return static_cast<uint16_t>(best);
    }

    uint16_t assign(uint32_t label, const std::string& widths) {
        uint16_t id = choose(label, widths);
        // The label's last vertex is assigned: it no longer needs a widest type (§6.3).
        if (--unassigned[label] == 0 && widest[label] < 0) {
            --reserve;
            fallback.clear();
        }
        return id;
    }
};

}  // namespace

namespace {

// Plans the shards of one writer's graph, a step per spec section; each step takes the shard
// plan it fills. Only `ordinal` of the staged graph is written (edge rows, §8.2).
class ShardPlanner {
public:
    explicit ShardPlanner(Writer::Impl& graph)
        : g_(graph),
          multi_type_(g_.edge_types.size() > 1),
          any_properties_(std::any_of(g_.edge_types.begin(), g_.edge_types.end(), [](const detail::Shape& t) { return t.has_properties(); })),
          // With one edge type and one shard every list is a single flat block, so its size
          // follows from its degree; otherwise the lists are read back window by window in
          // stored order. Property rows (§8.2) are numbered in stored order too, so with
          // properties the out-lists are always read ...
          sizes_from_degrees_(!multi_type_ && g_.options.shard_count == 1),
          // ... except when the rows need no heap: they then follow the degrees too (see
          // PropTable::rows_from_windows).
          rows_from_degrees_(sizes_from_degrees_ && any_properties_ && g_.edge_types[0].is_plain_fixed()) {}

    // Every shard, or only shard `only` (ShardWriter: the staged graph then holds that shard's
    // vertices and the edges that touch them).
    std::vector<ShardPlan> run(std::optional<uint16_t> only) {
        g_.edges->seal();
        std::vector<ShardPlan> plans = place_vertices(only);
        check_references(plans);
        // Ordinals are read only for edge types with properties: 8 bytes per edge saved otherwise.
        // The encoder writes and reads them in random order, on 4 KiB pages a TLB miss each:
        // on 2 MiB pages encode_adjacency_window took a quarter fewer samples (R-MAT scale 20
        // CSV), for 0.1-0.2 s more of the kernel's zeroing here.
        // Faulting those pages in (64 MiB at R-MAT scale 20) keeps a core busy for tens of ms, so
        // another thread does it beside the node plans, which read no ordinal.
        const size_t ordinals = any_properties_ ? g_.edges->size() : 0;
        std::exception_ptr zeroing_failed;
        {
            std::jthread zeroing([this, ordinals, &zeroing_failed] {
                try {
                    g_.ordinal.reserve(ordinals);
                    detail::advise_huge_pages(g_.ordinal.data(), ordinals * sizeof(uint32_t));
                    g_.ordinal.assign(ordinals, 0);
                } catch (...) {
                    zeroing_failed = std::current_exception();
                }
            });
            for (ShardPlan& p : plans) {
                intern_names(p);
                plan_nodes(p);
            }
        }
        if (zeroing_failed) std::rethrow_exception(zeroing_failed);
        for (ShardPlan& p : plans) {
            plan_edges(p);
            plan_prop_tables(p);
            plan_key_table(p);
            plan_sections(p);
        }
        return plans;
    }

private:
    std::vector<ShardPlan> place_vertices(std::optional<uint16_t> only) const;
    void check_references(const std::vector<ShardPlan>& plans) const;
    void intern_names(ShardPlan& p) const;
    std::vector<uint32_t> number_label_sets(ShardPlan& p) const;
    void plan_nodes(ShardPlan& p) const;
    void plan_edges(ShardPlan& p) const;
    void plan_adjacency(ShardPlan& p, Direction dir) const;
    void plan_prop_tables(ShardPlan& p) const;
    void plan_key_table(ShardPlan& p) const;
    void plan_sections(ShardPlan& p) const;

    Writer::Impl& g_;
    const bool multi_type_;
    const bool any_properties_;
    const bool sizes_from_degrees_;
    const bool rows_from_degrees_;
};

// Shards and local indices were fixed as vertices were added (§10: h % K, insertion order).
std::vector<ShardPlan> ShardPlanner::place_vertices(std::optional<uint16_t> only) const {
    const uint32_t K = g_.options.shard_count;
    const uint32_t first = only.value_or(0), last = only ? *only + 1u : K;
    std::vector<ShardPlan> plans(last - first);
    for (uint32_t s = first; s < last; ++s) {
        plans[s - first].shard = static_cast<uint16_t>(s);
        if (g_.shard_sizes[s] > g_.options.max_vertices_per_shard)
            throw Error(ErrorKind::limit, "shard " + std::to_string(s) + ": more than " + std::to_string(g_.options.max_vertices_per_shard) +
                        " vertices (spec §9: a shard holds at most 2^31)");
        plans[s - first].members.reserve(g_.shard_sizes[s]);
    }
    for (uint64_t v = 0; v < g_.vertex_label.size(); ++v)
        if (g_.vertex_shard[v] >= first && g_.vertex_shard[v] < last)
            plans[g_.vertex_shard[v] - first].members.push_back(static_cast<uint32_t>(v));
    return plans;
}

// Every staged vertex reference must name a vertex that exists (`plans` holds every shard here:
// a ShardWriter, which plans one, checked its resolved references as they were staged). Only
// shapes with a vertex_ref attribute are walked, and the item is named only in an error:
// building that name for every vertex and edge cost seconds at millions of edges.
void ShardPlanner::check_references(const std::vector<ShardPlan>& plans) const {
    if (g_.refs_resolved()) return;
    auto has_refs = [](const detail::Shape& shape) {
        return std::any_of(shape.attributes.begin(), shape.attributes.end(), [](const AttributeSpec& a) {
            return format::element_code(a.type.byte) == static_cast<uint8_t>(TypeCode::vertex_ref);
        });
    };
    auto check_refs = [&](const detail::Shape& shape, const detail::Arena& arena, uint64_t item, auto&& what) {
        detail::walk_staged(shape.attributes, g_.staged_refs(), arena.item(item), [&](uint32_t i, bool present, const uint8_t* p) {
            if (!present) return;
            uint8_t type = shape.attributes[i].type.byte;
            if (format::element_code(type) != static_cast<uint8_t>(TypeCode::vertex_ref)) return;
            uint64_t count = 1;
            if (format::is_list(type)) p += format::vlq_decode(p, format::kMaxVlqBytes, count);
            for (uint64_t j = 0; j < count; ++j) {
                const auto [space, k] = detail::read_staged_key(p, g_.options.key_type);
                if (!g_.lookup(k, g_.hash_key(k, space), space))
                    throw Error(ErrorKind::bad_input, what() + ": attribute '" + shape.attributes[i].name +
                                                          "' references unknown vertex '" + key_to_string(k) + "'" + g_.space_text(space));
            }
        });
    };
    std::vector<uint8_t> type_has_refs;
    std::vector<uint8_t> set_has_refs(0x10000, 0);  // by the writer's label set id (a u16)
    for (uint32_t l = 0; l < g_.labels.size(); ++l) set_has_refs[l] = has_refs(g_.labels[l]);
    for (size_t k = 0; k < g_.label_sets.size(); ++k) set_has_refs[detail::label_set_id(k)] = has_refs(g_.label_sets[k].shape);
    for (const auto& shape : g_.edge_types) type_has_refs.push_back(has_refs(shape));
    // Each loop only where some shape has references: the edges' took 0.2 s of an R-MAT scale 22
    // edge list's plan, on one thread, for nothing.
    const bool vertex_refs = std::find(set_has_refs.begin(), set_has_refs.end(), 1) != set_has_refs.end();
    const bool edge_refs = std::find(type_has_refs.begin(), type_has_refs.end(), 1) != type_has_refs.end();
    for (uint64_t v = 0; vertex_refs && v < g_.vertex_label.size(); ++v)
        if (set_has_refs[g_.vertex_label[v]])
            check_refs(g_.shape_of(g_.vertex_label[v]), g_.vertex_values, v,
                       [&] { return "vertex '" + key_to_string(g_.key_of(static_cast<uint32_t>(v))) + "'"; });
    for (uint64_t e = 0; edge_refs && e < g_.edges->size(); ++e)
        if (g_.item_of(e) != kAbsent && type_has_refs[g_.type_of(e)])
            check_refs(g_.edge_types[g_.type_of(e)], g_.edge_values, g_.item_of(e), [&] {
                auto [src, dst] = g_.edges->endpoints(static_cast<uint32_t>(e));
                auto key = [&](detail::VertexPlace place) { return key_to_string(g_.key_of(plans[place.shard].members[place.local])); };
                return "edge '" + key(src) + "' -> '" + key(dst) + "'";
            });
}

// §4.1 names, deduplicated in order of first use, then the datetime zone names in the order
// the writer numbered them (not deduplicated against the schema's: their ids follow from it).
void ShardPlanner::intern_names(ShardPlan& p) const {
    auto intern = [&](const std::string& s) {
        auto [it, inserted] = p.string_ids.emplace(s, static_cast<uint32_t>(p.strings.size()));
        if (inserted) p.strings.push_back(s);
        return it->second;
    };
    for (auto* list : {&g_.labels, &g_.edge_types})
        for (auto& shape : *list) {
            shape.name_string = intern(shape.name);
            for (const auto& a : shape.attributes) intern(a.name);
        }
    for (const std::string& space : g_.id_spaces) intern(space);
    // Zone names come after every name of the schema (§4.1).
    p.zone_base = static_cast<uint32_t>(p.strings.size());
    p.strings.insert(p.strings.end(), g_.zone_names.begin(), g_.zone_names.end());
}

// §6.6: this shard's label sets of two or more labels, numbered from label_count in the order
// of their first use by local index; returns each vertex's label set id in the file.
std::vector<uint32_t> ShardPlanner::number_label_sets(ShardPlan& p) const {
    const uint32_t label_count = static_cast<uint32_t>(g_.labels.size());
    std::unordered_map<uint16_t, uint32_t> file_id;  // writer's set id -> id in this file
    std::vector<uint32_t> set_of(p.members.size());
    for (uint64_t l = 0; l < p.members.size(); ++l) {
        const uint16_t set = g_.vertex_label[p.members[l]];
        if (!g_.is_label_set(set)) {
            set_of[l] = set;
            continue;
        }
        auto [it, inserted] = file_id.emplace(set, label_count + static_cast<uint32_t>(p.label_sets.size()));
        if (inserted) p.label_sets.push_back(g_.label_set(set).labels);
        set_of[l] = it->second;
    }
    return set_of;
}

// §6.3 node types in order of first use, then §6 the offset of every node record. The unit of
// a node type is the label set (§6.6): a label for a vertex with one label.
void ShardPlanner::plan_nodes(ShardPlan& p) const {
    const uint64_t n = p.members.size();
    std::vector<uint32_t> unit_of = number_label_sets(p);
    // §8.3: a vertex of a named ID space has the unit (label set, space), numbered after the
    // label sets in order of first use; in space 0 the unit is the label set itself.
    std::vector<std::pair<uint32_t, uint16_t>> units;
    const uint32_t set_count = static_cast<uint32_t>(g_.labels.size() + p.label_sets.size());
    for (uint32_t u = 0; u < set_count; ++u) units.emplace_back(u, 0);
    if (!g_.vertex_space.empty()) {
        std::map<std::pair<uint32_t, uint16_t>, uint32_t> spaced;
        for (uint64_t l = 0; l < n; ++l) {
            const uint16_t space = g_.vertex_space[p.members[l]];
            if (space == 0) continue;
            auto [it, added] = spaced.emplace(std::make_pair(unit_of[l], space), static_cast<uint32_t>(units.size()));
            if (added) units.push_back(it->first);
            unit_of[l] = it->second;
        }
    }
    const uint32_t unit_count = static_cast<uint32_t>(units.size());
    std::vector<uint64_t> unassigned(unit_count, 0);
    for (uint32_t unit : unit_of) ++unassigned[unit];
    uint32_t present_count = static_cast<uint32_t>(unit_count - std::count(unassigned.begin(), unassigned.end(), 0));
    NodeTypeAssigner types{p, node_type_cap(g_.options.max_node_types, unit_count), {},
                           std::vector<int32_t>(unit_count, -1), std::move(unassigned), present_count, {},
                           std::vector<std::vector<uint16_t>>(unit_count), std::move(units)};
    p.node_type.resize(n);
    std::vector<uint64_t> var_bytes(n);
    std::string widths;
    for (uint64_t l = 0; l < n; ++l) {
        uint32_t g = p.members[l];
        const auto& shape = g_.shape_of(g_.vertex_label[g]);
        required_widths(g_.var_sizes.data() + g_.var_begin[g], shape.var_count, widths, var_bytes[l]);
        if (var_bytes[l] + 1 > 0xFFFF'FFFFull)
            throw Error(ErrorKind::limit, "vertex '" + key_to_string(g_.key_of(g)) + "': " + std::to_string(var_bytes[l]) +
                                              " bytes of variable data exceed the 4-byte offset limit (spec §9)");
        p.node_type[l] = types.assign(unit_of[l], widths);
    }
    p.id_width = p.node_types.size() <= 1 ? 0 : p.node_types.size() <= 256 ? 1 : 2;
    p.label_counts.assign(g_.labels.size(), 0);
    p.node_offset.clear(n + 1);
    uint64_t offset = 0;
    for (uint64_t l = 0; l < n; ++l) {
        uint32_t g = p.members[l];
        const uint16_t set = g_.vertex_label[g];
        const auto& shape = g_.shape_of(set);
        NodeType& nt = p.node_types[p.node_type[l]];
        ++nt.vertices;
        if (g_.is_label_set(set)) {
            for (uint32_t label : g_.label_set(set).labels) ++p.label_counts[label];
        } else {
            ++p.label_counts[set];
        }
        uint64_t table = 0;
        for (uint8_t w : nt.widths) table += w;
        p.node_offset.push_back(offset);
        offset += format::align_up(p.id_width + shape.null_bytes + shape.fixed_size + table + var_bytes[l], format::kRecordAlign);
    }
    p.node_offset.push_back(offset);
}

// §7 adjacency of both directions, with the edge counts they give.
void ShardPlanner::plan_edges(ShardPlan& p) const {
    for (uint32_t t = 0; t < g_.edge_types.size(); ++t) {
        if (!g_.edge_types[t].has_properties()) continue;
        ShardPlan::PropTable table;
        table.type = t;
        p.prop_tables.push_back(std::move(table));
    }
    p.edge_type_counts.assign(g_.edge_types.size(), 0);
    plan_adjacency(p, Direction::out);
    if (g_.options.store_in_edges) plan_adjacency(p, Direction::in);
    else p.in.offset.assign_zeros(p.members.size() + 1), p.in.start.assign_zeros(p.members.size() + 1);
    p.edge_count = 0;
    for (uint32_t g : p.members) p.edge_count += g_.edges->degree(Direction::out)[g];
    if (sizes_from_degrees_ && (!any_properties_ || rows_from_degrees_) && !g_.edge_types.empty())
        p.edge_type_counts[0] = p.edge_count;  // no window pass counted them
}

// §7: the record size of every list, from which each record's offset follows.
void ShardPlanner::plan_adjacency(ShardPlan& p, Direction dir) const {
    ShardPlan::Adjacency& a = dir == Direction::out ? p.out : p.in;
    const std::vector<uint32_t>& degree = g_.edges->degree(dir);
    const uint64_t n = p.members.size();
    a.windows = detail::window_bounds(p.members, degree);
    a.offset.clear(n + 1);
    a.start.clear(n + 1);
    a.local.assign(n, 1);
    // A record's bytes (§7), by the geometry the reader walks: flat entries are packed at the
    // shard's width in the runs section (§7.2, §7.3), and the blocks' parts follow from their
    // counts alone.
    const auto entry_bits = static_cast<uint8_t>(format::packed_entry_bits(n));
    struct BlockShape { uint16_t type; uint64_t count; uint32_t groups; };
    auto record_bytes = [&](std::span<const BlockShape> blocks, uint64_t degree, bool flat) {
        format::RecordLayout record{0, degree, entry_bits, flat, flat, multi_type_};
        record.apart = flat;
        auto ordinals = [&](uint16_t type) { return format::block_ordinals(g_.edge_types[type].has_properties(), dir == Direction::in); };
        format::BlockLayout block = record.first_block(blocks.size(), blocks[0].count, blocks[0].groups, ordinals(blocks[0].type));
        for (size_t b = 1; b < blocks.size(); ++b) block = block.next(blocks[b].count, blocks[b].groups, ordinals(blocks[b].type));
        return block.end();
    };
    auto one_block_bytes = [&](uint64_t count) {
        const BlockShape only{0, count, 0};
        return record_bytes(std::span(&only, 1), count, true);
    };
    const bool numbers_rows = dir == Direction::out && any_properties_ && !rows_from_degrees_;
    uint64_t offset = 0, entries = 0;
    if (sizes_from_degrees_ && !numbers_rows) {
        for (uint64_t l = 0; l < n; ++l) {
            a.offset.push_back(offset);
            a.start.push_back(entries);
            if (const uint32_t count = degree[p.members[l]]) offset += one_block_bytes(count), entries += count;
        }
        a.offset.push_back(offset);
        a.start.push_back(entries);
        return;
    }
    std::vector<int32_t> table_of(g_.edge_types.size(), -1);
    for (uint32_t i = 0; i < p.prop_tables.size(); ++i) table_of[p.prop_tables[i].type] = static_cast<int32_t>(i);
    // Windows are read back and sorted on worker threads; their lists are measured and
    // numbered here, in stored order.
    auto load = [&edges = *g_.edges, &windows = a.windows, &members = p.members, dir, shard = p.shard](size_t w, detail::AdjacencyWindow& window) {
        window.load(edges, dir, shard, members, windows[w], windows[w + 1]);
    };
    std::vector<BlockShape> blocks;  // the record being measured
    auto measure = [&](size_t w, const detail::AdjacencyWindow& window) {
        for (uint32_t l = a.windows[w]; l < a.windows[w + 1]; ++l) {
            const auto list = window.list(l);
            a.offset.push_back(offset);
            a.start.push_back(entries);
            if (list.empty()) continue;
            if (numbers_rows) {
                // Edge ordinals (§8.2): rank among this shard's out-edges of the type, in stored order.
                for (const detail::SpilledEdge& e : list) {
                    const int32_t t = table_of[e.type];
                    if (t < 0) continue;
                    auto& rows = p.prop_tables[static_cast<size_t>(t)].rows;
                    g_.ordinal[e.id] = static_cast<uint32_t>(rows.size());
                    rows.push_back(e.id);
                }
            }
            if (dir == Direction::out)
                for (const detail::SpilledEdge& e : list) ++p.edge_type_counts[e.type];
            if (sizes_from_degrees_) {
                offset += one_block_bytes(list.size());
                entries += list.size();
                continue;
            }
            const bool local = std::all_of(list.begin(), list.end(), [&](const detail::SpilledEdge& e) { return e.other_shard == p.shard; });
            a.local[l] = local;
            if (local) entries += list.size();
            blocks.clear();
            for (auto it = list.begin(); it != list.end();) {
                const uint16_t t = it->type;
                auto block_end = std::find_if(it, list.end(), [&](const detail::SpilledEdge& e) { return e.type != t; });
                uint32_t groups = 0;
                if (!local)
                    for (auto g = it; g != block_end; ++g) groups += g == it || g->other_shard != (g - 1)->other_shard;
                blocks.push_back({t, static_cast<uint64_t>(block_end - it), groups});
                it = block_end;
            }
            offset += record_bytes(blocks, list.size(), local);
        }
    };
    // Measuring is the serial part: it starts as soon as its window is loaded.
    const unsigned threads = g_.worker_threads();
    parallel::ordered_parallel<detail::AdjacencyWindow>(a.windows.size() - 1, {threads > 1 ? threads : 0, threads + 1, false}, load, measure);
    a.offset.push_back(offset);
    a.start.push_back(entries);
}

// §8.2 edge property tables: rows, heap positions per task, offset widths.
void ShardPlanner::plan_prop_tables(ShardPlan& p) const {
    for (auto& table : p.prop_tables) {
        const auto& shape = g_.edge_types[table.type];
        table.rows_from_windows = rows_from_degrees_;
        table.row_count = table.rows.size();
        if (table.rows_from_windows) {
            table.row_count = p.edge_count;
            const auto& degree = g_.edges->degree(Direction::out);
            table.window_rows.assign(1, 0);
            for (size_t w = 0; w + 1 < p.out.windows.size(); ++w) {
                uint64_t rows = table.window_rows.back();
                for (uint32_t l = p.out.windows[w]; l < p.out.windows[w + 1]; ++l) rows += degree[p.members[l]];
                table.window_rows.push_back(rows);
            }
        }
        uint64_t heap = 0;
        for (uint64_t r = 0; r < table.row_count; ++r) {
            if (r % detail::kRowsPerTask == 0) table.task_heap.push_back(heap);
            if (shape.var_count == 0) continue;  // fixed-size properties only: no heap
            const uint32_t item = g_.item_of(table.rows[r]);
            heap += detail::staged_heap_bytes(shape.attributes, g_.staged_refs(), g_.edge_values.item(item));
        }
        table.task_heap.push_back(heap);
        table.width = heap + 1 <= 0xFF ? 1 : heap + 1 <= 0xFFFF ? 2 : heap + 1 <= 0xFFFF'FFFFull ? 4 : 8;
        table.row_size = shape.null_bytes + shape.fixed_size + shape.var_count * table.width;
        table.heap_offset = format::align_up(format::kEdgePropsHeadSize + table.row_count * table.row_size, 8);
    }
}

// §8.1 key table: keys inserted in (hash, local) order with linear probing from their home
// slot, so the table depends on the keys alone, not on the threads or the build's order.
void ShardPlanner::plan_key_table(ShardPlan& p) const {
    std::vector<std::pair<uint64_t, uint32_t>> keys(p.members.size());
    for (uint32_t l = 0; l < p.members.size(); ++l) keys[l] = {g_.key_hash[p.members[l]], l};
    p.key_slots = format::build_key_table(std::move(keys));
}

// §3 sections in directory order, each 8-aligned after the header and directory.
void ShardPlanner::plan_sections(ShardPlan& p) const {
    p.slot_count = 2 + (g_.options.store_in_edges ? 1 : 0) + (g_.options.key_type == KeyType::int64 ? 1 : 0);  // §5.1 roles
    auto add = [&](SectionKind kind, uint64_t length) { p.sections.push_back({kind, 0, length, 0}); };
    uint64_t blob = 0;
    for (const auto& s : p.strings) blob += s.size();
    if (blob > 0xFFFF'FFFFull) throw Error(ErrorKind::limit, "string table larger than 4 GiB");
    add(SectionKind::strings, 8 + 4 * (p.strings.size() + 1) + blob);
    uint64_t schema = format::schema::kHeadSize;
    for (auto* list : {&g_.labels, &g_.edge_types})
        for (const auto& shape : *list) schema += format::schema::kEntryHeadSize + format::schema::kAttrSize * shape.attributes.size();
    add(SectionKind::schema, schema);
    uint64_t node_types = format::kNodeTypesHeadSize;
    for (const auto& nt : p.node_types) node_types += format::align_up(format::kNodeTypeEntryHeadSize + nt.widths.size(), 4);
    add(SectionKind::node_types, node_types);
    if (!p.label_sets.empty()) {
        uint64_t label_sets = format::kLabelSetsHeadSize;
        for (const auto& set : p.label_sets) label_sets += format::label_set_entry_size(set.size());
        add(SectionKind::label_sets, label_sets);
    }
    if (!g_.id_spaces.empty()) add(SectionKind::id_spaces, format::id_spaces_size(g_.id_spaces.size(), p.node_types.size()));
    add(SectionKind::vertices, format::align_up(8 + 2 * p.slot_count, 8) + p.members.size() * p.slot_count * 8);
    add(SectionKind::nodes, p.node_offset.back());
    add(SectionKind::out_edges, p.out.offset.back());
    if (g_.options.store_in_edges) add(SectionKind::in_edges, p.in.offset.back());
    const unsigned entry_bits = format::packed_entry_bits(p.members.size());
    auto runs_bytes = [&](const ShardPlan::Adjacency& a) {
        const uint64_t entries = a.start.back();
        return format::runs_run_offset(p.members.size(), format::runs_start_bytes(entries)) + format::packed_bytes(entries, entry_bits);
    };
    add(SectionKind::out_runs, runs_bytes(p.out));
    if (g_.options.store_in_edges) add(SectionKind::in_runs, runs_bytes(p.in));
    for (const auto& table : p.prop_tables) add(SectionKind::edge_props, table.heap_offset + table.task_heap.back());
    add(SectionKind::block_key_table, format::kKeyTableHeadSize + format::kKeySlotSize * p.key_slots.size());
    p.directory_offset = format::header::kSize;
    uint64_t at = format::align_up(p.directory_offset + format::dir_entry::kSize * p.sections.size(), format::kSectionAlign);
    for (auto& s : p.sections) {
        s.offset = at;
        at = format::align_up(at + s.length, format::kSectionAlign);
    }
    p.file_size = at;
    if (p.node_offset.back() >= (uint64_t{1} << 48) || p.out.offset.back() >= (uint64_t{1} << 48) ||
        p.in.offset.back() >= (uint64_t{1} << 48))
        throw Error(ErrorKind::limit, "a domain section exceeds 2^48 bytes (spec §9)");
}

}  // namespace

std::vector<ShardPlan> Writer::Impl::plan(std::optional<uint16_t> only) { return ShardPlanner(*this).run(only); }

}  // namespace mmgraph
