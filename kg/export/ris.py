"""RIS (Zotero, EndNote, Mendeley) of the selected papers: one record per paper, written
by rispy (the RIS tags, list tags and record layout are its)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import rispy

from kg.export import ExportContext, Exporter, node_label, ordered_authors, papers
from kg.export._papers import checked, entry_type, paper_concepts, url_of

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


class _Writer(rispy.RisWriter):
    """rispy's RIS writer without its numbered line ("1.") before each record."""

    def set_header(self, count: int) -> str:
        return ""


def _one_line(value: object) -> str:
    """RIS values are one line each: runs of whitespace (line breaks) become one space."""
    return " ".join(str(value).split())


def records(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """One rispy record (field name -> value or list of values) per selected paper, in the
    order the fields are written."""
    result = []
    for paper in papers(graph):
        data = graph.nodes[paper]
        record: dict[str, Any] = {
            "type_of_reference": RIS_TYPES.get(entry_type(data), "GEN"),
            "title": data.get("title") or node_label(graph, paper),
            "authors": ordered_authors(graph, paper),
        }
        if data.get("year"):
            record["year"] = data["year"]
        if data.get("date") and str(data["date"])[:1].isdigit():
            record["date"] = str(data["date"]).replace("-", "/")
        if data.get("venue"):
            record["secondary_title"] = data["venue"]
        if data.get("doi"):
            record["doi"] = data["doi"]
        if data.get("arxiv_id"):
            record["accession_number"] = f"arXiv:{data['arxiv_id']}"
        url = url_of(data)
        if url:
            record["urls"] = [url]
        if data.get("abstract"):
            record["abstract"] = data["abstract"]
        record["keywords"] = [node_label(graph, c) for c, _ in paper_concepts(graph, paper)]
        record["notes"] = [f"paper-kg id: {paper}", *filter(None, [checked(data)])]
        result.append({key: [_one_line(v) for v in value] if isinstance(value, list)
                       else _one_line(value) for key, value in record.items()})
    return result


def write_ris(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    path.write_text(_Writer().formats(records(graph)), "utf-8")
    return [path]


EXPORTER = Exporter(
    ".ris", "RIS of the selected papers (Zotero, EndNote)", write_ris, content="papers"
)
