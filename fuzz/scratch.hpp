// Scratch files for the fuzz targets: the reader maps files and the importer reads paths, so
// each input is written to a file in /dev/shm (memory, not disk) named after the process.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace mmgraph::fuzz {

// Removes the scratch files when the process exits normally.
struct ScratchFiles {
    std::vector<std::string> paths;
    ~ScratchFiles() {
        for (const auto& path : paths) std::remove(path.c_str());
    }
};

inline std::string scratch_path(std::string_view suffix) {
    static ScratchFiles files;
    std::string path = "/dev/shm/mmgraph-fuzz-" + std::to_string(::getpid()) + std::string(suffix);
    files.paths.push_back(path);
    return path;
}

// Returns false when the file cannot be written (the input is then skipped).
inline bool write_scratch(const std::string& path, const uint8_t* data, size_t size) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    bool ok = size == 0 || std::fwrite(data, 1, size, f) == size;  // an empty input may have no buffer
    return std::fclose(f) == 0 && ok;
}

}  // namespace mmgraph::fuzz
