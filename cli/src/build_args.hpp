// `mmgraph build`'s command line: mmgraph's own options and the spellings of `neo4j-admin
// database import full`, so that a Neo4j user's command line runs unchanged (README, "Coming
// from Neo4j"). Parsing fills BuildArgs; finish() turns it into importer::BuildOptions.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "mmgraph/import.hpp"

namespace mmgraph::cli {

struct BuildArgs {
    CLI::App* cmd = nullptr;
    importer::BuildOptions options;
    bool quiet = false;
    std::string report_file;  // each skipped row, FILE:LINE:COLUMN: reason

    // As written; finish() converts them.
    std::vector<std::string> nodes, relationships;  // "[NAMES=]FILE[,FILE...]"
    std::string delimiter = ",", array_delimiter = ";", quote = "\"", id_type, read_buffer_size, input_encoding = "UTF-8";
    std::string path_pattern_style = "regex", input_type = "csv";
    std::vector<std::string> ignored;  // neo4j-admin options that do nothing for a file writer, as given
    std::vector<std::string> database;  // neo4j-admin's positional database name
    bool multiline_fields = true, legacy_style_quoting = false;
};

// Adds the `build` subcommand with every option; `footer` ends its help.
void add_build_command(CLI::App& app, BuildArgs& args, const std::string& footer);

// After parsing: converts what was written (file groups and patterns, characters, sizes) into
// args.options and returns one note per option accepted without effect. Throws
// CLI::ValidationError for a usage error.
std::vector<std::string> finish(BuildArgs& args);

}  // namespace mmgraph::cli
