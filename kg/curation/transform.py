"""The decisions in force as transforms of the one flow (kg/pipeline.py run):

- at ingest (kg/ingest.py, kg/merge.py): ``same-paper`` / ``different-papers`` decide which
  records are one paper (``PaperRules``), ``merge-authors`` / ``split-author`` give authors
  their ids (``curate_authors``);
- after extraction: ``curate_links`` turns the extractor's tags of one paper into the curated
  ones (reject, stop, merge, rename, type, role, confirm, add with evidence), and
  ``curate_concepts`` the concept nodes (type, name, merged concepts become aliases).

The transforms are idempotent (curating curated tags changes nothing), so a store's current
tags can be curated again when a decision is added (kg/curation/store.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from kg.curation.decisions import Curation, Decision, papers_of_split
from kg.model import ConceptInfo, ConceptLink, Curated, Mention, Paper, PaperConcepts
from kg.normalize import slug

ConceptLookup = Callable[[str], "ConceptInfo | None"]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def extractor_lookup(extractor: Any) -> ConceptLookup:
    """Concepts as an Extractor knows them: its vocabulary, and what it coined so far."""
    vocabulary = {info.id: info for info in extractor.concepts()}
    return lambda cid: vocabulary.get(cid) or getattr(extractor, "coined", {}).get(cid)


def concept_id_of(name_or_id: str) -> str:
    """add-mention's concept: an id as given, a new name as ``concept:<slug>``."""
    return name_or_id if name_or_id.startswith("concept:") else f"concept:{slug(name_or_id)}"


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding ``text[start:end]`` (cut at . ! ? and a space)."""
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    stop = next((m.start() for m in _SENTENCE_END.finditer(text, end)), len(text))
    return text[begin:stop].strip()


def evidence(paper: Paper, decision: Decision) -> Mention | None:
    """The Mention an add-mention decision names in ``paper`` (None: the span is outside)."""
    text = getattr(paper, decision.field, "") or ""
    start, end = decision.start or 0, decision.end or 0
    if end > len(text) or not text[start:end].strip():
        return None
    return Mention(text[start:end], decision.field, start, end, sentence_around(text, start, end))


def _latest(*marks: Curated | None) -> Curated | None:
    found = [mark for mark in marks if mark is not None]
    return max(found, key=lambda mark: mark.at) if found else None


class Applied:
    """A curation compiled for lookups by paper, concept and author; ``used`` collects the
    ids of the decisions that changed something (the others name nothing in this run)."""

    def __init__(self, curation: Curation, lookup: ConceptLookup | None = None) -> None:
        self.curation = curation
        self.lookup: ConceptLookup = lookup or (lambda cid: None)
        self.used: set[str] = set()
        by: dict[str, list[Decision]] = {}
        for decision in curation.decisions:
            by.setdefault(decision.action, []).append(decision)
        self.merged = {d.concept: d for d in by.get("merge-concepts", [])}
        key = self.concept
        self.stopped = {key(d.concept): d for d in by.get("stop-concept", [])}
        self.types = {key(d.concept): d for d in by.get("set-type", [])}
        self.names = {key(d.concept): d for d in by.get("rename-concept", [])}

        def tag(d: Decision) -> tuple[str, str]:
            return d.paper, key(d.concept)

        self.rejected = {tag(d): d for d in by.get("reject-mention", [])}
        self.roles = {tag(d): d for d in by.get("set-role", [])}
        self.confirmed = {tag(d): d for d in by.get("confirm-mention", [])}
        self.by_paper: dict[str, list[Decision]] = {}  # decisions about a paper's tags
        for d in curation.decisions:
            if d.action in ("reject-mention", "set-role", "confirm-mention", "add-mention"):
                self.by_paper.setdefault(d.paper, []).append(d)
        self.added: dict[str, list[Decision]] = {}
        for d in by.get("add-mention", []):
            self.added.setdefault(d.paper, []).append(d)
        self.author_merges = {d.author: d for d in by.get("merge-authors", [])}
        self.splits: dict[str, list[Decision]] = {}
        for d in by.get("split-author", []):
            self.splits.setdefault(d.author, []).append(d)
        self.rules = PaperRules(by.get("same-paper", []), by.get("different-papers", []),
                                self.used)

    def concept(self, concept_id: str) -> str:
        """The concept an id ends up as after the merges in force."""
        while concept_id in self.merged:
            concept_id = self.merged[concept_id].target
        return concept_id

    def _use(self, decision: Decision | None) -> Curated | None:
        if decision is None:
            return None
        self.used.add(decision.id)
        return decision.mark

    # ------------------------------------------------------------------ concepts

    def curate_concepts(self, infos: Iterable[ConceptInfo]) -> list[ConceptInfo]:
        """Concept nodes as the decisions have them: merged concepts gone, their names
        aliases of the target; types and names set; concepts added by hand included."""
        by_id = {info.id: info for info in infos}
        for decision in (d for ds in self.added.values() for d in ds):
            cid = concept_id_of(decision.concept)
            if cid not in by_id and self.lookup(cid) is None:
                by_id[cid] = ConceptInfo(cid, decision.concept, decision.value or "method",
                                         source="curated", curated=decision.mark)
        aliases: dict[str, list[str]] = {}
        for cid in list(by_id):
            target = self.concept(cid)
            if target != cid:
                gone = by_id.pop(cid)
                aliases.setdefault(target, []).extend([gone.name, *gone.aliases])
                self._use(self.merged[cid])
        out = []
        for info in by_id.values():
            out.append(self._curate_info(info, aliases.get(info.id, [])))
        return out

    def _curate_info(self, info: ConceptInfo, extra_aliases: list[str]) -> ConceptInfo:
        typed, named = self.types.get(info.id), self.names.get(info.id)
        merges = [self.merged[a].mark for a in self.merged if self.concept(a) == info.id]
        name = named.value if named else info.name
        aliases = [a for a in dict.fromkeys([*info.aliases, *extra_aliases,
                                             *([info.name] if named else [])]) if a != name]
        broader = list(dict.fromkeys(self.concept(b) for b in info.broader if b))
        return replace(
            info, name=name, type=typed.value if typed else info.type, aliases=aliases,
            broader=[b for b in broader if b != info.id],
            curated=_latest(info.curated, self._use(typed), self._use(named), *merges),
        )

    def concept_view(self, concept_id: str, name: str, type_: str) -> tuple[str, str]:
        """(name, type) of a concept as the decisions have them."""
        named, typed = self.names.get(concept_id), self.types.get(concept_id)
        return (named.value if named else name), (typed.value if typed else type_)

    # ------------------------------------------------------------------ tags of a paper

    def curate_links(self, paper: Paper, links: Iterable[ConceptLink]) -> list[ConceptLink]:
        """One paper's tags as the decisions have them; ``paper.curated`` is set when a
        decision about its tags applies."""
        out: dict[str, ConceptLink] = {}
        marks = [paper.curated, *(d.mark for d in self.by_paper.get(paper.id, []))]
        for link in links:
            cid = self.concept(link.id)
            dropped = self.stopped.get(cid) or self.rejected.get((paper.id, cid))
            if dropped is not None:
                marks.append(self._use(dropped))
                continue
            link = self._curate_link(paper, link, cid)
            if cid in out:
                first = out[cid]
                first.mentions = sorted({*first.mentions, *link.mentions},
                                        key=lambda m: (m.field != "title", m.start))
                first.proposed = first.proposed or link.proposed
                first.confidence = max(first.confidence, link.confidence)
                first.curated = _latest(first.curated, link.curated)
            else:
                out[cid] = link
        for decision in self.added.get(paper.id, []):
            marks.append(self._add(paper, decision, out))
        marks += [link.curated for link in out.values()
                  if link.curated and link.curated != paper.curated]
        paper.curated = _latest(*marks) if any(marks) else None
        return list(out.values())

    def _curate_link(self, paper: Paper, link: ConceptLink, cid: str) -> ConceptLink:
        merged = cid != link.id
        name, type_ = link.name, link.type
        if merged:
            known = self.lookup(cid)
            name, type_ = (known.name, known.type) if known else (name, type_)
        name, type_ = self.concept_view(cid, name, type_)
        role = self.roles.get((paper.id, cid))
        confirmed = self.confirmed.get((paper.id, cid))
        return replace(
            link, id=cid, name=name, type=type_, mentions=list(link.mentions),
            proposed=role.value == "proposed" if role else link.proposed,
            confidence=1.0 if role or confirmed else link.confidence,
            curated=_latest(link.curated, self._use(role), self._use(confirmed)),
        )

    def _add(self, paper: Paper, decision: Decision, out: dict[str, ConceptLink]) -> Curated | None:
        mention = evidence(paper, decision)
        if mention is None:
            return None
        cid = self.concept(concept_id_of(decision.concept))
        if cid in self.stopped:
            return None
        link = out.get(cid)
        if link is None:
            known = self.lookup(cid)
            name = known.name if known else decision.concept
            type_ = decision.value or (known.type if known else "method")
            name, type_ = self.concept_view(cid, name, type_)
            role = self.roles.get((paper.id, cid))
            link = out[cid] = ConceptLink(
                cid, name, type_, proposed=bool(role and role.value == "proposed"),
                confidence=1.0, source=known.source if known else "curated",
            )
        if mention not in link.mentions:
            link.mentions.append(mention)
            link.mentions.sort(key=lambda m: (m.field != "title", m.start))
        link.confidence = 1.0
        link.curated = _latest(link.curated, decision.mark)
        return self._use(decision)

    def curate_stream(
        self, found: Iterable[tuple[Paper, PaperConcepts]]
    ) -> Iterator[tuple[Paper, PaperConcepts]]:
        """The extractor's results of a run (kg/extraction.py), curated paper by paper."""
        for paper, extracted in found:
            links = self.curate_links(paper, extracted.concepts)
            yield paper, PaperConcepts(extracted.id, extracted.title, links)

    # ------------------------------------------------------------------ authors

    def curate_authors(self, paper: Paper) -> None:
        """Give the paper's authors the ids merge-authors / split-author decide."""
        keys = {paper.id, *paper.identity_keys()}
        for author in paper.authors:
            for split in self.splits.get(author.id, []):
                if keys & set(papers_of_split(split)):
                    author.curated_id = f"{author.id}~{split.id}"
                    paper.curated = _latest(paper.curated, self._use(split))
            merged = None
            while author.id in self.author_merges:
                merged = self.author_merges[author.id]
                author.curated_id = merged.target
                self._use(merged)
            if merged is not None:
                paper.curated = _latest(paper.curated, merged.mark)

    def unused(self) -> list[Decision]:
        """The decisions in force that changed nothing in this run (their ids name nothing
        in its input, or the change was made already); refused ones are not among them."""
        return [d for d in self.curation.decisions
                if d.id not in self.used and d not in self.rules.refused]


class PaperRules:
    """same-paper / different-papers for kg/merge.py's PaperIndex: records named by a
    same-paper decision share a key; records on the two sides of a different-papers
    decision never merge."""

    def __init__(self, same: list[Decision], different: list[Decision], used: set[str]) -> None:
        self.used = used
        parent: dict[str, str] = {}

        def root(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        for d in same:
            a, b = sorted((root(d.paper), root(d.target)))
            parent[b] = a
        self.group = {x: root(x) for x in parent} | {root(x): root(x) for x in parent}
        self.same = {x: d for d in same for x in (d.paper, d.target)}
        self.apart = [(d.paper, d.target, d) for d in different]
        self.refused: dict[Decision, str] = {}  # different-papers that cannot separate: why

    def extra_keys(self, paper: Paper) -> list[str]:
        """A shared key for the records a same-paper decision joins."""
        groups = {self.group[key] for key in paper.identity_keys() if key in self.group}
        for key in paper.identity_keys():
            if key in self.same:
                self.used.add(self.same[key].id)
        return [f"same:{group}" for group in sorted(groups)]

    def joined(self, a: Paper, b: Paper) -> bool:
        ga = {self.group[k] for k in a.identity_keys() if k in self.group}
        return bool(ga & {self.group[k] for k in b.identity_keys() if k in self.group})

    def kept_apart(self, a: Paper, b: Paper) -> bool:
        """Whether a different-papers decision separates the two records; one that would
        leave two papers holding the same DOI or arXiv id (one paper id for both: a build
        keeps only one) is refused (``refused``) and the records merge as without it."""
        keys_a, keys_b = set(a.identity_keys()), set(b.identity_keys())
        shared = [k for k in a.identity_keys() if k in keys_b and not k.startswith("title:")]
        for x, y, decision in self.apart:
            if (x in keys_a and y in keys_b) or (y in keys_a and x in keys_b):
                if shared:  # the last merge says it: a build's second pass names sources
                    self.refused[decision] = (
                        f"cannot separate {_records(a)} from {_records(b)}: both carry "
                        f"{' and '.join(shared)}, so as different papers they would be two "
                        "papers with one id")
                    continue
                self.used.add(decision.id)
                return True
        return False


def _records(paper: Paper) -> str:
    """The records of a paper for a message: their ``file:line`` sources, or the title
    where merging numbers them instead (a build's first pass)."""
    if paper.sources and all(":" in source for source in paper.sources):
        return ", ".join(paper.sources)
    return repr(paper.title) if paper.title else paper.id
