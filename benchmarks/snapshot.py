"""Snapshot what the `kg` commands write, to show that a refactoring changes no behaviour.

    python benchmarks/snapshot.py OUT_DIR                  # run the commands, keep their output
    python benchmarks/snapshot.py --compare OLD_DIR NEW_DIR  # list files that differ

It builds ``examples/`` and (when present) ``../shared/seeds`` into fresh embedded stores,
dumps every stored triple (sorted N-Triples), runs every named query, exports the same
selections in every format and writes the bulk files; each command's stdout and exit code are
kept too. Exports are dated by ``SOURCE_DATE_EPOCH``, so two runs of the same code give
byte-identical directories. Run it on the code before and after a change, then compare.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

# (name, parameters) of the named queries run on every store
NAMED = [
    ("top-concepts", {}),
    ("top-concepts", {"type": "benchmark", "limit": "5"}),
    ("papers-by-concept", {"concept": "Transformer"}),
    ("papers-by-concept", {"concept": "Transformer", "narrower": "false"}),
    ("papers-by-concept", {"concept": "ImageNet"}),
    ("top-cooccurring", {"concept": "Transformer"}),
    ("concept-trend", {"concept": "Transformer"}),
    ("search", {"text": "trans"}),
    ("author-concepts", {"author": "name:ashish vaswani"}),
]
# (file stem, export arguments) exported in every format
SELECTIONS = [
    ("transformer", ["--concept", "Transformer"]),
    ("imagenet-2hops", ["--concept", "ImageNet", "--hops", "2", "--limit", "80"]),
]


def kg(out: Path, name: str, *args: str) -> None:
    """Run ``kg ARGS``; keep stdout as ``name.out`` and the exit code as ``name.rc``."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1", "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        capture_output=True, text=True, env=env, cwd=out, check=False,
    )
    (out / f"{name}.out").write_text(done.stdout, "utf-8")
    (out / f"{name}.rc").write_text(f"{done.returncode}\n", "utf-8")


def dump_store(path: Path, target: Path) -> None:
    """Every triple of an embedded store, sorted: the store's whole content, comparable."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(path))
    lines = sorted(f"{q.subject} {q.predicate} {q.object} ." for q in store)
    target.write_text("\n".join(lines) + "\n", "utf-8")


def snapshot(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    corpora = {"examples": [str(ROOT / "examples")]}
    if SEEDS.is_dir():
        corpora["seeds"] = sorted(str(p) for p in SEEDS.glob("*.txt"))
    kg(out, "query-list", "query", "--list")
    for corpus, inputs in corpora.items():
        store = f"oxigraph:{out / (corpus + '-store')}"
        kg(out, f"{corpus}-ingest", "ingest", *inputs)
        kg(out, f"{corpus}-extract", "extract", *inputs)
        kg(out, f"{corpus}-build", "build", *inputs, "--store", store)
        kg(out, f"{corpus}-build-again", "build", *inputs, "--store", store)
        kg(out, f"{corpus}-refresh", "refresh", "--store", store)
        for i, (name, params) in enumerate(NAMED):
            pairs = [x for k, v in params.items() for x in ("--param", f"{k}={v}")]
            kg(out, f"{corpus}-named-{i:02d}-{name}", "query", "--store", store,
               "--named", name, *pairs, "--format", "json")
        for stem, args in SELECTIONS:
            for fmt in FORMATS:
                target = out / f"{corpus}-{stem}.{fmt}"
                kg(out, f"{corpus}-export-{stem}-{fmt}", "export", "--store", store, *args,
                   "--format", fmt, "-o", str(target))
        for fmt in ("ntriples", "neo4j-csv"):
            kg(out, f"{corpus}-bulk-{fmt}", "export-bulk", *inputs, "--format", fmt,
               "-o", str(out / f"{corpus}-bulk-{fmt}"))
        dump_store(out / f"{corpus}-store", out / f"{corpus}-store.nt")
    for zipped in out.glob("*.bundle"):
        unpack(zipped)


FORMATS = ["bib", "csv", "cypher", "gexf", "graphml", "html", "json", "jsonld", "matrix",
           "ris", "ttl", "vosviewer", "bundle"]


def unpack(path: Path) -> None:
    """A zip's members (their bytes, not the zip's timestamps) beside it, then the zip goes."""
    with zipfile.ZipFile(path) as zf:
        zf.extractall(path.with_name(path.name + ".d"))
    path.unlink()


def files(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file except the stores' database files."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not any(p.endswith("-store") for p in path.parts):
            found[path.relative_to(root).as_posix()] = hashlib.sha256(
                path.read_bytes()).hexdigest()
    return found


def compare(old: Path, new: Path) -> int:
    """Print what differs; 0 when both snapshots hold the same files with the same bytes."""
    a, b = files(old), files(new)
    differ = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    for key in differ:
        print(f"differs: {key}")
    for key in sorted(a.keys() - b.keys()):
        print(f"only in {old}: {key}")
    for key in sorted(b.keys() - a.keys()):
        print(f"only in {new}: {key}")
    same = len(a.keys() & b.keys()) - len(differ)
    print(f"{same} files identical, {len(differ)} differ, "
          f"{len(a.keys() ^ b.keys())} in one snapshot only")
    return 1 if differ or a.keys() ^ b.keys() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true", help="compare two snapshot dirs")
    args = parser.parse_args()
    if args.compare:
        if len(args.dirs) != 2:
            parser.error("--compare takes two directories")
        return compare(*args.dirs)
    snapshot(args.dirs[0].resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
