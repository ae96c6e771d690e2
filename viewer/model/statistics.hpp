// Whole-file statistics that need a pass over every vertex (degree histograms), computed on a
// worker thread with progress; cancelled when the file changes. The UI polls and swaps the
// finished result in, so a frame never waits for the scan.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "background.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::viewer {

struct DegreeHistogram {
    // Bucket 0: degree 0; bucket k >= 1: degree in [2^(k-1), 2^k).
    std::vector<uint64_t> buckets;
    uint64_t max_degree = 0;
    uint32_t max_vertex = 0;  // a vertex with the maximum degree
    uint64_t total = 0;       // sum of degrees
    uint64_t vertices = 0;

    void add(uint32_t vertex, uint64_t degree);
    static size_t bucket_of(uint64_t degree);
    static uint64_t bucket_low(size_t bucket);  // smallest degree of a bucket
};

struct Statistics {
    DegreeHistogram out, in;
    std::vector<uint64_t> node_type_bytes;  // node record bytes (padding included) per node type
    bool has_in = false;
    uint64_t vertices = 0;
    uint64_t damaged = 0;         // vertices whose degree could not be read
    std::string first_error;
    double seconds = 0;
};

// Computes the statistics in the calling thread; `stop` and `progress` (vertices done) may be
// null. Returns nullopt when stopped.
std::optional<Statistics> compute_statistics(const File& file, const std::atomic<bool>* stop, std::atomic<uint64_t>* progress);

// compute_statistics on a worker thread; progress in vertices.
class StatisticsWorker : public Background<Statistics> {
public:
    void start(std::shared_ptr<const File> file);  // cancels what runs; no file: nothing starts
};

}  // namespace mmgraph::viewer
