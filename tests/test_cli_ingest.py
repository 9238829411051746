"""`kg ingest` end to end, run as the user runs it (a subprocess of the installed CLI)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import typer.main

from kg.cli import app
from kg.ingest import ingest
from tests.conftest import EXAMPLES

KG = [sys.executable, "-c", "from kg.cli import main; main()"]
# A wide terminal so that rich does not wrap a rejection line inside the file name.
ENV = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"}
ABSTRACT = "A long enough abstract sentence that says what was done and found. " * 5
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def kg(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KG, *map(str, args)], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=120
    )


def papers_of(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def page_facts(path: Path) -> tuple[int, dict[str, list[tuple[int, str, int | None]]]]:
    """Independent reading of a page by position: an abstract is a line of 300+ characters
    and the line before it the title; '• N authors' sits right after the abstract and the
    date two lines later. Returns (number of papers, title -> [(n, date text, votes)])."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    n_papers = sum(1 for line in lines if len(line) >= 300)
    facts: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
    for i, line in enumerate(lines):
        match = re.fullmatch(r"• (\d+) authors?", line)
        if match:
            month, day, *rest = lines[i + 2].replace(",", "").split()
            year = next((int(x) for x in rest if len(x) == 4), None)
            votes = next((int(x) for x in rest if len(x) < 4), None)
            iso = f"-{MONTHS.index(month) + 1:02d}-{int(day):02d}"
            date = f"{year}{iso}" if year else f"-{iso}"
            facts[lines[i - 2]].append((int(match.group(1)), date, votes))
    return n_papers, facts


def test_seed_pages_give_219_papers_with_page_facts(seeds: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "papers.jsonl"
    result = kg("ingest", *seeds, "-o", out)
    assert result.returncode == 0, result.stderr
    papers = papers_of(out.read_text(encoding="utf-8"))
    assert len(papers) == 219
    assert len({p["id"] for p in papers}) == 219

    records = 0
    expected: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
    for seed in seeds:
        n_papers, facts = page_facts(seed)
        records += n_papers
        for title, values in facts.items():
            expected[title] += values
    # Every record kept its source: merged papers list each page they came from.
    assert sum(len(p["sources"]) for p in papers) == records
    assert sum(1 for p in papers if len(p["sources"]) > 1) > 0
    seed_lines = {str(s): s.read_text(encoding="utf-8").splitlines() for s in seeds}
    for paper in papers:
        for source in paper["sources"]:
            file, _, line = source.rpartition(":")
            assert seed_lines[file][int(line) - 1].strip() == paper["title"]

    with_meta = [p for p in papers if p["title"] in expected]
    assert len(with_meta) > 100
    for paper in with_meta:
        facts = expected[paper["title"]]
        assert paper["n_authors"] == max(n for n, _, _ in facts)
        dates = {d for _, d, _ in facts}
        full = {d for d in dates if not d.startswith("--")}
        assert paper["date"] in (full or dates)
        assert paper["year"] == (int(paper["date"][:4]) if full else None)
        votes = [v for _, _, v in facts if v is not None]
        assert paper["upvotes"] == (max(votes) if votes else None)
    for paper in papers:
        if paper["title"] not in expected:
            assert paper["n_authors"] is None and paper["date"] is None
    assert any(p["date"] and p["date"].startswith("--") for p in papers)


def test_year_option_dates_yearless_seed_papers(seeds: list[Path]) -> None:
    result = kg("ingest", "--year", "2025", *seeds)
    assert result.returncode == 0, result.stderr
    papers = papers_of(result.stdout)
    assert len(papers) == 219
    assert not any(p["date"] and p["date"].startswith("--") for p in papers)
    assert any(p["date"] and p["date"].startswith("2025-") for p in papers)


def test_bad_file_among_good_ones(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "Kept Paper"}\n{"title": oops}\n', encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text("Daily Papers\nby AK and the community\nLost Title\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = kg("ingest", EXAMPLES / "papers.csv", bad, page, EXAMPLES / "papers.jsonl", "-o", out)
    assert result.returncode == 1
    assert f"{bad}: line 2: invalid JSON" in result.stderr
    assert f"{page}: line 3:" in result.stderr
    titles = {p["title"] for p in papers_of(out.read_text(encoding="utf-8"))}
    assert "Kept Paper" in titles
    good = ingest([EXAMPLES / "papers.csv", EXAMPLES / "papers.jsonl"])
    assert good.rejections == []
    assert titles == {"Kept Paper"} | {p.title for p in good.papers}


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"\x00\x01\x02PK\x03\x04" * 50, "binary file")],
    ids=["empty", "binary"],
)
def test_unreadable_file_is_reported(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = kg("ingest", path)
    assert result.returncode == 1
    assert f"{path}: file: {message}" in result.stderr
    assert result.stdout == ""


def test_non_utf8_file_is_read_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    header = "Daily Papers\nby the curators and the reading community\n"
    text = f"{header}Caf\xe9 Transformers\n{ABSTRACT}\n"
    path.write_bytes(text.encode("cp1252"))
    result = kg("ingest", path)
    assert result.returncode == 1
    assert f"{path}: line 3: not valid UTF-8" in result.stderr
    assert [p["title"] for p in papers_of(result.stdout)] == ["Café Transformers"]


def test_year_and_output_options(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        f"Daily Papers\nby the curators and the reading community\nT\n{ABSTRACT}\n"
        "• 2 authors\n·\nJul 11 5\n",
        encoding="utf-8",
    )
    out = tmp_path / "sub.jsonl"
    plain = kg("ingest", page)
    dated = kg("ingest", "--year", "2024", page, "-o", out)
    assert plain.returncode == dated.returncode == 0
    assert dated.stdout == ""
    (before,) = papers_of(plain.stdout)
    (after,) = papers_of(out.read_text(encoding="utf-8"))
    assert (before["date"], before["year"], before["upvotes"]) == ("--07-11", None, 5)
    assert (after["date"], after["year"], after["n_authors"]) == ("2024-07-11", 2024, 2)


def test_forced_format_and_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "papers.dat"
    path.write_text("title,year\nA Paper,2020\n", encoding="utf-8")
    assert papers_of(kg("ingest", "--format", "csv", path).stdout)[0]["year"] == 2020
    result = kg("ingest", "--format", "nope", path)
    assert result.returncode == 2
    assert "unknown format" in result.stderr


@pytest.mark.parametrize("command", [
    ["build", "--store", "oxigraph:{out}", "--format", "nope"],
    ["extract", "-o", "{out}", "--format", "nope"],
    ["export-bulk", "-o", "{out}", "--input-format", "nope"],
])
def test_an_unknown_input_format_is_refused_before_anything_is_made(
    tmp_path: Path, command: list[str]
) -> None:
    """A typo in the format makes no empty store directory or output file."""
    path = tmp_path / "papers.csv"
    path.write_text("title,year\nA Paper,2020\n", encoding="utf-8")
    out = tmp_path / "made"
    result = kg(command[0], str(path), *(a.format(out=out) for a in command[1:]))
    assert result.returncode == 2 and "unknown format 'nope'" in result.stderr
    assert not out.exists()


def subcommands() -> list[list[str]]:
    """Every command path of the CLI, including nested groups, as argument lists."""
    paths: list[list[str]] = [[]]
    stack = [([], typer.main.get_command(app))]
    while stack:
        prefix, command = stack.pop()
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*prefix, name])
            stack.append(([*prefix, name], sub))
    return paths


@pytest.mark.parametrize("args", subcommands(), ids=lambda a: " ".join(a) or "kg")
def test_help_works_for_every_subcommand(args: list[str]) -> None:
    result = kg(*args, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
