// Attribute and property values as JSON, shared by `get` and `neighbors`:
// values keep their JSON types; bytes are base64; a vertex reference shows the referenced
// vertex's key (looked up across the dataset, so a shard's references to others resolve).
#include <charconv>
#include <cstdint>
#include <span>
#include <string>

#include "inspect.hpp"
#include "mmgraph/format/date.hpp"
#include "mmgraph/format/temporal.hpp"

namespace mmgraph::cli {

Json labels_json(const Vertex& v) {
    Json names = Json::array();
    for (uint32_t label : v.labels()) names.push_back(v.file().labels()[label].name);
    return names;
}

Json key_json(const Key& key) {
    if (auto* s = std::get_if<std::string_view>(&key)) return std::string(*s);
    return std::get<int64_t>(key);
}

namespace {

std::string base64(std::span<const uint8_t> bytes) {
    static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t i = 0; i < bytes.size(); i += 3) {
        uint32_t n = uint32_t{bytes[i]} << 16;
        if (i + 1 < bytes.size()) n |= uint32_t{bytes[i + 1]} << 8;
        if (i + 2 < bytes.size()) n |= bytes[i + 2];
        out += kDigits[(n >> 18) & 63];
        out += kDigits[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? kDigits[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? kDigits[n & 63] : '=';
    }
    return out;
}


// A float32 printed as a double would show its binary expansion (0.1f as 0.10000000149011612);
// going through its shortest decimal form keeps the digits the user wrote.
double shortest(float value) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    double out = value;
    if (ec == std::errc()) std::from_chars(buf, end, out);
    return out;
}

// A point as an object with its CRS name, as Cypher's drivers and APOC export it to JSON.
Json point_json(const ValueRef& v) {
    const Point p = v.as_point();
    if (format::invalid(p)) return format::temporal_to_text(v.type().byte, v.as_bytes().data());
    Json j = {{"crs", format::crs_name(p.srid)}, {"x", p.x}, {"y", p.y}};
    if (format::is_3d(p.srid)) j["z"] = p.z;
    return j;
}

Json scalar_json(const ValueRef& v, const File& file, const Dataset& dataset) {
    switch (v.type().element()) {
        case TypeCode::boolean: return v.as_bool();
        case TypeCode::int8:
        case TypeCode::int16:
        case TypeCode::int32:
        case TypeCode::int64: return v.as_int();
        case TypeCode::uint8:
        case TypeCode::uint16:
        case TypeCode::uint32:
        case TypeCode::uint64: return v.as_uint();
        case TypeCode::float32: return shortest(static_cast<float>(v.as_double()));
        case TypeCode::float64: return v.as_double();  // NaN and infinities become null
        case TypeCode::string: return std::string(v.as_string());
        case TypeCode::bytes: return base64(v.as_bytes());
        case TypeCode::vertex_ref: return key_json(dataset.vertex(v.as_ref()).key());
        case TypeCode::date: return format::date_to_iso(v.as_date_days());  // ISO 8601, as Cypher prints a DATE
        case TypeCode::datetime: return format::temporal_to_text(v.type().byte, v.as_bytes().data(), file.zone_name(v.as_datetime().zone));
        case TypeCode::localtime:
        case TypeCode::time:
        case TypeCode::localdatetime:
        case TypeCode::duration: return format::temporal_to_text(v.type().byte, v.as_bytes().data());
        case TypeCode::point: return point_json(v);
    }
    return nullptr;
}

}  // namespace

Json value_json(const ValueRef& v, const File& file, const Dataset& dataset) {
    if (v.is_null()) return nullptr;
    if (!v.type().is_list()) return scalar_json(v, file, dataset);
    Json items = Json::array();
    for (const ValueRef& item : v.elements()) items.push_back(scalar_json(item, file, dataset));
    return items;
}

std::string dump(const Json& j, int indent) { return j.dump(indent, ' ', false, Json::error_handler_t::replace); }

}  // namespace mmgraph::cli
