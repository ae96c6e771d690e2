"""mmgraph.dask.write_dataset on a 2-worker distributed.LocalCluster: byte-identical to the
single-process write for K = 1, 3 and 4 and for waves of 1 to K shards, nothing published (no
shard temporaries, no exchange files) after bad input or a killed worker, phases named in the
scheduler, and two services that split the shards between them."""

import os
import pathlib
import signal
import threading
import time

import numpy as np
import pytest

import mmgraph

pd = pytest.importorskip("pandas")
dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
from mmgraph.dask import write_dataset  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "data" / "debian-packages"


@pytest.fixture(scope="module")
def client():
    # Workers are spawned processes (they import mmgraph from PYTHONPATH); the scheduler's HTTP
    # server on a free port, as pytest-xdist may run two clusters at once.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  memory_limit="4GiB") as cluster, distributed.Client(cluster) as c:
        yield c


def random_property_graph(seed, n=300, m=1500, int_keys=True):
    """Two labels and two edge types (one with properties), parallel edges and self loops, nulls."""
    rng = np.random.default_rng(seed)
    keys = rng.choice(10**9, size=n, replace=False).astype(np.int64) if int_keys else np.array(
        [f"k{seed}-{i}" for i in rng.permutation(n)], dtype=object)
    people, cities = keys[: n * 3 // 4], keys[n * 3 // 4:]
    names = np.array(["".join(rng.choice(list("abcé☃"), size=rng.integers(1, 6))) for _ in people], dtype=object)
    names[rng.random(len(people)) < 0.2] = None
    score = rng.standard_normal(len(people))
    score[rng.random(len(people)) < 0.3] = np.nan
    person = pd.DataFrame({
        "key": people, "name": names, "age": rng.integers(0, 120, len(people)).astype(np.int16), "score": score,
        "active": rng.random(len(people)) < 0.5,
        "tags": [[str(t) for t in rng.integers(0, 9, rng.integers(0, 4))] for _ in people],
    })
    city = pd.DataFrame({"key": cities, "population": rng.integers(0, 10**6, len(cities)).astype(np.uint32)})
    ends = rng.integers(0, n, size=(2, m))
    ends[1, :20] = ends[0, :20]  # self loops
    ends[:, 20:40] = ends[:, 40:60]  # parallel edges
    knows = pd.DataFrame({"source": keys[ends[0]], "target": keys[ends[1]],
                          "weight": rng.standard_normal(m).astype(np.float32), "since": rng.integers(1990, 2030, m).astype(np.int32)})
    lives = rng.integers(0, len(people), size=len(people) // 2)
    lives_in = pd.DataFrame({"source": people[lives], "target": rng.choice(cities, size=len(lives))})
    return {"Person": person, "City": city}, {"KNOWS": knows, "LIVES_IN": lives_in}


def partitioned(frames, parts):
    return {name: dd.from_pandas(frame, npartitions=parts, sort=False) for name, frame in frames.items()}


def shard_files(path, shards):
    path = pathlib.Path(path)
    return [path] if shards == 1 else [path.parent / f"{path.stem}-{s}-of-{shards}.mmg" for s in range(shards)]


def assert_identical(built, expected, shards):
    for ours, theirs in zip(shard_files(built, shards), shard_files(expected, shards)):
        assert ours.read_bytes() == theirs.read_bytes(), f"{ours.name} differs from the single-process write"
    with mmgraph.open(shard_files(built, shards)[0], verify=True):
        pass


def leftovers(directory):
    return sorted(p.name for p in pathlib.Path(directory).iterdir())


@pytest.mark.parametrize("shards", [1, 3, 4])
@pytest.mark.parametrize("int_keys", [True, False])
def test_random_graphs_match_the_single_process_write(client, tmp_path, shards, int_keys):
    vertices, edges = random_property_graph(11 + shards, int_keys=int_keys)
    expected = tmp_path / "single" / "g.mmg"
    expected.parent.mkdir()
    mmgraph.write(expected, vertices, edges, shards=shards)
    built = tmp_path / "dask" / "g.mmg"
    built.parent.mkdir()
    stats = write_dataset(built, partitioned(vertices, 3), partitioned(edges, 4), shards=shards)
    assert stats["files"] == [str(f) for f in shard_files(built, shards)]
    assert stats["edges"] == sum(len(f) for f in edges.values())
    assert_identical(built, expected, shards)
    assert leftovers(built.parent) == sorted(f.name for f in shard_files(built, shards))


def sample_frames():
    """The bundled sample graph (Debian packages) as pandas frames, one per label and edge type."""
    nodes = pd.concat([pd.read_csv(SAMPLE / f"nodes-{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
                       for name in ("packages", "references", "maintainers")], ignore_index=True)
    vertices = {}
    for label, group in nodes.groupby(":LABEL", sort=False):
        frame = group.drop(columns=[":LABEL"]).dropna(axis=1, how="all").rename(columns={"id:ID": "key"})
        frame.columns = [c.split(":")[0] for c in frame.columns]
        if "installed_size_kib" in frame:
            frame["installed_size_kib"] = frame["installed_size_kib"].astype("Int64")
        if "essential" in frame:
            frame["essential"] = frame["essential"].map({"true": True, "false": False}).astype("boolean")
        vertices[label] = frame.reset_index(drop=True)
    edges = {}
    for name in ("depends", "pre-depends", "recommends", "suggests", "provides", "maintained-by"):
        frame = pd.read_csv(SAMPLE / f"edges-{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
        edge_type = frame[":TYPE"].iloc[0]
        frame = frame.drop(columns=[":TYPE"]).rename(columns={":START_ID": "source", ":END_ID": "target"})
        frame.columns = [c.split(":")[0] for c in frame.columns]
        if "alternative" in frame:
            frame["alternative"] = frame["alternative"].map({"true": True, "false": False})
        edges[edge_type] = frame
    return vertices, edges


@pytest.fixture(scope="module")
def sample_dataset(client, tmp_path_factory):
    vertices, edges = sample_frames()
    path = tmp_path_factory.mktemp("sample") / "deb.mmg"
    write_dataset(path, partitioned(vertices, 3), partitioned(edges, 2), shards=4)
    return path, vertices


@pytest.mark.parametrize("shards", [1, 3, 4])
def test_sample_graph_matches_the_single_process_write(client, tmp_path, shards):
    vertices, edges = sample_frames()
    expected = tmp_path / "single" / "deb.mmg"
    expected.parent.mkdir()
    mmgraph.write(expected, vertices, edges, shards=shards)
    built = tmp_path / "dask" / "deb.mmg"
    built.parent.mkdir()
    write_dataset(built, partitioned(vertices, 3), partitioned(edges, 2), shards=shards)
    assert_identical(built, expected, shards)


def test_two_services_split_the_shards_and_answer_every_key(sample_dataset):
    path, vertices = sample_dataset
    files = shard_files(path, 4)
    services = {0: mmgraph.open([files[0], files[2]], shards=[0, 2]), 1: mmgraph.open([files[1], files[3]], shards=[1, 3])}
    owner = {0: 0, 2: 0, 1: 1, 3: 1}
    whole = mmgraph.open(path)
    try:
        for label, frame in vertices.items():
            for key in frame["key"]:
                service = services[owner[mmgraph.shard_of(key, 4)]]
                other = services[1 - owner[mmgraph.shard_of(key, 4)]]
                found = service.find(key)
                assert found is not None and found.key == key and found.label == label
                with pytest.raises(mmgraph.ShardNotMapped) as refused:
                    other.find(key)
                assert refused.value.shard == mmgraph.shard_of(key, 4)
                # Each neighbour reference, routed to the service of its shard, is the neighbour.
                shards, local = found.neighbor_refs()
                routed = [services[owner[int(s)]].vertex_in(int(s), int(i)).key for s, i in zip(shards, local)]
                assert routed == [whole.vertex(int(n)).key for n in whole.find(key).neighbors()]
    finally:
        whole.close()
        for service in services.values():
            service.close()


def test_phases_are_named_in_the_scheduler(client, tmp_path):
    vertices, edges = random_property_graph(5, n=60, m=200)
    write_dataset(tmp_path / "g.mmg", partitioned(vertices, 2), partitioned(edges, 2), shards=2)
    prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    for phase in ("survey", "place", "keys", "write-vertices", "resolve-source", "resolve-target", "number", "write-edges",
                  "encode"):
        assert f"mmgraph-{phase}" in prefixes, prefixes


@pytest.mark.parametrize("wave_shards", [None, 1])
def test_local_scheduler_without_a_client(tmp_path, wave_shards):
    vertices, edges = random_property_graph(3, n=80, m=300)
    expected = tmp_path / "single.mmg"
    mmgraph.write(expected, vertices, edges, shards=3)
    built = tmp_path / "local" / "g.mmg"
    built.parent.mkdir()
    write_dataset(built, partitioned(vertices, 2), partitioned(edges, 3), shards=3, wave_shards=wave_shards)
    assert_identical(built, expected, 3)
    assert leftovers(built.parent) == sorted(f.name for f in shard_files(built, 3))


def test_progress_bar_on_the_local_scheduler(tmp_path, capsys):
    vertices, edges = random_property_graph(4, n=40, m=100)
    write_dataset(tmp_path / "g.mmg", partitioned(vertices, 2), partitioned(edges, 2), shards=2, progress=True)
    assert "100% Completed" in capsys.readouterr().out


# ---- bad input: a clear error and nothing published -------------------------------------------

def build_fails(client, tmp_path, vertices, edges, match, shards=3, **options):
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(mmgraph.InputError, match=match):
        write_dataset(target / "g.mmg", vertices, edges, shards=shards, **options)
    assert leftovers(target) == []


def test_a_wave_of_no_shards_is_refused(client, tmp_path):
    vertices, edges = random_property_graph(20, n=40, m=80)
    build_fails(client, tmp_path, partitioned(vertices, 2), partitioned(edges, 2), r"wave_shards must be at least 1, not 0",
                wave_shards=0)


def test_duplicate_keys_across_partitions_name_both(client, tmp_path):
    vertices, edges = random_property_graph(21, n=40, m=80)
    person = vertices["Person"]
    vertices["Person"] = pd.concat([person, person.iloc[[3]]], ignore_index=True)  # a last row repeats row 3's key
    parts = partitioned(vertices, 3)
    sizes = parts["Person"].map_partitions(len).compute().tolist()
    build_fails(client, tmp_path, parts, partitioned(edges, 2),
                rf"duplicate vertex key {person.loc[3, 'key']}: label 'Person' partition 0 row 3 and "
                rf"label 'Person' partition 2 row {sizes[2] - 1}$")


@pytest.mark.parametrize("wave_shards", [None, 1])
def test_a_dangling_edge_is_named(client, tmp_path, wave_shards):
    vertices, edges = random_property_graph(22, n=40, m=80)
    edges["KNOWS"].loc[70, "target"] = 123456789012
    build_fails(client, tmp_path, partitioned(vertices, 2), partitioned(edges, 2),
                r"edge type 'KNOWS' partition 1 row 30: target 123456789012 is no vertex's key", wave_shards=wave_shards)


def test_types_that_differ_between_partitions_are_named(client, tmp_path):
    vertices, edges = random_property_graph(23, n=40, m=80)
    person = vertices["Person"]
    later = person.iloc[15:].astype({"age": str})  # partition 1 of 2 holds strings where partition 0 holds ints
    # Partitions that disagree with each other (as read_csv gives when one file has text in a
    # column of numbers): dd.concat would unify them, from_delayed keeps each as it is.
    pieces = [dask.delayed(lambda frame: frame)(piece) for piece in (person.iloc[:15], later)]
    parts = {"Person": dd.from_delayed(pieces, meta=person.iloc[:0], verify_meta=False),
             "City": dd.from_pandas(vertices["City"], npartitions=1)}
    build_fails(client, tmp_path, parts, partitioned(edges, 2),
                r"label 'Person' column 'age': int16 \(int16\) in partition 0 but string \(object\) in partition 1")


def test_a_value_of_the_wrong_type_is_located(client, tmp_path):
    vertices, edges = random_property_graph(24, n=40, m=80)
    edges["KNOWS"]["since"] = edges["KNOWS"]["since"].astype(np.int64)
    edges["KNOWS"].loc[50, "since"] = 10**6
    build_fails(client, tmp_path, partitioned(vertices, 2), partitioned(edges, 2),
                r"edge type 'KNOWS' attribute 'since' partition 1 row 10: 1000000 does not fit int16",
                types={"KNOWS": {"since": "int16"}})


@pytest.mark.parametrize("phase", ["mmgraph-write-edges", "mmgraph-encode"])
def test_a_killed_worker_fails_the_build_and_publishes_nothing(tmp_path, phase):
    # A cluster of its own that gives up on a task whose worker died instead of retrying it.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        client.run_on_scheduler(_no_retries)
        vertices, edges = random_property_graph(31, n=20000, m=300000)
        target = tmp_path / "out"
        target.mkdir()
        pids = client.run(os.getpid)
        failure = {}

        def build():
            try:
                write_dataset(target / "g.mmg", partitioned(vertices, 4), partitioned(edges, 8), shards=2)
            except BaseException as error:  # noqa: BLE001 - the test inspects it
                failure["error"] = error

        builder = threading.Thread(target=build)
        builder.start()
        killed = _kill_a_worker_running(client, pids, phase, deadline=time.monotonic() + 60)
        builder.join(120)
        assert killed, "no mmgraph task was seen running"
        assert not builder.is_alive()
        assert "error" in failure, "the build succeeded although a worker died"
        assert leftovers(target) == []  # neither shard temporaries nor exchange files


def _no_retries(dask_scheduler):
    dask_scheduler.allowed_failures = 0


def _kill_a_worker_running(client, pids, prefix, deadline):
    while time.monotonic() < deadline:
        for address, keys in client.processing().items():
            if any(prefix in str(key) for key in keys) and address in pids:
                os.kill(pids[address], signal.SIGKILL)
                return True
        time.sleep(0.005)
    return False


@pytest.mark.parametrize("shards, wave_shards", [(1, None), (3, None), (4, None), (4, 1), (4, 3)])
@pytest.mark.parametrize("int_keys", [True, False])
def test_vertex_references_resolve_as_the_single_process_write_does(client, tmp_path, shards, wave_shards, int_keys):
    vertices, edges = random_property_graph(41 + shards, int_keys=int_keys)
    rng = np.random.default_rng(shards)
    every = np.concatenate([vertices["Person"]["key"].to_numpy(), vertices["City"]["key"].to_numpy()])
    person = vertices["Person"]
    boss = pd.Series(rng.choice(every, len(person)), dtype=object)
    boss[rng.random(len(person)) < 0.3] = None
    person["boss"] = boss
    person["friends"] = [None if rng.random() < 0.2 else list(rng.choice(every, rng.integers(0, 4))) for _ in range(len(person))]
    knows = edges["KNOWS"]
    knows["via"] = pd.Series(rng.choice(every, len(knows)), dtype=object)
    types = {"Person": {"boss": ("vertex_ref", True), "friends": ("vertex_ref[]", True)}, "KNOWS": {"via": "vertex_ref"}}
    expected = tmp_path / "single" / "g.mmg"
    expected.parent.mkdir()
    mmgraph.write(expected, vertices, edges, shards=shards, types=types)
    built = tmp_path / "dask" / "g.mmg"
    built.parent.mkdir()
    write_dataset(built, partitioned(vertices, 3), partitioned(edges, 2), shards=shards, types=types, wave_shards=wave_shards)
    assert_identical(built, expected, shards)
    assert leftovers(built.parent) == sorted(f.name for f in shard_files(built, shards))


def test_a_reference_to_no_vertex_is_named(client, tmp_path):
    vertices, edges = random_property_graph(42, n=40, m=80)
    person = vertices["Person"]
    person["boss"] = pd.Series(person["key"].to_numpy()[::-1], dtype=object)
    person.loc[20, "boss"] = 123456789012
    build_fails(client, tmp_path, partitioned(vertices, 2), partitioned(edges, 2),
                r"label 'Person' partition 1 row \d+: attribute 'boss' names 123456789012, which is no vertex's key",
                types={"Person": {"boss": "vertex_ref"}})


# -- label sets, ID spaces and datetime zones (format 2.2) ---------------------------------------

ZONES = ["Asia/Tokyo", "Europe/Paris", "America/Lima", "UTC"]


def spaced_graph():
    """Persons (some also Actors: the label set Person;Actor) keyed "0", "1", ... in Person-ID
    and movies keyed the same way in Movie-ID, with datetimes in named zones first used in
    different tables, partitions and columns, and nulls. As frames for write_dataset and as
    neo4j-admin CSV rows for the importer."""
    import datetime
    import zoneinfo

    def when(i, zone):
        return None if i % 5 == 4 else datetime.datetime(2020, 1 + i % 12, 1 + i % 27, i % 24, 30,
                                                         tzinfo=zoneinfo.ZoneInfo(ZONES[zone % len(ZONES)]))

    persons = pd.DataFrame({"key": [str(i) for i in range(30)], "name": [f"p{i}" for i in range(30)],
                            "seen": pd.Series([when(i, 3 - (i > 20)) for i in range(30)], dtype=object)})
    actors = pd.DataFrame({"key": [str(i) for i in range(30, 40)], "name": [f"a{i}" for i in range(30, 40)],
                           "born": pd.array([1950 + i if i % 3 else None for i in range(10)], dtype="Int32")})
    movies = pd.DataFrame({"key": [str(i) for i in range(20)], "title": [f"t{i}" for i in range(20)],
                           "released": pd.Series([when(i, i // 7) for i in range(20)], dtype=object)})
    rng = np.random.default_rng(7)
    acted = pd.DataFrame({"source": [str(i) for i in rng.integers(0, 40, 120)], "target": [str(i) for i in rng.integers(0, 20, 120)],
                          "role": [f"r{i}" for i in range(120)], "at": pd.Series([when(i, 2) for i in range(120)], dtype=object)})
    knows = pd.DataFrame({"source": [str(i) for i in rng.integers(0, 40, 150)], "target": [str(i) for i in rng.integers(0, 40, 150)]})
    vertices = {"Person": persons, ("Person", "Actor"): actors, "Movie": movies}
    edges = {"ACTED_IN": acted, "KNOWS": knows}
    nullable = {"name": ("string", True), "seen": ("datetime", True), "born": ("int32", True), "title": ("string", True),
                "released": ("datetime", True), "role": ("string", True), "at": ("datetime", True)}
    types = {name: {c: nullable[c] for c in frame.columns if c in nullable} for name, frame in {**vertices, **edges}.items()}
    spaces = {"Person": "Person-ID", ("Person", "Actor"): "Person-ID", "Movie": "Movie-ID"}
    endpoint_spaces = {"ACTED_IN": ("Person-ID", "Movie-ID"), "KNOWS": ("Person-ID", "Person-ID")}
    return vertices, edges, types, spaces, endpoint_spaces


def write_spaced_csv(directory, vertices, edges, spaces, endpoint_spaces):
    """The graph as the importer's CSV files (neo4j-admin headers): node files, then edge files."""
    header_type = {"string": "string", "int32": "int", "datetime": "datetime"}
    types = {"name": "string", "seen": "datetime", "born": "int32", "title": "string", "released": "datetime",
             "role": "string", "at": "datetime"}

    def text(value):
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return ""
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            return f"{value.isoformat()}[{value.tzinfo.key}]"
        return str(value)

    def write(name, header, rows):
        path = pathlib.Path(directory) / name
        path.write_text("\n".join([",".join(header)] + [",".join(text(v) for v in row) for row in rows]) + "\n")
        return str(path)

    nodes, relationships = [], []
    for index, (labels, frame) in enumerate(vertices.items()):
        columns = [c for c in frame.columns if c != "key"]
        # An unnamed :ID: a named one would also store the key as an attribute.
        header = [f":ID({spaces[labels]})", ":LABEL"] + [f"{c}:{header_type[types[c]]}" for c in columns]
        label = labels if isinstance(labels, str) else ";".join(labels)
        nodes.append(write(f"nodes{index}.csv", header,
                           [[k, label] + [frame[c].iat[r] for c in columns] for r, k in enumerate(frame["key"])]))
    for index, (edge_type, frame) in enumerate(edges.items()):
        columns = [c for c in frame.columns if c not in ("source", "target")]
        start, end = endpoint_spaces[edge_type]
        header = [f":START_ID({start})", f":END_ID({end})", ":TYPE"] + [f"{c}:{header_type[types[c]]}" for c in columns]
        relationships.append(write(f"edges{index}.csv", header, [[frame["source"].iat[r], frame["target"].iat[r], edge_type] +
                                                                 [frame[c].iat[r] for c in columns] for r in range(len(frame))]))
    return nodes, relationships


@pytest.fixture(scope="module")
def spaced_dataset(client, tmp_path_factory):
    """The spaced graph built by write_dataset with 3 shards from 2 partitions per table."""
    vertices, edges, types, spaces, endpoint_spaces = spaced_graph()
    path = tmp_path_factory.mktemp("spaced") / "dask.mmg"
    stats = write_dataset(path, {k: dd.from_pandas(f, npartitions=2, sort=False) for k, f in vertices.items()},
                          {k: dd.from_pandas(f, npartitions=2, sort=False) for k, f in edges.items()},
                          shards=3, types=types, spaces=spaces, endpoint_spaces=endpoint_spaces)
    return path, stats


def test_label_sets_id_spaces_and_zones_match_the_importer(spaced_dataset, tmp_path):
    path, stats = spaced_dataset
    vertices, edges, _, spaces, endpoint_spaces = spaced_graph()
    nodes, relationships = write_spaced_csv(tmp_path, vertices, edges, spaces, endpoint_spaces)
    mmgraph.import_csv(tmp_path / "cli.mmg", nodes, relationships, shards=3, progress=False)
    assert stats["vertices"] == 60
    assert_identical(path, tmp_path / "cli.mmg", 3)
    with mmgraph.open(shard_files(path, 3)[0]) as dataset:
        assert dataset is not None


def test_label_sets_id_spaces_and_zones_match_the_single_process_write(spaced_dataset, tmp_path):
    path, _ = spaced_dataset
    vertices, edges, types, spaces, endpoint_spaces = spaced_graph()
    mmgraph.write(tmp_path / "single.mmg", vertices, edges, types=types, spaces=spaces, endpoint_spaces=endpoint_spaces, shards=3)
    assert_identical(path, tmp_path / "single.mmg", 3)


def test_a_repeated_key_within_one_id_space_is_named(client, tmp_path):
    vertices, edges, types, spaces, endpoint_spaces = spaced_graph()
    vertices["Movie"] = pd.concat([vertices["Movie"], vertices["Movie"].iloc[[3]]], ignore_index=True)
    with pytest.raises(mmgraph.InputError, match=r"duplicate vertex key '3' in ID space 'Movie-ID'"):
        write_dataset(tmp_path / "g.mmg", vertices, edges, shards=2, types=types, spaces=spaces, endpoint_spaces=endpoint_spaces)
    assert leftovers(tmp_path) == []


def test_an_endpoint_space_no_vertex_table_holds_is_refused_as_by_the_single_process_write(tmp_path):
    vertices, edges, types, spaces, endpoint_spaces = spaced_graph()
    edge_type = next(iter(endpoint_spaces))
    endpoint_spaces[edge_type] = (endpoint_spaces[edge_type][0], "Nowhere-ID")
    message = rf"endpoint_spaces: edge type '{edge_type}': target space 'Nowhere-ID' holds no vertex table"
    with pytest.raises(mmgraph.InputError, match=message):
        mmgraph.write(tmp_path / "single.mmg", vertices, edges, types=types, spaces=spaces, endpoint_spaces=endpoint_spaces)
    with pytest.raises(mmgraph.InputError, match=message):
        write_dataset(tmp_path / "g.mmg", vertices, edges, shards=2, types=types, spaces=spaces, endpoint_spaces=endpoint_spaces)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("shards", [2, 3])
def test_small_tables_and_a_column_only_a_label_set_has_match_the_single_process_write(client, tmp_path, shards):
    # Some shards get no row of a table (an empty partition's key column is float64), and
    # 'award' is only in the (Person, Actor) table, so Person's attribute is nullable and the
    # set's must be too: the rule mmgraph.write applies.
    vertices = {"Person": pd.DataFrame({"key": ["a", "b"], "name": ["x", "y"]}),
                ("Person", "Actor"): pd.DataFrame({"key": ["c"], "name": ["z"], "award": [3]})}
    edges = {"KNOWS": pd.DataFrame({"source": ["a", "c"], "target": ["b", "a"]})}
    mmgraph.write(tmp_path / "single.mmg", vertices, edges, shards=shards)
    write_dataset(tmp_path / "dask.mmg", {k: dd.from_pandas(f, npartitions=1) for k, f in vertices.items()},
                  {k: dd.from_pandas(f, npartitions=1) for k, f in edges.items()}, shards=shards)
    assert_identical(tmp_path / "dask.mmg", tmp_path / "single.mmg", shards)
