"""`kg curate list|apply|undo|export`: a reviewer's corrections of the graph (kg/curation),
recorded in the curation file and applied to the store at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.options import DEFAULT_STORE, CurationFile, Store, errors_reported
from kg.cli.output import (
    OutputFormat,
    err,
    fail,
    load_curation,
    note,
    open_output,
    output_format,
    print_rows,
    print_summary,
    report_rejection,
)
from kg.curation import (
    COLUMNS,
    ApplyReport,
    Curation,
    CurationError,
    Decision,
    Problem,
    apply_to_store,
    curation_path,
    review_queue,
    store_problem,
)
from kg.stores import GraphStore, open_store

curate_app = typer.Typer(
    name="curate",
    help="Correct the graph by hand: decisions kept in a curation file (default: curation.csv "
    "in the store's directory; --curation FILE to share one), applied to the store at once and "
    "by every `kg build`. See README 'Curating'.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)

Format = Annotated[OutputFormat, typer.Option("--format", help="table, json or csv.")]
ListFormat = Annotated[OutputFormat | None, typer.Option(
    "--format", help="table, json or csv (default: csv or json when -o names a .csv or .json "
    "file, else table).")]
Output = Annotated[Path | None, typer.Option("-o", "--output",
                                             help="Write here instead of stdout.")]


def _curation(store: str, curation: Path | None) -> Curation:
    """The curation file of a store, its bad lines reported (they stay skipped)."""
    with errors_reported():
        found, _ = load_curation(curation_path(store, curation), required=True)
    assert found is not None
    return found


@curate_app.command("list")
def list_command(
    store: Store = DEFAULT_STORE,
    curation: CurationFile = None,
    queue: Annotated[bool, typer.Option(
        "--queue", help="The review queue instead: the least confident tags nobody has "
        "checked yet.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Queue rows.")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Queue rows to skip.")] = 0,
    fmt: ListFormat = None,
    output: Output = None,
) -> None:
    """List the decisions in force (with their line in the curation file), or the review queue."""
    fmt = output_format(fmt, output)
    if queue:
        with errors_reported(), open_store(store, "read") as opened:
            rows = review_queue(opened, limit, offset)
        columns = ["paper", "title", "concept", "name", "type", "role", "confidence", "sentence"]
        if fmt is OutputFormat.table:  # the long texts are in json/csv
            columns = [c for c in columns if c not in ("title", "sentence")]
        if not rows:
            note("the review queue is empty: every tag has been checked by hand (or the store "
                 "has no tags)")
            return
        with open_output(output) as stream:
            print_rows(columns, [[row[c] for c in columns] for row in rows], fmt,
                       title="review queue", stream=stream)
        return
    found = _curation(store, curation)
    if not found.decisions:
        note(f"no decisions in force in {found.path}; record one with `kg curate apply`")
        return
    columns = ["line", *COLUMNS]
    rows = [[found.lines[d.id], *d.row().values()] for d in found.decisions]
    with open_output(output) as stream:
        print_rows(*_shown(columns, rows, fmt), fmt, title=str(found.path), stream=stream)


def _shown(columns: list[str], rows: list[list], fmt: OutputFormat) -> tuple[list[str], list]:
    """A table leaves out the columns no row fills (json and csv keep every column)."""
    if fmt is not OutputFormat.table:
        return columns, rows
    keep = [i for i, _ in enumerate(columns) if any(str(row[i]) for row in rows)]
    return [columns[i] for i in keep], [[row[i] for i in keep] for row in rows]


@curate_app.command("apply")
def apply_command(
    action: Annotated[str | None, typer.Argument(
        help="reject-mention, confirm-mention, set-role, add-mention, stop-concept, set-type, "
        "rename-concept, merge-concepts, merge-authors, split-author, same-paper, "
        "different-papers.")] = None,
    paper: Annotated[str, typer.Option("--paper", help="Paper id.")] = "",
    concept: Annotated[str, typer.Option(
        "--concept", help="Concept id (add-mention: an id or a new name).")] = "",
    author: Annotated[str, typer.Option("--author", help="Author id.")] = "",
    target: Annotated[str, typer.Option(
        "--target", help="The other side: the concept/author merged into, the other paper.")] = "",
    value: Annotated[str, typer.Option(
        "--value", help="New type, new name, role (proposed/used), add-mention's type, "
        "split-author's paper ids (;-separated).")] = "",
    field: Annotated[str, typer.Option("--field", help="add-mention: title or abstract.")] = "",
    start: Annotated[int | None, typer.Option("--start", help="add-mention: span start.")] = None,
    end: Annotated[int | None, typer.Option("--end", help="add-mention: span end.")] = None,
    why: Annotated[str, typer.Option("--why", help="Why (kept in the file).")] = "",
    file: Annotated[Path | None, typer.Option(
        "--file", help="A CSV of decisions (the curation file's columns) to record too.")] = None,
    store: Store = DEFAULT_STORE,
    curation: CurationFile = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Record decisions (given as options and/or --file) and apply them to the store at once.

    A decision naming a paper, concept or author the store lacks, or contradicting one in force, is rejected with its file:line (or 'command line') and nothing of it is written; the others are recorded and applied. The exit code is 1 when any was rejected.
    """  # noqa: E501
    wanted: list[tuple[str, Decision]] = []
    rejected = 0
    if action:
        wanted.append((f"command line: {action}", Decision(
            action, paper=paper, concept=concept, author=author, target=target, value=value,
            field=field, start=start, end=end, why=why)))
    if file is not None:
        if not file.exists():
            raise fail(f"no such file: {file}")
        given, problems = Curation.load(file)
        for problem in problems:
            report_rejection(problem)
        rejected += len(problems)
        wanted += [(f"{file}: line {given.lines[d.id]}", d) for d in given.decisions]
    if not wanted:
        raise fail("no decision given", "name an action with its options, or --file FILE")
    found = _curation(store, curation)
    recorded: list[Decision] = []
    with errors_reported(), open_store(store, "write") as opened:
        for where, decision in wanted:
            if decision.id and decision.id in found.lines:
                continue  # recorded before (the same file applied again)
            try:
                message = decision.problem() or store_problem(opened, found, decision)
                if message:
                    raise CurationError(message)
                recorded.append(found.record(decision))
            except CurationError as error:
                file_, _, line = where.partition(": ")
                report_rejection(Problem(file_, line, str(error)))
                rejected += 1
        report = _applied(opened, found, recorded) if recorded else ApplyReport()
    _print_recorded(recorded, fmt)
    _summary("kg curate apply", found, len(recorded), rejected, report)
    if rejected:
        raise typer.Exit(1)


def _applied(store: GraphStore, found: Curation, decisions: list[Decision]) -> ApplyReport:
    """apply_to_store under a spinner: a decision that removes a tag recomputes every derived
    figure (about a minute at 100k papers)."""
    with err.status("applying to the store and updating the derived figures…"):
        return apply_to_store(store, found, decisions)


@curate_app.command("undo")
def undo_command(
    decision: Annotated[str | None, typer.Argument(
        help="The id of the decision to undo (default: the last one in force).")] = None,
    store: Store = DEFAULT_STORE,
    curation: CurationFile = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Undo a decision: an undo line is appended and the store is brought back (the papers it
    touched are extracted again and curated with the decisions still in force)."""
    found = _curation(store, curation)
    with errors_reported(), open_store(store, "write") as opened:
        undo = found.undo(decision)
        report = _applied(opened, found, [undo])
    _print_recorded([undo], fmt)
    _summary("kg curate undo", found, 1, 0, report)


@curate_app.command("export")
def export_command(
    store: Store = DEFAULT_STORE,
    curation: CurationFile = None,
    output: Output = None,
    training: Annotated[bool, typer.Option(
        "--training", help="Write the reviewed papers as training examples instead (JSONL "
        "in the gold format of extract/data/gold; put the file there and run `python -m "
        "kg.extract.train`).")] = False,
) -> None:
    """Write the decisions in force as a curation file (undone ones and undo lines left out),
    to share with co-authors or apply to another store with `kg curate apply --file`; or,
    with --training, the reviewed papers as the extractor's training examples."""
    found = _curation(store, curation)
    if not found.decisions:
        raise fail(f"nothing written: no decisions in force in {found.path}", code=1)
    if training:
        _export_training(store, found, output)
        return
    with open_output(output) as stream:
        print_rows(COLUMNS, [list(d.row().values()) for d in found.decisions],
                   OutputFormat.csv, stream=stream, keep_formulas=True)


def _export_training(store: str, found: Curation, output: Path | None) -> None:
    from kg.curation.learn import training_examples

    with errors_reported(), open_store(store, "read") as opened:
        lines = training_examples(opened, found)
    if not lines:
        raise fail("nothing written: no decision names a paper of the store's tags", code=1)
    with open_output(output) as stream:
        stream.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    note(f"{len(lines)} reviewed papers written as training examples")


def _print_recorded(decisions: list[Decision], fmt: OutputFormat) -> None:
    if decisions:
        rows = [list(d.row().values()) for d in decisions]
        print_rows(*_shown(list(COLUMNS), rows, fmt), fmt, title="recorded")


def _summary(title: str, found: Curation, recorded: int, rejected: int,
             report: ApplyReport) -> None:
    print_summary(title, [
        ("curation file", found.path),
        ("decisions recorded", recorded),
        ("decisions rejected", rejected),
        ("papers rewritten", len(report.papers)),
        ("papers replaced (identity)", len(report.removed)),
        ("concepts rewritten", len(report.concepts)),
        ("extracted again", "yes" if report.extracted else "no"),
    ])
    if report.pending:
        note(f"{len(report.pending)} identity decision(s) recorded but not applied to the "
             f"store: {report.problem}; the next `kg build` of the store from its inputs "
             "applies them")
