// What the Open dialog lists: a folder's entries, folders first (".." at the top), then files by
// name with their sizes, optionally only mmgraph files (*.mmg).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mmgraph::viewer {

struct DirectoryEntry {
    std::string name;
    bool is_directory = false;
    uint64_t size = 0;  // files only
};

struct DirectoryListing {
    std::vector<DirectoryEntry> entries;
    std::string error;  // why the folder could not be read (the entries hold what was read)
};

DirectoryListing list_directory(const std::string& directory, bool only_mmg);

}  // namespace mmgraph::viewer
