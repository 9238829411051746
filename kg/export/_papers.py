"""What the bibliography-style exports (bib, ris, matrix) share: papers with their concepts."""

from __future__ import annotations

import networkx as nx

from kg.export import node_label


def paper_concepts(graph: nx.MultiDiGraph, paper: str) -> list[tuple[str, dict]]:
    """(concept id, MENTIONS edge data) of a paper, proposed ones first, then by label."""
    found = [
        (v, data)
        for _, v, k, data in graph.out_edges(paper, keys=True, data=True)
        if k == "MENTIONS"
    ]
    return sorted(found, key=lambda e: (e[1].get("role") != "proposed", node_label(graph, e[0])))


def checked(data: dict) -> str:
    """'checked by hand by WHO on DATE' for a paper or MENTIONS edge a curation decision
    touched (kg/curation), else ''."""
    if not data.get("curated_by"):
        return ""
    return f"checked by hand by {data['curated_by']} on {str(data.get('curated_at'))[:10]}"


def arxiv_of(data: dict) -> str | None:
    return data.get("arxiv_id") or None


def url_of(data: dict) -> str | None:
    """The paper's own URL, else one made from its DOI or arXiv id."""
    if data.get("url"):
        return str(data["url"])
    if data.get("doi"):
        return f"https://doi.org/{data['doi']}"
    if data.get("arxiv_id"):
        return f"https://arxiv.org/abs/{data['arxiv_id']}"
    return None


# BibTeX entry types and the field that names their venue (journal or proceedings).
VENUE_FIELDS = {
    "article": "journal",
    "inproceedings": "booktitle",
    "conference": "booktitle",
    "incollection": "booktitle",
    "inbook": "booktitle",
}


def entry_type(data: dict) -> str:
    """The paper's BibTeX entry type: the one its record had (``entry_type``), else
    article when it has a venue, else misc."""
    return str(data.get("entry_type") or ("article" if data.get("venue") else "misc")).lower()
