"""Abstracts per second: the paper-kg pipeline (default, with the trained scorer, and
``--fast``, rules only) vs spaCy's blank tokenizer alone and a naive PhraseMatcher baseline.

All run one process over the same abstracts (synthetic ones from benchmarks/synthetic.py, or
``--input`` files in any format ``kg ingest`` reads) and the same vocabulary, timed in CPU
seconds of this process (robust on a busy machine); the baseline only matches lower-cased
vocabulary names and aliases. Each pipeline first processes ``--warmup`` other abstracts
(a different synthetic seed), untimed, so that every figure is the steady state of a long
build rather than depending on which pipeline filled the shared caches first.
``--jobs`` adds the wall time of ``Extractor.extract`` with that many worker processes
(wall time: it includes start-up and the parent's share, and it depends on how busy the
machine is).

    python benchmarks/bench_extract.py 2000
    python benchmarks/bench_extract.py --input ../shared/seeds
    python benchmarks/bench_extract.py 5000 --jobs 1 2
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spacy
from spacy.matcher import PhraseMatcher

from benchmarks.common import print_table
from benchmarks.synthetic import papers as synthetic_papers
from kg.extract import Extractor, load_vocabulary
from kg.ingest import ingest
from kg.model import Paper


def baseline(texts: list[str], warmup: list[str]) -> float:
    """Seconds for blank spaCy + sentencizer + a LOWER PhraseMatcher over the vocabulary."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for entry in load_vocabulary():
        matcher.add(entry.id, [nlp.make_doc(s) for s in entry.surfaces()])
    for doc in nlp.pipe(warmup, batch_size=256):
        matcher(doc)
    start = time.process_time()
    for doc in nlp.pipe(texts, batch_size=256):
        matcher(doc)
    return time.process_time() - start


def tokenizer(texts: list[str], warmup: list[str]) -> float:
    """Seconds for spaCy's blank English tokenizer alone: the floor of any spaCy pipeline."""
    nlp = spacy.blank("en")
    for text in warmup:
        nlp.make_doc(text)
    start = time.process_time()
    for text in texts:
        nlp.make_doc(text)
    return time.process_time() - start


def ours(papers: list[Paper], warmup: list[Paper], fast: bool = False) -> float:
    """CPU seconds of one process extracting ``papers``."""
    extractor = Extractor(fast=fast)
    for _ in extractor.extract(warmup, batch_size=256):
        pass
    start = time.process_time()
    for _ in extractor.extract(papers, batch_size=256):
        pass
    return time.process_time() - start


def wall(papers: list[Paper], jobs: int) -> float:
    """Wall seconds of extracting ``papers`` with ``jobs`` processes, pool start-up included."""
    extractor = Extractor()
    start = time.perf_counter()
    for _ in extractor.extract(papers, jobs=jobs, batch_size=256):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000, help="number of abstracts")
    parser.add_argument(
        "--input", type=Path, nargs="+", help="papers to use instead of synthetic ones"
    )
    parser.add_argument(
        "--jobs", type=int, nargs="*", default=[], help="also time these worker counts"
    )
    parser.add_argument(
        "--warmup", type=int, default=500, help="untimed abstracts before each timing"
    )
    args = parser.parse_args()
    warm = [Paper(title=r["title"], abstract=r["abstract"])
            for r in synthetic_papers(args.warmup, seed=8)]
    if args.input:
        papers = ingest(args.input).papers
    else:
        papers = [Paper(title=r["title"], abstract=r["abstract"]) for r in synthetic_papers(args.n)]
    n = len(papers)
    texts = [f"{p.title}\n\n{p.abstract}" for p in papers]
    warm_texts = [f"{p.title}\n\n{p.abstract}" for p in warm]
    blank = tokenizer(texts, warm_texts)
    base = baseline(texts, warm_texts)
    mine = ours(papers, warm)
    fast = ours(papers, warm, fast=True)
    rows = [
        ["paper-kg pipeline (default)", "CPU, 1 process", n / mine],
        ["paper-kg pipeline --fast", "CPU, 1 process", n / fast],
        ["blank tokenizer only", "CPU, 1 process", n / blank],
        ["PhraseMatcher baseline", "CPU, 1 process", n / base],
    ]
    rows += [
        ["paper-kg pipeline", f"wall, jobs={jobs}", n / wall(papers, jobs)] for jobs in args.jobs
    ]
    print_table(f"abstracts/s over {n} abstracts", ["pipeline", "timing", "abstracts/s"], rows)
    print(f"ratio (ours / baseline, CPU): {base / mine:.2f}")


if __name__ == "__main__":
    main()
