"""Which Dask cluster runs a job: ``local:N`` (a LocalCluster of N worker processes here),
a scheduler address (``tcp://host:8786``, as `dask scheduler`, dask-jobqueue or the Dask
Kubernetes operator give) or a scheduler file (``*.json``, as `dask scheduler
--scheduler-file` and dask-mpi write on shared filesystems)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CONNECT_TIMEOUT = "10s"


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
    """A ``distributed.Client`` for ``spec``, closed (with its local cluster) on exit.
    Local workers are processes with one thread each: spaCy holds the GIL."""
    from distributed import Client, LocalCluster

    workers = local_workers(spec)
    try:
        if workers is not None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        elif spec.endswith(".json"):
            cluster, client = None, Client(scheduler_file=spec, timeout=CONNECT_TIMEOUT)
        else:
            cluster, client = None, Client(spec, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler {spec!r}: {error}") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
