// The importer's driver: the two passes over the input files. Sections:
//   progress     rate-limited progress reports
//   Importer     pass 1 (which labels / edge types each file holds), schema, pass 2 (rows)
// The header grammar and the schema union are in schema.hpp, value conversion in values.hpp,
// CSV records in csv.cpp, input buffers and chunks in input.cpp and parallel_rows.hpp.
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

#include <errno.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <thread>
#include <type_traits>
#include <unordered_set>

#include "mmgraph/import/csv.hpp"
#include "mmgraph/writer.hpp"
#include "parallel_rows.hpp"
#include "schema.hpp"
#include "values.hpp"

namespace mmgraph::importer {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// ---- progress -------------------------------------------------------------------------------

// Reports a pass's progress to the observer; looks at the clock every 16K rows.
class Progress {
public:
    explicit Progress(BuildObserver* observer) : observer_(observer) {}

    void begin(const char* phase, const std::string& file, uint64_t size) {
        if (started_) ++report_.pass;
        started_ = true;
        report_.phase = phase;
        file_ = file;
        report_.file = file_;
        report_.size = size;
        start_ = Clock::now();
        next_look_ = 0;
    }
    // `rows` so far, per row or per chunk.
    void tick(uint64_t rows, uint64_t offset) {
        if (!observer_ || rows < next_look_) return;
        next_look_ = rows + 0x4000;
        report_.rows = rows;
        report_.offset = offset;
        report_.seconds = seconds_since(start_);
        observer_->progress(report_);
    }

private:
    BuildObserver* observer_;
    bool started_ = false;
    uint64_t next_look_ = 0;
    std::string file_;
    BuildProgress report_;
    Clock::time_point start_;
};

// ---- Importer -------------------------------------------------------------------------------

class Importer {
public:
    Importer(const BuildOptions& options, BuildObserver* observer)
        : options_(options),
          observer_(observer),
          labels_("label", ":LABEL", format::kMaxLabels, true),
          types_("edge type", ":TYPE", format::kMaxEdgeTypes, false),
          progress_(observer) {}

    BuildReport run() {
        check_output_directory();
        auto start = Clock::now();
        if (!options_.edgelists.empty()) {
            if (options_.id_type == KeyType::string) throw Error(ErrorKind::bad_input, "--id-type string: edge list ids are integers");
            key_type_ = KeyType::int64;
            writer_ = std::make_unique<Writer>(writer_options());
            load_edgelists();
        } else {
            add_sources(true);
            add_sources(false);
            for (Source& s : sources_) {
                const size_t of_kind = static_cast<size_t>(std::count_if(sources_.begin(), sources_.end(), [&](const Source& o) { return o.nodes == s.nodes; }));
                s.unscanned = of_kind == 1 && s.option_labels.empty();  // option labels make label sets, found in pass 1
                scan(s);
            }
            key_type_ = id_type();
            type_key_columns();
            writer_ = std::make_unique<Writer>(writer_options());
            declare_id_spaces();
            declare(labels_, true);
            declare(types_, false);
            for (Source& s : sources_)
                if (s.nodes) load(s);
            for (Source& s : sources_)
                if (!s.nodes) load(s);
        }
        BuildReport report;
        report.read_seconds = seconds_since(start);
        if (observer_) observer_->writing(options_.output, writer_->vertex_count(), writer_->edge_count());
        report.stats = writer_->finish(options_.output);
        report.bad_rows = bad_rows_;
        report.total_seconds = seconds_since(start);
        return report;
    }

private:
    // Files of one kind in reading order: those with headers of their own, then the groups.
    void add_sources(bool nodes) {
        for (const auto& path : nodes ? options_.nodes : options_.relationships) sources_.emplace_back(path, nodes);
        for (const InputGroup& group : nodes ? options_.node_groups : options_.relationship_groups) {
            const int head = static_cast<int>(sources_.size());
            std::vector<std::string> labels;
            if (nodes)
                for (const std::string& label : group.name.empty() ? group.labels : with_first(group.name, group.labels))
                    if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
            std::string fallback = nodes ? std::string() : group.name;
            for (const std::string& label : labels) fallback += (fallback.empty() ? "" : std::string(1, options_.array_delimiter)) + label;
            for (size_t i = 0; i < group.files.size(); ++i) {
                sources_.emplace_back(group.files[i], nodes, fallback, i == 0 ? -1 : head);
                sources_.back().option_labels = labels;
            }
        }
    }

    static std::vector<std::string> with_first(const std::string& first, const std::vector<std::string>& rest) {
        std::vector<std::string> all{first};
        all.insert(all.end(), rest.begin(), rest.end());
        return all;
    }

    // The header: the file's first record, or its group's; read in pass 1, skipped in pass 2.
    // Leaves `reader` at the first row.
    void header(Source& s, CsvReader& reader, CsvRecord& record, bool first_pass) const {
        if (s.header_of < 0) {
            if (first_pass) read_header(s, reader, record);
            else reader.next(record);
            return;
        }
        const Source& head = sources_[static_cast<size_t>(s.header_of)];
        s.columns = head.columns;
        s.header_texts = head.header_texts;
        s.key = head.key, s.label = head.label, s.start = head.start, s.end = head.end, s.type = head.type;
        if (!options_.skip_subsequent_headers) return;
        CsvReader peek(reader.input(), dialect(), reader.offset(), reader.line());
        if (!peek.next(record) || record.fields.size() != s.header_texts.size()) return;
        for (size_t i = 0; i < record.fields.size(); ++i)
            if (record.fields[i].text != s.header_texts[i]) return;
        reader.next(record);  // the repeated header line
    }

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
                throw Error(ErrorKind::bad_input, column.where + ": id-type " + name(*column.id_type) + " here but " + name(*chosen) + " from " + origin);
            chosen = column.id_type;
            origin = column.where;
        }
        return chosen.value_or(KeyType::string);
    }

    // A named :ID column's attribute holds the key as the build's key type.
    void type_key_columns() {
        for (Source& s : sources_)
            if (s.key >= 0) s.columns[static_cast<size_t>(s.key)].type = Type(key_type_ == KeyType::int64 ? TypeCode::int64 : TypeCode::string);
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
        if (!fs::is_directory(dir, ec)) throw Error::io(options_.output + ": directory " + dir.string() + " does not exist", ENOENT);
    }

    // A skipped row is counted and reported, and the build goes on up to the tolerance; any
    // other bad row stops it.
    void bad_row(const InputError& e) {
        const bool skipped = options_.skip_bad_rows || (e.fault() == RowFault::duplicate_node && options_.skip_duplicate_nodes) ||
                             (e.fault() == RowFault::bad_relationship && options_.skip_bad_relationships);
        if (!skipped) throw e;
        ++bad_rows_;
        if (observer_) observer_->row_skipped(e, bad_rows_);
        if (options_.bad_tolerance && bad_rows_ > *options_.bad_tolerance)
            throw Error(ErrorKind::bad_input, "more than " + std::to_string(*options_.bad_tolerance) +
                                                  " bad rows (--bad-tolerance); the last: " + e.what());
    }

    InputBuffer& open(Source& s) {
        if (!s.input) s.input = std::make_unique<InputBuffer>(s.path);
        return *s.input;
    }
    void close(Source& s) {
        if (s.input && s.input->mapped() && !s.input->decompressed()) s.input.reset();
    }

    // A row shorter than the header gets absent (empty, unquoted) fields for its missing ones,
    // as neo4j-admin reads it; a longer one is an error unless the extra fields are dropped.
    void fit_width(const Source& s, const InputBuffer& input, CsvRecord& record) const {
        const size_t want = s.columns.size(), got = record.fields.size();
        if (got == want) return;  // nearly every row
        if (got > want && !options_.ignore_extra_columns)
            input.fail(record.fields[want].offset, record.fields[want].line,
                       std::to_string(got) + " fields, the header has " + std::to_string(want) + " (--ignore-extra-columns drops the rest)");
        CsvField absent;
        absent.text = std::string_view(input.begin() + record.end_offset, 0);  // empty, but never a null pointer
        absent.offset = record.end_offset;
        absent.line = record.end_line;
        record.fields.resize(want, absent);
    }

    CsvDialect dialect() const { return CsvDialect(options_.delimiter, options_.quote, options_.invalid_utf8); }

    Shapes& shapes(const Source& s) { return s.nodes ? labels_ : types_; }
    const Shapes& shapes(const Source& s) const { return s.nodes ? labels_ : types_; }

    uint32_t shape_of(Source& s, const InputBuffer& input, const CsvRecord& record) {
        int column = s.nodes ? s.label : s.type;
        return shapes(s).of(column >= 0 ? &record.fields[static_cast<size_t>(column)] : nullptr, input,
                            options_.array_delimiter, s.fallback.c_str());
    }
    // shape_of once the shapes are frozen, for worker threads; a :LABEL value of several labels
    // gives its combo (kComboBit | id).
    // `scratch` holds a row's labels joined with its file's option labels.
    uint32_t shape_of(const Source& s, const InputBuffer& input, const CsvRecord& record, Shapes::Recent& recent, std::string& scratch) const {
        int column = s.nodes ? s.label : s.type;
        const CsvField* field = column >= 0 ? &record.fields[static_cast<size_t>(column)] : nullptr;
        if (s.nodes && !s.option_labels.empty()) {
            CsvField labels = field ? *field : record.fields.front();  // where an error points
            labels.text = row_labels(s, field, scratch);
            field = &labels;
            if (labels.text.find(options_.array_delimiter) != std::string_view::npos) return combo_of(labels, input, recent);
            return labels_.find(field, input, options_.array_delimiter, nullptr, recent);
        }
        if (s.nodes && field && field->text.find(options_.array_delimiter) != std::string_view::npos) return combo_of(*field, input, recent);
        return shapes(s).find(field, input, options_.array_delimiter, s.fallback.c_str(), recent);
    }
    uint32_t combo_of(const CsvField& field, const InputBuffer& input, Shapes::Recent& recent) const {
        if (field.text == recent.name) return recent.id;
        labels_.check(field.text, &field, input, options_.array_delimiter);
        const auto combo = combos_.find(field.text);
        if (!combo)
            throw Error(ErrorKind::bad_input, input.where(field.offset, field.line) + ": label set " + quote(field.text) +
                                                  " was not there on the first read; did the file change during the build?");
        recent = {combos_.key(*combo), kComboBit | *combo};
        return kComboBit | *combo;
    }

    // A node row's labels as one :LABEL value: its file's option labels (--nodes=A:B=FILES),
    // then its own that are not among them; the option labels alone for a row without a :LABEL
    // column or with an empty one.
    std::string_view row_labels(const Source& s, const CsvField* field, std::string& scratch) const {
        if (s.option_labels.empty()) return field ? field->text : std::string_view(s.fallback);
        if (!field || field->text.empty()) return s.fallback;
        scratch = s.fallback;
        for (std::string_view name : Shapes::split(field->text, options_.array_delimiter))
            if (std::find(s.option_labels.begin(), s.option_labels.end(), name) == s.option_labels.end()) (scratch += options_.array_delimiter) += name;
        return scratch;
    }

    // Pass 1: a node row's labels registered and marked as present in `s`: one label or a set.
    void register_labels(Source& s, const InputBuffer& input, const CsvField& field) {
        if (field.text.find(options_.array_delimiter) != std::string_view::npos) register_combo(s, input, field, false);
        else mark(s, labels_.of(&field, input, options_.array_delimiter, nullptr));
    }

    // A :LABEL value of several labels (pass 1, or pass 2 of an unscanned file): each label
    // registered and marked as present in `s` (so it takes the file's columns), the combo
    // registered; returns kComboBit | its id. `declare_new` declares labels met for the first
    // time and settles the combo, as an unscanned file's pass 2 must.
    uint32_t register_combo(Source& s, const InputBuffer& input, const CsvField& field, bool declare_new) {
        std::vector<uint32_t> ids;
        for (std::string_view name : Shapes::split(field.text, options_.array_delimiter)) {
            CsvField part = field;
            part.text = name;
            const size_t known = labels_.list.size();
            const uint32_t id = labels_.of(&part, input, options_.array_delimiter, nullptr);
            mark(s, id);
            if (declare_new && labels_.list.size() > known) declare_shape(labels_, id, true, sources_, *writer_);
            ids.push_back(id);
        }
        const size_t known = combos_.list.size();
        const uint32_t combo = combos_.add(field.text, std::move(ids), input.where(field.offset, field.line));
        if (s.combo_used.size() <= combo) s.combo_used.resize(combo + 1, 0);
        s.combo_used[combo] = 1;
        if (declare_new && combos_.list.size() > known) combos_.settle(combo, labels_, *writer_);
        return kComboBit | combo;
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
        std::optional<std::string_view> last;  // in seen; none at a chunk's start (an empty name is one too)
    };

    // Pass 1: the header, and which labels / edge types the file holds. Worker threads read the
    // names a chunk at a time; they are registered here in order of first appearance.
    void scan(Source& s) {
        InputBuffer& input = open(s);
        CsvReader reader(input, dialect());
        CsvRecord record;
        header(s, reader, record, true);
        if (s.key >= 0 && !s.columns[static_cast<size_t>(s.key)].key_label.empty()) s.unscanned = false;  // its labels differ in attributes
        const int column = s.nodes ? s.label : s.type;
        if (column < 0) {
            s.unscanned = false;
            if (s.nodes && !s.option_labels.empty()) {
                CsvField labels;  // the option's: errors point at the file's start
                labels.text = s.fallback;
                labels.line = 1;
                register_labels(s, input, labels);
            } else {
                mark(s, shape_of(s, input, record));
            }
            close(s);
            return;
        }
        if (s.unscanned) {
            s.property_slots.assign(s.columns.size(), kNoSlot);
            for (size_t c = 0; c < s.columns.size(); ++c)
                if (s.columns[c].is_attribute()) s.property_slots[c] = s.property_count++;
            close(s);
            return;
        }
        auto names = [&](const ChunkBounds& bounds, ScannedNames& chunk) {
            chunk.events.clear();
            chunk.seen.clear();
            chunk.last.reset();
            chunk.rows = 0;
            CsvReader rows(input, dialect(), bounds.begin, bounds.first_line);
            for (;;) {
                try {
                    if (!rows.next(chunk.record, bounds.end)) break;
                    fit_width(s, input, chunk.record);
                    const CsvField& field = chunk.record.fields[static_cast<size_t>(column)];
                    if (s.option_labels.empty() || !field.text.empty()) shapes(s).check(field.text, &field, input, options_.array_delimiter);
                    if (!chunk.last || field.text != *chunk.last) {  // most rows repeat the row before's name
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
        std::string labels;  // a row's labels with the option labels
        progress_.begin("scan", s.path, input.size());
        uint64_t count = 0;
        while (ScannedNames* chunk = chunks.next()) {
            for (ScannedNames::Event& e : chunk->events) {
                if (e.error) std::rethrow_exception(e.error);
                e.field.text = e.name;
                try {
                    if (s.nodes) {
                        e.field.text = row_labels(s, &e.field, labels);
                        register_labels(s, input, e.field);
                    } else {
                        mark(s, types_.of(&e.field, input, options_.array_delimiter, nullptr));
                    }
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

    // The ID spaces the id columns name, in order of first appearance (node files first), and
    // each file's spaces. A relationship file may name a space no node file has: its ids then
    // match no vertex, and each row says so.
    void declare_id_spaces() {
        std::unordered_map<std::string, IdSpace> spaces;
        auto space_of = [&](int column, const Source& s) -> IdSpace {
            if (column < 0) return {};
            const std::string& name = s.columns[static_cast<size_t>(column)].id_space;
            if (name.empty()) return {};
            auto it = spaces.find(name);
            if (it == spaces.end()) it = spaces.emplace(name, writer_->add_id_space(name)).first;
            return it->second;
        };
        for (Source& s : sources_) {
            s.key_space = space_of(s.key, s);
            s.start_space = space_of(s.start, s);
            s.end_space = space_of(s.end, s);
        }
        has_id_spaces_ = !spaces.empty();
    }
    // " in ID space 'Movie-ID'" for an id column with a space, else nothing.
    std::string space_text(const Source& s, int column) const {
        const std::string& name = s.columns[static_cast<size_t>(column)].id_space;
        return name.empty() ? "" : " in ID space " + quote(name);
    }

    // Each shape's attributes: the union of the property columns of the files it appears in,
    // in order of first appearance; all nullable, since other files' rows lack them.
    void declare(Shapes& set, bool labels) {
        for (uint32_t id = 0; id < set.list.size(); ++id) declare_shape(set, id, labels, sources_, *writer_);
        if (labels) settle_combos();
        const bool unscanned = std::any_of(sources_.begin(), sources_.end(), [&](const Source& s) { return s.nodes == labels && s.unscanned; });
        if (!unscanned) set.freeze();
    }

    // After pass 1: each combo's attributes, and where each column of a file goes in them.
    void settle_combos() {
        for (uint32_t c = 0; c < combos_.list.size(); ++c) combos_.settle(c, labels_, *writer_);
        for (Source& s : sources_) {
            if (!s.nodes || s.unscanned) continue;
            s.combo_slots.assign(combos_.list.size(), {});
            for (uint32_t c = 0; c < combos_.list.size(); ++c) {
                if (c >= s.combo_used.size() || !s.combo_used[c]) continue;
                const auto& attributes = combos_.list[c].attributes;
                auto& slots = s.combo_slots[c];
                slots.assign(s.columns.size(), kNoSlot);
                const auto has_label = [&](std::string_view name) {
                    return std::any_of(combos_.list[c].labels.begin(), combos_.list[c].labels.end(), [&](uint32_t l) { return labels_.list[l].name == name; });
                };
                for (size_t col = 0; col < s.columns.size(); ++col) {
                    const Column& column = s.columns[col];
                    if (!column.is_attribute() || !(column.key_label.empty() || has_label(column.key_label))) continue;
                    // Every label of the combo took this file's columns (declare_shape), so the
                    // set's attributes hold each one.
                    for (uint32_t a = 0; a < attributes.size(); ++a)
                        if (attributes[a].name == s.columns[col].name) slots[col] = a;
                }
            }
        }
    }

    // The shape of a row of an unscanned file, registered and declared on first sight.
    uint32_t register_shape(Source& s, const InputBuffer& input, std::string_view name, uint64_t offset, uint64_t line) {
        Shapes& set = shapes(s);
        CsvField field;
        field.text = name;
        field.offset = offset;
        field.line = line;
        if (s.nodes && name.find(options_.array_delimiter) != std::string_view::npos) {
            if (auto combo = combos_.find(name)) return kComboBit | *combo;
            return register_combo(s, input, field, true);
        }
        const size_t known = set.list.size();
        const uint32_t id = set.of(&field, input, options_.array_delimiter, nullptr);
        if (set.list.size() > known) {
            mark(s, id);
            declare_shape(set, id, s.nodes, sources_, *writer_);
        }
        return id;
    }

    // Rows of one chunk of a file, parsed on a worker thread: what the Writer call needs, or
    // the error the row gave, raised when the consuming thread reaches the row (file order).
    struct ParsedRows {
        // What every row has. A row is written by one thread and read by another: what only
        // some rows need is kept beside, by row index, so that a row takes 40 bytes, not 128.
        struct Row {
            uint64_t offset = 0, line = 0;  // of the record's first field
            uint32_t shape = 0;
            uint32_t values = 0;             // where its shape's values start in `values`
            uint32_t from = 0, to = 0;       // relationship rows: the endpoints' vertex ids
            std::exception_ptr error;
        };
        struct Place {  // a field's text and where it is
            std::string_view text;
            uint64_t offset = 0, line = 0;
        };
        struct NodeKey {
            Key key;
            Place field;  // the :ID field
        };
        std::vector<Row> rows;
        std::vector<Place> names;  // unscanned files, by row: the label or type, not yet an id
        std::vector<NodeKey> keys;  // node rows, by row
        std::vector<Value> values;  // [0, values_used) are the rows'; the rest is room kept for the next chunk
        size_t values_used = 0;
        ValueStore store;  // what `values` and string keys point into, besides the input

        // The parsing thread's scratch: a batch of records whose endpoints are looked up together.
        std::vector<CsvRecord> records;
        std::vector<Key> endpoints;
        std::vector<IdSpace> spaces;  // of each endpoint
        std::vector<std::optional<uint32_t>> ids;
        Shapes::Recent recent;
        std::string_view last_name;  // unscanned files: the previous row's label or type, viewed where it first appeared
        std::string labels;  // a row's labels with its file's option labels

        // A new row, and its entries beside.
        Row& add_row(const Source& s) {
            if (s.unscanned) names.emplace_back();
            if (s.nodes) keys.emplace_back();
            return rows.emplace_back();
        }
        void drop_last_row() {
            rows.pop_back();
            names.resize(std::min(names.size(), rows.size()));
            keys.resize(std::min(keys.size(), rows.size()));
        }

        void clear() {
            rows.clear();
            names.clear();
            keys.clear();
            values_used = 0;
            store.clear();
            last_name = {};
        }
        // Room for `count` values of `row`, which the caller constructs: the vector only grows,
        // so that its Values are not made twice (null, then parsed) on every row.
        // A Value only views what it holds, so one may be made over another without ending it.
        static_assert(std::is_trivially_destructible_v<Value>);
        Value* take_values(Row& row, size_t count) {
            if (values.size() < values_used + count) values.resize(std::max(2 * values.size(), values_used + count));
            row.values = static_cast<uint32_t>(values_used);
            values_used += count;
            return values.data() + row.values;
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
            CsvReader rows_from(input, dialect());
            CsvRecord record;
            header(s, rows_from, record, false);
            const FieldParser parser(input, options_.array_delimiter, TextRules{options_.ignore_empty_strings, options_.trim_strings});
            auto parse = [&](const ChunkBounds& bounds, ParsedRows& rows) {
                return s.nodes ? parse_vertices(s, input, parser, bounds, rows) : parse_links(s, input, parser, bounds, rows);
            };
            ParallelRows<ParsedRows> chunks(input, rows_from.offset(), rows_from.line(), workers(), options_.chunk_bytes, parse);
            progress_.begin(s.nodes ? "load" : "link", s.path, input.size());
            uint64_t count = 0;
            uint32_t last_shape = 0;
            while (const ParsedRows* rows = chunks.next()) {
                // Unscanned files: the previous row's name, as the parsing thread viewed it; within
                // a chunk the same view is the same name, known without reading its bytes again
                // (a later chunk may reuse the memory of an escaped one for other text).
                std::string_view last_name;
                for (size_t i = 0; i < rows->rows.size(); ++i) {
                    const ParsedRows::Row& row = rows->rows[i];
                    try {
                        if (row.error) std::rethrow_exception(row.error);
                        if (s.unscanned) {
                            const ParsedRows::Place& name = rows->names[i];
                            if (name.text.data() != last_name.data() || name.text.size() != last_name.size() || last_name.empty()) {
                                last_shape = register_shape(s, input, name.text, name.offset, name.line);
                                last_name = name.text;
                            }
                        }
                        const uint32_t shape = s.unscanned ? last_shape : row.shape;
                        if (s.nodes) add_vertex(s, input, *rows, row, rows->keys[i], shape);
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
        if (!s.unscanned && (shape & kComboBit)) {
            const uint32_t combo = shape & ~kComboBit;
            if (combo >= s.combo_used.size() || !s.combo_used[combo])
                throw Error(ErrorKind::bad_input, input.where(row.offset, row.line) + ": label set " + quote(combos_.list[combo].text) +
                            " was not in this file on the first read; did the file change during the build?");
            slots = &s.combo_slots[combo];
            count = combos_.list[combo].attributes.size();
        } else if (!s.unscanned) {
            if (shape >= s.use.size() || s.use[shape] < 0)  // the name is known from another file only
                throw Error(ErrorKind::bad_input, input.where(row.offset, row.line) + ": " + (s.nodes ? "label " : "edge type ") + quote(shapes(s).list[shape].name) +
                            " was not in this file on the first read; did the file change during the build?");
            slots = &s.slots[static_cast<size_t>(s.use[shape])];
            count = shapes(s).list[shape].attributes.size();
        }
        Value* values = rows.take_values(row, count);
        size_t columns = 0;  // with a column each (column names are unique), no value is null by default
        for (uint32_t slot : *slots) columns += slot != kNoSlot;
        if (columns != count) std::fill_n(values, count, Value::null());
        for (size_t c = 0; c < slots->size(); ++c) {
            if ((*slots)[c] == kNoSlot) continue;
            // Made in place: a Value is large, and a temporary then a copy cost more than the parse.
            void* value = values + (*slots)[c];
            if (static_cast<int>(c) == s.key) {  // parsed already
                const Key& key = rows.keys[static_cast<size_t>(&row - rows.rows.data())].key;
                ::new (value) Value(std::visit([](auto k) { return Value(k); }, key));
            } else {
                ::new (value) Value(parser.parse(s.columns[c], record.fields[c], rows.store));
            }
        }
    }

    // A row's shape id, or for an unscanned file its checked name, which the consuming thread
    // registers. `row` is the last one added.
    void shape_or_name(const Source& s, const InputBuffer& input, const CsvRecord& record, ParsedRows& rows, ParsedRows::Row& row) const {
        if (!s.unscanned) {
            row.shape = shape_of(s, input, record, rows.recent, rows.labels);
            return;
        }
        const CsvField& field = record.fields[static_cast<size_t>(s.nodes ? s.label : s.type)];
        if (field.text.empty() || field.text != rows.last_name) {
            shapes(s).check(field.text, &field, input, options_.array_delimiter);
            rows.last_name = field.text;
        }
        rows.names.back() = {rows.last_name, field.offset, field.line};  // the same view as the row before's when the same name
    }

    // A worker's part of a node row: label, key and values.
    uint64_t parse_vertices(const Source& s, const InputBuffer& input, const FieldParser& parser, const ChunkBounds& bounds,
                            ParsedRows& rows) const {
        rows.clear();
        rows.records.resize(std::max<size_t>(rows.records.size(), 1));
        CsvRecord& record = rows.records.front();
        CsvReader reader(input, dialect(), bounds.begin, bounds.first_line);
        for (;;) {
            ParsedRows::Row& row = rows.add_row(s);
            try {
                if (!reader.next(record, bounds.end)) {
                    rows.drop_last_row();
                    break;
                }
                row.offset = record.fields.front().offset;
                row.line = record.line;
                fit_width(s, input, record);
                rows.store.keep_escaped(record);  // the key and values outlive the record
                shape_or_name(s, input, record, rows, row);
                const CsvField& key = record.fields[static_cast<size_t>(s.key)];
                if (key.text.empty()) input.fail(key.offset, key.line, "empty :ID (every vertex needs a key)");
                rows.keys.back() = {key_of(key, input, ":ID"), {key.text, key.offset, key.line}};
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
        CsvReader reader(input, dialect(), bounds.begin, bounds.first_line);
        for (bool more = true; more;) {
            const size_t first = rows.rows.size();
            // Filled by index: the vectors only grow, and push_back of a Key was an out-of-line call.
            if (rows.endpoints.size() < 2 * kBatch) {
                rows.endpoints.resize(2 * kBatch);
                rows.spaces.resize(2 * kBatch);
            }
            size_t endpoint_count = 0;
            size_t n = 0;
            for (; n < kBatch; ++n) {
                ParsedRows::Row& row = rows.add_row(s);
                CsvRecord& record = rows.records[n];
                try {
                    if (!reader.next(record, bounds.end)) {
                        rows.drop_last_row();
                        more = false;
                        break;
                    }
                    row.offset = record.fields.front().offset;
                    row.line = record.line;
                    fit_width(s, input, record);
                    rows.store.keep_escaped(record);
                    shape_or_name(s, input, record, rows, row);
                    // Both keys before either is kept: a row adds two endpoints or none, so that
                    // the rows after a bad :END_ID still find their own ids.
                    const Key from = key_of(record.fields[static_cast<size_t>(s.start)], input, ":START_ID");
                    const Key to = key_of(record.fields[static_cast<size_t>(s.end)], input, ":END_ID");
                    rows.endpoints[endpoint_count] = from;
                    rows.endpoints[endpoint_count + 1] = to;
                    rows.spaces[endpoint_count] = s.start_space;
                    rows.spaces[endpoint_count + 1] = s.end_space;
                    endpoint_count += 2;
                } catch (...) {
                    row.error = std::current_exception();
                }
            }
            rows.ids.resize(endpoint_count);
            const auto endpoints = std::span<const Key>(rows.endpoints).first(endpoint_count);
            if (has_id_spaces_) writer_->find_vertices(endpoints, std::span<const IdSpace>(rows.spaces).first(endpoint_count), rows.ids);
            else writer_->find_vertices(endpoints, rows.ids);
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
                    if (!from_id)
                        input.fail(from.offset, from.line, "unknown :START_ID " + quote(from.text) + space_text(s, s.start) + " (no vertex has this id)",
                                   RowFault::bad_relationship);
                    if (!to_id)
                        input.fail(to.offset, to.line, "unknown :END_ID " + quote(to.text) + space_text(s, s.end) + " (no vertex has this id)",
                                   RowFault::bad_relationship);
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
        const size_t count = shape & kComboBit ? combos_.list[shape & ~kComboBit].attributes.size() : set.list[shape].attributes.size();
        return std::span<const Value>(rows.values).subspan(row.values, count);
    }

    void add_vertex(const Source& s, const InputBuffer& input, const ParsedRows& rows, const ParsedRows::Row& row, const ParsedRows::NodeKey& key,
                    uint32_t label) {
        try {
            if (label & kComboBit) writer_->add_vertex(s.key_space, key.key, combos_.list[label & ~kComboBit].writer_labels, values_of(labels_, label, rows, row));
            else writer_->add_vertex(s.key_space, key.key, labels_.list[label].id, values_of(labels_, label, rows, row));
        } catch (const Error& e) {
            if (writer_->has_vertex(s.key_space, key.key))
                input.fail(key.field.offset, key.field.line, "duplicate :ID " + quote(key.field.text) + space_text(s, s.key), RowFault::duplicate_node);
            input.fail(row.offset, row.line, e.what());
        }
    }

    void add_edge(const InputBuffer& input, const ParsedRows& rows, const ParsedRows::Row& row, uint32_t type) {
        try {
            writer_->add_edge_by_id(row.from, row.to, types_.list[type].id, values_of(types_, type, rows, row));
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::io) throw;  // not the row's fault: never skipped as a bad row
            input.fail(row.offset, row.line, e.what());
        }
    }

    // The edges of one chunk of an edge list, parsed on a worker thread: endpoints in order
    // (source, target, source, ...) and the errors of bad lines, also in order. The worker also
    // finds the endpoints that already have vertices (Writer::find_int_keys_concurrently), so
    // that the adding thread, which the whole read waits on, takes only the others' misses.
    struct ParsedPairs {
        std::vector<int64_t> endpoints;  // [0, endpoint_count) are the chunk's; the vector only grows
        size_t endpoint_count = 0;
        std::vector<uint32_t> ids;       // per endpoint: its vertex, or Writer::kUnfound
        std::vector<uint32_t> from, to;  // per edge: ids[2 * i], ids[2 * i + 1]
        std::vector<uint32_t> unfound;   // the endpoints whose ids are kUnfound, in order
        uint64_t found_stamp = 0;
        std::vector<std::exception_ptr> errors;
        uint64_t lines = 0;  // edges and bad lines
        ChunkBounds bounds;  // where they were read

        // Assigned in place: a push_back per endpoint was an out-of-line call each.
        void add(int64_t from, int64_t to) {
            room();
            endpoints[endpoint_count++] = from;
            endpoints[endpoint_count++] = to;
        }
        // Where the next endpoints go, room for an edge at least.
        std::span<int64_t> room() {
            if (endpoints.size() < endpoint_count + 2) endpoints.resize(std::max<size_t>(4096, 2 * endpoints.size()));
            return std::span(endpoints).subspan(endpoint_count);
        }
    };

    // A chunk's lines, then the ids of the endpoints that have vertices already.
    uint64_t parse_pairs(const InputBuffer& input, const ChunkBounds& bounds, ParsedPairs& chunk) const {
        chunk.endpoint_count = 0;
        chunk.errors.clear();
        chunk.lines = 0;
        chunk.bounds = bounds;
        EdgeListReader reader(input, bounds.begin, bounds.first_line);
        for (;; ++chunk.lines) {
            // The plain lines in one go, then the line that stopped them (or the room) by next().
            const size_t plain = reader.next_plain_pairs(chunk.room(), bounds.end);
            chunk.endpoint_count += plain;
            chunk.lines += plain / 2;
            int64_t from = 0, to = 0;
            try {
                if (!reader.next(from, to, bounds.end)) break;
            } catch (const InputError&) {
                chunk.errors.push_back(std::current_exception());
                continue;
            }
            chunk.add(from, to);
        }
        const size_t edges = chunk.endpoint_count / 2;
        chunk.ids.resize(chunk.endpoint_count);
        chunk.found_stamp = writer_->find_int_keys_concurrently(std::span(chunk.endpoints).first(chunk.endpoint_count), chunk.ids);
        chunk.from.resize(edges);
        chunk.to.resize(edges);
        chunk.unfound.clear();
        for (size_t i = 0; i < edges; ++i) {
            chunk.from[i] = chunk.ids[2 * i];
            chunk.to[i] = chunk.ids[2 * i + 1];
            if (chunk.from[i] == Writer::kUnfound) chunk.unfound.push_back(static_cast<uint32_t>(2 * i));
            if (chunk.to[i] == Writer::kUnfound) chunk.unfound.push_back(static_cast<uint32_t>(2 * i + 1));
        }
        return reader.offset();
    }

    // A parsed chunk's edges, in order: the endpoints not found yet are resolved (and added
    // when new) a batch at a time, so that the writer overlaps their key-table misses.
    void add_pairs(ParsedPairs& chunk, LabelId label, EdgeTypeId type) {
        if (!writer_->found_ids_current(chunk.found_stamp)) {  // a failed call took vertices back
            chunk.unfound.resize(chunk.endpoint_count);
            std::iota(chunk.unfound.begin(), chunk.unfound.end(), uint32_t{0});
        }
        constexpr size_t kBatch = 8192;  // endpoints per vertices_for call
        std::vector<int64_t> keys;
        std::vector<uint32_t> ids;
        for (size_t at = 0; at < chunk.unfound.size(); at += kBatch) {
            const auto batch = std::span(chunk.unfound).subspan(at, std::min(kBatch, chunk.unfound.size() - at));
            keys.resize(batch.size());
            ids.resize(batch.size());
            for (size_t j = 0; j < batch.size(); ++j) keys[j] = chunk.endpoints[batch[j]];
            writer_->vertices_for_int_keys(keys, label, ids);
            for (size_t j = 0; j < batch.size(); ++j) (batch[j] % 2 ? chunk.to : chunk.from)[batch[j] / 2] = ids[j];
        }
        // One call for the chunk: an edge at a time, the calls' checks were a tenth of the
        // adding thread's work.
        writer_->add_edges_by_id(chunk.from, chunk.to, type);
    }

    // "path:line:1" of a parsed chunk's edge `edge` (its index among the chunk's edges), read
    // again: only a failure needs it, and bad lines and comments lie between edges.
    static std::string place_of_edge(const InputBuffer& input, const ParsedPairs& chunk, uint64_t edge) {
        EdgeListReader reader(input, chunk.bounds.begin, chunk.bounds.first_line);
        for (uint64_t seen = 0;;) {
            int64_t from = 0, to = 0;
            try {
                if (!reader.next(from, to, chunk.bounds.end)) break;
            } catch (const InputError&) {
                continue;
            }
            if (seen++ == edge) return input.path() + ":" + std::to_string(reader.line() - 1) + ":1";
        }
        return input.path();
    }

    // SNAP edge lists: every distinct integer is a vertex (int64 key), in order of first sight.
    // Worker threads parse the lines and find the endpoints seen before; this thread adds the
    // others' vertices and the edges, in file order.
    void load_edgelists() {
        LabelId label = writer_->add_label(kDefaultLabel);
        EdgeTypeId type = writer_->add_edge_type(kDefaultType);
        for (const std::string& path : options_.edgelists) {
            InputBuffer input(path);
            auto parse = [&](const ChunkBounds& bounds, ParsedPairs& chunk) { return parse_pairs(input, bounds, chunk); };
            ParallelRows<ParsedPairs> chunks(input, 0, 1, workers(), options_.chunk_bytes, parse);
            progress_.begin("load", path, input.size());
            uint64_t rows = 0;
            while (ParsedPairs* chunk = chunks.next()) {
                for (const std::exception_ptr& error : chunk->errors) {
                    try {
                        std::rethrow_exception(error);
                    } catch (const InputError& e) {
                        bad_row(e);
                    }
                }
                try {
                    add_pairs(*chunk, label, type);
                } catch (const Error& e) {
                    // Such a failure is the environment's (the staged edges' disk) or a limit's:
                    // its row counts within the chunk, so it is told by the line instead.
                    if (!e.row()) throw;
                    throw e.moved_to_place(place_of_edge(input, *chunk, *e.row()));
                }
                rows += chunk->lines;
                progress_.tick(rows, chunks.offset());
                input.release_before(chunks.offset());
            }
        }
    }

    const BuildOptions& options_;
    BuildObserver* observer_;
    KeyType key_type_ = KeyType::string;
    std::unique_ptr<Writer> writer_;  // made once the key type is known (after the headers)
    Shapes labels_, types_;
    LabelCombos combos_;
    bool has_id_spaces_ = false;
    std::vector<Source> sources_;
    Progress progress_;
    uint64_t bad_rows_ = 0;
};

}  // namespace

BuildReport run_build(const BuildOptions& options, BuildObserver* observer) {
    Importer importer(options, observer);
    return importer.run();
}

}  // namespace mmgraph::importer
