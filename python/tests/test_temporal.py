"""The 2.2 types (spec §4.3) from Python: localtime, time, localdatetime, datetime, duration and
point, and their lists; the C++ golden file tests/data/temporal.mmg read value by value."""

import datetime
import pathlib
import zoneinfo

import numpy as np
import pytest

import mmgraph
from mmgraph import Duration, Point

GOLDEN = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "temporal.mmg"
LONDON = zoneinfo.ZoneInfo("Europe/London")
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
NS_DAY = 86_400 * 10**9
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def offset(seconds):
    return datetime.timezone(datetime.timedelta(seconds=seconds))


def test_duration_to_timedelta_refuses_months():
    assert Duration(0, 1, 2, 3000).to_timedelta() == datetime.timedelta(days=1, seconds=2, microseconds=3)
    with pytest.raises(ValueError, match="months"):
        Duration(1).to_timedelta()


@pytest.fixture
def golden():
    if not GOLDEN.exists():
        pytest.skip("tests/data/temporal.mmg is not here")
    with mmgraph.open(GOLDEN, verify=True) as f:
        yield f


def test_golden_file_values(golden):
    """What tests/support/temporal_graph.cpp writes into the golden file, value by value."""
    low, high = golden.find("min"), golden.find("max")
    assert low["lt"] == datetime.time(0) and high["lt"] == datetime.time(23, 59, 59, 999999)
    assert low["t"] == datetime.time(0, tzinfo=offset(-64800))
    assert high["t"] == datetime.time(23, 59, 59, 999999, tzinfo=offset(64800))
    # Outside the years 1..9999: numpy datetime64 in seconds (a datetime's instant in UTC).
    assert low["ldt"] == np.datetime64("-999999-01-01T00:00:00")
    assert high["ldt"] == np.datetime64("999999-12-31T23:59:59")
    assert low["dt"] == np.datetime64("-999999-01-01T00:00:00") - np.timedelta64(64800, "s")
    assert high["dt"] == np.datetime64("999999-12-31T23:59:59") + np.timedelta64(64800, "s")
    assert low["d"] == Duration(I64_MIN, I64_MIN, I64_MIN, 0)
    assert high["d"] == Duration(I64_MAX, I64_MAX, I64_MAX, 999_999_999)
    assert low["p"] == Point("wgs-84", -180.0, -90.0) and high["p"] == Point("wgs-84-3d", 180.0, 90.0, 8848.86)
    assert low["lts"] == [datetime.time(0), datetime.time(23, 59, 59, 999999)]
    assert low["dts"] is None and high["lts"] is None
    london = golden.find("london")
    assert london["lt"] == datetime.time(21, 40, 32, 142000)
    assert london["t"] == datetime.time(21, 40, 32, 142000, tzinfo=offset(3600))
    assert london["ldt"] == datetime.datetime(2015, 7, 21, 21, 40, 32, 142000)
    assert london["dt"] == datetime.datetime(2015, 7, 21, 21, 40, 32, 142000, tzinfo=LONDON) and london["dt"].tzinfo == LONDON
    assert london["d"] == Duration(0, 14, 16 * 3600 + 12 * 60, 0)
    changes = london["dts"]
    assert [(c.tzinfo, c.utcoffset().total_seconds()) for c in changes[:4]] == [(LONDON, 0), (LONDON, 3600), (LONDON, 3600), (LONDON, 0)]
    assert changes[0] == datetime.datetime(2023, 3, 26, 0, 59, 59, tzinfo=datetime.timezone.utc)
    assert changes[1] == datetime.datetime(2023, 3, 26, 1, 0, 0, tzinfo=datetime.timezone.utc)
    # Python subtracts wall clocks within one tzinfo; the instants are an hour apart.
    assert (changes[2].fold, changes[3].fold) == (0, 1) and changes[3].timestamp() - changes[2].timestamp() == 3600
    assert changes[4].tzinfo == STOCKHOLM and changes[4] == datetime.datetime(2015, 7, 21, 20, 40, 32, 142000, tzinfo=datetime.timezone.utc)
    assert changes[5].tzinfo == offset(3600) and changes[5] == changes[4]
    assert london["ds"] == [Duration(0, 0, -2, 500_000_000), Duration(-14, -1, 0, 0)]
    plane, space = london["ps"]
    assert plane == Point("cartesian", 1.5, -2.0) and space == Point("cartesian-3d", 0.0, -0.0, 1e300)
    assert np.signbit(space.y)
    empty = golden.find("empty")
    assert empty["lt"] == datetime.time(12) and empty["t"] is None
    assert [empty[name] for name in ("lts", "ts", "ldts", "dts", "ds", "ps")] == [[]] * 6


def test_golden_file_edges_and_tables(golden):
    pd = pytest.importorskip("pandas")
    edges = golden.edges()
    assert str(edges["at"].dtype) == "datetime64[ns, UTC]"
    assert edges["at"].tolist()[:2] == [pd.Timestamp("2023-03-26T01:00:00Z"), pd.Timestamp("1970-01-01T09:59:59.999999999Z")]
    assert pd.isna(edges["at"][2])
    targets, _, properties = golden.find("min").edges("out")
    assert properties[0]["where"] == Point("cartesian-3d", -1.0, 2.0, -3.0)
    assert properties[0]["zones"] == [datetime.datetime(2015, 7, 21, 22, 40, 32, tzinfo=STOCKHOLM)]
    table = golden.vertices().set_index("key")
    assert table["lt"].dtype == np.dtype("m8[ns]") and table.loc["max", "lt"] == pd.Timedelta(NS_DAY - 1)
    # The limits are beyond pandas' nanoseconds: objects, as the values read.
    assert table["ldt"].dtype == object and table.loc["london", "ldt"] == datetime.datetime(2015, 7, 21, 21, 40, 32, 142000)
    assert table["d"].dtype == object and table.loc["london", "d"] == Duration(0, 14, 58320, 0)
    assert table.loc["empty", "t"] is None
