"""`kg refresh`: recompute CO_OCCURS and the concept statistics over a whole store."""

from __future__ import annotations

from kg.build import refresh
from kg.cli.options import DEFAULT_STORE, Store
from kg.cli.output import err, fail, print_summary
from kg.stores import StoreError


def refresh_command(
    store: Store = DEFAULT_STORE,
) -> None:
    """Recompute what is derived from the mentions (co-occurrence weights, papers per concept
    and year, rankings) over the whole graph, and rebuild an embedded store's side index
    (search, concept pages). `kg build` does this itself; run it after loading bulk files
    (`kg export-bulk --shard`) or editing the graph by hand."""
    try:
        with err.status("recomputing co-occurrence and concept statistics…"):
            counts = refresh(store)
    except StoreError as error:
        raise fail(str(error)) from None
    print_summary("kg refresh", list(counts.items()))
