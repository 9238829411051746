"""Split a corpus across machines: ``--shard i/n`` keeps the papers whose id hashes to slice i.

The hash is SHA-1 of the paper id (not Python's ``hash()``, which is salted per process), so
every machine, run and Python version agrees on which slice a paper belongs to: n machines
given the same input and ``--shard 1/n`` … ``--shard n/n`` write disjoint slices whose union is
the whole corpus, and their outputs load into one store without duplicate papers.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["ShardError", "in_shard", "parse_shard", "shard_of"]

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


class ShardError(ValueError):
    """A malformed ``--shard`` value; the message says what a valid one looks like."""


def parse_shard(text: str) -> tuple[int, int]:
    """'2/8' -> (2, 8): slice 2 of 8, 1-based so that ``1/n`` … ``n/n`` reads naturally."""
    match = _SHARD.fullmatch(text or "")
    if not match:
        raise ShardError(
            f"--shard must look like I/N (e.g. 2/8: the 2nd of 8 slices), not {text!r}"
        )
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise ShardError(f"--shard {text}: the number of slices N must be at least 1")
    if not 1 <= index <= count:
        raise ShardError(
            f"--shard {text}: the slice I must be between 1 and {count} (slices are 1-based)"
        )
    return index, count


def shard_of(paper_id: str, count: int) -> int:
    """The 1-based slice of ``count`` that ``paper_id`` belongs to (stable everywhere)."""
    if count < 1:
        raise ShardError(f"the number of slices must be at least 1, not {count}")
    digest = hashlib.sha1(paper_id.encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_shard(paper_id: str, index: int, count: int) -> bool:
    """Whether ``paper_id`` belongs to slice ``index`` of ``count`` (``parse_shard``'s pair)."""
    if not 1 <= index <= count:
        raise ShardError(f"slice {index} of {count} does not exist (slices are 1..{count})")
    return shard_of(paper_id, count) == index
