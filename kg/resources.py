"""Files shipped inside the package (vocabulary, gold files, scorer, schema, query files, the
app's script), found through importlib.resources: a checkout, an editable install and a
regular install find them alike, wherever setuptools put them (pyproject.toml package-data)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped(package: str, *parts: str) -> Path:
    """The file or folder ``parts`` of ``package`` (e.g. ``shipped("kg.schema",
    "neo4j.cypher")``). paper-kg installs as plain files, never as a zip, so this is an
    ordinary path that spaCy, csv and ``open`` take."""
    return Path(str(files(package).joinpath(*parts)))
