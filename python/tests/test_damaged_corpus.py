"""Damaged and truncated files through the Python API.

The copies are those of the C++ damaged-file sweep (tests/support/damage.hpp), written by the
build's damaged_corpus tool: truncations at every section boundary and seeded ones, seeded bit
flips, and seeded resealed flips (checksums recomputed, so only the structural checks can catch
them), of a single file and of shard 0 of a 2-shard dataset. Each copy is opened, verified and
walked (find, vertex, attributes, degree, neighbors, edges, csr, bfs, degrees, find_many, the
vertices() and edges() DataFrames; a dataset's shard Files too). Every failure must be an
mmgraph.Error, never another exception or a crash; verify() must reject every copy whose
checksums were not recomputed; whatever verify() accepts must read without error.

The walk runs in a child interpreter (this file run as a script), so that a crash or a hang
fails the test naming the copy instead of taking the suite down.
"""

import csv
import importlib.util
import json
import pathlib
import subprocess
import sys

import pytest

from conftest import require_program

TIMEOUT = 900  # seconds for one base's copies; a walk of one copy takes milliseconds


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tool = require_program("MMGRAPH_DAMAGED_CORPUS", "tests/damaged_corpus", "damaged_corpus")
    directory = tmp_path_factory.mktemp("corpus")
    subprocess.run([tool, directory, "--truncations", "40", "--flips", "250", "--resealed", "500"], check=True,
                   capture_output=True)
    return directory


def manifest(directory):
    with open(directory / "manifest.tsv", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.mark.parametrize("base", ["file", "shard"])
def test_every_damaged_copy_raises_only_mmgraph_errors(corpus, base):
    copies = [row for row in manifest(corpus) if row["copy"].startswith(f"copies/{base}-")]
    assert len(copies) > 790
    try:
        done = subprocess.run([sys.executable, "-X", "faulthandler", __file__, str(corpus), base],
                              capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        err = e.stderr or b""  # bytes even with text=True, as subprocess collects it
        last = (err.decode(errors="replace") if isinstance(err, bytes) else err).strip().splitlines()[-1:]
        pytest.fail(f"the walk hung past {TIMEOUT} s at {last}")
    assert done.returncode == 0, f"the walk crashed (exit {done.returncode}):\n{done.stderr[-3000:]}"
    report = json.loads(done.stdout)
    assert report["cases"] == len(copies)
    assert report["foreign"] == [], "exceptions other than mmgraph.Error"
    assert report["undetected"] == [], "opened and verified although their checksums were not recomputed"
    assert report["unreadable"] == [], "passed verify() but could not be read"
    # The corpus reaches past open: some copies open, some of those walk without error.
    assert report["opened"] > 0 and report["walked"] > 0 and report["verified"] < report["cases"]


# --- the child: probe every copy of one base --------------------------------------------------------

class Probe:
    """Runs the steps of one copy's walk, recording what fails and how."""

    def __init__(self, name):
        self.name = name
        self.foreign = []
        self.failed = 0

    def __call__(self, step, call, *args):
        """call(*args); None when it raised mmgraph.Error (or anything else, which is recorded)."""
        import mmgraph
        try:
            return call(*args)
        except mmgraph.Error:
            self.failed += 1
        except Exception as e:  # noqa: BLE001 - the finding this test looks for
            self.failed += 1
            self.foreign.append(f"{self.name}: {step}: {type(e).__name__}: {e}")
        return None

    def succeeds(self, step, call, *args):
        failed_before = self.failed
        self(step, call, *args)
        return self.failed == failed_before


def walk_vertex(run, graph, index):
    vertex = run("vertex", graph.vertex, index)
    if vertex is None:
        return None
    key = run("key", lambda: vertex.key)
    label = run("label", lambda: vertex.label)
    run("repr", repr, vertex)
    attributes = run("attributes", vertex.attributes)
    if label is not None and attributes is not None:
        for name in attributes:
            run(f"[{name!r}]", vertex.__getitem__, name)
    types = run("edge_types", lambda: [t.name for t in graph.edge_types]) or []
    for direction in ("out", "in"):
        run(f"degree {direction}", vertex.degree, direction)
        run(f"neighbors {direction}", vertex.neighbors, direction)
        run(f"edges {direction}", vertex.edges, direction)
        for type_name in types:
            run(f"neighbors {direction} {type_name}", vertex.neighbors, direction, type_name)
            run(f"edges {direction} {type_name}", vertex.edges, direction, type_name)
    if key is not None:
        run("find", graph.find, key)
    return key


def walk(run, graph):
    """Every reading call on a File or Dataset; returns True when none failed."""
    failed_before = run.failed
    for step in ("labels", "edge_types", "key_type", "has_in_edges", "vertex_count", "edge_count", "index_range"):
        run(step, getattr, graph, step)
    run("repr", repr, graph)
    if hasattr(graph, "sections"):
        run("sections", getattr, graph, "sections")
    indices = run("index_range", getattr, graph, "index_range") or range(0)
    keys = [key for key in (walk_vertex(run, graph, i) for i in indices) if key is not None]
    run("find_many", graph.find_many, keys)
    for direction in ("out", "in"):
        run(f"degrees {direction}", graph.degrees, direction)
        run(f"csr {direction}", graph.csr, direction)
        if len(indices):
            run(f"bfs {direction}", graph.bfs, indices[0], direction)
    if importlib.util.find_spec("pandas"):
        run("vertices()", graph.vertices)
        run("edges()", graph.edges)
    return run.failed == failed_before


def probe(directory, row):
    """Opens, verifies and walks one copy (with its intact companion shards)."""
    import mmgraph
    paths = [str(directory / row["copy"])] + [str(directory / p) for p in row["companions"].split()]
    run = Probe(f"{row['copy']} ({row['damage']})")
    outcome = {"opened": False, "verified": False, "walked": False}
    graph = run("open", mmgraph.open, paths if len(paths) > 1 else paths[0])
    if graph is None:
        return outcome, run.foreign
    outcome["opened"] = True
    with graph:
        outcome["verified"] = run.succeeds("verify", graph.verify)
        outcome["walked"] = walk(run, graph)
        shards = run("shards", getattr, graph, "shards") if isinstance(graph, mmgraph.Dataset) else ()
        for shard in shards or ():
            run("shard verify", shard.verify)
            outcome["walked"] &= walk(run, shard)
    return outcome, run.foreign


def main(directory, base):
    report = {"cases": 0, "opened": 0, "verified": 0, "walked": 0, "foreign": [], "undetected": [], "unreadable": []}
    for row in manifest(directory):
        if not row["copy"].startswith(f"copies/{base}-"):
            continue
        print(f"probing {row['copy']} ({row['damage']})", file=sys.stderr, flush=True)
        outcome, foreign = probe(directory, row)
        report["cases"] += 1
        for field in ("opened", "verified", "walked"):
            report[field] += outcome[field]
        report["foreign"] += foreign[:5]
        what = f"{row['copy']} ({row['damage']})"
        if row["kind"] != "resealed_flip" and outcome["opened"] and outcome["verified"]:
            report["undetected"].append(what)
        if outcome["verified"] and not outcome["walked"]:
            report["unreadable"].append(what)
    for field in ("foreign", "undetected", "unreadable"):
        report[field] = report[field][:20]
    print(json.dumps(report))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]), sys.argv[2])
