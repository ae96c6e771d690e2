"""Cypher's temporal types besides date, and its point (spec §4.3, format 2.2), in Python.

1. Duration and Point, the values with no standard Python type
2. records -> Python objects (values and object table columns), called by the native layer
3. records -> table columns (exact, nanoseconds kept)
4. Python values -> records, for the writers

The native layer hands over and takes the packed records of §4.3 as numpy structured arrays
(localtime a plain int64 of nanoseconds). A datetime's zone field is an index + 1 into a list of
zone names handed along (0: a fixed offset). Ranges are checked by the native writer, whose
errors name the row and the reason. datetime.time and datetime.datetime hold
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


# ---- 4. Python values -> records --------------------------------------------------------------
class Refusal(Exception):
    """A value that cannot be converted: row (in its column or list) and reason, for the writer
    to turn into an InputError naming its attribute."""

    def __init__(self, row, problem):
        super().__init__(problem)
        self.row, self.problem = row, problem


_PER_SECOND = {"ms": 1_000, "us": 1_000_000, "ns": NANOS_PER_SECOND}


def _split_seconds(array):
    """(int64 seconds floored, int64 nanoseconds 0..999999999, NaT mask) of a datetime64 or
    timedelta64 array in any unit from years to nanoseconds, without passing through a
    nanosecond count that could overflow."""
    unit, count = np.datetime_data(array.dtype)
    nat = np.isnat(array)
    if unit in _PER_SECOND:
        ticks = array.view(np.int64).copy()
        ticks[nat] = 0
        per = _PER_SECOND[unit]
        seconds, rest = np.divmod(ticks * count, per)  # a multi-unit count beyond int64 is not met in practice
        return seconds, rest * (NANOS_PER_SECOND // per), nat
    if unit not in ("Y", "M", "W", "D", "h", "m", "s", "generic"):
        raise Refusal(0, f"numpy unit '{unit}' is finer than nanoseconds")
    seconds = array.astype(array.dtype.str[:3] + "[s]").view(np.int64).copy()
    seconds[nat] = 0
    return seconds, np.zeros(len(array), np.int64), nat


def _zone_name(tzinfo):
    """The IANA name of a zone (zoneinfo's key, pytz's zone), None for a fixed offset."""
    if isinstance(tzinfo, datetime.timezone):
        return None
    name = getattr(tzinfo, "key", None) or getattr(tzinfo, "zone", None)
    return name if isinstance(name, str) else None


def _naive_seconds(value):
    """(seconds, nanoseconds) of a naive datetime.datetime (or pandas Timestamp) since 1970."""
    delta = value - _EPOCH
    return delta.days * 86_400 + delta.seconds, delta.microseconds * 1000 + getattr(value, "nanosecond", 0)


def _time_nanos(value):
    nanos = ((value.hour * 60 + value.minute) * 60 + value.second) * NANOS_PER_SECOND + value.microsecond * 1000
    return nanos + getattr(value, "nanosecond", 0)


def _delta_parts(value):
    """(days, seconds, nanoseconds) of a datetime.timedelta, pandas Timedelta or numpy timedelta64."""
    if isinstance(value, np.timedelta64):
        seconds, nanos, nat = _split_seconds(np.array([value]))
        if nat[0]:
            raise ValueError("NaT")
        return 0, int(seconds[0]), int(nanos[0])
    return value.days, value.seconds, value.microseconds * 1000 + getattr(value, "nanoseconds", 0)


def _record(type_name, value, zones):
    """One record as a tuple of DTYPES[type_name]'s fields (datetime: a zone index + 1 into
    `zones`, extended as names come); ValueError or TypeError naming what is wrong."""
    if type_name == "localtime":
        if isinstance(value, datetime.time):
            if value.tzinfo is not None:
                raise ValueError("a time with a zone is a 'time', not a 'localtime'")
            return _time_nanos(value)
        if isinstance(value, (datetime.timedelta, np.timedelta64)):
            days, seconds, nanos = _delta_parts(value)
            return (days * 86_400 + seconds) * NANOS_PER_SECOND + nanos  # out of a day: refused natively
        raise TypeError(f"expected a datetime.time, got {type(value).__name__}")
    if type_name == "time":
        if not isinstance(value, datetime.time):
            raise TypeError(f"expected a datetime.time with a tzinfo, got {type(value).__name__}")
        offset = value.utcoffset()
        if offset is None:
            raise ValueError("a time without a fixed UTC offset; a 'time' needs one (naive times are 'localtime')")
        return (_time_nanos(value), int(offset.total_seconds()))
    if type_name == "localdatetime":
        if isinstance(value, np.datetime64):
            seconds, nanos, _ = _split_seconds(np.array([value]))
            return (int(seconds[0]), int(nanos[0]))
        if not isinstance(value, datetime.datetime):
            raise TypeError(f"expected a datetime.datetime, got {type(value).__name__}")
        if value.tzinfo is not None:
            raise ValueError("a date-time with a zone is a 'datetime', not a 'localdatetime'")
        return _naive_seconds(value)
    if type_name == "datetime":
        if isinstance(value, np.datetime64):  # numpy has no zones: the instant in UTC
            seconds, nanos, _ = _split_seconds(np.array([value]))
            return (int(seconds[0]), int(nanos[0]), 0, 0)
        if not isinstance(value, datetime.datetime):
            raise TypeError(f"expected a datetime.datetime with a tzinfo, got {type(value).__name__}")
        offset = value.utcoffset()
        if offset is None:
            raise ValueError("a date-time without a zone; a 'datetime' needs one (naive date-times are 'localdatetime')")
        offset_seconds = int(offset.total_seconds())
        local_seconds, nanos = _naive_seconds(value.replace(tzinfo=None))
        name = _zone_name(value.tzinfo)
        zone = 0
        if name is not None:
            if name not in zones:
                zones.append(name)
            zone = zones.index(name) + 1
        return (local_seconds - offset_seconds, nanos, offset_seconds, zone)
    if type_name == "duration":
        if isinstance(value, Duration):
            return tuple(int(part) for part in value)
        if isinstance(value, (datetime.timedelta, np.timedelta64)):
            days, seconds, nanos = _delta_parts(value)
            return (0, days, seconds, nanos)
        raise TypeError(f"expected a mmgraph.Duration or datetime.timedelta, got {type(value).__name__}")
    if type_name == "point":
        if not isinstance(value, Point):
            raise TypeError(f"expected a mmgraph.Point, got {type(value).__name__}")
        if value.crs not in _SRIDS:
            raise ValueError(f"crs '{value.crs}' is not one of {', '.join(_SRIDS)}")
        return (_SRIDS[value.crs], float(value.x), float(value.y), 0.0 if value.z is None else float(value.z))
    raise ValueError(f"not a 2.2 type: {type_name}")


def _from_numpy(type_name, array):
    """Records of a datetime64 (localdatetime, datetime as UTC) or timedelta64 (localtime,
    duration) array, whole-array; (records, NaT mask)."""
    kind = array.dtype.kind
    wanted = {"localdatetime": "M", "datetime": "M", "localtime": "m", "duration": "m"}.get(type_name)
    if kind != wanted:
        raise Refusal(0, f"a numpy {array.dtype} array cannot hold '{type_name}' values")
    seconds, nanos, nat = _split_seconds(array)
    records = np.zeros(len(array), DTYPES[type_name])
    if type_name == "localtime":
        records[:] = seconds * NANOS_PER_SECOND + nanos  # out of a day: refused natively
    else:  # a duration's days stay 0: numpy counts one unit
        records["seconds"], records["nanos"] = seconds, nanos
    return records, nat


def _from_pandas_zoned(series):
    """Records of a tz-aware pandas datetime Series: the instant, the offset in effect, the zone."""
    dt = series.dt
    present = ~np.asarray(series.isna(), dtype=bool)
    utc = dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    local = dt.tz_localize(None).to_numpy()
    seconds, nanos, _ = _split_seconds(utc)
    offsets = np.where(present, (local - utc).astype("m8[s]").view(np.int64), 0)
    records = np.zeros(len(series), DTYPES["datetime"])
    records["seconds"], records["nanos"], records["offset"] = seconds, nanos, offsets
    name = _zone_name(dt.tz)
    zones = [name] if name is not None else []
    if zones:
        records["zone"] = np.where(present, 1, 0)
    return records, ~present, zones


def prepare(type_name, array, mask):
    """(records, mask, zones) of a column of a 2.2 type: `array` a numpy array from the writer's
    null split (objects with None for nulls, or datetime64 / timedelta64), or a tz-aware pandas
    Series. Raises Refusal naming the row."""
    if hasattr(array, "dt"):
        records, nulls, zones = _from_pandas_zoned(array)
        return records, nulls if nulls.any() else None, zones
    if array.dtype.kind in "mM":
        records, nat = _from_numpy(type_name, array)
        nulls = nat if mask is None else (mask | nat)
        return records, nulls if nulls.any() else None, []
    records = np.zeros(len(array), DTYPES[type_name])
    zones = []
    for row, value in enumerate(array):
        if mask is not None and mask[row]:
            continue
        try:
            records[row] = _record(type_name, value, zones)
        except (TypeError, ValueError, OverflowError) as error:
            raise Refusal(row, str(error)) from None
    return records, mask, zones


def infer(value):
    """The 2.2 type of one Python value for mmgraph.write's inference, or None: naive or aware
    datetime.time (localtime, time) and datetime.datetime (localdatetime, datetime), timedelta or
    Duration (duration), Point (point)."""
    if isinstance(value, Duration) or isinstance(value, (datetime.timedelta, np.timedelta64)):
        return "duration"
    if isinstance(value, Point):
        return "point"
    if isinstance(value, datetime.datetime):
        return "localdatetime" if value.utcoffset() is None else "datetime"
    if isinstance(value, datetime.time):
        return "localtime" if value.utcoffset() is None else "time"
    return None
