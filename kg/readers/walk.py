"""Which files the input paths of a command stand for.

A file is read as given. A directory is walked, in name order, for the files some reader
claims by extension (also compressed: 'papers.csv.gz'), and snapshot parts ('part_000.gz',
'part_000' decompressed), following linked directories (each directory once, so a link
loop ends). Left out, each with a Note: the command's own output file (reading what is
being written would read the run's own papers), paper-kg stores (a store kept inside an
input directory holds a marker, a curation.csv and index files that are no paper
listings), and, one Note per directory, the files no reader claims (a README, PDFs).
Hidden names are left out quietly. A directory that cannot be listed is a Rejection
naming it: nothing is dropped unsaid.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.readers.base import Note, Rejection
from kg.readers.inputs import COMPRESSED_SUFFIXES, format_suffix
from kg.stores.base import STORE_MARKER

# Files a paper-kg (Oxigraph) store directory holds; one of them makes a directory worth
# asking kg.stores.oxigraph about (imported then: it loads the store's libraries).
_STORE_SIGNS = (STORE_MARKER, "CURRENT")


def walk_inputs(
    paths: Iterable[Path], extensions: set[str], output: Path | None = None
) -> Iterator[Path | Rejection]:
    """The files ``paths`` stand for, in reading order, with a Rejection for each directory
    that cannot be read and a Note for each path left out (see the module's docstring)."""
    seen: set[tuple[int, int]] = set()  # (device, inode) of the directories walked
    for path in paths:
        if _is_dir(path):
            yield from _walk(path, extensions, output, seen)
        elif output is not None and same_file(path, output):
            yield Note(str(path), "file", "skipped: it is the output file", skipped=True)
        else:
            yield path  # a file, or a missing path that reading reports


def _walk(
    root: Path, extensions: set[str], output: Path | None, seen: set[tuple[int, int]]
) -> Iterator[Path | Rejection]:
    pending: list[Iterator[Path]] = [iter([root])]
    while pending:
        path = next(pending[-1], None)
        if path is None:
            pending.pop()
            continue
        try:
            if path.is_dir():
                names = yield from _listing(path, seen)
                paths = [path / name for name in names if not name.startswith(".")]
                yield from _unclaimed(path, paths, extensions)
                pending.append(iter(paths))
                continue
            wanted = _claimed(path, extensions) and (path.is_file() or not path.exists())
        except OSError as error:
            yield Rejection(str(path), "file", f"cannot read: {reason(error)}")
            continue
        if wanted and output is not None and same_file(path, output):
            yield Note(str(path), "file", "skipped: it is the output file", skipped=True)
        elif wanted:
            yield path  # a regular file, or a broken link that reading reports


def _listing(path: Path, seen: set[tuple[int, int]]) -> Iterator[Rejection]:
    """Yield why a directory is not walked, if so; return the names to walk in it."""
    try:
        status = path.stat()
        names = sorted(os.listdir(path))
    except OSError as error:
        yield Rejection(
            str(path), "directory", f"cannot read: {reason(error)}; the files in it were not read"
        )
        return []
    if (status.st_dev, status.st_ino) in seen:
        yield Note(str(path), "directory", "skipped: a link to a directory already read",
                   skipped=True)
        return []
    seen.add((status.st_dev, status.st_ino))
    if is_store_directory(path, names):
        yield Note(str(path), "directory", "skipped: a paper-kg store, not paper listings",
                   skipped=True)
        return []
    return names


def is_store_directory(path: Path, names: Iterable[str] | None = None) -> bool:
    """Whether a directory is a paper-kg store (marked, or Oxigraph's files from before the
    marker); ``names``: its listing when the caller has it. Only a directory showing a
    store's files is asked about (that loads the store's libraries)."""
    signs = (any(sign in names for sign in _STORE_SIGNS) if names is not None
             else any((path / sign).is_file() for sign in _STORE_SIGNS))
    if not signs:
        return False
    from kg.stores.base import StoreError
    from kg.stores.oxigraph import directory_kind

    try:
        return directory_kind(path) in ("store", "unmarked")
    except StoreError:
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False  # reading it reports why


def _claimed(path: Path, extensions: set[str]) -> bool:
    inner = format_suffix(path)
    return inner in extensions or (inner == "" and (
        path.suffix.lower() in COMPRESSED_SUFFIXES or bool(_PART.fullmatch(path.name))))


_PART = re.compile(r"part_\d+")  # a snapshot part (OpenAlex, Semantic Scholar), decompressed
_NAMES_SHOWN = 3


def _unclaimed(folder: Path, paths: list[Path], extensions: set[str]) -> Iterator[Note]:
    """One Note for the files in ``folder`` that no reader claims by name, so that a
    directory's README or PDFs are said to be left out, not dropped unsaid."""
    left = [p.name for p in paths if not _claimed(p, extensions) and _is_file(p)]
    if left:
        shown = ", ".join(left[:_NAMES_SHOWN]) + (", ..." if len(left) > _NAMES_SHOWN else "")
        yield Note(str(folder), "directory",
                   f"skipped {len(left)} file(s) no reader claims by name ({shown}); name a "
                   "file to read it, with --format when its name does not tell the format",
                   skipped=True)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def same_file(path: Path, other: Path) -> bool:
    """Whether two paths name one file (through links too; by resolved path when one of
    them does not exist yet)."""
    try:
        return os.path.samefile(path, other)
    except OSError:
        pass
    try:
        return path.resolve() == other.resolve()
    except (OSError, RuntimeError):  # a link loop
        return False


def output_among_inputs(paths: Iterable[Path], output: Path | None) -> Path | None:
    """The input path that is the output file itself, or an input directory that holds it
    when it exists (opening it for writing would empty a file the user has), if any."""
    if output is None or _is_dir(output):
        return None
    exists = output.is_file()
    for path in paths:
        if _is_dir(path):
            if exists and _inside(output, path):
                return path
        elif same_file(path, output):
            return path
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def reason(error: BaseException) -> str:
    """Why an input could not be read, in a few words ('Permission denied')."""
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
