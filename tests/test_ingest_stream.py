"""stream_papers (two passes, keys only in memory) yields what ingest (everything in memory)
yields: the same merged papers, unified authors and resolved references, the same counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import InputChanged, ingest, stream_papers
from kg.model import Paper
from tests.conftest import EXAMPLES, write_input


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


@pytest.fixture
def tangled(tmp_path: Path) -> list[Path]:
    """Duplicates spread over files: an arXiv-only record, a DOI-only one under another
    title, then one with both ids (all three one paper; which venue wins depends on the
    order of the merges); a person with an ORCID on one paper only; references by
    arXiv id to a paper whose id is its DOI; a record of the same title with another DOI
    (another paper); one bad line."""
    first = [
        {"title": "Sparse Mixers", "abstract": "short", "arxiv_id": "2301.00001",
         "authors": ["A. Lovelace", "Charles Babbage"]},
        {"title": "Citing Paper", "abstract": "We cite it.", "authors": ["Grace Hopper"],
         "references": ["arXiv:2301.00001", "doi:10.1000/elsewhere"]},
        {"title": "Other Work", "abstract": "x", "doi": "10.1000/other",
         "authors": [{"name": "Ada Lovelace", "orcid": "0000-0002-1825-0097"}]},
    ]
    second = [
        {"title": "Sparse mixers, journal version", "abstract": "A much longer abstract.",
         "doi": "10.1000/sparse", "authors": ["Ada Lovelace"], "venue": "second venue"},
        {"title": "Unrelated", "abstract": "y", "year": 2021, "authors": ["Ada Lovelace"]},
    ]
    third = [
        {"title": "Sparse Mixers", "doi": "10.1000/SPARSE", "arxiv_id": "2301.00001",
         "authors": ["Ada Lovelace", "C. Babbage"], "year": 2023, "venue": "third venue"},
        {"title": "Sparse Mixers", "doi": "10.1000/different", "abstract": "same title"},
    ]
    return [
        write_input(tmp_path, _jsonl(first), "a.jsonl"),
        write_input(tmp_path, _jsonl(second) + "{not json\n", "b.jsonl"),
        write_input(tmp_path, _jsonl(third), "c.jsonl"),
    ]


def _by_id(papers) -> dict[str, dict]:
    return {paper.id: paper.to_json() for paper in papers}


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_stream_merges_like_ingest(tangled: list[Path], order: tuple[int, ...]) -> None:
    paths = [tangled[i] for i in order]
    whole, seen = ingest(paths), []
    stream = stream_papers(paths, on_rejection=seen.append)
    assert _by_id(stream) == _by_id(whole.papers)
    assert (stream.records, stream.merged_duplicates, len(stream)) == (
        whole.records, whole.merged_duplicates, len(whole.papers))
    assert [str(r) for r in seen] == [str(r) for r in stream.rejections]
    assert [str(r) for r in stream.rejections] == [str(r) for r in whole.rejections]
    # the case the fixture is about: three records, one paper, citations resolved to it
    sparse = next(p for p in stream if p.doi == "10.1000/sparse")
    assert sparse.arxiv_id == "2301.00001" and sparse.abstract.startswith("A much longer")
    citing = next(p for p in stream if p.title == "Citing Paper")
    assert "doi:10.1000/sparse" in citing.references


def test_stream_of_the_examples_is_ingest(tmp_path: Path) -> None:
    again = write_input(tmp_path, (EXAMPLES / "papers.jsonl").read_text(), "again.jsonl")
    paths = [EXAMPLES, again]
    assert _by_id(stream_papers(paths)) == _by_id(ingest(paths).papers)


def test_keep_and_stored_ids_are_decided_in_the_first_pass(tangled: list[Path]) -> None:
    """A shard keeps some papers; the store is asked for every kept paper's stored id before
    any paper is yielded (a build writes while it iterates)."""
    whole = ingest(tangled).papers
    dropped = next(p.id for p in whole if p.title == "Citing Paper")
    renamed = next(p.id for p in whole if p.title == "Unrelated")
    asked: list[str] = []

    def stored_ids(papers: list[Paper]) -> list[str | None]:
        asked.extend(paper.id for paper in papers)
        return ["title:stored-before" if paper.id == renamed else None for paper in papers]

    stream = stream_papers(tangled, keep=lambda paper_id: paper_id != dropped,
                           stored_ids=stored_ids)
    expected = sorted(p.id for p in whole if p.id != dropped)
    assert sorted(asked) == expected and len(stream) == len(expected)
    asked.clear()
    papers = list(stream)
    assert asked == []
    assert sorted(p.id for p in papers) == sorted(
        "title:stored-before" if i == renamed else i for i in expected
    )


def test_input_changed_between_the_passes(tangled: list[Path]) -> None:
    stream = stream_papers(tangled)
    with tangled[0].open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"title": "Added meanwhile", "abstract": "z"}) + "\n")
    with pytest.raises(InputChanged, match="changed while it was being read"):
        list(stream)
