"""Shared CLI output: result tables in table/JSON/CSV, rejection reports, summaries.

Data goes to stdout (or -o FILE); messages, progress and summaries go to stderr so that
`kg ... | jq` keeps working.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import typer
from rich.console import Console
from rich.table import Table

from kg.readers import Rejection

err = Console(stderr=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@contextmanager
def open_output(path: Path | None) -> Iterator[IO[str]]:
    """The stream for `-o FILE` (written as UTF-8), or stdout without one."""
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as stream:
        yield stream


def print_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: OutputFormat,
    title: str = "",
    stream: IO[str] | None = None,
) -> None:
    """Print query-like results in the chosen format to ``stream`` (stdout by default)."""
    stream = stream or sys.stdout
    if fmt is OutputFormat.json:
        data = [dict(zip(columns, row, strict=False)) for row in rows]
        stream.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt is OutputFormat.csv:
        writer = csv.writer(stream)
        writer.writerow(columns)
        writer.writerows([_cell(v) for v in row] for row in rows)
    else:
        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(v) for v in row))
        Console(file=stream, width=None if stream is sys.stdout else 200).print(table)


def print_summary(title: str, rows: Iterable[tuple[str, Any]]) -> None:
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in rows:
        table.add_row(label, str(value))
    err.print(table)


def report_rejection(rejection: Rejection) -> None:
    err.print(
        f"[yellow]rejected[/yellow] {rejection}", highlight=False, markup=True, soft_wrap=True
    )


def fail(message: str, hint: str = "", code: int = 2) -> typer.Exit:
    """Print a one-line error (and what to do next) and return the Exit to raise."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    if hint:
        err.print(f"  {hint}", highlight=False, soft_wrap=True)
    return typer.Exit(code)
