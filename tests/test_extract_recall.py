"""Recall by error class (issue 19, second round): shapes of names and technique phrases that
the rules or the proposer used to miss. Sentences are made up for these tests."""

from __future__ import annotations

import pytest
import spacy

from kg.extract import Extractor, load_vocabulary
from kg.extract.proposals import Proposer, head_words
from kg.extract.scoring import token_arrays
from kg.model import Paper


@pytest.fixture(scope="module")
def rules() -> Extractor:
    """The rules alone: what the candidate generation offers the scorer."""
    return Extractor(fast=True)


@pytest.fixture(scope="module")
def proposer() -> tuple[spacy.Language, Proposer]:
    nlp = spacy.blank("en")
    return nlp, Proposer(head_words(load_vocabulary()), nlp.vocab.strings)


def found(extractor: Extractor, abstract: str) -> dict[str, str]:
    paper = Paper(title="A study of sensors", abstract=abstract)
    return {c.name: c.type for c in extractor.extract_one(paper).concepts}


def proposed(proposer: tuple[spacy.Language, Proposer], text: str) -> set[str]:
    nlp, prop = proposer
    doc = nlp.make_doc(text)
    return {text[s:e] for s, e in prop.propose(doc, token_arrays(doc), text)}


def test_hyphenated_benchmark_suffix_names_a_benchmark(rules: Extractor) -> None:
    got = found(rules, "We report results on the Harbor-Bench suite and on Quill-Eval.")
    assert got.get("Harbor-Bench") == "benchmark"
    assert got.get("Quill-Eval") == "benchmark"


def test_capitalised_word_before_a_collection_word_is_a_benchmark(rules: Extractor) -> None:
    got = found(rules, "Experiments on the Trellis benchmark and the Orchard corpus show gains.")
    assert got.get("Trellis") == "benchmark" and got.get("Orchard") == "benchmark"


def test_sentence_opening_word_before_a_collection_word_is_not_a_name(rules: Extractor) -> None:
    got = found(rules, "We measure drift. Standard benchmark suites miss it.")
    assert "Standard" not in got


def test_counted_stage_phrase_is_proposed(proposer) -> None:  # type: ignore[no-untyped-def]
    text = "We apply two-stage training and a 3-step decoding to the sensor model."
    got = proposed(proposer, text)
    assert "two-stage training" in got and "3-step decoding" in got


def test_a_participle_after_a_comma_opens_no_proposal(proposer) -> None:  # type: ignore[no-untyped-def]
    """"..., outperforming majority voting": the participle opens a clause; the phrase
    after it is proposed without it."""
    got = proposed(proposer, "Accuracy rises to 93%, outperforming majority voting at once.")
    assert "majority voting" in got
    assert not any(p.startswith("outperforming") for p in got)


def test_based_compound_is_proposed_whole(proposer) -> None:  # type: ignore[no-untyped-def]
    got = proposed(proposer, "The encoder relies on contrast-based pruning of the filters.")
    assert "contrast-based pruning" in got


def test_title_case_long_form_with_its_acronym_is_a_method(rules: Extractor) -> None:
    got = found(rules, "Signals are cleaned with Kernel Density Smoothing (KDS) before routing.")
    assert got.get("KDS") == "method"
    assert "Knowledge distillation" not in got  # the vocabulary's "KDs" is not this KDS


def test_acronym_of_a_metric_long_form_is_not_a_concept(rules: Extractor) -> None:
    got = found(rules, "We report the Word Drift Rate (WDR) of each filter.")
    assert not got


def test_classic_methods_models_and_corpora_are_known(rules: Extractor) -> None:
    """Pre-deep-learning techniques, model classes and corpora (older NLP and vision text)
    are vocabulary concepts of the type the annotation decisions give them."""
    got = found(
        rules,
        "A maximum entropy classifier and an n-gram model are trained with AdaBoost on the "
        "Brown Corpus, with senses from WordNet. Sentences are parsed by a chart parser "
        "for a probabilistic context-free grammar, decoded with the Viterbi algorithm, and "
        "images are segmented with normalized cuts over a bag of visual words.",
    )
    assert got == {
        "Maximum-entropy model": "architecture", "N-gram model": "architecture",
        "AdaBoost": "method", "Brown Corpus": "benchmark", "WordNet": "benchmark",
        "Chart parsing": "method", "PCFG": "method", "Viterbi algorithm": "method",
        "Normalized cuts": "method", "Bag of visual words": "method",
    }


def test_no_vocabulary_surface_holds_an_asterisk() -> None:
    """The match key drops '*', so 'A* search' would match the words 'a search': such
    names are not vocabulary surfaces (the alias policy in VOCABULARY.md)."""
    surfaces = [s for e in load_vocabulary() for s in (e.name, *e.aliases)]
    assert surfaces and not [s for s in surfaces if "*" in s]


def test_a_term_defined_with_its_short_form_is_a_candidate(rules: Extractor) -> None:
    """A term given its own short form is a named thing of the text even where no
    proposing verb or technique head types it; a defined task or metric still is not."""
    got = found(
        rules,
        "Motion is represented by a layered gradient orientation histogram (LGOH). "
        "We report the word error rate (WER) on spoken queries.",
    )
    assert got.get("LGOH") == "method"
    assert "WER" not in got


def test_scierc_bracket_tokens_read_as_brackets() -> None:
    """SciERC's Penn Treebank bracket tokens are read as the brackets the abstract had, in
    the text and in gold surfaces, so a definition "long form (SF)" reads as one."""
    from kg.extract.scierc import unbracket

    assert unbracket("a gradient histogram -LRB- GH -RRB- over -LSB- 3 -RSB-") == (
        "a gradient histogram (GH) over [3]")
    assert unbracket("no brackets - here") == "no brackets - here"


def test_capitalised_words_ending_in_a_capitalised_collection_word_are_a_benchmark(
    rules: Extractor,
) -> None:
    """"the Quill Code Dataset": the collection word, capitalised, is the name's last word,
    and the words before it may be everyday ones; one everyday word alone is no name."""
    got = found(rules, "Results improve on the Quill Code Dataset and on the Marrow Suite, "
                "but not on the Code Corpus.")
    assert got.get("Quill Code Dataset") == "benchmark"
    assert got.get("Marrow Suite") == "benchmark"
    assert not [name for name in got if name.startswith("Code")]


def test_a_quantity_is_not_the_technique_named_after_it(rules: Extractor) -> None:
    """"the spectral norm of the update" is a matrix norm, not spectral normalization (the
    technique is still found by its own name)."""
    assert "Spectral normalization" not in found(
        rules, "We bound the spectral norm of the update at every step.")
    assert found(rules, "We apply spectral normalization to the critic.").get(
        "Spectral normalization") == "method"
