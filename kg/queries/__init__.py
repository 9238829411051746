"""Named queries shared by the CLI, the app and the exports, one small function each.

A named query is a contract (``NamedQuery``: parameters with defaults, result columns,
identical on every backend; the parity test compares rows) and a function that prepares
it for a store: it makes the lookups the query starts from (the concept ids a name means,
an author's ids, whether a hub's stored pairs answer it) as explicit calls, chooses among
plain query files ``kg/queries/<dialect>/<name>[.<variant>].<rq|cypher>`` (no conditionals
inside a file: a variant per case, so the engine never plans work the parameters rule out;
Oxigraph evaluates UNION branches before a FILTER could discard them) and returns the text
with the parameters to bind. Parameters reach the store as bound parameters (Cypher
``$name``; SPARQL ``$name`` variables replaced by escaped RDF terms), never by string
pasting. ``prepare`` is also what the app's console shows as an example: that text with
those parameters runs as shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from kg.graph import kind_of
from kg.model import display_name
from kg.normalize import name_key, normalize_paper_ids
from kg.resources import shipped
from kg.stores.base import QueryResult

if TYPE_CHECKING:
    from kg.stores.base import GraphStore

QUERY_DIR = shipped("kg.queries")
EXTENSIONS = {"sparql": "rq", "cypher": "cypher"}
_ID = re.compile(r"^[a-z][a-z0-9]*:\S")  # "concept:vit", "orcid:…": looked up exactly
HUB_PAIRS = 300  # heaviest pairs stored per hub concept (kg/derived.py)
RANKED_PAIRS = 1000  # pairs ranked by the build (pkg:rank, kg/derived.py)
RELATIONS = ("AUTHORED_BY", "MENTIONS", "CITES", "BROADER", "CO_OCCURS")
MAX_LIMIT = 10_000_000  # a larger limit is taken as this one: more rows than any store holds
MAX_HOPS = 3


class QueryParamError(ValueError):
    """A named query was called with a missing or unknown parameter."""


@cache
def read(dialect: str, *names: str) -> str:
    """The text of the query files ``names`` of a dialect, one after the other (ego-network
    is put together from a head, a frontier, edge branches and a tail)."""
    ext = EXTENSIONS[dialect]
    return "".join((QUERY_DIR / dialect / f"{name}.{ext}").read_text("utf-8") for name in names)


def looks_like_id(value: object) -> bool:
    """Whether a parameter is an id (looked up exactly) rather than a name to resolve."""
    return isinstance(value, str) and bool(_ID.match(value))


@dataclass(frozen=True)
class Prepared:
    """A query text of the store's dialect and every parameter it binds."""

    text: str
    params: dict[str, Any]
    # a lookup found nothing to start from: no rows, and the query is not sent (rdflib
    # rejects an empty VALUES)
    empty: bool = False
    # the ids in the order the rows must come, one row each (a full-text index's ranking:
    # the query gives the rows of the ids, which are then put in this order)
    ranked: tuple[str, ...] | None = None
    note: str = ""  # for the user: how the query is answered (e.g. a scan instead of an index)


Plan = Callable[["GraphStore", dict[str, Any]], Prepared]


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    columns: tuple[str, ...]
    plan: Plan
    params: dict[str, Any] = field(default_factory=dict)  # name -> default (None = required)
    required: tuple[str, ...] = ()
    # parameters that may hold several values (a str is one value): bound as lists
    list_params: tuple[str, ...] = ()


def _ids(result: QueryResult) -> list[str]:
    """The first column of a lookup's rows, without repeats."""
    return list(dict.fromkeys(str(row[0]) for row in result.rows))


def _file(name: str) -> Plan:
    """The plan of a query that is one file in every dialect, bound as called."""
    return lambda store, p: Prepared(read(store.dialect, name), p)


# what a lookup that found nothing looked for (see _nothing_found)
_CONCEPT = "a concept in the store (by id, name or alias)"
_MENTIONED = "a concept any paper in the store mentions (by id, name or alias)"
_AUTHOR = "an author in the store (by id or name)"
_NODE = "the id of a paper, author or concept in the store (arxiv:…, doi:…, concept:…)"
# the details query that finds a node of each kind by its id (kg/details.py)
_DETAILS = {"paper": "details.papers", "author": "details.authors",
            "concept": "details.concepts"}


_SEARCH_HINT = "`kg query --named search --param text=...` lists what the store holds"


def _nothing_found(what: str, value: Any) -> str:
    """The note of a query whose lookup found nothing to start from: it answers no rows
    because of this, not because the store is empty."""
    return f"{value!r} is not {what}, so there are no rows; {_SEARCH_HINT}"


def _no_rows(name: str, given: dict[str, Any]) -> str:
    """The note of an answer with no rows that no lookup explained: never a silent empty."""
    asked = ", ".join(f"{key}={value!r}" for key, value in given.items() if value is not None)
    return (f"no rows: nothing in the store answers {name}"
            f"{f' with {asked}' if asked else ''}; {_SEARCH_HINT}")


def _matched(store: GraphStore, concept: str, narrower: bool = False,
             vocabulary: bool = True) -> list[str]:
    """The ids of concepts-under: the concepts ``concept`` means (and those below them)."""
    params = {"concept": concept, "narrower": narrower, "vocabulary": vocabulary}
    return _ids(run_named(store, "concepts-under", params))


def _authors(store: GraphStore, author: str) -> list[str]:
    """The ids of author-id: the authors an id or a name means."""
    return _ids(run_named(store, "author-id", {"author": author}))


def _has_heaviest_pairs(store: GraphStore, node: str) -> bool:
    """Whether ``node`` is a hub concept with stored heaviest pairs (RDF stores only)."""
    if store.dialect != "sparql":
        return False
    return bool(store.query(read("sparql", "heaviest-pairs"), {"node": [node]}).rows)


def _top_concepts(store: GraphStore, p: dict[str, Any]) -> Prepared:
    variant = "top-concepts" if store.dialect == "cypher" or not p["type"] else \
        "top-concepts.of-type"
    return Prepared(read(store.dialect, variant), p)


def folded_pattern(name: str) -> str:
    """A regular expression (to match case-insensitively) for the labels the extractor
    folds to the key of ``name`` (kg.extract.canonical.match_key: case, accents, hyphens
    and spaces, a trailing plural): the key's letters with any separators between them and
    an optional plural 's'/'es' at the end, so 'fine tuning' finds 'Fine-tuning', 'LLMs'
    'LLM' and 'large language models' 'Large language model'. The same text is a SPARQL
    REGEX and a Cypher =~ pattern, so every store matches the same labels."""
    # the extractor's package loads spaCy: imported only when a name is looked up
    from kg.extract.canonical import match_key

    key = match_key(name)
    if not key:
        return "^$"
    gap = "[^A-Za-z0-9]*"
    return f"^{gap}{gap.join(key)}(e?s)?{gap}$"


def _concepts_under(store: GraphStore, p: dict[str, Any]) -> Prepared:
    """An id is looked up exactly; a name also as the extractor folds it (folded_pattern)."""
    if looks_like_id(p["concept"]):
        return Prepared(read(store.dialect, "concepts-under"), p)
    params = {**p, "folded": folded_pattern(str(p["concept"]))}
    return Prepared(read(store.dialect, "concepts-under.by-name"), params)


def _papers_by_concept(store: GraphStore, p: dict[str, Any]) -> Prepared:
    """Starts from the concepts below the concept (concepts-under, written once); then, on a
    store with a side index, from the papers of the first ``limit`` rows (the index keeps
    each concept's mentions in order) or, in SPARQL, from the oldest year those rows can
    have (stored figures)."""
    targets = _matched(store, p["concept"], p["narrower"], vocabulary=False)
    params = {**p, "targets": targets}
    if not targets:
        return Prepared(read(store.dialect, "papers-by-concept"), params, empty=True,
                        note=_nothing_found(_MENTIONED, p["concept"]))
    index = store.usable_side_index()
    if index is not None:  # at every limit: all 30k rows of a hub 7.9 s, 22.6 s by the store
        papers = index.newest_papers(targets, p["limit"])
        return Prepared(read(store.dialect, "papers-by-concept.of-papers"),
                        {**params, "papers": papers}, not papers,
                        note="" if papers else "the side index holds no paper of these "
                        "concepts; run `kg refresh` to rebuild it")
    if store.dialect == "sparql":
        cutoff = store.query(read("sparql", "papers-by-concept.cutoff"), params).rows
        params["cutoff"] = int(cutoff[0][0]) if cutoff else -1
    return Prepared(read(store.dialect, "papers-by-concept"), params)


def _author_id(store: GraphStore, p: dict[str, Any]) -> Prepared:
    """Names compare by their folded key ('Kaiser, Łukasz' -> 'lukasz kaiser')."""
    author_key = name_key(display_name(str(p["author"])))
    return Prepared(read(store.dialect, "author-id"), {**p, "author_key": author_key})


def _paper_id(store: GraphStore, p: dict[str, Any]) -> Prepared:
    """The DOI and arXiv id as stores hold them, given in any spelling a reader accepts
    ('https://doi.org/10.1/ABC', 'arXiv:2401.01234v3', arXiv's DOI for the preprint); a
    value that is none matches nothing."""
    doi, arxiv, _ = normalize_paper_ids(str(p["doi"]), str(p["arxiv"]))
    return Prepared(read(store.dialect, "paper-id"), {**p, "doi": doi or "", "arxiv": arxiv or ""})


def _of_authors(name: str) -> Plan:
    """A query of the authors author-id finds for ``author`` (several may match)."""

    def plan(store: GraphStore, p: dict[str, Any]) -> Prepared:
        authors = _authors(store, p["author"])
        return Prepared(read(store.dialect, name), {**p, "authors": authors}, not authors,
                        note="" if authors else _nothing_found(_AUTHOR, p["author"]))

    return plan


def _top_cooccurring(store: GraphStore, p: dict[str, Any]) -> Prepared:
    """SPARQL: the pairs ranked by the build, the heaviest by a threshold, a hub's stored
    pairs, or the pairs of the matched concepts; Cypher resolves the concept itself."""
    concept = p["concept"]
    if store.dialect == "cypher":
        matched = _matched(store, concept) if concept else []
        if concept and not matched:  # a word on why no rows, as in SPARQL
            return Prepared(read("cypher", "top-cooccurring"), {**p, "matched": matched}, True,
                            note=_nothing_found(_CONCEPT, concept))
        return Prepared(read("cypher", "top-cooccurring"), {**p, "matched": matched})
    if not concept:
        ranked = p["limit"] <= RANKED_PAIRS
        return Prepared(read("sparql", "top-cooccurring" if ranked else
                             "top-cooccurring.heaviest"), p)
    if p["limit"] <= HUB_PAIRS and looks_like_id(concept) and \
            _has_heaviest_pairs(store, concept):
        return Prepared(read("sparql", "top-cooccurring.of-hub"), p)
    matched = _matched(store, concept)
    return Prepared(read("sparql", "top-cooccurring.of-concepts"), {**p, "matched": matched},
                    not matched, note="" if matched else _nothing_found(_CONCEPT, concept))


def _concept_trend(store: GraphStore, p: dict[str, Any]) -> Prepared:
    """Every concept's own papers per year, or those of the matched concepts (and, with
    narrower, of the concepts below them)."""
    if not p["concept"]:
        return Prepared(read(store.dialect, "concept-trend"), p)
    params = {**p, "matched": _matched(store, p["concept"])}
    missing = "" if params["matched"] else _nothing_found(_CONCEPT, p["concept"])
    if not p["narrower"]:
        return Prepared(read(store.dialect, "concept-trend.of-concepts"), params,
                        not params["matched"], note=missing)
    params["targets"] = _matched(store, p["concept"], narrower=True, vocabulary=False) \
        if params["matched"] else []
    return Prepared(read(store.dialect, "concept-trend.below-concepts"), params,
                    not params["targets"], note=missing or (
                        "" if params["targets"] else _nothing_found(
                            _MENTIONED, p["concept"])))


def _ego_network(store: GraphStore, p: dict[str, Any]) -> Prepared:
    """SPARQL: a head, the frontier for ``hops``, the edges asked for (or a hub's stored
    heaviest pairs when they are exactly the answer), a tail; Cypher: one file."""
    if store.dialect == "cypher":
        return Prepared(read("cypher", "ego-network"), p)
    rels = [r for r in p["rels"].replace(" ", "").upper().split(",") if r]
    hub = (len(p["node"]) == 1 and p["hops"] <= 1 and p["types"] == ""
           and p["limit"] <= HUB_PAIRS and rels in ([], ["CO_OCCURS"])
           and _has_heaviest_pairs(store, p["node"][0]))
    hops = f"ego-network.hops-{p['hops']}"  # 1 to MAX_HOPS (coerce)
    edges = ["ego-network.heaviest"] if hub else ["ego-network.edges"] + [
        f"ego-network.edges.{rel}" for rel in RELATIONS if not rels or rel in rels]
    names = ("ego-network.head", hops, *edges, "ego-network.tail")
    return Prepared(read("sparql", *names), p)


def _node_degree(store: GraphStore, p: dict[str, Any]) -> Prepared:
    """A node the store does not hold answers no rows and a note, as every other lookup
    does, not five rows of zeros that look like an answer."""
    node = str(p["node"])
    found = store.query(read(store.dialect, _DETAILS[kind_of(node)]), {"ids": [node]}).rows
    return Prepared(read(store.dialect, "node-degree"), p, not found,
                    note="" if found else _nothing_found(_NODE, node))


def search_note(store: GraphStore) -> str:
    """Why ``search`` scans the store instead of using its index ("" when it uses one)."""
    if store.usable_side_index() is not None:
        return ""
    return f"{store.side_index_note}: searched by a substring scan of the labels (not " \
           "ranked, slow on big stores)"


def _search(store: GraphStore, p: dict[str, Any]) -> Prepared:
    """The store's full-text index ranks the candidates (kg/side_index.py) and search.by-ids
    gives their rows; a store without a complete index is scanned (search.rq: substrings of
    the labels, author names also by their folded key, "lukasz" finds "Łukasz Kaiser"),
    and the note says so."""
    index = store.usable_side_index()
    if index is None:
        text_key = name_key(display_name(str(p["text"])))
        return Prepared(read(store.dialect, "search"), {**p, "text_key": text_key},
                        note=search_note(store))
    # twice the rows: the store drops nodes it no longer has or that no paper mentions
    ids = index.search(str(p["text"]), 2 * p["limit"], p["vocabulary"])
    note = "" if ids else (f"nothing in the store matches {str(p['text']).strip()!r} (titles, "
                           "abstracts, concept names and aliases, author names), so there are "
                           "no rows; try fewer letters or another spelling")
    return Prepared(read(store.dialect, "search.by-ids"), {**p, "ids": ids}, not ids,
                    ranked=tuple(ids), note=note)


NAMED_QUERIES: dict[str, NamedQuery] = {
    q.name: q
    for q in [
        NamedQuery(
            "top-concepts",
            "Concepts used by the most papers (papers naming the concept itself), optionally "
            "of one type.",
            ("concept", "name", "type", "papers"),
            _top_concepts,
            {"type": "", "limit": 20},
        ),
        NamedQuery(
            "concepts-under",
            "The concepts a name, alias or id matches and, with narrower, every concept below "
            "them (skos:broader* / BROADER*): whose mentions make 'the papers about' it. "
            "Only concepts some paper mentions unless vocabulary.",
            ("concept", "name", "type", "papers"),
            _concepts_under,
            {"concept": None, "narrower": True, "vocabulary": False},
            ("concept",),
        ),
        NamedQuery(
            "papers-by-concept",
            "The papers about a concept (id, name or alias): those mentioning it or, with "
            "narrower (default), a concept below it (concepts-under).",
            ("paper", "title", "year", "role", "concept"),
            _papers_by_concept,
            {"concept": None, "narrower": True, "limit": 1000},
            ("concept",),
        ),
        NamedQuery(
            "author-id",
            "Ids of the authors an id or a name means (accents and case folded).",
            ("author", "name"),
            _author_id,
            {"author": None},
            ("author",),
        ),
        NamedQuery(
            "papers-by-author",
            "The papers of an author (id, or a name with accents and case folded: author-id).",
            ("paper", "title", "year", "author", "position"),
            _of_authors("papers-by-author"),
            {"author": None, "limit": 1000},
            ("author",),
        ),
        NamedQuery(
            "concepts-of-paper",
            "A paper's concepts with role and the evidence of every mention.",
            ("concept", "name", "type", "role", "confidence", "field", "start", "end", "sentence"),
            _file("concepts-of-paper"),
            {"paper": None},
            ("paper",),
        ),
        NamedQuery(
            "author-concepts",
            "The concepts of an author's papers (author id or name: author-id), by number of "
            "papers.",
            ("concept", "name", "type", "papers"),
            _of_authors("author-concepts"),
            {"author": None, "limit": 100},
            ("author",),
        ),
        NamedQuery(
            "top-cooccurring",
            "Concept pairs that appear in the most papers together, optionally around one concept.",
            ("concept_a", "name_a", "concept_b", "name_b", "weight"),
            _top_cooccurring,
            {"concept": "", "limit": 20},
        ),
        NamedQuery(
            "concept-trend",
            "Papers per year: of every concept (its own papers) or of one concept (the papers "
            "about it, with narrower concepts unless narrower=false).",
            ("concept", "name", "year", "papers"),
            _concept_trend,
            {"concept": "", "narrower": True},
        ),
        NamedQuery(
            "ego-network",
            "Edges within `hops` of a node (paper, author or concept id; a list from Python), "
            "strongest first, at most `limit` edges; `rels` and `types` filter relations and "
            "node kinds/concept types (comma lists); concepts no paper mentions only with "
            "`vocabulary`.",
            (
                "source",
                "source_kind",
                "source_label",
                "target",
                "target_kind",
                "target_label",
                "rel",
                "weight",
            ),
            _ego_network,
            {"node": None, "hops": 1, "types": "", "limit": 300, "rels": "",
             "vocabulary": False},
            ("node",),
            list_params=("node",),
        ),
        NamedQuery(
            "node-degree",
            "How many edges of each relation touch a node (what a budgeted selection leaves "
            "out, per kind).",
            ("rel", "edges"),
            _node_degree,
            {"node": None, "vocabulary": False},
            ("node",),
        ),
        NamedQuery(
            "paper-id",
            "Ids of stored papers with this DOI, arXiv id or exact title.",
            ("paper",),
            _paper_id,
            {"doi": "", "arxiv": "", "title": ""},
        ),
        NamedQuery(
            "search",
            "Papers (title, abstract), concepts (name, alias; only those papers mention "
            "unless vocabulary) and authors (name) holding every word of the text, the last "
            "one as a prefix, accents and case folded, best first (BM25 of a full-text "
            "index; a store without one is scanned for the text in labels).",
            ("kind", "id", "label"),
            _search,
            {"text": None, "limit": 20, "vocabulary": False},
            ("text",),
        ),
    ]
}


_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


def coerce(query: NamedQuery, name: str, value: Any) -> Any:
    """Give a parameter the type of its default ('20' -> 20, 'false' -> False), so that CLI
    and URL strings bind as the same RDF/Cypher values as typed API calls."""
    default = query.params.get(name)
    if name in query.list_params:  # one value (a str) or several
        values = [value] if isinstance(value, str) else list(value or [])
        return [str(v) for v in values if str(v)]
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise QueryParamError(f"parameter {name} of {query.name!r} is true or false, not {value!r}")
    if isinstance(default, int):
        try:
            number = value if isinstance(value, int) and not isinstance(value, bool) else int(
                str(value).strip())
        except ValueError:
            raise QueryParamError(
                f"parameter {name} of {query.name!r} is a whole number, not {value!r}"
            ) from None
        if name == "limit":  # rows to return: at least one; a huge one means all of them
            if number < 1:
                raise QueryParamError(
                    f"parameter limit of {query.name!r} is how many rows to return: a whole "
                    f"number ≥ 1, not {value!r}"
                )
            return min(number, MAX_LIMIT)
        if name == "hops" and not 1 <= number <= MAX_HOPS:
            raise QueryParamError(
                f"parameter hops of {query.name!r} is 1 to {MAX_HOPS}, not {value!r}"
            )
        if number < 0:  # other counts and offsets: never below zero
            raise QueryParamError(
                f"parameter {name} of {query.name!r} is a count: 0 or more, not {value!r}"
            )
        return number
    return value if isinstance(value, str) else str(value)


def resolve_params(query: NamedQuery, given: dict[str, Any]) -> dict[str, Any]:
    unknown = set(given) - set(query.params)
    if unknown:
        raise QueryParamError(
            f"query {query.name!r} has no parameter {', '.join(sorted(unknown))}; "
            f"it takes: {', '.join(query.params)}"
        )
    given = {k: coerce(query, k, v) for k, v in given.items() if v is not None}
    params = {**query.params, **given}
    missing = [name for name in query.required if params.get(name) in (None, "", [])]
    if missing:
        raise QueryParamError(
            f"query {query.name!r} needs --param {missing[0]}=VALUE"
        )
    return params


def named_query(name: str) -> NamedQuery:
    if name not in NAMED_QUERIES:
        raise QueryParamError(
            f"no named query {name!r}; choose one of: {', '.join(NAMED_QUERIES)}"
        )
    return NAMED_QUERIES[name]


def prepare(store: GraphStore, name: str, given: dict[str, Any]) -> Prepared:
    """The text and parameters a named query runs with on ``store`` (its lookups made)."""
    query = named_query(name)
    return query.plan(store, resolve_params(query, given))


def run_named(store: GraphStore, name: str, given: dict[str, Any] | None = None) -> QueryResult:
    """The rows of a named query on ``store``, under the query's declared columns."""
    query = named_query(name)
    prepared = prepare(store, name, given or {})
    notes = [prepared.note] if prepared.note else []
    if prepared.empty:
        return QueryResult(list(query.columns), [], notes)
    result = store.query(prepared.text, prepared.params)
    result.columns = list(query.columns)
    if prepared.ranked is not None:
        result.rows = _in_order(result.rows, query.columns.index("id"), prepared.ranked,
                                int(prepared.params["limit"]))
    result.notes = notes + ([] if result.rows else [_no_rows(name, given or {})])
    return result


def _in_order(rows: list[list[Any]], column: int, ranked: tuple[str, ...],
              limit: int) -> list[list[Any]]:
    """The rows in the order of their ids in ``ranked``, one per id, at most ``limit``."""
    first: dict[str, list[Any]] = {}
    for row in rows:
        first.setdefault(str(row[column]), row)
    return [first[i] for i in ranked if i in first][:limit]
