"""Part files of a Dask export, each written by one task with the rows and triples of
kg/mapping/ (as the single-machine bulk writers of kg/bulk.py).

Names: ``graph.part-dask-KIND-NNNNN.nt`` (``.nq``) for RDF loaders and
``FILE.part-dask-KIND-NNNNN.csv`` beside the ``FILE.header.csv`` of neo4j-admin (its
``import.sh`` picks up every ``FILE.part-*.csv``). A part is written to a temporary name
and renamed when complete, so a task run again after a worker died replaces its file and a
killed task leaves no half-written part behind a valid name.
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kg.bulk import DEFAULT_GRAPH, csv_writer, in_graph
from kg.distributed.concepts import Extracted
from kg.distributed.figures import concept_counts
from kg.mapping import neo4j as n4j
from kg.mapping import unique_links
from kg.mapping.rdf import (
    concept_core_triples,
    concept_triples,
    count_figures,
    figure_line,
    format_triples,
    hub_figures,
    label_triples,
    mention_triples,
    pair_triples,
    paper_triples,
    rank_figures,
)
from kg.mapping.terms import Triples
from kg.model import ConceptInfo, ConceptLink, PaperGraph
from kg.normalize import name_key

MARK = ".part-dask-"  # in every part name; a new export replaces the parts of an old one


@dataclass(frozen=True)
class Parts:
    """The output directory and format of one export (sent to the workers)."""

    out_dir: Path
    fmt: str
    graph: str = DEFAULT_GRAPH

    @property
    def rdf(self) -> bool:
        return self.fmt != "neo4j-csv"

    def lines(self, kind: str, lines: list[str]) -> int:
        """Write N-Triples lines (as N-Quads of ``graph`` for nquads) as one part."""
        if self.fmt == "nquads":
            lines = in_graph(lines, self.graph)
        suffix = "nq" if self.fmt == "nquads" else "nt"
        with self._part(f"graph{MARK}{kind}.{suffix}") as handle:
            handle.write("".join(line + "\n" for line in lines))
        return len(lines)

    def rows(self, file: str, kind: str, rows: Iterable[list[Any]]) -> int:
        """Write rows of the neo4j-admin data file ``file`` (e.g. 'papers') as one part."""
        written = 0
        with self._part(f"{file}{MARK}{kind}.csv", newline="") as handle:
            writer = csv_writer(handle)
            for row in rows:
                writer.writerow(row)
                written += 1
        return written

    def _part(self, name: str, newline: str = "\n") -> _AtomicFile:
        return _AtomicFile(self.out_dir / name, newline)

    def clear(self) -> None:
        """Remove the parts (and leftovers of killed tasks) of an earlier Dask export."""
        for path in self.out_dir.iterdir():
            if MARK in path.name and path.is_file():
                path.unlink()


class _AtomicFile:
    def __init__(self, path: Path, newline: str) -> None:
        self.path = path
        self.tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
        self.newline = newline

    def __enter__(self):  # -> text handle
        self.handle = self.tmp.open("w", encoding="utf-8", newline=self.newline)
        return self.handle

    def __exit__(self, kind: object, *rest: object) -> None:
        self.handle.close()
        if kind is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def _number(index: int) -> str:
    return f"{index:05d}"


def papers_part(part: list[Extracted], index: int, parts: Parts) -> dict[str, int]:
    """Papers, authorships, citations and mentions of one partition's written papers."""
    written = [(paper, unique_links(links)) for _, paper, keep, links in part if keep]
    counts = {"papers": len(written), "skipped": len(part) - len(written), "triples": 0,
              "authored_by": sum(len(paper.authors) for paper, _ in written),
              "mentions": sum(len(links) for _, links in written)}
    if parts.rdf:
        out = Triples()
        known: set[tuple[Any, ...]] = set()  # authors written once per part (a set in RDF)
        for paper, links in written:
            paper_triples(paper, out, known)
            for link in links:
                mention_triples(paper, link, out)
        counts["triples"] = parts.lines(f"papers-{_number(index)}", out.lines)
    else:
        files: dict[str, list[list[Any]]] = defaultdict(list)
        for paper, links in written:
            for file, row in n4j.paper_csv(PaperGraph(paper, links)):
                files[file].append(row)
        for file in ("papers", "authored-by", "cites", "mentions"):
            parts.rows(file, _number(index), files[file])
    return counts


def authors_part(rows: pd.DataFrame, index: int, parts: Parts) -> int:
    """Author nodes (neo4j-admin): one row per id."""
    return parts.rows("authors", _number(index),
                      (n4j.author_csv(i, name, name_key(name))
                       for i, name in zip(rows.id, rows.name, strict=True)))


def stubs_part(rows: pd.DataFrame, index: int, parts: Parts) -> int:
    """Cited papers outside the corpus (neo4j-admin stub nodes)."""
    return parts.rows("paper-stubs", _number(index), (n4j.stub_csv(ref) for ref in rows.ref))


def pairs_part(rows: pd.DataFrame, index: int, parts: Parts) -> int:
    """CO_OCCURS pairs; returns the number of lines written."""
    triples = zip(rows.a.astype(str), rows.b.astype(str), rows.w.astype(int), strict=True)
    if not parts.rdf:
        pairs = (n4j.pair_csv(a, b, w) for a, b, w in triples)
        return parts.rows("co-occurs", _number(index), pairs)
    out = Triples()
    for a, b, weight in triples:
        pair_triples(a, b, weight, out)
    return parts.lines(f"pairs-{_number(index)}", out.lines)


def counts_part(rows: pd.DataFrame, index: int, parts: Parts) -> int:
    """Papers per concept and per concept and year (RDF)."""
    lines = sorted(figure_line(f) for f in count_figures(concept_counts(rows)))
    return parts.lines(f"counts-{_number(index)}", lines)


def rankings_part(ranked: list[tuple[str, str, int]], hubs: dict, parts: Parts) -> int:
    """Pair ranks and the hubs' heaviest pairs (RDF)."""
    lines = sorted(figure_line(f) for f in rank_figures(ranked) | hub_figures(hubs))
    return parts.lines("rankings", lines)


def concepts_part(
    concepts: list[ConceptInfo], linked: list[ConceptLink], mentioned: set[str], parts: Parts
) -> dict[str, int]:
    """Every concept node (the vocabulary, coined concepts, stubs of other linked ones)
    and the BROADER edges between them; counted as GraphStore.counts() does (the
    ``mentioned`` concepts apart from the rest of the vocabulary)."""
    known = {info.id for info in concepts} | {link.id for link in linked}
    broader = list(dict.fromkeys((info.id, b) for info in concepts
                                 for b in dict.fromkeys(info.broader)
                                 if b != info.id and b in known))
    counts = {"concepts": len(known & mentioned), "unmentioned_concepts": len(known - mentioned),
              "broader": sum(1 for a, b in broader if a in mentioned and b in mentioned),
              "triples": 0}
    if parts.rdf:
        out = Triples()
        format_triples(out)  # the graph format of a store loaded from the parts
        for info in concepts:
            concept_triples(info, out)
        for link in linked:  # a concept seen only in papers: its first link names it
            concept_core_triples(link.id, link.type, out)
            label_triples(link.id, link.name, out)
        counts["triples"] = parts.lines("concepts", out.lines)
    else:
        rows = [n4j.concept_csv(info) for info in concepts]
        rows += [n4j.linked_concept_csv(link) for link in linked]
        parts.rows("concepts", "all", rows)
        parts.rows("broader", "all", (n4j.broader_csv(a, b) for a, b in broader))
    return counts

