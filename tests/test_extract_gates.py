"""Shortcuts of the extractor that must give exactly what the plain scans give: the
sentences the gated expressions of the coined-name search scan, the name tokens taken a word
at a time, the matcher's word pieces taken in the same pass and its start filter, a coined
name's occurrences found by first letter."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.extract.canonical import WORD, match_key
from kg.extract.coined import (
    NAME_TOKEN,
    NAMING,
    PROPOSE,
    Gated,
    fold_piece,
    long_form_spans,
    name_tokens,
    tokens_and_pieces,
)
from kg.extract.components import _Found, _token_keys
from kg.extract.vocabulary import VocabEntry, VocabularyMatcher, load_vocabulary

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


def _spans(sentences: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The sentences joined by a space, and each one's span in the joined text."""
    text, spans = "", []
    for sentence in sentences:
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence + " "
    return text, spans


@pytest.mark.parametrize("gated", [PROPOSE, NAMING], ids=["propose", "naming"])
@pytest.mark.parametrize("ascii_only", [True, False])
def test_gated_scans_every_sentence_the_expression_matches(
    gated: Gated, ascii_only: bool
) -> None:
    """The sentences picked by searching the whole text for the words are those whose
    lower-case form holds one (words across a sentence boundary do not count), and among
    them every sentence the expression matches; outside ASCII every sentence."""
    sentences = [s for s in SENTENCES if s.isascii()] if ascii_only else SENTENCES
    sentences = [*sentences, "A presen", "ted call", "Named."]  # words cut by a boundary
    text, spans = _spans(sentences)
    folded = text.lower() if text.isascii() else None
    picked = gated.scanned(folded, spans)
    if folded is None:
        assert picked == set(range(len(spans)))
    else:
        holding = {i for i, s in enumerate(sentences) if any(w in s.lower() for w in gated.words)}
        assert picked == holding
    matched = {i for i, s in enumerate(sentences) if gated.pattern.search(s)}
    assert matched and matched <= picked


def test_every_sentence_with_a_match_is_scanned() -> None:
    """The test sentences reach both expressions, so the comparison above is not empty."""
    assert sum(bool(PROPOSE.pattern.search(s)) for s in SENTENCES) >= 4
    assert sum(bool(NAMING.pattern.search(s)) for s in SENTENCES) >= 4
    assert PROPOSE.pattern.search(SENTENCES[-1])  # found only by scanning


TRICKY = [
    "Qwen2.5-VL and GPT-4o beat C++x, C+x and snake_case_name's scores (p<0.05).",
    "Über-Net’s Straße-7B İstanbul ½-step naïve ﬁne-tuning — ⅓ of runs; x_1_y.",
    "  leading spaces, trailing --- dashes -- and +++ pluses ++ ",
    "Words end: Mixer, BERT. ResNet; (ViT) x) 7B: end.",
    "Straße, Über. naïve; ÉCOLE: (Ωmega) ﬁne, İnet.",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_word_pieces_from_name_tokens_are_the_word_scan(text: str) -> None:
    """The matcher's word pieces, taken in the name tokens' pass, are those a scan with
    ``WORD`` finds (lower-cased, or folded outside ASCII)."""
    scan = [(m.start(), m.end(), fold_piece(m.group())) for m in WORD.finditer(text)]
    assert tokens_and_pieces(text)[1] == scan


@pytest.mark.parametrize(
    "text",
    [
        "GraphMix beats graphmix-7B, GraphMix's rival 3GraphMix and Graph-Mix; gRAPHMIX too.",
        "École-Net and ÉcoleNet, 2École, ecolenet and ²Ecolenet: İnet, inet.",
        "",
    ],
)
def test_occurrences_by_first_letter(text: str) -> None:
    """A coined name's occurrences: the name tokens with its key whose first letter is the
    key's (either case) or a digit, as a check of every token finds them."""
    found = _Found(names=name_tokens(text))
    for key in {match_key(t) for _, _, t in found.names} | {"graphmix", "ecolenet"}:
        expected = [
            (start, end - _token_keys(token)[0])
            for start, end, token in found.names
            if (token[0].isdigit() or token[0].lower() == key[0])
            and key in _token_keys(token)[1]
        ]
        assert sorted(found.occurrences(key)) == sorted(expected)


class _EveryPiece(set):
    """A starter set that holds every piece: the matcher then tries a match at each one."""

    def __contains__(self, piece: object) -> bool:
        return True


MATCHER_TEXTS = [
    "Two search strategies and a mixture-of-experts beat Mixtures of Experts, vision "
    "transformers and a Vision-Transformer; we use large language models.",
    "Naïve Bayes and naive bayes, Naïve-Bayes classifiers; Über search strategy; ΔMoE MoEs.",
    "search strat, mixture of, vision, large language, strategies search, a transformer",
    "",
]


@pytest.mark.parametrize("text", MATCHER_TEXTS)
def test_matcher_start_filter_keeps_every_match(text: str) -> None:
    """The matcher tries a match only at pieces its key tables say can start one; trying
    at every piece finds the same matches."""
    entries = [
        *load_vocabulary(),
        VocabEntry("search-strategy", "Search strategy", "method"),
        VocabEntry("mixture-of-experts", "Mixture of Experts", "architecture", ["MoE"]),
        VocabEntry("naive-bayes", "Naïve Bayes", "method"),
    ]
    matcher, plain = VocabularyMatcher(entries), VocabularyMatcher(entries)
    plain.starters = _EveryPiece()
    assert matcher.find(text) == plain.find(text)
    if text:
        assert matcher.find(text)


@pytest.mark.parametrize(
    "text",
    [
        *TRICKY,
        "Words, words. Words; (words) words: words) a. b, c;d x.y C++ C+ 3.5-VL's ½",
        "tabs\tand\nnew lines\r\nno-break\xa0space, line\u2028separator and\x1cfile sep.",
        " ,. ;: ) ( trailing",
    ],
)
def test_name_tokens_are_the_expression_scan(text: str) -> None:
    """Name tokens taken a whitespace-separated word at a time are those a scan of the
    whole text with ``NAME_TOKEN`` finds."""
    scan = [(m.start(), m.end(), m.group()) for m in NAME_TOKEN.finditer(text)]
    assert name_tokens(text) == scan


_LONG_FORM_TEXTS = [
    "Generative Architecture Search (GAS) beats generative-architecture  search and"
    " GENERATIVE ARCHITECTURE‐SEARCH, not Generative Architecture Searches or xGenerative"
    " Architecture Search.",
    "Mixture-of-Experts (MoE): a mixture of experts, mixture-of-experts_x, Mixture\tof\nExperts.",
    "Kelvin Net (KN): the \u212aelvin net, kelvin   net, Kelvin-Net, KELVIN\u2010NET.",
    "Straße Model (SM) uses the STRASSE MODEL and straße model and the Straſse Model.",
    "Deep (Q)-Learning ((Q)L) and deep (q)-learning, deep(q)-learning, -Deep Net- deep net",
    "C++ Graph Nets (CGN) and c++ graph nets; C++Graph Nets. a.b Net and a.b-net, aXb net",
    "Mass Net (MN): maſs net, MASS NET; İmage Net and the image net, then a mass net.",
]
_LONG_FORMS = [
    "Generative Architecture Search", "Mixture-of-Experts", "mixture of experts",
    "Kelvin Net", "Straße Model", "Deep (Q)-Learning", "(Q)-Learning", "C++ Graph Nets",
    "a.b Net", "-Deep Net-", "Net", "net", "Experts.", "Mass Net", "image net",
]


@pytest.mark.parametrize("text", _LONG_FORM_TEXTS)
def test_long_form_spans_are_the_expression_scan(text: str) -> None:
    """A long form's recurrences found with ``str.find`` are those the expression finds."""
    for long_form in _LONG_FORMS:
        words = map(re.escape, re.split(r"[\s‐-]+", long_form))
        pattern = r"\b" + r"[\s‐-]+".join(words) + r"\b"
        expected = {(m.start(), m.end()) for m in re.finditer(pattern, text, re.I)}
        assert long_form_spans(text, long_form) == expected, long_form
        ascii_text = text.encode("ascii", "replace").decode()
        expected = {(m.start(), m.end()) for m in re.finditer(pattern, ascii_text, re.I)}
        assert long_form_spans(ascii_text, long_form) == expected, long_form


@pytest.mark.parametrize(
    "text",
    [
        "A title\n\nWe train a model. It works! Does it? Yes.",
        'Ends in quotes." Then "a quote." (A bracket.) Next one... and "so on"?! Last',
        "No end at all",
        "Only punctuation after the end. . ! ? )",
        "e.g. this, i.e. that. U.S. data. 3.5 points. Done.",
        "Déjà vu. Ça marche ! Fin ?",
    ],
)
def test_sentence_starts_are_the_sentencizer_rule(text: str) -> None:
    """The sentence starts read from the sentence ends equal spaCy's sentencizer with the
    same end marks ('.', '!', '?')."""
    import spacy

    from kg.extract.scoring import token_arrays
    from kg.extract.sentences import sentence_starts

    nlp = spacy.blank("en")
    marks = frozenset(nlp.vocab.strings[p] for p in ".!?")
    doc = nlp.make_doc(text)
    expected = nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?"]})(
        nlp.make_doc(text)
    )
    reference = [s.start_char for s in expected.sents if s.start > 0]
    assert sentence_starts(doc, token_arrays(doc), marks) == reference
    assert sentence_starts(doc, None, marks) == reference


@given(st.text(alphabet="abcxyzéß0123456789-'’./", min_size=1, max_size=12))
def test_a_lower_case_word_is_never_a_strong_name(word: str) -> None:
    """The coined-name search skips the shape test for lower-case words."""
    from kg.extract.coined import strong_name

    if word.islower():
        assert not strong_name(word)
