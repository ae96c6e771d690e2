"""Writing: mmgraph.Writer over the native writer, mmgraph.write() from pandas DataFrames and
mmgraph.from_networkx().

Columns are prepared here with whole-array numpy operations (casts, null masks) and added by one
native call each; no Python code runs per row. Nulls are None, pandas NA, masked entries of numpy
masked arrays, and NaN in a nullable float column.
"""

import datetime

import numpy as np

from . import _native, _temporal
from .errors import InputError
from ._optional import require

_NUMERIC = {
    "bool": np.bool_, "int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
    "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64,
    "float32": np.float32, "float64": np.float64,
}


def _is_pandas(values):
    return type(values).__module__.startswith("pandas")


def _split_nulls(values):
    """(numpy array, mask or None) for a column: masked arrays, pandas objects with NA, object arrays with None."""
    if isinstance(values, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(values)
        return values.data, (mask if mask.any() else None)
    if _is_pandas(values):
        pd = require("pandas", "writing a pandas column")
        mask = np.asarray(pd.isna(values), dtype=bool)
        if hasattr(values, "to_numpy"):
            array = values.to_numpy(dtype=object) if mask.any() else values.to_numpy()
        else:
            array = np.asarray(values)
        if mask.any():
            array = array.copy()
            array[mask] = None
        return array, (mask if mask.any() else None)
    array = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if array.dtype == object:
        mask = np.fromiter((v is None for v in array), dtype=bool, count=len(array)) if len(array) else np.zeros(0, bool)
        return array, (mask if mask.any() else None)
    return array, None


# The days since 1970-01-01 a date attribute can hold: the years -999999..+999999 (spec §4.3).
_DATE_MIN_DAYS, _DATE_MAX_DAYS = -365961662, 364522971


def _date_days(values, what, nulls_allowed=True):
    """(int32 days since 1970-01-01, mask or None) of a date column: datetime.date objects,
    numpy datetime64 values or a pandas datetime column. A value with a time of day other than
    midnight, or outside the format's years, is refused."""
    array, mask = _split_nulls(values)
    if len(array) == 0:  # an empty list has no dtype to check
        return np.zeros(0, np.int32), None
    if array.dtype == object:
        items = []
        for row, value in enumerate(array):
            if mask is not None and mask[row]:
                items.append(np.datetime64("NaT", "D"))
            elif isinstance(value, (datetime.date, np.datetime64)):
                items.append(np.datetime64(value))
            else:
                raise _refused(what, f"expected a date (datetime.date or numpy.datetime64), got {type(value).__name__}", row)
        array = np.array(items) if items else np.zeros(0, "M8[D]")
    if array.dtype.kind != "M":
        raise InputError(f"{what}: expected dates (datetime.date or numpy datetime64), got {array.dtype}")
    nat = np.isnat(array)
    if nat.any():
        if not nulls_allowed:
            raise _refused(what, "a list item is null", int(np.argmax(nat)))
        mask = nat if mask is None else (mask | nat)
    days = array.astype("M8[D]")
    partial = (days != array) & ~nat
    if partial.any():
        row = int(np.argmax(partial))
        raise _refused(what, f"{array[row]} has a time of day; a date holds whole days", row)
    counts = days.astype(np.int64)
    outside = ((counts < _DATE_MIN_DAYS) | (counts > _DATE_MAX_DAYS)) & ~nat
    if outside.any():
        row = int(np.argmax(outside))
        raise _refused(what, f"{days[row]} is outside the years -999999 to +999999", row)
    counts[nat] = 0
    return counts.astype(np.int32), mask


def _date_lists(values, what):
    """A date[] column: each list as int32 day counts (None for a null list)."""
    return [None if item is None else _date_days(item, f"{what} row {row}", nulls_allowed=False)[0]
            for row, item in enumerate(_objects(values))]


def _temporal_records(type_name, values, what, nulls_allowed=True):
    """(records, mask) of a column of a 2.2 type, as columns.hpp takes them: a datetime's records
    come with their zone names, (records, names)."""
    if _is_pandas(values) and getattr(getattr(values, "dtype", None), "tz", None) is not None:
        # tz-aware: converted whole, zone and all, through the Series' .dt accessor
        array = values if hasattr(values, "dt") else require("pandas", "writing a pandas column").Series(values)
        mask = None
    elif not isinstance(values, np.ndarray) and not _is_pandas(values):
        # One by one: numpy would turn a sequence of Duration or Point tuples into a 2-d array.
        items = np.empty(len(values), dtype=object)
        for row, value in enumerate(values):
            items[row] = value
        array, mask = _split_nulls(items)
    else:
        array, mask = _split_nulls(values)
    try:
        records, mask, zones = _temporal.prepare(type_name, array, mask)
    except _temporal.Refusal as refusal:
        raise _refused(what, refusal.problem, refusal.row) from None
    if mask is not None and not nulls_allowed:
        raise _refused(what, "a list item is null", int(np.argmax(mask)))
    return ((records, zones) if type_name == "datetime" else records), mask


def _temporal_lists(values, type_name, what):
    """A list column of a 2.2 type: each list as its records (None for a null list)."""
    return [None if item is None else _temporal_records(type_name, item, f"{what} row {row}", nulls_allowed=False)[0]
            for row, item in enumerate(_objects(values))]


def _refused(what, problem, row):
    """InputError about one row of a column, with the row in ``.row`` as the native writer sets it."""
    error = InputError(f"{what} row {row}: {problem}")
    error.row = int(row)
    return error


def _unconvertible_row(array, convert):
    for row, value in enumerate(array):
        try:
            convert(value)
        except (TypeError, ValueError, OverflowError):
            return row
    return None


def _cast(array, mask, dtype, what):
    """array as dtype, refusing values that would change (out of range, fractional, not bool);
    the error names the first row refused."""
    target = np.dtype(dtype)
    if mask is not None:
        array = array.copy() if array.dtype != object else array
        filler = False if target.kind == "b" else 0
        array = np.where(mask, filler, array)
    if array.dtype == object:
        wide = np.float64 if target.kind == "f" else np.int64 if target.kind == "i" else np.uint64 if target.kind == "u" else bool
        try:
            array = array.astype(wide)
        except (TypeError, ValueError, OverflowError) as error:
            row = _unconvertible_row(array, lambda value: np.array([value]).astype(wide))
            if row is None:
                raise InputError(f"{what}: values do not convert to {target.name}: {error}") from None
            raise _refused(what, f"{array[row]!r} does not convert to {target.name}", row) from None
    if array.ndim != 1:
        raise InputError(f"{what}: a column must be one-dimensional")
    if target.kind == "b":
        if array.dtype.kind != "b":
            if array.dtype.kind in "iuf" and np.isin(array, (0, 1)).all():
                return array.astype(bool)
            raise InputError(f"{what}: expected bool values, got {array.dtype}")
        return np.ascontiguousarray(array)
    if target.kind in "iu":
        if array.dtype.kind == "f":
            integral = np.isfinite(array) & (np.floor(array) == array)
            if not integral.all():
                row = int(np.argmin(integral))
                raise _refused(what, f"{array[row]} is not an integer, as {target.name} needs", row)
        elif array.dtype.kind not in "iub":
            raise InputError(f"{what}: expected integers, got {array.dtype}")
        if len(array):
            info = np.iinfo(target)
            low, high = array.min(), array.max()
            if low < info.min or high > info.max:
                row = int(np.argmax((array < info.min) | (array > info.max)))
                raise _refused(what, f"{array[row]} does not fit {target.name} (values from {low} to {high})", row)
    elif target.kind == "f" and array.dtype.kind not in "iuf":
        raise InputError(f"{what}: expected numbers, got {array.dtype}")
    return np.ascontiguousarray(array.astype(target, copy=False))


def _objects(values):
    """A sequence of Python objects with None for nulls (the native side reads it item by item)."""
    if isinstance(values, np.ma.MaskedArray):
        items = values.data.astype(object)
        items[np.ma.getmaskarray(values)] = None
        return items
    if _is_pandas(values):
        pd = require("pandas", "writing a pandas column")
        mask = np.asarray(pd.isna(values), dtype=bool) if len(values) else np.zeros(0, bool)
        items = list(values)
        for row in np.flatnonzero(mask):
            items[row] = None
        return items
    if isinstance(values, np.ndarray):
        return values.tolist() if values.dtype != object else values
    return values if isinstance(values, (list, tuple)) else list(values)


def _keys(values, int_keys, what):
    array, mask = _split_nulls(values)
    if mask is not None:
        raise InputError(f"{what}: {int(mask.sum())} null keys (first at row {int(np.argmax(mask))})")
    if int_keys:
        return _cast(array, None, np.int64, what)
    if array.dtype.kind == "U":
        return array.tolist()
    if len(array) == 0:  # no key to check; an empty column's dtype says nothing (pandas makes it float64)
        return []
    if array.dtype != object:
        raise InputError(f"{what}: string keys must be str, got {array.dtype}")
    return array


def _places(values, rows, what):
    """A vertex_ref column resolved, as ShardWriter takes it: (shards, indices) or (shards,
    indices, mask), each part a whole column; nulls are masked entries of either part, or True in
    the mask."""
    if not isinstance(values, (tuple, list)) or len(values) not in (2, 3) or any(np.ndim(part) != 1 for part in values[:2]):
        raise InputError(f"{what}: a ShardWriter takes vertex references resolved, as a pair of columns (shards, indices) "
                         "with an optional null mask (shards, indices, mask)")
    (shards, shard_nulls), (indices, index_nulls) = (_split_nulls(part) for part in values[:2])
    given = None if len(values) < 3 or values[2] is None else np.asarray(values[2], dtype=bool)
    for part_name, part in (("shards", shards), ("indices", indices), ("mask", given)):
        if part is not None and len(part) != rows:
            raise InputError(f"{what}: {len(part)} {part_name} for {rows} rows")
    masks = [mask for mask in (shard_nulls, index_nulls, given) if mask is not None]
    mask = np.logical_or.reduce(masks) if masks else None
    if mask is not None and not mask.any():
        mask = None
    return ("place", (_cast(shards, mask, np.uint16, f"{what} shards"), _cast(indices, mask, np.uint32, f"{what} indices")), mask)


def _prepare(values, name, type_name, nullable, rows, int_keys, owner, resolved_refs=False):
    """One column prepared for the native half (python/src/columns.hpp); ``resolved_refs``: vertex
    references come resolved to (shard, local index), as ShardWriter takes them."""
    what = f"{owner} attribute '{name}'"
    if values is None:
        return None
    if resolved_refs and type_name == "vertex_ref":
        return _places(values, rows, what)
    if len(values) != rows:
        raise InputError(f"{what}: {len(values)} values for {rows} rows")
    if type_name == "date":
        return ("fixed",) + _date_days(values, what)
    if type_name == "date[]":
        return ("list", _date_lists(values, what), None)
    if type_name in _temporal.DTYPES:
        return ("fixed",) + _temporal_records(type_name, values, what)
    if type_name.endswith("[]") and type_name[:-2] in _temporal.DTYPES:
        return ("list", _temporal_lists(values, type_name[:-2], what), None)
    if type_name.endswith("[]"):
        return ("place_list" if resolved_refs and type_name == "vertex_ref[]" else "list", _objects(values), None)
    if type_name in _NUMERIC:
        array, mask = _split_nulls(values)
        if nullable and type_name.startswith("float") and array.dtype.kind == "f":
            nan = np.isnan(array)
            if nan.any():
                mask = nan if mask is None else (mask | nan)
        return ("fixed", _cast(array, mask, _NUMERIC[type_name], what), mask)
    if type_name in ("string", "bytes"):
        return ("text", _objects(values), None)
    if type_name == "vertex_ref":
        array, mask = _split_nulls(values)
        if int_keys:
            return ("ref", _cast(array, mask, np.int64, what), mask)
        return ("ref", _objects(values), mask)
    raise InputError(f"{what}: unknown type '{type_name}'")


def _indices(values, dtype, what):
    """A column of vertex indices, shard ids or ordinals as a contiguous array of dtype, range-checked."""
    array, mask = _split_nulls(values)
    if mask is not None:
        raise InputError(f"{what}: {int(mask.sum())} nulls (first at row {int(np.argmax(mask))})")
    return _cast(array, None, dtype, what)


class _ColumnWriter:
    """What Writer and ShardWriter share: their columns prepared with numpy for the native half,
    which declares the schema (_schema) and knows the key type (_int_keys). ``_resolved_refs``:
    vertex references come resolved to (shard, local index), not as keys."""

    _resolved_refs = False

    def _vertex_columns(self, label, keys, columns):
        """(keys, prepared columns) of an add_vertices call; ``label`` a name or a tuple of names."""
        columns = dict(columns or {})
        schema = self._schema("label", label)
        owner = _table_name(label)
        keys = _keys(keys, self._int_keys, f"{owner} keys")
        return keys, self._prepare_all(schema, columns, len(keys), owner)

    def _edge_columns(self, type, properties, rows):  # noqa: A002
        """The prepared property columns of an edge call with ``rows`` rows."""
        return self._prepare_all(self._schema("edge type", type), dict(properties or {}), rows, f"edge type '{type}'")

    def _prepare_all(self, schema, columns, rows, owner):
        known = {name for name, _, _ in schema}
        unknown = sorted(set(columns) - known)
        if unknown:
            raise InputError(f"{owner}: no attribute named {', '.join(map(repr, unknown))}")
        return [
            _prepare(columns.get(name), name, type_name, nullable, rows, self._int_keys, owner, self._resolved_refs)
            for name, type_name, nullable in schema
        ]

    def _schema(self, kind, name):
        if kind == "label" and isinstance(name, tuple):
            return self._label_set_schema(list(name))
        return super()._schema("label" if kind == "label" else "edge type", name)


def _table_name(label):
    """How errors name a vertex table: "label 'A'", or "labels ('A', 'B')" for a label set."""
    if isinstance(label, tuple):
        return f"labels ({', '.join(repr(name) for name in label)})" if len(label) != 1 else f"label '{label[0]}'"
    return f"label '{label}'"


class Writer(_ColumnWriter, _native.Writer):
    """Builds an mmgraph file (or a dataset of ``shards`` files) from whole columns.

    ``key_type`` is "string" or "int"; ``threads`` encode workers (0: one per core);
    ``store_in_edges`` keeps the in-edges so that the in direction is read directly.
    Declare labels and edge types, add vertices and then edges, then ``finish(path)``, which
    returns the write statistics (files, vertices, edges, bytes, timings). A failed ``finish``
    leaves no file at ``path``; a Writer is used once.

    ``add_label(name, attributes)`` and ``add_edge_type(name, properties)`` take
    ``{"name": "string", "born": ("int16", True)}``: type names as spec §4.3 ("bool", "int8" ...
    "uint64", "float32", "float64", "string", "bytes", "vertex_ref", "date", lists such as "int32[]"),
    and ``True`` for a nullable attribute.
    """

    def add_vertices(self, label, keys, columns=None, *, space=None):
        """Adds one vertex per key with ``label``, a label's name or a tuple of names (every row then
        carries exactly those labels, spec §6.6); ``columns`` maps attribute names to whole columns
        (numpy arrays, pandas Series, masked arrays or sequences) of the same length. The attributes
        of a tuple are its labels' together, each name once (``_schema("label", labels)`` lists
        them). Attributes left out are null. ``space`` names the ID space of the keys (declared with
        ``add_id_space``), None the default. vertex_ref columns hold the keys of the referenced
        vertices, in the default space. All rows are added or none: a refused row raises with its
        number in ``.row``."""
        if isinstance(label, list):
            label = tuple(label)
        labels = list(label) if isinstance(label, tuple) else label
        self._add_vertices(labels, *self._vertex_columns(label, keys, columns), space)

    def add_edges(self, type, sources, targets, properties=None, *, source_space=None, target_space=None):  # noqa: A002
        """Adds one edge per row from ``sources[i]`` to ``targets[i]`` (vertex keys, all added
        before, in the ID spaces ``source_space`` and ``target_space``, None for the default);
        ``properties`` maps property names to whole columns as in add_vertices(). The endpoints
        resolve in one batch lookup; all rows are added or none (except after an I/O error while
        staged edges spill to disk)."""
        owner = f"edge type '{type}'"
        self._schema("edge type", type)  # an unknown type is named before its columns are read
        sources = _keys(sources, self._int_keys, f"{owner} sources")
        targets = _keys(targets, self._int_keys, f"{owner} targets")
        if len(sources) != len(targets):
            raise InputError(f"{owner}: {len(sources)} sources but {len(targets)} targets")
        self._add_edges(type, sources, targets, self._edge_columns(type, properties, len(sources)), source_space, target_space)


class ShardWriter(_ColumnWriter, _native.ShardWriter):
    """Writes one shard of a ``len(shard_sizes)``-shard dataset from references already resolved to
    (shard, local index): spec §10.1, for a build that encodes each shard in a task of its own.
    Fed as §10.1 says, the sealed file is byte-identical to that shard of :class:`Writer` (shards=K).

    ``shard_sizes`` holds every shard's vertex count (phase 1: place vertices with
    :func:`shards_of`; a vertex's local index is its rank in input order within its shard).
    Declare the same labels, edge types and ID spaces as every other shard (attribute specs as
    Writer's), and in phase 1 the dataset's label sets (:meth:`declare_label_set`) and datetime
    zone names (``declare_zone_names``, in order of first use), add the shard's vertices in local order, its out-edges in input order and the in-edges from
    other shards (any order), then ``finish(path)`` writes the file and returns its summary for
    :func:`dataset_id_of`.

    Columns are as :meth:`Writer.add_vertices` takes them, except for vertex references, which
    come resolved (phase 2) like edge endpoints, never as keys:

    - a ``vertex_ref`` column is a pair ``(shards, indices)`` of whole columns of equal length
      (uint16 shard ids, uint32 local indices; numpy arrays, pandas Series or sequences), or
      ``(shards, indices, mask)``; a row is null where either part is masked (numpy masked
      arrays, pandas NA, None) or the mask is True;
    - a ``vertex_ref[]`` column holds one value per row: None, or a pair ``(shards, indices)``
      of integer sequences of equal length (an empty pair for an empty list).

    Every reference is checked against ``shard_sizes``; one past its shard raises InputError
    naming the attribute and the row.
    ``dataset_id`` (16 bytes), when known, goes into the header at once; otherwise
    :func:`seal_shard` writes it later. Each add call takes all its rows or none and raises with
    the refused row in ``.row`` (except after an I/O error while staged edges spill to disk).
    """

    _resolved_refs = True

    def __init__(self, shard, shard_sizes, *, key_type="string", threads=0, store_in_edges=True, temp_directory="",
                 dataset_id=None):
        sizes = _indices(shard_sizes, np.uint32, "ShardWriter shard_sizes").tolist()
        super().__init__(int(shard), sizes, key_type, threads, store_in_edges, str(temp_directory),
                         None if dataset_id is None else bytes(dataset_id))

    def declare_label_set(self, labels):
        """Phase 1 (spec §10.1): a tuple of two or more labels that some vertex of the dataset
        has, in any shard; every shard declares every such set before its first vertex."""
        self._declare_label_set(list(labels))

    def add_vertices(self, label, keys, columns=None, *, space=None):
        """Adds the next vertices of this shard, in local order, with ``label`` (a name, or a
        tuple of names: a declared label set whose attributes are its labels', each name once);
        their keys, in ID space ``space`` (a name from :meth:`add_id_space`, None for the
        default), must belong to this shard. ``columns`` as in :meth:`Writer.add_vertices`,
        vertex references resolved (see the class)."""
        labels = [label] if isinstance(label, str) else list(label)
        schema = self._schema("label", labels[0]) if len(labels) == 1 else self._label_set_schema(labels)
        owner = f"label '{labels[0]}'" if len(labels) == 1 else "labels " + ", ".join(f"'{name}'" for name in labels)
        keys = _keys(keys, self._int_keys, f"{owner} keys")
        self._add_vertices(labels, keys, self._prepare_all(schema, dict(columns or {}), len(keys), owner), space)

    def add_out_edges(self, type, sources, target_shards, target_indices, properties=None):  # noqa: A002
        """Adds edges of ``type`` from local vertices ``sources[i]`` to vertex ``target_indices[i]``
        of shard ``target_shards[i]``, in input order; ``properties`` as in :meth:`Writer.add_edges`,
        vertex references resolved (see the class)."""
        owner = f"edge type '{type}'"
        self._schema("edge type", type)
        sources = _indices(sources, np.uint32, f"{owner} sources")
        target_shards = _indices(target_shards, np.uint16, f"{owner} target_shards")
        target_indices = _indices(target_indices, np.uint32, f"{owner} target_indices")
        _same_lengths(owner, sources=sources, target_shards=target_shards, target_indices=target_indices)
        self._add_out_edges(type, sources, target_shards, target_indices, self._edge_columns(type, properties, len(sources)))

    def add_in_edges(self, type, targets, source_shards, source_indices, ordinals=None):  # noqa: A002
        """Adds edges of ``type`` from vertex ``source_indices[i]`` of another shard
        ``source_shards[i]`` to local vertices ``targets[i]``, in any order, with their ordinals from
        :func:`out_edge_ordinals` in the source shard (None: zeros, for a type without properties)."""
        owner = f"edge type '{type}'"
        self._schema("edge type", type)
        targets = _indices(targets, np.uint32, f"{owner} targets")
        source_shards = _indices(source_shards, np.uint16, f"{owner} source_shards")
        source_indices = _indices(source_indices, np.uint32, f"{owner} source_indices")
        columns = {"targets": targets, "source_shards": source_shards, "source_indices": source_indices}
        if ordinals is not None:
            ordinals = columns["ordinals"] = _indices(ordinals, np.uint64, f"{owner} ordinals")
        _same_lengths(owner, **columns)
        self._add_in_edges(type, targets, source_shards, source_indices, ordinals)


def _same_lengths(owner, **columns):
    lengths = {name: len(column) for name, column in columns.items()}
    if len(set(lengths.values())) > 1:
        raise InputError(f"{owner}: columns of different lengths ({', '.join(f'{n} {k}' for n, k in lengths.items())})")


def out_edge_ordinals(sources, target_shards, target_indices, types):
    """Phase 3 of spec §10.1 for one shard: the ordinal of each of its out-edges (as
    :meth:`ShardWriter.add_out_edges` takes them, in input order; ``types`` the edge type ids
    add_edge_type returned): its rank among the shard's out-edges of its type in stored order.
    Returns a uint32 array."""
    what = "out_edge_ordinals"
    columns = {
        "sources": _indices(sources, np.uint32, f"{what} sources"),
        "target_shards": _indices(target_shards, np.uint16, f"{what} target_shards"),
        "target_indices": _indices(target_indices, np.uint32, f"{what} target_indices"),
        "types": _indices(types, np.uint32, f"{what} types"),
    }
    _same_lengths(what, **columns)
    return _native._out_edge_ordinals(*columns.values())


def shards_of(keys, shard_count, space=0):
    """:func:`shard_of` of many keys: a uint16 array. ``keys`` are ints (an int64 numpy array is
    hashed without the GIL) or a sequence of str; ``space`` the id of their ID space (spec §8.1:
    the hash is seeded with it; 0 is the default space)."""
    if _is_pandas(keys):
        keys = keys.to_numpy()
    if isinstance(keys, np.ndarray):
        if keys.dtype.kind == "U":
            keys = keys.tolist()
        elif keys.dtype.kind != "O":
            keys = _cast(keys, None, np.int64, "shards_of keys")
    elif not isinstance(keys, (list, tuple)):
        keys = list(keys)
    if not isinstance(keys, np.ndarray) and len(keys) and isinstance(keys[0], (int, np.integer)) and not isinstance(keys[0], bool):
        keys = _cast(np.asarray(keys), None, np.int64, "shards_of keys")
    return _native._shards_of(keys, int(shard_count), int(space))


def _infer_type(series, name, owner):
    """(type name, nullable) of a pandas column, from its dtype and, for object columns, its first value."""
    pd = require("pandas", "mmgraph.write()")
    dtype = series.dtype
    nullable = bool(series.isna().any()) or isinstance(dtype, pd.api.extensions.ExtensionDtype) and not isinstance(
        dtype, pd.CategoricalDtype
    )
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    if isinstance(dtype, pd.StringDtype):
        return "string", nullable
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        # pandas turns datetime.datetime objects into such a column too: whole days stay dates
        # (as before 2.2), anything with a time of day is a localdatetime.
        values = series.to_numpy()
        whole_days = (np.isnat(values) | (values.astype("M8[D]") == values)).all()
        return ("date" if whole_days else "localdatetime"), nullable
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "datetime", nullable
    if isinstance(dtype, np.dtype) and dtype.kind == "m":
        return "duration", nullable
    numpy_dtype = getattr(dtype, "numpy_dtype", dtype)
    if isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "biuf":
        name_of = "bool" if numpy_dtype.kind == "b" else numpy_dtype.name
        if name_of in _NUMERIC:
            return name_of, nullable
    if isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind == "U":
        return "string", nullable
    if numpy_dtype == object:
        present = series.dropna()
        if len(present) == 0:
            raise InputError(f"{owner} column '{name}': all null, its type cannot be inferred; give it in types=")
        first = present.iloc[0]
        if isinstance(first, str):
            return "string", nullable
        if _temporal.infer(first):  # before tuples: Duration and Point are NamedTuples
            return _temporal.infer(first), nullable
        if isinstance(first, datetime.date) and not isinstance(first, datetime.datetime):
            return "date", nullable
        if isinstance(first, np.ndarray) and first.dtype.kind == "M":
            return "date[]", nullable
        if isinstance(first, np.ndarray) and first.dtype.kind == "m":
            return "duration[]", nullable
        if isinstance(first, (bytes, bytearray, memoryview)):
            return "bytes", nullable
        if isinstance(first, np.ndarray) and first.dtype.name in _NUMERIC:
            return first.dtype.name + "[]", nullable
        if isinstance(first, (list, tuple, np.ndarray)):
            items = [item for value in present.iloc[:100] for item in value]
            kinds = {_temporal.infer(item) for item in items}
            if items and len(kinds) == 1 and None not in kinds:
                return kinds.pop() + "[]", nullable
            if items and all(isinstance(item, str) for item in items):
                return "string[]", nullable
            if items and all(isinstance(item, (bytes, bytearray)) for item in items):
                return "bytes[]", nullable
            array = np.asarray(items) if items else np.zeros(0, np.int64)
            if array.dtype.kind in "biuf":
                return ("bool" if array.dtype.kind == "b" else array.dtype.name) + "[]", nullable
    raise InputError(f"{owner} column '{name}': cannot map dtype {series.dtype} to an attribute type; give it in types=")


def _labels_of(table):
    """The labels of a vertex table's key: a name, or a tuple of names (a label set)."""
    return table if isinstance(table, tuple) else (table,)


def _label_schemas(vertices, types, key, infer):
    """{label: {attribute: (type name, nullable)}} of write()'s vertex tables: each column's
    given or inferred type, combined by _label_attributes."""
    tables = []
    for table, frame in vertices.items():
        given = types.get(table, {})
        tables.append((table, {column: given.get(column) or infer(frame[column], column, _table_name(table))
                               for column in frame.columns if column != key}))
    return _label_attributes(tables)


def _label_attributes(tables):
    """{label: {attribute: (type name, nullable)}}, labels and attributes in order of first
    appearance, from [(table key, {column: type name or (type name, nullable)})] in table order.
    A label's attributes are the columns of every table whose key includes it; a column some of
    those tables lack is null in their rows, so it is nullable. Labels that share a table share
    their records' layout (spec §6.6), so an attribute name they both have gets one type and one
    nullability: nullable if it is for either. mmgraph.write and the Dask writer both use this
    rule, so that they declare the same schema."""
    declared, where = {}, {}
    for table, columns in tables:
        for column, spec in columns.items():
            spec = (spec, False) if isinstance(spec, str) else (spec[0], bool(spec[1]))
            for label in _labels_of(table):
                attributes = declared.setdefault(label, {})
                if column in attributes and attributes[column][0] != spec[0]:
                    raise InputError(f"{_table_name(table)} column '{column}': type {spec[0]}, but "
                                     f"{_table_name(where[label, column])} gives label '{label}' this attribute "
                                     f"as {attributes[column][0]}")
                attributes[column] = (spec[0], attributes.get(column, spec)[1] or spec[1])
                where.setdefault((label, column), table)
        for label in _labels_of(table):
            declared.setdefault(label, {})
    for table, columns in tables:
        for label in _labels_of(table):
            for column, (type_name, _) in declared[label].items():
                if column not in columns:
                    declared[label][column] = (type_name, True)
    # Within a table's labels, one name is nullable for all if for one; repeated until settled,
    # since a label may share tables with several others.
    changed = True
    while changed:
        changed = False
        for table, _ in tables:
            labels = _labels_of(table)
            for column in {c for label in labels for c in declared[label]}:
                specs = [declared[label][column] for label in labels if column in declared[label]]
                if any(nullable for _, nullable in specs) and not all(nullable for _, nullable in specs):
                    for label in labels:
                        if column in declared[label]:
                            declared[label][column] = (declared[label][column][0], True)
                    changed = True
                if len({type_name for type_name, _ in specs}) > 1:
                    raise InputError(f"{_table_name(table)} column '{column}': its labels declare it with the types "
                                     f"{', '.join(sorted({t for t, _ in specs}))}; a vertex cannot carry both")
    return declared


def _space_names(vertices, spaces, endpoint_spaces):
    """The ID spaces to declare, in order of first use by the vertex tables; an unknown table or
    an endpoint space no vertex table uses is refused."""
    names = []
    for table, space in spaces.items():
        if table not in vertices:
            raise InputError(f"spaces: {_table_name(table)} is not a vertex table")
    for table in vertices:
        space = spaces.get(table)
        if space is not None and space not in names:
            names.append(space)
    for edge_type, ends in endpoint_spaces.items():
        if not isinstance(ends, (tuple, list)) or len(ends) != 2:
            raise InputError(f"endpoint_spaces: edge type '{edge_type}': expected (source space, target space)")
        for end, space in zip(("source", "target"), ends):
            if space is not None and space not in names:
                raise InputError(f"endpoint_spaces: edge type '{edge_type}': {end} space '{space}' holds no vertex table")
    return names


def write(path, vertices=None, edges=None, *, key="key", source="source", target="target", types=None, spaces=None,
          endpoint_spaces=None, **options):
    """Writes pandas DataFrames to an mmgraph file and returns the write statistics.

    ``vertices`` maps each label to a DataFrame with a key column (``key``) and one column per
    attribute; a tuple of labels as the key gives every row of its DataFrame exactly those labels
    (spec §6.6). A label's attributes are the union of the columns of every table whose key
    includes it, in order of first appearance; a table that lacks one of them leaves it null in
    its rows, so it is then nullable. ``edges`` maps each edge type to a DataFrame with
    ``source`` and ``target`` key columns and one column per property. Attribute types come from
    the dtypes (int8 ... uint64, float32/64, bool, string/object str, bytes, lists) and a column is
    nullable when it has nulls or a nullable pandas dtype; ``types={table (label or tuple) or edge
    type: {column: "int16" or ("int16", True)}}`` overrides.

    ``spaces={table: "Movie-ID"}`` puts that table's keys in a named ID space (spec §8.1; the
    default space otherwise), and ``endpoint_spaces={edge type: ("Actor-ID", "Movie-ID")}`` gives
    the spaces of an edge table's sources and targets (None for the default). The spaces are
    declared in the order the vertex tables first use them.

    ``options`` go to :class:`Writer` (key_type, threads, shards, store_in_edges); key_type
    defaults to "int" when the first table's keys are integers. Errors are InputError naming the
    table and column or row; nothing is left at ``path`` when writing fails.
    """
    pd = require("pandas", "mmgraph.write()")
    vertices = {tuple(t) if isinstance(t, list) else t: frame for t, frame in dict(vertices or {}).items()}
    edges = dict(edges or {})
    types = dict(types or {})
    spaces = dict(spaces or {})
    endpoint_spaces = dict(endpoint_spaces or {})
    for table, frame in vertices.items():
        if key not in frame.columns:
            raise InputError(f"{_table_name(table)}: no key column '{key}'")
    if "key_type" not in options:
        first = next(iter(vertices.values()), None)
        integer = first is not None and pd.api.types.is_integer_dtype(first[key].dtype)
        options["key_type"] = "int" if integer else "string"
    writer = Writer(**options)

    def schema(frame, skip, owner_name, owner):
        given = types.get(owner_name, {})
        declared = {}
        for column in frame.columns:
            if column in skip:
                continue
            declared[column] = given.get(column) or _infer_type(frame[column], column, owner)
        return declared

    for label, attributes in _label_schemas(vertices, types, key, _infer_type).items():
        writer.add_label(label, attributes)
    for edge_type, frame in edges.items():
        for column in (source, target):
            if column not in frame.columns:
                raise InputError(f"edge type '{edge_type}': no column '{column}'")
        writer.add_edge_type(edge_type, schema(frame, {source, target}, edge_type, f"edge type '{edge_type}'"))
    for space in _space_names(vertices, spaces, endpoint_spaces):
        writer.add_id_space(space)
    for table, frame in vertices.items():
        writer.add_vertices(table, frame[key], {c: frame[c] for c in frame.columns if c != key}, space=spaces.get(table))
    for edge_type, frame in edges.items():
        source_space, target_space = endpoint_spaces.get(edge_type, (None, None))
        writer.add_edges(edge_type, frame[source], frame[target],
                         {c: frame[c] for c in frame.columns if c not in (source, target)},
                         source_space=source_space, target_space=target_space)
    return writer.finish(str(path))


def from_networkx(graph, path, *, label="vertex", edge_type="edge", label_attribute="label",
                  type_attribute="type", types=None, **options):
    """Writes a networkx graph. Node keys are the nodes themselves when all are ints, else their
    str(); a node's ``label_attribute`` picks its label (default ``label``) and an edge's
    ``type_attribute`` its edge type (default ``edge_type``); other data become attributes with
    types inferred as in :func:`write`. Each edge is written once, in the direction networkx lists it."""
    pd = require("pandas", "mmgraph.from_networkx()")
    nodes = list(graph.nodes(data=True))
    int_keys = all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n, _ in nodes)
    as_key = (lambda n: int(n)) if int_keys else str
    by_label = {}
    for node, data in nodes:
        row = {k: v for k, v in data.items() if k != label_attribute}
        row["key"] = as_key(node)
        by_label.setdefault(data.get(label_attribute, label), []).append(row)
    by_type = {}
    for u, v, data in graph.edges(data=True):
        row = {k: w for k, w in data.items() if k != type_attribute}
        row["source"], row["target"] = as_key(u), as_key(v)
        by_type.setdefault(data.get(type_attribute, edge_type), []).append(row)

    def frame(rows, first):
        df = pd.DataFrame(rows)
        ordered = first + [c for c in df.columns if c not in first]
        return df[ordered].convert_dtypes(convert_string=True, convert_integer=True, convert_boolean=True, convert_floating=True)

    options.setdefault("key_type", "int" if int_keys else "string")
    return write(path,
                 vertices={name: frame(rows, ["key"]) for name, rows in by_label.items()},
                 edges={name: frame(rows, ["source", "target"]) for name, rows in by_type.items()},
                 types=types, **options)
