#include "build_args.hpp"

#include <fnmatch.h>

#include <cerrno>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <regex>

namespace mmgraph::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kBuildFooter =
    "\nNode files: a header row in the neo4j-admin import convention, then one vertex per row.\n"
    "  id:ID           the vertex key (a string); required. Named, it is also stored as the\n"
    "                  attribute 'id' (typed as the key); ':ID' alone stores none.\n"
    "                  id:ID(Space) puts the keys in an ID space: the same key in two spaces\n"
    "                  names two vertices. Options: id:ID{id-type:integer} (the key type),\n"
    "                  personId:ID{label:Person} (only Person stores the attribute)\n"
    "  :LABEL          the vertex's labels, e.g. 'Movie' or 'Movie;Sequel' split on the array\n"
    "                  delimiter; every label of a row takes the file's columns (default\n"
    "                  'Vertex'). --nodes=A:B=FILES adds the labels A and B to every row\n"
    "  name:TYPE       an attribute; TYPE is string (the default when omitted), int (int32),\n"
    "                  long (int64), float (float32), double (float64), boolean, byte (int8),\n"
    "                  short (int16), date, localtime, time, localdatetime, datetime, duration,\n"
    "                  point, char (a one-character string), or an array of any of these, e.g.\n"
    "                  'v:int[]' or 'tags:string[]', with items split on the array delimiter;\n"
    "                  \"\" is the empty array\n"
    "  name:IGNORE     a column that is not imported\n"
    "Relationship files: :START_ID and :END_ID (vertex keys; :START_ID(Space) and\n"
    ":END_ID(Space) in an ID space), :TYPE (default 'EDGE', or the TYPE of\n"
    "--relationships=TYPE=FILES) and typed property columns.\n"
    "FILES is one file or a group 'header.csv,part1.csv,...' whose first file's first line is the\n"
    "header of all; a name that is no file is a regular expression over the names in its\n"
    "directory (--path-pattern-style glob|none to change that), matches in natural order.\n"
    "A label's attributes are the union of the columns of every node file it appears in, all\n"
    "nullable. An empty unquoted field is null; a quoted empty field (\"\") is an empty string\n"
    "or list (null for other types). A row shorter than the header has absent values for the\n"
    "rest. Fields follow RFC 4180: quotes, doubled quotes, embedded delimiters and line breaks;\n"
    "LF, CRLF or CR line ends. Blank lines are skipped. gzip'd and zip'd files are read as well.\n"
    "Edge lists (SNAP): two integer vertex ids per line separated by blanks, '#' comments; every\n"
    "distinct id becomes a vertex with that int64 key, label 'Vertex', edges of type 'EDGE'.\n"
    "A bad row stops the build with FILE:LINE:COLUMN and the reason, and leaves no output file.\n"
    "A multi-shard dataset is written as OUT.mmg's stem + '-<i>-of-<K>.mmg'.\n"
    "neo4j-admin database import full's options are accepted as it spells them (README: Coming\n"
    "from Neo4j); those that mean nothing for a file writer print a note.";

// One character as neo4j-admin writes it: c, 'c', TAB, \t, '\t' or U+XXXX (ASCII only, since
// the reader splits on bytes).
std::optional<char> parse_char(std::string text) {
    if (text.size() >= 3 && text.front() == '\'' && text.back() == '\'') text = text.substr(1, text.size() - 2);
    std::string upper = text;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (upper == "TAB" || text == "\\t") return '\t';
    if (text.size() == 1) return text[0];
    if (upper.size() >= 3 && upper.size() <= 8 && upper.starts_with("U+") &&
        std::all_of(upper.begin() + 2, upper.end(), [](unsigned char c) { return std::isxdigit(c); })) {
        const unsigned long code = std::stoul(upper.substr(2), nullptr, 16);
        if (code < 0x80) return static_cast<char>(code);
    }
    return std::nullopt;
}

char character(const std::string& option, const std::string& text) {
    const std::optional<char> c = parse_char(text);
    if (!c) throw CLI::ValidationError(option, "'" + text + "' is not one ASCII character (write it as ',', TAB, '\\t' or U+007C)");
    if (*c == '\n' || *c == '\r') throw CLI::ValidationError(option, "a line break cannot be a delimiter or a quote");
    return *c;
}

// true/false as neo4j-admin's boolean options take them (a bare flag is true).
bool truth(const std::string& option, const std::string& text) {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.empty() || lower == "true") return true;
    if (lower == "false") return false;
    throw CLI::ValidationError(option, "'" + text + "' is not true or false");
}

// "4m", "512k", "1g", "65536": bytes.
uint64_t size_of(const std::string& option, const std::string& text) {
    size_t used = 0;
    uint64_t n = 0;
    try {
        n = std::stoull(text, &used);
    } catch (const std::exception&) {
        throw CLI::ValidationError(option, "'" + text + "' is not a size (e.g. 4m)");
    }
    const std::string unit = text.substr(used);
    const uint64_t scale = unit.empty() ? 1 : unit == "k" || unit == "K" ? 1u << 10 : unit == "m" || unit == "M" ? 1u << 20
                                                                        : unit == "g" || unit == "G" ? 1u << 30 : 0;
    if (scale == 0) throw CLI::ValidationError(option, "'" + text + "': the unit is k, m or g");
    return n * scale;
}

// "part2" before "part10": digit runs compare as numbers.
bool natural_less(const std::string& a, const std::string& b) {
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
            size_t ie = i, je = j;
            while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
            while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
            const std::string x = a.substr(i, ie - i), y = b.substr(j, je - j);
            const size_t xs = x.find_first_not_of('0'), ys = y.find_first_not_of('0');
            const std::string xn = xs == std::string::npos ? "" : x.substr(xs), yn = ys == std::string::npos ? "" : y.substr(ys);
            if (xn.size() != yn.size()) return xn.size() < yn.size();
            if (xn != yn) return xn < yn;
            i = ie, j = je;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i, ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

// A file, or the files of its directory whose names match it as a pattern.
std::vector<std::string> expand(const std::string& option, const std::string& entry, const std::string& style) {
    std::error_code ec;
    if (fs::exists(entry, ec) || style == "none") return {entry};
    const fs::path path(entry);
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const std::string pattern = path.filename().string();
    std::vector<std::string> names;
    std::optional<std::regex> regex;
    if (style == "regex") {
        try {
            regex.emplace(pattern);
        } catch (const std::regex_error& e) {
            throw CLI::ValidationError(option, entry + ": no such file, and not a regular expression (" + e.what() + ")");
        }
    }
    for (const auto& item : fs::directory_iterator(dir, ec)) {
        const std::string name = item.path().filename().string();
        if (!item.is_regular_file(ec)) continue;
        if (regex ? std::regex_match(name, *regex) : fnmatch(pattern.c_str(), name.c_str(), 0) == 0) names.push_back(name);
    }
    // A plain name that is missing is the importer's "cannot open"; a pattern says so.
    if (names.empty() && pattern.find_first_of(style == "regex" ? "\\^$|?*+()[]{}" : "*?[") == std::string::npos) return {entry};
    if (names.empty())
        throw Error::io(entry + ": no such file, and no file in " + dir.string() + " matches it as a " +
                            (style == "regex" ? "regular expression" : "glob pattern"),
                        ENOENT);
    std::sort(names.begin(), names.end(), natural_less);
    std::vector<std::string> files;
    for (const auto& name : names) files.push_back(path.has_parent_path() ? (dir / name).string() : name);
    return files;
}

// "[NAMES=]FILE[,FILE...]" of --nodes / --relationships. NAMES is a label or a type; a value
// that names an existing file is a file, whatever it holds.
importer::InputGroup group_of(const std::string& option, const std::string& value, const std::string& style, bool nodes) {
    importer::InputGroup group;
    std::string files = value;
    std::error_code ec;
    const size_t eq = value.find('=');
    if (eq != std::string::npos && !fs::exists(value, ec) && value.find_first_of("/,") > eq) {
        group.name = value.substr(0, eq);
        files = value.substr(eq + 1);
        if (group.name.empty()) throw CLI::ValidationError(option, "'" + value + "': empty name before '='");
        if (nodes) {  // LABEL[:LABEL...], added to every row
            for (size_t start = 0; start <= group.name.size();) {
                const size_t colon = std::min(group.name.find(':', start), group.name.size());
                if (colon == start) throw CLI::ValidationError(option, "'" + group.name + "': an empty label");
                group.labels.push_back(group.name.substr(start, colon - start));
                start = colon + 1;
            }
            group.name.clear();
        }
    }
    for (size_t start = 0; start <= files.size();) {
        const size_t comma = std::min(files.find(',', start), files.size());
        const std::string entry = files.substr(start, comma - start);
        if (entry.empty()) throw CLI::ValidationError(option, "'" + value + "': an empty file name");
        for (auto& f : expand(option, entry, style)) group.files.push_back(std::move(f));
        start = comma + 1;
    }
    return group;
}

// neo4j-admin options that a file writer has no use for: accepted, each with a note.
constexpr const char* kIgnored[][2] = {
    {"--max-off-heap-memory", "memory is the page cache's and the Writer's own"},
    {"--high-parallel-io", "the input is read once, sequentially"},
    {"--additional-config", "there is no Neo4j configuration"},
    {"--format", "the output is an mmgraph file"},
    {"--schema", "indexes and constraints are Neo4j's; lookups by key are built in"},
    {"--profile-results-path", "there is no profiler output"},
    {"--property-shard-count", "shards are --shards"},
};
constexpr const char* kIgnoredFlags[][2] = {
    {"--verbose", "progress lines are printed unless --quiet"},
    {"--expand-commands", "the shell expands the command line"},
    {"--overwrite-destination", "the output is always replaced atomically"},
    {"--normalize-types", "column types are kept as declared"},
    {"--skip-bad-entries-logging", "skipped rows go to --report-file and the first ten to stderr"},
    {"--strict", "ids are always checked"},
    {"--compress", "the format's layout is fixed"},
    {"--profile", "there is no profiler output"},
};

void add_neo4j_options(CLI::App* cmd, BuildArgs& a) {
    auto flag = [&](const char* name, bool& target, const char* help) {
        cmd->add_option_function<std::string>(
               name, [&target, name](const std::string& v) { target = truth(name, v); }, help)
            ->expected(0, 1)
            ->type_name("[=true|false]");
    };
    importer::BuildOptions& o = a.options;
    flag("--skip-duplicate-nodes", o.skip_duplicate_nodes, "Skip a node row whose id an earlier row has (reported)");
    flag("--skip-bad-relationships", o.skip_bad_relationships, "Skip a relationship row whose endpoint no node has (reported)");
    flag("--ignore-extra-columns", o.ignore_extra_columns, "Drop the fields of a row past the header's columns");
    flag("--ignore-empty-strings", o.ignore_empty_strings, "Read \"\" in string columns as null");
    flag("--trim-strings", o.trim_strings, "Remove leading and trailing blanks of string values");
    flag("--auto-skip-subsequent-headers", o.skip_subsequent_headers, "In a file group, skip a later file's first line when it repeats the header");
    flag("--multiline-fields", a.multiline_fields, "Accepted: quoted fields may always hold line breaks");
    flag("--legacy-style-quoting", a.legacy_style_quoting, "Only false: a quote inside a quoted field is doubled (RFC 4180)");
    cmd->add_option_function<uint64_t>("--bad-tolerance", [&o](uint64_t n) { o.bad_tolerance = n; },
                                       "Skipped rows before the build stops anyway (default 1000 with the skip options above, "
                                       "no limit with --skip-bad-rows)")
        ->type_name("N");
    cmd->add_option("--report-file", a.report_file, "Write each skipped row there as FILE:LINE:COLUMN: reason")->type_name("PATH");
    cmd->add_option("--quote", a.quote, "The quote character (default '\"')")->type_name("C");
    cmd->add_option("--read-buffer-size", a.read_buffer_size, "Bytes of input each parsing thread takes at a time (default 256k)")
        ->type_name("SIZE");
    cmd->add_option("--input-encoding", a.input_encoding, "Only UTF-8 (see --invalid-utf8)")->type_name("CHARSET");
    cmd->add_option("--input-type", a.input_type, "Only csv")->type_name("TYPE");
    cmd->add_option("--path-pattern-style", a.path_pattern_style, "How a name that is no file matches files: regex (default), glob or none")
        ->type_name("STYLE")
        ->check(CLI::IsMember({"regex", "glob", "none"}));
    cmd->add_option("--temp-path", o.temp_directory, "The same as --temp-dir")->type_name("DIR");
    for (const auto& [name, why] : kIgnored) cmd->add_option(name, a.ignored, std::string("Ignored: ") + why)->type_name("VALUE")->group("neo4j-admin, ignored");
    for (const auto& [name, why] : kIgnoredFlags)
        cmd->add_option(name, a.ignored, std::string("Ignored: ") + why)->expected(0, 1)->type_name("")->group("neo4j-admin, ignored");
    cmd->add_option("DATABASE", a.database, "neo4j-admin's database name: ignored, the output is -o")->group("neo4j-admin, ignored");
}

}  // namespace

void add_build_command(CLI::App& app, BuildArgs& a, const std::string& footer) {
    CLI::App* cmd = a.cmd = app.add_subcommand("build", "Build an mmgraph file (or dataset) from CSV files or edge lists.");
    cmd->footer(std::string(kBuildFooter) + "\n" + footer);
    importer::BuildOptions& o = a.options;
    cmd->add_option("-o,--output", o.output, "The .mmg file to write (replaced atomically when it exists)")->type_name("OUT.mmg")->required();
    cmd->add_option("--nodes", a.nodes, "Node CSV files: [LABEL[:LABEL...]=]FILE[,FILE...]; repeat for more")->type_name("FILES");
    cmd->add_option("--edges,--relationships", a.relationships, "Relationship CSV files: [TYPE=]FILE[,FILE...]; repeat for more")
        ->type_name("FILES");
    auto* edgelist = cmd->add_option("--edgelist", o.edgelists, "SNAP edge list (instead of CSV files); repeatable")->type_name("FILE...");
    cmd->add_option("--threads", o.threads, "Threads for parsing input rows and for encoding (default 0: one per core)")->type_name("N");
    cmd->add_option("--temp-dir", o.temp_directory, "Where staged edges wait for encoding (default: $TMPDIR, else /tmp)")->type_name("DIR");
    cmd->add_option("--shards", o.shards, "Write a dataset of K shard files (default 1)")->type_name("K")->check(CLI::Range(1, 65535));
    cmd->add_option("--delimiter", a.delimiter, "CSV field delimiter (default ','; TAB, '\\t' or U+0009 for a tab)")->type_name("C");
    cmd->add_option("--array-delimiter", a.array_delimiter, "Delimiter of array items inside a field (default ';')")->type_name("C");
    cmd->add_option("--id-type", a.id_type, "Vertex ids: string (default) or integer (int64 keys; 'actual' too); a node file can "
                                             "also say id:ID{id-type:integer}")
        ->type_name("TYPE");
    cmd->add_option_function<std::string>(
           "--invalid-utf8",
           [&o](const std::string& v) { o.invalid_utf8 = v == "replace" ? importer::InvalidUtf8::replace : importer::InvalidUtf8::refuse; },
           "Text that is not UTF-8: refuse (default: an error naming FILE:LINE:COLUMN) or replace (each invalid "
           "sequence becomes U+FFFD, as neo4j-admin import reads it)")
        ->type_name("WHAT")
        ->check(CLI::IsMember({"refuse", "replace"}));
    cmd->add_flag("--skip-bad-rows", o.skip_bad_rows, "Skip bad rows instead of stopping; the first ten are shown and all are counted in the summary");
    cmd->add_flag("-q,--quiet", a.quiet, "No progress lines (errors and the final summary still go to stderr)");
    add_neo4j_options(cmd, a);
    edgelist->excludes("--nodes")->excludes("--edges");
}

std::vector<std::string> finish(BuildArgs& a) {
    importer::BuildOptions& o = a.options;
    for (const auto& value : a.nodes) o.node_groups.push_back(group_of("--nodes", value, a.path_pattern_style, true));
    for (const auto& value : a.relationships) o.relationship_groups.push_back(group_of("--relationships", value, a.path_pattern_style, false));
    if (o.node_groups.empty() && o.edgelists.empty()) throw CLI::ValidationError("build: give --nodes FILE (and --edges FILE) or --edgelist FILE");
    o.delimiter = character("--delimiter", a.delimiter);
    o.array_delimiter = character("--array-delimiter", a.array_delimiter);
    o.quote = character("--quote", a.quote);
    if (o.delimiter == o.quote) throw CLI::ValidationError("--quote", "the quote and the delimiter must differ");
    if (!a.id_type.empty()) {
        std::string t = a.id_type;
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (t != "string" && t != "integer" && t != "actual") throw CLI::ValidationError("--id-type", "'" + a.id_type + "' is not string, integer or actual");
        o.id_type = t == "string" ? KeyType::string : KeyType::int64;
    }
    if (!a.read_buffer_size.empty()) o.chunk_bytes = std::max<uint64_t>(size_of("--read-buffer-size", a.read_buffer_size), 4096);
    std::string encoding = a.input_encoding;
    std::transform(encoding.begin(), encoding.end(), encoding.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (encoding != "UTF-8" && encoding != "UTF8")
        throw CLI::ValidationError("--input-encoding", a.input_encoding + ": only UTF-8 is read (--invalid-utf8 replace stores U+FFFD for other bytes)");
    if (a.input_type != "csv") throw CLI::ValidationError("--input-type", a.input_type + ": only csv is read");
    if (a.legacy_style_quoting) throw CLI::ValidationError("--legacy-style-quoting", "only RFC 4180 quoting is read (a quote inside a quoted field is doubled)");
    if ((o.skip_duplicate_nodes || o.skip_bad_relationships) && !o.skip_bad_rows && !o.bad_tolerance) o.bad_tolerance = 1000;  // neo4j-admin's default

    std::vector<std::string> notes;
    for (const auto& [name, why] : kIgnored)
        if (a.cmd->count(name)) notes.push_back(std::string(name) + " does not apply to a file writer (" + why + "): ignored");
    for (const auto& [name, why] : kIgnoredFlags)
        if (a.cmd->count(name)) notes.push_back(std::string(name) + " does not apply to a file writer (" + why + "): ignored");
    for (const auto& name : a.database) notes.push_back("database name '" + name + "' ignored: the output is " + o.output);
    if (a.cmd->count("--multiline-fields") && !a.multiline_fields)
        notes.push_back("--multiline-fields=false: quoted fields are read with their line breaks all the same");
    return notes;
}

}  // namespace mmgraph::cli
