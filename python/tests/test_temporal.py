"""The 2.2 types (spec §4.3) from Python: localtime, time, localdatetime, datetime, duration and
point, and their lists, through Writer -> file -> values and tables; the C++ golden file
tests/data/temporal.mmg read value by value; refusals."""

import datetime
import pathlib
import zoneinfo

import numpy as np
import pytest

import mmgraph
from mmgraph import Duration, Point
from mmgraph.errors import InputError

GOLDEN = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "temporal.mmg"
LONDON = zoneinfo.ZoneInfo("Europe/London")
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
NS_DAY = 86_400 * 10**9
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def offset(seconds):
    return datetime.timezone(datetime.timedelta(seconds=seconds))


ATTRIBUTES = {
    "lt": ("localtime", True), "t": ("time", True), "ldt": ("localdatetime", True), "dt": ("datetime", True),
    "d": ("duration", True), "p": ("point", True), "lts": ("localtime[]", True), "ts": ("time[]", True),
    "ldts": ("localdatetime[]", True), "dts": ("datetime[]", True), "ds": ("duration[]", True), "ps": ("point[]", True),
}


def write_moments(path, columns, rows):
    writer = mmgraph.Writer()
    writer.add_label("Moment", ATTRIBUTES)
    writer.add_edge_type("THEN", {"at": ("datetime", True)})
    keys = [f"m{i}" for i in range(rows)]
    writer.add_vertices("Moment", keys, {name: columns.get(name, [None] * rows) for name in ATTRIBUTES})
    writer.add_edges("THEN", keys[:1], keys[-1:], {"at": [datetime.datetime(2023, 3, 26, 2, tzinfo=LONDON)]})
    return writer.finish(str(path))


def test_python_objects_round_trip_at_the_limits_python_holds(tmp_path):
    first = datetime.datetime(1, 1, 1)
    last = datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)
    columns = {
        "lt": [datetime.time(0, 0), datetime.time(23, 59, 59, 999999), None],
        "t": [datetime.time(0, 0, tzinfo=offset(-64800)), datetime.time(23, 59, 59, 999999, tzinfo=offset(64800)), None],
        "ldt": [first, last, None],
        "dt": [first.replace(tzinfo=offset(64800)), datetime.datetime(2015, 7, 21, 21, 40, 32, 142000, tzinfo=LONDON), None],
        "d": [Duration(I64_MIN, I64_MIN, I64_MIN, 0), datetime.timedelta(days=-1, seconds=3, microseconds=5), None],
        "p": [Point("wgs-84", -180, -90), Point("wgs-84-3d", 180, 90, 8848.86), None],
        "lts": [[datetime.time(12)], [], None],
        "ts": [[datetime.time(1, tzinfo=offset(3600))], [], None],
        "ldts": [[first, last], [], None],
        "dts": [[datetime.datetime(2015, 7, 21, 22, 40, 32, tzinfo=STOCKHOLM), datetime.datetime(2000, 1, 1, tzinfo=offset(-3600))], [], None],
        "ds": [[Duration(-14, -1, 0, 0), datetime.timedelta(seconds=-2)], [], None],
        "ps": [[Point("cartesian", 1.5, -2), Point("cartesian-3d", 0, -0.0, 1e300)], [], None],
    }
    write_moments(tmp_path / "m.mmg", columns, 3)
    with mmgraph.open(tmp_path / "m.mmg", verify=True) as f:
        assert [a.type for a in f.labels[0].attributes] == [t for t, _ in ATTRIBUTES.values()]
        for row in range(3):
            got = f.find(f"m{row}").attributes()
            for name, values in columns.items():
                want = values[row]
                if name == "d" and isinstance(want, datetime.timedelta):
                    want = Duration.from_timedelta(want)
                if name == "ds" and want:
                    want = [Duration.from_timedelta(w) if isinstance(w, datetime.timedelta) else w for w in want]
                assert got[name] == want, (row, name)
        zoned = f.find("m1")["dt"]
        assert zoned.tzinfo == LONDON and zoned.utcoffset() == datetime.timedelta(hours=1)
        assert f.find("m0")["dts"][0].tzinfo == STOCKHOLM
        assert f.find("m0")["dts"][1].tzinfo == offset(-3600)
        assert f.find("m1")["d"].to_timedelta() == datetime.timedelta(days=-1, seconds=3, microseconds=5)
        assert f.find("m0")["p"].z is None and f.find("m1")["p"].z == 8848.86


def test_nanoseconds_survive_in_tables(tmp_path):
    pd = pytest.importorskip("pandas")
    ldt = np.array(["2020-02-29T23:59:59.123456789", "NaT", "1677-09-22T00:00:00"], dtype="M8[ns]")
    columns = {
        "lt": np.array([NS_DAY - 1, 0, 1], dtype="m8[ns]"),
        "ldt": ldt,
        "dt": pd.to_datetime(["2023-10-29T00:30:00.000000001Z", None, "2023-10-29T01:30:00Z"], utc=True).tz_convert("Europe/London"),
        "d": np.array([1, -NS_DAY, "NaT"], dtype="m8[ns]"),
    }
    write_moments(tmp_path / "m.mmg", columns, 3)
    with mmgraph.open(tmp_path / "m.mmg", verify=True) as f:
        table = f.vertices()
        assert table["lt"].dtype == np.dtype("m8[ns]")
        assert table["lt"].tolist() == [pd.Timedelta(NS_DAY - 1), pd.Timedelta(0), pd.Timedelta(1)]
        assert table["ldt"].dtype == np.dtype("M8[ns]")
        assert (table["ldt"].to_numpy()[[0, 2]] == ldt[[0, 2]]).all() and table["ldt"].isna().tolist() == [False, True, False]
        assert str(table["dt"].dtype) == "datetime64[ns, UTC]"
        assert table["dt"][0] == pd.Timestamp("2023-10-29T00:30:00.000000001Z") and pd.isna(table["dt"][1])
        assert table["d"].dtype == np.dtype("m8[ns]")
        assert table["d"][0] == pd.Timedelta(1) and table["d"][1] == pd.Timedelta(-NS_DAY) and pd.isna(table["d"][2])
        # Both 01:30 in London on the day clocks go back: BST, then GMT; the values keep the fold.
        first, _, second = (f.find(f"m{i}")["dt"] for i in range(3))
        assert first.tzinfo == LONDON and first.utcoffset() == datetime.timedelta(hours=1)
        assert (second.hour, second.minute, second.fold, second.utcoffset()) == (1, 30, 1, datetime.timedelta(0))
        # Objects drop what datetime cannot hold.
        assert f.find("m0")["ldt"] == datetime.datetime(2020, 2, 29, 23, 59, 59, 123456)
        assert f.find("m0")["lt"] == datetime.time(23, 59, 59, 999999)


def test_columns_pandas_cannot_hold_are_objects(tmp_path):
    pd = pytest.importorskip("pandas")
    columns = {
        "ldt": [datetime.datetime(1, 1, 1), None],
        "dt": [datetime.datetime(9999, 1, 1, tzinfo=LONDON), None],
        "d": [Duration(1, 0, 0, 0), None],
        "t": [datetime.time(1, tzinfo=offset(3600)), None],
        "p": [Point("cartesian", 1, 2), None],
        "lts": [[datetime.time(1)], None],
    }
    write_moments(tmp_path / "m.mmg", columns, 2)
    with mmgraph.open(tmp_path / "m.mmg") as f:
        table = f.vertices()
        for name in ("ldt", "dt", "d", "t", "p", "lts"):
            assert table[name].dtype == object, name
            assert table[name][1] is None
        assert table["ldt"][0] == datetime.datetime(1, 1, 1)
        assert table["dt"][0].tzinfo == LONDON
        assert table["d"][0] == Duration(1, 0, 0, 0)
        assert table["p"][0] == Point("cartesian", 1.0, 2.0)
        assert table["lts"][0] == [datetime.time(1)]
        assert f.edges()["at"][0] == pd.Timestamp("2023-03-26T01:00:00Z")


def test_refusals_name_the_row_and_reason(tmp_path):
    cases = [
        ({"lt": [datetime.time(1), np.timedelta64(NS_DAY, "ns")]}, "row 1: .*time of day outside"),
        ({"lt": [datetime.time(1, tzinfo=offset(0))]}, "row 0: a time with a zone is a 'time'"),
        ({"t": [datetime.time(1), datetime.time(2)]}, "row 0: a time without a fixed UTC offset"),
        ({"t": [datetime.time(1, tzinfo=offset(19 * 3600))]}, "row 0: .*UTC offset outside"),
        ({"ldt": [datetime.datetime(2000, 1, 1, tzinfo=offset(0))]}, "a date-time with a zone is a 'datetime'"),
        ({"ldt": np.array([2**62], dtype="M8[s]")}, "row 0: .*outside the years"),
        ({"dt": [datetime.datetime(2000, 1, 1)]}, "row 0: a date-time without a zone"),
        ({"d": ["P1D"]}, "row 0: expected a mmgraph.Duration"),
        ({"p": [None, Point("mars", 1, 2)]}, "row 1: crs 'mars'"),
        ({"p": [Point("wgs-84", 181, 0)]}, "row 0: .*longitude"),
        ({"p": [Point("cartesian", 1, 2, 3)]}, "row 0: .*z of a 2D point"),
        ({"ps": [[None]]}, "row 0.*a list item is null"),
    ]
    for number, (columns, message) in enumerate(cases):
        rows = len(next(iter(columns.values())))
        with pytest.raises(InputError, match=message):
            write_moments(tmp_path / f"{number}.mmg", columns, rows)
        assert not (tmp_path / f"{number}.mmg").exists()


def test_write_infers_the_types(tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({
        "key": ["a", "b"],
        "lt": [datetime.time(1), datetime.time(2)],
        "t": [datetime.time(1, tzinfo=offset(3600)), None],
        "ldt": [datetime.datetime(2000, 1, 1, 12), None],
        "dt": pd.to_datetime(["2023-03-26T00:59:59Z", "2023-03-26T01:00:00Z"], utc=True).tz_convert("Europe/London"),
        "d": pd.to_timedelta(["1s", "2 days"]),
        "dur": [Duration(1, 2, 3, 4), None],
        "p": [Point("wgs-84", 1, 2), Point("wgs-84", 3, 4)],
        "ps": [[Point("cartesian", 1, 2)], []],
        "dts": [[datetime.datetime(2000, 1, 1, tzinfo=LONDON)], None],
    })
    mmgraph.write(tmp_path / "w.mmg", vertices={"M": frame})
    with mmgraph.open(tmp_path / "w.mmg", verify=True) as f:
        types = {a.name: a.type for a in f.labels[0].attributes}
        assert types == {"lt": "localtime", "t": "time", "ldt": "localdatetime", "dt": "datetime", "d": "duration",
                         "dur": "duration", "p": "point", "ps": "point[]", "dts": "datetime[]"}
        a, b = f.find("a"), f.find("b")
        assert a["dt"] == datetime.datetime(2023, 3, 26, 0, 59, 59, tzinfo=LONDON) and a["dt"].tzinfo == LONDON
        assert b["dt"].utcoffset() == datetime.timedelta(hours=1)  # BST from the first second after the change
        assert b["d"] == Duration(0, 0, 2 * 86400, 0)
        assert a["dur"] == Duration(1, 2, 3, 4) and b["dur"] is None


def test_duration_to_timedelta_refuses_months():
    assert Duration(0, 1, 2, 3000).to_timedelta() == datetime.timedelta(days=1, seconds=2, microseconds=3)
    with pytest.raises(ValueError, match="months"):
        Duration(1).to_timedelta()


def test_unknown_zone_falls_back_to_the_offset(tmp_path):
    writer = mmgraph.Writer()
    writer.add_label("M", {"dt": "datetime"})

    class Nowhere(datetime.tzinfo):  # a named zone Python's tzdata does not have
        key = "Nowhere/Atlantis"

        def utcoffset(self, dt):
            return datetime.timedelta(hours=3)

    writer.add_vertices("M", ["a"], {"dt": [datetime.datetime(2000, 1, 1, tzinfo=Nowhere())]})
    writer.finish(str(tmp_path / "z.mmg"))
    with mmgraph.open(tmp_path / "z.mmg", verify=True) as f:
        value = f.find("a")["dt"]
        assert value.tzinfo == offset(10800) and value == datetime.datetime(2000, 1, 1, tzinfo=offset(10800))


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


def test_zones_across_shards(tmp_path):
    """Each shard names its zones in its own string table; values and tables agree across them."""
    zones = [LONDON, STOCKHOLM, offset(-3600)]
    values = [None if i % 4 == 0 else datetime.datetime(2020 + i, 7, 1, 12, tzinfo=zones[i % 3]) for i in range(12)]
    values[5] = datetime.datetime(1, 1, 2, tzinfo=STOCKHOLM)  # beyond pandas: the column holds objects
    writer = mmgraph.Writer(shards=3)
    writer.add_label("M", {"dt": ("datetime", True), "dts": ("datetime[]", True)})
    keys = [f"k{i}" for i in range(12)]
    writer.add_edge_type("AT", {"at": ("datetime", True)})
    writer.add_vertices("M", keys, {"dt": values, "dts": [None if v is None else [v, v] for v in values]})
    writer.add_edges("AT", keys, keys[1:] + keys[:1], {"at": values})
    writer.finish(str(tmp_path / "s.mmg"))
    with mmgraph.open(tmp_path / "s.mmg", verify=True) as ds:
        assert ds.shard_count == 3
        for key, want in zip(keys, values):
            got = ds.find(key)
            assert got["dt"] == want and (want is None or got["dt"].tzinfo == want.tzinfo)
            assert got["dts"] == (None if want is None else [want, want])
            # An in-edge's properties are read from the other end's shard.
            _, _, (incoming,) = got.edges("in")
            source_value = values[(keys.index(key) - 1) % len(keys)]
            assert incoming["at"] == source_value and (source_value is None or incoming["at"].tzinfo == source_value.tzinfo)
        table = ds.vertices().set_index("key")
        for key, want in zip(keys, values):
            got = table.loc[key, "dt"]
            assert (got is None) if want is None else (got == want and got.tzinfo == want.tzinfo)


def test_dask_write_takes_a_datetime_column_with_whole_day_partitions(tmp_path):
    """A partition of whole days alone infers 'date'; the column is a localdatetime as
    mmgraph.write infers from all of it. Runs on dask's local scheduler."""
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    import mmgraph.dask

    frame = pd.DataFrame({
        "key": [f"k{i}" for i in range(6)],
        "ldt": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04 12:00", "2020-01-05", None]),
        "dt": pd.to_datetime(["2020-01-01T00:00Z"] * 6, utc=True).tz_convert("Europe/London"),
        "p": [Point("cartesian", i, -i) for i in range(6)],
    })
    mmgraph.dask.write_dataset(tmp_path / "d.mmg", {"M": dd.from_pandas(frame, npartitions=2)}, shards=2)
    with mmgraph.open(tmp_path / "d.mmg", verify=True) as ds:
        assert {a.name: a.type for a in ds.labels[0].attributes} == {"ldt": "localdatetime", "dt": "datetime", "p": "point"}
        assert ds.find("k3")["ldt"] == datetime.datetime(2020, 1, 4, 12) and ds.find("k5")["ldt"] is None
        assert ds.find("k0")["dt"].tzinfo == LONDON and ds.find("k2")["p"] == Point("cartesian", 2.0, -2.0)
