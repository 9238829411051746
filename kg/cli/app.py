"""The root Typer application shared by all command modules."""

from __future__ import annotations

import typer

from kg import __version__

app = typer.Typer(
    name="kg",
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
