"""`kg build`: read papers, extract their concepts and write the graph to a store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
from kg.cli.app import app
from kg.cli.output import err, fail, report_rejection, report_warning
from kg.ingest import InputChanged
from kg.readers import ReadOptions, UnknownFormat, load_readers
from kg.shard import ShardError, parse_shard
from kg.stores import DEFAULT_STORE, StoreError, open_store

FORMAT_HELP = "Input format, overriding detection: " + ", ".join(sorted(load_readers()))


class RateColumn(TextColumn):
    """Papers per second, from rich's own speed estimate."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        speed = task.finished_speed or task.speed
        return f"{speed:,.0f} papers/s" if speed else "– papers/s"


def print_build_summary(result: BuildResult) -> None:
    table = Table(title="kg build", show_lines=False)
    for column, justify in (("what", "left"), ("before", "right"), ("after", "right"),
                            ("added", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for index, (label, before, after, added) in enumerate(result.summary_rows()):
        if index < 4:  # input-side figures have no before/after
            table.add_row(label, "", str(after), "")
        else:
            table.add_row(label, str(before), str(after), f"+{added}" if added >= 0 else str(added))
    table.caption = (
        f"{result.new_papers} new papers, {result.papers - result.new_papers} already present"
    )
    err.print(table)


@app.command("build")
def build_command(
    inputs: list[Path] = typer.Argument(
        ..., help="Input files or directories (any format `kg ingest` reads)."
    ),
    store: str = typer.Option(
        DEFAULT_STORE,
        "--store",
        "-s",
        envvar="KG_STORE",
        help="Store URI: oxigraph:DIR (default), a bare directory, rdflib:[FILE.ttl], "
        "sparql+http://HOST:PORT/query, neo4j://… or bolt://….",
    ),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    year: int | None = typer.Option(
        None, "--year", help="Year of Daily Papers dates that lack one (e.g. 'Jul 11')."
    ),
    vocabulary: list[Path] = typer.Option(
        [], "--vocabulary", help="Extra concept vocabulary file (CSV/JSON/YAML); repeatable."
    ),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Extraction worker processes."),
    batch_size: int = typer.Option(
        256, "--batch-size", min=1, help="Papers per extraction batch and per store write."
    ),
    shard: str | None = typer.Option(
        None, "--shard", help="Build only slice I of N of the papers (e.g. 2/8): parallel builds."
    ),
    json_summary: bool = typer.Option(
        False, "--json", help="Also print the summary as JSON on stdout."
    ),
    with_vocabulary: bool = typer.Option(
        False,
        "--with-vocabulary",
        help="Write every vocabulary concept, not only those the papers mention (and the "
        "broader concepts above them); counts and views still show mentioned concepts.",
    ),
    min_confidence: float = typer.Option(
        0.0, "--min-confidence", min=0.0, max=1.0,
        help="Keep only concepts whose (calibrated) confidence is at least this.",
    ),
    fast: bool = typer.Option(
        False, "--fast", help="Rules only, without the trained scorer (faster, less precise)."
    ),
) -> None:
    """Build or extend the knowledge graph: read papers, extract concepts, write papers, authors, concepts and their links to the store.

    Building the same input again changes nothing; new files add only what is new. An interrupted build is completed by running it again. The exit code is 1 when any record was rejected.
    """  # noqa: E501
    try:
        slice_ = parse_shard(shard) if shard is not None else None
    except ShardError as error:
        raise fail(str(error), "e.g. --shard 1/4") from None
    for path in [*inputs, *vocabulary]:
        if not path.exists():
            raise fail(f"no such file or directory: {path}", "check the path and run again")
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

    def reading(records: int) -> None:  # the first pass: merging needs every record's keys
        progress.update(task, description=f"reading {records:,} records")

    def advance(done: int, total: int) -> None:
        progress.update(task, description="building", completed=done, total=total)

    try:
        with graph, progress:
            from kg.extract import Extractor

            extractor = Extractor(list(vocabulary) or None, fast=fast,
                                  min_confidence=min_confidence)
            result = build(
                inputs,
                graph,
                fmt,
                ReadOptions(year=year),
                vocabulary,
                jobs,
                batch_size,
                advance,
                on_rejection=report_rejection,
                shard=slice_,
                reading=reading,
                with_vocabulary=with_vocabulary,
                on_warning=report_warning,
                extractor=extractor,
            )
    except UnknownFormat as error:
        raise fail(str(error), "pick one with --format") from None
    except StoreError as error:
        raise fail(str(error)) from None
    except InputChanged as error:
        raise fail(str(error)) from None
    except KeyboardInterrupt:
        raise fail("interrupted; run the same command again to finish the build", code=130) \
            from None
    except Exception as error:  # vocabulary errors and the like: one line, no traceback
        if type(error).__name__ == "VocabularyError":
            raise fail(str(error), "fix the vocabulary file and run again") from None
        raise
    print_build_summary(result)
    if json_summary:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    if result.rejections:
        raise typer.Exit(1)
