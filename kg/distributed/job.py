"""One Dask export from inputs to part files (see kg/distributed/__init__.py).

Stages, each shown by ``progress(stage, tasks done, tasks)``: ``reading`` (one task per
input file, or per ``range_bytes`` of a big JSON Lines file after ``counting`` its lines so
that messages name the file's own line numbers; the records stay in the workers' memory,
spilled to disk by Dask when short), ``merging`` (components of duplicate records, rounds of
label propagation), ``extracting`` (merge, identities, aliases and spaCy per partition; kept
on the workers) and ``writing`` (every part file and the reductions behind the derived
figures). Lost results are recomputed from their inputs by the scheduler: a worker may die
at any time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import dask
import dask.bag as db
import pandas as pd
from dask import delayed

from kg.build import load_extractor
from kg.bulk import DEFAULT_GRAPH, FORMATS, BulkResult, write_headers, write_scripts
from kg.curation import Curation
from kg.curation.transform import Applied
from kg.distributed import figures
from kg.distributed.concepts import (
    Extracted,
    coined_infos,
    extract_partition,
    linked_stubs,
    mentioned_ids,
    merge_seen,
    seen_concepts,
    union,
)
from kg.distributed.merging import finish, frame, merge
from kg.distributed.parts import (
    MARK,
    Parts,
    authors_part,
    concepts_part,
    counts_part,
    pairs_part,
    papers_part,
    rankings_part,
    stubs_part,
)
from kg.distributed.records import MAX_PARTS, ranges_of, read_file, read_span, spans
from kg.ingest import expand_paths
from kg.model import ConceptInfo
from kg.pipeline import with_broader
from kg.readers import ReadOptions, Rejection
from kg.readers.inputs import count_newlines

PIECE = 2000  # records per partition of merging and extraction
PAPERS_PER_SPLIT = 50_000  # rows of keyed shuffles per output partition, about
RANGE_BYTES = 64 << 20  # a plain JSON Lines file bigger than this is read in ranges

Progress = Callable[[str, int, int], None]  # (stage, tasks done, tasks)


@dataclass
class DaskExport:
    """What a Dask export read and wrote (``result``, as the single-machine export's)."""

    result: BulkResult
    records: int = 0
    rejections: list[Rejection] = field(default_factory=list)


def export_bulk_dask(
    client: Any,
    inputs: Sequence[Path],
    out_dir: Path,
    fmt: str,
    vocabularies: Sequence[Path] = (),
    input_format: str | None = None,
    options: ReadOptions | None = None,
    graph: str = DEFAULT_GRAPH,
    on_rejection: Callable[[Rejection], None] | None = None,
    progress: Progress | None = None,
    range_bytes: int = RANGE_BYTES,
    with_vocabulary: bool = False,
    curation: Curation | None = None,
) -> DaskExport:
    """Bulk files of ``inputs`` in ``out_dir``, computed on the cluster of ``client``: the
    graph `kg export-bulk` (and `kg build`) makes of them, derived figures included, with
    the decisions of ``curation`` applied as kg/pipeline.py applies them (merging, authors,
    tags, concept nodes; the decisions travel to the workers). The workers must read
    ``inputs`` and ``vocabularies`` under the same paths (a shared filesystem) and write
    to ``out_dir``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown bulk format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    files = [str(path) for path in expand_paths(inputs)]
    if len(files) >= MAX_PARTS:
        raise ValueError(f"{len(files)} input files; join them into fewer than {MAX_PARTS}")
    parts = Parts(Path(out_dir), fmt, graph)
    parts.out_dir.mkdir(parents=True, exist_ok=True)
    parts.clear()
    extractor = load_extractor(vocabularies)  # the vocabulary; a bad file fails here, early
    vocabulary = list(extractor.concepts())
    job = _Job(client, parts, tuple(str(Path(v).resolve()) for v in vocabularies), progress,
               range_bytes, curation)
    with dask.config.set({"dataframe.shuffle.method": "tasks",
                          "dataframe.convert-string": False}):
        export = job.run(files, input_format, options, vocabulary, on_rejection,
                         with_vocabulary)
    if not parts.rdf:
        export.result.files += write_headers(parts.out_dir)
        export.result.files += write_scripts(parts.out_dir, cooccurrence=True)
    export.result.files += sorted(p for p in parts.out_dir.iterdir() if MARK in p.name)
    return export


@dataclass
class _Job:
    client: Any
    parts: Parts
    vocabularies: tuple[str, ...]
    progress: Progress | None
    range_bytes: int = RANGE_BYTES
    curation: Curation | None = None
    kept: list[Any] = field(default_factory=list)

    def run(self, files: list[str], input_format: str | None, options: ReadOptions | None,
            vocabulary: list, on_rejection: Callable[[Rejection], None] | None,
            with_vocabulary: bool = False) -> DaskExport:
        export = DaskExport(BulkResult())
        coined: dict = {}
        linked: dict = {}
        mentioned: set[str] = set()
        if files:
            reads = self._reads(files, input_format, options)
            items = self._persist(db.from_delayed(reads), "reading")
            sizes = items.map_partitions(_size).compute()
            export.records = sum(sizes)
            export.rejections = items.map_partitions(_rejections).compute()
            for rejection in export.rejections:  # once, here: workers only return them
                if on_rejection:
                    on_rejection(rejection)
            if export.records:
                (coined, linked), mentioned = self._papers(
                    items, sizes, self._curated(vocabulary, [])[0], export.result)
        # as kg/pipeline.py: the mentioned vocabulary and its broader chain, or all of it
        vocabulary, new = self._curated(vocabulary, coined_infos(coined))
        written = vocabulary if with_vocabulary else with_broader(vocabulary, mentioned, new)
        counts = concepts_part([*written, *new], linked_stubs(linked, coined), mentioned,
                               self.parts)
        export.result.triples += counts.pop("triples")
        export.result.counts.update(counts)
        return export

    def _curated(self, vocabulary: list[ConceptInfo], coined: list[ConceptInfo],
                 ) -> tuple[list[ConceptInfo], list[ConceptInfo]]:
        """The concept nodes as kg/pipeline.py run writes them: the vocabulary curated before
        the papers (concepts added by hand included), the coined ones with all of it."""
        if self.curation is None:
            return vocabulary, coined
        applied = Applied(self.curation)
        first = [i for i in applied.curate_concepts(vocabulary) if i.source != "coined"]
        every = applied.curate_concepts([*vocabulary, *coined])
        return first, [info for info in every if info.source == "coined"]

    def _reads(self, files: list[str], input_format: str | None,
               options: ReadOptions | None) -> list[Any]:
        """One delayed read per file, or per byte range of a big JSON Lines file (whose
        lines are counted first, a task per range, to number them as the file does)."""
        planned = [ranges_of(path, input_format, self.range_bytes) for path in files]
        counts = [delayed(count_newlines)(Path(path), start, end)
                  for path, plan in zip(files, planned, strict=True) if plan
                  for start, end in plan[1]]
        newlines = iter(self._compute({"newlines": counts}, "counting")["newlines"]
                        if counts else [])
        reads = []
        for path, plan in zip(files, planned, strict=True):
            if plan is None:
                reads.append(delayed(read_file)(len(reads), path, input_format, options))
                continue
            fmt, ranges = plan
            counted = [next(newlines) for _ in ranges]
            reads += [delayed(read_span)(len(reads) + i, path, fmt, span, options)
                      for i, span in enumerate(spans(ranges, counted))]
        if len(reads) >= MAX_PARTS:
            raise ValueError(f"{len(reads)} input pieces; give a larger range size")
        return reads

    def _papers(self, items: db.Bag, sizes: list[int], vocabulary: list,
                result: BulkResult) -> tuple[dict, dict]:
        split = max(1, sum(sizes) // PAPERS_PER_SPLIT)
        if self.progress:
            self.progress("merging", 0, 1)
        merged = merge(items, split, partial(_pieces, sizes=sizes), self._keep, self.curation)
        final = finish(merged, split, self.curation)
        extracted = self._persist(final.map_partitions(
            extract_partition, self.vocabularies, curation=self.curation), "extracting")
        outputs = self._outputs(extracted, frozenset(info.id for info in vocabulary), split)
        done = self._compute(outputs, "writing")
        counts = result.counts
        for part in done["papers"]:
            result.skipped_duplicates += part["skipped"]
            result.triples += part["triples"]
            for key in ("papers", "authored_by", "mentions"):
                counts[key] += part[key]
        if self.parts.rdf:
            result.triples += sum(done["pairs"]) + sum(done["counts"]) + done["rankings"]
        counts["co_occurs"] = int(done["pair_count"])
        counts["authors"] = int(done["authors"])
        counts["cites"] = int(done["cites"])
        return done["concepts"], done["mentioned"]

    def _outputs(self, extracted: db.Bag, vocabulary: frozenset[str], split: int,
                 ) -> dict[str, Any]:
        """Every delayed result of the writing stage, by name."""
        parts = self.parts
        chunks = extracted.to_delayed()
        out: dict[str, Any] = {
            "papers": [delayed(papers_part)(part, i, parts) for i, part in enumerate(chunks)],
            "concepts": extracted.reduction(partial(seen_concepts, vocabulary=vocabulary),
                                            merge_seen, split_every=8),
            "mentioned": extracted.reduction(mentioned_ids, union, split_every=8),
        }
        pairs = figures.pairs(frame(extracted, figures.pair_rows,
                                    {"a": "object", "b": "object", "w": "int64"}), split)
        out["pairs"] = [delayed(pairs_part)(p, i, parts) for i, p in enumerate(pairs.to_delayed())]
        out["pair_count"] = pairs.map_partitions(len).sum()
        if parts.rdf:
            counts = figures.counts(frame(extracted, figures.count_rows, {
                "concept": "object", "year": "int64", "n": "int64"}), split)
            out["counts"] = [delayed(counts_part)(p, i, parts)
                             for i, p in enumerate(counts.to_delayed())]
            out["rankings"] = delayed(rankings_part)(
                figures.ranked(pairs), figures.hubs(pairs, split), parts)
        authors = frame(extracted, _author_rows, {"id": "object", "name": "object",
                                                  "o": "int64", "pos": "int64"})
        first = (authors.map_partitions(_first_name, meta=authors._meta)
                 .shuffle("id", npartitions=split)
                 .map_partitions(_first_name, meta=authors._meta))
        out["authors"] = first.map_partitions(len).sum()
        refs = frame(extracted, _ref_rows, {"ref": "object"})
        ids = frame(extracted, _id_rows, {"id": "object", "known": "int64"})
        cited = refs.merge(ids, how="left", left_on="ref", right_on="id")
        out["cites"] = cited.known.sum()
        if not parts.rdf:
            out["author_files"] = [delayed(authors_part)(p, i, parts)
                                   for i, p in enumerate(first.to_delayed())]
            stubs = (cited[cited.known.isna()][["ref"]].shuffle("ref", npartitions=split)
                     .map_partitions(pd.DataFrame.drop_duplicates, meta=refs._meta))
            out["stubs"] = [delayed(stubs_part)(p, i, parts)
                            for i, p in enumerate(stubs.to_delayed())]
        return out

    def _compute(self, outputs: dict[str, Any], stage: str) -> dict[str, Any]:
        """Compute the named delayed results (or lists of them) on the cluster at once."""
        names, flat = [], []
        for name, value in outputs.items():
            items = value if isinstance(value, list) else [value]
            names += [(name, isinstance(value, list))] * len(items)
            flat += items
        futures = [self.client.compute(item) for item in flat]  # (one call may reorder)
        self._track(futures, stage)
        done: dict[str, Any] = {name: [] for name, many in names if many}
        for (name, many), value in zip(names, self.client.gather(futures), strict=True):
            if many:
                done[name].append(value)
            else:
                done[name] = value
        return done

    def _persist(self, collection: Any, stage: str) -> Any:
        """``collection`` computed and kept on the workers, with the stage's progress."""
        from distributed import futures_of

        kept = self._keep(collection)
        self._track(futures_of(kept), stage)
        return kept

    def _keep(self, collection: Any) -> Any:
        """Persist ``collection`` and hold it until the job ends: the scheduler can only
        recompute a result lost with a worker while what it was computed from is held."""
        kept = self.client.persist(collection)
        self.kept.append(kept)
        return kept

    def _track(self, futures: list, stage: str) -> None:
        """Report progress as the stage's tasks finish; errors surface at gather/compute."""
        from distributed import as_completed

        if not self.progress:
            return
        self.progress(stage, 0, len(futures))
        for done, _ in enumerate(as_completed(futures), start=1):
            self.progress(stage, done, len(futures))


def _size(part: list) -> list[int]:
    return [sum(not isinstance(item, Rejection) for item in part)]


def _rejections(part: list) -> list[Rejection]:
    return [item for item in part if isinstance(item, Rejection)]


def _pieces(bag: db.Bag, sizes: list[int]) -> db.Bag:
    """``bag`` cut into partitions of about PIECE records (``sizes``: records per partition),
    so that one big input file is still merged and extracted by every worker."""
    pieces = []
    for part, size in zip(bag.to_delayed(), sizes, strict=True):
        count = max(1, -(-size // PIECE))
        pieces += [delayed(_slice)(part, i, count) for i in range(count)]
    return db.from_delayed(pieces)


def _slice(items: list, index: int, count: int) -> list:
    return items[index * len(items) // count : (index + 1) * len(items) // count]


def _author_rows(part: list[Extracted], index: int) -> list[tuple]:
    return [(author.id, author.name, order, position)
            for order, paper, written, _ in part if written
            for position, author in enumerate(paper.authors)]


def _first_name(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per author id: the name of its first occurrence in input order, as the
    single-machine writer keeps it."""
    return rows.sort_values(["o", "pos"], kind="stable").drop_duplicates("id")


def _ref_rows(part: list[Extracted], index: int) -> list[tuple[str]]:
    return [(ref,) for _, paper, written, _ in part if written
            for ref in dict.fromkeys(paper.references) if ref]


def _id_rows(part: list[Extracted], index: int) -> list[tuple[str, int]]:
    return [(paper.id, 1) for _, paper, written, _ in part if written]
