// mmgraph: the command-line tool. Parses the command line, runs one subcommand and turns every
// failure into one line "mmgraph: <reason>" on stderr and an exit code:
//   0 ok, 1 bad input or damaged file, 2 usage error.
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
constexpr int kBadInput = 1;
constexpr int kUsage = 2;

constexpr const char* kExitCodes =
    "\nExit codes: 0 ok, 1 bad input or damaged file (the reason is printed as\n"
    "'mmgraph: <reason>' on stderr), 2 usage error.";

constexpr const char* kBuildFooter =
    "\nNode files: a header row in the neo4j-admin import convention, then one vertex per row.\n"
    "  id:ID           the vertex key (a string); required\n"
    "  :LABEL          the vertex's label, one per row (default label 'Vertex')\n"
    "  name:TYPE       an attribute; TYPE is string (the default when omitted), int (int32),\n"
    "                  long (int64), float (float32), double (float64), boolean, byte (int8),\n"
    "                  short (int16), or an array of any of these, e.g. 'v:int[]' or\n"
    "                  'tags:string[]', with items split on the array delimiter; \"\" is the\n"
    "                  empty array\n"
    "  name:IGNORE     a column that is not imported\n"
    "Relationship files: :START_ID and :END_ID (vertex keys), :TYPE (default 'EDGE') and\n"
    "typed property columns.\n"
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

}  // namespace

int main(int argc, char** argv) {
    // A closed stdout (mmgraph info x | head) is a write error to report, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    // Past `ulimit -f` the output's size reservation should fail with EFBIG, not kill us.
    std::signal(SIGXFSZ, SIG_IGN);
    using namespace mmgraph::cli;
    using mmgraph::importer::BuildOptions;

    CLI::App app("Builds, inspects and checks mmgraph property-graph files.", "mmgraph");
    app.footer(kExitCodes);
    app.require_subcommand(1, 1);
    app.set_version_flag("--version", "mmgraph 2.0.0 (file format 2.0; reads 1.0 and 1.1)");

    BuildOptions build;
    bool quiet = false;
    std::string delimiter = ",", array_delimiter = ";";
    auto* build_cmd = app.add_subcommand("build", "Build an mmgraph file (or dataset) from CSV files or edge lists.");
    build_cmd->footer(std::string(kBuildFooter) + "\n" + kExitCodes);
    build_cmd->add_option("-o,--output", build.output, "The .mmg file to write (replaced atomically when it exists)")
        ->type_name("OUT.mmg")->required();
    build_cmd->add_option("--nodes", build.nodes, "Node CSV file; repeat the option for several files")
        ->type_name("FILE...");
    build_cmd->add_option("--edges,--relationships", build.relationships, "Relationship CSV file; repeat the option for several files")
        ->type_name("FILE...");
    auto* edgelist = build_cmd->add_option("--edgelist", build.edgelists, "SNAP edge list (instead of CSV files); repeatable")
        ->type_name("FILE...");
    build_cmd->add_option("--threads", build.threads, "Threads for parsing input rows and for encoding (default 0: one per core)")->type_name("N");
    build_cmd->add_option("--temp-dir", build.temp_directory, "Where staged edges wait for encoding (default: $TMPDIR, else /tmp)")
        ->type_name("DIR");
    build_cmd->add_option("--shards", build.shards, "Write a dataset of K shard files (default 1)")
        ->type_name("K")->check(CLI::Range(1, 65535));
    build_cmd->add_option("--delimiter", delimiter, "CSV field delimiter (default ','; '\\t' or 'tab' for a tab)")
        ->type_name("C")->check(check_delimiter);
    build_cmd->add_option("--array-delimiter", array_delimiter, "Delimiter of array items inside a field (default ';')")
        ->type_name("C")->check(check_delimiter);
    build_cmd->add_option_function<std::string>(
                 "--id-type",
                 [&](const std::string& v) { build.id_type = v == "integer" ? mmgraph::KeyType::int64 : mmgraph::KeyType::string; },
                 "Vertex ids: string (default) or integer (int64 keys); a node file can also say id:ID{id-type:integer}")
        ->type_name("TYPE")
        ->check(CLI::IsMember({"string", "integer"}));
    build_cmd->add_flag("--skip-bad-rows", build.skip_bad_rows,
                        "Skip bad rows instead of stopping; the first ten are shown and all are counted in the summary");
    build_cmd->add_flag("-q,--quiet", quiet, "No progress lines (errors and the final summary still go to stderr)");
    edgelist->excludes("--nodes")->excludes("--edges");

    InfoOptions info;
    auto* info_cmd = app.add_subcommand("info", "Describe a file: counts, schema, sections and node types.");
    info_cmd->footer(std::string("\nA shard file of a dataset is described on its own.\n") + kExitCodes);
    info_cmd->add_option("FILE", info.file, "An .mmg file (one shard of a dataset describes that shard)")->required();
    info_cmd->add_flag("--json", info.json, "Print JSON: format_version, file_size, vertices, edges, labels, edge_types, "
                                            "sections, node_types, shard_id, shard_count, dataset_id, key_type, has_in_edges, schema");

    VerifyOptions verify;
    auto* verify_cmd = app.add_subcommand("verify", "Deep-check files: every checksum, record, value, list and index (spec §12).");
    verify_cmd->footer(std::string("\nPrints 'FILE: ok' or 'FILE: <first problem>' per file. A shard is checked together with\n"
                                   "the other shards of its dataset. Exit code 0 only when every file is intact.\n") + kExitCodes);
    verify_cmd->add_option("FILE", verify.files, "Files to check")->required();
    verify_cmd->add_flag("--json", verify.json, "Print JSON: [{file, ok, error}]");

    GetOptions get;
    std::string key;
    uint64_t index = 0;
    auto* get_cmd = app.add_subcommand("get", "Show one vertex: key, label, attributes and degrees by edge type.");
    get_cmd->footer(std::string("\nJSON values keep their types; bytes are base64, a vertex reference is the referenced\n"
                                "vertex's key, null is null. Degrees count parallel edges; a self-loop counts once out\n"
                                "and once in. A key is looked up across the whole dataset.\n") + kExitCodes);
    get_cmd->add_option("FILE", get.file, "An .mmg file, a shard file, or a dataset's OUT.mmg path")->required();
    auto* key_opt = get_cmd->add_option("--key", key, "The vertex's key (an integer for int64-keyed files)")->type_name("K");
    auto* index_opt = get_cmd->add_option("--index", index, "The vertex's index in FILE (shard 0 for a dataset path)")->type_name("I");
    key_opt->excludes(index_opt);
    get_cmd->add_flag("--json", get.json, "Print JSON: {index, key, label, attributes, out_degree, in_degree}");

    // neighbors and bfs share get's vertex selection.
    TraverseOptions neighbors, bfs;
    std::string neighbors_key, bfs_key;
    uint64_t neighbors_index = 0, bfs_index = 0;
    auto* neighbors_cmd = app.add_subcommand("neighbors", "List one vertex's edges: the other endpoint, type, direction and properties.");
    neighbors_cmd->footer(std::string("\nOut-edges come first, then in-edges, each in stored order (by type, shard, index).\n") + kExitCodes);
    auto* bfs_cmd = app.add_subcommand("bfs", "Breadth-first search from one vertex over every edge type.");
    bfs_cmd->footer(std::string("\n'seconds' is the traversal alone, measured inside the process.\n") + kExitCodes);
    struct Traversal { CLI::App* cmd; TraverseOptions* options; std::string* key; uint64_t* index; CLI::Option* key_opt; CLI::Option* index_opt; };
    std::vector<Traversal> traversals{{neighbors_cmd, &neighbors, &neighbors_key, &neighbors_index, nullptr, nullptr},
                                      {bfs_cmd, &bfs, &bfs_key, &bfs_index, nullptr, nullptr}};
    for (Traversal& t : traversals) {
        t.cmd->add_option("FILE", t.options->file, "An .mmg file, a shard file, or a dataset's OUT.mmg path")->required();
        t.key_opt = t.cmd->add_option("--key", *t.key, "The vertex's key (an integer for int64-keyed files)")->type_name("K");
        t.index_opt = t.cmd->add_option("--index", *t.index, "The vertex's index in FILE (shard 0 for a dataset path)")->type_name("I");
        t.key_opt->excludes(t.index_opt);
        t.cmd->add_option("--direction", t.options->direction, "out (default), in or both")
            ->type_name("DIR")->check(CLI::IsMember({"out", "in", "both"}));
        t.cmd->add_flag("--json", t.options->json, t.cmd == neighbors_cmd
                                                        ? "Print JSON: [{index, key, type, direction, properties}]"
                                                        : "Print JSON: {source, reached, max_distance, histogram, seconds}");
    }
    neighbors_cmd->add_option("--type", neighbors.type, "Only edges of this type")->type_name("T");

    DumpOptions dump;
    auto* dump_cmd = app.add_subcommand("dump", "Write the graph as neo4j-admin import CSV files into a new directory.");
    dump_cmd->footer(std::string("\nWrites DIR/nodes-NNNNNN.csv and DIR/edges-NNNNNN.csv. For a file built from CSV,\n"
                                 "`mmgraph build -o X --nodes DIR/nodes*.csv --edges DIR/edges*.csv` rebuilds it byte for\n"
                                 "byte. Single-shard files only; attribute types without a CSV column type are refused.\n") +
                     kExitCodes);
    dump_cmd->add_option("FILE", dump.file, "An .mmg file")->required();
    dump_cmd->add_option("--out", dump.out, "The directory to write (new or empty)")->type_name("DIR")->required();

    try {
        app.parse(argc, argv);
        for (Traversal& t : traversals)
            if (*t.cmd && !*t.key_opt && !*t.index_opt)
                throw CLI::ValidationError(t.cmd->get_name() + ": give --key K or --index I");
        if (*build_cmd && build.nodes.empty() && build.edgelists.empty())
            throw CLI::ValidationError("build: give --nodes FILE (and --edges FILE) or --edgelist FILE");
        if (*get_cmd && !*key_opt && !*index_opt) throw CLI::ValidationError("get: give --key K or --index I");
    } catch (const CLI::Success& e) {  // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "mmgraph: %s (see mmgraph --help)\n", e.what());
        return kUsage;
    }

    int status = kOk;
    try {
        if (*build_cmd) {
            build.delimiter = delimiter_char(delimiter);
            build.array_delimiter = delimiter_char(array_delimiter);
            run_build(build, quiet);
        } else if (*info_cmd) {
            run_info(info);
        } else if (*verify_cmd) {
            if (!run_verify(verify)) status = kBadInput;
        } else if (*get_cmd) {
            if (*key_opt) get.key = key;
            else get.index = index;
            run_get(get);
        } else if (*dump_cmd) {
            run_dump(dump);
        } else {
            for (Traversal& t : traversals) {
                if (!*t.cmd) continue;
                if (*t.key_opt) t.options->key = *t.key;
                else t.options->index = *t.index;
                if (t.cmd == neighbors_cmd) run_neighbors(*t.options);
                else run_bfs(*t.options);
            }
        }
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "mmgraph: out of memory\n");
        return kBadInput;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mmgraph: %s\n", e.what());
        return kBadInput;
    }
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0) {
        std::fprintf(stderr, "mmgraph: cannot write to standard output\n");
        return kBadInput;
    }
    return status;
}
