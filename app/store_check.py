"""Is there a graph to explore? Asked before the app opens a store (by `kg app` and by the
app itself), so that a wrong --store never creates or changes a file and the user learns
what to run instead of looking at zeros."""

from __future__ import annotations

from pathlib import Path

from kg.stores.oxigraph import directory_kind

_WHY = {
    "missing": "there is no such directory",
    "empty": "the directory is empty",
    "foreign": "the directory holds files but no paper-kg store",
}


def embedded_path(uri: str) -> Path | None:
    """The directory of an embedded Oxigraph store URI (``oxigraph:PATH`` or a bare path)."""
    if uri.startswith("oxigraph:"):
        return Path(uri.split(":", 1)[1] or ".")
    if ":" not in uri or (len(uri) > 1 and uri[1] == ":"):  # a bare (or Windows) path
        return Path(uri)
    return None


def build_hint(uri: str) -> str:
    return f"run `kg build INPUT... --store {uri}` (e.g. `kg build examples/ --store {uri}`)"


def no_graph_here(uri: str) -> str | None:
    """Why ``uri`` names no graph (an embedded store path that is missing, empty or not a
    store), read without opening anything; None when it may hold one."""
    path = embedded_path(uri)
    if path is None or (path.exists() and not path.is_dir()):
        return None  # servers and files: opening them says what is wrong
    kind = directory_kind(path)
    if kind in _WHY:
        return f"No graph here: {_WHY[kind]} ({path}). To make one, {build_hint(uri)}."
    return None


def no_papers(uri: str) -> str:
    return f"No graph here: the store {uri} holds no papers yet. To fill it, {build_hint(uri)}."
