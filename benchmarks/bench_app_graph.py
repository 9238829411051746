"""Time the app's Graph page work for the most connected concept of a synthetic store:
the store's selection (kg.selection.ego_graph) and the app's reads for it (node paper
counts, co-occurrences for the clusters: kg.app.reads), filtering/budget/clusters
(kg.app.graph_view.build_view) and the pyvis HTML (render_html). Target: < 1 s for the
graph data. ``--browser`` also opens the page in headless Chromium and times the render
until the first view is final (layout settled, fitted to the top nodes).

    python benchmarks/bench_app_graph.py                      # 100k papers, ./benchmarks/out
    python benchmarks/bench_app_graph.py --papers 5000 --store benchmarks/out/app-5k

A missing store is built first: by default straight through the store API with concept
links found by exact vocabulary matches (fast, what the graph looks like is what matters
here); ``--kg-build`` uses `kg build` on benchmarks/synthetic.py output instead (the real
pipeline, much slower at this size).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from kg.app import reads  # noqa: E402
from kg.app.graph_view import build_view, render_html  # noqa: E402
from kg.model import Author, ConceptInfo, ConceptLink, Mention, Paper  # noqa: E402
from kg.queries import run_named  # noqa: E402
from kg.selection import ego_graph  # noqa: E402
from kg.stores import PaperGraph, open_store  # noqa: E402

TARGET_SECONDS = 1.0


def vocabulary() -> dict[str, tuple[str, str]]:
    """Concept name -> (id, type) from the shipped vocabulary (what synthetic.py draws)."""
    import synthetic

    out: dict[str, tuple[str, str]] = {}
    with synthetic.VOCAB.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            slug = row.get("id") or re.sub(r"[^a-z0-9]+", "-", row["name"].lower()).strip("-")
            out[row["name"]] = (
                slug if slug.startswith("concept:") else f"concept:{slug}",
                row["type"],
            )
    return out


def direct_build(uri: str, n: int, batch: int = 2000) -> None:
    """Write ``n`` synthetic papers with exact-match concept links through the store API."""
    import synthetic

    vocab = vocabulary()
    names = sorted(vocab, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)")
    store = open_store(uri)
    try:
        store.write_concepts(ConceptInfo(cid, name, kind) for name, (cid, kind) in vocab.items())
        pending: list[PaperGraph] = []
        for i, rec in enumerate(synthetic.papers(n), start=1):
            paper = Paper(
                rec["title"], rec["abstract"], [Author(a) for a in rec["authors"]],
                year=rec["year"], date=rec["date"], arxiv_id=rec["arxiv_id"],
            )  # fmt: skip
            links: dict[str, ConceptLink] = {}
            for match in pattern.finditer(paper.abstract):
                cid, kind = vocab[match.group(1)]
                mention = Mention(match.group(1), "abstract", match.start(), match.end(), "")
                links.setdefault(
                    cid, ConceptLink(cid, match.group(1), kind, False, 0.9, [])
                ).mentions.append(mention)
            pending.append(PaperGraph(paper, list(links.values())))
            if len(pending) >= batch:
                store.write_papers(pending)
                pending = []
                print(f"  {i:,} papers written", file=sys.stderr)
        if pending:
            store.write_papers(pending)
        store.refresh_derived()
    finally:
        store.close()


def kg_build(uri: str, n: int, workdir: Path) -> None:
    data = workdir / f"synthetic-{n}.jsonl"
    if not data.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), str(n), "-o", str(data)],
            check=True,
        )
    kg = [sys.executable, "-c", "from kg.cli import main; main()"]
    subprocess.run([*kg, "build", str(data), "--store", uri], check=True)


def browser_render(page: str, workdir: Path) -> float:
    """Seconds from opening the page in headless Chromium until its first view is final
    (window.paperKgReady: layout settled, fitted to the top nodes with readable labels)."""
    from playwright.sync_api import sync_playwright

    html = workdir.resolve() / "bench-app-graph.html"
    html.write_text(page, "utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            tab.goto(html.as_uri())
            tab.wait_for_function("() => window.paperKgReady === true", timeout=300_000)
            return time.perf_counter() - started
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--store", default=None,
                        help="store directory or URI (a missing Oxigraph store is built)")
    parser.add_argument("--kg-build", action="store_true", help="build with `kg build`")
    parser.add_argument("--hops", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="time the render in Chromium")
    args = parser.parse_args()
    uri = args.store or f"oxigraph:{ROOT / 'benchmarks' / 'out' / f'app-{args.papers}'}"
    if ":" not in uri.split("/", 1)[0]:  # a plain path: Oxigraph
        uri = f"oxigraph:{uri}"
    local = uri.startswith("oxigraph:")
    path = Path(uri.removeprefix("oxigraph:")) if local else ROOT / "benchmarks" / "out" / "app"
    if local and not path.exists():
        print(f"building {args.papers:,} synthetic papers into {path} …", file=sys.stderr)
        started = time.perf_counter()
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.kg_build:
            kg_build(uri, args.papers, path.parent)
        else:
            direct_build(uri, args.papers)
        print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    store = open_store(uri, "read")  # measured as the app opens it
    try:
        counts = store.counts()
        top = run_named(store, "top-concepts", {"limit": 1}).records()[0]
        timings: dict[str, list[float]] = {"query": [], "reads": [], "view": [], "data": [],
                                           "html": []}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            g = ego_graph(store, top["concept"], hops=args.hops, limit=300)
            t1 = time.perf_counter()
            papers = reads.node_papers(store, list(g))
            concepts = [n for n, kind in g.nodes(data="kind") if kind == "concept"]
            pairs = reads.cooccurrences(store, concepts)
            t2 = time.perf_counter()
            view = build_view(g, top["concept"], papers=papers, cooccurs=pairs)
            t3 = time.perf_counter()
            page = render_html(view)
            t4 = time.perf_counter()
            for key, value in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t3 - t0, t4 - t3),
                                  strict=True):
                timings[key].append(value)
    finally:
        store.close()
    median = {key: statistics.median(values) for key, values in timings.items()}
    report = {
        "papers": counts.get("papers"),
        "concept": top["concept"],
        "concept_papers": top["papers"],
        "nodes": view.graph.number_of_nodes(),
        "edges": view.graph.number_of_edges(),
        "omitted_edges": view.omitted_edges,
        "clusters": len(set(view.clusters.values())),
        "seconds": {key: round(value, 3) for key, value in median.items()},
        "target_seconds": TARGET_SECONDS,
        "ok": median["data"] < TARGET_SECONDS,
    }
    if args.browser:
        report["browser_render_seconds"] = round(browser_render(page, path.parent), 2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
