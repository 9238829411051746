"""Every registered reader survives arbitrary input: no exception, only Paper/Rejection."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest import iter_records
from kg.model import Paper
from kg.readers import ReadOptions, Rejection, load_readers

READERS = sorted(load_readers())
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text built from pieces that matter to the readers, so that fuzzing reaches past the
# first line of each parser instead of stopping at "not my format".
FRAGMENTS = st.sampled_from(
    [
        "\n",
        "  • 3 authors\n",
        "·\n",
        "Oct 9, 2024 2\n",
        "Feb 30\n",
        "Daily Papers\n",
        "by the curators and the reading community\n",
        '{"title": "T", "authors": [{"name": "A"}], "year": 2020}\n',
        '{"title": ',
        "title,authors,year\n",
        '"a,b",c;d,2020\n',
        "<feed><entry><title>T</title></entry></feed>",
        "@article{k, title={T}, author={A and B}}\n",
        '{"results": [{"title": "T"}]}',
        "\x00",
        "\ufeff",
        "\r\n",
    ]
)
TEXT = st.one_of(st.text(max_size=400), st.lists(FRAGMENTS | st.text(max_size=30)).map("".join))


def check(data: bytes, suffix: str, fmt: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        records = list(iter_records([path], fmt, ReadOptions(year=2024)))
    assert all(isinstance(record, Paper | Rejection) for record in records)
    for record in records:
        if isinstance(record, Paper):
            record.to_json()  # what `kg ingest` will do with it


@pytest.mark.parametrize("fmt", [*READERS, None], ids=[*READERS, "detected"])
@SETTINGS
@given(data=st.binary(max_size=600))
def test_random_bytes(fmt: str | None, data: bytes) -> None:
    check(data, ".bin", fmt)


@pytest.mark.parametrize("fmt", [*READERS, None], ids=[*READERS, "detected"])
@SETTINGS
@given(text=TEXT, suffix=st.sampled_from([".txt", ".jsonl", ".csv", ".json", ".xml", ".bib"]))
def test_random_text(fmt: str | None, text: str, suffix: str) -> None:
    check(text.encode("utf-8", "surrogatepass"), suffix, fmt)


def test_every_format_is_fuzzed() -> None:
    """Guards the parametrisation: our three readers at least are registered."""
    assert {"daily-papers", "jsonl", "csv"} <= set(READERS)
