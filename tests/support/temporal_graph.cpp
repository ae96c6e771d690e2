#include "support/temporal_graph.hpp"

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "mmgraph/writer.hpp"

namespace mmgraph::test {

format::DateTime datetime_at(format::CivilDate day, int64_t hour, int64_t minute, int64_t second, uint32_t nanos, int32_t offset) {
    const int64_t local = format::days_from_civil(day) * format::kSecondsPerDay + hour * 3600 + minute * 60 + second;
    return {local - offset, nanos, offset, 0};
}

void write_temporal_graph(const std::filesystem::path& path, unsigned threads) {
    using format::kMaxLocalSeconds;
    using format::kMinLocalSeconds;
    using format::kNanosPerDay;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
    WriterOptions o;
    o.threads = threads;
    Writer w(o);
    const std::vector<AttributeSpec> attributes = {
        {"lt", TypeCode::localtime},
        {"t", TypeCode::time, true},
        {"ldt", TypeCode::localdatetime, true},
        {"dt", TypeCode::datetime, true},
        {"d", TypeCode::duration, true},
        {"p", TypeCode::point, true},
        {"lts", Type::list_of(TypeCode::localtime), true},
        {"ts", Type::list_of(TypeCode::time), true},
        {"ldts", Type::list_of(TypeCode::localdatetime), true},
        {"dts", Type::list_of(TypeCode::datetime), true},
        {"ds", Type::list_of(TypeCode::duration), true},
        {"ps", Type::list_of(TypeCode::point), true},
    };
    auto moment = w.add_label("Moment", attributes);
    auto then = w.add_edge_type("THEN", {{"at", TypeCode::datetime, true}, {"where", TypeCode::point, true},
                                         {"zones", Type::list_of(TypeCode::datetime), true}});

    // The range limits (spec §4.3).
    const std::vector<LocalTime> day_ends = {{0}, {kNanosPerDay - 1}};
    const std::vector<Time> offsets = {{0, -format::kMaxOffsetSeconds}, {kNanosPerDay - 1, format::kMaxOffsetSeconds}};
    const std::vector<LocalDateTime> local_ends = {{kMinLocalSeconds, 0}, {kMaxLocalSeconds, 999'999'999}};
    const std::vector<Duration> duration_ends = {{kMin, kMin, kMin, 0}, {kMax, kMax, kMax, 999'999'999}};
    const std::vector<Point> corners = {{static_cast<uint32_t>(Srid::wgs84), -180, -90, 0}, {static_cast<uint32_t>(Srid::wgs84_3d), 180, 90, 8848.86}};
    w.add_vertex("min", moment,
                 {Value::localtime({0}), Value::time({0, -format::kMaxOffsetSeconds}), Value::localdatetime({kMinLocalSeconds, 0}),
                  Value::datetime({kMinLocalSeconds - format::kMaxOffsetSeconds, 0, format::kMaxOffsetSeconds, 0}),
                  Value::duration({kMin, kMin, kMin, 0}), Value::point({static_cast<uint32_t>(Srid::wgs84), -180, -90, 0}),
                  Value::list(day_ends), Value::list(offsets), Value::list(local_ends), Value(), Value::list(duration_ends),
                  Value::list(corners)});
    w.add_vertex("max", moment,
                 {Value::localtime({kNanosPerDay - 1}), Value::time({kNanosPerDay - 1, format::kMaxOffsetSeconds}),
                  Value::localdatetime({kMaxLocalSeconds, 999'999'999}),
                  Value::datetime({kMaxLocalSeconds + format::kMaxOffsetSeconds, 999'999'999, -format::kMaxOffsetSeconds, 0}),
                  Value::duration({kMax, kMax, kMax, 999'999'999}),
                  Value::point({static_cast<uint32_t>(Srid::wgs84_3d), 180, 90, 8848.86})});

    // Named zones: London's summer time, and both sides of its spring and autumn changes; a
    // negative duration; cartesian points, one with -0.0.
    const std::vector<std::string_view> zones = {"Europe/London", "Europe/Stockholm"};
    const std::vector<DateTime> changes = {
        datetime_at({2023, 3, 26}, 0, 59, 59, 0, 0),     // GMT, the second before the spring change (1)
        datetime_at({2023, 3, 26}, 2, 0, 0, 0, 3600),    // BST, the first second after it (1)
        datetime_at({2023, 10, 29}, 1, 30, 0, 0, 3600),  // 01:30 BST, the earlier of the ambiguous hour (1)
        datetime_at({2023, 10, 29}, 1, 30, 0, 0, 0),     // 01:30 GMT, the later (1)
        datetime_at({2015, 7, 21}, 22, 40, 32, 142'000'000, 7200),  // Stockholm (2)
        datetime_at({2015, 7, 21}, 21, 40, 32, 142'000'000, 3600),  // a fixed offset (0)
    };
    std::vector<DateTime> zoned = changes;
    for (size_t i = 0; i < zoned.size(); ++i) zoned[i].zone = i < 4 ? 1 : i == 4 ? 2 : 0;
    const std::vector<Point> planes = {{static_cast<uint32_t>(Srid::cartesian), 1.5, -2, 0}, {static_cast<uint32_t>(Srid::cartesian_3d), 0, -0.0, 1e300}};
    w.add_vertex("london", moment,
                 {Value::localtime({(21 * 3600 + 40 * 60 + 32) * format::kNanosPerSecond + 142'000'000}),
                  Value::time({(21 * 3600 + 40 * 60 + 32) * format::kNanosPerSecond + 142'000'000, 3600}),
                  Value::localdatetime({format::days_from_civil({2015, 7, 21}) * format::kSecondsPerDay + 21 * 3600 + 40 * 60 + 32, 142'000'000}),
                  Value::datetime(datetime_at({2015, 7, 21}, 21, 40, 32, 142'000'000, 3600), "Europe/London"),
                  Value::duration({0, 14, 16 * 3600 + 12 * 60, 0}), Value::point(planes[0]), Value(), Value(), Value(),
                  Value::list(zoned, zones), Value::list(std::vector<Duration>{{0, 0, -2, 500'000'000}, {-14, -1, 0, 0}}),
                  Value::list(planes)});
    w.add_vertex("empty", moment,
                 {Value::localtime({12 * 3600 * format::kNanosPerSecond}), Value(), Value(), Value(), Value(), Value(),
                  Value::list(std::vector<LocalTime>{}), Value::list(std::vector<Time>{}), Value::list(std::vector<LocalDateTime>{}),
                  Value::list(std::vector<DateTime>{}), Value::list(std::vector<Duration>{}), Value::list(std::vector<Point>{})});

    const std::vector<std::string_view> stockholm = {"Europe/Stockholm"};
    std::vector<DateTime> summer = {datetime_at({2015, 7, 21}, 22, 40, 32, 0, 7200)};
    summer[0].zone = 1;
    w.add_edge("min", "max", then,
               {Value::datetime(datetime_at({2023, 3, 26}, 2, 0, 0, 0, 3600), "Europe/London"),
                Value::point({static_cast<uint32_t>(Srid::cartesian_3d), -1, 2, -3}), Value::list(summer, stockholm)});
    w.add_edge("london", "london", then, {Value(), Value(), Value()});
    w.add_edge("max", "empty", then, {Value::datetime(datetime_at({1969, 12, 31}, 23, 59, 59, 999'999'999, -36000)), Value(), Value()});
    w.finish(path);
}

}  // namespace mmgraph::test
