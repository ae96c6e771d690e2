// R-MAT after the Graph500 generator: each edge descends `scale` levels of the adjacency
// matrix, choosing a quadrant with probabilities a, b, c, d; vertex ids are then scrambled by a
// seeded permutation so that degree does not follow the id (Graph500 does the same), which
// would otherwise give every peer an unrealistically cache-friendly layout.
#include "rmat.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "mmgraph/error.hpp"

namespace mmgraph::bench {

namespace {

constexpr double kA = 0.57, kB = 0.19, kC = 0.19;  // d = 0.05 is the rest

// Buffered writes with to_chars: a scale-20 CSV is ~700 MB and fprintf would dominate.
class Output {
public:
    explicit Output(const std::filesystem::path& path) : path_(path), file_(std::fopen(path.c_str(), "wb")) {
        if (!file_) throw Error(ErrorKind::io, path.string() + ": cannot create");
        buffer_.reserve(kFlushAt + 256);
    }
    ~Output() {
        if (file_) std::fclose(file_);
    }
    Output& text(std::string_view s) {
        buffer_.append(s);
        return *this;
    }
    Output& ch(char c) {
        buffer_.push_back(c);
        return *this;
    }
    template <typename T>
    Output& number(T value) {
        char tmp[32];
        auto r = std::to_chars(tmp, tmp + sizeof tmp, value);
        buffer_.append(tmp, r.ptr);
        return *this;
    }
    Output& fixed(double value, int digits) {
        char tmp[64];
        auto r = std::to_chars(tmp, tmp + sizeof tmp, value, std::chars_format::fixed, digits);
        buffer_.append(tmp, r.ptr);
        return *this;
    }
    void end_line() {
        buffer_.push_back('\n');
        if (buffer_.size() >= kFlushAt) flush();
    }
    void close() {
        flush();
        if (std::fclose(file_) != 0) throw Error(ErrorKind::io, path_.string() + ": write failed");
        file_ = nullptr;
    }

private:
    static constexpr size_t kFlushAt = 1 << 20;
    void flush() {
        if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) throw Error(ErrorKind::io, path_.string() + ": write failed");
        buffer_.clear();
    }
    std::filesystem::path path_;
    std::FILE* file_;
    std::string buffer_;
};

// A pronounceable name of 2 to 6 syllables: string values of realistic, varying length.
void append_name(std::string& out, std::mt19937_64& rng) {
    static constexpr const char* kSyllables[] = {"ka", "lo", "mi", "ra", "sen", "tu", "vel", "an", "dor", "is",
                                                 "qua", "ber", "ni", "zo", "el", "mar", "ta", "gri", "fo", "un"};
    unsigned count = 2 + static_cast<unsigned>(rng() % 5);
    for (unsigned i = 0; i < count; ++i) out += kSyllables[rng() % std::size(kSyllables)];
}

// The seeded permutation of vertex ids.
std::vector<uint32_t> scrambled_ids(uint64_t vertices, std::mt19937_64& rng) {
    std::vector<uint32_t> scramble(vertices);
    std::iota(scramble.begin(), scramble.end(), 0u);
    std::shuffle(scramble.begin(), scramble.end(), rng);
    return scramble;
}

// One edge: `scale` descents of the adjacency matrix, then the scrambled ids of row and column.
std::pair<uint32_t, uint32_t> draw_edge(unsigned scale, const std::vector<uint32_t>& scramble, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    uint64_t row = 0, column = 0;
    for (unsigned level = 0; level < scale; ++level) {
        double r = unit(rng);
        uint64_t down = r >= kA + kB, right = (r >= kA && r < kA + kB) || r >= kA + kB + kC;
        row = row << 1 | down;
        column = column << 1 | right;
    }
    return {scramble[row], scramble[column]};
}

void check_scale(unsigned scale, unsigned edge_factor) {
    if (scale < 1 || scale > 30) throw Error(ErrorKind::misuse, "R-MAT scale must be between 1 and 30");
    if (edge_factor < 1) throw Error(ErrorKind::misuse, "R-MAT edge factor must be at least 1");
}

}  // namespace

RmatFiles write_rmat(const RmatOptions& options, const std::filesystem::path& directory) {
    check_scale(options.scale, options.edge_factor);
    std::filesystem::create_directories(directory);
    RmatFiles files;
    files.edge_list = directory / "edges.txt";
    files.nodes_csv = directory / "nodes.csv";
    files.edges_csv = directory / "edges.csv";
    files.vertices = uint64_t{1} << options.scale;
    files.edges = files.vertices * options.edge_factor;

    std::mt19937_64 rng(options.seed);
    const std::vector<uint32_t> scramble = scrambled_ids(files.vertices, rng);

    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Output edge_list(files.edge_list), edges_csv(files.edges_csv);
    edge_list.text("# R-MAT scale ").number(options.scale).text(" edge factor ").number(options.edge_factor)
        .text(" seed ").number(options.seed).end_line();
    edges_csv.text(":START_ID,:END_ID,:TYPE,weight:float,since:int").end_line();
    for (uint64_t e = 0; e < files.edges; ++e) {
        const auto [from, to] = draw_edge(options.scale, scramble, rng);
        edge_list.number(from).ch('\t').number(to).end_line();
        edges_csv.number(from).ch(',').number(to).text(",KNOWS,").fixed(unit(rng), 3).ch(',')
            .number(1990 + static_cast<int>(rng() % 35)).end_line();
    }
    edge_list.close();
    edges_csv.close();

    Output nodes(files.nodes_csv);
    nodes.text(":ID,:LABEL,name:string,score:double,year:int").end_line();
    std::string name;
    for (uint64_t v = 0; v < files.vertices; ++v) {
        name.clear();
        append_name(name, rng);
        nodes.number(v).text(",Person,").text(name).ch(',').fixed(unit(rng) * 100.0, 2).ch(',')
            .number(1950 + static_cast<int>(rng() % 75)).end_line();
    }
    nodes.close();
    return files;
}

RmatEdges generate_rmat_edges(const RmatOptions& options) {
    check_scale(options.scale, options.edge_factor);
    RmatEdges out;
    out.vertices = uint64_t{1} << options.scale;
    const uint64_t edges = out.vertices * options.edge_factor;
    std::mt19937_64 rng(options.seed);
    const std::vector<uint32_t> scramble = scrambled_ids(out.vertices, rng);
    out.from.reserve(edges);
    out.to.reserve(edges);
    for (uint64_t e = 0; e < edges; ++e) {
        const auto [from, to] = draw_edge(options.scale, scramble, rng);
        out.from.push_back(from);
        out.to.push_back(to);
    }
    return out;
}

// ---- the typed property graph ----

namespace {

// The four vertex labels: name and the columns after id:ID,:LABEL.
struct LabelSchema {
    const char* name;
    const char* columns;
};
constexpr LabelSchema kLabels[] = {{"Word", "lemma:string,frequency:int"},
                                   {"Sense", "gloss:string,score:double"},
                                   {"Synset", "pos:string"},
                                   {"Form", ""}};

// Edge property schemas; type t uses schema t % 5 (the last has no properties).
constexpr const char* kEdgeSchemas[] = {"weight:float,since:int", "source:string", "score:double", "inferred:boolean,rank:int", ""};

void append_csv_header(Output& out, const char* fixed_columns, const char* columns) {
    out.text(fixed_columns);
    if (*columns) out.ch(',').text(columns);
    out.end_line();
}

// The values of the `schema`-th edge schema, each preceded by a comma.
void append_edge_values(Output& out, size_t schema, std::mt19937_64& rng, std::string& scratch) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    switch (schema) {
    case 0: out.ch(',').fixed(unit(rng), 3).ch(',').number(1990 + static_cast<int>(rng() % 35)); break;
    case 1:
        scratch.clear();
        append_name(scratch, rng);
        out.ch(',').text(scratch);
        break;
    case 2: out.ch(',').fixed(unit(rng) * 10.0, 4); break;
    case 3: out.ch(',').text(rng() % 4 == 0 ? "true" : "false").ch(',').number(static_cast<int>(rng() % 100)); break;
    default: break;
    }
}

void append_node_values(Output& out, size_t label, std::mt19937_64& rng, std::string& scratch) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    scratch.clear();
    append_name(scratch, rng);
    switch (label) {
    case 0: out.ch(',').text(scratch).ch(',').number(static_cast<int>(rng() % 100000)); break;
    case 1: out.ch(',').text(scratch).ch(',').fixed(unit(rng), 3); break;
    case 2: out.ch(',').text(rng() % 2 ? "n" : "v"); break;
    default: break;
    }
}

}  // namespace

TypedRmatFiles write_typed_rmat(const TypedRmatOptions& options, const std::filesystem::path& directory) {
    check_scale(options.scale, options.edge_factor);
    if (options.edge_types < 1 || options.edge_types > 1000) throw Error(ErrorKind::misuse, "edge types must be between 1 and 1000");
    std::filesystem::create_directories(directory);
    TypedRmatFiles files;
    files.vertices = uint64_t{1} << options.scale;
    files.edges = files.vertices * options.edge_factor;

    std::mt19937_64 rng(options.seed);
    const std::vector<uint32_t> scramble = scrambled_ids(files.vertices, rng);
    std::vector<double> weights;
    for (unsigned t = 0; t < options.edge_types; ++t) weights.push_back(1.0 / std::pow(t + 1.0, 1.1));
    std::discrete_distribution<unsigned> type_of(weights.begin(), weights.end());

    std::string scratch;
    std::vector<std::unique_ptr<Output>> edge_files;
    for (size_t s = 0; s < std::size(kEdgeSchemas); ++s) {
        files.edges_csv.push_back(directory / ("edges-" + std::to_string(s) + ".csv"));
        edge_files.push_back(std::make_unique<Output>(files.edges_csv.back()));
        append_csv_header(*edge_files.back(), ":START_ID,:END_ID,:TYPE", kEdgeSchemas[s]);
    }
    for (uint64_t e = 0; e < files.edges; ++e) {
        const auto [from, to] = draw_edge(options.scale, scramble, rng);
        const unsigned type = type_of(rng);
        const size_t schema = type % std::size(kEdgeSchemas);
        Output& out = *edge_files[schema];
        out.number(from).ch(',').number(to).text(",REL_").number(type);
        append_edge_values(out, schema, rng, scratch);
        out.end_line();
    }
    for (auto& out : edge_files) out->close();

    std::vector<std::unique_ptr<Output>> node_files;
    for (const LabelSchema& label : kLabels) {
        files.nodes_csv.push_back(directory / ("nodes-" + std::string(label.name) + ".csv"));
        node_files.push_back(std::make_unique<Output>(files.nodes_csv.back()));
        append_csv_header(*node_files.back(), "id:ID,:LABEL", label.columns);
    }
    for (uint64_t v = 0; v < files.vertices; ++v) {
        // Labels of skewed sizes too: half the vertices are words.
        const size_t label = rng() % 2 ? 0 : 1 + rng() % (std::size(kLabels) - 1);
        Output& out = *node_files[label];
        out.number(v).ch(',').text(kLabels[label].name);
        append_node_values(out, label, rng, scratch);
        out.end_line();
    }
    for (auto& out : node_files) out->close();
    return files;
}

}  // namespace mmgraph::bench
