"""The options and error mapping `kg build`, `kg export-bulk` and `kg extract` share
(kg/cli/options.py): the same flag behaves and fails the same way in each command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def _commands(tmp_path: Path) -> dict[str, list[str]]:
    return {
        "build": ["build", str(EXAMPLES / "papers.jsonl"), "--store", f"oxigraph:{tmp_path / 's'}"],
        "export-bulk": ["export-bulk", str(EXAMPLES / "papers.jsonl"), "-o", str(tmp_path / "b")],
        "extract": ["extract", str(EXAMPLES / "papers.jsonl"), "-o", str(tmp_path / "c.jsonl")],
    }


@pytest.mark.parametrize("command", ["build", "export-bulk", "extract"])
def test_a_bad_vocabulary_is_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    bad = tmp_path / "v.csv"
    bad.write_text("id,name\nx,X\n", encoding="utf-8")
    result = runner.invoke(app, [*_commands(tmp_path)[command], "--vocabulary", str(bad)])
    assert result.exit_code == 2, result.output
    assert "missing column" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", ["build", "export-bulk"])
def test_a_bad_shard_names_the_expected_form(command: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [*_commands(tmp_path)[command], "--shard", "5/4"])
    assert result.exit_code == 2, result.output
    assert "--shard 1/4" in result.output


@pytest.mark.parametrize("command", ["build", "export-bulk", "extract"])
def test_jobs_must_be_positive_everywhere(command: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [*_commands(tmp_path)[command], "--jobs", "0"])
    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_the_vocabulary_help_names_the_formats_read() -> None:
    for command in ("build", "export-bulk", "extract"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert "SKOS" in result.output and "YAML" not in result.output, command
