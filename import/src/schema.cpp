#include "schema.hpp"

#include <charconv>

namespace mmgraph::importer {

namespace {

// neo4j-admin's column type names; the first name of a code is the one written back.
constexpr std::pair<std::string_view, TypeCode> kCsvTypes[] = {
    {"string", TypeCode::string}, {"int", TypeCode::int32},      {"long", TypeCode::int64},
    {"float", TypeCode::float32}, {"double", TypeCode::float64}, {"boolean", TypeCode::boolean},
    {"byte", TypeCode::int8},     {"short", TypeCode::int16},  {"date", TypeCode::date},
    {"localtime", TypeCode::localtime}, {"time", TypeCode::time}, {"localdatetime", TypeCode::localdatetime},
    {"datetime", TypeCode::datetime}, {"duration", TypeCode::duration}, {"point", TypeCode::point},
    {"char", TypeCode::string},  // one code point, checked per value; stored as a string
};

}  // namespace

const char* csv_type_name(TypeCode code) {
    for (const auto& [name, c] : kCsvTypes)
        if (c == code) return name.data();  // the literals are NUL-terminated
    return nullptr;
}

std::string csv_type_name(Type type) {
    const char* base = csv_type_name(type.element());
    const std::string name = base ? base : "string";
    return type.is_list() ? name + "[]" : name;
}

namespace {

std::optional<TypeCode> csv_type(std::string_view name) {
    for (const auto& [n, code] : kCsvTypes)
        if (iequals(n, name)) return code;
    return std::nullopt;
}

// The options in braces of an :ID column, comma-separated NAME:VALUE pairs, each at most once:
// `id-type:integer|string` (the key type) and `label:NAME` (the one label that stores the key's
// attribute; neo4j-admin reads it as the label the key identifies).
void read_key_options(std::string_view options, Column& column, const CsvField& field, const InputBuffer& input) {
    auto fail = [&](const std::string& why) { input.fail(field.offset, field.line, "column " + quote(field.text) + ": " + why); };
    if (column.role != Role::key) fail("options in braces are only read on the :ID column");
    bool seen_type = false, seen_label = false;
    for (std::string_view option : Shapes::split(options, ',')) {
        const size_t colon = option.find(':');
        const std::string_view name = trim(option.substr(0, colon));
        const std::string_view value = colon == std::string_view::npos ? std::string_view() : trim(option.substr(colon + 1));
        if (colon == std::string_view::npos || name.empty() || value.empty())
            fail("option " + quote(option) + " is not NAME:VALUE (the :ID column takes {id-type:integer|string,label:NAME})");
        if (iequals(name, "id-type")) {
            if (seen_type) fail("option id-type given twice");
            seen_type = true;
            if (iequals(value, "integer") || iequals(value, "long") || iequals(value, "int")) column.id_type = KeyType::int64;
            else if (iequals(value, "string")) column.id_type = KeyType::string;
            else fail("id-type must be integer or string, not " + quote(value));
        } else if (iequals(name, "label")) {
            if (seen_label) fail("option label given twice");
            seen_label = true;
            if (column.name.empty()) fail("{label:...} names the label that stores the key's attribute, but the column has no name (as in 'personId:ID{label:Person}')");
            column.key_label = std::string(value);
        } else {
            fail("unsupported option " + quote(option) + " (the :ID column takes {id-type:integer|string,label:NAME})");
        }
    }
}

}  // namespace

// One header field: "name:type", ":ID", ":LABEL", ":START_ID", ":END_ID", ":TYPE", "name:IGNORE".
Column parse_column(const CsvField& field, bool nodes, const InputBuffer& input) {
    auto fail = [&](const std::string& why) { input.fail(field.offset, field.line, why); };
    Column column;
    column.location = input.locate(field.offset, field.line);
    column.where = input.where(field.offset, field.line);
    std::string_view text = field.text;
    // Options in braces after the type, as in neo4j's `id:ID{label:Person}`, read on the :ID
    // column only.
    std::optional<std::string_view> options;
    if (const size_t open = text.find('{'); open != std::string_view::npos && text.substr(0, open).find(':') != std::string_view::npos) {
        if (text.back() != '}') fail("column " + quote(text) + ": options open with '{' but do not end with '}'");
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
        if (grouped) {
            const bool id_column = s.role == Role::key || s.role == Role::start || s.role == Role::end;
            const std::string_view space = type.substr(s.spelling.size() + 1, type.size() - s.spelling.size() - 1);
            if (!id_column || space.empty() || space.back() != ')' || space.size() == 1)
                fail("column " + quote(text) + ": only :ID, :START_ID and :END_ID take an ID space, as in ':ID(Movie-ID)'");
            column.id_space = std::string(space.substr(0, space.size() - 1));
            type = type.substr(0, s.spelling.size());
        }
        if (!iequals(type, s.spelling)) continue;
        if (!(nodes ? s.in_nodes : s.in_relationships))
            fail("column " + quote(text) + " belongs in a " + (nodes ? "relationship" : "node") + " file");
        column.role = s.role;
        if (options) read_key_options(*options, column, field, input);
        return column;
    }
    if (options) fail("column " + quote(field.text) + ": options in braces are only read on the :ID column");
    if (name.empty()) fail("column " + quote(text) + " has no name");
    bool list = type.size() >= 2 && type.substr(type.size() - 2) == "[]";
    std::string_view base = list ? type.substr(0, type.size() - 2) : type;
    auto code = base.empty() ? std::optional<TypeCode>(TypeCode::string) : csv_type(base);
    if (!code)
        fail("column " + quote(text) + ": unsupported type " + quote(type) +
             " (types: string, char, int, long, float, double, boolean, byte, short, date, localtime, time, localdatetime, "
             "datetime, duration, point, and arrays of them)");
    column.type = list ? Type::list_of(*code) : Type(*code);
    column.one_character = iequals(base, "char");
    return column;
}

void LabelCombos::settle(uint32_t id, const Shapes& labels, Writer& writer) {
    LabelCombo& combo = list[id];
    combo.writer_labels.clear();
    for (uint32_t label : combo.labels) combo.writer_labels.push_back(labels.list[label].id);
    try {
        combo.attributes = writer.label_set_attributes(combo.writer_labels);
    } catch (const Error& e) {
        throw Error(e.kind(), combo.where + ": :LABEL " + quote(combo.text) + ": " + e.what());
    }
}

void Shapes::not_seen(std::string_view name, const CsvField* field, const InputBuffer& input) const {
    throw Error(ErrorKind::bad_input, input.where(field->offset, field->line) + ": " + what_ + " " + quote(name) +
                " was not there on the first read; did the file change during the build?");
}

void read_header(Source& s, CsvReader& reader, CsvRecord& record) {
    const InputBuffer& input = reader.input();
    if (!reader.next(record)) input.fail(0, 1, "empty file: expected a header row");
    s.columns.clear();
    s.header_texts.clear();
    for (const CsvField& field : record.fields) s.header_texts.emplace_back(field.text);
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
            case Role::ignore: break;
        }
        if (column.is_attribute())
            for (const Column& other : s.columns)
                if (other.is_attribute() && other.name == column.name)
                    throw InputError(column.where + ": column " + quote(column.name) + " appears twice", column.location);
        if (role_column) {
            if (*role_column >= 0) throw InputError(column.where + ": column " + quote(record.fields[i].text) + " appears twice", column.location);
            *role_column = static_cast<int>(i);
        }
        s.columns.push_back(std::move(column));
    }
    const CsvField& first = record.fields.front();
    if (s.nodes && s.key < 0) input.fail(first.offset, first.line, "no :ID column (the vertex key, e.g. 'id:ID') in the header");
    if (!s.nodes && s.start < 0) input.fail(first.offset, first.line, "no :START_ID column in the header");
    if (!s.nodes && s.end < 0) input.fail(first.offset, first.line, "no :END_ID column in the header");
}

void declare_shape(Shapes& set, uint32_t id, bool labels, std::vector<Source>& sources, Writer& writer) {
    auto& shape = set.list[id];
    for (size_t si = 0; si < sources.size(); ++si) {
        Source& s = sources[si];
        if (s.nodes != labels || s.use.size() <= id || s.use[id] < 0) continue;
        auto& slots = s.slots[static_cast<size_t>(s.use[id])];
        slots.assign(s.columns.size(), kNoSlot);
        for (size_t c = 0; c < s.columns.size(); ++c) {
            const Column& column = s.columns[c];
            if (!column.is_attribute_of(shape.name)) continue;
            size_t a = 0;
            while (a < shape.attributes.size() && shape.attributes[a].name != column.name) ++a;
            if (a == shape.attributes.size()) {
                shape.attributes.push_back(AttributeSpec{column.name, column.type, true});
                shape.origin.emplace_back(si, c);
            } else if (shape.attributes[a].type != column.type) {
                auto [osi, oc] = shape.origin[a];
                const Column& first = sources[osi].columns[oc];
                throw Error(ErrorKind::bad_input, column.where + ": column " + quote(column.name) + " is " + csv_type_name(column.type) +
                            " here but " + csv_type_name(first.type) + " at " + first.where + ", and both files hold " +
                            (labels ? "label " : "edge type ") + quote(shape.name));
            }
            slots[c] = static_cast<uint32_t>(a);
        }
    }
    shape.id = labels ? writer.add_label(shape.name, shape.attributes) : writer.add_edge_type(shape.name, shape.attributes);
}

}  // namespace mmgraph::importer
