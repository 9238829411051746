"""Rows/s into a Bolt server (ArcadeDB from tests/servers.py): batched UNWIND vs one query per row.

    python benchmarks/bench_bolt.py               # 300 papers
    python benchmarks/bench_bolt.py 1000 10000    # the naive baseline is capped (--naive-max)

A row is one node or relationship a paper brings: the paper, each AUTHORED_BY and each
MENTIONS (with its author / concept node merged). Ours is Neo4jStore.write_papers (batched
``UNWIND $rows … MERGE`` in transactions); the baseline sends one auto-commit MERGE statement
per row, as a naive loader would. Set NEO4J_URI/NEO4J_PASSWORD to use a real Neo4j instead.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import common

NAIVE_PAPER = "MERGE (p:Paper {id: $id}) SET p.title = $title, p.year = $year"
NAIVE_AUTHOR = (
    "MATCH (p:Paper {id: $paper}) MERGE (a:Author {id: $id}) SET a.name = $name "
    "MERGE (p)-[:AUTHORED_BY {position: $position}]->(a)"
)
NAIVE_MENTION = (
    "MATCH (p:Paper {id: $paper}) MERGE (c:Concept {id: $id}) SET c.name = $name "
    "CREATE (p)-[:MENTIONS {role: $role, confidence: $confidence}]->(c)"
)


def rows_of(graphs: list) -> int:
    return sum(1 + len(g.paper.authors) + len(g.concepts) for g in graphs)


def naive_load(driver, database: str, graphs: list) -> None:
    with driver.session(database=database) as session:
        for graph in graphs:
            paper = graph.paper
            session.run(NAIVE_PAPER, id=paper.id, title=paper.title, year=paper.year).consume()
            for position, author in enumerate(paper.authors, start=1):
                session.run(NAIVE_AUTHOR, paper=paper.id, id=author.id, name=author.name,
                            position=position).consume()
            for link in graph.concepts:
                session.run(NAIVE_MENTION, paper=paper.id, id=link.id, name=link.name,
                            role="proposed" if link.proposed else "used",
                            confidence=link.confidence).consume()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[300])
    parser.add_argument("--naive-max", type=int, default=2000,
                        help="papers for the one-query-per-row baseline at most (it is slow)")
    args = parser.parse_args()
    import sys

    sys.path.insert(0, str(common.ROOT))
    from kg.stores import open_store
    from tests.servers import external_bolt_server_from_env, start_bolt_server

    common.print_environment()
    server = external_bolt_server_from_env() or start_bolt_server(
        Path(tempfile.mkdtemp(prefix="bench-bolt-"))
    )
    os.environ["NEO4J_USERNAME"], os.environ["NEO4J_PASSWORD"] = server.auth
    rows = []
    try:
        store = open_store(f"{server.uri}?database={server.database}")
        driver = server.driver()
        for n in args.sizes:
            common.synthetic_file(n)
            graphs = common.fake_graphs(list(common.synthetic_papers(n)))
            store.clear()  # type: ignore[attr-defined]
            with common.timer() as ours:
                for start in range(0, len(graphs), 500):
                    store.write_papers(graphs[start : start + 500])
            ours_rate = rows_of(graphs) / ours[0]
            counts = store.counts()
            store.clear()  # type: ignore[attr-defined]
            sample = graphs[: args.naive_max]
            with common.timer() as naive:
                naive_load(driver, server.database, sample)
            naive_rate = rows_of(sample) / naive[0]
            rows.append([n, rows_of(graphs), ours_rate, len(sample), naive_rate,
                         ours_rate / naive_rate, counts["papers"]])
            common.print_table(
                f"rows/s into {server.kind} over Bolt: batched UNWIND vs one query per row",
                ["papers", "rows", "UNWIND rows/s", "naive papers", "naive rows/s", "x",
                 "papers stored"],
                rows,
            )
        driver.close()
        store.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
