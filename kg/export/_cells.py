"""Cells of spreadsheet-bound files (csv, matrix): text a spreadsheet would run as a formula
is written as text instead, following OWASP's rule for CSV injection."""

from __future__ import annotations

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets: =, +, -, @, tab and carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str, keep_formulas: bool = False) -> str:
    """``value`` with a leading apostrophe when it starts like a formula (spreadsheets show
    the apostrophe-prefixed text as it is); unchanged with ``keep_formulas``."""
    if keep_formulas or not value.startswith(FORMULA_STARTS):
        return value
    return "'" + value
