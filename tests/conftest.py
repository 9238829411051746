"""Shared test fixtures. Server fixtures (Bolt, SPARQL) live in tests/server_fixtures.py."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest

from kg.model import Paper
from kg.readers import Rejection

pytest_plugins = ["tests.server_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def seeds() -> list[Path]:
    if not SEEDS:
        pytest.skip("../shared/seeds not present beside the checkout")
    return SEEDS


def split_records(records: Iterable[Paper | Rejection]) -> tuple[list[Paper], list[Rejection]]:
    """A reader's output as (papers, rejections); anything else is a bug in the reader."""
    records = list(records)
    papers = [r for r in records if isinstance(r, Paper)]
    rejections = [r for r in records if isinstance(r, Rejection)]
    assert len(papers) + len(rejections) == len(records)
    return papers, rejections


def write_input(tmp_path: Path, text: str | bytes, name: str) -> Path:
    """An input file for a reader test, as text (UTF-8) or raw bytes."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def synthetic_module() -> ModuleType:
    """benchmarks/synthetic.py (not a package) as a module: the synthetic corpus."""
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
