"""`kg eval`: precision, recall and F1 of the concept extractor on the gold set and SciERC."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kg.cli.options import errors_reported
from kg.cli.output import OutputFormat, fail, load_curation, print_rows
from kg.stores import DEFAULT_STORE, open_store

if TYPE_CHECKING:
    from kg.extract import Extractor

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
COLUMNS = ["set", "type", "tp", "fp", "fn", "precision", "recall", "f1"]


class GoldConfidence(StrEnum):
    """Which gold items count: all of them, only "high"-confidence ones, or both views."""

    all = "all"
    high = "high"
    both = "both"


def eval_command(
    gold: list[Path] = typer.Option(
        [],
        "--gold",
        help="Gold JSONL; repeatable (default: every extract/data/gold/*.jsonl).",
    ),
    confidence: GoldConfidence = typer.Option(
        GoldConfidence.all,
        "--confidence",
        help="Gold items to score: all, high (low-confidence items become optional) or both.",
    ),
    seeds: Path = typer.Option(
        SHARED / "seeds",
        "--seeds",
        help="Directory of Daily Papers pages holding the gold papers' abstracts.",
    ),
    scierc: Path | None = typer.Option(
        None,
        "--scierc",
        help="SciERC directory with dev.json (default: ../shared/data/scierc when present).",
    ),
    vocabulary: list[Path] = typer.Option(
        [],
        "--vocabulary",
        help="Extra vocabulary file: CSV (id,name,type,aliases,broader,variants) or SKOS "
        "Turtle; repeatable.",
    ),
    splits: list[str] = typer.Option(
        [],
        "--split",
        help="Score only these gold splits (repeatable; e.g. dev, test, train, scierc-train).",
    ),
    fast: bool = typer.Option(
        False, "--fast", help="Score the rules-only pipeline (no trained scorer)."
    ),
    reliability: bool = typer.Option(
        False,
        "--reliability",
        help="Print, per split, the fraction of tags right per confidence bin instead.",
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.table, "--output-format", help="table, json or csv."
    ),
    curation: Path | None = typer.Option(
        None, "--curation", help="Score against a curation file's corrections instead "
        "(the papers they name, read from --store): README 'Curating'.",
    ),
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", envvar="KG_STORE",
                              help="The store holding the curated papers (with --curation)."),
) -> None:
    """Score extracted concepts against gold annotations: precision/recall/F1 per type, typed and untyped.

    The gold papers' abstracts come from the Daily Papers pages in --seeds (../shared/seeds); gold lines with a "doc_key" are SciERC abstracts from --scierc (train.json, dev.json; text = the tokens joined by spaces), reported as "gold-scierc-<split>". One row group per split present in the gold files (set "gold-<split>", plus "gold-all" when there are several splits); the row "proposed" scores the role among matched concepts. With --confidence high, low-confidence gold items are optional (neither counted when found nor missed when not); rows of that view are labelled "gold-<split>/high". SciERC's own dev split ("scierc-dev"): Method maps to method/architecture, Material to benchmark, other labels are skipped.
    """  # noqa: E501
    from kg.extract import Extractor
    from kg.extract.evaluate import (
        EvalDataMissing,
        evaluate_gold,
        evaluate_scierc,
        gold_files,
        load_gold,
        split_of,
    )

    if curation is not None:
        print_rows(COLUMNS, curation_rows(curation, store, Extractor(vocabulary, fast=fast)),
                   fmt, title="the extractor against the curation's corrections")
        return

    gold_paths = list(gold) or gold_files()
    if not gold_paths:
        raise fail("no gold files in extract/data/gold", "pass --gold FILE")
    for gold_path in gold_paths:
        if not gold_path.exists():
            raise fail(f"gold file {gold_path} not found", "pass --gold FILE")
    if splits:  # a misspelt split must not print a table without it
        known = {split_of(item) for path in gold_paths for item in load_gold(path)}
        unknown = sorted(set(splits) - known - {"scierc-dev"})
        if unknown:
            raise fail(f"no gold split named {', '.join(unknown)} in the gold files",
                       f"choose among: {', '.join(sorted(known | {'scierc-dev'}))}")
    seed_files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    if not seed_files:
        raise fail(
            f"no seed pages in {seeds}: the gold abstracts cannot be joined",
            "put the shared data beside the checkout (../shared) or pass --seeds DIR",
            code=1,
        )
    extractor = Extractor(vocabulary, fast=fast)
    scierc_dir = scierc or SHARED / "data" / "scierc"
    rows = []
    try:
        views = {
            GoldConfidence.all: [("", False)],
            GoldConfidence.high: [("/high", True)],
            GoldConfidence.both: [("", False), ("/high", True)],
        }[confidence]
        for suffix, high_only in views:
            results = evaluate_gold(
                extractor,
                seed_files,
                gold_paths,
                high_only=high_only,
                scierc_dir=scierc_dir,
                splits=set(splits) or None,
            )
            for split, scores in results.items():
                if reliability:
                    rows += [(f"gold-{split}{suffix}", *r) for r in scores.reliability()]
                else:
                    rows += scores.rows(f"gold-{split}{suffix}")
        if not reliability and (scierc is not None or (scierc_dir / "dev.json").exists()):
            rows += evaluate_scierc(extractor, scierc_dir / "dev.json").rows("scierc-dev")
    except EvalDataMissing as error:
        raise fail(str(error), "pass --scierc DIR holding dev.json", code=1) from None
    if reliability:
        columns = ["set", "confidence", "tags", "right", "fraction right"]
        print_rows(columns, rows, fmt, title="reliability of the confidence")
        return
    print_rows(COLUMNS, rows, fmt, title="concept extraction quality")


def curation_rows(path: Path, store: str, extractor: Extractor) -> list[list]:
    """`kg eval --curation`: the rows of kg.curation.learn.score_curation."""
    from kg.curation.learn import reviewed_papers, score_curation

    with errors_reported():
        found, _ = load_curation(path, required=True)
        assert found is not None
        if not reviewed_papers(found):
            raise fail(f"{path} holds no decision about a paper's tags to score against",
                       code=1)
        with open_store(store, "read") as opened:
            return score_curation(opened, found, extractor)
