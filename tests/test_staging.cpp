// The writer's staging structures on their own (writer/src): the string-key cells and the key
// table, the arena's switch from 32-bit deltas to 64-bit starts, and the edge spill's chunks
// (plain, one type, general; in memory and in the temporary file) read back by window, and the
// plan's 4-byte offsets across multiples of 2^32.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "edge_spill.hpp"
#include "internal.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::detail::Arena;
using mmgraph::detail::MonotoneOffsets;
using mmgraph::detail::EdgeSpill;
using mmgraph::detail::SpilledEdge;
using mmgraph::detail::StringKeys;
using mmgraph::test::TempDir;

TEST_CASE("string keys: short keys in their cell, long keys in the buffer, at every length", "[staging]") {
    StringKeys keys;
    std::vector<std::string> model;
    for (uint64_t i = 0; i < 2000; ++i) {
        const size_t length = i % 40;  // 0 .. 39: both sides of the 15/16-byte boundary
        const std::string key = (std::to_string(i) + std::string(40, static_cast<char>('a' + i % 26))).substr(0, length);
        model.push_back(key);
        keys.push(key);
    }
    for (uint32_t v = 0; v < model.size(); ++v) {
        INFO("vertex " << v << " key length " << model[v].size());
        CHECK(keys[v] == model[v]);
        if (!StringKeys::is_short(model[v])) continue;
        CHECK(keys.holds(v, StringKeys::short_cell(model[v])));
        // Another key's cell never matches, nor does a long key's cell a short one.
        const uint32_t other = (v + 1) % static_cast<uint32_t>(model.size());
        if (model[other] != model[v]) CHECK_FALSE(keys.holds(other, StringKeys::short_cell(model[v])));
    }
    CHECK(StringKeys::is_short(std::string(15, 'x')));
    CHECK_FALSE(StringKeys::is_short(std::string(16, 'x')));
}

TEST_CASE("key table: every key found, absent keys not, through growth and both key types", "[staging]") {
    for (KeyType type : {KeyType::string, KeyType::int64}) {
        CAPTURE(static_cast<int>(type));
        Writer::Impl m;
        m.options.key_type = type;
        m.shard_sizes.assign(1, 0);
        m.var_begin.push_back(0);
        detail::Shape label;
        label.name = "L";
        if (type == KeyType::string) label.key_var = label.var_count = 1, label.var_attribute.assign(1, 0);
        else label.key_fixed = label.fixed_size = 8;
        m.labels.push_back(label);

        std::vector<std::string> strings;
        for (uint64_t i = 0; i < 50'000; ++i) strings.push_back(i % 3 ? "key-" + std::to_string(i) : "a long key number " + std::to_string(i));
        auto key = [&](uint64_t i) -> Key {
            if (type == KeyType::string) return std::string_view(strings[i]);
            return static_cast<int64_t>(i * 0x9E37'79B9'7F4A'7C15ull);  // negative ones too
        };
        for (uint64_t i = 0; i < 40'000; ++i) {
            const Key k = key(i);
            REQUIRE_FALSE(m.lookup(k, m.hash_key(k)));
            CHECK(m.append_vertex(k, m.hash_key(k), 0, {}) == i);
        }
        CHECK(m.key_table.size() >= 2 * 40'000);  // at most half full
        for (uint64_t i = 0; i < 50'000; ++i) {
            const Key k = key(i);
            const auto found = m.lookup(k, m.hash_key(k));
            if (i < 40'000) {
                REQUIRE(found);
                CHECK(*found == i);
                CHECK(m.key_of(static_cast<uint32_t>(i)) == k);
            } else {
                CHECK_FALSE(found);
            }
        }
    }
}

namespace {

// An arena beside the items it should hold: add() stages random bytes in both, check() compares
// every item's place, size and bytes.
struct ArenaModel {
    Arena arena;
    std::vector<std::string> items;
    std::mt19937_64 rng{7};

    explicit ArenaModel(uint64_t max_delta) : arena(max_delta) {}
    void add(size_t length) {
        arena.begin_item();
        std::string bytes(length, '\0');
        for (auto& c : bytes) c = static_cast<char>(rng());
        arena.bytes.append(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        items.push_back(bytes);
    }
    void drop() {
        arena.drop_last_item();
        items.pop_back();
    }
    void check() const {
        REQUIRE(arena.items() == items.size());
        for (uint64_t i = 0; i < items.size(); ++i) {
            const uint64_t end = i + 1 < items.size() ? static_cast<uint64_t>(arena.item(i + 1) - arena.bytes.data()) : arena.bytes.size();
            const uint64_t start = static_cast<uint64_t>(arena.item(i) - arena.bytes.data());
            REQUIRE(end - start == items[i].size());
            // Not for an empty item: the bytes of an arena of empty items have no address.
            if (!items[i].empty()) CHECK(std::memcmp(items[i].data(), arena.item(i), items[i].size()) == 0);
        }
    }
};

}  // namespace

TEST_CASE("arena: items keep their bytes across blocks and the switch to wide starts", "[staging]") {
    // A delta past 10,000 bytes switches to wide starts; items of 0 .. 6 bytes fill several
    // blocks of 4096 items before that, then larger items cross it.
    ArenaModel m(10'000);
    for (int i = 0; i < 9000; ++i) m.add(static_cast<size_t>(i % 4));  // 3 blocks; each block's base keeps deltas small
    m.check();
    // Dropping the first item of a block drops its base too.
    while (m.arena.items() > 8192) m.drop();
    m.add(3);
    m.check();
    // One block's items now run past 10,000 bytes from its base: the arena turns wide.
    for (int i = 0; i < 50; ++i) m.add(500);
    m.check();
    m.drop();
    m.check();
    for (int i = 0; i < 5000; ++i) m.add(static_cast<size_t>(i % 7));  // and keeps growing wide
    m.check();
    const uint64_t bytes = m.arena.bytes.size();
    m.arena.drop_last_item();
    CHECK(m.arena.bytes.size() == bytes - m.items.back().size());
}

TEST_CASE("arena: items of one size store no starts until an item of another size comes", "[staging]") {
    for (size_t size : {size_t{0}, size_t{10}}) {
        CAPTURE(size);
        // With deltas past 1,000 bytes turned wide, leaving the one size at item 300 (3,000
        // bytes in) stores wide starts at once when the items are 10 bytes.
        ArenaModel m(1'000);
        for (int i = 0; i < 300; ++i) m.add(size);
        CHECK(m.arena.uniform());
        m.check();
        // Dropping back to one item and to none keeps the one size open to a new first size.
        while (m.arena.items() > 1) m.drop();
        m.add(size + 3);
        CHECK(m.arena.uniform());  // an item's size is known when the next one begins
        m.add(size);
        CHECK_FALSE(m.arena.uniform());
        m.check();
        Arena again(1'000);
        again.begin_item();
        again.drop_last_item();
        CHECK(again.items() == 0);
        CHECK(again.uniform());

        ArenaModel other(1'000);
        for (int i = 0; i < 300; ++i) other.add(size);
        other.add(size + 1);  // another size: once the next item begins, the 301 get stored starts
        for (int i = 0; i < 5000; ++i) other.add(static_cast<size_t>(i % 3));
        CHECK_FALSE(other.arena.uniform());
        other.check();
        other.drop();
        other.check();
    }
}

namespace {

struct SpillCase {
    uint16_t shards;
    bool background;
    uint64_t edges;
};

struct ModelEdge {
    uint32_t src, dst;
    uint16_t type;
    bool plain;
};

// Vertices placed as a writer places them: round robin over the shards by id.
struct SpillPlaces {
    std::vector<uint16_t> shard_of;
    std::vector<uint32_t> local_of;
    std::vector<uint32_t> shard_size;
    void add_up_to(uint64_t count) {
        const auto shards = static_cast<uint16_t>(shard_size.size());
        while (shard_of.size() < count) {
            const uint16_t s = static_cast<uint16_t>((shard_of.size() * 7) % shards);
            shard_of.push_back(s);
            local_of.push_back(shard_size[s]++);
        }
    }
};

// The degrees, and each list of each shard's window, against the model: every edge of the list,
// in id order, with its other endpoint, and its id and type unless it is plain. The windows are
// the whole shard, its last list alone, and `windows` (clamped to the shard).
void check_spill(const EdgeSpill& spill, const std::vector<ModelEdge>& model, const SpillPlaces& places,
                 const std::vector<std::pair<uint32_t, uint32_t>>& windows) {
    const auto& shard_of = places.shard_of;
    const auto& local_of = places.local_of;
    for (Direction dir_ : {Direction::out, Direction::in}) {
        std::vector<uint32_t> degree(shard_of.size(), 0);
        for (const ModelEdge& m : model) ++degree[dir_ == Direction::out ? m.src : m.dst];
        CHECK(spill.degree(dir_) == degree);
        for (uint16_t shard = 0; shard < places.shard_size.size(); ++shard) {
            const uint32_t n = places.shard_size[shard];
            std::vector<std::pair<uint32_t, uint32_t>> shard_windows{{0, n}, {n - 1, n}};
            shard_windows.insert(shard_windows.end(), windows.begin(), windows.end());
            for (auto [first, last] : shard_windows) {
                first = std::min(first, n);
                last = std::min(last, n);
                CAPTURE(static_cast<int>(dir_), shard, first, last);
                std::map<uint32_t, std::vector<uint64_t>> expected;  // list -> edge ids
                for (uint64_t e = 0; e < model.size(); ++e) {
                    const uint32_t self = dir_ == Direction::out ? model[e].src : model[e].dst;
                    if (shard_of[self] == shard && local_of[self] >= first && local_of[self] < last) expected[local_of[self]].push_back(e);
                }
                std::vector<SpilledEdge> got;
                spill.read_window(dir_, shard, first, last, got);
                std::map<uint32_t, std::vector<SpilledEdge>> lists;
                for (const SpilledEdge& s : got) lists[s.self_local].push_back(s);
                REQUIRE(lists.size() == expected.size());
                // One check per window (a million CHECKs cost minutes under the sanitizers): the
                // first entry that differs, if any.
                std::string first_difference;
                for (const auto& [self, ids] : expected) {
                    const auto& list = lists[self];
                    REQUIRE(list.size() == ids.size());
                    for (size_t i = 0; i < ids.size() && first_difference.empty(); ++i) {
                        const ModelEdge& m = model[ids[i]];
                        const uint32_t other = dir_ == Direction::out ? m.dst : m.src;
                        const SpilledEdge& got_entry = list[i];
                        // A plain chunk stores neither id nor type.
                        const bool same = got_entry.other_local == local_of[other] && got_entry.other_shard == shard_of[other] &&
                                          (got_entry.id == EdgeSpill::kNoId ? m.plain && got_entry.type == 0
                                                                            : got_entry.id == ids[i] && got_entry.type == m.type);
                        if (!same)
                            first_difference = "list " + std::to_string(self) + " entry " + std::to_string(i) + ": edge " + std::to_string(ids[i]) +
                                               " read as other " + std::to_string(got_entry.other_local) + " id " + std::to_string(got_entry.id) +
                                               " type " + std::to_string(got_entry.type);
                    }
                }
                CHECK(first_difference == "");
            }
        }
    }
}

}  // namespace

TEST_CASE("plan offsets: 4 bytes a value read back as 64-bit offsets across several multiples of 2^32", "[staging]") {
    constexpr uint64_t k4G = uint64_t{1} << 32;
    // Equal values, a value just below and at each multiple, a jump over two multiples at once,
    // and a run of equal values at a multiple (empty records there).
    const std::vector<uint64_t> values{0, 0, 7, k4G - 1, k4G, k4G, k4G + 9, 3 * k4G + 1, 3 * k4G + 1, 4 * k4G, 4 * k4G, 5 * k4G - 1};
    MonotoneOffsets offsets;
    offsets.clear(values.size());
    for (uint64_t v : values) offsets.push_back(v);
    REQUIRE(offsets.size() == values.size());
    for (size_t i = 0; i < values.size(); ++i) CHECK(offsets[i] == values[i]);
    CHECK(offsets.back() == values.back());
    CHECK_THROWS_AS(offsets.push_back(4 * k4G), std::logic_error);

    offsets.assign_zeros(5);
    REQUIRE(offsets.size() == 5);
    CHECK(offsets[4] == 0);
    CHECK(offsets.back() == 0);
    offsets.push_back(k4G + 1);  // after zeros, the first crossing is at index 5
    CHECK(offsets[4] == 0);
    CHECK(offsets[5] == k4G + 1);
}

TEST_CASE("edge spill: every window reads back its edges, per list in id order", "[staging]") {
    const uint32_t vertices = 3000;
    for (SpillCase c : {SpillCase{1, false, 1000}, SpillCase{1, true, 2 * EdgeSpill::kChunkEdges + 777}, SpillCase{3, false, 1000},
                        SpillCase{3, true, EdgeSpill::kChunkEdges + 5}}) {
        CAPTURE(c.shards, c.background, c.edges);
        TempDir dir;
        SpillPlaces places;
        places.shard_size.assign(c.shards, 0);
        const auto& shard_of = places.shard_of;
        const auto& local_of = places.local_of;
        std::optional<EdgeSpill> spill;
        spill.emplace(c.shards, dir.path, shard_of, local_of, c.background);
        std::vector<ModelEdge> model;
        std::mt19937_64 rng(c.edges);
        // Vertices are added as the edges come, as a writer adds them.
        for (uint64_t e = 0; e < c.edges; ++e) {
            places.add_up_to(std::min<uint64_t>(vertices, 50 + e / 16));
            // Chunk 0 plain, chunk 1 of one type, later chunks mixed; small graphs mixed.
            const uint64_t chunk = e / EdgeSpill::kChunkEdges;
            const uint16_t type = c.edges < EdgeSpill::kChunkEdges ? static_cast<uint16_t>(e % 3) : chunk == 0 ? 0 : chunk == 1 ? 2 : static_cast<uint16_t>(e % 4);
            const bool plain = type == 0 && (c.edges >= EdgeSpill::kChunkEdges ? chunk == 0 : e % 2 == 0);
            const ModelEdge m{static_cast<uint32_t>(rng() % shard_of.size()), static_cast<uint32_t>(rng() % shard_of.size()), type, plain};
            spill->make_room();
            spill->append(m.src, m.dst, m.type, m.plain);
            model.push_back(m);
        }
        spill->seal();
        CHECK(spill->size() == c.edges);
        check_spill(*spill, model, places, {{100, 700}, {256, 512}, {5, 5}});
        // The endpoints of an edge with properties, as an error message names them.
        for (uint64_t e = 0; e < model.size(); e += 997) {
            if (model[e].plain) continue;
            auto [src, dst] = spill->endpoints(static_cast<uint32_t>(e));
            CHECK(src.shard == shard_of[model[e].src]);
            CHECK(src.local == local_of[model[e].src]);
            CHECK(dst.shard == shard_of[model[e].dst]);
            CHECK(dst.local == local_of[model[e].dst]);
        }
        spill.reset();
        CHECK(std::filesystem::is_empty(dir.path));  // the temporary file had no name
    }
}

TEST_CASE("edge spill: plain edges in bulk fill larger chunks, and an edge of another kind closes such a tail first", "[staging]") {
    // An edge list's runs go in through append_plain, whose tails may reach kPlainChunkEdges;
    // append() takes at most kChunkEdges, so make_room() hands a plain tail beyond that on
    // before any other edge joins it. Vertices number past 2^16, so that entries take 4 bytes.
    const uint32_t vertices = 70'000;
    const uint64_t first_run = EdgeSpill::kPlainChunkEdges + EdgeSpill::kChunkEdges + 100;  // a full chunk, then a tail past kChunkEdges
    TempDir dir;
    SpillPlaces places;
    places.shard_size.assign(1, 0);
    places.add_up_to(vertices);
    EdgeSpill spill(1, dir.path, places.shard_of, places.local_of, /*background=*/true);
    std::vector<ModelEdge> model;
    std::mt19937_64 rng(7);
    auto plain_run = [&](uint64_t count) {
        std::vector<uint32_t> src(count), dst(count);
        for (uint64_t i = 0; i < count; ++i) {
            src[i] = static_cast<uint32_t>(rng() % vertices);
            dst[i] = static_cast<uint32_t>(rng() % vertices);
            model.push_back({src[i], dst[i], 0, true});
        }
        for (uint64_t done = 0; done < count;) {
            spill.make_room(EdgeSpill::kPlainChunkEdges);
            const size_t n = spill.append_plain(std::span(src).subspan(done), std::span(dst).subspan(done));
            REQUIRE(n > 0);
            done += n;
        }
    };
    plain_run(first_run);
    CHECK(spill.size() == first_run);
    for (int i = 0; i < 300; ++i) {  // one type with properties: not plain
        const ModelEdge m{static_cast<uint32_t>(rng() % vertices), static_cast<uint32_t>(rng() % vertices), 1, false};
        spill.make_room();
        spill.append(m.src, m.dst, m.type, m.plain);
        model.push_back(m);
    }
    plain_run(5000);
    spill.seal();
    CHECK(spill.size() == model.size());
    CHECK_FALSE(spill.all_plain());
    check_spill(spill, model, places, {{1000, 1700}, {65'536, 65'536 + 300}});
}

TEST_CASE("staging: keys resolve as a map does, whether a key has a direct slot or only the key table", "[staging]") {
    // Numbers from a small dense range (direct slots once it has grown), large and negative ones
    // (key table only), as int64 keys or as decimal strings, with non-canonical spellings of the
    // same numbers ("007"); the same keys in a named ID space; and failed batches that take
    // their new vertices back.
    const KeyType key_type = GENERATE(KeyType::int64, KeyType::string);
    TempDir dir;
    WriterOptions options;
    options.key_type = key_type;
    options.temp_directory = dir.path;
    Writer w(options);
    const LabelId node = w.add_label("Node", {{"n", TypeCode::int32, true}});
    const IdSpace other = w.add_id_space("other");
    std::deque<std::string> texts;  // the string keys' bytes
    auto as_key = [&](int64_t n, bool padded) -> Key {
        if (key_type == KeyType::int64) return n;
        texts.push_back((padded ? "00" : "") + std::to_string(n));
        return std::string_view(texts.back());
    };
    auto name = [](const Key& k) { return std::holds_alternative<int64_t>(k) ? std::to_string(std::get<int64_t>(k)) : std::string(std::get<std::string_view>(k)); };
    std::map<std::pair<uint16_t, std::string>, uint32_t> want;
    uint32_t next_id = 0;
    std::mt19937_64 random(7);
    auto some_key = [&](int round) -> Key {
        switch (random() % 6) {
            case 0: return as_key(-static_cast<int64_t>(random() % 50) - 1, false);
            case 1: return as_key(1'000'000'000'000 + static_cast<int64_t>(random() % 50), false);
            case 2: return as_key(static_cast<int64_t>(random() % 100), key_type == KeyType::string);
            default: return as_key(static_cast<int64_t>(random() % (200u << (round / 4))), false);  // the range widens
        }
    };
    for (int round = 0; round < 40; ++round) {
        const IdSpace space = round % 7 == 3 ? other : IdSpace{};
        std::vector<Key> keys;
        for (int i = 0; i < 500; ++i) keys.push_back(some_key(round));
        if (round % 5 == 4) {
            // A batch of new keys whose last row fails adds none of its vertices.
            std::vector<Key> batch;
            std::set<std::string> in_batch;
            for (const Key& k : keys)
                if (!want.count({space.id, name(k)}) && in_batch.insert(name(k)).second) batch.push_back(k);
            REQUIRE(batch.size() > 10);
            batch.push_back(as_key(-999'999, false));
            const std::vector<Value> good{Value(int32_t{1})}, bad{Value("not an int")};
            CHECK_THROWS(w.add_vertices(space, batch, node, [&](size_t row) { return std::span<const Value>(row + 1 < batch.size() ? good : bad); }));
        }
        std::vector<uint32_t> ids(keys.size());
        w.vertices_for(space, keys, node, ids);
        for (size_t i = 0; i < keys.size(); ++i) {
            const auto [it, added] = want.try_emplace({space.id, name(keys[i])}, next_id);
            if (added) ++next_id;
            REQUIRE(ids[i] == it->second);
        }
        std::vector<Key> probes;
        std::vector<IdSpace> spaces;
        for (int i = 0; i < 500; ++i) {
            probes.push_back(some_key(round + 8));
            spaces.push_back(i % 3 == 0 ? other : IdSpace{});
        }
        std::vector<std::optional<uint32_t>> found(probes.size()), found_default(probes.size());
        w.find_vertices(probes, spaces, found);
        w.find_vertices(probes, found_default);
        for (size_t i = 0; i < probes.size(); ++i) {
            auto expect = [&](uint16_t s) -> std::optional<uint32_t> {
                auto it = want.find({s, name(probes[i])});
                return it == want.end() ? std::nullopt : std::optional<uint32_t>(it->second);
            };
            REQUIRE(found[i] == expect(spaces[i].id));
            REQUIRE(found_default[i] == expect(0));
        }
    }
    CHECK(next_id > 2000);
}

// Writer::Impl::stage takes an item of scalars given as the kinds their attributes take in one
// step (stage_plain_scalars), and any other item through its checks; both must stage the same
// bytes, and a value either refuses must be refused the same way.
TEST_CASE("staging: scalars given as their own kinds stage the bytes the checked path stages", "[staging]") {
    TempDir dir;
    // Items of 22 and 27 bytes: both short enough for the one-step path.
    const std::vector<AttributeSpec> narrow{{"flag", TypeCode::boolean}, {"tiny", TypeCode::int8},  {"small", TypeCode::uint16},
                                            {"mid", TypeCode::int32},    {"count", TypeCode::uint32}, {"ratio", TypeCode::float32}};
    const std::vector<AttributeSpec> wide{{"big", TypeCode::int64}, {"exact", TypeCode::float64}, {"huge", TypeCode::uint64}};
    // Each item as the kinds its attributes take, or with `checked` one value of another kind
    // that stages the same bytes, which sends the whole item through the checks.
    auto narrow_item = [](bool checked, int i) {
        std::vector<Value> v{Value(i % 2 == 0), Value(-128 + i), Value(65535 - i), Value(-2147483647 - 1 + i), Value(4294967295LL - i),
                             Value(0.1f * static_cast<float>(i))};
        if (checked) v[4] = Value(static_cast<uint32_t>(4294967295LL - i));  // uint_ where int_ would do
        return v;
    };
    auto wide_item = [](bool checked, int i) {
        std::vector<Value> v{Value(int64_t{1} << 62 | i), Value(1.0 / (i + 3)), Value(int64_t{i} << 40)};
        if (checked) v[2] = Value(static_cast<uint64_t>(i) << 40);
        return v;
    };
    auto write = [&](bool checked, const std::string& name) {
        Writer w;
        const LabelId label = w.add_label("Thing", narrow);
        const EdgeTypeId narrow_link = w.add_edge_type("NARROW", narrow), wide_link = w.add_edge_type("WIDE", wide);
        for (int i = 0; i < 50; ++i) w.add_vertex("v" + std::to_string(i), label, narrow_item(checked, i));
        for (int i = 0; i < 50; ++i) {
            w.add_edge("v" + std::to_string(i), "v" + std::to_string(i * 7 % 50), narrow_link, narrow_item(checked, i));
            w.add_edge("v" + std::to_string(i), "v" + std::to_string(i * 3 % 50), wide_link, wide_item(checked, i));
        }
        w.finish(dir / name);
        return test::read_bytes(dir / name);
    };
    CHECK(write(false, "direct.mmg") == write(true, "checked.mmg"));

    Writer w;
    const EdgeTypeId type = w.add_edge_type("LINK", {{"tiny", TypeCode::int8}, {"count", TypeCode::uint32}, {"ratio", TypeCode::float32}});
    const LabelId label = w.add_label("Thing");
    w.add_vertex("a", label);
    using Catch::Matchers::Contains;
    CHECK_THROWS_WITH(w.add_edge("a", "a", type, {Value(128), Value(1), Value(1.0)}),
                      Contains("'tiny'") && Contains("value 128 out of range"));
    CHECK_THROWS_WITH(w.add_edge("a", "a", type, {Value(1), Value(-1), Value(1.0)}),
                      Contains("'count'") && Contains("value -1 out of range"));
    CHECK_THROWS_WITH(w.add_edge("a", "a", type, {Value(1), Value(1), Value("x")}),
                      Contains("'ratio'") && Contains("expected a number"));
    CHECK_THROWS_WITH(w.add_edge("a", "a", type, {Value(), Value(1), Value(1.0)}),
                      Contains("'tiny'") && Contains("not nullable"));
    w.add_edge("a", "a", type, {Value(-128), Value(4294967295LL), Value(0.5)});
    w.finish(dir / "refusals.mmg");
    const auto file = File::open(dir / "refusals.mmg");
    REQUIRE(file->edge_count() == 1);
    const Edge edge = *file->vertex(0).edges(Direction::out).begin();
    CHECK(file->property(edge, "tiny").as_int() == -128);
    CHECK(file->property(edge, "count").as_uint() == 4294967295u);
    CHECK(file->property(edge, "ratio").as_double() == 0.5);
}
