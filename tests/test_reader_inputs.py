"""Which inputs are read, and how: the output file and stores among the inputs, unreadable
and linked paths, text files that are no Daily Papers page, export column names, empty API
answers, byte-order marks and UTF-16, JSON arrays of papers. Every file here is made up."""

from __future__ import annotations

import codecs
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest import iter_records, iter_span
from kg.readers import Note, Rejection, detect_format
from kg.readers.daily_papers import DailyPapersReader
from kg.readers.inputs import Span
from tests.conftest import split_records

KG = [sys.executable, "-c", "from kg.cli import main; main()"]
ENV = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"}
ABSTRACT = (
    "We describe a small made-up method for sorting imaginary papers by their colour and "
    "report how well it sorts them on three invented collections of documents. "
) * 3
PAPERS = [
    {"title": "Counting Invented Owls", "authors": ["Ada Quill"], "year": 2021},
    {"title": "A Study of Paper Boats", "authors": ["Ben Rook"], "year": 2022},
]


def kg(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KG, *map(str, args)], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=300
    )


def jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def rejected(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("rejected")]


def titles(text: str) -> list[str]:
    return sorted(json.loads(line)["title"] for line in text.splitlines() if line.strip())


# --- the output file and stores among the inputs ------------------------------------------


def test_an_output_file_that_is_an_input_is_refused_and_left_whole(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "papers.jsonl", PAPERS)
    before = source.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(source)
    for output in (source, tmp_path / "link.jsonl"):
        done = kg("ingest", source, "-o", output)
        assert done.returncode == 2, done.stderr
        assert "is also an input" in done.stderr and "Traceback" not in done.stderr
        assert source.read_bytes() == before


def test_the_output_file_inside_an_input_directory_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    jsonl(folder / "papers.jsonl", PAPERS)
    output = folder / "merged.jsonl"
    first = kg("ingest", folder, "-o", output)
    written = output.read_text("utf-8")
    assert first.returncode == 0, first.stderr
    assert titles(written) == sorted(p["title"] for p in PAPERS)
    # once it exists it is a file of the folder: writing it again could destroy a user's
    # file, so the run is refused and the file left whole, for ingest and extract alike
    for command in ("ingest", "extract"):
        again = kg(command, folder, "-o", output)
        assert again.returncode == 2, again.stderr
        assert "is in the input directory" in again.stderr
        assert output.read_text("utf-8") == written


def test_a_store_directory_among_the_inputs_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    jsonl(folder / "papers.jsonl", PAPERS)
    store = folder / "kg"
    store.mkdir()
    (store / "paper-kg-store.json").write_text('{"paper_kg_store": true}', encoding="utf-8")
    (store / "curation.csv").write_text("action,paper\n", encoding="utf-8")
    done = kg("ingest", folder)
    assert done.returncode == 0, done.stderr
    assert f"{store}: directory: skipped: a paper-kg store" in done.stderr
    assert rejected(done.stderr) == []
    assert titles(done.stdout) == sorted(p["title"] for p in PAPERS)


def test_files_no_reader_claims_are_said_to_be_left_out(tmp_path: Path) -> None:
    """A directory's README and PDFs are left out with one note naming them; a snapshot
    part without an extension ('part_000', decompressed) is read."""
    folder = tmp_path / "project"
    jsonl(folder / "papers.jsonl", PAPERS[:1])
    (folder / "README.md").write_text("# my reading list\n", encoding="utf-8")
    (folder / "paper.pdf").write_bytes(b"%PDF-1.4 made up")
    jsonl(folder / "snapshot" / "part_000", PAPERS[1:])
    done = kg("ingest", folder)
    assert done.returncode == 0, done.stderr
    assert (f"{folder}: directory: skipped 2 file(s) no reader claims by name (README.md, "
            "paper.pdf)") in done.stderr
    assert titles(done.stdout) == sorted(p["title"] for p in PAPERS)


def test_building_a_store_kept_inside_its_input_directory(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    jsonl(folder / "papers.jsonl", PAPERS)
    for _ in range(2):
        done = kg("build", folder, "--store", f"oxigraph:{folder / 'kg'}", "--fast")
        assert done.returncode == 0, done.stderr
        assert rejected(done.stderr) == [] and "skipped: a paper-kg store" in done.stderr


# --- unreadable, missing and linked paths -------------------------------------------------


def as_user(args: list[str]) -> list[str]:
    """``args`` run so that file modes apply: root reads anything, so as root they run
    without that privilege (capsh); skipped where that cannot be done."""
    if os.geteuid() != 0:
        return args
    capsh = shutil.which("capsh")
    command = [capsh or "capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c"]
    if not capsh or subprocess.run([*command, "true"], capture_output=True).returncode:
        pytest.skip("running as root without capsh: file modes cannot be tested")
    return [*command, shlex.join(args)]


def locked(path: Path) -> Path:
    path.chmod(0)
    return path


def test_an_unreadable_input_is_one_rejection_and_the_others_are_read(tmp_path: Path) -> None:
    good = jsonl(tmp_path / "good.jsonl", PAPERS)
    bad = locked(jsonl(tmp_path / "locked.jsonl", [{"title": "Hidden"}]))
    folder = tmp_path / "folder"
    jsonl(folder / "more.jsonl", [{"title": "Seen Through The Folder"}])
    shut = folder / "shut"
    jsonl(shut / "inside.jsonl", [{"title": "Never Seen"}])
    locked(shut)
    try:
        done = subprocess.run(
            as_user([*KG, "ingest", str(bad), str(good), str(folder)]),
            capture_output=True, text=True, env=ENV, timeout=120,
        )
    finally:
        shut.chmod(0o755)
        bad.chmod(0o644)
    assert done.returncode == 1, done.stderr
    assert f"{bad}: file: cannot read: Permission denied" in done.stderr
    assert f"{shut}: directory: cannot read: Permission denied" in done.stderr
    assert "Usage" not in done.stderr and "Traceback" not in done.stderr
    assert titles(done.stdout) == sorted([*(p["title"] for p in PAPERS), "Seen Through The Folder"])


def test_build_goes_on_past_a_missing_input(tmp_path: Path) -> None:
    good = jsonl(tmp_path / "good.jsonl", PAPERS)
    done = kg("build", tmp_path / "typo.jsonl", good, "--store", tmp_path / "kg", "--fast")
    assert done.returncode == 1, done.stderr
    assert f"{tmp_path / 'typo.jsonl'}: file: no such file" in done.stderr
    assert "2 new papers" in done.stderr


def test_linked_directories_are_followed_and_a_loop_ends(tmp_path: Path) -> None:
    elsewhere = jsonl(tmp_path / "elsewhere" / "linked.jsonl", [{"title": "Behind A Link"}])
    folder = tmp_path / "folder"
    jsonl(folder / "own.jsonl", [{"title": "In The Folder"}])
    (folder / "link").symlink_to(elsewhere.parent, target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    papers, rejections = split_records(iter_records([folder]))
    assert sorted(p.title for p in papers) == ["Behind A Link", "In The Folder"]
    assert rejections == []
    rejections = split_records(iter_records([folder], notes=True))[1]
    assert [(str(r.file), r.message) for r in rejections] == [
        (str(folder / "loop"), "skipped: a link to a directory already read")
    ]
    assert all(isinstance(r, Note) for r in rejections)


# --- .txt files that are not Daily Papers pages -------------------------------------------

NOTE = (
    "Things to read this week\n"
    "Ask the group about the sorting results. The second collection looks odd.\n"
    "LATER\n"
    "- redo the tables\n"
)
MEDLINE = (
    "PMID- 10000001\nOWN - NLM\nTI  - An invented study of paper boats in still water: a\n"
    "      small trial.\nAB  - We floated boats. They sank. METHODS: none.\n"
    "FAU - Rook, Ben\nAU  - Rook B\nSO  - Journal of Boats. 2020;1(1):1-2.\n"
)


@pytest.mark.parametrize("text", [NOTE, MEDLINE], ids=["note", "medline"])
def test_a_text_file_that_is_no_page_is_not_read_as_papers(tmp_path: Path, text: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    done = kg("ingest", path)
    assert done.returncode == 1
    assert f"{path}: file: cannot tell the format" in done.stderr
    assert done.stdout == ""


def test_the_daily_papers_reader_rejects_text_with_no_page_in_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(NOTE, encoding="utf-8")
    papers, rejections = split_records(DailyPapersReader().read(path))
    assert papers == []
    assert len(rejections) == 1 and rejections[0].location == "file"
    assert "not a Daily Papers page" in rejections[0].message


def test_a_page_without_its_header_is_still_told_by_its_shape(tmp_path: Path) -> None:
    path = tmp_path / "copied.txt"
    path.write_text(f"Counting Invented Owls\n\n{ABSTRACT}\n\nA Study of Paper Boats\n"
                    f"{ABSTRACT}\n", encoding="utf-8")
    assert detect_format(path) == "daily-papers"
    papers, rejections = split_records(iter_records([path]))
    assert rejections == [] and [p.title for p in papers] == [p["title"] for p in PAPERS]


WOS_TAGS = ["PT", "AU", "AF", "TI", "SO", "DE", "ID", "AB", "PY", "DI", "UT"]
WOS_ROW = ["J", "Quill, A; Rook, B", "Quill, Ada; Rook, Ben", "Counting Invented Owls",
           "JOURNAL OF MADE UP RESULTS", "owls; counting", "BIRDS; NUMBERS",
           "We count owls that do not exist.", "2021", "10.5555/owls.1", "WOS:000000000000001"]


def test_a_web_of_science_tab_delimited_export_reads_as_a_table(tmp_path: Path) -> None:
    path = tmp_path / "savedrecs.txt"
    path.write_text("\ufeff" + "\t".join(WOS_TAGS) + "\n" + "\t".join(WOS_ROW) + "\n",
                    encoding="utf-8")
    assert detect_format(path) == "csv"
    papers, rejections = split_records(iter_records([path]))
    assert rejections == []
    [paper] = papers
    assert (paper.title, paper.abstract, paper.venue, paper.year, paper.doi) == (
        "Counting Invented Owls", "We count owls that do not exist.",
        "JOURNAL OF MADE UP RESULTS", 2021, "10.5555/owls.1",
    )
    assert [a.name for a in paper.authors] == ["Ada Quill", "Ben Rook"]
    assert paper.keywords == ["owls", "counting"]
    assert not paper.external_ids  # ID is Keywords Plus, not an id


# --- column names of common exports -------------------------------------------------------

EXPORTS = {
    "zotero.csv": (
        '"Key","Item Type","Publication Year","Author","Title","Publication Title",'
        '"Abstract Note","Date","Manual Tags","Automatic Tags"\n'
        '"K1","journalArticle","2021","Quill, Ada","Counting Invented Owls",'
        '"Journal of Made Up Results","We count owls that do not exist.","2021-05",'
        '"owls","counting"\n'
    ),
    "scopus.csv": (
        '"Authors","Title","Year","Source title","Abstract","Author Keywords",'
        '"Index Keywords"\n'
        '"Quill A.","Counting Invented Owls","2021","Journal of Made Up Results",'
        '"We count owls that do not exist.","owls; counting","Birds"\n'
    ),
    "wos.tsv": (
        "Publication Type\tAuthors\tArticle Title\tSource Title\tAbstract\tPublication Year\t"
        "Author Keywords\n"
        "J\tQuill, Ada\tCounting Invented Owls\tJournal of Made Up Results\t"
        "We count owls that do not exist.\t2021\towls; counting\n"
    ),
    "ieee.csv": (
        '"Document Title","Authors","Publication Title","Publication Year","Abstract",'
        '"Author Keywords","IEEE Terms"\n'
        '"Counting Invented Owls","A. Quill","Journal of Made Up Results","2021",'
        '"We count owls that do not exist.","owls;counting","Birds"\n'
    ),
}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_column_names_are_read(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(EXPORTS[name], encoding="utf-8")
    papers, rejections = split_records(iter_records([path]))
    assert rejections == []
    [paper] = papers
    assert (paper.title, paper.abstract, paper.venue, paper.year, paper.keywords) == (
        "Counting Invented Owls", "We count owls that do not exist.",
        "Journal of Made Up Results", 2021, ["owls", "counting"],
    )


# --- empty API answers, byte-order marks, UTF-16 -----------------------------------------

EMPTY_ANSWERS = {
    "openalex": '{"meta": {"count": 0, "page": 1, "per_page": 25}, "results": [], '
                '"group_by": []}',
    "openalex-bare": '{"results": []}',
    "s2-search": '{"total": 0, "offset": 0}',
    "s2-bulk": '{"total": 0, "token": null, "data": []}',
    "batch": "[]",
}


@pytest.mark.parametrize("name", sorted(EMPTY_ANSWERS))
def test_an_api_answer_without_papers_is_a_note(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(EMPTY_ANSWERS[name] + "\n", encoding="utf-8")
    done = kg("ingest", path)
    assert done.returncode == 0, done.stderr
    assert f"note: {path}: file: no papers in it" in done.stderr
    assert rejected(done.stderr) == [] and done.stdout == ""


OPENALEX_WORK = {
    "id": "https://openalex.org/W1", "title": "Counting Invented Owls",
    "publication_year": 2021, "abstract_inverted_index": {"We": [0], "count": [1]},
    "authorships": [{"author": {"id": "https://openalex.org/A1", "display_name": "Ada Quill"}}],
}
S2_PAPER = {"paperId": "abc", "title": "A Study of Paper Boats", "year": 2022,
            "authors": [{"authorId": "1", "name": "Ben Rook"}]}


@pytest.mark.parametrize(
    ("record", "encoding", "fmt"),
    [
        ({"results": [OPENALEX_WORK]}, "utf-8-sig", "openalex"),
        ({"data": [S2_PAPER]}, "utf-8-sig", "semantic-scholar"),
        ([S2_PAPER], "utf-16", "semantic-scholar"),
        ({"results": [OPENALEX_WORK]}, "utf-16-be", "openalex"),
    ],
    ids=["openalex-bom", "s2-bom", "s2-utf16", "openalex-utf16be"],
)
def test_byte_order_marks_and_utf16_are_read(
    tmp_path: Path, record: object, encoding: str, fmt: str
) -> None:
    path = tmp_path / "answer.json"
    data = json.dumps(record, indent=2, ensure_ascii=False).encode(encoding)
    path.write_bytes((codecs.BOM_UTF16_BE if encoding == "utf-16-be" else b"") + data)
    assert detect_format(path) == fmt
    papers, rejections = split_records(iter_records([path]))
    assert rejections == [] and len(papers) == 1


def test_a_utf16_bibtex_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_text("@article{quill2021,\n  title = {Counting Invented Öwls},\n"
                    "  author = {Quill, Ada},\n  year = {2021}\n}\n", encoding="utf-16")
    papers, rejections = split_records(iter_records([path]))
    assert rejections == [] and [p.title for p in papers] == ["Counting Invented Öwls"]


def test_a_broken_utf16_code_unit_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    good = json.dumps(PAPERS[0]) + "\n"
    path.write_bytes(codecs.BOM_UTF16_LE + good.encode("utf-16-le")
                     + '{"title": "Bad '.encode("utf-16-le") + b"\x00\xd8"
                     + '"}\n'.encode("utf-16-le"))
    papers, rejections = split_records(iter_records([path]))
    assert [p.title for p in papers] == ["Counting Invented Owls", "Bad \xff"]
    assert [r.location for r in rejections] == ["line 2"]


def test_a_utf16_file_read_in_byte_ranges_is_read_once_whole(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PAPERS), encoding="utf-16")
    size = path.stat().st_size
    ranges = [Span(0, size // 2), Span(size // 2, size, 1)]
    read = [split_records(iter_span(path, "jsonl", span)) for span in ranges]
    assert [[p.title for p in papers] for papers, _ in read] == [
        [p["title"] for p in PAPERS], []
    ]
    assert all(rejections == [] for _, rejections in read)


# --- a JSON array of paper objects --------------------------------------------------------


@pytest.mark.parametrize("name", ["papers.json", "papers.jsonl"])
def test_a_json_array_of_papers_is_read_as_an_array(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(json.dumps([*PAPERS, {"title": ""}], indent=2), encoding="utf-8")
    assert detect_format(path) == "jsonl"
    papers, rejections = split_records(iter_records([path]))
    assert [p.title for p in papers] == [p["title"] for p in PAPERS]
    assert [p.year for p in papers] == [2021, 2022]
    assert [r.message for r in rejections] == ["missing title"]
    assert rejections[0].location.startswith("record 3")
    size = path.stat().st_size
    spans = [Span(0, size // 2), Span(size // 2, size, 3)]
    in_ranges = [split_records(iter_span(path, "jsonl", span))[0] for span in spans]
    assert [len(papers) for papers in in_ranges] == [2, 0]


def test_notes_are_no_rejections_for_callers_that_do_not_ask(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text('{"results": []}', encoding="utf-8")
    assert list(iter_records([path])) == []
    [note] = list(iter_records([path], notes=True))
    assert isinstance(note, Note) and isinstance(note, Rejection)
