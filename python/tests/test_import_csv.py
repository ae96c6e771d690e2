"""mmgraph.import_csv runs the importer of `mmgraph build`: the same bytes, its reports to a callback,
and bad rows as InputError with their place."""

import subprocess

import pytest

import mmgraph
from conftest import ROOT, require_program

DATA = ROOT / "tests" / "cli" / "data"


def test_same_bytes_as_the_cli(tmp_path):
    events = []
    report = mmgraph.import_csv(tmp_path / "py.mmg", nodes=[DATA / "people.csv"], edges=[DATA / "relationships.csv"],
                                threads=2, progress=events.append)
    cli = require_program("MMGRAPH_CLI", "cli/mmgraph", "mmgraph")
    subprocess.run([cli, "build", "-q", "-o", tmp_path / "cli.mmg", "--threads", "2", "--nodes", DATA / "people.csv",
                    "--edges", DATA / "relationships.csv"], check=True, capture_output=True)
    assert (tmp_path / "py.mmg").read_bytes() == (tmp_path / "cli.mmg").read_bytes()
    with mmgraph.open(tmp_path / "py.mmg") as f:
        assert report["vertices"] == f.vertex_count and report["edges"] == f.edge_count
        assert f.find("ada")["name"] == "Ada Lovelace"
    assert report["files"] == [str(tmp_path / "py.mmg")] and report["bad_rows"] == 0
    assert events[-1] == {"event": "writing", "file": str(tmp_path / "py.mmg"),
                          "vertices": report["vertices"], "edges": report["edges"]}


def test_progress_reaches_the_callback(tmp_path):
    rows = 40_000
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("id:ID,:LABEL,n:int\n" + "".join(f"v{i},V,{i}\n" for i in range(rows)))
    events = []
    mmgraph.import_csv(tmp_path / "g.mmg", nodes=nodes, progress=events.append)
    progress = [e for e in events if e["event"] == "progress"]
    assert progress, events
    assert all(e["file"] == str(nodes) and 0 < e["rows"] <= rows and e["offset"] <= e["size"] for e in progress)


def test_a_bad_row_raises_with_its_place_and_leaves_no_file(tmp_path):
    with pytest.raises(mmgraph.InputError) as caught:
        mmgraph.import_csv(tmp_path / "g.mmg", nodes=[DATA / "bad_int.csv"], progress=False)
    error = caught.value
    assert error.file == str(DATA / "bad_int.csv") and error.line >= 2 and error.column >= 1
    assert not (tmp_path / "g.mmg").exists()


def test_skipped_rows_are_reported(tmp_path):
    events = []
    report = mmgraph.import_csv(tmp_path / "g.mmg", nodes=[DATA / "bad_int.csv"], skip_bad_rows=True,
                                progress=events.append)
    skipped = [e for e in events if e["event"] == "skipped"]
    assert report["bad_rows"] == len(skipped) >= 1
    assert skipped[0]["file"] == str(DATA / "bad_int.csv") and skipped[0]["line"] >= 2


def test_an_exception_in_the_callback_stops_the_build(tmp_path):
    def stop(event):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        mmgraph.import_csv(tmp_path / "g.mmg", nodes=[DATA / "people.csv"], edges=[DATA / "relationships.csv"],
                           progress=stop)
    assert not (tmp_path / "g.mmg").exists()
