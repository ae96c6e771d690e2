// Seeded random property graphs for tests: a model (what was written) plus helpers to write it
// with mmgraph::Writer and to render reader values in the same canonical text, so a round
// trip compares strings: "null", "i:-5", "u:7", "f:0x1.8p+0", "s:text", "x:0a0b", "r:key",
// "[i:1,i:2]".
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mmgraph/reader.hpp"
#include "mmgraph/writer.hpp"

namespace mmgraph::test {

struct ModelValue {
    Type type;
    bool null = true;
    int64_t i = 0;
    uint64_t u = 0;
    double f = 0;
    bool b = false;
    std::string s;                   // string, bytes, or a single vertex_ref key
    std::vector<int64_t> ints;       // lists of signed integers (and bool as 0/1)
    std::vector<uint64_t> uints;     // lists of unsigned integers
    std::vector<double> floats;      // lists of floats
    std::vector<std::string> refs;   // lists of vertex_ref keys
    std::vector<std::string> strs;   // lists of strings or of bytes
    // Typed copies handed to Value::list (Value keeps a view).
    mutable std::vector<uint8_t> list_storage;
    mutable std::vector<Key> ref_storage;
    mutable std::vector<int64_t> int_ref_storage;
    mutable std::vector<std::string_view> str_storage;

    Value to_value(KeyType key_type) const;
    std::string text() const;
};

struct ModelVertex {
    std::string key;  // decimal text for int64 keys
    uint32_t label = 0;
    std::vector<ModelValue> values;
};

struct ModelEdge {
    uint32_t src = 0, dst = 0, type = 0;  // indices into Model::vertices / edge_types
    std::vector<ModelValue> props;
};

struct Model {
    KeyType key_type = KeyType::string;
    std::vector<std::pair<std::string, std::vector<AttributeSpec>>> labels, edge_types;
    std::vector<ModelVertex> vertices;
    std::vector<ModelEdge> edges;
};

struct RandomGraphOptions {
    uint64_t seed = 1;
    uint32_t vertices = 100;
    uint32_t edges = 300;
    uint32_t labels = 3;
    uint32_t edge_types = 2;
    bool int_keys = false;
    bool properties = true;     // typed attributes and edge properties of every type
    double long_string_rate = 0.02;  // strings of 300-70000 bytes force 2- and 4-byte offsets
    double null_rate = 0.2;
};

Model random_model(const RandomGraphOptions& options);

// Writes the model; returns the writer's stats.
WriteStats write_model(const Model& model, WriterOptions options, const std::filesystem::path& path);

// Canonical text of a value read back; vertex references are rendered as the key they name.
std::string canonical(const ValueRef& value, const std::function<std::string(VertexRef)>& key_of);

// Checks every vertex, attribute, edge and property of the dataset at `path` against the
// model with Catch2 assertions (check_model.cpp; the rest of these helpers need no Catch2).
void check_against_model(const Model& model, const std::filesystem::path& path);

// A fresh scratch directory under the system temp dir, removed by the destructor.
// An int64-keyed writer with label "V" (no attributes) and label "W" (one int64 attribute "n"),
// for the tests of Writer::find_int_keys_concurrently: a batch of "W" rows whose last value is
// not a number fails and takes its vertices back.
struct IntKeyedWriter {
    Writer writer;
    LabelId plain, counted;
    IntKeyedWriter();
};

struct TempDir {
    std::filesystem::path path;
    TempDir();
    ~TempDir();
    std::filesystem::path operator/(const std::string& name) const { return path / name; }
};

std::vector<uint8_t> read_bytes(const std::filesystem::path& path);
// Writes (replaces) a file with exactly these bytes; throws std::runtime_error when it cannot.
void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes);

}  // namespace mmgraph::test
