// R-MAT after the Graph500 generator: each edge descends `scale` levels of the adjacency
// matrix, choosing a quadrant with probabilities a, b, c, d; vertex ids are then scrambled by a
// seeded permutation so that degree does not follow the id (Graph500 does the same), which
// would otherwise give every peer an unrealistically cache-friendly layout.
#include "rmat.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
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

}  // namespace

RmatFiles write_rmat(const RmatOptions& options, const std::filesystem::path& directory) {
    if (options.scale < 1 || options.scale > 30) throw Error(ErrorKind::misuse, "R-MAT scale must be between 1 and 30");
    if (options.edge_factor < 1) throw Error(ErrorKind::misuse, "R-MAT edge factor must be at least 1");
    std::filesystem::create_directories(directory);
    RmatFiles files;
    files.edge_list = directory / "edges.txt";
    files.nodes_csv = directory / "nodes.csv";
    files.edges_csv = directory / "edges.csv";
    files.vertices = uint64_t{1} << options.scale;
    files.edges = files.vertices * options.edge_factor;

    std::mt19937_64 rng(options.seed);
    std::vector<uint32_t> scramble(files.vertices);
    std::iota(scramble.begin(), scramble.end(), 0u);
    std::shuffle(scramble.begin(), scramble.end(), rng);

    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Output edge_list(files.edge_list), edges_csv(files.edges_csv);
    edge_list.text("# R-MAT scale ").number(options.scale).text(" edge factor ").number(options.edge_factor)
        .text(" seed ").number(options.seed).end_line();
    edges_csv.text(":START_ID,:END_ID,:TYPE,weight:float,since:int").end_line();
    for (uint64_t e = 0; e < files.edges; ++e) {
        uint64_t row = 0, column = 0;
        for (unsigned level = 0; level < options.scale; ++level) {
            double r = unit(rng);
            uint64_t down = r >= kA + kB, right = (r >= kA && r < kA + kB) || r >= kA + kB + kC;
            row = row << 1 | down;
            column = column << 1 | right;
        }
        uint32_t from = scramble[row], to = scramble[column];
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

}  // namespace mmgraph::bench
