"""Reader for CSV and TSV spreadsheets of papers, one paper per row.

Columns are those of the JSONL reader (kg/readers/columns.py: headings case-insensitive,
common synonyms such as 'author' or 'eprint' and the column names of reference managers'
exports accepted; a Web of Science tab-delimited export, '.txt' included, by its field
tags); list columns (authors, keywords, categories, references)
hold ';'-separated values because ',' is the column separator, or a list as pandas or JSON
writes it ("['A', 'B']"); an authors cell may also join names by ' and ' or commas
(kg/readers/jsonl.py ``author_names``). Rows stream through the csv module, so quoted
fields may span lines; rejections name the row's first line. A date people typed that
cannot be read is a note, not the row's rejection. Bytes that are not UTF-8 are read as
Windows-1252 (Excel's "CSV (Comma delimited)"). A cell may be as long as FIELD_LIMIT
characters (the csv module's own limit, 128 KiB, would reject a long abstract).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kg.model import Paper
from kg.readers.base import Reader, Rejection, TextSource
from kg.readers.columns import column_names, named
from kg.readers.inputs import format_suffix
from kg.readers.jsonl import paper_or_rejection

DELIMITERS = (",", "\t", ";")
FIELD_LIMIT = 1 << 26
csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))


def guess_delimiter(header: str, suffix: str) -> str:
    """Tab for .tsv; otherwise the separator the header line uses most (',' on a tie)."""
    if suffix == ".tsv":
        return "\t"
    counts = {sep: header.count(sep) for sep in DELIMITERS}
    best = max(DELIMITERS, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _header_columns(line: str) -> list[str]:
    return next(csv.reader([line], delimiter=guess_delimiter(line, "")), [])


class CsvReader(Reader):
    """CSV/TSV with a header row naming the columns."""

    generic = True
    extensions = (".csv", ".tsv")
    description = "CSV or TSV with a header row"

    @classmethod
    def sniff(cls, head: str) -> bool:
        first = next((line for line in head.splitlines() if line.strip()), "")
        if first.lstrip().startswith(("{", "[", "<", "@")):
            return False
        try:
            columns = column_names(_header_columns(first))
        except csv.Error:
            return False
        return len(columns) >= 2 and "title" in columns

    def read(self, path: Path) -> Iterator[Paper | Rejection]:
        file = str(path)
        source = TextSource(path)
        lines = source.lines()
        header_line: tuple[int, str] | None = None
        for number, text in lines:
            if text.strip():
                header_line = (number, text)
                break
        if header_line is None:
            return
        start = header_line[0]
        delimiter = guess_delimiter(header_line[1], format_suffix(path))

        def feed() -> Iterator[str]:
            yield header_line[1] + "\n"
            for _, text in lines:
                yield text + "\n"

        reader = csv.reader(feed(), delimiter=delimiter)
        try:
            header = next(reader)
        except csv.Error as error:
            yield Rejection(file, f"line {start}", f"unreadable header: {error}")
            return
        columns = column_names(header)
        if "title" not in columns:
            shown = ", ".join(repr(h) for h in header[:8])
            yield Rejection(
                file, f"line {start}", f"no 'title' column in the header (found {shown})"
            )
            return
        offset = start - 1  # csv line_num counts from the header line
        done = reader.line_num
        while True:
            row_start = offset + done + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                yield Rejection(file, f"line {row_start}", f"unreadable CSV row: {error}")
                if reader.line_num == done:
                    break  # no progress: stop rather than loop
                done = reader.line_num
                continue
            done = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield Rejection(
                    file,
                    f"line {row_start}",
                    f"{len(row)} fields where the header has {len(header)}",
                )
                continue
            record = named(
                (name, cell) for name, cell in zip(columns, row, strict=True) if cell.strip()
            )
            yield from paper_or_rejection(record, file, row_start, lenient=True)
        rejection = source.encoding_rejection()
        if rejection:
            yield rejection
