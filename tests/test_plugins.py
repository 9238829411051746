"""The plugin table (kg/plugins.py): lazy lookups, and third-party plugins by entry point.

Import checks run in a fresh interpreter, since this test process has imported everything.
The third-party plugin is a real distribution (a ``*.dist-info`` with ``entry_points.txt``)
on the ``PYTHONPATH`` of the ``kg`` processes that use it.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import typer

from kg import plugins
from kg.export import Exporter
from kg.readers import Reader
from kg.stores import GraphStore

# What listing names and opening the default store must not import: the slow or optional
# libraries of the other plugins.
HEAVY = ("spacy", "rdflib", "pandas", "dask", "streamlit", "pyvis", "bibtexparser", "neo4j")


def run_python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False,
    )


def imported_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code``."""
    report = "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    done = run_python(textwrap.dedent(code) + report)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_opening_oxigraph_imports_no_rdflib(tmp_path: Path) -> None:
    modules = imported_after(f"""
        from kg.stores import open_store
        with open_store("oxigraph:{tmp_path / 'store'}") as store:
            store.counts()
    """)
    assert "kg.stores.oxigraph" in modules
    assert not {"rdflib", "kg.stores.rdflib_store", "neo4j", "kg.stores.neo4j"} & modules


def test_importing_the_stores_imports_no_backend_and_no_spacy() -> None:
    modules = imported_after("import kg.stores")
    assert not {"spacy", "kg.extract", "pyoxigraph", *HEAVY} & modules


def imported_by_kg(*commands: list[str]) -> set[str]:
    """The modules a fresh interpreter has imported after running the `kg` commands."""
    return imported_after(f"""
        import sys
        from kg.cli import main
        for args in {commands!r}:
            sys.argv = ["kg", *args]
            try:
                main()
            except SystemExit:
                pass
    """)


def plugin_modules(*kinds: str) -> set[str]:
    return {target.partition(":")[0] for kind, _, target in plugins.TABLE if kind in kinds}


def test_listing_names_imports_no_plugin() -> None:
    """Help texts and messages that list the valid names import no reader, export format,
    store backend or heavy library."""
    modules = imported_by_kg(
        ["export", "--help"], ["export", "--all", "--format", "nope"], ["build", "--help"],
        ["ingest", "--help"], ["extract", "--help"],
        ["query", "--store", "nope://x", "--named", "x"],
    )
    assert not {*HEAVY, *plugin_modules("reader", "export", "store")} & modules
    # `kg --help` imports every command module for its one-line help; kg.bulk (export-bulk)
    # imports the Neo4j backend's row helpers, `kg app` the Oxigraph directory check
    listed = imported_by_kg(["--help"], ["export-bulk", "--help"])
    assert not {*HEAVY, *plugin_modules("reader", "export")} & listed


def test_a_command_imports_only_its_module() -> None:
    modules = imported_by_kg(["query", "--list"])
    assert "kg.cli.cmd_query" in modules
    assert not {"kg.build", "kg.export", "kg.extract", *HEAVY} & modules
    assert not (plugin_modules("command") - {"kg.cli.cmd_query"}) & modules


KINDS: dict[str, tuple[str, object]] = {
    # kind: (package whose modules are checked, what a plugin of that kind is)
    "store": ("kg.stores", GraphStore),
    "reader": ("kg.readers", Reader),
    "export": ("kg.export", Exporter),
}


def defined_plugins(package: str, base: object) -> set[object]:
    """The concrete subclasses of ``base`` (or ``EXPORTER`` objects) its modules define."""
    found: set[object] = set()
    path = importlib.import_module(package).__path__
    for info in pkgutil.iter_modules(path):
        module = importlib.import_module(f"{package}.{info.name}")
        if base is Exporter:
            if isinstance(getattr(module, "EXPORTER", None), Exporter):
                found.add(module.EXPORTER)
            continue
        for value in vars(module).values():
            if (inspect.isclass(value) and issubclass(value, base)  # type: ignore[arg-type]
                    and value.__module__ == module.__name__ and not inspect.isabstract(value)):
                found.add(value)
    return found


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_plugin_module_has_its_row(kind: str) -> None:
    """Every backend, reader and format the packages define is in the table, and every row
    loads the right kind of thing (a module without a row would be silently unusable)."""
    package, base = KINDS[kind]
    loaded = plugins.load_all(kind)  # type: ignore[arg-type]
    for name, plugin in loaded.items():
        assert isinstance(plugin, Exporter) if base is Exporter else issubclass(plugin, base), name
    assert defined_plugins(package, base) == set(loaded.values())


def test_every_command_module_has_its_row() -> None:
    import kg.cli

    modules = {f"kg.cli.{info.name}" for info in pkgutil.iter_modules(kg.cli.__path__)
               if info.name.startswith("cmd_")}
    commands = plugins.load_all("command")
    # a command with subcommands (`kg curate`) is a typer app: its commands' module counts
    assert {command.registered_commands[0].callback.__module__
            if isinstance(command, typer.Typer) else command.__module__
            for command in commands.values()} == modules
    assert all(callable(command) for command in commands.values())


def test_a_mistyped_command_gets_suggestions_from_the_whole_table() -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    done = CliRunner().invoke(app, ["expor"])
    assert done.exit_code == 2
    assert "Did you mean 'export', 'export-bulk'?" in done.output


def test_an_unknown_name_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        plugins.load("export", "no-such-format")


# ---------------------------------------------------------------- third-party plugins

PLUGIN = '''
"""A third-party paper-kg plugin: a reader, an export format and a store backend."""

from kg.export import Exporter, node_label, papers
from kg.model import Paper
from kg.readers import Reader, Rejection
from kg.stores.rdflib_store import RdflibStore


class TitlesReader(Reader):
    """'#titles' then one paper a line: 'Title | abstract'."""

    extensions = (".titles",)

    @classmethod
    def sniff(cls, head):
        return head.startswith("#titles")

    def read(self, path):
        lines = path.read_text("utf-8").splitlines()
        for number, line in enumerate(lines[1:], start=2):
            title, bar, abstract = line.partition("|")
            if not bar:
                yield Rejection(str(path), f"line {number}", "no '|' between title and abstract")
                continue
            yield Paper(title.strip(), abstract.strip(), sources=[f"{path.name}:{number}"])


def write_titles(graph, path, ctx):
    path.write_text("".join(node_label(graph, p) + "\\n" for p in papers(graph)), "utf-8")
    return [path]


EXPORTER = Exporter(".titles.txt", "paper titles, one a line", write_titles, content="papers")


class MemoStore(RdflibStore):
    """memo:FILE.ttl, an rdflib store under a scheme of its own."""

    @classmethod
    def open(cls, uri, mode="create"):
        return super().open("rdflib:" + uri.split(":", 1)[1], mode)


class ShadowReader(TitlesReader):
    """Claims the name csv, which the table already holds."""

    extensions = (".csv",)
'''

ENTRY_POINTS = """
[paper_kg.readers]
titles = kgdemo:TitlesReader
csv = kgdemo:ShadowReader

[paper_kg.exports]
titles = kgdemo:EXPORTER
csv = kgdemo:EXPORTER

[paper_kg.stores]
memo = kgdemo:MemoStore
oxigraph = kgdemo:MemoStore
broken = kgdemo_missing:Store
"""

TITLES = """#titles
Attention Is All You Need | We propose the Transformer, based on attention mechanisms.
Deep Residual Learning | ResNet trained on ImageNet with residual connections.
no bar on this line
"""


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A directory holding the installed distribution kgdemo 0.1 (module + dist-info)."""
    site = tmp_path_factory.mktemp("site")
    (site / "kgdemo.py").write_text(PLUGIN, "utf-8")
    info = site / "kgdemo-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kgdemo\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS, "utf-8")
    return str(site)


def kg(cwd: Path, plugin_path: str | None, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    if plugin_path:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (plugin_path, env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        capture_output=True, text=True, cwd=cwd, env=env, check=False,
    )


def test_entry_points_add_a_reader_a_store_and_an_export(
    plugin_path: str, tmp_path: Path
) -> None:
    (tmp_path / "papers.titles").write_text(TITLES, "utf-8")
    ingest = kg(tmp_path, plugin_path, "ingest", "papers.titles")
    assert ingest.returncode == 1, ingest.stderr  # the line without a bar is rejected
    assert "papers.titles: line 4: no '|'" in ingest.stderr
    titles = [json.loads(line)["title"] for line in ingest.stdout.splitlines()]
    assert titles == ["Attention Is All You Need", "Deep Residual Learning"]

    build = kg(tmp_path, plugin_path, "build", "papers.titles", "--store", "memo:graph.ttl")
    assert build.returncode == 1, build.stderr
    assert "Deep Residual Learning" in (tmp_path / "graph.ttl").read_text("utf-8")

    export = kg(tmp_path, plugin_path, "export", "--store", "memo:graph.ttl", "--all",
                "--format", "titles", "-o", "out.txt")
    assert export.returncode == 0, export.stderr
    assert (tmp_path / "out.txt").read_text("utf-8").splitlines() == [
        "Attention Is All You Need", "Deep Residual Learning"]
    assert "titles" in kg(tmp_path, plugin_path, "export", "--help").stdout

    without = kg(tmp_path, None, "ingest", "papers.titles")
    assert without.returncode == 1 and not without.stdout  # kg alone cannot read the file


def test_a_table_name_wins_over_an_entry_point(plugin_path: str, tmp_path: Path) -> None:
    done = run_python("""
        from kg.plugins import load
        print(load("reader", "csv").__module__, load("export", "csv").write.__module__,
              load("store", "oxigraph").__module__, load("store", "memo").__module__)
    """, {"PYTHONPATH": plugin_path})
    assert done.stdout.split() == ["kg.readers.csvfile", "kg.export.csv", "kg.stores.oxigraph",
                                   "kgdemo"], done.stderr
    examples = Path(__file__).resolve().parent.parent / "examples" / "papers.csv"
    shadowed = kg(tmp_path, plugin_path, "ingest", str(examples), "--format", "csv")
    plain = kg(tmp_path, None, "ingest", str(examples), "--format", "csv")
    assert shadowed.returncode == plain.returncode == 0
    assert shadowed.stdout == plain.stdout and shadowed.stdout


def test_a_broken_entry_point_is_named_in_one_line(plugin_path: str, tmp_path: Path) -> None:
    done = kg(tmp_path, plugin_path, "query", "--store", "broken:x", "--named", "top-concepts")
    assert done.returncode != 0
    assert "cannot load the store 'broken' (kgdemo_missing:Store)" in done.stderr
    assert "Traceback" not in done.stderr
