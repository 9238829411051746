"""BibTeX written by ``kg export --format bib`` and read back by our BibTeX reader gives the
same paper fields, for text with LaTeX specials, braces, TeX ligatures (-- `` ''), math,
accents and non-Latin scripts; the reader still decodes LaTeX as people write it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from kg.export import export
from kg.graph import build_graph
from kg.model import Author, ConceptLink, Paper
from kg.readers.bibtex import BibtexReader
from tests.conftest import split_records, write_input

# made-up text, one class of trouble each (the id says which)
TEXTS = {
    "case-braces": "{B}etter {pruning} for {GPU} kernels",
    "lone-brace": "Sets like {x | x > 0 and a closing } alone",
    "nested-braces": "Templates {{nested}} and \\{escaped\\} braces",
    "caret": "An O(n^2) merge and x^{2} growth",
    "underscore": "snake_case identifiers and f_theta",
    "ampersand": "Search & rescue robots",
    "percent": "A 30% cheaper planner",
    "dollar": "Under $5 per query",
    "hash": "Issue #42 revisited",
    "tilde": "Approx ~3x faster, dir ~/data",
    "backslash": "Paths like C:\\tmp\\x and a trailing \\",
    "latex-commands-as-text": "Why \\textbf{bold} and \\url{x} stay literal",
    "math": "$\\alpha$-divergence with $O(n \\log n)$ cost",
    "accents": "Café, Søren, Łódź, Straße and naïve",
    "chinese": "深度学习中的图神经网络",
    "greek": "Μάθηση με λίγα δεδομένα",
    "cyrillic": "Обучение с подкреплением",
    "tex-quotes": "The ``so-called'' model's `gain'",
    "double-quote": 'A "quoted" word',
    "dashes": "Pages 10--20, a---b and a - b",
    "spanish-marks": "?`Por qué? !`Sí!",
    "guillemet-pairs": "a << b >> c,, d",
    "en-em-dash-chars": "Speech–text — fusion",
}
CASES = pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())


def _concept(number: int, name: str) -> ConceptLink:
    return ConceptLink(
        id=f"concept:rt-{number}",
        name=name,
        type="method",
        proposed=True,
        confidence=0.9,
        mentions=[],
    )


def _round_trip(tmp_path: Path, paper: Paper, concepts: Sequence[str] = ()) -> Paper:
    """Export one paper (as ``kg export`` does, from a graph) and read the .bib back."""
    graph = build_graph([(paper, [_concept(i, c) for i, c in enumerate(concepts)])])
    path = export(graph, "bib", tmp_path / "out.bib").paths[0]
    papers, rejections = split_records(BibtexReader().read(path))
    assert rejections == [] and len(papers) == 1, path.read_text("utf-8")
    return papers[0]


def _paper(**fields: object) -> Paper:
    defaults: dict[str, object] = {
        "title": "Plain title",
        "abstract": "Plain abstract.",
        "authors": [Author("Ada Quill"), Author("Bo Tran")],
        "year": 2021,
        "venue": "Journal of Plain Things",
        "entry_type": "article",
    }
    return Paper(**{**defaults, **fields})


@CASES
def test_title_round_trips(tmp_path: Path, text: str) -> None:
    assert _round_trip(tmp_path, _paper(title=text)).title == " ".join(text.split())


@CASES
def test_abstract_round_trips(tmp_path: Path, text: str) -> None:
    assert _round_trip(tmp_path, _paper(abstract=text)).abstract == " ".join(text.split())


@CASES
@pytest.mark.parametrize("entry_type", ["article", "inproceedings"])
def test_venue_round_trips(tmp_path: Path, text: str, entry_type: str) -> None:
    back = _round_trip(tmp_path, _paper(venue=text, entry_type=entry_type))
    assert back.venue == text


@CASES
def test_keyword_round_trips(tmp_path: Path, text: str) -> None:
    back = _round_trip(tmp_path, _paper(), concepts=[text, "graph search"])
    assert sorted(back.keywords) == sorted([text, "graph search"])


@CASES
def test_author_name_round_trips(tmp_path: Path, text: str) -> None:
    name = f"Ann {text}"
    back = _round_trip(tmp_path, _paper(authors=[Author(name), Author("Bo Tran")]))
    assert [a.name for a in back.authors] == [Author(name).name, "Bo Tran"]


@pytest.mark.parametrize(
    "names",
    [
        ["Acme Research, Inc.", "Bo Tran"],  # a comma would read as 'Last, First'
        ["Research and Development Lab", "Bo Tran"],  # 'and' would split the name
        ["Ann Quill \\", "Bo Tran"],  # a backslash just before ' and '
        ["Ann Quill &", "Bo Tran"],  # an escaped special as the name's last word
        ["Zoë Ørsted", "Łukasz Wróbel", "李 小龙", "Ρένα Παππά"],
        ["Ludwig van der Berg", "Jean-Luc O'Neil Jr."],
    ],
)
def test_author_lists_round_trip(tmp_path: Path, names: list[str]) -> None:
    back = _round_trip(tmp_path, _paper(authors=[Author(n) for n in names]))
    assert [a.name for a in back.authors] == [Author(n).name for n in names]


def test_keywords_with_commas_and_semicolons_stay_whole(tmp_path: Path) -> None:
    concepts = ["Sense, Plan, Act", "retrieval; reranking", "plain"]
    assert sorted(_round_trip(tmp_path, _paper(), concepts).keywords) == sorted(concepts)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/~quill/paper_v2.pdf",
        "https://example.org/search?q=a%20b&page=2#results",
        "https://example.org/a--b/{draft}",
    ],
)
def test_url_round_trips(tmp_path: Path, url: str) -> None:
    assert _round_trip(tmp_path, _paper(url=url)).url == url


@pytest.mark.parametrize(
    "doi", ["10.9999/xt--roundtrip_2", "10.9999/(sici)12:3<45::aid-x>3.0.co;2-1", "10.9999/a~b"]
)
def test_doi_round_trips(tmp_path: Path, doi: str) -> None:
    assert _round_trip(tmp_path, _paper(doi=doi)).doi == doi


def test_every_field_at_once(tmp_path: Path) -> None:
    paper = _paper(
        title="{Fast} O(n^2) -- really? 100% & $\\beta$_1",
        abstract="We cut ~40% of cost; see ``Results'' --- é, ø, ł, ß, 中文.",
        authors=[Author("Søren {Kierke}gaard"), Author("Acme Labs, Inc.")],
        year=2019,
        doi="10.9999/all--fields",
        arxiv_id="1901.00042",
        venue="Proc. of R&D -- Workshop #3",
        url="https://example.org/~all_fields",
    )
    back = _round_trip(tmp_path, paper, concepts=["A^2 C", "x_{t}"])
    assert (back.title, back.abstract, back.venue) == (paper.title, paper.abstract, paper.venue)
    assert [a.name for a in back.authors] == [a.name for a in paper.authors]
    assert (back.year, back.doi, back.arxiv_id, back.url) == (
        paper.year,
        paper.doi,
        paper.arxiv_id,
        paper.url,
    )
    assert sorted(back.keywords) == ["A^2 C", "x_{t}"]


def test_reader_decodes_latex_as_people_write_it(tmp_path: Path) -> None:
    text = r"""@article{hand2020,
  title = {{B}etter {BERT} for J{\"u}rgen's \^{o} \~{n} -- caf\'e \& co:
           x\^{}2, y\textasciicircum{}3, \~{}},
  author = {M{\"u}ller, J{\"o}rg and {Acme Research, Inc.} and Gonz\'{a}lez, Ana},
  journal = {Stra{\ss}e {\o}st \l{}\'od\'z},
  url = {\url{https://example.org/~a\_b}},
  doi = {10.9999/hand\_2020},
  keywords = {{Sense, Plan, Act}; graphs, search},
  year = {2020},
}
"""
    papers, rejections = split_records(BibtexReader().read(write_input(tmp_path, text, "h.bib")))
    assert rejections == []
    paper = papers[0]
    assert paper.title == "Better BERT for Jürgen's ô ñ – café & co: x^2, y^3, ~"
    assert [a.name for a in paper.authors] == [
        "Jörg Müller",
        "Acme Research, Inc.",
        "Ana González",
    ]
    assert paper.venue == "Straße øst łódź"
    assert paper.url == "https://example.org/~a_b"
    assert paper.doi == "10.9999/hand_2020"
    assert paper.keywords == ["Sense, Plan, Act", "graphs", "search"]
