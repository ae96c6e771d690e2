// `mmgraph dump FILE --out DIR`: the graph back to neo4j-admin import CSV, laid out so that
// `mmgraph build --nodes DIR/nodes*.csv --edges DIR/edges*.csv` (sorted) rebuilds the same bytes:
//   - nodes-NNNNNN.csv: one file per run of consecutive same-label vertices in index order, so
//     the rebuild adds vertices in the same order and meets labels in schema order; every file
//     of a label carries all its attributes in schema order;
//   - edges-NNNNNN.csv: one file per edge type in schema order, edges in stored out-order, so
//     types, multi-edge order and property ordinals come out the same.
// Only the column types the importer reads can be dumped; a dataset of several shards is refused
// (its global insertion order is not recorded).
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "inspect.hpp"
#include "mmgraph/format/date.hpp"
#include "mmgraph/format/temporal.hpp"

namespace mmgraph::cli {

namespace {

const char* csv_type(TypeCode code) {
    switch (code) {
        case TypeCode::boolean: return "boolean";
        case TypeCode::int8: return "byte";
        case TypeCode::int16: return "short";
        case TypeCode::int32: return "int";
        case TypeCode::int64: return "long";
        case TypeCode::float32: return "float";
        case TypeCode::float64: return "double";
        case TypeCode::string: return "string";
        case TypeCode::date: return "date";
        case TypeCode::localtime: return "localtime";
        case TypeCode::time: return "time";
        case TypeCode::localdatetime: return "localdatetime";
        case TypeCode::datetime: return "datetime";
        case TypeCode::duration: return "duration";
        case TypeCode::point: return "point";
        default: return nullptr;
    }
}

std::string column(const AttributeInfo& a, const std::string& owner) {
    const char* base = csv_type(a.type.element());
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

}  // namespace

void run_dump(const DumpOptions& options) {
    ReaderOptions reading;
    reading.access = Access::sequential;  // every record, in file order
    Dataset dataset = Dataset::open(options.file, reading);
    if (dataset.shard_count() > 1)
        throw Error(ErrorKind::bad_input, options.file + ": a dataset of " + std::to_string(dataset.shard_count()) +
                    " shards cannot be dumped (its global insertion order is not stored)");
    const File& file = dataset.shard(0);
    std::vector<std::vector<std::string>> label_columns, type_columns;
    for (const LabelInfo& l : file.labels()) {
        label_columns.emplace_back();
        for (const auto& a : l.attributes) label_columns.back().push_back(column(a, "label '" + std::string(l.name) + "'"));
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
    for (uint64_t i = 0; i < file.vertex_count();) {
        const uint32_t label = file.vertex(i).label();
        CsvFile out(dir / numbered("nodes", ++node_files));
        // Integer keys say so in the header, so that a build without options reads them back as
        // integers (and the rebuilt file is the same).
        out.raw(file.key_type() == KeyType::int64 ? "id:ID{id-type:integer},:LABEL" : "id:ID,:LABEL");
        for (const auto& c : label_columns[label]) out.raw("," + c);
        out.raw("\n");
        for (; i < file.vertex_count(); ++i) {
            Vertex v = file.vertex(i);
            if (v.label() != label) break;
            key(out, v);
            out.raw(",");
            out.quoted(v.label_name());
            for (uint32_t a = 0; a < label_columns[label].size(); ++a) {
                out.raw(",");
                try {
                    value(out, v.get(a), file);
                } catch (const Error& error) {
                    throw Error(error.kind(), "vertex " + key_to_string(v.key()) + ", attribute '" + std::string(file.labels()[label].attributes[a].name) + "': " + error.what());
                }
            }
            out.raw("\n");
        }
        out.close();
    }
    uint64_t edge_files = 0;
    for (uint32_t t = 0; t < file.edge_types().size(); ++t) {
        const LabelInfo& type = file.edge_types()[t];
        if (type.count == 0) continue;
        CsvFile out(dir / numbered("edges", ++edge_files));
        out.raw(":START_ID,:END_ID,:TYPE");
        for (const auto& c : type_columns[t]) out.raw("," + c);
        out.raw("\n");
        for (Vertex v : file.vertices()) {
            for (const Edge& e : v.edges(Direction::out, t)) {
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
        out.close();
    }
    rollback.keep = true;
    std::fprintf(stderr, "mmgraph: dumped %llu vertices into %llu node files and %llu edges into %llu edge files in %s\n",
                 static_cast<unsigned long long>(file.vertex_count()), static_cast<unsigned long long>(node_files),
                 static_cast<unsigned long long>(file.edge_count()), static_cast<unsigned long long>(edge_files),
                 dir.string().c_str());
}

}  // namespace mmgraph::cli
