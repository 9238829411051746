"""A remote SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, …) over HTTP.

URI: ``sparql+http://HOST:PORT/QUERY-PATH[?update=UPDATE-URL][&store=STORE-URL]``
(``sparql+https`` for TLS; ``user:password@`` for HTTP basic auth).

- query URL: the URI with ``sparql+`` dropped and without the options above;
- update URL: ``update=`` (absolute, or relative to the query URL); by default a path
  ending in ``/query`` becomes ``/update`` (Oxigraph ``/query`` → ``/update``, Fuseki
  ``/ds/query`` → ``/ds/update``), any other path is used for updates too;
- Graph Store Protocol URL for bulk upload of new triples: ``store=``; by default
  ``/query`` → ``/store`` (Oxigraph); ``store=`` (empty) disables it, and triples are then
  sent as ``INSERT DATA`` updates.

Parameters are pasted into the text as escaped literals (``kg.stores.sparql_text.bind_text``).
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from kg.mapping.terms import PREFIX_BLOCK
from kg.stores.base import OpenMode, QueryResult, StoreError
from kg.stores.rdf import RdfStore
from kg.stores.sparql_text import bind_text, python_value

TIMEOUT = 60.0
OPEN_TIMEOUT = 5.0
RESULTS_JSON = "application/sparql-results+json"


def _redact(uri: str) -> str:
    """The URI without credentials, for messages."""
    parts = urllib.parse.urlsplit(uri)
    if parts.password or parts.username:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        parts = parts._replace(netloc=f"***@{host}")
    return urllib.parse.urlunsplit(parts)


def parse_uri(uri: str) -> tuple[str, str, str | None, str | None]:
    """``(query_url, update_url, store_url or None, basic-auth header or None)``."""
    scheme, rest = uri.split(":", 1)
    parts = urllib.parse.urlsplit(scheme.lower().removeprefix("sparql+") + ":" + rest)
    options = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    auth = None
    if parts.username:
        user = urllib.parse.unquote(parts.username)
        token = f"{user}:{urllib.parse.unquote(parts.password or '')}"
        auth = "Basic " + base64.b64encode(token.encode()).decode()
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    kept = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k not in {"update", "store"}]
    query_url = urllib.parse.urlunsplit(
        (parts.scheme, netloc, parts.path or "/", urllib.parse.urlencode(kept), "")
    )
    path = parts.path or "/"
    oxigraph_like = path.endswith("/query")
    if "update" in options:
        update_url = urllib.parse.urljoin(query_url, options["update"])
    elif oxigraph_like:
        update_url = urllib.parse.urlunsplit((parts.scheme, netloc, path[:-5] + "update", "", ""))
    else:
        update_url = query_url
    if "store" in options:
        store = options["store"]
        store_url = urllib.parse.urljoin(query_url, store) if store else None
    elif oxigraph_like:
        store_url = urllib.parse.urlunsplit((parts.scheme, netloc, path[:-5] + "store", "", ""))
    else:
        store_url = None
    return query_url, update_url, store_url, auth


def _value(binding: dict[str, Any] | None) -> Any:
    if binding is None:
        return None
    kind = binding["type"]
    if kind == "typed-literal":
        kind = "literal"
    return python_value(binding["value"], kind, binding.get("datatype"))


class SparqlStore(RdfStore):
    def __init__(self, uri: str) -> None:
        super().__init__(uri)
        self.query_url, self.update_url, self.store_url, self._auth = parse_uri(uri)
        self.safe_uri = _redact(uri)

    @classmethod
    def open(cls, uri: str, mode: OpenMode = "create") -> SparqlStore:
        store = cls(uri)  # a server's store exists or not whatever the mode
        store._request(store.query_url, {"query": "ASK {}"}, RESULTS_JSON, timeout=OPEN_TIMEOUT)
        return store

    def _request(
        self,
        url: str,
        form: dict[str, str] | None,
        accept: str = "*/*",
        body: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
        timeout: float = TIMEOUT,
    ) -> bytes:
        data = urllib.parse.urlencode(form).encode("utf-8") if form is not None else body
        headers = {"Accept": accept, "Content-Type": content_type, "User-Agent": "paper-kg"}
        if self._auth:
            headers["Authorization"] = self._auth
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip().splitlines()
            first = detail[0][:300] if detail else error.reason
            hint = (
                "check the user and password in the URI"
                if error.code in {401, 403}
                else "check the query and the endpoint paths (see `kg query --help`)"
            )
            raise StoreError(
                f"SPARQL endpoint {_redact(url)} answered HTTP {error.code}: {first}; {hint}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StoreError(
                f"cannot reach the SPARQL endpoint {self.safe_uri} ({reason}); check that the "
                "server is running and that host, port and path (e.g. /query) are right"
            ) from None

    def _select(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        text = PREFIX_BLOCK + bind_text(text, params or {})
        raw = self._request(
            self.query_url, {"query": text}, f"{RESULTS_JSON}, application/n-triples;q=0.9"
        )
        try:
            data = json.loads(raw)
        except ValueError:  # CONSTRUCT / DESCRIBE: N-Triples
            import rdflib

            from kg.stores.rdflib_store import from_term

            graph = rdflib.Graph().parse(data=raw.decode("utf-8"), format="nt")
            rows = [[from_term(t) for t in triple] for triple in graph]
            return QueryResult(["subject", "predicate", "object"], rows)
        if "boolean" in data:
            return QueryResult(["boolean"], [[bool(data["boolean"])]])
        columns = list(data["head"].get("vars", []))
        rows = [[_value(b.get(c)) for c in columns] for b in data["results"]["bindings"]]
        return QueryResult(columns, rows)

    def _update(self, text: str) -> None:
        self._request(self.update_url, {"update": PREFIX_BLOCK + text})

    def _write(self, delete: str, ntriples: str) -> None:
        if self.store_url is None:
            super()._write(delete, ntriples)
            return
        if delete:
            self._update(delete)
        if ntriples:  # Graph Store Protocol: POST appends to the default graph
            self._request(
                self.store_url + "?default",
                None,
                body=ntriples.encode("utf-8"),
                content_type="application/n-triples",
            )
