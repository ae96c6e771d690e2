// The read-side commands: `mmgraph info`, `verify`, `get`, `neighbors`, `bfs`, `dump`. Each writes its
// result to stdout and throws mmgraph::Error when it cannot produce one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mmgraph/reader.hpp"

namespace mmgraph::cli {

using Json = nlohmann::ordered_json;

struct InfoOptions {
    std::string file;
    bool json = false;
};

struct VerifyOptions {
    std::vector<std::string> files;
    bool json = false;
};

struct GetOptions {
    std::string file;
    std::optional<std::string> key;
    std::optional<std::string> id_space;  // the key's ID space by name (spec §8.1); none: the default
    std::optional<uint64_t> index;
    bool json = false;
};

// `neighbors` and `bfs` choose their vertex like `get`.
struct TraverseOptions {
    std::string file;
    std::optional<std::string> key;
    std::optional<std::string> id_space;
    std::optional<uint64_t> index;
    std::string direction = "out";  // out, in or both
    std::optional<std::string> type;  // neighbors: one edge type
    bool json = false;
};

struct DumpOptions {
    std::string file;
    std::string out;  // a new or empty directory
};

void run_info(const InfoOptions& options);
// Returns true when every file is intact.
bool run_verify(const VerifyOptions& options);
void run_get(const GetOptions& options);
void run_neighbors(const TraverseOptions& options);
void run_bfs(const TraverseOptions& options);
void run_dump(const DumpOptions& options);

// Shared by the commands that print vertices: values.cpp (JSON values), get.cpp (select_vertex).
Json key_json(const Key& key);
Json labels_json(const Vertex& v);  // every label's name, ascending label id (spec §6.6)
// JSON types kept; bytes base64; temporal values ISO 8601 (a datetime's zone named from `file`,
// the file the value was read from); points {"crs", "x", "y"[, "z"]}.
Json value_json(const ValueRef& value, const File& file, const Dataset& dataset);
std::string dump(const Json& j, int indent = -1);                // invalid UTF-8 replaced
Vertex select_vertex(const Dataset& dataset, const std::string& file, const std::optional<std::string>& key,
                     std::optional<uint64_t> index, const std::optional<std::string>& id_space = std::nullopt);

// "PATH: reason" from the library names the file; the commands name it themselves.
std::string without_path(std::string message, const std::string& path);

}  // namespace mmgraph::cli
