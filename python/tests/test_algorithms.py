"""degrees(), csr(), to_scipy() and bfs() against networkx on the same random graphs."""

import numpy as np
import pytest

import mmgraph
from conftest import random_graph, write_graph

nx = pytest.importorskip("networkx")


def reference(f):
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(f.vertex_count))
    edges = f.edges()
    g.add_edges_from(zip(edges["source"].tolist(), edges["target"].tolist()))
    return g


@pytest.mark.parametrize("shards,store_in_edges", [(1, True), (1, False), (3, True)])
def test_csr_and_degrees_match_networkx(tmp_path, shards, store_in_edges):
    stats = write_graph(random_graph(21, n=80, m=400), tmp_path / "g.mmg", shards=shards, store_in_edges=store_in_edges)
    with mmgraph.open(stats["files"][0]) as f:
        g = reference(f)
        for direction, graph in (("out", g), ("in", g.reverse(copy=True))):
            indptr, indices = f.csr(direction)
            assert indptr.dtype == np.int64 and len(indptr) == f.vertex_count + 1
            for v in range(f.vertex_count):
                assert sorted(indices[indptr[v]:indptr[v + 1]].tolist()) == sorted(w for _, w in graph.out_edges(v))
            np.testing.assert_array_equal(f.degrees(direction), np.diff(indptr))
            if store_in_edges or direction == "out":
                assert f.vertex(5).degree(direction) == indptr[6] - indptr[5]


@pytest.mark.parametrize("shards,store_in_edges", [(1, True), (1, False), (2, True)])
def test_bfs_matches_networkx(tmp_path, shards, store_in_edges):
    stats = write_graph(random_graph(22, n=120, m=150), tmp_path / "g.mmg", shards=shards, store_in_edges=store_in_edges)
    with mmgraph.open(stats["files"][0]) as f:
        g = reference(f)
        for source in (0, 17, f.vertex_count - 1):
            for direction, graph in (("out", g), ("in", g.reverse(copy=True))):
                distances = f.bfs(source, direction)
                assert distances.dtype == np.int32
                want = nx.single_source_shortest_path_length(graph, source)
                expected = np.full(f.vertex_count, -1, dtype=np.int32)
                for v, d in want.items():
                    expected[v] = d
                np.testing.assert_array_equal(distances, expected)
        np.testing.assert_array_equal(f.bfs(f.vertex(3)), f.bfs(3))


def test_to_scipy_and_type_filter(tmp_path):
    sparse = pytest.importorskip("scipy.sparse")
    stats = write_graph(random_graph(23), tmp_path / "g.mmg")
    with mmgraph.open(stats["files"][0]) as f:
        matrix = f.to_scipy()
        assert isinstance(matrix, sparse.csr_array) and matrix.shape == (f.vertex_count, f.vertex_count)
        assert matrix.sum() == f.edge_count
        np.testing.assert_array_equal(f.csr(type="LINK")[1], f.csr()[1])
        with pytest.raises(mmgraph.MisuseError):
            f.csr(type="NOPE")


def test_find_many_and_find(tmp_path):
    graph = random_graph(24)
    write_graph(graph, tmp_path / "g.mmg")
    with mmgraph.open(tmp_path / "g.mmg") as f:
        keys = list(graph["keys"]) + ["absent"]
        found = f.find_many(keys)
        assert found.dtype == np.int64 and found[-1] == -1
        for key, index in zip(keys[:-1], found[:-1]):
            assert f.find(key).index == index and f.vertex(int(index)).key == key
        assert f.find("absent") is None
