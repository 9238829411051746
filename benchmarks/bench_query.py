"""Median / p95 latency of the app's heavy named queries at growing corpus sizes.

    python benchmarks/bench_query.py              # 1000 papers
    python benchmarks/bench_query.py 1000 10000 100000
    python benchmarks/bench_query.py --store DIR  # an existing store, e.g. from `kg build`

Each size is an embedded Oxigraph store loaded from `export_bulk`-style N-Triples of the
synthetic corpus (Zipf concept links made without spaCy; CO_OCCURS counted by the bulk
writer, the same triples `kg build` makes), then `kg refresh` for its side index. Queries:
ego-network of a paper and of the most used concept (hops 1, limit 300), top-cooccurring top
20, concept-trend of the top concept (its own papers, read from stored figures; and with its
narrower concepts, counted); search (five texts: a word, a prefix, an accented and a folded
author name, two words: target 20 ms; and the app's 200 matches for a prefix); a concept
page's first 20 papers (papers-by-concept, narrower concepts included) and its counts
(concepts-under) for the top concept, Transformer and a mid-size concept (the 200th by
papers). Baseline: the same queries on kg's rdflib in-memory store, for sizes up to
--baseline-max.
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

from kg.queries import run_named

TARGET_MS = 100.0
TARGETS_MS = {"search": 20.0}  # by the query's first word; else TARGET_MS
SEARCHES = ("transformer", "trans", "Alan Müller", "muller", "vision transformer")


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
    store.sync_side_index(full=True)  # what `kg refresh` does after a bulk load
    return store, writer.path, graphs[len(graphs) // 2].paper.id


def target(label: str) -> float:
    return TARGETS_MS.get(label.split()[0], TARGET_MS)


def measure(
    store, paper_id: str | None, repeat: int, warm_up: bool = True
) -> dict[str, tuple[float, float]]:
    top = run_named(store, "top-concepts", {"limit": 1}).rows[0][0]
    if paper_id is None:  # any paper of the top concept
        paper_id = run_named(store, "papers-by-concept", {"concept": top, "limit": 1}).rows[0][0]
    calls = {
        "top-concepts 20": ("top-concepts", {"limit": 20}),
        "ego-network (paper)": ("ego-network", {"node": paper_id, "hops": 1, "limit": 300}),
        "ego-network (top concept)": ("ego-network", {"node": top, "hops": 1, "limit": 300}),
        "top-cooccurring 20": ("top-cooccurring", {"limit": 20}),
        "concept-trend (top concept)": ("concept-trend", {"concept": top, "narrower": False}),
        "concept-trend (+ narrower)": ("concept-trend", {"concept": top}),
    }
    for text in SEARCHES:
        calls[f"search {text!r}"] = ("search", {"text": text})
    calls["app search page 'trans' (200 matches)"] = ("search", {"text": "trans", "limit": 200})
    mid = run_named(store, "top-concepts", {"limit": 200}).rows[-1][0]
    for name, concept in (("top concept", top), ("Transformer", "concept:transformer"),
                          ("mid-size", mid)):
        below = run_named(store, "concepts-under", {"concept": concept}).rows
        if not below:
            continue
        papers = sum(int(r[3] or 0) for r in below)
        what = f"{name}, {len(below)} concepts, {papers:,} mentions"
        calls[f"page 1 of papers ({what})"] = (
            "papers-by-concept", {"concept": concept, "limit": 20})
        calls[f"counts ({what})"] = ("concepts-under", {"concept": concept})
    return {
        label: latencies(lambda q=name, p=params: run_named(store, q, p), repeat, warm_up)
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
        store = open_store(f"oxigraph:{args.store}", "read")
        if store.usable_side_index() is None:
            print(f"note: {store.side_index_note}: run `kg refresh --store {args.store}`")
        papers = store.counts()["papers"]
        rows = [[papers, label, median, p95, target(label),
                 "ok" if median < target(label) else "MISSED"]
                for label, (median, p95) in measure(store, None, args.repeat).items()]
        print_table(f"query latency ms, {args.store} (embedded Oxigraph); target: median below",
                    ["papers", "query", "median", "p95", "target", ""], rows)
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
                naive.sync_side_index(full=True)
                base = measure(naive, paper_id, 1, warm_up=False)
            for label, (median, p95) in ours.items():
                first.setdefault(label, (n, median))
                n0, m0 = first[label]
                b = base.get(label, (float("nan"), 0.0))[0]
                rows.append([n, label, median, p95, b, b / median if base else float("nan"),
                             f"{median / m0:.1f}x vs {n0}", "ok" if median < target(label)
                             else "MISSED"])
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print_table(
            "query latency ms (embedded Oxigraph) vs rdflib store; target median < 100 ms "
            "(search: 20 ms)",
            ["papers", "query", "median", "p95", "rdflib median", "x", "growth", "target"],
            rows,
        )


if __name__ == "__main__":
    main()
