#include "values.hpp"

namespace mmgraph::importer {

template <typename T>
void FieldParser::bad(const Column& column, const CsvField& field, std::string_view item) const {
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

template void FieldParser::bad<bool>(const Column&, const CsvField&, std::string_view) const;
template void FieldParser::bad<int8_t>(const Column&, const CsvField&, std::string_view) const;
template void FieldParser::bad<int16_t>(const Column&, const CsvField&, std::string_view) const;
template void FieldParser::bad<int32_t>(const Column&, const CsvField&, std::string_view) const;
template void FieldParser::bad<int64_t>(const Column&, const CsvField&, std::string_view) const;
template void FieldParser::bad<float>(const Column&, const CsvField&, std::string_view) const;
template void FieldParser::bad<double>(const Column&, const CsvField&, std::string_view) const;

}  // namespace mmgraph::importer
