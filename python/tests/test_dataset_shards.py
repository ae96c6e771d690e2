"""A Dataset's shards as File objects: what they read, how their answers compose into the
dataset's, and their lifetimes (closed with the dataset, released in any order)."""

import gc
import itertools

import numpy as np
import pytest

import mmgraph
from conftest import random_graph, write_graph


@pytest.fixture(params=[True, False], ids=["in-edges", "no-in-edges"])
def dataset_path(request, tmp_path):
    stats = write_graph(random_graph(41, n=90, m=400), tmp_path / "g.mmg", shards=3, store_in_edges=request.param)
    return stats["files"][0]


def test_shards_are_files_of_their_shard(dataset_path):
    with mmgraph.open(dataset_path) as ds:
        shards = ds.shards
        assert isinstance(shards, tuple) and len(shards) == ds.shard_count == 3
        first = ds.shard_first_index()
        for shard, f in enumerate(shards):
            assert isinstance(f, mmgraph.File) and not isinstance(f, mmgraph.Dataset)
            assert f.shard_id == shard and f.shard_count == 3 and f.path == ds.shard_paths[shard]
            assert f.index_range == range(first[shard], first[shard + 1]) and len(f) == f.vertex_count == len(f.index_range)
            assert f.version == (2, 6) and [s.name for s in f.sections][:2] == ["strings", "schema"]
            assert f"shard {shard} of 3" in repr(f)
            assert ds.shard(shard).index_range == f.index_range and ds.shard(shard - 3).shard_id == shard
            f.verify()
        assert sum(f.edge_count for f in shards) == ds.edge_count
        for entry, parts in zip(ds.labels, zip(*(f.labels for f in shards))):
            assert entry.count == sum(p.count for p in parts) and entry.attributes[0].name == parts[0].attributes[0].name
        for bad in (3, -4):
            with pytest.raises(mmgraph.MisuseError):
                ds.shard(bad)


def test_shard_vertices_are_the_datasets(dataset_path):
    with mmgraph.open(dataset_path) as ds:
        for f in ds.shards:
            assert f.vertex(-1).index == f.index_range[-1]
            for index in f.index_range:
                mine, theirs = f.vertex(index), ds.vertex(index)
                assert (mine.index, mine.shard, mine.key, mine.label) == (theirs.index, theirs.shard, theirs.key, theirs.label)
                assert repr(mine) == repr(theirs)
                for direction in ("out", "in") if ds.has_in_edges else ("out",):
                    np.testing.assert_array_equal(mine.neighbors(direction), theirs.neighbors(direction))
                    assert mine.edges(direction).types == theirs.edges(direction).types
                assert f.find(mine.key) == mine
            outside = [i for i in range(ds.vertex_count) if i not in f.index_range]
            with pytest.raises(mmgraph.MisuseError, match=r"not in shard \d, whose vertices are range"):
                f.vertex(outside[0])
            # A key of another shard is not in this one; references still resolve anywhere.
            assert f.find(ds.vertex(outside[0]).key) is None
            keys = [ds.vertex(i).key for i in range(ds.vertex_count)]
            expected = [i if i in f.index_range else -1 for i in range(ds.vertex_count)]
            np.testing.assert_array_equal(f.find_many(keys), expected)


def test_shard_arrays_compose_into_the_datasets(dataset_path):
    with mmgraph.open(dataset_path) as ds:
        shards = ds.shards
        for direction in ("out", "in"):
            np.testing.assert_array_equal(np.concatenate([f.degrees(direction) for f in shards]), ds.degrees(direction))
            indptr, indices = ds.csr(direction, type="LINK")
            parts = [f.csr(direction, type="LINK") for f in shards]
            np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), indices)
            offsets = np.cumsum([0] + [len(p[1]) for p in parts])
            np.testing.assert_array_equal(np.concatenate([p[0][:-1] + o for p, o in zip(parts, offsets)] + [[offsets[-1]]]), indptr)
            for f in shards:
                np.testing.assert_array_equal(f.bfs(f.index_range.start, direction), ds.bfs(f.index_range.start, direction))


def test_shard_tables_compose_into_the_datasets(dataset_path):
    pd = pytest.importorskip("pandas")
    with mmgraph.open(dataset_path) as ds:
        for method in ("vertices", "edges"):
            whole = getattr(ds, method)()
            parts = pd.concat([getattr(f, method)() for f in ds.shards], ignore_index=True)
            pd.testing.assert_frame_equal(parts, whole)
        sparse = pytest.importorskip("scipy.sparse")
        stacked = sparse.vstack([f.to_scipy() for f in ds.shards])
        assert stacked.shape == (ds.vertex_count, ds.vertex_count) and (stacked != ds.to_scipy()).nnz == 0


def test_a_single_file_is_its_own_only_shard(small_file):
    path, graph = small_file
    with mmgraph.open(path) as f:
        assert f.shard_id == 0 and f.index_range == range(len(graph["keys"])) and not hasattr(f, "shards")


# --- lifetimes -----------------------------------------------------------------------------------

def test_closing_the_dataset_closes_its_shard_files(dataset_path):
    ds = mmgraph.open(dataset_path)
    shard = ds.shard(1)
    vertex = shard.vertex(shard.index_range.start)
    neighbour_view = shard.csr()[1]
    values = [v for v in (shard.vertex(i)["a_int64_list"] for i in shard.index_range) if v is not None][0]
    copy = values.copy()
    ds.close()
    assert shard.closed and ds.closed and "closed" in repr(shard)
    for use in (lambda: shard.vertex_count, lambda: shard.csr(), lambda: vertex.key, lambda: vertex.neighbors(),
                lambda: shard.find("x"), lambda: shard.index_range, lambda: ds.shards, lambda: ds.shard(0)):
        with pytest.raises(mmgraph.ClosedError):
            use()
    np.testing.assert_array_equal(values, copy)  # views keep the mapping
    assert len(neighbour_view) == len(neighbour_view)


def test_closing_a_shard_file_leaves_the_dataset_open(dataset_path):
    with mmgraph.open(dataset_path) as ds:
        with ds.shard(0) as f:
            vertex = f.vertex(0)
        assert f.closed and not ds.closed
        with pytest.raises(mmgraph.ClosedError):
            vertex.attributes()
        again = ds.shard(0)
        assert not again.closed and again.vertex(0).key == ds.vertex(0).key
        assert not ds.shard(2).closed


def test_shard_files_outlive_their_dataset_object(dataset_path):
    ds = mmgraph.open(dataset_path)
    f = ds.shard(2)
    key = ds.vertex(f.index_range.start).key
    del ds  # dropped, not closed: the shard File keeps the mapping
    gc.collect()
    assert f.vertex(f.index_range.start).key == key and f.degrees().sum() >= 0
    f.close()


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_release_in_any_order(dataset_path, order):
    ds = mmgraph.open(dataset_path)
    shard = ds.shard(1)
    vertex = shard.vertex(shard.index_range.start)
    indptr, _ = shard.csr()
    objects = [ds, shard, vertex, indptr]
    if order[0] == 0:
        ds.close()  # closing first, then releasing, must not matter either
    for position in order:
        objects[position] = None
        gc.collect()
