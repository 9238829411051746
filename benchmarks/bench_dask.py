"""Wall time and peak memory per worker of `kg export-bulk --dask local:W`, and a projection.

    python benchmarks/bench_dask.py                      # 100k papers, 1 and 2 workers
    python benchmarks/bench_dask.py 10000 --workers 2

The synthetic corpus (benchmarks/synthetic.py, calibrated on the seed pages) is cut into 8
JSON Lines part files, as OpenAlex and Semantic Scholar snapshots come, with 5% of the papers
repeated in another part (to be merged). Each run is a fresh cluster (`kg.distributed.cluster.
connect("local:W")`, as the CLI makes it) and one N-Triples export. Peak memory: each worker
process's own maximum RSS (getrusage, asked of the worker at the end) and the driver's.
The projection to 250M papers assumes what is printed with it (see RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path

from common import CACHE, print_environment, print_table, synthetic_file

PARTS = 8
REPEATED = 0.05
TARGET = 250_000_000
# a worker with the pipeline loaded and no data: Python + spaCy + vocabulary ~120 MiB,
# the Dask worker ~60 MiB (measured on this machine)
BASE_MIB = 200.0


def part_files(n: int) -> Path:
    """The corpus of n papers in PARTS files, REPEATED of them again in the next part."""
    directory = CACHE / f"dask-parts-{n}"
    if (directory / "done").exists():
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    lines = synthetic_file(n).read_text("utf-8").splitlines()
    size = -(-len(lines) // PARTS)
    repeat_every = round(1 / REPEATED)
    for part in range(PARTS):
        chosen = lines[part * size : (part + 1) * size]
        before = lines[(part - 1) * size : part * size] if part else []
        chosen += [json.dumps({**json.loads(line), "venue": "repeated"})
                   for line in before[::repeat_every]]
        (directory / f"part-{part:03d}.jsonl").write_text("\n".join(chosen) + "\n", "utf-8")
    (directory / "done").write_text("")
    return directory


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(n: int, workers: int) -> dict:
    """One export of the n-paper parts on a fresh local cluster of ``workers`` processes."""
    from kg.distributed.cluster import connect
    from kg.distributed.job import export_bulk_dask

    out = CACHE / f"dask-out-{n}-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    stages: dict[str, float] = {}
    with connect(f"local:{workers}") as client:
        start = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            if done == total:
                stages[stage] = time.perf_counter() - start

        export = export_bulk_dask(client, [part_files(n)], out, "ntriples", progress=progress)
        seconds = time.perf_counter() - start
        peaks = client.run(_peak_kib)
    return {"seconds": seconds, "stages": stages, "papers": export.result.counts["papers"],
            "records": export.records, "worker_mib": [kib / 1024 for kib in peaks.values()],
            "driver_mib": _peak_kib() / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    print_environment()
    rows = []
    results = {}
    for n in args.sizes:
        part_files(n)  # generation is not measured
        for workers in args.workers:
            result = results[(n, workers)] = run(n, workers)
            stages = " ".join(f"{k} {v:.0f}s" for k, v in result["stages"].items())
            rows.append([n, result["records"], result["papers"], workers,
                         round(result["seconds"], 1), result["papers"] / result["seconds"],
                         round(max(result["worker_mib"])), round(result["driver_mib"]), stages])
            print_table("kg export-bulk --dask local:W (ntriples), fresh cluster per run",
                        ["papers", "records", "written", "workers", "seconds", "papers/s",
                         "peak MiB/worker", "driver MiB", "stages done at"], rows)
    project(results)


def project(results: dict) -> None:
    """250M papers on N workers, from the largest 1-worker run: time scales with papers per
    worker (no shuffle cost beyond what one worker already pays), what a worker holds is a
    fixed base plus the papers it holds (in memory, or spilled to its local disk)."""
    one = [(n, r) for (n, w), r in results.items() if w == 1]
    if not one:
        return
    n, r = max(one)
    rate = r["papers"] / r["seconds"]  # papers/s of one worker, reading to writing
    per_paper = max(r["worker_mib"][0] - BASE_MIB, 0) / n  # MiB held per paper
    rows = []
    for workers in (100, 500, 1000, 2000):
        held = TARGET / workers
        rows.append([workers, TARGET / (rate * workers) / 3600, round(held),
                     (BASE_MIB + per_paper * held) / 1024])
    print_table(f"projection to {TARGET:,} papers ({rate:.0f} papers/s per worker, "
                f"{per_paper * 1024:.1f} KiB held per paper, measured at {n:,})",
                ["workers", "hours", "papers/worker", "GiB held/worker (memory + spill)"], rows)


if __name__ == "__main__":
    main()
