"""nodes.csv + edges.csv (spreadsheets, pandas, Neo4j LOAD CSV), in a directory or a zip.
Text cells that start like a formula are written as text (kg/spreadsheet.py)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import networkx as nx

from kg.export import ExportContext, Exporter, scalar
from kg.spreadsheet import spreadsheet_text

NODE_COLUMNS = (
    "id",
    "kind",
    "label",
    "type",
    "year",
    "doi",
    "arxiv_id",
    "url",
    "venue",
    "authors",
    "aliases",
    "abstract",
)
EDGE_COLUMNS = ("source", "target", "rel", "weight", "position", "role", "confidence", "sentence")


def _cell(value: object, keep_formulas: bool = False) -> str:
    value = scalar(value)
    if isinstance(value, str):
        return spreadsheet_text(value, keep_formulas)
    return "" if value is None else str(value)


def tables(graph: nx.MultiDiGraph, keep_formulas: bool = False) -> dict[str, str]:
    """The two CSV texts; extra attributes beyond the fixed columns are appended."""
    node_extra = sorted({k for _, d in graph.nodes(data=True) for k in d} - set(NODE_COLUMNS))
    edge_extra = sorted({k for *_, d in graph.edges(data=True) for k in d} - set(EDGE_COLUMNS))
    nodes, edges = io.StringIO(), io.StringIO()
    writer = csv.writer(nodes, lineterminator="\n")
    writer.writerow([*NODE_COLUMNS, *node_extra])
    for node, data in graph.nodes(data=True):
        cells = (data.get(c) for c in (*NODE_COLUMNS[1:], *node_extra))
        writer.writerow([_cell(value, keep_formulas) for value in (node, *cells)])
    writer = csv.writer(edges, lineterminator="\n")
    writer.writerow([*EDGE_COLUMNS, *edge_extra])
    for u, v, k, data in graph.edges(keys=True, data=True):
        row = {**data, "rel": k}
        cells = (row.get(c) for c in (*EDGE_COLUMNS[2:], *edge_extra))
        writer.writerow([_cell(value, keep_formulas) for value in (u, v, *cells)])
    return {"nodes.csv": nodes.getvalue(), "edges.csv": edges.getvalue()}


def write_csv(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    files = tables(graph, ctx.keep_formulas)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in files.items():
                zf.writestr(name, text)
        return [path]
    path.mkdir(exist_ok=True)  # the directory itself, never its parents
    written = []
    for name, text in files.items():
        (path / name).write_text(text, "utf-8")
        written.append(path / name)
    return written


EXPORTER = Exporter("", "nodes.csv + edges.csv in a directory (or a .zip path)", write_csv)
