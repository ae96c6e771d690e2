// `mmgraph neighbors` (one vertex's edges with their properties) and `mmgraph bfs` (breadth-first
// search over every edge type). Both work on a dataset and follow cross-shard edges.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <vector>

#include "inspect.hpp"
#include "mmgraph/traversal.hpp"

namespace mmgraph::cli {

namespace {

std::vector<Direction> directions(const std::string& name, const File& file) {
    std::vector<Direction> out;
    if (name == "out" || name == "both") out.push_back(Direction::out);
    if (name == "in" || name == "both") {
        if (!file.has_in_edges()) throw Error(ErrorKind::bad_input, file.path().string() + " stores no in-edges (it was written without them); use --direction out");
        out.push_back(Direction::in);
    }
    if (out.empty()) throw Error(ErrorKind::misuse, "direction must be out, in or both, not '" + name + "'");
    return out;
}

}  // namespace

void run_neighbors(const TraverseOptions& options) {
    Dataset dataset = Dataset::open(options.file);
    Vertex vertex = select_vertex(dataset, options.file, options.key, options.index, options.id_space);
    const File& file = vertex.file();
    std::optional<uint32_t> type;
    if (options.type) {
        type = file.find_edge_type(*options.type);
        if (!type) throw Error(ErrorKind::bad_input, options.file + ": no edge type '" + *options.type + "'");
    }
    Json out = Json::array();
    for (Direction dir : directions(options.direction, file)) {
        EdgeRange edges = type ? vertex.edges(dir, *type) : vertex.edges(dir);
        for (const Edge& e : edges) {
            Vertex other = dataset.vertex(e.target);
            const LabelInfo& edge_type = file.edge_types()[e.type];
            Json j;
            j["index"] = other.index();
            if (dataset.shard_count() > 1) j["shard"] = other.ref().shard;
            j["key"] = key_json(other.key());
            j["labels"] = labels_json(other);
            j["type"] = edge_type.name;
            j["direction"] = dir == Direction::out ? "out" : "in";
            Json properties = Json::object();
            for (uint32_t p = 0; p < edge_type.attributes.size(); ++p)
            {
                // An edge's properties live in its source's shard, whose string table names zones.
                const File& source = dir == Direction::out ? file : other.file();
                properties[std::string(edge_type.attributes[p].name)] = value_json(dataset.property(e, vertex, p), source, dataset);
            }
            j["properties"] = std::move(properties);
            out.push_back(std::move(j));
        }
    }
    if (options.json) {
        std::cout << dump(out, 2) << "\n";
        return;
    }
    // A table with one row per edge; the shard column only for a multi-shard dataset.
    const bool sharded = dataset.shard_count() > 1;
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"direction", "type", "key", "index"});
    if (sharded) rows.back().push_back("shard");
    rows.back().push_back("properties");
    rows.back().push_back("labels");
    for (const Json& j : out) {
        std::vector<std::string> row{j["direction"].get<std::string>(), j["type"].get<std::string>(), dump(j["key"]),
                                     dump(j["index"])};
        if (sharded) row.push_back(dump(j["shard"]));
        std::string properties;
        for (const auto& [name, value] : j["properties"].items())
            properties += (properties.empty() ? "" : " ") + name + "=" + dump(value);
        row.push_back(properties);
        std::string labels;
        for (const Json& name : j["labels"]) labels += (labels.empty() ? "" : ";") + name.get<std::string>();
        row.push_back(labels);
        rows.push_back(std::move(row));
    }
    std::vector<size_t> width(rows.front().size(), 0);
    for (const auto& row : rows)
        for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    if (!out.empty())
        for (const auto& row : rows) {
            std::string line;
            for (size_t c = 0; c + 1 < row.size(); ++c) line += row[c] + std::string(width[c] - row[c].size() + 2, ' ');
            line += row.back();
            while (!line.empty() && line.back() == ' ') line.pop_back();
            std::printf("%s\n", line.c_str());
        }
    if (out.empty()) std::printf("no edges\n");
}

void run_bfs(const TraverseOptions& options) {
    // A search that reaches much of the graph touches most pages of the vertex table and the
    // adjacency: on a cold file the kernel's read-around fetches them in far fewer reads than
    // the random-access default (5x faster on the 118 MB benchmark file).
    ReaderOptions reading;
    reading.access = Access::normal;
    Dataset dataset = Dataset::open(options.file, reading);
    Vertex source = select_vertex(dataset, options.file, options.key, options.index, options.id_space);
    directions(options.direction, source.file());  // refuses in-edges the file lacks, naming the option
    BfsOptions search;
    search.direction = options.direction == "out" ? BfsDirection::out : options.direction == "in" ? BfsDirection::in : BfsDirection::both;
    auto start = std::chrono::steady_clock::now();
    std::vector<int32_t> distance(dataset.vertex_count());
    const std::vector<uint64_t> histogram = bfs(dataset, source.ref(), distance, search).level_sizes;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    uint64_t reached = 0;
    Json hist = Json::object();
    for (size_t d = 0; d < histogram.size(); ++d) {
        reached += histogram[d];
        hist[std::to_string(d)] = histogram[d];
    }
    Json j;
    j["source"] = key_json(source.key());
    j["reached"] = reached;
    j["max_distance"] = histogram.size() - 1;
    j["histogram"] = std::move(hist);
    j["seconds"] = seconds;
    if (options.json) {
        std::cout << dump(j, 2) << "\n";
        return;
    }
    std::printf("from %s (%s): reached %llu vertices, max distance %zu, %.6f s\n", dump(j["source"]).c_str(),
                options.direction.c_str(), static_cast<unsigned long long>(reached), histogram.size() - 1, seconds);
    for (size_t d = 0; d < histogram.size(); ++d)
        std::printf("  %4zu  %llu\n", d, static_cast<unsigned long long>(histogram[d]));
}

}  // namespace mmgraph::cli
