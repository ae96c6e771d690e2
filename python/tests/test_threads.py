"""One File shared between threads, and closed while they run."""

import threading

import numpy as np

import mmgraph
from conftest import random_graph, write_graph


def test_shared_file_gives_the_same_answers(tmp_path):
    write_graph(random_graph(31, n=300, m=2000), tmp_path / "g.mmg")
    with mmgraph.open(tmp_path / "g.mmg") as f:
        want_bfs = f.bfs(0)
        want_csr = f.csr()
        errors = []

        def work():
            try:
                for _ in range(20):
                    np.testing.assert_array_equal(f.bfs(0), want_bfs)
                    np.testing.assert_array_equal(f.csr()[1], want_csr[1])
                    f.vertex(5).attributes()
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors


def test_close_while_threads_read(tmp_path):
    write_graph(random_graph(32, n=300, m=3000), tmp_path / "g.mmg")
    f = mmgraph.open(tmp_path / "g.mmg")
    unexpected = []

    def work():
        for _ in range(200):
            try:
                f.bfs(0)
                f.vertex(7).neighbors()
                f.vertices()
            except mmgraph.ClosedError:
                return
            except Exception as error:
                unexpected.append(error)
                return

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    f.close()
    for t in threads:
        t.join()
    assert not unexpected


def test_close_a_dataset_while_threads_read_its_shards(tmp_path):
    stats = write_graph(random_graph(33, n=300, m=3000), tmp_path / "g.mmg", shards=3)
    ds = mmgraph.open(stats["files"][0])
    unexpected = []

    def work(shard):
        try:
            f = ds.shard(shard)
            for _ in range(200):
                f.csr("in")
                f.vertex(f.index_range.start).neighbors()
                f.vertices()
        except mmgraph.ClosedError:
            pass
        except Exception as error:
            unexpected.append(error)

    threads = [threading.Thread(target=work, args=(shard,)) for shard in range(3)]
    for t in threads:
        t.start()
    ds.close()
    for t in threads:
        t.join()
    assert not unexpected
