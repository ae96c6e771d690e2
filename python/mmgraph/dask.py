"""mmgraph.dask: a K-shard dataset built by Dask, one task per shard file.

``write_dataset(path, vertices, edges, shards=K)`` takes the same ``{label: frame}`` and
``{edge type: frame}`` mappings as :func:`mmgraph.write`, with Dask DataFrames, and writes the
dataset that ``mmgraph.write(..., shards=K)`` writes from the same rows in the same order: the
input order of a Dask DataFrame is (partition number, row), labels and edge types in mapping
order. It runs on the active ``distributed.Client`` when there is one, else on Dask's local
scheduler.

The build follows spec §10.1 in three passes, the edges in waves of shards so that the memory a
worker needs shrinks as K grows. No task and no client-side step holds the whole graph or a
whole-graph key table; each phase is a named layer of tasks, so the dashboard and progress bars
show it by name:

``mmgraph-survey``
    one task per input partition: its row count per shard and its column types (the client
    gathers these small tables: shard sizes, local index offsets, the schema).

The vertex pass (vertices are few beside the edges; it runs once):

``mmgraph-place``
    vertices get (shard, local index); a Dask shuffle moves every vertex to its shard's
    partition.
``mmgraph-keys``
    per shard, the table key -> local index of its vertices, checked for duplicate keys. These
    tables stay in the cluster (persisted) until every edge has resolved.
``mmgraph-references`` / ``mmgraph-resolve-references``
    vertex_ref and vertex_ref[] attributes: one row per reference goes to the shard of the key it
    names, resolves there against the key table and comes back to its owner's shard.
``mmgraph-write-vertices``
    per shard, its vertex rows in local order with their resolved references, to its exchange
    file.

Pass A, once per wave of source shards (``wave_shards`` shards, by default one per worker):
every input partition of every edge type is read again and only the edges whose source lies in
the wave go on, so only one wave's edges are in the cluster at a time.

``mmgraph-place``
    the wave's edges get their endpoints' shards and input positions; a shuffle moves each to
    its target's shard.
``mmgraph-resolve-target`` / ``mmgraph-resolve-source``
    per shard, a join of the edges routed there with the shard's key table: first the targets;
    then a shuffle moves each edge to its source's shard, where the sources resolve. Edge
    properties that are vertex references resolve as the vertices' do, within the wave.
``mmgraph-number``
    per source shard, its out-edges in input order and their ordinals (their rows in its
    property tables).
``mmgraph-write-edges``
    per source shard, its out-edges (every column the encoder needs) to one exchange file, and
    those that end in another shard, as in-edges (target, source, ordinal) sorted by target
    shard, to another with an index of each target shard's run.

Pass B, in waves of the same size:

``mmgraph-encode``
    per shard, one mmgraph.ShardWriter reads the shard's vertex and out-edge files and its run
    of every other shard's in-edge file, writes the shard file under a temporary name and
    removes the exchange files only it reads.

The exchange files live in a directory beside the output (``.NAME.build-TOKEN.exchange``), on
the storage that a cluster build already needs every worker to share; they take about 30 bytes
per edge (18 for an out-edge, 12 more when it crosses shards) plus its properties. The client
then settles the dataset id from every shard's section checksums, seals each file and renames
all K to their final names. A failed task, a killed worker or a bad row leaves no file at the
final names, no temporaries and no exchange files. Every vertex partition is read twice (survey,
then place) and every edge partition once plus once per wave (ceil(K / wave_shards) waves):
persist() inputs that are expensive to compute.
"""

import os
import pathlib
import pickle
import re
import shutil
import uuid

import numpy as np

from . import _native
from ._optional import require
from ._writing import (ShardWriter, _infer_type, _keys, _label_attributes, _space_names, _table_name, _temporal_lists,
                       _temporal_records, out_edge_ordinals, shards_of)
from .errors import Error, InputError

__all__ = ["write_dataset"]

_POSITION_BITS = 32  # an input position is (partition << 32) | row


def write_dataset(path, vertices, edges=None, *, shards, key="key", source="source", target="target", types=None,
                  key_type=None, store_in_edges=True, threads=1, progress=False, spaces=None, endpoint_spaces=None,
                  wave_shards=None):
    """Writes a K-shard dataset (``shards=K``) from Dask DataFrames and returns its statistics
    (files, vertices, edges, bytes, dataset_id, shard summaries).

    ``vertices``/``edges``, ``key``/``source``/``target``, ``types``, ``spaces`` and
    ``endpoint_spaces`` are as in :func:`mmgraph.write` (pandas DataFrames are taken as one
    partition): a ``vertices`` key is a label or a tuple of labels, whose rows carry exactly those
    labels; a label's attributes are the columns of every table that carries it (null where a
    table lacks one); ``spaces={label or tuple: "Movie-ID"}`` puts a table's keys in a named ID
    space and ``endpoint_spaces={edge type: ("Actor-ID", "Movie-ID")}`` names the spaces of an
    edge type's sources and targets (None: the default space). Labels are numbered in order of
    first appearance, ID spaces in order of first use by the vertex tables (an endpoint space must
    be one of them); ``key_type`` is "string" or "int" (default: "int" when the first label's keys
    are integers); ``store_in_edges`` as in :class:`mmgraph.Writer`; ``threads`` encode workers
    inside each shard task; ``progress=True`` shows a progress bar (one per step). ``wave_shards``
    is how many shards have their edges in flight at once (default: the client's worker count, or
    the cores on the local scheduler): a worker then holds about (edges / K) x wave_shards /
    workers edges' rows at a time, and the edge input is read once per wave. Raises
    :class:`mmgraph.InputError` naming the partition and row of bad input (duplicate keys, an
    endpoint no vertex has, a value of the wrong type, columns whose types differ between
    partitions); nothing is published then.
    """
    require("dask.dataframe", "mmgraph.dask.write_dataset()")
    build = _Build(path, vertices, edges, int(shards), key, source, target, dict(types or {}), key_type,
                   store_in_edges, threads, progress, spaces, endpoint_spaces, wave_shards)
    return build.run()


# ---------------------------------------------------------------------------------------------
# Tasks. Top-level functions, so that distributed workers unpickle them by name.

def _where(owner, partition, row):
    return f"{owner} partition {partition} row {row}"


def _keys_of(frame, column, int_keys, owner, partition):
    """The key column of one partition as the native writer takes it (int64 array or str list)."""
    try:
        return _keys(frame[column], int_keys, f"{owner} partition {partition} column '{column}'")
    except InputError:  # already located; an InputError is a ValueError too
        raise
    except (TypeError, ValueError) as error:
        raise InputError(f"{owner} partition {partition} column '{column}': {error}") from None


def _column_report(frame, skip, given, owner):
    """{column: (type name or None when all null or given in types=, has nulls, dtype)} of one
    partition."""
    report = {}
    for column in frame.columns:
        if column in skip:
            continue
        series = frame[column]
        if column in given:
            report[column] = (None, False, str(series.dtype))
            continue
        try:
            type_name, nullable = _infer_type(series, column, owner)
        except InputError:
            if series.notna().any():
                raise
            type_name, nullable = None, True
        report[column] = (type_name, bool(nullable), str(series.dtype))
    return report


def _zone_uses(frame, report, given, owner):
    """[(row, column, list item, zone name)]: where each IANA zone name of the partition's
    datetime and datetime[] values is first used in each column, for the dataset's zone order
    (spec §10.1 phase 1: zones are numbered by first use over the whole input)."""
    uses = []
    for column, (type_name, _, _) in report.items():
        spec = given.get(column, type_name)
        type_name = spec if isinstance(spec, str) or spec is None else spec[0]
        what = f"{owner} attribute '{column}'"
        if type_name == "datetime":
            (records, zones), _ = _temporal_records("datetime", frame[column], what)
            for number, name in enumerate(zones, 1):
                uses.append((int(np.argmax(records["zone"] == number)), column, 0, name))
        elif type_name == "datetime[]":
            seen = set()
            for row, item in enumerate(_temporal_lists(frame[column], "datetime", what)):
                if item is None:
                    continue
                records, zones = item
                for number, name in enumerate(zones, 1):
                    if name not in seen:
                        seen.add(name)
                        uses.append((row, column, int(np.argmax(records["zone"] == number)), name))
    return uses


def _survey_vertices(frame, partition, owner, key, given, int_keys, shard_count, space):
    keys = _keys_of(frame, key, int_keys, owner, partition)
    counts = np.bincount(shards_of(keys, shard_count, space), minlength=shard_count).astype(np.uint64)
    report = _column_report(frame, {key}, given, f"{owner} partition {partition}")
    return {"counts": counts, "columns": report, "zones": _zone_uses(frame, report, given, f"{owner} partition {partition}")}


def _survey_edges(frame, partition, owner, ends, given):
    report = _column_report(frame, set(ends), given, f"{owner} partition {partition}")
    return {"rows": len(frame), "columns": report, "zones": _zone_uses(frame, report, given, f"{owner} partition {partition}")}


def _place_vertices(frame, partition, label_index, key, int_keys, shard_count, offsets, owner, space):
    """The partition's vertices with their shard (as _partitions, for the shuffle; the key's hash
    seeded with its ID space `space`), local index and input position; the key becomes column
    _key, in ID space _space."""
    pd = require("pandas", "mmgraph.dask")
    keys = _keys_of(frame, key, int_keys, owner, partition)
    shard = shards_of(keys, shard_count, space)
    rank = pd.Series(shard).groupby(shard).cumcount().to_numpy(np.uint64)
    placed = frame.drop(columns=[key]).reset_index(drop=True)
    placed["_key"] = keys if int_keys else pd.array(keys, dtype=object)
    placed["_partitions"] = shard
    placed["_local"] = (np.asarray(offsets, np.uint64)[shard] + rank).astype(np.uint32)
    placed["_label"] = np.uint16(label_index)
    placed["_space"] = np.uint16(space)
    placed["_pos"] = (np.uint64(partition) << np.uint64(_POSITION_BITS)) + np.arange(len(frame), dtype=np.uint64)
    return placed


def _place_edges(frame, partition, source, target, int_keys, shard_count, owner, spaces, wave):
    """The partition's edges whose source lies in a shard of `wave` (a range of shards), with
    their target's shard (as _partitions: targets resolve first), their source's shard and input
    position; the endpoints become columns _src and _dst, keys in the ID spaces `spaces`
    (source's, target's)."""
    pd = require("pandas", "mmgraph.dask")
    sources = _keys_of(frame, source, int_keys, owner, partition)
    targets = _keys_of(frame, target, int_keys, owner, partition)
    source_shards = shards_of(sources, shard_count, spaces[0])
    rows = np.flatnonzero((source_shards >= wave.start) & (source_shards < wave.stop))
    # Only the wave's edges go on: the rest are hashed again, and kept, by their own wave.
    wave_targets = targets[rows] if int_keys else np.asarray(targets, dtype=object)[rows]
    placed = frame.drop(columns=[source, target]).iloc[rows].reset_index(drop=True)
    placed["_src"] = sources[rows] if int_keys else pd.array(np.asarray(sources, dtype=object)[rows], dtype=object)
    placed["_dst"] = wave_targets if int_keys else pd.array(wave_targets, dtype=object)
    placed["_src_shard"] = source_shards[rows]
    placed["_partitions"] = shards_of(wave_targets, shard_count, spaces[1])
    placed["_pos"] = (np.uint64(partition) << np.uint64(_POSITION_BITS)) + rows.astype(np.uint64)
    return placed


def _reference_type(spec):
    """"vertex_ref", "vertex_ref[]" or None for an attribute spec ("type" or (type, nullable))."""
    type_name = spec if isinstance(spec, str) else spec[0]
    return type_name if type_name in ("vertex_ref", "vertex_ref[]") else None


def _is_list(value):
    return isinstance(value, (list, tuple, np.ndarray))


def _reference_rows(placed, partition, column, is_list, owner_shard, row, owner, int_keys, shard_count):
    """One row per vertex reference in `column` of a placed partition: the owner's shard and row
    (its local index, or an edge's input position), the item's place in its list, the key it
    names, and that key's shard as _partitions."""
    pd = require("pandas", "mmgraph.dask")
    values = placed[column]
    if is_list:
        rows = np.array([r for r, value in enumerate(values) if _is_list(value)], dtype=np.int64)
        lengths = np.array([len(values.iat[r]) for r in rows], dtype=np.int64)
        items = [key for r in rows for key in values.iat[r]]
        owners = np.repeat(rows, lengths)
        item = np.concatenate([np.arange(n, dtype=np.uint32) for n in lengths]) if len(lengths) else np.zeros(0, np.uint32)
    else:
        owners = np.flatnonzero(values.notna().to_numpy())
        items = values.to_numpy()[owners].tolist()
        item = np.zeros(len(owners), np.uint32)
    keys = _keys(pd.Series(items, dtype=object), int_keys, f"{owner} partition {partition} attribute '{column}'")
    refs = pd.DataFrame({
        "_owner_shard": placed[owner_shard].to_numpy()[owners].astype(np.uint16),
        "_row": placed[row].to_numpy()[owners].astype(np.uint64),
        "_pos": placed["_pos"].to_numpy()[owners],
        "_item": item,
    })
    refs["_ref"] = keys if int_keys else pd.array(keys, dtype=object)
    refs["_partitions"] = shards_of(keys, shard_count)
    return refs


def _resolve_references(refs, keys, shard, owner, column):
    """The references routed to `shard` (the shard of the vertices they name) resolved to local
    indices there, then routed back to their owners' shards."""
    _check_routed(refs, shard, f"{owner} attribute '{column}' references")
    local = keys[0].reindex(refs["_ref"].to_numpy())  # a reference by key names the default ID space
    missing = local.isna().to_numpy()
    if missing.any():
        row = int(np.argmax(missing))
        position = int(refs["_pos"].iat[row])
        raise InputError(f"{_where(owner, position >> _POSITION_BITS, position & 0xFFFFFFFF)}: attribute '{column}' "
                         f"names {refs['_ref'].iat[row]!r}, which is no vertex's key")
    resolved = refs.drop(columns=["_ref", "_pos"])
    resolved["_ref_shard"] = np.uint16(shard)
    resolved["_ref_local"] = local.to_numpy(np.uint32)
    resolved["_partitions"] = resolved["_owner_shard"]
    return resolved


def _resolved_column(rows, row, column, refs, is_list):
    """Reference column `column` of the rows a ShardWriter call takes (sorted by `row`), from the
    resolved references whose _row are those rows' `row`: (shards, indices, null mask), or per
    row None or (shards, indices)."""
    at = rows[row].to_numpy().searchsorted(refs["_row"].to_numpy())
    if not is_list:
        shards, indices = np.zeros(len(rows), np.uint16), np.zeros(len(rows), np.uint32)
        null = np.ones(len(rows), bool)
        shards[at], indices[at], null[at] = refs["_ref_shard"].to_numpy(), refs["_ref_local"].to_numpy(), False
        return shards, indices, null
    order = np.lexsort((refs["_item"].to_numpy(), at))
    bounds = np.cumsum(np.bincount(at, minlength=len(rows)))[:-1]
    shards = np.split(refs["_ref_shard"].to_numpy()[order], bounds)
    indices = np.split(refs["_ref_local"].to_numpy()[order], bounds)
    return [(shards[r], indices[r]) if _is_list(value) else None for r, value in enumerate(rows[column])]


def _check_routed(frame, shard, what):
    if len(frame) and not (frame["_partitions"].to_numpy() == shard).all():
        raise RuntimeError(f"mmgraph.dask: the shuffle put rows of another shard into shard {shard}'s {what}")


def _shard_keys(shard, owners, space_names, int_keys, *vertex_parts):
    """Shard `shard`'s key -> local index tables, one per ID space (id: table; every space of
    the dataset, empty where the shard has none of its keys), refusing a key that two rows of
    one space carry. `owners` name the vertex tables, `space_names` the named spaces."""
    pd = require("pandas", "mmgraph.dask")
    for part in vertex_parts:
        _check_routed(part, shard, "vertices")
    table = pd.concat([part[["_key", "_space", "_local", "_label", "_pos"]] for part in vertex_parts], ignore_index=True)
    repeated = table.duplicated(["_space", "_key"], keep=False).to_numpy()
    if repeated.any():
        first = int(np.argmax(repeated))
        first_key, space = table["_key"].iat[first], int(table["_space"].iat[first])
        rows = table[(table["_key"] == first_key) & (table["_space"] == space)].sort_values(["_label", "_pos"]).head(2)
        places = [_where(owners[int(label)], int(position) >> _POSITION_BITS, int(position) & 0xFFFFFFFF)
                  for label, position in zip(rows["_label"], rows["_pos"])]
        in_space = f" in ID space '{space_names[space - 1]}'" if space else ""
        raise InputError(f"duplicate vertex key {first_key!r}{in_space}: {places[0]} and {places[1]}")
    tables = _empty_keys(int_keys, len(space_names))
    for space, rows in table.groupby("_space", sort=False):
        tables[int(space)] = rows[["_key", "_local"]].set_index("_key")["_local"]
    return tables


def _resolve(edges, keys, shard, end, owner, space, space_names):
    """Joins the edges routed to `shard` with its key table of ID space `space` on endpoint
    `end` ("_src" or "_dst"); an endpoint no vertex has is an error. Targets resolve first, in the target's shard;
    the result's _partitions then routes each edge to its source's shard, where it stays."""
    _check_routed(edges, shard, f"{owner} edges")
    local = keys[space].reindex(edges[end].to_numpy())
    missing = local.isna().to_numpy()
    if missing.any():
        row = int(np.argmax(missing))
        position = int(edges["_pos"].iloc[row])
        role = "source" if end == "_src" else "target"
        in_space = f" in ID space '{space_names[space - 1]}'" if space else ""
        raise InputError(f"{_where(owner, position >> _POSITION_BITS, position & 0xFFFFFFFF)}: "
                         f"{role} {edges[end].iloc[row]!r} is no vertex's key{in_space}")
    # What a later phase no longer needs is dropped at once: every column of an edge is held for
    # all edges of the graph while a shuffle waits for its last input.
    settled = ["_partitions", "_src_shard"] if end == "_src" else []  # the edge stays in this, its source's, shard
    resolved = edges.drop(columns=[end] + settled)
    resolved[end + "_local"] = local.to_numpy(np.uint32)
    if end == "_dst":
        resolved["_dst_shard"] = np.uint16(shard)
        resolved["_partitions"] = resolved["_src_shard"]
    return resolved


def _number(edges, shard, owner, has_properties):
    """Shard `shard`'s out-edges of one type in input order, with the ordinal of each (its row in
    the shard's property table of the type)."""
    ordered = edges.sort_values("_pos", kind="stable").reset_index(drop=True)
    if has_properties and len(ordered):
        ordered["_ordinal"] = out_edge_ordinals(
            ordered["_src_local"].to_numpy(np.uint32), ordered["_dst_shard"].to_numpy(np.uint16),
            ordered["_dst_local"].to_numpy(np.uint32), np.zeros(len(ordered), np.uint32))
    else:
        ordered["_ordinal"] = np.zeros(len(ordered), np.uint32)
    return ordered


def _located(error, owner, positions):
    """`error` with the row of the writer call it names ("row N") told as the input's partition
    and row, when it names one."""
    row = getattr(error, "row", None)
    if row is None or row >= len(positions):
        return error
    position = int(positions[row])
    place = f"partition {position >> _POSITION_BITS} row {position & 0xFFFFFFFF}"
    message, count = re.subn(rf"\brow {row}\b", place, str(error), count=1)
    located = type(error)(message if count else f"{owner} {place}: {error}")
    return located


def _with_references(rows, row, attributes, references):
    """The attribute columns of `rows` for a ShardWriter call, reference columns resolved."""
    columns = {column: rows[column] for column in attributes}
    for column, refs in references.items():
        columns[column] = _resolved_column(rows, row, column, refs, _reference_type(attributes[column]) == "vertex_ref[]")
    return columns


# ---------------------------------------------------------------------------------------------
# The exchange: a directory of files beside the output through which pass A hands each shard its
# rows and pass B reads them back, so that no task result holds them between the passes.

_IN_EDGE = np.dtype([("target", "<u4"), ("source", "<u4"), ("ordinal", "<u4")])


def _vertex_file(exchange, shard):
    return os.path.join(exchange, f"vertices-{shard}.pickle")


def _out_edge_file(exchange, edge_type, shard):
    return os.path.join(exchange, f"out-{edge_type}-{shard}.pickle")


def _in_edge_files(exchange, edge_type, source_shard):
    """The in-edges that shard `source_shard` sends, by target shard (rows), and where each
    target shard's run of rows starts (index)."""
    stem = os.path.join(exchange, f"in-{edge_type}-{source_shard}")
    return stem + ".npy", stem + "-index.npy"


def _save(path, value):
    with open(path, "wb") as file:
        pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)


def _load(path):
    with open(path, "rb") as file:
        return pickle.load(file)  # noqa: S301 - a file this build wrote into its own exchange directory


def _write_vertices(path, shard, vertex_parts, vertex_refs):
    """Shard `shard`'s rows of every vertex table in local order, with their resolved references,
    into its exchange file."""
    tables = []
    for part, references in zip(vertex_parts, vertex_refs):
        _check_routed(part, shard, "vertices")
        rows = part.drop(columns=["_partitions", "_label", "_space"]).sort_values("_local")
        tables.append((rows.reset_index(drop=True), references))
    _save(path, tables)
    return len(tables)


def _write_edges(numbered, shard, references, out_path, in_paths):
    """Shard `shard`'s numbered out-edges of one type with their resolved references into one
    exchange file; those ending in another shard, as in-edges sorted by target shard, into two
    more (the rows and an index of each target shard's run), which every other shard reads."""
    crossing = numbered[numbered["_dst_shard"].to_numpy() != shard]
    target_shards = crossing["_dst_shard"].to_numpy(np.uint16)
    order = np.argsort(target_shards, kind="stable")
    rows = np.empty(len(crossing), _IN_EDGE)
    rows["target"] = crossing["_dst_local"].to_numpy(np.uint32)[order]
    rows["source"] = crossing["_src_local"].to_numpy(np.uint32)[order]
    rows["ordinal"] = crossing["_ordinal"].to_numpy(np.uint32)[order]
    present, starts = np.unique(target_shards[order], return_index=True)
    np.save(in_paths[0], rows)
    np.save(in_paths[1], np.stack([present.astype(np.int64), starts.astype(np.int64)]))
    _save(out_path, (numbered.drop(columns=["_ordinal"]), references))
    return len(numbered)


def _in_edges_of(exchange, edge_type, shard, shard_count):
    """The in-edges of one type that reach shard `shard` from every other shard, read from their
    exchange files (only this shard's run of each): (targets, source shards, sources, ordinals)."""
    pieces, sources = [], []
    for source_shard in range(shard_count):
        if source_shard == shard:
            continue
        rows_path, index_path = _in_edge_files(exchange, edge_type, source_shard)
        present, starts = np.load(index_path)
        at = int(np.searchsorted(present, shard))
        if at == len(present) or present[at] != shard:
            continue
        rows = np.load(rows_path, mmap_mode="r")
        end = int(starts[at + 1]) if at + 1 < len(starts) else len(rows)
        pieces.append(np.array(rows[int(starts[at]):end]))
        sources.append(np.full(len(pieces[-1]), source_shard, np.uint16))
        del rows
    rows = np.concatenate(pieces) if pieces else np.zeros(0, _IN_EDGE)
    source_shards = np.concatenate(sources) if sources else np.zeros(0, np.uint16)
    return rows["target"], source_shards, rows["source"], rows["ordinal"].astype(np.uint64)


def _encode(shard, settings, temp_path, exchange):
    """Writes shard `shard` with one ShardWriter from its exchange files, which it then removes
    (all but the in-edge files, which other shards read too), and returns its summary."""
    tables = _load(_vertex_file(exchange, shard))
    edge_types = range(len(settings["edge_types"]))
    out_edges = [_load(_out_edge_file(exchange, index, shard)) for index in edge_types]
    in_edges = [_in_edges_of(exchange, index, shard, len(settings["sizes"])) for index in edge_types]
    summary = _encode_shard(shard, settings, temp_path, tables, out_edges, in_edges)
    for path in [_vertex_file(exchange, shard)] + [_out_edge_file(exchange, index, shard) for index in edge_types]:
        os.remove(path)
    return summary


def _encode_shard(shard, settings, temp_path, tables, out_edges, in_edges):
    """Shard `shard` from its vertex rows (per table: rows in local order, {reference attribute:
    resolved references}), its out-edges (per type: numbered rows, references) and its in-edges
    (per type, as _in_edges_of gives them); returns its summary."""
    writer = ShardWriter(shard, settings["sizes"], key_type=settings["key_type"], threads=settings["threads"],
                         store_in_edges=settings["store_in_edges"])
    for name, attributes in settings["labels"]:
        writer.add_label(name, attributes)
    for name, properties in settings["edge_types"]:
        writer.add_edge_type(name, properties)
    for name in settings["spaces"]:
        writer.add_id_space(name)
    for labels in settings["label_sets"]:
        writer.declare_label_set(labels)
    if settings["zones"]:
        writer.declare_zone_names(settings["zones"])
    for (owner, labels, space, attributes), (rows, references) in zip(settings["tables"], tables):
        try:
            keys_column = rows["_key"].to_numpy(np.int64) if settings["key_type"] == "int" else rows["_key"].tolist()
            writer.add_vertices(labels, keys_column, _with_references(rows, "_local", attributes, references), space=space)
        except Error as error:
            raise _located(error, owner, rows["_pos"].to_numpy()) from None
    for (name, properties), (part, references) in zip(settings["edge_types"], out_edges):
        try:
            writer.add_out_edges(name, part["_src_local"].to_numpy(np.uint32), part["_dst_shard"].to_numpy(np.uint16),
                                 part["_dst_local"].to_numpy(np.uint32), _with_references(part, "_pos", properties, references))
        except Error as error:
            raise _located(error, f"edge type '{name}'", part["_pos"].to_numpy()) from None
    for (name, _), columns in zip(settings["edge_types"], in_edges):
        writer.add_in_edges(name, *columns)
    return writer.finish(temp_path)


# ---------------------------------------------------------------------------------------------
# The client side: the task graph, the small tables it gathers, publishing.

class _Build:
    def __init__(self, path, vertices, edges, shard_count, key, source, target, types, key_type, store_in_edges,
                 threads, progress, spaces=None, endpoint_spaces=None, wave_shards=None):
        if not 1 <= shard_count <= 65535:
            raise InputError(f"shards must be 1 to 65535, not {shard_count}")
        if wave_shards is not None and int(wave_shards) < 1:
            raise InputError(f"wave_shards must be at least 1, not {wave_shards}")
        self.wave_shards = None if wave_shards is None else int(wave_shards)
        self.path = pathlib.Path(path)
        self.K = shard_count
        self.key, self.source, self.target = key, source, target
        self.types = types
        self.vertices = self._frames(vertices, "label", {key})
        self.edges = self._frames(edges, "edge type", {source, target})
        # A vertex table's key is a label or a tuple of labels (a label set, spec §6.6).
        self.table_labels = [(name,) if isinstance(name, str) else tuple(name) for name in self.vertices]
        self.owners = [_table_name(name) for name in self.vertices]
        self._id_spaces(dict(spaces or {}), dict(endpoint_spaces or {}))
        self.key_type = key_type or self._default_key_type()
        self.int_keys = self.key_type in ("int", "int64")
        self.store_in_edges = store_in_edges
        self.threads = threads
        self.progress = progress
        self.token = uuid.uuid4().hex[:12]
        self.finals = [self._final_path(s) for s in range(self.K)]
        self.temporaries = [f.parent / f".{f.name}.build-{self.token}" for f in self.finals]
        self.exchange = self.path.parent / f".{self.path.name}.build-{self.token}.exchange"

    # -- inputs ---------------------------------------------------------------------------------

    def _id_spaces(self, spaces, endpoint_spaces):
        """Each vertex table's ID space id and each edge type's (source, target): the named
        spaces numbered 1, 2, ... as mmgraph.write declares them (_space_names), 0 the default."""
        unknown = [name for name in endpoint_spaces if name not in self.edges]
        if unknown:
            raise InputError(f"endpoint_spaces: edge type '{unknown[0]}' is not a key of edges")
        self.space_names = _space_names(self.vertices, spaces, endpoint_spaces)

        def space_id(name):
            return 0 if name is None else self.space_names.index(name) + 1

        self.table_spaces = [space_id(spaces.get(name)) for name in self.vertices]
        self.edge_spaces = {edge_type: tuple(space_id(name) for name in endpoint_spaces.get(edge_type, (None, None)))
                            for edge_type in self.edges}

    def _given(self, name):
        """The types= given for the columns of a vertex table or edge type: a table of several
        labels takes those given for each of its labels, then for the tuple itself."""
        given = {}
        if not isinstance(name, str):
            for label in name:
                given.update(self.types.get(label, {}))
        given.update(self.types.get(name, {}))
        return given

    @staticmethod
    def _frames(mapping, kind, needed):
        dd = require("dask.dataframe", "mmgraph.dask.write_dataset()")
        pd = require("pandas", "mmgraph.dask.write_dataset()")
        frames = {}
        for name, frame in dict(mapping or {}).items():
            owner = _table_name(name) if kind == "label" else f"{kind} '{name}'"
            if isinstance(frame, pd.DataFrame):
                frame = dd.from_pandas(frame, npartitions=1, sort=False)
            if not isinstance(frame, dd.DataFrame):
                raise InputError(f"{owner}: expected a Dask or pandas DataFrame, got {type(frame).__name__}")
            for column in sorted(needed):
                if column not in frame.columns:
                    raise InputError(f"{owner}: no column '{column}'")
            frames[name] = frame
        return frames

    def _default_key_type(self):
        pd = require("pandas", "mmgraph.dask.write_dataset()")
        first = next(iter(self.vertices.values()), None)
        return "int" if first is not None and pd.api.types.is_integer_dtype(first._meta[self.key].dtype) else "string"

    def _final_path(self, shard):
        if self.K == 1:
            return self.path
        return self.path.parent / f"{self.path.stem}-{shard}-of-{self.K}.mmg"

    # -- the build ------------------------------------------------------------------------------

    def run(self):
        try:
            sizes, offsets = self._survey()
            self.exchange.mkdir()
            waves = self._waves()
            keys = self._vertex_pass(offsets)
            for wave in waves:
                self._compute(self._edge_wave(wave, keys))
            del keys  # pass B needs no key table: let the cluster free them
            settings = self._settings(sizes)
            summaries = []
            for wave in waves:
                summaries += self._compute(self._encode_wave(wave, settings))
            return self._publish(summaries)
        except BaseException:
            self._remove_temporaries()
            raise
        finally:
            shutil.rmtree(self.exchange, ignore_errors=True)

    def _waves(self):
        """The shards in groups of `wave_shards` (default: one per worker of the client, or per
        core on the local scheduler): the shards whose edges are in flight at once."""
        size = self.wave_shards
        if size is None:
            client = _active_client()
            size = len(client.scheduler_info()["workers"]) if client is not None else os.cpu_count()
            size = max(1, size or 1)
        return [range(start, min(start + size, self.K)) for start in range(0, self.K, size)]

    def _compute(self, collections, persist=False):
        """Computes on the active client, else on Dask's threads; with `persist`, returns the
        collections persisted (their results stay in the cluster) instead of their results.
        Returns only when no task of the step still runs, failed or not, so that cleaning up
        after a failure cannot race a task that is still writing a file."""
        import dask
        client = _active_client()
        if client is None:
            from concurrent.futures import ThreadPoolExecutor
            from contextlib import ExitStack
            with ExitStack() as stack:
                pool = stack.enter_context(ThreadPoolExecutor(os.cpu_count() or 1))  # its exit waits for running tasks
                if self.progress:
                    from dask.diagnostics import ProgressBar
                    stack.enter_context(ProgressBar())
                return (dask.persist if persist else dask.compute)(*collections, scheduler="threads", pool=pool)
        from distributed import futures_of, wait
        held = client.persist(list(collections)) if persist else None
        futures = futures_of(held) if persist else client.compute(list(collections))
        try:
            if self.progress:
                from distributed import progress
                progress(futures)
            wait(futures)  # every task done, failed or not
        except BaseException:
            client.cancel(futures)  # interrupted: stop what has not started
            raise
        if not persist:
            return client.gather(futures)
        for future in futures:
            if future.status == "error":
                future.result()  # raises the task's error
        return held

    def _survey(self):
        """Phase 1: counts per (label, partition, shard) and the schema, from small task results."""
        from dask import delayed
        label_reports, edge_reports = [], []
        for index, (label, frame) in enumerate(self.vertices.items()):
            label_reports.append([
                delayed(_survey_vertices, pure=True)(part, p, self.owners[index], self.key, self._given(label), self.int_keys, self.K,
                                                     self.table_spaces[index],
                                                     dask_key_name=(f"mmgraph-survey-{self.token}", "v", index, p))
                for p, part in enumerate(frame.to_delayed())])
        for index, (edge_type, frame) in enumerate(self.edges.items()):
            owner = f"edge type '{edge_type}'"
            edge_reports.append([
                delayed(_survey_edges, pure=True)(part, p, owner, (self.source, self.target), self._given(edge_type),
                                                  dask_key_name=(f"mmgraph-survey-{self.token}", "e", index, p))
                for p, part in enumerate(frame.to_delayed())])
        label_reports, edge_reports = self._compute([label_reports, edge_reports])
        self.tables = [self._schema(owner, reports, self._given(name))
                       for name, owner, reports in zip(self.vertices, self.owners, label_reports)]
        self.labels = self._label_attributes()
        self.edge_types = [(edge_type, self._schema(f"edge type '{edge_type}'", reports, self._given(edge_type)))
                           for edge_type, reports in zip(self.edges, edge_reports)]
        self.zones = self._zone_order(label_reports, edge_reports)
        counts = np.array([r["counts"] for reports in label_reports for r in reports], np.uint64).reshape(-1, self.K)
        totals = counts.sum(axis=0)
        if len(counts) and totals.max() > 0x7FFFFFFF:
            raise InputError(f"shard {int(np.argmax(totals))} would hold {int(totals.max())} vertices, over 2^31: use more shards")
        offsets = np.cumsum(counts, axis=0) - counts
        return [int(t) for t in totals], offsets

    def _label_attributes(self):
        """[(label, {attribute: (type, nullable)})] by mmgraph.write's rule (_label_attributes)."""
        return list(_label_attributes(list(zip(self.table_labels, self.tables))).items())

    def _set_attributes(self, labels):
        """A vertex's attribute names with these labels, in the order of its values (spec §4.2:
        its labels in ascending label id order, each name once)."""
        order = [label for label, _ in self.labels]
        names = []
        for label in sorted(labels, key=order.index):
            names += [c for c in dict(self.labels)[label] if c not in names]
        return names

    def _zone_order(self, label_reports, edge_reports):
        """The IANA zone names of the input's datetime values in order of first use (spec §10.1
        phase 1): vertex tables, then edge types, in mapping order; rows in input order; within
        a row, attributes in the order its values are staged."""
        uses = []
        for table, (names, reports) in enumerate(zip(self.table_labels, label_reports)):
            attributes = self._set_attributes(names)
            uses += [(0, table, p, row, attributes.index(c), item, zone)
                     for p, r in enumerate(reports) for row, c, item, zone in r["zones"]]
        for index, ((_, properties), reports) in enumerate(zip(self.edge_types, edge_reports)):
            order = list(properties)
            uses += [(1, index, p, row, order.index(c), item, zone)
                     for p, r in enumerate(reports) for row, c, item, zone in r["zones"]]
        return list(dict.fromkeys(use[-1] for use in sorted(uses)))

    def _schema(self, owner, reports, given):
        """{column: (type, nullable)}: given types, else the partitions' types, which must agree."""
        columns = list(reports[0]["columns"]) if reports else []
        declared = {}
        for column in columns:
            if column in given:
                declared[column] = given[column]
                continue
            seen, nullable = None, False
            for partition, report in enumerate(reports):
                if column not in report["columns"]:
                    raise InputError(f"{owner}: column '{column}' is in partition 0 but not in partition {partition}")
                type_name, has_nulls, dtype = report["columns"][column]
                nullable = nullable or has_nulls
                if type_name is None:
                    continue
                if seen is None:
                    seen = (type_name, partition, dtype)
                elif {seen[0], type_name} == {"date", "localdatetime"}:
                    # A datetime64 column infers 'date' in a partition of whole days only: the
                    # column as a whole is what mmgraph.write infers from all of it.
                    seen = ("localdatetime", partition, dtype)
                elif seen[0] != type_name:
                    raise InputError(f"{owner} column '{column}': {seen[0]} ({seen[2]}) in partition {seen[1]} but "
                                     f"{type_name} ({dtype}) in partition {partition}")
            if seen is None:
                raise InputError(f"{owner} column '{column}': all null, its type cannot be inferred; give it in types=")
            declared[column] = (seen[0], nullable)
        for partition, report in enumerate(reports):
            extra = sorted(set(report["columns"]) - set(columns))
            if extra:
                raise InputError(f"{owner}: column '{extra[0]}' is in partition {partition} but not in partition 0")
        return declared

    def _vertex_pass(self, offsets):
        """Phase 2 for the vertices: every shard's key tables, checked for duplicate keys and
        persisted in the cluster for pass A; every shard's vertex rows, vertex references
        resolved, written to its exchange file. Returns the key tables (one per shard)."""
        from dask import delayed
        placed_vertices = [self._placed_vertices(index, label, offsets) for index, label in enumerate(self.vertices)]
        vertex_parts = [self._shuffled(placed) for placed in placed_vertices]
        keys = [delayed(_shard_keys, pure=True)(s, self.owners, self.space_names, self.int_keys, *[parts[s] for parts in vertex_parts],
                                                dask_key_name=(f"mmgraph-keys-{self.token}", s)) for s in range(self.K)]
        vertex_refs = [self._references(placed, owner, attributes, "_partitions", "_local", ("v", index), keys)
                       for index, (placed, owner, attributes) in enumerate(zip(placed_vertices, self.owners, self.tables))]
        writes = [delayed(_write_vertices, pure=True)(_vertex_file(str(self.exchange), s), s,
                                                      [parts[s] for parts in vertex_parts],
                                                      [{c: parts[s] for c, parts in refs.items()} for refs in vertex_refs],
                                                      dask_key_name=(f"mmgraph-write-vertices-{self.token}", s))
                  for s in range(self.K)]
        return list(self._compute(keys + writes, persist=True)[:self.K])

    def _edge_wave(self, wave, keys):
        """Pass A for the source shards of `wave`: the edges leaving them (every input partition
        read, the others' edges dropped) resolved, numbered and written to the exchange, out-edges
        with their resolved references and in-edges for every other shard. Returns the tasks."""
        dd = require("dask.dataframe", "mmgraph.dask.write_dataset()")
        from dask import delayed
        exchange = str(self.exchange)
        no_keys = _empty_keys(self.int_keys, len(self.space_names))
        writes = []
        for index, (edge_type, properties) in enumerate(self.edge_types):
            owner = f"edge type '{edge_type}'"
            layer = (index, wave.start)
            placed = self._placed_edges(index, edge_type, wave)
            source_space, target_space = self.edge_spaces[edge_type]
            refs = self._references(placed, owner, properties, "_src_shard", "_pos", ("e", *layer), keys)
            by_target = self._resolved("resolve-target", layer, range(self.K), self._shuffled(placed), keys, owner, "_dst",
                                       target_space)
            meta = _resolve(placed._meta, no_keys, 0, "_dst", owner, target_space, self.space_names)
            at_source = self._shuffled(dd.from_delayed(by_target, meta=meta, verify_meta=False))
            by_source = self._resolved("resolve-source", layer, wave, at_source, keys, owner, "_src", source_space)
            for s, part in zip(wave, by_source):
                numbered = delayed(_number, pure=True)(part, s, owner, bool(properties),
                                                       dask_key_name=(f"mmgraph-number-{self.token}", index, s))
                writes.append(delayed(_write_edges, pure=True)(numbered, s, {c: parts[s] for c, parts in refs.items()},
                                                               _out_edge_file(exchange, index, s),
                                                               _in_edge_files(exchange, index, s),
                                                               dask_key_name=(f"mmgraph-write-edges-{self.token}", index, s)))
        return writes

    def _settings(self, sizes):
        """What every encode task is told of the whole dataset: shard sizes and the schema."""
        return {"sizes": sizes, "key_type": "int" if self.int_keys else "string", "threads": self.threads,
                "store_in_edges": self.store_in_edges, "labels": [(n, a) for n, a in self.labels],
                "tables": [(owner, labels[0] if len(labels) == 1 else labels, self.space_names[space - 1] if space else None,
                            attributes)
                           for owner, labels, space, attributes in zip(self.owners, self.table_labels, self.table_spaces, self.tables)],
                "label_sets": list(dict.fromkeys(labels for labels in self.table_labels if len(labels) > 1)),
                "spaces": list(self.space_names), "zones": self.zones,
                "edge_types": [(n, p) for n, p in self.edge_types]}

    def _encode_wave(self, wave, settings):
        """Pass B for the shards of `wave`: each encoded from its exchange files."""
        from dask import delayed
        return [delayed(_encode, pure=True)(s, settings, str(self.temporaries[s]), str(self.exchange),
                                           dask_key_name=(f"mmgraph-encode-{self.token}", s)) for s in wave]

    def _references(self, placed, owner, attributes, owner_shard, row, layer, keys):
        """{reference attribute: its K partitions of resolved references, partition s holding
        those whose owners live in shard s}: each reference goes to the shard of the key it
        names, resolves there, and comes back."""
        dd = require("dask.dataframe", "mmgraph.dask.write_dataset()")
        from dask import delayed
        resolved = {}
        for column, spec in attributes.items():
            kind = _reference_type(spec)
            if kind is None:
                continue
            is_list = kind == "vertex_ref[]"
            rows = [delayed(_reference_rows, pure=True)(part, p, column, is_list, owner_shard, row, owner, self.int_keys, self.K,
                                                        dask_key_name=(f"mmgraph-references-{self.token}", *layer, column, p))
                    for p, part in enumerate(placed.to_delayed())]
            meta = _reference_rows(placed._meta, 0, column, is_list, owner_shard, row, owner, self.int_keys, self.K)
            at_key_shard = self._shuffled(dd.from_delayed(rows, meta=meta, verify_meta=False))
            back = [delayed(_resolve_references, pure=True)(part, keys[s], s, owner, column,
                                                            dask_key_name=(f"mmgraph-resolve-references-{self.token}", *layer, column, s))
                    for s, part in enumerate(at_key_shard)]
            meta = _resolve_references(meta, _empty_keys(self.int_keys), 0, owner, column)
            resolved[column] = self._shuffled(dd.from_delayed(back, meta=meta, verify_meta=False))
        return resolved

    def _resolved(self, phase, layer, shards, parts, keys, owner, end, space):
        """The resolve tasks of partitions `shards` of `parts` (partition s: the rows routed to shard s)."""
        from dask import delayed
        return [delayed(_resolve, pure=True)(parts[s], keys[s], s, end, owner, space, self.space_names,
                                             dask_key_name=(f"mmgraph-{phase}-{self.token}", *layer, s))
                for s in shards]

    def _placed_vertices(self, index, label, offsets):
        dd = require("dask.dataframe", "mmgraph.dask.write_dataset()")
        from dask import delayed
        frame = self.vertices[label]
        owner, space = self.owners[index], self.table_spaces[index]
        first_row = sum(self.vertices[name].npartitions for name in list(self.vertices)[:index])
        parts = [delayed(_place_vertices, pure=True)(part, p, index, self.key, self.int_keys, self.K,
                                                     offsets[first_row + p], owner, space,
                                                     dask_key_name=(f"mmgraph-place-{self.token}", "v", index, p))
                 for p, part in enumerate(frame.to_delayed())]
        meta = _place_vertices(frame._meta, 0, index, self.key, self.int_keys, self.K, np.zeros(self.K, np.uint64), owner, space)
        return dd.from_delayed(parts, meta=meta, verify_meta=False)

    def _placed_edges(self, index, edge_type, wave):
        dd = require("dask.dataframe", "mmgraph.dask.write_dataset()")
        from dask import delayed
        frame = self.edges[edge_type]
        owner = f"edge type '{edge_type}'"
        parts = [delayed(_place_edges, pure=True)(part, p, self.source, self.target, self.int_keys, self.K, owner,
                                                  self.edge_spaces[edge_type], wave,
                                                  dask_key_name=(f"mmgraph-place-{self.token}", "e", index, wave.start, p))
                 for p, part in enumerate(frame.to_delayed())]
        meta = _place_edges(frame._meta, 0, self.source, self.target, self.int_keys, self.K, owner, self.edge_spaces[edge_type],
                            wave)
        return dd.from_delayed(parts, meta=meta, verify_meta=False)

    def _shuffled(self, frame):
        """Dask's task shuffle on the _partitions column: partition s of the result holds the rows
        of shard s. Returns the K partitions as delayed objects."""
        from dask.dataframe.shuffle import rearrange_by_column_tasks
        # The task shuffle itself: rearrange_by_column would first concatenate the inputs into K
        # partitions, a copy of everything that buys nothing at these partition counts.
        routed = rearrange_by_column_tasks(frame, "_partitions", npartitions=self.K, ignore_index=True)
        return routed.to_delayed()

    # -- publishing -----------------------------------------------------------------------------

    def _publish(self, summaries):
        """Phases 6 and 7: the dataset id into every header, then every file to its final name."""
        summaries = list(summaries)
        dataset_id = _native.dataset_id_of(summaries)
        for temporary in self.temporaries:
            _native.seal_shard(str(temporary), dataset_id)
        renamed = []
        try:
            for temporary, final in zip(self.temporaries, self.finals):
                os.replace(temporary, final)
                renamed.append(final)
        except BaseException:
            for final in renamed:
                final.unlink(missing_ok=True)
            raise
        _sync_directory(self.path.parent)
        return {
            "files": [str(f) for f in self.finals],
            "vertices": sum(s["vertices"] for s in summaries),
            "edges": sum(s["edges"] for s in summaries),
            "bytes": sum(s["bytes"] for s in summaries),
            "dataset_id": dataset_id,
            "shards": [dict(s, file=str(f)) for s, f in zip(summaries, self.finals)],
        }

    def _remove_temporaries(self):
        for temporary in self.temporaries:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
        shutil.rmtree(self.exchange, ignore_errors=True)


def _empty_keys(int_keys, named_spaces=0):
    """{space id: an empty key -> local index table} for the default space and `named_spaces`."""
    pd = require("pandas", "mmgraph.dask")
    index = pd.Index(np.zeros(0, np.int64) if int_keys else np.zeros(0, object), name="_key")
    return {space: pd.Series(np.zeros(0, np.uint32), index=index, name="_local") for space in range(named_spaces + 1)}




def _active_client():
    try:
        from distributed import get_client
    except ImportError:
        return None
    try:
        return get_client()
    except ValueError:
        return None


def _sync_directory(directory):
    descriptor = os.open(str(directory or "."), os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
