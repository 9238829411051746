"""The Daily Papers reader on small hand-written pages (the real pages are in test_cli_ingest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import Paper
from kg.readers import ReadOptions, Rejection, detect_format
from kg.readers.daily_papers import DailyPapersReader, parse_date
from tests.conftest import split_records

ABSTRACT = "We study a thing carefully and report what we found about it. " * 6
HEADER = """new

Get trending papers every morning

Subscribe

Daily Papers

by the curators and the reading community

Nov 18

"""


def page(tmp_path: Path, text: str, name: str = "page.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path, year: int | None = None) -> tuple[list[Paper], list[Rejection]]:
    return split_records(DailyPapersReader(ReadOptions(year=year)).read(path))


def entry(title: str, meta: str = "") -> str:
    return f"{title}\n\n{ABSTRACT}\n\n{meta}"


def test_metadata_lines_fill_authors_date_and_upvotes(tmp_path: Path) -> None:
    text = HEADER + entry("Alpha Model", "  • 11 authors\n·\nOct 9, 2024 2\n\n")
    text += entry("Beta Model", "  • 1 author\n·\nFeb 3, 2021\n\n")
    text += entry("Gamma Model", "  • 5 authors\n·\nJul 11 5\n")
    papers, rejections = read(page(tmp_path, text))
    assert rejections == []
    assert [(p.title, p.n_authors, p.date, p.year, p.upvotes) for p in papers] == [
        ("Alpha Model", 11, "2024-10-09", 2024, 2),
        ("Beta Model", 1, "2021-02-03", 2021, None),
        ("Gamma Model", 5, "--07-11", None, 5),
    ]
    assert papers[0].abstract == ABSTRACT.strip()
    assert papers[0].sources == [f"{tmp_path / 'page.txt'}:13"]


def test_year_option_completes_dates_without_year_only(tmp_path: Path) -> None:
    text = entry("Alpha", "• 2 authors\n·\nJul 11 5\n\n") + entry(
        "Beta", "• 2 authors\n·\nMar 1, 2020\n"
    )
    papers, _ = read(page(tmp_path, HEADER + text), year=2025)
    assert [(p.date, p.year) for p in papers] == [("2025-07-11", 2025), ("2020-03-01", 2020)]


def test_page_without_metadata_or_header(tmp_path: Path) -> None:
    text = "".join(entry(f"Paper number {i}") for i in range(3))
    papers, rejections = read(page(tmp_path, text))
    assert rejections == []
    assert [p.title for p in papers] == ["Paper number 0", "Paper number 1", "Paper number 2"]
    assert all(p.n_authors is None and p.date is None for p in papers)


def test_header_variants_are_skipped(tmp_path: Path) -> None:
    header = (
        "new\nGet trending papers in your inbox each day!\nSubscribe\n"
        "byCurators and the reading community\nMar 17\n"
    )
    papers, rejections = read(page(tmp_path, header + entry("Only Paper")))
    assert rejections == []
    assert [p.title for p in papers] == ["Only Paper"]


def test_page_date_with_year_dates_the_papers(tmp_path: Path) -> None:
    text = "Daily Papers\nby the example community\nDec 20, 2023\n" + entry(
        "A", "• 2 authors\n·\nDec 1 147\n"
    )
    papers, _ = read(page(tmp_path, text))
    assert (papers[0].date, papers[0].upvotes) == ("2023-12-01", 147)


def test_title_without_abstract_is_rejected_and_reading_continues(tmp_path: Path) -> None:
    text = HEADER + "Lonely Title\n\n" + entry("Good Paper", "• 3 authors\n·\nMay 2, 2022\n\n")
    text += "Orphan At End\n"
    papers, rejections = read(page(tmp_path, text))
    assert [p.title for p in papers] == ["Good Paper"]
    assert [r.location for r in rejections] == ["line 13", f"line {text.count(chr(10))}"]
    assert "Lonely Title" in rejections[0].message and "no abstract" in rejections[0].message


def test_title_followed_by_metadata_is_rejected(tmp_path: Path) -> None:
    text = HEADER + "No Abstract Here\n  • 4 authors\n·\nJan 2, 2020\n" + entry("Next One")
    papers, rejections = read(page(tmp_path, text))
    assert [p.title for p in papers] == ["Next One"]
    assert len(rejections) == 1 and rejections[0].location == "line 13"


@pytest.mark.parametrize(
    "meta",
    [
        "• many authors\n·\nOct 9, 2024\n",
        "• 3 authors\n·\nOct 99, 2024 2\n",
        "• 2 authors\n·\nFeb 30\n",
        "• 2 authors\n·\nOctober the ninth\n",
    ],
)
def test_garbage_metadata_rejects_that_record_only(tmp_path: Path, meta: str) -> None:
    text = HEADER + entry("Broken", meta + "\n") + entry("Fine", "• 2 authors\n·\nOct 1, 2024\n")
    papers, rejections = read(page(tmp_path, text))
    assert [p.title for p in papers] == ["Fine"]
    assert len(rejections) == 1
    assert "Broken" in rejections[0].message
    bad_line = (
        13
        + 4
        + next(
            i
            for i, line in enumerate(meta.splitlines())
            if line not in ("• 2 authors", "• 3 authors", "·")
        )
    )
    assert rejections[0].location == f"line {bad_line}"


def test_short_abstracts_and_wrapped_abstracts(tmp_path: Path) -> None:
    text = "Title One\nShort abstract one.\nTitle Two\nShort abstract two.\n"
    text += f"Title Three\n{ABSTRACT}\n{ABSTRACT}\n"
    papers, rejections = read(page(tmp_path, text))
    assert rejections == []
    assert [(p.title, p.abstract[:18]) for p in papers] == [
        ("Title One", "Short abstract one"),
        ("Title Two", "Short abstract two"),
        ("Title Three", ABSTRACT[:18]),
    ]
    assert len(papers[2].abstract) == 2 * len(ABSTRACT.strip()) + 1


def test_second_page_in_one_file_is_recognised(tmp_path: Path) -> None:
    text = HEADER + entry("First", "• 2 authors\n·\nJan 5 3\n\n") + HEADER + entry("Second")
    papers, rejections = read(page(tmp_path, text))
    assert rejections == []
    assert [p.title for p in papers] == ["First", "Second"]


def test_latin1_file_is_read_and_flagged(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes((HEADER + entry("Caf\xe9 Models")).encode("latin-1"))
    papers, rejections = read(path)
    assert [p.title for p in papers] == ["Café Models"]
    assert len(rejections) == 1 and rejections[0].location == "line 13"


def test_sniff_and_detection(tmp_path: Path) -> None:
    assert DailyPapersReader.sniff(HEADER)
    assert DailyPapersReader.sniff("Some title\nabstract\n  • 3 authors\n")
    assert not DailyPapersReader.sniff("title,abstract\nA,B\n")
    assert not DailyPapersReader.sniff('{"title": "Daily Papers"}\n')
    assert detect_format(page(tmp_path, HEADER + entry("X"), name="page.dat")) == "daily-papers"


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("Oct 9, 2024 2", None, ("2024-10-09", 2024, 2)),
        ("Jul 11 5", None, ("--07-11", None, 5)),
        ("Feb 29", None, ("--02-29", None, None)),
        ("Feb 29", 2023, None),
        ("Sept 3", 2021, ("2021-09-03", 2021, None)),
        ("Foo 3", None, None),
    ],
)
def test_parse_date(text: str, year: int | None, expected: tuple | None) -> None:
    assert parse_date(text, year) == expected


SHORT = "We test a small idea on two tasks. It works on both of them."  # two sentences


def test_middle_dot_author_count_and_upvotes_on_their_own_line(tmp_path: Path) -> None:
    text = HEADER + entry("Alpha", "· 12 authors\n42\n\n") + entry("Beta", "• 3 authors\n·\n7\n")
    papers, rejections = read(page(tmp_path, text))
    assert rejections == []
    assert [(p.title, p.n_authors, p.upvotes) for p in papers] == [
        ("Alpha", 12, 42),
        ("Beta", 3, 7),
    ]


def test_page_text_around_a_paper_is_skipped_and_its_metadata_kept(tmp_path: Path) -> None:
    """Who submitted a paper (the user name on the next line, or on the same one), its
    comment count and the submit button are the page's own text: neither papers nor
    rejections, and the metadata after them is still the paper's."""
    text = (HEADER + "Submit a paper\n\n" + entry("Alpha") + "Submitted by\nsomeuser\n"
            "· 4 authors\n·\nJan 8 1.2k\n3 comments\n\n" + entry("Beta")
            + "Submitted by otheruser\n• 2 authors\n")
    papers, rejections = read(page(tmp_path, text))
    assert rejections == []
    assert [(p.title, p.n_authors, p.upvotes) for p in papers] == [
        ("Alpha", 4, 1200), ("Beta", 2, None)]


def test_a_hard_wrapped_abstract_is_read_whole(tmp_path: Path) -> None:
    """An abstract wrapped at some column (a page saved through an editor or a text
    browser) is one abstract, whether a line stops mid-sentence or a sentence starts on a
    line of its own; a title after the metadata still starts the next paper."""
    wrapped = ("We present Quillnet, a model that reads long\n"
               "documents quickly. It keeps a small memory.\n"
               "Quillnet beats earlier readers on three tasks while it\n"
               "uses half the memory of the best of them.\n")
    text = HEADER + f"Quillnet\n{wrapped}  • 3 authors\n·\nJan 8 5\n\n" + entry("Beta")
    papers, rejections = read(page(tmp_path, text))
    assert rejections == []
    assert [p.title for p in papers] == ["Quillnet", "Beta"]
    assert papers[0].abstract == " ".join(wrapped.split())
    assert papers[0].n_authors == 3


def test_an_abstract_in_a_script_without_spaces_is_an_abstract(tmp_path: Path) -> None:
    """A short abstract that ends with a full stop of Chinese or Japanese text (。) reads
    as an abstract, not as page text."""
    abstract = "我们提出了一个评测基准。我们测试了五个模型。"
    text = HEADER + f"一个新的评测基准\n{abstract}\n  • 2 authors\n"
    papers, rejections = read(page(tmp_path, text))
    assert rejections == [] and [p.n_authors for p in papers] == [2]


def test_a_missing_abstract_does_not_shift_the_papers_after_it(tmp_path: Path) -> None:
    """Short abstracts (under LONG_LINE) still tell titles from abstracts by their shape."""
    text = f"First Title\n{SHORT}\nLost Its Abstract\nThird Title\n{SHORT}\nFourth Title\n{SHORT}\n"
    papers, rejections = read(page(tmp_path, text))
    assert [(p.title, p.abstract) for p in papers] == [
        ("First Title", SHORT),
        ("Third Title", SHORT),
        ("Fourth Title", SHORT),
    ]
    assert [r.location for r in rejections] == ["line 3"]
    assert "Lost Its Abstract" in rejections[0].message
