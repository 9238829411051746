"""Overview page: store counts, the top concepts of each type and a trend chart of the
concepts that are rising (more papers in the latest years than the years before)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd
import streamlit as st

from kg.app import data
from kg.app.views import item_button

CONCEPT_TYPES = ("architecture", "benchmark", "method")


def rising(rows: list[dict[str, Any]], top: int = 8, window: int = 2) -> list[str]:
    """Concept ids ranked by growth: papers in the latest ``window`` years minus papers in
    the ``window`` years before, then by all papers. With one year of data there is no
    trend, so the most used concepts come first."""
    by_concept: dict[str, dict[int, int]] = defaultdict(dict)
    for row in rows:
        if row.get("year") in (None, ""):
            continue
        year, count = int(row["year"]), int(row["papers"])
        by_concept[str(row["concept"])][year] = by_concept[str(row["concept"])].get(year, 0) + count
    years = sorted({y for counts in by_concept.values() for y in counts})
    if not years:
        return []
    latest = years[-1]

    def score(concept: str) -> tuple[int, int, str]:
        counts = by_concept[concept]
        recent = sum(c for y, c in counts.items() if y > latest - window)
        before = sum(c for y, c in counts.items() if latest - 2 * window < y <= latest - window)
        return (-(recent - before), -sum(counts.values()), concept)

    return sorted(by_concept, key=score)[:top]


def trend_frame(rows: list[dict[str, Any]], concepts: list[str]) -> pd.DataFrame:
    """Papers per year (rows) and concept name (columns), zero where a year has none."""
    names = {str(r["concept"]): str(r["name"]) for r in rows}
    wanted = set(concepts)
    records = [
        {"year": int(r["year"]), "concept": names[str(r["concept"])], "papers": int(r["papers"])}
        for r in rows
        if str(r["concept"]) in wanted and r.get("year") not in (None, "")
    ]
    if not records:
        return pd.DataFrame()
    frame = pd.DataFrame(records).pivot_table(
        index="year", columns="concept", values="papers", aggfunc="sum", fill_value=0
    )
    return frame.reindex(range(frame.index.min(), frame.index.max() + 1), fill_value=0)


def render() -> None:
    st.header("Overview")
    counts = data.counts()
    cols = st.columns(4)
    for i, key in enumerate(("papers", "authors", "concepts", "mentions")):
        cols[i].metric(key.capitalize(), f"{counts.get(key, 0):,}")
    if counts.get("unmentioned_concepts"):
        st.caption(
            f"Concepts: those some paper mentions; {counts['unmentioned_concepts']:,} more "
            "vocabulary concepts (above them in the hierarchy, or the whole vocabulary of a "
            "`kg build --with-vocabulary`) are stored but not counted or shown."
        )
    cols = st.columns(4)
    for i, key in enumerate(("authored_by", "cites", "broader", "co_occurs")):
        cols[i].metric(key.replace("_", " ").upper(), f"{counts.get(key, 0):,}")
    st.subheader("Top concepts")
    for tab, kind in zip(st.tabs([f"{t}s" for t in CONCEPT_TYPES]), CONCEPT_TYPES, strict=True):
        with tab:
            rows = data.named("top-concepts", type=kind, limit=10)
            if not rows:
                st.caption(f"No {kind} concepts in the store.")
            for row in rows:
                a, b = st.columns([5, 1])
                with a:
                    item_button(
                        str(row["name"]),
                        str(row["concept"]),
                        "concept",
                        key=f"overview:{kind}:{row['concept']}",
                    )
                b.markdown(str(row["papers"]))
    st.subheader("Rising concepts")
    trend = data.named("concept-trend", concept="")
    frame = trend_frame(trend, rising(trend))
    if frame.empty or len(frame.index) < 2:
        st.caption("Not enough dated papers for a trend (papers from at least two years).")
        if not frame.empty:
            st.dataframe(frame, use_container_width=True)
    else:
        frame.index = frame.index.astype(str)  # years, not quantities ("2,017")
        st.line_chart(frame, x_label="year", y_label="papers")
