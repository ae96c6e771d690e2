// The SQLite peer: the schema and indexes a user would create for a property graph, bulk-loaded
// in one transaction, then queried through prepared statements as an application would.
#include <algorithm>
#include <charconv>
#include <chrono>

#include "mmgraph/import/csv.hpp"
#include "frontier_bfs.hpp"
#include "mmgraph/error.hpp"
#include "peers.hpp"

namespace mmgraph::bench {

namespace {

class Statement {
public:
    Statement(sqlite3* db, const std::string& sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK)
            throw Error(ErrorKind::io, "sqlite: " + std::string(sqlite3_errmsg(db)) + " in: " + sql);
    }
    ~Statement() { sqlite3_finalize(statement_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    sqlite3_stmt* get() const { return statement_; }
    void bind_key(int index, const Key& key) {
        if (auto* i = std::get_if<int64_t>(&key)) sqlite3_bind_int64(statement_, index, *i);
        else check(sqlite3_bind_text(statement_, index, std::get<std::string_view>(key).data(),
                                     static_cast<int>(std::get<std::string_view>(key).size()), SQLITE_STATIC));
    }
    bool step() {
        int rc = sqlite3_step(statement_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) check(rc);
        return false;
    }
    void reset() {
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
    }
    void check(int rc) const {
        if (rc != SQLITE_OK) throw Error(ErrorKind::io, "sqlite: " + std::string(sqlite3_errmsg(db_)));
    }

private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

void exec(sqlite3* db, const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        throw Error(ErrorKind::io, "sqlite: " + text + " in: " + sql);
    }
}

uint64_t database_bytes(sqlite3* db) {
    Statement count(db, "PRAGMA page_count"), size(db, "PRAGMA page_size");
    count.step();
    size.step();
    return static_cast<uint64_t>(sqlite3_column_int64(count.get(), 0)) * static_cast<uint64_t>(sqlite3_column_int64(size.get(), 0));
}

std::string quoted_name(std::string_view name) {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// A CSV column in SQL: its name and the affinity its neo4j type maps to.
struct SqlColumn {
    std::string name;
    std::string affinity;  // TEXT, INTEGER or REAL
};

SqlColumn sql_column(std::string_view header) {
    size_t colon = header.rfind(':');
    std::string_view name = header.substr(0, colon), type = colon == std::string_view::npos ? "" : header.substr(colon + 1);
    std::string affinity = "TEXT";
    if (type == "int" || type == "long" || type == "short" || type == "byte" || type == "boolean") affinity = "INTEGER";
    if (type == "float" || type == "double") affinity = "REAL";
    return {std::string(name), affinity};
}

bool is_role(std::string_view header) {
    return header.ends_with(":ID") || header.ends_with(":LABEL") || header.ends_with(":START_ID") ||
           header.ends_with(":END_ID") || header.ends_with(":TYPE") || header.ends_with(":IGNORE");
}

// Binds one CSV field by the column's affinity: an empty unquoted field is NULL (as for mmgraph).
void bind_field(Statement& statement, int index, const importer::CsvField& field, const std::string& affinity) {
    sqlite3_stmt* s = statement.get();
    std::string_view text = field.text;
    if (text.empty() && !field.quoted) return statement.check(sqlite3_bind_null(s, index));
    if (affinity == "INTEGER") {
        int64_t v = 0;
        if (text == "true" || text == "false") return statement.check(sqlite3_bind_int64(s, index, text == "true"));
        auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return statement.check(sqlite3_bind_int64(s, index, v));
    } else if (affinity == "REAL") {
        double v = 0;
        auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return statement.check(sqlite3_bind_double(s, index, v));
    }
    statement.check(sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
}

// Loads CSV files into `table`, whose first columns are `fixed` (filled from the role columns
// named in `roles`, or `fallback` when a file lacks that role) followed by the union of the
// files' property columns.
void load_table(sqlite3* db, const std::string& table, const std::vector<std::string>& files,
                const std::vector<std::pair<std::string, std::string>>& fixed,  // (SQL column, affinity)
                const std::vector<std::string>& roles, const std::vector<std::string>& fallback) {
    std::vector<SqlColumn> columns;
    for (const std::string& path : files) {
        importer::InputBuffer input(path);
        importer::CsvReader reader(input, ',');
        importer::CsvRecord header;
        if (!reader.next(header)) throw Error(ErrorKind::bad_input, path + ": no header");
        for (const auto& field : header.fields) {
            if (is_role(field.text)) continue;
            SqlColumn c = sql_column(field.text);
            if (std::none_of(columns.begin(), columns.end(), [&](const SqlColumn& o) { return o.name == c.name; })) columns.push_back(c);
        }
    }
    std::string create = "CREATE TABLE " + table + "(";
    for (size_t i = 0; i < fixed.size(); ++i) create += (i ? ", " : "") + fixed[i].first + " " + fixed[i].second;
    for (const SqlColumn& c : columns) create += ", " + quoted_name(c.name) + " " + c.affinity;
    exec(db, create + ")");

    for (const std::string& path : files) {
        importer::InputBuffer input(path);
        importer::CsvReader reader(input, ',');
        importer::CsvRecord record;
        reader.next(record);
        // For each SQL parameter: the CSV column that fills it (-1: the fallback text).
        std::vector<int> source;
        std::vector<std::string> affinity;
        std::string names, params;
        for (size_t f = 0; f < fixed.size(); ++f) {
            int found = -1;
            for (size_t i = 0; i < record.fields.size(); ++i)
                if (record.fields[i].text.ends_with(roles[f])) found = static_cast<int>(i);
            if (found < 0 && fallback[f].empty()) throw Error(ErrorKind::bad_input, path + ": no " + roles[f] + " column");
            source.push_back(found);
            affinity.push_back(fixed[f].second);
            names += (f ? ", " : "") + fixed[f].first;
        }
        for (size_t i = 0; i < record.fields.size(); ++i) {
            if (is_role(record.fields[i].text)) continue;
            SqlColumn c = sql_column(record.fields[i].text);
            source.push_back(static_cast<int>(i));
            affinity.push_back(c.affinity);
            names += ", " + quoted_name(c.name);
        }
        for (size_t p = 0; p < source.size(); ++p) params += p ? ", ?" : "?";
        Statement insert(db, "INSERT INTO " + table + "(" + names + ") VALUES(" + params + ")");
        while (reader.next(record)) {
            for (size_t p = 0; p < source.size(); ++p) {
                int index = static_cast<int>(p) + 1;
                if (source[p] < 0)
                    insert.check(sqlite3_bind_text(insert.get(), index, fallback[p].data(), static_cast<int>(fallback[p].size()), SQLITE_STATIC));
                else
                    bind_field(insert, index, record.fields.at(static_cast<size_t>(source[p])), affinity[p]);
            }
            insert.step();
            insert.reset();
        }
    }
}

// Bulk-load settings: no rollback journal and no fsync while loading, a 256 MiB page cache for
// the index builds. Queries then read through a memory map, as mmgraph does.
void bulk_load_settings(sqlite3* db) {
    exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA mmap_size=68719476736");
}

}  // namespace

SqlitePeer::SqlitePeer(const std::filesystem::path& db) {
    std::filesystem::remove(db);
    if (sqlite3_open(db.c_str(), &db_) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw Error(ErrorKind::io, db.string() + ": sqlite: " + message);
    }
    bulk_load_settings(db_);
}

SqlitePeer::SqlitePeer(SqlitePeer&& other) noexcept
    : bytes_out_index(other.bytes_out_index), bytes(other.bytes), load_seconds(other.load_seconds), db_(other.db_) {
    other.db_ = nullptr;
}

SqlitePeer::~SqlitePeer() { sqlite3_close(db_); }

// Commits the loaded rows, then builds the two edge indexes a user would create, measuring the
// database with the out-edge index only and with both.
void SqlitePeer::finish_load(SqlitePeer& peer, std::chrono::steady_clock::time_point start) {
    sqlite3* db = peer.db_;
    exec(db, "COMMIT");
    exec(db, "CREATE INDEX edges_out ON edges(src, dst)");
    peer.bytes_out_index = database_bytes(db);
    exec(db, "CREATE INDEX edges_in ON edges(dst, src)");
    peer.bytes = database_bytes(db);
    peer.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

SqlitePeer SqlitePeer::from_graph(const std::filesystem::path& path, const InputGraph& graph) {
    auto start = std::chrono::steady_clock::now();
    SqlitePeer peer(path);
    sqlite3* db = peer.db_;
    const std::string key_type = graph.int_keys ? "INTEGER" : "TEXT";
    exec(db, "CREATE TABLE vertices(id " + key_type + " PRIMARY KEY)");
    exec(db, "CREATE TABLE edges(src " + key_type + " NOT NULL, dst " + key_type + " NOT NULL)");
    exec(db, "BEGIN");
    {
        Statement vertex(db, "INSERT INTO vertices(id) VALUES(?)"), edge(db, "INSERT INTO edges(src, dst) VALUES(?, ?)");
        for (uint32_t v = 0; v < graph.vertex_count(); ++v) {
            vertex.bind_key(1, graph.key(v));
            vertex.step();
            vertex.reset();
        }
        for (uint32_t v = 0; v < graph.vertex_count(); ++v)
            for (uint64_t e = graph.offsets[v]; e < graph.offsets[v + 1]; ++e) {
                edge.bind_key(1, graph.key(v));
                edge.bind_key(2, graph.key(graph.targets[e]));
                edge.step();
                edge.reset();
            }
    }
    finish_load(peer, start);
    return peer;
}

SqlitePeer SqlitePeer::from_csv(const std::filesystem::path& path, const std::vector<std::string>& node_files,
                                const std::vector<std::string>& edge_files) {
    auto start = std::chrono::steady_clock::now();
    SqlitePeer peer(path);
    sqlite3* db = peer.db_;
    exec(db, "BEGIN");
    load_table(db, "vertices", node_files, {{"id", "TEXT PRIMARY KEY"}, {"label", "TEXT"}}, {":ID", ":LABEL"}, {"", "Vertex"});
    load_table(db, "edges", edge_files, {{"src", "TEXT NOT NULL"}, {"dst", "TEXT NOT NULL"}, {"type", "TEXT"}},
               {":START_ID", ":END_ID", ":TYPE"}, {"", "", "EDGE"});
    finish_load(peer, start);
    return peer;
}

BfsAnswer SqlitePeer::bfs(const InputGraph& graph, uint32_t source) const {
    Statement neighbours(db_, "SELECT dst FROM edges WHERE src = ?");
    return frontier_bfs(graph.vertex_count(), source, vertex_by_vertex([&](uint32_t v, auto&& visit) {
        neighbours.bind_key(1, graph.key(v));
        while (neighbours.step()) {
            Key key;
            if (graph.int_keys) key = static_cast<int64_t>(sqlite3_column_int64(neighbours.get(), 0));
            else key = std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(neighbours.get(), 0)),
                                        static_cast<size_t>(sqlite3_column_bytes(neighbours.get(), 0)));
            auto w = graph.find(key);
            if (!w) throw Error(ErrorKind::io, "sqlite: edge to unknown vertex " + key_to_string(key));
            visit(*w);
        }
        neighbours.reset();
    }));
}

LookupAnswer SqlitePeer::lookup(const std::vector<Key>& keys, const std::string& attribute) const {
    Statement query(db_, "SELECT " + quoted_name(attribute) + ", (SELECT count(*) FROM edges WHERE src = ?1) FROM vertices WHERE id = ?1");
    LookupAnswer answer;
    for (const Key& key : keys) {
        query.bind_key(1, key);
        if (query.step()) {
            std::optional<std::string_view> value;
            if (sqlite3_column_type(query.get(), 0) != SQLITE_NULL)
                value = std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(query.get(), 0)),
                                         static_cast<size_t>(sqlite3_column_bytes(query.get(), 0)));
            answer.add(value, static_cast<uint64_t>(sqlite3_column_int64(query.get(), 1)));
        }
        query.reset();
    }
    return answer;
}

}  // namespace mmgraph::bench
