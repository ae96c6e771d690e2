// Walk footprint: the bytes and pages that reading one vertex touches (its slots, node record,
// adjacency records and key-index entry, as its anatomy lists them), and how many of those pages
// a step of the walk found new: what a service pays per hop on a cold page cache.
#pragma once

#include <cstdint>
#include <vector>

#include "mmgraph/anatomy.hpp"

namespace mmgraph::viewer {

struct FootprintPart {
    Part part = Part::node;
    uint64_t bytes = 0;
    uint64_t pages = 0;  // distinct pages of this part's records
};

struct Footprint {
    std::vector<FootprintPart> parts;  // one per part present, in the anatomy's order
    std::vector<uint64_t> pages;       // distinct page numbers (offset / page size), sorted
    uint64_t bytes = 0;
    uint64_t page_size = 4096;
};

Footprint footprint_of(const VertexAnatomy& anatomy, uint64_t page_size = 4096);

// Pages of `now` that `before` did not touch.
uint64_t new_pages(const Footprint& before, const Footprint& now);

}  // namespace mmgraph::viewer
