// The importer's text forms of the 2.2 types (import/src/temporal.hpp): what neo4j-admin
// import accepts, what is refused and why, and Neo4j's rules for DST gaps and ambiguous hours.
// End to end (FILE:LINE:COLUMN errors, dump and rebuild) in tests/cli/cli_test.sh, case temporal.
#include <catch2/catch.hpp>

#include <string>

#include "support/temporal_graph.hpp"
#include "temporal.hpp"

using namespace mmgraph;
using namespace mmgraph::importer;
using Catch::Matchers::Contains;
using mmgraph::test::datetime_at;

namespace {

constexpr int64_t kSecond = format::kNanosPerSecond;

template <typename Parse>
std::string refusal(Parse parse, std::string_view text) {
    std::string reason;
    if (parse(text, reason)) return "accepted";
    return reason;
}

std::string datetime_text(std::string_view text) {
    std::string reason;
    auto t = parse_datetime(text, reason);
    return t ? format::to_iso(t->value, t->zone) : "refused: " + reason;
}

}  // namespace

TEST_CASE("import temporal: times of day and offsets, extended and compact", "[import][temporal]") {
    std::string reason;
    CHECK(parse_localtime("21:40:32.142", reason)->nanos == (21 * 3600 + 40 * 60 + 32) * kSecond + 142'000'000);
    CHECK(parse_localtime("21:40", reason)->nanos == (21 * 3600 + 40 * 60) * kSecond);
    CHECK(parse_localtime("21", reason)->nanos == 21 * 3600 * kSecond);
    CHECK(parse_localtime("214032,5", reason)->nanos == (21 * 3600 + 40 * 60 + 32) * kSecond + 500'000'000);
    CHECK(parse_localtime("23:59:59.999999999", reason)->nanos == format::kNanosPerDay - 1);
    CHECK(parse_time("21:40:32+01", reason) == format::Time{(21 * 3600 + 40 * 60 + 32) * kSecond, 3600});
    CHECK(parse_time("21:40:32-0130", reason) == format::Time{(21 * 3600 + 40 * 60 + 32) * kSecond, -5400});
    CHECK(parse_time("21:40:32+01:30:15", reason)->offset == 5415);
    CHECK(parse_time("21:40:32Z", reason)->offset == 0);
    CHECK(parse_time("21:40:32", reason)->offset == 0);  // no offset: UTC, as neo4j-admin's default zone
    CHECK(parse_time("00:00+18:00", reason)->offset == 64800);
    CHECK(refusal(parse_localtime, "25:00") == "hour 25 out of range 00-23");
    CHECK(refusal(parse_localtime, "24:00") == "hour 24 out of range 00-23");
    CHECK(refusal(parse_localtime, "12:60") == "minute 60 out of range 00-59");
    CHECK(refusal(parse_localtime, "23:59:60") == "second 60 out of range 00-59 (no leap seconds)");
    CHECK(refusal(parse_localtime, "12:00:00.1234567891") == "more than 9 fraction digits (the precision is the nanosecond)");
    CHECK(refusal(parse_localtime, "12:00:00.") == "no digits after the decimal point");
    CHECK(refusal(parse_localtime, "noon") == "not a time of day (HH:MM[:SS[.fffffffff]])");
    CHECK_THAT(refusal(parse_localtime, "12:00Z"), Contains("unexpected 'Z'"));
    CHECK(refusal(parse_time, "12:00+18:01") == "UTC offset beyond ±18:00");
    CHECK(refusal(parse_time, "12:00[Europe/London]") == "a time has a UTC offset, not a zone name (use a datetime)");
}

TEST_CASE("import temporal: date-times, zones, a DST gap and an ambiguous hour", "[import][temporal]") {
    std::string reason;
    CHECK(parse_localdatetime("2015-07-21T21:40:32.142", reason) ==
          format::LocalDateTime{format::days_from_civil({2015, 7, 21}) * 86400 + 78032, 142'000'000});
    CHECK(parse_localdatetime("20150721T214032", reason) == parse_localdatetime("2015-07-21T21:40:32", reason));
    CHECK(parse_localdatetime("2015-07-21", reason)->seconds == format::days_from_civil({2015, 7, 21}) * 86400);
    CHECK(parse_localdatetime("-999999-01-01T00:00", reason)->seconds == format::kMinLocalSeconds);
    CHECK(refusal(parse_localdatetime, "2023-02-30T00:00") == "day does not exist in that month");
    CHECK(refusal(parse_localdatetime, "2015-W30-2T10:00") == "ISO week dates (2015-W30-2) are not supported: write a calendar date (2015-07-21)");
    CHECK(refusal(parse_localdatetime, "2015-202T10:00") == "ordinal dates (2015-202) are not supported: write a calendar date (2015-07-21)");

    CHECK(datetime_text("2015-07-21T21:40:32.142[Europe/London]") == "2015-07-21T21:40:32.142+01:00[Europe/London]");
    CHECK(datetime_text("2015-07-21T21:40:32.142+02:00[Europe/Stockholm]") == "2015-07-21T21:40:32.142+02:00[Europe/Stockholm]");
    CHECK(datetime_text("2015-01-21T21:40:32[Europe/London]") == "2015-01-21T21:40:32Z[Europe/London]");
    CHECK(datetime_text("2015-07-21T21:40:32-05:00") == "2015-07-21T21:40:32-05:00");
    CHECK(datetime_text("2015-07-21T21:40:32") == "2015-07-21T21:40:32Z");  // neither: UTC
    CHECK(datetime_text("20150721T214032+0100") == "2015-07-21T21:40:32+01:00");
    // London springs forward at 01:00 GMT: 01:30 does not exist and moves forward by the gap.
    CHECK(datetime_text("2023-03-26T01:30[Europe/London]") == "2023-03-26T02:30:00+01:00[Europe/London]");
    // It falls back at 02:00 BST: 01:30 happens twice; without an offset the earlier one.
    CHECK(datetime_text("2023-10-29T01:30[Europe/London]") == "2023-10-29T01:30:00+01:00[Europe/London]");
    CHECK(datetime_text("2023-10-29T01:30+00:00[Europe/London]") == "2023-10-29T01:30:00Z[Europe/London]");
    auto later = parse_datetime("2023-10-29T01:30+00:00[Europe/London]", reason);
    REQUIRE(later);
    CHECK(later->value.seconds == datetime_at({2023, 10, 29}, 1, 30, 0, 0, 0).seconds);
    CHECK(later->zone == "Europe/London");
    CHECK(datetime_text("2015-07-21T21:40+02:00[Europe/London]") == "refused: offset +02:00 is not Europe/London's at that time (+01:00)");
    CHECK(datetime_text("2015-07-21T21:40[Mars/Olympus]") == "refused: unknown time zone 'Mars/Olympus' (not in the system's tzdata)");
    CHECK(datetime_text("2015-07-21T21:40[Europe/London") == "refused: zone name without its closing ']'");
    CHECK(datetime_text("-999999-01-01T00:00:00+00:01") == "-999999-01-01T00:00:00+00:01");
}

TEST_CASE("import temporal: past tzdata's listed transitions (2037) the zone's rule goes on", "[import][temporal]") {
    // tzdata lists transitions to 2037, then a POSIX rule; date/tz alone would keep the last
    // listed offset (EST, GMT) for every later summer.
    CHECK(datetime_text("3000-07-01T12:00[America/New_York]") == "3000-07-01T12:00:00-04:00[America/New_York]");
    CHECK(datetime_text("3000-01-01T12:00[America/New_York]") == "3000-01-01T12:00:00-05:00[America/New_York]");
    CHECK(datetime_text("2100-07-01T12:00+01:00[Europe/London]") == "2100-07-01T12:00:00+01:00[Europe/London]");
    CHECK(datetime_text("+999999-07-01T12:00[Europe/London]") == "+999999-07-01T12:00:00+01:00[Europe/London]");
    CHECK(datetime_text("2040-12-01T12:00[Australia/Sydney]") == "2040-12-01T12:00:00+11:00[Australia/Sydney]");
    // The gap and the ambiguous hour by the rule: London's last Sundays of March and October.
    CHECK(datetime_text("2100-03-28T01:30[Europe/London]") == "2100-03-28T02:30:00+01:00[Europe/London]");
    CHECK(datetime_text("2100-10-31T01:30[Europe/London]") == "2100-10-31T01:30:00+01:00[Europe/London]");
    CHECK(datetime_text("2100-10-31T01:30Z[Europe/London]") == "2100-10-31T01:30:00Z[Europe/London]");
    // Zones without DST keep their one offset; before the first transition, local mean time.
    CHECK(datetime_text("3000-07-01T12:00[Asia/Tokyo]") == "3000-07-01T12:00:00+09:00[Asia/Tokyo]");
    CHECK(datetime_text("1800-07-01T12:00[America/New_York]") == "1800-07-01T12:00:00-04:56:02[America/New_York]");
}

TEST_CASE("import temporal: durations in both ISO 8601 forms", "[import][temporal]") {
    std::string reason;
    CHECK(parse_duration("P14DT16H12M", reason) == format::Duration{0, 14, 58320, 0});
    CHECK(parse_duration("P1Y2M3W4DT5H6M7.5S", reason) == format::Duration{14, 25, 18367, 500'000'000});
    CHECK(parse_duration("PT-1.5S", reason) == format::Duration{0, 0, -2, 500'000'000});
    CHECK(parse_duration("P-1D", reason) == format::Duration{0, -1, 0, 0});
    CHECK(parse_duration("-P1DT1S", reason) == format::Duration{0, -1, -1, 0});
    CHECK(parse_duration("PT0S", reason) == format::Duration{});
    CHECK(parse_duration("P0001-02-03T04:05:06", reason) == format::Duration{14, 3, 14706, 0});
    CHECK(parse_duration("P0001-02-03T04:05:06.25", reason) == format::Duration{14, 3, 14706, 250'000'000});
    CHECK(parse_duration("PT9223372036854775807S", reason)->seconds == INT64_MAX);
    // What to_iso prints reads back to the same components, also at the limits.
    for (const format::Duration& d : {format::Duration{INT64_MIN, INT64_MIN, INT64_MIN, 0}, format::Duration{INT64_MAX, INT64_MAX, INT64_MAX, 999'999'999},
                                      format::Duration{-13, 5, -3661, 1}, format::Duration{0, 0, -1, 999'999'999}}) {
        INFO(format::to_iso(d));
        CHECK(parse_duration(format::to_iso(d), reason) == d);
    }
    CHECK(refusal(parse_duration, "14D") == "a duration starts with P (P14DT16H12M)");
    CHECK(refusal(parse_duration, "P") == "a duration needs at least one part (PT0S is zero)");
    CHECK(refusal(parse_duration, "PT") == "no time parts after 'T'");
    CHECK(refusal(parse_duration, "P1D1Y") == "duration unit 'Y' out of order or repeated");
    CHECK(refusal(parse_duration, "P1.5D") == "only seconds may have a fraction in a duration");
    CHECK(refusal(parse_duration, "PT9223372036854775808S") == "a duration part is beyond the 64-bit range of months, days or seconds");
    CHECK(refusal(parse_duration, "P0001-13-03T04:05:06") ==
          "a part of an alternative-format duration is out of range (months 12, days 30, hours 24, minutes and seconds 59)");
}

TEST_CASE("import temporal: point maps and chars", "[import][temporal]") {
    std::string reason;
    using format::Point;
    CHECK(parse_point("{x:1, y:2, crs:'cartesian'}", reason) == Point{7203, 1, 2, 0});
    CHECK(parse_point("{x:1, y:2}", reason) == Point{7203, 1, 2, 0});
    CHECK(parse_point("{x:1, y:2, z:3}", reason) == Point{9157, 1, 2, 3});
    CHECK(parse_point("{latitude:56.7, longitude:12.78, height:8, crs:'WGS-84-3D'}", reason) == Point{4979, 12.78, 56.7, 8});
    CHECK(parse_point("{latitude:56.7, longitude:12.78}", reason) == Point{4326, 12.78, 56.7, 0});
    CHECK(parse_point("{ srid:4326, x:-180, y:90 }", reason) == Point{4326, -180, 90, 0});
    CHECK(parse_point("{crs:\"cartesian-3d\",x:1e300,y:-0,z:0}", reason) == Point{9157, 1e300, -0.0, 0});
    // What to_text prints reads back to the same bits.
    for (const Point& p : {Point{4979, -180, -90, -1e-300}, Point{7203, 0.1, -0.0, 0}, Point{9157, 1e308, 5e-324, -7}}) {
        INFO(format::to_text(p));
        CHECK(parse_point(format::to_text(p), reason) == p);
    }
    CHECK(refusal(parse_point, "x:1,y:2") == "a point is a map in braces ({x:1, y:2, crs:'cartesian'})");
    CHECK(refusal(parse_point, "{x:1}") == "a point needs both x and y");
    CHECK(refusal(parse_point, "{x:1,y:2,x:3}") == "point key 'x' given twice");
    CHECK(refusal(parse_point, "{x:1,y:2,w:3}") == "unknown point key 'w' (x, y, z, longitude, latitude, height, crs, srid)");
    CHECK(refusal(parse_point, "{x:1,y:2,crs:'mars'}") == "unknown crs 'mars' (cartesian, cartesian-3d, wgs-84, wgs-84-3d)");
    CHECK(refusal(parse_point, "{x:1,y:2,srid:1234}") == "unknown srid '1234' (7203, 9157, 4326, 4979)");
    CHECK(refusal(parse_point, "{x:1,y:2,srid:4326,crs:cartesian}") == "crs and srid disagree");
    CHECK(refusal(parse_point, "{x:1,y:2,z:3,crs:cartesian}") == "crs cartesian is 2D but a z or height is given");
    CHECK(refusal(parse_point, "{x:1,y:2,crs:wgs-84-3d}") == "crs wgs-84-3d is 3D but has no z or height");
    CHECK(refusal(parse_point, "{longitude:181,latitude:0}") == "longitude (x) outside -180 to 180");
    CHECK(refusal(parse_point, "{x:1,latitude:0}") == "a point mixes x/y/z with longitude/latitude/height");
    CHECK(refusal(parse_point, "{x:nan,y:0}") == "coordinate is NaN");
    CHECK(refusal(parse_point, "{x:one,y:0}") == "point 'x' is not a number: 'one'");

    CHECK(is_one_character("A", reason));
    CHECK(is_one_character("é", reason));
    CHECK(is_one_character("😀", reason));
    CHECK(refusal(is_one_character, "AB") == "a char is one character, not several");
    CHECK(refusal(is_one_character, "") == "a char is one character, not none");
    CHECK(refusal(is_one_character, "\xC3") == "not valid UTF-8");
    CHECK(refusal(is_one_character, "\xC0\x80") == "not valid UTF-8");  // overlong
    CHECK(refusal(is_one_character, "\xED\xA0\x80") == "not valid UTF-8");  // a surrogate
}
