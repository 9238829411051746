"""Where every store backend, reader, export format and CLI command is found.

One table of (kind, name, "module:attribute") rows, imported on first lookup (the way rdflib's
``plugin.register(name, kind, module, class)`` works): opening an Oxigraph store imports the
Oxigraph backend and nothing of rdflib; listing the names imports nothing. A new backend,
reader or format is one new module plus one row here.

Other installed packages add their own through entry points (docs/PLUGINS.md):
``paper_kg.stores`` (name = URI scheme, value = a ``GraphStore`` subclass),
``paper_kg.readers`` (name = ``--format`` name, value = a ``Reader`` subclass) and
``paper_kg.exports`` (name = ``--format`` name, value = an ``Exporter``). A name of the table
always wins over an entry point of the same name, so ``oxigraph:`` or ``--format csv`` mean
the same whatever else is installed.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

Kind = Literal["store", "reader", "export", "command"]

# The entry-point group of each kind that other packages may extend.
GROUPS: dict[Kind, str] = {
    "store": "paper_kg.stores",
    "reader": "paper_kg.readers",
    "export": "paper_kg.exports",
}

# Rows in listing order; readers in the order detection tries them (kg.readers.detect_format:
# among formats that recognise a file equally well, the first wins).
TABLE: tuple[tuple[Kind, str, str], ...] = (
    # stores, by URI scheme
    ("store", "neo4j", "kg.stores.neo4j:Neo4jStore"),
    ("store", "neo4j+s", "kg.stores.neo4j:Neo4jStore"),
    ("store", "neo4j+ssc", "kg.stores.neo4j:Neo4jStore"),
    ("store", "bolt", "kg.stores.neo4j:Neo4jStore"),
    ("store", "bolt+s", "kg.stores.neo4j:Neo4jStore"),
    ("store", "bolt+ssc", "kg.stores.neo4j:Neo4jStore"),
    ("store", "oxigraph", "kg.stores.oxigraph:OxigraphStore"),
    ("store", "rdflib", "kg.stores.rdflib_store:RdflibStore"),
    ("store", "sparql+http", "kg.stores.sparql:SparqlStore"),
    ("store", "sparql+https", "kg.stores.sparql:SparqlStore"),
    # readers, by --format name
    ("reader", "arxiv", "kg.readers.arxiv_atom:ArxivAtomReader"),
    ("reader", "bibtex", "kg.readers.bibtex:BibtexReader"),
    ("reader", "jsonl", "kg.readers.jsonl:JsonlReader"),
    ("reader", "csv", "kg.readers.csvfile:CsvReader"),
    ("reader", "daily-papers", "kg.readers.daily_papers:DailyPapersReader"),
    ("reader", "openalex", "kg.readers.openalex:OpenAlexReader"),
    ("reader", "semantic-scholar", "kg.readers.semantic_scholar:SemanticScholarReader"),
    # export formats, by --format name
    ("export", "bib", "kg.export.bib:EXPORTER"),
    ("export", "bundle", "kg.export.bundle:EXPORTER"),
    ("export", "csv", "kg.export.csv:EXPORTER"),
    ("export", "cypher", "kg.export.cypher:EXPORTER"),
    ("export", "gexf", "kg.export.gexf:EXPORTER"),
    ("export", "graphml", "kg.export.graphml:EXPORTER"),
    ("export", "html", "kg.export.html:EXPORTER"),
    ("export", "json", "kg.export.json:EXPORTER"),
    ("export", "jsonld", "kg.export.jsonld:EXPORTER"),
    ("export", "matrix", "kg.export.matrix:EXPORTER"),
    ("export", "ris", "kg.export.ris:EXPORTER"),
    ("export", "ttl", "kg.export.ttl:EXPORTER"),
    ("export", "vosviewer", "kg.export.vosviewer:EXPORTER"),
    # `kg` commands (typer command functions, or a typer app for a command with subcommands;
    # kg.cli.app turns one into a click command when it is run or its help shown)
    ("command", "app", "kg.cli.cmd_app:app_command"),
    ("command", "build", "kg.cli.cmd_build:build_command"),
    ("command", "curate", "kg.cli.cmd_curate:curate_app"),
    ("command", "eval", "kg.cli.cmd_eval:eval_command"),
    ("command", "export", "kg.cli.cmd_export:export_command"),
    ("command", "export-bulk", "kg.cli.cmd_export_bulk:export_bulk_command"),
    ("command", "extract", "kg.cli.cmd_extract:extract_command"),
    ("command", "ingest", "kg.cli.cmd_ingest:ingest_command"),
    ("command", "query", "kg.cli.cmd_query:query_command"),
    ("command", "refresh", "kg.cli.cmd_refresh:refresh_command"),
)


class PluginError(RuntimeError):
    """A plugin named in the table or by an installed package cannot be loaded."""


@cache
def _rows(kind: Kind) -> dict[str, str]:
    """Name -> "module:attribute" of the table's plugins of ``kind``."""
    return {name: target for row_kind, name, target in TABLE if row_kind == kind}


@cache
def _entry_points(kind: Kind) -> dict[str, EntryPoint]:
    """The installed packages' plugins of ``kind`` whose names the table does not hold. Read
    once, and only when a name is not in the table: scanning every installed package's
    metadata costs more than the rest of a lookup."""
    if kind not in GROUPS:
        return {}
    from importlib.metadata import entry_points

    return {
        point.name: point
        for point in entry_points(group=GROUPS[kind])
        if point.name not in _rows(kind)
    }


def names(kind: Kind) -> list[str]:
    """The names of ``kind`` in listing order (the table's, then the entry points'), without
    importing any plugin."""
    return [*_rows(kind), *_entry_points(kind)]


def known(kind: Kind, name: str) -> bool:
    """Whether ``name`` is a plugin of ``kind`` (the entry points are read only when the
    table does not hold it)."""
    return name in _rows(kind) or name in _entry_points(kind)


@cache
def load(kind: Kind, name: str) -> Any:
    """The plugin ``name`` of ``kind``, its module imported on the first lookup; KeyError
    for a name nobody registered, PluginError when its module cannot be imported."""
    try:
        if name in _rows(kind):
            module, _, attribute = _rows(kind)[name].partition(":")
            return getattr(importlib.import_module(module), attribute)
        return _entry_points(kind)[name].load()
    except (ImportError, AttributeError) as error:
        target = _rows(kind).get(name) or _entry_points(kind)[name].value
        raise PluginError(f"cannot load the {kind} {name!r} ({target}): {error}") from error


def load_all(kind: Kind) -> dict[str, Any]:
    """Every plugin of ``kind`` by name, in listing order (what detection and listings
    with descriptions need)."""
    return {name: load(kind, name) for name in names(kind)}
