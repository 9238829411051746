"""Abstracts per second: the paper-kg pipeline (default, with the trained scorer, and
``--fast``, rules only) vs spaCy's blank tokenizer alone and a naive PhraseMatcher baseline.

All run one process over the same abstracts (synthetic ones from benchmarks/synthetic.py, or
``--input`` files in any format ``kg ingest`` reads) and the same vocabulary, timed in CPU
seconds of this process (robust on a busy machine); the baseline only matches lower-cased
vocabulary names and aliases. Each pipeline first processes ``--warmup`` other abstracts
(a different synthetic seed), untimed, so that every figure is the steady state of a long
build rather than depending on which pipeline filled the shared caches first.
``--stages`` adds where the default pipeline's CPU time goes, stage by stage (timers
around the component's steps, a few per abstract, so unlike a profiler they do not inflate
code that makes many small calls). ``--jobs`` adds the wall time of ``Extractor.extract``
with that many worker processes (wall time: it includes start-up and the parent's share,
and it depends on how busy the machine is).

    python benchmarks/bench_extract.py 2000
    python benchmarks/bench_extract.py --input ../shared/seeds
    python benchmarks/bench_extract.py 5000 --jobs 1 2
    python benchmarks/bench_extract.py 2000 --stages
"""

from __future__ import annotations

import argparse
import functools
import inspect
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spacy
from spacy.matcher import PhraseMatcher

import kg.extract.components as components
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


# (label, owner, attribute): the timed steps of the default pipeline; labels starting "- " are
# parts of the step above them.
STAGES: list[tuple[str, Any, str]] = [
    ("tokenizer (make_doc)", None, "make_doc"),
    ("token arrays + sentences", components.ConceptComponent, "_prepare"),
    ("candidates (rules + proposer)", components.ConceptComponent, "_candidates"),
    ("- vocabulary matcher", components.VocabularyMatcher, "find"),
    ("- name tokens and word pieces", components, "tokens_and_pieces"),
    ("- coined-name search", components, "find_candidates"),
    ("- coined concepts", components.ConceptComponent, "_coined"),
    ("- phrase proposer", components.ConceptComponent, "_propose"),
    ("spans to score", components.ConceptComponent, "_scored"),
    ("scorer (features + predict, per batch)", components.ConceptComponent, "_score_many"),
    ("- featurize", components, "featurize_many"),
    ("overlaps", components._Found, "resolve"),
    ("roles", components.ConceptComponent, "_roles"),
    ("mentions", components, "_mentions"),
]


@contextmanager
def timed_stages(extractor: Extractor, seconds: Counter[str]) -> Iterator[None]:
    """Add each stage's CPU seconds to ``seconds`` while the block runs; restore after."""
    saved = []
    for label, owner, name in STAGES:
        owner = owner or extractor.nlp
        raw = inspect.getattr_static(owner, name, None)
        if raw is None:
            continue
        function = raw.__func__ if isinstance(raw, staticmethod) else getattr(owner, name)

        def timer(*args: Any, _f: Any = function, _label: str = label, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return _f(*args, **kwargs)
            finally:
                seconds[_label] += time.process_time() - start

        functools.update_wrapper(timer, function)
        setattr(owner, name, staticmethod(timer) if isinstance(raw, staticmethod) else timer)
        saved.append((owner, name, raw))
    try:
        yield
    finally:
        for owner, name, raw in reversed(saved):
            if owner is extractor.nlp:
                delattr(owner, name)
            else:
                setattr(owner, name, raw)


def stages(papers: list[Paper], warmup: list[Paper]) -> list[list[Any]]:
    """Rows (stage, ms per abstract, share of the total) for the default pipeline."""
    extractor = Extractor()
    for _ in extractor.extract(warmup, batch_size=256):
        pass
    seconds: Counter[str] = Counter()
    with timed_stages(extractor, seconds):
        start = time.process_time()
        for _ in extractor.extract(papers, batch_size=256):
            pass
        total = time.process_time() - start
    rows = [[label, 1e3 * seconds[label] / len(papers), seconds[label] / total]
            for label, _, _ in STAGES if label in seconds]
    return [*rows, ["total (timers included)", 1e3 * total / len(papers), 1.0]]


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
    parser.add_argument(
        "--stages", action="store_true", help="also show the default pipeline's CPU per stage"
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
    if args.stages:
        print_table(
            "default pipeline, CPU per stage", ["stage", "ms per abstract", "share"],
            stages(papers, warm),
        )


if __name__ == "__main__":
    main()
