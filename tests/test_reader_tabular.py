"""The JSONL and CSV readers: columns, synonyms, rejections with line numbers, round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import ingest
from kg.model import Author, Paper
from kg.readers import Rejection, detect_format
from kg.readers.csvfile import CsvReader
from kg.readers.jsonl import JsonlReader
from tests.conftest import EXAMPLES


def split(records: list[Paper | Rejection]) -> tuple[list[Paper], list[Rejection]]:
    papers = [r for r in records if isinstance(r, Paper)]
    rejections = [r for r in records if isinstance(r, Rejection)]
    assert len(papers) + len(rejections) == len(records)
    return papers, rejections


def write_jsonl(path: Path, *lines: object) -> Path:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_jsonl_fields_and_author_shapes(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        {
            "title": "  Attention   Is All You Need ",
            "abstract": "We propose the Transformer.",
            "authors": [
                "Vaswani, Ashish",
                {"name": "Noam Shazeer", "orcid": "https://orcid.org/0000-0002-1825-0097"},
                {"name": "Niki Parmar", "id": "openalex:A123", "affiliations": ["Google"]},
            ],
            "year": "2017",
            "date": "2017-06-12T00:00:00Z",
            "doi": "https://doi.org/10.48550/arXiv.1706.03762",
            "venue": "NeurIPS",
            "keywords": "attention; transformer",
            "categories": ["cs.CL"],
            "upvotes": 3,
            "references": ["1409.0473"],
        },
    )
    (paper,) = list(JsonlReader().read(path))
    assert isinstance(paper, Paper)
    assert paper.title == "Attention Is All You Need"
    assert [a.name for a in paper.authors] == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert paper.authors[1].orcid == "0000-0002-1825-0097"
    assert paper.authors[2].source_ids == {"openalex": "A123"}
    assert paper.authors[2].affiliations == ["Google"]
    assert (paper.year, paper.date, paper.arxiv_id, paper.doi) == (
        2017,
        "2017-06-12",
        "1706.03762",
        None,
    )
    assert paper.keywords == ["attention", "transformer"]
    assert (paper.n_authors, paper.upvotes) == (3, 3)
    assert paper.sources == [f"{path}:1"]


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('{"title": "A", "year": ', "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"abstract": "no title"}', "missing title"),
        ('{"title": "   "}', "missing title"),
        ('{"title": "A", "year": "soon"}', "year"),
        ('{"title": "A", "year": true}', "year"),
        ('{"title": "A", "date": "2020-02-30"}', "date"),
        ('{"title": "A", "date": "yesterday"}', "date"),
        ('{"title": "A", "authors": {"name": "X"}}', "authors"),
        ('{"title": "A", "authors": [[1]]}', "author"),
        ('{"title": ["A"]}', "title"),
        ('{"title": "A", "upvotes": -1}', "upvotes"),
        ("[" * 100_000, "invalid JSON"),
    ],
)
def test_jsonl_bad_lines_are_rejected_with_line_number(
    tmp_path: Path, line: str, fragment: str
) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", {"title": "Good"}, "", line, {"title": "Also good"})
    papers, rejections = split(list(JsonlReader().read(path)))
    assert [p.title for p in papers] == ["Good", "Also good"]
    assert [r.location for r in rejections] == ["line 3"]
    assert fragment in rejections[0].message


def test_jsonl_lone_surrogate_is_replaced(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", '{"title": "Bad \\ud800 text"}')
    (paper,) = list(JsonlReader().read(path))
    assert isinstance(paper, Paper)
    assert paper.title == "Bad \ufffd text"
    paper.title.encode("utf-8")  # writable


def test_jsonl_round_trip_of_ingest_output(tmp_path: Path) -> None:
    first = ingest([EXAMPLES / "papers.jsonl", EXAMPLES / "papers.csv"])
    assert first.rejections == []
    out = tmp_path / "out.jsonl"
    out.write_text(
        "".join(json.dumps(p.to_json(), ensure_ascii=False) + "\n" for p in first.papers),
        encoding="utf-8",
    )
    second = ingest([out])
    assert second.rejections == []
    assert [p.to_json() for p in second.papers] == [p.to_json() for p in first.papers]


def test_jsonl_ids_feed_identity(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        {"id": "doi:10.1/ABC", "title": "A"},
        {"id": "arxiv:2101.00001", "title": "B"},
        {"id": "W42", "title": "C"},
    )
    papers, _ = split(list(JsonlReader().read(path)))
    assert [p.id for p in papers] == ["doi:10.1/abc", "arxiv:2101.00001", papers[2].id]
    assert papers[2].external_ids == {"id": "W42"}


CSV_TEXT = (
    "Title,Author,EPRINT,Publication Year,Keywords,Upvotes\n"
    'A ConvNet,"Liu, Zhuang; Mao, Hanzi",2201.03545,2022,cnn; vision,4\n'
    '"Multi\nline title",Ann Lee,,2021,,\n'
    "Bad year,Bob,,twenty,,\n"
    "Too,many,fields,2020,,,,\n"
    "\n"
    ",Nobody,,2020,,\n"
    "Last One,Eve,,2019,,\n"
)


def test_csv_synonyms_lists_and_rejections(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    papers, rejections = split(list(CsvReader().read(path)))
    assert [p.title for p in papers] == ["A ConvNet", "Multi line title", "Last One"]
    first = papers[0]
    assert [a.name for a in first.authors] == ["Zhuang Liu", "Hanzi Mao"]
    assert (first.arxiv_id, first.year, first.keywords, first.upvotes) == (
        "2201.03545",
        2022,
        ["cnn", "vision"],
        4,
    )
    assert papers[1].sources == [f"{path}:3"]
    assert papers[2].sources == [f"{path}:9"]
    assert [(r.location, r.message.split()[0]) for r in rejections] == [
        ("line 5", "year"),
        ("line 6", "8"),
        ("line 8", "missing"),
    ]


def test_tsv_and_semicolon_csv(tmp_path: Path) -> None:
    tsv = tmp_path / "p.tsv"
    tsv.write_text("title\tauthors\tyear\nA, with comma\tX; Y\t2020\n", encoding="utf-8")
    semi = tmp_path / "semi.csv"
    semi.write_text('title;authors;year\nB, with comma;"X; Y";2021\n', encoding="utf-8")
    for path, title in ((tsv, "A, with comma"), (semi, "B, with comma")):
        (paper,) = list(CsvReader().read(path))
        assert isinstance(paper, Paper)
        assert (paper.title, paper.n_authors) == (title, 2)


def test_csv_without_title_column_is_one_rejection(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("name,year\nA,2020\n", encoding="utf-8")
    (rejection,) = list(CsvReader().read(path))
    assert isinstance(rejection, Rejection)
    assert rejection.location == "line 1" and "title" in rejection.message


def test_csv_round_trips_through_jsonl_columns(tmp_path: Path) -> None:
    """A CSV row and a JSONL object with the same values give the same paper."""
    row = Paper(title="T", authors=[Author("A B"), Author("C D")], year=2020, doi="10.1/x")
    csv_path = tmp_path / "p.csv"
    csv_path.write_text("title,authors,year,doi\nT,A B; C D,2020,10.1/x\n", encoding="utf-8")
    jsonl_path = write_jsonl(
        tmp_path / "p.jsonl",
        {"title": "T", "authors": ["A B", "C D"], "year": 2020, "doi": "10.1/x"},
    )
    for path in (csv_path, jsonl_path):
        (paper,) = ingest([path]).papers
        assert paper.to_json() | {"sources": []} == row.to_json()


def test_detection_by_content_and_extension(tmp_path: Path) -> None:
    csv_path = tmp_path / "papers.data"
    csv_path.write_text(CSV_TEXT, encoding="utf-8")
    jsonl_path = write_jsonl(tmp_path / "papers.log", {"title": "A"}, {"title": "B"})
    assert detect_format(csv_path) == "csv"
    assert detect_format(jsonl_path) == "jsonl"
    assert detect_format(EXAMPLES / "papers.csv") == "csv"
    assert detect_format(EXAMPLES / "papers.jsonl") == "jsonl"
    assert not CsvReader.sniff('{"title": "x", "a": 1}\n')
    assert not JsonlReader.sniff("{\n")


def test_jsonl_sniff_cases(tmp_path: Path) -> None:
    long_record = json.dumps({"title": "Long", "abstract": "x" * 20_000}) + "\n"
    path = tmp_path / "long.jsonl"
    path.write_text(long_record * 2, encoding="utf-8")
    assert detect_format(path) == "jsonl"
    # A broken first line does not hide the JSON Lines that follow.
    assert JsonlReader.sniff('{"title": oops\n{"title": "B"}\n')
    # OpenAlex works and Semantic Scholar papers are left to their own readers.
    assert not JsonlReader.sniff('{"id": "https://openalex.org/W1", "title": "T"}\n')
    assert not JsonlReader.sniff('{"paperId": "abc", "title": "T"}\n')
    assert JsonlReader.sniff('{"title": oops}\n{broken}\n')
    assert not JsonlReader.sniff('{\n  "results": []\n}\n')
    assert not JsonlReader.sniff('{"id": "https://openalex.org/W1", "title": "' + "x" * 9000)


def test_control_characters_become_spaces_and_nul_rejects_the_row(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"title,abstract\nA\x01B\x07C,x\x1fy\nN\x00L,z\n")
    paper, rejection = list(CsvReader().read(path))
    assert isinstance(paper, Paper)
    assert (paper.title, paper.abstract) == ("A B C", "x y")
    assert isinstance(rejection, Rejection) and rejection.location == "line 3"
    assert "NUL" in rejection.message
