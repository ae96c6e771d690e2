// `mmgraph build`. Sections:
//   headers      column roles and types of a header row (neo4j-admin import convention)
//   values       one CSV field to a writer Value, typed by its column
//   schema       labels and edge types by name, the attributes of each (union over files)
//   Importer     pass 1 (which labels / edge types each file holds), schema, pass 2 (rows)
//   progress     rate-limited progress lines and the final summary
//
// Two passes, because the Writer takes a label's full attribute list before its first vertex,
// and a label's attributes are the union of the columns of every file it appears in. Pass 1 only
// reads the :LABEL / :TYPE column; a file without one is not scanned at all, and neither is the
// only file of its kind (node or relationship), whose names all have exactly its columns and are
// registered as pass 2 meets them, in the same order. Pass 2 adds every vertex, then every edge.
// Fields stay views into the mapped input until the Writer copies them.
//
// Both passes read a file's rows on worker threads a chunk at a time (parallel_rows.hpp) and
// hand them to this thread in file order, which registers names and calls the Writer: the build,
// and the first error it stops at, are the same as with one reader.
#include "mmgraph/import.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "mmgraph/import/csv.hpp"
#include "mmgraph/writer.hpp"
#include "parallel_rows.hpp"

namespace mmgraph::importer {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A value for a message: quoted, and cut short (at a character boundary) when long.
std::string quote(std::string_view text) {
    constexpr size_t kMax = 40;
    if (text.size() <= kMax) return "'" + std::string(text) + "'";
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return "'" + std::string(text.substr(0, cut)) + "...'";
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// ---- headers --------------------------------------------------------------------------------

enum class Role : uint8_t { property, key, label, start, end, type, ignore };

struct Column {
    std::string name;
    Role role = Role::property;
    Type type;
    std::string where;  // FILE:LINE:COLUMN of the header field
    std::optional<KeyType> id_type;  // an :ID column's {id-type:...} option, if any
};

// The neo4j-admin spelling of a column type, for messages.
std::string csv_type_name(Type type) {
    std::string base;
    switch (type.element()) {
        case TypeCode::boolean: base = "boolean"; break;
        case TypeCode::int8: base = "byte"; break;
        case TypeCode::int16: base = "short"; break;
        case TypeCode::int32: base = "int"; break;
        case TypeCode::int64: base = "long"; break;
        case TypeCode::float32: base = "float"; break;
        case TypeCode::float64: base = "double"; break;
        default: base = "string"; break;
    }
    return type.is_list() ? base + "[]" : base;
}

std::optional<TypeCode> csv_type(std::string_view name) {
    static constexpr std::pair<std::string_view, TypeCode> kTypes[] = {
        {"string", TypeCode::string}, {"int", TypeCode::int32},      {"long", TypeCode::int64},
        {"float", TypeCode::float32}, {"double", TypeCode::float64}, {"boolean", TypeCode::boolean},
        {"byte", TypeCode::int8},     {"short", TypeCode::int16},
    };
    for (const auto& [n, code] : kTypes)
        if (iequals(n, name)) return code;
    return std::nullopt;
}

// The `id-type:integer` or `id-type:string` option of an :ID column.
KeyType id_type_option(std::string_view options, Role role, const CsvField& field, const InputBuffer& input) {
    size_t colon = options.find(':');
    std::string_view name = trim(options.substr(0, colon));
    std::string_view value = colon == std::string_view::npos ? std::string_view() : trim(options.substr(colon + 1));
    if (role != Role::key || !iequals(name, "id-type"))
        input.fail(field.offset, field.line, "column " + quote(field.text) + ": unsupported option " + quote(options) +
                                                 " (the :ID column takes {id-type:integer})");
    if (iequals(value, "integer") || iequals(value, "long") || iequals(value, "int")) return KeyType::int64;
    if (iequals(value, "string")) return KeyType::string;
    input.fail(field.offset, field.line, "column " + quote(field.text) + ": id-type must be integer or string, not " + quote(value));
}

// One header field: "name:type", ":ID", ":LABEL", ":START_ID", ":END_ID", ":TYPE", "name:IGNORE".
Column parse_column(const CsvField& field, bool nodes, const InputBuffer& input) {
    auto fail = [&](const std::string& why) { input.fail(field.offset, field.line, why); };
    Column column;
    column.where = input.where(field.offset, field.line);
    std::string_view text = field.text;
    // Options in braces after the type, as in neo4j's `id:ID{label:Person}`; mmgraph reads
    // only `id-type`, on the :ID column.
    std::string_view options;
    if (!text.empty() && text.back() == '}' && text.find('{') != std::string_view::npos) {
        size_t open = text.find('{');
        options = text.substr(open + 1, text.size() - open - 2);
        text = text.substr(0, open);
    }
    size_t colon = text.rfind(':');
    std::string_view name = colon == std::string_view::npos ? text : text.substr(0, colon);
    std::string_view type = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    column.name = std::string(name);
    struct Special {
        std::string_view spelling;
        Role role;
        bool in_nodes, in_relationships;
    };
    static constexpr Special kSpecial[] = {
        {"ID", Role::key, true, false},         {"LABEL", Role::label, true, false},
        {"START_ID", Role::start, false, true}, {"END_ID", Role::end, false, true},
        {"TYPE", Role::type, false, true},      {"IGNORE", Role::ignore, true, true},
    };
    for (const Special& s : kSpecial) {
        bool grouped = type.size() > s.spelling.size() && type[s.spelling.size()] == '(' &&
                       iequals(type.substr(0, s.spelling.size()), s.spelling);
        if (grouped && s.role != Role::ignore)
            fail("ID spaces (" + quote(text) + ") are not supported: ids are global to the build");
        if (!iequals(type, s.spelling)) continue;
        if (!(nodes ? s.in_nodes : s.in_relationships))
            fail("column " + quote(text) + " belongs in a " + (nodes ? "relationship" : "node") + " file");
        column.role = s.role;
        if (!options.empty()) column.id_type = id_type_option(options, s.role, field, input);
        return column;
    }
    if (!options.empty()) fail("column " + quote(field.text) + ": options in braces are only read on the :ID column");
    if (name.empty()) fail("column " + quote(text) + " has no name");
    bool list = type.size() >= 2 && type.substr(type.size() - 2) == "[]";
    std::string_view base = list ? type.substr(0, type.size() - 2) : type;
    auto code = base.empty() ? std::optional<TypeCode>(TypeCode::string) : csv_type(base);
    if (!code)
        fail("column " + quote(text) + ": unsupported type " + quote(type) +
             " (types: string, int, long, float, double, boolean, byte, short, and arrays of them)");
    column.type = list ? Type::list_of(*code) : Type(*code);
    return column;
}

// ---- values ---------------------------------------------------------------------------------

template <typename T>
bool parse_number(std::string_view text, T& out) {
    text = trim(text);
    if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

template <>
bool parse_number<bool>(std::string_view text, bool& out) {
    text = trim(text);
    if (iequals(text, "true")) out = true;
    else if (iequals(text, "false")) out = false;
    else return false;
    return true;
}

// What parsed values point into until the Writer has copied them: a buffer per list value and
// copies of fields that had doubled quotes (their text is in a CsvRecord's scratch, which the
// next record reuses). Buffers are kept for reuse after clear().
class ValueStore {
public:
    // List items as 8-byte words, so that any element type is aligned.
    std::vector<uint64_t>& items() { return take(items_, used_items_); }
    std::vector<std::string_view>& strings() { return take(strings_, used_strings_); }
    // Points the record's escaped fields at a copy of its scratch that lives until clear().
    void keep_escaped(CsvRecord& record) {
        if (record.scratch.empty()) return;
        const std::string& copy = take(texts_, used_texts_).assign(record.scratch);
        for (CsvField& f : record.fields)
            if (f.escaped) f.text = {copy.data() + f.scratch_begin, f.text.size()};
    }
    void clear() { used_items_ = used_strings_ = used_texts_ = 0; }

private:
    template <typename Buffer>
    static Buffer& take(std::deque<Buffer>& buffers, size_t& used) {  // a deque never moves its elements
        if (used == buffers.size()) buffers.emplace_back();
        Buffer& buffer = buffers[used++];
        buffer.clear();
        return buffer;
    }

    std::deque<std::vector<uint64_t>> items_;
    std::deque<std::vector<std::string_view>> strings_;
    std::deque<std::string> texts_;
    size_t used_items_ = 0, used_strings_ = 0, used_texts_ = 0;
};

class FieldParser {
public:
    FieldParser(const InputBuffer& input, char array_delimiter) : input_(input), array_delimiter_(array_delimiter) {}

    // An empty unquoted field is null. A quoted empty field is an empty string or an empty list,
    // and null for other types (so that files that quote every field keep their nulls).
    Value parse(const Column& column, const CsvField& field, ValueStore& store) const {
        if (field.text.empty()) {
            if (!field.quoted) return Value::null();
            if (column.type == Type(TypeCode::string)) return Value(std::string_view());
            if (!column.type.is_list()) return Value::null();
        }
        switch (column.type.element()) {
            case TypeCode::string: return column.type.is_list() ? strings(field, store) : Value(field.text);
            case TypeCode::boolean: return typed<bool>(column, field, store);
            case TypeCode::int8: return typed<int8_t>(column, field, store);
            case TypeCode::int16: return typed<int16_t>(column, field, store);
            case TypeCode::int32: return typed<int32_t>(column, field, store);
            case TypeCode::int64: return typed<int64_t>(column, field, store);
            case TypeCode::float32: return typed<float>(column, field, store);
            case TypeCode::float64: return typed<double>(column, field, store);
            default: break;
        }
        MMGRAPH_CHECK(false, "column type outside the CSV types");
        return {};
    }

private:
    template <typename T>
    static Value scalar(T v) {
        if constexpr (std::is_same_v<T, bool>) return Value(v);
        else if constexpr (std::is_floating_point_v<T>) return Value(v);
        else return Value(static_cast<int64_t>(v));
    }

    template <typename T>
    [[noreturn]] void bad(const Column& column, const CsvField& field, std::string_view item) const {
        std::string type = csv_type_name(Type(column.type.element()));
        std::string why = quote(item) + (std::is_same_v<T, bool> ? " is not true or false" : " is not a valid " + type);
        if constexpr (!std::is_same_v<T, bool>) {
            T ignored;
            auto text = trim(item);
            if (!text.empty() && text[0] == '+') text.remove_prefix(1);
            if (std::from_chars(text.data(), text.data() + text.size(), ignored).ec == std::errc::result_out_of_range)
                why = quote(item) + " is out of range for " + type;
        }
        input_.fail(field.offset, field.line, why + " (column " + quote(column.name) + ", " + csv_type_name(column.type) + ")");
    }

    // Items are kept byte for byte, like string fields: an empty item is an empty string. The
    // field "" (quoted) is the empty list.
    Value strings(const CsvField& field, ValueStore& store) const {
        auto& strings = store.strings();
        for (std::string_view rest = field.text; !field.text.empty();) {
            size_t cut = rest.find(array_delimiter_);
            strings.push_back(rest.substr(0, cut));
            if (cut == std::string_view::npos) break;
            rest.remove_prefix(cut + 1);
        }
        return Value::list(std::span<const std::string_view>(strings));
    }

    template <typename T>
    Value typed(const Column& column, const CsvField& field, ValueStore& store) const {
        if (!column.type.is_list()) {
            T v;
            if (!parse_number(field.text, v)) bad<T>(column, field, field.text);
            return scalar(v);
        }
        auto& items = store.items();
        size_t count = 0;
        for (std::string_view rest = field.text; !field.text.empty();) {  // "" is the empty list
            size_t cut = rest.find(array_delimiter_);
            std::string_view item = rest.substr(0, cut);
            if (trim(item).empty())
                input_.fail(field.offset, field.line, "item " + std::to_string(count + 1) + " of list " + quote(field.text) +
                                                          " is empty (column " + quote(column.name) + ")");
            T v;
            if (!parse_number(item, v)) bad<T>(column, field, item);
            if (items.size() * 8 < (count + 1) * sizeof(T)) items.resize(std::max<size_t>(16, items.size() * 2));
            std::memcpy(reinterpret_cast<char*>(items.data()) + count * sizeof(T), &v, sizeof(T));
            ++count;
            if (cut == std::string_view::npos) break;
            rest.remove_prefix(cut + 1);
        }
        return Value::list(std::span<const T>(reinterpret_cast<const T*>(items.data()), count));
    }

    const InputBuffer& input_;
    char array_delimiter_;
};

// ---- schema ---------------------------------------------------------------------------------

struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Labels or edge types by name, in order of first appearance.
class Shapes {
public:
    struct Shape {
        std::string name;
        std::vector<AttributeSpec> attributes;
        std::vector<std::pair<size_t, size_t>> origin;  // per attribute: the (source, column) that added it
        uint32_t id = 0;  // the Writer's LabelId / EdgeTypeId
    };

    // `single`: a value holding the array delimiter names several shapes, which is an error.
    Shapes(const char* what, const char* column, size_t limit, bool single)
        : what_(what), column_(column), limit_(limit), single_(single) {}

    // The shape named by `field` (or `fallback` without one), registered on first sight until
    // frozen.
    uint32_t of(const CsvField* field, const InputBuffer& input, char array_delimiter, const char* fallback) {
        std::string_view name = field ? field->text : std::string_view(fallback);
        if (!name.empty() && name == recent_.name) return recent_.id;
        check(name, field, input, array_delimiter);
        auto it = ids_.find(name);
        if (it == ids_.end()) {
            if (frozen_) not_seen(name, field, input);
            if (list.size() >= limit_)
                input.fail(field->offset, field->line, "more than " + std::to_string(limit_) + " " + what_ + "s");
            it = ids_.emplace(std::string(name), static_cast<uint32_t>(list.size())).first;
            list.push_back(Shape{std::string(name), {}, {}, 0});
        }
        recent_ = {it->first, it->second};  // a map key: stable while the map lives
        return it->second;
    }

    // The last name a reader looked up and its id, which each thread keeps for itself.
    struct Recent {
        std::string_view name;
        uint32_t id = 0;
    };
    // `of` once frozen, for any number of threads at once: every name must be known.
    uint32_t find(const CsvField* field, const InputBuffer& input, char array_delimiter, const char* fallback, Recent& recent) const {
        std::string_view name = field ? field->text : std::string_view(fallback);
        if (!name.empty() && name == recent.name) return recent.id;
        check(name, field, input, array_delimiter);
        auto it = ids_.find(name);
        if (it == ids_.end()) not_seen(name, field, input);
        recent = {it->first, it->second};
        return it->second;
    }
    void freeze() { frozen_ = true; }

    std::vector<Shape> list;

    // The checks every name passes: not empty, and one label, not a list of them.
    void check(std::string_view name, const CsvField* field, const InputBuffer& input, char array_delimiter) const {
        if (name.empty()) input.fail(field->offset, field->line, std::string("empty ") + column_);
        if (single_ && name.find(array_delimiter) != std::string_view::npos)
            input.fail(field->offset, field->line, "several labels in " + quote(name) + ": a vertex has exactly one label");
    }
private:
    // Pass 2 met a name pass 1 did not: the file is not what it was.
    [[noreturn]] void not_seen(std::string_view name, const CsvField* field, const InputBuffer& input) const {
        throw Error(input.where(field->offset, field->line) + ": " + what_ + " " + quote(name) +
                    " was not there on the first read; did the file change during the build?");
    }

    const char* what_;
    const char* column_;
    size_t limit_;
    bool single_;
    bool frozen_ = false;
    std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> ids_;
    Recent recent_;
};

// One input CSV file.
struct Source {
    Source(std::string p, bool n) : path(std::move(p)), nodes(n) {}

    std::string path;
    bool nodes;
    std::unique_ptr<InputBuffer> input;  // kept between passes only when it cannot be reopened
    std::vector<Column> columns;
    int key = -1, label = -1, start = -1, end = -1, type = -1;  // column of each role, -1 if none
    std::vector<int32_t> use;                  // by shape id: index into slots, -1 if absent
    std::vector<std::vector<uint32_t>> slots;  // per shape present: attribute index of each column
    // The only file of its kind, with a :LABEL / :TYPE column: every name in it has exactly its
    // property columns as attributes, so pass 1 is skipped and names are registered in pass 2,
    // in the same order of first appearance.
    bool unscanned = false;
    std::vector<uint32_t> property_slots;  // per column: its index among the property columns
    uint32_t property_count = 0;
};

constexpr uint32_t kNoSlot = UINT32_MAX;

constexpr const char* kDefaultLabel = "Vertex";
constexpr const char* kDefaultType = "EDGE";

// ---- progress -------------------------------------------------------------------------------

class Progress {
public:
    explicit Progress(bool quiet) : quiet_(quiet) {}

    void begin(const char* phase, const std::string& file, uint64_t size) {
        phase_ = phase;
        file_ = file;
        size_ = size;
        start_ = last_ = Clock::now();
        next_look_ = 0;
    }
    // `rows` so far, per row or per chunk; looks at the clock every 16K rows and prints at most
    // once a second.
    void tick(uint64_t rows, uint64_t offset) {
        if (quiet_ || rows < next_look_) return;
        next_look_ = rows + 0x4000;
        auto now = Clock::now();
        if (now - last_ < std::chrono::seconds(1)) return;
        last_ = now;
        double rate = static_cast<double>(rows) / std::max(1e-9, std::chrono::duration<double>(now - start_).count());
        std::fprintf(stderr, "mmgraph: %s %s: %llu rows (%.0f%%), %.2fM rows/s\n", phase_, file_.c_str(),
                     static_cast<unsigned long long>(rows), size_ ? 100.0 * static_cast<double>(offset) / static_cast<double>(size_) : 100.0,
                     rate / 1e6);
    }
    void note(const std::string& line) const {
        if (!quiet_) std::fprintf(stderr, "mmgraph: %s\n", line.c_str());
    }

private:
    bool quiet_;
    uint64_t next_look_ = 0;
    const char* phase_ = "";
    std::string file_;
    uint64_t size_ = 0;
    Clock::time_point start_, last_;
};

// ---- Importer -------------------------------------------------------------------------------

class Importer {
public:
    explicit Importer(const BuildOptions& options)
        : options_(options),
          labels_("label", ":LABEL", format::kMaxLabels, true),
          types_("edge type", ":TYPE", format::kMaxEdgeTypes, false),
          progress_(options.quiet) {}

    void run() {
        check_output_directory();
        auto start = Clock::now();
        if (!options_.edgelists.empty()) {
            if (options_.id_type == KeyType::string) throw Error("--id-type string: edge list ids are integers");
            key_type_ = KeyType::int64;
            writer_ = std::make_unique<Writer>(writer_options());
            load_edgelists();
        } else {
            for (const auto& path : options_.nodes) sources_.emplace_back(path, true);
            for (const auto& path : options_.relationships) sources_.emplace_back(path, false);
            for (Source& s : sources_) {
                const size_t of_kind = static_cast<size_t>(std::count_if(sources_.begin(), sources_.end(), [&](const Source& o) { return o.nodes == s.nodes; }));
                s.unscanned = of_kind == 1;
                scan(s);
            }
            key_type_ = id_type();
            writer_ = std::make_unique<Writer>(writer_options());
            declare(labels_, true);
            declare(types_, false);
            for (Source& s : sources_)
                if (s.nodes) load(s);
            for (Source& s : sources_)
                if (!s.nodes) load(s);
        }
        double read_seconds = seconds_since(start);
        progress_.note("writing " + options_.output + ": " + std::to_string(writer_->vertex_count()) + " vertices, " +
                       std::to_string(writer_->edge_count()) + " edges");
        WriteStats stats = writer_->finish(options_.output);
        summary(stats, read_seconds, seconds_since(start));
    }

private:
    WriterOptions writer_options() const {
        WriterOptions w;
        w.threads = options_.threads;
        w.shard_count = options_.shards;
        w.key_type = key_type_;
        w.temp_directory = options_.temp_directory;
        return w;
    }

    // The key type: --id-type, else the node files' {id-type:...} options, which must agree;
    // string when nothing says.
    KeyType id_type() const {
        std::optional<KeyType> chosen = options_.id_type;
        std::string origin = "--id-type";
        auto name = [](KeyType t) { return std::string(t == KeyType::int64 ? "integer" : "string"); };
        for (const Source& s : sources_) {
            if (!s.nodes || s.key < 0) continue;
            const Column& column = s.columns[static_cast<size_t>(s.key)];
            if (!column.id_type) continue;
            if (chosen && *chosen != *column.id_type)
                throw Error(column.where + ": id-type " + name(*column.id_type) + " here but " + name(*chosen) + " from " + origin);
            chosen = column.id_type;
            origin = column.where;
        }
        return chosen.value_or(KeyType::string);
    }

    // A key field as the build's key type: the text itself, or the integer it spells.
    Key key_of(const CsvField& field, const InputBuffer& input, const char* column) const {
        if (key_type_ == KeyType::string) return field.text;
        int64_t key = 0;
        if (!parse_number(field.text, key))
            input.fail(field.offset, field.line, std::string(column) + " " + quote(field.text) + " is not an integer (the ids are integers)");
        return key;
    }

    // Fail before reading gigabytes, not after.
    void check_output_directory() const {
        namespace fs = std::filesystem;
        fs::path dir = fs::path(options_.output).parent_path();
        if (dir.empty()) dir = ".";
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) throw Error(options_.output + ": directory " + dir.string() + " does not exist");
    }

    // --skip-bad-rows: count the row and go on; else stop the build with the row's error.
    void bad_row(const InputError& e) {
        if (!options_.skip_bad_rows) throw e;
        constexpr uint64_t kShown = 10;
        if (bad_rows_ < kShown) std::fprintf(stderr, "mmgraph: %s (row skipped)\n", e.what());
        else if (bad_rows_ == kShown) std::fprintf(stderr, "mmgraph: further bad rows are skipped without a message\n");
        ++bad_rows_;
    }

    InputBuffer& open(Source& s) {
        if (!s.input) s.input = std::make_unique<InputBuffer>(s.path);
        return *s.input;
    }
    void close(Source& s) {
        if (s.input && s.input->mapped()) s.input.reset();
    }

    void read_header(Source& s, CsvReader& reader, CsvRecord& record) {
        const InputBuffer& input = reader.input();
        if (!reader.next(record)) input.fail(0, 1, "empty file: expected a header row");
        s.columns.clear();
        for (size_t i = 0; i < record.fields.size(); ++i) {
            Column column = parse_column(record.fields[i], s.nodes, input);
            int* role_column = nullptr;
            switch (column.role) {
                case Role::key: role_column = &s.key; break;
                case Role::label: role_column = &s.label; break;
                case Role::start: role_column = &s.start; break;
                case Role::end: role_column = &s.end; break;
                case Role::type: role_column = &s.type; break;
                case Role::property:
                    for (const Column& other : s.columns)
                        if (other.role == Role::property && other.name == column.name)
                            throw InputError(column.where + ": column " + quote(column.name) + " appears twice");
                    break;
                case Role::ignore: break;
            }
            if (role_column) {
                if (*role_column >= 0) throw InputError(column.where + ": column " + quote(record.fields[i].text) + " appears twice");
                *role_column = static_cast<int>(i);
            }
            s.columns.push_back(std::move(column));
        }
        const CsvField& first = record.fields.front();
        if (s.nodes && s.key < 0) input.fail(first.offset, first.line, "no :ID column (the vertex key, e.g. 'id:ID') in the header");
        if (!s.nodes && s.start < 0) input.fail(first.offset, first.line, "no :START_ID column in the header");
        if (!s.nodes && s.end < 0) input.fail(first.offset, first.line, "no :END_ID column in the header");
    }

    void check_width(const Source& s, const InputBuffer& input, const CsvRecord& record) const {
        size_t want = s.columns.size(), got = record.fields.size();
        if (got == want) return;
        std::string why = std::to_string(got) + " field" + (got == 1 ? "" : "s") + ", the header has " + std::to_string(want);
        if (got > want) input.fail(record.fields[want].offset, record.fields[want].line, why);
        input.fail(record.end_offset, record.end_line, why);
    }

    Shapes& shapes(const Source& s) { return s.nodes ? labels_ : types_; }
    const Shapes& shapes(const Source& s) const { return s.nodes ? labels_ : types_; }

    uint32_t shape_of(Source& s, const InputBuffer& input, const CsvRecord& record) {
        int column = s.nodes ? s.label : s.type;
        return shapes(s).of(column >= 0 ? &record.fields[static_cast<size_t>(column)] : nullptr, input,
                            options_.array_delimiter, s.nodes ? kDefaultLabel : kDefaultType);
    }
    // shape_of once the shapes are frozen, for worker threads.
    uint32_t shape_of(const Source& s, const InputBuffer& input, const CsvRecord& record, Shapes::Recent& recent) const {
        int column = s.nodes ? s.label : s.type;
        return shapes(s).find(column >= 0 ? &record.fields[static_cast<size_t>(column)] : nullptr, input, options_.array_delimiter,
                              s.nodes ? kDefaultLabel : kDefaultType, recent);
    }

    void mark(Source& s, uint32_t shape) {
        if (s.use.size() <= shape) s.use.resize(shape + 1, -1);
        if (s.use[shape] < 0) {
            s.use[shape] = static_cast<int32_t>(s.slots.size());
            s.slots.emplace_back();
        }
    }

    // What a chunk holds for pass 1: in row order, each label or type name at its first
    // appearance in the chunk, and each bad row's error.
    struct ScannedNames {
        struct Event {
            std::string name;
            CsvField field;  // where the name is (text: `name`)
            std::exception_ptr error;  // instead of a name
        };
        std::vector<Event> events;
        uint64_t rows = 0;
        CsvRecord record;
        std::unordered_set<std::string> seen;  // names in events
        std::string_view last;                 // in seen
    };

    // Pass 1: the header, and which labels / edge types the file holds. Worker threads read the
    // names a chunk at a time; they are registered here in order of first appearance.
    void scan(Source& s) {
        InputBuffer& input = open(s);
        CsvReader reader(input, options_.delimiter);
        CsvRecord record;
        read_header(s, reader, record);
        const int column = s.nodes ? s.label : s.type;
        if (column < 0) {
            s.unscanned = false;
            mark(s, shape_of(s, input, record));
            close(s);
            return;
        }
        if (s.unscanned) {
            s.property_slots.assign(s.columns.size(), kNoSlot);
            for (size_t c = 0; c < s.columns.size(); ++c)
                if (s.columns[c].role == Role::property) s.property_slots[c] = s.property_count++;
            close(s);
            return;
        }
        auto names = [&](const ChunkBounds& bounds, ScannedNames& chunk) {
            chunk.events.clear();
            chunk.seen.clear();
            chunk.last = {};
            chunk.rows = 0;
            CsvReader rows(input, options_.delimiter, bounds.begin, bounds.first_line);
            for (;;) {
                try {
                    if (!rows.next(chunk.record, bounds.end)) break;
                    check_width(s, input, chunk.record);
                    const CsvField& field = chunk.record.fields[static_cast<size_t>(column)];
                    shapes(s).check(field.text, &field, input, options_.array_delimiter);
                    if (field.text != chunk.last) {  // most rows repeat the row before's name
                        auto [it, added] = chunk.seen.insert(std::string(field.text));
                        if (added) chunk.events.push_back({*it, field, nullptr});
                        chunk.last = *it;  // a set node: stable
                    }
                } catch (const InputError&) {
                    if (!options_.skip_bad_rows) chunk.events.push_back({{}, {}, std::current_exception()});
                    // else pass 2 meets and counts it
                } catch (...) {
                    chunk.events.push_back({{}, {}, std::current_exception()});
                }
                ++chunk.rows;
            }
            return rows.offset();
        };
        ParallelRows<ScannedNames> chunks(input, reader.offset(), reader.line(), workers(), options_.chunk_bytes, names);
        progress_.begin("scan", s.path, input.size());
        uint64_t count = 0;
        while (ScannedNames* chunk = chunks.next()) {
            for (ScannedNames::Event& e : chunk->events) {
                if (e.error) std::rethrow_exception(e.error);
                e.field.text = e.name;
                try {
                    mark(s, shapes(s).of(&e.field, input, options_.array_delimiter, nullptr));
                } catch (const InputError&) {  // more names than the format allows
                    if (!options_.skip_bad_rows) throw;
                }
            }
            count += chunk->rows;
            progress_.tick(count, chunks.offset());
            input.release_before(chunks.offset());
        }
        close(s);
    }

    // Each shape's attributes: the union of the property columns of the files it appears in,
    // in order of first appearance; all nullable, since other files' rows lack them.
    void declare(Shapes& set, bool labels) {
        for (uint32_t id = 0; id < set.list.size(); ++id) declare_shape(set, id, labels);
        const bool unscanned = std::any_of(sources_.begin(), sources_.end(), [&](const Source& s) { return s.nodes == labels && s.unscanned; });
        if (!unscanned) set.freeze();
    }

    void declare_shape(Shapes& set, uint32_t id, bool labels) {
        auto& shape = set.list[id];
        for (size_t si = 0; si < sources_.size(); ++si) {
            Source& s = sources_[si];
            if (s.nodes != labels || s.use.size() <= id || s.use[id] < 0) continue;
            auto& slots = s.slots[static_cast<size_t>(s.use[id])];
            slots.assign(s.columns.size(), kNoSlot);
            for (size_t c = 0; c < s.columns.size(); ++c) {
                const Column& column = s.columns[c];
                if (column.role != Role::property) continue;
                size_t a = 0;
                while (a < shape.attributes.size() && shape.attributes[a].name != column.name) ++a;
                if (a == shape.attributes.size()) {
                    shape.attributes.push_back(AttributeSpec{column.name, column.type, true});
                    shape.origin.emplace_back(si, c);
                } else if (shape.attributes[a].type != column.type) {
                    auto [osi, oc] = shape.origin[a];
                    const Column& first = sources_[osi].columns[oc];
                    throw Error(column.where + ": column " + quote(column.name) + " is " + csv_type_name(column.type) +
                                " here but " + csv_type_name(first.type) + " at " + first.where + ", and both files hold " +
                                (labels ? "label " : "edge type ") + quote(shape.name));
                }
                slots[c] = static_cast<uint32_t>(a);
            }
        }
        shape.id = labels ? writer_->add_label(shape.name, shape.attributes) : writer_->add_edge_type(shape.name, shape.attributes);
    }

    // The shape of a row of an unscanned file, registered and declared on first sight.
    uint32_t register_shape(Source& s, const InputBuffer& input, std::string_view name, uint64_t offset, uint64_t line) {
        Shapes& set = shapes(s);
        CsvField field;
        field.text = name;
        field.offset = offset;
        field.line = line;
        const size_t known = set.list.size();
        const uint32_t id = set.of(&field, input, options_.array_delimiter, nullptr);
        if (set.list.size() > known) {
            mark(s, id);
            declare_shape(set, id, s.nodes);
        }
        return id;
    }

    // Rows of one chunk of a file, parsed on a worker thread: what the Writer call needs, or
    // the error the row gave, raised when the consuming thread reaches the row (file order).
    struct ParsedRows {
        struct Row {
            uint64_t offset = 0, line = 0;  // of the record's first field
            uint32_t shape = 0;
            uint32_t values = 0;             // where its shape's values start in `values`
            Key key;                         // node rows; the :ID field's text and place follow
            std::string_view key_text;
            uint64_t key_offset = 0, key_line = 0;
            uint32_t from = 0, to = 0;       // relationship rows: the endpoints' vertex ids
            std::string_view name;           // unscanned files: the label or type, not yet an id
            uint64_t name_offset = 0, name_line = 0;
            std::exception_ptr error;
        };
        std::vector<Row> rows;
        std::vector<Value> values;
        ValueStore store;  // what `values` and string keys point into, besides the input

        // The parsing thread's scratch: a batch of records whose endpoints are looked up together.
        std::vector<CsvRecord> records;
        std::vector<Key> endpoints;
        std::vector<std::optional<uint32_t>> ids;
        Shapes::Recent recent;

        void clear() {
            rows.clear();
            values.clear();
            store.clear();
        }
    };

    // Parsing threads besides this one, which parses too whenever it would wait: one per core
    // beyond the first, so that the Writer's thread is never starved of a core.
    unsigned workers() const { return (options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency())) - 1; }

    // Pass 2: one vertex or edge per row. Worker threads parse the rows a chunk at a time (for
    // relationships, looking up the endpoints too: no vertex is added meanwhile), and this
    // thread adds them to the Writer in file order.
    void load(Source& s) {
        InputBuffer& input = open(s);
        {
            CsvReader header(input, options_.delimiter);
            CsvRecord record;
            header.next(record);  // read in pass 1
            const FieldParser parser(input, options_.array_delimiter);
            auto parse = [&](const ChunkBounds& bounds, ParsedRows& rows) {
                return s.nodes ? parse_vertices(s, input, parser, bounds, rows) : parse_links(s, input, parser, bounds, rows);
            };
            ParallelRows<ParsedRows> chunks(input, header.offset(), header.line(), workers(), options_.chunk_bytes, parse);
            progress_.begin(s.nodes ? "load" : "link", s.path, input.size());
            uint64_t count = 0;
            while (const ParsedRows* rows = chunks.next()) {
                for (const ParsedRows::Row& row : rows->rows) {
                    try {
                        if (row.error) std::rethrow_exception(row.error);
                        const uint32_t shape = s.unscanned ? register_shape(s, input, row.name, row.name_offset, row.name_line) : row.shape;
                        if (s.nodes) add_vertex(input, *rows, row, shape);
                        else add_edge(input, *rows, row, shape);
                    } catch (const InputError& e) {
                        bad_row(e);
                    }
                    progress_.tick(++count, row.offset);
                }
                input.release_before(chunks.offset());
            }
        }
        s.input.reset();
    }

    // The values of a row of `shape`, parsed into `rows`; null for attributes the file has no
    // column for.
    void parse_values(const Source& s, const InputBuffer& input, uint32_t shape, const FieldParser& parser, const CsvRecord& record,
                      ParsedRows& rows, ParsedRows::Row& row) const {
        // An unscanned file's names all take its property columns, in order.
        const std::vector<uint32_t>* slots = &s.property_slots;
        size_t count = s.property_count;
        if (!s.unscanned) {
            if (shape >= s.use.size() || s.use[shape] < 0)  // the name is known from another file only
                throw Error(input.where(row.offset, row.line) + ": " + (s.nodes ? "label " : "edge type ") + quote(shapes(s).list[shape].name) +
                            " was not in this file on the first read; did the file change during the build?");
            slots = &s.slots[static_cast<size_t>(s.use[shape])];
            count = shapes(s).list[shape].attributes.size();
        }
        row.values = static_cast<uint32_t>(rows.values.size());
        rows.values.resize(rows.values.size() + count);
        for (size_t c = 0; c < slots->size(); ++c)
            if ((*slots)[c] != kNoSlot) rows.values[row.values + (*slots)[c]] = parser.parse(s.columns[c], record.fields[c], rows.store);
    }

    // A row's shape id, or for an unscanned file its checked name, which the consuming thread
    // registers.
    void shape_or_name(const Source& s, const InputBuffer& input, const CsvRecord& record, ParsedRows& rows, ParsedRows::Row& row) const {
        if (!s.unscanned) {
            row.shape = shape_of(s, input, record, rows.recent);
            return;
        }
        const CsvField& field = record.fields[static_cast<size_t>(s.nodes ? s.label : s.type)];
        shapes(s).check(field.text, &field, input, options_.array_delimiter);
        row.name = field.text;
        row.name_offset = field.offset;
        row.name_line = field.line;
    }

    // A worker's part of a node row: label, key and values.
    uint64_t parse_vertices(const Source& s, const InputBuffer& input, const FieldParser& parser, const ChunkBounds& bounds,
                            ParsedRows& rows) const {
        rows.clear();
        rows.records.resize(std::max<size_t>(rows.records.size(), 1));
        CsvRecord& record = rows.records.front();
        CsvReader reader(input, options_.delimiter, bounds.begin, bounds.first_line);
        for (;;) {
            ParsedRows::Row& row = rows.rows.emplace_back();
            try {
                if (!reader.next(record, bounds.end)) {
                    rows.rows.pop_back();
                    break;
                }
                row.offset = record.fields.front().offset;
                row.line = record.line;
                check_width(s, input, record);
                rows.store.keep_escaped(record);  // the key and values outlive the record
                shape_or_name(s, input, record, rows, row);
                const CsvField& key = record.fields[static_cast<size_t>(s.key)];
                if (key.text.empty()) input.fail(key.offset, key.line, "empty :ID (every vertex needs a key)");
                row.key = key_of(key, input, ":ID");
                row.key_text = key.text;
                row.key_offset = key.offset;
                row.key_line = key.line;
                parse_values(s, input, row.shape, parser, record, rows, row);
            } catch (...) {
                row.error = std::current_exception();
            }
        }
        return reader.offset();
    }

    // A worker's part of a relationship row: type, values, and the endpoints' ids, looked up a
    // batch at a time (Writer::find_vertices overlaps their key-table misses).
    uint64_t parse_links(const Source& s, const InputBuffer& input, const FieldParser& parser, const ChunkBounds& bounds,
                         ParsedRows& rows) const {
        constexpr size_t kBatch = 256;
        rows.clear();
        rows.records.resize(std::max(rows.records.size(), kBatch));  // read in place: escaped fields point into each
        CsvReader reader(input, options_.delimiter, bounds.begin, bounds.first_line);
        for (bool more = true; more;) {
            const size_t first = rows.rows.size();
            rows.endpoints.clear();
            size_t n = 0;
            for (; n < kBatch; ++n) {
                ParsedRows::Row& row = rows.rows.emplace_back();
                CsvRecord& record = rows.records[n];
                try {
                    if (!reader.next(record, bounds.end)) {
                        rows.rows.pop_back();
                        more = false;
                        break;
                    }
                    row.offset = record.fields.front().offset;
                    row.line = record.line;
                    check_width(s, input, record);
                    rows.store.keep_escaped(record);
                    shape_or_name(s, input, record, rows, row);
                    rows.endpoints.push_back(key_of(record.fields[static_cast<size_t>(s.start)], input, ":START_ID"));
                    rows.endpoints.push_back(key_of(record.fields[static_cast<size_t>(s.end)], input, ":END_ID"));
                } catch (...) {
                    row.error = std::current_exception();
                }
            }
            rows.ids.resize(rows.endpoints.size());
            writer_->find_vertices(rows.endpoints, rows.ids);
            for (size_t i = 0, next_id = 0; i < n; ++i) {
                ParsedRows::Row& row = rows.rows[first + i];
                if (row.error) continue;
                const CsvRecord& record = rows.records[i];
                try {
                    next_id += 2;  // before anything that may throw
                    parse_values(s, input, row.shape, parser, record, rows, row);
                    const std::optional<uint32_t> from_id = rows.ids[next_id - 2], to_id = rows.ids[next_id - 1];
                    const CsvField& from = record.fields[static_cast<size_t>(s.start)];
                    const CsvField& to = record.fields[static_cast<size_t>(s.end)];
                    if (!from_id) input.fail(from.offset, from.line, "unknown :START_ID " + quote(from.text) + " (no vertex has this id)");
                    if (!to_id) input.fail(to.offset, to.line, "unknown :END_ID " + quote(to.text) + " (no vertex has this id)");
                    row.from = *from_id;
                    row.to = *to_id;
                } catch (...) {
                    row.error = std::current_exception();
                }
            }
        }
        return reader.offset();
    }

    std::span<const Value> values_of(const Shapes& set, uint32_t shape, const ParsedRows& rows, const ParsedRows::Row& row) const {
        return std::span<const Value>(rows.values).subspan(row.values, set.list[shape].attributes.size());
    }

    void add_vertex(const InputBuffer& input, const ParsedRows& rows, const ParsedRows::Row& row, uint32_t label) {
        try {
            writer_->add_vertex(row.key, labels_.list[label].id, values_of(labels_, label, rows, row));
        } catch (const Error& e) {
            if (writer_->has_vertex(row.key)) input.fail(row.key_offset, row.key_line, "duplicate :ID " + quote(row.key_text));
            input.fail(row.offset, row.line, e.what());
        }
    }

    void add_edge(const InputBuffer& input, const ParsedRows& rows, const ParsedRows::Row& row, uint32_t type) {
        try {
            writer_->add_edge_by_id(row.from, row.to, types_.list[type].id, values_of(types_, type, rows, row));
        } catch (const SystemError&) {
            throw;  // not the row's fault: never skipped as a bad row
        } catch (const Error& e) {
            input.fail(row.offset, row.line, e.what());
        }
    }

    // The edges of one chunk of an edge list, parsed on a worker thread: endpoints in order
    // (source, target, source, ...) and the errors of bad lines, also in order.
    struct ParsedPairs {
        std::vector<Key> endpoints;
        std::vector<std::exception_ptr> errors;
        uint64_t lines = 0;  // edges and bad lines
    };

    // SNAP edge lists: every distinct integer is a vertex (int64 key), in order of first sight.
    // Worker threads parse the lines; this thread resolves the endpoints a batch at a time (the
    // writer overlaps their key-table misses) and adds the edges, in file order.
    void load_edgelists() {
        LabelId label = writer_->add_label(kDefaultLabel);
        EdgeTypeId type = writer_->add_edge_type(kDefaultType);
        for (const std::string& path : options_.edgelists) {
            InputBuffer input(path);
            auto parse = [&](const ChunkBounds& bounds, ParsedPairs& chunk) {
                chunk.endpoints.clear();
                chunk.errors.clear();
                chunk.lines = 0;
                EdgeListReader reader(input, bounds.begin, bounds.first_line);
                for (;; ++chunk.lines) {
                    int64_t from = 0, to = 0;
                    try {
                        if (!reader.next(from, to, bounds.end)) break;
                    } catch (const InputError&) {
                        chunk.errors.push_back(std::current_exception());
                        continue;
                    }
                    chunk.endpoints.push_back(from);
                    chunk.endpoints.push_back(to);
                }
                return reader.offset();
            };
            ParallelRows<ParsedPairs> chunks(input, 0, 1, workers(), options_.chunk_bytes, parse);
            progress_.begin("load", path, input.size());
            constexpr size_t kBatch = 8192;  // endpoints per vertices_for call
            std::vector<uint32_t> ids;
            uint64_t rows = 0;
            while (const ParsedPairs* chunk = chunks.next()) {
                for (const std::exception_ptr& error : chunk->errors) {
                    try {
                        std::rethrow_exception(error);
                    } catch (const InputError& e) {
                        bad_row(e);
                    }
                }
                const std::span<const Key> endpoints(chunk->endpoints);
                for (size_t at = 0; at < endpoints.size(); at += kBatch) {
                    const auto batch = endpoints.subspan(at, std::min(kBatch, endpoints.size() - at));
                    ids.resize(batch.size());
                    writer_->vertices_for(batch, label, ids);
                    for (size_t i = 0; i < ids.size(); i += 2) writer_->add_edge_by_id(ids[i], ids[i + 1], type);
                }
                rows += chunk->lines;
                progress_.tick(rows, chunks.offset());
                input.release_before(chunks.offset());
            }
        }
    }

    void summary(const WriteStats& stats, double read_seconds, double total_seconds) const {
        struct rusage usage {};
        ::getrusage(RUSAGE_SELF, &usage);
        std::string files;
        for (const auto& f : stats.files) files += (files.empty() ? "" : ", ") + f.string();
        std::fprintf(stderr, "mmgraph: wrote %s\n", files.c_str());
        std::fprintf(stderr, "  vertices     %llu\n", static_cast<unsigned long long>(stats.vertices));
        std::fprintf(stderr, "  edges        %llu\n", static_cast<unsigned long long>(stats.edges));
        std::fprintf(stderr, "  bytes        %llu", static_cast<unsigned long long>(stats.bytes));
        if (stats.edges) std::fprintf(stderr, " (%.2f per edge)", static_cast<double>(stats.bytes) / static_cast<double>(stats.edges));
        std::fprintf(stderr, "\n  node types   %u\n", stats.node_types);
        if (options_.skip_bad_rows) std::fprintf(stderr, "  bad rows     %llu skipped\n", static_cast<unsigned long long>(bad_rows_));
        std::fprintf(stderr, "  seconds      read %.2f, plan %.2f, encode %.2f, commit %.2f, total %.2f\n", read_seconds,
                     stats.plan_seconds, stats.encode_seconds, stats.commit_seconds, total_seconds);
        std::fprintf(stderr, "  peak memory  %.1f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);  // ru_maxrss is in KiB
    }

    const BuildOptions& options_;
    KeyType key_type_ = KeyType::string;
    std::unique_ptr<Writer> writer_;  // made once the key type is known (after the headers)
    Shapes labels_, types_;
    std::vector<Source> sources_;
    Progress progress_;
    uint64_t bad_rows_ = 0;
};

}  // namespace

void run_build(const BuildOptions& options) {
    Importer importer(options);
    importer.run();
}

}  // namespace mmgraph::importer
