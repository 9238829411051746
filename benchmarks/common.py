"""Helpers shared by the benchmark scripts: synthetic inputs, timing, tables, environment."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python benchmarks/x.py` from anywhere
    sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("KG_BENCH_DIR", "/tmp/paper-kg-bench"))

import synthetic  # noqa: E402  (benchmarks/synthetic.py, beside this file; it imports kg)


def synthetic_file(
    n: int, fmt: str = "jsonl", seed: int = 7, concepts: float | None = None, first: int = 0
) -> Path:
    """The synthetic corpus of n papers, generated once into the cache directory;
    ``concepts``: mean vocabulary concepts per paper (None: the generator's calibrated one);
    ``first``: the first paper's index (synthetic.papers)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    concepts = synthetic.VOCABULARY_CONCEPTS if concepts is None else concepts
    start = f"-from{first}" if first else ""
    path = CACHE / f"synthetic-{n}-{seed}-c{concepts:g}{start}.{fmt}"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            synthetic.write(synthetic.papers(n, seed, concepts, first), fmt, out)
        tmp.replace(path)
    return path


def synthetic_papers(n: int, seed: int = 7) -> Iterator[Any]:
    """Paper objects of the synthetic corpus (through the real JSONL reader)."""
    from kg.ingest import iter_records
    from kg.model import Paper

    for record in iter_records([synthetic_file(n, seed=seed)]):
        if isinstance(record, Paper):
            yield record


def fake_graphs(papers: Sequence[Any], seed: int = 7) -> list[Any]:
    """PaperGraphs with Zipf-distributed concept links, without running spaCy (fast)."""
    import random

    from kg.model import ConceptLink, Mention
    from kg.stores import PaperGraph

    rng = random.Random(seed)
    concepts = synthetic.load_concepts()
    draw = {kind: synthetic.Zipf(names, rng) for kind, names in concepts.items()}
    graphs = []
    for paper in papers:
        links: dict[str, ConceptLink] = {}
        for _ in range(rng.randint(3, 12)):
            kind = rng.choice(list(draw))
            name = draw[kind]()
            slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
            links.setdefault(f"concept:{slug}", ConceptLink(
                f"concept:{slug}", name, kind, False, 0.9,
                [Mention(name, "abstract", 0, len(name), f"We use {name}.")],
            ))
        graphs.append(PaperGraph(paper, list(links.values())))
    return graphs


@contextmanager
def timer() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    yield box
    box.append(time.perf_counter() - start)


def latencies(call: Callable[[], Any], repeat: int, warm_up: bool = True) -> tuple[float, float]:
    """(median, p95) in milliseconds over ``repeat`` calls (after one warm-up call)."""
    if warm_up:
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain fixed-width table (copied into RESULTS.md as is)."""
    cells = [[_fmt(v) for v in row] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print(f"\n{title}")
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    sys.stdout.flush()


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def environment() -> dict[str, Any]:
    """Machine facts for RESULTS.md."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    with suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    versions = {}
    for name in ("pyoxigraph", "rdflib", "spacy", "neo4j"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = "-"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        **versions,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def print_environment() -> None:
    print(json.dumps(environment()))
