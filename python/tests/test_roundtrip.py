"""numpy -> file -> numpy and pandas round trips on seeded random graphs with every type and nulls."""

import numpy as np
import pytest

import mmgraph
from conftest import SCALARS, random_graph, write_graph


def index_by_key(f, keys):
    indices = f.find_many(list(keys))
    assert (indices >= 0).all()
    return indices


def expected_value(graph, name, row):
    if graph["masks"][name][row]:
        return None
    column = graph["columns"][name]
    return column.data[row] if isinstance(column, np.ma.MaskedArray) else column[row]


def assert_same(type_name, got, want, f):
    if want is None:
        assert got is None
    elif type_name == "vertex_ref":
        assert got.key == want
    elif type_name == "bytes":
        assert isinstance(got, memoryview) and bytes(got) == want
    elif type_name == "string[]":
        assert got == list(want)
    elif type_name.endswith("[]"):
        assert isinstance(got, np.ndarray) and got.dtype == np.dtype(type_name[:-2])
        np.testing.assert_array_equal(got, np.asarray(want, dtype=type_name[:-2]))
    elif type_name.startswith("float"):
        assert got == pytest.approx(float(want), rel=1e-6)
    else:
        assert got == want


@pytest.mark.parametrize("seed,key_type,shards", [(1, "string", 1), (2, "int", 1), (3, "string", 3), (4, "int", 2)])
def test_vertex_values_round_trip(tmp_path, seed, key_type, shards):
    graph = random_graph(seed, key_type=key_type)
    path = tmp_path / "g.mmg"
    stats = write_graph(graph, path, key_type=key_type, shards=shards)
    assert stats["vertices"] == len(graph["keys"]) and len(stats["files"]) == shards
    with mmgraph.open(path if shards == 1 else stats["files"][0], verify=True) as f:
        assert isinstance(f, mmgraph.File if shards == 1 else mmgraph.Dataset)
        assert f.key_type == key_type
        assert f.vertex_count == len(graph["keys"]) and f.edge_count == len(graph["sources"])
        indices = index_by_key(f, graph["keys"])
        for row, index in enumerate(indices):
            v = f.vertex(int(index))
            assert v.key == graph["keys"][row] and v.label == "Thing"
            values = v.attributes()
            for name, (type_name, _) in graph["attributes"].items():
                assert_same(type_name, values[name], expected_value(graph, name, row), f)


@pytest.mark.parametrize("shards", [1, 2])
def test_edges_round_trip(tmp_path, shards):
    graph = random_graph(11)
    path = tmp_path / "g.mmg"
    stats = write_graph(graph, path, shards=shards)
    with mmgraph.open(stats["files"][0]) as f:
        keys = graph["keys"]
        index = index_by_key(f, keys)
        want = sorted(zip(index[graph["sources"]].tolist(), index[graph["targets"]].tolist(),
                          [None if np.isnan(w) else float(w) for w in graph["weight"]]), key=repr)
        edges = f.edges()
        got = sorted(zip(edges["source"].tolist(), edges["target"].tolist(),
                         [None if w is None or w is np.nan or str(w) == "<NA>" else float(w)
                          for w in edges["weight"].astype(object).where(edges["weight"].notna(), None)]), key=repr)
        assert got == want
        assert list(edges["type"].unique()) == ["LINK"]


def test_vertices_dataframe_nullable_dtypes(tmp_path):
    graph = random_graph(5)
    path = tmp_path / "g.mmg"
    write_graph(graph, path)
    with mmgraph.open(path) as f:
        df = f.vertices()
        assert list(df.columns[:3]) == ["index", "key", "label"]
        assert len(df) == len(graph["keys"])
        order = df["key"].map({k: i for i, k in enumerate(graph["keys"])}).to_numpy()
        for type_name in SCALARS:
            name = f"a_{type_name}"
            column = df[name]
            assert str(column.dtype).lower().startswith(type_name.replace("bool", "boolean")[:4].lower())
            np.testing.assert_array_equal(column.isna().to_numpy(), graph["masks"][name][order])
            present = ~graph["masks"][name][order]
            np.testing.assert_array_equal(column[present].to_numpy(dtype=type_name),
                                          graph["columns"][name].data[order][present])
        assert str(df["a_string"].dtype) == "string"
        assert (df["a_vertex_ref"].dropna() >= 0).all()
        assert f.vertices("Thing").shape == df.shape


def test_write_from_dataframes_round_trip(tmp_path):
    pd = pytest.importorskip("pandas")
    people = pd.DataFrame({
        "key": ["ann", "bob", "cy"],
        "age": pd.array([31, None, 7], dtype="Int16"),
        "score": [1.5, np.nan, 2.0],
        "name": pd.array(["Ann", None, "Cy"], dtype="string"),
        "tags": [["a"], [], None],
        "ok": [True, False, True],
    })
    knows = pd.DataFrame({"source": ["ann", "bob"], "target": ["bob", "cy"], "since": [2001, 2002]})
    stats = mmgraph.write(tmp_path / "p.mmg", vertices={"Person": people}, edges={"KNOWS": knows})
    assert stats["vertices"] == 3 and stats["edges"] == 2
    with mmgraph.open(tmp_path / "p.mmg") as f:
        person = f.labels[0]
        types = {a.name: (a.type, a.nullable) for a in person.attributes}
        assert types == {"age": ("int16", True), "score": ("float64", True), "name": ("string", True),
                         "tags": ("string[]", True), "ok": ("bool", False)}
        df = f.vertices("Person").set_index("key")
        assert df.loc["bob", "age"] is pd.NA and df.loc["cy", "age"] == 7
        assert df.loc["bob", "score"] is pd.NA
        assert df.loc["ann", "tags"] == ["a"] and df.loc["cy", "tags"] is None
        assert f.find("ann").neighbors().tolist() == [f.find("bob").index]
        assert f.edges()["since"].tolist() == [2001, 2002]


def test_from_networkx_round_trip(tmp_path):
    nx = pytest.importorskip("networkx")
    g = nx.gnp_random_graph(30, 0.15, seed=3, directed=True)
    for node in g.nodes:
        g.nodes[node]["weight"] = node * 0.5
    mmgraph.from_networkx(g, tmp_path / "nx.mmg")
    with mmgraph.open(tmp_path / "nx.mmg") as f:
        back = f.to_networkx()
        relabel = {i: back.nodes[i]["key"] for i in back.nodes}
        back = nx.relabel_nodes(back, relabel)
        assert sorted(back.edges()) == sorted(g.edges())
        assert all(back.nodes[n]["weight"] == n * 0.5 for n in g.nodes)


def test_zero_copy_views(tmp_path):
    graph = random_graph(9)
    write_graph(graph, tmp_path / "g.mmg")
    with mmgraph.open(tmp_path / "g.mmg") as f:
        for index in range(f.vertex_count):
            values = f.vertex(index).attributes()
            if values["a_int32_list"] is not None and len(values["a_int32_list"]):
                view = values["a_int32_list"]
                assert not view.flags.owndata and not view.flags.writeable
                assert view.base is not None
                return
    pytest.fail("no non-empty list in the sample")


def test_unpickled_columns_are_taken(tmp_path):
    # Unpickled arrays (as Dask workers receive them) carry dtype objects equal to, but not the
    # same object as, numpy's own; the writer must compare dtypes by value.
    import pickle
    keys = pickle.loads(pickle.dumps(np.arange(5, dtype=np.int64)))
    sizes = pickle.loads(pickle.dumps(np.array([3, 1, 4, 1, 5], dtype=np.uint32)))
    writer = mmgraph.Writer(key_type="int")
    writer.add_label("Thing", {"size": "uint32"})
    writer.add_vertices("Thing", keys, {"size": sizes})
    writer.finish(str(tmp_path / "t.mmg"))
    with mmgraph.open(tmp_path / "t.mmg") as f:
        assert [f.find(k)["size"] for k in range(5)] == [3, 1, 4, 1, 5]
