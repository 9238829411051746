"""Reader for arXiv API results (Atom XML), e.g. ``export.arxiv.org/api/query?id_list=...``.

Parsed incrementally with ElementTree's pull parser (the machinery behind ``iterparse``)
fed one line at a time: memory stays at one entry, each entry knows the line it starts
on, and a syntax error (a truncated download) is reported with its line while the
entries before it are kept. NUL bytes, which no XML parser accepts, are taken out of the
line before parsing and the entry holding them is rejected.

Authors type titles, abstracts and names in TeX ("Schr\\"odinger", "Ren\\'e"): accents,
special letters and escapes are decoded (kg/readers/tex.py), so the same paper from other
sources merges and author keys are right; math is kept as written.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from kg.model import Author, Paper
from kg.normalize import collapse_ws, normalize_arxiv_id
from kg.readers.base import NUL, Reader, Rejection, TextSource, isolated
from kg.readers.tex import decode_tex


def _local(tag: str) -> str:
    """'{http://www.w3.org/2005/Atom}title' -> 'title': tolerate missing or odd namespaces."""
    return tag.rsplit("}", 1)[-1]


def _children(elem: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in elem if _local(child.tag) == name]


def _text(elem: ET.Element, name: str) -> str:
    found = _children(elem, name)
    return collapse_ws("".join(found[0].itertext())) if found else ""


def _tex_text(elem: ET.Element, name: str) -> str:
    """The text of a child whose authors may write TeX (title, summary, a name)."""
    return decode_tex(_text(elem, name))


def _date(value: str) -> str | None:
    """'2017-06-12T17:57:34Z' -> '2017-06-12'."""
    value = value.strip()
    return value[:10] if len(value) >= 10 and value[4] == "-" and value[:4].isdigit() else None


class ArxivAtomReader(Reader):
    extensions = (".xml", ".atom")
    description = "arXiv API results (Atom XML)"

    @classmethod
    def sniff(cls, head: str) -> bool:
        return "<feed" in head and "http://www.w3.org/2005/Atom" in head

    def read(self, path: Path) -> Iterator[Paper | Rejection]:
        source = TextSource(path)
        parser = ET.XMLPullParser(events=("start", "end"))
        root: ET.Element | None = None
        entry_line = 0
        count = 0
        depth = 0
        nul_line = 0  # the last line that held a NUL byte
        for number, line in source.lines():
            if NUL in line:
                nul_line, line = number, line.replace(NUL, "")
            try:
                parser.feed(line + "\n")
                events = list(parser.read_events())
            except ET.ParseError as error:
                yield self._syntax_error(path, error, count)
                break
            for event, elem in events:
                if event == "start":
                    depth += 1
                    if root is None:
                        root = elem
                    elif depth == 2 and _local(elem.tag) == "entry":
                        entry_line = number
                    continue
                depth -= 1
                if depth == 1 and _local(elem.tag) == "entry":
                    count += 1
                    where = f"entry {count} (line {entry_line})"
                    if nul_line >= entry_line:
                        yield Rejection(
                            str(path), where, f"line {nul_line} holds a NUL byte (\\x00), a "
                            "sign of a corrupt record; skipped"
                        )
                    else:
                        yield isolated(
                            str(path), where, self._entry, path, elem, where, entry_line
                        )
                    if root is not None:
                        root.clear()  # drop finished entries: memory stays at one entry
        else:
            try:
                parser.close()
            except ET.ParseError as error:
                yield self._syntax_error(path, error, count)
            if root is not None and _local(root.tag) != "feed" and count == 0:
                yield Rejection(str(path), "line 1", f"not an Atom feed (root <{root.tag}>)")
        rejection = source.encoding_rejection()
        if rejection:
            yield rejection

    @staticmethod
    def _syntax_error(path: Path, error: ET.ParseError, count: int) -> Rejection:
        line, column = error.position
        kept = f"; {count} entries before it were read" if count else ""
        reason = str(error).split(":")[0]
        return Rejection(
            str(path),
            f"line {line}, column {column + 1}",
            f"XML syntax error ({reason}); the rest of the file was skipped{kept}",
        )

    @staticmethod
    def _entry(path: Path, entry: ET.Element, where: str, line: int) -> Paper | Rejection:
        raw_id = _text(entry, "id")
        if "/api/errors" in raw_id:  # the API reports bad queries as an entry
            message = _text(entry, "summary") or raw_id
            return Rejection(str(path), where, f"arXiv API error: {message}")
        title = _tex_text(entry, "title")
        if not title:
            return Rejection(str(path), where, "entry has no <title>; skipped")
        arxiv_id = normalize_arxiv_id(raw_id)
        authors = [
            Author(
                name=_tex_text(author, "name"),
                affiliations=[
                    decode_tex(collapse_ws(aff.text))
                    for aff in _children(author, "affiliation")
                    if aff.text
                ],
            )
            for author in _children(entry, "author")
            if _text(author, "name")
        ]
        categories: list[str] = []
        for tag in ("primary_category", "category"):
            for elem in _children(entry, tag):
                term = (elem.get("term") or "").strip()
                if term and term not in categories:
                    categories.append(term)
        url = None
        for link in _children(entry, "link"):
            if link.get("rel") == "alternate" and link.get("href"):
                url = link.get("href")
                break
        published = _date(_text(entry, "published"))
        return Paper(
            title=title,
            abstract=_tex_text(entry, "summary"),
            authors=authors,
            date=published,
            updated=_date(_text(entry, "updated")),
            doi=next(iter(_text(entry, "doi").split()), None),  # may list several DOIs
            arxiv_id=arxiv_id,
            venue=_text(entry, "journal_ref") or None,
            url=url or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None),
            categories=categories,
            sources=[f"{path}:{line}"],
        )
