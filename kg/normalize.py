"""Text keys used to decide when two strings name the same thing.

Kept in one place so that readers, the merger and the stores agree on identity.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

from anyascii import anyascii

_NON_WORD = re.compile(r"[^0-9a-z]+")
# 'https://www.doi.org/', 'http://dx.doi.org/', 'doi.org/', 'doi:', 'DOI ', one after another
_DOI_PREFIX = re.compile(r"^(?:(?:https?://)?(?:www\.|dx\.)?doi\.org/|doi\b\s*:?\s*)+", re.I)
_URL = re.compile(r"^(?:https?://|(?:www\.|dx\.)?doi\.org/)", re.I)
_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(?:v\d+)?")
_ARXIV_OLD = re.compile(r"([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.I)
_ARXIV_URL = re.compile(
    r"^(?:(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:\s*|doi:\s*)", re.I
)
# arXiv registers a DataCite DOI for every preprint: it names the preprint, not the paper.
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_ARXIV_IN_TEXT = re.compile(
    r"arxiv(?:\.org/(?:abs|pdf)/|[:\s./a-z]*?)"
    r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?",
    re.I,
)
_UNSTORABLE = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")

def clean_text(text: str) -> str:
    """Make text storable anywhere: lone surrogates (from JSON '\\ud800' escapes) cannot be
    written as UTF-8 and control characters are invalid in XML/RDF literals. NUL is kept:
    it marks a corrupt record, which the readers reject (kg.readers.base.screened)."""
    return _UNSTORABLE.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    return "\ufffd" if match.group() >= "\ud800" else " "


def collapse_ws(text: str | None) -> str:
    """Collapse runs of whitespace (line breaks in Atom titles, BibTeX fields) to one space
    (str.split's whitespace is re's ``\\s``; a regex sub made a match object per run)."""
    return " ".join(clean_text(text or "").split())


# Latin letters with marks or of their own (Latin-1 letters without × and ÷, Latin
# Extended-A/B, Latin Extended Additional) -> anyascii's transliteration, as one table
_LATIN = {
    code: anyascii(chr(code))
    for first, last in ((0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF))
    for code in range(first, last + 1)
}


def ascii_fold(text: str) -> str:
    """The project's one ASCII fold, behind cite keys, name keys, title keys and slugs:
    Latin letters are transliterated by anyascii ('Søren Ørsted' -> 'Soren Orsted',
    'Łukasz' -> 'Lukasz', 'ß' -> 'ss'); other characters keep their compatibility form
    without marks ('ﬁ' -> 'fi'), so Greek and other scripts stay as they are (keys treat
    them in ``text_key``)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_LATIN))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case ASCII fold: 'Łukasz Kaiser' -> 'lukasz kaiser'."""
    return ascii_fold(text).lower()


# Letters the ASCII fold leaves as they are without being of another script: Latin letters
# beyond anyascii's table (IPA 'ɛ') and modifier letters ('ʻ'); the first keys dropped them.
_LATIN_NAMES = ("LATIN ", "MODIFIER LETTER ")
# Japanese voicing marks tell words apart (バス 'bus' is not ハス 'lotus'): kept in keys.
_KANA_VOICING = frozenset("\u3099\u309a")


def _other_script(ch: str) -> bool:
    """A letter or digit of a script other than Latin (Greek, Cyrillic, CJK, ...)."""
    return ch.isalnum() and not ch.isascii() and not unicodedata.name(ch, "").startswith(
        _LATIN_NAMES
    )


def _has_other_script_word(folded: str) -> bool:
    """Whether two letters of another script stand together (the vowel signs of Indic
    scripts do not part them): a word, not a symbol such as the μ of 'μP' or the δ of
    'PIXART-δ', which Latin titles use and which their ids never held."""
    previous = False
    for ch in folded:
        if unicodedata.category(ch).startswith("M"):
            continue
        current = _other_script(ch)
        if current and previous:
            return True
        previous = current
    return False


def _all_scripts_key(text: str) -> str:
    """The letters and digits of every script, lower case and without accents: Latin
    folded as by ``fold``, the others case-folded in NFKC ('Μάθηση' = 'ΜΑΘΗΣΗ')."""
    text = unicodedata.normalize("NFKD", text.translate(_LATIN))
    text = unicodedata.normalize("NFKD", text.casefold())  # compatibility forms may be capitals
    text = "".join(ch for ch in text if not unicodedata.combining(ch) or ch in _KANA_VOICING)
    text = unicodedata.normalize("NFKC", text)  # Hangul syllables and voiced kana again
    word = [ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " "
            for ch in text]
    return " ".join("".join(word).split())


def text_key(text: str) -> str:
    """The one key behind title and name keys: folded, case- and punctuation-free, never
    empty for a text that is not blank.

    Latin text keeps the key ids were always made from (letters of another script standing
    alone, as in 'μP', left out), so stored ids do not change; text holding a word of
    another script ('BERTを用いた…', 'Нейронные сети') keeps the letters of every script, so
    that such titles and names do not all share the key of their Latin letters (or the
    empty key). Text without any letter or digit ('???') is its own key."""
    folded = fold(text)
    key = _NON_WORD.sub(" ", folded).strip()
    if not key or (not folded.isascii() and _has_other_script_word(folded)):
        key = _all_scripts_key(text)
    return key or " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@lru_cache(maxsize=4096)  # asked several times per record while merging
def title_key(title: str) -> str:
    """Key under which two titles count as the same paper (``text_key``)."""
    return text_key(title)


def title_hash(title: str) -> str:
    return hashlib.sha1(title_key(title).encode()).hexdigest()[:16]


def normalize_doi(value: str | None) -> str | None:
    """The bare DOI in lower case (DOIs are case-insensitive), from any spelling readers
    meet: 'https://doi.org/10.1/ABC', 'http://dx.doi.org/…', 'https://www.doi.org/…',
    'doi:10.1/abc', 'DOI 10.1/abc', '10.1%2Fabc', '10.1/abc.' -> '10.1/abc'. None when
    the value is no DOI."""
    if not value:
        return None
    text = value.strip()
    doi = _DOI_PREFIX.sub("", text).strip()
    # a URL may escape its characters; a bare DOI only its slash (a literal '%' stays)
    if _URL.match(text) or ("/" not in doi and "%2f" in doi.lower()):
        doi = unquote(doi)
    doi = doi.rstrip(".,;").strip().lower()  # sentence punctuation after a pasted DOI
    return doi if doi.startswith("10.") and "/" in doi else None


def normalize_arxiv_id(value: str | None) -> str | None:
    """Bare arXiv id without version: 'http://arxiv.org/abs/1706.03762v7' -> '1706.03762';
    an old-style id's archive in lower case, as arXiv writes it ('arXiv:HEP-TH/9901001' ->
    'hep-th/9901001', 'math.GT/0309136' stays)."""
    if not value:
        return None
    text = _ARXIV_URL.sub("", value.strip())
    doi = _ARXIV_DOI.match(text)
    if doi:
        text = doi.group(1)
    text = re.sub(r"\.pdf$", "", text)
    match = _ARXIV_NEW.fullmatch(text) or _ARXIV_OLD.fullmatch(text)
    if not match:
        return None
    archive, slash, number = match.group(1).partition("/")
    if not slash:
        return match.group(1)
    name, dot, subject = archive.partition(".")
    return f"{name.lower()}{dot}{subject.upper()}/{number}"


def normalize_paper_ids(
    doi: str | None, arxiv_id: str | None
) -> tuple[str | None, str | None, str | None]:
    """A paper's (DOI, arXiv id, arXiv's DOI for it) as stored, from any spelling: the one
    place readers, paper references and the ``paper-id`` query normalise them. arXiv's own
    DOI ('10.48550/arXiv.<id>') names the preprint, so it counts as the arXiv id (the one
    given wins) and never as a DOI that would conflict with the published version's."""
    norm = normalize_doi(doi)
    arxiv = normalize_arxiv_id(arxiv_id)
    preprint = arxiv_id_of_doi(norm)
    if preprint:
        return None, arxiv or preprint, norm
    return norm, arxiv, None


def arxiv_id_of_doi(doi: str | None) -> str | None:
    """'10.48550/arxiv.1706.03762' -> '1706.03762'; None for any other DOI."""
    match = _ARXIV_DOI.match(doi or "")
    return normalize_arxiv_id(match.group(1)) if match else None


def find_arxiv_id(text: str | None) -> str | None:
    """Find an arXiv id inside free text such as 'arXiv preprint arXiv:2312.00752',
    'https://arxiv.org/abs/hep-th/9901001v2' or '10.48550/arXiv.1706.03762'."""
    if not text:
        return None
    match = _ARXIV_IN_TEXT.search(text)
    return normalize_arxiv_id(match.group(1)) if match else None


def normalize_orcid(value: str | None) -> str | None:
    """'https://orcid.org/0000-0002-1825-0097' -> '0000-0002-1825-0097'."""
    if not value:
        return None
    match = _ORCID.search(value.upper())
    return match.group(1) if match else None


@lru_cache(maxsize=1 << 16)  # author ids derive from it, asked for on every write
def name_key(name: str) -> str:
    """Key for a person's name: accents folded, case and punctuation dropped, order kept
    (``text_key``).

    'Łukasz Kaiser', 'Lukasz  Kaiser' and 'KAISER, Łukasz' (after reordering by the
    caller) share the key 'lukasz kaiser'. Initials stay initials: 'L. Kaiser' has the key
    'l kaiser' and is NOT the same key. '田中太郎' keeps its letters: '田中太郎'.
    """
    return text_key(name)


_PREPRINT_SERVER = re.compile(
    r"(?i)^\s*(?:arxiv(?:\.org)?(?:\s*\(cornell university\))?|biorxiv|medrxiv|ssrn|"
    r"research\s?square|zenodo|openreview\.net|corr|arxiv\s+preprint.*)\s*$"
)


def is_preprint_server(venue: str | None) -> bool:
    """'arXiv (Cornell University)', 'arXiv.org', 'CoRR': where a preprint is posted is no
    venue; keeping it would let the first source read hide the real venue on merge."""
    return bool(venue and _PREPRINT_SERVER.match(venue))


_SLUG_JUNK = re.compile(r"[^0-9a-z]+")


def slug(text: str) -> str:
    """'Vision Transformer' -> 'vision-transformer'; 'Llama 3.1' -> 'llama-3-1'."""
    return _SLUG_JUNK.sub("-", fold(text)).strip("-") or "x"
