"""Wall time and peak memory of `kg build` into the embedded Oxigraph store, as a subprocess.

    python benchmarks/bench_build.py              # 1000 papers (about a minute)
    python benchmarks/bench_build.py 1000 10000 100000 --jobs 2

Each size is a fresh store built from the synthetic JSONL corpus (benchmarks/synthetic.py).
Peak memory is the child's own maximum RSS from os.wait4 (its extraction workers included
once reaped). The baseline column is the target: 100k papers in 5 minutes under 2 GiB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

from common import CACHE, ROOT, print_environment, print_table, synthetic_file

TARGET_SECONDS_100K = 300.0
TARGET_RSS_MIB = 2048.0


def run_build(
    n: int, jobs: int, profile: bool = False, concepts: float | None = None
) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, exit code) of one `kg build` of n synthetic papers."""
    source = synthetic_file(n, concepts=concepts)
    store = CACHE / f"store-build-{n}"
    shutil.rmtree(store, ignore_errors=True)
    code = "from kg.cli import main; main()"
    cmd = [sys.executable, "-c", code, "build", str(source), "--store", f"oxigraph:{store}",
           "--jobs", str(jobs)]
    if profile:
        out = CACHE / f"build-{n}.prof"
        cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-c", code, *cmd[3:]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(CACHE / f"build-{n}.log", "w"))  # noqa: SIM115
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode


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
    if 10_000 in times and 100_000 in times:
        print(f"\n10k -> 100k time ratio: {times[100_000] / times[10_000]:.1f}x (target <= 12x)")


if __name__ == "__main__":
    main()
