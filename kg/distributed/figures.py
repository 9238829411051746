"""The derived figures of kg/derived.py as distributed reductions.

Each partition counts its own papers with ``mention_statistics`` (pairs, papers per concept
and per year); sums over partitions are exact because a paper is in one partition only.
The rankings need every pair of a concept together: the heaviest pairs overall are the best
of each partition's best, and a hub's heaviest pairs come from a shuffle of the pairs by
each of their two concepts. ``pair_statistics`` and ``MentionStatistics``' own ranking code
do the ranking, so the order (weight, then ids) is the one stores and queries use.
"""

from __future__ import annotations

import dask.dataframe as dd
import pandas as pd
from dask import delayed

from kg.derived import TOP_PAIRS, mention_statistics, pair_statistics
from kg.distributed.concepts import Extracted
from kg.mapping import unique_links

NO_YEAR = -1  # the (concept, year) row that holds a concept's papers of every year


def _stats(part: list[Extracted]):  # -> MentionStatistics of the written papers
    mentions = [(paper.id, link.id) for _, paper, written, links in part if written
                for link in unique_links(links)]
    years = {paper.id: int(paper.year) for _, paper, written, _ in part
             if written and paper.year is not None}
    return mention_statistics(mentions, years)


def pair_rows(part: list[Extracted], index: int) -> list[tuple[str, str, int]]:
    return list(_stats(part).pairs())


def count_rows(part: list[Extracted], index: int) -> list[tuple[str, int, int]]:
    rows = []
    for concept, papers, per_year in _stats(part).concept_counts():
        rows.append((concept, NO_YEAR, papers))
        rows += [(concept, year, n) for year, n in per_year.items()]
    return rows


def pairs(per_partition: dd.DataFrame, split: int) -> dd.DataFrame:
    """(a, b, weight) of every co-occurring pair of the run, in ``split`` partitions."""
    return per_partition.groupby(["a", "b"]).w.sum(split_out=split).reset_index()


def counts(per_partition: dd.DataFrame, split: int) -> dd.DataFrame:
    """(concept, year, papers) summed over the run, every row of a concept in one partition."""
    summed = per_partition.groupby(["concept", "year"]).n.sum(split_out=split).reset_index()
    return summed.shuffle("concept", npartitions=split)


def concept_counts(rows: pd.DataFrame) -> list[tuple[str, int, dict[int, int]]]:
    """The (concept id, papers, {year: papers}) of MentionStatistics.concept_counts."""
    out = []
    for concept, group in rows.sort_values(["concept", "year"]).groupby("concept", sort=True):
        years = {int(y): int(n) for y, n in zip(group.year, group.n, strict=True)}
        out.append((str(concept), years.pop(NO_YEAR), years))
    return out


def _top(rows: pd.DataFrame) -> list[tuple[str, str, int]]:
    return pair_statistics(_triples(rows)).ranked(TOP_PAIRS)


def _triples(rows: pd.DataFrame) -> list[tuple[str, str, int]]:
    return list(zip(rows.a.astype(str), rows.b.astype(str), rows.w.astype(int), strict=True))


def _best(tops: list[list[tuple[str, str, int]]]) -> list[tuple[str, str, int]]:
    return pair_statistics(row for top in tops for row in top).ranked(TOP_PAIRS)


def ranked(all_pairs: dd.DataFrame):  # -> Delayed list of (a, b, weight), heaviest first
    """The TOP_PAIRS heaviest pairs of the run: the best of every partition's best."""
    return delayed(_best)([delayed(_top)(part) for part in all_pairs.to_delayed()])


def _hubs_of(rows: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """Hubs among the concepts owning these rows; every pair of an owner is here, so its
    ranking is whole (a partner's, with only some of its pairs here, is not kept)."""
    owners = set(rows.owner)
    found = pair_statistics(_triples(rows.drop_duplicates(["a", "b"]))).hubs()
    return {concept: top for concept, top in found.items() if concept in owners}


def _union(parts: list[dict]) -> dict:
    return {key: value for part in parts for key, value in part.items()}


def hubs(all_pairs: dd.DataFrame, split: int):  # -> Delayed {concept: [(a, b), ...]}
    """MentionStatistics.hubs over the run: the pairs shuffled by each of their concepts."""
    owned = dd.concat([all_pairs.assign(owner=all_pairs.a), all_pairs.assign(owner=all_pairs.b)])
    by_owner = owned.shuffle("owner", npartitions=split)
    return delayed(_union)([delayed(_hubs_of)(part) for part in by_owner.to_delayed()])
