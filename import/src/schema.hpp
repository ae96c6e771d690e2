// The schema side of the importer: the header grammar (neo4j-admin import convention: column
// roles, types and options) and the union of labels and edge types over the input files, with
// the attributes of each.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mmgraph/import/csv.hpp"
#include "mmgraph/types.hpp"
#include "mmgraph/writer.hpp"
#include "text.hpp"

namespace mmgraph::importer {

// ---- headers --------------------------------------------------------------------------------

enum class Role : uint8_t { property, key, label, start, end, type, ignore };

struct Column {
    std::string name;
    Role role = Role::property;
    Type type;
    std::string where;  // FILE:LINE:COLUMN of the header field
    InputLocation location;  // the same, for errors
    std::optional<KeyType> id_type;  // an :ID column's {id-type:...} option, if any
    std::string key_label;           // an :ID column's {label:...} option: the one label that stores its attribute
    bool one_character = false;      // a `char` column: strings of exactly one code point
    std::string id_space;            // :ID(Space), :START_ID(Space), :END_ID(Space): its name; empty for the default

    // A property column, or a named :ID column (`personId:ID`), whose key is also stored as an
    // attribute of that name, as neo4j-admin keeps it as a property; its type is the key type's.
    bool is_attribute() const { return role == Role::property || (role == Role::key && !name.empty()); }
    // Whether this column's attribute goes to `label`: a {label:...} option keeps the key's
    // attribute to that one label (in neo4j-admin the label its key identifies).
    bool is_attribute_of(std::string_view label) const { return is_attribute() && (key_label.empty() || key_label == label); }
};

// The neo4j-admin spelling of a column type, for messages.
std::string csv_type_name(Type type);

// One header field: "name:type", ":ID", ":LABEL", ":START_ID", ":END_ID", ":TYPE", "name:IGNORE";
// the id columns may name an ID space, ":ID(Movie-ID)", as neo4j-admin's id groups do, and the
// :ID column may end in options, "personId:ID{label:Person,id-type:integer}".
Column parse_column(const CsvField& field, bool nodes, const InputBuffer& input);

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

    // `splits`: a value holding the array delimiter names several shapes (labels: "A;B"), which
    // the caller splits (LabelCombos) before asking for each one's id.
    Shapes(const char* what, const char* column, size_t limit, bool splits)
        : what_(what), column_(column), limit_(limit), splits_(splits) {}

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

    // The checks every value passes: not empty, and with several names none of them empty.
    void check(std::string_view name, const CsvField* field, const InputBuffer& input, char array_delimiter) const {
        if (name.empty()) input.fail(field->offset, field->line, std::string("empty ") + column_);
        if (!splits_ || name.find(array_delimiter) == std::string_view::npos) return;
        for (std::string_view part : split(name, array_delimiter))
            if (part.empty()) input.fail(field->offset, field->line, std::string("empty ") + what_ + " in " + quote(name));
    }
    static std::vector<std::string_view> split(std::string_view text, char delimiter) {
        std::vector<std::string_view> parts;
        for (size_t at = 0;;) {
            const size_t end = text.find(delimiter, at);
            parts.push_back(text.substr(at, end == std::string_view::npos ? end : end - at));
            if (end == std::string_view::npos) return parts;
            at = end + 1;
        }
    }
private:
    // Pass 2 met a name pass 1 did not: the file is not what it was.
    [[noreturn]] void not_seen(std::string_view name, const CsvField* field, const InputBuffer& input) const;

    const char* what_;
    const char* column_;
    size_t limit_;
    bool splits_;
    bool frozen_ = false;
    std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> ids_;
    Recent recent_;
};

// :LABEL values that name several labels ("Movie;Sequel", split at the array delimiter), by
// their text, in order of first appearance. A row's shape id is kComboBit | its index here; the
// vertex gets the label set of `labels` (Shapes ids), and its values come in the order of the
// set's attributes (Writer::label_set_attributes), known once the labels are declared.
constexpr uint32_t kComboBit = 0x8000'0000u;

struct LabelCombo {
    std::string text;
    std::vector<uint32_t> labels;          // ids in the labels' Shapes, in the value's order
    std::vector<LabelId> writer_labels;    // set by `settle`
    std::vector<AttributeSpec> attributes;  // the set's attributes, set by `settle`
    std::string where;                     // FILE:LINE:COLUMN of the first appearance
};

class LabelCombos {
public:
    std::optional<uint32_t> find(std::string_view text) const {
        auto it = ids_.find(text);
        return it == ids_.end() ? std::nullopt : std::optional<uint32_t>(it->second);
    }
    std::string_view key(uint32_t id) const { return list[id].text; }  // stable: list items are not moved once settled
    uint32_t add(std::string_view text, std::vector<uint32_t> labels, std::string where) {
        auto [it, added] = ids_.emplace(std::string(text), static_cast<uint32_t>(list.size()));
        if (added) list.push_back({std::string(text), std::move(labels), {}, {}, std::move(where)});
        return it->second;
    }
    // Once every label of combo `id` is declared: its writer ids and attributes. A set whose
    // labels got one column with two types is refused, naming where the value first appeared.
    void settle(uint32_t id, const Shapes& labels, Writer& writer);

    std::vector<LabelCombo> list;

private:
    std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> ids_;
};
// The label and edge type of rows that name none.
constexpr const char* kDefaultLabel = "Vertex";
constexpr const char* kDefaultType = "EDGE";

// One input CSV file.
struct Source {
    Source(std::string p, bool n, std::string fallback_name = {}, int header_source = -1)
        : path(std::move(p)), nodes(n), fallback(fallback_name.empty() ? (n ? kDefaultLabel : kDefaultType) : std::move(fallback_name)),
          header_of(header_source) {}

    std::string path;
    bool nodes;
    std::string fallback;  // the label(s) / type of rows without a :LABEL / :TYPE column
    std::vector<std::string> option_labels;  // node files: labels added to every row (its group's)
    int header_of;         // the source whose header this file shares (a file group), or -1
    std::vector<std::string> header_texts;  // the header row's fields as written
    std::unique_ptr<InputBuffer> input;  // kept between passes only when it cannot be reopened
    std::vector<Column> columns;
    int key = -1, label = -1, start = -1, end = -1, type = -1;  // column of each role, -1 if none
    IdSpace key_space, start_space, end_space;  // the id columns' ID spaces (declared by the importer)
    std::vector<int32_t> use;                  // by shape id: index into slots, -1 if absent
    std::vector<std::vector<uint32_t>> slots;  // per shape present: attribute index of each column
    // The only file of its kind, with a :LABEL / :TYPE column: every name in it has exactly its
    // property columns as attributes, so pass 1 is skipped and names are registered in pass 2,
    // in the same order of first appearance.
    bool unscanned = false;
    std::vector<uint32_t> property_slots;  // per column: its index among the property columns
    uint32_t property_count = 0;
    std::vector<uint8_t> combo_used;                 // by combo id: the file has rows of it
    std::vector<std::vector<uint32_t>> combo_slots;  // by combo id: attribute index of each column
};

constexpr uint32_t kNoSlot = UINT32_MAX;


// Reads the header row of `s` into its columns and role columns.
void read_header(Source& s, CsvReader& reader, CsvRecord& record);

// Declares shape `id` of `set` to the writer: its attributes are the union of the property
// columns of the files of `sources` it appears in, in order of first appearance; all nullable,
// since other files' rows lack them.
void declare_shape(Shapes& set, uint32_t id, bool labels, std::vector<Source>& sources, Writer& writer);

}  // namespace mmgraph::importer
