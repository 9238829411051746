"""`kg export-bulk`: papers → concepts → bulk-loader files (neo4j-admin CSV, N-Triples, N-Quads)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.bulk import DEFAULT_GRAPH, FORMATS, export_bulk
from kg.cli.options import (
    BatchSize,
    CurationFile,
    Inputs,
    Jobs,
    Shard,
    Vocabulary,
    WithVocabulary,
    Year,
    errors_reported,
    known_format,
)
from kg.cli.output import err, fail, load_curation, print_summary, report_refused, report_rejection
from kg.ingest import iter_records, stream_papers
from kg.model import Paper
from kg.readers import Note, ReadOptions, Rejection
from kg.shard import ShardError, parse_shard

if TYPE_CHECKING:
    from kg.curation import Curation

EXPORT_INTERRUPTED = "the files are incomplete: run the same command again"


def _streamed(
    inputs: list[Path], fmt: str | None, options: ReadOptions, counts: dict[str, int]
) -> Iterator[Paper]:
    """Records as they are read, without merging (inputs already free of duplicates)."""
    for record in iter_records(inputs, fmt, options):
        if isinstance(record, Rejection):
            counts["rejected"] += not isinstance(record, Note)
            report_rejection(record)
        else:
            counts["records"] += 1
            yield record


def export_bulk_command(
    inputs: Inputs,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Directory for the files (created; shards may share one)."
    )],
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="Output: " + ", ".join(FORMATS) + "."
    )] = "ntriples",
    jobs: Jobs = 1,
    shard: Shard = None,
    vocabulary: Vocabulary = None,
    with_vocabulary: WithVocabulary = False,
    input_format: Annotated[str | None, typer.Option(
        "--input-format", help="Input format, overriding detection (as `kg ingest -f`).",
        callback=known_format,
    )] = None,
    year: Year = None,
    stream: Annotated[bool, typer.Option(
        "--stream", help="Do not merge duplicate records: one pass, nothing held per "
        "paper, for inputs already deduplicated (a repeated paper id is skipped)."
    )] = False,
    graph: Annotated[str, typer.Option(
        "--graph", help="Graph IRI of N-Quads output."
    )] = DEFAULT_GRAPH,
    batch_size: BatchSize = 256,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="SCHEDULER", help="Run as a Dask job: local:N (N worker "
        "processes here), a scheduler address (tcp://HOST:8786) or a scheduler file (.json). "
        "Needs paper-kg[dask]; inputs and -o on a filesystem every worker sees."
    )] = None,
    range_size: Annotated[str, typer.Option(
        "--range-size", metavar="SIZE", help="With --dask: a plain JSON Lines file bigger "
        "than this is read in ranges of this size, one task each (e.g. 64M, 512K, 1G)."
    )] = "64M",
    curation: CurationFile = None,
) -> None:
    """Write bulk-loader files instead of writing to a store: neo4j-admin import CSVs, or N-Triples / N-Quads for Oxigraph, Virtuoso, QLever and other SPARQL stores.

    The files hold the same graph `kg build` writes. With --shard I/N several machines each write one slice of the same input into part files that load together without duplicates; run the post-load file (post-load.sh runs `kg refresh`; post-load.cypher) once after loading every part. With --dask the whole job (merging duplicates and the derived figures included) runs on a Dask cluster and the part files need no post-load step. See docs/SCALING.md.
    """  # noqa: E501
    if fmt not in FORMATS:
        raise fail(f"unknown --format {fmt!r}", f"choose one of: {', '.join(FORMATS)}")
    try:
        slice_ = parse_shard(shard) if shard else None
    except ShardError as error:
        raise fail(str(error), "e.g. --shard 1/4 on the first of four machines") from None
    for path in [*inputs, *(vocabulary or [])]:
        if not path.exists():
            raise fail(f"no such file or directory: {path}", "check the path and run again")
    if output.exists() and not output.is_dir():
        raise fail(f"{output} is a file", "give a directory with -o")
    options = ReadOptions(year=year)
    try:
        range_bytes = parse_size(range_size)
    except ValueError:
        raise fail(f"--range-size {range_size!r} is not a size", "e.g. 64M, 512K or 1G") from None
    decisions, bad_lines = load_curation(curation, required=curation is not None)
    if dask is not None:
        if slice_ or stream or jobs > 1:
            raise fail("--dask cannot be combined with --shard, --stream or --jobs",
                       "the cluster partitions, merges and parallelises the job itself")
        _export_on_dask(dask, inputs, output, fmt, vocabulary or [], input_format, options,
                        graph, with_vocabulary, range_bytes, decisions)
        if bad_lines:
            raise typer.Exit(1)
        return
    counts = {"records": 0, "rejected": 0}

    def reject(rejection: Rejection) -> None:
        counts["rejected"] += 1
        report_rejection(rejection)

    with errors_reported("--input-format", EXPORT_INTERRUPTED, output):
        from kg.build import load_extractor
        from kg.curation.transform import Applied, extractor_lookup

        extractor = load_extractor(vocabulary)
        applied = Applied(decisions, extractor_lookup(extractor)) if decisions else None
        papers: Iterable[Paper]
        if stream:
            papers = _streamed(inputs, input_format, options, counts)
        else:
            read = stream_papers(inputs, input_format, options, on_rejection=report_rejection,
                                 curation=applied)
            counts.update(records=read.records, rejected=len(read.rejections))
            papers = read
        progress = Progress(
            TextColumn("exporting {task.completed} papers"), TimeElapsedColumn(), console=err
        )
        task = progress.add_task("export", total=None)
        with progress:
            result = export_bulk(
                papers,
                output,
                fmt,
                extractor,
                shard=slice_,
                jobs=jobs,
                batch_size=batch_size,
                graph=graph,
                progress=lambda done, _total: progress.update(task, completed=done),
                on_rejection=reject,
                with_vocabulary=with_vocabulary,
                curation=applied,
            )
    rows = [("records read", counts["records"]), ("rejected records", counts["rejected"])]
    print_summary(f"kg export-bulk ({fmt})", rows + result.summary_rows())
    if applied:
        bad_lines += report_refused(decisions, applied.rules.refused)
    err.print(f"wrote {len(result.files)} files to {output}", highlight=False)
    if result.cooccurrence_deferred:
        post = "post-load.cypher" if fmt == "neo4j-csv" else "post-load.sh STORE"
        err.print(f"CO_OCCURS is left to {output / post}: run it once after loading all parts",
                  highlight=False)
    if counts["rejected"] or bad_lines:
        raise typer.Exit(1)


def _export_on_dask(
    scheduler: str, inputs: list[Path], output: Path, fmt: str, vocabulary: list[Path],
    input_format: str | None, options: ReadOptions, graph: str, with_vocabulary: bool,
    range_bytes: int, curation: Curation | None = None,
) -> None:
    """`kg export-bulk --dask`: kg/distributed on the cluster named by ``scheduler``."""
    try:
        from kg.distributed.cluster import ClusterError, connect
        from kg.distributed.job import export_bulk_dask
    except ImportError as error:
        raise fail(f"--dask needs Dask ({error.name} is not installed)",
                   "pip install 'paper-kg[dask]'") from None
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err)
    task = progress.add_task("starting the cluster", total=None)

    def advance(stage: str, done: int, total: int) -> None:
        progress.update(task, description=f"{stage} (tasks)", completed=done, total=total)

    with errors_reported("--input-format", EXPORT_INTERRUPTED, output):
        try:
            with progress, connect(scheduler) as client:
                export = export_bulk_dask(
                    client, inputs, output, fmt, vocabulary, input_format, options, graph,
                    on_rejection=report_rejection, progress=advance,
                    with_vocabulary=with_vocabulary, range_bytes=range_bytes,
                    curation=curation,
                )
        except ClusterError as error:
            raise fail(str(error), "e.g. --dask local:2, or the address `dask scheduler` "
                       "prints") from None
    rejected = [r for r in export.rejections if not isinstance(r, Note)]
    rows = [("records read", export.records), ("rejected records", len(rejected))]
    print_summary(f"kg export-bulk ({fmt})", rows + export.result.summary_rows())
    err.print(f"wrote {len(export.result.files)} files to {output} on Dask "
              "(derived figures included)", highlight=False)
    if rejected:
        raise typer.Exit(1)


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int:
    """Bytes of a size such as ``64M``, ``512K``, ``1G`` or ``4096`` (binary units)."""
    value = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = value[-1:] if value[-1:] in _UNITS else ""
    number = int(value[: len(value) - len(unit)])
    if number <= 0:
        raise ValueError(text)
    return number * _UNITS[unit]
