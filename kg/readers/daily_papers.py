"""Reader for the text of a Hugging Face "Daily Papers" page (copied from a browser).

The layout (documented in docs/INPUT-FORMATS.md) is a page header, then per paper a title
line, a one-line abstract and, on some pages, metadata lines::

    Title
    Abstract on one line
      • 11 authors
    ·
    Oct 9, 2024 2          <- date, then the upvote count (both optional parts)

Blank lines carry no meaning. The page text has no delimiters, so the reader tells titles,
abstracts and metadata apart by shape: metadata lines by pattern, abstracts by position
(and, when a title has lost its abstract, by length of the line that follows).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from kg.model import Paper
from kg.normalize import clean_text
from kg.readers.base import Reader, Rejection, TextSource, isolated

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# Header lines of the page, matched by shape rather than by exact sentence.
_HEADER = re.compile(
    r"(?i)^(?:new|subscribe|daily\s*papers"
    r"|get\s+trending\s+papers\b.*"
    r"|by\s*\S.*\bcommunity)$"
)
# "• 11 authors"; some copies render the bullet as a middle dot ("· 11 authors")
_AUTHORS = re.compile(r"(?i)^[•·∙]\s*(\d{1,6})\s+authors?$")
_SEPARATOR = re.compile(r"^·$")
_COUNT = r"\d{1,9}|\d{1,6}(?:\.\d)?[kK]"  # an upvote count: "120", "1.2k"
_VOTES = re.compile(rf"^(?:{_COUNT})$")  # an upvote count on a line of its own
_DATE = re.compile(
    rf"(?i)^(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?"
    rf"(?:\s+(?P<votes>{_COUNT}))?$"
)
# Page text around a paper that is neither title, abstract nor metadata: who submitted it
# (its user name may follow on a line of its own), the comment count, the submit button.
_PAGE_TEXT = re.compile(r"(?i)^(?:submitted\s+by\b.*|submit\s+a\s+paper|\d{1,6}\s+comments?)$")
# Something that tries to be a date line but is not one ('Oct 99, 2024', 'Jun 3 x').
_DATE_ATTEMPT = re.compile(rf"(?i)^(?:{_MONTH})\.?\s+\d")
# An abstract is prose: it ends a sentence or is longer than a line of page text; a short
# line without a full stop ("akhaliq", "Submitted by", "- rerun baselines") that followed a
# title-like line is page text or a note, not an abstract.
_SENTENCE_CLOSE = re.compile(r"[.!?。！？][\"')\]”」]*$")
# A line this long is prose, never a title (the longest title in our samples is ~160).
LONG_LINE = 300
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|[。！？]")
# Date attempts and metadata are short; a short non-date line is read as a title.
SHORT_META = 40


@dataclass
class _Record:
    """A paper being assembled; emitted when the next paper or page starts."""

    title: str
    line: int
    abstract: str = ""
    n_authors: int | None = None
    date: str | None = None
    year: int | None = None
    upvotes: int | None = None
    metadata: list[str] = field(default_factory=list)  # kinds seen: authors, sep, date
    error: Rejection | None = None


def _is_metadata(text: str) -> bool:
    return bool(
        _AUTHORS.match(text) or _SEPARATOR.match(text) or _DATE.match(text) or _VOTES.match(text)
    ) or text.startswith("•")


def _reads_as_abstract(text: str) -> bool:
    return len(text) > SHORT_META or bool(_SENTENCE_CLOSE.search(text))


def _is_prose(text: str) -> bool:
    """Whether a line reads as an abstract, never as a title: very long, or two sentences."""
    return len(text) > LONG_LINE or (
        len(text) > SHORT_META and len(_SENTENCE_END.findall(text)) >= 2
    )


def parse_date(text: str, page_year: int | None) -> tuple[str, int | None, int | None] | None:
    """'Oct 9, 2024 2' -> ('2024-10-09', 2024, 2); 'Jul 11 5' -> ('--07-11', None, 5)
    without a page year. None when the line is not a valid date."""
    match = _DATE.match(text)
    if not match:
        return None
    month = MONTHS[match["month"].lower()]
    day = int(match["day"])
    year = int(match["year"]) if match["year"] else page_year
    votes = upvotes(match["votes"]) if match["votes"] else None
    try:
        # 2000 is a leap year: a year-less Feb 29 is a valid month-day.
        iso = Date(year or 2000, month, day).isoformat()
    except ValueError:
        return None
    return (iso if year else f"--{month:02d}-{day:02d}"), year, votes


def upvotes(text: str) -> int:
    """'120' -> 120; '1.2k' -> 1200 (large counts are shown rounded)."""
    if text[-1] in "kK":
        return round(float(text[:-1]) * 1000)
    return int(text)


class DailyPapersReader(Reader):
    """Daily Papers page text: title, one-line abstract, optional '• N authors / · / date'."""

    extensions = (".txt",)
    description = "Hugging Face Daily Papers page text"

    @classmethod
    def sniff(cls, head: str) -> bool:
        lines = [line.strip() for line in head.splitlines() if line.strip()]
        if any(_AUTHORS.match(line) for line in lines):
            return True
        return sum(1 for line in lines[:12] if _HEADER.match(line)) >= 2

    @classmethod
    def plausible(cls, head: str) -> bool:
        """A '.txt' without the page header or metadata is read as a page only when it
        opens as pages do: a title line, then an abstract longer than any title (pages
        show whole abstracts, paragraphs of 1,000+ characters); a note, a README or
        another format's text export does not."""
        lines = [line.strip() for line in head.splitlines() if line.strip()]
        lines = [line for line in lines if not (_HEADER.match(line) or _DATE.match(line))]
        if len(lines) < 2 or "\t" in lines[0] or _is_prose(lines[0]) or _is_metadata(lines[0]):
            return False  # (a tab: a table exported as text)
        return len(lines[1]) > LONG_LINE and not _is_metadata(lines[1])

    def read(self, path: Path) -> Iterator[Paper | Rejection]:
        """The records of a page. Text without a page header or metadata line is held
        until it ends: when as many of its title/abstract pairs fail as read, it is not a
        page (a note, another format's text export) and gets one rejection instead."""
        source = TextSource(path)
        parser = _Parser(str(path), self.options.year)
        held: list[Paper | Rejection] = []
        for record in parser.parse(source.lines()):
            held.append(record)
            if parser.page_signs:
                yield from held
                held.clear()
        yield from _unless_no_page(str(path), held)
        rejection = source.encoding_rejection()
        if rejection:
            yield rejection


def _unless_no_page(file: str, records: list[Paper | Rejection]) -> Iterator[Paper | Rejection]:
    """``records`` of text that showed no sign of a page, or their one rejection when as
    many failed as read."""
    failed = [record for record in records if isinstance(record, Rejection)]
    if not failed or len(failed) < len(records) - len(failed):
        yield from records
        return
    first = failed[0]
    yield Rejection(
        file, "file", f"not a Daily Papers page: no page header or '• N authors' line, and "
        f"records that do not read as papers: {len(failed)} of {len(records)} (first at "
        f"{first.location}: {first.message}); nothing read from it, check --format"
    )


class _Parser:
    """Line-by-line state machine with a one-line lookahead."""

    def __init__(self, file: str, year: int | None) -> None:
        self.file = file
        self.option_year = year
        self.page_year = year
        self.in_header = True
        self.current: _Record | None = None
        self.skipping = False  # metadata after a rejected record belongs to nothing
        self.page_signs = False  # a header or metadata line seen: the text is a page
        self.user_next = False  # 'Submitted by' alone: the user name follows
        self.joined = False  # the line before this one had no blank line between

    def parse(self, lines: Iterator[tuple[int, str]]) -> Iterator[Paper | Rejection]:
        stream = _with_gaps((n, clean_text(text).strip()) for n, text in lines)
        pending = next(stream, None)
        while pending is not None:
            number, text, self.joined = pending
            pending = next(stream, None)
            yield from self._line(number, text, pending[1] if pending else None)
        yield from self._finish()

    def _reject(self, line: int, message: str) -> Rejection:
        return Rejection(self.file, f"line {line}", message)

    def _finish(self) -> Iterator[Paper | Rejection]:
        """Emit the record being assembled, as a Paper or as its Rejection."""
        record, self.current = self.current, None
        if record is None:
            return
        if not record.abstract:
            self.skipping = True
            yield self._reject(record.line, f"title {record.title!r} has no abstract line")
        elif not _reads_as_abstract(record.abstract):
            yield self._reject(
                record.line,
                f"{record.title!r} is followed by {record.abstract!r}, too short for an "
                "abstract: page text rather than a paper, not read",
            )
        elif record.error:
            yield record.error
        else:
            yield isolated(self.file, f"line {record.line}", self._paper, record)

    def _paper(self, record: _Record) -> Paper:
        return Paper(
            title=record.title,
            abstract=record.abstract,
            n_authors=record.n_authors,
            date=record.date,
            year=record.year,
            upvotes=record.upvotes,
            sources=[f"{self.file}:{record.line}"],
        )

    def _line(self, number: int, text: str, after: str | None) -> Iterator[Paper | Rejection]:
        record = self.current
        if self._page_text(text):
            return
        if _HEADER.match(text):
            self.page_signs = True
            yield from self._finish()
            if not self.in_header:  # a second page pasted into the same file
                self.in_header = True
                self.page_year = self.option_year
            return
        if self.in_header and _DATE.match(text) and record is None:
            self._page_date(text)
            return
        if _is_metadata(text):
            self.page_signs = True
            yield from self._metadata(number, text)
            return
        self.in_header = False
        if record is not None and not record.abstract:
            if (
                not _is_prose(text)
                and after is not None
                and _is_prose(after)
                and (not _is_metadata(after))
                and not after[:1].islower()  # a wrapped abstract's next line, not one
            ):
                # This title-like line is the next title and the prose after it its abstract.
                yield from self._finish()
                self._start(number, text)
            else:
                record.abstract = text
            return
        if record is not None and record.abstract and not record.metadata and (
            len(text) > LONG_LINE or self._continues(record.abstract, text, after)
        ):
            record.abstract = f"{record.abstract} {text}"  # a wrapped abstract: keep it whole
            return
        if record is not None and record.abstract and self._garbage_date(text, after, record):
            record.metadata.append("bad")
            record.error = self._reject(
                number, f"unreadable date line {text!r} of paper {record.title!r}"
            )
            return
        yield from self._finish()
        if len(text) > LONG_LINE:
            self.skipping = True
            yield self._reject(number, "a paragraph without a title line before it")
            return
        self._start(number, text)

    def _page_text(self, text: str) -> bool:
        """Skip the page's own text around a paper ('Submitted by' and the user name on
        the next line, 'N comments', 'Submit a paper')."""
        if self.user_next:
            self.user_next = False
            if " " not in text and not _is_metadata(text):
                return True
        if _PAGE_TEXT.match(text):
            self.page_signs = True
            self.user_next = text.lower().split() == ["submitted", "by"]
            return True
        return False

    def _continues(self, abstract: str, text: str, after: str | None) -> bool:
        """Whether ``text``, on the line right after the abstract's (no blank line between),
        goes on with it: an abstract hard-wrapped at some column. It does when the abstract
        stops mid-sentence, or when this line or the next one starts in lower case (a title
        is followed by an abstract that starts a sentence)."""
        if not self.joined or _is_metadata(text):
            return False
        return (
            not _SENTENCE_CLOSE.search(abstract)
            or text[:1].islower()
            or (after is not None and after[:1].islower() and not _is_metadata(after))
        )

    def _start(self, number: int, text: str) -> None:
        self.current = _Record(title=text, line=number)
        self.skipping = False

    def _garbage_date(self, text: str, after: str | None, record: _Record) -> bool:
        """Whether a short text line after an abstract is a broken date, not a title."""
        if record.error or "date" in record.metadata or len(text) > SHORT_META:
            return False
        if after is not None and len(after) > LONG_LINE and not _is_metadata(after):
            return False  # followed by an abstract: it is a title
        return bool(_DATE_ATTEMPT.match(text)) or record.metadata[-1:] == ["sep"]

    def _page_date(self, text: str) -> None:
        match = _DATE.match(text)
        if match and match["year"] and self.option_year is None:
            self.page_year = int(match["year"])

    def _metadata(self, number: int, text: str) -> Iterator[Paper | Rejection]:
        record = self.current
        if record is None:
            if not self.skipping and not self.in_header:
                yield self._reject(number, f"metadata line {text!r} without a paper")
            self.skipping = True
            return
        if not record.abstract:
            yield from self._finish()  # rejects the title that has no abstract
            return
        self.in_header = False
        if record.error:
            return
        authors = _AUTHORS.match(text)
        if authors and "authors" not in record.metadata:
            record.n_authors = int(authors.group(1))
            record.metadata.append("authors")
        elif _SEPARATOR.match(text):
            record.metadata.append("sep")
        elif _VOTES.match(text) and record.upvotes is None:
            record.upvotes = upvotes(text)
            record.metadata.append("votes")
        elif _DATE.match(text) and "date" not in record.metadata:
            parsed = parse_date(text, self.page_year)
            if parsed is None:
                record.error = self._reject(
                    number, f"invalid date {text!r} of paper {record.title!r}"
                )
                return
            record.date, record.year, record.upvotes = parsed
            record.metadata.append("date")
        else:
            record.error = self._reject(
                number, f"unreadable metadata line {text!r} of paper {record.title!r}"
            )


def _with_gaps(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str, bool]]:
    """The non-blank lines, each with whether it came right after the line before (no
    blank line between): what tells a hard-wrapped abstract's next line from a title."""
    joined = False
    for number, text in lines:
        if text:
            yield number, text, joined
        joined = bool(text)
