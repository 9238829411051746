"""Shared test fixtures. Server fixtures (Bolt, SPARQL) live in tests/server_fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest

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
