"""Readers on the shapes real sources export: Semantic Scholar's /references, datasets and
batch answers, OpenAlex's HTML titles, arXiv's TeX accents, DBLP's crossrefs and the
BibTeX mistakes people make. Every record here is made up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kg.ingest import ingest
from kg.model import Paper
from kg.readers import Note, Rejection, detect_format
from kg.readers.arxiv_atom import ArxivAtomReader
from kg.readers.bibtex import BibtexReader
from kg.readers.openalex import OpenAlexReader
from kg.readers.semantic_scholar import SemanticScholarReader
from tests.conftest import split_records, write_input

SHA_A = "a" * 40
SHA_B = "b" * 40


def s2_paper(paper_id: str, title: str, arxiv_id: str = "2203.01234") -> dict[str, object]:
    return {
        "paperId": paper_id,
        "externalIds": {"ArXiv": arxiv_id, "CorpusId": 99},
        "title": title,
        "year": 2022,
        "authors": [{"authorId": "501", "name": "Wren Quill"}],
    }


def notes_and_errors(records: list[Rejection]) -> tuple[list[Note], list[Rejection]]:
    notes = [r for r in records if isinstance(r, Note)]
    return notes, [r for r in records if not isinstance(r, Note)]


# Semantic Scholar -------------------------------------------------------------------


def test_s2_references_and_citations_items_are_unwrapped(tmp_path: Path) -> None:
    page = {
        "offset": 0,
        "next": 2,
        "data": [
            {"contexts": ["as in [3]"], "intents": ["background"],
             "citedPaper": s2_paper(SHA_A, "Sparse Lanterns for Retrieval")},
            {"citingPaper": {"paperId": None, "externalIds": None,
                             "title": "An Unresolved Citing Work", "authors": []}},
        ],
    }
    path = write_input(tmp_path, json.dumps(page), "refs.json")
    assert detect_format(path) == "semantic-scholar"
    papers, rejections = split_records(SemanticScholarReader().read(path))
    assert rejections == []
    titles = ["Sparse Lanterns for Retrieval", "An Unresolved Citing Work"]
    assert [p.title for p in papers] == titles
    assert papers[0].arxiv_id == "2203.01234" and papers[0].external_ids["s2"] == SHA_A
    assert papers[0].authors[0].id == "s2:501"


def test_s2_datasets_lower_case_keys_keep_ids_date_and_author_ids(tmp_path: Path) -> None:
    record = {
        "corpusid": 77001,
        "externalids": {"ArXiv": "2105.04321", "DOI": "10.5555/Quill.2021", "CorpusId": "77001",
                        "DBLP": "conf/x/Quill21", "PubMed": None},
        "url": f"https://www.semanticscholar.org/paper/{SHA_B}",
        "title": "Folding Maps of Quiet Rivers",
        "authors": [{"authorId": "9001", "name": "Ida Brook"}],
        "venue": "Workshop on Rivers",
        "year": 2021,
        "publicationdate": "2021-05-10",
        "s2fieldsofstudy": [{"category": "Geography", "source": "s2"}],
    }
    second = dict(record, corpusid=77002, externalids={"CorpusId": "77002"}, title="Second")
    path = write_input(tmp_path, json.dumps(record) + "\n" + json.dumps(second) + "\n", "part_000")
    assert detect_format(path) == "semantic-scholar"
    papers, rejections = split_records(SemanticScholarReader().read(path))
    assert rejections == []
    paper = papers[0]
    assert paper.doi == "10.5555/quill.2021" and paper.arxiv_id == "2105.04321"
    assert paper.date == "2021-05-10" and paper.year == 2021
    assert paper.authors[0].id == "s2:9001"
    assert paper.external_ids == {"s2": SHA_B, "s2_corpus": "77001", "dblp": "conf/x/Quill21"}
    assert paper.keywords == ["Geography"]
    assert papers[1].external_ids["s2_corpus"] == "77002"


def test_s2_batch_null_is_a_note_not_a_rejection(tmp_path: Path) -> None:
    second = s2_paper(SHA_B, "Second Found Paper", "2203.05678")
    batch = [s2_paper(SHA_A, "First Found Paper"), None, second]
    text = json.dumps(batch, indent=1)
    path = write_input(tmp_path, text, "batch.json")
    papers, records = split_records(SemanticScholarReader().read(path))
    notes, errors = notes_and_errors(records)
    assert len(papers) == 2 and errors == []
    line = text.splitlines().index(" null,") + 1
    assert [str(n) for n in notes] == [
        f"{path}: record 2 (line {line}): null (an id Semantic Scholar did not find)"
    ]
    # every command that reads inputs tells the note as a note, and counts no rejection
    for command in (["ingest", str(path), "-o", str(tmp_path / "out.jsonl")],
                    ["extract", str(path), "-o", str(tmp_path / "concepts.jsonl")],
                    ["export-bulk", str(path), "--stream", "-o", str(tmp_path / "bulk")]):
        run = subprocess.run(
            [sys.executable, "-c", "from kg.cli import main; main()", *command],
            capture_output=True, text=True, check=False, timeout=300,
            env={**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"},
        )
        assert run.returncode == 0, (command, run.stderr)
        lines = run.stderr.splitlines()
        assert any(x.startswith(f"note: {path}: record 2") for x in lines), command
        assert not any(x.startswith("rejected ") for x in lines), command


def test_s2_a_record_that_is_not_an_object_or_null_is_still_rejected(tmp_path: Path) -> None:
    path = write_input(tmp_path, json.dumps([s2_paper(SHA_A, "Kept"), 7]), "batch.json")
    papers, records = split_records(SemanticScholarReader().read(path))
    notes, errors = notes_and_errors(records)
    assert len(papers) == 1 and notes == []
    assert [e.message for e in errors] == ["not an object (int)"]


# OpenAlex ---------------------------------------------------------------------------


def test_openalex_html_in_titles_and_abstracts_becomes_text(tmp_path: Path) -> None:
    work = {
        "id": "https://openalex.org/W123",
        "title": "<i>In vitro</i> uptake of CO<sub>2</sub> &amp; O<sub>2</sub> by moss "
                 "at x &lt; 3 <mml:math><mml:mi>k</mml:mi></mml:math>",
        "publication_year": 2019,
        "abstract_inverted_index": {"Below": [0], "&lt;5": [1], "nm<br/>pores": [2],
                                    "<b>grow</b>": [3], "&amp;": [4], "shrink.": [5]},
    }
    path = write_input(tmp_path, json.dumps(work), "works.json")
    (paper,), rejections = split_records(OpenAlexReader().read(path))
    assert rejections == []
    assert paper.title == "In vitro uptake of CO2 & O2 by moss at x < 3 k"
    assert paper.abstract == "Below <5 nm pores grow & shrink."


def test_openalex_markup_title_merges_with_the_bibtex_record(tmp_path: Path) -> None:
    work = {"id": "https://openalex.org/W9", "title": "<i>Ex situ</i> Growth of Reed Beds",
            "publication_year": 2020,
            "authorships": [{"author": {"id": "https://openalex.org/A5",
                                        "display_name": "Ona Fjord"}}]}
    bib = "@article{fjord2020,\n  title = {\\textit{Ex situ} Growth of Reed Beds},\n" \
          "  author = {Fjord, Ona},\n  year = {2020}\n}\n"
    paths = [write_input(tmp_path, json.dumps(work), "w.json"),
             write_input(tmp_path, bib, "r.bib")]
    result = ingest(paths)
    assert len(result.papers) == 1 and result.merged_duplicates == 1


# arXiv Atom -------------------------------------------------------------------------

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/abs/2402.05555v2</id>
    <published>2024-02-08T10:00:00Z</published>
    <title>Schr\\"odinger Flows for $\\"a + \\hat{x}$ on {\\O}resund Data</title>
    <summary>We gain 5\\% (and 50% more) with \\(\\'e\\) kept;
      Stra\\ss e na\\"{\\i}ve \\v{S}a.</summary>
    <author><name>Ren\\'e Dupr\\'{e}</name></author>
    <author><name>{\\L}ucja Nowak</name></author>
  </entry>
</feed>
"""


def test_arxiv_tex_accents_are_decoded_and_math_kept(tmp_path: Path) -> None:
    path = write_input(tmp_path, FEED, "feed.xml")
    (paper,), rejections = split_records(ArxivAtomReader().read(path))
    assert rejections == []
    assert paper.title == 'Schrödinger Flows for $\\"a + \\hat{x}$ on Øresund Data'
    assert paper.abstract == (
        "We gain 5% (and 50% more) with \\(\\'e\\) kept; Straße naïve Ša."
    )
    assert [a.name for a in paper.authors] == ["René Dupré", "Łucja Nowak"]
    assert paper.authors[0].id == "name:rene-dupre"


def test_arxiv_tex_title_merges_with_the_same_paper_typed_in_unicode(tmp_path: Path) -> None:
    bib = "@misc{d2024,\n  title = {Schrödinger Flows for $\\\"a + \\hat{x}$ on Øresund Data},\n" \
          "  author = {Dupré, René},\n  year = {2024}\n}\n"
    paths = [write_input(tmp_path, FEED, "feed.xml"), write_input(tmp_path, bib, "d.bib")]
    result = ingest(paths)
    assert len(result.papers) == 1
    assert {a.id for p in result.papers for a in p.authors} >= {"name:rene-dupre"}


# BibTeX -----------------------------------------------------------------------------

DBLP_STYLE = """@inproceedings{DBLP:conf/quill/Roe20,
  author    = {Rick Roe and Ada Lark},
  title     = {Lanterns in the Fog},
  pages     = {1--9},
  crossref  = {DBLP:conf/quill/2020},
  url       = {https://example.org/lanterns}
}

@proceedings{DBLP:conf/quill/2020,
  editor    = {Mia Stone and Ben Oak},
  title     = {Proceedings of the Quill Workshop 2020},
  publisher = {Example Press},
  year      = {2020},
  url       = {https://example.org/quill2020}
}

@incollection{ch1,
  author    = {Kit Moss},
  title     = {A Chapter on Moss},
  crossref  = {mossbook}
}

@book{mossbook,
  editor    = {Lee Fern},
  title     = {The Moss Book},
  booktitle = {The Moss Book},
  year      = {2018}
}
"""


def read_bib(tmp_path: Path, text: str) -> tuple[list[Paper], list[Rejection]]:
    return split_records(BibtexReader().read(write_input(tmp_path, text, "refs.bib")))


def test_bibtex_crossref_inherits_and_its_volume_is_a_note(tmp_path: Path) -> None:
    papers, records = read_bib(tmp_path, DBLP_STYLE)
    notes, errors = notes_and_errors(records)
    assert errors == []
    assert [p.title for p in papers] == ["Lanterns in the Fog", "A Chapter on Moss"]
    lanterns, chapter = papers
    assert lanterns.year == 2020 and lanterns.venue == "Proceedings of the Quill Workshop 2020"
    assert [a.name for a in lanterns.authors] == ["Rick Roe", "Ada Lark"]  # no editors
    assert lanterns.url == "https://example.org/lanterns"
    assert chapter.year == 2018 and chapter.venue == "The Moss Book"
    assert [n.location for n in notes] == [
        "entry 'DBLP:conf/quill/2020' (line 9)", "entry 'mossbook' (line 23)"
    ]
    assert all("not a paper" in n.message for n in notes)


def test_bibtex_standalone_proceedings_is_a_note_but_a_book_is_a_paper(tmp_path: Path) -> None:
    text = ("@proceedings{p1,\n  editor = {Mia Stone},\n  title = {Proc. of Nothing},\n"
            "  year = {2001}\n}\n@book{b1,\n  author = {Lee Fern},\n  title = {Ferns},\n"
            "  year = {1999}\n}\n")
    papers, records = read_bib(tmp_path, text)
    notes, errors = notes_and_errors(records)
    assert [p.title for p in papers] == ["Ferns"] and errors == []
    assert [n.location for n in notes] == ["entry 'p1' (line 1)"]


def test_bibtex_missing_comma_between_fields_rejects_the_entry(tmp_path: Path) -> None:
    text = ("@article{glued,\n  title = {Glued Together}\n  author = {Roe, Rick}, year = {2021}\n"
            "}\n@article{bare,\n  year = 2021\n  title = {Bare Year},\n}\n"
            "@article{fine,\n  title = {Equations a = b Stay},\n  note = \"x = y\",\n"
            "  author = {Lark, Ada}\n}\n")
    papers, rejections = read_bib(tmp_path, text)
    assert [p.title for p in papers] == ["Equations a = b Stay"]
    assert [(r.location, r.message.split(":")[0]) for r in rejections] == [
        ("entry 'glued' (line 1)", "the value of 'title' runs into 'author = ...' on line 3"),
        ("entry 'bare' (line 5)", "the value of 'year' runs into 'title = ...' on line 7"),
    ]


def test_bibtex_string_concatenation_is_resolved(tmp_path: Path) -> None:
    text = ('@string{pre = "Proc. of the " # "7th "}\n@String{QW = {Quill Workshop}}\n'
            "@inproceedings{c1,\n"
            '  title = pre # "International " # {Conference} # { on } # qw,\n'
            '  author = "Roe, " # {Rick},\n  booktitle = QW # " 2020",\n  year = 2020\n}\n')
    (paper,), rejections = read_bib(tmp_path, text)
    assert rejections == []
    assert paper.title == "Proc. of the 7th International Conference on Quill Workshop"
    assert paper.venue == "Quill Workshop 2020"
    assert [a.name for a in paper.authors] == ["Rick Roe"]


def test_bibtex_punctuation_only_author_is_dropped(tmp_path: Path) -> None:
    text = "@misc{r1,\n  title = {A Report},\n  author = {QuillLab and : and Ada Lark and --},\n}\n"
    (paper,), rejections = read_bib(tmp_path, text)
    assert rejections == []
    assert [a.name for a in paper.authors] == ["QuillLab", "Ada Lark"]
