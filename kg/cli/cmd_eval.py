"""`kg eval`: precision, recall and F1 of the concept extractor on the gold set and SciERC."""

from __future__ import annotations

from pathlib import Path

import typer

from kg.cli.app import app
from kg.cli.output import OutputFormat, fail, print_rows

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
COLUMNS = ["set", "type", "tp", "fp", "fn", "precision", "recall", "f1"]


@app.command("eval")
def eval_command(
    gold: Path | None = typer.Option(
        None, "--gold", help="Gold JSONL (default: extract/data/gold/daily-papers-gold.jsonl)."
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
        [], "--vocabulary", help="Extra vocabulary file; repeatable."
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.table, "--output-format", help="table, json or csv."
    ),
) -> None:
    """Score extracted concepts against gold annotations: precision/recall/F1 per type, typed and untyped.

    The gold papers' abstracts come from the Daily Papers pages in --seeds (../shared/seeds); SciERC Method maps to method/architecture, Material to benchmark, other labels are skipped.
    """  # noqa: E501
    from extract import Extractor
    from extract.evaluate import GOLD, EvalDataMissing, evaluate_gold, evaluate_scierc

    gold_path = gold or GOLD
    if not gold_path.exists():
        raise fail(f"gold file {gold_path} not found", "pass --gold FILE")
    seed_files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    if not seed_files:
        raise fail(
            f"no seed pages in {seeds}: the gold abstracts cannot be joined",
            "put the shared data beside the checkout (../shared) or pass --seeds DIR",
            code=1,
        )
    extractor = Extractor(vocabulary)
    rows = []
    try:
        for split, scores in evaluate_gold(extractor, seed_files, gold_path).items():
            rows += scores.rows(f"gold-{split}")
        scierc_dir = scierc or SHARED / "data" / "scierc"
        if scierc is not None or (scierc_dir / "dev.json").exists():
            rows += evaluate_scierc(extractor, scierc_dir / "dev.json").rows("scierc-dev")
    except EvalDataMissing as error:
        raise fail(str(error), "pass --scierc DIR holding dev.json", code=1) from None
    print_rows(COLUMNS, rows, fmt, title="concept extraction quality")
