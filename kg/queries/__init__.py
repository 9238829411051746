"""Named queries shared by the CLI, the app and the exports, written once per dialect.

Each query is ``kg/queries/<dialect>/<name>.<rq|cypher>``; the spec below is its contract:
parameters with defaults and the result columns, identical on every backend (the parity
test compares rows). Parameters reach the store as bound parameters (Cypher ``$name``;
SPARQL ``$name`` variables substituted with escaped RDF terms), never by string pasting.

A query file may hold conditional blocks, one test on an integer parameter per block::

    #if hops >= 2          (Cypher: //if hops >= 2); also <=, ==, != and NAME == ""
                           NAME == id (the value looks like an id, e.g. "concept:vit"),
                           NAME == name (not empty, not an id: a name to resolve) and
                           NAME allows WORD (a comma list that is empty or names WORD)
    ...
    #endif                 (Cypher: //endif)

``NamedQuery.text(dialect, params)`` keeps only the blocks whose test holds (parameter
defaults fill in), so the engine never plans work the parameters rule out: Oxigraph evaluates
UNION branches before a FILTER could discard them. Use the rendered text, not the raw file.

Two kinds of small queries may run first (``run_named``): a probe ``<name>.PROBE`` sets an
integer parameter to whether it has rows (e.g. whether stored figures answer the query), a
lookup sets a list parameter to the first column of its rows (e.g. the concept ids a name
matches, bound as ``VALUES``), so that the query starts from a few known nodes; a lookup is
the file ``<name>.LOOKUP`` or another named query (``papers-by-concept`` starts from the
rows of ``concepts-under``: "the concepts below X" is written once).

Parameters may also be lists (``list_params``: several node ids, bound as ``VALUES`` /
a Cypher list) and folded name keys (``name_keys``: ``author_key`` = the accent- and
case-folded key of ``author``, kg.normalize.name_key), computed here so that every
dialect compares names the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.model import display_name
from kg.normalize import name_key
from kg.resources import shipped
from kg.stores.base import QueryResult

if TYPE_CHECKING:
    from kg.stores.base import GraphStore

QUERY_DIR = shipped("kg.queries")
EXTENSIONS = {"sparql": "rq", "cypher": "cypher"}
_BLOCK = re.compile(
    r"^[ \t]*(?:#|//)if[ \t]+(\w+)[ \t]*(>=|<=|==|!=|allows)[ \t]*(-?\d+|\"\"|id|name|[A-Z_]+)"
    r"[ \t]*\n"
    r"((?:(?!^[ \t]*(?:#|//)if[ \t]).)*?)"  # innermost: no #if inside
    r"^[ \t]*(?:#|//)endif[ \t]*\n",
    re.MULTILINE | re.DOTALL,
)
_STRAY = re.compile(r"^[ \t]*(?:#|//)(?:if|endif)\b.*$", re.MULTILINE)
_ID = re.compile(r"^[a-z][a-z0-9]*:\S")
_TESTS = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _holds(name: str, op: str, operand: str, params: dict[str, Any]) -> bool:
    value = params.get(name)
    if op == "allows":  # a comma list of words: empty means every word
        listed = {part.strip().upper() for part in str(value or "").split(",") if part.strip()}
        return not listed or operand.upper() in listed
    if not operand.lstrip("-").isdigit() and operand not in {'""', "id", "name"}:
        raise QueryParamError(f"query block: {op} {operand} needs a number, \"\", id or name")
    if operand in {"id", "name"}:  # ids are looked up exactly, names resolved by a scan
        if op not in {"==", "!="}:
            raise QueryParamError(f"query block: only == and != test {name} against {operand}")
        is_id = isinstance(value, str) and bool(_ID.match(value))
        kind = "id" if is_id else "name" if value not in (None, "") else ""
        return _TESTS[op](kind, operand)
    if operand == '""':  # empty or not: string parameters
        if op not in {"==", "!="}:
            raise QueryParamError(f'query block: only == "" and != "" test {name}')
        return _TESTS[op](value in (None, ""), True)
    if not isinstance(value, int):  # a bool tests as 0 or 1
        raise QueryParamError(f"query block needs the whole-number parameter {name}")
    return bool(_TESTS[op](int(value), int(operand)))


def render(text: str, params: dict[str, Any]) -> str:
    """Keep the ``#if NAME OP N`` … ``#endif`` blocks (OP: >=, <=, ==, !=; N an integer, or
    ``""`` / ``id`` / ``name`` with == / != to test a string for being empty / looking like
    an id / being anything else) whose test holds, drop the others; blocks may nest."""
    while True:  # innermost blocks first, so blocks may nest
        kept = _BLOCK.sub(
            lambda m: m.group(4) if _holds(m.group(1), m.group(2), m.group(3), params) else "",
            text,
        )
        if kept == text:
            break
        text = kept
    stray = _STRAY.search(text)
    if stray:
        raise QueryParamError(f"query text: unmatched or malformed block line {stray.group(0)!r}")
    return text


@dataclass(frozen=True)
class Lookup:
    """A list parameter filled before the query runs, when the test ``when`` (as in #if)
    holds: the first column of the rows of ``query`` (a named query, run with the
    parameters it shares with the caller) or, without one, of the file <name>.<LOOKUP>."""

    when: str  # tests joined by "&&" must all hold
    query: str | None = None
    fixed: dict[str, Any] = field(default_factory=dict)  # parameters the lookup runs with

    def holds(self, params: dict[str, Any]) -> bool:
        return all(_holds(*test.split(), params) for test in self.when.split("&&"))


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    columns: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)  # name -> default (None = required)
    required: tuple[str, ...] = ()
    # facts about the data the text depends on: a probe PROBE is the file
    # <name>.PROBE.<ext> of a dialect, a SELECT on the same parameters; it sets the integer
    # parameter PROBE to 1 if it returns a row, else 0 (0 where the dialect has no such file)
    probes: tuple[str, ...] = ()
    # list parameters looked up first, LOOKUP -> the test (as in #if) of when: LOOKUP is the
    # first column of the rows of the file <name>.LOOKUP.<ext>, a SELECT on the same
    # parameters, in dialects that have it; there the query starts from the listed values
    # (Oxigraph does not start from a sub-select), so it has no rows when a list is empty.
    # Elsewhere, or when the test fails, the query resolves them itself. A Lookup naming a
    # named query runs in every dialect
    lookups: dict[str, Lookup] = field(default_factory=dict)
    # parameters that may hold several values (a str is one value): bound as lists
    list_params: tuple[str, ...] = ()
    # KEY -> NAME: the parameter KEY is set to the folded name key of NAME (accents, case
    # and punctuation dropped, 'Last, First' turned round: 'Kaiser, Łukasz' -> 'lukasz kaiser')
    name_keys: dict[str, str] = field(default_factory=dict)

    @property
    def prepared(self) -> bool:
        """Whether run_named computes parameters the text alone lacks (console examples)."""
        return bool(self.lookups or self.list_params or self.name_keys)

    def text(self, dialect: str, params: dict[str, Any] | None = None) -> str:
        """The query text for these parameters (defaults for the missing ones): the file
        with only the ``#if`` blocks the parameter values need."""
        defaults = {**dict.fromkeys(self.probes, 0), **dict.fromkeys(self.name_keys, ""),
                    **self.params}
        return render(_read(dialect, self.name), {**defaults, **(params or {})})


def _path(dialect: str, name: str) -> Path:
    """The file of a query (``name``) or of a probe (``name.PROBE``) in a dialect."""
    return QUERY_DIR / dialect / f"{name}.{EXTENSIONS[dialect]}"


def _read(dialect: str, name: str) -> str:
    return _path(dialect, name).read_text("utf-8")


_MATCHED = Lookup('concept != ""', "concepts-under", {"narrower": False, "vocabulary": True})
_BELOW = Lookup('concept != ""', "concepts-under", {"vocabulary": False})
_AUTHORS = Lookup('author != ""', "author-id")

NAMED_QUERIES: dict[str, NamedQuery] = {
    q.name: q
    for q in [
        NamedQuery(
            "top-concepts",
            "Concepts used by the most papers (papers naming the concept itself), optionally "
            "of one type.",
            ("concept", "name", "type", "papers"),
            {"type": "", "limit": 20},
        ),
        NamedQuery(
            "concepts-under",
            "The concepts a name, alias or id matches and, with narrower, every concept below "
            "them (skos:broader* / BROADER*): whose mentions make 'the papers about' it. "
            "Only concepts some paper mentions unless vocabulary.",
            ("concept", "name", "type", "papers"),
            {"concept": None, "narrower": True, "vocabulary": False},
            ("concept",),
        ),
        NamedQuery(
            "papers-by-concept",
            "The papers about a concept (id, name or alias): those mentioning it or, with "
            "narrower (default), a concept below it (concepts-under).",
            ("paper", "title", "year", "role", "concept"),
            {"concept": None, "narrower": True, "limit": 1000},
            ("concept",),
            lookups={"targets": _BELOW, "cutoff": Lookup('concept != ""')},
        ),
        NamedQuery(
            "author-id",
            "Ids of the authors an id or a name means (accents and case folded).",
            ("author", "name"),
            {"author": None},
            ("author",),
            name_keys={"author_key": "author"},
        ),
        NamedQuery(
            "papers-by-author",
            "The papers of an author (id, or a name with accents and case folded: author-id).",
            ("paper", "title", "year", "author", "position"),
            {"author": None, "limit": 1000},
            ("author",),
            lookups={"authors": _AUTHORS},
        ),
        NamedQuery(
            "concepts-of-paper",
            "A paper's concepts with role and the evidence of every mention.",
            ("concept", "name", "type", "role", "confidence", "field", "start", "end", "sentence"),
            {"paper": None},
            ("paper",),
        ),
        NamedQuery(
            "author-concepts",
            "The concepts of an author's papers (author id or name: author-id), by number of "
            "papers.",
            ("concept", "name", "type", "papers"),
            {"author": None, "limit": 100},
            ("author",),
            lookups={"authors": _AUTHORS},
        ),
        NamedQuery(
            "top-cooccurring",
            "Concept pairs that appear in the most papers together, optionally around one concept.",
            ("concept_a", "name_a", "concept_b", "name_b", "weight"),
            {"concept": "", "limit": 20},
            probes=("hub",),
        ),
        NamedQuery(
            "concept-trend",
            "Papers per year: of every concept (its own papers) or of one concept (the papers "
            "about it, with narrower concepts unless narrower=false).",
            ("concept", "name", "year", "papers"),
            {"concept": "", "narrower": True},
            lookups={
                "matched": _MATCHED,
                "targets": Lookup('concept != "" && narrower == 1', "concepts-under"),
            },
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
            {"node": None, "hops": 1, "types": "", "limit": 300, "rels": "",
             "vocabulary": False},
            ("node",),
            probes=("hub",),
            list_params=("node",),
        ),
        NamedQuery(
            "node-degree",
            "How many edges of each relation touch a node (what a budgeted selection leaves "
            "out, per kind).",
            ("rel", "edges"),
            {"node": None, "vocabulary": False},
            ("node",),
        ),
        NamedQuery(
            "paper-id",
            "Ids of stored papers with this DOI, arXiv id or exact title.",
            ("paper",),
            {"doi": "", "arxiv": "", "title": ""},
        ),
        NamedQuery(
            "search",
            "Papers (title), concepts (name, alias; only those papers mention unless "
            "vocabulary) and authors (name, accents folded) containing the text.",
            ("kind", "id", "label"),
            {"text": None, "limit": 20, "vocabulary": False},
            ("text",),
            name_keys={"text_key": "text"},
        ),
    ]
}


class QueryParamError(ValueError):
    """A named query was called with a missing or unknown parameter."""


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
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise QueryParamError(
                f"parameter {name} of {query.name!r} is a whole number, not {value!r}"
            ) from None
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


def _file_rows(store: GraphStore, name: str, params: dict[str, Any]) -> list[list[Any]] | None:
    """The rows of a probe's or lookup's file, or None where the dialect has no such file."""
    path = _path(store.dialect, name)
    return store.query(path.read_text("utf-8"), params).rows if path.is_file() else None


def run_named(store: GraphStore, name: str, given: dict[str, Any]) -> QueryResult:
    if name not in NAMED_QUERIES:
        raise QueryParamError(
            f"no named query {name!r}; choose one of: {', '.join(NAMED_QUERIES)}"
        )
    query = NAMED_QUERIES[name]
    params = resolve_params(query, given)
    for key, source in query.name_keys.items():  # 'Kaiser, Łukasz' -> 'lukasz kaiser'
        params[key] = name_key(display_name(str(params.get(source) or "")))
    for probe in query.probes:
        params[probe] = int(bool(_file_rows(store, f"{name}.{probe}", params)))
    for lookup, spec in query.lookups.items():
        if spec.holds(params):
            if spec.query is not None:
                shared = NAMED_QUERIES[spec.query].params
                given = {k: v for k, v in params.items() if k in shared} | spec.fixed
                rows = run_named(store, spec.query, given).rows
            else:
                rows = _file_rows(store, f"{name}.{lookup}", params)
            if rows is None:  # no such file in this dialect: the query resolves it itself
                continue
            params[lookup] = list(dict.fromkeys(row[0] for row in rows))
            if not params[lookup]:  # nothing to start from (and rdflib rejects empty VALUES)
                return QueryResult(list(query.columns), [])
    result = store.query(query.text(store.dialect, params), params)
    result.columns = list(query.columns)
    return result
