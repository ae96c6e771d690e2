// Parsers of import/src/temporal.hpp. A small cursor reads the text left to right; each parser
// is a sequence of named steps (date, time of day, offset, zone) that fail with a reason.
//
//   1. cursor and numbers   2. times and offsets   3. dates and date-times
//   4. zones (date/tz)      5. durations           6. points   7. char
#include "temporal.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "posix_rules.hpp"
#include "text.hpp"

namespace mmgraph::importer {

namespace {

// ---- 1. cursor and numbers --------------------------------------------------------------------

struct Cursor {
    std::string_view text;
    size_t at = 0;
    std::string* reason = nullptr;

    bool done() const { return at == text.size(); }
    char peek() const { return done() ? '\0' : text[at]; }
    bool take(char c) {
        if (peek() != c) return false;
        ++at;
        return true;
    }
    bool take_any(std::string_view chars) {
        if (done() || chars.find(text[at]) == std::string_view::npos) return false;
        ++at;
        return true;
    }
    size_t digits_ahead() const {
        size_t n = 0;
        while (at + n < text.size() && text[at + n] >= '0' && text[at + n] <= '9') ++n;
        return n;
    }
    // Exactly `count` digits as a number.
    bool number(size_t count, int64_t& out) {
        if (digits_ahead() < count) return false;
        std::from_chars(text.data() + at, text.data() + at + count, out);
        at += count;
        return true;
    }
    bool fail(const std::string& why) const {
        *reason = why;
        return false;
    }
};

// ".fffffffff" or ",fffffffff" after seconds: up to 9 digits, as nanoseconds.
bool fraction(Cursor& c, int64_t& nanos) {
    nanos = 0;
    if (!c.take_any(".,")) return true;
    const size_t count = c.digits_ahead();
    if (count == 0) return c.fail("no digits after the decimal point");
    if (count > 9) return c.fail("more than 9 fraction digits (the precision is the nanosecond)");
    int64_t digits = 0;
    c.number(count, digits);
    for (size_t i = count; i < 9; ++i) digits *= 10;
    nanos = digits;
    return true;
}

// ---- 2. times and offsets -----------------------------------------------------------------------

// HH[:MM[:SS[.f]]] or HH[MM[SS[.f]]]: nanoseconds since midnight.
bool time_of_day(Cursor& c, int64_t& nanos) {
    int64_t hour = 0, minute = 0, second = 0, fraction_nanos = 0;
    if (!c.number(2, hour)) return c.fail("not a time of day (HH:MM[:SS[.fffffffff]])");
    const bool extended = c.peek() == ':';
    if (extended ? (c.take(':') && !c.number(2, minute)) : (c.digits_ahead() >= 2 && !c.number(2, minute)))
        return c.fail("minutes are not two digits");
    if (extended ? c.take(':') : c.digits_ahead() >= 2) {
        if (!c.number(2, second)) return c.fail("seconds are not two digits");
        if (!fraction(c, fraction_nanos)) return false;
    }
    if (hour > 23) return c.fail("hour " + std::to_string(hour) + " out of range 00-23");
    if (minute > 59) return c.fail("minute " + std::to_string(minute) + " out of range 00-59");
    if (second > 59) return c.fail("second " + std::to_string(second) + " out of range 00-59 (no leap seconds)");
    nanos = ((hour * 60 + minute) * 60 + second) * format::kNanosPerSecond + fraction_nanos;
    return true;
}

// Z, ±HH, ±HHMM, ±HH:MM or ±HH:MM:SS, if one follows: seconds east of UTC.
bool offset(Cursor& c, std::optional<int32_t>& out) {
    if (c.take_any("Zz")) {
        out = 0;
        return true;
    }
    if (c.peek() != '+' && c.peek() != '-') return true;
    const int sign = c.peek() == '-' ? -1 : 1;
    ++c.at;
    int64_t hours = 0, minutes = 0, seconds = 0;
    if (!c.number(2, hours)) return c.fail("UTC offset hours are not two digits");
    const bool extended = c.take(':');
    if ((extended || c.digits_ahead() >= 2) && !c.number(2, minutes)) return c.fail("UTC offset minutes are not two digits");
    if (extended && c.take(':') && !c.number(2, seconds)) return c.fail("UTC offset seconds are not two digits");
    if (minutes > 59 || seconds > 59) return c.fail("UTC offset minutes or seconds out of range 00-59");
    const int64_t total = hours * 3600 + minutes * 60 + seconds;
    if (total > format::kMaxOffsetSeconds) return c.fail("UTC offset beyond ±18:00");
    out = static_cast<int32_t>(sign * total);
    return true;
}

bool finished(Cursor& c, const char* what) {
    return c.done() || c.fail("unexpected " + quote(c.text.substr(c.at)) + " after the " + what);
}

// ---- 3. dates and date-times ----------------------------------------------------------------------

// YYYY-MM-DD, ±YYYYYY-MM-DD or YYYYMMDD, up to a T; ISO week and ordinal dates are refused
// by name.
bool calendar_date(Cursor& c, int64_t& days) {
    const size_t end = c.text.find_first_of("Tt[", c.at);
    const std::string_view date = c.text.substr(c.at, end == std::string_view::npos ? end : end - c.at);
    const std::string_view digits = !date.empty() && (date[0] == '+' || date[0] == '-') ? date.substr(1) : date;
    if (digits.find_first_of("Ww") != std::string_view::npos)
        return c.fail("ISO week dates (2015-W30-2) are not supported: write a calendar date (2015-07-21)");
    if (std::count(digits.begin(), digits.end(), '-') == 1 && digits.size() - digits.find('-') == 4)
        return c.fail("ordinal dates (2015-202) are not supported: write a calendar date (2015-07-21)");
    std::string text(date);
    if (digits.size() == 8 && digits.find('-') == std::string_view::npos)  // compact YYYYMMDD
        text = text.substr(0, text.size() - 4) + "-" + text.substr(text.size() - 4, 2) + "-" + text.substr(text.size() - 2);
    std::string why;
    const auto parsed = format::date_from_iso(text, &why);
    if (!parsed) return c.fail(why);
    if (!format::is_valid_date_days(*parsed)) return c.fail("date outside the years -999999 to +999999");
    days = *parsed;
    c.at += date.size();
    return true;
}

// A date, then T and a time of day if given: wall-clock seconds and nanoseconds.
bool local_date_time(Cursor& c, int64_t& seconds, int64_t& nanos) {
    int64_t days = 0;
    nanos = 0;
    if (!calendar_date(c, days)) return false;
    if (c.take_any("Tt") && !time_of_day(c, nanos)) return false;
    seconds = days * format::kSecondsPerDay + nanos / format::kNanosPerSecond;
    nanos %= format::kNanosPerSecond;
    return true;
}

// ---- 4. zones (date/tz) ------------------------------------------------------------------------------

// tzdata's files list each zone's transitions up to 2037 and give the rule that continues them
// as a POSIX TZ string on their last line; date/tz's system database stops at the list and keeps
// its last offset. Past the list, the zone's POSIX rule decides, evaluated in the year of the
// first 400-year Gregorian cycle after the list that matches (its rules name months, weeks and
// weekdays, which repeat with the cycle).
class FutureRules {
public:
    // The rule and the second the list ends, or nullptr for a zone without a rule (no DST).
    struct Rule {
        PosixRule rule;
        int64_t listed_until;
    };
    static const Rule* of(const date::time_zone& zone) {
        static std::mutex mutex;
        static std::unordered_map<const date::time_zone*, std::optional<Rule>> rules;
        std::lock_guard lock(mutex);
        auto it = rules.find(&zone);
        if (it == rules.end()) it = rules.emplace(&zone, load(zone)).first;
        return it->second ? &*it->second : nullptr;
    }
    static constexpr int64_t kCycleSeconds = int64_t{146097} * format::kSecondsPerDay;
    // `seconds` moved into the cycle after the list when it is past the list.
    static int64_t in_cycle(const Rule& r, int64_t seconds) {
        return seconds < r.listed_until ? seconds : r.listed_until + format::floor_mod(seconds - r.listed_until, kCycleSeconds);
    }

private:
    static std::optional<Rule> load(const date::time_zone& zone) {
        std::ifstream file("/usr/share/zoneinfo/" + zone.name(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        if (bytes.size() < 2 || bytes.back() != '\n') return std::nullopt;
        const size_t start = bytes.rfind('\n', bytes.size() - 2);
        const std::string footer = bytes.substr(start + 1, bytes.size() - start - 2);
        if (start == std::string::npos || footer.find(',') == std::string::npos) return std::nullopt;  // no DST rule
        // The list ends where the last listed period begins: its sys_info lasts "forever".
        const int64_t listed_until = zone.get_info(date::sys_days(date::year(9999) / 1 / 1)).begin.time_since_epoch().count();
        try {
            return Rule{PosixRule(footer), listed_until};
        } catch (const std::exception&) {
            return std::nullopt;  // a footer this date/tz cannot read: keep the listed offset
        }
    }
};

// The offset in effect at a UTC second.
int32_t offset_at(const date::time_zone& zone, int64_t utc_seconds) {
    using std::chrono::seconds;
    const FutureRules::Rule* future = FutureRules::of(zone);
    if (future && utc_seconds >= future->listed_until)
        return future->rule.offset_at(FutureRules::in_cycle(*future, utc_seconds));
    return static_cast<int32_t>(zone.get_info(date::sys_seconds(seconds(utc_seconds))).offset.count());
}

// The instant of a wall-clock time in a zone, by Neo4j's rules for the two special cases: a
// time in a gap moves forward by the gap (it is read with the offset before the gap), an
// ambiguous time takes the earlier offset (the one before the change). Then the offset in
// effect at that instant.
void resolve_in_zone(const date::time_zone& zone, int64_t local_seconds, int64_t& utc_seconds, int32_t& offset) {
    using std::chrono::seconds;
    const FutureRules::Rule* future = FutureRules::of(zone);
    // Past the list by a day, the listed offsets cannot matter (they are at most 26 hours).
    if (future && local_seconds - format::kSecondsPerDay >= future->listed_until) {
        const int64_t shifted = FutureRules::in_cycle(*future, local_seconds);
        utc_seconds = local_seconds - future->rule.first_offset_of_local(shifted);
    } else {
        utc_seconds = local_seconds - zone.get_info(date::local_seconds(seconds(local_seconds))).first.offset.count();
    }
    offset = offset_at(zone, utc_seconds);
}

bool zone_bracket(Cursor& c, std::string_view& name) {
    if (!c.take('[')) return true;
    const size_t close = c.text.find(']', c.at);
    if (close == std::string_view::npos) return c.fail("zone name without its closing ']'");
    name = c.text.substr(c.at, close - c.at);
    c.at = close + 1;
    if (name.empty()) return c.fail("empty zone name in '[]'");
    return true;
}

const date::time_zone* find_zone(Cursor& c, std::string_view name) {
    try {
        return date::locate_zone(name);
    } catch (const std::runtime_error&) {
        c.fail("unknown time zone " + quote(name) + " (not in the system's tzdata)");
        return nullptr;
    }
}

// ---- 5. durations --------------------------------------------------------------------------------------

// The accumulated parts of a duration, wide enough that no sum of int64 parts overflows
// before the range check.
struct DurationParts {
    __int128 months = 0, days = 0, nanos = 0;
};

// One signed number with an optional fraction (fractions only for seconds): n or n.f.
bool duration_number(Cursor& c, __int128& whole, int64_t& fraction_nanos, bool& had_fraction) {
    const bool negative = c.take('-');
    if (!negative) c.take('+');
    const size_t count = c.digits_ahead();
    if (count == 0) return c.fail("a duration part has no digits");
    if (count > 19) return c.fail("a duration part has more than 19 digits");
    uint64_t magnitude = 0;
    std::from_chars(c.text.data() + c.at, c.text.data() + c.at + count, magnitude);
    c.at += count;
    had_fraction = c.peek() == '.' || c.peek() == ',';
    if (!fraction(c, fraction_nanos)) return false;
    whole = negative ? -static_cast<__int128>(magnitude) : static_cast<__int128>(magnitude);
    if (negative) fraction_nanos = -fraction_nanos;
    return true;
}

// P[nY][nM][nW][nD][T[nH][nM][nS]]: each unit once, in order.
bool designator_duration(Cursor& c, DurationParts& parts) {
    static constexpr std::string_view kDateUnits = "YMWD", kTimeUnits = "HMS";
    size_t next_unit = 0;
    bool in_time = false, any = false;
    while (!c.done()) {
        if (!in_time && c.take_any("Tt")) {
            in_time = true;
            next_unit = 0;
            if (c.done()) return c.fail("no time parts after 'T'");
            continue;
        }
        __int128 whole = 0;
        int64_t fraction_nanos = 0;
        bool had_fraction = false;
        if (!duration_number(c, whole, fraction_nanos, had_fraction)) return false;
        const std::string_view units = in_time ? kTimeUnits : kDateUnits;
        const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(c.peek())));
        const size_t index = units.find(unit);
        if (c.done() || index == std::string_view::npos) return c.fail("a duration part lacks its unit (Y, M, W, D, then T and H, M, S)");
        if (index < next_unit) return c.fail(std::string("duration unit '") + unit + "' out of order or repeated");
        if (had_fraction && !(in_time && unit == 'S')) return c.fail("only seconds may have a fraction in a duration");
        ++c.at;
        next_unit = index + 1;
        any = true;
        if (!in_time) (unit == 'Y' ? parts.months : unit == 'M' ? parts.months : parts.days) += whole * (unit == 'Y' ? 12 : unit == 'W' ? 7 : 1);
        else parts.nanos += whole * (unit == 'H' ? 3600 : unit == 'M' ? 60 : 1) * format::kNanosPerSecond + fraction_nanos;
    }
    return any || c.fail("a duration needs at least one part (PT0S is zero)");
}

// PYYYY-MM-DDThh:mm:ss[.f], ISO 8601's alternative format.
bool alternative_duration(Cursor& c, DurationParts& parts) {
    int64_t years = 0, months = 0, days = 0, hours = 0, minutes = 0, seconds = 0, nanos = 0;
    if (!c.number(4, years) || !c.take('-') || !c.number(2, months) || !c.take('-') || !c.number(2, days) || !c.take_any("Tt") ||
        !c.number(2, hours) || !c.take(':') || !c.number(2, minutes) || !c.take(':') || !c.number(2, seconds) || !fraction(c, nanos))
        return c.fail("not a duration in the alternative format PYYYY-MM-DDThh:mm:ss");
    if (months > 12 || days > 30 || hours > 24 || minutes > 59 || seconds > 59)
        return c.fail("a part of an alternative-format duration is out of range (months 12, days 30, hours 24, minutes and seconds 59)");
    parts.months = years * 12 + months;
    parts.days = days;
    parts.nanos = static_cast<__int128>((hours * 60 + minutes) * 60 + seconds) * format::kNanosPerSecond + nanos;
    return true;
}

// ---- 6. points --------------------------------------------------------------------------------------------

struct PointKeys {
    std::optional<double> x, y, z, longitude, latitude, height;
    std::optional<uint32_t> srid;  // from crs: or srid:
};

std::optional<uint32_t> srid_of_crs(std::string_view name) {
    for (uint32_t srid : {7203u, 9157u, 4326u, 4979u})
        if (iequals(name, format::crs_name(srid))) return srid;
    return std::nullopt;
}

// One `key: value` of a point map.
bool point_entry(Cursor& c, PointKeys& keys) {
    const size_t colon = c.text.find(':', c.at);
    if (colon == std::string_view::npos) return c.fail("a point entry without ':'");
    const std::string_view key = trim(c.text.substr(c.at, colon - c.at));
    c.at = colon + 1;
    const size_t end = std::min(c.text.find(',', c.at), c.text.size() - 1);  // the map's '}' is the last character
    std::string_view value = trim(c.text.substr(c.at, end - c.at));
    c.at = end;
    if (iequals(key, "crs")) {
        if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        const auto srid = srid_of_crs(value);
        if (!srid) return c.fail("unknown crs " + quote(value) + " (cartesian, cartesian-3d, wgs-84, wgs-84-3d)");
        if (keys.srid && *keys.srid != *srid) return c.fail("crs and srid disagree");
        keys.srid = srid;
        return true;
    }
    double number = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) return c.fail("point " + quote(key) + " is not a number: " + quote(value));
    if (iequals(key, "srid")) {
        if (number != std::floor(number) || !format::crs_name(static_cast<uint32_t>(number)) || number < 0)
            return c.fail("unknown srid " + quote(value) + " (7203, 9157, 4326, 4979)");
        if (keys.srid && *keys.srid != static_cast<uint32_t>(number)) return c.fail("crs and srid disagree");
        keys.srid = static_cast<uint32_t>(number);
        return true;
    }
    std::optional<double>* slot = iequals(key, "x")           ? &keys.x
                                  : iequals(key, "y")         ? &keys.y
                                  : iequals(key, "z")         ? &keys.z
                                  : iequals(key, "longitude") ? &keys.longitude
                                  : iequals(key, "latitude")  ? &keys.latitude
                                  : iequals(key, "height")    ? &keys.height
                                                              : nullptr;
    if (!slot) return c.fail("unknown point key " + quote(key) + " (x, y, z, longitude, latitude, height, crs, srid)");
    if (*slot) return c.fail("point key " + quote(key) + " given twice");
    *slot = number;
    return true;
}

// The point the keys describe: x/y or longitude/latitude, z or height, the CRS given or
// inferred (geographic from longitude/latitude, 3D from z/height).
bool point_from_keys(Cursor& c, const PointKeys& k, format::Point& p) {
    const bool geographic_keys = k.longitude || k.latitude || k.height;
    if (geographic_keys && (k.x || k.y || k.z)) return c.fail("a point mixes x/y/z with longitude/latitude/height");
    const auto x = geographic_keys ? k.longitude : k.x, y = geographic_keys ? k.latitude : k.y, z = geographic_keys ? k.height : k.z;
    if (!x || !y) return c.fail(geographic_keys ? "a point needs both longitude and latitude" : "a point needs both x and y");
    const uint32_t inferred = geographic_keys ? (z ? 4979u : 4326u) : (z ? 9157u : 7203u);
    p.srid = k.srid.value_or(inferred);
    if (format::is_3d(p.srid) != z.has_value())
        return c.fail(std::string("crs ") + format::crs_name(p.srid) + (z ? " is 2D but a z or height is given" : " is 3D but has no z or height"));
    if (geographic_keys && !format::is_geographic(p.srid)) return c.fail("longitude/latitude need a WGS-84 crs");
    p.x = *x;
    p.y = *y;
    p.z = z.value_or(0.0);
    if (const char* why = format::invalid(p)) return c.fail(why);
    return true;
}

}  // namespace

std::optional<format::LocalTime> parse_localtime(std::string_view text, std::string& reason) {
    Cursor c{trim(text), 0, &reason};
    int64_t nanos = 0;
    if (!time_of_day(c, nanos) || !finished(c, "time of day")) return std::nullopt;
    return format::LocalTime{nanos};
}

std::optional<format::Time> parse_time(std::string_view text, std::string& reason) {
    Cursor c{trim(text), 0, &reason};
    int64_t nanos = 0;
    std::optional<int32_t> utc_offset;
    if (!time_of_day(c, nanos) || !offset(c, utc_offset)) return std::nullopt;
    if (c.peek() == '[') return c.fail("a time has a UTC offset, not a zone name (use a datetime)"), std::nullopt;
    if (!finished(c, "time")) return std::nullopt;
    return format::Time{nanos, utc_offset.value_or(0)};
}

std::optional<format::LocalDateTime> parse_localdatetime(std::string_view text, std::string& reason) {
    Cursor c{trim(text), 0, &reason};
    int64_t seconds = 0, nanos = 0;
    if (!local_date_time(c, seconds, nanos) || !finished(c, "date-time")) return std::nullopt;
    return format::LocalDateTime{seconds, static_cast<uint32_t>(nanos)};
}

std::optional<ZonedDateTime> parse_datetime(std::string_view text, std::string& reason) {
    Cursor c{trim(text), 0, &reason};
    int64_t local = 0, nanos = 0;
    std::optional<int32_t> given_offset;
    std::string_view zone_name;
    if (!local_date_time(c, local, nanos) || !offset(c, given_offset) || !zone_bracket(c, zone_name) || !finished(c, "date-time"))
        return std::nullopt;
    ZonedDateTime out{{local - given_offset.value_or(0), static_cast<uint32_t>(nanos), given_offset.value_or(0), 0}, zone_name};
    if (!zone_name.empty()) {
        const date::time_zone* zone = find_zone(c, zone_name);
        if (!zone) return std::nullopt;
        if (given_offset) {  // the offset chooses the instant; the zone must have had it then
            const int32_t zone_offset = offset_at(*zone, out.value.seconds);
            if (zone_offset != *given_offset)
                return c.fail("offset " + format::offset_to_iso(*given_offset) + " is not " + std::string(zone_name) + "'s at that time (" +
                              format::offset_to_iso(zone_offset) + ")"),
                       std::nullopt;
        } else {
            resolve_in_zone(*zone, local, out.value.seconds, out.value.offset);
        }
    }
    if (const char* why = format::invalid(out.value)) return c.fail(why), std::nullopt;
    return out;
}

std::optional<format::Duration> parse_duration(std::string_view text, std::string& reason) {
    Cursor c{trim(text), 0, &reason};
    const bool negated = c.take('-');
    if (!negated) c.take('+');
    if (!c.take_any("Pp")) return c.fail("a duration starts with P (P14DT16H12M)"), std::nullopt;
    DurationParts parts;
    const bool alternative = c.digits_ahead() == 4 && c.at + 4 < c.text.size() && c.text[c.at + 4] == '-';
    if (!(alternative ? alternative_duration(c, parts) : designator_duration(c, parts)) || !finished(c, "duration")) return std::nullopt;
    if (negated) parts = {-parts.months, -parts.days, -parts.nanos};
    constexpr __int128 kLow = std::numeric_limits<int64_t>::min(), kHigh = std::numeric_limits<int64_t>::max();
    // Seconds are the floor of the nanoseconds, which stay in 0..999,999,999 (spec §4.3).
    __int128 seconds = parts.nanos / format::kNanosPerSecond, nanos = parts.nanos % format::kNanosPerSecond;
    if (nanos < 0) nanos += format::kNanosPerSecond, --seconds;
    if (parts.months < kLow || parts.months > kHigh || parts.days < kLow || parts.days > kHigh || seconds < kLow || seconds > kHigh)
        return c.fail("a duration part is beyond the 64-bit range of months, days or seconds"), std::nullopt;
    return format::Duration{static_cast<int64_t>(parts.months), static_cast<int64_t>(parts.days), static_cast<int64_t>(seconds),
                            static_cast<int32_t>(nanos)};
}

std::optional<format::Point> parse_point(std::string_view text, std::string& reason) {
    Cursor c{trim(text), 0, &reason};
    if (c.text.size() < 2 || c.text.front() != '{' || c.text.back() != '}')
        return c.fail("a point is a map in braces ({x:1, y:2, crs:'cartesian'})"), std::nullopt;
    PointKeys keys;
    c.at = 1;
    while (c.at < c.text.size() - 1) {
        if (!point_entry(c, keys)) return std::nullopt;
        c.take(',');
    }
    format::Point p;
    if (!point_from_keys(c, keys, p)) return std::nullopt;
    return p;
}

// ---- 7. char ------------------------------------------------------------------------------------------------

bool is_one_character(std::string_view text, std::string& reason) {
    auto fail = [&](const char* why) {
        reason = why;
        return false;
    };
    if (text.empty()) return fail("a char is one character, not none");
    const auto lead = static_cast<unsigned char>(text[0]);
    const size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || text.size() < length) return fail("not valid UTF-8");
    uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[i]);
        if ((next & 0xC0) != 0x80) return fail("not valid UTF-8");
        code = code << 6 | (next & 0x3F);
    }
    constexpr uint32_t kSmallest[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return fail("not valid UTF-8");
    if (text.size() > length) return fail("a char is one character, not several");
    return true;
}

}  // namespace mmgraph::importer
