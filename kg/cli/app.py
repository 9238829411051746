"""The root Typer application; its commands come from kg/plugins.py's table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import typer
from typer.core import MarkupMode, TyperGroup

from kg import __version__, plugins


class CommandTable(Mapping[str, Any]):
    """Name -> click command of every `kg` command in kg/plugins.py's table. A command's
    module is imported when the command is first looked up (to run it or show its help), so
    `kg query` imports neither the build nor the exports; typer's "Did you mean" still sees
    every name."""

    def __init__(self, rich_markup_mode: MarkupMode) -> None:
        self._made: dict[str, Any] = {}
        self._rich_markup_mode = rich_markup_mode

    def __getitem__(self, name: str) -> Any:
        if name not in self._made:
            if not plugins.known("command", name):
                raise KeyError(name)
            target = plugins.load("command", name)
            if isinstance(target, typer.Typer):  # a command with subcommands
                self._made[name] = typer.main.get_group(target)
                self._made[name].name = name
                return self._made[name]
            single = typer.Typer(
                rich_markup_mode=self._rich_markup_mode,
                pretty_exceptions_enable=False,
                add_completion=False,
            )
            single.command(name)(target)
            self._made[name] = typer.main.get_command(single)
        return self._made[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and plugins.known("command", name)

    def __iter__(self) -> Iterator[str]:
        return iter(plugins.names("command"))

    def __len__(self) -> int:
        return len(plugins.names("command"))


class TableCommands(TyperGroup):
    """The root group, its commands those of the plugin table."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = CommandTable(self.rich_markup_mode)

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return plugins.names("command")  # without making every command (typer would)


app = typer.Typer(
    name="kg",
    cls=TableCommands,
    help=(
        "paper-kg: build a knowledge graph of research papers, their authors and the "
        "concepts they use, then query, explore and export it.\n\n"
        "Typical run: `kg build examples/` then `kg query --named top-concepts`."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"paper-kg {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """paper-kg command line."""
