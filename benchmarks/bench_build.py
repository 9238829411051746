"""Wall time and peak memory of `kg build` into the embedded Oxigraph store, as a subprocess.

    python benchmarks/bench_build.py              # 1000 papers (about a minute)
    python benchmarks/bench_build.py 1000 10000 100000 --jobs 2
    python benchmarks/bench_build.py 100000 --jobs 2 --ratio --add 1000

Each size is a fresh store built from the synthetic JSONL corpus (benchmarks/synthetic.py).
Peak memory is the child's own maximum RSS from os.wait4 (its extraction workers included
once reaped). The baseline column is the target: 100k papers in 5 minutes under 2 GiB.
``--ratio`` dumps the built store to N-Triples, counts its triples per paper by kind of
node, and times bulk-loading that file into an empty Oxigraph store (a child process): the
build's time over that load's is how close the build is to the store's own limit.
``--add K`` then builds K new papers (other ids) into the store, end to end: a week's update.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from common import CACHE, ROOT, print_environment, print_table, synthetic_file

TARGET_SECONDS_100K = 300.0
TARGET_RSS_MIB = 2048.0


TARGET_ADD_SECONDS = 20.0  # adding 1,000 papers to a 100k store (issue 21)
_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES)
store.flush()
"""


def timed_child(cmd: list[str], log: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, exit code) of a child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    with log.open("w") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def run_build(
    n: int, jobs: int, profile: bool = False, concepts: float | None = None,
    first: int = 0, store: Path | None = None,
) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, exit code) of one `kg build` of n synthetic papers: into a
    fresh store, or into ``store`` as it is (papers from index ``first``: new ids)."""
    source = synthetic_file(n, concepts=concepts, first=first)
    if store is None:
        store = CACHE / f"store-build-{n}"
        shutil.rmtree(store, ignore_errors=True)
    code = "from kg.cli import main; main()"
    cmd = [sys.executable, "-c", code, "build", str(source), "--store", f"oxigraph:{store}",
           "--jobs", str(jobs)]
    if profile:
        out = CACHE / f"build-{n}-{first}.prof"
        cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "kg.cli", *cmd[3:]]
    return timed_child(cmd, CACHE / f"build-{n}-{first}.log")


def _kind(subject: str) -> str:
    """The kind of node an N-Triples subject is (evidence: mention/<paper>/<concept>/<i>)."""
    rest = subject.removeprefix("<https://paper-kg.org/id/").removesuffix(">")
    kind, _, tail = rest.partition("/")
    if kind == "mention" and tail.count("/") >= 2:
        return "evidence"
    return "figures" if "/year/" in tail else kind


def dump_and_count(store: Path, papers: int) -> tuple[Path, int]:
    """Dump the store's default graph to N-Triples; print triples per paper by node kind."""
    import pyoxigraph as ox

    path = store.with_suffix(".nt")
    ox.Store.read_only(str(store)).dump(str(path), ox.RdfFormat.N_TRIPLES,
                                        from_graph=ox.DefaultGraph())
    kinds: Counter[str] = Counter()
    with path.open("rb") as lines:
        for line in lines:
            kinds[_kind(line[: line.index(b" ")].decode())] += 1
    total = sum(kinds.values())
    print_table(f"triples per paper by subject ({total:,} triples, {papers:,} papers)",
                ["subject", "triples", "per paper", "share %"],
                [[kind, n, n / papers, 100 * n / total] for kind, n in kinds.most_common()])
    return path, total


def bulk_load_seconds(ntriples: Path) -> float:
    """Seconds to bulk-load the file into an empty on-disk Oxigraph store (a child)."""
    target = ntriples.with_suffix(".loaded")
    shutil.rmtree(target, ignore_errors=True)
    seconds, _, code = timed_child([sys.executable, "-c", _LOAD, str(target), str(ntriples)],
                                   target.with_suffix(".log"))
    shutil.rmtree(target, ignore_errors=True)
    if code:
        raise SystemExit(f"bulk load failed: see {target.with_suffix('.log')}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--jobs", type=int, default=1, help="kg build --jobs")
    parser.add_argument("--profile", action="store_true", help="cProfile into the cache dir")
    parser.add_argument(
        "--concepts", type=float, default=None,
        help="mean vocabulary concepts per paper (default: calibrated on real pages, 5.6; "
        "16.5 gives the denser corpus of the earlier measurements)",
    )
    parser.add_argument("--ratio", action="store_true",
                        help="also time a bulk load of the built store's N-Triples")
    parser.add_argument("--add", type=int, default=0, metavar="K",
                        help="then build K new papers into the built store")
    args = parser.parse_args()
    print_environment()
    rows, times = [], {}
    for n in args.sizes:
        synthetic_file(n, concepts=args.concepts)  # generation is not measured
        seconds, rss, code = run_build(n, args.jobs, args.profile, args.concepts)
        times[n] = seconds
        target = TARGET_SECONDS_100K * n / 100_000
        rows.append([n, round(seconds, 1), n / seconds, round(rss), code, target,
                     seconds / target])
        print_table(
            f"kg build into oxigraph (--jobs {args.jobs}); target = 100k in 300 s, pro rata",
            ["papers", "seconds", "papers/s", "peak RSS MiB", "exit", "target s", "x target"],
            rows,
        )
        store = CACHE / f"store-build-{n}"
        if args.ratio:
            ntriples, total = dump_and_count(store, n)
            load = bulk_load_seconds(ntriples)
            print(f"bulk load of the same {total:,} triples into an empty store: {load:.1f} s;"
                  f" build / load = {seconds / load:.2f}")
            ntriples.unlink()
        if args.add:
            synthetic_file(args.add, concepts=args.concepts, first=n)
            added, rss, code = run_build(args.add, args.jobs, args.profile, args.concepts,
                                         first=n, store=store)
            print(f"adding {args.add:,} papers to the {n:,}-paper store: {added:.1f} s "
                  f"(target {TARGET_ADD_SECONDS * args.add / 1000:.0f} s), peak {rss:.0f} MiB,"
                  f" exit {code}")
    if 10_000 in times and 100_000 in times:
        print(f"\n10k -> 100k time ratio: {times[100_000] / times[10_000]:.1f}x (target <= 12x)")


if __name__ == "__main__":
    main()
