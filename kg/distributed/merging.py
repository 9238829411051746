"""Duplicate records, author identities and reference aliases, as distributed joins.

The rules are kg/merge.py's, applied exactly as ``stream_papers`` applies them on one
machine, in three steps:

1. **Which records are one paper.** Records sharing an identity key (DOI, arXiv id, title
   hash) are connected; connected components come from a shuffle on the keys and min-label
   propagation. Merging never joins records of different components, and within one it only
   looks at that component's records, so ``PaperIndex`` run over a component's records in
   input order makes the same decisions as over the whole input. Most records share no key
   and stay where they were read; only the others travel to their component.
2. **Author identities** (``author_identities``): the strong ids of every name key, from
   every first-pass paper, joined to the name keys each partition's papers use.
3. **Reference aliases** (``reference_aliases``): every key a paper may be cited by, the
   first paper in input order winning, joined to the references each partition holds.

Payloads travel as strings and integers in dask.dataframe (shuffled by tasks, which a
worker's death only re-runs); papers stay Python objects in dask.bag partitions, and the
joined answers are brought to the partition of the papers that asked (``aligned``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any

import dask.bag as db
import dask.dataframe as dd
import pandas as pd

from kg.curation import Curation
from kg.curation.transform import Applied
from kg.distributed.records import Record, part_of
from kg.ingest import merge_group, record_skeleton
from kg.merge import (
    PaperIndex,
    apply_author_identities,
    apply_reference_aliases,
    canonical_ref,
    shared_identity,
)
from kg.model import Author, Paper
from kg.readers import Rejection

SPLIT = 4  # papers one first-pass paper may become (order key * SPLIT + i); normally one


@dataclass
class Merged:
    """One paper of the first pass: its skeleton (what identities and aliases are taken
    from), the order key of the record that created it, and the papers it became, each as
    (order key, paper, written?) — not written: a second paper with the same id, which
    the bulk writers skip (it is still extracted: its coined names count)."""

    skeleton: Paper
    creator: int
    papers: list[tuple[int, Paper, bool]]


Placed = tuple[int, Paper, bool]  # (order key, paper, written?) of a finished paper


def frame(bag: db.Bag, rows: Callable[[list, int], list[tuple]], meta: dict[str, str],
          ) -> dd.DataFrame:
    """A dataframe of the rows (tuples, columns as in ``meta``) that ``rows(partition,
    index)`` gives for every partition of ``bag``. (Built from the bag's graph: a frame
    made with dd.from_delayed would lose hold of results the bag keeps on the cluster.)"""
    indices = db.from_sequence(range(bag.npartitions), npartitions=bag.npartitions)
    return bag.map_partitions(_indexed, indices, rows=rows).to_dataframe(meta=empty(meta))


def _indexed(part: list, index: list[int], rows: Callable[[list, int], list[tuple]],
             ) -> list[tuple]:
    return rows(part, index[0])


def empty(meta: dict[str, str]) -> pd.DataFrame:
    """An empty frame with these columns and dtypes (the ``meta`` of dask.dataframe)."""
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in meta.items()})


def aligned(rows: dd.DataFrame, column: str, partitions: int) -> db.Bag:
    """The rows moved to partition ``row[column]`` of ``partitions``, as a bag of tuples
    whose first item is that partition number: answers back to the papers that asked."""
    placed = rows.set_index(column, divisions=list(range(partitions + 1)))
    return placed.to_bag(index=True)


# --------------------------------------------------------------------------- components


def _rules(curation: Curation | None) -> Applied | None:
    """The curation's decisions compiled (on the worker: each task compiles its own)."""
    return Applied(curation) if curation is not None else None


def _keys(part: list, index: int, curation: Curation | None = None) -> list[tuple]:
    """Each record's identity keys, and the shared key a same-paper decision gives it."""
    applied = _rules(curation)
    return [(key, order) for order, paper in _records(part)
            for key in [*paper.identity_keys(),
                        *(applied.rules.extra_keys(paper) if applied else [])]]


def _records(part: list) -> list[Record]:
    return [item for item in part if not isinstance(item, Rejection)]


def _shared(keys: pd.DataFrame) -> pd.DataFrame:
    return keys[keys.duplicated("key", keep=False)]


def components(items: db.Bag, split: int, persist: Callable[[Any], Any],
               curation: Curation | None = None) -> db.Bag:
    """(partition, order key, component label) of every record that shares an identity
    key with another, in the partition it was read into; the label is the smallest order key of
    its component. ``persist`` keeps a collection computed on the cluster for the job."""
    keys = frame(items, partial(_keys, curation=curation), {"key": "object", "r": "int64"})
    shared = persist(keys.shuffle("key", npartitions=split).map_partitions(
        _shared, meta=keys._meta))
    labels = shared.groupby("r").r.min(split_out=split).rename("label").reset_index()
    while True:  # components are small: two or three rounds
        by_key = shared.merge(labels, on="r").groupby("key").label.min(split_out=split)
        relabelled = persist(shared.merge(by_key.reset_index(), on="key").groupby("r")
                             .label.min(split_out=split).reset_index())
        moved = relabelled.merge(labels, on="r", suffixes=("", "_was"))
        changed = int((moved.label != moved.label_was).sum().compute())
        labels = relabelled
        if not changed:
            break
    labels = labels.assign(part=labels.r.map(part_of, meta=("part", "int64")))
    return aligned(labels[["part", "r", "label"]], "part", items.npartitions)


def _singles(part: list, labelled: list) -> list[Merged]:
    duplicated = {row[1] for row in labelled}
    return [Merged(paper, order, [(order * SPLIT, paper, True)])
            for order, paper in _records(part) if order not in duplicated]


def _duplicates(part: list, labelled: list) -> list[tuple[int, int, Paper]]:
    label = {row[1]: row[2] for row in labelled}
    return [(label[order], order, paper) for order, paper in _records(part) if order in label]


def _merge_components(part: list, curation: Curation | None = None) -> list[Merged]:
    return [merged for _, members in part for merged in merge_component(members, curation)]


def merge_component(members: list[tuple[int, int, Paper]],
                    curation: Curation | None = None) -> list[Merged]:
    """The papers of one component, as ``stream_papers`` makes them: a first pass over the
    records' skeletons decides which are one paper, then each paper's records are merged in
    input order. Records are copied first (merging changes them; they may be read again).
    ``curation``: its same-paper / different-papers decisions, as in ``stream_papers``."""
    records = {order: paper for _, order, paper in members}
    applied = _rules(curation)
    rules = applied.rules if applied else None
    index = PaperIndex(rules)
    for order in sorted(records):
        skeleton = record_skeleton(records[order], order)
        skeleton.authors = copy.deepcopy(skeleton.authors)
        index.add(skeleton)
    out: list[Merged] = []
    for skeleton in index.live():
        numbers = sorted(int(number) for number in skeleton.sources)
        papers = merge_group((copy.deepcopy(records[number]) for number in numbers), rules)
        for paper in papers if skeleton.stored_id else ():  # its own id (distinct_ids)
            paper.stored_id = skeleton.stored_id
        if len(papers) > SPLIT:
            raise RuntimeError(f"records {numbers} merge into {len(papers)} papers")
        placed = [(numbers[-1] * SPLIT + i, paper, True) for i, paper in enumerate(papers)]
        out.append(Merged(skeleton, int(skeleton.sources[0]), placed))
    return _skip_repeated_ids(out)


def _skip_repeated_ids(merged: list[Merged]) -> list[Merged]:
    """A second paper with the id of an earlier one (records that both carry the same DOI
    and different arXiv ids) is not written, as the bulk writers skip it; such papers
    always share a component (their id is a key both hold)."""
    placed = sorted((order, i, j) for i, m in enumerate(merged)
                    for j, (order, _, _) in enumerate(m.papers))
    seen: set[str] = set()
    for _, i, j in placed:
        order, paper, _ = merged[i].papers[j]
        merged[i].papers[j] = (order, paper, paper.id not in seen)
        seen.add(paper.id)
    return merged


def merge(items: db.Bag, split: int, pieces: Callable[[db.Bag], db.Bag],
          persist: Callable[[Any], Any], curation: Curation | None = None) -> db.Bag:
    """The first-pass papers (``Merged``) of the records in ``items``: records without a
    duplicate where they were read (cut by ``pieces`` into even partitions), merged
    components in ``split`` further partitions."""
    labelled = components(items, split, persist, curation)
    singles = pieces(items.map_partitions(_singles, labelled))
    duplicates = items.map_partitions(_duplicates, labelled)
    grouped = duplicates.groupby(itemgetter(0), shuffle="tasks", npartitions=split)
    return db.concat([singles, grouped.map_partitions(_merge_components, curation=curation)])


# --------------------------------------------------------------------------- identities


def _author_ids(part: list[Merged], index: int) -> list[tuple]:
    """Each name key's strong ids as the first-pass papers carry them (distinct)."""
    return sorted({(a.key, a.orcid or "", json.dumps(a.source_ids, sort_keys=True))
                   for m in part for a in m.skeleton.authors if a.key})


def _identities(rows: pd.DataFrame) -> pd.DataFrame:
    out = []
    for key, group in rows.groupby("key", sort=True):
        authors = [Author(key, orcid or None, json.loads(ids))
                   for orcid, ids in zip(group.orcid, group.ids, strict=True)]
        identity = shared_identity(authors)
        if identity is not None:
            out.append((key, identity[0] or "", json.dumps(identity[1], sort_keys=True)))
    return pd.DataFrame(out, columns=["key", "orcid", "ids"], dtype=object)


def _author_needs(part: list[Merged], index: int) -> list[tuple]:
    keys = {a.key for m in part for _, paper, _ in m.papers for a in paper.authors if a.key}
    return [(key, index) for key in sorted(keys)]


# --------------------------------------------------------------------------- aliases


def _aliases(part: list[Merged], index: int) -> list[tuple]:
    """Every key a reference may name a first-pass paper by (reference_aliases' keys)."""
    rows = []
    for m in part:
        paper = m.skeleton
        keys = paper.identity_keys() + [f"{source}:{paper.external_ids[source]}"
                                        for source in ("openalex", "s2")
                                        if paper.external_ids.get(source)]
        rows += [(key, m.creator, paper.id) for key in keys]
    return rows


def _first_alias(rows: pd.DataFrame) -> pd.DataFrame:
    """The paper each key names: the first in input order (reference_aliases' setdefault)."""
    return rows.sort_values("creator", kind="stable").drop_duplicates("ref")[["ref", "id"]]


def _reference_needs(part: list[Merged], index: int) -> list[tuple]:
    refs = {canonical_ref(ref) for m in part for _, paper, _ in m.papers
            for ref in (*paper.references, *paper.cited_by) if ref and ref.strip()}
    return [(ref, index) for ref in sorted(refs)]


# --------------------------------------------------------------------------- finish


def _apply(part: list[Merged], identities: list, aliases: list,
           curation: Curation | None = None) -> list[Placed]:
    """The finished papers of a partition: author identities, reference aliases and the
    curation's author merges and splits applied (to copies: the merged papers may be read
    again by another task)."""
    by_key = {row[1]: (row[2] or None, json.loads(row[3])) for row in identities}
    alias = {row[1]: row[2] for row in aliases}
    applied = _rules(curation)
    out: list[Placed] = []
    for m in part:
        for order, paper, written in m.papers:
            paper = copy.copy(paper)
            paper.authors = [copy.copy(author) for author in paper.authors]
            apply_author_identities(paper, by_key)
            apply_reference_aliases(paper, alias)
            if applied is not None:
                applied.curate_authors(paper)
            out.append((order, paper, written))
    return out


def finish(merged: db.Bag, split: int, curation: Curation | None = None) -> db.Bag:
    """The finished papers (``Placed``), partition by partition as in ``merged``."""
    n = merged.npartitions
    strong = frame(merged, _author_ids, {"key": "object", "orcid": "object", "ids": "object"})
    identities = strong.shuffle("key", npartitions=split).map_partitions(
        _identities, meta=strong._meta)
    wanted = frame(merged, _author_needs, {"key": "object", "part": "int64"})
    found = wanted.merge(identities, on="key")[["part", "key", "orcid", "ids"]]
    keys = frame(merged, _aliases, {"ref": "object", "creator": "int64", "id": "object"})
    first = keys.shuffle("ref", npartitions=split).map_partitions(
        _first_alias, meta=empty({"ref": "object", "id": "object"}))
    refs = frame(merged, _reference_needs, {"ref": "object", "part": "int64"})
    resolved = refs.merge(first, on="ref")[["part", "ref", "id"]]
    return merged.map_partitions(_apply, aligned(found, "part", n), aligned(resolved, "part", n),
                                 curation=curation)

