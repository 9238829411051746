"""Export panel: the current view (the Graph page's graph, else the selected item's
one-hop network) written by kg.export in any registered format, offered as a download.
The item's network gets the edge budget `kg export` gives the format
(kg.selection.default_limit), so both export the same papers."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import networkx as nx
import streamlit as st

from kg.app import data
from kg.export import empty_reason, export, formats
from kg.selection import default_limit


def export_bytes(graph: nx.MultiDiGraph, fmt: str, description: str) -> tuple[str, bytes, str]:
    """(file name, content, mime) of ``graph`` in ``fmt``; several files come zipped."""
    exporter = formats()[fmt]
    suffix = exporter.suffix or ".zip"
    with tempfile.TemporaryDirectory(prefix="paper-kg-export-") as tmp:
        target = Path(tmp) / f"paper-kg-{fmt}{suffix}"
        written = [Path(p) for p in export(graph, fmt, target, description).paths]
        files = [p for p in written if p.is_file()] or [target]
        if len(files) == 1 and files[0].is_file():
            mime = "application/zip" if files[0].suffix == ".zip" else "application/octet-stream"
            return files[0].name, files[0].read_bytes(), mime
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(tmp).rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(tmp))
        return f"paper-kg-{fmt}.zip", buffer.getvalue(), "application/zip"


def current_view(fmt: str) -> tuple[nx.MultiDiGraph | None, str]:
    """The Graph page's graph as shown (while the selected item is the one it was drawn
    for), else the selected item's one-hop network as `kg export` selects it for ``fmt``
    (every paper for reference lists and the matrix)."""
    graph = st.session_state.get("view_graph")
    item = st.session_state.get("item")
    if graph is not None and st.session_state.get("view_item") in (item, None):
        return graph, st.session_state.get("view_desc", "graph view")
    if item:
        return data.ego(item, hops=1, limit=default_limit(fmt)), f"one-hop network of {item}"
    return None, ""


NOTHING = "Nothing to export yet: open an item (Search page) or a graph view first."


def render() -> None:
    st.header("Export")
    if st.session_state.get("view_graph") is None and not st.session_state.get("item"):
        st.info(NOTHING)
        return
    exporters = formats()
    fmt = st.selectbox(
        "Format",
        list(exporters),
        format_func=lambda f: f"{f} — {exporters[f].description}",
        key="export:format",
    )
    graph, description = current_view(fmt)
    if graph is None or graph.number_of_nodes() == 0:
        st.info(NOTHING)
        return
    st.markdown(
        f"**Current view:** {description} — {graph.number_of_nodes()} nodes, "
        f"{graph.number_of_edges()} edges"
    )
    empty = empty_reason(graph, fmt)
    if empty:  # never a silent empty file: say why, offer nothing
        st.warning(f"Nothing to export as {fmt}: {empty}. Widen the view or pick another "
                   "format.")
        return
    if st.button("Prepare download", key="export:prepare"):
        name, content, mime = export_bytes(graph, fmt, description)
        st.session_state["export:file"] = (fmt, name, content, mime)
    prepared = st.session_state.get("export:file")
    if prepared and prepared[0] == fmt:
        _, name, content, mime = prepared
        st.download_button(
            f"Download {name} ({len(content):,} bytes)",
            content,
            file_name=name,
            mime=mime,
            key="export:download",
        )
