"""Time every page of the app on a big store, as a researcher opens it from a link: the
landing search page, a search, the most mentioned concept's Concept and Graph pages, one of
its papers and that paper's first author (Streamlit's AppTest runs the app's script as the
server does: every store read and the page's elements, not the browser's drawing). The
first run of each page is a cold one (a new session, the store's caches empty); the median
of the following runs is what a click costs. Target: 1 s for a page.

    python benchmarks/bench_app_pages.py --store DIR_OR_URI    # e.g. a 100k `kg build` store
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from common import ROOT, print_environment, print_table
from streamlit.testing.v1 import AppTest

from kg.details import authorships
from kg.queries import run_named
from kg.stores import open_store

TARGET_SECONDS = 1.0
MAIN = str(ROOT / "app" / "main.py")


def starting_points(uri: str) -> list[tuple[str, dict[str, str]]]:
    """(page label, query parameters) for the pages measured, from the store's top concept."""
    store = open_store(uri, "read")
    try:
        concept = str(run_named(store, "top-concepts", {"limit": 1}).records()[0]["concept"])
        rows = run_named(store, "papers-by-concept", {"concept": concept, "limit": 1}).records()
        paper = str(rows[0]["paper"])
        author = str(authorships(store, [paper])[0]["author"])
    finally:
        store.close()
    return [
        ("landing", {}),
        ("search 'trans'", {"view": "Search", "q": "trans"}),
        (f"concept {concept}", {"view": "Concept", "id": concept}),
        (f"graph {concept}", {"view": "Graph", "id": concept}),
        (f"paper {paper}", {"view": "Paper", "id": paper}),
        (f"author {author}", {"view": "Author", "id": author}),
    ]


def page_seconds(params: dict[str, str]) -> float:
    """One run of the app opened with ``params`` in its URL; fails on any error shown."""
    at = AppTest.from_file(MAIN, default_timeout=600)
    for name, value in params.items():
        at.query_params[name] = value
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    problems = [e.value for e in (*at.exception, *at.error)]
    if problems:
        raise SystemExit(f"the page {params} shows errors: {problems}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="store directory or URI")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per page")
    args = parser.parse_args()
    os.environ["PAPER_KG_STORE"] = args.store
    os.environ["PAPER_KG_ALLOW_WRITE"] = "0"
    print_environment()
    rows = []
    for label, params in starting_points(args.store):
        cold = page_seconds(params)
        warm = statistics.median(page_seconds(params) for _ in range(args.repeat))
        verdict = "ok" if warm < TARGET_SECONDS else "MISSED"
        rows.append((label, cold, warm, TARGET_SECONDS, verdict))
    print_table(f"app page seconds, {args.store}; target: warm median below",
                ("page", "cold", "warm median", "target", ""), rows)


if __name__ == "__main__":
    main()
