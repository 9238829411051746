"""Identity decisions (same-paper, different-papers, merge-authors, split-author) applied to
an existing store. They change which paper and author nodes exist, and a paper merged from
two records cannot be split from its stored node, so the papers they touch are rebuilt from
their source records: the input files named by the papers' recorded ``file:line`` sources
are read again through the build's own ingest (kg/ingest.py, kg/merge.py) with the curation
applied, the touched papers deleted (``GraphStore.delete_papers``) and the rebuilt ones
written as a build writes them. A rebuilt paper with the same id and records keeps its
stored (already curated) tags; any other is extracted with the store's extractor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.curation.decisions import Curation, Decision
from kg.curation.transform import Applied, ConceptLookup
from kg.details import details, paper_id_fields
from kg.ingest import ingest
from kg.mapping.terms import source_path
from kg.model import ConceptLink, Paper, PaperGraph
from kg.pipeline import with_broader
from kg.queries import run_named

if TYPE_CHECKING:
    from kg.extract import Extractor
    from kg.stores.base import GraphStore

IDENTITY_ACTIONS = ("merge-authors", "split-author", "same-paper", "different-papers")


@dataclass
class Rebuilt:
    """What rebuilding the touched papers did, or why it could not (``problem``)."""

    removed: list[str] = field(default_factory=list)  # stored papers deleted
    graphs: list[PaperGraph] = field(default_factory=list)  # papers written instead
    concepts: set[str] = field(default_factory=set)  # concepts whose figures move
    extracted: bool = False
    problem: str = ""


def touched_papers(store: GraphStore, decisions: Sequence[Decision]) -> list[str]:
    """The stored papers identity ``decisions`` (undone ones included) change: the papers
    they name, stored under that id or holding its DOI / arXiv id, and the authors' papers."""
    papers: set[str] = set()
    authors: set[str] = set()
    for d in decisions:
        if d.action in ("same-paper", "different-papers"):
            papers |= {d.paper, d.target}
        elif d.action == "merge-authors":
            authors |= {d.author, d.target}
        elif d.action == "split-author":
            authors |= {d.author, f"{d.author}~{d.id}"}
    found = {str(row["id"]) for row in details(store, "details.papers", sorted(papers))}
    for paper in sorted(papers):
        found |= holding(store, paper)
    found |= {str(row["paper"]) for row in
              details(store, "curation.papers-of-authors", sorted(authors))}
    if papers:  # the papers citing merged or split ones: their citations follow
        found |= {str(row["paper"]) for row in details(store, "curation.citing", sorted(found))}
    return sorted(found)


def holding(store: GraphStore, paper_id: str) -> set[str]:
    """The stored papers holding the DOI or arXiv id that ``paper_id`` names (a record
    merged into a paper stored under another id)."""
    ids = paper_id_fields(paper_id)
    params = {"doi": ids.get("doi", ""), "arxiv": ids.get("arxiv_id", ""), "title": ""}
    if not any(params.values()):
        return set()
    return {str(row[0]) for row in run_named(store, "paper-id", params).rows}


def _stored_ref(store: GraphStore, ref: str, rebuilt: set[str]) -> str:
    """A reference to a paper outside the rebuilt ones as a build over every input resolves
    it: the id of the stored paper holding that DOI or arXiv id (its own id otherwise)."""
    if ref in rebuilt:
        return ref
    found = holding(store, ref)
    return next(iter(found)) if len(found) == 1 else ref


def reread(store: GraphStore, papers: list[str], applied: Applied,
           sources: dict[str, set[str]]) -> tuple[list[Paper], str]:
    """The records of the stored ``papers`` read again from their recorded sources and
    merged as a build merges them with ``applied`` (``sources`` is filled: paper -> its
    stored sources), or why they cannot be."""
    for row in details(store, "curation.sources", papers):
        sources.setdefault(str(row["paper"]), set()).add(str(row["source"]))
    wanted = {source for found in sources.values() for source in found}
    unsourced = [paper for paper in papers if not sources.get(paper)]
    if unsourced:
        return [], f"the store records no source of {unsourced[0]}"
    files = sorted({source_path(source) for source in wanted})
    gone = [name for name in files if not Path(name).is_file()]
    if gone:
        return [], f"{gone[0]} (a source of the papers) is not readable from here"
    records = [paper for paper in ingest([Path(name) for name in files], curation=applied).papers
               if wanted & set(paper.sources)]
    missing = wanted - {source for paper in records for source in paper.sources}
    if missing:
        return [], (f"{sorted(missing)[0]} is no longer the record stored: the input changed "
                    "since the build")
    return records, ""


def separation_problem(store: GraphStore, curation: Curation, decision: Decision) -> str | None:
    """Why a new different-papers ``decision`` cannot separate the records it names (see
    PaperRules.kept_apart), found by merging their source records with it as a build would;
    None when it can, or when the sources are not readable here (the rebuild says so)."""
    trial = curation.trial(decision)
    applied = Applied(trial)
    reread(store, touched_papers(store, [decision]), applied, {})
    return applied.rules.refused.get(trial.decisions[-1])


def rebuild(
    store: GraphStore,
    curation: Curation,
    papers: list[str],
    lookup: ConceptLookup,
    stored_tags: dict[str, list[ConceptLink]],
    extractor: Callable[[], Extractor],
) -> Rebuilt:
    """Read the records of ``papers`` again from their sources, merge them as a build does
    with ``curation`` applied, and write the result in their place (see the module)."""
    applied = Applied(curation, lookup)
    sources: dict[str, set[str]] = {paper: set() for paper in papers}
    records, problem = reread(store, papers, applied, sources)
    if problem:
        return Rebuilt(problem=problem)
    result = Rebuilt(removed=papers)
    rebuilt = {paper.id for paper in records}
    for paper in records:
        paper.references = [_stored_ref(store, ref, rebuilt) for ref in paper.references]
        kept = paper.id in sources and sources[paper.id] == set(paper.sources)
        if kept:
            links = stored_tags.get(paper.id, [])
        else:
            links = extractor().extract_one(paper).concepts
            result.extracted = True
        result.graphs.append(PaperGraph(paper, applied.curate_links(paper, links)))
    result.concepts = {link.id for tags in stored_tags.values() for link in tags}
    result.concepts |= {link.id for graph in result.graphs for link in graph.concepts}
    store.delete_papers(papers)
    store.write_papers(result.graphs)
    if result.extracted:  # concepts the new tags name (coined, or vocabulary not stored yet)
        infos = applied.curate_concepts(extractor().concepts())
        vocabulary = [info for info in infos if info.source != "coined"]
        coined = [info for info in infos if info.source == "coined"]
        store.write_concepts([*with_broader(vocabulary, result.concepts, coined), *coined])
    return result
