"""`kg app`: run the Streamlit explorer (app/main.py) on this machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from kg.app.store_check import embedded_path, no_graph_here
from kg.cli.options import CurationFile, Store
from kg.cli.output import err, fail
from kg.resources import shipped
from kg.stores import DEFAULT_STORE, StoreError
from kg.stores.oxigraph import check_store_directory


def app_main() -> Path:
    """The Streamlit script (app/main.py) of the installed ``kg.app`` package."""
    return shipped("kg.app", "main.py")


def streamlit_command(app_main: Path, host: str, port: int) -> list[str]:
    """The `streamlit run` command line (through kg.app.serve, which warms the app up
    first): headless, no telemetry, no file watcher. ``-P``: the working directory is not
    put first on the import path, where a store directory named "kg" would shadow the
    package."""
    return [
        sys.executable,
        "-P",
        "-m",
        "kg.app.serve",
        "run",
        str(app_main),
        "--server.headless=true",
        f"--server.address={host}",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        "--global.developmentMode=false",
        "--client.toolbarMode=minimal",
    ]


def curation_file(store: str, explicit: Path | None) -> Path:
    """The curation file `kg app --curate` records into (its bad lines are the app's to
    show); a server store without --curation is refused before anything starts."""
    from kg.curation import CurationError, curation_path

    try:
        path = curation_path(store, explicit)
    except CurationError as error:
        raise fail(str(error)) from None
    assert path is not None
    if path.exists() and not path.is_file():
        raise fail(f"the curation file {path} is not a file")
    return path.resolve()


def app_command(
    store: Store = DEFAULT_STORE,
    port: int = typer.Option(8501, "--port", "-p", help="Port to serve on."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to bind; the default keeps it on this machine."
    ),
    allow_write: bool = typer.Option(
        False, "--allow-write", help="Let the query console run write queries."
    ),
    query_timeout: float = typer.Option(
        30.0, "--query-timeout", min=0.1,
        help="Seconds after which the console stops a read query.",
    ),
    curate: bool = typer.Option(
        False, "--curate",
        help="Curate in the app: correction buttons on the pages, a review queue and undo; "
        "each decision is recorded in the curation file and applied to the store at once "
        "(the store is opened for writing).",
    ),
    curation: CurationFile = None,
) -> None:
    """Explore the graph in the browser: search, ego-network graphs, paper/concept/author pages, a query console and exports.

    Runs `streamlit run app/main.py` and serves on http://HOST:PORT until you press Ctrl+C.
    """  # noqa: E501
    main = app_main()
    if not main.is_file():
        raise fail(f"the app is missing ({main})", "reinstall paper-kg: `pip install -e .`")
    nothing = no_graph_here(store)  # before starting anything: no store is ever created
    if nothing:
        raise fail(nothing)
    path = embedded_path(store)
    try:
        if path is not None:
            check_store_directory(path, "write" if allow_write or curate else "read")
    except StoreError as error:
        raise fail(str(error), f"e.g. `kg build examples/ --store {store}`") from None
    decisions = curation_file(store, curation) if curate else None
    env = {
        **os.environ,
        "PAPER_KG_STORE": store,
        "PAPER_KG_ALLOW_WRITE": "1" if allow_write else "0",
        "PAPER_KG_QUERY_TIMEOUT": str(query_timeout),
        "PAPER_KG_CURATION": str(decisions or ""),
    }
    if host not in {"127.0.0.1", "localhost", "::1"}:
        err.print(f"[yellow]warning:[/yellow] serving on {host}: other machines can reach it")
    if decisions is not None:
        err.print(f"curating: decisions are recorded in {decisions}")
    err.print(f"paper-kg explorer on http://{host}:{port} (store {store}); Ctrl+C stops it")
    command = streamlit_command(main, host, port)
    if hasattr(os, "execve"):  # become streamlit: Ctrl+C and SIGTERM reach it directly
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(command[0], command, env)
    try:
        code = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        code = 0
    if code not in (0, -2, 130):
        raise typer.Exit(code)
