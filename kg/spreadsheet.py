"""Cells of spreadsheet-bound files (csv, matrix): text a spreadsheet would run as a formula
is written as text instead, following OWASP's rule for CSV injection."""

from __future__ import annotations

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
