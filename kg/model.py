"""The model every stage shares: papers and authors (what readers produce), and the
extraction contract (concepts and their mentions: what the extractor produces). The stores,
exports and the extractor all import it from here, so that ``kg`` never needs spaCy to
know these types.

Identity rules (documented in README "Identity and merging"):
- a paper's id is ``doi:<doi>`` > ``arxiv:<id>`` > ``title:<hash of the normalised title>``;
  the DOI arXiv registers for a preprint (``10.48550/arXiv.<id>``) counts as its arXiv id,
  not as a DOI, so it never conflicts with the DOI of the published version;
- an author's id is ``orcid:<orcid>`` > ``<source>:<source author id>`` > ``name:<name key>``;
- title and name keys (``kg.normalize.text_key``) keep the letters of every script, so
  titles and names in Chinese, Greek or Russian never share the empty key; Latin ones keep
  the keys they always had.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from kg.normalize import (
    collapse_ws,
    fold,
    name_key,
    normalize_orcid,
    normalize_paper_ids,
    title_hash,
    title_key,
)

# What may follow a comma without being a given name: 'Smith, Jr.', 'Google, Inc.'.
_NOT_GIVEN = re.compile(r"(?i)jr\.?|sr\.?|i{2,3}|iv|inc\.?|ltd\.?|llc|corp\.?|co\.?|gmbh")


# Initials written after the surname, as Scopus and Web of Science list authors: 'G.E.',
# 'J.-P.', 'A. B.' (dotted, so that 'Xu Li' or 'Kim Jun' are never turned round).
_TRAILING_INITIALS = re.compile(r"^(\S.*?)\s+((?:[^\W\d_]\.[ -]?){1,4})$")


def display_name(raw: str) -> str:
    """'Kaiser, Łukasz' -> 'Łukasz Kaiser'; 'Hinton G.E.' -> 'G.E. Hinton' (Scopus);
    'Vaswani, Ashish and' junk trimmed."""
    name = collapse_ws(raw).strip(" ,;")
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if first and last and not _NOT_GIVEN.fullmatch(first):
            name = f"{first} {last}"
    elif "," not in name and "." in name:
        trailing = _TRAILING_INITIALS.match(name)
        if trailing and "." not in trailing.group(1):
            name = f"{trailing.group(2).strip()} {trailing.group(1)}"
    return name


def name_score(name: str) -> tuple[int, int]:
    """How much a spelling of a name tells: letters of the name key first ('Ashish' beats
    'A.'), then letters that folding loses ('Łukasz' beats 'Lukasz')."""
    key = name_key(name)
    lost = sum(1 for ch in name if ch.isalpha() and fold(ch) != ch.lower())
    return len(key.replace(" ", "")), lost


def paper_ref(
    doi: str | None = None, arxiv_id: str | None = None, **others: str | None
) -> str | None:
    """The key under which a cited paper is recorded in ``Paper.references``: the same
    ``doi:`` / ``arxiv:`` form as ``Paper.id`` so citations link to papers read from any
    source; failing both, a source id such as ``openalex:W123`` or ``s2:<paperId>``
    (``PaperIndex`` rewrites those to paper ids when the cited paper is in the corpus)."""
    norm, arxiv, _ = normalize_paper_ids(doi, arxiv_id)
    if norm:
        return f"doi:{norm}"
    if arxiv:
        return f"arxiv:{arxiv}"
    for source, value in others.items():
        if value:
            return f"{source}:{value}"
    return None


@dataclass(frozen=True)
class Curated:
    """Who checked a fact by hand and when (ISO date-time UTC): a curation decision
    (kg/curation) made it, so stores and exports mark it as checked."""

    by: str
    at: str


@dataclass
class Author:
    """One person as named on a paper. ``source_ids`` maps a source ('openalex', 's2') to its id."""

    name: str
    orcid: str | None = None
    source_ids: dict[str, str] = field(default_factory=dict)
    affiliations: list[str] = field(default_factory=list)
    # the id a curation decision gives this person (merge-authors, split-author), over the rules
    curated_id: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        self.name = display_name(self.name)
        self.orcid = normalize_orcid(self.orcid)

    @property
    def key(self) -> str:
        return name_key(self.name)

    @property
    def id(self) -> str:
        """A reviewer's id, then ORCID, then the first source's id, then the folded name."""
        first_source = min(self.source_ids, default=None)
        return (
            self.curated_id
            or (self.orcid and f"orcid:{self.orcid}")
            or (first_source and f"{first_source}:{self.source_ids[first_source]}")
            or f"name:{self.key.replace(' ', '-')}"
        )

    def absorb(self, other: Author) -> None:
        """Take strong ids and affiliations from ``other`` (the same person seen elsewhere)."""
        self.orcid = self.orcid or other.orcid
        for source, value in other.source_ids.items():
            self.source_ids.setdefault(source, value)
        for aff in other.affiliations:
            if aff not in self.affiliations:
                self.affiliations.append(aff)
        if name_key(other.name).split()[-1:] == self.key.split()[-1:] and name_score(
            other.name
        ) > name_score(self.name):
            self.name = other.name

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.orcid:
            data["orcid"] = self.orcid
        if self.source_ids:
            data["source_ids"] = dict(self.source_ids)
        if self.affiliations:
            data["affiliations"] = list(self.affiliations)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Author:
        return cls(
            name=data["name"],
            orcid=data.get("orcid"),
            source_ids=dict(data.get("source_ids") or {}),
            affiliations=list(data.get("affiliations") or []),
        )


@dataclass
class Paper:
    """A paper record. ``date`` is ISO 'YYYY-MM-DD', or '--MM-DD' (xsd:gMonthDay) when the
    input gave a month and day but no year; ``sources`` lists 'file:line' origins."""

    title: str
    abstract: str = ""
    authors: list[Author] = field(default_factory=list)
    n_authors: int | None = None
    year: int | None = None
    date: str | None = None
    updated: str | None = None  # last revision date (arXiv 'updated'), ISO 'YYYY-MM-DD'
    doi: str | None = None
    arxiv_id: str | None = None
    venue: str | None = None
    # the BibTeX entry type of the record ("article", "inproceedings", …), so that a BibTeX
    # export writes the entry as it came (with its venue field: journal or booktitle)
    entry_type: str | None = None
    url: str | None = None
    keywords: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    upvotes: int | None = None
    references: list[str] = field(default_factory=list)  # papers this one cites (paper_ref keys)
    cited_by: list[str] = field(default_factory=list)  # papers citing this one (S2 'citations')
    external_ids: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    # The id a store already holds this paper under (kept stable across runs: a paper first
    # stored by its title hash keeps that id when it comes back with an arXiv id or DOI).
    stored_id: str | None = field(default=None, compare=False)
    # a curation decision touched this paper (its tags or its identity): checked by hand
    curated: Curated | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        self.title = collapse_ws(self.title)
        self.abstract = collapse_ws(self.abstract)
        self.doi, self.arxiv_id, arxiv_doi = normalize_paper_ids(self.doi, self.arxiv_id)
        if arxiv_doi:  # arXiv's own DOI names the preprint: kept as the arXiv id
            self.external_ids.setdefault("arxiv_doi", arxiv_doi)
        if self.year is None and self.date and re.match(r"\d{4}-", self.date):
            self.year = int(self.date[:4])
        if self.n_authors is None and self.authors:
            self.n_authors = len(self.authors)

    @property
    def id(self) -> str:
        """The id the store already uses, then DOI, then arXiv id, then a title hash."""
        return self.stored_id or (
            f"doi:{self.doi}" if self.doi
            else f"arxiv:{self.arxiv_id}" if self.arxiv_id
            else f"title:{title_hash(self.title)}"
        )  # fmt: skip

    def identity_keys(self) -> list[str]:
        """Every key under which another record of this paper may arrive."""
        keys = [f"title:{title_hash(self.title)}"] if title_key(self.title) else []
        if self.arxiv_id:
            keys.insert(0, f"arxiv:{self.arxiv_id}")
        if self.doi:
            keys.insert(0, f"doi:{self.doi}")
        return keys

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("stored_id")
        if self.curated is None:
            data.pop("curated")
        data["id"] = self.id
        data["authors"] = [author.to_json() for author in self.authors]
        ordered = {key: data.pop(key) for key in ("id", "title", "abstract", "authors")}
        ordered.update(data)
        return ordered

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Paper:
        fields = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        fields["authors"] = [Author.from_json(a) for a in data.get("authors") or []]
        if fields.get("curated"):
            fields["curated"] = Curated(**fields["curated"])
        return cls(**fields)


# --------------------------------------------------------------- the extraction contract
# ``PaperConcepts.to_json()`` is the line format of ``kg extract``:
# ``{"id", "title", "concepts": [{"id", "name", "type", "proposed", "confidence",
# "mentions": [{"text", "field", "start", "end", "sentence"}]}]}``.

# How the extractor sees a paper: its title, this separator, its abstract (a mention's
# offsets still count within its own field).
FIELD_SEPARATOR = "\n\n"
CONCEPT_TYPES = ("architecture", "benchmark", "method")


@dataclass(frozen=True)
class Mention:
    """One occurrence of a concept: ``text == paper.<field>[start:end]``."""

    text: str
    field: str  # "title" or "abstract"
    start: int
    end: int
    sentence: str


@dataclass
class ConceptLink:
    """A concept as used by one paper, with the evidence for the link."""

    id: str  # "concept:<slug>", stable across papers and runs
    name: str
    type: str  # one of CONCEPT_TYPES (further types allowed)
    proposed: bool  # the paper introduces it (vs uses / evaluates on it)
    confidence: float
    mentions: list[Mention] = field(default_factory=list)
    source: str = "vocabulary"  # "vocabulary", "coined" or "curated" (added by hand)
    curated: Curated | None = None  # set, added or confirmed by a curation decision
    # a coined compound's known head ("Anomaly Transformer" -> Transformer): the broader
    # concept its node is written under
    broader: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("source")
        if self.curated is None:
            data.pop("curated")
        if not self.broader:
            data.pop("broader")
        return data


@dataclass
class ConceptInfo:
    """A concept node's own data, independent of any paper (vocabulary or coined)."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)  # concept ids
    source: str = "vocabulary"
    curated: Curated | None = None  # type or name set by a curation decision


@dataclass
class PaperConcepts:
    """The extractor's result for one paper."""

    id: str
    title: str
    concepts: list[ConceptLink] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "concepts": [c.to_json() for c in self.concepts],
        }


@dataclass
class PaperGraph:
    """Everything a build writes for one paper: its record and its concept links."""

    paper: Paper
    concepts: list[ConceptLink] = field(default_factory=list)
