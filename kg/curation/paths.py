"""Where a store's curation file is: with an embedded store by default, given explicitly
(``--curation FILE``) for a server, which has no directory of ours to keep it in."""

from __future__ import annotations

from pathlib import Path

from kg.curation.decisions import CurationError
from kg.stores import DEFAULT_STORE
from kg.stores.base import CURATION_FILE


def curation_path(
    store_uri: str | None, explicit: str | Path | None = None, required: bool = True
) -> Path | None:
    """``explicit`` when given; else ``<store dir>/curation.csv`` for an Oxigraph store
    directory and ``<name>.curation.csv`` beside an rdflib store file. A server (SPARQL
    endpoint, Neo4j) or an in-memory store needs ``explicit``: CurationError says so (None
    when not ``required``: a build without a curation file)."""
    if explicit:
        return Path(explicit).expanduser()
    uri = store_uri or DEFAULT_STORE
    scheme, _, location = uri.partition(":") if ":" in uri else ("", "", uri)
    if scheme in ("", "oxigraph") and location and "//" not in location:
        return Path(location).expanduser() / CURATION_FILE
    if scheme == "rdflib" and location:
        path = Path(location).expanduser()
        return path.with_name(f"{path.stem}.{CURATION_FILE}")
    if not required:
        return None
    raise CurationError(
        f"the store {uri} has no directory to keep a curation file in; give one with "
        "--curation FILE (shared by every store built with it)"
    )
