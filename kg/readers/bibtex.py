"""Reader for BibTeX (.bib) files, using bibtexparser 2 and its middlewares.

The whole file is parsed at once rather than streamed: bibliographies are small (a
10,000-entry file is a few MB), and bibtexparser's own splitter already recovers from a
broken entry (a missing brace ends at the next ``@type{`` line) far more robustly than a
hand-written split at '@' lines would (an '@' may start a line inside an abstract).
Failed blocks become rejections naming the entry key and line; other entries are read.

Before bibtexparser's own middlewares, each raw value is scanned (``_RawValues``): '#'
concatenations of strings and @string macros are joined, and a value followed by another
``name = `` (a comma missing between two fields, which bibtexparser glues into the first
value) rejects its entry. After parsing, an entry with ``crossref`` takes the year, date
and venue it lacks from the entry it names; a @proceedings (or a @book / @collection that
entries cross-reference) is a volume, not a paper: a Note says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import (
    RemoveEnclosingMiddleware,
    ResolveStringReferencesMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)
from bibtexparser.middlewares.middleware import LibraryMiddleware
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from kg.model import Author, Paper
from kg.normalize import collapse_ws, find_arxiv_id, normalize_arxiv_id, normalize_doi
from kg.readers.base import Note, Reader, Rejection, TextSource, isolated

_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]+)")
# bibtexparser logs each broken block as a warning; we report it as a Rejection instead,
# so keep it from printing the same problem a second time on stderr.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)

_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")


# parser_metadata key of an entry whose field runs into the next: (field, next, line).
_GLUED = "paper-kg-glued-field"
_ASSIGNMENT = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=")
_BARE = re.compile(r"[^\s#{}\",=]+")
# Entry types that are volumes of other entries, not papers (biblatex's mv* too).
_VOLUMES = frozenset({"proceedings", "book", "collection", "mvproceedings", "mvbook",
                      "mvcollection"})
_PROCEEDINGS = frozenset({"proceedings", "mvproceedings"})
# Fields an entry takes from the entry its ``crossref`` names when it lacks them (not the
# editors, URL or DOI: those are the volume's, not the paper's).
_INHERITED = ("year", "date", "month", "booktitle", "journal", "journaltitle")


_DELIMITER = re.compile(r'\\.|[{}"]', re.DOTALL)  # an escape pair counts as neither


def _group_end(raw: str, start: int) -> int:
    """The index after the '{...}' or '"..."' starting at ``start`` (braces nest; a quote
    inside braces ends nothing); -1 when it never ends."""
    depth = 1 if raw[start] == "{" else 0
    for match in _DELIMITER.finditer(raw, start + 1):
        char = match.group()
        depth += (char == "{") - (char == "}")
        if depth == 0 and (char == "}" if raw[start] == "{" else char == '"'):
            return match.end()
    return -1


def _value_parts(raw: str) -> tuple[list[str], str]:
    """A raw BibTeX value as its '#'-joined parts ('{X}', '"Y"', 'macro'), and the text
    after the last part that belongs to no part ('' when the value is well formed)."""
    parts: list[str] = []
    pos = 0
    while True:
        while pos < len(raw) and raw[pos].isspace():
            pos += 1
        if pos < len(raw) and raw[pos] in "{\"":
            end = _group_end(raw, pos)
        else:
            bare = _BARE.match(raw, pos)
            end = bare.end() if bare else -1
        if end < 0:
            return parts, raw[pos:]
        parts.append(raw[pos:end])
        rest = raw[end:].lstrip()
        if not rest.startswith("#"):
            return parts, rest
        pos = len(raw) - len(rest) + 1


class _RawValues(LibraryMiddleware):
    """Runs before string resolution: joins '#' concatenations (a macro by its @string
    value) and marks entries where a missing comma glued two fields into one value."""

    @classmethod
    def metadata_key(cls) -> str:
        return "paper-kg-raw-values"

    def transform(self, library: Library) -> Library:
        macros: dict[str, str] = {}
        for string in library.strings:
            text = self._joined(str(string.value), macros)
            if text is not None:
                macros[string.key.lower()] = text
                string.value = "{" + text + "}"
        for entry in library.entries:
            for item in entry.fields:
                # only a '#' joins parts and only a '=' starts a glued field
                if isinstance(item.value, str) and ("#" in item.value or "=" in item.value):
                    self._field(entry, item, macros)
        return library

    @classmethod
    def _field(cls, entry: Entry, item: Field, macros: dict[str, str]) -> None:
        parts, rest = _value_parts(item.value)
        glued = _ASSIGNMENT.match(rest)
        if glued and _GLUED not in entry.parser_metadata:
            line = (item.start_line or 0) + 1 + item.value[: len(item.value) - len(rest)].count(
                "\n"
            )
            entry.parser_metadata[_GLUED] = (item.key, glued.group(1), line)
        elif len(parts) > 1 and not rest:
            item.value = "{" + "".join(cls._part(part, macros) for part in parts) + "}"

    @classmethod
    def _joined(cls, raw: str, macros: dict[str, str]) -> str | None:
        parts, rest = _value_parts(raw)
        return None if rest or not parts else "".join(cls._part(p, macros) for p in parts)

    @staticmethod
    def _part(part: str, macros: dict[str, str]) -> str:
        """A braced or quoted part without its delimiters; a macro's value (an unknown
        macro, or a month such as 'jun', stays as written)."""
        if part[0] in "{\"":
            return part[1:-1]
        return macros.get(part.lower(), part)


def _parse_stack() -> list[Any]:
    """Raw values first (see _RawValues), then bibtexparser's default stack. Names are
    split on the raw LaTeX (a braced '{Simon and Schuster}' or an escaped '\\{' still
    visible) and decoded afterwards, part by part, like every other field."""
    return [
        _RawValues(),
        ResolveStringReferencesMiddleware(),
        RemoveEnclosingMiddleware(),
        SeparateCoAuthors(),
        SplitNameParts(),
    ]


def _inherit(entry: Entry, parent: Entry) -> None:
    """Fill the fields ``entry`` lacks from its crossref ``parent``; the title of a
    volume is the venue of its papers (biblatex's rule: title -> booktitle)."""
    for name in _INHERITED:
        if name not in entry.fields_dict and name in parent.fields_dict:
            entry.set_field(Field(name, parent.fields_dict[name].value))
    venues = ("booktitle", "journal", "journaltitle")
    title = parent.fields_dict.get("title")
    volume = parent.entry_type.lower() in _VOLUMES
    if volume and title is not None and not any(name in entry.fields_dict for name in venues):
        entry.set_field(Field("booktitle", title.value))


def _volumes(entries: list[Entry]) -> dict[str, str]:
    """Resolve crossrefs (each entry inherits from the one it names) and return the
    keys (lower case) of entries that are volumes, not papers, with why."""
    by_key = {entry.key.lower(): entry for entry in entries}
    for entry in entries:
        _fields_lower(entry)
    targets: set[str] = set()
    for entry in entries:
        target = _raw(entry, "crossref").strip().lower()
        if target and target in by_key and target != entry.key.lower():
            targets.add(target)
            _inherit(entry, by_key[target])
    volumes = {}
    for key, entry in by_key.items():
        kind = entry.entry_type.lower()
        if kind in _VOLUMES and key in targets:
            volumes[key] = f"a @{kind} that other entries cross-reference for their venue"
        elif kind in _PROCEEDINGS:
            volumes[key] = f"a @{kind} (a volume of papers, with editors, not authors)"
    return volumes


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
        elif any(char.isalnum() for char in name):  # ':' in 'OpenAI and : and ...' is none
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
        library = bibtexparser.parse_string(text, parse_stack=_parse_stack())
        volumes = _volumes(library.entries)
        blocks: list[tuple[int, Entry | ParsingFailedBlock]] = [
            (entry.start_line or 0, entry) for entry in library.entries
        ]
        blocks += [(block.start_line or 0, block) for block in library.failed_blocks]
        for _, block in sorted(blocks, key=lambda item: item[0]):
            if isinstance(block, Entry) and block.key.lower() in volumes:
                where = f"entry '{block.key}' (line {(block.start_line or 0) + 1})"
                yield Note(str(path), where, f"{volumes[block.key.lower()]}; not a paper")
            elif isinstance(block, Entry):
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
        glued = entry.parser_metadata.get(_GLUED)
        if glued:
            name, following, at = glued
            return Rejection(
                str(path), where, f"the value of '{name}' runs into '{following} = ...' on "
                f"line {at}: a comma is missing between the two fields; entry skipped"
            )
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
