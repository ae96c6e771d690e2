"""mmgraph.import_csv(): the importer of ``mmgraph build`` (neo4j-admin CSV headers, SNAP edge
lists), run in-process, with its progress shown as a one-line bar on a terminal or handed to a
callback."""

import os
import sys
import time

from . import _native


def _paths(files):
    if files is None:
        return []
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    return [os.fspath(f) for f in files]


class _TerminalBar:
    """Redraws one stderr line at most five times a second; the line is cleared at the end."""

    def __init__(self, stream):
        self._stream = stream
        self._shown = 0.0
        self._width = 0

    def __call__(self, event):
        kind = event["event"]
        if kind == "progress":
            now = time.monotonic()
            if now - self._shown < 0.2:
                return
            self._shown = now
            size = event["size"] or 1
            share = min(1.0, event["offset"] / size)
            bar = "#" * int(share * 30)
            line = (f"{event['phase']} {os.path.basename(event['file'])} [{bar:<30}] {share:6.1%} "
                    f"{event['rows']:,} rows")
        elif kind == "writing":
            line = f"writing {event['file']}: {event['vertices']:,} vertices, {event['edges']:,} edges"
        else:  # a skipped row: a line of its own that stays
            self._draw("")
            self._stream.write(f"skipped: {event['message']}\n")
            return
        self._draw(line)

    def _draw(self, line):
        self._stream.write("\r" + line.ljust(self._width))
        self._width = len(line)
        self._stream.flush()

    def close(self):
        if self._width:
            self._draw("")
            self._stream.write("\r")
            self._stream.flush()


def import_csv(path, nodes=None, edges=None, *, edgelists=None, threads=0, shards=1, delimiter=",",
               array_delimiter=";", skip_bad_rows=False, id_type=None, temp_dir=None, progress=None):
    """Builds ``path`` from CSV files exactly as ``mmgraph build`` does, in this process.

    ``nodes`` and ``edges`` are node and relationship CSV files in the neo4j-admin import header
    convention (``id:ID``, ``:LABEL``, ``name:string``, ``:START_ID``, ``:END_ID``, ``:TYPE`` ...;
    a named ``id:ID`` column also stores the key as the attribute ``id``, an unnamed ``:ID`` does not);
    ``edgelists`` SNAP edge lists instead. ``id_type`` is ``"string"`` or ``"integer"`` (else the
    node files' headers decide). ``skip_bad_rows`` counts and skips bad rows instead of stopping.

    ``progress`` is called with a dict per report: ``{"event": "progress", "phase", "file",
    "rows", "offset", "size", "seconds"}``, ``{"event": "skipped", "message", "skipped", "file",
    "line", "column"}`` or ``{"event": "writing", "file", "vertices", "edges"}``. By default a
    progress bar is drawn on stderr when it is a terminal; ``progress=False`` turns it off. An
    exception raised by the callback stops the build.

    Returns the report: ``files``, ``vertices``, ``edges``, ``bytes``, ``bad_rows``,
    ``read_seconds``, ``total_seconds``. A bad row raises :class:`InputError` with ``.file``,
    ``.line`` and ``.column``, and no output file is left.
    """
    bar = None
    if progress is None and sys.stderr is not None and sys.stderr.isatty():
        bar = progress = _TerminalBar(sys.stderr)
    elif progress is False:
        progress = None
    try:
        return _native._import_csv(
            os.fspath(path), _paths(nodes), _paths(edges), _paths(edgelists), int(threads), int(shards),
            delimiter, array_delimiter, bool(skip_bad_rows), id_type,
            os.fspath(temp_dir) if temp_dir is not None else "", progress)
    finally:
        if bar is not None:
            bar.close()
