// `mmgraph build`: CSV files in the neo4j-admin import header convention, or SNAP edge lists,
// to an mmgraph file or dataset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mmgraph/error.hpp"
#include "mmgraph/import/csv.hpp"
#include "mmgraph/types.hpp"
#include "mmgraph/writer.hpp"

namespace mmgraph::importer {

// neo4j-admin's header name of a column type ("int" for int32, "date"...), as `build` reads it
// and `dump` writes it; nullptr for a type that CSV columns cannot hold.
const char* csv_type_name(TypeCode code);

// Files that read as one (neo4j-admin's file group): the first file's first line is the header
// of them all, the others hold rows only.
struct InputGroup {
    std::vector<std::string> files;
    // Relationship files: the type of rows without a :TYPE column (empty: 'EDGE'). Node files:
    // one more label for `labels`, before them.
    std::string name;
    // Node files: labels every row gets besides its own :LABEL values, each once (neo4j-admin's
    // --nodes=A:B=FILES); a row of a file without a :LABEL column gets just these. Neither this
    // nor `name`: 'Vertex' for such rows.
    std::vector<std::string> labels;
};

struct BuildOptions {
    std::string output;
    std::vector<std::string> nodes;          // node CSV files, each with its own header
    std::vector<std::string> relationships;  // relationship CSV files, each with its own header
    std::vector<InputGroup> node_groups;          // read after `nodes`, in order
    std::vector<InputGroup> relationship_groups;  // read after `relationships`, in order
    bool skip_subsequent_headers = false;  // a group's later file starting with the header line: skip that line
    std::vector<std::string> edgelists;      // SNAP edge lists (exclusive with the CSV inputs)
    unsigned threads = 0;                    // parsing and encoding threads; 0 = every core
    std::string temp_directory;              // staged edges; empty = the system's temporary directory
    uint16_t shards = 1;
    char delimiter = ',';
    char array_delimiter = ';';
    char quote = '"';
    InvalidUtf8 invalid_utf8 = InvalidUtf8::refuse;  // text that is not UTF-8 (spec §4.3)
    // Rows that stop the build unless skipped: every bad row, or (neo4j-admin's options) a row
    // whose key an earlier row has, or an edge row naming a vertex no node file has.
    bool skip_bad_rows = false;
    bool skip_duplicate_nodes = false;
    bool skip_bad_relationships = false;
    std::optional<uint64_t> bad_tolerance;  // rows skipped before the build stops anyway; unset: no limit
    // A row shorter than the header reads its missing fields as absent; a longer one is an error
    // unless its extra fields are dropped.
    bool ignore_extra_columns = false;
    bool ignore_empty_strings = false;  // "" in a string column (or a string[] item) is null
    bool trim_strings = false;          // string values and items lose leading and trailing blanks
    // Rows are parsed on worker threads a chunk of about this many bytes at a time. Tests make
    // it tiny, so that chunks are cut inside quoted fields; the output never depends on it.
    uint64_t chunk_bytes = 256 << 10;
    // --id-type: integer ids make int64 keys. Unset: a node file's header option
    // `id:ID{id-type:integer}` decides, else string (the default).
    std::optional<KeyType> id_type;
};

// Where a pass over one input file has got to.
struct BuildProgress {
    uint64_t pass = 0;       // counts the passes over files in this build, from 0
    const char* phase = "";  // "scan" (pass 1), "load" (vertices, edge lists) or "link" (edges)
    std::string_view file;
    uint64_t rows = 0;       // read so far in this pass
    uint64_t offset = 0;     // bytes of the file read so far
    uint64_t size = 0;       // of the file
    double seconds = 0;      // since the pass began
};

// What a build tells its caller while it runs; the importer prints nothing itself. Every call
// comes from the thread that called run_build. The defaults ignore everything.
class BuildObserver {
public:
    virtual ~BuildObserver() = default;
    // Every 16,384 rows or so of a pass (a caller shows them, say, once a second).
    virtual void progress(const BuildProgress&) {}
    // skip_bad_rows: a row was skipped because of `error`; `skipped` counts the rows skipped so
    // far, this one included.
    virtual void row_skipped(const Error& error, uint64_t skipped) { (void)error, (void)skipped; }
    // Every input has been read; the Writer now writes `output`.
    virtual void writing(const std::string& output, uint64_t vertices, uint64_t edges) {
        (void)output, (void)vertices, (void)edges;
    }
};

// What a finished build did.
struct BuildReport {
    WriteStats stats;           // the Writer's: files, counts, bytes, its phases' seconds
    uint64_t bad_rows = 0;      // rows skipped (skip_bad_rows)
    double read_seconds = 0;    // reading the input, up to the Writer's finish
    double total_seconds = 0;
};

// Builds the output. Throws mmgraph::Error (the first bad row unless skip_bad_rows; bad input
// carries its InputLocation) and leaves no file at the output path then.
BuildReport run_build(const BuildOptions& options, BuildObserver* observer = nullptr);

}  // namespace mmgraph::importer
