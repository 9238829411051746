"""Which Dask cluster runs a job: ``local:N`` (N worker processes here), a scheduler
address (``tcp://host:8786``, as `dask scheduler`, dask-jobqueue or the Dask Kubernetes
operator give) or a scheduler file (``*.json``, as `dask scheduler --scheduler-file` and
dask-mpi write on shared filesystems)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed.deploy.spec import ProcessInterface  # (kg.distributed needs Dask)

CONNECT_TIMEOUT = "10s"
START_SECONDS = 60


class ClusterError(RuntimeError):
    """A --dask value that names no usable cluster; the message says what would."""


def local_workers(spec: str) -> int | None:
    """N of ``local:N`` (``local`` alone: one worker per core); None for other schedulers."""
    name, _, count = spec.strip().partition(":")
    if name != "local":
        return None
    if not count:
        return os.cpu_count() or 1
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--dask {spec!r}: N in local:N must be a whole number ≥ 1")
    return int(count)


@contextmanager
def connect(spec: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``spec``, closed (with its local cluster) on exit."""
    from distributed import Client

    workers = local_workers(spec)
    try:
        if workers is not None:
            with local_cluster(workers) as cluster, Client(cluster) as client:
                yield client
            return
        if spec.endswith(".json"):
            client = Client(scheduler_file=spec, timeout=CONNECT_TIMEOUT)
        else:
            client = Client(spec, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler {spec!r}: {error}") from None
    with client:
        yield client


@contextmanager
def local_cluster(workers: int) -> Iterator[Any]:
    """A cluster on this machine: the scheduler in a process of its own, ``workers`` worker
    processes of one thread each (spaCy holds the GIL), restarted by their nannies when
    they die. (A scheduler inside the driver process, as LocalCluster has it, can deadlock
    the driver on Python 3.11: dask-expr's cached properties take class-wide locks, which
    the scheduler's graph thread and the driver's thread then wait on; CPython gh-87634.)"""
    from distributed import Nanny, SpecCluster
    from distributed.worker_memory import parse_memory_limit

    log = logging.getLogger(__name__)
    worker = {"cls": Nanny, "options": {
        "nthreads": 1, "memory_limit": parse_memory_limit("auto", 1, workers, logger=log),
        "dashboard": False, "host": "127.0.0.1", "silence_logs": logging.WARNING}}
    with tempfile.TemporaryDirectory(prefix="kg-dask-") as directory:
        scheduler = {"cls": _SchedulerProcess, "options": {"directory": Path(directory)}}
        with SpecCluster(workers=dict.fromkeys(range(workers), worker), scheduler=scheduler,
                         worker=worker, name="kg-local", silence_logs=logging.WARNING,
                         ) as cluster:
            yield cluster


class _SchedulerProcess(ProcessInterface):
    """`python -m dask spec` running a Scheduler on 127.0.0.1; its log goes to a file in
    ``directory`` (a pipe nobody reads would stall it)."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        address_file = self.directory / "scheduler.json"
        spec = {"cls": "distributed.Scheduler", "opts": {
            "host": "127.0.0.1", "port": 0, "dashboard": False,
            "scheduler_file": str(address_file)}}
        with (self.directory / "scheduler.log").open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-P", "-m", "dask", "spec", "--spec", json.dumps(spec),
                stdout=log, stderr=log)
        for _ in range(START_SECONDS * 10):
            if self.process.returncode is not None:
                break
            try:
                self.address = json.loads(address_file.read_text("utf-8"))["address"]
                await super().start()
                return
            except (OSError, ValueError, KeyError):
                await asyncio.sleep(0.1)
        log_text = (self.directory / "scheduler.log").read_text("utf-8", errors="replace")
        raise ClusterError(f"the local Dask scheduler did not start: {log_text[-500:]}")

    async def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await super().close()
