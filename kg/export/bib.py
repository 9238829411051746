"""BibTeX of the selected papers (bibtexparser 2 writes it), with DOI/arXiv ids, authors,
venue, abstract and the concepts as keywords. An entry keeps the type its record had
(``@inproceedings`` stays one, with the venue as ``booktitle``; an ``@article`` names it
``journal``). LaTeX specials are escaped so that a title with ``&`` or ``%`` compiles, and
so that kg.readers.bibtex reads every field back unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import networkx as nx
from bibtexparser import Library
from bibtexparser.model import Entry, Field

from kg.export import ExportContext, Exporter, node_label, ordered_authors, papers
from kg.export._papers import VENUE_FIELDS, checked, entry_type, paper_concepts
from kg.normalize import ascii_fold

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


_LATEX_TABLE = str.maketrans(_LATEX)
# TeX turns these pairs into one glyph (-- en dash, `` and '' curly quotes, ?` and !` the
# Spanish marks, ,, << >> with T1 fonts); an empty group between them keeps both characters.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)"
                       r"|(?<=,)(?=,)|(?<=<)(?=<)|(?<=>)(?=>)")
# BibTeX splits an author list at a whole word 'and' and reads a comma as 'Last, First'
_NAME_SPLITTING = re.compile(r"(?i),|(?:^|\s)and(?:\s|$)")
_VERBATIM = str.maketrans({"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}"})
# a control sequence alone as a name's word is lost by bibtexparser's 'and' splitter
# ('Ann \% and Bo' -> 'Ann'); braced it is one BibTeX "special character", as BibTeX wants
_CONTROL_SEQUENCE = re.compile(r"\\(?:[A-Za-z]+\{\}|.)")


def latex_escape(text: str) -> str:
    """The LaTeX that prints ``text`` as it is (and that our reader decodes back to it)."""
    escaped = " ".join(str(text).split()).translate(_LATEX_TABLE)
    return _LIGATURE.sub("{}", escaped)


def bib_name(name: str) -> str:
    """One author for the ``author`` list; a name BibTeX would split or reorder (a comma,
    a word 'and': 'Google, Inc.', 'Research and Development') is braced as one unit."""
    escaped = _CONTROL_SEQUENCE.sub(lambda m: f"{{{m.group(0)}}}", latex_escape(name))
    return f"{{{escaped}}}" if _NAME_SPLITTING.search(name) else escaped


def bib_keywords(keywords: list[str]) -> str:
    """Keywords joined by ', '; one holding ',' or ';' is braced so it stays one keyword."""
    return ", ".join(
        f"{{{latex_escape(k)}}}" if re.search(r"[,;]", k) else latex_escape(k)
        for k in keywords
    )


def verbatim_escape(text: str) -> str:
    """A URL or DOI as written (biblatex reads these fields verbatim); only a brace or a
    backslash, which would end or break the field, is escaped."""
    return str(text).strip().translate(_VERBATIM)


def _key_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", ascii_fold(text))


def cite_key(authors: list[str], year: object, title: str) -> str:
    """'vaswani2017attention': last name of the first author, year, first long title word."""
    last = _key_part(authors[0].split()[-1]).lower() if authors else "anon"
    words = [w for w in (_key_part(w).lower() for w in title.split()) if len(w) > 3]
    return f"{last or 'anon'}{year or ''}{words[0] if words else 'paper'}"


def entries(graph: nx.MultiDiGraph) -> list[Entry]:
    used: set[str] = set()
    result = []
    for paper in papers(graph):
        data = graph.nodes[paper]
        title = str(data.get("title") or node_label(graph, paper))
        authors = ordered_authors(graph, paper)
        key = base = cite_key(authors, data.get("year"), title)
        suffix = ord("a")
        while key in used:
            key, suffix = f"{base}{chr(suffix)}", suffix + 1
        used.add(key)
        fields = {"title": latex_escape(title)}
        if authors:
            fields["author"] = " and ".join(bib_name(a) for a in authors)
        if data.get("year"):
            fields["year"] = str(data["year"])
        kind = entry_type(data)
        if data.get("venue"):
            fields[VENUE_FIELDS.get(kind, "howpublished")] = latex_escape(data["venue"])
        if data.get("doi"):
            fields["doi"] = verbatim_escape(data["doi"])
        if data.get("arxiv_id"):
            fields.update(eprint=str(data["arxiv_id"]), archiveprefix="arXiv")
        if data.get("url"):
            fields["url"] = verbatim_escape(data["url"])
        if data.get("abstract"):
            fields["abstract"] = latex_escape(data["abstract"])
        concepts = [node_label(graph, c) for c, _ in paper_concepts(graph, paper)]
        if concepts:
            fields["keywords"] = bib_keywords(concepts)
        fields["note"] = latex_escape("; ".join(filter(None, [f"paper-kg id: {paper}",
                                                               checked(data)])))
        result.append(Entry(kind, key, [Field(k, v) for k, v in fields.items()]))
    return result


def write_bib(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    library = Library()
    for entry in entries(graph):
        library.add(entry)
    header = f"% paper-kg export, {ctx.created_iso}: {' '.join(ctx.description.split())}\n\n"
    path.write_text(header + bibtexparser.write_string(library), "utf-8")
    return [path]


EXPORTER = Exporter(".bib", "BibTeX of the selected papers", write_bib, content="papers")
