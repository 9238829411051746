"""`kg build` and `kg query` as a user runs them: real subprocesses, no server."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kg.queries import NAMED_QUERIES
from tests.conftest import EXAMPLES, ROOT

PAPER_CLASS = "<https://paper-kg.org/schema#Paper>"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a {PAPER_CLASS} }}"


def kg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("KG_STORE", None)
    return subprocess.run(
        [sys.executable, "-c", "from kg.cli import main; main()", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory where `kg build examples/` ran with the default store (./kg-data)."""
    pytest.importorskip("kg.extract.pipeline")
    cwd = tmp_path_factory.mktemp("cli")
    done = kg("build", str(EXAMPLES), "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert (cwd / "kg-data").is_dir()
    return cwd


def paper_count(cwd: Path) -> int:
    done = kg("query", "--sparql", COUNT, "--format", "json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)[0]["n"]


def test_build_then_count_papers_without_a_server(workdir: Path) -> None:
    from kg.ingest import ingest

    assert paper_count(workdir) == len(ingest([EXAMPLES]).papers)


def test_second_build_gives_identical_counts(workdir: Path) -> None:
    done = kg("build", str(EXAMPLES), "--json", cwd=workdir)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["before"] == summary["after"]
    assert set(summary["added"].values()) == {0}
    assert summary["new_papers"] == 0 and summary["already_present"] == summary["papers"]
    assert "kg build" in done.stderr and "already present" in done.stderr


def test_a_query_in_the_stores_own_language_needs_no_option(workdir: Path) -> None:
    """`kg query TEXT`, as sqlite-utils takes SQL: the store's dialect, schema prefixes known."""
    done = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?p a pkg:Paper }", "--format", "json",
              cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["n"] == paper_count(workdir) > 0


def test_named_queries_from_the_cli(workdir: Path) -> None:
    done = kg("query", "--named", "top-concepts", "--param", "limit=3", "--format", "json",
              cwd=workdir)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 3 and list(rows[0]) == list(NAMED_QUERIES["top-concepts"].columns)
    assert [r["papers"] for r in rows] == sorted((r["papers"] for r in rows), reverse=True)
    top = rows[0]["concept"]
    csv = kg("query", "-n", "papers-by-concept", "-p", f"concept={top}", "-p",
             "narrower=false", "--format", "csv", cwd=workdir)
    assert csv.returncode == 0, csv.stderr
    lines = csv.stdout.strip().splitlines()
    assert lines[0] == "paper,title,year,role,concept"
    assert len(lines) - 1 == rows[0]["papers"]


def test_readme_query_examples_run_as_shown(workdir: Path) -> None:
    """Every `kg query` example line of the README that needs no server runs on the example
    build and prints rows (the Neo4j one needs a server: the parity tests cover Cypher)."""
    readme = (ROOT / "README.md").read_text("utf-8").splitlines()
    examples = [line.split("  #")[0].strip() for line in readme
                if line.startswith("kg query ") and "neo4j://" not in line]
    assert len(examples) >= 3
    for line in examples:
        done = kg(*shlex.split(line)[1:], cwd=workdir)
        assert done.returncode == 0, (line, done.stderr)
        assert done.stdout.strip(), line


def test_query_from_file_and_list(workdir: Path) -> None:
    query = workdir / "q.rq"
    query.write_text("SELECT ?t WHERE { ?p dcterms:identifier $id ; dcterms:title ?t }")
    done = kg("query", "-f", str(query), "-p", "id=arxiv:1706.03762", "--format", "json",
              cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"t": "Attention Is All You Need"}]
    listing = kg("query", "--list", cwd=workdir)
    assert listing.returncode == 0
    for name in NAMED_QUERIES:
        assert name in listing.stdout


def test_updates_need_write(workdir: Path, tmp_path: Path) -> None:
    update = ("DELETE WHERE { ?m a <https://paper-kg.org/schema#Mention> ; ?p ?o } ; "
              "DELETE WHERE { ?p <https://schema.org/mentions> ?c }")  # nodes and shortcuts
    before = paper_count(workdir)
    refused = kg("query", "--sparql", update, cwd=workdir)
    assert refused.returncode == 2
    assert "--write" in refused.stderr and "Traceback" not in refused.stderr
    assert paper_count(workdir) == before
    # on a copy, --write goes through
    import shutil

    shutil.copytree(workdir / "kg-data", tmp_path / "copy")
    done = kg("query", "-s", str(tmp_path / "copy"), "--sparql", update, "--write", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert "kg refresh" in done.stderr  # counts derived from mentions are now stale
    assert kg("refresh", "-s", str(tmp_path / "copy"), cwd=workdir).returncode == 0
    left = kg("query", "-s", str(tmp_path / "copy"), "-n", "top-concepts", "--format", "json",
              cwd=workdir)
    assert json.loads(left.stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cypher", "MATCH (n) RETURN n"], "queried in SPARQL"),
        (["--sparql", "SELEKT ?x"], "not a valid SPARQL query"),
        (["-n", "nope"], "no named query 'nope'"),
        (["-n", "search"], "needs --param text=VALUE"),
        (["-n", "top-concepts", "-p", "limit=lots"], "whole number"),
        (["-n", "papers-by-concept", "-p", "concept=x", "-p", "limit=-1"], "a whole number ≥ 1"),
        (["-n", "top-concepts", "-p", "bogus"], "is not NAME=VALUE"),
        ([], "give exactly one of"),
        (["SELECT ?x WHERE {}", "-n", "top-concepts"], "give exactly one of"),
        (["SELEKT ?x"], "not a valid SPARQL query"),
        (["-s", "sparql+http://127.0.0.1:9/query", "-n", "top-concepts"],
         "cannot reach the SPARQL endpoint"),
    ],
)
def test_user_errors_are_one_clear_message(workdir: Path, args: list[str], message: str) -> None:
    done = kg("query", *args, cwd=workdir)
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr


def test_build_reports_rejections_and_bad_paths(tmp_path: Path) -> None:
    pytest.importorskip("kg.extract.pipeline")
    (tmp_path / "in.jsonl").write_text('{"title": "A fine paper", "year": 2021}\n{oops\n')
    done = kg("build", str(tmp_path / "in.jsonl"), "-s", "rdflib:out.ttl", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "rejected" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "out.ttl").exists()
    missing = kg("build", str(tmp_path / "nope"), cwd=tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_output_option_writes_the_file_and_format_stays(workdir: Path, tmp_path: Path) -> None:
    """-o means the output file, as in every other command (it was --format)."""
    out = tmp_path / "top.csv"
    done = kg("query", "--named", "top-concepts", "--format", "csv", "-o", str(out), cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and "wrote 20 rows" in done.stderr
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "concept,name,type,papers" and len(lines) == 21
    table = kg("query", "--named", "top-concepts", "--output", str(tmp_path / "t.txt"),
               cwd=workdir)
    assert table.returncode == 0 and "concept:transformer" in (tmp_path / "t.txt").read_text()


def test_author_lookups_fold_accents_and_case(workdir: Path, tmp_path: Path) -> None:
    """'Lukasz Kaiser' (and 'lukasz KAISER') finds Łukasz Kaiser, whose id comes from
    OpenAlex, not from the name: in papers-by-author, author-concepts, search and export."""

    def named(name: str, *params: str) -> list[dict]:
        args = [a for p in params for a in ("--param", p)]
        done = kg("query", "--named", name, *args, "--format", "json", cwd=workdir)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    exact = named("papers-by-author", "author=Łukasz Kaiser")
    assert "arxiv:1706.03762" in {r["paper"] for r in exact}
    for spelling in ("Lukasz Kaiser", "lukasz KAISER", "Kaiser, Łukasz"):
        assert named("papers-by-author", f"author={spelling}") == exact, spelling
    assert named("author-concepts", "author=lukasz kaiser") == named(
        "author-concepts", "author=Łukasz Kaiser")
    assert named("author-concepts", "author=Lukasz Kaiser")
    found = [r for r in named("search", "text=lukasz") if r["kind"] == "author"]
    assert [r["label"] for r in found] == ["Łukasz Kaiser"]
    out = tmp_path / "kaiser.bib"
    done = kg("export", "--author", "Lukasz Kaiser", "-f", "bib", "-o", str(out), cwd=workdir)
    assert done.returncode == 0, done.stderr
    notes = re.findall(r"paper-kg id: ([^}]+)}", out.read_text("utf-8"))
    assert set(notes) == {r["paper"] for r in exact}
