"""TeX in text that is not a TeX document: accents, special letters and escapes that
authors type in titles, abstracts and names ("Schr\\"odinger", "Ren\\'e", "Bal\\'azs") as
the Unicode letters they stand for, math ($...$, \\(...\\)) left as written.

Only these tokens are decoded, not the whole text as LaTeX (pylatexenc, which the BibTeX
reader uses for BibTeX fields, would take a '%' in an abstract for a comment and '--' for a
dash): the arXiv Atom reader and Kaggle's arXiv snapshot lines (kg/readers/columns.py) use
it.
"""

from __future__ import annotations

import re
import unicodedata

# Accent commands -> the combining mark they put on the next letter.
_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    "u": "\u0306", ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b",
    "v": "\u030c", "d": "\u0323", "c": "\u0327", "k": "\u0328", "b": "\u0331",
}
# Letters TeX spells as commands ('\\ss', '{\\o}'); '\\i' and '\\j' are dotless.
_LETTERS = {
    "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}
_LETTER = r"\\(?:ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])"
_TEX = re.compile(
    r"(?P<escape>\\[&%_#$])"  # first: an escaped '$' opens no math
    # math (bounded, so that many unclosed '\\(' cost no quadratic scan)
    r"|(?P<math>\$\$.{1,4000}?\$\$|\$[^$]+\$|\\\(.{1,4000}?\\\)|\\\[.{1,4000}?\\\])"
    # an accent on a letter: \\"o \\"{o} {\\"o} \\'{\\i} \\v{s} \\c c; outer braces optional
    r"|(?P<open>\{)?\\(?:(?P<sym>[`'^~=.\"])\s*|(?P<word>[uvHdckrb])(?=[\s{]))\s*"
    rf"(?:\{{\s*(?P<braced>{_LETTER}|[A-Za-z])\s*\}}|(?P<bare>{_LETTER}|[A-Za-z]))"
    r"(?(open)\})"
    # a letter: {\\o} \\o{} \\ss e (TeX eats the spaces after a command's name)
    rf"|(?P<lopen>\{{)?(?P<letter>{_LETTER})(?:\{{\}}|[ \t]*)(?(lopen)\}})",
    re.DOTALL,
)


def _tex_token(match: re.Match[str]) -> str:
    if match["escape"]:
        return match["escape"][1]
    if match["math"]:
        return match["math"]
    if match["letter"]:
        return _LETTERS[match["letter"][1:]]
    base = match["braced"] or match["bare"]
    base = _LETTERS[base[1:]] if base.startswith("\\") else base
    base = {"ı": "i", "ȷ": "j"}.get(base, base)  # an accent goes on the dotless letter
    mark = _ACCENTS[match["sym"] or match["word"]]
    return unicodedata.normalize("NFC", base + mark)


def decode_tex(text: str) -> str:
    """Text-mode TeX accents, special letters and escapes as Unicode; math untouched."""
    return _TEX.sub(_tex_token, text) if "\\" in text else text
