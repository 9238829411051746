"""Reader for BibTeX (.bib) files, using bibtexparser 2 and its middlewares.

The whole file is parsed at once rather than streamed: bibliographies are small (a
10,000-entry file is a few MB), and bibtexparser's own splitter already recovers from a
broken entry (a missing brace ends at the next ``@type{`` line) far more robustly than a
hand-written split at '@' lines would (an '@' may start a line inside an abstract).
Failed blocks become rejections naming the entry key and line; other entries are read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from kg.model import Author, Paper
from kg.normalize import collapse_ws, find_arxiv_id, normalize_arxiv_id, normalize_doi
from kg.readers.base import Reader, Rejection, TextSource, isolated

_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]+)")
# bibtexparser logs each broken block as a warning; we report it as a Rejection instead,
# so keep it from printing the same problem a second time on stderr.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)

_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")


def _middlewares() -> list[Any]:
    """Names are split on the raw LaTeX (a braced '{Simon and Schuster}' or an escaped
    '\\{' still visible) and decoded afterwards, part by part, like every other field."""
    return [SeparateCoAuthors(), SplitNameParts()]


def _bare_or_accent(accent: MacroTextSpec, bare: str) -> MacroTextSpec:
    """'\\^{}' and '\\~{}' (an accent on nothing) are how .bib files spell a plain ^ and ~."""

    def text(node: Any, l2tobj: LatexNodes2Text) -> str:
        args = node.nodeargd.argnlist if node.nodeargd else []
        if not args or not l2tobj.nodelist_to_text([a for a in args if a is not None]).strip():
            return bare
        return accent.simplify_repl(node, l2tobj)

    return MacroTextSpec(accent.macroname, simplify_repl=text)


def _decoder() -> LatexNodes2Text:
    """pylatexenc's LaTeX-to-text, as bibtexparser's decoding middleware sets it up (math
    kept verbatim, '\\url{x}' is x), but with the ASCII '^' for '\\textasciicircum' (its
    table has the modifier letter U+02C6, which no one typing a title means)."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "paper-kg-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            MacroTextSpec("textasciicircum", simplify_repl="^"),
            _bare_or_accent(context.get_macro_spec("^"), "^"),
            _bare_or_accent(context.get_macro_spec("~"), "~"),
        ],
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


_LATEX = _decoder()
_ESCAPED = re.compile(r"\\(textbackslash\{\}|[\\{}_%#&$~^])")


def _decode(value: str) -> str:
    """LaTeX to text: braces are grouping (gone), an escaped '\\{' is a literal brace."""
    try:
        return collapse_ws(_LATEX.latex_to_text(value))
    except Exception:  # pylatexenc is lenient; keep the words if it still gives up
        return collapse_ws(value.replace("{", "").replace("}", ""))


def _raw(entry: Entry, *names: str) -> str:
    for name in names:
        found = entry.fields_dict.get(name) or entry.fields_dict.get(name.upper())
        if found is not None and str(found.value).strip():
            return str(found.value)
    return ""


def _field(entry: Entry, *names: str) -> str:
    return _decode(_raw(entry, *names))


def _verbatim(entry: Entry, name: str) -> str:
    """A URL or DOI: no LaTeX text ('--' and '~' are no dashes or spaces in a URL); a
    '\\url{…}' wrapper, grouping braces and backslash escapes ('\\_') are dropped."""
    value = _raw(entry, name).strip()
    wrapped = re.fullmatch(r"\\url\s*\{(.*)\}", value, re.DOTALL)
    value = wrapped.group(1) if wrapped else value
    parts = _ESCAPED.split(value)  # odd items are the escaped characters
    return "".join(
        ("\\" if part == "textbackslash{}" else part)
        if i % 2
        else part.replace("{", "").replace("}", "")
        for i, part in enumerate(parts)
    ).strip()


def _split_top_level(value: str, separators: str) -> list[str]:
    """Split at separators outside braces and not escaped ('{a, b}; c' -> '{a, b}', 'c')."""
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(value):
        char = value[i]
        if char == "\\":
            i += 2
            continue
        depth += (char == "{") - (char == "}")
        if depth == 0 and char in separators:
            pieces.append(value[start:i])
            start = i + 1
        i += 1
    return [*pieces, value[start:]]


def _fields_lower(entry: Entry) -> None:
    """BibTeX field names are case-insensitive ('Title', 'AUTHOR')."""
    for item in entry.fields:
        item.key = item.key.lower()


def _name(part: Any) -> str:
    """NameParts -> 'First von Last Jr'; a plain string (middleware failed) is kept."""
    if isinstance(part, NameParts):
        return _decode(" ".join([*part.first, *part.von, *part.last, *part.jr]))
    return _decode(str(part))


def _authors(entry: Entry) -> tuple[list[Author], bool]:
    """Authors, and whether the list was cut short with 'and others'."""
    found = entry.fields_dict.get("author")
    if found is None:
        return [], False
    value = found.value
    parts = value if isinstance(value, list) else re.split(r"\s+and\s+", str(value))
    authors, truncated = [], False
    for part in parts:
        name = _name(part)
        if name.lower() in ("others", "et al.", "et al"):
            truncated = True
        elif name:
            authors.append(Author(name=name))
    return authors, truncated


def _date(entry: Entry) -> str | None:
    """Only a full day counts (biblatex 'date = {2017-06-12}'); 'month = jun' is no day."""
    value = _field(entry, "date")
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


class BibtexReader(Reader):
    extensions = (".bib", ".bibtex")
    description = "BibTeX bibliography"

    @classmethod
    def sniff(cls, head: str) -> bool:
        return re.search(r"(?m)^\s*@\s*[A-Za-z]+\s*[{(]", head) is not None

    def read(self, path: Path) -> Iterator[Paper | Rejection]:
        source = TextSource(path)
        text = "\n".join(line for _, line in source.lines())
        library = bibtexparser.parse_string(text, append_middleware=_middlewares())
        blocks: list[tuple[int, Entry | ParsingFailedBlock]] = [
            (entry.start_line or 0, entry) for entry in library.entries
        ]
        blocks += [(block.start_line or 0, block) for block in library.failed_blocks]
        for _, block in sorted(blocks, key=lambda item: item[0]):
            if isinstance(block, Entry):
                yield self._entry(path, block)
            else:
                yield from self._failed(path, block)
        rejection = source.encoding_rejection()
        if rejection:
            yield rejection

    def _failed(self, path: Path, block: ParsingFailedBlock) -> Iterator[Paper | Rejection]:
        line = (block.start_line or 0) + 1
        match = _KEY.match((block.raw or "").lstrip())
        key = match.group(1) if match else "?"
        where = f"entry '{key}' (line {line})"
        fallback = block.ignore_error_block
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(fallback, Entry):
            yield Rejection(
                str(path), where, f"duplicate key '{key}'; the entry is read, rename it"
            )
            yield self._entry(path, fallback)
            return
        if isinstance(block, MiddlewareErrorBlock | DuplicateFieldKeyBlock) and isinstance(
            fallback, Entry
        ):
            # A name or field the middleware could not handle: read the entry as it is.
            yield self._entry(path, fallback)
            return
        cause = block.error
        error = collapse_ws(
            getattr(cause, "abort_reason", None)
            or getattr(cause, "message", None)
            or str(cause)
            or type(cause).__name__
        )
        if "Unexpected block start" in error or "end of file" in error:
            error = "missing closing brace or comma (the entry ends early); entry skipped. " + (
                error
            )
        yield Rejection(str(path), where, error)

    def _entry(self, path: Path, entry: Entry) -> Paper | Rejection:
        where = f"entry '{entry.key}' (line {(entry.start_line or 0) + 1})"
        return isolated(str(path), where, self._paper, path, entry, where)

    @staticmethod
    def _paper(path: Path, entry: Entry, where: str) -> Paper | Rejection:
        _fields_lower(entry)
        line = (entry.start_line or 0) + 1
        title = _field(entry, "title")
        if not title:
            return Rejection(str(path), where, "entry has no title; skipped")
        authors, truncated = _authors(entry)
        year_match = _YEAR.search(_field(entry, "year") or _field(entry, "date"))
        year = int(year_match.group(1)) if year_match else None
        doi = normalize_doi(_verbatim(entry, "doi"))
        url = _verbatim(entry, "url") or None
        arxiv_id = None
        prefix = _field(entry, "archiveprefix", "eprinttype").lower()
        eprint = _field(entry, "eprint")
        if eprint and prefix in ("", "arxiv"):
            arxiv_id = normalize_arxiv_id(eprint)
        venue = _field(entry, "journal", "booktitle", "journaltitle") or None
        for text in (venue, _field(entry, "note"), url, _field(entry, "howpublished")):
            arxiv_id = arxiv_id or find_arxiv_id(text)
        if venue and re.fullmatch(r"(?i)arxiv( preprint)?( arxiv)?:?\s*\S*", venue):
            venue = None  # 'arXiv preprint arXiv:2312.00752' names no venue
        keywords = list(
            dict.fromkeys(_decode(k) for k in _split_top_level(_raw(entry, "keywords"), ";,"))
        )
        paper = Paper(
            title=title,
            abstract=_field(entry, "abstract"),
            authors=authors,
            year=year,
            date=_date(entry),
            doi=doi,
            arxiv_id=arxiv_id,
            venue=venue,
            entry_type=entry.entry_type.lower() or None,
            url=url,
            keywords=[k for k in keywords if k],
            categories=[c for c in [_field(entry, "primaryclass")] if c],
            external_ids={"bibtex_key": entry.key},
            sources=[f"{path}:{line}"],
        )
        if truncated:
            paper.n_authors = None  # 'and others': the real count is unknown, not len()
        return paper
