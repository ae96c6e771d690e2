// Sections: reading one direction's sample; choosing neighbours evenly; the builder that
// expands hop by hop and records distinct edges.
#include "ego_network.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace mmgraph::viewer {

EgoCounts& EgoCounts::operator+=(const EgoCounts& other) {
    entries += other.entries;
    read += other.read;
    self_loops += other.self_loops;
    repeats += other.repeats;
    remote += other.remote;
    not_chosen += other.not_chosen;
    damaged += other.damaged;
    return *this;
}

namespace {

struct Neighbour {
    uint32_t index = 0;
    uint32_t type = 0;
};

// One direction of one vertex as sampled: its distinct (neighbour, type) pairs in read order.
struct DirectionSample {
    std::vector<Neighbour> pairs;
    EgoCounts counts;
    bool sampled = false;
};

DirectionSample read_direction(const File& file, uint32_t index, Direction direction, uint64_t max_reads) {
    DirectionSample sample;
    EgoCounts& c = sample.counts;
    std::unordered_set<uint64_t> seen;
    auto take = [&](const Edge& e) {
        ++c.read;
        if (e.target.shard != file.shard_id()) {
            ++c.remote;
        } else if (e.target.index == index) {
            ++c.self_loops;
        } else if (!seen.insert(uint64_t{e.target.index} << 32 | e.type).second) {
            ++c.repeats;
        } else {
            sample.pairs.push_back({e.target.index, e.type});
        }
    };
    try {
        EdgeRange range = file.vertex(index).edges(direction);
        c.entries = range.size();
        if (range.size() <= max_reads) {
            for (const Edge& e : range) take(e);
        } else if (range.local()) {
            // Evenly spaced probes see every type and every part of the target range of a hub,
            // however its first entries look (self-loops, one repeated neighbour ...).
            sample.sampled = true;
            for (uint64_t j = 0; j < max_reads; ++j) take(range.at(j * range.size() / max_reads));
        } else {
            // Grouped records (a dataset's shards) index by walking, so read a prefix instead.
            sample.sampled = true;
            uint64_t k = 0;
            for (const Edge& e : range) {
                if (k++ == max_reads) break;
                take(e);
            }
        }
    } catch (const Error&) {
        ++c.damaged;  // a damaged record: keep what was read
    }
    return sample;
}

// `wanted` items spread evenly over `items`, in their order.
std::vector<uint32_t> choose_evenly(const std::vector<uint32_t>& items, uint64_t wanted) {
    if (items.size() <= wanted) return items;
    std::vector<uint32_t> chosen;
    for (uint64_t i = 0; i < wanted; ++i) chosen.push_back(items[i * items.size() / wanted]);
    return chosen;
}

class EgoBuilder {
public:
    EgoBuilder(const File& file, const EgoOptions& options) : file_(file), options_(options) {}

    EgoNetwork build(uint32_t centre) {
        net_.int_keys = file_.key_type() == KeyType::int64;
        for (const LabelInfo& l : file_.labels()) net_.label_names.emplace_back(l.name);
        for (const LabelInfo& t : file_.edge_types()) net_.type_names.emplace_back(t.name);
        add_node(centre, 0, 0);
        std::vector<size_t> frontier{0};
        for (int hop = 1; hop <= options_.hops && !frontier.empty(); ++hop) {
            std::vector<size_t> next;
            for (size_t i = 0; i < frontier.size(); ++i) {
                // An equal share of the room left, so the last vertices of a hop get children too.
                size_t room = options_.max_nodes - std::min(options_.max_nodes, net_.nodes.size());
                size_t share = (room + frontier.size() - i - 1) / (frontier.size() - i);
                expand(frontier[i], hop, share, next);
            }
            frontier = std::move(next);
        }
        for (const EgoNode& n : net_.nodes) {
            net_.left_out += n.counts;
            net_.hidden += n.hidden;
        }
        return std::move(net_);
    }

private:
    std::optional<size_t> position_of(uint32_t index) const {
        auto it = position_of_.find(index);
        if (it == position_of_.end()) return std::nullopt;
        return it->second;
    }

    bool add_node(uint32_t index, int hop, size_t parent) {
        if (net_.nodes.size() >= options_.max_nodes) return false;
        EgoNode node;
        node.index = index;
        node.hop = hop;
        node.parent = parent;
        try {
            Vertex v = file_.vertex(index);
            node.key = v.key_string();
            node.label = v.label();
            node.label_name = std::string(v.label_name());
        } catch (const Error&) {
            node.key = "?";
            node.label_name = "?";
        }
        position_of_[index] = net_.nodes.size();
        net_.nodes.push_back(std::move(node));
        return true;
    }

    // The distinct neighbours of a sample not yet in the network, in read order.
    std::vector<uint32_t> new_neighbours(const DirectionSample& sample) const {
        std::vector<uint32_t> out;
        std::unordered_set<uint32_t> listed;
        for (const Neighbour& n : sample.pairs)
            if (!position_of(n.index) && listed.insert(n.index).second) out.push_back(n.index);
        return out;
    }

    // Reads the vertex at `position`, adds up to `share` new neighbours at `hop` (appended to
    // `next`) and the edges from it to every neighbour now in the network.
    void expand(size_t position, int hop, size_t share, std::vector<size_t>& next) {
        const uint32_t index = net_.nodes[position].index;
        DirectionSample samples[2];
        samples[0] = read_direction(file_, index, Direction::out, options_.max_reads);
        if (file_.has_in_edges()) samples[1] = read_direction(file_, index, Direction::in, options_.max_reads);
        std::vector<uint32_t> fresh[2] = {new_neighbours(samples[0]), new_neighbours(samples[1])};
        std::unordered_set<uint32_t> candidates(fresh[0].begin(), fresh[0].end());
        candidates.insert(fresh[1].begin(), fresh[1].end());

        // Half of the share each way; a direction with fewer candidates leaves its rest to the other.
        uint64_t want[2];
        for (int d = 0; d < 2; ++d) want[d] = std::min<uint64_t>(options_.max_per_vertex, fresh[d].size());
        want[0] = std::min<uint64_t>(want[0], std::max<uint64_t>(share / 2, share - std::min<uint64_t>(share, want[1])));
        want[1] = std::min<uint64_t>(want[1], share - want[0]);
        size_t added = 0;
        for (int d = 0; d < 2; ++d) {
            std::vector<uint32_t> still_new;  // the out-direction may have taken some already
            for (uint32_t n : fresh[d])
                if (!position_of(n)) still_new.push_back(n);
            for (uint32_t n : choose_evenly(still_new, want[d]))
                if (add_node(n, hop, position)) {
                    next.push_back(net_.nodes.size() - 1);
                    ++added;
                }
        }

        EgoNode& node = net_.nodes[position];
        uint64_t drawn = 0;
        for (int d = 0; d < 2; ++d) {
            for (const Neighbour& n : samples[d].pairs) {
                auto to = position_of(n.index);
                if (!to) continue;
                ++drawn;
                if (d == 0) add_edge(position, *to, n.type);
                else add_edge(*to, position, n.type);
            }
            node.counts += samples[d].counts;
            node.sampled = node.sampled || samples[d].sampled;
        }
        node.expanded = true;
        node.counts.not_chosen = candidates.size() - added;
        node.hidden = node.counts.entries - std::min(drawn, node.counts.entries);
    }

    // Both ends' lists hold an edge between two expanded vertices: it is drawn once.
    void add_edge(size_t from, size_t to, uint32_t type) {
        uint64_t key = uint64_t{from} << 48 | uint64_t{to} << 32 | type;
        if (edge_keys_.insert(key).second) net_.edges.push_back({from, to, type});
    }

    const File& file_;
    const EgoOptions& options_;
    EgoNetwork net_;
    std::unordered_map<uint32_t, size_t> position_of_;
    std::unordered_set<uint64_t> edge_keys_;
};

}  // namespace

EgoNetwork extract_ego(const File& file, uint32_t centre, EgoOptions options) {
    options.max_nodes = std::clamp<size_t>(options.max_nodes, 1, 0xFFFF);  // edge keys hold 16-bit positions
    options.max_reads = std::max<uint64_t>(options.max_reads, 1);
    return EgoBuilder(file, options).build(centre);
}

}  // namespace mmgraph::viewer
