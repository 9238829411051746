"""Instructions per abstract of the extraction pipeline, counted by valgrind's callgrind:
unlike CPU seconds, the count does not depend on what else the machine runs.

The script runs itself twice under ``valgrind --tool=callgrind``: once extracting ``n``
synthetic abstracts (after a warm-up of ``--warmup`` others, as bench_extract.py does) and
once building the same abstracts but extracting none; the difference divided by ``n`` is
the steady-state cost of one abstract without start-up or the making of the abstracts.
Slow (about 50 times slower than a plain run: 500 abstracts take 3-4 minutes); needs
valgrind on the PATH.

    python benchmarks/count_extract.py 500
    python benchmarks/count_extract.py 500 --fast
    python benchmarks/count_extract.py --input ../shared/seeds   # real abstracts instead
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import papers as synthetic_papers
from kg.ingest import iter_records
from kg.model import Paper


def extract(n: int, warmup: int, fast: bool, count: bool, source: str | None) -> None:
    """The measured work: ``warmup`` synthetic abstracts (seed 8), then ``n`` (seed 7, or
    the first ``n`` papers read from ``source``). Both runs build or read the same papers
    (``count`` False: none is extracted), so that making them is not counted."""
    from kg.extract import Extractor

    extractor = Extractor(fast=fast)
    warm = [Paper(title=r["title"], abstract=r["abstract"])
            for r in synthetic_papers(warmup, seed=8)]
    if source is None:
        papers = [Paper(title=r["title"], abstract=r["abstract"])
                  for r in synthetic_papers(n, seed=7)]
    else:
        papers = [p for p in iter_records([Path(source)]) if isinstance(p, Paper)][:n]
    for batch in (warm, papers if count else []):
        for _ in extractor.extract(batch):
            pass


def instructions(n: int, warmup: int, fast: bool, count: bool, source: str | None) -> int:
    """Instructions callgrind counts for one run of ``extract`` in a child process."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, __file__, "--run", str(n), "--warmup", str(warmup)]
    command += (["--fast"] if fast else []) + (["--count"] if count else [])
    command += ["--input", source] if source else []
    done = subprocess.run(command,
                          capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=500, help="number of abstracts")
    parser.add_argument("--warmup", type=int, default=300, help="untimed abstracts first")
    parser.add_argument("--fast", action="store_true", help="count the rules-only pipeline")
    parser.add_argument("--input", help="count the papers read from this file or folder")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)  # the child's own work
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run is not None:
        extract(args.run, args.warmup, args.fast, args.count, args.input)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind not found: install it to count instructions")
    n = args.n
    if args.input:  # the papers the children will read, to divide by
        n = len([p for p in iter_records([Path(args.input)]) if isinstance(p, Paper)][:n])
    with ThreadPoolExecutor(2) as pool:  # the two runs side by side
        full, empty = pool.map(
            lambda count: instructions(n, args.warmup, args.fast, count, args.input),
            [True, False],
        )
    pipeline = "--fast" if args.fast else "default"
    print(f"{pipeline} pipeline: {(full - empty) / n / 1e6:.3f} M instructions per "
          f"abstract ({n} abstracts: {full:,}; none: {empty:,})")


if __name__ == "__main__":
    main()
