"""The gated expressions of the coined-name search skip sentences by substring search; they
must find exactly what the expressions find, in every case."""

from __future__ import annotations

import pytest

from kg.extract.coined import NAMING, PROPOSE, Gated

SENTENCES = [
    "We propose GraphMix, a mixer for graphs.",
    "In this work we INTRODUCE a new sampler called TreeSample.",
    "Here, we present LoomNet; we also Develop a benchmark named Weave-Bench.",
    "This paper carefully designs a router, which we call SwitchBack.",
    "The proposed method, dubbed Quill, is termed a sketch model; namely, Quill.",
    "We refer to it as Spindle and coined the term ShuttleCode.",
    "Our proposed optimizer builds on prior work.",
    "Results on three datasets show consistent gains.",
    "Nothing here offers anything new.",
    "we propoſe ToyNet",  # not ASCII: re.I folds 'ſ' to 's', lower-casing does not
]


@pytest.mark.parametrize("gated", [PROPOSE, NAMING], ids=["propose", "naming"])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_gated_finds_what_the_expression_finds(gated: Gated, sentence: str) -> None:
    lowered = sentence.lower() if sentence.isascii() else None
    found = [m.span() for m in gated.finditer(sentence, lowered)]
    assert found == [m.span() for m in gated.pattern.finditer(sentence)]


def test_every_sentence_with_a_match_is_scanned() -> None:
    """The test sentences reach both expressions, so the comparison above is not empty."""
    assert sum(bool(PROPOSE.pattern.search(s)) for s in SENTENCES) >= 4
    assert sum(bool(NAMING.pattern.search(s)) for s in SENTENCES) >= 4
    assert PROPOSE.pattern.search(SENTENCES[-1])  # found only by scanning
