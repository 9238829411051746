"""Query console: SPARQL or Cypher (the store's dialect), the named queries as examples,
results as a table and a CSV download. Read-only unless `kg app --allow-write`."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import streamlit as st

from kg.app import data
from kg.queries import NAMED_QUERIES
from kg.stores import ReadOnlyError

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^<>\s]*>')
_COMMENTS = {"sparql": re.compile(r"#[^\n]*"), "cypher": re.compile(r"//[^\n]*|/\*.*?\*/", re.S)}
_WRITES = {
    "sparql": re.compile(
        r"(?<![?$\w:])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b", re.I
    ),
    "cypher": re.compile(
        r"(?<![$\w.])(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH)\b", re.I
    ),
}
SAMPLES = {
    "concept": "transformer",
    "text": "transformer",
    "author": "Ashish Vaswani",
    "node": "concept:transformer",
}


def looks_like_write(text: str, dialect: str) -> bool:
    """A fast, conservative check so the refusal comes before the store is asked; the store
    itself refuses writes too (ReadOnlyError), which is the real guard."""
    body = _COMMENTS.get(dialect, _COMMENTS["sparql"]).sub(" ", _STRINGS.sub(" ", text))
    return bool(_WRITES.get(dialect, _WRITES["sparql"]).search(body))


def to_csv(columns: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            ["" if v is None else json.dumps(v) if isinstance(v, list | dict) else v for v in row]
        )
    return buffer.getvalue()


def _load_example() -> None:
    name = st.session_state.get("console:example")
    if not name:
        return
    st.session_state["console:text"] = data.example_queries().get(name, "")
    spec = NAMED_QUERIES[name]
    params = {k: (SAMPLES.get(k, "") if v is None else v) for k, v in spec.params.items()}
    st.session_state["console:params"] = json.dumps(params)


def render() -> None:
    dialect = data.dialect()
    st.header(f"Query console · {dialect.upper()}")
    writable = data.write_allowed()
    st.caption(
        "Write queries are allowed (started with --allow-write)."
        if writable
        else "Read-only: write queries are refused. Start `kg app --allow-write` to change data."
    )
    st.selectbox(
        "Example (named queries)",
        ["", *list(data.example_queries())],
        format_func=lambda n: n and f"{n} — {NAMED_QUERIES[n].description}",
        key="console:example",
        on_change=_load_example,
    )
    text = st.text_area("Query", key="console:text", height=220)
    params_text = st.text_input("Parameters (JSON object)", key="console:params")
    if not st.button("Run", type="primary", key="console:run"):
        return
    if not text.strip():
        st.warning("Write a query or pick an example first.")
        return
    try:
        params = json.loads(params_text) if params_text.strip() else {}
        if not isinstance(params, dict):
            raise ValueError("not an object")
    except ValueError:
        st.error('Parameters must be a JSON object, e.g. {"concept": "transformer"}.')
        return
    if not writable and looks_like_write(text, dialect):
        st.error(data.friendly(ReadOnlyError("write query")))
        return
    example = st.session_state.get("console:example")
    try:
        # an unedited example of a query with lookups (or list or name-key parameters)
        # needs them computed first ($targets, $author_key)
        if example and NAMED_QUERIES[example].prepared \
                and text == data.example_queries().get(example):
            result = data.console_named(example, params)
        else:
            result = data.console_query(text, params)
    except Exception as error:
        st.error(data.friendly(error))
        return
    st.session_state["console:last"] = (result.columns, result.rows)
    st.success(f"{len(result.rows)} rows")
    st.dataframe(
        [dict(zip(result.columns, row, strict=False)) for row in result.rows],
        use_container_width=True,
        hide_index=True,
    )
    st.download_button(
        "Download CSV",
        to_csv(result.columns, result.rows),
        file_name="query-results.csv",
        mime="text/csv",
        key="console:csv",
    )
