"""`kg build`: read papers, extract their concepts and write the graph to a store."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from kg.build import BuildResult, build
from kg.cli.cmd_ingest import InputReport
from kg.cli.options import (
    DEFAULT_STORE,
    BatchSize,
    CurationFile,
    Fast,
    InputFormat,
    Inputs,
    Jobs,
    MinConfidence,
    Shard,
    Store,
    Vocabulary,
    WithVocabulary,
    Year,
    errors_reported,
)
from kg.cli.output import (
    err,
    fail,
    load_curation,
    report_refused,
    report_unused,
    report_warning,
)
from kg.readers import ReadOptions
from kg.shard import ShardError, parse_shard
from kg.stores import StoreError, open_store


class RateColumn(TextColumn):
    """Papers per second, from rich's own speed estimate."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        speed = task.finished_speed or task.speed
        return f"{speed:,.0f} papers/s" if speed else "– papers/s"


def print_build_summary(result: BuildResult, report: InputReport | None = None) -> None:
    table = Table(title="kg build", show_lines=False)
    for column, justify in (("what", "left"), ("before", "right"), ("after", "right"),
                            ("added", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for index, (label, before, after, added) in enumerate(result.summary_rows()):
        if index < 4:  # input-side figures have no before/after
            table.add_row(label, "", str(after), "")
        else:
            table.add_row(label, str(before), str(after), f"+{added}" if added >= 0 else str(added))
        for skipped, count in report.rows() if report and index == 3 else []:
            table.add_row(skipped, "", str(count), "")  # below the other input-side rows
    table.caption = (
        f"{result.new_papers} new papers, {result.papers - result.new_papers} already present"
    )
    err.print(table)


def build_command(
    inputs: Inputs,
    store: Store = DEFAULT_STORE,
    fmt: InputFormat = None,
    year: Year = None,
    vocabulary: Vocabulary = None,
    jobs: Jobs = 1,
    batch_size: BatchSize = 256,
    shard: Shard = None,
    json_summary: Annotated[
        bool, typer.Option("--json", help="Also print the summary as JSON on stdout.")
    ] = False,
    with_vocabulary: WithVocabulary = False,
    min_confidence: MinConfidence = 0.0,
    fast: Fast = False,
    curation: CurationFile = None,
) -> None:
    """Build or extend the knowledge graph: read papers, extract concepts, write papers, authors, concepts and their links to the store.

    Building the same input again changes nothing; new files add only what is new. The decisions of the curation file (the store's curation.csv, or --curation FILE) are applied. An interrupted build is completed by running it again. The exit code is 1 when any record or curation line was rejected.
    """  # noqa: E501
    try:
        slice_ = parse_shard(shard) if shard is not None else None
    except ShardError as error:
        raise fail(str(error), "e.g. --shard 1/4") from None
    # a missing input is one rejection, as in `kg ingest`; only when none is there is the
    # run refused, before a store is made for a typo. A missing vocabulary is refused.
    missing = [path for path in inputs if not os.path.lexists(path)]
    refused = missing[:1] if len(missing) == len(inputs) else []
    refused += [path for path in vocabulary or [] if not os.path.lexists(path)]
    if refused:
        raise fail(f"no such file or directory: {refused[0]}", "check the path and run again")
    from kg.curation.paths import curation_path

    with errors_reported():
        decisions, bad_lines = load_curation(curation_path(store, curation, required=False))
    try:  # before reading anything: a store path that cannot be used fails at once
        graph = open_store(store, "create")
    except StoreError as error:
        raise fail(str(error)) from None
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
    task = progress.add_task("reading", total=None)
    report = InputReport()

    def reading(records: int) -> None:  # the first pass: merging needs every record's keys
        progress.update(task, description=f"reading {records:,} records")

    def advance(done: int, total: int) -> None:
        progress.update(task, description="building", completed=done, total=total)

    with errors_reported(interrupted="run the same command again to finish the build"), \
            graph, progress:
        from kg.extract import Extractor

        extractor = Extractor(vocabulary or None, fast=fast, min_confidence=min_confidence)
        result = build(
            inputs, graph, fmt, ReadOptions(year=year), extractor=extractor, jobs=jobs,
            batch_size=batch_size, progress=advance, reading=reading, shard=slice_,
            on_rejection=report, on_warning=report_warning,
            with_vocabulary=with_vocabulary, curation=decisions,
        )
    print_build_summary(result, report)
    report_unused(decisions, result.unused)
    bad_lines += report_refused(decisions, result.refused)
    if json_summary:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    if result.rejections or bad_lines:
        raise typer.Exit(1)
