// The types of format 2.2 (spec §4.3): localtime, time, localdatetime, datetime, duration and
// point. Round trips through the writer and reader at every range limit, the text forms of
// format/temporal.hpp, the writer's refusals, zone names in the string table and the version
// stamp. The bytes are pinned by tests/data/temporal.mmg (test_golden).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mmgraph/format/temporal.hpp"
#include "mmgraph/reader.hpp"
#include "mmgraph/writer.hpp"
#include "support/random_graph.hpp"
#include "support/temporal_graph.hpp"

using namespace mmgraph;
using Catch::Matchers::Contains;
using mmgraph::test::datetime_at;
using mmgraph::test::TempDir;

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr uint32_t kCartesian = static_cast<uint32_t>(Srid::cartesian);
constexpr uint32_t kCartesian3d = static_cast<uint32_t>(Srid::cartesian_3d);
constexpr uint32_t kWgs84 = static_cast<uint32_t>(Srid::wgs84);
constexpr uint32_t kWgs84_3d = static_cast<uint32_t>(Srid::wgs84_3d);

std::vector<AttributeSpec> one_of_each() {
    return {{"lt", TypeCode::localtime, true},     {"t", TypeCode::time, true},     {"ldt", TypeCode::localdatetime, true},
            {"dt", TypeCode::datetime, true},      {"d", TypeCode::duration, true}, {"p", TypeCode::point, true},
            {"dts", Type::list_of(TypeCode::datetime), true}, {"ps", Type::list_of(TypeCode::point), true}};
}

}  // namespace

TEST_CASE("temporal: ISO 8601 text of every type", "[temporal]") {
    using format::to_iso;
    CHECK(to_iso(LocalTime{0}) == "00:00:00");
    CHECK(to_iso(LocalTime{format::kNanosPerDay - 1}) == "23:59:59.999999999");
    CHECK(to_iso(LocalTime{(12 * 3600 + 50 * 60 + 35) * format::kNanosPerSecond + 556'000'000}) == "12:50:35.556");
    CHECK(to_iso(Time{0, 0}) == "00:00:00Z");
    CHECK(to_iso(Time{0, -64800}) == "00:00:00-18:00");
    CHECK(to_iso(Time{0, 3600 + 30 * 60 + 15}) == "00:00:00+01:30:15");
    CHECK(to_iso(LocalDateTime{0, 0}) == "1970-01-01T00:00:00");
    CHECK(to_iso(LocalDateTime{-1, 5}) == "1969-12-31T23:59:59.000000005");
    CHECK(to_iso(LocalDateTime{format::kMinLocalSeconds, 0}) == "-999999-01-01T00:00:00");
    CHECK(to_iso(LocalDateTime{format::kMaxLocalSeconds, 999'999'999}) == "+999999-12-31T23:59:59.999999999");
    CHECK(to_iso(datetime_at({2015, 7, 21}, 21, 40, 32, 142'000'000, 3600), "Europe/London") == "2015-07-21T21:40:32.142+01:00[Europe/London]");
    CHECK(to_iso(DateTime{0, 0, -36000, 0}) == "1969-12-31T14:00:00-10:00");
    CHECK(to_iso(Duration{}) == "PT0S");
    CHECK(to_iso(Duration{0, 14, 16 * 3600 + 12 * 60, 0}) == "P14DT16H12M");
    CHECK(to_iso(Duration{14, 3 * 7 + 4, 5 * 3600 + 6 * 60 + 7, 500'000'000}) == "P1Y2M25DT5H6M7.5S");
    CHECK(to_iso(Duration{0, 0, -2, 500'000'000}) == "PT-1.5S");
    CHECK(to_iso(Duration{0, -1, 0, 0}) == "P-1D");
    CHECK(to_iso(Duration{-13, 0, -3661, 0}) == "P-1Y-1MT-1H-1M-1S");
    CHECK(to_iso(Duration{0, 0, 0, 1}) == "PT0.000000001S");
    CHECK(format::to_text(Point{kCartesian, 1, 2, 0}) == "{crs:'cartesian',x:1,y:2}");
    CHECK(format::to_text(Point{kWgs84_3d, 12.78, 56.7, 8}) == "{crs:'wgs-84-3d',x:12.78,y:56.7,z:8}");
    // A damaged value prints as invalid and is never computed from.
    uint8_t bytes[28];
    format::encode(LocalTime{-1}, bytes);
    CHECK(format::temporal_to_text(static_cast<uint8_t>(TypeCode::localtime), bytes) == "invalid localtime: time of day outside 0 to 86399999999999 ns (00:00 to 23:59:59.999999999)");
    format::encode(DateTime{kMax, 0, 64800, 0}, bytes);
    CHECK_THAT(format::temporal_to_text(static_cast<uint8_t>(TypeCode::datetime), bytes), Contains("invalid datetime: date outside"));
}

TEST_CASE("temporal: every type and list round-trips at its range limits", "[temporal]") {
    TempDir dir;
    Writer w;
    auto label = w.add_label("M", one_of_each());
    const std::vector<DateTime> dst = {datetime_at({2023, 3, 26}, 0, 59, 59, 0, 0), datetime_at({2023, 3, 26}, 2, 0, 0, 0, 3600),
                                       datetime_at({2023, 10, 29}, 1, 30, 0, 0, 3600), datetime_at({2023, 10, 29}, 1, 30, 0, 0, 0)};
    std::vector<DateTime> zoned = dst;
    for (auto& t : zoned) t.zone = 1;
    const std::vector<std::string_view> zones = {"America/New_York"};
    const std::vector<Point> points = {{kWgs84_3d, -180, -90, -1e308}, {kWgs84_3d, 180, 90, 1e308}, {kCartesian3d, -0.0, 1e-300, 9.2e18}};
    const DateTime low{format::kMinLocalSeconds - 64800, 0, 64800, 0}, high{format::kMaxLocalSeconds + 64800, 999'999'999, -64800, 0};
    w.add_vertex("low", label,
                 {Value::localtime({0}), Value::time({0, -64800}), Value::localdatetime({format::kMinLocalSeconds, 0}), Value::datetime(low),
                  Value::duration({kMin, kMin, kMin, 0}), Value::point({kWgs84, -180, -90, 0}), Value::list(zoned, zones), Value::list(points)});
    w.add_vertex("high", label,
                 {Value::localtime({format::kNanosPerDay - 1}), Value::time({format::kNanosPerDay - 1, 64800}),
                  Value::localdatetime({format::kMaxLocalSeconds, 999'999'999}), Value::datetime(high, "America/New_York"),
                  Value::duration({kMax, kMax, kMax, 999'999'999}), Value::point({kCartesian, -1e308, 1e308, 0}), Value::list(dst)});
    w.finish(dir / "t.mmg");
    auto file = File::open(dir / "t.mmg");
    file->verify();
    CHECK(file->version_minor() == 6);  // every file has the 2.6 key table of kind 15 (§2.3 writer rule 1)
    auto lo = *file->find("low"), hi = *file->find("high");
    CHECK(lo.get<LocalTime>("lt") == LocalTime{0});
    CHECK(hi.get<LocalTime>("lt") == LocalTime{format::kNanosPerDay - 1});
    CHECK(lo.get<Time>("t") == Time{0, -64800});
    CHECK(hi.get<Time>("t") == Time{format::kNanosPerDay - 1, 64800});
    CHECK(lo.get<LocalDateTime>("ldt") == LocalDateTime{format::kMinLocalSeconds, 0});
    CHECK(hi.get<LocalDateTime>("ldt") == LocalDateTime{format::kMaxLocalSeconds, 999'999'999});
    CHECK(lo.get<DateTime>("dt") == low);
    const DateTime high_read = hi.get<DateTime>("dt");
    CHECK(file->zone_name(high_read.zone) == "America/New_York");
    CHECK(DateTime{high_read.seconds, high_read.nanos, high_read.offset, 0} == high);
    CHECK(lo.get<Duration>("d") == Duration{kMin, kMin, kMin, 0});
    CHECK(hi.get<Duration>("d") == Duration{kMax, kMax, kMax, 999'999'999});
    CHECK(lo.get<Point>("p") == Point{kWgs84, -180, -90, 0});
    CHECK(hi.get<Point>("p") == Point{kCartesian, -1e308, 1e308, 0});
    std::vector<DateTime> read;
    for (const ValueRef& item : lo.get("dts").elements()) read.push_back(item.as_datetime());
    REQUIRE(read.size() == 4);
    for (size_t i = 0; i < read.size(); ++i) {
        CHECK(file->zone_name(read[i].zone) == "America/New_York");
        CHECK(DateTime{read[i].seconds, read[i].nanos, read[i].offset, 0} == dst[i]);
    }
    read.clear();
    for (const ValueRef& item : hi.get("dts").elements()) read.push_back(item.as_datetime());
    CHECK(read == dst);  // fixed offsets: zone 0
    std::vector<Point> read_points;
    for (const ValueRef& item : lo.get("ps").elements()) read_points.push_back(item.as_point());
    CHECK(read_points == points);
    CHECK(std::signbit(read_points[2].x));
    CHECK(hi.get("ps").is_null());
}

TEST_CASE("temporal: zone names follow the schema's names in each shard's string table", "[temporal]") {
    TempDir dir;
    WriterOptions o;
    o.shard_count = 2;
    Writer w(o);
    // An attribute named like a zone: the zone's string is its own entry all the same.
    auto label = w.add_label("UTC", {{"dt", TypeCode::datetime}});
    for (int i = 0; i < 6; ++i) {
        const std::string key = "k" + std::to_string(i);
        w.add_vertex(std::string_view(key), label, {Value::datetime(DateTime{i * 1000, 0, 0, 0}, i % 2 ? "UTC" : "Asia/Tokyo")});
    }
    w.finish(dir / "z.mmg");
    auto dataset = Dataset::open(dir / "z.mmg");
    dataset.verify();
    for (uint16_t s = 0; s < 2; ++s) {
        const File& file = dataset.shard(s);
        for (Vertex v : file.vertices()) {
            const DateTime t = v.get<DateTime>("dt");
            const int64_t i = t.seconds / 1000;
            CHECK(file.zone_name(t.zone) == (i % 2 ? "UTC" : "Asia/Tokyo"));
            CHECK(t.zone == (i % 2 ? 4u : 3u));  // strings "UTC", "dt", then the zones by first use
        }
    }
}

TEST_CASE("temporal: the writer refuses values outside their ranges and leaves no trace of them", "[temporal]") {
    TempDir dir;
    Writer w;
    auto label = w.add_label("M", one_of_each());
    auto refused = [&](std::vector<Value> values) {
        try {
            w.add_vertex("x", label, values);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::bad_input);
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    const Value none;
    CHECK_THAT(refused({Value::localtime({-1})}), Contains("attribute 'lt' (localtime): time of day outside 0 to 86399999999999 ns"));
    CHECK_THAT(refused({Value::localtime({format::kNanosPerDay})}), Contains("time of day outside"));
    CHECK_THAT(refused({none, Value::time({0, 64801})}), Contains("UTC offset outside -64800 to +64800 s"));
    CHECK_THAT(refused({none, Value::time({-5, 0})}), Contains("time of day outside"));
    CHECK_THAT(refused({none, none, Value::localdatetime({format::kMaxLocalSeconds + 1, 0})}), Contains("date outside the years -999999 to +999999"));
    CHECK_THAT(refused({none, none, Value::localdatetime({format::kMinLocalSeconds - 1, 0})}), Contains("date outside the years"));
    CHECK_THAT(refused({none, none, Value::localdatetime({0, 1'000'000'000})}), Contains("nanoseconds outside 0 to 999999999"));
    // The local date-time decides a datetime's range: the UTC instant may lie outside it.
    CHECK_THAT(refused({none, none, none, Value::datetime({format::kMaxLocalSeconds, 0, 1, 0})}), Contains("date outside the years"));
    CHECK_THAT(refused({none, none, none, Value::datetime({kMax, 0, 0, 0})}), Contains("date outside the years"));
    CHECK_THAT(refused({none, none, none, Value::datetime({0, 0, -64801, 0})}), Contains("UTC offset outside"));
    CHECK_THAT(refused({none, none, none, Value::datetime({0, 0, 0, 0}, "Not a zone")}), Contains("zone name 'Not a zone' is not an IANA time zone name"));
    CHECK_THAT(refused({none, none, none, none, Value::duration({0, 0, 0, -1})}), Contains("nanoseconds outside"));
    CHECK_THAT(refused({none, none, none, none, none, Value::point({1234, 0, 0, 0})}), Contains("SRID not one of 7203"));
    CHECK_THAT(refused({none, none, none, none, none, Value::point({kCartesian, 0, 0, 1})}), Contains("z of a 2D point is not +0.0"));
    CHECK_THAT(refused({none, none, none, none, none, Value::point({kCartesian, 0, 0, -0.0})}), Contains("z of a 2D point is not +0.0"));
    CHECK_THAT(refused({none, none, none, none, none, Value::point({kWgs84, 180.5, 0, 0})}), Contains("longitude (x) outside -180 to 180"));
    CHECK_THAT(refused({none, none, none, none, none, Value::point({kWgs84_3d, 0, -90.5, 0})}), Contains("latitude (y) outside -90 to 90"));
    CHECK_THAT(refused({none, none, none, none, none, Value::point({kCartesian3d, 0, std::nan(""), 0})}), Contains("coordinate is NaN"));
    CHECK_THAT(refused({Value::time({0, 0})}), Contains("expected a localtime, got time"));
    CHECK_THAT(refused({Value(5)}), Contains("expected a localtime, got signed integer"));
    // Lists: the item is named; a zone number past the names given is refused.
    const std::vector<std::string_view> zones = {"Europe/Paris"};
    std::vector<DateTime> items = {{0, 0, 0, 1}, {0, 0, 0, 2}};
    CHECK_THAT(refused({none, none, none, none, none, none, Value::list(items, zones)}), Contains("item 1: zone 2 is past the 1 zone names given"));
    const std::vector<Point> points = {{kCartesian, 0, 0, 0}, {kWgs84, 0, 91, 0}};
    CHECK_THAT(refused({none, none, none, none, none, none, none, Value::list(points)}), Contains("item 1: latitude (y) outside"));
    CHECK_THAT(refused({none, none, none, none, none, none, none, Value::list(std::vector<LocalTime>{{0}})}),
               Contains("expected a list of point, got a list of localtime"));

    // A refused value with a zone left nothing behind: the only zone in the file is the good one.
    items = {{0, 0, 0, 1}, {0, 1'000'000'000, 0, 1}};
    CHECK_THAT(refused({none, none, none, Value::datetime({0, 0, 0, 0}, "Europe/Rome"), none, none, Value::list(items, zones)}),
               Contains("item 1: nanoseconds outside"));
    w.add_vertex("ok", label, {none, none, none, Value::datetime({0, 0, 0, 0}, "Asia/Kolkata")});
    w.finish(dir / "ok.mmg");
    auto file = File::open(dir / "ok.mmg");
    file->verify();
    const DateTime t = file->find("ok")->get<DateTime>("dt");
    CHECK(file->zone_name(t.zone) == "Asia/Kolkata");
    CHECK(t.zone == 10u);  // "M" and the 8 attribute names are strings 0-8; the zone is string 9
}

TEST_CASE("temporal: every schema is stamped 2.6, the minor of the key table of kind 15 (§2.3 writer rule 1)", "[temporal]") {
    TempDir dir;
    Writer w;
    w.add_label("D", {{"on", TypeCode::date}});
    w.add_label("E", {{"n", TypeCode::int32}});
    w.finish(dir / "d.mmg");
    CHECK(File::open(dir / "d.mmg")->version_minor() == 6);
    Writer p;
    p.add_edge_type("AT", {{"where", TypeCode::point, true}});
    p.finish(dir / "p.mmg");
    CHECK(File::open(dir / "p.mmg")->version_minor() == 6);
}
