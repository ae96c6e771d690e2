#include "footprint.hpp"

#include <algorithm>
#include <iterator>

namespace mmgraph::viewer {

namespace {

void add_pages(uint64_t offset, uint64_t size, uint64_t page_size, std::vector<uint64_t>& pages) {
    if (size == 0) return;
    for (uint64_t p = offset / page_size; p <= (offset + size - 1) / page_size; ++p) pages.push_back(p);
}

void sort_unique(std::vector<uint64_t>& pages) {
    std::sort(pages.begin(), pages.end());
    pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
}

}  // namespace

Footprint footprint_of(const VertexAnatomy& anatomy, uint64_t page_size) {
    Footprint f;
    f.page_size = page_size;
    for (const RecordSpan& record : anatomy.records) {
        auto part = std::find_if(f.parts.begin(), f.parts.end(), [&](const FootprintPart& p) { return p.part == record.part; });
        if (part == f.parts.end()) part = f.parts.insert(f.parts.end(), FootprintPart{record.part, 0, 0});
        part->bytes += record.size;
        f.bytes += record.size;
        add_pages(record.offset, record.size, page_size, f.pages);
    }
    for (FootprintPart& part : f.parts) {
        std::vector<uint64_t> pages;
        for (const RecordSpan& record : anatomy.records)
            if (record.part == part.part) add_pages(record.offset, record.size, page_size, pages);
        sort_unique(pages);
        part.pages = pages.size();
    }
    sort_unique(f.pages);
    return f;
}

uint64_t new_pages(const Footprint& before, const Footprint& now) {
    std::vector<uint64_t> fresh;
    std::set_difference(now.pages.begin(), now.pages.end(), before.pages.begin(), before.pages.end(), std::back_inserter(fresh));
    return fresh.size();
}

}  // namespace mmgraph::viewer
