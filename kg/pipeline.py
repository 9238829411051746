"""The one flow of every graph output: papers → extraction → a GraphSink, in batches.

``kg build`` (a store), ``kg export-bulk`` (bulk files) and anything else that writes the
graph call ``run``; they differ only in their sink. The flow: papers are extracted in
isolation (kg/extraction.py: one paper never ends a run) and written batch by batch; then
the concepts: of the vocabulary those the papers mention and the broader chain above them
(or the whole vocabulary, ``with_vocabulary``), and the concepts coined during the run;
then the sink finishes (derived figures) and reports what the graph holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any, Protocol

from kg.extraction import extract_isolated, rejection
from kg.model import ConceptInfo, Paper, PaperGraph
from kg.readers import Rejection
from kg.readers.base import unexpected

if TYPE_CHECKING:
    from kg.curation.transform import Applied
    from kg.extract import Extractor
    from kg.stores.base import WriteStats

Progress = Callable[[int, "int | None"], None]  # (papers written so far, total if known)
Report = Callable[[Rejection], None]


class GraphSink(Protocol):
    """Where ``run`` writes: a store (kg/stores/base.py) or a bulk writer (kg/bulk.py)."""

    def write_concepts(self, concepts: Iterable[ConceptInfo]) -> WriteStats:
        """Write concept nodes with their aliases and BROADER edges."""

    def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
        """Write papers with their authors, citations and mentions; ``added["papers"]``
        counts the papers that were new."""

    def finish(self, concept_ids: Sequence[str]) -> dict[str, int]:
        """Bring the derived figures of ``concept_ids`` (the concepts the run's papers
        mention) up to date; return the graph's counts (kg/stores/base.py COUNT_KEYS)."""


@dataclass
class RunResult:
    """What ``run`` wrote: papers written, of which new, and the sink's final counts."""

    papers: int = 0
    new_papers: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def with_broader(
    concepts: Iterable[ConceptInfo], ids: Iterable[str], coined: Iterable[ConceptInfo] = ()
) -> list[ConceptInfo]:
    """The concepts of ``ids`` found in ``concepts`` and every concept above them (their
    broader chain, as far as ``concepts`` has it), and above the ``coined`` concepts, in id
    order: what a run writes of the vocabulary, so that "the papers about X" can walk from
    X down to what papers mention (a compound such as "Anomaly Transformer" included)."""
    by_id = {concept.id: concept for concept in concepts}
    wanted: set[str] = set()
    above = [b for info in coined for b in info.broader]
    todo = [cid for cid in [*ids, *above] if cid in by_id]
    while todo:
        cid = todo.pop()
        if cid not in wanted:
            wanted.add(cid)
            todo += [b for b in by_id[cid].broader if b in by_id and b not in wanted]
    return [by_id[cid] for cid in sorted(wanted)]


def run(
    papers: Iterable[Paper],
    extractor: Extractor,
    sink: GraphSink,
    *,
    jobs: int = 1,
    batch_size: int = 256,
    total: int | None = None,
    progress: Progress | None = None,
    on_rejection: Report | None = None,
    on_warning: Report | None = None,
    with_vocabulary: bool = False,
    isolate: bool = True,
    curation: Applied | None = None,
) -> RunResult:
    """Extract ``papers`` with ``extractor`` and write them to ``sink`` (see the module).
    A paper whose extraction fails goes to ``on_rejection``; with ``isolate`` so does a
    paper the sink refuses (IsolatedWriter), else the sink's error is raised (a full disk
    under a bulk writer is no paper's fault). ``curation``: the decisions of a curation
    file, applied to every paper's tags and to the concepts (kg/curation)."""
    concepts = curation.curate_concepts if curation else list
    vocabulary = [info for info in concepts(extractor.concepts()) if info.source != "coined"]
    if with_vocabulary:
        sink.write_concepts(vocabulary)
    reject = on_rejection or (lambda record: None)
    write = IsolatedWriter(sink, reject).write if isolate else _new_papers(sink)
    result = RunResult()
    touched: set[str] = set()
    if progress:
        progress(0, total)
    found = extract_isolated(extractor, papers, jobs, batch_size, reject, on_warning)
    if curation:
        found = curation.curate_stream(found)
    for batch in batched(found, max(1, batch_size)):
        graphs = [PaperGraph(paper, extracted.concepts) for paper, extracted in batch]
        result.new_papers += write(graphs)
        touched.update(link.id for graph in graphs for link in graph.concepts)
        result.papers += len(batch)
        if progress:
            progress(result.papers, total)
    # the mentioned vocabulary concepts with their broader chain (written after the papers:
    # only now is it known what they mention), and the concepts coined during this run
    coined = [info for info in concepts(extractor.concepts()) if info.source == "coined"]
    mentioned = [] if with_vocabulary else with_broader(vocabulary, touched, coined)
    sink.write_concepts([*mentioned, *coined])
    result.counts = sink.finish(sorted(touched))
    return result


def _new_papers(sink: GraphSink) -> Callable[[list[PaperGraph]], int]:
    return lambda graphs: sink.write_papers(graphs).added.get("papers", 0)


class IsolatedWriter:
    """Writes batches of papers to a sink; a batch the sink refuses is written again paper
    by paper, and only the papers it still refuses are rejected. When every paper of a batch
    fails, rewriting a paper written before tells a broken store (the error is raised: a
    server gone, a full disk) from bad papers (rejected)."""

    def __init__(self, sink: GraphSink, reject: Report) -> None:
        self.sink, self.reject = sink, reject
        self.probe: PaperGraph | None = None  # a paper this sink has written

    def write(self, graphs: list[PaperGraph]) -> int:
        """Write ``graphs``; returns how many papers were new."""
        try:
            added = self.sink.write_papers(graphs).added.get("papers", 0)
        except Exception as error:
            return self._one_by_one(graphs, error)
        self.probe = graphs[-1] if graphs else self.probe
        return added

    def _one_by_one(self, graphs: list[PaperGraph], error: Exception) -> int:
        added, failed = 0, []
        for graph in graphs:
            try:
                added += self.sink.write_papers([graph]).added.get("papers", 0)
                self.probe = graph
            except Exception as failure:  # this paper's own failure, or the sink's
                failed.append((graph, failure))
        if failed and len(failed) == len(graphs) and not self._sink_writes():
            raise error
        for graph, failure in failed:
            self.reject(rejection(graph.paper, f"could not be written ({unexpected(failure)}); "
                                               "the other papers were"))
        return added

    def _sink_writes(self) -> bool:
        if self.probe is None:
            return False
        try:
            self.sink.write_papers([self.probe])
        except Exception:  # the sink itself fails
            return False
        return True
