"""`kg refresh`: recompute CO_OCCURS and the concept statistics over a whole store."""

from __future__ import annotations

from typing import Annotated

import typer

from kg.build import refresh
from kg.cli.options import DEFAULT_STORE, Store
from kg.cli.output import err, fail, print_summary
from kg.stores import StoreError


def refresh_command(
    store: Store = DEFAULT_STORE,
    migrate: Annotated[bool, typer.Option(
        "--migrate",
        help="First rewrite a store written by an older paper-kg (an older graph format) "
             "in place to the current format, losing nothing (schema/README.md)")] = False,
) -> None:
    """Recompute what is derived from the mentions (co-occurrence weights, papers per concept
    and year, rankings) over the whole graph, and rebuild an embedded store's side index
    (search, concept pages). `kg build` does this itself; run it after loading bulk files
    (`kg export-bulk --shard`) or editing the graph by hand, and with --migrate once on a
    store an older paper-kg wrote (other commands refuse it and say so)."""
    try:
        status = ("migrating the store to the current graph format, then recomputing…"
                  if migrate else "recomputing co-occurrence and concept statistics…")
        with err.status(status):
            counts = refresh(store, migrate=migrate)
    except StoreError as error:
        raise fail(str(error)) from None
    print_summary("kg refresh", list(counts.items()))
