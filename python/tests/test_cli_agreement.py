"""The sample graph (examples/data/debian-packages) read from Python agrees with the CLI.

`mmgraph get --json` against find(), vertex(), .index, .key, .label, attributes() and degree(),
and `mmgraph neighbors --json` (both directions, all types and each type) against neighbors(),
edges() and degree(), for a seeded sample of vertices plus the hubs and each label's first and
last vertex: in a single file built by `mmgraph build`, and in a 3-shard dataset read through the
Dataset and through its shard Files.
"""

import base64
import json
import math
import subprocess

import numpy as np
import pytest

import mmgraph
from conftest import ROOT, require_program

SAMPLE = ROOT / "examples" / "data" / "debian-packages"


@pytest.fixture(scope="module")
def cli():
    return require_program("MMGRAPH_CLI", "cli/mmgraph", "mmgraph")


def build_sample(cli, output, shards=1):
    """The sample graph built as tests/viewer/viewer_test.sh builds it, into `shards` files."""
    args = [cli, "build", "-q", "-o", output, "--threads", "2", "--shards", str(shards)]
    for path in sorted(SAMPLE.glob("nodes-*.csv")):
        args += ["--nodes", path]
    for path in sorted(SAMPLE.glob("edges-*.csv")):
        args += ["--edges", path]
    subprocess.run(args, check=True, capture_output=True)
    return output


@pytest.fixture(scope="module")
def sample_file(cli, tmp_path_factory):
    return build_sample(cli, tmp_path_factory.mktemp("sample") / "deb.mmg")


@pytest.fixture(scope="module")
def sample_dataset(cli, tmp_path_factory):
    return build_sample(cli, tmp_path_factory.mktemp("sharded") / "deb.mmg", shards=3)


def run_json(cli, *args):
    done = subprocess.run([str(cli), *map(str, args), "--json"], capture_output=True, text=True)
    assert done.returncode == 0, f"mmgraph {' '.join(map(str, args))}: {done.stderr}"
    return json.loads(done.stdout)


def chosen(graph, count=100, seed=16):
    """A seeded sample of the graph's own vertices, the 8 highest degrees each way, and every
    label's first and last vertex (global indices, sorted)."""
    own = np.asarray(graph.index_range)
    rng = np.random.default_rng(seed)
    picked = set(rng.choice(own, size=min(count, len(own)), replace=False).tolist())
    for direction in ("out", "in"):
        picked.update(own[np.argsort(graph.degrees(direction), kind="stable")[-8:]].tolist())
    by_label = {}
    for index in own.tolist():
        by_label.setdefault(graph.vertex(index).label, []).append(index)
    for indices in by_label.values():
        picked.update((indices[0], indices[-1]))
    return sorted(picked)


# --- values as the CLI prints them (cli/src/values.cpp) -----------------------------------------

def as_json(value, type_name):
    """A value from Python in the CLI's JSON form: bytes as base64, a reference as the key, lists
    as lists; float32 as numpy float32 on both sides (the CLI prints its shortest decimal)."""
    element = type_name[:-2] if type_name.endswith("[]") else type_name
    if value is None:
        return None
    if type_name.endswith("[]"):
        return [as_json(item.item() if isinstance(item, np.generic) else item, element) for item in value]
    if isinstance(value, memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, mmgraph.Vertex):
        return value.key
    if isinstance(value, float):
        if not math.isfinite(value):
            return None  # JSON has no NaN or infinity: the CLI prints null
        return np.float32(value) if element == "float32" else value
    return value


def cli_json(value, type_name):
    """The CLI's JSON value, with float32 as numpy float32 for as_json() to compare with."""
    element = type_name[:-2] if type_name.endswith("[]") else type_name
    if element != "float32" or value is None:
        return value
    return [None if v is None else np.float32(v) for v in value] if type_name.endswith("[]") else np.float32(value)


def schema(entries):
    return {entry.name: {a.name: a.type for a in entry.attributes} for entry in entries}


def check_get(graph, got, vertex):
    """`mmgraph get --json` output against a Vertex of `graph` (a File or Dataset)."""
    assert got["key"] == vertex.key and got["label"] == vertex.label
    types = schema(graph.labels)[vertex.label]
    attributes = vertex.attributes()
    assert list(got["attributes"]) == list(attributes)  # the schema's order
    for name, value in attributes.items():
        assert cli_json(got["attributes"][name], types[name]) == as_json(value, types[name]), (vertex.key, name)
    for direction in ("out", "in"):
        by_type = {t.name: vertex.degree(direction, t.name) for t in graph.edge_types}
        assert got[f"{direction}_degree"] == {name: n for name, n in by_type.items() if n}
        assert sum(by_type.values()) == vertex.degree(direction)


def expected_neighbors(graph, vertex, type_name=None, sharded=False):
    """What `mmgraph neighbors --direction both --json` prints for `vertex`, from Python."""
    first = graph.shard_first_index() if sharded else None
    properties = schema(graph.edge_types)
    out = []
    for direction in ("out", "in"):
        edges = vertex.edges(direction, type=type_name)
        np.testing.assert_array_equal(edges.targets, vertex.neighbors(direction, type=type_name))
        assert len(edges.targets) == vertex.degree(direction, type_name) == len(edges.types) == len(edges.properties)
        for target, edge_type, props in zip(edges.targets.tolist(), edges.types, edges.properties):
            other = graph.vertex(target)
            # The files here give each vertex one label.
            entry = {"index": target, "key": other.key, "labels": [other.label], "type": edge_type, "direction": direction,
                     "properties": {name: as_json(v, properties[edge_type][name]) for name, v in props.items()}}
            if sharded:
                entry["index"] = target - first[other.shard]
                entry["shard"] = other.shard
            out.append(entry)
    return out


def cli_neighbors(cli, path, key, type_name=None, edge_types=None):
    args = ["neighbors", path, "--key", key, "--direction", "both"] + (["--type", type_name] if type_name else [])
    got = run_json(cli, *args)
    for edge in got:
        edge["properties"] = {name: cli_json(v, edge_types[edge["type"]][name]) for name, v in edge["properties"].items()}
    return got


# --- the single file ------------------------------------------------------------------------------

def test_get_agrees_with_find_attributes_label_and_degrees(cli, sample_file):
    with mmgraph.open(sample_file) as f:
        assert f.vertex_count == 1600 and f.edge_count == 4341
        indices = chosen(f)
        keys = [f.vertex(i).key for i in indices]
        np.testing.assert_array_equal(f.find_many(keys), indices)
        for index, key in zip(indices, keys):
            got = run_json(cli, "get", sample_file, "--key", key)
            vertex = f.find(key)
            assert vertex.index == got["index"] == index and "shard" not in got
            check_get(f, got, vertex)
        for index in indices[::10]:
            check_get(f, run_json(cli, "get", sample_file, "--index", index), f.vertex(index))


def test_neighbors_agree_in_both_directions(cli, sample_file):
    with mmgraph.open(sample_file) as f:
        edge_types = schema(f.edge_types)
        for index in chosen(f):
            vertex = f.vertex(index)
            assert cli_neighbors(cli, sample_file, vertex.key, edge_types=edge_types) == expected_neighbors(f, vertex)


def test_neighbors_by_type_agree(cli, sample_file):
    with mmgraph.open(sample_file) as f:
        edge_types = schema(f.edge_types)
        hubs = set()
        for direction in ("out", "in"):
            hubs.update(np.argsort(f.degrees(direction), kind="stable")[-6:].tolist())
        for index in sorted(hubs) + chosen(f, count=10, seed=17)[:10]:
            vertex = f.vertex(index)
            for type_name in edge_types:
                got = cli_neighbors(cli, sample_file, vertex.key, type_name, edge_types)
                assert got == expected_neighbors(f, vertex, type_name), (vertex.key, type_name)
                assert all(edge["type"] == type_name for edge in got)


# --- the 3-shard dataset and its shard Files -------------------------------------------------------

def test_dataset_agrees_with_get_and_neighbors(cli, sample_dataset):
    with mmgraph.open(sample_dataset) as ds:
        assert isinstance(ds, mmgraph.Dataset) and ds.shard_count == 3 and ds.vertex_count == 1600
        first = ds.shard_first_index()
        edge_types = schema(ds.edge_types)
        for index in chosen(ds, count=40):
            key = ds.vertex(index).key
            got = run_json(cli, "get", sample_dataset, "--key", key)
            vertex = ds.find(key)
            assert (vertex.shard, vertex.index) == (got["shard"], first[got["shard"]] + got["index"])
            check_get(ds, got, vertex)
            assert cli_neighbors(cli, sample_dataset, key, edge_types=edge_types) == expected_neighbors(ds, vertex, sharded=True)


def test_shard_files_agree_with_get_on_each_shard_file(cli, sample_dataset):
    with mmgraph.open(sample_dataset) as ds:
        for shard, f in enumerate(ds.shards):
            assert isinstance(f, mmgraph.File) and f.shard_id == shard and f.path == ds.shard_paths[shard]
            assert f.index_range == range(ds.shard_first_index()[shard], ds.shard_first_index()[shard + 1])
            for index in chosen(f, count=12, seed=shard):
                local = index - f.index_range.start
                got = run_json(cli, "get", f.path, "--index", local)
                vertex = f.vertex(index)
                assert (got["shard"], got["index"]) == (shard, local) and vertex.index == index
                check_get(f, got, vertex)
                assert f.find(vertex.key) == vertex
