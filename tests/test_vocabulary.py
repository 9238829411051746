"""Checks on the curated concept vocabulary shipped in extract/data/vocabulary.csv."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from kg.resources import shipped

VOCAB = shipped("kg.extract", "data", "vocabulary.csv")
HEADER = ["id", "name", "type", "aliases", "broader", "variants"]
TYPES = {"architecture", "benchmark", "method"}
SLUG = re.compile(r"[a-z0-9][a-z0-9.-]*")

# Generic phrases, tasks, metrics and hardware: never concepts (see VOCABULARY.md).
BLOCKLIST = {
    # generic phrases
    "deep learning",
    "machine learning",
    "artificial intelligence",
    "neural network",
    "neural networks",
    "deep neural network",
    # ("language model" is an entry: the annotators count it as a low-confidence class)
    "model",
    "framework",
    "our model",
    "our method",
    "algorithm",
    "dataset",
    "benchmark",
    "attention",
    # tasks
    "image classification",
    "object detection",
    "semantic segmentation",
    "machine translation",
    "question answering",
    "speech recognition",
    "text classification",
    "sentiment analysis",
    "summarization",
    "text-to-image generation",
    "image generation",
    # metrics
    "accuracy",
    "precision",
    "recall",
    "f1",
    "f1 score",
    "bleu",
    "rouge",
    "fid",
    "perplexity",
    "auc",
    "mean average precision",
    "map",
    "word error rate",
    "wer",
    "psnr",
    "ssim",
    # hardware
    "gpu",
    "tpu",
    "cpu",
}


def _split(value: str) -> list[str]:
    return [part for part in value.split("|") if part]


@pytest.fixture(scope="module")
def table() -> tuple[list[str], list[dict[str, str]]]:
    with VOCAB.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    return header, rows


@pytest.fixture(scope="module")
def rows(table: tuple[list[str], list[dict[str, str]]]) -> list[dict[str, str]]:
    return table[1]


@pytest.fixture(scope="module")
def by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows}


def test_header(table: tuple[list[str], list[dict[str, str]]]) -> None:
    assert table[0] == HEADER


def test_no_ragged_rows() -> None:
    with VOCAB.open(encoding="utf-8", newline="") as handle:
        lengths = {len(record) for record in csv.reader(handle)}
    assert lengths == {len(HEADER)}


def test_ids_unique_and_valid(rows: list[dict[str, str]]) -> None:
    counts = Counter(row["id"] for row in rows)
    assert [i for i, n in counts.items() if n > 1] == []
    assert [r["id"] for r in rows if not SLUG.fullmatch(r["id"])] == []


def test_names_present_and_trimmed(rows: list[dict[str, str]]) -> None:
    for row in rows:
        assert row["name"], row["id"]
        for form in [row["name"], *_split(row["aliases"])]:
            assert form == form.strip() and "  " not in form, (row["id"], form)


def test_types_and_counts(rows: list[dict[str, str]]) -> None:
    assert {row["type"] for row in rows} <= TYPES
    assert len(rows) >= 1000
    counts = Counter(row["type"] for row in rows)
    for typ in TYPES:
        assert counts[typ] >= 200, (typ, counts[typ])


def test_variants_values(rows: list[dict[str, str]]) -> None:
    assert {row["variants"] for row in rows} <= {"", "fold"}


def test_broader_ids_exist(rows: list[dict[str, str]], by_id: dict[str, dict[str, str]]) -> None:
    missing = [
        (row["id"], parent)
        for row in rows
        for parent in _split(row["broader"])
        if parent not in by_id or parent == row["id"]
    ]
    assert missing == []


def test_broader_has_no_cycles(by_id: dict[str, dict[str, str]]) -> None:
    graph = {cid: _split(row["broader"]) for cid, row in by_id.items()}
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, "cycle: " + " > ".join((*path, node))
        if node in done:
            return
        for parent in graph.get(node, []):
            visit(parent, (*path, node))
        done.add(node)

    for node in graph:
        visit(node, ())


def test_aliases_not_shared(rows: list[dict[str, str]]) -> None:
    owners: dict[str, set[str]] = {}
    for row in rows:
        for alias in {a.casefold() for a in _split(row["aliases"])}:
            owners.setdefault(alias, set()).add(row["id"])
    assert {a: ids for a, ids in owners.items() if len(ids) > 1} == {}


def test_alias_never_names_another_entry(rows: list[dict[str, str]]) -> None:
    names: dict[str, set[str]] = {}
    for row in rows:
        names.setdefault(row["name"].casefold(), set()).add(row["id"])
    assert {n: ids for n, ids in names.items() if len(ids) > 1} == {}
    clashes = [
        (row["id"], alias)
        for row in rows
        for alias in _split(row["aliases"])
        if names.get(alias.casefold(), {row["id"]}) != {row["id"]}
    ]
    assert clashes == []


def test_surfaces_distinct_under_matcher_key(rows: list[dict[str, str]]) -> None:
    """The matcher folds case, hyphens/spaces and plurals: no two entries may meet there."""
    canonical = pytest.importorskip("kg.extract.canonical")
    owners: dict[str, set[str]] = {}
    for row in rows:
        for form in [row["name"], *_split(row["aliases"])]:
            owners.setdefault(canonical.match_key(form), set()).add(row["id"])
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}
    # Keys lose non-ASCII letters and '+': 'π0' would become '0' and match every zero.
    assert sorted(key for key in owners if len(key) < 2) == []


def test_blocklist_absent(rows: list[dict[str, str]]) -> None:
    found = [
        (row["id"], form)
        for row in rows
        for form in [row["name"], *_split(row["aliases"])]
        if form.casefold() in BLOCKLIST
    ]
    assert found == []


def test_spot_checks(by_id: dict[str, dict[str, str]]) -> None:
    vit = by_id["vit"]
    assert vit["type"] == "architecture"
    assert "Vision Transformer" in _split(vit["aliases"])
    assert "transformer" in _split(vit["broader"])
    assert vit["variants"] == "fold"

    assert by_id["imagenet-1k"]["type"] == "benchmark"
    assert "imagenet" in _split(by_id["imagenet-1k"]["broader"])

    assert by_id["lora"]["type"] == "method"
    assert "parameter-efficient-fine-tuning" in _split(by_id["lora"]["broader"])
    assert {"lora", "quantization"} <= set(_split(by_id["qlora"]["broader"]))

    assert by_id["bert"]["variants"] == "fold"
    assert by_id["resnet"]["variants"] == ""
    assert "resnet" in _split(by_id["resnet-50"]["broader"])

    assert by_id["llama"]["name"] != by_id["llama-2"]["name"]
    assert "llama" in _split(by_id["llama-2"]["broader"])
    assert {"diffusion-model", "transformer"} <= set(_split(by_id["dit"]["broader"]))

    rlhf = {a.casefold() for a in _split(by_id["rlhf"]["aliases"])}
    assert "reinforcement learning from human feedback" in rlhf
    assert by_id["transformer"]["type"] == "architecture"
    assert by_id["mixture-of-experts"]["type"] == "architecture"
    assert by_id["self-attention"]["type"] == "method"
    assert by_id["mmlu"]["type"] == "benchmark"
