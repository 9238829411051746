"""The console's read queries run in a child process, so that a runaway one (a cross join)
is stopped at the timeout: an embedded engine cannot be interrupted from another thread,
but its process can be ended. The child opens the store read-only and answers in JSON.

Run as ``python -m kg.app.console_run`` with a request on stdin:
``{"uri": ..., "text": ..., "params": {...}}``; it prints ``{"columns", "rows"}`` or
``{"error": message}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from kg.stores import QueryResult, ReadOnlyError, RemoteAccessError, StoreError, open_store

DEFAULT_TIMEOUT = 30.0  # seconds; PAPER_KG_QUERY_TIMEOUT (kg app --query-timeout) changes it


class QueryTimeout(StoreError):
    """The query ran longer than the console allows."""


class QueryFailed(StoreError):
    """The store refused or could not run the query: the message says why."""


REFUSALS: dict[str, type[StoreError]] = {  # the store's refusals keep their own messages
    "RemoteAccessError": RemoteAccessError,
    "ReadOnlyError": ReadOnlyError,
}


def timeout_seconds() -> float:
    try:
        value = float(os.environ.get("PAPER_KG_QUERY_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def _cell(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | type(None) | list | dict) \
        else str(value)


def run(uri: str, text: str, params: dict[str, Any], timeout: float) -> QueryResult:
    """Rows of the read query ``text`` on ``uri``, or QueryTimeout after ``timeout`` s."""
    request = json.dumps({"uri": uri, "text": text, "params": params})
    try:
        done = subprocess.run(
            # (-P: a directory named "kg" where the app runs must not shadow the package)
            [sys.executable, "-P", "-m", "kg.app.console_run"], input=request, text=True,
            capture_output=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        raise QueryTimeout(
            f"the query was stopped after {timeout:g} s; narrow it (a LIMIT, a more specific "
            "pattern: two unconnected patterns multiply their rows), or start the app with "
            "a longer --query-timeout"
        ) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise QueryFailed(f"the query process ended without an answer "
                          f"({done.stderr.strip()[-300:] or done.returncode})") from None
    if "error" in answer:
        refusal = REFUSALS.get(answer.get("kind", ""), QueryFailed)
        raise refusal(answer["error"])
    return QueryResult(answer["columns"], answer["rows"])


def main() -> None:
    request = json.loads(sys.stdin.read())
    try:
        with open_store(request["uri"], "read") as store:
            result = store.query(request["text"], request["params"])
        answer: dict[str, Any] = {"columns": list(result.columns),
                                  "rows": [[_cell(v) for v in row] for row in result.rows]}
    except Exception as error:  # reported to the page, never a traceback
        answer = {"error": str(error), "kind": type(error).__name__}
    sys.stdout.write(json.dumps(answer, default=str))


if __name__ == "__main__":
    main()
