"""Deterministic synthetic corpus for benchmarks: N papers in any ingest format.

Each paper names a coined concept ("We propose FooNet") and a handful of concepts drawn from
the shipped vocabulary with a long-tailed (Zipf) distribution, some of them several times,
among filler sentences; authors come from a Zipf-distributed pool so that prolific authors
exist. Abstract length, concepts per paper and repeats are calibrated on the Daily Papers
seed pages as the extractor reads them (constants below; `--concepts` makes a denser corpus).

    python benchmarks/synthetic.py 100000 -o /tmp/synth.jsonl --format jsonl --seed 7
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape

from kg.resources import shipped

VOCAB = shipped("kg.extract", "data", "vocabulary.csv")

FIRST = (
    "Ada Alan Bo Chen Dana Eva Farid Grace Hiro Ines Jun Kai Lena Mei Nadia Omar Priya "
    "Quinn Ravi Sara Tomas Uma Viktor Wei Xin Yara Zoe Lukas Amir Sofia Jonas Noor".split()
)
LAST = (
    "Smith Wang Li Zhang Garcia Müller Kowalski Tanaka Kim Nguyen Rossi Silva Novak "
    "Cohen Ivanov Okafor Singh Haddad Berg Dubois Larsen Costa Sato Park Yilmaz Fischer".split()
)
FILLER = [
    "Recent progress has been driven by scaling data and compute",
    "However, existing approaches remain costly at inference time",
    "We analyse the trade-off between accuracy and efficiency in detail",
    "Extensive experiments show consistent improvements over strong baselines",
    "Our analysis reveals when and why the improvements occur",
    "The code and trained weights are publicly available",
    "We further study robustness under distribution shift",
    "Ablations confirm the contribution of each component",
]
# one-concept sentences by concept type (the type decides the cue words around the name)
USES = {
    "architecture": [
        "We build on {x}",
        "Compared with {x}, our approach reduces memory by a large margin",
        "The encoder follows {x}",
        "Unlike {x}, the model needs no extra supervision",
    ],
    "method": [
        "Training uses {x}",
        "We combine our model with {x} to improve sample efficiency",
        "We further apply {x} at no extra cost",
    ],
    "benchmark": [
        "We report results on {x}",
        "We evaluate on {x}",
        "On {x} the gains are largest",
    ],
}
TYPE_WEIGHTS = {"architecture": 0.35, "method": 0.35, "benchmark": 0.30}
# Calibration (benchmarks/RESULTS.md): on the Daily Papers seed pages the extractor finds
# 6.5 distinct concepts per paper (deciles 3-11), one of them coined, each named ~2.4 times;
# abstracts have ~220 words (deciles 193-257)
VOCABULARY_CONCEPTS = 5.6  # mean distinct vocabulary concepts per paper
REPEATS = 2.2  # mean times a concept is named in its paper
ABSTRACT_WORDS = (212, 25)  # mean, standard deviation (the first sentence not counted)
COINED_SUFFIX = ["Former", "Net", "Bench", "GPT", "Diff", "Mixer", "Flow"]
COINED_PREFIX = ["Astra", "Brisk", "Cedar", "Delta", "Ember", "Fjord", "Gale", "Helix", "Iris"]


def load_concepts() -> dict[str, list[str]]:
    by_type: dict[str, list[str]] = {"architecture": [], "benchmark": [], "method": []}
    with VOCAB.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["type"] in by_type:
                by_type[row["type"]].append(row["name"])
    return by_type


class Zipf:
    """Draw items with probability proportional to 1/rank**s (long tail)."""

    def __init__(self, items: list[str], rng: random.Random, s: float = 1.1) -> None:
        self.items, self.rng = items, rng
        self.cum = list(accumulate(1 / (rank**s) for rank in range(1, len(items) + 1)))

    def __call__(self) -> str:
        return self.rng.choices(self.items, cum_weights=self.cum)[0]


def papers(
    n: int, seed: int = 7, concepts: float = VOCABULARY_CONCEPTS, first: int = 0
) -> Iterator[dict]:
    """n paper records; ``concepts``: the mean number of distinct vocabulary concepts per
    paper (real pages: 5.6, plus one coined name; raise it for a denser stress corpus);
    ``first``: the index of the first paper (papers of other indexes have other ids: a
    corpus with ``first=100000`` adds new papers to one of 100k)."""
    rng = random.Random(seed)
    vocabulary = load_concepts()
    draw = {kind: Zipf(rng.sample(names, len(names)), rng) for kind, names in vocabulary.items()}
    kinds, weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i}" for i in range(max(50, n // 3))]
    author = Zipf(people, rng, s=0.9)
    for i in range(first, first + n):
        coined = f"{rng.choice(COINED_PREFIX)}{rng.choice(COINED_SUFFIX)}-{i % 997}"
        # gamma-distributed count: most papers name a handful of concepts, a few many
        wanted = max(1, round(rng.gammavariate(4.0, concepts / 4.0)))
        chosen: dict[str, str] = {}
        for _ in range(wanted * 4):  # Zipf draws repeat popular names: draw until enough
            if len(chosen) == wanted:
                break
            kind = rng.choices(kinds, weights)[0]
            chosen.setdefault(draw[kind](), kind)
        named = list(chosen.items())
        title_concept = named[0][0]
        uses = [
            rng.choice(USES[kind]).format(x=name)
            for name, kind in named
            for _ in range(1 + _geometric(rng, REPEATS - 1))
        ]
        rng.shuffle(uses)
        length = max(80, round(rng.gauss(*ABSTRACT_WORDS)))
        words = sum(len(sentence.split()) for sentence in uses)
        while words < length:  # filler sentences spread among the uses
            filler = rng.choice(FILLER)
            uses.insert(rng.randint(0, len(uses)), filler)
            words += len(filler.split())
        sentences = [f"We propose {coined}, a new architecture for efficient learning", *uses]
        year = rng.randint(2015, 2025)
        names = list(dict.fromkeys(author() for _ in range(rng.randint(1, 9))))
        yield {
            "title": f"{coined}: {title_concept} at scale ({i})",
            "abstract": ". ".join(sentences) + ".",
            "authors": names,
            "year": year,
            "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "arxiv_id": f"{year % 100:02d}{rng.randint(1, 12):02d}.{i:05d}",
        }


def _geometric(rng: random.Random, mean: float) -> int:
    """A count >= 0 with the given mean (geometric: repeats thin out quickly)."""
    if mean <= 0:
        return 0
    stop = 1 / (1 + mean)
    count = 0
    while rng.random() > stop:
        count += 1
    return count


FORMATS = ["jsonl", "csv", "daily-papers", "bibtex", "arxiv", "openalex", "semantic-scholar"]


def write(records: Iterator[dict], fmt: str, out: TextIO) -> None:
    if fmt == "jsonl":
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, ["title", "abstract", "authors", "year", "date", "arxiv_id"])
        writer.writeheader()
        for rec in records:
            writer.writerow({**rec, "authors": "; ".join(rec["authors"])})
    elif fmt == "daily-papers":
        out.write("Daily Papers\n\nby the synthetic community\n\n")
        for rec in records:
            y, m, d = rec["date"].split("-")
            month = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[int(m) - 1]
            out.write(
                f"{rec['title']}\n\n{rec['abstract']}\n\n  • {len(rec['authors'])} authors"
                f"\n·\n{month} {int(d)}, {y} 3\n\n"
            )
    elif fmt == "bibtex":
        for i, rec in enumerate(records):
            out.write(
                f"@article{{synth{i},\n  title = {{{rec['title']}}},\n"
                f"  author = {{{' and '.join(rec['authors'])}}},\n  year = {{{rec['year']}}},\n"
                f"  eprint = {{{rec['arxiv_id']}}},\n  archivePrefix = {{arXiv}},\n"
                f"  abstract = {{{rec['abstract']}}}\n}}\n\n"
            )
    elif fmt == "arxiv":
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<feed xmlns="http://www.w3.org/2005/Atom">\n')
        for rec in records:
            names = "".join(f"<author><name>{escape(a)}</name></author>" for a in rec["authors"])
            out.write(
                f"<entry><id>http://arxiv.org/abs/{rec['arxiv_id']}v1</id>"
                f"<published>{rec['date']}T00:00:00Z</published>"
                f"<title>{escape(rec['title'])}</title>"
                f"<summary>{escape(rec['abstract'])}</summary>{names}</entry>\n"
            )
        out.write("</feed>\n")
    elif fmt == "openalex":  # JSON Lines of works, abstracts as inverted indexes
        for i, rec in enumerate(records):
            index: dict[str, list[int]] = {}
            for position, word in enumerate(rec["abstract"].split()):
                index.setdefault(word, []).append(position)
            work = {
                "id": f"https://openalex.org/W{9_000_000_000 + i}",
                "title": rec["title"],
                "publication_year": rec["year"],
                "publication_date": rec["date"],
                "primary_location": {
                    "landing_page_url": f"https://arxiv.org/abs/{rec['arxiv_id']}",
                    "source": {"display_name": "arXiv (Cornell University)",
                               "type": "repository"},
                },
                "authorships": [{"author": {"display_name": a}} for a in rec["authors"]],
                "abstract_inverted_index": index,
            }
            out.write(json.dumps(work, ensure_ascii=False) + "\n")
    elif fmt == "semantic-scholar":  # JSON Lines of Graph API papers
        for i, rec in enumerate(records):
            paper = {
                "paperId": f"{i:040x}",
                "externalIds": {"ArXiv": rec["arxiv_id"]},
                "title": rec["title"],
                "abstract": rec["abstract"],
                "year": rec["year"],
                "publicationDate": rec["date"],
                "authors": [{"name": a} for a in rec["authors"]],
            }
            out.write(json.dumps(paper, ensure_ascii=False) + "\n")
    else:
        raise SystemExit(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of papers")
    parser.add_argument("-o", "--output", type=Path, help="output file (default stdout)")
    parser.add_argument(
        "--format", default="jsonl", choices=FORMATS,
        help="any format kg reads (openalex and semantic-scholar as JSON Lines)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--concepts", type=float, default=VOCABULARY_CONCEPTS,
        help="mean distinct vocabulary concepts per paper (default: as on real pages)",
    )
    args = parser.parse_args()
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        write(papers(args.n, args.seed, args.concepts), args.format, out)
    except BrokenPipeError:  # piped into `head`: stop quietly (Python's documented recipe)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    finally:
        if args.output:
            out.close()


if __name__ == "__main__":
    main()
