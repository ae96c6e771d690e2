// Value conversion: one CSV field to a writer Value, typed by its column. The per-field path
// is inline here, as it runs for every field of every row; failures are out of line.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "mmgraph/format/date.hpp"
#include "mmgraph/format/temporal.hpp"
#include "mmgraph/import/csv.hpp"
#include "mmgraph/writer.hpp"
#include "schema.hpp"
#include "temporal.hpp"
#include "text.hpp"

namespace mmgraph::importer {

// A plain decimal ("2017", "-0.353": digits, at most one point with digits on both sides, no
// exponent) whose digits as an integer m and whose point k places from the end make m and 10^k
// both exact in T: then m / 10^k, one correctly rounded division, is the value std::from_chars
// gives (Clinger's fast path). Most numeric columns hold such text, and the library's general
// conversion cost about 10 ns a value. False for any other text, which goes to std::from_chars.
template <typename T>
bool parse_plain_decimal(std::string_view text, T& out) {
    constexpr uint64_t kMaxExactMantissa = uint64_t{1} << std::numeric_limits<T>::digits;
    constexpr int kMaxExactPower = std::is_same_v<T, float> ? 10 : 22;
    static constexpr T kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const bool negative = !text.empty() && text[0] == '-';
    size_t i = negative, digits = 0, point = 0;
    uint64_t m = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            if (++digits > 18) return false;
            m = m * 10 + static_cast<uint64_t>(c - '0');
        } else if (c == '.' && point == 0 && digits > 0 && i + 1 < text.size()) {
            point = i;
        } else {
            return false;
        }
    }
    const int places = point ? static_cast<int>(text.size() - point - 1) : 0;
    if (digits == 0 || m > kMaxExactMantissa || places > kMaxExactPower) return false;
    const T value = static_cast<T>(m) / kPowers[places];
    out = negative ? -value : value;
    return true;
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
    text = trim(text);
    if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
    if constexpr (std::is_floating_point_v<T>)
        if (parse_plain_decimal(text, out)) return true;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

template <>
inline bool parse_number<bool>(std::string_view text, bool& out) {
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

// neo4j-admin's rules for string fields: --ignore-empty-strings, --trim-strings.
struct TextRules {
    bool empty_is_null = false;  // "" in a string or string[] column is null
    bool trim = false;           // a string value, or each item, loses leading and trailing blanks
};

class FieldParser {
public:
    FieldParser(const InputBuffer& input, char array_delimiter, TextRules rules = {})
        : input_(input), array_delimiter_(array_delimiter), rules_(rules) {}

    // An empty unquoted field is null. A quoted empty field is an empty string or an empty list,
    // and null for other types (so that files that quote every field keep their nulls).
    Value parse(const Column& column, const CsvField& raw, ValueStore& store) const {
        const bool text = column.type.element() == TypeCode::string;
        CsvField trimmed;
        if (text && rules_.trim && !column.type.is_list()) {
            trimmed = raw;
            trimmed.text = trim_blanks(raw.text);
        }
        const CsvField& field = text && rules_.trim && !column.type.is_list() ? trimmed : raw;
        if (text && rules_.empty_is_null && field.text.empty()) return Value::null();
        if (field.text.empty()) {
            if (!field.quoted) return Value::null();
            if (column.type == Type(TypeCode::string) && !column.one_character) return Value(std::string_view());
            if (!column.type.is_list()) return Value::null();
        }
        switch (column.type.element()) {
            case TypeCode::string:
                if (column.one_character) check_characters(column, field);
                return column.type.is_list() ? strings(field, store) : Value(field.text);
            case TypeCode::boolean: return typed<bool>(column, field, store);
            case TypeCode::int8: return typed<int8_t>(column, field, store);
            case TypeCode::int16: return typed<int16_t>(column, field, store);
            case TypeCode::int32: return typed<int32_t>(column, field, store);
            case TypeCode::int64: return typed<int64_t>(column, field, store);
            case TypeCode::float32: return typed<float>(column, field, store);
            case TypeCode::float64: return typed<double>(column, field, store);
            case TypeCode::date: return dates(column, field, store);
            case TypeCode::localtime: return temporal(column, field, store, parse_localtime, &Value::localtime);
            case TypeCode::time: return temporal(column, field, store, parse_time, &Value::time);
            case TypeCode::localdatetime: return temporal(column, field, store, parse_localdatetime, &Value::localdatetime);
            case TypeCode::datetime: return datetimes(column, field, store);
            case TypeCode::duration: return temporal(column, field, store, parse_duration, &Value::duration);
            case TypeCode::point: return temporal(column, field, store, parse_point, &Value::point);
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

    // Fails with the reason `item` (the field, or an item of a list field) is not a T.
    template <typename T>
    [[noreturn]] void bad(const Column& column, const CsvField& field, std::string_view item) const;

    // Items are kept byte for byte, like string fields: an empty item is an empty string. The
    // field "" (quoted) is the empty list.
    Value strings(const CsvField& field, ValueStore& store) const {
        auto& strings = store.strings();
        for (std::string_view rest = field.text; !field.text.empty();) {
            size_t cut = rest.find(array_delimiter_);
            strings.push_back(rules_.trim ? trim_blanks(rest.substr(0, cut)) : rest.substr(0, cut));
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

    // ISO 8601 calendar dates (YYYY-MM-DD, ±YYYYYY-MM-DD), one or a list as typed() reads them.
    int32_t date_item(const Column& column, const CsvField& field, std::string_view item) const {
        std::string reason;
        auto days = format::date_from_iso(trim(item), &reason);
        if (!days || !format::is_valid_date_days(*days))
            input_.fail(field.offset, field.line, quote(item) + " is not a valid date: " + (days ? "outside the years -999999 to +999999" : reason) +
                                                      " (column " + quote(column.name) + ", " + csv_type_name(column.type) + ")");
        return static_cast<int32_t>(*days);
    }

    Value dates(const Column& column, const CsvField& field, ValueStore& store) const {
        if (!column.type.is_list()) return Value::date_days(date_item(column, field, field.text));
        auto& items = store.items();
        size_t count = 0;
        for (std::string_view rest = field.text; !field.text.empty();) {  // "" is the empty list
            size_t cut = rest.find(array_delimiter_);
            std::string_view item = rest.substr(0, cut);
            int32_t days = date_item(column, field, item);
            if (items.size() * 8 < (count + 1) * sizeof days) items.resize(std::max<size_t>(16, items.size() * 2));
            std::memcpy(reinterpret_cast<char*>(items.data()) + count * sizeof days, &days, sizeof days);
            ++count;
            if (cut == std::string_view::npos) break;
            rest.remove_prefix(cut + 1);
        }
        return Value::date_list(std::span<const int32_t>(reinterpret_cast<const int32_t*>(items.data()), count));
    }

    // The items of a list field, split at the delimiter; "" is the empty list.
    template <typename Visit>
    void for_each_item(const CsvField& field, Visit&& visit) const {
        for (std::string_view rest = field.text; !field.text.empty();) {
            size_t cut = rest.find(array_delimiter_);
            visit(rest.substr(0, cut));
            if (cut == std::string_view::npos) break;
            rest.remove_prefix(cut + 1);
        }
    }

    // One item of a 2.2 type parsed by `parse` (import/src/temporal.hpp), or the error at the field.
    template <typename Parse>
    auto temporal_item(const Column& column, const CsvField& field, std::string_view item, Parse parse) const {
        std::string reason;
        auto parsed = parse(item, reason);
        if (!parsed)
            input_.fail(field.offset, field.line, quote(item) + " is not a valid " + std::string(format::scalar_name(static_cast<uint8_t>(column.type.element()))) +
                                                      ": " + reason + " (column " + quote(column.name) + ", " + csv_type_name(column.type) + ")");
        return *parsed;
    }

    // localtime, time, localdatetime, duration and point: one value, or a list of them.
    template <typename Parse, typename Make>
    Value temporal(const Column& column, const CsvField& field, ValueStore& store, Parse parse, Make make) const {
        if (!column.type.is_list()) return make(temporal_item(column, field, field.text, parse));
        using Item = decltype(temporal_item(column, field, field.text, parse));
        auto& items = store.items();
        size_t count = 0;
        for_each_item(field, [&](std::string_view item) {
            const Item value = temporal_item(column, field, item, parse);
            if (items.size() * 8 < (count + 1) * sizeof(Item)) items.resize(std::max<size_t>(16, items.size() * 2) + sizeof(Item) / 8);
            std::memcpy(reinterpret_cast<char*>(items.data()) + count * sizeof(Item), &value, sizeof(Item));
            ++count;
        });
        return Value::list(std::span<const Item>(reinterpret_cast<const Item*>(items.data()), count));
    }

    // datetime: a zone name views the field's text, which lives until the Writer has copied it.
    Value datetimes(const Column& column, const CsvField& field, ValueStore& store) const {
        if (!column.type.is_list()) {
            const ZonedDateTime t = temporal_item(column, field, field.text, parse_datetime);
            return Value::datetime(t.value, t.zone);
        }
        auto& items = store.items();
        auto& zones = store.strings();
        size_t count = 0;
        for_each_item(field, [&](std::string_view item) {
            ZonedDateTime t = temporal_item(column, field, item, parse_datetime);
            if (!t.zone.empty()) {
                zones.push_back(t.zone);
                t.value.zone = static_cast<uint32_t>(zones.size());
            }
            if (items.size() * 8 < (count + 1) * sizeof(DateTime)) items.resize(std::max<size_t>(16, items.size() * 2) + sizeof(DateTime) / 8);
            std::memcpy(reinterpret_cast<char*>(items.data()) + count * sizeof(DateTime), &t.value, sizeof(DateTime));
            ++count;
        });
        return Value::list(std::span<const DateTime>(reinterpret_cast<const DateTime*>(items.data()), count),
                           std::span<const std::string_view>(zones));
    }

    // A `char` column (Neo4j's): each value, or each item of a list, exactly one code point.
    void check_characters(const Column& column, const CsvField& field) const {
        auto check = [&](std::string_view item) {
            std::string reason;
            if (!is_one_character(item, reason))
                input_.fail(field.offset, field.line, quote(item) + " is not a valid char: " + reason + " (column " + quote(column.name) + ", char" +
                                                          (column.type.is_list() ? "[]" : "") + ")");
        };
        if (column.type.is_list()) for_each_item(field, check);
        else check(field.text);
    }

    const InputBuffer& input_;
    char array_delimiter_;
    TextRules rules_;
};

}  // namespace mmgraph::importer
