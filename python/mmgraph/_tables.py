"""pandas, scipy and networkx views of a File or Dataset, added to both as methods.

The native tables hand over numpy values with null masks; here they become pandas columns with
nullable dtypes (Int8 ... UInt64, Float32/Float64, boolean, string; datetime64 for dates; the 2.2
temporal types as _temporal.table_column() says); other values (bytes, lists, mixed types, points)
stay Python objects in object columns. vertex_ref values appear as the referenced
vertex's index (Int64).
"""

import numpy as np

from . import _temporal
from ._native import Graph
from ._optional import require


def _dates(pd, values, mask):
    """A date column (numpy datetime64[D] from the native table) for pandas: datetime64[ns] with NaT
    for nulls when every date fits pandas' nanosecond range (about the years 1677 to 2262), else
    objects: datetime.date, numpy.datetime64 outside the years 1 to 9999, None for nulls."""
    present = values if mask is None else values[~mask]
    first, last = np.datetime64(pd.Timestamp.min.ceil("D").date()), np.datetime64(pd.Timestamp.max.floor("D").date())
    if ((present >= first) & (present <= last)).all():
        column = values.astype("M8[ns]")
        if mask is not None:
            column[mask] = np.datetime64("NaT")
        return column
    years = values.astype("M8[Y]").astype(np.int64) + 1970
    column = np.empty(len(values), dtype=object)
    for row, value in enumerate(values):
        if mask is not None and mask[row]:
            column[row] = None
        else:
            column[row] = value.item() if 1 <= years[row] <= 9999 else value
    return column


def _column(pd, type_name, values, mask):
    if type_name in _temporal.DTYPES:
        return _temporal.table_column(pd, type_name, values, mask)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return _dates(pd, values, mask)
    if mask is not None:
        kind = values.dtype.kind
        if kind == "b":
            return pd.arrays.BooleanArray(values, mask)
        if kind in "iu":
            return pd.arrays.IntegerArray(values, mask)
        if kind == "f":
            return pd.arrays.FloatingArray(values, mask)
    if type_name == "string":
        return pd.array(values, dtype="string")
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def _frame(pd, head, columns):
    data = dict(head)
    for name, type_name, values, mask in columns:
        if name in data:
            name = f"{name}_attribute"  # never hide the index, key, label(s), source, target or type columns
        data[name] = _column(pd, type_name, values, mask)
    return pd.DataFrame(data)


def vertices(self, label=None):
    """The vertices as a pandas DataFrame: columns ``index``, ``key``, ``label`` (categorical: the
    vertex's first label in schema order, as ``Vertex.label``), ``labels`` (a tuple of all its
    label names, as ``Vertex.labels``) and one per attribute, with nullable dtypes.

    ``label`` keeps the vertices that carry that label, whatever other labels they have too, with
    the columns of every label they carry. An attribute whose name is taken by those columns gets
    the suffix ``_attribute``."""
    pd = require("pandas", "File.vertices()")
    table = self._vertex_table(label)
    keys = table["key"]
    head = {
        "index": table["index"],
        "key": keys if isinstance(keys, np.ndarray) else pd.array(keys, dtype="string"),
        "label": pd.Categorical.from_codes(table["label"], categories=table["label_names"]),
        "labels": pd.Series(table["labels"], dtype=object),
    }
    return _frame(pd, head, table["columns"])


def edges(self, type=None):  # noqa: A002 - the API's name
    """The edges as a pandas DataFrame: ``source`` and ``target`` vertex indices, ``type``
    (categorical) and one column per edge property, with nullable dtypes. ``type`` keeps one edge type."""
    pd = require("pandas", "File.edges()")
    table = self._edge_table(type)
    head = {
        "source": table["source"],
        "target": table["target"],
        "type": pd.Categorical.from_codes(table["type"], categories=table["type_names"]),
    }
    return _frame(pd, head, table["columns"])


def to_scipy(self, direction="out", type=None, dtype=np.float64):  # noqa: A002
    """The adjacency matrix as a ``scipy.sparse.csr_array`` of shape (vertex_count, vertex_count):
    entry (v, w) counts the edges v -> w ('out') or w -> v ('in'), as ``dtype``; multi-edges
    stay as duplicate entries (``sum_duplicates()`` merges them). A shard File gives its rows of
    the dataset's matrix: shape (its vertex_count, the dataset's), row i for vertex
    ``index_range[i]``."""
    sparse = require("scipy.sparse", "File.to_scipy()")
    indptr, indices = self.csr(direction, type)
    shape = (self.vertex_count, self._index_limit)
    return sparse.csr_array((np.ones(len(indices), dtype=dtype), indices, indptr), shape=shape)


def to_networkx(self):
    """The whole graph as a ``networkx.MultiDiGraph`` whose nodes are vertex indices, with the
    attributes, ``key`` and ``label``; each edge has ``type`` and its properties. For small graphs:
    it builds Python objects for everything. A shard File gives its own vertices and their
    out-edges; targets in other shards are bare nodes."""
    nx = require("networkx", "File.to_networkx()")
    graph = nx.MultiDiGraph()
    for index in self.index_range:
        vertex = self.vertex(index)
        data = vertex.attributes()
        data["key"] = vertex.key
        data["label"] = vertex.label
        graph.add_node(index, **data)
    for index in self.index_range:
        targets, types, properties = self.vertex(index).edges("out")
        for target, type_name, props in zip(targets.tolist(), types, properties):
            graph.add_edge(index, target, type=type_name, **props)
    return graph


Graph.vertices = vertices
Graph.edges = edges
Graph.to_scipy = to_scipy
Graph.to_networkx = to_networkx
