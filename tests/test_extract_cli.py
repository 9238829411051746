"""`kg extract` end to end on the examples and (when present) the seed pages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def test_extract_examples(tmp_path: Path) -> None:
    out = tmp_path / "concepts.jsonl"
    result = runner.invoke(app, ["extract", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines and all(line["id"] and "concepts" in line for line in lines)
    attention = next(line for line in lines if line["title"] == "Attention Is All You Need")
    transformer = next(c for c in attention["concepts"] if c["id"] == "concept:transformer")
    assert transformer["type"] == "architecture" and transformer["proposed"]


def test_extract_seeds_all_papers(seeds: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "seeds.jsonl"
    result = runner.invoke(app, ["extract", *map(str, seeds), "-o", str(out), "--year", "2024"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 219
    assert sum(bool(line["concepts"]) for line in lines) > 200
    types = {c["type"] for line in lines for c in line["concepts"]}
    assert types == {"architecture", "benchmark", "method"}


def test_extract_bad_vocabulary_says_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "v.csv"
    bad.write_text("id,name\nx,X\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(EXAMPLES), "--vocabulary", str(bad)])
    assert result.exit_code == 2
    assert "missing column" in result.output and "Traceback" not in result.output


def test_extract_rejections_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 1
    assert "no such file" in result.output
