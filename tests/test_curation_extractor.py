"""Curation extracts with the store's own extractor: `kg build --vocabulary FILE` keeps the
extractor's settings in the store (kg/extractor_settings.py), and an undo or a paper an
identity decision changes is extracted with them, giving back exactly the build's tags."""

from __future__ import annotations

import json
from pathlib import Path

from kg.extractor_settings import SETTING
from kg.stores import GraphStore, open_store
from tests.conftest import ROOT
from tests.test_curation_identity import CASES, corpus, dump, kg  # noqa: F401 - a fixture

VOCABULARY = ("id,name,type,aliases,broader,variants\n"
              "lattice-net,Sparse Lattice Networks,architecture,SLN,,\n"
              "graph-kernel,Graph kernel,method,graph kernels,,\n")
CUSTOM = "concept:lattice-net"


def stored(uri: str) -> dict:
    with open_store(uri, "read") as store:
        return dump(store)


def tags_of(state: dict, paper: str) -> set[str]:
    return {row[1] for row in state["tags"] if row[0] == paper}


def test_undo_and_identity_extract_with_the_vocabulary_of_the_build(
    corpus: Path, tmp_path: Path  # noqa: F811
) -> None:
    vocabulary = tmp_path / "vocabulary.csv"
    vocabulary.write_text(VOCABULARY, encoding="utf-8")
    store, fresh = f"oxigraph:{tmp_path / 'kg'}", f"oxigraph:{tmp_path / 'fresh'}"
    built = kg("build", corpus, "--vocabulary", vocabulary, "--store", store, cwd=ROOT)
    assert built.returncode == 0, built.stderr
    vocabulary.unlink()  # what the store keeps is the vocabulary's content, not its path
    before = stored(store)
    paper = "arxiv:2401.00001"
    assert CUSTOM in tags_of(before, paper)
    done = kg("curate", "apply", "reject-mention", "--paper", paper, "--concept", CUSTOM,
              "--store", store, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert CUSTOM not in tags_of(stored(store), paper)
    undone = kg("curate", "undo", "--store", store, cwd=ROOT)
    assert undone.returncode == 0, undone.stderr
    assert stored(store) == before  # exactly the build's tags, the custom concept's included
    # a paper an identity decision merges is extracted again, with the same vocabulary
    same = CASES["same-paper"]
    merged = kg("curate", "apply", "same-paper", "--paper", same.paper, "--target", same.target,
                "--store", store, cwd=ROOT)
    assert merged.returncode == 0, merged.stderr
    vocabulary.write_text(VOCABULARY, encoding="utf-8")
    rebuilt = kg("build", corpus, "--vocabulary", vocabulary, "--store", fresh, "--curation",
                 Path(store.removeprefix("oxigraph:")) / "curation.csv", cwd=ROOT)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert CUSTOM in tags_of(stored(store), same.target)
    assert stored(store) == stored(fresh)


def test_a_default_build_keeps_no_setting_and_settings_round_trip(
    any_store: GraphStore,
) -> None:
    assert any_store.setting(SETTING) is None
    value = json.dumps({"entries": [], "overrides": {"use_model": False}, "config": None})
    any_store.write_setting(SETTING, value)
    any_store.write_setting(SETTING, value)  # replaced, not doubled
    assert any_store.setting(SETTING) == value
    counts = any_store.counts()
    assert all(n == 0 for n in counts.values()), counts  # no node of the graph
    any_store.write_setting(SETTING, None)
    assert any_store.setting(SETTING) is None

