"""Seeded random graphs with every attribute type and nulls, written through mmgraph.Writer, and
the programs of the build tree that some tests run."""

import os
import pathlib

import numpy as np
import pytest

import mmgraph

ROOT = pathlib.Path(__file__).resolve().parents[2]


def built_program(variable, relative):
    """A program of the build tree: $variable when set (run_tests.sh sets it from $BUILD_DIR), else
    <repository>/<$BUILD_DIR or build>/<relative>."""
    given = os.environ.get(variable)
    return pathlib.Path(given) if given else ROOT / os.environ.get("BUILD_DIR", "build") / relative


def require_program(variable, relative, target):
    """built_program(), or a skip naming what to build when it is absent."""
    path = built_program(variable, relative)
    if not path.is_file():
        pytest.skip(f"{path} is not built (cmake --build build --target {target}, or set {variable})")
    return path

SCALARS = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]


def random_column(rng, type_name, n, keys):
    """(values to give the writer, null mask)."""
    nulls = rng.random(n) < 0.2
    if type_name == "string[]":
        values = [[str(x) for x in rng.integers(0, 100, size=rng.integers(0, 4))] for _ in range(n)]
    elif type_name.endswith("[]"):
        element = type_name[:-2]
        values = [random_column(rng, element, int(rng.integers(0, 4)), keys)[0] for _ in range(n)]
    elif type_name == "bool":
        values = rng.random(n) < 0.5
    elif type_name.startswith(("int", "uint")):
        info = np.iinfo(np.dtype(type_name))
        values = rng.integers(info.min, info.max, size=n, dtype=np.dtype(type_name), endpoint=True)
    elif type_name.startswith("float"):
        values = rng.standard_normal(n).astype(type_name)
    elif type_name == "string":
        values = np.array(["".join(rng.choice(list("abcé☃"), size=rng.integers(0, 6))) for _ in range(n)], dtype=object)
    elif type_name == "bytes":
        values = np.array([rng.bytes(int(rng.integers(0, 5))) for _ in range(n)], dtype=object)
    elif type_name == "vertex_ref":
        values = rng.integers(0, n, size=n)
    else:
        raise AssertionError(type_name)
    return values, nulls


def random_graph(seed, n=60, m=200, key_type="string"):
    rng = np.random.default_rng(seed)
    if key_type == "int":
        keys = rng.choice(10**12, size=n, replace=False).astype(np.int64)
    else:
        keys = np.array([f"v{seed}-{i}" for i in range(n)], dtype=object)
    types = SCALARS + ["string", "bytes", "vertex_ref"] + [t + "[]" for t in SCALARS] + ["string[]"]
    attributes = {f"a_{t.replace('[]', '_list')}": (t, True) for t in types}
    attributes["required"] = ("int32", False)
    columns, masks = {}, {}
    for name, (type_name, _) in attributes.items():
        values, nulls = random_column(rng, type_name, n, keys)
        if name == "required":
            nulls[:] = False
        if type_name == "vertex_ref":
            values = keys[values]
        masks[name] = nulls
        if type_name in SCALARS:
            columns[name] = np.ma.masked_array(values, mask=nulls)
        else:
            as_list = list(values)
            for i in np.flatnonzero(nulls):
                as_list[i] = None
            columns[name] = as_list
    sources = rng.integers(0, n, size=m)
    targets = rng.integers(0, n, size=m)
    weight = rng.standard_normal(m)
    weight[rng.random(m) < 0.3] = np.nan
    return {"keys": keys, "attributes": attributes, "columns": columns, "masks": masks,
            "sources": sources, "targets": targets, "weight": weight}


def write_graph(graph, path, key_type="string", **options):
    writer = mmgraph.Writer(key_type=key_type, **options)
    writer.add_label("Thing", graph["attributes"])
    writer.add_edge_type("LINK", {"weight": ("float64", True)})
    writer.add_vertices("Thing", graph["keys"], graph["columns"])
    keys = graph["keys"]
    writer.add_edges("LINK", keys[graph["sources"]], keys[graph["targets"]], {"weight": graph["weight"]})
    return writer.finish(str(path))


@pytest.fixture
def small_file(tmp_path):
    graph = random_graph(7)
    path = tmp_path / "small.mmg"
    write_graph(graph, path)
    return path, graph
