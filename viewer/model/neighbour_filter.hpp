// The neighbour lists' key filter: the positions (over all edge types, in stored order) of the
// edges whose other end's key contains a text. A hub can have millions of edges, so the scan is
// bounded and says how far it got.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "mmgraph/anatomy.hpp"

namespace mmgraph::viewer {

struct NeighbourMatches {
    std::vector<uint64_t> positions;
    uint64_t scanned = 0;   // entries looked at: all of them unless the limit stopped the scan
    uint64_t damaged = 0;   // entries that could not be read
};

// Case-sensitive substring match on the key text (an int key as its digits). Targets in another
// shard have no key in this file and match as "#index".
NeighbourMatches filter_neighbours(const File& file, const NeighbourList& list, std::string_view text, uint64_t limit = 200'000);

}  // namespace mmgraph::viewer
