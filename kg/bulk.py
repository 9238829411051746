"""Bulk files for loads too large for transactional writes: neo4j-admin CSV and N-Triples/N-Quads.

A store's writer upserts batch by batch, which is right for incremental builds but slow for
millions of papers. Database bulk loaders (``neo4j-admin database import full``, Oxigraph's
``load``, Virtuoso's ``ld_dir``, QLever's index builder) are much faster but want files. The
writers here stream PaperGraphs into such files without holding the corpus (only ids and
co-occurrence pair counts stay in memory):

- ``ntriples`` / ``nquads``: exactly the triples the RDF stores write (the mapping is
  kg/mapping/rdf.py's, reused, not copied), so the named queries run unchanged on the loaded
  graph; N-Quads put every triple into one named graph (``--graph``).
- ``neo4j-csv``: one header file and one data file per node label / relationship type, in the
  Neo4j model of kg/mapping/neo4j.py, plus ``import.sh`` (the neo4j-admin command) and
  ``post-load.cypher`` (constraints, and co-occurrence when it could not be counted here).

With ``shard=(i, n)`` only the papers of slice i are written (kg/shard.py), into part files
named ``*.part-i-of-n.*`` so that n machines can write into one shared directory. Pair counts
span slices, so sharded outputs leave CO_OCCURS (and, in RDF, the other figures of
kg/derived.py) to the post-load step: ``post-load.cypher`` / ``post-load.sh`` (``kg refresh``).
"""

from __future__ import annotations

import csv
import os
import shlex
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kg.derived import MentionStatistics, mention_statistics
from kg.mapping import unique_links
from kg.mapping.neo4j import (
    COOCCURS_ALL,
    NODE_FILES,
    RELATIONSHIP_FILES,
    author_csv,
    broader_csv,
    concept_csv,
    linked_concept_csv,
    pair_csv,
    paper_csv,
    schema_statements,
    stub_csv,
)
from kg.mapping.rdf import (
    concept_core_triples,
    concept_triples,
    figure_line,
    figure_triples,
    format_triples,
    label_triples,
    mention_triples,
    pair_triples,
    paper_triples,
)
from kg.mapping.terms import Triples
from kg.model import ConceptInfo, ConceptLink, Paper, PaperGraph
from kg.pipeline import Progress, Report, run
from kg.shard import in_shard
from kg.stores.base import COUNT_KEYS, WriteStats

__all__ = [
    "DEFAULT_GRAPH",
    "FORMATS",
    "BulkResult",
    "BulkWriter",
    "Neo4jCsvWriter",
    "RdfBulkWriter",
    "export_bulk",
    "open_writer",
]

FORMATS = ("neo4j-csv", "ntriples", "nquads")
DEFAULT_GRAPH = "https://paper-kg.org/graph/papers"



@dataclass
class BulkResult:
    """What a bulk export wrote: counts under COUNT_KEYS (as the stores' counts() would report
    after loading this output alone), triples (RDF formats) and the files."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    triples: int = 0
    files: list[Path] = field(default_factory=list)
    skipped_duplicates: int = 0
    cooccurrence_deferred: bool = False

    def summary_rows(self) -> list[tuple[str, int]]:
        rows = [(key, self.counts[key]) for key in COUNT_KEYS]
        if self.triples:
            rows.append(("triples", self.triples))
        if self.skipped_duplicates:
            rows.append(("duplicate papers skipped", self.skipped_duplicates))
        return rows


def _part(shard: tuple[int, int] | None) -> str:
    return f".part-{shard[0]}-of-{shard[1]}" if shard else ""


def _atomic_write(path: Path, text: str) -> None:
    """Header files are written by every shard; a rename keeps concurrent writers safe."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class BulkWriter:
    """Common bookkeeping: ids seen, citations, co-occurrence pairs, counts.

    A GraphSink (kg/pipeline.py): ``write_concepts``, ``write_papers`` (any number of
    batches), ``write_concepts`` again after the papers, then ``finish``.
    """

    extension = ""

    def __init__(
        self,
        out_dir: Path,
        shard: tuple[int, int] | None = None,
        cooccurrence: bool | None = None,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.shard = shard
        # pairs span shards: only an unsharded export can count them
        self.cooccurrence = shard is None if cooccurrence is None else cooccurrence
        self.result = BulkResult(cooccurrence_deferred=not self.cooccurrence)
        self.papers: set[str] = set()
        self.authors: set[str] = set()
        self.vocabulary: set[str] = set()
        self.concepts: dict[str, ConceptInfo] = {}  # written concept nodes
        self.linked: dict[str, ConceptLink] = {}  # linked concepts not (yet) written as nodes
        self.cited: Counter[str] = Counter()
        self.broader: list[tuple[str, str]] = []  # BROADER edges of written concepts
        self.written: set[str] = set()  # concept nodes written by this output
        self.mentioned: set[str] = set()  # concepts some paper of this output mentions
        # per paper: its concept ids and year, for kg/derived.py's figures at the end
        self.mentions: list[tuple[str, tuple[str, ...]]] = []
        self.years: dict[str, int] = {}
        self._begin()

    def _begin(self) -> None:
        """What a format writes before any paper (Neo4j's header files); nothing by default."""

    # --- the build protocol ---------------------------------------------------------------

    def write_concepts(self, concepts: Iterable[ConceptInfo]) -> WriteStats:
        before = len(self.written)
        for info in concepts:
            if info.source != "coined":
                self.vocabulary.add(info.id)
            self.concepts[info.id] = info
            self.linked.pop(info.id, None)
            if self._concept(info):
                self.written.add(info.id)
                broader = [b for b in dict.fromkeys(info.broader) if b != info.id]
                self.broader += [(info.id, b) for b in broader]
        return WriteStats({"concepts": len(self.written) - before})

    def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
        before = len(self.papers)
        for graph in batch:
            paper = graph.paper
            if paper.id in self.papers:
                self.result.skipped_duplicates += 1
                continue
            self.papers.add(paper.id)
            links = unique_links(graph.concepts)
            for link in links:
                if link.id not in self.concepts and link.id not in self.vocabulary:
                    self.linked.setdefault(link.id, link)
            for author in paper.authors:
                if author.id not in self.authors:
                    self.authors.add(author.id)
                    self._author(author.id, author.name, author)
            for ref in dict.fromkeys(paper.references):
                if ref:
                    self.cited[ref] += 1
            self.result.counts["authored_by"] += len(paper.authors)
            self.result.counts["mentions"] += len(links)
            self.mentioned.update(link.id for link in links)
            self._paper(paper, links)
            if self.cooccurrence:
                self.mentions.append((paper.id, tuple(link.id for link in links)))
                if paper.year is not None:
                    self.years[paper.id] = int(paper.year)
        return WriteStats({"papers": len(self.papers) - before})

    def finish(self, concept_ids: Sequence[str] = ()) -> dict[str, int]:
        """Write what needs the whole run (stubs, labels, pairs), close files, count (the
        figures cover every concept: the files hold this run alone)."""
        for link in self.linked.values():
            self._linked_concept(link)
            self.written.add(link.id)
        counts = self.result.counts
        counts["papers"] = len(self.papers)
        counts["authors"] = len(self.authors)
        # counted as GraphStore.counts() does: mentioned concepts apart from the vocabulary
        counts["concepts"] = len(self.written & self.mentioned)
        counts["unmentioned_concepts"] = len(self.written - self.mentioned)
        counts["cites"] = sum(n for ref, n in self.cited.items() if ref in self.papers)
        known = self.vocabulary | set(self.concepts) | set(self.linked)
        self.broader = [(a, b) for a, b in dict.fromkeys(self.broader) if b in known]
        counts["broader"] = sum(
            1 for a, b in self.broader if a in self.mentioned and b in self.mentioned
        )
        if self.cooccurrence:
            stats = mention_statistics(
                ((paper, concept) for paper, concepts in self.mentions for concept in concepts),
                self.years,
            )
            self._derived(stats)
            counts["co_occurs"] = len(stats.a)
        self._close()
        return counts

    # --- format hooks ---------------------------------------------------------------------

    def _concept(self, info: ConceptInfo) -> bool:
        """Write a concept node; False when this output leaves it to another shard."""
        raise NotImplementedError

    def _linked_concept(self, link: ConceptLink) -> None:
        raise NotImplementedError

    def _author(self, author_id: str, name: str, author: Any) -> None:
        raise NotImplementedError

    def _paper(self, paper: Paper, links: list[ConceptLink]) -> None:
        raise NotImplementedError

    def _derived(self, stats: MentionStatistics) -> None:
        """Write CO_OCCURS (and what else this format stores of kg/derived.py)."""
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError


# ------------------------------------------------------------------------------- RDF


def in_graph(lines: list[str], graph: str) -> list[str]:
    """N-Triples lines as N-Quads lines of the named graph ``graph``."""
    term = f" <{graph}> ."
    return [line[:-2] + term for line in lines]  # drop ' .', add the graph


class RdfBulkWriter(BulkWriter):
    """N-Triples (``graph.nt``) or N-Quads (``graph.nq``, every triple in ``graph``)."""

    def __init__(
        self,
        out_dir: Path,
        shard: tuple[int, int] | None = None,
        cooccurrence: bool | None = None,
        quads: bool = False,
        graph: str = DEFAULT_GRAPH,
    ) -> None:
        super().__init__(out_dir, shard, cooccurrence)
        self.quads, self.graph = quads, graph
        self.path = self.out_dir / f"graph{_part(shard)}.{'nq' if quads else 'nt'}"
        self.handle: IO[str] = self.path.open("w", encoding="utf-8", newline="\n")
        self.result.files.append(self.path)
        self._cores: set[str] = set()  # concepts whose core triples were written already
        self._authors: set[tuple[Any, ...]] = set()  # authors written (see paper_triples)
        out = Triples()  # the graph format of a store loaded from the files (every part)
        format_triples(out)
        self._emit(out)

    def _emit(self, out: Triples) -> None:
        lines = in_graph(out.lines, self.graph) if self.quads else out.lines
        if lines:
            self.handle.write("\n".join(lines) + "\n")
            self.result.triples += len(lines)

    def _concept(self, info: ConceptInfo) -> bool:
        out = Triples()  # a concept mentioned before has its core triples (written once)
        concept_triples(info, out, core=info.id not in self._cores)
        self._cores.add(info.id)
        self._emit(out)
        return True

    def _linked_concept(self, link: ConceptLink) -> None:
        out = Triples()  # a concept seen only in papers: its first spelling is its label
        label_triples(link.id, link.name, out)
        self._emit(out)

    def _author(self, author_id: str, name: str, author: Any) -> None:
        pass  # written with each paper by paper_triples (duplicates are one triple in RDF)

    def _paper(self, paper: Paper, links: list[ConceptLink]) -> None:
        out = Triples()
        paper_triples(paper, out, self._authors)
        for link in links:
            if link.id not in self._cores:
                concept_core_triples(link.id, link.type, out)
                self._cores.add(link.id)
            mention_triples(paper, link, out)
        self._emit(out)

    def _derived(self, stats: MentionStatistics) -> None:
        out = Triples()
        for a, b, weight in stats.pairs():
            pair_triples(a, b, weight, out)
            if len(out.lines) >= 100_000:
                self._emit(out)
                out = Triples()
        out.lines += sorted(figure_line(f) for f in figure_triples(stats))
        self._emit(out)

    def _close(self) -> None:
        self.handle.close()
        # an RDF set ignores repeated triples (author and concept triples recur per paper)
        if not self.cooccurrence:
            post = self.out_dir / "post-load.sh"
            _atomic_write(
                post,
                "#!/bin/sh\n# Run once after loading every part: recomputes CO_OCCURS and the\n"
                "# concept statistics over the whole graph, as `kg build` does after writing.\n"
                'kg refresh --store "${1:?usage: post-load.sh STORE (e.g. sparql:URL)}"\n',
            )
            post.chmod(0o755)
            self.result.files.append(post)


# ------------------------------------------------------------------------------- Neo4j

class Neo4jCsvWriter(BulkWriter):
    """``neo4j-admin database import full`` input: ``<name>.header.csv`` + ``<name>[.part].csv``.

    In a sharded run, slice 1 writes the vocabulary and its BROADER edges (every slice would
    repeat them, and neo4j-admin does not merge duplicate relationships); authors and coined
    concepts recur across slices and are merged by ``--skip-duplicate-nodes``.
    """

    extension = "csv"

    def _begin(self) -> None:
        self.handles: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.result.files += write_headers(self.out_dir)
        for name in {**NODE_FILES, **RELATIONSHIP_FILES}:
            data = self.out_dir / f"{name}{_part(self.shard)}.csv"
            handle = data.open("w", encoding="utf-8", newline="")
            self.handles[name] = handle
            self.writers[name] = csv_writer(handle)
            self.result.files.append(data)
        self.write_vocabulary = self.shard is None or self.shard[0] == 1

    def _row(self, name: str, row: list[Any]) -> None:
        self.writers[name].writerow(row)

    def _concept(self, info: ConceptInfo) -> bool:
        if info.source != "coined" and not self.write_vocabulary:
            return False
        self._row("concepts", concept_csv(info))
        return True

    def _linked_concept(self, link: ConceptLink) -> None:
        self._row("concepts", linked_concept_csv(link))

    def _author(self, author_id: str, name: str, author: Any) -> None:
        self._row("authors", author_csv(author_id, name, author.key))

    def _paper(self, paper: Paper, links: list[ConceptLink]) -> None:
        for name, row in paper_csv(PaperGraph(paper, links)):
            self._row(name, row)

    def _derived(self, stats: MentionStatistics) -> None:
        for a, b, weight in stats.pairs():  # Cypher queries count the rest on the fly
            self._row("co-occurs", pair_csv(a, b, weight))

    def _close(self) -> None:
        for source, target in self.broader:  # only between existing concepts, as the store
            self._row("broader", broader_csv(source, target))
        for ref in sorted(self.cited):
            if ref not in self.papers:  # cited papers outside this output: stub nodes
                self._row("paper-stubs", stub_csv(ref))
        for handle in self.handles.values():
            handle.close()
        self.result.files += write_scripts(self.out_dir, self.cooccurrence)


def csv_writer(handle: IO[str]) -> Any:
    """The CSV dialect of every neo4j-admin data file."""
    return csv.writer(handle, lineterminator="\n")


def write_headers(out_dir: Path) -> list[Path]:
    """``NAME.header.csv`` of every node and relationship file (safe for concurrent writers)."""
    files = []
    for name, header in {**NODE_FILES, **RELATIONSHIP_FILES}.items():
        head = out_dir / f"{name}.header.csv"
        _atomic_write(head, ",".join(header) + "\n")
        files.append(head)
    return files


def write_scripts(out_dir: Path, cooccurrence: bool) -> list[Path]:
    """``post-load.cypher`` (constraints; CO_OCCURS when the parts lack it) and ``import.sh``."""
    post = out_dir / "post-load.cypher"
    lines = ["// Run once after `neo4j-admin database import` (e.g. cypher-shell -f).",
             "// The constraints and indexes of schema/neo4j.cypher:"]
    lines += [f"{statement};" for statement in schema_statements()]
    if not cooccurrence:
        lines += [
            "// CO_OCCURS over the whole graph (pairs span shards, so no part has them):",
            f"{COOCCURS_ALL.strip()};",
        ]
    _atomic_write(post, "\n".join(lines) + "\n")
    script = out_dir / "import.sh"
    _atomic_write(script, import_command(out_dir))
    script.chmod(0o755)
    return [post, script]


def import_command(out_dir: Path, database: str = "neo4j") -> str:
    """A shell script running neo4j-admin on every part file in ``out_dir`` (regex groups,
    so parts copied in from other shards are picked up too)."""
    args = ["--overwrite-destination", "--skip-duplicate-nodes=true", "--multiline-fields=true",
            "--array-delimiter=U+001F"]
    for name in NODE_FILES:  # papers before paper-stubs: the first node of an id is kept
        args.append(f"--nodes={name}.header.csv,{name}(\\.part-.*)?\\.csv")
    for name in RELATIONSHIP_FILES:
        args.append(f"--relationships={name}.header.csv,{name}(\\.part-.*)?\\.csv")
    command = f"neo4j-admin database import full {shlex.quote(database)}"
    body = " \\\n  ".join([command, *(shlex.quote(arg) for arg in args)])
    return (
        "#!/bin/sh\n# Import every part in this directory into an (offline) Neo4j database;\n"
        "# paper stubs come after papers so --skip-duplicate-nodes keeps the full nodes.\n"
        f'cd "$(dirname "$0")" || exit 1\n{body}\n'
    )


# ------------------------------------------------------------------------------- pipeline


def open_writer(
    fmt: str,
    out_dir: Path,
    shard: tuple[int, int] | None = None,
    cooccurrence: bool | None = None,
    graph: str = DEFAULT_GRAPH,
) -> BulkWriter:
    """The writer of one of FORMATS; ValueError names the valid ones."""
    if fmt == "neo4j-csv":
        return Neo4jCsvWriter(out_dir, shard, cooccurrence)
    if fmt in {"ntriples", "nquads"}:
        return RdfBulkWriter(out_dir, shard, cooccurrence, quads=fmt == "nquads", graph=graph)
    raise ValueError(f"unknown bulk format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def export_bulk(
    papers: Iterable[Paper],
    out_dir: Path,
    fmt: str,
    extractor: Any,
    shard: tuple[int, int] | None = None,
    jobs: int = 1,
    batch_size: int = 256,
    cooccurrence: bool | None = None,
    graph: str = DEFAULT_GRAPH,
    progress: Progress | None = None,
    on_rejection: Report | None = None,
    with_vocabulary: bool = False,
    curation: Any = None,
) -> BulkResult:
    """Stream ``papers`` (filtered to ``shard``) through ``extractor`` (an extract.Extractor)
    into bulk files in ``out_dir``; only ids and pair counts are held in memory. A paper
    whose extraction fails is passed to ``on_rejection`` and left out (kg/extraction.py).
    Of the vocabulary, the concepts the papers mention and their broader chain are written,
    as by `kg build` (the whole of it with ``with_vocabulary``, and in sharded outputs).
    ``curation``: a kg.curation Applied, as `kg build` applies it."""
    writer = open_writer(fmt, out_dir, shard, cooccurrence, graph)
    selected = (p for p in papers if shard is None or in_shard(p.id, *shard))
    # a slice cannot know what the others mention: sharded outputs hold the whole vocabulary
    run(selected, extractor, writer, jobs=jobs, batch_size=batch_size, progress=progress,
        on_rejection=on_rejection, with_vocabulary=with_vocabulary or shard is not None,
        isolate=False, curation=curation)
    return writer.result
