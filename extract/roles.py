"""Roles by the function of the sentence (and the paper) that says a concept is proposed.

A concept is *proposed* when some evidence for it (the title "X: ...", "we propose X", an
abbreviation defined in a proposing sentence) stands in a sentence that asserts a
contribution. Evidence does not count when

- its sentence is a question ("Can Transformers count?"): it asks, it does not introduce;
- its sentence cites others ("(Smith et al., 2021)", "[12]", "et al."): the concept is theirs;
- the paper studies rather than introduces: a survey, review, overview or tutorial, a
  reproduction or replication, an empirical study or benchmark evaluation of existing
  methods. Such a paper can still propose a *new* name (a benchmark it builds, say), but not
  a vocabulary concept it studies ("A survey of Transformers" does not propose Transformer).
- the mention only qualifies another noun ("a Transformer-based approach", "ViT-like
  models"): what is proposed is the approach, not the concept;
- the concept is already known (a vocabulary entry) and the verb only says the authors
  built, trained, released or developed it ("we build a 7B Llama model"): systems and
  training reports use known architectures; only "propose/introduce/present" or the title
  make a known concept the paper's own.
"""

from __future__ import annotations

import re

_STUDY = re.compile(
    r"\b(?:survey|review|overview|tutorial|primer|reproduc\w*|replicat\w*|revisit\w*|"
    r"empirical (?:study|analysis|evaluation|comparison)|comparative (?:study|analysis)|"
    r"systematic (?:study|analysis|evaluation)|benchmarking|we (?:survey|review|revisit|"
    r"reproduce|replicate|benchmark|compare|analy[sz]e|investigate|study|evaluate))\b",
    re.I,
)
_CITATION = re.compile(
    r"\bet al\b|\[\d+(?:[,–-]\s*\d+)*\]"
    r"|\(\s*[A-Z][\w-]+(?: et al\.?| and [A-Z][\w-]+)?,? (?:19|20)\d\d[a-z]?\s*\)"
)
# verbs that introduce a new thing, as opposed to building or training a known one
STRONG_PROPOSAL = re.compile(r"\b(?:propose|introduce|present|unveil|coin)", re.I)


_MODIFIER = re.compile(r"[\w.+]*(?:-\w+)*?-(?:based|like|style|inspired|driven|powered|"
                       r"free|only|type|esque)\b", re.I)


def qualifies(text: str, pos: int) -> bool:
    """The word at ``pos`` only qualifies a noun ("Transformer-based", "BERT-style")."""
    return bool(_MODIFIER.match(text, pos))


def is_study(title: str, abstract_head: str) -> bool:
    """The paper studies existing work (title, or the abstract's first two sentences)."""
    return bool(_STUDY.search(title) or _STUDY.search(abstract_head))


def asserts_contribution(sentence: str) -> bool:
    """False for questions and sentences that cite other work."""
    stripped = sentence.rstrip()
    return not stripped.endswith("?") and not _CITATION.search(sentence)
