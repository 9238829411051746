"""The curation file (kg/curation/decisions.py): recording, undo, the CSV format, bad lines
reported with file:line and skipped, conflicts; and where the file lives."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg.curation import (
    COLUMNS,
    Curation,
    CurationError,
    Decision,
    curation_path,
)


def test_record_appends_one_line_with_who_when_and_id(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CURATOR", "ada")
    path = tmp_path / "curation.csv"
    curation, problems = Curation.load(path)
    assert problems == [] and curation.decisions == []
    recorded = curation.record(Decision("set-type", concept="concept:x", value="benchmark",
                                        why="a data set"))
    assert recorded.who == "ada" and recorded.when.endswith("Z") and recorded.id.startswith("d")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["action"] == "set-type" and rows[0]["why"] == "a data set"
    again, problems = Curation.load(path)
    assert problems == [] and again.decisions == [recorded]


def test_undo_takes_back_the_last_decision_and_keeps_the_history(tmp_path: Path) -> None:
    curation, _ = Curation.load(tmp_path / "c.csv")
    first = curation.record(Decision("stop-concept", concept="concept:a"))
    second = curation.record(Decision("stop-concept", concept="concept:b"))
    undo = curation.undo()
    assert undo.target == second.id and curation.decisions == [first]
    loaded, problems = Curation.load(tmp_path / "c.csv")
    assert problems == [] and [d.id for d in loaded.decisions] == [first.id]
    assert len((tmp_path / "c.csv").read_text().splitlines()) == 4  # header + 3 lines
    with pytest.raises(CurationError, match="already undone"):
        loaded.undo(second.id)


def test_bad_lines_are_reported_with_file_and_line_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "curation.csv"
    lines = [
        ",".join(COLUMNS),
        "set-type,,concept:a,,,,,,,me,2026-01-01T00:00:00Z,,",
        "frobnicate,,concept:a,,,,,,,me,2026-01-01T00:00:00Z,,",
        "set-type,,concept:b,,,gadget,,,,me,2026-01-01T00:00:00Z,,",
        "add-mention,p1,X,,,method,abstract,ten,12,me,2026-01-01T00:00:00Z,,",
        "merge-concepts,,concept:a,,concept:b,,,,,me,2026-01-01T00:00:00Z,,",
        "merge-concepts,,concept:b,,concept:a,,,,,me,2026-01-01T00:00:01Z,,",
        "reject-mention,p1,concept:c,,,,,,,me,2026-01-01T00:00:00Z,,",
        "set-role,p1,concept:c,,,proposed,,,,me,2026-01-01T00:00:02Z,,",
        "undo,,,,d00000000,,,,,me,2026-01-01T00:00:00Z,,",
        "stop-concept,,concept:z,,,,,,,me,2026-01-01T00:00:00Z,,",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    curation, problems = Curation.load(path)
    where = [(p.file, p.location) for p in problems]
    assert where == [(str(path), f"line {n}") for n in (2, 3, 4, 5, 7, 9, 10)]
    text = [p.message for p in problems]
    assert "set-type needs value" in text[0]
    assert "unknown action 'frobnicate'" in text[1]
    assert "unknown type 'gadget'" in text[2]
    assert "whole numbers" in text[3]
    assert "cycle" in text[4]
    assert "contradicts set-role" in text[5]
    assert "no decision d00000000" in text[6]
    assert [d.action for d in curation.decisions] == [
        "merge-concepts", "reject-mention", "stop-concept"]


def test_record_refuses_a_conflict_and_writes_nothing(tmp_path: Path) -> None:
    curation, _ = Curation.load(tmp_path / "c.csv")
    curation.record(Decision("merge-concepts", concept="concept:a", target="concept:b"))
    curation.record(Decision("merge-concepts", concept="concept:b", target="concept:c"))
    before = (tmp_path / "c.csv").read_text()
    with pytest.raises(CurationError, match="cycle"):
        curation.record(Decision("merge-concepts", concept="concept:c", target="concept:a"))
    with pytest.raises(CurationError, match="merged into concept:b already"):
        curation.record(Decision("merge-concepts", concept="concept:a", target="concept:d"))
    with pytest.raises(CurationError, match="needs paper, concept"):
        curation.record(Decision("reject-mention"))
    assert (tmp_path / "c.csv").read_text() == before


def test_an_unreadable_header_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("verb,object\nreject,x\n", encoding="utf-8")
    curation, problems = Curation.load(path)
    assert curation.decisions == [] and len(problems) == 1
    assert problems[0].location == "file" and "header" in problems[0].message


def test_curation_path_lives_with_an_embedded_store_and_is_required_for_servers(
    tmp_path: Path,
) -> None:
    assert curation_path(f"oxigraph:{tmp_path}/kg") == tmp_path / "kg" / "curation.csv"
    assert curation_path(str(tmp_path / "kg")) == tmp_path / "kg" / "curation.csv"
    assert curation_path("rdflib:g.ttl") == Path("g.curation.csv")
    assert curation_path("bolt://h:7687", "shared.csv") == Path("shared.csv")
    for uri in ("bolt://h:7687", "sparql+http://h:7878/query", "rdflib:"):
        with pytest.raises(CurationError, match="--curation FILE"):
            curation_path(uri)


def test_a_directory_holding_only_a_curation_file_takes_a_new_store(tmp_path: Path) -> None:
    from kg.stores.oxigraph import directory_kind

    (tmp_path / "curation.csv").write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    assert directory_kind(tmp_path) == "empty"
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert directory_kind(tmp_path) == "foreign"
