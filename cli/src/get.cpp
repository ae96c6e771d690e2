// `mmgraph get`: one vertex by key or index, with its typed attributes and degrees by edge type.
// Values are printed with the shared conventions of values.cpp.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>

#include "inspect.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::cli {

Vertex select_vertex(const Dataset& dataset, const std::string& file, const std::optional<std::string>& key,
                     std::optional<uint64_t> index, const std::optional<std::string>& id_space) {
    if (key) {
        const std::string& text = *key;
        std::optional<Vertex> vertex;
        IdSpace space;
        if (id_space) {
            const auto named = dataset.shard(0).id_space(*id_space);
            if (!named) throw Error(ErrorKind::bad_input, file + ": no ID space '" + *id_space + "'");
            space = *named;
        }
        if (dataset.shard(0).key_type() == KeyType::int64) {
            int64_t number = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
            if (ec != std::errc() || end != text.data() + text.size() || text.empty())
                throw Error(ErrorKind::bad_input, "key '" + text + "' is not an integer, and " + file + " has int64 keys");
            vertex = dataset.find(number, space);
        } else {
            vertex = dataset.find(std::string_view(text), space);
        }
        if (!vertex)
            throw Error(ErrorKind::bad_input, file + ": no vertex has the key '" + text + "'" + (id_space ? " in ID space '" + *id_space + "'" : ""));
        return *vertex;
    }
    // An index is local to a shard: the named shard file, or shard 0 of a dataset path.
    uint16_t shard = 0;
    for (uint16_t s = 0; s < dataset.shard_count(); ++s)
        if (dataset.shard(s).path() == file) shard = s;
    // The index comes from the command line: past the end it is the user's bad input, not the
    // tool's misuse of the reader (the reader's message says which index and how many there are).
    try {
        return dataset.shard(shard).vertex(index.value_or(0));
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::misuse) throw;
        throw Error(ErrorKind::bad_input, e.what());
    }
}

namespace {

// Edges by type name; parallel edges each count, a self-loop once in each direction.
Json degrees(const Vertex& v, Direction direction) {
    const File& file = v.file();
    if (direction == Direction::in && !file.has_in_edges()) return nullptr;
    Json out = Json::object();
    EdgeRange edges = v.edges(direction);  // blocks() views into the range: keep it alive
    for (const EdgeRange::Block& block : edges.blocks())
        out[std::string(file.edge_types()[block.type].name)] = block.count;
    return out;
}

Json describe(const Vertex& v, const Dataset& dataset) {
    const File& file = v.file();
    Json j;
    j["index"] = v.index();
    if (file.shard_count() > 1) j["shard"] = file.shard_id();
    j["key"] = key_json(v.key());
    // "label" names all the labels, ';'-separated as in a :LABEL column; "labels" lists them.
    j["label"] = file.label_set_layout(v.label_set()).name;
    j["labels"] = labels_json(v);
    if (!file.id_space_names().empty()) {
        const IdSpace space = v.id_space();
        j["id_space"] = space.id == 0 ? Json(nullptr) : Json(file.id_space_names()[space.id - 1]);
    }
    Json attributes = Json::object();
    const LabelInfo& label = file.label_set_layout(v.label_set());
    for (uint32_t i = 0; i < label.attributes.size(); ++i)
        attributes[std::string(label.attributes[i].name)] = value_json(v.get(i), file, dataset);
    j["attributes"] = std::move(attributes);
    j["out_degree"] = degrees(v, Direction::out);
    j["in_degree"] = degrees(v, Direction::in);
    return j;
}

void print_report(const Json& j) {
    std::printf("vertex %s", dump(j["index"]).c_str());
    if (j.contains("shard")) std::printf(" of shard %s", dump(j["shard"]).c_str());
    std::printf(", key %s, label %s\n", dump(j["key"]).c_str(), j["label"].get<std::string>().c_str());
    size_t width = 0;
    for (const auto& [name, value] : j["attributes"].items()) width = std::max(width, name.size());
    for (const auto& [name, value] : j["attributes"].items())
        std::printf("  %-*s  %s\n", static_cast<int>(width), name.c_str(), dump(value).c_str());
    for (const char* direction : {"out", "in"}) {
        const Json& d = j[std::string(direction) + "_degree"];
        std::string line;
        if (d.is_null()) line = "(not stored)";
        for (const auto& [type, count] : d.items()) line += (line.empty() ? "" : ", ") + type + " " + dump(count);
        std::printf("%s-edges%s %s\n", direction, direction[0] == 'o' ? "" : " ", line.empty() ? "none" : line.c_str());
    }
}

}  // namespace

void run_get(const GetOptions& options) {
    Dataset dataset = Dataset::open(options.file);
    std::optional<Vertex> vertex = select_vertex(dataset, options.file, options.key, options.index, options.id_space);
    Json j = describe(*vertex, dataset);
    if (options.json) std::cout << dump(j, 2) << "\n";
    else print_report(j);
}

}  // namespace mmgraph::cli
