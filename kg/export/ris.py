"""RIS (Zotero, EndNote, Mendeley) of the selected papers: one record per paper."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export import ExportContext, Exporter, node_label, ordered_authors, papers
from kg.export._papers import entry_type, paper_concepts, url_of

# RIS reference types of BibTeX entry types (GEN for the rest)
RIS_TYPES = {
    "article": "JOUR",
    "inproceedings": "CPAPER",
    "conference": "CPAPER",
    "incollection": "CHAP",
    "inbook": "CHAP",
    "book": "BOOK",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "techreport": "RPRT",
}


def _line(tag: str, value: object) -> str:
    return f"{tag}  - {' '.join(str(value).split())}"


def records(graph: nx.MultiDiGraph) -> list[list[str]]:
    result = []
    for paper in papers(graph):
        data = graph.nodes[paper]
        venue = data.get("venue")
        lines = [_line("TY", RIS_TYPES.get(entry_type(data), "GEN"))]
        lines.append(_line("TI", data.get("title") or node_label(graph, paper)))
        lines += [_line("AU", name) for name in ordered_authors(graph, paper)]
        if data.get("year"):
            lines.append(_line("PY", data["year"]))
        if data.get("date") and str(data["date"])[:1].isdigit():
            lines.append(_line("DA", str(data["date"]).replace("-", "/")))
        if venue:
            lines.append(_line("T2", venue))
        if data.get("doi"):
            lines.append(_line("DO", data["doi"]))
        if data.get("arxiv_id"):
            lines.append(_line("AN", f"arXiv:{data['arxiv_id']}"))
        url = url_of(data)
        if url:
            lines.append(_line("UR", url))
        if data.get("abstract"):
            lines.append(_line("AB", data["abstract"]))
        lines += [_line("KW", node_label(graph, c)) for c, _ in paper_concepts(graph, paper)]
        lines.append(_line("N1", f"paper-kg id: {paper}"))
        lines.append("ER  - ")
        result.append(lines)
    return result


def write_ris(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    text = "\n\n".join("\n".join(lines) for lines in records(graph))
    path.write_text(text + "\n" if text else "", "utf-8")
    return [path]


EXPORTER = Exporter(
    ".ris", "RIS of the selected papers (Zotero, EndNote)", write_ris, content="papers"
)
