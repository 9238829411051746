"""Reading one plain file in byte ranges gives its lines exactly once, numbered as the whole
file numbers them, wherever the ranges are cut (the Dask export reads big JSON Lines files
this way)."""

from __future__ import annotations

import json
import random
from itertools import pairwise
from pathlib import Path

import pytest

from kg.distributed.records import spans
from kg.ingest import iter_records, iter_span
from kg.readers.base import TextSource
from kg.readers.inputs import Span, byte_ranges, count_newlines

LINES = ["", "short", "a line with ünïcödé", "x" * 300, "\r", "", "last without newline"]


def _spans(path: Path, cuts: list[int]) -> list[Span]:
    ranges = list(pairwise([0, *cuts, path.stat().st_size]))
    return spans(ranges, [count_newlines(path, start, end) for start, end in ranges])


@pytest.mark.parametrize("seed", range(40))
def test_ranges_cut_anywhere_give_every_line_once(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    lines = [rng.choice(LINES) for _ in range(rng.randint(1, 30))]
    ending = rng.choice(["\n", "\r\n"])
    path = tmp_path / "lines.txt"
    path.write_bytes((ending.join(lines) + rng.choice(["", ending])).encode("utf-8"))
    size = path.stat().st_size
    cuts = sorted(rng.sample(range(1, size), min(size - 1, rng.randint(1, 12)))) if size > 1 else []
    whole = list(TextSource(path).lines())
    pieces = [line for span in _spans(path, cuts) for line in TextSource(path, span).lines()]
    assert pieces == whole


def test_byte_ranges_cover_the_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 1000)
    assert byte_ranges(path, 300) == [(0, 300), (300, 600), (600, 900), (900, 1000)]
    path.write_bytes(b"")
    assert byte_ranges(path, 300) == [(0, 0)]


def test_records_and_rejections_of_ranges_are_those_of_the_file(tmp_path: Path) -> None:
    """Papers with their sources (file:line) and rejections naming the file's own lines."""
    rows = [json.dumps({"title": f"Paper {i}", "doi": f"10.9/{i}"}) for i in range(50)]
    rows[17] = "{broken"
    rows[33] = "[1, 2]"
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    whole = [str(r) if not hasattr(r, "sources") else (r.title, r.sources)
             for r in iter_records([path])]
    pieces_of = _spans(path, [start for start, _ in byte_ranges(path, 97) if start])
    pieces = [str(r) if not hasattr(r, "sources") else (r.title, r.sources)
              for span in pieces_of for r in iter_span(path, "jsonl", span)]
    assert len(pieces_of) > 10 and pieces == whole
    assert f"{path}: line 18: invalid JSON: Expecting property name enclosed in double quotes" \
        in pieces
