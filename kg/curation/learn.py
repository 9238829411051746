"""Learning from curation: how often the extractor would have been right on what reviewers
corrected (`kg eval --curation`), and the reviewed papers as training examples in the gold
format of extract/data/gold (`kg curate export --training`).

Scoring runs the extractor again on the papers the decisions name (their stored title and
abstract) and compares with the decisions: a rejected tag it still gives is a false
positive, a tag added by hand that it misses a false negative, a confirmed tag (or one whose
role was set) it gives a true positive; set-role and set-type decisions score its labels
(right when its role or type equals the reviewer's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.curation.decisions import Curation, Decision
from kg.curation.store import stored_tags
from kg.curation.transform import Applied, concept_id_of, extractor_lookup
from kg.details import details
from kg.model import ConceptLink, Paper

if TYPE_CHECKING:
    from kg.extract import Extractor
    from kg.stores.base import GraphStore

PAPER_LEVEL = ("reject-mention", "confirm-mention", "set-role", "add-mention")


@dataclass
class Counts:
    right: int = 0
    wrong: int = 0
    missed: int = 0

    def row(self, name: str, kind: str) -> list[Any]:
        found = self.right + self.wrong
        expected = self.right + self.missed
        precision = round(self.right / found, 3) if found else None  # None: nothing to score
        recall = round(self.right / expected, 3) if expected else None
        f1 = (round(2 * precision * recall / (precision + recall), 3)
              if precision and recall else None)
        return [name, kind, self.right, self.wrong, self.missed, precision, recall, f1]


def reviewed_papers(curation: Curation) -> list[str]:
    """The papers some decision about their tags names, in id order."""
    return sorted({d.paper for d in curation.decisions if d.action in PAPER_LEVEL})


def score_curation(store: GraphStore, curation: Curation, extractor: Extractor) -> list[list]:
    """Rows (set, type, tp, fp, fn, precision, recall, f1) of the extractor against the
    corrections: "tags" (concepts per paper), "role" and "type" (labels; fn unused)."""
    applied = Applied(curation, extractor_lookup(extractor))
    tags, roles, types = Counts(), Counts(), Counts()
    texts = {str(r["id"]): r for r in details(store, "details.papers", reviewed_papers(curation))}
    for paper_id, row in sorted(texts.items()):
        paper = Paper(title=row.get("title") or "", abstract=row.get("abstract") or "",
                      stored_id=paper_id)
        found = _found(applied, extractor.extract_one(paper).concepts)
        for decision in (d for d in curation.decisions if d.paper == paper_id):
            _score_tag(decision, applied, found, tags, roles)
        for cid, link in found.items():
            if cid in applied.stopped:
                tags.wrong += 1
            typed = applied.types.get(cid)
            if typed is not None:
                types.right += link.type == typed.value
                types.wrong += link.type != typed.value
    return [tags.row("curation", "tags"), roles.row("curation", "role"),
            types.row("curation", "type")]


def _found(applied: Applied, links: Iterable[ConceptLink]) -> dict[str, ConceptLink]:
    """The extractor's tags by concept id after the merges in force (a merge is a naming
    decision, not an extraction error)."""
    return {applied.concept(link.id): link for link in links}


def _score_tag(decision: Decision, applied: Applied, found: dict[str, ConceptLink],
               tags: Counts, roles: Counts) -> None:
    cid = applied.concept(concept_id_of(decision.concept))
    link = found.get(cid)
    if decision.action == "reject-mention":
        tags.wrong += link is not None
    elif link is None:
        tags.missed += 1
    else:
        tags.right += 1
        if decision.action == "set-role":
            same = link.proposed == (decision.value == "proposed")
            roles.right += same
            roles.wrong += not same


def training_examples(store: GraphStore, curation: Curation) -> list[dict[str, Any]]:
    """The reviewed papers as gold lines (extract/data/gold format, split "train", with the
    paper's own title and abstract so they need no seed page): their tags as curated, those
    a decision names with confidence "high", the others (nobody looked at) "low", which
    scoring with --confidence high treats as optional."""
    papers = reviewed_papers(curation)
    texts = {str(r["id"]): r for r in details(store, "details.papers", papers)}
    curated = stored_tags(store, sorted(texts))
    applied = Applied(curation)
    lines = []
    for paper_id in sorted(texts):
        named = {applied.concept(concept_id_of(d.concept))
                 for d in curation.decisions if d.paper == paper_id}
        concepts = [{
            "name": link.name, "type": link.type, "proposed": link.proposed,
            "surface": sorted({m.text for m in link.mentions}),
            "confidence": "high" if link.id in named or link.curated else "low",
        } for link in curated.get(paper_id, [])]
        lines.append({"id": f"curated-{paper_id}", "title": texts[paper_id].get("title") or "",
                      "abstract": texts[paper_id].get("abstract") or "", "split": "train",
                      "concepts": concepts})
    return lines
