"""The `kg` command line. Each `cmd_*.py` module in this package holds one command, named
in kg/plugins.py's table and imported when it is used (kg/cli/app.py), so a new command is
one new module plus one row.

``main`` is the entry point: whatever goes wrong ends in one line on stderr and a non-zero
exit code, never a traceback (KG_DEBUG=1 shows it): 74 for input/output errors (a full disk,
a closed pipe, a permission), 70 for a bug.
"""

from __future__ import annotations

import sys

from kg.cli.app import app
from kg.cli.output import finish_output, io_error, unexpected_error


def main() -> None:
    try:
        app()
    except SystemExit as done:  # how click ends every command
        code = done.code if isinstance(done.code, int) else int(done.code is not None)
    except OSError as error:
        code = io_error(error)
    except Exception as error:
        code = unexpected_error(error)
    sys.exit(finish_output(code))
