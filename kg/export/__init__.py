"""Export formats: one module per format in this package, each defining an ``EXPORTER``
named in kg/plugins.py's table (imported when that format is written).

Every exporter takes the selection as an ``nx.MultiDiGraph`` (kg/graph.py convention) and
writes files, so a new format is one new module plus one table row and never touches a
store. ``export()`` is the single entry point for the CLI, the app and the bundle.
"""

from __future__ import annotations

import json as _json  # the name `json` becomes the kg.export.json submodule
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx

from kg import plugins

__all__ = [
    "ExportContext",
    "ExportError",
    "ExportResult",
    "Exporter",
    "budget_note",
    "empty_reason",
    "export",
    "exporter",
    "flat_attrs",
    "format_names",
    "formats",
]


class ExportError(ValueError):
    """An export could not be written; the message says what to change."""


def export_time() -> datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention), so that
    an export made twice from the same store can be byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


@dataclass(frozen=True)
class ExportContext:
    """What every file may record about its origin (READMEs, headers, graph attributes)."""

    description: str = ""
    created: datetime = field(default_factory=lambda: export_time())
    columns: int | None = None  # review matrix: only the top N concepts by papers
    keep_formulas: bool = False  # csv/matrix: leave cells starting with = + - @ as they are

    @property
    def created_iso(self) -> str:
        return self.created.isoformat(timespec="seconds")


@dataclass
class ExportResult:
    """Files written and the node/edge counts they carry (for the CLI summary)."""

    fmt: str
    paths: list[Path]
    nodes: int
    edges: int


Writer = Callable[[nx.MultiDiGraph, Path, ExportContext], list[Path]]


@dataclass(frozen=True)
class Exporter:
    """How one format is written; its name is its row in kg/plugins.py."""

    # default file name ending, e.g. ".graphml"; "" for a directory; unique per format, so
    # that exports to the default names never overwrite each other
    suffix: str
    description: str
    write: Writer
    # the main content, which must not be empty: "papers" (reference lists, the matrix),
    # "edges" (graph formats) or "any" (papers or edges: the bundle)
    content: str = "edges"


def format_names() -> list[str]:
    """The export format names in listing order (nothing imported)."""
    return plugins.names("export")


def exporter(fmt: str) -> Exporter:
    """The exporter of ``fmt``, its module imported now; ExportError names the valid ones."""
    if not plugins.known("export", fmt):
        raise ExportError(
            f"unknown export format {fmt!r}; choose one of: {', '.join(format_names())}"
        )
    return plugins.load("export", fmt)


def formats() -> dict[str, Exporter]:
    """Every exporter by name, in listing order (the bundle and the app's descriptions)."""
    return plugins.load_all("export")


def empty_reason(graph: nx.MultiDiGraph, fmt: str) -> str | None:
    """Why ``fmt`` would write nothing of what it is for (no papers for a reference list or
    a matrix, no edges for a graph format), or None when it has content: an export that
    would be empty is refused unless the user asks for it (``--allow-empty``)."""
    papers_ = sum(1 for _, kind in graph.nodes(data="kind") if kind == "paper")
    edges = graph.number_of_edges()
    content = exporter(fmt).content
    if content == "papers" and not papers_:
        return f"the selection holds no papers, so the {fmt} file would list none"
    if content == "edges" and not edges:
        return f"the selection holds no edges, so the {fmt} graph would have none"
    if content == "any" and not papers_ and not edges:
        return "the selection holds no papers and no edges"
    return None


def budget_note(graph: nx.MultiDiGraph) -> str:
    """What the edge budget left out, per kind ('' when nothing): '65 MENTIONS, 462
    CO_OCCURS' (with 'at least' when farther hops were not counted)."""
    by_kind = graph.graph.get("omitted_by_kind") or {}
    if not by_kind:
        total = int(graph.graph.get("omitted", 0) or 0)
        return f"{total} edges" if total else ""
    text = ", ".join(f"{n} {rel}" for rel, n in by_kind.items())
    return text if graph.graph.get("omitted_exact", True) else f"at least {text}"


def export(
    graph: nx.MultiDiGraph,
    fmt: str,
    path: str | Path,
    selection_description: str = "",
    created: datetime | None = None,
    columns: int | None = None,
    keep_formulas: bool = False,
) -> ExportResult:
    """Write ``graph`` as ``fmt`` to ``path`` (a file, or a directory/zip for csv);
    ``columns`` keeps the top N concepts of a review matrix. Spreadsheet-bound cells that
    start like a formula get a leading apostrophe unless ``keep_formulas``
    (kg/spreadsheet.py)."""
    write = exporter(fmt).write
    ctx = ExportContext(
        selection_description or graph.graph.get("description", ""),
        created or export_time(),
        columns,
        keep_formulas,
    )
    path = Path(path)
    if not path.parent.is_dir():  # a typo in a path must not leave directories behind
        raise ExportError(f"no such directory: {path.parent}")
    paths = write(graph, path, ctx)
    return ExportResult(fmt, paths, graph.number_of_nodes(), graph.number_of_edges())


# --------------------------------------------------------------------------- shared helpers


def scalar(value: Any) -> str | int | float | bool | None:
    """A value as GraphML/GEXF/CSV can hold it: lists and dicts become JSON text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple | set | dict):
        return _json.dumps(list(value) if isinstance(value, set) else value, ensure_ascii=False)
    return str(value)


def flat_attrs(data: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Attributes without None, with lists flattened (formats with typed scalar attributes)."""
    return {k: v for k, v in ((k, scalar(v)) for k, v in data.items()) if v is not None}


def flat_graph(graph: nx.MultiDiGraph, ctx: ExportContext) -> nx.MultiDiGraph:
    """A copy with scalar attributes only and the selection recorded on the graph."""
    flat = nx.MultiDiGraph()
    flat.graph.update(
        {
            "description": ctx.description,
            "created": ctx.created_iso,
            "omitted": int(graph.graph.get("omitted", 0) or 0),
            "omitted_by_kind": budget_note(graph),
        }
    )
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **flat_attrs(data))
    for u, v, k, data in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=k, **flat_attrs(data))
    return flat


def node_label(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    return str(data.get("label") or data.get("title") or data.get("name") or node)


def ordered_authors(graph: nx.MultiDiGraph, paper: str) -> list[str]:
    """Author names of a paper: its ``authors`` attribute, else its AUTHORED_BY edges."""
    names = graph.nodes[paper].get("authors")
    if names:
        return [str(n) for n in names]
    edges = [
        (d.get("position", 0), node_label(graph, v))
        for _, v, k, d in graph.out_edges(paper, keys=True, data=True)
        if k == "AUTHORED_BY"
    ]
    return [name for _, name in sorted(edges)]


def papers(graph: nx.MultiDiGraph) -> list[str]:
    """Paper nodes, newest first then by title (reading order for bib/ris/matrix)."""
    nodes = [n for n, d in graph.nodes(data=True) if d.get("kind") == "paper"]
    return sorted(nodes, key=lambda n: (-(graph.nodes[n].get("year") or 0), node_label(graph, n)))
