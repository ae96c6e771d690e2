"""Serving shards: datasets opened with some of their shards (mmgraph.open(path, shards=[...])),
routed by mmgraph.shard_of, answering for another shard's keys and vertices with ShardNotMapped."""

import numpy as np
import pytest

import mmgraph
from conftest import random_graph, write_graph

K = 4


@pytest.fixture(params=["string", "int"])
def dataset(request, tmp_path):
    graph = random_graph(61, n=120, m=600, key_type=request.param)
    write_graph(graph, tmp_path / "g.mmg", key_type=request.param, shards=K)
    return tmp_path / "g.mmg", graph


def test_shard_of_is_the_writers_placement(dataset):
    path, graph = dataset
    with mmgraph.open(path) as full:
        for key in graph["keys"]:
            key = key.item() if isinstance(key, np.generic) else key
            assert full.find(key).shard == mmgraph.shard_of(key, K)
    assert mmgraph.shard_of("anything", 1) == 0
    for bad in (0, -1, 65536):
        with pytest.raises(mmgraph.MisuseError):
            mmgraph.shard_of("x", bad)
    with pytest.raises(TypeError):
        mmgraph.shard_of(1.5, 4)


def test_two_services_answer_every_key_once(dataset):
    path, graph = dataset
    with mmgraph.open(path) as full, mmgraph.open(path, shards=[0, 2]) as even, mmgraph.open(path, shards=[1, 3]) as odd:
        assert isinstance(even, mmgraph.Dataset) and even.mapped_shards == (0, 2) and odd.mapped_shards == (1, 3)
        assert even.shard_count == odd.shard_count == K
        assert len(even) + len(odd) == len(full) == len(graph["keys"])
        assert even.edge_count + odd.edge_count == full.edge_count
        assert [e.count for e in even.labels] == [len(even)]
        assert even.shard_paths[1] is None and even.shards[1] is None and even.shards[2].shard_id == 2
        assert "shards [0, 2] of 4" in repr(even)
        services = {0: even, 1: odd, 2: even, 3: odd}
        for key in graph["keys"]:
            key = key.item() if isinstance(key, np.generic) else key
            owner = mmgraph.shard_of(key, K)
            serves, other = services[owner], (odd if services[owner] is even else even)
            v = serves.find(key)
            assert v is not None and v.key == key and v.shard == owner
            assert v.local_index == full.find(key).local_index and v.mapped
            assert v.attributes().keys() == full.find(key).attributes().keys()
            with pytest.raises(mmgraph.ShardNotMapped) as raised:
                other.find(key)
            assert raised.value.shard == owner and isinstance(raised.value, mmgraph.MisuseError)
            assert f"shard {owner} of 4" in str(raised.value)
        # Batch lookups: a service's own keys answer; a foreign one raises naming its owner.
        mine = [k for k in graph["keys"].tolist() if services[mmgraph.shard_of(k, K)] is even]
        found = even.find_many(mine)
        assert (found >= 0).all() and [even.vertex(int(i)).key for i in found] == mine
        foreign = next(k for k in graph["keys"].tolist() if services[mmgraph.shard_of(k, K)] is odd)
        with pytest.raises(mmgraph.ShardNotMapped) as raised:
            even.find_many(mine[:1] + [foreign])
        assert raised.value.shard == mmgraph.shard_of(foreign, K)
        absent = "no such key" if full.key_type == "string" else -5
        assert services[mmgraph.shard_of(absent, K)].find(absent) is None


def test_neighbours_in_unmapped_shards_are_references(dataset):
    path, _ = dataset
    with mmgraph.open(path) as full, mmgraph.open(path, shards=[0, 2]) as even, mmgraph.open(path, shards=[1, 3]) as odd:
        routed = 0
        for v in (even.vertex(i) for i in range(len(even))):
            shards, local = v.neighbor_refs()
            assert shards.dtype == np.uint16 and local.dtype == np.uint32 and len(shards) == v.degree()
            twin = full.vertex_in(v.shard, v.local_index)
            assert [full.vertex(int(i)).key for i in twin.neighbors()] == [full.vertex_in(int(s), int(i)).key for s, i in zip(shards, local)]
            if (shards % 2 == 1).any():
                routed += 1
                with pytest.raises(mmgraph.ShardNotMapped):
                    v.neighbors()
            else:
                assert [even.vertex(int(i)).key for i in v.neighbors()] == [full.vertex(int(i)).key for i in twin.neighbors()]
            for s, i in zip(shards.tolist(), local.tolist()):
                ref = even.vertex_in(s, i)
                if s % 2 == 0:
                    assert ref.mapped and ref.key == full.vertex_in(s, i).key
                    continue
                assert not ref.mapped and (ref.shard, ref.local_index) == (s, i) and "not mapped" in repr(ref)
                for read in (lambda: ref.key, lambda: ref.index, lambda: ref.attributes(), lambda: ref.neighbors()):
                    with pytest.raises(mmgraph.ShardNotMapped) as raised:
                        read()
                    assert raised.value.shard == s
                assert odd.vertex_in(s, i).key == full.vertex_in(s, i).key  # routed to the service that maps it
        assert routed > 0
        # vertex_ref attributes into unmapped shards read as references too.
        refs = [value for v in (even.vertex(i) for i in range(len(even))) for value in [v["a_vertex_ref"]] if value is not None]
        assert refs and any(not r.mapped for r in refs) and all(r.mapped == (r.shard % 2 == 0) for r in refs)
        with pytest.raises(mmgraph.ShardNotMapped):
            even.shard(1)
        with pytest.raises(mmgraph.MisuseError):
            even.vertex_in(4, 0)


def test_partial_datasets_verify_and_keep_the_consistency_checks(dataset, tmp_path):
    path, graph = dataset
    with mmgraph.open(path, shards=[0, 2], verify=True) as even:
        even.verify()
        assert len(even.degrees()) == len(even)
    other = tmp_path / "other"
    other.mkdir()
    write_graph(random_graph(62, n=120, m=600, key_type=mmgraph.open(path).key_type), other / "g.mmg",
                key_type=mmgraph.open(path).key_type, shards=K)
    stranger = (other / "g-2-of-4.mmg").read_bytes()
    (tmp_path / "g-2-of-4.mmg").write_bytes(stranger)
    with pytest.raises(mmgraph.DamagedFileError, match="dataset id"):
        mmgraph.open(path, shards=[0, 2])
    assert len(mmgraph.open(path, shards=[1, 3])) > 0  # the shards it maps agree


def test_bad_shard_lists_are_clear_errors(dataset, tmp_path):
    path, _ = dataset
    for shards, message in (([], "no shards named"), ([4], "shard 4 out of range"), ([1, 1], "shard 1 named twice"),
                            ([-1], "out of range")):
        with pytest.raises(mmgraph.MisuseError, match=message):
            mmgraph.open(path, shards=shards)
    files = [tmp_path / "g-3-of-4.mmg", tmp_path / "g-1-of-4.mmg"]
    with mmgraph.open(files, shards=[1, 3]) as odd:
        assert odd.mapped_shards == (1, 3)
    with pytest.raises(mmgraph.MisuseError, match="not one of the shards named"):
        mmgraph.open(files, shards=[1])
    with pytest.raises(mmgraph.MisuseError, match="shard 2 not given"):
        mmgraph.open(files, shards=[1, 2, 3])


def test_a_host_with_only_its_shards(dataset, tmp_path):
    path, graph = dataset
    host = tmp_path / "host"
    host.mkdir()
    for s in (1, 3):
        (host / f"g-{s}-of-4.mmg").write_bytes((tmp_path / f"g-{s}-of-4.mmg").read_bytes())
    with mmgraph.open(host / "g.mmg", shards=[1, 3]) as odd:
        assert len(odd) == len(mmgraph.open(path, shards=[1, 3]))
    with pytest.raises(mmgraph.FileSystemError):
        mmgraph.open(host / "g.mmg")
