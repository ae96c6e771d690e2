#include "support/damage.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "mmgraph/format/hash.hpp"
#include "mmgraph/format/layout.hpp"
#include "support/probe.hpp"
#include "support/random_graph.hpp"

namespace mmgraph::test {

std::string Damage::describe() const {
    switch (kind) {
        case Kind::truncate: return "truncated to " + std::to_string(at);
        case Kind::flip: return "bit " + std::to_string(at % 8) + " of byte " + std::to_string(byte());
        case Kind::resealed_flip: return "resealed bit " + std::to_string(at % 8) + " of byte " + std::to_string(byte());
    }
    return "?";
}

std::string_view Damage::kind_name() const {
    switch (kind) {
        case Kind::truncate: return "truncate";
        case Kind::flip: return "flip";
        case Kind::resealed_flip: return "resealed_flip";
    }
    return "?";
}

std::vector<uint8_t> Damage::apply(std::span<const uint8_t> good) const {
    if (kind == Kind::truncate) return {good.begin(), good.begin() + static_cast<ptrdiff_t>(std::min<uint64_t>(at, good.size()))};
    std::vector<uint8_t> b(good.begin(), good.end());
    if (byte() >= b.size()) throw std::runtime_error(describe() + ": past the end of a " + std::to_string(b.size()) + "-byte file");
    b[byte()] ^= mask();
    if (kind == Kind::resealed_flip) reseal(b);
    return b;
}

std::filesystem::path sweep_file(const std::filesystem::path& dir, uint16_t shards) {
    RandomGraphOptions o;
    o.seed = 20240611;
    o.vertices = 14;
    o.edges = 28;
    o.long_string_rate = 0;
    o.int_keys = shards > 1;
    Model model = random_model(o);
    auto in_shard_0 = [&](const ModelVertex& v) {
        if (shards == 1) return true;
        return format::key_hash(static_cast<int64_t>(std::stoll(v.key))) % shards == 0;  // §10 placement
    };
    bool widened = false;
    for (auto& v : model.vertices)
        for (auto& x : v.values)
            if (!widened && in_shard_0(v) && !x.null && x.type == Type(TypeCode::string)) x.s.assign(300, 'w'), widened = true;
    WriterOptions w;
    w.threads = 1;
    w.shard_count = shards;
    write_model(model, w, dir / "base.mmg");
    auto path = shards > 1 ? dir / ("base-0-of-" + std::to_string(shards) + ".mmg") : dir / "base.mmg";
    auto file = File::open(path);
    file->verify();
    bool wide = false;
    for (const auto& nt : file->node_types())
        for (uint8_t width : nt.offset_widths) wide |= width > 1;
    if (!widened || !wide || file->node_types().size() < 2 || !file->has_in_edges())
        throw std::runtime_error("sweep_file: " + path.string() + " lacks a feature the sweep relies on (2-byte offsets, node types, in-edges)");
    return path;
}

std::vector<Damage> every_truncation(uint64_t size) {
    std::vector<Damage> out;
    for (uint64_t len = size; len-- > 0;) out.push_back({Damage::Kind::truncate, len});
    return out;
}

std::vector<Damage> boundary_truncations(const File& file) {
    const uint64_t size = file.file_size();
    std::vector<uint64_t> edges = {0, format::header::kSize, format::header::kSize + format::dir_entry::kSize * file.sections().size()};
    for (const auto& s : file.sections()) {
        edges.push_back(s.offset);
        edges.push_back(s.offset + s.length);
    }
    std::vector<uint64_t> lengths;
    for (uint64_t e : edges)
        for (uint64_t len : {e - 1, e, e + 1})
            if (len < size) lengths.push_back(len);  // e - 1 of 0 wraps and is dropped here
    std::sort(lengths.begin(), lengths.end(), std::greater<>());
    lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
    std::vector<Damage> out;
    for (uint64_t len : lengths) out.push_back({Damage::Kind::truncate, len});
    return out;
}

std::vector<Damage> bit_flips(uint64_t size, uint64_t max_full_bytes, uint64_t samples, uint64_t seed) {
    const uint64_t total_bits = size * 8;
    std::vector<Damage> out;
    if (size <= max_full_bytes) {
        for (uint64_t bit = 0; bit < total_bits; ++bit) out.push_back({Damage::Kind::flip, bit});
    } else if (total_bits > 0) {
        std::mt19937_64 rng(seed);
        for (uint64_t i = 0; i < samples; ++i) out.push_back({Damage::Kind::flip, rng() % total_bits});
    }
    return out;
}

std::vector<Damage> resealed_flips(const File& file, uint64_t samples, uint64_t seed) {
    const uint64_t body = format::header::kSize + format::dir_entry::kSize * file.sections().size();
    const uint64_t size = file.file_size();
    std::vector<Damage> out;
    if (size <= body) return out;
    std::mt19937_64 rng(seed);
    for (uint64_t i = 0; i < samples; ++i) out.push_back({Damage::Kind::resealed_flip, body * 8 + rng() % ((size - body) * 8)});
    return out;
}

}  // namespace mmgraph::test
