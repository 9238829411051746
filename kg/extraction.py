"""Concept extraction over a whole run (`kg build`, `kg extract`, `kg export-bulk`), one paper
never taking the run down.

- A paper whose extraction raises is rejected (file:line and id) and the run goes on: when
  the extractor fails, the papers it held are extracted again one by one, the one that fails
  alone is the culprit, and extraction resumes after it (with its worker pool, for --jobs).
- A text longer than PIECE_CHARS (or than spaCy reads at once, ``nlp.max_length``) is
  extracted in pieces cut at sentence ends, each piece with the paper's title; the pieces'
  concepts are merged back with their offsets shifted into the whole abstract, so evidence
  still satisfies ``paper.abstract[start:end] == text``. A title longer than half a piece is
  read up to there. Both are reported as warnings. Pieces keep the time bounded: the
  extractor's cost grows faster than the text (a 100,000-character abstract takes ~3 s, a
  1,000,000-character one minutes), while real abstracts stay far below PIECE_CHARS.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kg.model import FIELD_SEPARATOR, ConceptLink, Mention, Paper, PaperConcepts
from kg.readers import Rejection
from kg.readers.base import unexpected

if TYPE_CHECKING:
    from kg.extract import Extractor

Report = Callable[[Rejection], None]
PIECE_CHARS = 10_000  # longest text extracted at once (~6x the longest arXiv abstract)
# A sentence end: where a long abstract may be cut (the space after it starts no piece).
_SENTENCE_END = re.compile(r"[.!?]\s")


class _InputFailed(Exception):
    """The papers' own stream raised (InputChanged, a read error): not a paper's fault."""


@dataclass
class _Job:
    """One text handed to the extractor: a paper, or one piece of a paper too long for it."""

    paper: Paper  # the paper as read
    piece: Paper  # what the extractor sees: the paper itself or a copy holding one piece
    number: int  # the paper's position in the run
    offset: int = 0  # where the piece's abstract starts in the paper's abstract
    last: bool = True  # the paper's last piece


@dataclass
class _Assembly:
    """Results of the pieces of the paper being put back together, and failed papers."""

    parts: list[tuple[int, PaperConcepts]] = field(default_factory=list)
    failed: set[int] = field(default_factory=set)


def extract_isolated(
    extractor: Extractor,
    papers: Iterable[Paper],
    jobs: int = 1,
    batch_size: int = 256,
    on_rejection: Report | None = None,
    on_warning: Report | None = None,
) -> Iterator[tuple[Paper, PaperConcepts]]:
    """``extractor.extract(papers, jobs, batch_size)`` with the guarantees of this module:
    (paper, concepts) in input order for every paper but the rejected ones."""
    limit = min(extractor.nlp.max_length, PIECE_CHARS)
    stream = iter(papers)
    pending: deque[_Job] = deque()  # handed to the extractor, result not back yet
    assembly = _Assembly()
    counter = itertools.count()

    def feed() -> Iterator[Paper]:
        while True:
            try:
                paper = next(stream)
            except StopIteration:
                return
            except Exception as error:
                raise _InputFailed from error
            split = _split(paper, next(counter), limit, on_warning)
            pending.extend(split)
            for job in split:
                yield job.piece

    while True:
        try:
            for piece, found in extractor.extract(feed(), jobs=jobs, batch_size=batch_size):
                job = pending.popleft()
                assert job.piece is piece, "the extractor keeps input order"
                yield from _assemble(job, found, assembly)
            return
        except _InputFailed as failed:
            raise failed.__cause__ from None  # type: ignore[misc]
        except Exception:  # one paper's text broke the extractor: find which
            if not pending:
                raise  # nothing was in flight: the extractor itself fails, not a paper
            retry = list(pending)
            pending.clear()
        for job in retry:
            if job.number in assembly.failed:
                continue
            try:
                found = extractor.extract_one(job.piece)
            except Exception as error:  # this paper's own failure
                assembly.failed.add(job.number)
                assembly.parts.clear()
                if on_rejection:
                    on_rejection(rejection(job.paper, f"concept extraction failed "
                                                      f"({unexpected(error)}); not written"))
                continue
            yield from _assemble(job, found, assembly)
        # and the run goes on with the papers after the ones retried


def rejection(paper: Paper, message: str) -> Rejection:
    """A Rejection naming a paper by its first source (file:line) and its id."""
    source = paper.sources[0] if paper.sources else ""
    file, _, line = source.rpartition(":")
    if file and line.isdigit():
        return Rejection(file, f"line {line} (paper {paper.id})", message)
    return Rejection(source or paper.id, f"paper {paper.id}", message)


def _assemble(
    job: _Job, found: PaperConcepts, assembly: _Assembly
) -> Iterator[tuple[Paper, PaperConcepts]]:
    if job.number in assembly.failed:
        return
    if job.piece is job.paper:  # the common case: a paper in one piece
        yield job.paper, found
        return
    assembly.parts.append((job.offset, found))
    if job.last:
        parts, assembly.parts = assembly.parts, []
        yield job.paper, PaperConcepts(job.paper.id, job.paper.title, merge_pieces(parts))


def _split(paper: Paper, number: int, limit: int, on_warning: Report | None) -> list[_Job]:
    """The jobs of one paper: itself, or pieces of at most ``limit`` characters of text."""
    if len(paper.title) + len(FIELD_SEPARATOR) + len(paper.abstract) <= limit:
        return [_Job(paper, paper, number)]
    title = paper.title
    if len(title) > limit // 2:
        title = title[: _cut(title, limit // 2)]
        if on_warning:
            on_warning(rejection(paper, f"the title has {len(paper.title):,} characters; "
                                        f"concepts were taken from its first {len(title):,}"))
    budget = limit - len(title) - len(FIELD_SEPARATOR)
    jobs: list[_Job] = []
    start, text = 0, paper.abstract
    while True:
        end = start + _cut(text[start:], budget)
        piece = copy.copy(paper)
        piece.title, piece.abstract = title, text[start:end]
        jobs.append(_Job(paper, piece, number, start, last=False))
        start = end + 1 if end < len(text) and text[end].isspace() else end
        if start >= len(text):
            break
    jobs[-1].last = True
    if on_warning and len(jobs) > 1:
        on_warning(rejection(paper, f"the abstract has {len(text):,} characters; its concepts "
                                    f"were extracted in {len(jobs)} pieces of at most "
                                    f"{limit:,} characters cut at sentence ends"))
    return jobs


def _cut(text: str, budget: int) -> int:
    """Where to end a piece of ``text`` of at most ``budget`` characters: after the last
    sentence end in its second half, else at its last space, else at the budget."""
    if len(text) <= budget:
        return len(text)
    ends = [m.end() - 1 for m in _SENTENCE_END.finditer(text, budget // 2, budget + 1)]
    if ends:
        return ends[-1]
    space = text.rfind(" ", budget // 2, budget + 1)
    return space if space > 0 else budget


def merge_pieces(parts: list[tuple[int, PaperConcepts]]) -> list[ConceptLink]:
    """The concepts of a paper from those of its pieces (abstract offset, concepts): one link
    per concept, its mentions in order with abstract offsets shifted by the piece's start,
    title mentions once; proposed when any piece says so, the highest confidence."""
    merged: dict[str, ConceptLink] = {}
    seen: dict[str, set[tuple[str, int, int]]] = {}
    for offset, found in parts:
        for link in found.concepts:
            into = merged.setdefault(link.id, replace(link, mentions=[]))
            into.proposed = into.proposed or link.proposed
            into.confidence = max(into.confidence, link.confidence)
            for mention in link.mentions:
                shift = offset if mention.field == "abstract" else 0
                key = (mention.field, mention.start + shift, mention.end + shift)
                if key not in seen.setdefault(link.id, set()):
                    seen[link.id].add(key)
                    into.mentions.append(
                        Mention(mention.text, mention.field, key[1], key[2], mention.sentence)
                    )
    return list(merged.values())
