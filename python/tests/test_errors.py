"""Damaged, truncated and missing files, bad input and misuse raise mmgraph.Error subclasses."""

import errno
import os

import numpy as np
import pytest

import mmgraph
from conftest import random_graph, write_graph


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(mmgraph.FileSystemError) as caught:
        mmgraph.open(tmp_path / "absent.mmg")
    assert isinstance(caught.value, OSError)
    assert caught.value.errno == errno.ENOENT


def test_truncated_files_raise(small_file, tmp_path):
    path, _ = small_file
    data = path.read_bytes()
    for size in (0, 7, 64, len(data) // 2, len(data) - 1):
        cut = tmp_path / f"cut{size}.mmg"
        cut.write_bytes(data[:size])
        with pytest.raises(mmgraph.Error):
            with mmgraph.open(cut, verify=True) as f:
                f.csr()


def test_bit_flips_raise_or_read_consistently(small_file, tmp_path):
    """Every flipped byte is caught by verify (section checksums); nothing crashes."""
    path, _ = small_file
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(5)
    for position in rng.choice(len(data), size=40, replace=False):
        damaged = bytearray(data)
        damaged[position] ^= 0x5A
        target = tmp_path / "flip.mmg"
        target.write_bytes(bytes(damaged))
        try:
            f = mmgraph.open(target)
        except mmgraph.Error:
            continue
        with f:
            try:
                f.vertices(), f.edges(), f.csr(), f.bfs(0)
            except mmgraph.Error:
                pass
            with pytest.raises(mmgraph.Error):
                f.verify()


def test_truncated_and_flipped_files_are_damaged(small_file, tmp_path):
    path, _ = small_file
    data = path.read_bytes()
    cut = tmp_path / "cut.mmg"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(mmgraph.DamagedFileError):
        mmgraph.open(cut)
    flipped = bytearray(data)
    flipped[len(data) - 20] ^= 0xFF
    cut.write_bytes(bytes(flipped))
    with pytest.raises(mmgraph.DamagedFileError):
        mmgraph.open(cut, verify=True)


def test_error_classes():
    assert issubclass(mmgraph.FileSystemError, OSError) and issubclass(mmgraph.FileSystemError, mmgraph.Error)
    assert issubclass(mmgraph.ClosedError, mmgraph.MisuseError)
    for cls in (mmgraph.DamagedFileError, mmgraph.InputError, mmgraph.LimitError, mmgraph.MisuseError):
        assert issubclass(cls, mmgraph.Error)


def test_bad_input_and_failed_write_leave_no_file(tmp_path):
    w = mmgraph.Writer()
    w.add_label("P", {"age": "int8"})
    with pytest.raises(mmgraph.InputError):
        w.add_vertices("P", ["a", "b"], {"age": np.array([1, 1000])})  # 1000 does not fit int8
    with pytest.raises(mmgraph.Error):
        w.add_vertices("P", ["a", "b"], {"age": np.ma.masked_array([1, 2], mask=[0, 1])})  # null, not nullable
    with pytest.raises(mmgraph.InputError):
        mmgraph.Writer().add_label("P", {"x": "int128"})
    with pytest.raises(mmgraph.Error):
        mmgraph.write(tmp_path / "bad.mmg", vertices={"P": __import__("pandas").DataFrame({"key": ["a", "a"]})})
    assert not (tmp_path / "bad.mmg").exists()
    w = mmgraph.Writer()
    w.add_label("P")
    w.add_edge_type("E")
    w.add_vertices("P", ["a"])
    with pytest.raises(mmgraph.Error):
        w.add_edges("E", ["a"], ["zzz"])
    w.finish(str(tmp_path / "ok.mmg"))
    with pytest.raises(mmgraph.MisuseError):
        w.add_vertices("P", ["b"])


def test_write_into_missing_directory_is_io(tmp_path):
    w = mmgraph.Writer()
    w.add_label("P")
    w.add_vertices("P", ["a"])
    with pytest.raises(mmgraph.Error) as caught:
        w.finish(str(tmp_path / "no" / "such" / "dir.mmg"))
    if isinstance(caught.value, mmgraph.FileSystemError):
        assert caught.value.errno == errno.ENOENT
    assert not os.path.exists(tmp_path / "no")


def test_misuse(small_file):
    path, _ = small_file
    with mmgraph.open(path) as f:
        with pytest.raises(mmgraph.MisuseError):
            f.vertex(f.vertex_count)
        with pytest.raises(ValueError):
            f.degrees("sideways")
        with pytest.raises(KeyError):
            f.vertex(0)["no_such_attribute"]


def test_a_refused_row_adds_no_row_of_its_call(tmp_path):
    """add_vertices and add_edges add every row or none; the error names the row."""

    def build(with_failures):
        w = mmgraph.Writer(key_type="int")
        w.add_label("P", {"age": "int8"})
        w.add_edge_type("E", {"w": "float64"})
        keys = np.arange(5000, dtype=np.int64)
        if with_failures:
            with pytest.raises(mmgraph.InputError) as caught:
                w.add_vertices("P", np.append(keys, 17), {"age": np.zeros(5001, dtype=np.int8)})
            assert caught.value.row == 5000 and "row 5000" in str(caught.value)
            assert w.vertex_count == 0
        w.add_vertices("P", keys, {"age": (keys % 100).astype(np.int8)})
        sources, targets = keys, (keys + 1) % 5000
        if with_failures:
            with pytest.raises(mmgraph.InputError) as caught:
                w.add_edges("E", sources, np.where(targets == 42, 99999, targets), {"w": np.ones(5000)})
            assert caught.value.row == 41 and "unknown target vertex 99999" in str(caught.value)
            assert w.edge_count == 0
        w.add_edges("E", sources, targets, {"w": sources / 7.0})
        path = tmp_path / f"g{int(with_failures)}.mmg"
        w.finish(str(path))
        return path.read_bytes()

    assert build(True) == build(False)


def test_names_and_keys_that_are_not_utf8_keep_their_bytes(tmp_path):
    """A damaged name or key still reads (as surrogate escapes, as os.fsdecode gives) and can be
    given back; verify() is what reports the damage."""
    w = mmgraph.Writer()
    w.add_label("Person", {"zname": "string"})
    w.add_edge_type("KNOWS", {"zsince": "int32"})
    w.add_vertices("Person", ["zkey"], {"zname": ["Ann"]})
    w.add_edges("KNOWS", ["zkey"], ["zkey"], {"zsince": [2001]})
    w.finish(str(tmp_path / "good.mmg"))
    data = bytearray((tmp_path / "good.mmg").read_bytes())
    with mmgraph.open(tmp_path / "good.mmg") as f:
        strings = next(s for s in f.sections if s.name == "strings")
        nodes = next(s for s in f.sections if s.name == "nodes")
    for section, word in ((strings, b"zname"), (strings, b"zsince"), (nodes, b"zkey")):
        at = data.index(word, section.offset, section.offset + section.length)
        data[at] = 0xFF  # "z" becomes a byte that starts no UTF-8 sequence
    (tmp_path / "bad.mmg").write_bytes(bytes(data))
    with mmgraph.open(tmp_path / "bad.mmg") as f:
        vertex = f.vertex(0)
        assert vertex.key == "\udcffkey" and f.find(vertex.key) in (None, vertex)
        assert list(vertex.attributes()) == ["\udcffname"] and vertex["\udcffname"] == "Ann"
        assert f.labels[0].attributes[0].name == "\udcffname" and "\\udcffname" in repr(f.labels[0])
        assert vertex.edges("out", type="KNOWS").properties == [{"\udcffsince": 2001}]
        assert list(f.vertices().columns)[-1] == "\udcffname" and "\udcffsince" in f.edges().columns
        with pytest.raises(KeyError):
            vertex["\udcffother"]
        with pytest.raises(mmgraph.DamagedFileError):
            f.verify()


def test_text_that_is_not_utf8_is_refused(tmp_path):
    """Stored text is UTF-8 (spec §4.3): bytes given for a string column are checked by the
    writer, and a str holding surrogate escapes cannot be encoded at all; nothing is written."""
    w = mmgraph.Writer()
    w.add_label("P", {"name": "string", "raw": "bytes"})
    with pytest.raises(mmgraph.InputError, match=r"row 1: .*'name' \(string\): string is not UTF-8 \(byte 0xE9 at byte 3"):
        w.add_vertices("P", ["a", "b"], {"name": np.array([b"ok", b"caf\xe9"]), "raw": [b"", b""]})
    with pytest.raises(UnicodeEncodeError):
        w.add_vertices("P", ["\udcffkey"])
    w.add_vertices("P", ["a"], {"name": ["café"], "raw": [b"\xff\xfe"]})  # bytes values hold anything
    w.finish(str(tmp_path / "g.mmg"))
    with mmgraph.open(tmp_path / "g.mmg") as f:
        f.verify()
        assert f.vertex(0)["name"] == "café" and f.vertex(0)["raw"] == b"\xff\xfe"
