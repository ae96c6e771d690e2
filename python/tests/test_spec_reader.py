"""spec/FORMAT.md is enough to read every file mmgraph writes: spec_reader.py, a decoder written
from the spec alone, must read the golden files, files written here by mmgraph.write and files
built by the importer (mmgraph.import_csv) exactly as the module (the C++ reader) reads them:
schema, sections, vertices, keys, labels, ID spaces, attribute values, edges with types and
properties in stored order, and lookups by key.

It runs against the module on PYTHONPATH; MMGRAPH_TEST_DATA names another golden directory (the
default is the repository's tests/data), so that a build of a new format version can be checked
with its own golden files."""

import datetime
import glob
import math
import os
import pathlib
import struct
import types
import zoneinfo

import numpy as np
import pytest

import mmgraph
import spec_reader
from conftest import ROOT, random_graph, write_graph

DATA = pathlib.Path(os.environ.get("MMGRAPH_TEST_DATA", ROOT / "tests" / "data"))
GOLDEN = sorted(pathlib.Path(p) for p in glob.glob(str(DATA / "*.mmg")) + glob.glob(str(DATA / "v*" / "*.mmg")))
EPOCH_DATE = datetime.date(1970, 1, 1)
EPOCH = datetime.datetime(1970, 1, 1)
EPOCH_UTC = EPOCH.replace(tzinfo=datetime.timezone.utc)
KEY_TYPES = {spec_reader.KEY_STRING: "string", spec_reader.KEY_INT: "int"}


# --- values: the spec's encoding against the module's Python objects ----------------------------

def same_float(a, b):
    return struct.pack("<d", float(a)) == struct.pack("<d", float(b)) or (math.isnan(a) and math.isnan(b))


def numpy_count(value, unit):
    """A numpy datetime64 as a count of `unit` since the epoch."""
    return int(value.astype(f"datetime64[{unit}]").astype(np.int64))


def microseconds_of_day(t):
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 10**6 + t.microsecond


def split_delta(delta):
    """(whole seconds, microseconds) of a timedelta."""
    return delta.days * 86400 + delta.seconds, delta.microseconds


def same_datetime(raw, got):
    """A DateTime (UTC seconds, ns, offset, zone) against an aware datetime or datetime64 in UTC."""
    if isinstance(got, np.datetime64):
        return numpy_count(got, "s") == raw.seconds
    if split_delta(got - EPOCH_UTC) != (raw.seconds, raw.nanoseconds // 1000):
        return False
    if got.utcoffset() != datetime.timedelta(seconds=raw.offset):
        return False
    zone = got.tzinfo.key if isinstance(got.tzinfo, zoneinfo.ZoneInfo) else None
    return zone == raw.zone or (zone is None and raw.zone not in zoneinfo.available_timezones())


def same_scalar(type_name, raw, got):
    """One decoded value of scalar type `type_name` against the module's object."""
    if raw is None or got is None:
        return raw is None and got is None
    if isinstance(got, np.generic) and not isinstance(got, np.datetime64):
        got = got.item()
    if type_name.startswith("float"):
        return same_float(raw, got)
    if type_name == "vertex_ref":
        return (got.shard, got.local_index) == tuple(raw)
    if type_name == "bytes":
        return bytes(got) == raw
    if type_name == "date":
        if isinstance(got, np.datetime64):
            return numpy_count(got, "D") == raw.days
        return (got - EPOCH_DATE).days == raw.days
    if type_name == "localtime":
        return microseconds_of_day(got) == raw.nanoseconds // 1000
    if type_name == "time":
        return (microseconds_of_day(got), got.utcoffset()) == (raw.nanoseconds // 1000, datetime.timedelta(seconds=raw.offset))
    if type_name == "localdatetime":
        if isinstance(got, np.datetime64):
            return numpy_count(got, "s") == raw.seconds
        return split_delta(got - EPOCH) == (raw.seconds, raw.nanoseconds // 1000)
    if type_name == "datetime":
        return same_datetime(raw, got)
    if type_name == "duration":
        return (got.months, got.days, got.seconds, got.nanoseconds) == tuple(raw)
    if type_name == "point":
        z = None if raw.srid in (7203, 4326) else raw.z
        return (got.crs == spec_reader.POINT_SRIDS[raw.srid] and same_float(got.x, raw.x) and same_float(got.y, raw.y)
                and (got.z is None if z is None else same_float(got.z, z)))
    return type(got) is type(raw) and got == raw  # bool, integers, string


def same_value(type_name, raw, got):
    if not type_name.endswith("[]") or raw is None or got is None:
        return same_scalar(type_name, raw, got)
    return len(raw) == len(got) and all(same_scalar(type_name[:-2], r, g) for r, g in zip(raw, got))


def assert_same_values(entry_attributes, raw, got, where):
    """A dict of decoded values against the module's dict, names and order included."""
    assert list(raw) == list(got), where
    for attribute in entry_attributes:
        name = attribute.name
        assert same_value(attribute.type.name, raw[name], got[name]), (where, name, raw[name], got[name])


# --- files ---------------------------------------------------------------------------------------

def module_files(graph):
    """The module's File for each shard, in shard order."""
    return list(graph.shards) if isinstance(graph, mmgraph.Dataset) else [graph]


def assert_same_schema(shard, f):
    header, schema = shard.header, shard.schema
    assert f.version == (header.major, header.minor)
    assert (f.shard_id, f.shard_count, f.vertex_count, f.edge_count) == \
        (header.shard_id, header.shard_count, header.vertex_count, header.edge_count)
    assert f.has_in_edges == shard.has_in_edges
    assert [s.name for s in f.sections] == [s.name for s in shard.sections]
    assert f.key_type == KEY_TYPES[schema.key_type]
    for mine, theirs in ((schema.labels, f.labels), (schema.edge_types, f.edge_types)):
        assert [(e.name, e.count) for e in mine] == [(e.name, e.count) for e in theirs]
        for entry, other in zip(mine, theirs):
            assert [(a.name, a.type.name, a.nullable) for a in entry.attributes] == \
                [(a.name, a.type, a.nullable) for a in other.attributes]
    assert tuple(shard.space_names) == tuple(getattr(f, "id_spaces", ()))


def schema_without_counts(shard):
    schema = shard.schema
    return schema.key_type, [[(e.name, e.attributes) for e in entries] for entries in (schema.labels, schema.edge_types)]


def key_table_slots(hashes, slot_count):
    """§8.1 "Placement": (h, local index) pairs inserted in ascending order, each into the first
    empty slot from its home slot on; the slots as (fingerprint, local index + 1)."""
    slots = [(0, 0)] * slot_count
    for h, local in sorted(hashes):
        s = (h * slot_count) >> 64
        while slots[s][1]:
            s = (s + 1) % slot_count
        slots[s] = (h & 0xFFFFFFFF, local + 1)
    return slots


def assert_key_structure_as_written(shard):
    """The writer rules of §8.1 that validity requires: the key index's bucket bits (before 2.3),
    the key table's slot count and placement (2.3)."""
    n = shard.header.vertex_count
    if isinstance(shard.keys, spec_reader.KeyIndex):
        assert shard.keys.bucket_bits == (0 if n <= 2 else math.ceil(math.log2(n)) - 1)
        return
    assert shard.keys.slot_count == n + -(-n // 3) + 1
    hashes = []
    for local in range(n):
        record = shard.node_record(local)
        hashes.append((spec_reader.key_hash(record.key, shard.schema.key_type, shard.node_type_spaces[record.node_type]), local))
    assert [shard.keys.slot(s) for s in range(shard.keys.slot_count)] == key_table_slots(hashes, shard.keys.slot_count)


def assert_same_integrity(dataset):
    """What the spec says of every file: section checksums and placement (§3), the key structure
    (§8.1), the content-derived dataset id (§10), one schema in every shard (§10)."""
    for shard in dataset.shards:
        assert shard.bad_checksums() == [] and shard.misplaced_sections() == []
        assert_key_structure_as_written(shard)
        assert schema_without_counts(shard) == schema_without_counts(dataset.shards[0])
        assert shard.space_names == dataset.shards[0].space_names
    assert dataset.shards[0].header.dataset_id == dataset.derived_dataset_id()


def assert_same_vertex(dataset, graph, index):
    shard, local = dataset.locate(index)
    mine = shard.vertex(local)
    theirs = graph.vertex(index)
    where = f"{shard.path} vertex {index}"
    assert (theirs.index, theirs.shard, theirs.local_index) == (index, shard.header.shard_id, local), where
    assert type(theirs.key) is type(mine["key"]) and theirs.key == mine["key"], where
    assert tuple(theirs.labels) == mine["labels"] and theirs.label == mine["labels"][0], where
    assert getattr(theirs, "id_space", None) == mine["space"], where
    node_type = shard.node_types[shard.node_record(local).node_type]
    assert_same_values(node_type.layout.attributes, mine["attributes"], theirs.attributes(), where)
    for direction in ("out", "in") if shard.has_in_edges else ("out",):
        assert_same_edges(dataset, shard, theirs, index, direction)


def assert_same_edges(dataset, shard, vertex, index, direction):
    mine = dataset.edges(index, direction)
    theirs = vertex.edges(direction)
    where = f"{shard.path} vertex {index} {direction}-edges"
    assert theirs.targets.tolist() == [target for _, target, _ in mine], where
    assert list(theirs.types) == [name for name, _, _ in mine], where
    properties = {e.name: e.attributes for e in shard.schema.edge_types}
    for (name, _, raw), got in zip(mine, theirs.properties):
        assert_same_values(properties[name], raw, got, where)


def assert_same_lookups(dataset, graph, rng):
    """§8.1 and §10: every (space, key) finds its vertex through the spec's hash, buckets and
    fingerprints, and absent keys are absent for both."""
    spaces = [None] + list(dataset.shards[0].space_names)
    key_type = dataset.shards[0].schema.key_type
    for index in range(dataset.vertex_count):
        shard, local = dataset.locate(index)
        vertex = shard.vertex(local)
        assert dataset.find(vertex["key"], vertex["space"]) == index
        found = graph.find(vertex["key"], space=vertex["space"]) if vertex["space"] else graph.find(vertex["key"])
        assert found is not None and found.index == index
    absent = [int(k) for k in rng.integers(-2**63, 2**63 - 1, size=20)] if key_type == spec_reader.KEY_INT \
        else [f"absent-{i}" for i in range(20)] + [""]
    for key in absent:
        for space in spaces:
            mine = dataset.find(key, space)
            theirs = graph.find(key, space=space) if space else graph.find(key)
            assert mine == (None if theirs is None else theirs.index), (key, space)


def assert_reads_alike(path):
    """Everything spec_reader decodes from `path` (a file or a dataset path) against the module."""
    dataset = spec_reader.open_dataset(path)
    try:
        with mmgraph.open(path) as graph:
            files = module_files(graph)
            assert len(files) == len(dataset.shards)
            for shard, f in zip(dataset.shards, files):
                assert_same_schema(shard, f)
            if isinstance(graph, mmgraph.Dataset):
                assert list(graph.shard_first_index()) == dataset.first_index
            assert graph.vertex_count == dataset.vertex_count
            assert_same_integrity(dataset)
            for index in range(dataset.vertex_count):
                assert_same_vertex(dataset, graph, index)
            assert_same_lookups(dataset, graph, np.random.default_rng(0))
    finally:
        dataset.close()
    return dataset


# --- golden files ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: str(p.relative_to(DATA)))
def test_golden_file(path):
    assert_reads_alike(path)


def test_key_table_worked_example():
    """§8.1's worked example: the placement rule gives its slots, and a lookup of every key
    through the decoder finds it."""
    keys = ["alice", "bob", "carol", "dave", "erin"]
    hashes = [(spec_reader.xxh3_64(k.encode()), local) for local, k in enumerate(keys)]
    section = bytes.fromhex("01000000 00000000 0500000000000000 E5B8490F 02000000 D805B976 04000000"
                            "B016011A 01000000 63EE678B 05000000" + "00" * 24 + "A4CB3FAD 03000000")
    assert len(section) == 80
    slots = [struct.unpack_from("<II", section, 16 + 8 * s) for s in range(8)]
    assert key_table_slots(hashes, 8) == slots
    table = spec_reader.read_key_table(spec_reader.Region(section, 0, 80, "key_table"), spec_reader.KEY_STRING, 5)
    for h, local in hashes:
        assert local in table.candidates(h)


def example_shard(minor, shard_count=1):
    """§7.1's file: 10 vertices, edge types KNOWS (no properties) and RATED (one property)."""
    header = types.SimpleNamespace(major=2, minor=minor, vertex_count=10, shard_id=0, shard_count=shard_count)
    rated = spec_reader.Attribute("stars", spec_reader.type_code(2), False)
    edge_types = [spec_reader.SchemaEntry("KNOWS", 0, []), spec_reader.SchemaEntry("RATED", 0, [rated])]
    return types.SimpleNamespace(header=header, schema=spec_reader.Schema(spec_reader.KEY_STRING, [], edge_types))


def example_blocks(blocks):
    return [(b.edge_type, [tuple(t) for t in b.targets], None if b.ordinals is None else list(b.ordinals)) for b in blocks]


def test_flat_worked_example():
    """§7.1's record of vertex 5 (KNOWS to 2 and 9, RATED to 7 with ordinal 12) as a 2.2 file
    lays it out, block by block ("Reading 2.2 and older")."""
    data = bytes.fromhex("03000000 02000000 00000000 02000000 01000000 01000000 92000000 0C00000000000000 07000000")
    region = spec_reader.Region(data, 0, len(data), "out_edges")
    blocks = spec_reader.read_adjacency_record(example_shard(2), region, 0, True, True)
    assert example_blocks(blocks) == [(0, [(0, 2), (0, 9)], None), (1, [(0, 7)], [12])]


def test_packed_flat_worked_example():
    """§7.1's record as 2.3 lays it out: the degree, one run of all entries, the directory, then
    the ordinals; the file's minor picks the layout."""
    data = bytes.fromhex("03000000 92070000 02000000 00000000 02000000 01000000 01000000 0C00000000000000")
    region = spec_reader.Region(data, 0, len(data), "out_edges")
    blocks = spec_reader.read_adjacency_record(example_shard(3), region, 0, True, True)
    assert example_blocks(blocks) == [(0, [(0, 2), (0, 9)], None), (1, [(0, 7)], [12])]


def test_grouped_worked_example():
    """§7.1's two-shard record: grouped, the same in every minor."""
    data = bytes.fromhex("03000000 02000000 00000200 02000000 01000100 01000000 00000000 02000080"
                         "01000000 04000080 0C00000000000000 00000000 07000080")
    region = spec_reader.Region(data, 0, len(data), "out_edges")
    for minor in (2, 3):
        blocks = spec_reader.read_adjacency_record(example_shard(minor, shard_count=2), region, 0, False, True)
        assert example_blocks(blocks) == [(0, [(0, 2), (1, 4)], None), (1, [(0, 7)], [12])]


def test_golden_files_cover_every_format():
    versions = {(spec_reader.read_header(p.read_bytes()).major, spec_reader.read_header(p.read_bytes()).minor)
                for p in GOLDEN}
    assert {(1, 0), (1, 1), (2, 0), (2, 1), (2, 2), (2, 3), (2, 4)} <= versions


# --- files written here ------------------------------------------------------------------------------

pd = pytest.importorskip("pandas")


def labelled_tables(seed, n, key_type):
    """Vertex and edge tables over several labels, a label set, edge types with and without
    properties, string or int keys."""
    rng = np.random.default_rng(seed)
    keys = (rng.choice(10**15, size=n, replace=False) - 5 * 10**14) if key_type == "int" \
        else np.array([f"k{seed}-{i}-" + "x" * int(rng.integers(0, 3)) for i in range(n)], dtype=object)
    parts = np.array_split(rng.permutation(n), 4)
    long_text = ["y" * int(rng.integers(0, 400)) if rng.random() < 0.3 else None for _ in range(n)]
    person = pd.DataFrame({"key": keys[parts[0]], "name": [f"p{i}" for i in parts[0]],
                           "born": pd.array([int(b) if b % 5 else None for b in rng.integers(1900, 2020, len(parts[0]))], dtype="Int16"),
                           "bio": pd.array([long_text[i] for i in parts[0]], dtype="string")})
    actor = pd.DataFrame({"key": keys[parts[1]], "name": [f"a{i}" for i in parts[1]],
                          "awards": rng.integers(0, 5, len(parts[1])).astype(np.uint8),
                          "roles": [[f"r{j}" for j in range(int(r))] for r in rng.integers(0, 4, len(parts[1]))]})
    city = pd.DataFrame({"key": keys[parts[2]], "population": rng.integers(0, 10**7, len(parts[2])),
                         "founded": [datetime.date(int(y), 1, 1) for y in rng.integers(800, 2000, len(parts[2]))],
                         "area": rng.standard_normal(len(parts[2]))})
    tag = pd.DataFrame({"key": keys[parts[3]]})
    m = 4 * n
    sources, targets = keys[rng.integers(0, n, m)], keys[rng.integers(0, n, m)]
    third = m // 3
    knows = pd.DataFrame({"source": sources[:third], "target": targets[:third]})
    rated = pd.DataFrame({"source": sources[third:2 * third], "target": targets[third:2 * third],
                          "stars": rng.integers(0, 6, third).astype(np.int8),
                          "note": pd.array([None if i % 3 else f"n{i}" for i in range(third)], dtype="string")})
    tagged = pd.DataFrame({"source": sources[2 * third:], "target": targets[2 * third:],
                           "weight": rng.standard_normal(m - 2 * third)})
    vertices = {"Person": person, ("Person", "Actor"): actor, "City": city, "Tag": tag}
    return vertices, {"KNOWS": knows, "RATED": rated, "TAGGED": tagged}


@pytest.mark.parametrize("key_type,shards", [("string", 1), ("int", 1), ("string", 2), ("int", 2)])
def test_written_labelled_graph(tmp_path, key_type, shards):
    vertices, edges = labelled_tables(7 + shards, 300, key_type)
    mmgraph.write(tmp_path / "g.mmg", vertices=vertices, edges=edges, shards=shards)
    dataset = assert_reads_alike(tmp_path / "g.mmg")
    assert len(dataset.shards) == shards and dataset.shards[0].header.minor >= 2  # label sets: 2.2
    assert any(len(s.label_sets) for s in dataset.shards)


@pytest.mark.parametrize("key_type,shards,in_edges", [("string", 1, True), ("int", 1, False), ("string", 2, True), ("int", 2, False)])
def test_written_random_graph_of_every_type(tmp_path, key_type, shards, in_edges):
    graph = random_graph(20 + shards, n=120, m=500, key_type=key_type)
    stats = write_graph(graph, tmp_path / "g.mmg", key_type=key_type, shards=shards, store_in_edges=in_edges)
    dataset = assert_reads_alike(stats["files"][0])
    assert dataset.shards[0].has_in_edges == in_edges


def test_written_id_spaces(tmp_path):
    movies = pd.DataFrame({"key": [str(i) for i in range(40)], "title": [f"m{i}" for i in range(40)]})
    sequels = pd.DataFrame({"key": [str(i) for i in range(40, 50)], "title": [f"s{i}" for i in range(40, 50)]})
    actors = pd.DataFrame({"key": [str(i) for i in range(45)], "name": [f"a{i}" for i in range(45)]})
    roles = pd.DataFrame({"source": [str(i % 45) for i in range(120)], "target": [str(i % 50) for i in range(120)],
                          "role": [f"r{i}" for i in range(120)]})
    spaces = {"Movie": "Movie-ID", ("Movie", "Sequel"): "Movie-ID", "Actor": "Actor-ID"}
    for shards in (1, 2):
        path = tmp_path / f"s{shards}.mmg"
        mmgraph.write(path, {"Movie": movies, ("Movie", "Sequel"): sequels, "Actor": actors}, {"ACTED_IN": roles},
                      spaces=spaces, endpoint_spaces={"ACTED_IN": ("Actor-ID", "Movie-ID")}, shards=shards)
        dataset = assert_reads_alike(path)
        assert dataset.shards[0].space_names == ["Movie-ID", "Actor-ID"]


def test_written_wide_graph_packs_wide_entries(tmp_path):
    """Enough vertices for W = 12 packed entries (§7.2) and a key index of 2^11 buckets (§8.1)."""
    n = 3000
    rng = np.random.default_rng(5)
    things = pd.DataFrame({"key": np.arange(n, dtype=np.int64) * 7919, "v": rng.integers(0, 100, n).astype(np.int32)})
    links = pd.DataFrame({"source": rng.integers(0, n, 4 * n) * 7919, "target": rng.integers(0, n, 4 * n) * 7919})
    mmgraph.write(tmp_path / "w.mmg", vertices={"Thing": things}, edges={"LINK": links})
    dataset = assert_reads_alike(tmp_path / "w.mmg")
    assert spec_reader.packed_width(dataset.vertex_count) == 12
    keys = dataset.shards[0].keys
    assert keys.bucket_bits == 11 if isinstance(keys, spec_reader.KeyIndex) else keys.slot_count == 4001



def test_written_wide_ids_and_offsets(tmp_path):
    """Two-byte node type ids (over 256 node types, §6.3), four-byte offset table entries (§6.2)
    and a four-byte heap width (§8.2)."""
    vertices = {f"L{i}": pd.DataFrame({"key": [f"v{i}"], "s": [f"s{i}"]}) for i in range(300)}
    vertices["Big"] = pd.DataFrame({"key": ["big", "small"], "a": ["z" * 70000, "a"], "b": ["after", None]})
    notes = pd.DataFrame({"source": [f"v{i % 300}" for i in range(300)], "target": ["big"] * 150 + ["small"] * 150,
                          "note": ["n" * (250 + i) for i in range(300)]})
    mmgraph.write(tmp_path / "w.mmg", vertices=vertices, edges={"NOTE": notes})
    shard = assert_reads_alike(tmp_path / "w.mmg").shards[0]
    assert shard.id_width == 2 and len(shard.node_types) > 256
    assert any(4 in t.widths for t in shard.node_types)
    assert shard.edge_properties[0].heap_width == 4

# --- files built by the importer ---------------------------------------------------------------------

CLI_DATA = ROOT / "tests" / "cli" / "data"
SAMPLE = ROOT / "examples" / "data" / "debian-packages"
IMPORTS = {
    "debian-sample": (sorted(SAMPLE.glob("nodes-*.csv")), sorted(SAMPLE.glob("edges-*.csv"))),
    "people": ([CLI_DATA / "people.csv"], [CLI_DATA / "relationships.csv"]),
    "movies": ([CLI_DATA / "movies.csv", CLI_DATA / "actors.csv"], [CLI_DATA / "roles.csv"]),
    "temporal": ([CLI_DATA / "temporal.csv"], [CLI_DATA / "temporal_rels.csv"]),
    "dated": ([CLI_DATA / "dated.csv"], [CLI_DATA / "dated_rels.csv"]),
    "tagged": ([CLI_DATA / "tagged.csv"], [CLI_DATA / "tagged_rels.csv"]),
    "spaces": ([CLI_DATA / "movies_spaces.csv", CLI_DATA / "actors_spaces.csv"], [CLI_DATA / "roles_spaces.csv"]),
}


@pytest.mark.parametrize("shards", [1, 3])
@pytest.mark.parametrize("name", list(IMPORTS))
def test_imported_csv(tmp_path, name, shards):
    nodes, edges = IMPORTS[name]
    report = mmgraph.import_csv(tmp_path / "i.mmg", nodes=nodes, edges=edges, threads=2, shards=shards, progress=False)
    assert report["vertices"] > 0
    assert len(assert_reads_alike(tmp_path / "i.mmg").shards) == shards


# --- damaged files -------------------------------------------------------------------------------------

def decode_shard(path):
    """Every vertex, edge, property row and key of one file, through spec_reader alone."""
    shard = spec_reader.Shard(path)
    try:
        for local in range(shard.header.vertex_count):
            vertex = shard.vertex(local)
            for direction in ("out", "in") if shard.has_in_edges else ("out",):
                for block in shard.adjacency(local, direction):
                    if block.ordinals is not None and direction == "out":
                        for ordinal in block.ordinals:
                            shard.edge_property_row(block.edge_type, ordinal)
            shard.lookup_local(vertex["key"], shard.node_type_spaces[shard.node_record(local).node_type])
    finally:
        shard.close()


@pytest.mark.parametrize("name", ["small.mmg", "labels.mmg", "temporal.mmg", "sharded-1-of-2.mmg", "v1/lists.mmg"])
def test_damaged_copies_fail_with_spec_errors_only(tmp_path, name):
    """The decoder follows §12: a damaged section body is refused, never read outside its bounds
    nor allowed to allocate per a forged count (the header and directory are checksummed)."""
    source = DATA / name
    if not source.exists():
        pytest.skip(f"{source} is not in this golden directory")
    data = source.read_bytes()
    rng = np.random.default_rng(3)
    body = spec_reader.HEADER_SIZE + 32 * spec_reader.read_header(data).section_count
    for trial in range(60):
        damaged = bytearray(data)
        for position in rng.integers(body, len(data), size=int(rng.integers(1, 4))):
            damaged[position] = int(rng.integers(0, 256))
        path = tmp_path / f"{trial}.mmg"
        path.write_bytes(bytes(damaged))
        try:
            decode_shard(path)
        except spec_reader.SpecError:
            pass
