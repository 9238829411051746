"""Read input files of any supported format into merged papers, collecting rejections.

``ingest`` holds every paper (small inputs, evaluation, the app); ``stream_papers`` gives the
same papers in two passes holding only keys, for builds and exports of any size.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.merge import (
    AuthorIdentity,
    IdentityRules,
    PaperIndex,
    apply_author_identities,
    apply_reference_aliases,
    author_identities,
    reference_aliases,
)
from kg.model import Paper
from kg.readers import (
    InputError,
    Note,
    ReadOptions,
    Rejection,
    UnknownFormat,
    detect_format,
    load_readers,
)
from kg.readers.base import unexpected
from kg.readers.inputs import DECOMPRESSION_ERRORS, Span
from kg.readers.walk import reason, walk_inputs

if TYPE_CHECKING:
    from kg.curation.transform import Applied


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """The files ``paths`` stand for (kg/readers/walk.py), and each directory that cannot
    be read, so that reading it reports why; what is left out on purpose is left out."""
    for item in walk_inputs(paths, _extensions()):
        if isinstance(item, Path):
            yield item
        elif not isinstance(item, Note):
            yield Path(item.file)


def _extensions() -> set[str]:
    return {ext for cls in load_readers().values() for ext in cls.extensions}


def iter_records(
    paths: Iterable[Path],
    fmt: str | None = None,
    options: ReadOptions | None = None,
    output: Path | None = None,
    notes: bool = False,
) -> Iterator[Paper | Rejection]:
    """Stream every record of every input; unreadable files and directories become one
    Rejection each, and a file whose reading breaks off (a corrupt compressed stream, an
    unexpected error) one Rejection where it broke: its records before that point and all
    other files are kept. ``output``: the command's output file, never read as an input.
    ``notes``: also yield a Note for each path left out and each file without papers."""
    readers = load_readers()
    if fmt is not None and fmt not in readers:
        raise UnknownFormat(f"unknown format {fmt!r}; choose one of: {', '.join(sorted(readers))}")
    for path in walk_inputs(paths, _extensions(), output):
        if isinstance(path, Rejection):
            if notes or not isinstance(path, Note):
                yield path
            continue
        try:
            path.stat()
        except FileNotFoundError:
            yield Rejection(str(path), "file", "no such file")
            continue
        except OSError as error:  # inside a directory this user cannot enter ...
            yield Rejection(str(path), "file", f"cannot read: {reason(error)}")
            continue
        try:
            name = fmt or detect_format(path)
        except UnknownFormat as error:
            yield Rejection(str(path), "file", str(error))
            continue
        except InputError as error:
            yield Rejection(str(path), error.location, error.message)
            continue
        except (OSError, *DECOMPRESSION_ERRORS) as error:
            yield Rejection(str(path), "file", f"cannot read: {reason(error)}")
            continue
        empty = True
        for record in _guarded(readers[name](options).read(path), str(path)):
            empty = False
            yield record
        if empty and notes:  # an API answer with no hits, a feed of no entries ...
            yield Note(str(path), "file", f"no papers in it (read as {name})")


def iter_span(
    path: Path, fmt: str, span: Span, options: ReadOptions | None = None
) -> Iterator[Paper | Rejection]:
    """The records of one byte range of a plain file in a ``splittable`` format (see
    kg/readers/inputs.py's Span), isolated as ``iter_records`` isolates a file."""
    reader = load_readers()[fmt](options)
    yield from _guarded(reader.read(path, span), str(path))  # type: ignore[call-arg]


def _guarded(records: Iterator[Paper | Rejection], file: str) -> Iterator[Paper | Rejection]:
    """A reader's records; an error escaping it ends the file with one Rejection saying
    where, instead of ending the run."""
    where = "file"
    try:
        for record in records:
            if isinstance(record, Paper):
                own = [s for s in record.sources if s.startswith(f"{file}:")]
                where = f"after line {own[-1].removeprefix(f'{file}:')}" if own else where
            yield record
    except InputError as error:
        yield Rejection(file, error.location, error.message)
    except OSError as error:
        yield Rejection(file, where, f"cannot read on: {reason(error)}")
    except Exception as error:  # a reader's bug must not take the other files down
        yield Rejection(
            file, where, f"reading stopped by an unexpected error ({unexpected(error)}); "
            "the records before it were read"
        )


@dataclass
class IngestResult:
    papers: list[Paper]
    rejections: list[Rejection] = field(default_factory=list)
    records: int = 0
    merged_duplicates: int = 0


def ingest(
    paths: Iterable[Path],
    fmt: str | None = None,
    options: ReadOptions | None = None,
    on_rejection=None,
    curation: Applied | None = None,
) -> IngestResult:
    """Read and merge all inputs. ``on_rejection`` is called as rejections arrive;
    ``curation``: identity decisions (same/different papers, author merges and splits)."""
    index = PaperIndex(curation.rules if curation else None)
    rejections: list[Rejection] = []
    for record in iter_records(paths, fmt, options):
        if isinstance(record, Rejection):
            if not isinstance(record, Note):  # a note is told, never counted
                rejections.append(record)
            if on_rejection:
                on_rejection(record)
        else:
            index.add(record)
    papers = index.papers()
    for paper in papers if curation else ():
        curation.curate_authors(paper)
    return IngestResult(papers, rejections, index.records, index.merged_duplicates)


READ_REPORTS = 2000  # records between two on_read calls


class InputChanged(RuntimeError):
    """The inputs changed between the two passes of a PaperStream."""


def stream_papers(
    paths: Iterable[Path],
    fmt: str | None = None,
    options: ReadOptions | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
    keep: Callable[[str], bool] | None = None,
    stored_ids: Callable[[list[Paper]], list[str | None]] | None = None,
    on_read: Callable[[int], None] | None = None,
    curation: Applied | None = None,
    output: Path | None = None,
) -> PaperStream:
    """The merged papers of ``paths`` as ``ingest`` gives them, without holding the corpus:
    this first pass keeps only what merging needs (identity keys, author names and ids;
    no abstracts or references); iterating reads the inputs again and yields each paper as
    soon as its last record is read. Rejections are reported here, once. ``keep``: which
    paper ids to yield (a shard); ``stored_ids``: the ids a store already holds papers
    under (None: not stored), asked here for every kept paper at once, before the caller
    writes anything (see Paper.stored_id); ``on_read``: told
    the number of records read so far, now and then (a progress display); ``curation``:
    identity decisions (kg/curation), applied in both passes; ``output``: the caller's
    output file, never read as an input. Notes (a path skipped, a file without papers) go
    to ``on_rejection`` too, but are kept apart from the rejections."""
    stream = PaperStream(list(paths), fmt, options, curation=curation, output=output)
    stream.scan(on_rejection, keep, stored_ids, on_read)
    return stream


@dataclass
class PaperStream:
    paths: list[Path]
    fmt: str | None = None
    options: ReadOptions | None = None
    curation: Applied | None = None
    output: Path | None = None
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    records: int = 0
    papers: int = 0  # what the second pass yields
    distinct_papers: int = 0  # of which distinct: several may merge into one stored paper
    merged_duplicates: int = 0
    # paper records in input order -> the paper they merge into; records per paper when > 1
    _paper_of: array = field(default_factory=lambda: array("q"))
    _sizes: dict[int, int] = field(default_factory=dict)
    _kept: bytearray = field(default_factory=bytearray)  # per paper: 1 = yield it
    _stored_ids: dict[int, str] = field(default_factory=dict)
    _identities: dict[str, AuthorIdentity] = field(default_factory=dict)
    _aliases: dict[str, str] = field(default_factory=dict)

    def scan(
        self,
        on_rejection: Callable[[Rejection], None] | None = None,
        keep: Callable[[str], bool] | None = None,
        stored_ids: Callable[[list[Paper]], list[str | None]] | None = None,
        on_read: Callable[[int], None] | None = None,
    ) -> None:
        """First pass: merge skeletons of the records to learn which records are one paper,
        the authors' unified ids and the keys references may use."""
        index = PaperIndex(self._rules())
        for record in iter_records(self.paths, self.fmt, self.options, self.output, notes=True):
            if isinstance(record, Rejection):
                if isinstance(record, Note):
                    self.notes.append(record)
                else:
                    self.rejections.append(record)
                if on_rejection:
                    on_rejection(record)
                continue
            index.add(record_skeleton(record, index.records))
            if on_read and index.records % READ_REPORTS == 0:
                on_read(index.records)
        if on_read:
            on_read(index.records)
        skeletons = index.live()
        self.records, self.merged_duplicates = index.records, index.merged_duplicates
        self._paper_of = array("q", bytes(8 * index.records))
        self._kept = bytearray(len(skeletons))
        for number, skeleton in enumerate(skeletons):
            for record in skeleton.sources:
                self._paper_of[int(record)] = number
            if len(skeleton.sources) > 1:
                self._sizes[number] = len(skeleton.sources)
            self._kept[number] = keep is None or keep(skeleton.id)
        self.papers = self.distinct_papers = sum(self._kept)
        self._identities = author_identities(skeletons)
        self._aliases = reference_aliases(skeletons)  # by natural id, as ingest() does
        for number, skeleton in enumerate(skeletons):
            if skeleton.stored_id:  # a title another paper here has too (distinct_ids)
                self._stored_ids[number] = skeleton.stored_id
        if stored_ids is not None:
            numbers = [n for n in range(len(skeletons)) if self._kept[n]]
            found = stored_ids([skeletons[n] for n in numbers])
            # papers that are one stored paper only through it (one has its DOI, another
            # its arXiv id) are one paper of the input, as they would be in one build
            repeats = len([s for s in found if s]) - len({s for s in found if s})
            self.distinct_papers = self.papers - repeats
            self.merged_duplicates += repeats
            renamed: dict[str, str] = {}
            for number, stored in zip(numbers, found, strict=True):
                if stored and stored != skeletons[number].id:
                    renamed[skeletons[number].id] = self._stored_ids[number] = stored
            # a citation of a paper of this run names it by the id it is stored under
            self._aliases = {key: renamed.get(i, i) for key, i in self._aliases.items()}

    def __len__(self) -> int:
        return self.papers

    @property
    def aliases(self) -> dict[str, str]:
        """Every key a citation may name a paper of these inputs by -> its final id."""
        return self._aliases

    def __iter__(self) -> Iterator[Paper]:
        """Second pass: the records again, merged and finished paper by paper. Records of
        one paper wait until its last one arrives (duplicates far apart hold them longer)."""
        waiting: dict[int, list[Paper]] = {}
        number = 0
        for record in iter_records(self.paths, self.fmt, self.options, self.output):
            if isinstance(record, Rejection):
                continue
            if number >= len(self._paper_of):
                raise self._changed()
            paper, number = self._paper_of[number], number + 1
            if not self._kept[paper]:
                continue
            size = self._sizes.get(paper, 1)
            if size > 1:
                group = waiting.setdefault(paper, [])
                group.append(record)
                if len(group) < size:
                    continue
                del waiting[paper]
                done = merge_group(group, self._rules())
            else:
                done = [record]
            for place, merged in enumerate(done):
                apply_author_identities(merged, self._identities)
                apply_reference_aliases(merged, self._aliases)
                if self.curation:
                    self.curation.curate_authors(merged)
                # the first paper of the group has the id the first pass found; a paper
                # split off (merge_group) keeps the '~n' id merge_group gave it
                merged.stored_id = (self._stored_ids.get(paper) if place == 0 else None) \
                    or merged.stored_id
                yield merged
        if number != len(self._paper_of) or waiting:
            raise self._changed()

    def _rules(self) -> IdentityRules | None:
        return self.curation.rules if self.curation else None

    def _changed(self) -> InputChanged:
        names = ", ".join(str(path) for path in self.paths)
        return InputChanged(
            f"the input changed while it was being read ({names}); run again once it is final"
        )


def merge_group(records: Iterable[Paper], rules: IdentityRules | None = None) -> list[Paper]:
    """The papers that the records of one first-pass paper (in input order) merge into: the
    same merges, in the same order, as the first pass (normally one paper)."""
    index = PaperIndex(rules)
    for record in records:
        index.add(record)
    return index.live()


def record_skeleton(paper: Paper, record: int) -> Paper:
    """What merging looks at, numbered by record: no abstract, references or keywords;
    the year (records sharing only a title are two papers when years apart), so that the
    first pass merges as the second does. The authors are the record's own objects
    (merging skeletons changes them)."""
    return Paper(
        title=paper.title, authors=paper.authors, doi=paper.doi, arxiv_id=paper.arxiv_id,
        year=paper.year, external_ids=dict(paper.external_ids), sources=[str(record)],
    )
