"""OpenAlex reader: API pages, single works, JSON Lines, streaming and broken JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.model import Paper
from kg.readers import Rejection, detect_format, jsonstream
from kg.readers.openalex import OpenAlexReader, rebuild_abstract
from tests.conftest import EXAMPLES, split_records


def read(path: Path) -> tuple[list[Paper], list[Rejection]]:
    return split_records(OpenAlexReader().read(path))


def work(n: int, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"https://openalex.org/W{n}",
        "title": f"Work number {n}",
        "publication_year": 2020,
        "abstract_inverted_index": {"Hello": [0], "world": [1, 3], "again": [2]},
        "authorships": [
            {
                "author_position": "first",
                "author": {
                    "id": f"https://openalex.org/A{n}",
                    "display_name": "Ana Núñez",
                    "orcid": "https://orcid.org/0000-0002-1825-0097",
                },
                "institutions": [{"display_name": "Uni A"}, {"display_name": "Uni A"}],
            }
        ],
        "referenced_works": ["https://openalex.org/W1"],
    }
    data.update(extra)
    return data


def test_example_page() -> None:
    papers, rejections = read(EXAMPLES / "openalex.json")
    assert rejections == []
    assert len(papers) == 6
    attention = papers[0]
    assert attention.arxiv_id == "1706.03762" and attention.doi is None  # arXiv DOI
    assert attention.id == "arxiv:1706.03762"
    assert attention.abstract.startswith("We propose the Transformer, a sequence")
    assert attention.abstract.endswith("English constituency parsing.")
    assert attention.venue is None  # 'arXiv (Cornell University)' is a repository
    assert attention.external_ids["openalex"] == "W9000000001"
    assert attention.references == ["openalex:W9100000002", "openalex:W9100000001"]
    kaiser = attention.authors[6]
    assert kaiser.name == "Łukasz Kaiser" and kaiser.source_ids == {"openalex": "A5000000007"}
    assert kaiser.affiliations == ["Google Brain"]
    bert = papers[1]
    assert bert.doi == "10.18653/v1/n19-1423"
    assert bert.arxiv_id == "1810.04805"  # from the arXiv location
    assert bert.venue.startswith("Proceedings of the 2019 Conference")
    assert bert.date == "2019-06-02" and bert.year == 2019


def test_sniffing_tells_openalex_from_semantic_scholar(tmp_path: Path) -> None:
    assert detect_format(EXAMPLES / "openalex.json") == "openalex"
    assert detect_format(EXAMPLES / "semantic-scholar.json") == "semantic-scholar"
    path = tmp_path / "one.json"
    path.write_text(json.dumps(work(5)), encoding="utf-8")
    assert detect_format(path) == "openalex"


def test_single_work_list_and_jsonl(tmp_path: Path) -> None:
    single = tmp_path / "single.json"
    single.write_text(json.dumps(work(7), indent=2), encoding="utf-8")
    (paper,) = read(single)[0]
    assert paper.abstract == "Hello world again world"
    assert paper.authors[0].orcid == "0000-0002-1825-0097"
    assert paper.authors[0].id == "orcid:0000-0002-1825-0097"
    assert paper.authors[0].affiliations == ["Uni A"]
    assert paper.sources == [f"{single}:1"]

    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([work(1), work(2)]), encoding="utf-8")
    assert [p.external_ids["openalex"] for p in read(listed)[0]] == ["W1", "W2"]

    lines = tmp_path / "works.jsonl"
    lines.write_text("\n".join(json.dumps(work(n)) for n in (1, 2, 3)) + "\n", encoding="utf-8")
    papers, rejections = read(lines)
    assert rejections == [] and [p.sources[0][-2:] for p in papers] == [":1", ":2", ":3"]


def test_streams_across_small_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", 5)  # force records to straddle chunk ends
    path = tmp_path / "page.json"
    works = [work(n, doi=f"https://doi.org/10.1000/{n}") for n in range(1, 40)]
    path.write_text(json.dumps({"meta": {"count": 39}, "results": works}, indent=1), "utf-8")
    papers, rejections = read(path)
    assert rejections == []
    assert [p.doi for p in papers] == [f"10.1000/{n}" for n in range(1, 40)]


def test_truncated_json_keeps_earlier_records(tmp_path: Path) -> None:
    text = json.dumps({"results": [work(1), work(2), work(3)]}, indent=2)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index("openalex.org/W3") + 10], encoding="utf-8")
    papers, rejections = read(path)
    assert [p.external_ids["openalex"] for p in papers] == ["W1", "W2"]
    assert len(rejections) == 1 and "invalid JSON" in rejections[0].message
    assert rejections[0].location.startswith("line ")


def test_bad_jsonl_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "works.jsonl"
    body = [json.dumps(work(1)), '{"id": "https://openalex.org/W2", "title": ', json.dumps(work(3))]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    papers, rejections = read(path)
    assert [p.external_ids["openalex"] for p in papers] == ["W1", "W3"]
    assert [r.location for r in rejections] == ["line 2"]


def test_untitled_non_object_empty_and_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps([work(1, title=None, display_name=""), 42, work(2)]), "utf-8")
    papers, rejections = read(path)
    assert len(papers) == 1
    assert [r.location for r in rejections] == ["record 1 (line 1)", "record 2 (line 1)"]

    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    assert read(empty)[0] == [] and len(read(empty)[1]) == 1

    latin = tmp_path / "latin.json"
    latin.write_bytes(json.dumps(work(1, title="Caf\xe9"), ensure_ascii=False).encode("latin-1"))
    papers, rejections = read(latin)
    assert papers[0].title == "Café"
    assert len(rejections) == 1 and "UTF-8" in rejections[0].message


def test_rebuild_abstract_ignores_junk() -> None:
    assert rebuild_abstract(None) == ""
    assert rebuild_abstract({"b": [1], "a": [0], "x": "junk"}) == "a b"
