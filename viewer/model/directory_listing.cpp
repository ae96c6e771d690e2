#include "directory_listing.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace mmgraph::viewer {

DirectoryListing list_directory(const std::string& directory, bool only_mmg) {
    namespace fs = std::filesystem;
    DirectoryListing listing;
    std::error_code ec;
    for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code entry_ec;
        DirectoryEntry e;
        e.name = it->path().filename().string();
        e.is_directory = it->is_directory(entry_ec);
        if (!e.is_directory) {
            if (only_mmg && it->path().extension() != ".mmg") continue;
            e.size = it->file_size(entry_ec);
            if (entry_ec) e.size = 0;  // a dangling link: listed, opening it says why
        }
        listing.entries.push_back(std::move(e));
    }
    if (ec) listing.error = ec.message();
    std::sort(listing.entries.begin(), listing.entries.end(), [](const DirectoryEntry& a, const DirectoryEntry& b) {
        return a.is_directory != b.is_directory ? a.is_directory : a.name < b.name;
    });
    listing.entries.insert(listing.entries.begin(), DirectoryEntry{"..", true, 0});
    return listing;
}

}  // namespace mmgraph::viewer
