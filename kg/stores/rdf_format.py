"""The graph format of an RDF store: which one it holds, and `kg refresh --migrate` from the
format of stores written before the leaner encoding (1) to the current one (kg/mapping/rdf.py
FORMAT_VERSION; schema/README.md, "Store format").

Format 1 stored what the schema implies: the types of Mention, Evidence and CoOccurrence
nodes, a mention's prov:wasDerivedFrom its paper, and every evidence's text and sentence.
Migrating drops those and writes each sentence as offsets into its field by the writers'
own rule (kg/mapping/rdf.py ``evidence_lines``), so a migrated store is the store a fresh
build of the same papers makes, with nothing lost: a sentence or text its field does not
hold stays stored as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kg.mapping.rdf import FORMAT_VERSION, evidence_lines, format_triples
from kg.mapping.sparql import (
    DROP_IMPLIED_UPDATE,
    FORMAT_QUERY,
    OLD_EVIDENCE_QUERY,
    PAPERS_QUERY,
    values,
)
from kg.mapping.terms import Triples, expand, sparql_literal
from kg.model import Mention
from kg.stores.base import StoreError

Rows = Callable[[str], Iterator[Sequence[Any]]]
PAPERS_PER_CHUNK = 200


def stored_format(rows: Rows) -> int | None:
    """The store's graph format: its version triple; 1 for a store with papers and none
    (written before formats were recorded); None for a store without papers."""
    for version, papers in rows(FORMAT_QUERY):
        if version is not None:
            return int(version)
        return 1 if papers in (True, "true", 1) else None
    return None


def format_problem(uri: str, rows: Rows) -> str | None:
    """Why this code cannot use the store at ``uri`` as it is, and what to do; None: it can."""
    found = stored_format(rows)
    if found is None or found == FORMAT_VERSION:
        return None
    if found > FORMAT_VERSION:
        return (f"the store {uri} holds graph format {found}, written by a newer paper-kg; "
                f"this one reads format {FORMAT_VERSION}: upgrade paper-kg to use it")
    return (f"the store {uri} holds graph format {found} (written by an older paper-kg); this "
            f"version reads format {FORMAT_VERSION}: run `kg refresh --migrate --store {uri}` "
            "once to rewrite it in place (nothing is lost; see schema/README.md)")


def check(uri: str, rows: Rows) -> None:
    problem = format_problem(uri, rows)
    if problem:
        raise StoreError(problem)


def migrate(rows: Rows, update: Callable[[str], None],
            append: Callable[[str, int], None]) -> bool:
    """Rewrite a format-1 store as format 2 (``update``: a SPARQL Update; ``append``:
    N-Triples to insert and their count); False when it already is format 2 or empty."""
    found = stored_format(rows)
    if found is None or found == FORMAT_VERSION:
        return False
    if found > FORMAT_VERSION:
        raise StoreError(f"graph format {found} is newer than this paper-kg's "
                         f"({FORMAT_VERSION}): nothing to migrate")
    papers = [str(row[0]) for row in rows(PAPERS_QUERY)]
    for start in range(0, len(papers), PAPERS_PER_CHUNK):
        chunk = papers[start : start + PAPERS_PER_CHUNK]
        deletes, inserts = _evidence_changes(rows, chunk)
        if deletes:
            update("DELETE DATA {\n" + "\n".join(deletes) + "\n}")
        if inserts:
            append("\n".join(inserts) + "\n", len(inserts))
    update(DROP_IMPLIED_UPDATE)
    out = Triples()
    format_triples(out)
    append(out.text(), len(out.lines))
    return True


def _evidence_changes(rows: Rows, papers: Sequence[str]) -> tuple[list[str], list[str]]:
    """The format-1 text and sentence triples of the papers' evidence, and the triples the
    writers make of the same evidence today."""
    text, sentence = expand("pkg:text"), expand("pkg:sentence")
    deletes: list[str] = []
    inserts: list[str] = []
    query = OLD_EVIDENCE_QUERY.replace("#VALUES", values("p", papers))
    for node, field, start, end, said, around, field_text in rows(query):
        e = f"<{node}>"
        deletes += [f"{e} {text} {sparql_literal(str(said))} .",
                    f"{e} {sentence} {sparql_literal(str(around))} ."]
        mention = Mention(str(said), str(field), int(start), int(end), str(around))
        inserts += evidence_lines(e, mention, "" if field_text is None else str(field_text))
    return deletes, inserts
