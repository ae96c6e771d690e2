"""Exceptions raised by mmgraph, one class per kind of C++ error (format/include/mmgraph/error.hpp).

Every exception carries the C++ message unchanged and ``.kind``, the C++ kind name.
"""


class Error(Exception):
    """Base of every mmgraph error. ``kind`` names the C++ error kind; ``row`` is the row of a
    Writer.add_vertices or add_edges call the error is about (else None): that call added no row."""

    kind = "error"
    row = None


class DamagedFileError(Error):
    """The file is not an mmgraph file, is of an unknown major version, or is damaged."""

    kind = "damaged"


class InputError(Error, ValueError):
    """Bad input to a writer: a value, row, schema or key. ``file``/``line``/``column`` locate it
    when it came from an input file (else None / 0); ``row`` is the row of a Writer call."""

    kind = "bad_input"
    file = None
    line = 0
    column = 0


class LimitError(Error):
    """Past a limit of the format (spec §9) or of the reader."""

    kind = "limit"


class FileSystemError(Error, OSError):
    """The environment failed: opening, reading, writing, a full disk. ``errno`` says why when known."""

    kind = "io"


class MisuseError(Error):
    """A caller's mistake: an index out of range, an unknown label or edge type, a writer used after finish()."""

    kind = "misuse"


class ClosedError(MisuseError):
    """The File or Dataset an object came from has been closed."""


class ShardNotMapped(MisuseError):
    """A Dataset opened with some of its shards (``mmgraph.open(path, shards=[...])``) was asked for
    a key, vertex or edge property that lives in a shard it does not map. ``shard`` is the shard
    that owns it: route the request to the service that maps that shard."""

    shard = None


_BY_KIND = {
    "base": Error,
    "damaged": DamagedFileError,
    "bad_input": InputError,
    "limit": LimitError,
    "io": FileSystemError,
    "misuse": MisuseError,
    "closed": ClosedError,
    "shard_not_mapped": ShardNotMapped,
}
