"""A coined name built on a known one ("the Quokka Transformer", "Whisper-large-v3") is a
concept of its own written under the known one, on every backend: "the papers about
Transformer" take in the papers naming only the compound, as the vocabulary's narrower
concepts are taken in, and `--no-narrower` leaves them out."""

from __future__ import annotations

import json
from pathlib import Path

from kg.build import build
from kg.queries import run_named
from kg.stores import GraphStore
from tests.conftest import NewExtractor, write_input

PAPERS = [
    {"title": "Quokka Attention for Long Inputs", "year": 2024,
     "abstract": "We compare the Quokka Transformer with recurrent baselines on long inputs."},
    {"title": "Plain Sequence Models", "year": 2023,
     "abstract": "A Transformer is trained on speech transcribed with Whisper-large-v3."},
]


def _ids(rows: list[tuple]) -> set[str]:
    return {str(row[0]) for row in rows}


def test_a_compound_sits_under_its_known_head(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    path = write_input(tmp_path, "\n".join(map(json.dumps, PAPERS)) + "\n", "p.jsonl")
    build([path], any_store, extractor=new_extractor())
    about = run_named(any_store, "papers-by-concept", {"concept": "Transformer"})
    naming = run_named(any_store, "papers-by-concept",
                       {"concept": "Transformer", "narrower": False})
    assert len(_ids(about.rows)) == 2 and len(_ids(naming.rows)) == 1
    under = run_named(any_store, "concepts-under", {"concept": "Transformer"})
    names = {str(value) for row in under.rows for value in row}
    assert "Quokka Transformer" in names
    whisper = run_named(any_store, "papers-by-concept", {"concept": "Whisper"})
    assert len(_ids(whisper.rows)) == 1
