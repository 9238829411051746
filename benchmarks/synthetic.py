"""Deterministic synthetic corpus for benchmarks: N papers in any ingest format.

Abstracts are 120-260 words of filler sentences with concept mentions drawn from the shipped
vocabulary with a long-tailed (Zipf) distribution, plus coined names ("we propose FooNet");
authors come from a Zipf-distributed pool so that prolific authors exist, as in real data.

    python benchmarks/synthetic.py 100000 -o /tmp/synth.jsonl --format jsonl --seed 7
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import TextIO

VOCAB = Path(__file__).resolve().parent.parent / "extract" / "data" / "vocabulary.csv"

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
USES = [
    "We build on {c} and report results on {b}",
    "Compared with {c}, our approach reduces memory by a large margin",
    "We evaluate on {b} and {b2}",
    "The encoder follows {c} while training uses {m}",
    "We combine {m} with {c} to improve sample efficiency",
]
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


def papers(n: int, seed: int = 7) -> Iterator[dict]:
    rng = random.Random(seed)
    concepts = load_concepts()
    draw = {kind: Zipf(rng.sample(names, len(names)), rng) for kind, names in concepts.items()}
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i}" for i in range(max(50, n // 3))]
    author = Zipf(people, rng, s=0.9)
    for i in range(n):
        coined = f"{rng.choice(COINED_PREFIX)}{rng.choice(COINED_SUFFIX)}-{i % 997}"
        sentences = [f"We propose {coined}, a new architecture for efficient learning"]
        while sum(len(s.split()) for s in sentences) < rng.randint(120, 260):
            if rng.random() < 0.55:
                sentences.append(
                    rng.choice(USES).format(
                        c=draw["architecture"](),
                        m=draw["method"](),
                        b=draw["benchmark"](),
                        b2=draw["benchmark"](),
                    )
                )
            else:
                sentences.append(rng.choice(FILLER))
        year = rng.randint(2015, 2025)
        names = list(dict.fromkeys(author() for _ in range(rng.randint(1, 9))))
        yield {
            "title": f"{coined}: {draw['method']()} for {draw['architecture']()} at scale ({i})",
            "abstract": ". ".join(sentences) + ".",
            "authors": names,
            "year": year,
            "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "arxiv_id": f"{year % 100:02d}{rng.randint(1, 12):02d}.{i:05d}",
        }


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
    else:
        raise SystemExit(f"unknown format {fmt!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of papers")
    parser.add_argument("-o", "--output", type=Path, help="output file (default stdout)")
    parser.add_argument(
        "--format", default="jsonl", choices=["jsonl", "csv", "daily-papers", "bibtex"]
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    with out:
        write(papers(args.n, args.seed), args.format, out)


if __name__ == "__main__":
    main()
