"""Cypher's temporal types besides date, and its point (spec §4.3, format 2.2), in Python.

1. Duration and Point, the values with no standard Python type
2. records -> Python objects (values and object table columns), called by the native layer
3. records -> table columns (exact, nanoseconds kept)

The native layer hands over and takes the packed records of §4.3 as numpy structured arrays
(localtime a plain int64 of nanoseconds). A datetime's zone field is an index + 1 into a list of
zone names handed along (0: a fixed offset). datetime.time and datetime.datetime hold
microseconds: objects made from records drop the digits below; table columns keep them.
"""

import datetime
import zoneinfo
from typing import NamedTuple, Optional

import numpy as np

from . import _native

NANOS_PER_SECOND = 1_000_000_000

DTYPES = _native._temporal_dtypes()  # the packed records of §4.3, by type name
_SRIDS = {"cartesian": 7203, "cartesian-3d": 9157, "wgs-84": 4326, "wgs-84-3d": 4979}
_CRS = {srid: name for name, srid in _SRIDS.items()}
_EPOCH = datetime.datetime(1970, 1, 1)


# ---- 1. Duration and Point --------------------------------------------------------------------
class Duration(NamedTuple):
    """A Cypher duration: four independent components, as stored (spec §4.3). ``nanoseconds`` is
    0..999999999 and adds to ``seconds``. Months have no fixed length, so only a duration without
    months converts to a ``datetime.timedelta`` (which drops digits below a microsecond)."""

    months: int = 0
    days: int = 0
    seconds: int = 0
    nanoseconds: int = 0

    def to_timedelta(self) -> datetime.timedelta:
        """This duration as a ``datetime.timedelta``; ValueError when ``months`` is not 0.
        Nanoseconds below a microsecond are dropped."""
        if self.months != 0:
            raise ValueError(f"a duration of {self.months} months has no fixed length; a timedelta cannot hold it")
        return datetime.timedelta(days=self.days, seconds=self.seconds, microseconds=self.nanoseconds // 1000)

    @classmethod
    def from_timedelta(cls, delta: datetime.timedelta) -> "Duration":
        """The duration of a ``datetime.timedelta``: its days, seconds and microseconds."""
        return cls(0, delta.days, delta.seconds, delta.microseconds * 1000)


class Point(NamedTuple):
    """A Cypher point: ``crs`` one of 'cartesian', 'cartesian-3d', 'wgs-84', 'wgs-84-3d'; for
    WGS-84 ``x`` is the longitude and ``y`` the latitude; ``z`` is None for a 2D CRS."""

    crs: str
    x: float
    y: float
    z: Optional[float] = None


# ---- 2. records -> Python objects -------------------------------------------------------------
def _time_of_day(nanos, tzinfo=None):
    seconds, rest = divmod(int(nanos), NANOS_PER_SECOND)
    return datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60, rest // 1000, tzinfo=tzinfo)


def _offset(seconds):
    return datetime.timezone(datetime.timedelta(seconds=int(seconds)))


def _zone(name, offset):
    """ZoneInfo(name), or the fixed offset for a name Python's tzdata does not know (a KeyError:
    ZoneInfoNotFoundError) or cannot take as a key (ValueError)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        return offset


def _local(seconds, nanos):
    """A naive datetime.datetime, or numpy.datetime64 in ns/seconds outside the years 1..9999."""
    try:
        return _EPOCH + datetime.timedelta(seconds=int(seconds), microseconds=int(nanos) // 1000)
    except OverflowError:
        return np.datetime64(int(seconds), "s")  # numpy holds every year of the format in seconds


def _instant(seconds, nanos, offset, zone_name):
    fixed = _offset(offset)
    local = _local(int(seconds) + int(offset), nanos)
    if isinstance(local, np.datetime64):
        return np.datetime64(int(seconds), "s")  # the instant, as UTC
    aware = local.replace(tzinfo=fixed)
    if zone_name is None:
        return aware
    tz = _zone(zone_name, fixed)
    try:
        return aware.astimezone(tz)  # the zone's offset and fold at that instant
    except OverflowError:
        return aware


def _object(type_name, record, zones):
    if type_name == "localtime":
        return _time_of_day(record)
    if type_name == "time":
        return _time_of_day(record["nanos"], _offset(record["offset"]))
    if type_name == "localdatetime":
        return _local(record["seconds"], record["nanos"])
    if type_name == "datetime":
        zone = int(record["zone"])
        return _instant(record["seconds"], record["nanos"], record["offset"], zones[zone - 1] if zone else None)
    if type_name == "duration":
        return Duration(int(record["months"]), int(record["days"]), int(record["seconds"]), int(record["nanos"]))
    if type_name == "point":
        crs = _CRS.get(int(record["srid"]), f"srid-{int(record['srid'])}")
        z = float(record["z"]) if crs.endswith("-3d") else None
        return Point(crs, float(record["x"]), float(record["y"]), z)
    raise ValueError(f"not a 2.2 type: {type_name}")


def objects(type_name, records, zones):
    """The records of a 2.2 type (a numpy array of DTYPES[type_name]) as a list of Python objects:
    localtime datetime.time; time datetime.time with a datetime.timezone; localdatetime a naive
    datetime.datetime; datetime an aware one in zoneinfo.ZoneInfo(name) when the value names a
    zone Python knows, else at its fixed offset; duration a Duration; point a Point. Digits below
    a microsecond are dropped; a date-time outside the years 1..9999 is a numpy.datetime64 in
    seconds (a datetime's as UTC)."""
    return [_object(type_name, record, zones) for record in records]


# ---- 3. records -> table columns --------------------------------------------------------------
# Whole seconds whose nanosecond count fits pandas' datetime64[ns] / timedelta64[ns] (NaT, the
# int64 minimum, excluded).
_NS_FIRST_SECOND, _NS_LAST_SECOND = -9_223_372_036, 9_223_372_035


def _nanoseconds(seconds, nanos, present):
    """int64 nanoseconds of (seconds, nanos) when every present one fits, else None."""
    seconds = np.asarray(seconds, dtype=np.int64)
    if not ((seconds[present] >= _NS_FIRST_SECOND) & (seconds[present] <= _NS_LAST_SECOND)).all():
        return None
    total = np.where(present, seconds, 0) * NANOS_PER_SECOND + np.where(present, nanos, 0).astype(np.int64)
    total[~present] = np.iinfo(np.int64).min  # NaT
    return total


def _object_column(type_name, records, present, zones=()):
    column = np.empty(len(records), dtype=object)
    for row in np.flatnonzero(present):
        column[row] = _object(type_name, records[row], zones)
    return column


def _duration_seconds(records, present):
    """Total seconds (int64) of durations without months whose days and seconds cannot overflow
    int64 when summed, else None."""
    months, days, seconds = records["months"][present], records["days"][present], records["seconds"][present]
    if (months != 0).any() or (np.abs(days) > 2**40).any() or (np.abs(seconds) > 2**62).any():
        return None
    return np.where(present, records["days"], 0) * 86_400 + np.where(present, records["seconds"], 0)


def table_column(pd, type_name, values, mask):
    """A column of a 2.2 type for vertices()/edges(), exact to the nanosecond where numpy can
    hold it: localtime timedelta64[ns] since midnight; localdatetime datetime64[ns]; datetime
    datetime64[ns, UTC] (the instant); duration timedelta64[ns] when no value has months. NaT for
    nulls. A column pandas' nanosecond range cannot hold, time and point are objects (None for
    nulls): see objects() for what they are."""
    zones = ()
    if type_name == "datetime":
        values, zones = values
    present = np.ones(len(values), bool) if mask is None else ~mask
    if type_name == "localtime":
        column = values.astype("m8[ns]")
        column[~present] = np.timedelta64("NaT")
        return column
    if type_name in ("localdatetime", "datetime"):
        total = _nanoseconds(values["seconds"], values["nanos"], present)
        if total is None:
            return _object_column(type_name, values, present, zones)
        column = total.view("M8[ns]")
        if type_name == "localdatetime":
            return column
        return pd.Series(column).dt.tz_localize("UTC").array
    if type_name == "duration":
        seconds = _duration_seconds(values, present)
        total = None if seconds is None else _nanoseconds(seconds, values["nanos"], present)
        if total is not None:
            return total.view("m8[ns]")
    return _object_column(type_name, values, present, zones)

