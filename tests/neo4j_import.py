"""A stand-in for `neo4j-admin database import full` over Bolt, for servers without it
(ArcadeDB): the files of ``kg export-bulk --format neo4j-csv`` loaded as neo4j-admin reads
them (typed columns, arrays and labels split on U+001F, empty cells absent, the first node
of an id kept as --skip-duplicate-nodes does, papers before paper stubs)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.mapping.neo4j import ARRAY_DELIMITER, NODE_FILES, RELATIONSHIP_FILES

BATCH = 500


def _files(directory: Path, name: str) -> list[Path]:
    whole = directory / f"{name}.csv"
    return ([whole] if whole.exists() else []) + sorted(directory.glob(f"{name}.part-*.csv"))


def _value(cell: str, kind: str) -> Any:
    cast = {"int": int, "double": float}.get(kind.removesuffix("[]"), str)
    if kind.endswith("[]"):
        return [cast(item) for item in cell.split(ARRAY_DELIMITER)]
    return cast(cell)


def _rows(directory: Path, name: str, header: list[str]) -> Iterator[dict[str, Any]]:
    for path in _files(directory, name):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                yield dict(zip(header, row, strict=True))


def _split(column: str) -> tuple[str, str]:
    name, _, kind = column.partition(":")
    return name, kind


def import_csv(driver: Any, database: str, directory: Path) -> None:
    """Load every node and relationship file of ``directory`` into an empty database."""
    seen: dict[str, set[str]] = {}
    with driver.session(database=database) as session:
        for name, header in NODE_FILES.items():
            space = header[0].split("(")[1].rstrip(")")
            by_labels: dict[str, list[dict[str, Any]]] = {}
            for row in _rows(directory, name, header):
                ident = row[header[0]]
                if ident in seen.setdefault(space, set()):
                    continue  # --skip-duplicate-nodes: the first one stays
                seen[space].add(ident)
                props: dict[str, Any] = {}
                for column, cell in row.items():
                    key, kind = _split(column)
                    if cell and kind != "LABEL":
                        props[key] = cell if kind.startswith("ID") else _value(cell, kind)
                labels = ":".join(f"`{label}`" for label in row[":LABEL"].split(ARRAY_DELIMITER))
                by_labels.setdefault(labels, []).append(props)
            for labels, rows in by_labels.items():
                for start in range(0, len(rows), BATCH):
                    session.run(f"UNWIND $rows AS row CREATE (n:{labels}) SET n += row",
                                rows=rows[start : start + BATCH]).consume()
        for name, header in RELATIONSHIP_FILES.items():
            start_space = header[0].split("(")[1].rstrip(")")
            end_space = header[1].split("(")[1].rstrip(")")
            by_type: dict[str, list[dict[str, Any]]] = {}
            for row in _rows(directory, name, header):
                props = {}
                for column, cell in list(row.items())[3:]:
                    key, kind = _split(column)
                    if cell:
                        props[key] = _value(cell, kind)
                by_type.setdefault(row[":TYPE"], []).append(
                    {"s": row[header[0]], "e": row[header[1]], "props": props})
            for rel, rows in by_type.items():
                for start in range(0, len(rows), BATCH):
                    session.run(
                        f"UNWIND $rows AS row MATCH (a:{start_space} {{id: row.s}}) "
                        f"MATCH (b:{end_space} {{id: row.e}}) "
                        f"CREATE (a)-[r:{rel}]->(b) SET r += row.props",
                        rows=rows[start : start + BATCH]).consume()
