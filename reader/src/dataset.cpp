// Dataset (spec §10): the shard files of one dataset, checked to agree, with key lookup routed
// by the key hash and cross-shard edges resolved through their shard id.
#include <algorithm>
#include <functional>
#include <regex>

#include "internal.hpp"
#include "mmgraph/format/hash.hpp"

namespace mmgraph {

Dataset Dataset::open(const std::filesystem::path& path, ReaderOptions options) {
    Dataset d;
    std::filesystem::path first = path;
    std::filesystem::path base = path;
    static const std::regex shard_name(R"((.*)-(\d+)-of-(\d+)\.mmg)");
    std::smatch match;
    std::string name = path.filename().string();
    if (std::regex_match(name, match, shard_name)) {
        base = path.parent_path() / (match[1].str() + ".mmg");
    } else if (!std::filesystem::exists(path)) {
        // The dataset path given to the writer: find shard 0 next to it. Shards of an earlier
        // write with another shard count may remain; picking one by directory order would open
        // a stale dataset, so more than one candidate is refused.
        std::error_code ec;
        auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
        std::vector<std::filesystem::path> candidates;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
            std::string candidate = entry.path().filename().string();
            if (std::regex_match(candidate, match, shard_name) && match[1].str() == path.stem().string() && match[2].str() == "0")
                candidates.push_back(entry.path());
        }
        if (candidates.size() > 1) {
            std::sort(candidates.begin(), candidates.end());
            std::string names;
            for (const auto& c : candidates) names += (names.empty() ? "" : ", ") + c.filename().string();
            throw Error(ErrorKind::misuse, path.string() + ": ambiguous dataset path, shard files of several shard counts exist (" +
                                               names + "); open one shard file to choose");
        }
        if (!candidates.empty()) first = candidates.front();
    }
    auto head = File::open(first, options);
    const uint16_t count = head->shard_count();
    d.shards_.resize(count);
    if (count == 1) {
        d.shards_[0] = head;
        return d;
    }
    for (uint32_t s = 0; s < count; ++s) {
        auto file = s == head->shard_id() ? head : File::open(shard_path(base, s, count), options);
        if (file->shard_count() != count || file->shard_id() != s)
            throw Error(ErrorKind::damaged, file->path().string() + ": shard " + std::to_string(file->shard_id()) + " of " +
                                                std::to_string(file->shard_count()) + ", expected shard " + std::to_string(s) +
                                                " of " + std::to_string(count));
        if (file->dataset_id() != head->dataset_id())
            throw Error(ErrorKind::damaged,
                        file->path().string() + ": dataset id differs from " + head->path().string() + "'s (files of different datasets)");
        d.shards_[s] = std::move(file);
    }
    return d;
}

// The names do not matter here (§10: the header is authoritative): each file's header says
// which dataset and shard it is, and the list must hold each shard of one dataset once.
Dataset Dataset::open(std::span<const std::filesystem::path> shard_files, ReaderOptions options) {
    if (shard_files.empty()) throw Error(ErrorKind::misuse, "Dataset::open: no shard files given");
    auto head = File::open(shard_files.front(), options);
    const uint16_t count = head->shard_count();
    Dataset d;
    d.shards_.resize(count);
    d.shards_[head->shard_id()] = head;
    for (const auto& path : shard_files.subspan(1)) {
        auto file = File::open(path, options);
        if (file->dataset_id() != head->dataset_id())
            throw Error(ErrorKind::misuse,
                        file->path().string() + ": dataset id differs from " + head->path().string() + "'s (files of different datasets)");
        if (file->shard_count() != count)
            throw Error(ErrorKind::damaged, file->path().string() + ": shard " + std::to_string(file->shard_id()) + " of " +
                                                std::to_string(file->shard_count()) + ", but " + head->path().string() +
                                                " of the same dataset is shard " + std::to_string(head->shard_id()) + " of " +
                                                std::to_string(count));
        auto& slot = d.shards_[file->shard_id()];
        if (slot)
            throw Error(ErrorKind::misuse, file->path().string() + ": shard " + std::to_string(file->shard_id()) + " of " +
                                               std::to_string(count) + " given twice (also " + slot->path().string() + ")");
        slot = std::move(file);
    }
    std::string missing;
    uint32_t missing_count = 0;
    for (uint32_t s = 0; s < count; ++s) {
        if (d.shards_[s]) continue;
        ++missing_count;
        missing += (missing.empty() ? "" : ", ") + std::to_string(s);
    }
    if (missing_count > 0)
        throw Error(ErrorKind::misuse, head->path().string() + ": the dataset has " + std::to_string(count) + " shards, " +
                                           (missing_count == 1 ? "shard " : "shards ") + missing + " not given");
    return d;
}

uint64_t Dataset::vertex_count() const {
    uint64_t n = 0;
    for (const auto& s : shards_) n += s->vertex_count();
    return n;
}

uint64_t Dataset::edge_count() const {
    uint64_t n = 0;
    for (const auto& s : shards_) n += s->edge_count();
    return n;
}

Vertex Dataset::vertex(VertexRef ref) const {
    if (ref.shard >= shards_.size())
        throw Error(ErrorKind::misuse,
                    "vertex reference names shard " + std::to_string(ref.shard) + " of a " + std::to_string(shards_.size()) + "-shard dataset");
    return shards_[ref.shard]->vertex(ref.index);
}

std::optional<Vertex> Dataset::find(const Key& key) const {
    if (shards_.empty()) return std::nullopt;
    return shards_[format::key_hash(key) % shards_.size()]->find(key);
}

void Dataset::find(std::span<const Key> keys, std::span<std::optional<Vertex>> out) const {
    if (keys.size() != out.size())
        throw Error(ErrorKind::misuse, "find: " + std::to_string(keys.size()) + " keys but room for " + std::to_string(out.size()) + " results");
    if (shards_.size() == 1) return shards_[0]->find(keys, out);
    std::fill(out.begin(), out.end(), std::nullopt);
    if (shards_.empty()) return;
    // Each key's shard is the one its hash names (§10); a shard's keys are looked up together.
    std::vector<std::vector<size_t>> positions(shards_.size());
    for (size_t i = 0; i < keys.size(); ++i) positions[format::key_hash(keys[i]) % shards_.size()].push_back(i);
    std::vector<Key> batch;
    std::vector<std::optional<Vertex>> found;
    for (size_t s = 0; s < shards_.size(); ++s) {
        batch.clear();
        for (size_t i : positions[s]) batch.push_back(keys[i]);
        found.assign(batch.size(), std::nullopt);
        shards_[s]->find(batch, found);
        for (size_t j = 0; j < batch.size(); ++j) out[positions[s][j]] = found[j];
    }
}

ValueRef Dataset::property(const Edge& edge, const Vertex& from, uint32_t property) const {
    // Properties live with the out-edge, in the source vertex's shard (§8.2).
    if (edge.direction == Direction::out) return from.file().property(edge, property);
    return vertex(edge.target).file().property(edge, property);
}

ValueRef Dataset::property(const Edge& edge, const Vertex& from, std::string_view name) const {
    if (edge.direction == Direction::out) return from.file().property(edge, name);
    return vertex(edge.target).file().property(edge, name);
}

namespace {

bool same_shapes(std::span<const LabelInfo> a, std::span<const LabelInfo> b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].attributes.size() != b[i].attributes.size()) return false;
        for (size_t j = 0; j < a[i].attributes.size(); ++j) {
            const auto& x = a[i].attributes[j];
            const auto& y = b[i].attributes[j];
            if (x.name != y.name || x.type != y.type || x.nullable != y.nullable) return false;
        }
    }
    return true;
}

// The vertex_ref values among `values` (attributes of a label or properties of an edge type)
// name vertices that exist in their shards. File::verify() checked those naming its own shard.
template <typename Read>
void check_refs(std::span<const AttributeInfo> values, std::span<const std::shared_ptr<const File>> shards, Read read,
                const std::function<std::string()>& where) {
    for (uint32_t a = 0; a < values.size(); ++a) {
        if (values[a].type.element() != TypeCode::vertex_ref) continue;
        const ValueRef value = read(a);
        if (value.is_null()) continue;
        for (const ValueRef& item : values[a].type.is_list() ? value.elements() : std::vector<ValueRef>{value}) {
            const VertexRef ref = item.as_ref();
            if (ref.shard < shards.size() && ref.index < shards[ref.shard]->vertex_count()) continue;
            const std::string has = ref.shard < shards.size() ? ", which has " + std::to_string(shards[ref.shard]->vertex_count()) + " vertices"
                                                                : ", which does not exist";
            throw Error(ErrorKind::damaged, where() + " '" + std::string(values[a].name) + "' names vertex " + std::to_string(ref.index) +
                                                " of shard " + std::to_string(ref.shard) + has);
        }
    }
}

// Every vertex_ref attribute and out-edge property of shard `s` names an existing vertex.
void check_cross_shard_refs(const File& s, std::span<const std::shared_ptr<const File>> shards) {
    auto refers = [](const LabelInfo& l) {
        return std::any_of(l.attributes.begin(), l.attributes.end(), [](const AttributeInfo& a) { return a.type.element() == TypeCode::vertex_ref; });
    };
    const bool edge_refs = std::any_of(s.edge_types().begin(), s.edge_types().end(), refers);
    for (uint64_t i = 0; i < s.vertex_count(); ++i) {
        const Vertex v = s.vertex(i);
        const LabelInfo& label = s.labels()[v.label()];
        if (refers(label))
            check_refs(label.attributes, shards, [&](uint32_t a) { return v.get(a); },
                       [&] { return s.path().string() + ": vertex " + std::to_string(i) + " attribute"; });
        if (!edge_refs) continue;
        for (const Edge& e : v.edges(Direction::out))
            check_refs(s.edge_types()[e.type].attributes, shards, [&](uint32_t p) { return s.property(e, p); },
                       [&] { return s.path().string() + ": an out-edge of vertex " + std::to_string(i) + ", property"; });
    }
}

}  // namespace

// Each shard's own deep check, then the cross-shard rules of §10: one schema, and every edge or
// vertex_ref value into another shard names a vertex (and, for in-edges, a property row) that
// exists there.
void Dataset::verify() const {
    for (const auto& s : shards_) s->verify();
    const File& first = *shards_.front();
    for (const auto& s : shards_) {
        if (s->key_type() != first.key_type() || s->has_in_edges() != first.has_in_edges() ||
            !same_shapes(s->labels(), first.labels()) || !same_shapes(s->edge_types(), first.edge_types()))
            throw Error(ErrorKind::damaged, s->path().string() + ": schema differs from " + first.path().string() + "'s");
    }
    if (shards_.size() == 1) return;
    for (const auto& s : shards_) {
        for (uint64_t i = 0; i < s->vertex_count(); ++i) {
            Vertex v = s->vertex(i);
            for (Direction dir : {Direction::out, Direction::in}) {
                if (dir == Direction::in && !s->has_in_edges()) continue;
                for (const Edge& e : v.edges(dir)) {
                    if (e.target.shard == s->shard_id()) continue;
                    const File& other = *shards_[e.target.shard];
                    if (e.target.index >= other.vertex_count())
                        throw Error(ErrorKind::damaged, s->path().string() + ": vertex " + std::to_string(i) + " has an edge to vertex " +
                                                            std::to_string(e.target.index) + " of shard " + std::to_string(e.target.shard) +
                                                            ", which has " + std::to_string(other.vertex_count()) + " vertices");
                    if (dir == Direction::in && !s->edge_types()[e.type].attributes.empty()) other.property(e, 0);
                }
            }
        }
        check_cross_shard_refs(*s, shards_);
    }
}

}  // namespace mmgraph
