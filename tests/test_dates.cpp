// The date type (spec §4.3, format 2.1): the calendar arithmetic and ISO 8601 text shared by
// writer, reader, importer and CLI, and the writer's refusals. Reading back at the range limits
// is pinned by tests/data/dates.mmg (test_golden).
#include <catch2/catch.hpp>

#include <chrono>

#include "mmgraph/format/date.hpp"
#include "mmgraph/reader.hpp"
#include "mmgraph/writer.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using Catch::Matchers::Contains;
using mmgraph::test::TempDir;

TEST_CASE("date: day counts agree with std::chrono and ISO text round-trips", "[date]") {
    using namespace std::chrono;
    // std::chrono covers years -32767..32767; step through them with a stride that visits
    // every day of the month and every month over the span.
    for (int64_t days = sys_days(-32767y / 1 / 1).time_since_epoch().count(); days <= sys_days(32767y / 12 / 31).time_since_epoch().count();
         days += 37) {
        const year_month_day ymd{sys_days(std::chrono::days(days))};
        const format::CivilDate civil = format::civil_from_days(days);
        INFO(days);
        REQUIRE(civil == format::CivilDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())});
        REQUIRE(format::days_from_civil(civil) == days);
        REQUIRE(format::date_from_iso(format::date_to_iso(days)) == days);
    }
    CHECK(format::date_to_iso(0) == "1970-01-01");
    CHECK(format::date_to_iso(-1) == "1969-12-31");
    CHECK(format::date_to_iso(19416) == "2023-02-28");
    CHECK(format::date_to_iso(format::kMinDateDays) == "-999999-01-01");
    CHECK(format::date_to_iso(format::kMaxDateDays) == "+999999-12-31");
    CHECK(format::date_to_iso(format::days_from_civil({-1, 12, 31})) == "-000001-12-31");
    CHECK(format::date_to_iso(format::days_from_civil({10000, 1, 1})) == "+010000-01-01");
    CHECK(format::date_from_iso("+2023-02-28") == 19416);  // a sign with four digits is ISO too
    CHECK(format::date_from_iso("2024-02-29").has_value());
    CHECK(format::date_from_iso("2000-02-29").has_value());
    std::string reason;
    CHECK_FALSE(format::date_from_iso("1900-02-29", &reason));
    CHECK(reason == "day does not exist in that month");
    CHECK_FALSE(format::date_from_iso("2023-02-30", &reason));
    CHECK_FALSE(format::date_from_iso("2023-00-10", &reason));
    CHECK(reason == "month out of range 01-12");
    for (const char* bad : {"", "2023-2-28", "2023/02/28", "20230228", "2023-02-28T00:00", "+1000000-01-01", "-99999-01-01", " 2023-02-28x", "2023-02-2a"})
        CHECK_FALSE(format::date_from_iso(bad));
}

TEST_CASE("date: the writer refuses dates outside the format's range and values of other kinds", "[date]") {
    TempDir dir;
    Writer w;
    auto label = w.add_label("E", {{"on", TypeCode::date, true}, {"days", Type::list_of(TypeCode::date), true}, {"n", TypeCode::int32, true}});
    CHECK_THROWS_WITH(w.add_vertex("a", label, {Value::date_days(format::kMinDateDays - 1)}),
                      Contains("attribute 'on' (date): date of -365961663 days since 1970-01-01 is outside the years -999999 to +999999"));
    CHECK_THROWS_WITH(w.add_vertex("a", label, {Value::date_days(format::kMaxDateDays + 1)}), Contains("outside the years"));
    CHECK_THROWS_WITH(w.add_vertex("a", label, {Value::date_days(int64_t{1} << 40)}), Contains("outside the years"));
    CHECK_THROWS_WITH(w.add_vertex("a", label, {Value(5)}), Contains("expected a date, got signed integer"));
    CHECK_THROWS_WITH(w.add_vertex("a", label, {Value(), Value(), Value::date_days(3)}), Contains("expected an integer, got date"));
    const std::vector<int32_t> items = {0, static_cast<int32_t>(format::kMaxDateDays + 1)};
    CHECK_THROWS_WITH(w.add_vertex("a", label, {Value(), Value::date_list(items)}), Contains("item 1: date of 364522972 days"));
    CHECK_THROWS_WITH(w.add_vertex("a", label, {Value(), Value::list(std::vector<int32_t>{1})}), Contains("expected a list of date, got a list of int32"));
    // The writer is unchanged by the refusals: a good vertex still goes in and reads back.
    w.add_vertex("a", label, {Value::date(std::chrono::year_month_day(std::chrono::year(2023), std::chrono::February, std::chrono::day(28)))});
    w.finish(dir / "d.mmg");
    auto file = File::open(dir / "d.mmg");
    file->verify();
    CHECK(file->find("a")->get("on").as_date_days() == 19416);
    CHECK(file->version_minor() == 6);  // the minor of the key table of kind 15, which defines date too
}
