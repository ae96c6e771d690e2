"""mmgraph: memory-mapped, read-only property-graph files, read zero-copy into numpy, scipy and pandas.

Reading::

    with mmgraph.open("people.mmg") as f:
        alice = f.find("alice")
        print(alice["name"], alice.neighbors())
        indptr, indices = f.csr()
        people = f.vertices("Person")          # pandas DataFrame

Writing::

    mmgraph.write("people.mmg", vertices={"Person": people_df}, edges={"KNOWS": knows_df})

Datasets: a Dataset numbers its vertices globally, shard after shard; ``ds.shards`` (or
``ds.shard(i)``) gives each shard as a File that keeps that numbering (``f.index_range``).
Serving shards: ``mmgraph.open(path, shards=[0, 2])`` maps only those; ``mmgraph.shard_of(key, K)``
says which shard (and so which service) holds a key; a request for another shard's key or vertex
raises :class:`ShardNotMapped` naming it.
Building shards apart (spec §10.1, e.g. one task per shard): :func:`shards_of` places the
vertices, :func:`out_edge_ordinals` numbers each shard's out-edges, a :class:`ShardWriter` per
shard encodes it, :func:`dataset_id_of` and :func:`seal_shard` settle the dataset id.
``mmgraph.dask.write_dataset`` runs those phases on Dask, from Dask DataFrames.

Lifetimes: after ``close()`` every Vertex read from the file raises ``mmgraph.ClosedError``;
numpy arrays and memoryviews already returned stay valid, because they keep the mapping alive.
Closing a Dataset closes its shard Files too.
Threads: a File or Dataset may be shared between threads; heavy calls release the GIL.
"""

from . import _native
from .errors import (
    ClosedError,
    DamagedFileError,
    Error,
    FileSystemError,
    InputError,
    LimitError,
    MisuseError,
    ShardNotMapped,
    _BY_KIND,
)

_native._set_error_classes(dict(_BY_KIND))

from ._native import Attribute, Dataset, File, SchemaEntry, Section, Vertex  # noqa: E402
from ._native import Graph as _Graph  # noqa: E402
from ._native import shard_of  # noqa: E402
from . import _tables  # noqa: E402,F401  (adds vertices(), edges(), to_scipy(), to_networkx())
from ._native import dataset_id_of, seal_shard  # noqa: E402
from ._writing import ShardWriter, Writer, from_networkx, out_edge_ordinals, shards_of, write  # noqa: E402
from ._importing import import_csv  # noqa: E402
from ._temporal import Duration, Point  # noqa: E402

__all__ = [
    "open", "write", "import_csv", "from_networkx", "File", "Dataset", "Vertex", "Writer", "Attribute", "SchemaEntry", "Section",
    "Error", "DamagedFileError", "InputError", "LimitError", "FileSystemError", "MisuseError", "ClosedError",
    "ShardNotMapped", "shard_of", "shards_of", "ShardWriter", "out_edge_ordinals", "dataset_id_of", "seal_shard",
    "Duration", "Point",
]


def open(path, *, verify=False, shards=None):  # noqa: A001 - the package's entry point, as io.open
    """Opens an mmgraph file read-only and maps it.

    ``path`` is a file, a dataset path given to the writer, any shard of a dataset, or a list of
    every shard file. Returns a :class:`File` for a single shard and a :class:`Dataset` for
    several. ``verify=True`` runs the deep check of every byte first (spec §12).

    ``shards=[...]`` maps only those shard ids (a service answering for part of a dataset): the
    other shards' files are not opened and need not exist (a list of files then holds exactly
    the named shards). The Dataset numbers only the mapped shards' vertices; a key, vertex or
    in-edge property of another shard raises :class:`ShardNotMapped` with ``.shard``, the owner.
    An empty list, a shard named twice or one past the shard count raises :class:`MisuseError`.

    Raises :class:`DamagedFileError` for a file that is not mmgraph's or is damaged and
    :class:`FileSystemError` when it cannot be read.
    """
    return _native._open(path, verify, None if shards is None else [int(s) for s in shards])
