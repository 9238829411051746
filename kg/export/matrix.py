"""Papers × concepts matrix (CSV and Markdown): each cell is the role and its evidence
sentence, the table a reviewer reads to see who proposed or used what. A column for every
concept of the selection (or the top ``--columns N`` by papers), not only the seeds. CSV
cells that start like a formula are written as text (kg/spreadsheet.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx

from kg.export import ExportContext, Exporter, node_label, papers
from kg.export._papers import checked, paper_concepts
from kg.spreadsheet import spreadsheet_text


def matrix(
    graph: nx.MultiDiGraph, columns: int | None = None
) -> tuple[list[str], list[str], list[list[str]]]:
    """(concept ids, paper ids, cells): a column per concept of the selection by number of
    its papers that mention it, then label (the first ``columns`` of them if given)."""
    rows = papers(graph)
    uses = {node: 0 for node, kind in graph.nodes(data="kind") if kind == "concept"}
    cells: dict[tuple[str, str], str] = {}
    for paper in rows:
        for concept, data in paper_concepts(graph, paper):
            uses[concept] = uses.get(concept, 0) + 1
            role = data.get("role") or "used"
            sentence = " ".join(str(data.get("sentence") or "").split())
            if data.get("curated_by"):
                role += " (checked by hand)"
            cells[paper, concept] = f"{role}: {sentence}" if sentence else role
    ordered = sorted(uses, key=lambda c: (-uses[c], node_label(graph, c), c))[:columns]
    table = [[cells.get((p, c), "") for c in ordered] for p in rows]
    return ordered, rows, table


def _headers(graph: nx.MultiDiGraph, columns: list[str]) -> list[str]:
    labels = [node_label(graph, c) for c in columns]
    return [
        f"{lab} ({c})" if labels.count(lab) > 1 else lab
        for lab, c in zip(labels, columns, strict=True)
    ]


def _md(text: object) -> str:
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")


def render(graph: nx.MultiDiGraph, ctx: ExportContext) -> tuple[str, str]:
    columns, rows, table = matrix(graph, ctx.columns)
    headers = _headers(graph, columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def row(*cells: object) -> list[object]:
        return [spreadsheet_text(c, ctx.keep_formulas) if isinstance(c, str) else c
                for c in cells]

    writer.writerow(row("paper", "title", "year", "curation", *headers))
    for paper, cells in zip(rows, table, strict=True):
        data = graph.nodes[paper]
        writer.writerow(row(paper, node_label(graph, paper), data.get("year") or "",
                            checked(data), *cells))
    md = [f"# Papers × concepts\n\n{_md(ctx.description)} — made {ctx.created_iso}\n"]
    md.append("| paper | year | curation | " + " | ".join(_md(h) for h in headers) + " |")
    md.append("|---|---|---|" + "---|" * len(headers))
    for paper, cells in zip(rows, table, strict=True):
        label = _md(node_label(graph, paper))
        year = graph.nodes[paper].get("year") or ""
        mark = _md(checked(graph.nodes[paper]))
        md.append(f"| {label} | {year} | {mark} | " + " | ".join(_md(c) for c in cells) + " |")
    return out.getvalue(), "\n".join(md) + "\n"


def write_matrix(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    csv_text, md_text = render(graph, ctx)
    base = path.with_suffix("") if path.suffix.lower() in {".csv", ".md"} else path
    csv_path, md_path = base.with_name(base.name + ".csv"), base.with_name(base.name + ".md")
    csv_path.write_text(csv_text, "utf-8")
    md_path.write_text(md_text, "utf-8")
    return [csv_path, md_path]


EXPORTER = Exporter(
    ".matrix.csv",
    "papers × concepts matrix (CSV + Markdown beside it)",
    write_matrix,
    content="papers",
)
