"""What several commands share: their options (typing.Annotated aliases, declared once so
that `kg build`, `kg export-bulk`, `kg extract` … cannot drift apart) and how their errors
become one-line messages and exit codes (``errors_reported``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.output import fail
from kg.ingest import InputChanged
from kg.readers import UnknownFormat, reader_names
from kg.stores import DEFAULT_STORE, StoreError

KeepFormulas = Annotated[bool, typer.Option(
    "--keep-formulas",
    help="CSV and matrix: leave cells starting with = + - @ as they are (written as text by "
    "default, so that a spreadsheet does not run them).",
)]
# readable=False: an input that cannot be read is reported with the others' results (one
# rejection), not refused before anything is read.
Inputs = Annotated[
    list[Path], typer.Argument(
        help="Input files or directories (any format `kg ingest` reads).", readable=False
    ),
]
Store = Annotated[
    str,
    typer.Option(
        "--store", "-s", envvar="KG_STORE",
        help="Store URI: oxigraph:DIR (default), a bare directory, rdflib:[FILE.ttl], "
        "sparql+http://HOST:PORT/query[?update=URL&store=URL], neo4j://… or bolt://….",
    ),
]
def known_format(value: str | None) -> str | None:
    """An input format is checked before any store or output is opened: a typo makes no
    empty store directory."""
    if value is not None and value not in reader_names():
        raise typer.BadParameter(f"unknown format {value!r}; choose one of: "
                                 + ", ".join(sorted(reader_names())))
    return value


INPUT_FORMAT_HELP = "Input format, overriding detection: " + ", ".join(sorted(reader_names()))
InputFormat = Annotated[
    str | None,
    typer.Option("--format", "-f", help=INPUT_FORMAT_HELP, callback=known_format),
]
Year = Annotated[
    int | None,
    typer.Option("--year", help="Year of Daily Papers dates that lack one (e.g. 'Jul 11')."),
]
Vocabulary = Annotated[
    list[Path] | None,
    typer.Option(
        "--vocabulary",
        help="Extra vocabulary file: CSV (id,name,type,aliases,broader,variants) or SKOS "
        "Turtle (.ttl); repeatable.",
    ),
]
CurationFile = Annotated[
    Path | None,
    typer.Option(
        "--curation", envvar="KG_CURATION",
        help="Curation file (CSV of decisions, README 'Curating'); default: curation.csv in "
        "the store's directory. Needed for server stores; share one between stores.",
    ),
]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Extraction worker processes.")]
BatchSize = Annotated[
    int, typer.Option("--batch-size", min=1, help="Papers per extraction batch and per write.")
]
Shard = Annotated[
    str | None,
    typer.Option("--shard", help="Only slice I of N of the papers, e.g. 2/8 (a stable hash of "
                 "the id): parallel runs on several machines."),
]
WithVocabulary = Annotated[
    bool,
    typer.Option(
        "--with-vocabulary",
        help="Write every vocabulary concept, not only those the papers mention (and the "
        "broader concepts above them); counts and views still show mentioned concepts.",
    ),
]
MinConfidence = Annotated[
    float,
    typer.Option("--min-confidence", min=0.0, max=1.0,
                 help="Keep only concepts whose (calibrated) confidence is at least this."),
]
Fast = Annotated[
    bool, typer.Option("--fast", help="Rules only, without the trained scorer (faster, less "
                       "precise).")
]

__all__ = ["DEFAULT_STORE", "BatchSize", "CurationFile", "Fast", "Inputs", "Jobs",
           "MinConfidence", "Shard", "Store", "Vocabulary", "WithVocabulary", "Year",
           "errors_reported", "failure"]


def failure(
    error: BaseException,
    format_option: str = "--format",
    interrupted: str = "run the same command again to finish",
    output: Path | None = None,
) -> typer.Exit | None:
    """The one-line message and exit code of a command's error (printed; the Exit to raise),
    or None for an error that is a bug (left to the entry point). ``output``: the directory a
    command writes, named when writing it fails."""
    if isinstance(error, UnknownFormat):
        return fail(str(error), f"pick one with {format_option}")
    if isinstance(error, StoreError | InputChanged):
        return fail(str(error))
    curation = sys.modules.get("kg.curation.decisions")
    if curation is not None and isinstance(error, curation.CurationError):
        return fail(str(error))
    if isinstance(error, KeyboardInterrupt):
        return fail(f"interrupted; {interrupted}", code=130)
    if isinstance(error, OSError) and output is not None:
        return fail(f"cannot write to {output}: {error.strerror or error}",
                    "check the directory and free space")
    # raised by kg.extract, so already imported when it is the error (spaCy loads slowly)
    vocabulary = sys.modules.get("kg.extract.vocabulary")
    if vocabulary is not None and isinstance(error, vocabulary.VocabularyError):
        return fail(str(error), "fix the vocabulary file and run again")
    return None


@contextmanager
def errors_reported(
    format_option: str = "--format",
    interrupted: str = "run the same command again to finish",
    output: Path | None = None,
) -> Iterator[None]:
    """Run a command's work with its errors reported by ``failure`` (no traceback)."""
    try:
        yield
    except (Exception, KeyboardInterrupt) as error:
        exit_ = failure(error, format_option, interrupted, output)
        if exit_ is None:
            raise
        raise exit_ from None
