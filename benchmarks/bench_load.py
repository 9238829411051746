"""Triples/s into the embedded Oxigraph store (our writers) vs rdflib's in-memory Graph.add.

    python benchmarks/bench_load.py               # 1000 papers
    python benchmarks/bench_load.py 1000 10000

The same synthetic papers (with Zipf concept links made without spaCy, so only loading is
measured) go four ways: OxigraphStore.write_papers in batches of --batch papers (large
batches take Oxigraph's bulk loader), the same inside ``deferred_writes`` as `kg build` does
(spooled, bulk-loaded by background threads), `export_bulk`'s N-Triples file loaded with
Store.bulk_load, and the naive baseline: every triple of that file added one by one to an
rdflib Graph (parsing excluded from its time).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from common import (
    fake_graphs,
    print_environment,
    print_table,
    synthetic_file,
    synthetic_papers,
    timer,
)


def write_ntriples(graphs: list, out_dir: Path) -> tuple[Path, int]:
    from kg.bulk import RdfBulkWriter

    writer = RdfBulkWriter(out_dir, cooccurrence=False)
    writer.write_papers(graphs)
    writer.finish()
    return writer.path, writer.result.triples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--batch", type=int, default=2000, help="papers per write_papers call")
    args = parser.parse_args()
    import pyoxigraph as ox
    import rdflib

    from kg.stores import open_store

    print_environment()
    rows = []
    for n in args.sizes:
        synthetic_file(n)
        graphs = fake_graphs(list(synthetic_papers(n)))
        work = Path(tempfile.mkdtemp(prefix="bench-load-"))
        try:
            nt, lines = write_ntriples(graphs, work / "nt")
            store = open_store(f"oxigraph:{work / 'store'}")
            with timer() as ours:
                for start in range(0, len(graphs), args.batch):
                    store.write_papers(graphs[start : start + args.batch])
            distinct = len(store.store)  # type: ignore[attr-defined]
            store.close()
            store = open_store(f"oxigraph:{work / 'deferred'}")
            with timer() as deferred, store.deferred_writes():
                for start in range(0, len(graphs), args.batch):
                    store.write_papers(graphs[start : start + args.batch])
            assert len(store.store) == distinct  # type: ignore[attr-defined]
            store.close()
            bulk = ox.Store(str(work / "bulk"))
            with timer() as loaded:
                bulk.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
            assert len(bulk) == distinct, (len(bulk), distinct)
            del bulk
            parsed = list(rdflib.Graph().parse(str(nt), format="nt"))
            graph = rdflib.Graph()
            with timer() as naive:
                for triple in parsed:
                    graph.add(triple)
            assert len(graph) == distinct
            rows.append([
                n, distinct, distinct / ours[0], distinct / deferred[0], distinct / loaded[0],
                distinct / naive[0], naive[0] / ours[0], naive[0] / deferred[0],
                naive[0] / loaded[0],
            ])
            print(f"{n} papers: {lines:,} N-Triples lines, {distinct:,} distinct triples")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print_table(
            "triples/s: Oxigraph write_papers (immediate / deferred as in kg build) / bulk "
            "file load vs rdflib Graph.add (baseline)",
            ["papers", "triples", "write/s", "deferred/s", "bulk_load/s", "rdflib add/s",
             "x (write)", "x (deferred)", "x (bulk)"],
            rows,
        )


if __name__ == "__main__":
    main()
