"""`kg ingest`: read paper listings of any supported format into merged JSONL."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from kg.cli.options import InputFormat, Year
from kg.cli.output import fail, note, print_summary, report_rejection
from kg.ingest import InputChanged, stream_papers
from kg.readers import Note, ReadOptions, Rejection, UnknownFormat
from kg.readers.walk import output_among_inputs


def read_options(year: int | None) -> ReadOptions:
    return ReadOptions(year=year)


class InputReport:
    """What reading the inputs says, printed as it comes: rejections as such, notes (a
    file without papers, a path skipped) as notes; counts the paths skipped, for the
    summary (`kg ingest`, `kg build`)."""

    def __init__(self) -> None:
        self.skipped = 0

    def __call__(self, record: Rejection) -> None:
        if isinstance(record, Note):
            self.skipped += record.skipped
            note(f"note: {record}")
        else:
            report_rejection(record)

    def rows(self) -> list[tuple[str, int]]:
        """The summary row of the paths skipped, when there were any."""
        return [("skipped paths", self.skipped)] if self.skipped else []


def refuse_output_among_inputs(paths: list[Path], output: Path | None, what: str) -> None:
    """Refuse, before the output is opened (which would empty it), an output file that is
    an input or lies in an input directory (`kg ingest`, `kg extract`)."""
    same = output_among_inputs(paths, output)
    if same is not None:
        where = "is in the input directory" if same.is_dir() else "is also an input"
        raise fail(
            f"the output file {output} {where} ({same}); writing it would destroy it: "
            "nothing was read or written", f"write the {what} to another file (-o FILE)"
        )


def ingest_command(
    paths: list[Path] = typer.Argument(
        ...,
        help="Input files or directories (Daily Papers text, arXiv Atom, BibTeX, "
        "JSONL, CSV, OpenAlex or Semantic Scholar JSON).",
        readable=False,  # an unreadable input is one rejection; the others are read
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write papers here (JSONL) instead of stdout."
    ),
    fmt: InputFormat = None,
    year: Year = None,
) -> None:
    """Read paper records, merge duplicates across files and formats, write one JSON object per paper.

    Bad records are reported with file and line and skipped; the exit code is 1 when any record was rejected.
    """  # noqa: E501
    refuse_output_among_inputs(paths, output, "papers")
    report = InputReport()
    try:
        # two passes, papers written as they are merged: no corpus-sized list (kg/ingest.py)
        stream = stream_papers(
            paths, fmt, read_options(year), on_rejection=report, output=output
        )
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
        *report.rows(),
    ])
    if stream.rejections:
        raise typer.Exit(1)
