"""`kg query`: run SPARQL, Cypher or a named query against a store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from kg.cli.options import KeepFormulas, Store
from kg.cli.output import OutputFormat, err, fail, open_output, output_format, print_rows
from kg.queries import NAMED_QUERIES, QueryParamError, run_named
from kg.stores import DEFAULT_STORE, ReadOnlyError, RemoteAccessError, StoreError, open_store


def parse_params(pairs: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise fail(f"--param {pair!r} is not NAME=VALUE", "e.g. --param concept=vit")
        params[name.strip()] = value
    return params


def list_named() -> None:
    rows = []
    for query in NAMED_QUERIES.values():
        params = ", ".join(
            f"{name}" + ("" if name in query.required else f"={default!r}")
            for name, default in query.params.items()
        )
        rows.append([query.name, params, ", ".join(query.columns), query.description])
    print_rows(["name", "params", "columns", "description"], rows, OutputFormat.table)


def query_command(
    query: str | None = typer.Argument(
        None,
        show_default=False,
        help="A query in the store's own language: SPARQL (RDF stores) or Cypher (Neo4j).",
    ),
    store: Store = DEFAULT_STORE,
    sparql: str | None = typer.Option(None, "--sparql", help="A SPARQL query (RDF stores)."),
    cypher: str | None = typer.Option(None, "--cypher", help="A Cypher query (Neo4j stores)."),
    file: Path | None = typer.Option(
        None, "-f", "--file", help="Read the query from a file (.rq/.sparql or .cypher)."
    ),
    named: str | None = typer.Option(None, "--named", "-n", help="Run a named query."),
    param: list[str] = typer.Option(
        [], "--param", "-p", help="Query parameter NAME=VALUE ($NAME in the text); repeatable."
    ),
    fmt: OutputFormat | None = typer.Option(
        None,
        "--format",
        help="Output format: table, json or csv (default: csv or json when -o names a .csv "
        "or .json file, else table).",
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write the result here instead of stdout."
    ),
    keep_formulas: KeepFormulas = False,
    write: bool = typer.Option(
        False, "--write", help="Allow updates (SPARQL Update, Cypher CREATE/MERGE/DELETE/SET)."
    ),
    allow_remote: bool = typer.Option(
        False,
        "--allow-remote",
        help="Let the query make the store fetch from elsewhere (SPARQL SERVICE, LOAD, FROM; "
        "Cypher LOAD CSV, APOC loaders); refused otherwise.",
    ),
    list_queries: bool = typer.Option(False, "--list", help="List the named queries and exit."),
) -> None:
    """Query the graph with SPARQL (RDF stores), Cypher (Neo4j) or a named query that works on every store.

    kg query 'SELECT ?c WHERE { ?c a pkg:Concept } LIMIT 5' runs a query in the store's own language (the schema's prefixes are known); --sparql/--cypher say which language a query is in.

    Read-only and local by default: updates are refused unless --write is given, queries that would make the store contact another server or read a file unless --allow-remote is. Parameters are bound safely, never pasted: use $name in the query text and --param name=value. Use --list to see the named queries and their parameters.
    """  # noqa: E501
    if list_queries:
        list_named()
        return
    given = [x for x in (query, sparql, cypher, file, named) if x is not None]
    if len(given) != 1:
        raise fail(
            "give exactly one of QUERY, --sparql, --cypher, -f FILE or --named NAME",
            "e.g. kg query --named top-concepts (kg query --list shows the named queries)",
        )
    params = parse_params(param)
    fmt = output_format(fmt, output)
    dialect = "sparql" if sparql is not None else "cypher" if cypher is not None else None
    text = query if query is not None else sparql if sparql is not None else cypher
    if file is not None:
        try:
            text = file.read_text("utf-8")
        except OSError as error:
            raise fail(f"cannot read {file}: {error.strerror or error}") from None
        dialect = "cypher" if file.suffix.lower() in {".cypher", ".cql"} else "sparql"
    try:
        graph = open_store(store, "write" if write else "read")
    except StoreError as error:
        raise fail(str(error)) from None
    try:
        if named is not None:
            result = run_named(graph, named, params)
        else:
            if dialect is not None and dialect != graph.dialect:
                raise fail(
                    f"the store {store} is queried in {graph.dialect.upper()}, not "
                    f"{dialect.upper() if dialect else '?'}",
                    f"use --{graph.dialect} or a store that speaks {dialect} "
                    "(or --named, which works on every store)",
                )
            result = graph.query(text or "", params, write=write, allow_remote=allow_remote)
    except ReadOnlyError as error:
        raise fail(str(error)) from None
    except RemoteAccessError as error:
        raise fail(str(error), "pass --allow-remote if you trust what it reaches") from None
    except QueryParamError as error:
        raise fail(str(error), "kg query --list shows every named query's parameters") from None
    except StoreError as error:
        raise fail(str(error)) from None
    finally:
        graph.close()
    for note in result.notes:
        err.print(f"note: {note}", highlight=False)
    if not result.columns and not result.rows:
        err.print(
            "update done; if it changed mentions, run `kg refresh` to recompute co-occurrence "
            "and concept counts" if write else "no result"
        )
        return
    try:
        with open_output(output) as stream:
            print_rows(
                result.columns, result.rows, fmt, stream=stream, keep_formulas=keep_formulas
            )
    except OSError as error:
        if output is None:  # stdout: the entry point reports it (kg/cli/output.py)
            raise
        raise fail(f"cannot write {output}: {error.strerror or error}",
                   "choose another --output") from None
    if output is not None:
        err.print(f"wrote {len(result.rows)} rows to {output}", highlight=False)
