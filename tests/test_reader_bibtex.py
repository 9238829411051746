"""BibTeX reader: LaTeX names, arXiv ids in odd places, broken entries."""

from __future__ import annotations

from pathlib import Path

from kg.model import Paper
from kg.readers import Rejection, detect_format
from kg.readers.bibtex import BibtexReader
from tests.conftest import EXAMPLES, split_records, write_input


def read(path: Path) -> tuple[list[Paper], list[Rejection]]:
    return split_records(BibtexReader().read(path))


def write(tmp_path: Path, text: str | bytes, name: str = "refs.bib") -> Path:
    return write_input(tmp_path, text, name)


def test_example_bibliography() -> None:
    papers, rejections = read(EXAMPLES / "references.bib")
    assert rejections == []
    assert len(papers) == 14
    by_key = {p.external_ids["bibtex_key"]: p for p in papers}
    vaswani = by_key["vaswani2017attention"]
    names = [a.name for a in vaswani.authors]
    assert names[0] == "Ashish Vaswani" and names[6] == "Łukasz Kaiser"
    assert vaswani.arxiv_id == "1706.03762" and vaswani.year == 2017
    assert vaswani.venue == "Advances in Neural Information Processing Systems"
    assert vaswani.keywords == ["transformer", "self-attention", "machine translation"]
    assert vaswani.sources == [f"{EXAMPLES / 'references.bib'}:4"]
    assert by_key["devlin-etal-2019-bert"].title.startswith("BERT: Pre-training")  # {BERT}
    assert by_key["hochreiter1997long"].authors[1].name == "Jürgen Schmidhuber"
    assert by_key["chollet2017xception"].authors[0].name == "François Chollet"
    mamba = by_key["gu2023mamba"]
    assert mamba.arxiv_id == "2312.00752"  # from 'arXiv preprint arXiv:2312.00752'
    assert mamba.venue is None
    brown = by_key["brown2020language"]
    assert len(brown.authors) == 8 and brown.n_authors is None  # 'and others'
    flash = by_key["https://doi.org/10.48550/arxiv.2205.14135"]
    assert flash.arxiv_id == "2205.14135" and flash.doi is None  # arXiv's DOI is no DOI
    assert by_key["pmlr-v139-touvron21a"].title.startswith("Training data-efficient image")
    assert "&" in by_key["pmlr-v139-touvron21a"].title


def test_detected_by_content(tmp_path: Path) -> None:
    assert detect_format(EXAMPLES / "references.bib") == "bibtex"
    path = write(tmp_path, "% exported\n@Article{k, title={T}}\n", "export.txt")
    assert detect_format(path) == "bibtex"


BROKEN = """@article{good1,
  title = {First Paper},
  author = {M{\\"u}ller, Hans and van der Maaten, Laurens and Smith, Jr., John},
  year = 2020
}

@article{broken,
  title = {Missing closing brace,
  author = {X Y},
  year = 2021
}

@inproceedings{good2,
  Title = {Second {Paper}},
  AUTHOR = {Jane Roe and others},
  year = {2019},
  note = {arXiv:1901.00001v3},
}

@misc{notitle, author = {A B}, year = 2018}
@misc{byurl, title = {Third}, url = {https://arxiv.org/abs/hep-th/9901001v2}}
@misc{byeprint, title = {Fourth}, eprint = {2001.00002v2}, eprinttype = {arxiv}}
@misc{other, title = {Fifth}, eprint = {12345}, archivePrefix = {PubMed}}
"""


def test_broken_entry_is_rejected_with_key_and_line(tmp_path: Path) -> None:
    papers, rejections = read(write(tmp_path, BROKEN))
    titles = [p.title for p in papers]
    assert titles == ["First Paper", "Second Paper", "Third", "Fourth", "Fifth"]
    broken = [r for r in rejections if "broken" in r.location]
    assert len(broken) == 1 and broken[0].location == "entry 'broken' (line 7)"
    assert "brace" in broken[0].message
    assert any(r.location == "entry 'notitle' (line 20)" for r in rejections)
    first, second, third, fourth, fifth = papers
    assert [a.name for a in first.authors] == [
        "Hans Müller",
        "Laurens van der Maaten",
        "John Smith Jr.",
    ]
    assert second.authors[0].name == "Jane Roe" and second.n_authors is None
    assert second.arxiv_id == "1901.00001"  # from the note
    assert third.arxiv_id == "hep-th/9901001"  # from the url
    assert fourth.arxiv_id == "2001.00002"
    assert fifth.arxiv_id is None  # an eprint of another archive is not an arXiv id


def test_missing_brace_at_end_of_file(tmp_path: Path) -> None:
    text = "@article{ok, title = {Fine}}\n\n@article{last,\n  title = {Cut off\n"
    papers, rejections = read(write(tmp_path, text))
    assert [p.title for p in papers] == ["Fine"]
    assert [r.location for r in rejections] == ["entry 'last' (line 3)"]


def test_duplicate_key_is_reported_and_read(tmp_path: Path) -> None:
    text = "@article{same, title = {One}}\n@article{same, title = {Two}}\n"
    papers, rejections = read(write(tmp_path, text))
    assert [p.title for p in papers] == ["One", "Two"]
    assert len(rejections) == 1 and "duplicate" in rejections[0].message


def test_empty_and_comment_only_files(tmp_path: Path) -> None:
    assert read(write(tmp_path, "")) == ([], [])
    assert read(write(tmp_path, "% nothing here\n@comment{x}\n")) == ([], [])


def test_latin1_file_is_decoded_and_reported(tmp_path: Path) -> None:
    text = "@article{k,\n  title = {Caf\xe9},\n  author = {M\xfcller, Hans}\n}\n"
    papers, rejections = read(write(tmp_path, text.encode("latin-1")))
    assert papers[0].title == "Café" and papers[0].authors[0].name == "Hans Müller"
    assert len(rejections) == 1 and "UTF-8" in rejections[0].message
    assert rejections[0].location == "line 2, 3"
