"""Identity keys: titles and names of every script, the ids made from them, title-only
merges that a year or an author contradicts, and DOIs / arXiv ids in every spelling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.merge import PaperIndex
from kg.model import Author, Paper
from kg.normalize import normalize_arxiv_id, normalize_doi, title_hash, title_key
from kg.queries import prepare, run_named
from kg.stores.base import QueryResult
from tests.conftest import NewExtractor


def _papers(*records: Paper) -> list[Paper]:
    index = PaperIndex()
    for record in records:
        index.add(record)
    return index.papers()


# ------------------------------------------------------------------ keys of every script


def test_titles_in_other_scripts_keep_their_letters() -> None:
    """Two Chinese titles (or a Russian and a Greek one) are not the same empty key."""
    titles = ["猫头鹰的夜间视觉模型", "稀疏图上的随机游走", "Сжатие словарей для поиска",
              "Αραιά δίκτυα για ήχο"]
    keys = [title_key(title) for title in titles]
    assert all(keys) and len(set(keys)) == len(titles)
    assert len({title_hash(title) for title in titles}) == len(titles)
    assert title_key("Αραιά δίκτυα για ήχο") == title_key("ΑΡΑΙΑ ΔΙΚΤΥΑ ΓΙΑ ΗΧΟ")


def test_a_latin_word_beside_another_script_does_not_make_the_key() -> None:
    """'GRU' with two different Japanese titles used to leave the key 'gru' for both."""
    first, second = "GRUを使った天気予報", "GRUによる株価予測"
    assert title_key(first) != title_key(second)
    assert title_key(first).startswith("gru")
    assert title_key("Transformer для поиска") != title_key("Transformer για αναζήτηση")


def test_kana_voicing_tells_words_apart() -> None:
    assert title_key("バスの経路探索") != title_key("ハスの経路探索")


def test_latin_keys_stay_and_a_word_of_another_script_joins_them() -> None:
    """Ids of Latin titles and names in stores built before do not change (accents folded,
    punctuation dropped, a lone letter of another script - a symbol - left out); a word
    of another script is part of the key."""
    assert title_key("Ørsted Flows: Ünïcode — “Quoted” Title, Part II!") == \
        "orsted flows unicode quoted title part ii"
    assert title_key("PEBBLE-δ: Fast Sampling") == "pebble fast sampling"
    assert title_hash("Tuning Gliders via μP") == "77f544a12f8299dc"
    assert Author("Zoë Ðorđević-Håkansson").id == "name:zoe-dordevic-hakansson"
    assert title_key("Tuning Gliders via μέθοδος") == "tuning gliders via μεθοδοσ"


def test_a_title_without_letters_is_its_own_key() -> None:
    """Titles with no letter or digit do not all share the hash of the empty string."""
    assert title_key("?!") and title_key("?!") != title_key("…")
    assert Paper(title="?!").id != Paper(title="…").id


def test_authors_in_other_scripts_are_different_people() -> None:
    first, second = Author("山本一郎"), Author("中村花子")
    assert first.id == "name:山本一郎" and second.id == "name:中村花子"
    assert Author("Ολγα Σταυρου").id == Author("ΟΛΓΑ ΣΤΑΥΡΟΥ").id != Author("Иван Сидоров").id


def test_papers_in_other_scripts_stay_apart_and_keep_their_authors() -> None:
    papers = _papers(
        Paper(title="GRUを使った天気予報", authors=[Author("山本一郎")], year=2020),
        Paper(title="GRUによる株価予測", authors=[Author("中村花子")], year=2021),
        Paper(title="稀疏图上的随机游走", authors=[Author("王小明")], year=2019),
        Paper(title="猫头鹰的夜间视觉模型", authors=[Author("李雪")], year=2019),
    )
    assert len(papers) == 4 and len({paper.id for paper in papers}) == 4
    assert len({author.id for paper in papers for author in paper.authors}) == 4


# ------------------------------------------------------------------ title-only merges


def _jones_2014() -> Paper:
    return Paper(title="Gradient Gardens", year=2014,
                 authors=[Author("Maren Holt"), Author("Ivo Stern"), Author("Pia Lund")])


def test_same_title_different_first_author_is_another_paper() -> None:
    """Sharing a co-author and neighbouring years is not enough when the first author of
    one is not on the other (an article and a book of the same title)."""
    book = Paper(title="Gradient gardens", year=2015, entry_type="book",
                 authors=[Author("Tove Berg"), Author("Ivo Stern"), Author("Nils Aas")])
    assert len(_papers(_jones_2014(), book)) == 2


def test_same_title_no_author_in_common_is_another_paper() -> None:
    other = Paper(title="Gradient Gardens", year=2014, authors=[Author("Rui Costa")])
    assert len(_papers(_jones_2014(), other)) == 2


def test_same_title_years_far_apart_is_another_paper() -> None:
    later = Paper(title="Gradient Gardens", year=2019, authors=[Author("M. Holt")])
    assert len(_papers(_jones_2014(), later)) == 2


def test_title_only_records_merge_unless_contradicted() -> None:
    """Initials, a neighbouring year (preprint, then publication) and a record without
    authors or year still merge; a year far off or another first author does not."""
    jones = _jones_2014()
    jones.sources = ["a"]
    papers = _papers(
        jones,
        Paper(title="Gradient gardens.", year=2015, authors=[Author("M. Holt"), Author("I. Stern")],
              sources=["b"]),
        Paper(title="GRADIENT GARDENS", sources=["c"]),
        Paper(title="Gradient Gardens", year=2021, authors=[Author("Maren Holt")], sources=["d"]),
        Paper(title="Gradient Gardens", year=2014, authors=[Author("Ivo Stern")], sources=["e"]),
    )
    assert [paper.sources for paper in papers] == [["a", "b", "c"], ["d"], ["e"]]
    assert [author.name for author in papers[0].authors] == ["Maren Holt", "Ivo Stern", "Pia Lund"]


def test_shared_doi_merges_whatever_the_years_and_authors() -> None:
    """DOI- and arXiv-based merges are unchanged: a shared id is not title-only."""
    a = Paper(title="Gradient Gardens", year=2014, doi="10.5555/gg.1",
              authors=[Author("Maren Holt")])
    b = Paper(title="Gradient Gardens (extended)", year=2019, doi="DOI 10.5555/GG.1.",
              authors=[Author("Rui Costa")])
    assert len(_papers(a, b)) == 1


# ------------------------------------------------------------------ identifiers


def test_doi_spellings_normalise_to_one() -> None:
    spellings = [
        "10.5555/Ab.Cd", "DOI 10.5555/ab.cd", "doi: 10.5555/ab.cd", "doi.org/10.5555/ab.cd",
        "https://www.doi.org/10.5555/ab.cd", "http://dx.doi.org/10.5555/AB.CD",
        "https://doi.org/10.5555%2Fab.cd", "10.5555%2Fab.cd", "10.5555/ab.cd.", "10.5555/ab.cd,",
    ]
    assert {value: normalize_doi(value) for value in spellings} == dict.fromkeys(
        spellings, "10.5555/ab.cd")
    assert Paper(title="Sparse Lanterns", doi="DOI 10.5555/ab.cd.").id == "doi:10.5555/ab.cd"


def test_old_style_arxiv_ids_are_one() -> None:
    spellings = ["hep-th/9901001", "HEP-TH/9901001", "arXiv:HEP-TH/9901001",
                 "arxiv:hep-th/9901001v3", "https://arxiv.org/abs/Hep-Th/9901001v2"]
    assert {value: normalize_arxiv_id(value) for value in spellings} == dict.fromkeys(
        spellings, "hep-th/9901001")


def test_old_style_subject_class_keeps_its_capitals() -> None:
    assert normalize_arxiv_id("arXiv:MATH.gt/0309136v1") == "math.GT/0309136"


class _Store:
    """Just enough of a store for ``prepare``: a dialect and no side index."""

    dialect = "sparql"

    def query(self, text: str, params: dict[str, Any]) -> QueryResult:
        raise AssertionError("paper-id makes no lookup of its own")


@pytest.mark.parametrize(("given", "doi", "arxiv"), [
    ({"doi": "10.5555/AB.CD"}, "10.5555/ab.cd", ""),
    ({"doi": "https://doi.org/10.5555/ab.cd"}, "10.5555/ab.cd", ""),
    ({"arxiv": "arXiv:2403.01234"}, "", "2403.01234"),
    ({"arxiv": "2403.01234v4"}, "", "2403.01234"),
    ({"doi": "10.48550/arXiv.2403.01234"}, "", "2403.01234"),
    ({"doi": "no-doi-here"}, "", ""),
])
def test_paper_id_query_normalises_its_parameters(
    given: dict[str, str], doi: str, arxiv: str
) -> None:
    """The ``paper-id`` named query binds the DOI and arXiv id as stores hold them."""
    prepared = prepare(_Store(), "paper-id", given)  # type: ignore[arg-type]
    assert (prepared.params["doi"], prepared.params["arxiv"]) == (doi, arxiv)


def test_a_store_holds_every_paper_and_finds_ids_in_any_spelling(
    tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """Built into the embedded store: papers and authors in other scripts each have their
    node, and ``paper-id`` finds a paper by its DOI or arXiv id as a user writes them."""
    from kg.build import build
    from kg.stores import open_store

    records = [
        {"title": "猫头鹰的夜间视觉模型", "authors": ["李雪"], "year": 2019},
        {"title": "稀疏图上的随机游走", "authors": ["王小明"], "year": 2019},
        {"title": "GRUを使った天気予報", "authors": ["山本一郎"], "year": 2020},
        {"title": "Gradient Gardens", "authors": ["Maren Holt"], "year": 2014,
         "doi": "https://doi.org/10.5555/GG.1", "arxiv_id": "arXiv:1401.05555v2"},
    ]
    papers = tmp_path / "papers.jsonl"
    papers.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      encoding="utf-8")
    uri = f"oxigraph:{tmp_path / 'kg'}"
    result = build([papers], uri, extractor=new_extractor())
    assert result.after["papers"] == 4 and result.after["authors"] == 4
    with open_store(uri) as store:
        for given in ({"doi": "10.5555/GG.1"}, {"doi": "DOI 10.5555/gg.1."},
                      {"arxiv": "1401.05555v3"}, {"arxiv": "arXiv:1401.05555"}):
            assert run_named(store, "paper-id", given).rows == [["doi:10.5555/gg.1"]], given


def test_papers_that_share_only_a_title_each_keep_their_node(
    tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """Two editorials called "Foreword", years and authors apart, stay two papers (the
    title rule) under two ids, so a build stores both with their authors."""
    from kg.build import build
    from kg.ingest import ingest
    from kg.stores import open_store

    records = [
        {"title": "Foreword", "abstract": "On kettles.", "year": 2003, "authors": ["Ida Marsh"]},
        {"title": "Foreword", "abstract": "On spoons.", "year": 2019, "authors": ["Ole Brandt"]},
    ]
    papers = tmp_path / "papers.jsonl"
    papers.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    ids = [paper.id for paper in ingest([papers]).papers]
    assert len(set(ids)) == 2 and ids[1] == f"{ids[0]}~2"
    uri = f"oxigraph:{tmp_path / 'kg'}"
    result = build([papers], uri, extractor=new_extractor())
    assert result.after["papers"] == 2 and result.after["authors"] == 2
    with open_store(uri) as store:
        for name in ("Ida Marsh", "Ole Brandt"):
            assert run_named(store, "papers-by-author", {"author": name}).rows, name
