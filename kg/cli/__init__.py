"""The `kg` command line. Each `cmd_*.py` module in this package adds its commands to
``kg.cli.app.app`` on import, so a new command is one new module.

``main`` is the entry point: whatever goes wrong ends in one line on stderr and a non-zero
exit code, never a traceback (KG_DEBUG=1 shows it): 74 for input/output errors (a full disk,
a closed pipe, a permission), 70 for a bug.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from kg.cli.app import app
from kg.cli.output import finish_output, io_error, unexpected_error


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{info.name}")


def main() -> None:
    _load_commands()
    try:
        app()
    except SystemExit as done:  # how click ends every command
        code = done.code if isinstance(done.code, int) else int(done.code is not None)
    except OSError as error:
        code = io_error(error)
    except Exception as error:
        code = unexpected_error(error)
    sys.exit(finish_output(code))


_load_commands()
