"""The `kg` command line. Each `cmd_*.py` module in this package adds its commands to
``kg.cli.app.app`` on import, so a new command is one new module."""

from __future__ import annotations

import importlib
import pkgutil

from kg.cli.app import app


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{info.name}")


def main() -> None:
    _load_commands()
    app()


_load_commands()
