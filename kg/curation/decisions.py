"""Curation decisions and the file that holds them (one CSV line per decision).

The file is append-only: a decision is never edited in place; ``undo`` appends a line
naming the decision it takes back. Loading reads every line in order, drops the undone
decisions and checks the rest; a bad line (unknown action, missing or malformed field, a
decision that contradicts one in force) is a Problem naming file:line and is skipped.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from kg.model import CONCEPT_TYPES, Curated
from kg.readers import Rejection

ACTIONS = (
    "reject-mention", "stop-concept", "set-type", "merge-concepts", "rename-concept",
    "set-role", "add-mention", "confirm-mention", "merge-authors", "split-author",
    "same-paper", "different-papers", "undo",
)
ROLES = ("proposed", "used")
FIELDS = ("title", "abstract")
# What each action needs filled in (the other columns stay empty).
REQUIRED: dict[str, tuple[str, ...]] = {
    "reject-mention": ("paper", "concept"),
    "confirm-mention": ("paper", "concept"),
    "stop-concept": ("concept",),
    "set-type": ("concept", "value"),
    "merge-concepts": ("concept", "target"),
    "rename-concept": ("concept", "value"),
    "set-role": ("paper", "concept", "value"),
    "add-mention": ("paper", "concept", "field", "start", "end"),
    "merge-authors": ("author", "target"),
    "split-author": ("author", "value"),
    "same-paper": ("paper", "target"),
    "different-papers": ("paper", "target"),
    "undo": ("target",),
}
# A problem with a line of a curation file: file, "line N", what is wrong (kg.readers'
# Rejection, so the CLI reports it like any bad input record).
Problem = Rejection


class CurationError(ValueError):
    """A decision that cannot be recorded (the message says why), or no curation file."""


@dataclass(frozen=True)
class Decision:
    """One curation decision; see kg/curation/__init__.py for what each field means."""

    action: str
    paper: str = ""
    concept: str = ""
    author: str = ""
    target: str = ""
    value: str = ""
    field: str = ""
    start: int | None = None
    end: int | None = None
    who: str = ""
    when: str = ""
    why: str = ""
    id: str = ""

    @property
    def mark(self) -> Curated:
        """The origin mark this decision puts on what it changes."""
        return Curated(self.who, self.when)

    def row(self) -> dict[str, str]:
        return {key: "" if value is None else str(value) for key, value in asdict(self).items()}

    def problem(self) -> str | None:
        """What is wrong with this decision on its own (None: nothing)."""
        if self.action not in REQUIRED:
            return f"unknown action {self.action!r}; one of: {', '.join(ACTIONS)}"
        missing = [name for name in REQUIRED[self.action] if getattr(self, name) in ("", None)]
        if missing:
            return f"{self.action} needs {', '.join(missing)}"
        return _value_problem(self)


def _value_problem(decision: Decision) -> str | None:
    action, value = decision.action, decision.value
    if action == "set-type" and value not in CONCEPT_TYPES:
        return f"unknown type {value!r}; one of: {', '.join(CONCEPT_TYPES)}"
    if action == "add-mention" and value and value not in CONCEPT_TYPES:
        return f"unknown type {value!r}; one of: {', '.join(CONCEPT_TYPES)}"
    if action == "set-role" and value not in ROLES:
        return f"unknown role {value!r}; one of: {', '.join(ROLES)}"
    if action == "add-mention":
        if decision.field not in FIELDS:
            return f"unknown field {decision.field!r}; one of: {', '.join(FIELDS)}"
        if not 0 <= (decision.start or 0) < (decision.end or 0):
            return f"the span {decision.start}-{decision.end} is empty or negative"
    if action in ("merge-concepts", "merge-authors", "same-paper", "different-papers"):
        own = decision.concept or decision.author or decision.paper
        if own == decision.target:
            return f"{action} names {own} on both sides"
    if action == "merge-concepts" and not decision.target.startswith("concept:"):
        return f"the target {decision.target!r} is not a concept id (concept:…)"
    if action == "split-author" and not papers_of_split(decision):
        return "split-author needs the paper ids (';'-separated) of the other person"
    return None


def papers_of_split(decision: Decision) -> list[str]:
    """The papers a split-author decision gives to the new person."""
    return [part.strip() for part in decision.value.split(";") if part.strip()]


COLUMNS = tuple(f.name for f in fields(Decision))


def curator() -> str:
    """Who is deciding: $KG_CURATOR, else the OS user."""
    try:
        return os.environ.get("KG_CURATOR") or getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        return "unknown"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decision_id(decision: Decision, salt: str = "") -> str:
    """A short stable id from the decision's content (and ``salt``: its line)."""
    text = "\x1f".join(v for k, v in decision.row().items() if k != "id") + salt
    return "d" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


class Curation:
    """The decisions of one curation file, in order, undone ones removed (``decisions``);
    kg/curation/transform.py applies them to extraction results and ingest."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.decisions: list[Decision] = []
        self.lines: dict[str, int] = {}  # decision id -> its line in the file
        self._all: list[Decision] = []  # every good line, undone ones and undo lines too

    @classmethod
    def load(cls, path: str | Path | None) -> tuple[Curation, list[Problem]]:
        """The decisions in force in ``path`` (none when it does not exist yet) and the
        problems of the lines that were skipped."""
        curation = cls(Path(path) if path is not None else None)
        if curation.path is None or not curation.path.exists():
            return curation, []
        problems: list[Problem] = []
        try:
            lines = list(_read_rows(curation.path))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            return curation, [Problem(str(curation.path), "file", f"cannot read: {error}")]
        for number, row in lines:
            decision, message = _parse(row, number)
            if decision is not None:
                message = curation._admit(decision, number)
            if message:
                problems.append(Problem(str(curation.path), f"line {number}", message))
        return curation, problems

    def record(self, decision: Decision) -> Decision:
        """Check ``decision`` against those in force, give it who/when/id, append it to the
        file and return it; CurationError (nothing written) when it is bad."""
        if self.path is None:
            raise CurationError("this curation has no file to record decisions in")
        decision = replace(decision, who=decision.who or curator(), when=decision.when or now())
        number = self._next_line()
        decision = replace(decision, id=decision.id or decision_id(decision, str(number)))
        message = decision.problem() or self._admit(decision, number, dry_run=True)
        if message:
            raise CurationError(message)
        self._append(decision)
        self._admit(decision, number)
        return decision

    def undo(self, decision_id: str | None = None) -> Decision:
        """Take back a decision (the last one in force when None) by appending an undo line;
        returns the undo decision."""
        if decision_id is None:
            if not self.decisions:
                raise CurationError("there is no decision in force to undo")
            decision_id = self.decisions[-1].id
        return self.record(Decision("undo", target=decision_id))

    def trial(self, decision: Decision) -> Curation:
        """A copy without a file holding ``decision`` too (given an id when it has none),
        to see what it would do before it is recorded."""
        copy = Curation()
        copy.decisions = [*self.decisions, replace(decision, id=decision.id or "trial")]
        copy.lines = dict(self.lines)
        return copy

    def find(self, decision_id: str) -> Decision | None:
        """A decision of the file by id (in force, undone, or an undo line)."""
        return next((d for d in self._all if d.id == decision_id), None)

    def where(self, decision: Decision) -> str:
        """'FILE:LINE' of a decision, for messages."""
        return f"{self.path}:{self.lines.get(decision.id, '?')}"

    # --------------------------------------------------------------------- internals

    def _next_line(self) -> int:
        if self.path is None or not self.path.exists():
            return 2
        with self.path.open("rb") as file:
            return sum(1 for _ in file) + 1

    def _append(self, decision: Decision) -> None:
        assert self.path is not None
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, COLUMNS, lineterminator="\n")
            if new:
                writer.writeheader()
            writer.writerow(decision.row())

    def _admit(self, decision: Decision, number: int, dry_run: bool = False) -> str | None:
        """Take a checked line into the curation; the message of a conflict instead."""
        if decision.id in self.lines:
            return f"the id {decision.id} is used by line {self.lines[decision.id]} already"
        if decision.action == "undo":
            undone = next((d for d in self.decisions if d.id == decision.target), None)
            if undone is None:
                known = self.find(decision.target)
                return (f"{decision.target} is already undone" if known and known.action != "undo"
                        else f"no decision {decision.target} in force to undo")
            if not dry_run:
                self.decisions.remove(undone)
        else:
            message = conflict(decision, self.decisions, self.lines)
            if message:
                return message
            if not dry_run:
                self.decisions.append(decision)
        if not dry_run:
            self._all.append(decision)
            self.lines[decision.id] = number
        return None


def _read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        unknown = [name for name in reader.fieldnames or [] if name not in COLUMNS]
        if unknown or "action" not in (reader.fieldnames or []):
            raise csv.Error(f"the header must name the columns {','.join(COLUMNS)} "
                            f"(found {','.join(reader.fieldnames or [])})")
        for row in reader:
            if any((value or "").strip() for value in row.values() if isinstance(value, str)):
                yield reader.line_num, row


def _parse(row: dict[str, str | None], number: int) -> tuple[Decision | None, str | None]:
    if None in row:
        return None, "more cells than the header has columns"
    values = {key: (value or "").strip() for key, value in row.items() if key is not None}
    try:
        offsets = {k: int(values[k]) if values.get(k) else None for k in ("start", "end")}
    except ValueError:
        return None, f"start/end must be whole numbers ({values.get('start')}, {values.get('end')})"
    decision = Decision(**{**values, **offsets})  # type: ignore[arg-type]
    decision = replace(decision, id=decision.id or decision_id(decision, str(number)))
    return (None, message) if (message := decision.problem()) else (decision, None)


def conflict(decision: Decision, in_force: Iterable[Decision], lines: dict[str, int]) -> str | None:
    """Why ``decision`` contradicts a decision in force (None: it does not). A later
    set-type, rename or set-role simply replaces an earlier one; contradictions are a merge
    cycle, merging what is merged already, and a tag both rejected and kept."""
    earlier = list(in_force)
    if decision.action in ("merge-concepts", "merge-authors"):
        own = decision.concept or decision.author
        merged = {(d.concept or d.author): d for d in earlier if d.action == decision.action}
        if own in merged:
            return (f"{own} is merged into {merged[own].target} already (line "
                    f"{lines.get(merged[own].id)}); undo that first")
        end = decision.target  # the merges in force have no cycle, and own is not merged
        while end in merged:
            end = merged[end].target
        if end == own:
            return f"merging {own} into {decision.target} would close a cycle of merges"
    tag_actions = {"reject-mention"}, {"set-role", "confirm-mention", "add-mention"}
    for side, other in (tag_actions, tag_actions[::-1]):
        if decision.action in side:
            for d in earlier:
                if d.action in other and (d.paper, d.concept) == (decision.paper, decision.concept):
                    return (f"{d.action} of {d.concept} on {d.paper} (line {lines.get(d.id)}) "
                            f"contradicts {decision.action}; undo it first")
    pair = {"same-paper": "different-papers", "different-papers": "same-paper"}
    if decision.action in pair:
        ends = {decision.paper, decision.target}
        for d in earlier:
            if d.action == pair[decision.action] and {d.paper, d.target} == ends:
                return (f"{d.action} {d.paper} {d.target} (line {lines.get(d.id)}) contradicts "
                        f"{decision.action}; undo it first")
    return None
