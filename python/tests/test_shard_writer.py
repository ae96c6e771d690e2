"""mmgraph.ShardWriter and the spec §10.1 protocol functions: a build that places, numbers, routes
and encodes every shard apart (here in-process, with numpy) gives the bytes mmgraph.Writer and
mmgraph.write() give with shards=K; and the errors that break the protocol."""

import os

import numpy as np
import pytest

import mmgraph
from conftest import random_column

PERSON = {
    "name": ("string", True),
    "age": ("int16", True),
    "score": ("float64", True),
    "blob": ("bytes", True),
    "tags": ("string[]", True),
    "counts": ("int32[]", True),
    "flag": ("bool", False),
}
LINK = {"weight": ("float64", True), "note": ("string", True), "hops": ("uint8", False)}
EDGE_TYPES = {"LINK": LINK, "KNOWS": None}


def column_of(rng, type_name, nullable, n):
    values, nulls = random_column(rng, type_name, n, None)
    if not nullable:
        nulls[:] = False
    if type_name in ("bool", "int16", "uint8", "float64"):
        return np.ma.masked_array(values, mask=nulls)
    items = list(values)
    for i in np.flatnonzero(nulls):
        items[i] = None
    return items


class Refs:
    """A vertex_ref column by the referenced vertices' positions in the graph (``targets``, with
    ``nulls``), given to Writer as keys and to ShardWriter resolved (see resolve)."""

    def __init__(self, targets, nulls):
        self.targets, self.nulls = np.asarray(targets), np.asarray(nulls, dtype=bool)

    def __len__(self):
        return len(self.targets)


class RefLists:
    """A vertex_ref[] column: None or an array of graph positions per row."""

    def __init__(self, rows):
        self.rows = list(rows)

    def __len__(self):
        return len(self.rows)


def take(column, rows):
    """The rows of a column, in order: masked arrays by index, lists item by item."""
    if isinstance(column, Refs):
        return Refs(column.targets[rows], column.nulls[rows])
    if isinstance(column, RefLists):
        return RefLists(column.rows[i] for i in rows)
    if isinstance(column, np.ndarray):
        return column[rows]
    return [column[i] for i in rows]


def as_keys(column, keys):
    """A column as Writer takes it: references by key."""
    if isinstance(column, Refs):
        if keys.dtype == object:
            return [None if null else keys[t] for t, null in zip(column.targets, column.nulls)]
        return np.ma.masked_array(keys[column.targets], mask=column.nulls)
    if isinstance(column, RefLists):
        return [None if row is None else keys[row].tolist() for row in column.rows]
    return column


def resolve(column, shard, local, form):
    """A column as ShardWriter takes it: references resolved through the placement (phase 2),
    single ones in each accepted form in turn: a masked pair, or a pair and a mask."""
    if isinstance(column, Refs):
        shards, indices = shard[column.targets], local[column.targets]
        if form % 2:
            return np.ma.masked_array(shards, mask=column.nulls), np.ma.masked_array(indices, mask=column.nulls)
        return shards.astype(np.int64), indices.tolist(), column.nulls
    if isinstance(column, RefLists):
        return [None if row is None else (shard[row], local[row]) for row in column.rows]
    return column


def ref_columns(rng, n, own, schema):
    """Random columns of the vertex_ref and vertex_ref[] attributes of ``schema`` for rows whose
    own vertices are ``own``: a third of the references name the row's own vertex."""
    columns = {}
    for name, (type_name, nullable) in schema.items():
        nulls = (rng.random(len(own)) < 0.25) if nullable else np.zeros(len(own), bool)
        pick = lambda i, size=None: np.where(rng.random(size) < 0.3, own[i], rng.integers(0, n, size=size))  # noqa: E731
        if type_name == "vertex_ref":
            columns[name] = Refs([int(pick(i)) for i in range(len(own))], nulls)
        else:
            columns[name] = RefLists(None if nulls[i] else pick(i, int(rng.integers(0, 4))).astype(np.int64) for i in range(len(own)))
    return columns


PERSON_REFS = {"boss": ("vertex_ref", True), "friends": ("vertex_ref[]", True), "twin": ("vertex_ref", False)}
LINK_REFS = {"via": ("vertex_ref", True), "path": ("vertex_ref[]", False)}


def random_graph(seed, key_type, n=150, m=700, refs=False):
    """Vertices and edges in the calls a single Writer gets them in (input order = call order):
    runs of one label, runs of one edge type; parallel edges and self loops included. With
    ``refs``, Person and LINK have vertex_ref and vertex_ref[] attributes too (PERSON_REFS,
    LINK_REFS): null, naming their own vertex or edge source, or any vertex of any shard."""
    rng = np.random.default_rng(seed)
    if key_type == "int":
        keys = rng.choice(10**12, size=n, replace=False).astype(np.int64) - 5 * 10**11
    else:
        keys = np.array([f"k{seed}-{i}-é" for i in range(n)], dtype=object)
    vertex_calls, begin = [], 0
    while begin < n:
        end = min(n, begin + int(rng.integers(1, 40)))
        label = "Person" if rng.random() < 0.6 else "Thing"
        rows = np.arange(begin, end)
        columns = {} if label == "Thing" else {
            name: column_of(rng, t, nullable, len(rows)) for name, (t, nullable) in PERSON.items() if name != "age" or rng.random() < 0.8
        }
        if refs and label == "Person":
            columns.update(ref_columns(rng, n, rows, PERSON_REFS))
        vertex_calls.append((label, rows, columns))
        begin = end
    sources = rng.integers(0, n, size=m)
    targets = rng.integers(0, n, size=m)
    targets[::17] = sources[::17]  # self loops
    sources[1::23], targets[1::23] = sources[0::23][: len(sources[1::23])], targets[0::23][: len(targets[1::23])]  # parallel edges
    edge_calls, begin = [], 0
    while begin < m:
        end = min(m, begin + int(rng.integers(1, 120)))
        edge_type = "LINK" if rng.random() < 0.6 else "KNOWS"
        rows = np.arange(begin, end)
        columns = {} if edge_type == "KNOWS" else {name: column_of(rng, t, nullable, len(rows)) for name, (t, nullable) in LINK.items()}
        if refs and edge_type == "LINK":
            columns.update(ref_columns(rng, n, sources[rows], LINK_REFS))
        edge_calls.append((edge_type, rows, columns))
        begin = end
    return {"keys": keys, "vertex_calls": vertex_calls, "sources": sources, "targets": targets, "edge_calls": edge_calls,
            "key_type": key_type, "refs": refs}


def declare(writer, refs=False):
    writer.add_label("Person", {**PERSON, **PERSON_REFS} if refs else PERSON)
    writer.add_label("Thing")
    return {name: writer.add_edge_type(name, {**props, **LINK_REFS} if refs and name == "LINK" else props)
            for name, props in EDGE_TYPES.items()}


def write_whole(graph, path, shards):
    """The reference: one Writer with shards=K, fed the same calls."""
    writer = mmgraph.Writer(key_type=graph["key_type"], shards=shards, threads=2)
    declare(writer, graph["refs"])
    keys = graph["keys"]
    for label, rows, columns in graph["vertex_calls"]:
        writer.add_vertices(label, keys[rows], {name: as_keys(c, keys) for name, c in columns.items()})
    for edge_type, rows, columns in graph["edge_calls"]:
        writer.add_edges(edge_type, keys[graph["sources"][rows]], keys[graph["targets"][rows]],
                         {name: as_keys(c, keys) for name, c in columns.items()})
    return writer.finish(str(path))["files"]


def final_name(directory, stem, shard, shard_count):
    return directory / (f"{stem}.mmg" if shard_count == 1 else f"{stem}-{shard}-of-{shard_count}.mmg")


def build_by_protocol(graph, directory, stem, K, dataset_id=None):
    """Spec §10.1 phase by phase, each shard encoded by a ShardWriter of its own; with a
    ``dataset_id`` known up front, no sealing. Returns the files and the dataset id."""
    keys = graph["keys"]
    # 1. place: the shard of every vertex, and its rank in input order within the shard.
    shard = mmgraph.shards_of(keys if graph["key_type"] == "int" else list(keys), K)
    local = np.zeros(len(keys), np.uint32)
    for s in range(K):
        members = np.flatnonzero(shard == s)
        local[members] = np.arange(len(members), dtype=np.uint32)
    sizes = np.bincount(shard, minlength=K)
    # 2. resolve: every endpoint as (shard, local index); edges in input order (call order).
    src, dst = graph["sources"], graph["targets"]
    src_shard, src_local, dst_shard, dst_local = shard[src], local[src], shard[dst], local[dst]
    edge_type = np.empty(len(src), dtype=object)
    for name, rows, _ in graph["edge_calls"]:
        edge_type[rows] = name
    type_ids = None
    summaries = []
    for s in range(K):
        writer = mmgraph.ShardWriter(s, sizes, key_type=graph["key_type"], threads=2, dataset_id=dataset_id)
        type_ids = declare(writer, graph["refs"])
        # 3. number this shard's out-edges (needs only its own).
        ordinals = np.zeros(len(src), np.uint32)
        mine = np.flatnonzero(src_shard == s)
        ids = np.array([type_ids[t] for t in edge_type[mine]], dtype=np.uint32)
        ordinals[mine] = mmgraph.out_edge_ordinals(src_local[mine], dst_shard[mine], dst_local[mine], ids)
        for label, rows, columns in graph["vertex_calls"]:
            picked = np.flatnonzero(shard[rows] == s)
            writer.add_vertices(label, keys[rows[picked]],
                                {name: resolve(take(c, picked), shard, local, form) for form, (name, c) in enumerate(columns.items())})
        assert writer.vertex_count == sizes[s]
        # 4. route: out-edges in input order, call by call (an empty call too) ...
        for name, rows, columns in graph["edge_calls"]:
            picked = np.flatnonzero(src_shard[rows] == s)
            e = rows[picked]
            writer.add_out_edges(name, src_local[e], dst_shard[e], dst_local[e],
                                 {n: resolve(take(c, picked), shard, local, form) for form, (n, c) in enumerate(columns.items())})
        summaries.append((writer, ordinals))
    # ... and in-edges from the other shards with the ordinals their source shards gave, shuffled.
    all_ordinals = np.zeros(len(src), np.uint32)
    for s, (_, ordinals) in enumerate(summaries):
        all_ordinals[src_shard == s] = ordinals[src_shard == s]
    rng = np.random.default_rng(K)
    finished = []
    for s, (writer, _) in enumerate(summaries):
        incoming = rng.permutation(np.flatnonzero((dst_shard == s) & (src_shard != s)))
        for name in EDGE_TYPES:
            e = incoming[edge_type[incoming] == name]
            writer.add_in_edges(name, dst_local[e], src_shard[e], src_local[e], all_ordinals[e] if EDGE_TYPES[name] else None)
        # 5. encode under a temporary name.
        summary = writer.finish(str(directory / f"{stem}.part{s}.tmp"))
        assert summary["shard"] == s and summary["shard_count"] == K and summary["vertices"] == sizes[s]
        assert summary["bytes"] == os.path.getsize(summary["file"])
        finished.append(summary)
    # 6. settle the dataset id, seal, 7. publish under the spec's names.
    sealed = dataset_id is None
    dataset_id = mmgraph.dataset_id_of(finished)
    assert isinstance(dataset_id, bytes) and len(dataset_id) == 16
    files = []
    for summary in finished:
        if sealed:
            mmgraph.seal_shard(summary["file"], dataset_id)
        files.append(final_name(directory, stem, summary["shard"], K))
        os.rename(summary["file"], files[-1])
    return files, dataset_id


@pytest.mark.parametrize("K", [1, 3, 4])
@pytest.mark.parametrize("key_type,seed", [("string", 1), ("int", 2)])
def test_protocol_gives_writers_bytes(tmp_path, K, key_type, seed):
    graph = random_graph(seed, key_type)
    (tmp_path / "whole").mkdir()
    (tmp_path / "apart").mkdir()
    expected = write_whole(graph, tmp_path / "whole" / "g.mmg", K)
    got, _ = build_by_protocol(graph, tmp_path / "apart", "g", K)
    assert [os.path.basename(f) for f in expected] == [f.name for f in got]
    for whole, apart in zip(expected, got):
        assert open(whole, "rb").read() == apart.read_bytes(), apart.name
    with mmgraph.open(got[0]) as opened:
        opened.verify()
        assert opened.vertex_count == len(graph["keys"]) and opened.edge_count == len(graph["sources"])


@pytest.mark.parametrize("K", [1, 3, 4])
@pytest.mark.parametrize("key_type,seed", [("string", 11), ("int", 12)])
def test_protocol_with_vertex_references_gives_writers_bytes(tmp_path, K, key_type, seed):
    """vertex_ref and vertex_ref[] attributes of a label and an edge type, resolved with the
    placement of the endpoints (phase 2), in the accepted forms."""
    graph = random_graph(seed, key_type, refs=True)
    (tmp_path / "whole").mkdir()
    (tmp_path / "apart").mkdir()
    expected = write_whole(graph, tmp_path / "whole" / "g.mmg", K)
    got, _ = build_by_protocol(graph, tmp_path / "apart", "g", K)
    for whole, apart in zip(expected, got, strict=True):
        assert open(whole, "rb").read() == apart.read_bytes(), apart.name
    with mmgraph.open(got[0]) as opened:
        opened.verify()


@pytest.mark.parametrize("K", [1, 3, 4])
def test_protocol_gives_write_bytes(tmp_path, K):
    """mmgraph.write() from DataFrames: one call per label and edge type; vertex references by
    key there, resolved with the endpoints' placement for the ShardWriters."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(5)
    n, m = 80, 300
    keys = np.array([f"p{i}" for i in range(n)], dtype=object)
    age = column_of(rng, "int16", True, n)
    boss = rng.integers(0, n, n)
    boss_null = rng.random(n) < 0.3
    people = pd.DataFrame({"key": keys, "name": column_of(rng, "string", True, n), "age": pd.array(age.filled(0), dtype="Int16"),
                           "boss": [None if null else keys[b] for b, null in zip(boss, boss_null)]})
    people.loc[np.ma.getmaskarray(age), "age"] = pd.NA
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    via = [rng.integers(0, n, int(rng.integers(0, 4))) for _ in range(m)]
    links = pd.DataFrame({"source": keys[src], "target": keys[dst], "weight": rng.standard_normal(m),
                          "via": [keys[v].tolist() for v in via]})
    types = {"Person": {"name": ("string", True), "age": ("int16", True), "boss": ("vertex_ref", True)},
             "LINK": {"weight": ("float64", False), "via": ("vertex_ref[]", False)}}
    expected = mmgraph.write(tmp_path / "w.mmg", {"Person": people}, {"LINK": links}, types=types, shards=K)["files"]

    shard = mmgraph.shards_of(people["key"], K)
    local = np.zeros(n, np.uint32)
    for s in range(K):
        local[shard == s] = np.arange(np.count_nonzero(shard == s))
    sizes = np.bincount(shard, minlength=K)
    ordinals = np.zeros(m, np.uint32)
    for s in range(K):
        out = shard[src] == s
        ordinals[out] = mmgraph.out_edge_ordinals(local[src[out]], shard[dst[out]], local[dst[out]], np.zeros(out.sum(), np.uint32))
    summaries = []
    for s in range(K):
        w = mmgraph.ShardWriter(s, sizes)
        w.add_label("Person", types["Person"])
        w.add_edge_type("LINK", types["LINK"])
        mine = shard == s
        bosses = (np.ma.masked_array(shard[boss][mine], boss_null[mine]), np.ma.masked_array(local[boss][mine], boss_null[mine]))
        w.add_vertices("Person", people["key"][mine], {"name": people["name"][mine], "age": people["age"][mine], "boss": bosses})
        out = shard[src] == s
        w.add_out_edges("LINK", local[src[out]], shard[dst[out]], local[dst[out]],
                        {"weight": links["weight"][out], "via": [(shard[via[e]], local[via[e]]) for e in np.flatnonzero(out)]})
        inc = (shard[dst] == s) & (shard[src] != s)
        w.add_in_edges("LINK", local[dst[inc]], shard[src[inc]], local[src[inc]], ordinals[inc])
        summaries.append(w.finish(str(tmp_path / f"t{s}")))
    dataset_id = mmgraph.dataset_id_of(summaries)
    for s, summary in enumerate(summaries):
        mmgraph.seal_shard(summary["file"], dataset_id)
        assert open(summary["file"], "rb").read() == open(expected[s], "rb").read()


def test_dataset_id_given_up_front_needs_no_seal(tmp_path):
    graph = random_graph(3, "int", n=60, m=200)
    (tmp_path / "sealed").mkdir()
    (tmp_path / "given").mkdir()
    sealed, dataset_id = build_by_protocol(graph, tmp_path / "sealed", "g", 3)
    given, _ = build_by_protocol(graph, tmp_path / "given", "g", 3, dataset_id=bytearray(dataset_id))
    for a, b in zip(sealed, given):
        assert a.read_bytes() == b.read_bytes()
    with pytest.raises(mmgraph.MisuseError, match="16 bytes"):
        mmgraph.ShardWriter(0, [40], key_type="int", dataset_id=b"short")


def shard_writer_of(shard, sizes, key_type="int"):
    w = mmgraph.ShardWriter(shard, sizes, key_type=key_type, threads=1)
    declare(w)
    return w


def two_shards(n=30):
    keys = np.arange(n, dtype=np.int64) * 7919
    shard = mmgraph.shards_of(keys, 2)
    return keys, shard, np.bincount(shard, minlength=2)


def test_a_key_of_another_shard_is_refused_and_nothing_added():
    keys, shard, sizes = two_shards()
    w = shard_writer_of(0, sizes)
    batch = np.concatenate([keys[shard == 0][:2], keys[shard == 1][:1]])
    with pytest.raises(mmgraph.InputError, match="belongs to shard 1") as caught:
        w.add_vertices("Thing", batch)
    assert caught.value.row == 2 and "label 'Thing'" in str(caught.value)
    assert w.vertex_count == 0
    w.add_vertices("Thing", keys[shard == 0])
    assert w.vertex_count == sizes[0]


def test_a_reference_past_a_shard_size_is_refused():
    keys, shard, sizes = two_shards()
    w = shard_writer_of(0, sizes)
    w.add_vertices("Thing", keys[shard == 0])
    with pytest.raises(mmgraph.InputError, match=f"past shard 1's {sizes[1]} vertices") as caught:
        w.add_out_edges("KNOWS", [0, 1], [1, 1], [0, sizes[1]])
    assert caught.value.row == 1
    with pytest.raises(mmgraph.InputError, match="past the dataset's 2 shards") as caught:
        w.add_in_edges("KNOWS", [0], [2], [0])
    assert caught.value.row == 0
    with pytest.raises(mmgraph.InputError, match="source is in this shard"):
        w.add_in_edges("KNOWS", [0], [0], [1])
    with pytest.raises(mmgraph.InputError, match="row 0: -1 does not fit uint16"):
        w.add_out_edges("KNOWS", [0], [-1], [0])
    with pytest.raises(mmgraph.InputError, match="columns of different lengths"):
        w.add_out_edges("KNOWS", [0, 1], [1], [0])


def test_bad_types_are_refused():
    keys, shard, sizes = two_shards()
    w = shard_writer_of(0, sizes, key_type="string")
    with pytest.raises(mmgraph.InputError, match="string keys must be str"):
        w.add_vertices("Thing", keys[shard == 0])
    w = shard_writer_of(0, sizes)
    mine = keys[shard == 0]
    with pytest.raises(mmgraph.InputError, match="attribute 'age'"):
        w.add_vertices("Person", mine, {"age": ["old"] * len(mine), "flag": np.ones(len(mine), bool)})
    with pytest.raises(mmgraph.InputError, match="attribute 'flag'"):  # not nullable, left out
        w.add_vertices("Person", mine)
    assert w.vertex_count == 0
    w.add_vertices("Person", mine, {"flag": np.ones(len(mine), bool)})
    with pytest.raises(mmgraph.MisuseError, match="no edge type 'NOPE'"):
        w.add_out_edges("NOPE", [0], [0], [0])
    with pytest.raises(mmgraph.InputError, match="no attribute named 'color'"):
        w.add_out_edges("LINK", [0], [0], [1], {"color": ["red"]})
    with pytest.raises(mmgraph.InputError, match="attribute 'note' row 1: expected str"):
        w.add_out_edges("LINK", [0, 0], [0, 1], [1, 0], {"note": ["x", 5], "hops": [1, 2]})
    with pytest.raises(mmgraph.InputError, match=r"row 1: out-edge 1 \(0:0 -> 1:0\)") as caught:
        w.add_out_edges("LINK", [0, 0], [0, 1], [1, 0], {"hops": np.ma.masked_array([1, 2], mask=[False, True])})
    assert caught.value.row == 1
    w.add_out_edges("LINK", [0], [0], [1], {"hops": [3]})  # the refused calls staged nothing
    with pytest.raises(mmgraph.MisuseError, match="key_type"):
        mmgraph.ShardWriter(0, sizes, key_type="float")
    with pytest.raises(mmgraph.MisuseError, match="shard 2 is not one of the dataset's 2 shards"):
        mmgraph.ShardWriter(2, sizes)


def test_finish_twice_and_calls_after_finish(tmp_path):
    keys, shard, sizes = two_shards()
    w = shard_writer_of(1, sizes)
    w.add_vertices("Thing", keys[shard == 1])
    summary = w.finish(str(tmp_path / "one.tmp"))
    assert summary["edges"] == 0 and w.finished
    assert all(isinstance(c, int) for c in summary["section_checksums"]) and summary["section_checksums"]
    with pytest.raises(mmgraph.MisuseError, match="finished"):
        w.finish(str(tmp_path / "two.tmp"))
    with pytest.raises(mmgraph.MisuseError, match="finished"):
        w.add_vertices("Thing", [])
    assert not (tmp_path / "two.tmp").exists()


def test_a_failed_finish_leaves_no_file(tmp_path):
    keys, shard, sizes = two_shards()
    w = shard_writer_of(0, sizes)
    w.add_vertices("Thing", keys[shard == 0][:1])
    with pytest.raises(mmgraph.InputError, match="were added"):
        w.finish(str(tmp_path / "part.tmp"))
    assert list(tmp_path.iterdir()) == []


def test_vertex_references_must_come_resolved_and_fit_the_shards():
    keys, shard, sizes = two_shards()
    w = mmgraph.ShardWriter(0, sizes, key_type="int", threads=1)
    w.add_label("Person", {"boss": ("vertex_ref", True), "friends": ("vertex_ref[]", True)})
    w.add_edge_type("LINK", {"via": ("vertex_ref", True)})
    mine = keys[shard == 0]
    n = len(mine)
    zeros = np.zeros(n, np.uint32)
    with pytest.raises(mmgraph.InputError, match="takes vertex references resolved, as a pair of columns"):
        w.add_vertices("Person", mine, {"boss": keys[:n]})
    with pytest.raises(mmgraph.InputError, match=f"attribute 'boss' .*past shard 1's {sizes[1]} vertices") as caught:
        w.add_vertices("Person", mine, {"boss": (np.ones(n, np.uint16), np.where(np.arange(n) == 2, sizes[1], 0))})
    assert caught.value.row == 2
    with pytest.raises(mmgraph.InputError, match="attribute 'boss' shards row 1: 70000 does not fit uint16") as caught:
        w.add_vertices("Person", mine, {"boss": ([0, 70000] + [0] * (n - 2), zeros)})
    assert caught.value.row == 1
    with pytest.raises(mmgraph.InputError, match=f"{n - 1} indices for {n} rows"):
        w.add_vertices("Person", mine, {"boss": (zeros, zeros[1:])})
    friends = [None] * n
    friends[3] = ([0, 2], [0, 0])
    with pytest.raises(mmgraph.InputError, match="attribute 'friends'.*item 1: reference 2:0: shard 2 is past the dataset's 2 shards") as caught:
        w.add_vertices("Person", mine, {"friends": friends})
    assert caught.value.row == 3
    friends[3] = [keys[0]]
    with pytest.raises(mmgraph.InputError, match="attribute 'friends' row 3: a resolved vertex_ref\\[\\] value is a pair"):
        w.add_vertices("Person", mine, {"friends": friends})
    friends[3] = ([0], [-1])
    with pytest.raises(mmgraph.InputError, match="row 3: indices item 0 is not from 0 to 4294967295"):
        w.add_vertices("Person", mine, {"friends": friends})
    assert w.vertex_count == 0
    # Nulls in any form, empty lists, and a reference to the vertex itself are fine.
    boss = np.ma.masked_array(np.zeros(n, np.uint16), mask=np.arange(n) % 2 == 0)
    friends = [None, ([], [])] + [([0, 1], [i, 0]) for i in range(2, n)]
    w.add_vertices("Person", mine, {"boss": (boss, np.arange(n) % sizes[0]), "friends": friends})
    assert w.vertex_count == n
    with pytest.raises(mmgraph.InputError, match=r"row 0: out-edge 0 \(0:0 -> 1:0\): attribute 'via'.*past shard 0's") as caught:
        w.add_out_edges("LINK", [0], [1], [0], {"via": ([0], [sizes[0]], [False])})
    w.add_out_edges("LINK", [0, 1], [1, 1], [0, 1], {"via": ([0, 9], [0, 99], [False, True])})  # masked: not checked


def test_writer_takes_vertex_references_by_key_only():
    w = mmgraph.Writer(key_type="int")
    w.add_label("Person", {"boss": ("vertex_ref", True)})
    with pytest.raises(mmgraph.InputError, match="attribute 'boss'"):
        w.add_vertices("Person", [1, 2], {"boss": (np.zeros(2, np.uint16), np.zeros(2, np.uint32))})
    assert w.vertex_count == 0


def test_protocol_function_errors(tmp_path):
    with pytest.raises(mmgraph.InputError, match="summary 0 is of shard 1"):
        mmgraph.dataset_id_of([{"shard": 1, "shard_count": 2, "section_checksums": []},
                               {"shard": 0, "shard_count": 2, "section_checksums": []}])
    junk = tmp_path / "junk"
    junk.write_bytes(b"x" * 200)
    with pytest.raises(mmgraph.DamagedFileError):
        mmgraph.seal_shard(junk, bytes(16))
    with pytest.raises(mmgraph.FileSystemError):
        mmgraph.seal_shard(str(tmp_path / "absent"), bytes(16))
    with pytest.raises(mmgraph.MisuseError, match="16 bytes"):
        mmgraph.seal_shard(str(junk), "not bytes")
    with pytest.raises(mmgraph.InputError, match="different lengths"):
        mmgraph.out_edge_ordinals([0, 1], [0], [0, 1], [0, 0])
    assert mmgraph.out_edge_ordinals([], [], [], []).dtype == np.uint32


def test_out_edge_ordinals_rank_in_stored_order():
    # Two types; type 0's edges in stored order: (0 -> 0:1), (1 -> 0:0), (1 -> 1:0) twice in input order.
    ordinals = mmgraph.out_edge_ordinals([1, 1, 0, 1, 0, 1], [1, 0, 0, 1, 0, 0], [0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 1])
    assert ordinals.dtype == np.uint32
    assert ordinals.tolist() == [2, 1, 0, 3, 0, 1]


def test_shards_of_is_shard_of_elementwise():
    rng = np.random.default_rng(9)
    ints = rng.integers(-(2**63), 2**63 - 1, size=5000, dtype=np.int64)
    for K in (1, 2, 3, 7, 65535):
        got = mmgraph.shards_of(ints, K)
        assert got.dtype == np.uint16 and len(got) == len(ints)
        assert got.tolist() == [mmgraph.shard_of(int(k), K) for k in ints]
    strings = [f"key-{i}-☃" for i in range(3000)] + [""]
    expected = [mmgraph.shard_of(k, 5) for k in strings]
    assert mmgraph.shards_of(strings, 5).tolist() == expected
    assert mmgraph.shards_of(np.array(strings), 5).tolist() == expected
    assert mmgraph.shards_of(tuple(strings), 5).tolist() == expected
    assert mmgraph.shards_of(ints[:10].tolist(), 3).tolist() == mmgraph.shards_of(ints[:10], 3).tolist()
    assert mmgraph.shards_of(ints.astype(np.int32)[:10], 3).tolist() == [mmgraph.shard_of(int(k), 3) for k in ints.astype(np.int32)[:10]]
    big = np.arange(2**21, dtype=np.int64)  # hashed in two halves
    np.testing.assert_array_equal(mmgraph.shards_of(big, 6)[-5:], [mmgraph.shard_of(int(k), 6) for k in big[-5:]])
    assert len(mmgraph.shards_of([], 4)) == 0
    pd = pytest.importorskip("pandas")
    assert mmgraph.shards_of(pd.Series(strings[:50]), 5).tolist() == expected[:50]
    with pytest.raises(mmgraph.InputError, match="string keys must be str") as caught:
        mmgraph.shards_of(["a", b"b"], 2)
    assert caught.value.row == 1
    with pytest.raises(mmgraph.MisuseError, match="1 to 65535 shards"):
        mmgraph.shards_of(ints, 0)


def test_id_spaces_and_label_sets_through_the_shard_writer():
    """A key is placed by its hash seeded with its space; a label set must be declared in phase 1
    and takes its labels' attributes, each name once."""
    keys = np.arange(40, dtype=np.int64)
    in_space = mmgraph.shards_of(keys, 2, space=1)
    assert in_space.tolist() != mmgraph.shards_of(keys, 2).tolist()
    sizes = np.bincount(in_space, minlength=2)
    w = mmgraph.ShardWriter(0, sizes, key_type="int", threads=1)
    w.add_label("Person", {"name": ("string", True)})
    w.add_label("Actor", {"name": ("string", True), "born": ("int32", True)})
    assert w.add_id_space("Person-ID") == 1
    mine, theirs = keys[in_space == 0], keys[in_space == 1]
    with pytest.raises(mmgraph.MisuseError, match="label set 'Person;Actor' was not declared"):
        w.add_vertices(("Actor", "Person"), mine[:1], space="Person-ID")
    with pytest.raises(mmgraph.MisuseError, match="no ID space 'Movie-ID'"):
        w.add_vertices("Person", mine[:1], space="Movie-ID")
    w2 = mmgraph.ShardWriter(0, sizes, key_type="int", threads=1)
    w2.add_label("Person", {"name": ("string", True)})
    w2.add_label("Actor", {"name": ("string", True), "born": ("int32", True)})
    w2.add_id_space("Person-ID")
    w2.declare_label_set(("Person", "Actor"))
    with pytest.raises(mmgraph.InputError, match="in ID space 'Person-ID' mod 2") as caught:
        w2.add_vertices(("Actor", "Person"), np.concatenate([mine[:1], theirs[:1]]), space="Person-ID")
    assert caught.value.row == 1 and w2.vertex_count == 0
    w2.add_vertices(("Actor", "Person"), mine, {"born": np.arange(len(mine), dtype=np.int32)}, space="Person-ID")
    assert w2.vertex_count == len(mine)
    with pytest.raises(mmgraph.InputError, match="no attribute named 'age'"):
        w2.add_vertices(("Actor", "Person"), mine[:0], {"age": []}, space="Person-ID")
