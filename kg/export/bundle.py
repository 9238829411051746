"""One zip with every other format and a README saying what was selected and when."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import networkx as nx

from kg.export import ExportContext, Exporter, budget_note, formats
from kg.graph import graph_counts


def readme(graph: nx.MultiDiGraph, ctx: ExportContext, files: dict[str, list[str]]) -> str:
    counts = graph_counts(graph)
    lines = [
        "# paper-kg export",
        "",
        f"- selection: {ctx.description or 'not described'}",
        f"- made: {ctx.created_iso}",
        f"- nodes: {counts['nodes']} (papers {counts['paper']}, authors {counts['author']}, "
        f"concepts {counts['concept']})",
        f"- edges: {counts['edges']} ("
        + ", ".join(
            f"{rel} {counts[rel]}"
            for rel in ("AUTHORED_BY", "MENTIONS", "CITES", "BROADER", "CO_OCCURS")
        )
        + ")",
    ]
    if budget_note(graph):
        lines.append(f"- left out by the edge budget: {budget_note(graph)}")
    lines += ["", "| format | files | what |", "|---|---|---|"]
    for name, paths in files.items():
        lines.append(f"| {name} | {', '.join(paths)} | {formats()[name].description} |")
    return "\n".join(lines) + "\n"


def write_bundle(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    files: dict[str, list[str]] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for name, exporter in formats().items():
            if name == "bundle":
                continue
            target = Path(tmp) / name / f"graph{exporter.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            written = exporter.write(graph, target, ctx)
            names = []
            for file in written:
                for member in sorted(file.rglob("*")) if file.is_dir() else [file]:
                    arcname = member.relative_to(Path(tmp)).as_posix()
                    zf.write(member, arcname)
                    names.append(arcname)
            files[name] = names
        zf.writestr("README.md", readme(graph, ctx, files))
    return [path]


EXPORTER = Exporter(".zip", "zip of every format + README.md", write_bundle, content="any")
