"""`kg build` of the seed pages gives the same node and edge counts in the embedded store
and in a Bolt server (ArcadeDB, or the Neo4j of NEO4J_URI), through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.stores import open_store
from tests.conftest import ROOT
from tests.servers import BoltServer, ServerStartError


def kg_build(*args: str, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", "from kg.cli import main; main()", "build", *args, "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def bolt(request: pytest.FixtureRequest) -> BoltServer:
    try:
        return request.getfixturevalue("bolt_server")
    except ServerStartError as exc:
        pytest.skip(f"no Bolt server: {str(exc).splitlines()[0]}")


def test_seed_build_counts_equal_on_both_backends(
    seeds: list[Path], bolt: BoltServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_USERNAME", bolt.user)
    monkeypatch.setenv("NEO4J_PASSWORD", bolt.password)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("KG_STORE", None)
    bolt_uri = f"{bolt.uri}?database={bolt.database}"
    with open_store(bolt_uri) as graph:  # the server is shared by the session
        graph.clear()
    try:
        paths = [str(p) for p in seeds]
        embedded = kg_build(*paths, "--store", f"oxigraph:{tmp_path / 'kg'}", env=env)
        remote = kg_build(*paths, "--store", bolt_uri, env=env)
        assert embedded["papers"] == 219
        assert embedded["after"] == remote["after"]
        assert embedded["after"]["papers"] == 219
        assert embedded["after"]["mentions"] > 219  # every paper has concepts, most several
        # building twice: tests/test_adversarial.py compares every count and edge
    finally:
        with open_store(bolt_uri) as graph:
            graph.clear()
