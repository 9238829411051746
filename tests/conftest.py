"""Shared test fixtures. Server fixtures (Bolt, SPARQL) live in tests/server_fixtures.py.

The costly things are made once per session: the spaCy pipeline with the vocabulary
(``extractor_prototype``) and the stores built from examples/ and the seed pages. Tests get
an extractor with fresh state (``extractor``) and read the shared stores only; a test that
writes builds its own store.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

from kg.model import Paper
from kg.readers import Rejection

if TYPE_CHECKING:
    from kg.extract import Extractor

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


@pytest.fixture(scope="session")
def extractor_prototype() -> Extractor:
    """The default extractor (spaCy pipeline + shipped vocabulary), loaded once. Never use
    it directly: it remembers the coined concepts it has seen (see ``fresh_extractor``)."""
    from kg.build import load_extractor

    return load_extractor()


def fresh_extractor(prototype: Extractor) -> Extractor:
    """An extractor sharing ``prototype``'s loaded pipeline but none of its memory: the
    coined concepts seen and the near-duplicate index they feed start as after loading, so
    one test's papers cannot change another's concept ids or the concepts a build writes."""
    from kg.extract.merge import NearDuplicates

    extractor = copy.copy(prototype)
    extractor.coined = {}
    extractor.duplicates = NearDuplicates(entry.info() for entry in prototype.entries)
    return extractor


NewExtractor = Callable[[], "Extractor"]


@pytest.fixture(scope="session")
def new_extractor(extractor_prototype: Extractor) -> NewExtractor:
    """``Extractor()`` without the loading: each call gives one with fresh state."""
    return lambda: fresh_extractor(extractor_prototype)


@pytest.fixture
def extractor(extractor_prototype: Extractor) -> Extractor:
    """The default extractor with fresh state, for one test (its pipeline is shared: a test
    that changes the pipeline itself loads its own with ``load_extractor()``)."""
    return fresh_extractor(extractor_prototype)


def built_store(
    tmp_path_factory: pytest.TempPathFactory, name: str, inputs: list[Path], prototype: Extractor
) -> str:
    """``inputs`` built as `kg build INPUTS --store oxigraph:DIR` builds them (same default
    extractor), in this process; returns the store's URI."""
    from kg.build import build

    uri = f"oxigraph:{tmp_path_factory.mktemp(name) / 'kg'}"
    result = build(inputs, uri, extractor=fresh_extractor(prototype))
    assert result.rejections == [] and result.after["papers"] > 0, result.rejections[:3]
    return uri


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory: pytest.TempPathFactory, extractor_prototype: Extractor) -> str:
    """examples/ built into an embedded store, shared by the session: read it, never write."""
    return built_store(tmp_path_factory, "examples-store", [EXAMPLES], extractor_prototype)


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory: pytest.TempPathFactory, extractor_prototype: Extractor) -> str:
    """The seed pages (219 papers) built into an embedded store, shared by the session:
    read it, never write."""
    if not SEEDS:
        pytest.skip("../shared/seeds not present beside the checkout")
    return built_store(tmp_path_factory, "seeds-store", SEEDS, extractor_prototype)


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
    """benchmarks/synthetic.py, the synthetic corpus (benchmarks/ is a namespace package of
    the checkout, which pytest puts on the path)."""
    from benchmarks import synthetic

    return synthetic
