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
#include "build_args.hpp"
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
    BuildArgs build;
    std::vector<std::string> build_notes;
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
    if (*c.build.cmd) c.build_notes = finish(c.build);
    c.get_vertex.require(c.get_cmd);
}

// Runs the chosen subcommand; its exit status when it has one to give besides failing.
int run(Commands& c) {
    if (*c.build.cmd) {
        for (const auto& note : c.build_notes) std::fprintf(stderr, "mmgraph: note: %s\n", note.c_str());
        run_build(c.build.options, c.build.quiet, c.build.report_file);
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
    add_build_command(app, commands.build, kExitCodes);
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
    } catch (const mmgraph::Error& e) {  // an input file pattern that matches nothing
        std::fprintf(stderr, "mmgraph: %s\n", e.what());
        return exit_code(e.kind());
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
