// `mmgraph build`: CSV files in the neo4j-admin import header convention, or SNAP edge lists,
// to an mmgraph file or dataset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mmgraph/types.hpp"

namespace mmgraph::importer {

struct BuildOptions {
    std::string output;
    std::vector<std::string> nodes;          // node CSV files
    std::vector<std::string> relationships;  // relationship CSV files
    std::vector<std::string> edgelists;      // SNAP edge lists (exclusive with the CSV inputs)
    unsigned threads = 0;                    // parsing and encoding threads; 0 = every core
    std::string temp_directory;              // staged edges; empty = the system's temporary directory
    uint16_t shards = 1;
    char delimiter = ',';
    char array_delimiter = ';';
    bool skip_bad_rows = false;
    bool quiet = false;  // no progress lines (errors and the summary are still printed)
    // Rows are parsed on worker threads a chunk of about this many bytes at a time. Tests make
    // it tiny, so that chunks are cut inside quoted fields; the output never depends on it.
    uint64_t chunk_bytes = 256 << 10;
    // --id-type: integer ids make int64 keys. Unset: a node file's header option
    // `id:ID{id-type:integer}` decides, else string (the default).
    std::optional<KeyType> id_type;
};

// Builds the output; throws mmgraph::Error (the first bad row unless skip_bad_rows) and leaves
// no file at the output path then. Progress and the summary go to stderr.
void run_build(const BuildOptions& options);

}  // namespace mmgraph::importer
