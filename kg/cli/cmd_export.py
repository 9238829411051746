"""`kg export`: a selection of the graph (seeds, hops, filters) written in one format."""

from __future__ import annotations

from pathlib import Path

import typer

from kg.cli.options import KeepFormulas, Store
from kg.cli.output import err, fail, print_summary
from kg.export import ExportError, budget_note, empty_reason, export, exporter, format_names
from kg.graph import KINDS, RELS, graph_counts, kind_of
from kg.queries import QueryParamError
from kg.readers.walk import is_store_directory
from kg.seeds import SelectionError
from kg.selection import DEFAULT_LIMIT, Selection, default_limit, select
from kg.stores import DEFAULT_STORE, StoreError, open_store


def _format_help() -> str:
    return "Export format: " + ", ".join(format_names()) + " (bundle = a zip of all of them)."


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def export_command(
    fmt: str = typer.Option(..., "--format", "-f", help=_format_help()),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="File to write (a directory or .zip for csv); default kg-export<suffix of the "
        "format> in the current directory (kg-export.bib, kg-export.vos.json, …).",
    ),
    store: Store = DEFAULT_STORE,
    concept: list[str] = typer.Option(
        [],
        "--concept",
        "-c",
        help="Seed concept: name, alias or id (its papers come first, with those of the "
        "concepts below it); repeatable.",
    ),
    author: list[str] = typer.Option(
        [], "--author", "-a", help="Seed author: name (accents and case folded) or id."
    ),
    paper: list[str] = typer.Option([], "--paper", "-p", help="Seed paper: id or title."),
    query: Path | None = typer.Option(
        None,
        "--query",
        "-q",
        help="File with a query in the store's language (SPARQL or "
        "Cypher) whose first column holds paper ids or paper IRIs: those papers are the "
        "seeds (a value that is no stored paper is an error).",
    ),
    everything: bool = typer.Option(
        False, "--all", help="No seeds: export the whole store (up to --limit if given)."
    ),
    hops: int = typer.Option(1, "--hops", "-n", min=1, max=3, help="Hops around the seeds."),
    types: list[str] = typer.Option(
        [],
        "--types",
        "-t",
        help="Keep only these node kinds/concept types (comma list): "
        "paper, author, concept, architecture, benchmark, method.",
    ),
    since: int | None = typer.Option(
        None, "--since", help="Only papers from this year on (papers without a year stay)."
    ),
    until: int | None = typer.Option(
        None, "--until", help="Only papers up to this year (papers without a year stay)."
    ),
    concept_type: str | None = typer.Option(
        None, "--concept-type", help="Only concepts of this type (architecture, benchmark, method)."
    ),
    min_weight: float = typer.Option(
        1, "--min-weight", min=0, help="Drop CO_OCCURS edges with fewer papers in common."
    ),
    limit: int | None = typer.Option(
        None,
        "--limit",
        "-l",
        min=1,
        help=f"Edge budget per seed: the seed's papers first, the rest shared by the other "
        f"edge kinds (default {DEFAULT_LIMIT} for graph formats; none for bib, ris, matrix "
        "and with --all).",
    ),
    narrower: bool = typer.Option(
        True,
        "--narrower/--no-narrower",
        help="A concept's papers include those of the concepts below it (skos:broader*); "
        "--no-narrower keeps the papers that name the concept itself.",
    ),
    vocabulary: bool = typer.Option(
        False,
        "--vocabulary",
        help="Also take concepts no paper mentions (the vocabulary's broader/narrower links).",
    ),
    columns: int | None = typer.Option(
        None, "--columns", min=1, help="matrix: only the N concepts most papers mention."
    ),
    allow_empty: bool = typer.Option(
        False,
        "--allow-empty",
        help="Write the file even when it would hold no papers (bib, ris, matrix) or no "
        "edges (graph formats); otherwise that is an error (exit code 1).",
    ),
    keep_formulas: KeepFormulas = False,
) -> None:
    """Export a selection of the graph: the neighbourhood of seed concepts, authors, papers or a query's papers, filtered, in one of many formats.

    The selection is computed in the store; node and edge counts are printed on stderr. Use --format bundle for a zip with every format and a README describing the selection.
    """  # noqa: E501
    if fmt not in format_names():
        raise fail(f"unknown format {fmt!r}", f"choose one of: {', '.join(format_names())}")
    allowed_types = {*KINDS, "architecture", "benchmark", "method"}
    type_list = [t.lower() for t in _split(types)]
    bad = [t for t in type_list if t not in allowed_types]
    if bad:
        raise fail(
            f"unknown type {bad[0]!r} in --types",
            f"use a comma list of: {', '.join(sorted(allowed_types))}",
        )
    if concept_type and concept_type.lower() not in {"architecture", "benchmark", "method"}:
        raise fail(
            f"unknown concept type {concept_type!r}", "use architecture, benchmark or method"
        )
    for option, values in (("--concept", concept), ("--author", author), ("--paper", paper)):
        if any(not value.strip() for value in values):
            raise fail(f"{option} was given an empty value, which names nothing",
                       f"give {option} a name or id, or leave it out")
    if since is not None and until is not None and since > until:
        raise fail(f"--since {since} is after --until {until}: no year is in that range",
                   "swap the two years, or drop one of them")
    query_text = None
    if query is not None:
        if not query.is_file():
            raise fail(f"no such query file: {query}", "check the path and run again")
        query_text = query.read_text("utf-8")
    whole_store = everything and not (concept or author or paper or query)
    selection = Selection(
        concepts=concept,
        authors=author,
        papers=paper,
        query=query_text,
        hops=hops,
        types=type_list,
        since=since,
        until=until,
        concept_type=concept_type.lower() if concept_type else None,
        min_weight=min_weight,
        limit=limit or default_limit(fmt, whole_store),
        everything=everything,
        narrower=narrower,
        vocabulary=vocabulary,
    )
    if not selection.has_seeds() and not everything:
        raise fail(
            "nothing selected",
            "give --concept, --author, --paper or --query "
            "(repeatable), or --all for the whole store",
        )
    path = output or Path(f"kg-export{exporter(fmt).suffix or ''}")
    if not path.parent.is_dir():  # as `kg query -o`: no directory is made for the file
        raise fail(f"cannot write {path}: No such file or directory", "choose another --output")
    store_dir = next((d for d in path.resolve().parents if is_store_directory(d)), None)
    if store_dir is not None:  # an export must never overwrite a store's own files
        raise fail(f"cannot write {path}: it is inside the paper-kg store {store_dir}",
                   "choose an --output outside the store directory")
    try:
        with open_store(store, "read") as opened:
            try:
                graph = select(opened, selection)
            except QueryParamError as error:
                raise fail(str(error)) from None
            except SelectionError as error:
                hint = (
                    ("did you mean: " + ", ".join(error.suggestions))
                    if error.suggestions
                    else _empty_hint(opened)
                )
                raise fail(str(error), hint) from None
    except StoreError as error:
        raise fail(str(error)) from None
    _note_several(graph.graph.get("seeds", []), {"concept": concept, "author": author})
    empty = empty_reason(graph, fmt)
    if empty and not allow_empty:
        raise fail(f"nothing written: {empty}", _widen_hint(selection), code=1)
    try:
        result = export(
            graph, fmt, path, selection.describe(), columns=columns, keep_formulas=keep_formulas
        )
    except (ExportError, OSError) as error:
        raise fail(f"cannot write {path}: {error}", "choose another --output") from None
    counts = graph_counts(graph)
    rows = [("nodes", counts["nodes"])]
    rows += [(f"  {kind}s", counts[kind]) for kind in KINDS]
    rows += [("edges", counts["edges"])]
    rows += [(f"  {rel}", counts[rel]) for rel in RELS if counts[rel]]
    print_summary(f"kg export ({fmt})", rows)
    for written in result.paths:
        err.print(f"wrote {written}", highlight=False)
    if empty:
        err.print(f"[yellow]{empty}[/yellow] (written because of --allow-empty)")
    years = [d.get("year") for _, d in graph.nodes(data=True) if d.get("kind") == "paper"]
    undated = years.count(None)
    if undated and (since is not None or until is not None):
        err.print(f"{undated} papers without a year were kept (a missing year is no evidence "
                  "that a paper is outside --since/--until)", highlight=False)
    left_out = budget_note(graph)
    if left_out:
        err.print(
            f"[yellow]left out by the budget: {left_out}[/yellow]; raise --limit to include them"
        )


def _note_several(seeds: list[str], names: dict[str, list[str]]) -> None:
    """Say when names meant more concepts or authors than were given (each is a seed, as
    the named queries take every match)."""
    for kind, given in names.items():
        found = [seed for seed in seeds if kind_of(seed) == kind]
        if given and len(found) > len(given):
            err.print(f"{len(given)} {kind} name(s) matched {len(found)} {kind}s, each a seed: "
                      f"{', '.join(found)}", highlight=False)


def _widen_hint(selection: Selection) -> str:
    """What to change when a selection came out empty."""
    hints = []
    if selection.since is not None or selection.until is not None:
        hints.append("widen --since/--until")
    if selection.types or selection.concept_type:
        hints.append("drop --types/--concept-type")
    if selection.concepts and not selection.narrower:
        hints.append("drop --no-narrower")
    hints.append("or pass --allow-empty to write it anyway")
    return "; ".join(hints)


def _empty_hint(store: object) -> str:
    try:
        if store.counts().get("papers", 0) == 0:  # type: ignore[attr-defined]
            return "the store is empty: run `kg build INPUT…` first (or pass --store)"
    except StoreError:
        pass
    return "`kg query --named search --param text=…` lists what the store holds"
