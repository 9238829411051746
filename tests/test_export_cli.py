"""`kg export` end to end, run as the user runs it, on a store built from examples/."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import bibtexparser
import networkx as nx
import pytest

from kg.selection import Selection, select
from kg.stores import open_store
from tests.conftest import ROOT

KG = [sys.executable, "-c", "from kg.cli import main; main()"]
ENV = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"}


def kg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KG, *map(str, args)], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=300
    )


@pytest.fixture(scope="module")
def store_uri(examples_store: str) -> str:
    """examples/ as `kg build` builds them (shared by the session: the exports only read)."""
    return examples_store


def summary(stderr: str) -> dict[str, int]:
    """The counts table on stderr: 'nodes', 'edges', '  papers', … → numbers."""
    found = {}
    for line in stderr.splitlines():
        match = re.match(r"^\W*(\w+)\s*\W\s*(\d+)\s*\W*$", line)
        if match:
            found[match.group(1)] = int(match.group(2))
    return found


def test_export_graphml_counts_match_the_selection(store_uri: str, tmp_path: Path) -> None:
    out = tmp_path / "t.graphml"
    done = kg(
        "export",
        "--store",
        store_uri,
        "--concept",
        "transformer",
        "--hops",
        "2",
        "--limit",
        "100000",
        "--format",
        "graphml",
        "-o",
        out,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # data goes to the file, messages to stderr
    back = nx.read_graphml(out, force_multigraph=True)
    counts = summary(done.stderr)
    assert (counts["nodes"], counts["edges"]) == (back.number_of_nodes(), back.number_of_edges())
    with open_store(store_uri) as store:
        g = select(store, Selection(concepts=["Transformer"], hops=2, limit=100000))
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()
    assert counts["papers"] == sum(1 for _, d in g.nodes(data=True) if d["kind"] == "paper")


def test_bundle_readme_describes_the_selection(store_uri: str, tmp_path: Path) -> None:
    out = tmp_path / "b.zip"
    done = kg(
        "export",
        "-s",
        store_uri,
        "-c",
        "ViT",
        "-a",
        "Ashish Vaswani",
        "--since",
        "2018",
        "-f",
        "bundle",
        "-o",
        out,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as zf:
        readme = zf.read("README.md").decode("utf-8")
        names = zf.namelist()
    assert "concept 'ViT'" in readme and "author 'Ashish Vaswani'" in readme
    assert "2018" in readme
    assert any(n.endswith(".graphml") for n in names) and any(n.endswith(".bib") for n in names)


def test_query_file_seeds(store_uri: str, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text(
        "PREFIX pkg: <https://paper-kg.org/schema#>\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "SELECT ?id WHERE { ?p a pkg:Paper ; dcterms:identifier ?id ; pkg:year ?y "
        "FILTER(?y < 2016) }",
        "utf-8",
    )
    with open_store(store_uri) as store:
        expected = {str(r[0]) for r in store.query(query.read_text("utf-8")).rows}
    assert expected  # the corpus has pre-2016 papers
    out = tmp_path / "q.json"
    done = kg("export", "-s", store_uri, "--query", query, "-f", "json", "-o", out)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text("utf-8"))
    assert expected <= {n["id"] for n in data["nodes"]}


def test_all_exports_every_edge(store_uri: str, tmp_path: Path) -> None:
    """Every edge, counted as the store counts them (BROADER from mentioned concepts: the
    vocabulary's own links are not part of the paper graph)."""
    out = tmp_path / "all"
    done = kg("export", "-s", store_uri, "--all", "-f", "csv", "-o", out)
    assert done.returncode == 0, done.stderr
    with (out / "edges.csv").open(encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    with open_store(store_uri) as store:
        counts = store.counts()
    expected = {
        "AUTHORED_BY": "authored_by",
        "MENTIONS": "mentions",
        "CITES": "cites",
        "BROADER": "broader",
        "CO_OCCURS": "co_occurs",
    }
    for rel, key in expected.items():
        assert sum(1 for e in edges if e["rel"] == rel) == counts[key], rel


def test_typo_suggests_close_concepts(store_uri: str, tmp_path: Path) -> None:
    done = kg(
        "export", "-s", store_uri, "-c", "Transformr", "-f", "json", "-o", tmp_path / "x.json"
    )
    assert done.returncode == 2
    assert "no concept named 'Transformr'" in done.stderr
    assert "did you mean" in done.stderr and "Transformer" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["-f", "json"], "--all"),
        (["-c", "ViT", "-f", "pdf"], "graphml"),
        (["-c", "ViT", "-f", "json", "--types", "paper,planet"], "planet"),
        (["-c", "ViT", "-f", "json", "--query", "missing.rq"], "no such query file"),
        (["-c", "ViT", "-f", "json", "--concept-type", "gadget"], "architecture"),
    ],
)
def test_user_errors_are_one_line_with_advice(
    store_uri: str, args: list[str], message: str
) -> None:
    done = kg("export", "-s", store_uri, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_empty_store_says_to_build_first(tmp_path: Path) -> None:
    done = kg(
        "export",
        "-s",
        f"oxigraph:{tmp_path / 'empty'}",
        "-c",
        "ViT",
        "-f",
        "json",
        "-o",
        tmp_path / "x.json",
    )
    assert done.returncode == 2
    assert "kg build" in done.stderr and "Traceback" not in done.stderr


def test_an_export_with_nothing_in_it_is_an_error_unless_allowed(
    store_uri: str, tmp_path: Path
) -> None:
    """No papers for a reference list or a matrix, no edges for a graph: said on stderr,
    exit code 1 and no file; --allow-empty writes it anyway."""
    cases = [
        (["-c", "Transformer", "--types", "concept", "-f", "bib"], "no papers", "x.bib"),
        (["-c", "Transformer", "--types", "concept", "-f", "matrix"], "no papers", "x.csv"),
        (["-c", "Transformer", "--types", "author", "-f", "graphml"], "no edges", "x.graphml"),
    ]
    for args, reason, name in cases:
        out = tmp_path / name
        done = kg("export", "-s", store_uri, *args, "-o", out)
        assert done.returncode == 1, (args, done.stderr)
        assert reason in done.stderr and "--allow-empty" in done.stderr
        assert "--types" in done.stderr  # what to change
        assert not list(tmp_path.iterdir()), args
        allowed = kg("export", "-s", store_uri, *args, "-o", out, "--allow-empty")
        assert allowed.returncode == 0, allowed.stderr
        assert reason in allowed.stderr and out.exists()
        out.unlink()
        for extra in tmp_path.iterdir():
            extra.unlink()


def test_bibtex_keeps_inproceedings_from_the_input(store_uri: str, tmp_path: Path) -> None:
    """examples/references.bib has Attention is All you Need as @inproceedings with a
    booktitle: the export writes it the same way (not @article with a journal)."""
    out = tmp_path / "attention.bib"
    done = kg("export", "-s", store_uri, "--paper", "arxiv:1706.03762", "-f", "bib", "-o", out)
    assert done.returncode == 0, done.stderr
    entries = bibtexparser.parse_string(out.read_text("utf-8")).entries
    entry = next(e for e in entries if "1706.03762" in e.fields_dict["note"].value)
    assert entry.entry_type == "inproceedings"
    venue = "Advances in Neural Information Processing Systems"
    assert entry.fields_dict["booktitle"].value == venue
    assert "journal" not in entry.fields_dict


def test_matrix_columns_cover_the_selection(store_uri: str, tmp_path: Path) -> None:
    with open_store(store_uri) as store:
        g = select(store, Selection(concepts=["ViT"], limit=10_000_000))
    concepts = [n for n, kind in g.nodes(data="kind") if kind == "concept"]
    done = kg("export", "-s", store_uri, "-c", "ViT", "-f", "matrix", "-o", tmp_path / "m.csv")
    assert done.returncode == 0, done.stderr
    header = next(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert len(concepts) > 3 and len(header) == 4 + len(concepts)  # paper, title, year, curation
    for concept in concepts:  # a column each, named by its label (and id when labels clash)
        label = g.nodes[concept]["label"]
        assert label in header or f"{label} ({concept})" in header, concept
    done = kg("export", "-s", store_uri, "-c", "ViT", "-f", "matrix", "--columns", "3",
              "-o", tmp_path / "top.csv")
    assert done.returncode == 0, done.stderr
    top = next(csv.reader((tmp_path / "top.csv").open(encoding="utf-8")))[4:]
    assert len(top) == 3 and top[0] == "ViT"


def test_default_names_of_two_formats_do_not_collide(store_uri: str, tmp_path: Path) -> None:
    for fmt in ("vosviewer", "json"):
        done = subprocess.run([*KG, "export", "-s", store_uri, "-c", "ViT", "-f", fmt],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300,
                              env={**ENV, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr
    assert "nodes" in json.loads((tmp_path / "kg-export.json").read_text("utf-8"))
    assert "network" in json.loads((tmp_path / "kg-export.vos.json").read_text("utf-8"))


def test_what_the_budget_left_out_is_reported_per_kind(store_uri: str, tmp_path: Path) -> None:
    done = kg("export", "-s", store_uri, "-c", "Transformer", "--limit", "5", "-f", "graphml",
              "-o", tmp_path / "t.graphml")
    assert done.returncode == 0, done.stderr
    note = " ".join(done.stderr.split())
    assert re.search(r"left out by the budget: .*\d+ CO_OCCURS.*\d+ MENTIONS", note), note
    back = nx.read_graphml(tmp_path / "t.graphml", force_multigraph=True)
    assert {d["rel"] for *_, d in back.edges(data=True)} == {"MENTIONS"}  # papers first
