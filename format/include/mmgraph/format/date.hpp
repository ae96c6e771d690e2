// The `date` type (§4.3): a signed 32-bit count of days since 1970-01-01 in the proleptic
// Gregorian calendar, limited to the years -999999 to +999999 so that every valid value has an
// ISO 8601 text form (at most six year digits) and text round-trips exactly.
//
// std::chrono::year stops at ±32767, so the calendar arithmetic is done here on plain integers;
// the same functions serve the writer's checks, verify, the importer, dump and the CLI.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmgraph::format {

struct CivilDate {
    int64_t year = 1970;
    unsigned month = 1, day = 1;
    constexpr bool operator==(const CivilDate&) const = default;
};

inline constexpr int64_t kMinDateYear = -999999;
inline constexpr int64_t kMaxDateYear = 999999;

constexpr bool is_leap_year(int64_t y) noexcept { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

constexpr unsigned days_in_month(int64_t y, unsigned m) noexcept {
    constexpr unsigned lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : lengths[m - 1];
}

// Days since 1970-01-01. Counts in 400-year eras (146097 days each) with the year starting on
// 1 March, so the leap day is the era-year's last day and needs no special case.
constexpr int64_t days_from_civil(CivilDate d) noexcept {
    const int64_t y = d.year - (d.month <= 2 ? 1 : 0);
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t year_of_era = y - era * 400;                                   // [0, 399]
    const int64_t month_from_march = (d.month + 9) % 12;                         // March = 0
    const int64_t day_of_year = (153 * month_from_march + 2) / 5 + d.day - 1;    // [0, 365]
    const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    constexpr int64_t kEpochFromMarch0000 = 719468;  // days from 0000-03-01 to 1970-01-01
    return era * 146097 + day_of_era - kEpochFromMarch0000;
}

// The inverse of days_from_civil.
constexpr CivilDate civil_from_days(int64_t days) noexcept {
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t day_of_era = z - era * 146097;                                                    // [0, 146096]
    const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const int64_t month_from_march = (5 * day_of_year + 2) / 153;
    const unsigned day = static_cast<unsigned>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    const unsigned month = static_cast<unsigned>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

inline constexpr int64_t kMinDateDays = days_from_civil({kMinDateYear, 1, 1});    // -365961662
inline constexpr int64_t kMaxDateDays = days_from_civil({kMaxDateYear, 12, 31});  //  364522971
static_assert(kMinDateDays == -365961662 && kMaxDateDays == 364522971);

constexpr bool is_valid_date_days(int64_t days) noexcept { return days >= kMinDateDays && days <= kMaxDateDays; }

// ISO 8601 calendar date: YYYY-MM-DD for years 0000-9999, else a sign and six year digits
// (+010000-01-01, -000001-12-31), the extended form; days must be valid.
inline std::string date_to_iso(int64_t days) {
    const CivilDate d = civil_from_days(days);
    const bool extended = d.year < 0 || d.year > 9999;
    const uint64_t year = static_cast<uint64_t>(d.year < 0 ? -d.year : d.year);
    std::string digits = std::to_string(year);
    std::string text;
    if (extended) text += d.year < 0 ? '-' : '+';
    text.append((extended ? 6 : 4) - std::min<size_t>(digits.size(), extended ? 6 : 4), '0');
    text += digits;
    text += d.month < 10 ? "-0" : "-";
    text += std::to_string(d.month);
    text += d.day < 10 ? "-0" : "-";
    text += std::to_string(d.day);
    return text;
}

// Parses what date_to_iso writes (and a four-digit year with a sign). On failure returns
// nullopt and sets `reason`.
inline std::optional<int64_t> date_from_iso(std::string_view text, std::string* reason = nullptr) {
    auto fail = [&](const char* why) -> std::optional<int64_t> {
        if (reason) *reason = why;
        return std::nullopt;
    };
    auto digits = [](std::string_view s, int64_t& out) {
        if (s.empty()) return false;
        for (char c : s)
            if (c < '0' || c > '9') return false;
        return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc{};
    };
    bool negative = false;
    size_t year_digits = 4;
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
        year_digits = text.size() >= 12 && text[6] == '-' ? 6 : 4;
    }
    if (text.size() != year_digits + 6 || text[year_digits] != '-' || text[year_digits + 3] != '-')
        return fail("not an ISO 8601 date (YYYY-MM-DD or ±YYYYYY-MM-DD)");
    int64_t year = 0, month = 0, day = 0;
    if (!digits(text.substr(0, year_digits), year) || !digits(text.substr(year_digits + 1, 2), month) ||
        !digits(text.substr(year_digits + 4, 2), day))
        return fail("not an ISO 8601 date (YYYY-MM-DD or ±YYYYYY-MM-DD)");
    if (negative) year = -year;
    if (month < 1 || month > 12) return fail("month out of range 01-12");
    if (day < 1 || day > days_in_month(year, static_cast<unsigned>(month))) return fail("day does not exist in that month");
    return days_from_civil({year, static_cast<unsigned>(month), static_cast<unsigned>(day)});
}

}  // namespace mmgraph::format
