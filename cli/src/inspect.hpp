// The read-side commands: `mmgraph info`, `mmgraph verify`, `mmgraph get`. Each writes its
// result to stdout and throws mmgraph::Error when it cannot produce one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mmgraph::cli {

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
    std::optional<uint64_t> index;
    bool json = false;
};

void run_info(const InfoOptions& options);
// Returns true when every file is intact.
bool run_verify(const VerifyOptions& options);
void run_get(const GetOptions& options);

// "PATH: reason" from the library names the file; the commands name it themselves.
std::string without_path(std::string message, const std::string& path);

}  // namespace mmgraph::cli
