"""SPARQL text handling shared by the SPARQL backends: binding parameters as escaped
literals, telling queries from updates (and refusing what reaches outside the store), and
reading result terms as Python values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from kg.mapping.terms import XSD, sparql_literal
from kg.stores.base import StoreError


def bind_text(text: str, params: dict[str, Any]) -> str:
    """Replace ``$name`` variables by escaped literals (the remote / rdflib binding path); a
    list becomes its literals separated by spaces (for ``VALUES ?x { $name }``).

    Only ``$name`` tokens outside strings and IRIs are replaced, so a value can never change
    the query's structure.
    """
    if not params:
        return text

    def one(value: Any) -> str:
        return sparql_literal(value) if not isinstance(value, int) or isinstance(value, bool) \
            else str(value)

    def term(name: str) -> str:
        value = params[name]
        if isinstance(value, list | tuple):  # a list: its terms, for VALUES ?x { $name }
            return " ".join(one(item) for item in value)
        return one(value)

    out: list[str] = []
    for kind, chunk in _tokens(text):
        if kind == "code":
            chunk = re.sub(
                r"\$([A-Za-z_]\w*)",
                lambda m: term(m.group(1)) if m.group(1) in params else m.group(0),
                chunk,
            )
        out.append(chunk)
    return "".join(out)


_TOKEN = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*)""")


_IRI_LIKE = re.compile(r"<[\w:/#.+$%=&~@!,;*-]*>")


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """Split query text into code and literal/IRI/comment chunks (single-line strings only)."""
    pos = 0
    for match in _TOKEN.finditer(text):
        # '<' is also the less-than operator: treat as IRI only when it looks like one
        if match.group().startswith("<") and not _IRI_LIKE.match(match.group()):
            continue
        yield "code", text[pos : match.start()]
        yield "skip", match.group()
        pos = match.end()
    yield "code", text[pos:]


# Parts of SPARQL that make a store fetch data from elsewhere: federation (SERVICE), LOAD,
# and dataset clauses (FROM, USING), which rdflib dereferences over the network.
_REMOTE_PARTS = {
    "ServiceGraphPattern": "SERVICE", "Load": "LOAD", "DatasetClause": "FROM",
    "UsingClause": "USING",
}


# A text that starts (after comments, PREFIX and BASE) with a query form and whose code
# (outside comments, strings and IRIs) holds none of the words an update or a remote part is
# written with can only be a local query. Texts with a long string or a \u escape (SPARQL
# decodes those before parsing) are always parsed: rdflib's parser takes ~0.1 s per
# distinct text, which every CLI command paid for each query it ran.
_QUERY_HEAD = re.compile(
    r"(?:\s|#[^\n]*|PREFIX\s+[\w.-]*:\s*<[^<>\s]*>|BASE\s*<[^<>\s]*>)*"
    r"(?:SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)
_UPDATE_OR_REMOTE = re.compile(
    r"(?<![?$:])\b(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|ADD|MOVE|COPY|WITH|SERVICE|FROM"
    r"|USING)\b",  # not a variable (?from) or a prefixed name's local part (pkg:with)
    re.IGNORECASE,
)


def _plainly_local_query(text: str) -> bool:
    if "\\u" in text or "\\U" in text or "'''" in text or '"""' in text:
        return False
    if not _QUERY_HEAD.match(text):
        return False
    return not any(
        _UPDATE_OR_REMOTE.search(chunk) for kind, chunk in _tokens(text) if kind == "code"
    )


@lru_cache(maxsize=256)
def sparql_shape(text: str) -> tuple[str, tuple[str, ...]]:
    """('query' or 'update', the parts that would reach outside the store, e.g.
    'SERVICE <http://…>'), decided by parsing (rdflib's SPARQL grammar), not by keywords;
    a text that plainly cannot be an update or reach outside is not parsed (RdfStore
    parses it when it fails to run, to report a syntax error in the same words)."""
    if _plainly_local_query(text):
        return "query", ()
    return parsed_shape(text)


def parsed_shape(text: str) -> tuple[str, tuple[str, ...]]:
    """sparql_shape by parsing, always."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree, kind = parseQuery(text), "query"
    except ParseException as query_error:
        try:
            tree, kind = parseUpdate(text), "update"
        except ParseException:
            raise StoreError(
                f"not a valid SPARQL query: {query_error.msg} at line {query_error.lineno}, "
                f"column {query_error.col}; check the syntax"
            ) from None
    return kind, tuple(_remote_parts(tree))


def sparql_kind(text: str) -> str:
    """'query' or 'update' (see sparql_shape)."""
    return sparql_shape(text)[0]


def _remote_parts(tree: Any) -> Iterator[str]:
    """SERVICE/LOAD/FROM/USING parts of a parsed query, walked without recursion."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            keyword = _REMOTE_PARTS.get(node.name)
            if keyword:  # CompValue.get resolves values; the plain dict lookup does not
                target = next((dict.get(node, k) for k in ("term", "iri", "default", "named")
                               if dict.get(node, k) is not None), None)
                yield f"{keyword} {target.n3()}" if hasattr(target, "n3") else keyword
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def python_value(value: str, kind: str, datatype: str | None = None) -> Any:
    """A result term as a plain Python value: numbers and booleans typed, the rest strings."""
    if kind != "literal" or not datatype:
        return value
    local = datatype.removeprefix(XSD)
    try:
        if local in {"integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"}:
            return int(value)
        if local in {"double", "float", "decimal"}:
            return float(value)
        if local == "boolean":
            return value in {"true", "1"}
    except ValueError:
        return value
    return value
