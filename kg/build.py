"""`kg build`: ingest → extract → write to a store, in batches, then refresh CO_OCCURS.

Of the vocabulary (extract/data/vocabulary.csv and --vocabulary files) a build writes the
concepts its papers mention and the broader chain above them, which "the papers about X"
walks down (kg/queries concepts-under); the rest stays out of the store unless asked for
(``with_vocabulary``, `kg build --with-vocabulary`). Every query that lists or counts
concepts also checks for a mention, so a store holding the whole vocabulary (built with
that option or before it existed) gives the same answers.

Every step is idempotent, so a build that was interrupted is finished by running it again,
and building the same input twice leaves the graph unchanged. The summary compares the
store's counts before and after: what was added vs what was already there. One paper never
ends a build: a record that cannot be read, extracted (kg/extraction.py) or written is
rejected with its file and line, and the others are written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.extraction import extract_isolated, rejection
from kg.ingest import stream_papers
from kg.readers import ReadOptions, Rejection
from kg.readers.base import unexpected
from kg.shard import in_shard
from kg.stores import GraphStore, OpenMode, PaperGraph, open_store
from kg.stores.base import COUNT_KEYS

if TYPE_CHECKING:
    from kg.extract import Extractor
    from kg.model import ConceptInfo, Paper

Progress = Callable[[int, int], None]  # (papers written so far, total papers)
Report = Callable[[Rejection], None]


@dataclass
class BuildResult:
    before: dict[str, int]
    after: dict[str, int]
    records: int = 0
    papers: int = 0
    new_papers: int = 0
    merged_duplicates: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)  # read, but not all of it

    def added(self) -> dict[str, int]:
        return {key: self.after.get(key, 0) - self.before.get(key, 0) for key in COUNT_KEYS}

    def summary_rows(self) -> list[tuple[str, int, int, int]]:
        """(what, before, after, added) for the closing table; records/papers first."""
        rows = [
            ("records read", 0, self.records, self.records),
            ("papers in input", 0, self.papers, self.papers),
            ("merged duplicates", 0, self.merged_duplicates, self.merged_duplicates),
            ("rejected records", 0, len(self.rejections), len(self.rejections)),
        ]
        added = self.added()
        rows += [(key, self.before[key], self.after[key], added[key]) for key in COUNT_KEYS]
        return rows

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "papers": self.papers,
            "new_papers": self.new_papers,
            "already_present": self.papers - self.new_papers,
            "merged_duplicates": self.merged_duplicates,
            "rejected": len(self.rejections),
            "warnings": len(self.warnings),
            "before": self.before,
            "after": self.after,
            "added": self.added(),
        }


def load_extractor(vocabularies: Sequence[Path] | None = None) -> Extractor:
    """Import lazily: spaCy is only loaded by commands that extract."""
    from kg.extract import Extractor

    return Extractor(list(vocabularies) if vocabularies else None)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def build(
    inputs: Sequence[Path],
    store: str | GraphStore | None = None,
    fmt: str | None = None,
    options: ReadOptions | None = None,
    vocabularies: Sequence[Path] | None = None,
    jobs: int = 1,
    batch_size: int = 256,
    progress: Progress | None = None,
    on_rejection: Report | None = None,
    extractor: Extractor | None = None,
    shard: tuple[int, int] | None = None,
    reading: Callable[[int], None] | None = None,
    with_vocabulary: bool = False,
    on_warning: Report | None = None,
) -> BuildResult:
    """Build (or extend) the graph in ``store`` (a URI or an open store, left open) from
    ``inputs``; returns counts before/after. ``shard`` = (i, n) keeps only the papers of slice
    i of n (kg/shard.py), before extraction. ``reading`` is told how many records the first
    pass over the inputs has read, ``progress`` how many papers are written; ``on_rejection``
    of each record rejected (read, extracted or written), ``on_warning`` of each record read
    only in part. ``with_vocabulary`` writes every vocabulary concept, not only the mentioned
    ones and their broader chain. Raises StoreError / UnknownFormat / InputChanged."""
    with _opened(store, "create") as opened:
        return _build(
            opened, inputs, fmt, options, vocabularies, jobs, batch_size, progress,
            on_rejection, extractor, shard, reading, with_vocabulary, on_warning,
        )


def with_broader(concepts: Iterable[ConceptInfo], ids: Iterable[str]) -> list[ConceptInfo]:
    """The concepts of ``ids`` found in ``concepts`` and every concept above them (their
    broader chain, as far as ``concepts`` has it), in id order: what a build writes of the
    vocabulary, so that "the papers about X" can walk from X down to what papers mention."""
    by_id = {concept.id: concept for concept in concepts}
    wanted: set[str] = set()
    todo = [cid for cid in ids if cid in by_id]
    while todo:
        cid = todo.pop()
        if cid not in wanted:
            wanted.add(cid)
            todo += [b for b in by_id[cid].broader if b in by_id and b not in wanted]
    return [by_id[cid] for cid in sorted(wanted)]


def refresh(store: str | GraphStore | None = None) -> dict[str, int]:
    """Recompute everything derived from the mentions (CO_OCCURS, concept counts; see
    kg/derived.py) over the whole graph, e.g. after loading bulk files; returns the counts."""
    with _opened(store, "write") as opened:
        with opened.deferred_writes():
            opened.update_cooccurrence(None)
        return opened.counts()


@contextmanager
def _opened(store: str | GraphStore | None, mode: OpenMode) -> Iterator[GraphStore]:
    """An open store given as one (left open) or as a URI (opened here, closed after)."""
    opened = store if isinstance(store, GraphStore) else open_store(store, mode)
    try:
        yield opened
    finally:
        if opened is not store:
            opened.close()


def stored_id(store: GraphStore, paper: Paper) -> str | None:
    """The id of a paper already in the store under another id (first seen by title, now
    with its arXiv id or DOI): it keeps that id, so an incremental build extends its node."""
    found = store.named(
        "paper-id", {"doi": paper.doi or "", "arxiv": paper.arxiv_id or "", "title": paper.title}
    )
    ids = [str(row[0]) for row in found.rows]
    return ids[0] if ids and paper.id not in ids else None


def _build(
    store: GraphStore,
    inputs: Sequence[Path],
    fmt: str | None,
    options: ReadOptions | None,
    vocabularies: Sequence[Path] | None,
    jobs: int,
    batch_size: int,
    progress: Progress | None,
    on_rejection: Report | None,
    extractor: Extractor | None,
    shard: tuple[int, int] | None = None,
    reading: Callable[[int], None] | None = None,
    with_vocabulary: bool = False,
    on_warning: Report | None = None,
) -> BuildResult:
    before = store.counts()
    # a first pass over the inputs finds duplicates (and, in a store that has papers, the
    # ids they are stored under) keeping only keys; extraction and writing then stream.
    # The shard is taken after merging, so a paper's records never land in two slices
    read = stream_papers(
        inputs, fmt, options, on_rejection,
        keep=None if shard is None else (lambda paper_id: in_shard(paper_id, *shard)),
        stored_id=(lambda paper: stored_id(store, paper)) if before.get("papers") else None,
        on_read=reading,
    )
    extractor = extractor or load_extractor(vocabularies)
    vocabulary = [info for info in extractor.concepts() if info.source != "coined"]
    if with_vocabulary:
        store.write_concepts(vocabulary)
    result = BuildResult(
        before, before, read.records, len(read), 0, read.merged_duplicates, read.rejections
    )

    def reject(record: Rejection) -> None:
        result.rejections.append(record)
        if on_rejection:
            on_rejection(record)

    def warn(record: Rejection) -> None:
        result.warnings.append(record)
        if on_warning:
            on_warning(record)

    touched: set[str] = set()
    done = 0
    if progress:
        progress(0, len(read))
    pairs = extract_isolated(extractor, read, jobs, batch_size, reject, warn)
    writer = IsolatedWriter(store, reject)
    with store.deferred_writes():
        for batch in batched(pairs, max(1, batch_size)):
            graphs = [PaperGraph(paper, found.concepts) for paper, found in batch]
            result.new_papers += writer.write(graphs)
            touched.update(link.id for graph in graphs for link in graph.concepts)
            done += len(batch)
            if progress:
                progress(done, len(read))
        # the mentioned vocabulary concepts with their broader chain (written after the
        # papers: only now is it known what they mention), and the coined concepts with the
        # aliases seen during this run
        mentioned = [] if with_vocabulary else with_broader(vocabulary, touched)
        coined = [info for info in extractor.concepts() if info.source == "coined"]
        store.write_concepts([*mentioned, *coined])
        store.update_cooccurrence(sorted(touched))
    result.after = store.counts()
    return result


class IsolatedWriter:
    """Writes batches of papers to a store; a batch the store refuses is written again paper
    by paper, and only the papers it still refuses are rejected. When every paper of a batch
    fails, rewriting a paper written before tells a broken store (the error is raised: a
    server gone, a full disk) from bad papers (rejected)."""

    def __init__(self, store: GraphStore, reject: Report) -> None:
        self.store, self.reject = store, reject
        self.probe: PaperGraph | None = None  # a paper this store has written

    def write(self, graphs: list[PaperGraph]) -> int:
        """Write ``graphs``; returns how many papers were new."""
        try:
            added = self.store.write_papers(graphs).added.get("papers", 0)
        except Exception as error:
            return self._one_by_one(graphs, error)
        self.probe = graphs[-1] if graphs else self.probe
        return added

    def _one_by_one(self, graphs: list[PaperGraph], error: Exception) -> int:
        added, failed = 0, []
        for graph in graphs:
            try:
                added += self.store.write_papers([graph]).added.get("papers", 0)
                self.probe = graph
            except Exception as failure:  # this paper's own failure, or the store's
                failed.append((graph, failure))
        if failed and len(failed) == len(graphs) and not self._store_writes():
            raise error
        for graph, failure in failed:
            self.reject(rejection(graph.paper, f"could not be written ({unexpected(failure)}); "
                                               "the other papers were"))
        return added

    def _store_writes(self) -> bool:
        if self.probe is None:
            return False
        try:
            self.store.write_papers([self.probe])
        except Exception:  # the store itself fails
            return False
        return True
