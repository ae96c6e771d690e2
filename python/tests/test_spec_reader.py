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
import re
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


def key_table_slots(hashes, slot_count, node_offsets=None, nodes_length=None):
    """§8.1 "Placement": (h, local index) pairs inserted in ascending order, each into the first
    empty slot from its home slot on; the slots as (low word, local index + 1). The low word is
    the fingerprint h & 0xFFFFFFFF (kind 12, 2.3 to 2.5), or with the node record offsets by
    local index and the nodes section's length L (kind 15, 2.6) h & 0xFFF | (offset >> s) << 12,
    s = max(12, bitlen(L - 1) - 20)."""
    slots = [(0, 0)] * slot_count
    for h, local in sorted(hashes):
        s = (h * slot_count) >> 64
        while slots[s][1]:
            s = (s + 1) % slot_count
        if node_offsets is None:
            low = h & 0xFFFFFFFF
        else:
            shift = max(12, (nodes_length - 1).bit_length() - 20) if nodes_length > 0 else 12
            low = h & 0xFFF | (node_offsets[local] >> shift) << 12
        slots[s] = (low, local + 1)
    return slots


def node_record_offsets(shard):
    """Each vertex's node record offset, from its nodes slot (§5.1)."""
    return [spec_reader.decode_slot(shard.vertex_table.slot(v, spec_reader.KINDS["nodes"]))[1]
            for v in range(shard.header.vertex_count)]


def assert_key_structure_as_written(shard):
    """The writer rules of §8.1 that validity requires: the key index's bucket bits (before 2.3),
    the key table's slot count and placement (2.3), with node blocks in kind 15 (2.6)."""
    n = shard.header.vertex_count
    if isinstance(shard.keys, spec_reader.KeyIndex):
        assert shard.keys.bucket_bits == (0 if n <= 2 else math.ceil(math.log2(n)) - 1)
        return
    assert shard.keys.slot_count == n + -(-n // 3) + 1
    kind, = [s.kind for s in shard.sections if s.name == "key_table"]
    assert kind == spec_reader.key_section_kind((shard.header.major, shard.header.minor))
    hashes = []
    for local in range(n):
        record = shard.node_record(local)
        hashes.append((spec_reader.key_hash(record.key, shard.schema.key_type, shard.node_type_spaces[record.node_type]), local))
    blocks = {}
    if kind == spec_reader.BLOCK_KEY_TABLE_KIND:
        blocks = {"node_offsets": node_record_offsets(shard), "nodes_length": shard.section_region("nodes").length}
    assert [shard.keys.slot(s) for s in range(shard.keys.slot_count)] == key_table_slots(hashes, shard.keys.slot_count, **blocks)


def assert_same_integrity(dataset):
    """What the spec says of every file: section checksums, order and placement (§3), the runs
    sections (§7.3, 2.5), the key structure (§8.1), the content-derived dataset id (§10), one
    schema in every shard (§10)."""
    for shard in dataset.shards:
        assert shard.bad_checksums() == [] and shard.misplaced_sections() == []
        assert shard.misordered_sections() == []
        assert shard.runs_section_errors() == []
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


KEY_EXAMPLE_KEYS = ["alice", "bob", "carol", "dave", "erin"]
#: §8.1's example's node records (label Person, one 3000-byte `photo`): their offsets in a nodes
#: section of L = 15056 bytes, so s = 12 and the blocks are 0, 0, 1, 2, 2.
KEY_EXAMPLE_NODE_OFFSETS = [0, 3012, 6020, 9032, 12044]
KEY_EXAMPLE_NODES_LENGTH = 15056
KEY_EXAMPLE_SECTION = bytes.fromhex(
    "01000000 00000000 0500000000000000"
    "E5080000 02000000"   # slot 0: bob (fingerprint 8E5, block 0)
    "D8250000 04000000"   # slot 1: dave (5D8, block 2)
    "B0060000 01000000"   # slot 2: alice (6B0, block 0)
    "632E0000 05000000"   # slot 3: erin (E63, block 2; home 7)
    + "00" * 24 +         # slots 4-6: empty
    "A41B0000 03000000")  # slot 7: carol (BA4, block 1)


def example_key_lookup(table, key):
    """§8.1 lookup in the example's table: the candidates' keys compared with K; (local index or
    None, the number of keys compared)."""
    compared = 0
    for local in table.candidates(spec_reader.xxh3_64(key.encode())):
        compared += 1
        if KEY_EXAMPLE_KEYS[local] == key:
            return local, compared
    return None, compared


def test_key_table_worked_example():
    """§8.1's worked example (2.6, kind 15): the placement rule, the 12-bit fingerprints and the
    node blocks give its 80 bytes; a lookup of every key finds it comparing one key, a missing
    key is missing; the blocks agree with the node record offsets, and a wrong offset is refused
    naming the slot and the block expected."""
    hashes = [(spec_reader.xxh3_64(k.encode()), local) for local, k in enumerate(KEY_EXAMPLE_KEYS)]
    assert [h for h, _ in hashes] == [0x4DA10DD61A0116B0, 0x1403C0C40F49B8E5, 0xE2FDB994AD3FCBA4,
                                      0x3007319876B905D8, 0xF5285C658B67EE63]
    assert len(KEY_EXAMPLE_SECTION) == 80 == 16 + 8 * (5 + 2 + 1)
    assert spec_reader.node_block_shift(KEY_EXAMPLE_NODES_LENGTH) == 12
    slots = [struct.unpack_from("<II", KEY_EXAMPLE_SECTION, 16 + 8 * s) for s in range(8)]
    assert key_table_slots(hashes, 8, KEY_EXAMPLE_NODE_OFFSETS, KEY_EXAMPLE_NODES_LENGTH) == slots
    region = spec_reader.Region(KEY_EXAMPLE_SECTION, 0, 80, "key_table")
    table = spec_reader.read_key_table(region, spec_reader.KEY_STRING, 5, KEY_EXAMPLE_NODES_LENGTH)
    assert (table.slot_count, table.block_shift, table.fingerprint_mask) == (8, 12, 0xFFF)
    table.check_node_blocks(KEY_EXAMPLE_NODE_OFFSETS.__getitem__)
    for local, key in enumerate(KEY_EXAMPLE_KEYS):
        assert example_key_lookup(table, key) == (local, 1)
    assert example_key_lookup(table, "frank")[0] is None
    moved = KEY_EXAMPLE_NODE_OFFSETS[:2] + [2000] + KEY_EXAMPLE_NODE_OFFSETS[3:]  # carol's record in block 0
    with pytest.raises(spec_reader.SpecError, match=r"key_table: slot 7 .* names node block 1, expected block 0"):
        table.check_node_blocks(moved.__getitem__)


def test_key_table_worked_example_2_5():
    """The same keys in a 2.3 to 2.5 file's table (kind 12, which the 2.6 reader reads as before):
    the same placement, 32-bit fingerprints and no blocks."""
    hashes = [(spec_reader.xxh3_64(k.encode()), local) for local, k in enumerate(KEY_EXAMPLE_KEYS)]
    section = bytes.fromhex("01000000 00000000 0500000000000000 E5B8490F 02000000 D805B976 04000000"
                            "B016011A 01000000 63EE678B 05000000" + "00" * 24 + "A4CB3FAD 03000000")
    assert len(section) == 80
    slots = [struct.unpack_from("<II", section, 16 + 8 * s) for s in range(8)]
    assert key_table_slots(hashes, 8) == slots
    assert [high for _, high in slots] == [high for _, high in struct.iter_unpack("<II", KEY_EXAMPLE_SECTION[16:])]
    table = spec_reader.read_key_table(spec_reader.Region(section, 0, 80, "key_table"), spec_reader.KEY_STRING, 5)
    assert (table.block_shift, table.fingerprint_mask) == (None, 0xFFFFFFFF)
    for local, key in enumerate(KEY_EXAMPLE_KEYS):
        assert example_key_lookup(table, key) == (local, 1)
    assert example_key_lookup(table, "frank")[0] is None


def test_node_block_shift():
    """§8.1 (2.6): blocks of 4 KiB up to a nodes section of 2^32 bytes, then the smallest power of
    two whose 2^20 blocks cover it."""
    shift = spec_reader.node_block_shift
    assert [shift(L) for L in (0, 1, 4096, 2**32)] == [12, 12, 12, 12]
    assert [shift(L) for L in (2**32 + 1, 2**33, 2**33 + 1, 2**40)] == [13, 13, 14, 20]
    assert all((L - 1) >> shift(L) < 2**20 for L in (1, 2**32, 2**32 + 1, 2**45 + 7))


def key_section_file(tmp_path, name, minor, kind):
    """tests/data/<name> (2.6) given version 2.<minor> and key section kind `kind`, the directory
    and header sealed again (§3, §2.2): only the version rule of §8.1 can refuse it."""
    data = bytearray((DATA / name).read_bytes())
    header = spec_reader.read_header(data)
    entry, = [header.directory_offset + 32 * i for i in range(header.section_count)
              if struct.unpack_from("<H", data, header.directory_offset + 32 * i)[0] == spec_reader.BLOCK_KEY_TABLE_KIND]
    struct.pack_into("<H", data, entry, kind)
    struct.pack_into("<H", data, 10, minor)
    path = tmp_path / f"{minor}-{kind}.mmg"
    path.write_bytes(sealed([data])[0])
    return path


def test_key_section_kind_follows_the_version(tmp_path):
    """§8.1, §2.3 writer rule 3: a 2.6 file has kind 15 and neither 12 nor 9; a 2.5 file kind 12
    and not 15, which its minor does not know; the module agrees."""
    assert [spec_reader.key_section_kind(v) for v in ((1, 1), (2, 2), (2, 3), (2, 5), (2, 6), (2, 7))] == [9, 9, 12, 12, 15, 15]
    if not (DATA / "small.mmg").exists() or spec_reader.read_header((DATA / "small.mmg").read_bytes()).minor != 6:
        pytest.skip("the golden small.mmg is not a 2.6 file")
    for minor, kind, error in ((6, 12, "kind 12 in a 2.6 file"), (6, 9, "kind 9 in a 2.6 file"),
                               (5, 15, "key_table in a 2.5 file")):
        path = key_section_file(tmp_path, "small.mmg", minor, kind)
        with pytest.raises(spec_reader.SpecError, match=error):
            spec_reader.Shard(path)
        with pytest.raises(mmgraph.Error):
            mmgraph.open(str(path))


def test_wrong_node_block_is_refused(tmp_path):
    """§8.1 (2.6): a key slot naming another block than its node record's is refused at open,
    naming the section, the slot and the block expected, and by the module's verify; lookups
    still find every key (the block is not part of the match)."""
    source = DATA / "small.mmg"
    if not source.exists() or spec_reader.read_header(source.read_bytes()).minor != 6:
        pytest.skip("the golden small.mmg is not a 2.6 file")
    data = bytearray(source.read_bytes())
    shard = spec_reader.Shard(source)
    key_table, = [s for s in shard.sections if s.kind == spec_reader.BLOCK_KEY_TABLE_KIND]
    slot = next(s for s in range(shard.keys.slot_count) if shard.keys.slot(s)[1])
    low, local_plus_one = shard.keys.slot(slot)
    shard.close()
    struct.pack_into("<I", data, key_table.offset + 16 + 8 * slot, low + (1 << 12))
    damaged = tmp_path / "small.mmg"
    damaged.write_bytes(sealed([data])[0])
    with pytest.raises(spec_reader.SpecError, match=rf"section {key_table.index} \(key_table\): slot {slot} .*"
                                                     rf"names node block {(low >> 12) + 1}, expected block {low >> 12}"):
        spec_reader.Shard(damaged)
    with mmgraph.open(str(damaged)) as graph:
        with pytest.raises(mmgraph.Error, match=f"key slot {slot} names node block"):
            graph.verify()
        expected = spec_reader.open_dataset(source)
        try:
            for v in range(expected.vertex_count):
                key = expected.shards[0].vertex(v)["key"]
                assert graph.find(key).index == v
        finally:
            expected.close()


def example_shard(minor, shard_count=1, runs=None, vertex_count=10, edge_types=None):
    """§7.1's file: 10 vertices, edge types KNOWS (no properties) and RATED (one property); in 2.5
    `runs` gives its runs sections by direction (§7.3)."""
    header = types.SimpleNamespace(major=2, minor=minor, vertex_count=vertex_count, shard_id=0, shard_count=shard_count)
    rated = spec_reader.Attribute("stars", spec_reader.type_code(2), False)
    if edge_types is None:
        edge_types = [spec_reader.SchemaEntry("KNOWS", 0, []), spec_reader.SchemaEntry("RATED", 0, [rated])]
    return types.SimpleNamespace(header=header, schema=spec_reader.Schema(spec_reader.KEY_STRING, [], edge_types),
                                 runs=runs or {})


def example_blocks(blocks):
    return [(b.edge_type, [tuple(t) for t in b.targets], None if b.ordinals is None else list(b.ordinals)) for b in blocks]


def packed_run(entries, width):
    """§7.2: entries at `width` bits in whole little-endian 32-bit words, zero padding."""
    bits = sum(e << (k * width) for k, e in enumerate(entries))
    return bits.to_bytes(4 * ((len(entries) * width + 31) // 32), "little")


def runs_region(data):
    return spec_reader.Region(data, 0, len(data), "out_runs")


def test_flat_worked_example():
    """§7.1's record of vertex 5 (KNOWS to 2 and 9, RATED to 7 with ordinal 12) as 2.5 lays it
    out: 28 bytes of directory and first ordinal at offset 0x1A4 of out_edges; the degree is
    start[6] - start[5] = 15 - 12 and the entries are 12 to 14 of the out_runs run, after
    vertices 0-4's twelve RATED edges to vertex 8."""
    slot, = struct.unpack("<Q", bytes.fromhex("A501000000000500"))
    assert slot == (5 << 48) | 0x1A4 | 1
    domain_id, offset, flat = spec_reader.decode_slot(slot)
    assert (domain_id, offset, flat) == (5, 0x1A4, True)
    record = bytes.fromhex("02000000 00000000 02000000 01000000 01000000 0C00000000000000")
    assert len(record) == 28 == (4 + 8 * 2) + 8
    # vertices 0-4 hold 3, 3, 2, 2 and 2 entries, all vertex 8, before vertex 5's
    starts = [0, 3, 6, 8, 10, 12, 15, 15, 15, 15, 15]
    entries = [8] * 12 + [2, 9, 7]
    run = packed_run(entries, 4)
    assert len(run) == 8 and run[4:8] == bytes.fromhex("88889207")  # the spec's word 1
    section = struct.pack("<II11I", 4, 0, *starts) + run
    runs = spec_reader.read_runs_section(runs_region(section), 10)
    assert (runs.start_bytes, runs.entry_count, runs.width) == (4, 15, 4)
    assert runs.entry_range(5) == (12, 15)
    shard = example_shard(5, runs={"out": runs})
    domain = bytes(0x1A4) + record
    region = spec_reader.Region(domain, 0, len(domain), "out_edges")
    blocks = spec_reader.read_adjacency_record(shard, region, offset, flat, True, 5)
    assert example_blocks(blocks) == [(0, [(0, 2), (0, 9)], None), (1, [(0, 7)], [12])]
    # the same record without the runs section, or with vertex 5 given no entries, is refused
    with pytest.raises(spec_reader.SpecError, match="without its out_runs section"):
        spec_reader.read_adjacency_record(example_shard(5), region, offset, flat, True, 5)
    with pytest.raises(spec_reader.SpecError, match="no entries"):
        spec_reader.read_adjacency_record(shard, region, offset, flat, True, 6)


def test_packed_flat_worked_example_2_4():
    """§7.1's record as 2.3 and 2.4 lay it out ("Reading 2.4 and 2.3" in §2.4): the degree, one
    run of all entries of its own, then the 28 bytes of 2.5's directory and ordinals; the file's
    minor picks the layout."""
    data = bytes.fromhex("03000000 92070000 02000000 00000000 02000000 01000000 01000000 0C00000000000000")
    assert len(data) == 36
    region = spec_reader.Region(data, 0, len(data), "out_edges")
    for minor in (3, 4):
        blocks = spec_reader.read_adjacency_record(example_shard(minor), region, 0, True, True, 5)
        assert example_blocks(blocks) == [(0, [(0, 2), (0, 9)], None), (1, [(0, 7)], [12])]


def test_flat_worked_example_2_2():
    """§7.1's record as a 2.2 file lays it out, block by block ("Reading 2.2 and older")."""
    data = bytes.fromhex("03000000 02000000 00000000 02000000 01000000 01000000 92000000 0C00000000000000 07000000")
    region = spec_reader.Region(data, 0, len(data), "out_edges")
    blocks = spec_reader.read_adjacency_record(example_shard(2), region, 0, True, True, 5)
    assert example_blocks(blocks) == [(0, [(0, 2), (0, 9)], None), (1, [(0, 7)], [12])]


def test_grouped_worked_example():
    """§7.1's two-shard record: grouped, the same in every minor."""
    data = bytes.fromhex("03000000 02000000 00000200 02000000 01000100 01000000 00000000 02000080"
                         "01000000 04000080 0C00000000000000 00000000 07000080")
    region = spec_reader.Region(data, 0, len(data), "out_edges")
    for minor in (2, 3, 4, 5):
        blocks = spec_reader.read_adjacency_record(example_shard(minor, shard_count=2), region, 0, False, True, 5)
        assert example_blocks(blocks) == [(0, [(0, 2), (1, 4)], None), (1, [(0, 7)], [12])]


RUNS_EXAMPLE = bytes.fromhex("04000000 00000000 00000000 02000000 02000000 03000000 09000000")


def runs_example_vertex_table():
    """§7.3's example's vertex table: out_edges slots of vertices 0 and 2 name offset 0 of the
    empty out_edges section (entry 5) with L set, vertex 1's is 0; nodes in entry 4."""
    slots = [(4 << 48) | 0, (5 << 48) | 1, (4 << 48) | 8, 0, (4 << 48) | 16, (5 << 48) | 1]
    data = struct.pack("<II2H4x6Q", 2, 0, 5, 6, *slots)
    return spec_reader.read_vertex_table(spec_reader.Region(data, 0, len(data), "vertices"), 3, (2, 5),
                                         spec_reader.KEY_STRING)


def test_runs_section_worked_example():
    """§7.3's out_runs of three vertices (0 -> 1, 2; 2 -> 0; W = 2): the starts, the degrees as
    their differences, the entries; the empty flat records decode at the out_edges section's end
    (offset 0 = its length 0); the verify checks pass."""
    assert len(RUNS_EXAMPLE) == 28 == 8 + 4 * 4 + 4
    runs = spec_reader.read_runs_section(runs_region(RUNS_EXAMPLE), 3)
    assert (runs.start_bytes, runs.width, runs.entry_count, runs.run_offset) == (4, 2, 3, 24)
    assert [runs.start(v) for v in range(4)] == [0, 2, 2, 3]
    assert [end - first for first, end in map(runs.entry_range, range(3))] == [2, 0, 1]
    assert [tuple(t) for t in runs.entries(0, 2, 0)] == [(0, 1), (0, 2)]
    assert [tuple(t) for t in runs.entries(2, 1, 0)] == [(0, 0)]
    table = runs_example_vertex_table()
    assert spec_reader.runs_section_errors(runs, table, spec_reader.KINDS["out_edges"]) == []
    follows = [spec_reader.SchemaEntry("FOLLOWS", 0, [])]
    shard = example_shard(5, runs={"out": runs}, vertex_count=3, edge_types=follows)
    out_edges = spec_reader.Region(b"", 0, 0, "out_edges")
    for local, targets in ((0, [(0, 1), (0, 2)]), (2, [(0, 0)])):
        _, offset, flat = spec_reader.decode_slot(table.slot(local, spec_reader.KINDS["out_edges"]))
        blocks = spec_reader.read_adjacency_record(shard, out_edges, offset, flat, True, local)
        assert example_blocks(blocks) == [(0, targets, None)]


def test_runs_section_damage():
    """§12 on §7.3's example: open refuses a bad start_bytes or a length that the last start does
    not give; access refuses starts out of order; verify reports nonzero padding, a flat slot
    without entries and entries without a flat slot."""
    def damaged(offset, value):
        data = bytearray(RUNS_EXAMPLE)
        struct.pack_into("<I", data, offset, value)
        return bytes(data)
    with pytest.raises(spec_reader.SpecError, match="start_bytes 5 at offset 0"):
        spec_reader.read_runs_section(runs_region(damaged(0, 5)), 3)
    with pytest.raises(spec_reader.SpecError, match="E = 17 at offset 20 gives 32"):
        spec_reader.read_runs_section(runs_region(damaged(20, 17)), 3)
    with pytest.raises(spec_reader.SpecError, match="passes the end"):
        spec_reader.read_runs_section(runs_region(RUNS_EXAMPLE[:16]), 3)
    runs = spec_reader.read_runs_section(runs_region(damaged(16, 1)), 3)  # start[2] = 1 < start[1]
    with pytest.raises(spec_reader.SpecError, match="not in order"):
        runs.entry_range(1)
    table, out = runs_example_vertex_table(), spec_reader.KINDS["out_edges"]
    padded = spec_reader.read_runs_section(runs_region(damaged(24, 0x49)), 3)
    assert [tuple(t) for t in padded.entries(0, 3, 0)] == [(0, 1), (0, 2), (0, 0)]
    assert spec_reader.runs_section_errors(padded, table, out) == ["out_runs: padding bits after entry 2 are not zero"]
    moved = spec_reader.read_runs_section(runs_region(damaged(16, 3)), 3)  # vertex 1 gets vertex 2's entry
    assert spec_reader.runs_section_errors(moved, table, out) == [
        "out_runs: vertex 1 has 1 entries and no flat record", "out_runs: vertex 2 has 0 entries and a flat record"]


def rewrite_as_2_5(path, start_bytes=4):
    """A single-shard 2.3 or 2.4 file laid out as 2.5 by the spec alone: each flat record loses
    its degree and run ("Reading 2.4 and 2.3" in §2.4) to a runs section after the domains (§3,
    §7.3), the slots follow their records (§5.1), and the directory, dataset id (§10) and
    header are recomputed. start_bytes 8 breaks only the writer rule of §7.3 (4 below 2^32)."""
    data = pathlib.Path(path).read_bytes()
    original = spec_reader.Shard(path)
    header, sections, table = original.header, original.sections, original.vertex_table
    original.close()
    assert header.shard_count == 1 and (header.major, header.minor) in ((2, 3), (2, 4))
    n, width = header.vertex_count, spec_reader.packed_width(header.vertex_count)
    body = {s.name: bytearray(data[s.offset:s.offset + s.length]) for s in sections if s.name != "edge_props"}
    table.region = spec_reader.Region(bytes(body["vertices"]), 0, len(body["vertices"]), "vertices")  # off the closed map
    runs = {}
    for direction in ("out", "in"):
        role = spec_reader.KINDS[f"{direction}_edges"]
        if role not in table.roles:
            continue
        old, new, starts, entries = body[f"{direction}_edges"], bytearray(), [0], []
        ends = sorted(spec_reader.decode_slot(table.slot(v, role))[1] for v in range(n) if table.slot(v, role)) + [len(old)]
        for v in range(n):
            slot = table.slot(v, role)
            degree = 0
            if slot:
                domain_id, offset, flat = spec_reader.decode_slot(slot)
                record = old[offset:ends[ends.index(offset) + 1]]
                if flat:
                    degree, = struct.unpack_from("<I", record)
                    run_words = (degree * width + 31) // 32
                    bits = int.from_bytes(record[4:4 + 4 * run_words], "little")
                    entries += [(bits >> (k * width)) & ((1 << width) - 1) for k in range(degree)]
                    record = record[4 + 4 * run_words:]
                position = table.base + 8 * (v * table.slot_count + table.roles.index(role))
                struct.pack_into("<Q", body["vertices"], position, (domain_id << 48) | len(new) | flat)
                new += record
            starts.append(starts[-1] + degree)
        body[f"{direction}_edges"] = new
        start_format = "I" if start_bytes == 4 else "Q"
        runs[f"{direction}_runs"] = struct.pack(f"<II{n + 1}{start_format}", start_bytes, 0, *starts) + packed_run(entries, width)
    contents = []
    for s in sections:
        contents.append((s.kind, bytes(body.get(s.name, data[s.offset:s.offset + s.length]))))
        if s.name == ("in_edges" if "in_runs" in runs else "out_edges"):
            contents += [(spec_reader.KINDS[name], runs[name]) for name in ("out_runs", "in_runs") if name in runs]
    count = len(contents)
    directory, out, offset = b"", bytearray(), spec_reader.align(spec_reader.HEADER_SIZE + 32 * count, 8)
    for kind, content in contents:
        directory += struct.pack("<HHIQQQ", kind, 0, 0, offset, len(content), spec_reader.xxh3_64(content))
        out += content + bytes(spec_reader.align(len(content), 8) - len(content))
        offset = spec_reader.align(offset + len(content), 8)
    low, high = spec_reader.xxh3_128(b"".join(directory[32 * i + 24:32 * i + 32] for i in range(count)))
    head = bytearray(data[:spec_reader.HEADER_SIZE])
    struct.pack_into("<HIQQQ", head, 10, 5, header.flags, offset, low, high)
    struct.pack_into("<IQQ", head, 44, count, spec_reader.HEADER_SIZE, spec_reader.xxh3_64(directory))
    struct.pack_into("<Q", head, 120, spec_reader.xxh3_64(head[:120]))
    return bytes(head) + directory + bytes(spec_reader.align(len(directory), 8) - len(directory)) + bytes(out)


def sealed(files, derive_id=True):
    """The files of one dataset (bytearrays in shard order) whose section bodies or directory
    entries' kinds were changed in place, sealed again: each entry's checksum (§3), the dataset id
    derived from them all (§10; kept when derive_id is false), the directory hash and the header
    checksum (§2.2). The directory's place and size are the header's; a list of bytes returned."""
    for data in files:
        count, directory_offset = struct.unpack_from("<IQ", data, 44)
        for i in range(count):
            entry = directory_offset + 32 * i
            offset, length = struct.unpack_from("<QQ", data, entry + 8)
            struct.pack_into("<Q", data, entry + 24, spec_reader.xxh3_64(data[offset:offset + length]))
    checksums = b"".join(data[directory_offset + 32 * i + 24:directory_offset + 32 * i + 32]
                         for data in files
                         for count, directory_offset in [struct.unpack_from("<IQ", data, 44)] for i in range(count))
    low, high = spec_reader.xxh3_128(checksums)
    for data in files:
        count, directory_offset = struct.unpack_from("<IQ", data, 44)
        if derive_id:
            struct.pack_into("<QQ", data, 24, low, high)
        struct.pack_into("<Q", data, 56, spec_reader.xxh3_64(data[directory_offset:directory_offset + 32 * count]))
        struct.pack_into("<Q", data, 120, spec_reader.xxh3_64(data[:120]))
    return [bytes(data) for data in files]


def rewrite_as_2_6(path):
    """A 2.5 file laid out as 2.6 by the spec alone (§8.1): the key table keeps its place and
    slots but becomes kind 15, each occupied slot's low word keeping the fingerprint's low 12
    bits (h & 0xFFF, the same bits of kind 12's h & 0xFFFFFFFF) with the node block above them:
    the vertex's node record offset (its nodes slot, §5.1) >> s, s from the nodes section's
    length. Then the version's minor is 6 and the checksums, the dataset id (derived, §10,
    unless the file's was given) and the header are sealed again. The derived id covers the
    checksums of every shard, so a shard of a dataset is rewritten with its siblings (found as
    open_dataset finds them, §10 "File names"): [(path, bytes)] for each shard of the dataset."""
    dataset = spec_reader.open_dataset(path)
    try:
        paths = [shard.path for shard in dataset.shards]
        derived = dataset.shards[0].header.dataset_id == dataset.derived_dataset_id()
        files = []
        for shard in dataset.shards:
            header = shard.header
            assert (header.major, header.minor) == (2, 5)
            data = bytearray(pathlib.Path(shard.path).read_bytes())
            key_table, = [s for s in shard.sections if s.kind == spec_reader.WIDE_KEY_TABLE_KIND]
            shift = spec_reader.node_block_shift(shard.section_region("nodes").length)
            offsets = node_record_offsets(shard)
            for position in range(key_table.offset + 16, key_table.offset + key_table.length, 8):
                low, local_plus_one = struct.unpack_from("<II", data, position)
                if local_plus_one:
                    struct.pack_into("<I", data, position, low & 0xFFF | (offsets[local_plus_one - 1] >> shift) << 12)
            struct.pack_into("<H", data, header.directory_offset + 32 * key_table.index, spec_reader.BLOCK_KEY_TABLE_KIND)
            struct.pack_into("<H", data, 10, 6)
            files.append(data)
    finally:
        dataset.close()
    return list(zip(paths, sealed(files, derive_id=derived)))


def decoded_graph(path):
    """Everything spec_reader decodes from a file or dataset: vertices, edges both ways, keys
    found."""
    dataset = spec_reader.open_dataset(path)
    try:
        assert_same_integrity(dataset)
        shard = dataset.shards[0]
        directions = ("out", "in") if shard.has_in_edges else ("out",)
        vertices = [s.vertex(local) for s, local in map(dataset.locate, range(dataset.vertex_count))]
        edges = [[dataset.edges(v, d) for d in directions] for v in range(dataset.vertex_count)]
        found = [dataset.find(vertex["key"], vertex["space"]) for vertex in vertices]
        return repr(vertices), repr(edges), found
    finally:
        dataset.close()


def rewritten_2_5_cases():
    """The single-shard 2.3 and 2.4 golden files, but a 2.3 file of int64 keys, which lacks the
    key slot that 2.4 and later require of it (§5.1)."""
    cases = []
    for path in GOLDEN:
        shard = spec_reader.Shard(path)
        version, int_keys = (shard.header.major, shard.header.minor), shard.schema.key_type == spec_reader.KEY_INT
        if shard.header.shard_count == 1 and (version == (2, 4) or (version == (2, 3) and not int_keys)):
            cases.append(path)
        shard.close()
    return cases


@pytest.mark.parametrize("path", rewritten_2_5_cases(), ids=lambda p: str(p.relative_to(DATA)))
def test_golden_file_rewritten_as_2_5(tmp_path, path):
    """A 2.3 or 2.4 golden file and its 2.5 layout decode to the same graph; the 2.5 file has
    its runs sections in §3's order and passes their verify checks (§12)."""
    rewritten = tmp_path / path.name
    rewritten.write_bytes(rewrite_as_2_5(path))
    shard = spec_reader.Shard(rewritten)
    try:
        assert (shard.header.minor, sorted(shard.runs)) == (5, ["in", "out"] if shard.has_in_edges else ["out"])
    finally:
        shard.close()
    assert decoded_graph(rewritten) == decoded_graph(path)


def test_empty_flat_records_as_written(tmp_path):
    """One edge type without properties: every 2.5 flat record is empty (§7), the out_edges
    section has length 0 and each slot names its end (§5.1)."""
    path = tmp_path / "one.mmg"
    n = 40
    things = pd.DataFrame({"key": [f"t{i}" for i in range(n)]})
    links = pd.DataFrame({"source": [f"t{i % 7}" for i in range(90)], "target": [f"t{(5 * i) % n}" for i in range(90)]})
    mmgraph.write(path, vertices={"Thing": things}, edges={"LINK": links}, store_in_edges=True)
    shard = spec_reader.Shard(path)
    try:
        assert (shard.header.major, shard.header.minor) >= spec_reader.RUNS_SECTIONS_SINCE
        assert shard.section_region("out_edges").length == 0 and shard.section_region("in_edges").length == 0
        assert [len(shard.adjacency(v, "out")) for v in range(n)] == [1] * 7 + [0] * (n - 7)
        assert shard.runs_section_errors() == []
    finally:
        shard.close()


@pytest.mark.parametrize("name", ["small.mmg", "labels.mmg", "intkeys.mmg"])
def test_eight_byte_starts_below_2_32_entries_are_refused_safely(tmp_path, name):
    """Starts of 8 bytes with fewer than 2^32 entries break §7.3's writer rule, by which a
    reader takes the width from the section's length. The module (the C++ reader) then reads
    the starts as 4-byte ones: whatever it reads stays inside the file, or fails with an error,
    and verify refuses the file, naming the stored width."""
    wide = tmp_path / name
    wide.write_bytes(rewrite_as_2_5(DATA / "v2.4" / name, start_bytes=8))
    assert spec_reader.Shard(wide).runs["out"].start_bytes == 8
    with mmgraph.open(str(wide)) as got:
        directions = ("out", "in") if got.has_in_edges else ("out",)
        for d in directions:
            for v in range(len(got)):
                try:
                    got.vertex(v).neighbors(d)
                except mmgraph.Error:
                    pass
        with pytest.raises(mmgraph.Error, match="start_bytes 8, but the section's length gives 4"):
            got.verify()


def test_rewritten_golden_files_equal_the_writers_2_5_files():
    """The test's own 2.4-to-2.5 rewrite, written from the spec, gives the C++ writer's 2.5 golden
    files (v2.5/) byte for byte: two independent encoders of §7.3 agree."""
    for path in rewritten_2_5_cases():
        if path.parent.name != "v2.4":
            continue
        assert rewrite_as_2_5(path) == (DATA / "v2.5" / path.name).read_bytes(), path.name


#: The v2.5/ files that name a dataset: every single-shard file and shard 0 of each sharded one.
V2_5_DATASETS = sorted(p for p in DATA.glob("v2.5/*.mmg") if not re.search(r"-[1-9]\d*-of-\d+\.mmg$", p.name))


@pytest.mark.parametrize("path", V2_5_DATASETS, ids=lambda p: str(p.relative_to(DATA)))
def test_golden_file_rewritten_as_2_6(tmp_path, path):
    """The test's own 2.5-to-2.6 rewrite of a v2.5/ golden file (a single-shard file, or a whole
    dataset from its shard 0: the derived dataset id, §10, covers every shard's key table)
    gives the C++ writer's 2.6 golden files byte for byte: two independent encoders of §8.1's
    kind 15 agree; and it decodes to the graph of the 2.5 file."""
    rewritten = rewrite_as_2_6(path)
    if spec_reader.read_header(path.read_bytes()).shard_count > 1:
        assert len(rewritten) > 1
    for original, data in rewritten:
        name = pathlib.Path(original).name
        assert data == (DATA / name).read_bytes(), name
        (tmp_path / name).write_bytes(data)
    assert decoded_graph(tmp_path / path.name) == decoded_graph(path)


def test_golden_files_cover_every_format():
    versions = {(spec_reader.read_header(p.read_bytes()).major, spec_reader.read_header(p.read_bytes()).minor)
                for p in GOLDEN}
    assert {(1, 0), (1, 1), (2, 0), (2, 1), (2, 2), (2, 3), (2, 4), (2, 5), (2, 6)} <= versions


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
    shard = spec_reader.Shard(tmp_path / "w.mmg")  # the dataset's maps are closed
    try:
        if shard.keys.block_shift is not None:  # 2.6: the records after the 70000-byte one lie in later blocks (§8.1)
            assert max(shard.keys.slot(s)[0] >> 12 for s in range(shard.keys.slot_count)) > 0
    finally:
        shard.close()

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


@pytest.mark.parametrize("name,as_2_5", [(name, False) for name in ["small.mmg", "labels.mmg", "temporal.mmg",
                                                                       "sharded-1-of-2.mmg", "v2.5/labels.mmg",
                                                                       "v1/lists.mmg"]]
                         + [("v2.4/small.mmg", True), ("v2.4/labels.mmg", True)])
def test_damaged_copies_fail_with_spec_errors_only(tmp_path, name, as_2_5):
    """The decoder follows §12: a damaged section body is refused, never read outside its bounds
    nor allowed to allocate per a forged count (the header and directory are checksummed). With
    as_2_5, the file rewritten as 2.5 (runs sections, §7.3) while the golden files are older."""
    source = DATA / name
    if not source.exists():
        pytest.skip(f"{source} is not in this golden directory")
    if as_2_5 and spec_reader.read_header(source.read_bytes()).minor not in (3, 4):
        pytest.skip(f"{source} is not a 2.3 or 2.4 file to rewrite")
    data = rewrite_as_2_5(source) if as_2_5 else source.read_bytes()
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
