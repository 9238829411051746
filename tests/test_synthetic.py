"""The benchmark corpus (benchmarks/synthetic.py) stays deterministic and stays calibrated:
read by the extractor, its papers name about as many concepts, as often, in abstracts about
as long as the Daily Papers seed pages (the build's cost grows with mentions and pairs)."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from kg.extract import Extractor
from kg.ingest import ingest, iter_records
from kg.model import Paper
from tests.conftest import split_records, synthetic_module

ROOT = Path(__file__).resolve().parent.parent




def _profile(extractor: Extractor, papers: list[Paper]) -> dict[str, float]:
    concepts, named, words = [], [], []
    for paper, found in extractor.extract(papers, jobs=1, batch_size=128):
        concepts.append(len(found.concepts))
        named.append(sum(len(link.mentions) for link in found.concepts))
        words.append(len(paper.abstract.split()))
    return {
        "concepts": statistics.mean(concepts),
        "named": statistics.mean(named),
        "words": statistics.mean(words),
    }


def test_same_seed_same_corpus_other_seed_other_corpus() -> None:
    synthetic = synthetic_module()
    assert list(synthetic.papers(30, seed=3)) == list(synthetic.papers(30, seed=3))
    assert list(synthetic.papers(30, seed=3)) != list(synthetic.papers(30, seed=4))


def test_calibrated_on_the_seed_pages(seeds: list[Path], extractor: Extractor) -> None:
    real = [p for p in ingest(seeds, None, None).papers if p.abstract]
    synthetic = [Paper(title=r["title"], abstract=r["abstract"])
                 for r in synthetic_module().papers(400, seed=5)]
    want, got = _profile(extractor, real), _profile(extractor, synthetic)
    for key in want:
        assert got[key] == pytest.approx(want[key], rel=0.2), (key, got, want)


def test_denser_corpus_on_request(extractor: Extractor) -> None:
    synthetic = synthetic_module()
    dense = [Paper(title=r["title"], abstract=r["abstract"])
             for r in synthetic.papers(100, seed=5, concepts=3 * synthetic.VOCABULARY_CONCEPTS)]
    usual = [Paper(title=r["title"], abstract=r["abstract"]) for r in synthetic.papers(100, seed=5)]
    assert _profile(extractor, dense)["concepts"] > 2 * _profile(extractor, usual)["concepts"]


@pytest.mark.parametrize("fmt", synthetic_module().FORMATS)
def test_every_format_reads_back_as_the_same_papers(tmp_path: Path, fmt: str) -> None:
    synthetic = synthetic_module()
    records = list(synthetic.papers(12, seed=9))
    path = tmp_path / f"corpus.{fmt}"
    with path.open("w", encoding="utf-8") as out:
        synthetic.write(iter(records), fmt, out)
    papers, rejections = split_records(iter_records([path], fmt=fmt))
    assert rejections == []
    for paper, record in zip(papers, records, strict=True):
        assert (paper.title, paper.abstract, paper.year) == (
            record["title"], record["abstract"], record["year"])
        if fmt == "daily-papers":  # the page shows how many authors, not who
            assert paper.n_authors == len(record["authors"])
        else:
            assert [a.name for a in paper.authors] == record["authors"]
            assert paper.arxiv_id == record["arxiv_id"]
