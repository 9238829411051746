"""Abstracts per second: the paper-kg pipeline vs a naive spaCy PhraseMatcher baseline.

Both run one process over the same synthetic abstracts (benchmarks/synthetic.py) and the same
vocabulary, timed in CPU seconds of this process (robust on a busy machine);
the baseline only matches lower-cased vocabulary names and aliases.

    python benchmarks/bench_extract.py 2000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spacy
from spacy.matcher import PhraseMatcher

from benchmarks.synthetic import papers as synthetic_papers
from extract import Extractor, load_vocabulary
from kg.model import Paper


def baseline(texts: list[str]) -> float:
    """Seconds for blank spaCy + sentencizer + a LOWER PhraseMatcher over the vocabulary."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for entry in load_vocabulary():
        matcher.add(entry.id, [nlp.make_doc(s) for s in entry.surfaces()])
    start = time.process_time()
    for doc in nlp.pipe(texts, batch_size=256):
        matcher(doc)
    return time.process_time() - start


def ours(papers: list[Paper]) -> float:
    extractor = Extractor()
    start = time.process_time()
    for _ in extractor.extract(papers, batch_size=256):
        pass
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000, help="number of abstracts")
    args = parser.parse_args()
    records = list(synthetic_papers(args.n))
    papers = [Paper(title=r["title"], abstract=r["abstract"]) for r in records]
    base = baseline([f"{p.title}\n\n{p.abstract}" for p in papers])
    mine = ours(papers)
    print(f"abstracts: {args.n}")
    print(f"paper-kg pipeline:     {args.n / mine:8.0f} abstracts/s")
    print(f"PhraseMatcher baseline: {args.n / base:8.0f} abstracts/s")
    print(f"ratio (ours / baseline): {base / mine:.2f}")


if __name__ == "__main__":
    main()
