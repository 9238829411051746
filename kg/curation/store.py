"""Curation applied to a store at once, on every backend, through the GraphStore contract:
``write_papers`` replaces the affected papers' MENTIONS with their curated tags,
``write_concepts`` the affected concept nodes, ``refresh_derived`` the derived figures.

A new decision curates the store's current tags again (the transforms are idempotent). An
undo needs what the undone decision had removed or changed, so the affected papers are
extracted again from their stored title and abstract and curated with the decisions still
in force: the same as a build from scratch gives (with the store's extractor, unless one is
passed). Decisions about paper or author identity change which nodes exist: the papers they
touch are rebuilt from their source records (kg/curation/identity.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.curation.decisions import Curation, Decision
from kg.curation.identity import (
    IDENTITY_ACTIONS,
    holding,
    rebuild,
    separation_problem,
    touched_papers,
)
from kg.curation.transform import Applied, concept_id_of, evidence, extractor_lookup
from kg.details import details, first_evidence
from kg.model import ConceptInfo, ConceptLink, Curated, Mention, Paper, PaperGraph
from kg.queries import read

if TYPE_CHECKING:
    from kg.extract import Extractor
    from kg.stores.base import GraphStore

PAPER_ACTIONS = ("reject-mention", "set-role", "add-mention", "confirm-mention")
CONCEPT_ACTIONS = ("stop-concept", "set-type", "merge-concepts", "rename-concept")


@dataclass
class ApplyReport:
    """What ``apply_to_store`` changed."""

    papers: list[str] = field(default_factory=list)  # papers whose tags were rewritten
    concepts: list[str] = field(default_factory=list)  # concept nodes rewritten
    # identity decisions the store could not rebuild its papers for (``problem`` says why):
    # applied by the next `kg build` from the inputs
    pending: list[Decision] = field(default_factory=list)
    problem: str = ""
    removed: list[str] = field(default_factory=list)  # papers an identity decision replaced
    extracted: bool = False  # papers were extracted again (an undo, a changed paper)

    def to_json(self) -> dict[str, Any]:
        return {"papers": self.papers, "concepts": self.concepts, "extracted": self.extracted,
                "removed": self.removed, "pending": [d.id for d in self.pending],
                "problem": self.problem}


def apply_to_store(
    store: GraphStore,
    curation: Curation,
    decisions: Sequence[Decision],
    extractor: Extractor | None = None,
) -> ApplyReport:
    """Bring ``store`` in line with ``curation`` for ``decisions`` (just recorded ones, undo
    lines included): the papers and concepts they name are rewritten, derived figures
    refreshed. ``extractor`` is used (the store's own loaded when None) for an undo and
    for papers an identity decision changes."""
    report = ApplyReport()
    effective = [_undone(curation, d) or d for d in decisions]
    loaded: list[Extractor] = [extractor] if extractor is not None else []

    def extracting() -> Extractor:
        if not loaded:
            from kg.extractor_settings import store_extractor

            loaded.append(store_extractor(store))
        return loaded[0]

    identity = [d for d in effective if d.action in IDENTITY_ACTIONS]
    if identity:
        _apply_identity(store, curation, identity, extracting, report)
    undo = any(d.action == "undo" and _undone(curation, d) not in identity for d in decisions)
    concepts = _concepts_named(effective)
    papers = {d.paper for d in effective if d.action in PAPER_ACTIONS}
    papers |= set(_column(store, "curation.papers-of-concepts", sorted(concepts), "paper"))
    stored_infos = StoreConcepts(store)
    lookup = stored_infos.get
    if undo:
        extractor = extracting()
        known = extractor_lookup(extractor)
        lookup = lambda cid: known(cid) or stored_infos.get(cid)  # noqa: E731
        # an undone stop or merge gave up tags no stored paper shows now: look for the names
        names = _names([d.concept for d in effective
                        if d.action in ("stop-concept", "merge-concepts")], lookup)
        papers |= set(_column(store, "curation.papers-with-text", names, "paper"))
    papers = set(_column(store, "details.papers", sorted(papers), "id"))  # stored ones only
    if not papers and not concepts:
        return report
    applied = Applied(curation, lookup)
    records = {row["id"]: row for row in details(store, "details.papers", sorted(papers))}
    current = stored_tags(store, sorted(papers)) if not undo else {}
    graphs = []
    for paper_id in sorted(records):
        row = records[paper_id]
        paper = Paper(title=row.get("title") or "", abstract=row.get("abstract") or "",
                      stored_id=paper_id)
        links = (extractor.extract_one(paper).concepts if extractor is not None and undo
                 else current.get(paper_id, []))
        graphs.append(PaperGraph(paper, applied.curate_links(paper, links)))
    store.write_papers(graphs)
    named = concepts | {applied.concept(concept_id_of(d.concept)) for d in effective
                        if d.action == "add-mention"}
    infos = [info for cid in sorted(named) if (info := lookup(cid)) is not None]
    written = applied.curate_concepts(infos)
    store.write_concepts(written)
    store.refresh_derived(sorted(named | {link.id for g in graphs for link in g.concepts}))
    report.papers = sorted({*report.papers, *records})
    report.concepts = sorted(info.id for info in written)
    report.extracted = report.extracted or undo
    return report


def _apply_identity(store: GraphStore, curation: Curation, identity: list[Decision],
                    extracting: Callable[[], Extractor], report: ApplyReport) -> None:
    """Rebuild the papers identity decisions touch (kg/curation/identity.py); when their
    sources cannot be read, the decisions wait for the next build (``report.pending``)."""
    papers = touched_papers(store, identity)
    done = rebuild(store, curation, papers, StoreConcepts(store).get,
                   stored_tags(store, papers), extracting)
    if done.problem:
        report.pending, report.problem = identity, done.problem
        return
    report.removed = sorted(set(papers) - {g.paper.id for g in done.graphs})
    report.papers = sorted({g.paper.id for g in done.graphs})
    report.extracted = done.extracted
    store.refresh_derived(sorted(done.concepts))
    store.sync_side_index()  # rebuilt where delete_papers left it behind the store


def _undone(curation: Curation, decision: Decision) -> Decision | None:
    return curation.find(decision.target) if decision.action == "undo" else None


def _concepts_named(decisions: Iterable[Decision]) -> set[str]:
    """The concepts whose every paper a decision rewrites."""
    found: set[str] = set()
    for d in decisions:
        if d.action in CONCEPT_ACTIONS:
            found.add(d.concept)
            if d.action == "merge-concepts":
                found.add(d.target)
    return found


def _names(concept_ids: list[str], lookup: Callable[[str], ConceptInfo | None]) -> list[str]:
    """The names a concept may be written with: its name, aliases and its id's words."""
    found: set[str] = set()
    for cid in concept_ids:
        info = lookup(cid)
        found.add(cid.removeprefix("concept:").replace("-", " "))
        if info is not None:
            found.update([info.name, *info.aliases])
    return sorted(name for name in found if len(name) > 1)


def _column(store: GraphStore, query: str, ids: list[str], column: str) -> list[str]:
    return [str(row[column]) for row in details(store, query, ids)] if ids else []


class StoreConcepts:
    """Concept nodes read from the store as ConceptInfo, each read once."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.cache: dict[str, ConceptInfo | None] = {}

    def get(self, concept_id: str) -> ConceptInfo | None:
        if concept_id not in self.cache:
            rows = details(self.store, "curation.concepts", [concept_id])
            self.cache[concept_id] = concept_info(rows) if rows else None
        return self.cache[concept_id]


def concept_info(rows: list[dict[str, Any]]) -> ConceptInfo:
    """A ConceptInfo from the rows of curation.concepts for one concept."""
    first = rows[0]
    return ConceptInfo(
        str(first["id"]), str(first.get("name") or first["id"]), str(first.get("type") or ""),
        aliases=sorted({a for row in rows for a in _many(row.get("alias"))}),
        broader=sorted({b for row in rows for b in _many(row.get("broader"))}),
        source=str(first.get("origin") or "vocabulary"), curated=_mark(first),
    )


def stored_tags(store: GraphStore, papers: list[str]) -> dict[str, list[ConceptLink]]:
    """Paper id -> its tags as stored (curation.tags), evidence in order."""
    links: dict[tuple[str, str], ConceptLink] = {}
    for row in details(store, "curation.tags", papers):
        key = (str(row["paper"]), str(row["concept"]))
        link = links.get(key)
        if link is None:
            link = links[key] = ConceptLink(
                key[1], str(row.get("name") or key[1]), str(row.get("type") or ""),
                proposed=row.get("role") == "proposed",
                confidence=float(row.get("confidence") or 0.0),
                source=str(row.get("origin") or "vocabulary"), curated=_mark(row),
            )
        columns = [_many(row.get(name)) for name in
                   ("texts", "fields", "starts", "ends", "sentences")]
        for text, field_, start, end, sentence in zip(*columns, strict=False):
            mention = Mention(str(text), str(field_), int(start), int(end), str(sentence))
            if mention not in link.mentions:
                link.mentions.append(mention)
    out: dict[str, list[ConceptLink]] = {}
    for (paper, _), link in sorted(links.items()):
        link.mentions.sort(key=lambda m: (m.field != "title", m.start))
        out.setdefault(paper, []).append(link)
    return out


def _many(value: Any) -> list[Any]:
    """A cell that is one value per row (SPARQL) or a list (Cypher) as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _mark(row: dict[str, Any]) -> Curated | None:
    return Curated(str(row["by"]), str(row["at"])) if row.get("by") else None


# --------------------------------------------------------------------- checks and queue


def store_problem(store: GraphStore, curation: Curation, decision: Decision) -> str | None:
    """What in ``decision`` names nothing in ``store`` (None: all its ids are there)."""
    applied = Applied(curation)
    papers = {decision.paper} if decision.paper else set()
    if decision.action in ("same-paper", "different-papers"):
        papers.add(decision.target)
    found = {str(r["id"]): r for r in details(store, "details.papers", sorted(papers))}
    identity = decision.action in ("same-paper", "different-papers")  # a merged record's id
    missing = [p for p in sorted(papers) if p not in found
               and not (identity and holding(store, p))]
    if missing:
        return f"no paper {missing[0]} in the store"
    if decision.action == "different-papers":
        refused = separation_problem(store, curation, decision)
        if refused:
            return refused
    concepts = set()
    if decision.action in (*CONCEPT_ACTIONS, "reject-mention", "set-role", "confirm-mention"):
        concepts.add(decision.concept)
    if decision.action == "merge-concepts":
        concepts.add(decision.target)
    if decision.action == "add-mention" and decision.concept.startswith("concept:"):
        concepts.add(decision.concept)
    known = {str(r["id"]) for r in details(store, "details.concepts", sorted(concepts))}
    if concepts - known:
        return f"no concept {sorted(concepts - known)[0]} in the store"
    if decision.action in ("reject-mention", "set-role", "confirm-mention"):
        tags = stored_tags(store, [decision.paper]).get(decision.paper, [])
        if applied.concept(decision.concept) not in {link.id for link in tags}:
            return f"{decision.paper} has no tag {decision.concept}"
    if decision.action == "add-mention":
        row = found[decision.paper]
        paper = Paper(title=row.get("title") or "", abstract=row.get("abstract") or "")
        if evidence(paper, decision) is None:
            return (f"the span {decision.start}-{decision.end} is not text of the "
                    f"{decision.field} of {decision.paper}")
    authors = {decision.author} - {""}
    if decision.action == "merge-authors":
        authors.add(decision.target)
    stored = {str(r["id"]) for r in details(store, "details.authors", sorted(authors))}
    if authors - stored:
        return f"no author {sorted(authors - stored)[0]} in the store"
    return None


def review_queue(store: GraphStore, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """The least confident tags nobody has checked by hand yet, with their evidence
    sentence: paper, title, concept, name, type, role, confidence, sentence (the one
    definition the app and `kg curate list --queue` show)."""
    rows = store.query(read(store.dialect, "curation.queue"),
                       {"limit": int(limit), "offset": int(offset)}).records()
    first = first_evidence(store, sorted({str(r["paper"]) for r in rows}),
                           sorted({str(r["concept"]) for r in rows}))
    out = []
    for row in rows:
        item = {key: row.get(key) for key in
                ("paper", "title", "concept", "name", "type", "role", "confidence")}
        item["confidence"] = float(item["confidence"] or 0.0)
        found = first.get((str(row["paper"]), str(row["concept"])), {})
        item["sentence"] = str(found.get("sentence") or "")
        out.append(item)
    return out
