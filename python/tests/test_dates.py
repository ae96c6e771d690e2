"""The date type (spec §4.3, format 2.1) from Python: datetime.date and numpy datetime64[D] in,
datetime.date, datetime64[D] arrays and datetime table columns out, at the range limits."""

import datetime

import numpy as np
import pytest

import mmgraph
from mmgraph.errors import InputError

MIN_DAYS, MAX_DAYS = -365961662, 364522971  # -999999-01-01 and +999999-12-31


def write_events(path, on, also=None, nullable=True):
    writer = mmgraph.Writer()
    writer.add_label("Event", {"on": ("date", nullable), "also": ("date[]", True)})
    writer.add_edge_type("NEXT", {"noted": ("date", True)})
    keys = [f"e{i}" for i in range(len(on))]
    writer.add_vertices("Event", keys, {"on": on, "also": also if also is not None else [None] * len(on)})
    writer.add_edges("NEXT", keys[:1], keys[-1:], {"noted": [datetime.date(2023, 2, 28)]})
    return writer.finish(str(path))


def test_dates_round_trip_at_the_limits(tmp_path):
    on = np.array([0, -1, MIN_DAYS, MAX_DAYS, 11016], dtype="M8[D]")  # 11016: 2000-02-29
    also = [np.array(["2024-02-29", "1900-03-01"], dtype="M8[D]"), [], None, [datetime.date(1, 1, 1)], None]
    write_events(tmp_path / "d.mmg", on, also)
    with mmgraph.open(tmp_path / "d.mmg", verify=True) as f:
        assert [a.type for a in f.labels[0].attributes] == ["date", "date[]"]
        assert f.find("e0")["on"] == datetime.date(1970, 1, 1)
        assert f.find("e1")["on"] == datetime.date(1969, 12, 31)
        assert f.find("e4")["on"] == datetime.date(2000, 2, 29)
        # Outside datetime.date's years 1..9999 a date reads as numpy.datetime64 in days.
        assert f.find("e2")["on"] == np.datetime64(MIN_DAYS, "D")
        assert f.find("e3")["on"] == np.datetime64(MAX_DAYS, "D")
        first = f.find("e0")["also"]
        assert first.dtype == np.dtype("M8[D]")
        assert first.tolist() == [datetime.date(2024, 2, 29), datetime.date(1900, 3, 1)]
        assert len(f.find("e1")["also"]) == 0 and f.find("e2")["also"] is None
        assert f.find("e3")["also"].tolist() == [datetime.date(1, 1, 1)]
        # The table: the extreme dates do not fit pandas' nanoseconds, so the column holds objects.
        pd = pytest.importorskip("pandas")
        table = f.vertices().set_index("key")
        assert table.loc["e0", "on"] == datetime.date(1970, 1, 1)
        assert table.loc["e2", "on"] == np.datetime64(MIN_DAYS, "D")
        assert f.edges()["noted"].tolist() == [pd.Timestamp("2023-02-28")]


def test_date_table_columns_are_datetime64(tmp_path):
    pd = pytest.importorskip("pandas")
    on = [datetime.date(2023, 2, 28), None, datetime.date(1969, 12, 31)]
    write_events(tmp_path / "d.mmg", on)
    with mmgraph.open(tmp_path / "d.mmg") as f:
        column = f.vertices()["on"]
        assert column.dtype == np.dtype("M8[ns]")
        assert column.isna().tolist() == [False, True, False]
        assert column[0] == pd.Timestamp("2023-02-28") and column[2] == pd.Timestamp("1969-12-31")


def test_write_infers_date_columns(tmp_path):
    pd = pytest.importorskip("pandas")
    people = pd.DataFrame({
        "key": ["ann", "bob"],
        "born": [datetime.date(1815, 12, 10), None],
        "joined": pd.to_datetime(["2020-01-01", "2021-06-30"]),
    })
    mmgraph.write(tmp_path / "p.mmg", vertices={"Person": people})
    with mmgraph.open(tmp_path / "p.mmg", verify=True) as f:
        types = {a.name: (a.type, a.nullable) for a in f.labels[0].attributes}
        assert types == {"born": ("date", True), "joined": ("date", False)}
        assert f.find("ann")["born"] == datetime.date(1815, 12, 10) and f.find("bob")["born"] is None
        assert f.find("bob")["joined"] == datetime.date(2021, 6, 30)


def test_bad_dates_are_refused(tmp_path):
    with pytest.raises(InputError, match="outside the years -999999 to \\+999999"):
        write_events(tmp_path / "a.mmg", np.array([MAX_DAYS + 1], dtype="M8[D]"))
    with pytest.raises(InputError, match="has a time of day"):
        write_events(tmp_path / "b.mmg", np.array(["2023-02-28T12:00"], dtype="M8[m]"))
    with pytest.raises(InputError, match="expected dates"):
        write_events(tmp_path / "c.mmg", ["2023-02-28"])
    with pytest.raises(InputError, match="a list item is null"):
        write_events(tmp_path / "d.mmg", [datetime.date(2000, 1, 1)], also=[np.array(["NaT"], dtype="M8[D]")])
    for name in ("a.mmg", "b.mmg", "c.mmg", "d.mmg"):
        assert not (tmp_path / name).exists()
