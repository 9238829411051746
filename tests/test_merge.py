"""Merging across formats: one paper per work, one author per person, never more."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.ingest import ingest
from kg.merge import PaperIndex, canonical_ref, merge_author_lists
from kg.model import Author, Paper
from tests.conftest import EXAMPLES

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/abs/1706.03762v7</id>
    <published>2017-06-12T17:57:34Z</published>
    <title>Attention Is All You
      Need</title>
    <summary>Short.</summary>
    <author><name>Ashish Vaswani</name></author>
    <author><name>Lukasz Kaiser</name></author>
    <author><name>J. Smith</name></author>
    <author><name>Jane Smith</name></author>
  </entry>
</feed>
"""

BIB = """@inproceedings{vaswani2017attention,
  title = {Attention is All you Need},
  author = {Vaswani, Ashish and Kaiser, {\\L}ukasz and Smith, John and Smith, Jane},
  booktitle = {Advances in Neural Information Processing Systems},
  year = {2017},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  abstract = {A longer abstract than the one in the feed.}
}
"""


def names(paper: Paper) -> list[str]:
    return [a.name for a in paper.authors]


def test_atom_and_bibtex_fixtures_merge_into_one_paper(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(ATOM, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    result = ingest([tmp_path])
    assert result.rejections == []
    (paper,) = result.papers
    assert paper.id == "arxiv:1706.03762"
    assert paper.sources == [f"{tmp_path / 'feed.xml'}:3", f"{tmp_path / 'refs.bib'}:1"]
    assert paper.venue == "Advances in Neural Information Processing Systems"
    assert paper.abstract == "A longer abstract than the one in the feed."
    assert paper.n_authors == 4  # both records list four; the unmerged initial adds none
    # Kaiser is one person with the richer spelling; 'J. Smith' fits John AND Jane, so it
    # is not merged with either.
    assert names(paper) == [
        "Ashish Vaswani",
        "Łukasz Kaiser",
        "J. Smith",
        "Jane Smith",
        "John Smith",
    ]


def test_example_atom_and_bibtex_merge_per_paper() -> None:
    result = ingest([EXAMPLES / "arxiv.xml", EXAMPLES / "references.bib"])
    assert result.rejections == []
    assert result.records == 26
    assert len(result.papers) == 26 - 6  # six papers are in both files
    by_arxiv = {p.arxiv_id: p for p in result.papers}
    attention = by_arxiv["1706.03762"]
    assert len(attention.authors) == 8 and attention.n_authors == 8
    assert attention.authors[6].name == "Łukasz Kaiser"
    assert attention.authors[0].affiliations == ["Google Brain"]  # from the feed
    assert [s.rsplit("/", 1)[1] for s in attention.sources] == [
        "arxiv.xml:10",
        "references.bib:4",
    ]
    bert = by_arxiv["1810.04805"]  # the bib entry has only the DOI
    assert bert.id == "doi:10.18653/v1/n19-1423" and len(bert.sources) == 2
    assert len(bert.authors) == 4
    resnet = next(p for p in result.papers if p.doi == "10.1109/cvpr.2016.90")
    assert resnet.arxiv_id == "1512.03385" and len(resnet.sources) == 2


def test_same_initials_and_surname_are_not_merged() -> None:
    existing = [Author("John Smith"), Author("Jane Smith")]
    merged = merge_author_lists(existing, [Author("J. Smith")])
    assert names_of(merged) == ["John Smith", "Jane Smith", "J. Smith"]
    # With one candidate the initial is unambiguous and the fuller name is kept.
    merged = merge_author_lists([Author("J. Smith"), Author("Ana Roe")], [Author("John Smith")])
    assert names_of(merged) == ["John Smith", "Ana Roe"]


def names_of(authors: list[Author]) -> list[str]:
    return [a.name for a in authors]


def test_initials_never_merge_people_across_papers() -> None:
    index = PaperIndex()
    index.add(Paper(title="One", authors=[Author("J. Smith")]))
    index.add(Paper(title="Two", authors=[Author("John Smith")]))
    index.add(Paper(title="Three", authors=[Author("Smith, John")]))
    ids = [p.authors[0].id for p in index.papers()]
    assert ids[0] != ids[1] and ids[1] == ids[2]


def test_different_orcids_under_one_name_stay_apart() -> None:
    index = PaperIndex()
    index.add(Paper(title="One", authors=[Author("Wei Wang", orcid="0000-0001-0000-0001")]))
    index.add(Paper(title="Two", authors=[Author("Wei Wang", orcid="0000-0001-0000-0002")]))
    index.add(Paper(title="Three", authors=[Author("Wei Wang")]))
    ids = {p.title: p.authors[0].id for p in index.papers()}
    assert ids["One"] != ids["Two"] and ids["Three"].startswith("name:")


def test_conflicting_dois_never_merge() -> None:
    index = PaperIndex()
    index.add(Paper(title="A Survey of Things", doi="10.1000/one"))
    index.add(Paper(title="A survey of things.", doi="10.1000/two"))
    index.add(Paper(title="A Survey of Things", arxiv_id="2001.00001"))  # fits the first only
    assert len(index) == 2 and index.merged_duplicates == 1
    assert sorted(p.doi or "" for p in index.papers()) == ["10.1000/one", "10.1000/two"]
    assert index.papers()[0].arxiv_id == "2001.00001"


def test_arxiv_doi_does_not_conflict_with_publisher_doi() -> None:
    index = PaperIndex()
    index.add(Paper(title="X", doi="10.48550/arXiv.1810.04805"))
    index.add(Paper(title="X", doi="10.18653/v1/N19-1423", arxiv_id="1810.04805"))
    (paper,) = index.papers()
    assert paper.id == "doi:10.18653/v1/n19-1423"


def test_record_linking_two_held_papers_merges_all_three() -> None:
    index = PaperIndex()
    index.add(Paper(title="Preprint title", arxiv_id="2001.00001", sources=["a:1"]))
    index.add(Paper(title="Published title", doi="10.1000/x", sources=["b:1"]))
    index.add(Paper(title="Published title", doi="10.1000/x", arxiv_id="2001.00001"))
    (paper,) = index.papers()
    assert paper.doi == "10.1000/x" and paper.arxiv_id == "2001.00001"
    assert paper.sources[:2] == ["b:1", "a:1"]
    assert index.merged_duplicates == 2


def test_the_title_that_keeps_its_letter_case_wins() -> None:
    """A source that lower-cases titles (Google Scholar's BibTeX: "Qbert: ...") coming
    first does not take the acronyms and names out of the merged title, in either order;
    a title in capitals throughout keeps no case, and another title (another wording) is
    not taken over."""
    lowered = "Qbert: pre-training deep quill transformers with lora"
    kept = "QBERT: Pre-training Deep Quill Transformers with LoRA"
    for order in ([lowered, kept], [kept, lowered], [lowered, kept.upper(), kept]):
        index = PaperIndex()
        for title in order:
            index.add(Paper(title=title, doi="10.5555/qbert"))
        (paper,) = index.papers()
        assert paper.title == kept, order
    index = PaperIndex()
    index.add(Paper(title="Qbert: a short version", doi="10.5555/qbert"))
    index.add(Paper(title=kept, doi="10.5555/qbert"))
    assert index.papers()[0].title == "Qbert: a short version"


def test_references_resolve_to_paper_ids() -> None:
    index = PaperIndex()
    index.add(Paper(title="Cited", doi="10.1000/x", external_ids={"openalex": "W1"}))
    index.add(Paper(title="Also cited", arxiv_id="2001.00001"))
    index.add(
        Paper(
            title="Citing",
            references=["openalex:W1", "2001.00001v2", "openalex:W9", "doi:10.1000/X"],
        )
    )
    citing = next(p for p in index.papers() if p.title == "Citing")
    assert citing.references == ["doi:10.1000/x", "arxiv:2001.00001", "openalex:W9"]
    assert canonical_ref("https://doi.org/10.1/AB") == "doi:10.1/ab"
    assert canonical_ref("arXiv:hep-th/9901001") == "arxiv:hep-th/9901001"


def test_all_examples_merge_across_five_formats() -> None:
    result = ingest([EXAMPLES])
    assert result.rejections == []
    attention = next(p for p in result.papers if p.arxiv_id == "1706.03762")
    assert len(attention.authors) == 8
    assert {a.source_ids.get("openalex") for a in attention.authors} != {None}
    vit = next(p for p in result.papers if p.arxiv_id == "2010.11929")
    # OpenAlex references of works in the corpus now point at their paper ids.
    assert "arxiv:1706.03762" in vit.references
    assert "doi:10.1109/cvpr.2016.90" in vit.references


def test_cli_ingest_examples_exits_zero(tmp_path: Path) -> None:
    out = tmp_path / "papers.jsonl"
    result = CliRunner().invoke(app, ["ingest", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) > 20


def test_initials_after_the_surname_are_turned_round() -> None:
    """Scopus lists 'Surname I.I.'; the same people from IEEE ('I. I. Surname') are then
    one author each, and plain two-word names are never turned round."""
    from kg.model import display_name

    assert display_name("Okafor J.-P.") == "J.-P. Okafor"
    assert display_name("Marsh I. B.") == "I. B. Marsh"
    assert display_name("Xu Li") == "Xu Li" and display_name("I. B. Marsh") == "I. B. Marsh"
    index = PaperIndex()
    index.add(Paper("Kettles", authors=[Author("Marsh I.B."), Author("Okafor J.")],
                    doi="10.1/k"))
    index.add(Paper("Kettles", authors=[Author("I. B. Marsh"), Author("J. Okafor")],
                    doi="10.1/k"))
    (paper,) = index.papers()
    assert len({a.id for a in paper.authors}) == 2
