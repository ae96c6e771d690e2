"""Objects outliving their File, close() under live views, any order of release."""

import gc

import numpy as np
import pytest

import mmgraph


def first_list(f):
    for index in range(f.vertex_count):
        value = f.vertex(index)["a_int64_list"]
        if value is not None and len(value):
            return value
    raise AssertionError("no list")


def test_closed_file_objects_raise(small_file):
    path, _ = small_file
    f = mmgraph.open(path)
    v = f.vertex(0)
    f.close()
    assert f.closed
    for use in (lambda: v.key, lambda: v.attributes(), lambda: v.neighbors(), lambda: f.vertex(0),
                lambda: f.csr(), lambda: f.find("x"), lambda: f.vertices(), lambda: f.labels, lambda: v.degree()):
        with pytest.raises(mmgraph.ClosedError):
            use()
    assert "closed" in repr(v) and "closed" in repr(f)
    f.close()  # twice is fine


def test_views_outlive_close_and_file(small_file):
    path, _ = small_file
    f = mmgraph.open(path)
    values = first_list(f)
    blob = next(v["a_bytes"] for v in (f.vertex(i) for i in range(f.vertex_count)) if v["a_bytes"] is not None)
    indptr, indices = f.csr()
    copy = values.copy()
    f.close()
    del f
    gc.collect()
    np.testing.assert_array_equal(values, copy)  # the view keeps the mapping
    assert bytes(blob) == bytes(blob)
    assert indptr[-1] == len(indices)


def test_release_in_any_order(small_file):
    path, _ = small_file
    for order in range(3):
        f = mmgraph.open(path)
        v = f.vertex(1)
        values = first_list(f)
        objects = [f, v, values]
        objects.insert(0, objects.pop(order))
        while objects:
            objects.pop()
            gc.collect()


def test_context_manager_closes(small_file):
    path, _ = small_file
    with mmgraph.open(path) as f:
        v = f.vertex(0)
        view = first_list(f)
    with pytest.raises(mmgraph.ClosedError):
        v.label
    assert view.sum() == view.sum()


def test_vertex_identity(small_file):
    path, _ = small_file
    with mmgraph.open(path) as f:
        assert f.vertex(3) == f.vertex(3) and f.vertex(3) != f.vertex(4)
        assert len({f.vertex(3), f.vertex(3)}) == 1
        assert f.vertex(-1).index == f.vertex_count - 1
