"""Cells of spreadsheet-bound files (csv, matrix): text a spreadsheet would run as a formula
is written as text instead, following OWASP's rule for CSV injection."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets: =, +, -, @, tab and carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str, keep_formulas: bool = False) -> str:
    """``value`` with a leading apostrophe when it starts like a formula (spreadsheets show
    the apostrophe-prefixed text as it is); unchanged with ``keep_formulas`` and for plain
    numbers such as ``-0.5``, which a spreadsheet reads as the number they are."""
    if keep_formulas or not value.startswith(FORMULA_STARTS) or _is_number(value):
        return value
    return "'" + value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip() == value


def cell_text(value: Any) -> str:
    """A result value as a CSV cell: lists and objects as JSON, None as empty."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_csv(
    stream: IO[str],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    keep_formulas: bool = False,
) -> None:
    """Query results as CSV (`kg query --format csv`, the app console's download), cells
    that start like a formula written as text unless ``keep_formulas``."""
    writer = csv.writer(stream)
    writer.writerow(columns)
    writer.writerows([spreadsheet_text(cell_text(v), keep_formulas) for v in row] for row in rows)
