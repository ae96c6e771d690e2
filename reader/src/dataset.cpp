// Dataset (spec §10): the shard files of one dataset, checked to agree, with key lookup routed
// by the key hash and cross-shard edges resolved through their shard id.
#include <algorithm>
#include <functional>
#include <optional>
#include <regex>
#include <utility>

#include "internal.hpp"
#include "mmgraph/format/hash.hpp"

namespace mmgraph {

uint16_t shard_of(const Key& key, uint16_t shard_count) { return shard_of(key, shard_count, IdSpace{}); }

uint16_t shard_of(const Key& key, uint16_t shard_count, IdSpace space) {
    if (shard_count == 0) throw Error(ErrorKind::misuse, "shard_of: a dataset has at least one shard, not 0");
    return static_cast<uint16_t>(format::key_hash(key, space) % shard_count);
}

namespace {

namespace fs = std::filesystem;

// Where a dataset path's shard files are (§10 names): `base` is the dataset path given to the
// writer; `count` the shard count the names tell, or 0 when only the header of the file at the
// path can tell it.
struct Layout {
    fs::path base;
    uint16_t count = 0;
};

// <stem>-<i>-of-<K>.mmg with 1 < K <= 65535: the stem and K, or nullopt.
std::optional<std::pair<std::string, uint16_t>> parse_shard_name(const std::string& name, std::smatch& match) {
    static const std::regex shard_name(R"((.*)-(\d+)-of-(\d+)\.mmg)");
    if (!std::regex_match(name, match, shard_name)) return std::nullopt;
    const std::string digits = match[3].str();
    if (digits.size() > 5) return std::nullopt;
    const unsigned long count = std::stoul(digits);
    if (count < 2 || count > 65535) return std::nullopt;
    return std::pair{match[1].str(), static_cast<uint16_t>(count)};
}

Layout locate(const fs::path& path) {
    std::smatch match;
    if (auto named = parse_shard_name(path.filename().string(), match)) return {path.parent_path() / (named->first + ".mmg"), named->second};
    if (fs::exists(path)) return {path, 0};
    // The dataset path given to the writer: the shard files beside it tell the count. Shards of
    // an earlier write with another shard count may remain; picking one set by directory order
    // would open a stale dataset, so several counts are refused.
    std::error_code ec;
    const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    std::vector<uint16_t> counts;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        auto named = parse_shard_name(entry.path().filename().string(), match);
        if (named && named->first == path.stem().string() && std::find(counts.begin(), counts.end(), named->second) == counts.end())
            counts.push_back(named->second);
    }
    if (counts.size() > 1) {
        std::sort(counts.begin(), counts.end());
        std::string names;
        for (uint16_t k : counts) names += (names.empty() ? "" : ", ") + shard_path(path, 0, k).filename().string();
        throw Error(ErrorKind::misuse, path.string() + ": ambiguous dataset path, shard files of several shard counts exist (" + names +
                                           "); open one shard file to choose");
    }
    return {path, counts.empty() ? uint16_t{0} : counts.front()};
}

// The shards a caller names, as a mask over the dataset's `count` shards; `what` names the
// dataset in errors.
std::vector<bool> select_shards(std::span<const uint16_t> shards, uint16_t count, const std::string& what) {
    if (shards.empty()) throw Error(ErrorKind::misuse, what + ": no shards named (name at least one of the " + std::to_string(count) + ")");
    std::vector<bool> wanted(count, false);
    for (uint16_t s : shards) {
        if (s >= count)
            throw Error(ErrorKind::misuse, what + ": shard " + std::to_string(s) + " out of range, the dataset has " + std::to_string(count) +
                                               " shards (0 to " + std::to_string(count - 1) + ")");
        if (wanted[s]) throw Error(ErrorKind::misuse, what + ": shard " + std::to_string(s) + " named twice");
        wanted[s] = true;
    }
    return wanted;
}

// `file`, opened as shard `s` of a `count`-shard dataset, is that shard of the same dataset as
// `first` (the first shard opened), or the dataset's files disagree.
void check_place(const File& file, uint16_t s, uint16_t count, const File* first) {
    if (file.shard_count() != count || file.shard_id() != s)
        throw Error(ErrorKind::damaged, file.path().string() + ": shard " + std::to_string(file.shard_id()) + " of " +
                                            std::to_string(file.shard_count()) + ", expected shard " + std::to_string(s) + " of " +
                                            std::to_string(count));
    if (first && file.dataset_id() != first->dataset_id())
        throw Error(ErrorKind::damaged,
                    file.path().string() + ": dataset id differs from " + first->path().string() + "'s (files of different datasets)");
}

std::string shard_list(const std::vector<bool>& shards, bool which) {
    std::string list;
    for (size_t s = 0; s < shards.size(); ++s)
        if (shards[s] == which) list += (list.empty() ? "" : ", ") + std::to_string(s);
    return list;
}

}  // namespace

// Opens the shards `wanted` names (all when it is nullopt) of the dataset at `path`. A file at
// the path that names no shard is read for the count, and is the shard its header names.
Dataset Dataset::open_at(const std::filesystem::path& path, std::optional<std::span<const uint16_t>> wanted, ReaderOptions options) {
    const Layout layout = locate(path);
    std::shared_ptr<const File> head;
    uint16_t count = layout.count;
    if (count == 0) {
        head = File::open(path, options);
        count = head->shard_count();
    }
    const std::vector<bool> mask = wanted ? select_shards(*wanted, count, path.string()) : std::vector<bool>(count, true);
    Dataset d;
    d.shards_.resize(count);
    const File* first = nullptr;
    for (uint16_t s = 0; s < count; ++s) {
        if (!mask[s]) continue;
        auto file = head && head->shard_id() == s ? head : File::open(shard_path(layout.base, s, count), options);
        check_place(*file, s, count, first);
        if (!first) first = file.get();
        d.shards_[s] = std::move(file);
    }
    return d;
}

Dataset Dataset::open(const std::filesystem::path& path, ReaderOptions options) { return open_at(path, std::nullopt, options); }

Dataset Dataset::open(const std::filesystem::path& path, std::span<const uint16_t> shards, ReaderOptions options) {
    return open_at(path, shards, options);
}

// The names do not matter here (§10: the header is authoritative): each file's header says
// which dataset and shard it is, and the list must hold each wanted shard (all when `wanted` is
// nullopt) of one dataset once.
Dataset Dataset::open_files(std::span<const std::filesystem::path> shard_files, std::optional<std::span<const uint16_t>> wanted,
                            ReaderOptions options) {
    if (shard_files.empty()) throw Error(ErrorKind::misuse, "Dataset::open: no shard files given");
    auto head = File::open(shard_files.front(), options);
    const uint16_t count = head->shard_count();
    const std::string what = head->path().string();
    const std::vector<bool> mask = wanted ? select_shards(*wanted, count, what) : std::vector<bool>(count, true);
    Dataset d;
    d.shards_.resize(count);
    for (size_t i = 0; i < shard_files.size(); ++i) {
        auto file = i == 0 ? head : File::open(shard_files[i], options);
        if (file->dataset_id() != head->dataset_id())
            throw Error(ErrorKind::misuse, file->path().string() + ": dataset id differs from " + what + "'s (files of different datasets)");
        if (file->shard_count() != count)
            throw Error(ErrorKind::damaged, file->path().string() + ": shard " + std::to_string(file->shard_id()) + " of " +
                                                std::to_string(file->shard_count()) + ", but " + what + " of the same dataset is shard " +
                                                std::to_string(head->shard_id()) + " of " + std::to_string(count));
        if (!mask[file->shard_id()])
            throw Error(ErrorKind::misuse, file->path().string() + ": shard " + std::to_string(file->shard_id()) + " of " +
                                               std::to_string(count) + ", not one of the shards named (" + shard_list(mask, true) + ")");
        auto& slot = d.shards_[file->shard_id()];
        if (slot)
            throw Error(ErrorKind::misuse, file->path().string() + ": shard " + std::to_string(file->shard_id()) + " of " +
                                               std::to_string(count) + " given twice (also " + slot->path().string() + ")");
        slot = std::move(file);
    }
    std::vector<bool> missing(count, false);
    for (uint16_t s = 0; s < count; ++s) missing[s] = mask[s] && !d.shards_[s];
    const auto missing_count = std::count(missing.begin(), missing.end(), true);
    if (missing_count > 0)
        throw Error(ErrorKind::misuse, what + ": the dataset has " + std::to_string(count) + " shards, " +
                                           (missing_count == 1 ? "shard " : "shards ") + shard_list(missing, true) + " not given");
    return d;
}

Dataset Dataset::open(std::span<const std::filesystem::path> shard_files, ReaderOptions options) {
    return open_files(shard_files, std::nullopt, options);
}

Dataset Dataset::open(std::span<const std::filesystem::path> shard_files, std::span<const uint16_t> shards, ReaderOptions options) {
    return open_files(shard_files, shards, options);
}

bool Dataset::partial() const {
    return std::any_of(shards_.begin(), shards_.end(), [](const auto& s) { return s == nullptr; });
}

std::vector<uint16_t> Dataset::mapped_shards() const {
    std::vector<uint16_t> ids;
    for (uint16_t s = 0; s < shards_.size(); ++s)
        if (shards_[s]) ids.push_back(s);
    return ids;
}

void Dataset::not_mapped(uint16_t shard, const std::string& what) const {
    std::vector<bool> mask(shards_.size());
    for (size_t s = 0; s < shards_.size(); ++s) mask[s] = shards_[s] != nullptr;
    throw ShardNotMapped(shard, what + " lives in shard " + std::to_string(shard) + " of " + std::to_string(shards_.size()) +
                                    ", which this dataset does not map (it maps " + shard_list(mask, true) + ")");
}

const File& Dataset::shard(uint16_t id) const {
    if (id >= shards_.size())
        throw Error(ErrorKind::misuse, "shard " + std::to_string(id) + " out of range (" + std::to_string(shards_.size()) + " shards)");
    if (!shards_[id]) not_mapped(id, "shard " + std::to_string(id));
    return *shards_[id];
}

const File& Dataset::first_mapped() const {
    for (const auto& s : shards_)
        if (s) return *s;
    MMGRAPH_CHECK(false, "a dataset maps at least one shard");
    std::abort();
}

uint64_t Dataset::vertex_count() const {
    uint64_t n = 0;
    for (const auto& s : shards_)
        if (s) n += s->vertex_count();
    return n;
}

uint64_t Dataset::edge_count() const {
    uint64_t n = 0;
    for (const auto& s : shards_)
        if (s) n += s->edge_count();
    return n;
}

Vertex Dataset::vertex(VertexRef ref) const {
    if (ref.shard >= shards_.size())
        throw Error(ErrorKind::misuse,
                    "vertex reference names shard " + std::to_string(ref.shard) + " of a " + std::to_string(shards_.size()) + "-shard dataset");
    if (!shards_[ref.shard]) not_mapped(ref.shard, "vertex " + std::to_string(ref.index) + " of shard " + std::to_string(ref.shard));
    return shards_[ref.shard]->vertex(ref.index);
}

namespace {

// A key of the dataset's type: only those can live anywhere (File::find answers nullopt for
// the others, whichever shard their hash names).
bool of_type(const Key& key, KeyType type) { return std::holds_alternative<int64_t>(key) == (type == KeyType::int64); }

}  // namespace

std::optional<Vertex> Dataset::find(const Key& key) const { return find(key, IdSpace{}); }

std::optional<Vertex> Dataset::find(const Key& key, IdSpace space) const {
    if (shards_.empty()) return std::nullopt;
    const uint16_t s = shard_of(key, shard_count(), space);
    if (!shards_[s]) {
        if (!of_type(key, first_mapped().key_type())) return std::nullopt;
        not_mapped(s, "key '" + key_to_string(key) + "'");
    }
    return shards_[s]->find(key, space);
}

void Dataset::find(std::span<const Key> keys, std::span<std::optional<Vertex>> out) const { find(keys, IdSpace{}, out); }

void Dataset::find(std::span<const Key> keys, IdSpace space, std::span<std::optional<Vertex>> out) const {
    if (keys.size() != out.size())
        throw Error(ErrorKind::misuse, "find: " + std::to_string(keys.size()) + " keys but room for " + std::to_string(out.size()) + " results");
    if (shards_.size() == 1) return shards_[0]->find(keys, space, out);
    if (shards_.empty()) return std::fill(out.begin(), out.end(), std::nullopt);
    // Each key's shard is the one its hash names (§10); a shard's keys are looked up together.
    std::vector<std::vector<size_t>> positions(shards_.size());
    const KeyType type = first_mapped().key_type();
    for (size_t i = 0; i < keys.size(); ++i) {
        const uint16_t s = shard_of(keys[i], shard_count(), space);
        if (!shards_[s] && of_type(keys[i], type)) not_mapped(s, "key '" + key_to_string(keys[i]) + "' (row " + std::to_string(i) + ")");
        positions[s].push_back(i);
    }
    std::fill(out.begin(), out.end(), std::nullopt);
    std::vector<Key> batch;
    std::vector<std::optional<Vertex>> found;
    for (size_t s = 0; s < shards_.size(); ++s) {
        if (!shards_[s]) continue;
        batch.clear();
        for (size_t i : positions[s]) batch.push_back(keys[i]);
        found.assign(batch.size(), std::nullopt);
        shards_[s]->find(batch, space, found);
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
            if (ref.shard < shards.size() && !shards[ref.shard]) continue;  // not mapped: its service checks it
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
        const LabelInfo& label = s.label_set_layout(v.label_set());
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

// Each mapped shard's own deep check, then the cross-shard rules of §10: one schema, and every
// edge or vertex_ref value into another mapped shard names a vertex (and, for in-edges, a
// property row) that exists there.
void Dataset::verify() const {
    for (const auto& s : shards_)
        if (s) s->verify();
    const File& first = first_mapped();
    for (const auto& s : shards_) {
        if (s && (s->key_type() != first.key_type() || s->has_in_edges() != first.has_in_edges() ||
                  !same_shapes(s->labels(), first.labels()) || !same_shapes(s->edge_types(), first.edge_types())))
            throw Error(ErrorKind::damaged, s->path().string() + ": schema differs from " + first.path().string() + "'s");
    }
    if (shards_.size() == 1) return;
    for (const auto& s : shards_) {
        if (!s) continue;
        for (uint64_t i = 0; i < s->vertex_count(); ++i) {
            Vertex v = s->vertex(i);
            for (Direction dir : {Direction::out, Direction::in}) {
                if (dir == Direction::in && !s->has_in_edges()) continue;
                for (const Edge& e : v.edges(dir)) {
                    if (e.target.shard == s->shard_id() || !mapped(e.target.shard)) continue;
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
