"""arXiv Atom reader: the example feed, odd entries and broken XML."""

from __future__ import annotations

from pathlib import Path

from kg.model import Paper
from kg.readers import Rejection, detect_format
from kg.readers.arxiv_atom import ArxivAtomReader
from tests.conftest import EXAMPLES, split_records, write_input

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>ArXiv Query</title>
"""


def entry(
    arxiv_id: str,
    title: str | None,
    authors: str = "<author><name>A. B</name></author>",
    extra: str = "",
) -> str:
    title_xml = f"<title>{title}</title>" if title is not None else ""
    return f"""  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}</id>
    <published>2020-01-02T00:00:00Z</published>
    {title_xml}
    <summary>Abstract of {arxiv_id}.</summary>
    {authors}
    {extra}
  </entry>
"""


def read(path: Path) -> tuple[list[Paper], list[Rejection]]:
    return split_records(ArxivAtomReader().read(path))


def write(tmp_path: Path, text: str | bytes, name: str = "feed.xml") -> Path:
    return write_input(tmp_path, text, name)


def test_example_feed() -> None:
    papers, rejections = read(EXAMPLES / "arxiv.xml")
    assert rejections == []
    assert len(papers) == 12
    by_id = {p.arxiv_id: p for p in papers}
    attention = by_id["1706.03762"]
    assert attention.title == "Attention Is All You Need"  # line break collapsed
    assert attention.abstract.startswith("We propose the Transformer")
    assert attention.date == "2017-06-12" and attention.year == 2017
    assert attention.updated == "2023-08-02"
    assert attention.categories == ["cs.CL", "cs.LG"]  # primary first, no duplicate
    assert attention.url == "http://arxiv.org/abs/1706.03762v7"
    assert attention.authors[6].name == "Łukasz Kaiser"
    assert attention.authors[0].affiliations == ["Google Brain"]
    assert attention.sources == [f"{EXAMPLES / 'arxiv.xml'}:10"]
    bert = by_id["1810.04805"]
    assert bert.doi == "10.18653/v1/n19-1423" and bert.id == "doi:10.18653/v1/n19-1423"
    assert by_id["2010.11929"].venue == "ICLR 2021"


def test_detected_by_content_and_extension(tmp_path: Path) -> None:
    assert detect_format(EXAMPLES / "arxiv.xml") == "arxiv"
    assert detect_format(write(tmp_path, HEAD + "</feed>\n", "x.atom")) == "arxiv"


def test_entry_without_title_is_rejected_others_kept(tmp_path: Path) -> None:
    text = HEAD + entry("2001.00001v1", "First") + entry("2001.00002v1", None)
    text += entry("2001.00003v2", "  Third\n   title ") + "</feed>\n"
    papers, rejections = read(write(tmp_path, text))
    assert [p.title for p in papers] == ["First", "Third title"]
    assert [p.arxiv_id for p in papers] == ["2001.00001", "2001.00003"]
    assert len(rejections) == 1
    assert rejections[0].location == "entry 2 (line 12)"  # 3 header lines + 8 lines per entry
    assert "title" in rejections[0].message


def test_truncated_xml_keeps_entries_before_the_error(tmp_path: Path) -> None:
    text = HEAD + entry("2001.00001", "Kept") + entry("2001.00002", "Cut")
    path = write(tmp_path, text[: text.rindex("<summary>") + 12])
    papers, rejections = read(path)
    assert [p.title for p in papers] == ["Kept"]
    assert len(rejections) == 1
    assert rejections[0].location.startswith("line ")
    assert "XML syntax error" in rejections[0].message


def test_malformed_tag_reports_its_line(tmp_path: Path) -> None:
    text = HEAD + entry("2001.00001", "Kept") + "  <entry><title>x</titel></entry>\n</feed>\n"
    papers, rejections = read(write(tmp_path, text))
    assert len(papers) == 1
    assert rejections[0].location.startswith("line 12,")


def test_empty_file_is_a_rejection_not_a_crash(tmp_path: Path) -> None:
    papers, rejections = read(write(tmp_path, ""))
    assert papers == [] and len(rejections) == 1


def test_api_error_entry_and_odd_fields(tmp_path: Path) -> None:
    error = """  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>
    <title>Error</title>
    <summary>incorrect id format for 1234</summary>
  </entry>
"""
    old = entry(
        "hep-th/9901001v2",
        "Old style",
        authors="<author><name>Jane Roe</name><arxiv:affiliation>MIT</arxiv:affiliation>"
        "<arxiv:affiliation>CERN</arxiv:affiliation></author>",
        extra="<arxiv:doi>10.1000/ONE 10.1000/two</arxiv:doi>"
        '<category term="hep-th"/><arxiv:primary_category term="hep-th"/>',
    )
    papers, rejections = read(write(tmp_path, HEAD + error + old + "</feed>\n"))
    assert "arXiv API error: incorrect id format" in rejections[0].message
    (paper,) = papers
    assert paper.arxiv_id == "hep-th/9901001"
    assert paper.doi == "10.1000/one"  # first of several DOIs
    assert paper.authors[0].affiliations == ["MIT", "CERN"]
    assert paper.categories == ["hep-th"]
    assert paper.url == "https://arxiv.org/abs/hep-th/9901001"


def test_non_utf8_bytes_are_decoded_and_reported(tmp_path: Path) -> None:
    text = HEAD + entry("2001.00001", "Caf\xe9 study") + "</feed>\n"
    papers, rejections = read(write(tmp_path, text.encode("latin-1")))
    assert papers[0].title == "Café study"
    assert len(rejections) == 1 and "UTF-8" in rejections[0].message
