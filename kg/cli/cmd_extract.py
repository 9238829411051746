"""`kg extract`: find architectures, benchmarks and methods in paper titles and abstracts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from kg.cli import options as opt
from kg.cli.cmd_ingest import refuse_output_among_inputs
from kg.cli.output import (
    err,
    fail,
    load_curation,
    print_summary,
    report_refused,
    report_rejection,
    report_unused,
    report_warning,
)
from kg.extraction import extract_isolated
from kg.ingest import InputChanged, stream_papers
from kg.readers import ReadOptions, Rejection, UnknownFormat


def extract_command(
    paths: opt.Inputs,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write concepts here (JSONL) instead of stdout."
    )] = None,
    fmt: opt.InputFormat = None,
    year: opt.Year = None,
    vocabulary: opt.Vocabulary = None,
    jobs: opt.Jobs = 1,
    batch_size: opt.BatchSize = 256,
    min_confidence: opt.MinConfidence = 0.0,
    fast: opt.Fast = False,
    curation: opt.CurationFile = None,
) -> None:
    """Extract concepts from papers and write one JSON object per paper: {"id", "title", "concepts": [...]}.

    With --curation FILE the decisions of that curation file are applied (tags checked by hand carry "curated"). Bad records are reported with file and line and skipped; the exit code is 1 when any record or curation line was rejected.
    """  # noqa: E501
    from kg.curation.transform import Applied, extractor_lookup
    from kg.extract import Extractor, VocabularyError

    try:
        extractor = Extractor(vocabulary or None, fast=fast, min_confidence=min_confidence)
    except VocabularyError as error:
        raise fail(str(error), "fix the file or leave out --vocabulary") from None
    with opt.errors_reported():
        decisions, bad_lines = load_curation(curation, required=curation is not None)
    applied = Applied(decisions, extractor_lookup(extractor)) if decisions else None
    refuse_output_among_inputs(paths, output, "concepts")
    try:
        # two passes, papers extracted as they are merged: no corpus-sized list
        result = stream_papers(paths, fmt, ReadOptions(year=year), report_rejection,
                               curation=applied, output=output)
    except UnknownFormat as error:
        raise fail(str(error)) from None
    handle = output.open("w", encoding="utf-8") if output else sys.stdout
    n_concepts = n_proposed = 0

    def reject(rejection: Rejection) -> None:
        result.rejections.append(rejection)
        report_rejection(rejection)

    progress = Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=len(result) < 500,
    )
    try:
        with progress:
            task = progress.add_task("extract", total=len(result))
            pairs = extract_isolated(
                extractor, result, jobs, batch_size, reject, report_warning
            )
            if applied:
                pairs = applied.curate_stream(pairs)
            for _paper, concepts in pairs:
                handle.write(json.dumps(concepts.to_json(), ensure_ascii=False) + "\n")
                n_concepts += len(concepts.concepts)
                n_proposed += sum(c.proposed for c in concepts.concepts)
                progress.advance(task)
    except InputChanged as error:
        raise fail(str(error)) from None
    finally:
        if output:
            handle.close()
    print_summary(
        "kg extract",
        [
            ("records read", result.records),
            ("papers", len(result)),
            ("concept links", n_concepts),
            ("proposed", n_proposed),
            ("distinct coined concepts", len(extractor.coined)),
            ("rejected records", len(result.rejections)),
        ],
    )
    if applied:
        report_unused(decisions, applied.unused())
        bad_lines += report_refused(decisions, applied.rules.refused)
    if result.rejections or bad_lines:
        raise typer.Exit(1)
