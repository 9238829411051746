"""VOSviewer: one JSON file (items = map, links = network) plus the classic tab-separated
map and network files beside it. VOSviewer links are undirected and carry one strength,
which is the weight of one kind of edge, never a sum of kinds: the papers in common for
co-occurring concepts (CO_OCCURS), 1 for an authorship, a mention, a citation or a broader
link; two nodes linked by several kinds take the strongest. One network file per kind
(``-network-<KIND>.txt``) holds that kind's links alone, to open with the same map."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx

from kg.analytics import concept_communities
from kg.export import ExportContext, Exporter, node_label

TERMINOLOGY = {
    "item": "Node",
    "items": "Nodes",
    "link": "Link",
    "links": "Links",
    "link_strength": "Link strength",
    "total_link_strength": "Total link strength",
}


def link_strengths(graph: nx.MultiDiGraph) -> dict[str, dict[tuple[int, int], float]]:
    """Edge kind -> {(item id a, item id b), a < b: strength}, items numbered 1.. in node
    order (VOSviewer links are undirected)."""
    ids = {node: index for index, node in enumerate(graph.nodes, start=1)}
    by_kind: dict[str, dict[tuple[int, int], float]] = {}
    for u, v, rel, data in graph.edges(keys=True, data=True):
        if u == v:
            continue
        a, b = sorted((ids[u], ids[v]))
        kind = by_kind.setdefault(rel, {})
        kind[a, b] = max(kind.get((a, b), 0.0), float(data.get("weight", 1) or 1))
    return by_kind


def vos_network(graph: nx.MultiDiGraph) -> dict:
    """The VOSviewer JSON document (``network.items``, ``network.links``, ``config``)."""
    ids = {node: index for index, node in enumerate(graph.nodes, start=1)}
    strengths: dict[tuple[int, int], float] = {}
    for kind in link_strengths(graph).values():  # the strongest kind of each pair
        for pair, strength in kind.items():
            strengths[pair] = max(strengths.get(pair, 0.0), strength)
    links_of = dict.fromkeys(ids.values(), 0)
    total_of = dict.fromkeys(ids.values(), 0.0)
    for (a, b), strength in strengths.items():
        for end in (a, b):
            links_of[end] += 1
            total_of[end] += strength
    clusters = _clusters(graph)
    items = []
    for node, index in ids.items():
        data = graph.nodes[node]
        item = {
            "id": index,
            "label": node_label(graph, node),
            "description": _description(node, data),
            "cluster": clusters[node],
            "weights": {"Links": links_of[index], "Total link strength": total_of[index]},
        }
        if data.get("url"):
            item["url"] = data["url"]
        if data.get("year"):
            item["scores"] = {"Pub. year": int(data["year"])}
        items.append(item)
    links = [
        {"source_id": a, "target_id": b, "strength": _number(s)}
        for (a, b), s in sorted(strengths.items())
    ]
    return {
        "config": {"terminology": TERMINOLOGY},
        "network": {"items": items, "links": links},
    }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _clusters(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Concept communities as clusters 1..n; papers and authors get one cluster per kind
    after them (VOSviewer wants positive integers, at most 1000)."""
    communities = concept_communities(graph)
    top = min(max(communities.values(), default=-1) + 1, 998)
    extra = {"paper": top + 1, "author": top + 2}
    result = {}
    for node, data in graph.nodes(data=True):
        if node in communities:
            result[node] = min(communities[node], 997) + 1
        else:
            result[node] = extra.get(str(data.get("kind")), top + 3)
    return result


def _description(node: str, data: dict) -> str:
    kind = data.get("kind", "")
    detail = data.get("type") or data.get("venue") or ""
    return f"<b>{kind}</b> {node}" + (f" · {detail}" if detail else "")


def write_vosviewer(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    doc = vos_network(graph)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    map_path = path.with_name(f"{path.stem}-map.txt")
    with map_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(
            [
                "id",
                "label",
                "description",
                "url",
                "cluster",
                "weight<Links>",
                "weight<Total link strength>",
                "score<Pub. year>",
            ]
        )
        for item in doc["network"]["items"]:
            writer.writerow(
                [
                    item["id"],
                    item["label"],
                    item["description"],
                    item.get("url", ""),
                    item["cluster"],
                    item["weights"]["Links"],
                    _number(item["weights"]["Total link strength"]),
                    item.get("scores", {}).get("Pub. year", 0),
                ]
            )
    written = [path, map_path]
    links = {"": [(link["source_id"], link["target_id"], link["strength"])
                  for link in doc["network"]["links"]]}
    for rel, pairs in sorted(link_strengths(graph).items()):
        links[f"-{rel}"] = [(a, b, _number(s)) for (a, b), s in sorted(pairs.items())]
    for suffix, rows in links.items():
        written.append(path.with_name(f"{path.stem}-network{suffix}.txt"))
        with written[-1].open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter="\t", lineterminator="\n").writerows(rows)
    return written


EXPORTER = Exporter(".vos.json", "VOSviewer JSON (+ map and network .txt files)", write_vosviewer)
