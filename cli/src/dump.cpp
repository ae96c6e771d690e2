// `mmgraph dump FILE --out DIR`: the graph back to neo4j-admin import CSV, laid out so that
// `mmgraph build --nodes DIR/nodes*.csv --edges DIR/edges*.csv` (sorted) rebuilds the same bytes:
//   - nodes-NNNNNN.csv: one file per run of consecutive vertices of one label set in index
//     order, so the rebuild adds vertices in the same order and meets labels in schema order;
//     every file of a label set carries all its attributes (spec §4.2) in order, and names its
//     labels in :LABEL joined by ';' (a vertex with several labels, §6.6);
//   - edges-NNNNNN.csv: one file per edge type in schema order, edges in stored out-order, so
//     types, multi-edge order and property ordinals come out the same; with ID spaces (§8.3),
//     one file per type and pair of endpoint spaces, which keeps parallel edges together;
//   - build stores a named :ID column (`personId:ID`) as an attribute too, so the key column is
//     named after an attribute only where the run's every vertex holds its key in it (typed as
//     the key), and stands in that attribute's place; otherwise it is an unnamed `:ID`, which
//     stores nothing, and an attribute of any name and values stays a column of its own; a key
//     attribute that only one label of a set has is written with that label's {label:...};
//   - a vertex of a named ID space is written under an `:ID(Space)` column, its edges' ends
//     under `:START_ID(Space)` / `:END_ID(Space)`; node runs also break where the space changes.
// Only the column types the importer reads can be dumped; a dataset of several shards is refused
// (its global insertion order is not recorded).
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "inspect.hpp"
#include "mmgraph/format/date.hpp"
#include "mmgraph/format/temporal.hpp"
#include "mmgraph/import.hpp"

namespace mmgraph::cli {

namespace {

std::string column(const AttributeInfo& a, const std::string& owner) {
    const char* base = importer::csv_type_name(a.type.element());
    if (!base)
        throw Error(ErrorKind::bad_input, owner + " attribute '" + std::string(a.name) + "' of type " + a.type.name() +
                    " has no CSV column type: this file cannot be dumped");
    return std::string(a.name) + ":" + base + (a.type.is_list() ? "[]" : "");
}

class CsvFile {
public:
    explicit CsvFile(const std::filesystem::path& path) : path_(path), file_(std::fopen(path.c_str(), "wb")) {
        if (!file_) {
            const int error = errno;
            throw Error::io("cannot create " + path.string() + ": " + std::strerror(error), error);
        }
        std::setvbuf(file_.get(), nullptr, _IOFBF, 1 << 20);
    }
    void raw(std::string_view text) { std::fwrite(text.data(), 1, text.size(), file_.get()); }
    void quoted(std::string_view text) {
        raw("\"");
        for (size_t at = 0;;) {
            size_t quote = text.find('"', at);
            raw(text.substr(at, quote == std::string_view::npos ? quote : quote + 1 - at));
            if (quote == std::string_view::npos) break;
            raw("\"");  // a quote inside a quoted field is doubled (RFC 4180)
            at = quote + 1;
        }
        raw("\"");
    }
    void close() {
        if (std::fflush(file_.get()) != 0 || std::ferror(file_.get())) {
            const int error = errno;
            throw Error::io("cannot write " + path_.string() + ": " + std::strerror(error), error);
        }
        file_.reset();
    }

private:
    struct Closer {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::filesystem::path path_;
    std::unique_ptr<std::FILE, Closer> file_;
};

// The 2.2 types in the text forms of spec §4.3, which the importer reads back to the same bytes.
// A point's map form has commas and quotes, so it is a quoted field; a damaged value is an
// error rather than text that would import as something else.
void temporal(CsvFile& out, const ValueRef& v, const File& file) {
    const uint8_t code = static_cast<uint8_t>(v.type().element());
    std::string_view zone = code == static_cast<uint8_t>(TypeCode::datetime) ? file.zone_name(v.as_datetime().zone) : std::string_view();
    std::string text = format::temporal_to_text(code, v.as_bytes().data(), zone);
    if (text.starts_with("invalid ")) throw Error(ErrorKind::damaged, text);
    if (code == static_cast<uint8_t>(TypeCode::point)) out.quoted(text);
    else out.raw(text);
}

void scalar(CsvFile& out, const ValueRef& v, const File& file) {
    if (format::is_temporal_code(static_cast<uint8_t>(v.type().element()))) return temporal(out, v, file);
    char buf[64];
    std::to_chars_result r{};
    switch (v.type().element()) {
        case TypeCode::boolean: out.raw(v.as_bool() ? "true" : "false"); return;
        case TypeCode::float32: r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v.as_double())); break;
        case TypeCode::float64: r = std::to_chars(buf, buf + sizeof buf, v.as_double()); break;
        case TypeCode::string: out.quoted(v.as_string()); return;
        case TypeCode::date: out.raw(format::date_to_iso(v.as_date_days())); return;
        default: r = std::to_chars(buf, buf + sizeof buf, v.as_int()); break;
    }
    out.raw(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

// The items of a string[] value as one field, or an error when the importer could not split
// it back into the same items: an item holding the delimiter, or a single empty item (whose
// field would read as the empty list).
std::string joined_strings(const ValueRef& v) {
    std::string field;
    std::vector<ValueRef> items = v.elements();
    for (size_t i = 0; i < items.size(); ++i) {
        std::string_view item = items[i].as_string();
        if (item.find(';') != std::string_view::npos)
            throw Error(ErrorKind::bad_input, "item " + std::to_string(i) + " contains the array delimiter ';', so its list cannot be written as CSV");
        if (i) field += ';';
        field += item;
    }
    if (items.size() == 1 && field.empty())
        throw Error(ErrorKind::bad_input, "a list holding one empty string reads back as the empty list, so it cannot be written as CSV");
    return field;
}

// The items of a point[] value as one quoted field: their map forms hold no ';'.
std::string joined_points(const ValueRef& v) {
    std::string field;
    for (uint64_t i = 0; i < v.list_size(); ++i) {
        ValueRef item = v.element(i);
        std::string text = format::temporal_to_text(item.type().byte, item.as_bytes().data());
        if (text.starts_with("invalid ")) throw Error(ErrorKind::damaged, "item " + std::to_string(i) + ": " + text);
        if (i) field += ';';
        field += text;
    }
    return field;
}

// Null is an empty unquoted field; an empty list is "" (the importer's convention).
void value(CsvFile& out, const ValueRef& v, const File& file) {
    if (v.is_null()) return;
    if (!v.type().is_list()) return scalar(out, v, file);
    if (v.list_size() == 0) return out.raw("\"\"");
    if (v.type().element() == TypeCode::string) return out.quoted(joined_strings(v));
    if (v.type().element() == TypeCode::point) return out.quoted(joined_points(v));
    for (uint64_t i = 0; i < v.list_size(); ++i) {
        if (i) out.raw(";");
        scalar(out, v.element(i), file);
    }
}

void key(CsvFile& out, const Vertex& v) {
    Key k = v.key();
    if (auto* s = std::get_if<std::string_view>(&k)) out.quoted(*s);
    else out.quoted(std::to_string(std::get<int64_t>(k)));
}

// The one label of `set` that has attribute `name`, when the set has others: what a key column's
// {label:...} option names so that only that label takes the attribute back.
std::optional<uint32_t> sole_owner(const File& file, uint32_t set, std::string_view name) {
    std::optional<uint32_t> owner;
    const auto labels = file.label_set_labels(set);
    for (uint32_t label : labels) {
        if (!file.labels()[label].find(name)) continue;
        if (owner) return std::nullopt;
        owner = label;
    }
    return labels.size() > 1 ? owner : std::nullopt;
}

// The attribute of `layout` that holds the key of every vertex in [begin, end), typed as the key
// (what build makes of a `name:ID` column), or none.
std::optional<uint32_t> key_attribute(const File& file, const LabelInfo& layout, uint64_t begin, uint64_t end) {
    const Type key_type(file.key_type() == KeyType::int64 ? TypeCode::int64 : TypeCode::string);
    for (uint32_t a = 0; a < layout.attributes.size(); ++a) {
        if (layout.attributes[a].type != key_type) continue;
        bool holds_key = true;
        for (uint64_t i = begin; i < end && holds_key; ++i) {
            const Vertex v = file.vertex(i);
            const ValueRef value = v.get(a);
            const Key k = v.key();
            holds_key = !value.is_null() && (file.key_type() == KeyType::int64 ? Key(value.as_int()) == k : Key(value.as_string()) == k);
        }
        if (holds_key) return a;
    }
    return std::nullopt;
}

std::string numbered(const char* prefix, uint64_t n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s-%06llu.csv", prefix, static_cast<unsigned long long>(n));
    return buf;
}

// A failed dump (a value CSV cannot express, a full disk) leaves the directory as it found it:
// absent, or empty, since dump only writes into an empty one.
struct DirectoryRollback {
    std::filesystem::path dir;
    bool created = false;
    bool keep = false;
    ~DirectoryRollback() {
        if (keep) return;
        std::error_code ec;
        if (created) {
            std::filesystem::remove_all(dir, ec);
            return;
        }
        std::vector<std::filesystem::path> written;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) written.push_back(entry.path());
        for (const auto& path : written) std::filesystem::remove_all(path, ec);
    }
};

// What `build` of the dump gives each label: the union of the columns of the files it appears
// in, in order of first appearance (the importer's rule). A file of a label set has the set's
// attributes, so a label gets those of the labels it shares a set with; where that differs
// from the label's own attributes, the rebuild cannot be byte-identical.
class RebuiltLabels {
public:
    explicit RebuiltLabels(const File& file) : file_(file), names_(file.labels().size()) {}
    // `owned`: an attribute that only label `owner` takes (a key column's {label:...} option).
    void meet(uint32_t set, std::string_view owned = {}, std::optional<uint32_t> owner = {}) {
        for (uint32_t label : file_.label_set_labels(set))
            for (const AttributeInfo& a : file_.label_set_layout(set).attributes)
                if (!(owner && label != *owner && a.name == owned) &&
                    std::find(names_[label].begin(), names_[label].end(), a.name) == names_[label].end())
                    names_[label].push_back(a.name);
    }
    std::vector<std::string> differing() const {
        std::vector<std::string> labels;
        for (uint32_t l = 0; l < names_.size(); ++l) {
            std::vector<std::string_view> own;
            for (const AttributeInfo& a : file_.labels()[l].attributes) own.push_back(a.name);
            if (file_.labels()[l].count > 0 && own != names_[l]) labels.emplace_back(file_.labels()[l].name);
        }
        return labels;
    }

private:
    const File& file_;
    std::vector<std::vector<std::string_view>> names_;  // by label
};


// One node file: the vertices [begin, end) of one label set and ID space (`group`: "(Space)" or
// empty) under the set's attribute `columns`; the key column takes the name of the attribute
// that holds every key of the run, in its place, if there is one.
void write_node_run(const std::filesystem::path& path, const File& file, uint64_t begin, uint64_t end, const std::string& group,
                    const std::vector<std::string>& columns, RebuiltLabels& rebuilt) {
    const uint32_t label = file.vertex(begin).label_set();
    const LabelInfo& layout = file.label_set_layout(label);
    const std::optional<uint32_t> key_at = key_attribute(file, layout, begin, end);
    const std::optional<uint32_t> owner = key_at ? sole_owner(file, label, layout.attributes[*key_at].name) : std::nullopt;
    rebuilt.meet(label, key_at ? layout.attributes[*key_at].name : std::string_view(), owner);
    // Integer keys say so in the header, so that a build without options reads them back as
    // integers (and the rebuilt file is the same); a key attribute of one label of several
    // names it. Options with a comma make a quoted header field.
    std::vector<std::string> options;
    if (file.key_type() == KeyType::int64) options.emplace_back("id-type:integer");
    if (owner) options.push_back("label:" + std::string(file.labels()[*owner].name));
    std::string key_column = ":ID" + group;
    for (size_t o = 0; o < options.size(); ++o) key_column += (o ? "," : "{") + options[o] + (o + 1 == options.size() ? "}" : "");
    // The key comes first, unless its attribute comes after others (whose order it keeps).
    const bool key_first = !key_at || *key_at == 0;
    CsvFile out(path);
    const std::string key_header = (key_at ? std::string(layout.attributes[*key_at].name) : std::string()) + key_column;
    auto write_key_header = [&] {
        if (options.size() > 1) out.quoted(key_header);
        else out.raw(key_header);
    };
    if (key_first) {
        write_key_header();
        out.raw(",");
    }
    out.raw(":LABEL");
    for (uint32_t a = 0; a < columns.size(); ++a) {
        if (a == key_at && key_first) continue;
        out.raw(",");
        if (a == key_at) write_key_header();
        else out.raw(columns[a]);
    }
    out.raw("\n");
    for (uint64_t i = begin; i < end; ++i) {
        Vertex v = file.vertex(i);
        if (key_first) {
            key(out, v);
            out.raw(",");
        }
        out.quoted(layout.name);
        for (uint32_t a = 0; a < columns.size(); ++a) {
            if (a == key_at && key_first) continue;
            out.raw(",");
            if (a == key_at) {
                key(out, v);
                continue;
            }
            try {
                value(out, v.get(a), file);
            } catch (const Error& error) {
                throw Error(error.kind(), "vertex " + key_to_string(v.key()) + ", attribute '" + std::string(layout.attributes[a].name) + "': " + error.what());
            }
        }
        out.raw("\n");
    }
    out.close();
}

}  // namespace

void run_dump(const DumpOptions& options) {
    ReaderOptions reading;
    reading.access = Access::sequential;  // every record, in file order
    Dataset dataset = Dataset::open(options.file, reading);
    if (dataset.shard_count() > 1)
        throw Error(ErrorKind::bad_input, options.file + ": a dataset of " + std::to_string(dataset.shard_count()) +
                    " shards cannot be dumped (its global insertion order is not stored)");
    const File& file = dataset.shard(0);
    std::vector<std::vector<std::string>> label_columns, type_columns;  // by label set id, by edge type
    for (uint32_t set = 0; set < file.label_set_count(); ++set) {
        const LabelInfo& l = file.label_set_layout(set);
        label_columns.emplace_back();
        for (const auto& a : l.attributes)
            label_columns.back().push_back(column(a, std::string(set < file.labels().size() ? "label" : "label set") + " '" + std::string(l.name) + "'"));
    }
    for (const LabelInfo& t : file.edge_types()) {
        type_columns.emplace_back();
        for (const auto& a : t.attributes) type_columns.back().push_back(column(a, "edge type '" + std::string(t.name) + "'"));
    }
    const std::filesystem::path dir = options.out;
    std::error_code ec;
    if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir, ec))
        throw Error::io(dir.string() + " is not empty: dump needs a new or empty directory", ENOTEMPTY);
    const bool created = !std::filesystem::exists(dir);
    std::filesystem::create_directories(dir, ec);
    if (ec) throw Error::io("cannot create " + dir.string() + ": " + ec.message(), ec.value());
    DirectoryRollback rollback{dir, created};

    uint64_t node_files = 0;
    RebuiltLabels rebuilt(file);
    auto space_group = [&](IdSpace space) {
        return space.id == 0 ? std::string() : "(" + std::string(file.id_space_names()[space.id - 1]) + ")";
    };
    for (uint64_t i = 0; i < file.vertex_count();) {
        const uint32_t label = file.vertex(i).label_set();
        const IdSpace space = file.vertex(i).id_space();
        uint64_t end = i;
        while (end < file.vertex_count() && file.vertex(end).label_set() == label && file.vertex(end).id_space() == space) ++end;
        write_node_run(dir / numbered("nodes", ++node_files), file, i, end, space_group(space), label_columns[label], rebuilt);
        i = end;
    }
    uint64_t edge_files = 0;
    for (uint32_t t = 0; t < file.edge_types().size(); ++t) {
        const LabelInfo& type = file.edge_types()[t];
        if (type.count == 0) continue;
        // One file per pair of endpoint spaces, opened at its first edge (one pair without spaces).
        std::map<std::pair<uint16_t, uint16_t>, std::unique_ptr<CsvFile>> files;
        for (Vertex v : file.vertices()) {
            for (const Edge& e : v.edges(Direction::out, t)) {
                const IdSpace from_space = v.id_space(), to_space = dataset.vertex(e.target).id_space();
                std::unique_ptr<CsvFile>& file_of_pair = files[{from_space.id, to_space.id}];
                if (!file_of_pair) {
                    file_of_pair = std::make_unique<CsvFile>(dir / numbered("edges", ++edge_files));
                    file_of_pair->raw(":START_ID" + space_group(from_space) + ",:END_ID" + space_group(to_space) + ",:TYPE");
                    for (const auto& c : type_columns[t]) file_of_pair->raw("," + c);
                    file_of_pair->raw("\n");
                }
                CsvFile& out = *file_of_pair;
                key(out, v);
                out.raw(",");
                key(out, dataset.vertex(e.target));
                out.raw(",");
                out.quoted(type.name);
                for (uint32_t p = 0; p < type.attributes.size(); ++p) {
                    out.raw(",");
                    try {
                        value(out, file.property(e, p), file);
                    } catch (const Error& error) {
                        throw Error(error.kind(), "edge " + key_to_string(v.key()) + " -> " + key_to_string(dataset.vertex(e.target).key()) +
                                    ", property '" + std::string(type.attributes[p].name) + "': " + error.what());
                    }
                }
                out.raw("\n");
            }
        }
        for (auto& [pair, out] : files) out->close();
    }
    rollback.keep = true;
    for (const std::string& label : rebuilt.differing())
        std::fprintf(stderr, "mmgraph: warning: label '%s' shares a file with labels it lacks attributes of, so build gives it their attributes too: the rebuilt file will differ\n",
                     label.c_str());
    std::fprintf(stderr, "mmgraph: dumped %llu vertices into %llu node files and %llu edges into %llu edge files in %s\n",
                 static_cast<unsigned long long>(file.vertex_count()), static_cast<unsigned long long>(node_files),
                 static_cast<unsigned long long>(file.edge_count()), static_cast<unsigned long long>(edge_files),
                 dir.string().c_str());
}

}  // namespace mmgraph::cli
