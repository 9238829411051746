"""Shared CLI output: result tables in table/JSON/CSV, rejection reports, summaries.

Data goes to stdout (or -o FILE); messages, progress and summaries go to stderr so that
`kg ... | jq` keeps working.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kg.readers import Note, Rejection
from kg.readers.base import unexpected
from kg.spreadsheet import cell_text, write_csv

if TYPE_CHECKING:
    from kg.curation import Curation, Decision

err = Console(stderr=True)
IO_ERROR = 74  # sysexits.h EX_IOERR: the output (or an input) could not be read or written
SOFTWARE_ERROR = 70  # EX_SOFTWARE: a bug, reported in one line (KG_DEBUG=1: the traceback)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def output_format(fmt: OutputFormat | None, output: Path | None) -> OutputFormat:
    """The format asked for, else the one the suffix of ``-o`` names (.csv, .json), else a
    table: a file named .csv never holds a drawn table."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower().removeprefix(".") if output is not None else ""
    return OutputFormat(suffix) if suffix in {"csv", "json"} else OutputFormat.table


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
    keep_formulas: bool = False,
) -> None:
    """Print query-like results in the chosen format to ``stream`` (stdout by default).

    CSV cells that a spreadsheet would run as formulas are written as text, as the CSV
    exports do, unless ``keep_formulas``."""
    stream = stream or sys.stdout
    if fmt is OutputFormat.json:
        data = [dict(zip(columns, row, strict=False)) for row in rows]
        stream.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt is OutputFormat.csv:
        write_csv(stream, columns, rows, keep_formulas)
    else:
        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(cell_text(v) for v in row))
        Console(file=stream, width=None if stream is sys.stdout else 200).print(table)


def print_summary(title: str, rows: Iterable[tuple[str, Any]]) -> None:
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in rows:
        table.add_row(label, str(value))
    err.print(table)


def report_rejection(rejection: Rejection) -> None:
    """A record or path that was not read, or, for a Note (a path left out on purpose, a
    volume that is no paper), what was said about an input: printed as a note."""
    if isinstance(rejection, Note):
        note(f"note: {rejection}")
        return
    err.print(
        f"[yellow]rejected[/yellow] {escape(str(rejection))}", highlight=False, soft_wrap=True
    )


def report_warning(warning: Rejection) -> None:
    """A record that was read but not all of it (an abstract extracted in pieces)."""
    err.print(f"[yellow]warning[/yellow] {escape(str(warning))}", highlight=False, soft_wrap=True)


def note(message: str) -> None:
    """A message that is no error (an empty list, what to do next), on stderr."""
    err.print(escape(message), highlight=False, soft_wrap=True)


def fail(message: str, hint: str = "", code: int = 2) -> typer.Exit:
    """Print a one-line error (and what to do next) and return the Exit to raise."""
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    if hint:
        err.print(f"  {escape(hint)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def say(message: str) -> None:
    """One line on stderr, when stderr itself can still be written."""
    with contextlib.suppress(OSError):
        err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


def io_error(error: OSError) -> int:
    """Report an input/output error in one line; returns the exit code."""
    if error.errno == errno.EPIPE:
        _silence_stdout()
        say("the output was closed before everything was written (broken pipe); stopped")
    elif error.filename is not None:
        say(f"cannot use {error.filename}: {error.strerror or error}")
    else:
        _silence_stdout()
        say(f"cannot write the output: {error.strerror or error}")
    return IO_ERROR


def unexpected_error(error: Exception) -> int:
    """A bug: one line, unless KG_DEBUG asks for the traceback."""
    if os.environ.get("KG_DEBUG"):
        traceback.print_exception(error)
    else:
        say(f"unexpected {unexpected(error)}; run again with KG_DEBUG=1 to see where, and "
            "please report it")
    return SOFTWARE_ERROR


def finish_output(code: int) -> int:
    """Flush stdout before exit, so that a full disk or closed pipe is reported here (and
    not as 'Exception ignored' at shutdown); returns the final exit code."""
    if "PacifyFlushWrapper" in type(sys.stdout).__name__:  # click met a broken pipe
        _silence_stdout()
        say("the output was closed before everything was written (broken pipe); stopped")
        return IO_ERROR
    try:
        sys.stdout.flush()
    except OSError as error:
        return io_error(error)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for it cannot fail again at exit."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        os.close(devnull)


def load_curation(path: Path | None, required: bool = False) -> tuple[Curation | None, int]:
    """The curation file for a command, its bad lines reported (``rejected FILE: line N``);
    returns it (None when there is none and it is not ``required``) and the number of
    problems."""
    from kg.curation import Curation

    if path is None or (not path.exists() and not required):
        return None, 0
    curation, problems = Curation.load(path)
    for problem in problems:
        report_rejection(problem)
    return curation, len(problems)


def report_unused(curation: Curation | None, unused: Sequence[Decision]) -> None:
    """Decisions that named nothing in a run (their papers or concepts were not in it): a
    note each, so a typo in an id does not go unseen; not an error (a build may read only
    some of the inputs the decisions were made on)."""
    for decision in unused:
        where = curation.where(decision) if curation else decision.id
        name = decision.paper or decision.concept or decision.author
        err.print(f"[yellow]note[/yellow] {escape(where)}: {decision.action} {escape(name)} "
                  "changed nothing in this run (not in its input, or already so)",
                  highlight=False, soft_wrap=True)


def report_refused(curation: Curation | None, refused: dict[Decision, str]) -> int:
    """Decisions in force that could not be applied (a different-papers decision whose
    records share an id): ``rejected FILE: line N: why`` each; returns how many."""
    for decision, why in refused.items():
        line = curation.lines.get(decision.id, "?") if curation else "?"
        report_rejection(Rejection(str(curation.path if curation else "curation"), f"line {line}",
                                 f"{decision.action} {decision.paper} {decision.target}: {why}; "
                                 "skipped"))
    return len(refused)
