#include "statistics.hpp"

#include <bit>
#include <chrono>

#include "mmgraph/format/layout.hpp"

namespace mmgraph::viewer {

size_t DegreeHistogram::bucket_of(uint64_t degree) { return degree == 0 ? 0 : static_cast<size_t>(std::bit_width(degree)); }

uint64_t DegreeHistogram::bucket_low(size_t bucket) { return bucket == 0 ? 0 : uint64_t{1} << (bucket - 1); }

void DegreeHistogram::add(uint32_t vertex, uint64_t degree) {
    size_t b = bucket_of(degree);
    if (buckets.size() <= b) buckets.resize(b + 1, 0);
    ++buckets[b];
    total += degree;
    if (vertices++ == 0 || degree > max_degree) {
        max_degree = degree;
        max_vertex = vertex;
    }
}

std::optional<Statistics> compute_statistics(const File& file, const std::atomic<bool>* stop, std::atomic<uint64_t>* progress) {
    auto start = std::chrono::steady_clock::now();
    Statistics s;
    s.has_in = file.has_in_edges();
    s.vertices = file.vertex_count();
    s.node_type_bytes.assign(file.node_types().size(), 0);
    uint64_t nodes_length = 0;
    for (const SectionInfo& section : file.sections())
        if (section.kind == static_cast<uint16_t>(format::SectionKind::nodes)) nodes_length = section.length;
    // A node record runs to the next vertex's record (records are placed in index order, §6).
    uint64_t previous_offset = 0;
    std::optional<uint32_t> previous_type;
    auto close_record = [&](uint64_t next_offset) {
        if (previous_type && next_offset >= previous_offset && *previous_type < s.node_type_bytes.size())
            s.node_type_bytes[*previous_type] += next_offset - previous_offset;
    };
    constexpr uint64_t kBatch = 4096;  // vertices between checks of the stop flag
    for (uint64_t i = 0; i < s.vertices; ++i) {
        if (i % kBatch == 0) {
            if (stop && stop->load(std::memory_order_relaxed)) return std::nullopt;
            if (progress) progress->store(i, std::memory_order_relaxed);
        }
        Vertex v(&file, static_cast<uint32_t>(i));
        try {
            s.out.add(static_cast<uint32_t>(i), v.degree(Direction::out));
            if (s.has_in) s.in.add(static_cast<uint32_t>(i), v.degree(Direction::in));
            uint64_t offset = v.slots().node & format::kSlotOffsetMask;
            close_record(offset);
            previous_offset = offset;
            previous_type = v.node_type();
        } catch (const Error& e) {
            if (s.damaged++ == 0) s.first_error = e.what();
        }
    }
    close_record(nodes_length);
    if (progress) progress->store(s.vertices);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return s;
}

void StatisticsWorker::start(std::shared_ptr<const File> file) {
    cancel();
    if (!file) return;
    const uint64_t total = file->vertex_count();
    Background::start([file = std::move(file)](const std::atomic<bool>& stop, std::atomic<uint64_t>& done) {
        return compute_statistics(*file, &stop, &done);
    }, total);
}

}  // namespace mmgraph::viewer
