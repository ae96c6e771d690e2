// Text forms of the 2.2 types as neo4j-admin import reads them (spec §4.3): ISO 8601 times,
// date-times, offsets, zone names and durations, Cypher's point maps, and the one-character
// `char`. Each parser returns nullopt and sets `reason` for text it refuses; none clamps.
// Named zones are resolved with Howard Hinnant's date/tz over the system's tzdata, only here:
// the reader prints stored offsets and needs no time-zone database.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mmgraph/format/temporal.hpp"

namespace mmgraph::importer {

// HH:MM[:SS[.fffffffff]] or HHMM[SS[.f]], the fraction up to 9 digits.
std::optional<format::LocalTime> parse_localtime(std::string_view text, std::string& reason);
// A time of day with an offset (Z, ±HH, ±HHMM, ±HH:MM, ±HH:MM:SS); without one, UTC.
std::optional<format::Time> parse_time(std::string_view text, std::string& reason);
// A calendar date (YYYY-MM-DD, ±YYYYYY-MM-DD or YYYYMMDD), then optionally T and a time of day.
std::optional<format::LocalDateTime> parse_localdatetime(std::string_view text, std::string& reason);

// A date-time with an offset, a zone in brackets, both (they must agree) or neither (UTC).
// `zone` views the zone's name in `text`, empty for none.
struct ZonedDateTime {
    format::DateTime value;
    std::string_view zone;
};
std::optional<ZonedDateTime> parse_datetime(std::string_view text, std::string& reason);

// ISO 8601 durations: P[nY][nM][nW][nD][T[nH][nM][n.nS]] with signed parts (and a sign before
// the P), or P[YYYY]-[MM]-[DD]T[hh]:[mm]:[ss].
std::optional<format::Duration> parse_duration(std::string_view text, std::string& reason);

// {x:1, y:2, crs:'cartesian'}, {latitude:56.7, longitude:12.78, height:8, crs:'WGS-84-3D'},
// srid: instead of crs:, the CRS inferred from the keys when neither is given.
std::optional<format::Point> parse_point(std::string_view text, std::string& reason);

// Exactly one UTF-8 code point (a Neo4j `char`).
bool is_one_character(std::string_view text, std::string& reason);

}  // namespace mmgraph::importer
