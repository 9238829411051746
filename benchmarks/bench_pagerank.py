"""PageRank of a selection graph: networkx's (scipy sparse power iteration, what
kg.analytics.rank_nodes calls) against the hand-written pure-Python power iteration it
replaced, on random weighted graphs of the house shape (a MultiDiGraph, ranked over its
undirected weighted view). Prints the machine facts, then per size both times, their ratio
and the largest difference between the two rankings.

    python benchmarks/bench_pagerank.py 300 1000 10000 100000
"""

from __future__ import annotations

import argparse
import random
import time

import networkx as nx
from common import print_environment, print_table

from kg.analytics import rank_nodes


def python_pagerank(g: nx.MultiDiGraph, alpha: float = 0.85, max_iter: int = 100,
                    tol: float = 1e-9) -> dict[str, float]:
    """The pure-Python power iteration kg shipped before (the baseline)."""
    n = g.number_of_nodes()
    out: dict[str, dict[str, float]] = {node: {} for node in g}
    for u, v, data in g.edges(data=True):
        if u != v:
            w = float(data.get("weight", 1) or 1)
            out[u][v] = out[u].get(v, 0.0) + w
            out[v][u] = out[v].get(u, 0.0) + w
    strength = {node: sum(nbrs.values()) for node, nbrs in out.items()}
    rank = dict.fromkeys(g, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(rank[node] for node in g if strength[node] == 0) / n
        new = dict.fromkeys(g, (1.0 - alpha) / n + dangling)
        for node, nbrs in out.items():
            if strength[node]:
                share = alpha * rank[node] / strength[node]
                for nbr, w in nbrs.items():
                    new[nbr] += share * w
        delta = sum(abs(new[node] - rank[node]) for node in g)
        rank = new
        if delta < n * tol:
            break
    return rank


def graph(nodes: int, seed: int = 7) -> nx.MultiDiGraph:
    """Nodes with ~4 weighted edges each (a few parallel, a few isolated nodes)."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    g.add_nodes_from(f"n{i}" for i in range(nodes))
    for _ in range(nodes * 4):
        u, v = f"n{rng.randrange(nodes)}", f"n{int(rng.paretovariate(1.2)) % nodes}"
        g.add_edge(u, v, key=rng.choice(["MENTIONS", "CO_OCCURS"]), weight=rng.randint(1, 9))
    return g


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[300, 1000, 10000, 100000])
    args = parser.parse_args()
    print_environment()
    start = time.perf_counter()
    rank_nodes(graph(10))  # the first call imports scipy: timed apart
    print(f"first call (imports scipy): {time.perf_counter() - start:.2f} s")
    rows = []
    for size in args.sizes:
        g = graph(size)
        start = time.perf_counter()
        ours = rank_nodes(g)
        networkx_s = time.perf_counter() - start
        start = time.perf_counter()
        baseline = python_pagerank(g)
        python_s = time.perf_counter() - start
        diff = max(abs(ours[n] - baseline[n]) for n in g)
        rows.append([size, g.number_of_edges(), f"{networkx_s:.3f}", f"{python_s:.3f}",
                     f"{python_s / networkx_s:.1f}x", f"{diff:.1e}"])
    print_table("PageRank: networkx (scipy) against the pure-Python iteration",
                ["nodes", "edges", "networkx s", "pure Python s", "speed-up", "max |diff|"],
                rows)


if __name__ == "__main__":
    main()
