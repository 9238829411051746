"""The root Typer application; its commands come from kg/plugins.py's table."""

from __future__ import annotations

import click
import typer
from typer.core import TyperGroup

from kg import __version__, plugins


class TableCommands(TyperGroup):
    """The `kg` commands of the plugin table, each module imported only when that command
    runs or its help is shown (`kg query` does not import the build or the exports)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return plugins.names("command")

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in plugins.names("command"):
            single = typer.Typer(
                rich_markup_mode=self.rich_markup_mode,
                pretty_exceptions_enable=False,
                add_completion=False,
            )
            single.command(cmd_name)(plugins.load("command", cmd_name))
            self.commands[cmd_name] = typer.main.get_command(single)
        return self.commands.get(cmd_name)


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
