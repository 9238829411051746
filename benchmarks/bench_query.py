"""Median / p95 latency of the app's heavy named queries at growing corpus sizes.

    python benchmarks/bench_query.py              # 1000 papers
    python benchmarks/bench_query.py 1000 10000 100000
    python benchmarks/bench_query.py --store DIR  # an existing store, e.g. from `kg build`

Each size is an embedded Oxigraph store loaded from `export_bulk`-style N-Triples of the
synthetic corpus (Zipf concept links made without spaCy; CO_OCCURS counted by the bulk
writer, the same triples `kg build` makes). Queries: ego-network of a paper and of the most
used concept (hops 1, limit 300), top-cooccurring top 20, concept-trend of the top concept
(its own papers, read from stored figures; and with its narrower concepts, counted).
Baseline: the same queries on kg's rdflib in-memory store, for sizes up to --baseline-max.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from common import (
    fake_graphs,
    latencies,
    print_environment,
    print_table,
    synthetic_file,
    synthetic_papers,
)

TARGET_MS = 100.0


def build_store(n: int, work: Path):
    """(Oxigraph store, N-Triples path, a paper id) for n synthetic papers."""
    import pyoxigraph as ox

    from kg.bulk import RdfBulkWriter
    from kg.extract.vocabulary import load_vocabulary
    from kg.stores import open_store

    synthetic_file(n)
    graphs = fake_graphs(list(synthetic_papers(n)))
    writer = RdfBulkWriter(work / "nt", cooccurrence=True)
    writer.write_concepts(entry.info() for entry in load_vocabulary([]))
    for start in range(0, len(graphs), 5000):
        writer.write_papers(graphs[start : start + 5000])
    writer.finish()
    store = open_store(f"oxigraph:{work / 'store'}")
    store.store.bulk_load(path=str(writer.path), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[attr-defined]
    return store, writer.path, graphs[len(graphs) // 2].paper.id


def measure(
    store, paper_id: str | None, repeat: int, warm_up: bool = True
) -> dict[str, tuple[float, float]]:
    top = store.named("top-concepts", {"limit": 1}).rows[0][0]
    if paper_id is None:  # any paper of the top concept
        paper_id = store.named("papers-by-concept", {"concept": top, "limit": 1}).rows[0][0]
    calls = {
        "top-concepts 20": ("top-concepts", {"limit": 20}),
        "ego-network (paper)": ("ego-network", {"node": paper_id, "hops": 1, "limit": 300}),
        "ego-network (top concept)": ("ego-network", {"node": top, "hops": 1, "limit": 300}),
        "top-cooccurring 20": ("top-cooccurring", {"limit": 20}),
        "concept-trend (top concept)": ("concept-trend", {"concept": top, "narrower": False}),
        "concept-trend (+ narrower)": ("concept-trend", {"concept": top}),
    }
    return {
        label: latencies(lambda q=name, p=params: store.named(q, p), repeat, warm_up)
        for label, (name, params) in calls.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-max", type=int, default=1000,
                        help="largest size also measured on the rdflib store (slow)")
    parser.add_argument("--store", help="measure this existing Oxigraph store directory only")
    args = parser.parse_args()
    from kg.stores import open_store

    print_environment()
    if args.store:
        store = open_store(f"oxigraph:{args.store}")
        papers = store.counts()["papers"]
        rows = [[papers, label, median, p95, "ok" if median < TARGET_MS else "MISSED"]
                for label, (median, p95) in measure(store, None, args.repeat).items()]
        print_table(f"query latency ms, {args.store} (embedded Oxigraph); target median < 100 ms",
                    ["papers", "query", "median", "p95", "target"], rows)
        return
    rows, first = [], {}
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="bench-query-"))
        try:
            store, nt, paper_id = build_store(n, work)
            ours = measure(store, paper_id, args.repeat)
            store.close()
            for label, (median, p95) in ours.items():
                print(f"{n} papers, oxigraph: {label}: median {median:.1f} ms, p95 {p95:.1f} ms",
                      flush=True)
            base: dict[str, tuple[float, float]] = {}
            if n <= args.baseline_max:  # slow: one call per query, no warm-up
                naive = open_store("rdflib:")
                naive.graph.parse(str(nt), format="nt")  # type: ignore[attr-defined]
                base = measure(naive, paper_id, 1, warm_up=False)
            for label, (median, p95) in ours.items():
                first.setdefault(label, (n, median))
                n0, m0 = first[label]
                b = base.get(label, (float("nan"), 0.0))[0]
                rows.append([n, label, median, p95, b, b / median if base else float("nan"),
                             f"{median / m0:.1f}x vs {n0}", "ok" if median < TARGET_MS else
                             "MISSED"])
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print_table(
            "query latency ms (embedded Oxigraph) vs rdflib store; target median < 100 ms",
            ["papers", "query", "median", "p95", "rdflib median", "x", "growth", "target"],
            rows,
        )


if __name__ == "__main__":
    main()
