#include "support/probe.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/hash.hpp"
#include "mmgraph/format/layout.hpp"
#include "mmgraph/format/temporal.hpp"

namespace mmgraph::test {

namespace {

void append_hex(std::string& out, std::span<const uint8_t> bytes) {
    static const char* digits = "0123456789abcdef";
    for (uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
}

// Type byte, then the payload; lists element by element so that every element is touched.
void append_value(std::string& out, const ValueRef& value) {
    if (value.is_null()) {
        out += "null";
        return;
    }
    out += std::to_string(value.type().byte) + ":";
    // The 2.2 types are printed too, so that damaged values go through the text functions.
    const uint8_t code = format::element_code(value.type().byte);
    auto text = [&](const ValueRef& v) {
        if (format::is_temporal_code(code)) out += "=" + format::temporal_to_text(code, v.as_bytes().data());
    };
    if (!value.type().is_list()) {
        append_hex(out, value.as_bytes());
        text(value);
        return;
    }
    out += "[";
    for (uint64_t k = 0; k < value.list_size(); ++k) {
        if (k) out += ",";
        append_hex(out, value.element(k).as_bytes());
        text(value.element(k));
    }
    out += "]";
}

}  // namespace

std::string walk(const File& file) {
    std::string out;
    const uint32_t types = static_cast<uint32_t>(file.edge_types().size());
    for (Vertex v : file.vertices()) {
        out += "v" + std::to_string(v.index()) + " " + v.key_string() + " " + std::string(v.label_name()) + " nt" +
               std::to_string(v.node_type());
        auto found = file.find(v.key());
        out += found ? " @" + std::to_string(found->index()) : " @none";
        const LabelInfo& label = file.labels()[v.label()];
        for (uint32_t a = 0; a < label.attributes.size(); ++a) {
            out += " ";
            append_value(out, v.get(a));
        }
        out += "\n";
        for (Direction dir : {Direction::out, Direction::in}) {
            if (dir == Direction::in && !file.has_in_edges()) continue;
            out += dir == Direction::out ? " out " : " in ";
            out += std::to_string(v.degree(dir)) + ":";
            for (const Edge& e : v.edges(dir)) {
                if (e.type >= types) throw Error(ErrorKind::damaged, "walk: edge type " + std::to_string(e.type) + " out of range");
                out += " " + std::to_string(e.target.shard) + "/" + std::to_string(e.target.index) + "/t" +
                       std::to_string(e.type) + "/o" + std::to_string(e.ordinal);
                if (e.target.shard == file.shard_id()) out += "=" + file.vertex(e.target.index).key_string();
                // An in-edge's properties live in its source's shard: skip those from other shards.
                if (dir == Direction::in && e.target.shard != file.shard_id()) continue;
                for (uint32_t p = 0; p < file.edge_types()[e.type].attributes.size(); ++p) {
                    out += "|";
                    append_value(out, file.property(e, p));
                }
            }
            for (uint32_t t = 0; t < types; ++t) {
                out += " #" + std::to_string(v.degree(dir, t));
                for (const Edge& e : v.edges(dir, t)) out += "," + std::to_string(e.target.index);
            }
            out += "\n";
        }
    }
    return out;
}

namespace {

// The targets of the flat ranges of `vertices`, as text: iterated, or decoded a run at a time
// (EdgeRange::local_targets). A degree that the file's bytes cannot explain (an entry takes at
// least a bit) is left to the iterator, so that a forged one asks for no huge buffer.
std::string local_targets(const File& file, const std::vector<uint32_t>& vertices, bool batch) {
    std::string out;
    std::vector<uint32_t> decoded;
    for (Direction dir : {Direction::out, Direction::in}) {
        if (dir == Direction::in && !file.has_in_edges()) continue;
        for (uint32_t v : vertices) {
            const EdgeRange range = file.vertex(v).edges(dir);
            if (!range.local()) continue;
            out += std::to_string(v) + ":";
            if (batch && range.size() <= file.file_size() * 8) {
                decoded.resize(range.size());
                out += "<=" + std::to_string(range.local_targets(decoded));
                for (uint32_t target : decoded) out += " " + std::to_string(target);
            } else {
                uint32_t largest = 0;
                std::string targets;
                for (const Edge& e : range) {
                    targets += " " + std::to_string(e.target.index);
                    largest = std::max(largest, e.target.index);
                }
                out += "<=" + std::to_string(largest) + targets;
            }
            out += "\n";
        }
    }
    return out;
}

// The edges of `vertices` and the lookups of `keys`, as text; one vertex / key at a time, or
// through the batch APIs.
std::string edges_and_lookups(const File& file, const std::vector<uint32_t>& vertices, const std::vector<Key>& keys, bool batch) {
    std::string out = "targets:" + local_targets(file, vertices, batch);
    auto render = [&](uint32_t from, const Edge& e) {
        out += std::to_string(from) + ">" + std::to_string(e.target.shard) + "/" + std::to_string(e.target.index) + "/t" +
               std::to_string(e.type) + "/o" + std::to_string(e.ordinal) + " ";
    };
    for (Direction dir : {Direction::out, Direction::in}) {
        if (dir == Direction::in && !file.has_in_edges()) continue;
        out += dir == Direction::out ? "out:" : "\nin:";
        if (batch) {
            file.for_each_edge(vertices, dir, render);
        } else {
            for (uint32_t v : vertices)
                for (const Edge& e : file.vertex(v).edges(dir)) render(v, e);
        }
    }
    out += "\nfind:";
    std::vector<std::optional<Vertex>> found(keys.size());
    if (batch) {
        file.find(keys, found);
    } else {
        for (size_t i = 0; i < keys.size(); ++i) found[i] = file.find(keys[i]);
    }
    for (const auto& v : found) out += v ? " " + std::to_string(v->index()) : " -";
    return out;
}

}  // namespace

std::string batch_mismatch(const File& file) {
    const uint32_t n = static_cast<uint32_t>(file.vertex_count());
    std::vector<uint32_t> vertices;
    for (uint32_t v = 0; v < n; ++v) vertices.push_back(v);
    uint64_t state = 0x9E3779B97F4A7C15ull ^ n;  // a fixed xorshift shuffle, repeats included
    for (uint32_t i = 0; n && i < 2 * n + 40; ++i) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        vertices.push_back(static_cast<uint32_t>(state % n));
    }
    // Every key the file yields, then absent ones and one of the other type.
    std::vector<std::string> texts;
    std::vector<int64_t> ints;
    for (uint32_t v = 0; v < n; ++v) {
        try {
            Key key = file.vertex(v).key();
            if (auto* s = std::get_if<std::string_view>(&key)) texts.emplace_back(*s);
            else ints.push_back(std::get<int64_t>(key));
        } catch (const Error&) {
        }
    }
    for (int i = 0; i < 40; ++i) {
        texts.push_back("absent-" + std::to_string(i));
        ints.push_back(int64_t{1} << 62 | i);
    }
    std::vector<Key> keys;
    for (int round = 0; round < 2; ++round) {  // twice, so that lookups repeat across groups
        for (const auto& t : texts) keys.emplace_back(std::string_view(t));
        for (int64_t i : ints) keys.emplace_back(i);
    }
    auto outcome = [&](bool batch) {
        try {
            return "ok " + edges_and_lookups(file, vertices, keys, batch);
        } catch (const Error& e) {
            return std::string("error ") + e.what();
        }
    };
    const std::string one = outcome(false), many = outcome(true);
    if (one != many) return "one at a time: " + one.substr(0, 300) + "\n batch: " + many.substr(0, 300);
    // for_each_neighbour reads only the slot, degree and run of a packed record: it may pass damage
    // in the directory or ordinals, but where every edge reads, it must give their targets.
    for (Direction dir : {Direction::out, Direction::in}) {
        if (dir == Direction::in && !file.has_in_edges()) continue;
        std::string by_edges, by_neighbours;
        try {
            for (uint32_t v : vertices)
                for (const Edge& e : file.vertex(v).edges(dir)) by_edges += std::to_string(v) + ">" + std::to_string(e.target.index) + " ";
        } catch (const Error&) {
            continue;
        }
        try {
            file.for_each_neighbour(vertices, dir, [&](uint32_t v, VertexRef w) { by_neighbours += std::to_string(v) + ">" + std::to_string(w.index) + " "; });
        } catch (const Error& e) {
            return std::string("for_each_neighbour threw where every edge reads: ") + e.what();
        }
        if (by_edges != by_neighbours) return "for_each_neighbour: " + by_neighbours.substr(0, 300) + "\n edges: " + by_edges.substr(0, 300);
    }
    return "";
}

void reseal(std::span<uint8_t> b) {
    namespace hd = format::header;
    if (b.size() < hd::kSize) return;
    const uint32_t count = format::load<uint32_t>(b.data() + hd::kSectionCountOff);
    const uint64_t dir = format::load<uint64_t>(b.data() + hd::kDirectoryOffsetOff);
    if (dir <= b.size() && uint64_t{count} * format::dir_entry::kSize <= b.size() - dir) {
        for (uint32_t i = 0; i < count; ++i) {
            uint8_t* e = b.data() + dir + uint64_t{i} * format::dir_entry::kSize;
            const uint64_t off = format::load<uint64_t>(e + format::dir_entry::kOffsetOff);
            const uint64_t len = format::load<uint64_t>(e + format::dir_entry::kLengthOff);
            if (off <= b.size() && len <= b.size() - off)
                format::store<uint64_t>(e + format::dir_entry::kChecksumOff, format::checksum(b.data() + off, len));
        }
        format::store<uint64_t>(b.data() + hd::kDirectoryHashOff,
                                format::checksum(b.data() + dir, uint64_t{count} * format::dir_entry::kSize));
    }
    format::store<uint64_t>(b.data() + hd::kHeaderHashOff, format::checksum(b.data(), hd::kHeaderHashOff));
}

}  // namespace mmgraph::test
