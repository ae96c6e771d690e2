// Cypher's temporal types besides `date` and its spatial point (§4.3, since 2.2): the wire
// structs, their little-endian encodings, the range checks shared by the writer and verify, and
// ISO 8601 text, as date.hpp does for `date`.
//
//   1. wire structs and limits      2. encode / decode      3. range checks
//   4. text: times, offsets, date-times, durations, points
//
// Parsing text (zone names need a time-zone database) lives in the importer; this header needs
// none: a datetime with a named zone stores the offset in effect, so printing it needs no table.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "mmgraph/format/date.hpp"
#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/types.hpp"

namespace mmgraph::format {

// ---- 1. wire structs and limits -------------------------------------------------------------
inline constexpr int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr int64_t kSecondsPerDay = 86'400;
inline constexpr int64_t kNanosPerDay = kSecondsPerDay * kNanosPerSecond;
inline constexpr int32_t kMaxOffsetSeconds = 64'800;  // ±18:00, as ISO 8601 offsets and Cypher allow
// Wall-clock seconds of the first and last instants whose date is a valid `date`.
inline constexpr int64_t kMinLocalSeconds = kMinDateDays * kSecondsPerDay;
inline constexpr int64_t kMaxLocalSeconds = kMaxDateDays * kSecondsPerDay + kSecondsPerDay - 1;

struct LocalTime {  // localtime, 8 bytes
    int64_t nanos = 0;  // since midnight
    constexpr bool operator==(const LocalTime&) const = default;
};
struct Time {  // time, 12 bytes
    int64_t nanos = 0;   // local time since midnight
    int32_t offset = 0;  // seconds east of UTC
    constexpr bool operator==(const Time&) const = default;
};
struct LocalDateTime {  // localdatetime, 12 bytes
    int64_t seconds = 0;  // wall clock since 1970-01-01T00:00:00, as if UTC
    uint32_t nanos = 0;
    constexpr bool operator==(const LocalDateTime&) const = default;
};
struct DateTime {  // datetime, 20 bytes
    int64_t seconds = 0;  // UTC since the epoch
    uint32_t nanos = 0;
    int32_t offset = 0;  // seconds east of UTC in effect at that instant
    uint32_t zone = 0;   // 0: a fixed offset; z > 0: the zone named by string z - 1 (§4.1)
    constexpr bool operator==(const DateTime&) const = default;
};
struct Duration {  // duration, 28 bytes; Cypher's four independent components
    int64_t months = 0, days = 0, seconds = 0;
    int32_t nanos = 0;  // 0..999,999,999, added to seconds
    constexpr bool operator==(const Duration&) const = default;
};
enum class Srid : uint32_t { cartesian = 7203, cartesian_3d = 9157, wgs84 = 4326, wgs84_3d = 4979 };
struct Point {  // point, 28 bytes
    uint32_t srid = static_cast<uint32_t>(Srid::cartesian);
    double x = 0, y = 0, z = 0;  // WGS-84: x longitude, y latitude, z height
    bool operator==(const Point& o) const {  // bitwise, so that -0.0 and +0.0 differ as stored
        return srid == o.srid && std::memcmp(&x, &o.x, 8) == 0 && std::memcmp(&y, &o.y, 8) == 0 && std::memcmp(&z, &o.z, 8) == 0;
    }
};

constexpr bool is_3d(uint32_t srid) noexcept {
    return srid == static_cast<uint32_t>(Srid::cartesian_3d) || srid == static_cast<uint32_t>(Srid::wgs84_3d);
}
constexpr bool is_geographic(uint32_t srid) noexcept {
    return srid == static_cast<uint32_t>(Srid::wgs84) || srid == static_cast<uint32_t>(Srid::wgs84_3d);
}
// Cypher's CRS names; nullptr for an SRID the format does not define.
constexpr const char* crs_name(uint32_t srid) noexcept {
    switch (static_cast<Srid>(srid)) {
        case Srid::cartesian: return "cartesian";
        case Srid::cartesian_3d: return "cartesian-3d";
        case Srid::wgs84: return "wgs-84";
        case Srid::wgs84_3d: return "wgs-84-3d";
    }
    return nullptr;
}

constexpr int64_t floor_div(int64_t a, int64_t b) noexcept { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
constexpr int64_t floor_mod(int64_t a, int64_t b) noexcept { return a - floor_div(a, b) * b; }

// ---- 2. encode / decode (little-endian, packed, §4.3) ---------------------------------------
inline void encode(const LocalTime& v, uint8_t* p) noexcept { store<int64_t>(p, v.nanos); }
inline void encode(const Time& v, uint8_t* p) noexcept {
    store<int64_t>(p, v.nanos);
    store<int32_t>(p + 8, v.offset);
}
inline void encode(const LocalDateTime& v, uint8_t* p) noexcept {
    store<int64_t>(p, v.seconds);
    store<uint32_t>(p + 8, v.nanos);
}
inline void encode(const DateTime& v, uint8_t* p) noexcept {
    store<int64_t>(p, v.seconds);
    store<uint32_t>(p + 8, v.nanos);
    store<int32_t>(p + 12, v.offset);
    store<uint32_t>(p + 16, v.zone);
}
inline void encode(const Duration& v, uint8_t* p) noexcept {
    store<int64_t>(p, v.months);
    store<int64_t>(p + 8, v.days);
    store<int64_t>(p + 16, v.seconds);
    store<int32_t>(p + 24, v.nanos);
}
inline void encode(const Point& v, uint8_t* p) noexcept {
    store<uint32_t>(p, v.srid);
    std::memcpy(p + 4, &v.x, 8);
    std::memcpy(p + 12, &v.y, 8);
    std::memcpy(p + 20, &v.z, 8);
}

inline LocalTime decode_localtime(const uint8_t* p) noexcept { return {load<int64_t>(p)}; }
inline Time decode_time(const uint8_t* p) noexcept { return {load<int64_t>(p), load<int32_t>(p + 8)}; }
inline LocalDateTime decode_localdatetime(const uint8_t* p) noexcept { return {load<int64_t>(p), load<uint32_t>(p + 8)}; }
inline DateTime decode_datetime(const uint8_t* p) noexcept {
    return {load<int64_t>(p), load<uint32_t>(p + 8), load<int32_t>(p + 12), load<uint32_t>(p + 16)};
}
inline Duration decode_duration(const uint8_t* p) noexcept {
    return {load<int64_t>(p), load<int64_t>(p + 8), load<int64_t>(p + 16), load<int32_t>(p + 24)};
}
inline Point decode_point(const uint8_t* p) noexcept {
    Point v;
    v.srid = load<uint32_t>(p);
    std::memcpy(&v.x, p + 4, 8);
    std::memcpy(&v.y, p + 12, 8);
    std::memcpy(&v.z, p + 20, 8);
    return v;
}

// ---- 3. range checks: nullptr when valid, else the reason (for writer errors and verify) ------
constexpr const char* invalid_localtime(int64_t nanos) noexcept {
    return nanos < 0 || nanos >= kNanosPerDay ? "time of day outside 0 to 86399999999999 ns (00:00 to 23:59:59.999999999)" : nullptr;
}
constexpr const char* invalid_offset(int64_t offset) noexcept {
    return offset < -kMaxOffsetSeconds || offset > kMaxOffsetSeconds ? "UTC offset outside -64800 to +64800 s (-18:00 to +18:00)" : nullptr;
}
constexpr const char* invalid_nanos(int64_t nanos) noexcept {
    return nanos < 0 || nanos >= kNanosPerSecond ? "nanoseconds outside 0 to 999999999" : nullptr;
}
constexpr const char* invalid_local_seconds(int64_t seconds) noexcept {
    return seconds < kMinLocalSeconds || seconds > kMaxLocalSeconds ? "date outside the years -999999 to +999999" : nullptr;
}

constexpr const char* invalid(const LocalTime& v) noexcept { return invalid_localtime(v.nanos); }
constexpr const char* invalid(const Time& v) noexcept {
    if (const char* why = invalid_localtime(v.nanos)) return why;
    return invalid_offset(v.offset);
}
constexpr const char* invalid(const LocalDateTime& v) noexcept {
    if (const char* why = invalid_nanos(v.nanos)) return why;
    return invalid_local_seconds(v.seconds);
}
// The zone id is checked against the string table by verify; here only the numbers.
constexpr const char* invalid(const DateTime& v) noexcept {
    if (const char* why = invalid_nanos(v.nanos)) return why;
    if (const char* why = invalid_offset(v.offset)) return why;
    if (v.seconds < kMinLocalSeconds - kMaxOffsetSeconds || v.seconds > kMaxLocalSeconds + kMaxOffsetSeconds)
        return "date outside the years -999999 to +999999";
    return invalid_local_seconds(v.seconds + v.offset);
}
constexpr const char* invalid(const Duration& v) noexcept { return invalid_nanos(v.nanos); }
inline const char* invalid(const Point& v) noexcept {
    if (!crs_name(v.srid)) return "SRID not one of 7203 (cartesian), 9157 (cartesian-3d), 4326 (wgs-84), 4979 (wgs-84-3d)";
    if (std::isnan(v.x) || std::isnan(v.y) || std::isnan(v.z)) return "coordinate is NaN";
    if (!is_3d(v.srid) && (v.z != 0 || std::signbit(v.z))) return "z of a 2D point is not +0.0";
    if (is_geographic(v.srid) && (v.x < -180 || v.x > 180)) return "longitude (x) outside -180 to 180";
    if (is_geographic(v.srid) && (v.y < -90 || v.y > 90)) return "latitude (y) outside -90 to 90";
    return nullptr;
}

// ---- 4. text ---------------------------------------------------------------------------------
namespace temporal_text {
inline void two_digits(std::string& out, int64_t v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}
// ".fffffffff" without trailing zeros, nothing for 0.
inline void fraction(std::string& out, int64_t nanos) {
    if (nanos == 0) return;
    char digits[10];
    for (int i = 8; i >= 0; --i, nanos /= 10) digits[i] = static_cast<char>('0' + nanos % 10);
    int length = 9;
    while (digits[length - 1] == '0') --length;
    out += '.';
    out.append(digits, static_cast<size_t>(length));
}
}  // namespace temporal_text

// HH:MM:SS[.fffffffff]; seconds always written, so the text has one form.
inline std::string localtime_to_iso(int64_t nanos) {
    std::string out;
    const int64_t seconds = nanos / kNanosPerSecond;
    temporal_text::two_digits(out, seconds / 3600);
    out += ':';
    temporal_text::two_digits(out, seconds / 60 % 60);
    out += ':';
    temporal_text::two_digits(out, seconds % 60);
    temporal_text::fraction(out, nanos % kNanosPerSecond);
    return out;
}

// Z for 0, else ±HH:MM, or ±HH:MM:SS when the offset has seconds.
inline std::string offset_to_iso(int32_t offset) {
    if (offset == 0) return "Z";
    std::string out(1, offset < 0 ? '-' : '+');
    const int32_t magnitude = offset < 0 ? -offset : offset;
    temporal_text::two_digits(out, magnitude / 3600);
    out += ':';
    temporal_text::two_digits(out, magnitude / 60 % 60);
    if (magnitude % 60 != 0) {
        out += ':';
        temporal_text::two_digits(out, magnitude % 60);
    }
    return out;
}

inline std::string to_iso(const LocalTime& v) { return localtime_to_iso(v.nanos); }
inline std::string to_iso(const Time& v) { return localtime_to_iso(v.nanos) + offset_to_iso(v.offset); }
inline std::string local_seconds_to_iso(int64_t seconds, int64_t nanos) {
    return date_to_iso(floor_div(seconds, kSecondsPerDay)) + "T" +
           localtime_to_iso(floor_mod(seconds, kSecondsPerDay) * kNanosPerSecond + nanos);
}
inline std::string to_iso(const LocalDateTime& v) { return local_seconds_to_iso(v.seconds, v.nanos); }
// The local date-time and offset, then the zone in brackets when it has one:
// 2015-07-21T21:40:32.142+01:00[Europe/London]. `zone_name` is the name v.zone stands for.
inline std::string to_iso(const DateTime& v, std::string_view zone_name = {}) {
    std::string out = local_seconds_to_iso(v.seconds + v.offset, v.nanos) + offset_to_iso(v.offset);
    if (!zone_name.empty()) {
        out += '[';
        out += zone_name;
        out += ']';
    }
    return out;
}

// ISO 8601 duration as Cypher writes one: P[nY][nM][nD][T[nH][nM][n.fS]], each part with its
// own sign, months split into years and months, seconds into hours, minutes and seconds (signs
// follow the seconds' total); PT0S for zero. Reading it back gives the same four components.
inline std::string to_iso(const Duration& v) {
    std::string out = "P";
    auto part = [&out](int64_t n, char unit) {
        if (n == 0) return;
        out += std::to_string(n);
        out += unit;
    };
    part(v.months / 12, 'Y');
    part(v.months % 12, 'M');
    part(v.days, 'D');
    const __int128 total = static_cast<__int128>(v.seconds) * kNanosPerSecond + v.nanos;
    if (total != 0) {
        out += 'T';
        const bool negative = total < 0;
        const __int128 magnitude = negative ? -total : total;
        const uint64_t whole = static_cast<uint64_t>(magnitude / kNanosPerSecond);  // <= 2^63
        const int64_t nanos = static_cast<int64_t>(magnitude % kNanosPerSecond);
        const int64_t sign = negative ? -1 : 1;
        part(sign * static_cast<int64_t>(whole / 3600), 'H');
        part(sign * static_cast<int64_t>(whole / 60 % 60), 'M');
        if (whole % 60 != 0 || nanos != 0) {
            if (negative) out += '-';
            out += std::to_string(whole % 60);
            temporal_text::fraction(out, nanos);
            out += 'S';
        }
    }
    if (out == "P") out += "T0S";
    return out;
}

// The shortest decimal that reads back as the same double (std::to_chars).
inline std::string coordinate_text(double x) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, static_cast<size_t>(r.ptr - buf));
}

// {crs:'wgs-84-3d',x:12.78,y:56.7,z:8}, the map form Cypher's point() and neo4j-admin import
// read; z only for a 3D CRS.
inline std::string to_text(const Point& v) {
    const char* crs = crs_name(v.srid);
    std::string out = "{crs:'" + std::string(crs ? crs : "unknown") + "',x:" + coordinate_text(v.x) + ",y:" + coordinate_text(v.y);
    if (is_3d(v.srid)) out += ",z:" + coordinate_text(v.z);
    out += '}';
    return out;
}

// The text of one stored value of a 2.2 type (`code` 16-21, `p` its bytes): ISO 8601 for the
// temporal types, the map form for a point; a value outside its range (a damaged file) as
// "invalid <type>: <reason>", never computed from. `zone_name` is a datetime zone's name.
inline std::string temporal_to_text(uint8_t code, const uint8_t* p, std::string_view zone_name = {}) {
    auto checked = [code](const auto& v, auto&& text) -> std::string {
        if (const char* why = invalid(v)) return "invalid " + std::string(scalar_name(code)) + ": " + why;
        return text(v);
    };
    switch (static_cast<TypeCode>(code)) {
        case TypeCode::localtime: return checked(decode_localtime(p), [](const auto& v) { return to_iso(v); });
        case TypeCode::time: return checked(decode_time(p), [](const auto& v) { return to_iso(v); });
        case TypeCode::localdatetime: return checked(decode_localdatetime(p), [](const auto& v) { return to_iso(v); });
        case TypeCode::datetime: return checked(decode_datetime(p), [zone_name](const auto& v) { return to_iso(v, zone_name); });
        case TypeCode::duration: return checked(decode_duration(p), [](const auto& v) { return to_iso(v); });
        case TypeCode::point: return checked(decode_point(p), [](const auto& v) { return to_text(v); });
        default: return "not a temporal type";
    }
}

constexpr bool is_temporal_code(uint8_t code) noexcept {
    return code >= static_cast<uint8_t>(TypeCode::localtime) && code <= static_cast<uint8_t>(TypeCode::point);
}

}  // namespace mmgraph::format
