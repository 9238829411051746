"""A later build that brings another record of a paper already stored merges it into the
stored paper (kg/stored.py), on every backend: nothing the first build stored is lost, and
the store ends as a build of all the inputs at once would make it."""

from __future__ import annotations

import json
from pathlib import Path

from kg.build import BuildResult, build
from kg.curation.store import stored_tags
from kg.normalize import title_key
from kg.queries import read
from kg.stored import BATCH, read_papers
from kg.stores import GraphStore, open_store
from tests.conftest import NewExtractor, write_input

FULL = {  # the first record: every author (one with her ORCID), an abstract with concepts,
    # keywords and citations
    "title": "Glimmerwing Nets for Sparse Retrieval", "doi": "10.5555/glimmer.1",
    "abstract": "We propose Glimmerwing Nets, a Transformer variant evaluated on ImageNet "
                "and fine-tuned with LoRA.",
    "authors": [{"name": "Ada Quillon", "orcid": "0000-0002-1825-0097"}, "Bram Tessel",
                "Cora Vantage"],
    "year": 2023, "keywords": ["retrieval"],
    "references": ["doi:10.5555/cited.9", "arxiv:2101.00042"],
}
AUTHORS = ["Ada Quillon", "Bram Tessel", "Cora Vantage"]
TITLE_ONLY = {
    "title": "Lanternfish Models of Long Context", "year": 2022,
    "abstract": "We study Mamba on the Long Range Arena benchmark.",
    "authors": ["Dario Pellum", "Esme Ravel"],
}
# the later records: fewer authors, no abstract, a venue; the title-only paper's title in
# other letter case, now with a DOI
LATER_BIB = """@article{g, title={Glimmerwing Nets for Sparse Retrieval},
  author={Quillon, Ada}, doi={10.5555/GLIMMER.1}, journal={Journal of Retrieval}, year={2023}}
@article{l, title={LANTERNFISH MODELS OF LONG CONTEXT}, author={Pellum, Dario},
  doi={10.5555/lantern.2}, year={2022}}
"""


def _jsonl(tmp_path: Path, name: str, *records: dict) -> Path:
    return write_input(tmp_path, "\n".join(json.dumps(r) for r in records) + "\n", name)


def papers_by_title(store: GraphStore) -> dict[str, dict]:
    """Title key -> what a reader sees of the paper (its id aside: a paper keeps the id
    it was first stored under): fields, authors in order, keywords and concepts."""
    ids = [str(row["id"]) for row in
           store.query(read(store.dialect, "all-papers")).records()]
    tags = stored_tags(store, ids)
    found = {}
    for paper_id, paper in read_papers(store, ids).items():
        found[title_key(paper.title)] = {
            "title": paper.title, "abstract": paper.abstract, "year": paper.year,
            "doi": paper.doi, "venue": paper.venue, "keywords": paper.keywords,
            "authors": [a.name for a in paper.authors],
            "author_ids": [a.id for a in paper.authors],
            "references": sorted(paper.references),
            "concepts": sorted(link.id for link in tags.get(paper_id, [])),
        }
    return found


def assert_same_as_at_once(store: GraphStore, tmp_path: Path, new_extractor: NewExtractor,
                           *inputs: Path, authors: int) -> BuildResult:
    """Build ``inputs`` into ``store`` one after the other, and all at once into a fresh
    store: the same papers (ids aside) and ``authors`` authors in both. Returns the last
    build's result."""
    for path in inputs:
        result = build([path], store, extractor=new_extractor())
    reference = f"oxigraph:{tmp_path / 'at-once'}"
    build(list(inputs), reference, extractor=new_extractor())
    with open_store(reference, "read") as at_once:
        assert store.counts()["authors"] == at_once.counts()["authors"] == authors
        assert papers_by_title(store) == papers_by_title(at_once)
    return result


def test_a_later_record_is_merged_into_the_stored_paper(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    first = _jsonl(tmp_path, "first.jsonl", FULL, TITLE_ONLY)
    later = write_input(tmp_path, LATER_BIB, "later.bib")
    build([first], any_store, extractor=new_extractor())
    before = any_store.counts()
    result = build([later], any_store, extractor=new_extractor())
    assert result.new_papers == 0 and not result.rejections
    after = any_store.counts()
    for key in ("papers", "authors", "authored_by", "mentions", "concepts"):
        assert after[key] == before[key], key
    papers = papers_by_title(any_store)
    glimmer = papers[title_key(FULL["title"])]
    assert glimmer["authors"] == AUTHORS
    assert glimmer["author_ids"][0] == "orcid:0000-0002-1825-0097"
    assert glimmer["references"] == ["arxiv:2101.00042", "doi:10.5555/cited.9"]
    assert glimmer["abstract"] == FULL["abstract"] and glimmer["keywords"] == ["retrieval"]
    assert glimmer["venue"] == "Journal of Retrieval"  # what the later record adds
    assert len(glimmer["concepts"]) >= 3
    lantern = papers[title_key(TITLE_ONLY["title"])]
    assert lantern["doi"] == "10.5555/lantern.2" and lantern["title"] == TITLE_ONLY["title"]
    assert lantern["authors"] == TITLE_ONLY["authors"] and lantern["concepts"]
    reference = f"oxigraph:{tmp_path / 'at-once'}"
    build([first, later], reference, extractor=new_extractor())
    with open_store(reference, "read") as at_once:
        assert papers_by_title(any_store) == papers_by_title(at_once)


def test_a_stored_paper_is_found_by_its_title_in_other_letters(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """The stored paper has a DOI; a later title-only record spells its title in capitals
    and with other punctuation: one paper, its authors and tags kept."""
    build([_jsonl(tmp_path, "first.jsonl", FULL)], any_store, extractor=new_extractor())
    before = papers_by_title(any_store)
    shouted = {"title": "GLIMMERWING NETS - FOR SPARSE RETRIEVAL", "year": 2023,
               "authors": ["Ada Quillon"], "venue": "Retrieval Workshop"}
    result = build([_jsonl(tmp_path, "later.jsonl", shouted)], any_store,
                   extractor=new_extractor())
    assert result.new_papers == 0
    after = papers_by_title(any_store)
    assert list(after) == list(before)
    paper = after[title_key(FULL["title"])]
    assert paper["authors"] == AUTHORS and paper["concepts"]
    assert paper["concepts"] == before[title_key(FULL["title"])]["concepts"]
    assert paper["venue"] == "Retrieval Workshop"


def test_a_paper_that_shares_only_a_title_with_a_stored_one_stays_apart(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """Two editorials called "Introduction", years and authors apart: the later one gets
    an id of its own (the title id numbered '~2'), the stored one is left as it was; a
    third record of the later one merges into it."""
    old = {"title": "Introduction", "year": 2001, "authors": ["Fenna Oldroyd"],
           "abstract": "An editorial on Transformer models."}
    new = {"title": "Introduction", "year": 2019, "authors": ["Gil Newbury"],
           "abstract": "An editorial on ImageNet."}
    build([_jsonl(tmp_path, "old.jsonl", old)], any_store, extractor=new_extractor())
    stored = papers_by_title(any_store)
    build([_jsonl(tmp_path, "new.jsonl", new)], any_store, extractor=new_extractor())
    ids = sorted(str(r["id"]) for r in
                 any_store.query(read(any_store.dialect, "all-papers")).records())
    assert len(ids) == 2 and ids[1] == f"{ids[0]}~2"
    papers = read_papers(any_store, ids)
    assert papers[ids[0]].authors[0].name == "Fenna Oldroyd"
    assert papers[ids[0]].abstract == stored["introduction"]["abstract"]
    assert papers[ids[1]].authors[0].name == "Gil Newbury"
    again = {**new, "venue": "Editorials", "abstract": ""}
    result = build([_jsonl(tmp_path, "again.jsonl", again)], any_store,
                   extractor=new_extractor())
    assert result.new_papers == 0 and any_store.counts()["papers"] == 2
    merged = read_papers(any_store, [ids[1]])[ids[1]]
    assert merged.venue == "Editorials" and merged.abstract == new["abstract"]


def _ids(store: GraphStore) -> list[str]:
    return sorted(str(r["id"]) for r in store.query(read(store.dialect, "all-papers")).records())


def _editorial(year: int, author: str | None = None, topic: str = "Transformer") -> dict:
    record = {"title": "Introduction", "year": year, "abstract": f"An editorial on {topic}."}
    return {**record, "authors": [author]} if author else record


def test_records_apart_by_year_only_are_two_papers_in_one_build(
    tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """No authors, one title, years apart: the first pass (which reads the years) and the
    second agree on two papers, and the second keeps its '~2' id."""
    store = open_store(f"oxigraph:{tmp_path / 'kg'}")
    result = build([_jsonl(tmp_path, "a.jsonl", _editorial(2010), _editorial(2020))], store,
                   extractor=new_extractor())
    assert result.papers == 2 and result.new_papers == 2
    ids = _ids(store)
    assert ids[1] == f"{ids[0]}~2"
    assert sorted(p.year for p in read_papers(store, ids).values()) == [2010, 2020]
    store.close()


def test_papers_sharing_a_title_with_stored_ones_get_numbers_of_their_own(
    tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """More papers of one title than one lookup reads, and two new ones in one build:
    every paper keeps a node of its own, as a build of all the records at once gives."""
    store = open_store(f"oxigraph:{tmp_path / 'kg'}")
    first = [_editorial(2020, f"Author Number{n:02d}") for n in range(22)]
    build([_jsonl(tmp_path, "a.jsonl", *first)], store, extractor=new_extractor())
    later = [_editorial(2020, "Walt Whitby", "ImageNet"), _editorial(2020, "Vera Vantage")]
    result = build([_jsonl(tmp_path, "b.jsonl", *later)], store, extractor=new_extractor())
    assert result.new_papers == 2 and len(_ids(store)) == 24
    firsts = sorted(p.authors[0].name for p in read_papers(store, _ids(store)).values())
    assert firsts == sorted([*(f"Author Number{n:02d}" for n in range(22)),
                             "Walt Whitby", "Vera Vantage"])
    store.close()


def test_two_records_with_other_dois_do_not_both_join_one_stored_paper(
    tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """The stored title-only paper takes the first record with a DOI; the second, another
    DOI, is judged against the two merged and stays a paper of its own."""
    survey = {"title": "A Survey of Quillon Graphs", "year": 2020, "authors": ["Kim Sato"],
              "abstract": "We survey Transformer models."}
    store = open_store(f"oxigraph:{tmp_path / 'kg'}")
    build([_jsonl(tmp_path, "a.jsonl", survey)], store, extractor=new_extractor())
    later = [{**survey, "doi": "10.5555/one.1"},
             {**survey, "title": survey["title"].lower(), "doi": "10.5555/two.2"}]
    build([_jsonl(tmp_path, "b.jsonl", *later)], store, extractor=new_extractor())
    dois = sorted(str(p.doi) for p in read_papers(store, _ids(store)).values())
    assert dois == ["10.5555/one.1", "10.5555/two.2"]
    store.close()


def test_citations_name_papers_by_the_ids_they_are_stored_under(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """A new paper cites a stored one by its arXiv id (stored under its DOI), and cites a
    paper of the same build that the store holds under a title id: both citations link to
    the stored nodes, not to bare ids."""
    swin = {"title": "Quillfern Vision Backbones", "doi": "10.5555/qvb.1",
            "arxiv_id": "2103.99999", "year": 2021, "abstract": "A Transformer backbone."}
    gated = {"title": "Gated Lantern Attention", "year": 2019,
             "abstract": "We study Mamba."}
    build([_jsonl(tmp_path, "a.jsonl", swin, gated)], any_store, extractor=new_extractor())
    stored = {p.title: i for i, p in read_papers(any_store, _ids(any_store)).items()}
    citing = {"title": "A ConvNet Revisited", "year": 2022, "abstract": "On ImageNet.",
              "references": ["arXiv:2103.99999", "1901.00001"]}
    build([_jsonl(tmp_path, "b.jsonl", {**gated, "arxiv_id": "1901.00001"}, citing)],
          any_store, extractor=new_extractor())
    papers = read_papers(any_store, _ids(any_store))
    (cites,) = [p.references for p in papers.values() if p.title == citing["title"]]
    assert sorted(cites) == sorted([stored[swin["title"]], stored[gated["title"]]])


def test_an_author_whose_id_changes_leaves_no_author_without_papers(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """The stored paper's author comes back with a source id (and another with the full
    name for the initials): the authors the paper had before go, as at once."""
    paper = {"title": "Gated Quillon Units Revisited", "year": 2020,
             "abstract": "We revisit gated units in Transformer layers.",
             "authors": ["Noor Shalimar", "P. Tessaly"]}
    first = _jsonl(tmp_path, "a.jsonl", paper)
    later = _jsonl(tmp_path, "b.jsonl", {**paper, "authors": [
        {"name": "Noor Shalimar", "id": "openalex:A4242"}, "Pia Tessaly"]})
    assert_same_as_at_once(any_store, tmp_path, new_extractor, first, later, authors=2)


def test_a_name_only_author_takes_the_stored_persons_strong_id(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """A later paper names, without an id, an author stored with her ORCID (and another one
    stored with a source id): one person each, as at once."""
    first = _jsonl(tmp_path, "a.jsonl", {
        "title": "Federated Quillon Learning", "year": 2020, "abstract": "On Transformer.",
        "authors": [{"name": "Ada Quillon", "orcid": "0000-0002-1825-0097"},
                    {"name": "Bo Tessaly", "id": "openalex:A777"}]})
    later = _jsonl(tmp_path, "b.jsonl", {
        "title": "Quantized Lantern Attention", "year": 2021, "abstract": "On ImageNet.",
        "authors": ["Ada Quillon", "Bo Tessaly", "Cy Newman"]})
    assert_same_as_at_once(any_store, tmp_path, new_extractor, first, later, authors=3)


def test_papers_cited_before_they_arrive_are_linked_when_they_do(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """Stored papers cite a paper by its arXiv id and another by its OpenAlex work before
    either is stored; both arrive later under their DOIs (one citing paper comes again
    too): every citation links to the DOI nodes, as at once."""
    citing = {"title": "A ConvNet Revisited", "year": 2022, "abstract": "On ImageNet.",
              "references": ["arXiv:2103.99999", "openalex:W4242"]}
    other = {"title": "Gated Lantern Attention", "year": 2022, "abstract": "On Mamba.",
             "references": ["arXiv:2103.99999"]}
    first = _jsonl(tmp_path, "a.jsonl", citing, other)
    later = _jsonl(tmp_path, "b.jsonl", {**other, "venue": "Lantern Workshop"},
                   {"title": "Quillfern Vision Backbones", "doi": "10.5555/qvb.1",
                    "arxiv_id": "2103.99999", "year": 2021, "abstract": "On Transformer."},
                   {"title": "Lantern Nets", "doi": "10.5555/ln.2", "year": 2021,
                    "abstract": "On LoRA.", "external_ids": {"openalex": "W4242"}})
    assert_same_as_at_once(any_store, tmp_path, new_extractor, first, later, authors=0)
    refs = {p.title: sorted(p.references) for p in read_papers(any_store, _ids(any_store)).values()}
    assert refs[citing["title"]] == ["doi:10.5555/ln.2", "doi:10.5555/qvb.1"]
    assert refs[other["title"]] == ["doi:10.5555/qvb.1"]


def test_two_records_that_are_one_stored_paper_only_through_it_are_both_kept(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """One later record has the stored paper's DOI, another its arXiv id (they share no
    key with each other), papers enough apart to be merged in different batches: the
    stored paper takes what both add, as at once."""
    holo = {"title": "Holoquill Nets", "doi": "10.5555/holo", "arxiv_id": "2101.00077",
            "year": 2021, "authors": ["Ann Holoway"], "abstract": "On Transformer."}
    first = _jsonl(tmp_path, "a.jsonl", holo)
    between = [{"title": f"Filler Study Number {n}", "year": 2020} for n in range(BATCH + 10)]
    later = _jsonl(tmp_path, "b.jsonl",
                   {"title": "Holoquill Nets (journal version)", "doi": "10.5555/holo",
                    "year": 2021, "venue": "Journal of Holoquills"},
                   *between,
                   {"title": "Holoquill Nets: preprint", "arxiv_id": "2101.00077",
                    "year": 2021, "keywords": ["holography"]})
    result = assert_same_as_at_once(any_store, tmp_path, new_extractor, first, later,
                                    authors=1)
    # the summary counts them as one paper of the input, already present
    assert (result.records, result.papers, result.merged_duplicates) == (
        len(between) + 2, len(between) + 1, 1)
    assert result.new_papers == len(between)
    paper = read_papers(any_store, ["doi:10.5555/holo"])["doi:10.5555/holo"]
    assert (paper.venue, paper.keywords) == ("Journal of Holoquills", ["holography"])


def test_stored_name_only_authors_take_a_strong_id_that_arrives_later(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """Papers stored with a name alone (a Daily Papers page); a later paper brings that
    person's ORCID and another's source id: one person each, their stored papers included,
    as at once."""
    first = _jsonl(tmp_path, "a.jsonl",
                   {"title": "Quillon Scaling Laws", "year": 2020, "abstract": "On Transformer.",
                    "authors": ["Ada Quillon", "Bo Tessaly"]},
                   {"title": "Lantern Pretraining", "year": 2021, "abstract": "On ImageNet.",
                    "authors": ["Bo Tessaly"]})
    later = _jsonl(tmp_path, "b.jsonl", {
        "title": "Federated Lanterns", "year": 2022, "abstract": "On LoRA.",
        "authors": [{"name": "Ada Quillon", "orcid": "0000-0002-1825-0097"},
                    {"name": "Bo Tessaly", "id": "openalex:A777"}]})
    assert_same_as_at_once(any_store, tmp_path, new_extractor, first, later, authors=2)
    ids = {i for p in read_papers(any_store, _ids(any_store)).values() for i in
           (a.id for a in p.authors)}
    assert ids == {"orcid:0000-0002-1825-0097", "openalex:A777"}


def test_a_record_linking_two_stored_papers_joins_them(
    any_store: GraphStore, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """A preprint stored by its arXiv id and its journal version stored by its DOI (titles
    too different to match) are one paper once a record carrying both ids arrives, as at
    once: the DOI paper takes the preprint's authors, abstract and mentions, citations of
    the preprint link to it, and no paper or author is left behind."""
    preprint = {"title": "Quillon Graphs: a Preprint", "arxiv_id": "2201.00555",
                "year": 2022, "authors": ["Ada Quillon", "Bram Tessel"],
                "abstract": "We propose Quillon Graphs, evaluated on ImageNet with LoRA."}
    citing = {"title": "Lantern Nets Revisited", "year": 2023, "abstract": "On Mamba.",
              "references": ["arxiv:2201.00555"]}
    journal = {"title": "Sparse Quillon Graph Networks", "doi": "10.5555/qg.7", "year": 2023,
               "authors": ["Ada Quillon"], "venue": "Journal of Quillons"}
    linking = {"title": "Sparse Quillon graph networks (extended)", "doi": "10.5555/qg.7",
               "arxiv_id": "2201.00555", "year": 2023, "keywords": ["graphs"]}
    first = _jsonl(tmp_path, "a.jsonl", preprint, citing)
    second = _jsonl(tmp_path, "b.jsonl", journal)
    third = _jsonl(tmp_path, "c.jsonl", linking)
    result = assert_same_as_at_once(any_store, tmp_path, new_extractor, first, second, third,
                                    authors=2)
    assert any_store.counts()["papers"] == 2
    assert (result.papers, result.new_papers, result.merged_duplicates) == (1, 0, 1)
    papers = read_papers(any_store, _ids(any_store))
    joined = papers["doi:10.5555/qg.7"]
    assert (joined.arxiv_id, joined.venue, joined.keywords) == (
        "2201.00555", "Journal of Quillons", ["graphs"])
    (cites,) = [p.references for p in papers.values() if p.title == citing["title"]]
    assert cites == ["doi:10.5555/qg.7"]
