// mmgraph: the command-line tool. Parses the command line, runs one subcommand and turns every
// failure into one line "mmgraph: <reason>" on stderr and an exit code:
//   0 ok, 1 bad input, a damaged file, a limit or an environment failure, 2 usage error,
//   70 an internal misuse (a bug of the tool). exit_code() maps an error's kind to its code.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>

#include <CLI/CLI.hpp>

#include "build.hpp"
#include "inspect.hpp"
#include "mmgraph/error.hpp"

namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;
constexpr int kInternal = 70;  // EX_SOFTWARE of sysexits.h

constexpr const char* kExitCodes =
    "\nExit codes: 0 ok, 1 bad input or damaged file (the reason is printed as\n"
    "'mmgraph: <reason>' on stderr; also a limit or an I/O failure such as a full disk),\n"
    "2 usage error, 70 internal error (a bug of mmgraph; please report it).";

// The one mapping from a failure to the exit code.
int exit_code(mmgraph::ErrorKind kind) {
    switch (kind) {
    case mmgraph::ErrorKind::damaged:
    case mmgraph::ErrorKind::bad_input:
    case mmgraph::ErrorKind::limit:
    case mmgraph::ErrorKind::io: return kFailed;
    case mmgraph::ErrorKind::misuse: return kInternal;
    }
    return kFailed;
}

constexpr const char* kBuildFooter =
    "\nNode files: a header row in the neo4j-admin import convention, then one vertex per row.\n"
    "  id:ID           the vertex key (a string); required. id:ID(Space) puts the keys in an\n"
    "                  ID space: the same key in two spaces names two vertices\n"
    "  :LABEL          the vertex's labels, e.g. 'Movie' or 'Movie;Sequel' split on the array\n"
    "                  delimiter; every label of a row takes the file's columns (default 'Vertex')\n"
    "  name:TYPE       an attribute; TYPE is string (the default when omitted), int (int32),\n"
    "                  long (int64), float (float32), double (float64), boolean, byte (int8),\n"
    "                  short (int16), or an array of any of these, e.g. 'v:int[]' or\n"
    "                  'tags:string[]', with items split on the array delimiter; \"\" is the\n"
    "                  empty array\n"
    "  name:IGNORE     a column that is not imported\n"
    "Relationship files: :START_ID and :END_ID (vertex keys; :START_ID(Space) and\n"
    ":END_ID(Space) in an ID space), :TYPE (default 'EDGE') and typed property columns.\n"
    "A label's attributes are the union of the columns of every node file it appears in, all\n"
    "nullable. An empty unquoted field is null; a quoted empty field (\"\") is an empty string\n"
    "or list (null for other types). Fields follow RFC 4180: quotes, doubled quotes, embedded\n"
    "delimiters and line breaks, LF or CRLF line ends. Blank lines are skipped.\n"
    "Edge lists (SNAP): two integer vertex ids per line separated by blanks, '#' comments; every\n"
    "distinct id becomes a vertex with that int64 key, label 'Vertex', edges of type 'EDGE'.\n"
    "A bad row stops the build with FILE:LINE:COLUMN and the reason, and leaves no output file.\n"
    "A multi-shard dataset is written as OUT.mmg's stem + '-<i>-of-<K>.mmg'.";

// "," or "\t" or "tab": one byte that is not a quote or a line break.
std::string check_delimiter(const std::string& text) {
    if (text == "\\t" || text == "tab") return {};
    if (text.size() != 1) return "a delimiter is one character (or '\\t' / 'tab')";
    if (text[0] == '"' || text[0] == '\n' || text[0] == '\r') return "a delimiter cannot be a quote or a line break";
    return {};
}

char delimiter_char(const std::string& text) { return text == "\\t" || text == "tab" ? '\t' : text[0]; }

using mmgraph::importer::BuildOptions;
using namespace mmgraph::cli;

// How get, neighbors and bfs choose their vertex: --key K or --index I, exactly one.
struct VertexChoice {
    std::string key, id_space;
    uint64_t index = 0;
    CLI::Option* key_opt = nullptr;
    CLI::Option* index_opt = nullptr;
    CLI::Option* space_opt = nullptr;

    void add_to(CLI::App* cmd) {
        key_opt = cmd->add_option("--key", key, "The vertex's key (an integer for int64-keyed files)")->type_name("K");
        index_opt = cmd->add_option("--index", index, "The vertex's index in FILE (shard 0 for a dataset path)")->type_name("I");
        space_opt = cmd->add_option("--id-space", id_space, "The key's ID space by name (default: the unnamed one)")->type_name("S");
        key_opt->excludes(index_opt);
        space_opt->needs(key_opt);
    }
    void require(const CLI::App* cmd) const {
        if (*cmd && !*key_opt && !*index_opt) throw CLI::ValidationError(cmd->get_name() + ": give --key K or --index I");
    }
    template <typename Options>
    void into(Options& options) const {
        if (*key_opt) options.key = key;
        else options.index = index;
        if (*space_opt) options.id_space = id_space;
    }
};

// A subcommand that walks from one vertex: neighbors, bfs.
struct Traversal {
    CLI::App* cmd = nullptr;
    TraverseOptions options;
    VertexChoice vertex;
};

// Every subcommand's options, filled by the parser.
struct Commands {
    BuildOptions build;
    bool quiet = false;
    std::string delimiter = ",", array_delimiter = ";";
    CLI::App* build_cmd = nullptr;
    InfoOptions info;
    CLI::App* info_cmd = nullptr;
    VerifyOptions verify;
    CLI::App* verify_cmd = nullptr;
    GetOptions get;
    VertexChoice get_vertex;
    CLI::App* get_cmd = nullptr;
    Traversal neighbors, bfs;
    DumpOptions dump;
    CLI::App* dump_cmd = nullptr;
};

void add_build(CLI::App& app, Commands& c) {
    c.build_cmd = app.add_subcommand("build", "Build an mmgraph file (or dataset) from CSV files or edge lists.");
    c.build_cmd->footer(std::string(kBuildFooter) + "\n" + kExitCodes);
    c.build_cmd->add_option("-o,--output", c.build.output, "The .mmg file to write (replaced atomically when it exists)")
        ->type_name("OUT.mmg")->required();
    c.build_cmd->add_option("--nodes", c.build.nodes, "Node CSV file; repeat the option for several files")
        ->type_name("FILE...");
    c.build_cmd->add_option("--edges,--relationships", c.build.relationships, "Relationship CSV file; repeat the option for several files")
        ->type_name("FILE...");
    auto* edgelist = c.build_cmd->add_option("--edgelist", c.build.edgelists, "SNAP edge list (instead of CSV files); repeatable")
        ->type_name("FILE...");
    c.build_cmd->add_option("--threads", c.build.threads, "Threads for parsing input rows and for encoding (default 0: one per core)")->type_name("N");
    c.build_cmd->add_option("--temp-dir", c.build.temp_directory, "Where staged edges wait for encoding (default: $TMPDIR, else /tmp)")
        ->type_name("DIR");
    c.build_cmd->add_option("--shards", c.build.shards, "Write a dataset of K shard files (default 1)")
        ->type_name("K")->check(CLI::Range(1, 65535));
    c.build_cmd->add_option("--delimiter", c.delimiter, "CSV field delimiter (default ','; '\\t' or 'tab' for a tab)")
        ->type_name("C")->check(check_delimiter);
    c.build_cmd->add_option("--array-delimiter", c.array_delimiter, "Delimiter of array items inside a field (default ';')")
        ->type_name("C")->check(check_delimiter);
    c.build_cmd->add_option_function<std::string>(
                 "--id-type",
                 [&](const std::string& v) { c.build.id_type = v == "integer" ? mmgraph::KeyType::int64 : mmgraph::KeyType::string; },
                 "Vertex ids: string (default) or integer (int64 keys); a node file can also say id:ID{id-type:integer}")
        ->type_name("TYPE")
        ->check(CLI::IsMember({"string", "integer"}));
    c.build_cmd->add_flag("--skip-bad-rows", c.build.skip_bad_rows,
                        "Skip bad rows instead of stopping; the first ten are shown and all are counted in the summary");
    c.build_cmd->add_flag("-q,--quiet", c.quiet, "No progress lines (errors and the final summary still go to stderr)");
    edgelist->excludes("--nodes")->excludes("--edges");
}

void add_inspection(CLI::App& app, Commands& c) {
    c.info_cmd = app.add_subcommand("info", "Describe a file: counts, schema, sections and node types.");
    c.info_cmd->footer(std::string("\nA shard file of a dataset is described on its own.\n") + kExitCodes);
    c.info_cmd->add_option("FILE", c.info.file, "An .mmg file (one shard of a dataset describes that shard)")->required();
    c.info_cmd->add_flag("--json", c.info.json, "Print JSON: format_version, file_size, vertices, edges, labels, edge_types, "
                                            "sections, node_types, shard_id, shard_count, dataset_id, key_type, has_in_edges, schema");

    c.verify_cmd = app.add_subcommand("verify", "Deep-check files: every checksum, record, value, list and index (spec §12).");
    c.verify_cmd->footer(std::string("\nPrints 'FILE: ok' or 'FILE: <first problem>' per file. A shard is checked together with\n"
                                   "the other shards of its dataset: the files named here when they are all of its shards,\n"
                                     "whatever their names, else the files named <stem>-<i>-of-<K>.mmg beside it.\n"
                                     "Exit code 0 only when every file is intact.\n") + kExitCodes);
    c.verify_cmd->add_option("FILE", c.verify.files, "Files to check")->required();
    c.verify_cmd->add_flag("--json", c.verify.json, "Print JSON: [{file, ok, error}]");

    c.get_cmd = app.add_subcommand("get", "Show one vertex: key, label, attributes and degrees by edge type.");
    c.get_cmd->footer(std::string("\nJSON values keep their types; bytes are base64, a vertex reference is the referenced\n"
                                "vertex's key, null is null. Degrees count parallel edges; a self-loop counts once out\n"
                                "and once in. A key is looked up across the whole dataset.\n") + kExitCodes);
    c.get_cmd->add_option("FILE", c.get.file, "An .mmg file, a shard file, or a dataset's OUT.mmg path")->required();
    c.get_vertex.add_to(c.get_cmd);
    c.get_cmd->add_flag("--json", c.get.json, "Print JSON: {index, key, label, attributes, out_degree, in_degree}");
}

void add_traversals(CLI::App& app, Commands& c) {
    c.neighbors.cmd = app.add_subcommand("neighbors", "List one vertex's edges: the other endpoint, type, direction and properties.");
    c.neighbors.cmd->footer(std::string("\nOut-edges come first, then in-edges, each in stored order (by type, shard, index).\n") + kExitCodes);
    c.bfs.cmd = app.add_subcommand("bfs", "Breadth-first search from one vertex over every edge type.");
    c.bfs.cmd->footer(std::string("\n'seconds' is the traversal alone, measured inside the process.\n") + kExitCodes);
    for (Traversal* t : {&c.neighbors, &c.bfs}) {
        t->cmd->add_option("FILE", t->options.file, "An .mmg file, a shard file, or a dataset's OUT.mmg path")->required();
        t->vertex.add_to(t->cmd);
        t->cmd->add_option("--direction", t->options.direction, "out (default), in or both")
            ->type_name("DIR")->check(CLI::IsMember({"out", "in", "both"}));
        t->cmd->add_flag("--json", t->options.json, t == &c.neighbors
                                                        ? "Print JSON: [{index, key, type, direction, properties}]"
                                                        : "Print JSON: {source, reached, max_distance, histogram, seconds}");
    }
    c.neighbors.cmd->add_option("--type", c.neighbors.options.type, "Only edges of this type")->type_name("T");
}

void add_dump(CLI::App& app, Commands& c) {
    c.dump_cmd = app.add_subcommand("dump", "Write the graph as neo4j-admin import CSV files into a new directory.");
    c.dump_cmd->footer(std::string("\nWrites DIR/nodes-NNNNNN.csv and DIR/edges-NNNNNN.csv. For a file built from CSV,\n"
                                   "`mmgraph build -o X --nodes DIR/nodes*.csv --edges DIR/edges*.csv` rebuilds it byte for\n"
                                   "byte. Single-shard files only; attribute types without a CSV column type are refused.\n") +
                       kExitCodes);
    c.dump_cmd->add_option("FILE", c.dump.file, "An .mmg file")->required();
    c.dump_cmd->add_option("--out", c.dump.out, "The directory to write (new or empty)")->type_name("DIR")->required();
}

// Parses the command line; a usage error throws CLI::ParseError.
void parse(CLI::App& app, Commands& c, int argc, char** argv) {
    app.parse(argc, argv);
    for (Traversal* t : {&c.neighbors, &c.bfs}) t->vertex.require(t->cmd);
    if (*c.build_cmd && c.build.nodes.empty() && c.build.edgelists.empty())
        throw CLI::ValidationError("build: give --nodes FILE (and --edges FILE) or --edgelist FILE");
    c.get_vertex.require(c.get_cmd);
}

// Runs the chosen subcommand; its exit status when it has one to give besides failing.
int run(Commands& c) {
    if (*c.build_cmd) {
        c.build.delimiter = delimiter_char(c.delimiter);
        c.build.array_delimiter = delimiter_char(c.array_delimiter);
        run_build(c.build, c.quiet);
    } else if (*c.info_cmd) {
        run_info(c.info);
    } else if (*c.verify_cmd) {
        if (!run_verify(c.verify)) return kFailed;
    } else if (*c.get_cmd) {
        c.get_vertex.into(c.get);
        run_get(c.get);
    } else if (*c.dump_cmd) {
        run_dump(c.dump);
    } else {
        for (Traversal* t : {&c.neighbors, &c.bfs}) {
            if (!*t->cmd) continue;
            t->vertex.into(t->options);
            if (t == &c.neighbors) run_neighbors(t->options);
            else run_bfs(t->options);
        }
    }
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    // A closed stdout (mmgraph info x | head) is a write error to report, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    // Past `ulimit -f` the output's size reservation should fail with EFBIG, not kill us.
    std::signal(SIGXFSZ, SIG_IGN);

    CLI::App app("Builds, inspects and checks mmgraph property-graph files.", "mmgraph");
    app.footer(kExitCodes);
    app.require_subcommand(1, 1);
    app.set_version_flag("--version", "mmgraph 2.0.0 (file format 2.0; reads 1.0 and 1.1)");
    Commands commands;
    add_build(app, commands);
    add_inspection(app, commands);
    add_traversals(app, commands);
    add_dump(app, commands);
    try {
        parse(app, commands, argc, argv);
    } catch (const CLI::Success& e) {  // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "mmgraph: %s (see mmgraph --help)\n", e.what());
        return kUsage;
    }

    int status = kOk;
    try {
        status = run(commands);
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "mmgraph: out of memory\n");
        return kFailed;
    } catch (const mmgraph::Error& e) {
        std::fprintf(stderr, "mmgraph: %s\n", e.what());
        return exit_code(e.kind());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mmgraph: %s\n", e.what());
        return kFailed;
    }
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0) {
        std::fprintf(stderr, "mmgraph: cannot write to standard output\n");
        return kFailed;
    }
    return status;
}
