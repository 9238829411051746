"""`kg build`: ingest → extract → write to a store (kg/pipeline.py), then refresh the
derived figures.

Of the vocabulary (extract/data/vocabulary.csv and --vocabulary files) a build writes the
concepts its papers mention and the broader chain above them, which "the papers about X"
walks down (kg/queries concepts-under); the rest stays out of the store unless asked for
(``with_vocabulary``, `kg build --with-vocabulary`). Every query that lists or counts
concepts also checks for a mention, so a store holding the whole vocabulary (built with
that option or before it existed) gives the same answers.

A paper the store already holds (by DOI, arXiv id or title) is merged with the new record
of it (kg/stored.py), never written over. Every step is idempotent, so a build that was
interrupted is finished by running it again,
and building the same input twice leaves the graph unchanged. The summary compares the
store's counts before and after: what was added vs what was already there. One paper never
ends a build: a record that cannot be read, extracted (kg/extraction.py) or written is
rejected with its file and line, and the others are written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.extractor_settings import record_extractor
from kg.ingest import stream_papers
from kg.pipeline import Progress, Report, run
from kg.readers import ReadOptions, Rejection
from kg.shard import in_shard
from kg.stored import Matched, find_stored, remove_joined, with_stored
from kg.stores import GraphStore, OpenMode, open_store
from kg.stores.base import COUNT_KEYS

if TYPE_CHECKING:
    from kg.curation import Curation, Decision
    from kg.extract import Extractor


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
    unused: list[Decision] = field(default_factory=list)  # curation decisions naming nothing
    refused: dict[Decision, str] = field(default_factory=dict)  # decisions that cannot apply: why

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
    curation: Curation | None = None,
) -> BuildResult:
    """Build (or extend) the graph in ``store`` (a URI or an open store, left open) from
    ``inputs``; returns counts before/after. ``shard`` = (i, n) keeps only the papers of slice
    i of n (kg/shard.py), before extraction. ``reading`` is told how many records the first
    pass over the inputs has read, ``progress`` how many papers are written; ``on_rejection``
    of each record rejected (read, extracted or written), ``on_warning`` of each record read
    only in part. ``with_vocabulary`` writes every vocabulary concept, not only the mentioned
    ones and their broader chain; ``curation``: the decisions applied to what is written
    (kg/curation; the ones that named nothing are in ``BuildResult.unused``, those that
    cannot apply in ``BuildResult.refused``). Raises
    StoreError / UnknownFormat / InputChanged."""
    with _opened(store, "create") as opened:
        before = opened.counts()
        extractor = extractor or load_extractor(vocabularies)
        applied = None
        if curation is not None:
            from kg.curation.transform import Applied, extractor_lookup

            applied = Applied(curation, extractor_lookup(extractor))
        # a first pass over the inputs finds duplicates (and, in a store that has papers, the
        # ids they are stored under) keeping only keys; extraction and writing then stream,
        # each paper the store holds merged into the stored one (kg/stored.py).
        # The shard is taken after merging, so a paper's records never land in two slices
        rules = applied.rules if applied else None
        matched = Matched()  # stored papers several papers of the inputs are, or join
        read = stream_papers(
            inputs, fmt, options, on_rejection,
            keep=None if shard is None else (lambda paper_id: in_shard(paper_id, *shard)),
            stored_ids=(lambda papers: find_stored(opened, papers, rules, matched))
            if before.get("papers") else None,
            on_read=reading, curation=applied,
        )
        result = BuildResult(
            before, before, read.records, read.distinct_papers, 0,
            read.merged_duplicates + sum(map(len, matched.joined.values())), read.rejections,
        )

        def reject(record: Rejection) -> None:
            result.rejections.append(record)
            if on_rejection:
                on_rejection(record)

        def warn(record: Rejection) -> None:
            result.warnings.append(record)
            if on_warning:
                on_warning(record)

        with opened.deferred_writes():
            papers = (with_stored(opened, read, read.aliases, matched)
                      if before.get("papers") else read)
            written = run(
                papers, extractor, opened, jobs=jobs, batch_size=batch_size, total=len(read),
                progress=progress, on_rejection=reject,
                on_warning=warn, with_vocabulary=with_vocabulary, curation=applied,
            )
            if matched.removed:  # stored papers joined into others, now written
                remove_joined(opened, matched.removed)
                written.counts = opened.finish([])
        result.new_papers, result.after = written.new_papers, written.counts
        record_extractor(opened, extractor)  # what extracting its papers again must use
        result.unused = applied.unused() if applied else []
        result.refused = dict(applied.rules.refused) if applied else {}
        return result


def refresh(store: str | GraphStore | None = None, migrate: bool = False) -> dict[str, int]:
    """Recompute everything derived from the mentions (CO_OCCURS, concept counts; see
    kg/derived.py) over the whole graph, e.g. after loading bulk files, and rebuild the
    full-text index (kg/side_index.py) from the store; returns the counts. ``migrate``:
    first rewrite a store of an older graph format in place (GraphStore.migrate)."""
    with _opened(store, "write", check_format=not migrate) as opened:
        if migrate:
            opened.migrate()
        with opened.deferred_writes():
            opened.refresh_derived(None)
        opened.sync_side_index(full=True)
        return opened.counts()


@contextmanager
def _opened(
    store: str | GraphStore | None, mode: OpenMode, check_format: bool = True
) -> Iterator[GraphStore]:
    """An open store given as one (left open) or as a URI (opened here, closed after)."""
    opened = (store if isinstance(store, GraphStore)
              else open_store(store, mode, check_format=check_format))
    try:
        yield opened
    finally:
        if opened is not store:
            opened.close()
