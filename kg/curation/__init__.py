"""Curation: a reviewer's corrections of the graph, kept in a plain file and applied by every
build, so they survive rebuilds (issue 20). This docstring is the reference of the API.

The file (CSV, UTF-8, a header row, one decision per line, append-only; format in README
"Curating") lives with the store by default (``curation_path``); ``--curation FILE`` shares
one between stores and co-authors. Columns, in this order, are the fields of ``Decision``:

- ``action``: one of ``ACTIONS``:
  ``reject-mention`` (paper, concept: not a tag of this paper), ``confirm-mention`` (paper,
  concept: the tag is right as it is), ``set-role`` (paper, concept, value "proposed" |
  "used"), ``add-mention`` (paper, concept = an id or a new name, field "title" |
  "abstract", start, end = offsets of the evidence in that field, value = the type, needed
  for a new concept), ``stop-concept`` (concept: never a tag anywhere), ``set-type``
  (concept, value = architecture | benchmark | method), ``rename-concept`` (concept, value =
  the new name; the old one becomes an alias), ``merge-concepts`` (concept merged into
  target; its names become aliases of the target), ``merge-authors`` (author merged into
  target), ``split-author`` (author, value = ";"-separated paper ids that belong to another
  person, who gets the id ``<author>~<decision id>``), ``same-paper`` / ``different-papers``
  (paper, target: two records' ids), ``undo`` (target = the id of the decision undone);
- ``paper``, ``concept``, ``author``, ``target``, ``value``, ``field``, ``start``, ``end``:
  as above (empty when an action does not use them);
- ``who`` (default $KG_CURATOR or the OS user), ``when`` (ISO date-time UTC), ``why``;
- ``id``: assigned when recorded (``d`` + 8 hex digits of a hash of the line).

Refinements of the contract in CURATION-API.md: ``Decision`` has an ``author`` field (the
author of merge-authors / split-author) after ``concept``; ``confirm-mention`` marks a tag
checked by hand without changing it (so the review queue can be worked through);
``apply_to_store`` takes an optional extractor (for an undo and for papers an identity
decision changes; the store's own when None); ``Problem`` is
kg.readers' ``Rejection`` (file, "line N", message).

API:
- ``Curation.load(path) -> (Curation, [Problem])``: bad lines (unknown action, missing
  field, a conflict with a decision in force such as a merge cycle or a tag both rejected
  and kept) are problems naming file:line and are skipped; ``curation.decisions`` are the
  decisions in force, in order, undone ones removed.
- ``curation.record(decision) -> Decision`` checks it (CurationError), fills who/when/id and
  appends one line; ``curation.undo(decision_id=None)`` appends an undo line (of the last
  decision in force when None).
- ``curation_path(store_uri, explicit)``: the file to use.
- ``apply_to_store(store, curation, decisions, extractor=None) -> ApplyReport``: the store
  changed at once (identity decisions too: the papers they touch are rebuilt from their
  recorded source records, kg/curation/identity.py; ``report.pending`` and ``problem``
  when those cannot be read); ``store_problem(store, curation, decision)``: ids the store
  lacks, or a different-papers decision that cannot separate its records.
- ``Applied(curation).rules.refused``: decision -> why, for different-papers decisions
  whose records share a DOI or arXiv id (separated, two papers would have one id); they
  are skipped (the records merge as without them) and reported as rejected lines.
- ``review_queue(store, limit=50, offset=0)``: the least confident tags nobody checked yet.
- ``Applied(curation)``: the decisions compiled as transforms of the build flow
  (``kg build``, ``kg extract``: kg/pipeline.py run(curation=...), kg/ingest.py).

In the store a curated fact (a Mention, Paper or Concept) carries ``pkg:curated`` true,
``pkg:curatedBy``, ``pkg:curatedAt`` (Neo4j: ``curated``, ``curated_by``, ``curated_at``
on the MENTIONS relationship and the nodes); exports carry the mark.
"""

from __future__ import annotations

from kg.curation.decisions import (
    ACTIONS,
    COLUMNS,
    Curation,
    CurationError,
    Decision,
    Problem,
)
from kg.curation.identity import IDENTITY_ACTIONS
from kg.curation.paths import curation_path
from kg.curation.store import ApplyReport, apply_to_store, review_queue, store_problem
from kg.curation.transform import Applied

__all__ = [
    "ACTIONS",
    "COLUMNS",
    "IDENTITY_ACTIONS",
    "Applied",
    "ApplyReport",
    "Curation",
    "CurationError",
    "Decision",
    "Problem",
    "apply_to_store",
    "curation_path",
    "review_queue",
    "store_problem",
]
