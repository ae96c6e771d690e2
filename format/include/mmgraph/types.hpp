// Public vocabulary shared by the writer and reader APIs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "mmgraph/format/layout.hpp"
#include "mmgraph/format/temporal.hpp"
#include "mmgraph/format/types.hpp"

namespace mmgraph {

using format::TypeCode;
// The values of the 2.2 types as stored (spec §4.3), for the writer's and the reader's APIs.
using format::DateTime;
using format::Duration;
using format::LocalDateTime;
using format::LocalTime;
using format::Point;
using format::Srid;
using format::Time;

// An attribute type: a scalar code, or a list of a fixed-size scalar (§4.3).
struct Type {
    uint8_t byte = 0;

    constexpr Type() = default;
    constexpr Type(TypeCode code) : byte(static_cast<uint8_t>(code)) {}  // NOLINT: implicit on purpose
    static constexpr Type list_of(TypeCode element) {
        Type t;
        t.byte = static_cast<uint8_t>(format::kListBit | static_cast<uint8_t>(element));
        return t;
    }
    constexpr bool is_list() const { return format::is_list(byte); }
    constexpr TypeCode element() const { return static_cast<TypeCode>(format::element_code(byte)); }
    constexpr bool is_fixed() const { return format::is_fixed(byte); }
    constexpr bool operator==(const Type&) const = default;
    std::string name() const {
        std::string n(format::scalar_name(format::element_code(byte)));
        return is_list() ? n + "[]" : n;
    }
};

struct AttributeSpec {
    std::string name;
    Type type;
    bool nullable = false;
};

enum class KeyType : uint32_t { string = format::kKeyString, int64 = format::kKeyInt64 };

// A vertex's external key as given to the writer or returned by the reader (a view: the
// string is not copied).
using Key = std::variant<std::string_view, int64_t>;

// An ID space (spec §8.1): the same key in two spaces names two vertices. Space 0 is the
// unnamed default; named spaces are numbered from 1 in the order the writer declared them.
struct IdSpace {
    uint16_t id = 0;
    constexpr bool operator==(const IdSpace&) const = default;
};

inline std::string key_to_string(const Key& key) {
    if (auto* s = std::get_if<std::string_view>(&key)) return std::string(*s);
    return std::to_string(std::get<int64_t>(key));
}

enum class Direction : uint8_t { out, in };

// A vertex named across a dataset: its shard and its index inside that shard (§5.2).
struct VertexRef {
    uint16_t shard = 0;
    uint32_t index = 0;
    constexpr bool operator==(const VertexRef&) const = default;
};

// File of shard `shard` in a dataset written to `path` (spec §10): `path` itself for a single
// shard, else <stem>-<shard>-of-<shard_count>.mmg beside it.
inline std::filesystem::path shard_path(const std::filesystem::path& path, uint32_t shard, uint32_t shard_count) {
    if (shard_count <= 1) return path;
    auto name = path.stem().string() + "-" + std::to_string(shard) + "-of-" + std::to_string(shard_count) + ".mmg";
    return path.parent_path() / name;
}

}  // namespace mmgraph
