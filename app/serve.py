"""`kg app` runs this: it imports the app's modules and reads what the landing page needs
once (so the store's files are in the page cache), then hands over to `streamlit run`.
Streamlit runs the page script only when the first browser connects; without this the first
visitor waited for every import and a cold store (3.8 s to a bare search box)."""

from __future__ import annotations

import contextlib
import os
import sys


def warm() -> None:
    """Import the pages and read the landing page's data once; any failure is left for
    the page to report (it says what to do)."""
    import kg.app.main_pages  # noqa: F401  (every page module and what they import)
    from kg.app import reads
    from kg.app.store_check import embedded_path, no_graph_here

    uri = os.environ.get("PAPER_KG_STORE", "")
    if not uri or embedded_path(uri) is None or no_graph_here(uri):
        return
    from kg.queries import run_named
    from kg.stores import open_store

    with contextlib.suppress(Exception), open_store(uri, "read") as store:
        store.counts()
        run_named(store, "top-concepts", {"limit": 10})
        reads.recent_papers(store, 10)


def main() -> None:
    warm()
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
