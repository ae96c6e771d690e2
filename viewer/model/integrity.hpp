// Integrity of the open file: File::verify_all on a worker thread (spec §12), and what the
// panels need from its findings. The map asks for the findings in its byte range (a binary
// search, so a frame's cost follows what is in view); the anatomy and the walker ask, once per
// selected vertex, which of its fields and edge blocks a finding falls in.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "background.hpp"
#include "mmgraph/anatomy.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::viewer {

struct Integrity {
    std::vector<VerifyFinding> findings;  // by offset
    std::vector<size_t> ranges;           // findings that cover a range (a section's checksum)
    bool truncated = false;               // more findings than VerifyOptions::max_findings
    double seconds = 0;

    // Findings [first, second) whose offset lies in [begin, end).
    std::pair<size_t, size_t> at(uint64_t begin, uint64_t end) const;
};

// Sorts and indexes a report's findings.
Integrity make_integrity(VerifyReport report, double seconds);

// Verifies in the calling thread; `stop` and `progress` (in parts of kProgressScale) may be
// null. Returns nullopt when stopped.
constexpr uint64_t kProgressScale = 1'000'000;
std::optional<Integrity> check_integrity(const File& file, const std::atomic<bool>* stop, std::atomic<uint64_t>* progress);

class IntegrityWorker : public Background<Integrity> {
public:
    void start(std::shared_ptr<const File> file);  // cancels what runs; no file: nothing starts
};

// A finding inside one of the selected vertex's fields (VertexAnatomy::fields indices).
struct FieldFlag {
    size_t field;
    size_t finding;
};
// A finding inside one of the selected vertex's edge blocks: the walker's list of that type.
struct BlockFlag {
    Direction direction;
    uint32_t type;
    size_t finding;
};
struct VertexFlags {
    std::vector<FieldFlag> fields;  // by finding
    std::vector<BlockFlag> blocks;
    std::vector<size_t> records;    // every finding in the vertex's records, by offset
};
// Point findings only: a checksum covers a whole section and says nothing about one vertex.
VertexFlags flag_vertex(const File& file, const VertexAnatomy& anatomy, const Integrity& integrity);

// A finding's message without the file's path, which every message starts with.
std::string without_path(const std::string& message, const std::string& path);

// [{section, offset, message}] for --dump-state; section is the area's name.
nlohmann::ordered_json findings_json(const Integrity& integrity);

}  // namespace mmgraph::viewer
