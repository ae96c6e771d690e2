// The results: markdown tables printed to the terminal and written into bench/RESULTS.md
// between the generated-section markers (the hand-written analysis around them is kept).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mmgraph::bench {

struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::string markdown() const;
};

// Number formatting for tables: fixed decimals, and a ratio as "1.23x" ("-" when unknown).
std::string fixed(double value, int decimals);
std::string ratio(double value, double peer);
std::string mib(uint64_t bytes);

struct Target {
    std::string name;
    std::string measured;
    std::string goal;
    bool pass = false;
};

struct Report {
    std::string title;
    std::vector<std::string> preface;  // machine, graphs, notes
    std::vector<std::pair<std::string, Table>> figures;
    std::vector<Target> targets;
    std::vector<std::string> notes;

    std::string markdown() const;
};

// Replaces the generated section of `path` (creating the file if needed).
void write_results(const std::filesystem::path& path, const std::string& generated);

}  // namespace mmgraph::bench
