"""Query console: SPARQL or Cypher (the store's dialect), the named queries as examples,
results as a table and a CSV download. Read-only unless `kg app --allow-write`."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pandas as pd
import streamlit as st

from kg.app import data
from kg.queries import NAMED_QUERIES
from kg.spreadsheet import write_csv
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
    "paper": "arxiv:1706.03762",
}


def looks_like_write(text: str, dialect: str) -> bool:
    """A fast, conservative check so the refusal comes before the store is asked; the store
    itself refuses writes too (ReadOnlyError), which is the real guard."""
    body = _COMMENTS.get(dialect, _COMMENTS["sparql"]).sub(" ", _STRINGS.sub(" ", text))
    return bool(_WRITES.get(dialect, _WRITES["sparql"]).search(body))


def to_csv(columns: list[str], rows: list[list[Any]]) -> str:
    """The download: as `kg query --format csv` writes it (formula-like cells as text)."""
    buffer = io.StringIO()
    write_csv(buffer, columns, rows)
    return buffer.getvalue()


_SELECT_ALL = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", re.I)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][\w]*)")


def written_order(
    columns: list[str], rows: list[list[Any]], text: str
) -> tuple[list[str], list[list[Any]]]:
    """``SELECT *`` columns in the order their variables first appear in the query (an
    engine may list them in any order); other queries keep the order they name."""
    if not _SELECT_ALL.search(text):
        return columns, rows
    seen = list(dict.fromkeys(_VARIABLE.findall(_STRINGS.sub(" ", text))))
    order = sorted(range(len(columns)),
                   key=lambda i: (seen.index(columns[i]) if columns[i] in seen else len(seen), i))
    return [columns[i] for i in order], [[row[i] for i in order] for row in rows]


def display_frame(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    """The rows as a table Arrow can hold: a column mixing kinds of values (numbers and
    text, lists) is shown as text, so nothing fails to convert (and logs a traceback)."""
    frame = pd.DataFrame(rows, columns=columns)
    for column in frame.columns:
        kinds = {type(v) for v in frame[column] if v is not None}
        if len(kinds) > 1 or kinds & {list, dict}:
            frame[column] = [None if v is None else json.dumps(v) if isinstance(v, list | dict)
                             else str(v) for v in frame[column]]
    return frame


def _load_example() -> None:
    """Fill the console with a named query as it runs on this store for sample parameters:
    its text and every parameter it binds, so that Run gives the named query's rows."""
    name = st.session_state.get("console:example")
    if not name:
        return
    spec = NAMED_QUERIES[name]
    samples = {k: (SAMPLES.get(k, "") if v is None else v) for k, v in spec.params.items()}
    try:
        text, params, empty = data.console_example(name, samples)
    except Exception as error:
        st.session_state["console:text"] = ""
        st.session_state["console:params"] = json.dumps(samples)
        st.error(data.friendly(error))
        return
    if empty:
        st.info(f"Nothing in this store matches the sample parameters {json.dumps(samples)}.")
    st.session_state["console:text"] = text
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
        ["", *NAMED_QUERIES],
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
    writes = looks_like_write(text, dialect)
    if not writable and writes:
        st.error(data.friendly(ReadOnlyError("write query")))
        return
    try:
        if writes:
            result = data.console_write(text, params)
        else:
            with st.spinner(f"Running (stopped after {data.console_run.timeout_seconds():g} s)…"):
                result = data.console_read(text, params)
    except Exception as error:
        st.error(data.friendly(error))
        return
    columns, rows = written_order(result.columns, result.rows, text)
    st.session_state["console:last"] = (columns, rows)
    st.success(f"{len(rows)} rows")
    st.dataframe(display_frame(columns, rows), use_container_width=True, hide_index=True)
    st.download_button(
        "Download CSV",
        to_csv(columns, rows),
        file_name="query-results.csv",
        mime="text/csv",
        key="console:csv",
    )
