"""Several labels per vertex (spec §6.6) and named ID spaces (§8.1) from Python: reading a file the
importer built (tests/cli/data: movies under :ID(Movie-ID), two of them Movie;Sequel, actors under
:ID(Actor-ID), roles between them), and writing the same graph with mmgraph.write(), which must
give the importer's bytes when given the importer's schema and order."""

import subprocess

import numpy as np
import pytest

import mmgraph
from conftest import ROOT, require_program

pd = pytest.importorskip("pandas")

DATA = ROOT / "tests" / "cli" / "data"


@pytest.fixture(scope="module")
def cli():
    return require_program("MMGRAPH_CLI", "cli/mmgraph", "mmgraph")


@pytest.fixture(scope="module")
def imported(cli, tmp_path_factory):
    path = tmp_path_factory.mktemp("spaces") / "s.mmg"
    subprocess.run([cli, "build", "-q", "-o", path, "--threads", "2", "--nodes", DATA / "movies_spaces.csv",
                    "--nodes", DATA / "actors_spaces.csv", "--edges", DATA / "roles_spaces.csv"], check=True, capture_output=True)
    return path


def movie_tables(types=None):
    """The importer's input as write() takes it: a table per label set, keys in their spaces."""
    # A named :ID column (movieId:ID) is also the attribute of that name, in the column's place.
    movie = pd.DataFrame({"key": ["1"], "movieId": ["1"], "title": ["The Matrix"], "year": [1999]})
    sequels = pd.DataFrame({"key": ["2", "3"], "movieId": ["2", "3"], "title": ["The Matrix Reloaded", "The Matrix Revolutions"],
                            "year": [2003, 2003]})
    actors = pd.DataFrame({"key": ["1", "2", "3"], "personId": ["1", "2", "3"], "name": ["Keanu Reeves", "Laurence Fishburne", "Carrie-Anne Moss"]})
    roles = pd.DataFrame({"source": ["1"] * 3 + ["2"] * 3 + ["3"] * 3, "role": ["Neo"] * 3 + ["Morpheus"] * 3 + ["Trinity"] * 3,
                          "target": ["1", "2", "3"] * 3})
    return {"Movie": movie, ("Movie", "Sequel"): sequels, "Actor": actors}, {"ACTED_IN": roles}


SPACES = {"Movie": "Movie-ID", ("Movie", "Sequel"): "Movie-ID", "Actor": "Actor-ID"}
ENDPOINTS = {"ACTED_IN": ("Actor-ID", "Movie-ID")}


# --- reading -------------------------------------------------------------------------------------

def test_labels_and_spaces_of_vertices(imported):
    with mmgraph.open(imported) as f:
        assert f.id_spaces == ("Movie-ID", "Actor-ID")
        reloaded = f.find("2", space="Movie-ID")
        assert reloaded.labels == ("Movie", "Sequel")
        assert reloaded.label == "Movie"  # the first in schema order
        assert reloaded.id_space == "Movie-ID"
        assert reloaded["title"] == "The Matrix Reloaded" and reloaded["year"] == 2003
        assert "labels=('Movie', 'Sequel')" in repr(reloaded)
        keanu = f.find("1", space="Actor-ID")
        assert keanu.labels == ("Actor",) and keanu.label == "Actor"
        assert keanu.attributes() == {"personId": "1", "name": "Keanu Reeves"}
        assert f.find("1") is None  # no key is in the default space
        with pytest.raises(KeyError, match="have no attribute 'name'"):
            reloaded["name"]


def test_unknown_space_is_misuse_naming_it(imported):
    with mmgraph.open(imported) as f:
        with pytest.raises(mmgraph.MisuseError, match="no ID space 'Person-ID'.*'Movie-ID', 'Actor-ID'"):
            f.find("1", space="Person-ID")
        with pytest.raises(mmgraph.MisuseError, match="Person-ID"):
            f.find_many(["1"], space="Person-ID")


def test_find_many_in_a_space_agrees_with_find(imported):
    with mmgraph.open(imported) as f:
        for space in ("Movie-ID", "Actor-ID", None):
            keys = ["3", "1", "9", "2"]
            found = f.find_many(keys, space=space)
            expected = [f.find(k, space=space).index if f.find(k, space=space) else -1 for k in keys]
            assert found.tolist() == expected
        assert f.find_many(["9"], space="Movie-ID").tolist() == [-1]


def test_vertices_of_a_label_include_every_set_carrying_it(imported):
    with mmgraph.open(imported) as f:
        table = f.vertices()
        assert list(table.columns[:4]) == ["index", "key", "label", "labels"]
        assert table["labels"].tolist() == [("Movie",), ("Movie", "Sequel"), ("Movie", "Sequel"), ("Actor",), ("Actor",), ("Actor",)]
        sequels = f.vertices("Sequel")
        assert sequels["key"].tolist() == ["2", "3"]
        assert sequels["title"].tolist() == ["The Matrix Reloaded", "The Matrix Revolutions"]
        assert set(sequels["label"]) == {"Movie"}
        movies = f.vertices("Movie")
        assert movies["key"].tolist() == ["1", "2", "3"]
        assert movies["year"].tolist() == [1999, 2003, 2003]
        assert "name" not in movies.columns  # only the columns of the sets carrying the label


# --- writing -------------------------------------------------------------------------------------

def importer_types(path):
    """The importer's schema (every attribute nullable) as write()'s types=."""
    with mmgraph.open(path) as f:
        labels = {e.name: {a.name: (a.type, a.nullable) for a in e.attributes} for e in f.labels}
        edge_types = {e.name: {a.name: (a.type, a.nullable) for a in e.attributes} for e in f.edge_types}
    return {"Movie": labels["Movie"], ("Movie", "Sequel"): labels["Movie"], "Actor": labels["Actor"], **edge_types}


def test_write_gives_the_importers_bytes(imported, tmp_path):
    vertices, edges = movie_tables()
    mmgraph.write(tmp_path / "w.mmg", vertices, edges, types=importer_types(imported), spaces=SPACES,
                  endpoint_spaces=ENDPOINTS, threads=2)
    assert (tmp_path / "w.mmg").read_bytes() == imported.read_bytes()


def test_written_values_read_back_in_three_shards(tmp_path):
    vertices, edges = movie_tables()
    mmgraph.write(tmp_path / "d.mmg", vertices, edges, spaces=SPACES, endpoint_spaces=ENDPOINTS, shards=3)
    with mmgraph.open(tmp_path / "d.mmg") as d:
        assert d.shard_count == 3 and d.id_spaces == ("Movie-ID", "Actor-ID")
        assert [e.name for e in d.labels] == ["Movie", "Sequel", "Actor"]
        assert {e.name: e.count for e in d.labels} == {"Movie": 3, "Sequel": 2, "Actor": 3}
        revolutions = d.find("3", space="Movie-ID")
        assert revolutions.labels == ("Movie", "Sequel") and revolutions["year"] == 2003
        found = d.find_many(["1", "2", "3"], space="Actor-ID")
        names = [d.vertex(i)["name"] for i in found]
        assert names == ["Keanu Reeves", "Laurence Fishburne", "Carrie-Anne Moss"]
        edges_in = revolutions.edges("in")
        assert sorted(p["role"] for p in edges_in.properties) == ["Morpheus", "Neo", "Trinity"]
        d.verify()


def test_a_labels_attributes_are_the_union_of_its_tables(tmp_path):
    people = pd.DataFrame({"key": ["ann", "bob"], "name": ["Ann", "Bob"]})
    actors = pd.DataFrame({"key": ["cy"], "name": ["Cy"], "roles": pd.array([4], dtype="int64")})
    mmgraph.write(tmp_path / "u.mmg", {"Person": people, ("Person", "Actor"): actors})
    with mmgraph.open(tmp_path / "u.mmg") as f:
        schema = {e.name: [(a.name, a.type, a.nullable) for a in e.attributes] for e in f.labels}
        # Person's rows lack roles, so it is nullable; Actor shares the layout, so it is there too.
        assert schema["Person"] == [("name", "string", False), ("roles", "int64", True)]
        assert schema["Actor"] == [("name", "string", False), ("roles", "int64", True)]
        assert f.find("ann").attributes() == {"name": "Ann", "roles": None}
        assert f.find("cy").attributes() == {"name": "Cy", "roles": 4}
        assert f.find("cy").labels == ("Person", "Actor")


def test_one_label_per_table_writes_the_bytes_it_did(tmp_path):
    """A table per label, as before label sets: the single-label path of write() is unchanged."""
    people = pd.DataFrame({"key": [1, 2, 3], "age": np.array([30, 40, 50], dtype=np.int16)})
    mmgraph.write(tmp_path / "a.mmg", {"Person": people})
    writer = mmgraph.Writer(key_type="int")
    writer.add_label("Person", {"age": "int16"})
    writer.add_vertices("Person", people["key"], {"age": people["age"]})
    writer.finish(str(tmp_path / "b.mmg"))
    assert (tmp_path / "a.mmg").read_bytes() == (tmp_path / "b.mmg").read_bytes()


def test_writer_errors_name_the_table(tmp_path):
    vertices, edges = movie_tables()
    clash = dict(vertices)
    clash[("Movie", "Sequel")] = vertices[("Movie", "Sequel")].assign(year=["2003", "2003"])
    with pytest.raises(mmgraph.InputError, match=r"labels \('Movie', 'Sequel'\) column 'year': type string.*label 'Movie'"):
        mmgraph.write(tmp_path / "x.mmg", clash, edges, spaces=SPACES, endpoint_spaces=ENDPOINTS)
    with pytest.raises(mmgraph.InputError, match="spaces: label 'Film' is not a vertex table"):
        mmgraph.write(tmp_path / "x.mmg", vertices, edges, spaces={"Film": "Movie-ID"})
    with pytest.raises(mmgraph.InputError, match="edge type 'ACTED_IN': target space 'Film-ID' holds no vertex table"):
        mmgraph.write(tmp_path / "x.mmg", vertices, edges, spaces=SPACES, endpoint_spaces={"ACTED_IN": ("Actor-ID", "Film-ID")})
    # Without endpoint spaces the roles name default-space vertices, which there are none of.
    with pytest.raises(mmgraph.InputError, match="edge type 'ACTED_IN'.*row 0.*unknown source vertex '1'"):
        mmgraph.write(tmp_path / "x.mmg", vertices, edges, spaces=SPACES)
    swapped = {"ACTED_IN": ("Movie-ID", "Actor-ID")}
    wrong = {"ACTED_IN": edges["ACTED_IN"].assign(source=["1"] * 8 + ["4"], target=["1"] * 9)}
    with pytest.raises(mmgraph.InputError, match="row 8.*unknown source vertex '4' in ID space 'Movie-ID'"):
        mmgraph.write(tmp_path / "x.mmg", vertices, wrong, spaces=SPACES, endpoint_spaces=swapped)
    with pytest.raises(mmgraph.InputError, match=r"labels \('Movie', 'Sequel'\).*row 1.*duplicate vertex key '1' in ID space 'Movie-ID'"):
        mmgraph.write(tmp_path / "x.mmg", {"Movie": vertices["Movie"],
                                           ("Movie", "Sequel"): vertices[("Movie", "Sequel")].assign(key=["2", "1"])},
                      spaces={"Movie": "Movie-ID", ("Movie", "Sequel"): "Movie-ID"})
    assert not (tmp_path / "x.mmg").exists()


def test_writer_class_takes_label_sets_and_spaces(tmp_path):
    writer = mmgraph.Writer()
    writer.add_label("Movie", {"title": "string"})
    writer.add_label("Sequel", {"of": ("string", True)})
    assert writer.add_id_space("Movie-ID") == 1
    assert writer._schema("label", ("Sequel", "Movie")) == [("title", "string", False), ("of", "string", True)]
    writer.add_vertices(("Sequel", "Movie"), ["2"], {"title": ["Reloaded"], "of": ["1"]}, space="Movie-ID")
    writer.add_vertices("Movie", ["1"], {"title": ["The Matrix"]}, space="Movie-ID")
    with pytest.raises(mmgraph.MisuseError, match="no ID space 'Film-ID'"):
        writer.add_vertices("Movie", ["3"], {"title": ["x"]}, space="Film-ID")
    writer.add_edge_type("SEQUEL_OF")
    writer.add_edges("SEQUEL_OF", ["2"], ["1"], source_space="Movie-ID", target_space="Movie-ID")
    writer.finish(str(tmp_path / "c.mmg"))
    with mmgraph.open(tmp_path / "c.mmg") as f:
        reloaded = f.find("2", space="Movie-ID")
        assert reloaded.labels == ("Movie", "Sequel")
        assert reloaded.attributes() == {"title": "Reloaded", "of": "1"}
        assert f.vertex(int(reloaded.neighbors()[0])).key == "1"
