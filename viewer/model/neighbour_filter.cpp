#include "neighbour_filter.hpp"

#include <string>

namespace mmgraph::viewer {

NeighbourMatches filter_neighbours(const File& file, const NeighbourList& list, std::string_view text, uint64_t limit) {
    NeighbourMatches result;
    for (uint64_t p = 0; p < list.size() && p < limit; ++p) {
        ++result.scanned;
        try {
            const Edge e = list.at(p);
            const std::string key = e.target.shard == file.shard_id() ? file.vertex(e.target.index).key_string()
                                                                      : "#" + std::to_string(e.target.index);
            if (key.find(text) != std::string::npos) result.positions.push_back(p);
        } catch (const Error&) {
            ++result.damaged;
        }
    }
    return result;
}

}  // namespace mmgraph::viewer
