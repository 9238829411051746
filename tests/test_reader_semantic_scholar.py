"""Semantic Scholar reader: Graph API shapes, references and citations, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.model import Paper
from kg.readers import Rejection, detect_format
from kg.readers.semantic_scholar import SemanticScholarReader
from tests.conftest import EXAMPLES, split_records


def read(path: Path) -> tuple[list[Paper], list[Rejection]]:
    return split_records(SemanticScholarReader().read(path))


def s2(paper_id: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "paperId": paper_id,
        "externalIds": {"DOI": "10.1000/X1", "ArXiv": "2001.00001", "CorpusId": 42},
        "title": f"Paper {paper_id}",
        "year": 2020,
        "venue": "",
        "publicationVenue": {"name": "Journal of Tests"},
        "authors": [{"authorId": "7", "name": "Kim, Min-jun"}, {"authorId": None, "name": "X Y"}],
    }
    data.update(extra)
    return data


def test_example_file() -> None:
    papers, rejections = read(EXAMPLES / "semantic-scholar.json")
    assert rejections == []
    assert len(papers) == 5
    mamba = papers[0]
    assert mamba.arxiv_id == "2312.00752" and mamba.doi is None  # DOI is arXiv's own
    assert mamba.external_ids["s2"] == "ab335be37c9239f6f907eaa778c4e3284482e19e"
    assert mamba.venue is None  # 'arXiv.org' names no venue
    assert mamba.date == "2023-12-01"
    assert mamba.authors[0].source_ids == {"s2": "40157366"}
    assert mamba.authors[0].id == "s2:40157366"
    assert mamba.references[:3] == ["arxiv:2111.00396", "arxiv:2205.14135", "arxiv:1706.03762"]
    s4 = papers[1]
    assert s4.references == [
        "doi:10.1162/neco.1997.9.8.1735",
        "s2:7302168cc4338fd5782ebf2f94329321b5855828",  # no external id given
        "arxiv:2004.05150",
    ]
    assert papers[2].references[1] == "doi:10.18653/v1/n19-1423"  # DOI beats arXiv id


def test_shapes_single_list_jsonl_and_sniffing(tmp_path: Path) -> None:
    single = tmp_path / "paper.json"
    single.write_text(json.dumps(s2("a1"), indent=2), encoding="utf-8")
    assert detect_format(single) == "semantic-scholar"
    (paper,) = read(single)[0]
    assert paper.doi == "10.1000/x1" and paper.arxiv_id == "2001.00001"
    assert paper.external_ids["s2_corpus"] == "42"
    assert paper.venue == "Journal of Tests"
    assert [a.name for a in paper.authors] == ["Min-jun Kim", "X Y"]
    assert paper.authors[1].source_ids == {}

    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([s2("a1"), None, s2("a2")]), encoding="utf-8")
    papers, rejections = read(batch)
    assert len(papers) == 2 and rejections[0].location == "record 2 (line 1)"

    lines = tmp_path / "papers.jsonl"
    lines.write_text(json.dumps(s2("a1")) + "\n\n" + json.dumps(s2("a2")) + "\n", "utf-8")
    assert detect_format(lines) == "semantic-scholar"
    assert [p.sources[0].rsplit(":", 1)[1] for p in read(lines)[0]] == ["1", "3"]


def test_citations_and_reference_endpoint_shapes(tmp_path: Path) -> None:
    data = s2(
        "a1",
        references=[{"citedPaper": {"paperId": "r1", "externalIds": {"ArXiv": "1706.03762v5"}}}],
        citations=[{"paperId": "c1", "externalIds": None}, {"paperId": None}],
    )
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"data": [data]}), encoding="utf-8")
    (paper,) = read(path)[0]
    assert paper.references == ["arxiv:1706.03762"]
    assert paper.cited_by == ["s2:c1"]


def test_invalid_json_empty_and_non_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": [' + json.dumps(s2("a1")) + ', {"paperId": "a2", "title": }]}')
    papers, rejections = read(bad)
    assert len(papers) == 1
    assert len(rejections) == 1 and rejections[0].message.startswith("invalid JSON")

    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    assert read(empty)[0] == []

    untitled = tmp_path / "untitled.json"
    untitled.write_text(json.dumps(s2("a1", title="  ")), encoding="utf-8")
    papers, rejections = read(untitled)
    assert papers == [] and "title" in rejections[0].message

    latin = tmp_path / "latin.json"
    latin.write_bytes(json.dumps(s2("a1", title="Jos\xe9"), ensure_ascii=False).encode("cp1252"))
    papers, rejections = read(latin)
    assert papers[0].title == "José" and "UTF-8" in rejections[0].message
