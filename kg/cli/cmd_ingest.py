"""`kg ingest`: read paper listings of any supported format into merged JSONL."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from kg.cli.options import Year
from kg.cli.output import fail, print_summary, report_rejection
from kg.ingest import InputChanged, stream_papers
from kg.readers import ReadOptions, UnknownFormat, reader_names

FORMAT_HELP = "Input format, overriding detection: " + ", ".join(sorted(reader_names()))


def read_options(year: int | None) -> ReadOptions:
    return ReadOptions(year=year)


def ingest_command(
    paths: list[Path] = typer.Argument(
        ...,
        help="Input files or directories (Daily Papers text, arXiv Atom, BibTeX, "
        "JSONL, CSV, OpenAlex or Semantic Scholar JSON).",
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write papers here (JSONL) instead of stdout."
    ),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    year: Year = None,
) -> None:
    """Read paper records, merge duplicates across files and formats, write one JSON object per paper.

    Bad records are reported with file and line and skipped; the exit code is 1 when any record was rejected.
    """  # noqa: E501
    try:
        # two passes, papers written as they are merged: no corpus-sized list (kg/ingest.py)
        stream = stream_papers(paths, fmt, read_options(year), on_rejection=report_rejection)
        handle = output.open("w", encoding="utf-8") if output else sys.stdout
        authors: set[str] = set()
        try:
            for paper in stream:
                authors.update(author.id for author in paper.authors)
                handle.write(json.dumps(paper.to_json(), ensure_ascii=False) + "\n")
        finally:
            if output:
                handle.close()
    except UnknownFormat as error:
        raise fail(str(error)) from None
    except InputChanged as error:
        raise fail(str(error)) from None
    print_summary("kg ingest", [
        ("records read", stream.records),
        ("papers", len(stream)),
        ("merged duplicates", stream.merged_duplicates),
        ("authors", len(authors)),
        ("rejected records", len(stream.rejections)),
    ])
    if stream.rejections:
        raise typer.Exit(1)
