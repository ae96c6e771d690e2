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


def take(column, rows):
    """The rows of a column, in order: masked arrays by index, lists item by item."""
    if isinstance(column, np.ndarray):
        return column[rows]
    return [column[i] for i in rows]


def random_graph(seed, key_type, n=150, m=700):
    """Vertices and edges in the calls a single Writer gets them in (input order = call order):
    runs of one label, runs of one edge type; parallel edges and self loops included."""
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
        edge_calls.append((edge_type, rows, columns))
        begin = end
    return {"keys": keys, "vertex_calls": vertex_calls, "sources": sources, "targets": targets, "edge_calls": edge_calls,
            "key_type": key_type}


def declare(writer):
    writer.add_label("Person", PERSON)
    writer.add_label("Thing")
    return {name: writer.add_edge_type(name, props) for name, props in EDGE_TYPES.items()}


def write_whole(graph, path, shards):
    """The reference: one Writer with shards=K, fed the same calls."""
    writer = mmgraph.Writer(key_type=graph["key_type"], shards=shards, threads=2)
    declare(writer)
    keys = graph["keys"]
    for label, rows, columns in graph["vertex_calls"]:
        writer.add_vertices(label, keys[rows], columns)
    for edge_type, rows, columns in graph["edge_calls"]:
        writer.add_edges(edge_type, keys[graph["sources"][rows]], keys[graph["targets"][rows]], columns)
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
        type_ids = declare(writer)
        # 3. number this shard's out-edges (needs only its own).
        ordinals = np.zeros(len(src), np.uint32)
        mine = np.flatnonzero(src_shard == s)
        ids = np.array([type_ids[t] for t in edge_type[mine]], dtype=np.uint32)
        ordinals[mine] = mmgraph.out_edge_ordinals(src_local[mine], dst_shard[mine], dst_local[mine], ids)
        for label, rows, columns in graph["vertex_calls"]:
            picked = np.flatnonzero(shard[rows] == s)
            writer.add_vertices(label, keys[rows[picked]], {name: take(c, picked) for name, c in columns.items()})
        assert writer.vertex_count == sizes[s]
        # 4. route: out-edges in input order, call by call (an empty call too) ...
        for name, rows, columns in graph["edge_calls"]:
            picked = np.flatnonzero(src_shard[rows] == s)
            e = rows[picked]
            writer.add_out_edges(name, src_local[e], dst_shard[e], dst_local[e], {n: take(c, picked) for n, c in columns.items()})
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


def test_protocol_gives_write_bytes(tmp_path):
    """mmgraph.write() from DataFrames: one call per label and edge type."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(5)
    n, m = 80, 300
    keys = np.array([f"p{i}" for i in range(n)], dtype=object)
    age = column_of(rng, "int16", True, n)
    people = pd.DataFrame({"key": keys, "name": column_of(rng, "string", True, n), "age": pd.array(age.filled(0), dtype="Int16")})
    people.loc[np.ma.getmaskarray(age), "age"] = pd.NA
    links = pd.DataFrame({"source": keys[rng.integers(0, n, m)], "target": keys[rng.integers(0, n, m)],
                          "weight": rng.standard_normal(m)})
    types = {"Person": {"name": ("string", True), "age": ("int16", True)}, "LINK": {"weight": ("float64", False)}}
    expected = mmgraph.write(tmp_path / "w.mmg", {"Person": people}, {"LINK": links}, types=types, shards=3)["files"]

    shard = mmgraph.shards_of(people["key"], 3)
    local = np.zeros(n, np.uint32)
    for s in range(3):
        local[shard == s] = np.arange(np.count_nonzero(shard == s))
    sizes = np.bincount(shard, minlength=3)
    index = {k: i for i, k in enumerate(keys)}
    src = np.array([index[k] for k in links["source"]])
    dst = np.array([index[k] for k in links["target"]])
    ordinals = np.zeros(m, np.uint32)
    for s in range(3):
        out = shard[src] == s
        ordinals[out] = mmgraph.out_edge_ordinals(local[src[out]], shard[dst[out]], local[dst[out]], np.zeros(out.sum(), np.uint32))
    summaries = []
    for s in range(3):
        w = mmgraph.ShardWriter(s, sizes)
        w.add_label("Person", types["Person"])
        w.add_edge_type("LINK", types["LINK"])
        mine = people[shard == s]
        w.add_vertices("Person", mine["key"], {"name": mine["name"], "age": mine["age"]})
        out = shard[src] == s
        w.add_out_edges("LINK", local[src[out]], shard[dst[out]], local[dst[out]], {"weight": links["weight"][out]})
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


def test_vertex_ref_attributes_are_refused():
    w = mmgraph.ShardWriter(0, [3])
    with pytest.raises(mmgraph.InputError, match="attribute 'friend' holds vertex references, which ShardWriter does not take"):
        w.add_label("Person", {"friend": "vertex_ref"})
    with pytest.raises(mmgraph.InputError, match="vertex references"):
        w.add_edge_type("LINK", {"via": ("vertex_ref[]", True)})


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
