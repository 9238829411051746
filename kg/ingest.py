"""Read input files of any supported format into merged papers, collecting rejections."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.merge import PaperIndex, distinct_authors
from kg.model import Paper
from kg.readers import ReadOptions, Rejection, UnknownFormat, detect_format, load_readers


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; directories walked recursively for files some reader claims."""
    extensions = {ext for cls in load_readers().values() for ext in cls.extensions}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in extensions:
                    yield child
        else:
            yield path


def iter_records(
    paths: Iterable[Path], fmt: str | None = None, options: ReadOptions | None = None
) -> Iterator[Paper | Rejection]:
    """Stream every record of every input; unreadable files become one Rejection each."""
    readers = load_readers()
    if fmt is not None and fmt not in readers:
        raise UnknownFormat(f"unknown format {fmt!r}; choose one of: {', '.join(sorted(readers))}")
    for path in expand_paths(paths):
        if not path.exists():
            yield Rejection(str(path), "file", "no such file")
            continue
        try:
            name = fmt or detect_format(path)
        except UnknownFormat as error:
            yield Rejection(str(path), "file", str(error))
            continue
        except OSError as error:
            yield Rejection(str(path), "file", f"cannot read: {error.strerror or error}")
            continue
        try:
            yield from readers[name](options).read(path)
        except OSError as error:
            yield Rejection(str(path), "file", f"cannot read: {error.strerror or error}")


@dataclass
class IngestResult:
    papers: list[Paper]
    rejections: list[Rejection] = field(default_factory=list)
    records: int = 0
    merged_duplicates: int = 0

    @property
    def n_authors(self) -> int:
        return distinct_authors(self.papers)

    def summary_rows(self) -> list[tuple[str, int]]:
        return [
            ("records read", self.records),
            ("papers", len(self.papers)),
            ("merged duplicates", self.merged_duplicates),
            ("authors", self.n_authors),
            ("rejected records", len(self.rejections)),
        ]


def ingest(
    paths: Iterable[Path],
    fmt: str | None = None,
    options: ReadOptions | None = None,
    on_rejection=None,
) -> IngestResult:
    """Read and merge all inputs. ``on_rejection`` is called as rejections arrive."""
    index = PaperIndex()
    rejections: list[Rejection] = []
    for record in iter_records(paths, fmt, options):
        if isinstance(record, Rejection):
            rejections.append(record)
            if on_rejection:
                on_rejection(record)
        else:
            index.add(record)
    return IngestResult(index.papers(), rejections, index.records, index.merged_duplicates)
