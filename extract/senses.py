"""Is a vocabulary match the concept here? Sense and boundary checks on one match.

- **Attributive participles**: "pre-trained encoder", "fine-tuned models" describe a model;
  they are not the methods Pre-training and Fine-tuning. An -ed form counts only as a verb:
  followed by a preposition ("pre-trained on ImageNet", "fine-tuned with LoRA") or ending
  a clause ("the model is then fine-tuned.").
- **Hyphenated names**: a match glued by a hyphen to a further capitalised piece that is no
  size suffix ("Orca-Math", "Stable-Diffusion-Depth-XL"), to a one-digit generation
  ("Heron-3": a model's next version is a model of its own, as GPT-4 is; "ResNet-50"'s depth
  is a variant), or, mid-sentence, to a capitalised piece before it ("Point-BERT") is part
  of a longer name, not the concept itself; ``compound_span`` gives the whole name.
- **Metrics named after a model**: "a CLIP score of 0.31", "CLIP-T similarity" measure
  with the model; they do not use it as a concept of the paper ("GPT-4 scores 86%" does).
- **Role nouns**: a lower-case class noun right after a name ("a Qwen2 language model", "an
  EnCodec tokenizer", "the GPT-2 transformer") says what the name is; it is no second
  concept.
- **Negations**: "non-autoregressive", "non-contrastive learning" name the opposite of the
  concept after "non-".
- **Everyday words**: a benchmark name that is also an ordinary word counts only when it is
  written as a name, not in lower case ("a cola drink"); names with two or more capitals
  already need them (the matcher's case rule).
"""

from __future__ import annotations

import re

from kg.extract.canonical import GREEK_LETTERS, match_key, singular
from kg.extract.coined import STOP_NAMES, TYPE_WORDS, looks_like_name, opens_sentence

_VERBAL_NEXT = frozenset(
    """on with by using via for to in from at over under across without upon through
    into onto against as until""".split()
)
_NEXT_WORD = re.compile(r"[ \t]*([A-Za-z][\w-]*|[^\s\w]|$)")
# A hyphen and a further name piece: capitalised ("-Math", "-MoE", "-Depth-XL").
# (digits may follow a capitalised piece: "NAS-Bench-101")
_GLUED_RIGHT = re.compile(r"[-‐][A-Z]\w*(?:[-‐](?:[A-Z]\w*|\d[\w.]*))*")
_GLUED_LEFT = re.compile(r"(?:[A-Z][\w]*[-‐])+$")
_NAME_PIECE = re.compile(r"[A-Za-z][A-Z]|\d")
# A one-digit generation after a name ("-3", "-2.5", "-V2"), or a Greek letter ("PixArt-δ"),
# not a depth or size ("-50", "-7B").
_GENERATION = re.compile(rf"[-‐](?:[vV]?\d(?:\.\d)?|[{GREEK_LETTERS}])(?![\w.])")
# Pieces that modify rather than name ("-Base", "-Large", "-XL", "-Instruct" are variants).
_VARIANT_PIECE = re.compile(
    r"(?i)(?:[-‐](?:base|large|small|tiny|huge|giant|medium|mini|xx?l|instruct|chat|it|"
    r"[bslhgt]|v\d+|\d+[bmk]?))+"
)
# Tuned checkpoints ("-Chat", "-Instruct", "-it") are variants of a model only: after a
# benchmark or a method the piece names another one ("LongBench-Chat", "DPO-Instruct").
_MODEL_ONLY_VARIANT = re.compile(r"(?i)[-‐](?:instruct|chat|it)\b")


# A capitalised word right before a known name, mid-sentence: the name's own first word
# ("the Anomaly Transformer", "Split CIFAR-100") unless it is an everyday qualifier.
_NAME_WORD = re.compile(r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_QUALIFIERS = frozenset(
    """standard vanilla original classic classical conventional traditional modern recent
    popular existing typical plain regular simple basic baseline base full single multiple
    novel new proposed pretrained pre-trained fine-tuned large small deep shallow efficient
    lightweight powerful strong the a an our their its this these those each every all both
    and or with without using via for from in on of by to as at into over under than
    while when where which that whereas unlike like compared""".split()
)


def qualified_name_start(text: str, start: int, section_start: int) -> int | None:
    """Where a name begins that a capitalised word before the known name at ``start`` is
    the first word of ("... the Anomaly Transformer": not the Transformer itself); None
    when the word before is lower-case, opens the sentence, or is an everyday qualifier
    ("the Standard Transformer"). Only from ``section_start`` on (a title capitalises
    every word)."""
    first = _name_word_before(text, start, section_start)
    if first is None or opens_sentence(text, first):
        return None
    for _ in range(2):  # "the Byte Latent Transformer": up to three words of the name
        # (the name may open the sentence: "Byte Latent Transformer scales ...")
        more = _name_word_before(text, first, section_start, opening=True)
        if more is None:
            break
        first = more
    return first


def _name_word_before(
    text: str, start: int, section_start: int, opening: bool = False
) -> int | None:
    """Where the capitalised name word right before ``start`` begins, if there is one (not
    an everyday qualifier, a stop name, a participle or a compound adjective); with
    ``opening``, also the section's first word."""
    if start - 2 < section_start or text[start - 1] != " " or not text[start - 2].isalnum():
        return None
    word_start = start - 1
    while word_start > section_start and not text[word_start - 1].isspace():
        word_start -= 1
    if not text[word_start].isupper():  # most words before a name: "the", "a", "with"
        return None
    word = text[word_start : start - 1]
    folded = word.casefold()
    if (
        not _NAME_WORD.fullmatch(word)
        or folded in _QUALIFIERS
        or folded in STOP_NAMES
        or folded.endswith(("ing", "ed"))  # a participle qualifies: "Evolving LLM"
        or word.rsplit("-", 1)[-1].islower()  # a compound adjective: "Multi-site ATIS"
        or (word_start <= section_start and not opening)
    ):
        return None
    return word_start


def model_variant_end(name: str) -> bool:
    """``name`` ends in a tuned checkpoint's piece ("-Chat", "-Instruct")."""
    last = _MODEL_ONLY_VARIANT.search(name[-10:])
    return last is not None and name.endswith(last.group())


def participle_of(surface: str, name: str) -> bool:
    """``surface`` is the -ed participle of the gerund ``name`` ("pre-trained" of
    "Pre-training", "pruned" of "Pruning"; not "self-supervised" of "Self-supervised
    learning", an adjective in its own right)."""
    if not surface.lower().endswith("ed"):
        return False
    return match_key(surface[:-2]) + "ing" == match_key(name)


def attributive_participle(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` (an -ed form) is used as an adjective before a noun."""
    following = _NEXT_WORD.match(text, end)
    word = following.group(1) if following else ""
    if not word or not word[0].isalpha():
        return False  # end of clause: "... is then fine-tuned."
    return word.lower() not in _VERBAL_NEXT and word.lower() not in ("and", "or")


def compound_span(
    text: str, start: int, end: int, in_title: bool, plural: bool, model: bool = True
) -> tuple[int, int] | None:
    """The whole hyphenated name around a match, when the match is only a part of it.
    Pieces before the match must look like names (capitals inside or digits: "DA-", "LLaMA-"),
    or be capitalised where the sentence does not capitalise ("... with Point-BERT");
    pieces after it in a title must look like names too, as every title word is capitalised;
    a plural match ("X-Transformers") names the class, not a variant; ``model``: the match
    is an architecture, whose tuned checkpoints ("-Chat") are variants of it."""
    right = _GLUED_RIGHT.match(text, end)
    variant = right is not None and bool(_VARIANT_PIECE.fullmatch(right.group())) and (
        model or not _MODEL_ONLY_VARIANT.search(right.group())
    )
    new_end = right.end() if right and not variant else end
    if right and in_title and not _NAME_PIECE.search(right.group()):
        new_end = end  # a title capitalises every word: "-Alternatives" is no name piece
    generation = _GENERATION.match(text, end) if new_end == end else None
    if generation and text[end - 1].isalpha() and not plural:
        new_end = generation.end()  # "Heron-3": the next version is a model of its own
    left = _GLUED_LEFT.search(text, max(0, start - 40), start)
    new_start = start
    standalone = left is not None and (left.start() == 0 or not text[left.start() - 1].isalnum())
    if left and standalone and not plural and (
        _NAME_PIECE.search(left.group()) or not (in_title or opens_sentence(text, left.start()))
    ):
        new_start = left.start()  # "DA-Transformer", not "BrainScore-Transformers"
    if (new_start, new_end) == (start, end) or text[new_start - 1 : new_start] in ("/", "@"):
        return None  # nothing glued, or a path in a URL
    rest = _VARIANT_PIECE.match(text, new_end) if generation else None
    after = rest.end() if rest else new_end  # "Heron-3-8B": the generation, at its size
    if after < len(text) and (text[after].isalnum() or text[after] in "-‐"):
        return None  # runs on into lower-case pieces ("X-Math-based"): leave it
    return new_start, new_end



def ordinary_word(surface: str, kind: str) -> bool:
    """A benchmark name written as a lower-case plain word ("a cola drink", "the pile of
    papers"): datasets are proper names, so the lower-case word is the ordinary one.
    (Architecture and method names keep matching in lower case: "a transformer".)"""
    return kind == "benchmark" and surface.isalpha() and surface.islower()


_ROLE_NOUNS = frozenset(TYPE_WORDS) | {"tokenizer", "tokenizers"}
_WORD_BEFORE = re.compile(r"(\S+)[ \t]$")


def role_noun(text: str, start: int, end: int) -> bool:
    """The lower-case match ``text[start:end]`` is a class noun saying what the name before
    it is ("Qwen2-7B language model"; not "autoregressive transformer" or "Transformer
    language model", whose first word is a class or a technique, not a name)."""
    surface = text[start:end]
    if not surface.islower() or singular(surface.rsplit(None, 1)[-1]) not in _ROLE_NOUNS:
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    return before is not None and looks_like_name(before.group(1))


def negated(text: str, start: int) -> bool:
    """The match at ``start`` follows "non-" ("non-autoregressive decoding")."""
    return text[start - 1 : start] in "-‐" and text[max(0, start - 4) : start - 1].lower() == "non"
