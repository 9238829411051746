"""Records as real exports write them: non-ISO dates in reference managers' CSV, author
lists in one text, Windows-1252 spreadsheets, Hugging Face Daily Papers API items, Kaggle's
arXiv snapshot lines, pretty-printed JSON, wrappers and API error bodies. All data made up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest import iter_records
from kg.model import Paper
from kg.readers import Note, Rejection, detect_format
from kg.readers.csvfile import CsvReader
from kg.readers.jsonl import JsonlReader


def split(records: list[Paper | Rejection]) -> tuple[list[Paper], list[Note], list[Rejection]]:
    papers = [r for r in records if isinstance(r, Paper)]
    notes = [r for r in records if isinstance(r, Note)]
    rejections = [r for r in records if isinstance(r, Rejection) and not isinstance(r, Note)]
    return papers, notes, rejections


def read_csv(path: Path, text: str) -> tuple[list[Paper], list[Note], list[Rejection]]:
    path.write_text(text, encoding="utf-8")
    return split(list(CsvReader().read(path)))


def names(paper: Paper) -> list[str]:
    return [author.name for author in paper.authors]


# --- 1. dates of other shapes than ISO -------------------------------------------------

ZOTERO_HEADER = '"Key","Item Type","Publication Year","Author","Title","Date"\n'


def zotero_row(key: str, year: str, date: str) -> str:
    return f'"{key}","journalArticle","{year}","Okafor, Mira","Paper {key}","{date}"\n'


@pytest.mark.parametrize(
    ("date", "year", "expected"),
    [
        ("June 2016", "2016", "2016-06"),
        ("2019/03/01", "2019", "2019-03-01"),
        ("March 5, 2019", "2019", "2019-03-05"),
        ("5 March 2019", "2019", "2019-03-05"),
        ("2019", "2019", "2019"),
        ("Sat, 31 Mar 2007 02:26:18 GMT", "2007", "2007-03-31"),
    ],
)
def test_csv_common_date_shapes_are_read(
    tmp_path: Path, date: str, year: str, expected: str
) -> None:
    papers, notes, rejections = read_csv(
        tmp_path / "z.csv", ZOTERO_HEADER + zotero_row("A1", year, date)
    )
    assert rejections == [] and notes == []
    (paper,) = papers
    assert (paper.date, paper.year) == (expected, int(year))


def test_csv_unreadable_or_ambiguous_date_keeps_the_record_with_a_note(tmp_path: Path) -> None:
    text = ZOTERO_HEADER + zotero_row("A1", "2018", "sometime soon") + zotero_row(
        "A2", "2019", "03/01/2019"
    ) + zotero_row("A3", "2020", "2020-02-30")
    papers, notes, rejections = read_csv(tmp_path / "z.csv", text)
    assert rejections == []
    assert [(p.title, p.year, p.date) for p in papers] == [
        ("Paper A1", 2018, None), ("Paper A2", 2019, "2019"), ("Paper A3", 2020, None),
    ]
    assert [n.location for n in notes] == ["line 2", "line 3", "line 4"]
    assert "sometime soon" in notes[0].message and "ambiguous" in notes[1].message


def test_jsonl_reads_common_date_shapes_and_still_rejects_nonsense(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    lines = [{"title": "Dated", "date": "June 2016"}, {"title": "Undated", "date": "whenever"}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    papers, _, rejections = split(list(JsonlReader().read(path)))
    assert [(p.title, p.date, p.year) for p in papers] == [("Dated", "2016-06", 2016)]
    assert [r.location for r in rejections] == ["line 2"]


# --- 2. author lists in one text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Mira Okafor, Tomas Lindqvist", ["Mira Okafor", "Tomas Lindqvist"]),
        ("Mira Okafor and Tomas Lindqvist", ["Mira Okafor", "Tomas Lindqvist"]),
        ("A. Okafor, B. Lindqvist, and C. Sato", ["A. Okafor", "B. Lindqvist", "C. Sato"]),
        ("['Mira Okafor', 'Tomas Lindqvist']", ["Mira Okafor", "Tomas Lindqvist"]),
        ('["Mira Okafor", "Tomas Lindqvist"]', ["Mira Okafor", "Tomas Lindqvist"]),
        ("Okafor M., Lindqvist T., Sato K.", ["M. Okafor", "T. Lindqvist", "K. Sato"]),
        ("Okafor, Mira", ["Mira Okafor"]),
        ("Okafor, Mira; Lindqvist, Tomas", ["Mira Okafor", "Tomas Lindqvist"]),
        ("Okafor, M., Lindqvist, T.", ["M. Okafor", "T. Lindqvist"]),
        ("Okafor, Mira A.", ["Mira A. Okafor"]),
        ("van der Lindqvist, Tomas Emil", ["Tomas Emil van der Lindqvist"]),
    ],
)
def test_csv_author_cells_of_every_common_shape(
    tmp_path: Path, cell: str, expected: list[str]
) -> None:
    quoted = cell.replace('"', '""')
    papers, _, rejections = read_csv(tmp_path / "a.csv", f'title,authors\nT,"{quoted}"\n')
    assert rejections == []
    assert names(papers[0]) == expected


def test_jsonl_author_string_is_split_but_list_items_are_not(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    lines = [
        {"title": "S", "authors": "Mira Okafor, Tomas Lindqvist"},
        {"title": "L", "authors": ["Okafor, Mira", "Lindqvist, Tomas"]},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    papers, _, _ = split(list(JsonlReader().read(path)))
    assert [names(p) for p in papers] == [["Mira Okafor", "Tomas Lindqvist"]] * 2


def test_list_literal_keywords_cell(tmp_path: Path) -> None:
    papers, _, _ = read_csv(tmp_path / "k.csv", "title,keywords\nT,\"['graphs', 'routing']\"\n")
    assert papers[0].keywords == ["graphs", "routing"]


def test_scopus_full_names_with_author_ids(tmp_path: Path) -> None:
    text = (
        '"Authors","Author full names","Author(s) ID","Title","Year"\n'
        '"Okafor M.; Lindqvist T.","Okafor, Mira (60000000001); Lindqvist, Tomas (60000000002)",'
        '"60000000001; 60000000002","A made-up survey","2021"\n'
    )
    papers, _, rejections = read_csv(tmp_path / "scopus.csv", text)
    assert rejections == []
    (paper,) = papers
    assert names(paper) == ["Mira Okafor", "Tomas Lindqvist"]
    assert [a.source_ids for a in paper.authors] == [
        {"scopus": "60000000001"}, {"scopus": "60000000002"},
    ]
    assert paper.authors[0].id == "scopus:60000000001"


# --- 3. Windows-1252 spreadsheets -------------------------------------------------------


def test_cp1252_csv_keeps_curly_quotes_and_dashes(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "Title;Authors;Year\r\n“Quoted” words – a users’ study;Ørsted, Søren;2020\r\n"
        .encode("cp1252") + b"Odd \x81 byte;X Y;2021\r\n"
    )
    papers, _, rejections = split(list(CsvReader().read(path)))
    assert [p.title for p in papers] == ["“Quoted” words – a users’ study", "Odd \x81 byte"]
    assert names(papers[0]) == ["Søren Ørsted"]
    (rejection,) = rejections
    assert "not valid UTF-8" in rejection.message and "1252" in rejection.message


def test_cp1252_json_array_is_decoded_as_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    text = json.dumps([{"title": "“Smart” – quotes", "year": 2020}], ensure_ascii=False)
    path.write_bytes(text.encode("cp1252"))
    papers, _, rejections = split(list(JsonlReader().read(path)))
    assert [p.title for p in papers] == ["“Smart” – quotes"]
    assert len(rejections) == 1 and "1252" in rejections[0].message


# --- 4. Hugging Face Daily Papers API items ---------------------------------------------

DAILY_ITEM = {
    "paper": {
        "id": "2402.01234",
        "authors": [
            {"_id": "a1", "name": "Mira Okafor", "hidden": False},
            {"_id": "a2", "user": {"fullname": "T L", "user": "tl"}, "name": "Tomas Lindqvist"},
        ],
        "publishedAt": "2024-02-02T17:00:00.000Z",
        "title": "Routing Sparse Experts by Hand",
        "summary": "We route experts.\nBy hand.",
        "upvotes": 17,
    },
    "publishedAt": "2024-02-02T17:00:00.000Z",
    "title": "Routing Sparse Experts by Hand",
    "numComments": 3,
    "submittedBy": {"_id": "u", "name": "someone", "fullname": "Some One"},
}


def check_daily(paper: Paper) -> None:
    assert (paper.arxiv_id, paper.date, paper.year, paper.upvotes) == (
        "2402.01234", "2024-02-02", 2024, 17
    )
    assert paper.abstract == "We route experts. By hand."
    assert names(paper) == ["Mira Okafor", "Tomas Lindqvist"]


@pytest.mark.parametrize("shape", ["jsonl", "json array"])
def test_daily_papers_api_items(tmp_path: Path, shape: str) -> None:
    if shape == "jsonl":
        path = tmp_path / "daily.jsonl"
        path.write_text(json.dumps(DAILY_ITEM) + "\n", encoding="utf-8")
    else:
        path = tmp_path / "daily.json"
        path.write_text(json.dumps([DAILY_ITEM], indent=2), encoding="utf-8")
    assert detect_format(path) == "jsonl"
    (paper,) = list(JsonlReader().read(path))
    assert isinstance(paper, Paper)
    check_daily(paper)


# --- 5. Kaggle's arXiv metadata snapshot ------------------------------------------------

KAGGLE_LINE = {
    "id": "0801.00042",
    "submitter": "Mira Okafor",
    "authors": "M. Ok\\'afor, T. Lindqvist and K. Sato",
    "title": "A made-up  bound\n  for sparse graphs",
    "comments": "12 pages",
    "journal-ref": "J. Made-Up Comb. 3 (2008) 1-12",
    "doi": "10.9999/madeup.0042",
    "categories": "math.CO cs.DM",
    "abstract": "  We prove a bound.\n",
    "versions": [
        {"version": "v1", "created": "Tue, 1 Jan 2008 10:00:00 GMT"},
        {"version": "v2", "created": "Fri, 1 Feb 2008 10:00:00 GMT"},
    ],
    "update_date": "2008-02-01",
    "authors_parsed": [["Ok\\'afor", "M.", ""], ["Lindqvist", "T.", ""], ["Sato", "K.", "Jr"]],
}


def test_kaggle_arxiv_snapshot_line(tmp_path: Path) -> None:
    path = tmp_path / "arxiv-metadata.json"
    no_parsed = {**KAGGLE_LINE, "id": "math/0801042", "authors_parsed": None}
    path.write_text(json.dumps(KAGGLE_LINE) + "\n" + json.dumps(no_parsed) + "\n", "utf-8")
    assert detect_format(path) == "jsonl"
    papers, _, rejections = split(list(JsonlReader().read(path)))
    assert rejections == []
    first, second = papers
    assert first.arxiv_id == "0801.00042" and "id" not in first.external_ids
    assert names(first) == ["M. Okáfor", "T. Lindqvist", "K. Sato Jr"]
    assert (first.year, first.date, first.updated) == (2008, "2008-01-01", "2008-02-01")
    assert first.categories == ["math.CO", "cs.DM"]
    assert first.venue == "J. Made-Up Comb. 3 (2008) 1-12"
    assert first.doi == "10.9999/madeup.0042"
    assert second.arxiv_id == "math/0801042"
    assert names(second) == ["M. Okáfor", "T. Lindqvist", "K. Sato"]


# --- 6. pretty-printed objects, wrappers, API error bodies --------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"title": "A pretty paper", "authors": ["Mira Okafor"], "year": 2020},
        {"papers": [{"title": "A pretty paper", "year": 2020}]},
        {"data": [{"title": "A pretty paper", "year": 2020}], "next": 10},
        {"results": [{"title": "A pretty paper", "year": 2020}]},
    ],
)
@pytest.mark.parametrize("indent", [None, 2])
def test_single_object_and_wrappers_are_read(
    tmp_path: Path, value: dict[str, object], indent: int | None
) -> None:
    path = tmp_path / "paper.json"
    path.write_text(json.dumps(value, indent=indent), encoding="utf-8")
    assert detect_format(path) == "jsonl"
    papers, notes, rejections = split(list(iter_records([path])))
    assert [(p.title, p.year) for p in papers] == [("A pretty paper", 2020)]
    assert (notes, rejections) == ([], [])


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"message": "Too Many Requests", "code": "429"}, "429: Too Many Requests"),
        ({"error": "Paper with id 9999.99999 not found"}, "not found"),
    ],
)
def test_api_error_body_is_rejected_as_such(
    tmp_path: Path, body: dict[str, str], said: str
) -> None:
    path = tmp_path / "answer.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    (rejection,) = list(iter_records([path]))
    assert isinstance(rejection, Rejection)
    assert "API error response" in rejection.message and said in rejection.message
    assert "--format" not in rejection.message


def test_a_record_with_a_versions_list_of_another_source_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    record = {"id": "W77", "title": "Own record", "year": 2022, "versions": ["v1", "v2"]}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (paper,) = list(JsonlReader().read(path))
    assert isinstance(paper, Paper)
    assert (paper.year, paper.external_ids, paper.arxiv_id) == (2022, {"id": "W77"}, None)


def test_kg_ingest_reports_an_unreadable_date_as_a_note_and_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "zotero.csv"
    path.write_text(ZOTERO_HEADER + zotero_row("A1", "2018", "sometime soon"), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "ingest", str(path)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"},  # rich must not wrap lines
    )
    assert done.returncode == 0, done.stderr
    assert f"note: {path}: line 2: date 'sometime soon'" in done.stderr
    assert [json.loads(line)["year"] for line in done.stdout.splitlines()] == [2018]
