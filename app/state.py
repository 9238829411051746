"""What the URL holds: the page, the selected item and every filter, slider and list page
that shapes what is shown, so that a click in the graph (a full page load), the back button
and a shared link all land on the same view.

Each entry of ``URL_STATE`` ties a query parameter to the session key of its widget and a
parser. Widget states are mirrored in ``_url_state`` (Streamlit forgets the state of widgets
a page did not draw, so the hops of the Graph page survive a visit to the Concept page), and
the URL is rewritten from that mirror after every run. The URL is adopted when a session
starts and whenever it differs from what the app last wrote (a link or the back button).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

MIRROR = "_url_state"
WRITTEN = "_url_written"


def _int(text: str) -> int:
    return int(text)


def _bool(text: str) -> bool:
    if text not in {"0", "1"}:
        raise ValueError(text)
    return text == "1"


def _list(text: str) -> list[str]:
    return [part for part in text.split(",") if part]


def _pair(text: str) -> tuple[int, int]:
    low, high = (int(part) for part in text.split("-"))
    return (low, high)


@dataclass(frozen=True)
class Param:
    key: str  # the widget's session key
    parse: Callable[[str], Any]

    def show(self, value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, list | tuple) and self.parse is _pair:
            return f"{value[0]}-{value[1]}"
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return str(value)


URL_STATE: dict[str, Param] = {
    "hops": Param("graph:hops", _int),
    "types": Param("graph:types", _list),
    "minw": Param("graph:min_weight", _int),
    "budget": Param("graph:budget", _int),
    "years": Param("graph:years", _pair),
    "mode": Param("graph:mode", str),
    "size": Param("graph:size", str),
    "color": Param("graph:color", str),
    "narrower": Param("narrower", _bool),
    "sort": Param("concept:sort", str),
    "page": Param("concept:papers:page", _int),
    "npage": Param("concept:narrower:page", _int),
    "q": Param("search:text", str),
    "kind": Param("search:kind", str),
    "spage": Param("search:page", _int),
    "rpage": Param("review:page", _int),
}
ITEM_KEYS = ("view", "id")


def _parsed(params: dict[str, str]) -> dict[str, Any]:
    """The registered parameters of ``params`` as session values; unreadable ones (a typo
    in a shared link) are left out, so the widget shows its default."""
    out: dict[str, Any] = {}
    for name, param in URL_STATE.items():
        if name in params:
            try:
                out[param.key] = param.parse(params[name])
            except ValueError:
                continue
    return out


def current_url() -> dict[str, str]:
    return {name: st.query_params[name] for name in st.query_params}


def adopt_url() -> dict[str, str] | None:
    """Take the state from the URL when it is new to this session (first run, a link, the
    back button); returns the URL's parameters then, None when the app wrote them itself."""
    params = current_url()
    if st.session_state.get(WRITTEN) == params:
        return None
    values = _parsed(params)
    st.session_state[MIRROR] = dict(values)
    for param in URL_STATE.values():
        if param.key in values:
            st.session_state[param.key] = values[param.key]
        elif param.key in st.session_state:
            del st.session_state[param.key]
    return params


def restore() -> None:
    """Give back the widgets of this page the values Streamlit dropped while another page
    was shown (before the widgets are drawn, where setting their keys is allowed)."""
    for key, value in st.session_state.get(MIRROR, {}).items():
        if key not in st.session_state:
            st.session_state[key] = value


def remember(key: str, value: Any) -> None:
    """Keep ``value`` for ``key`` in the URL (for state that is not a widget's)."""
    st.session_state[key] = value
    st.session_state.setdefault(MIRROR, {})[key] = value


def write_url(item: dict[str, str]) -> None:
    """Rewrite the URL from the view, the item and the mirrored widget states."""
    mirror = st.session_state.setdefault(MIRROR, {})
    for param in URL_STATE.values():
        if param.key in st.session_state:
            mirror[param.key] = st.session_state[param.key]
    wanted = dict(item)
    for name, param in URL_STATE.items():
        value = mirror.get(param.key)
        if value not in (None, "", []):
            wanted[name] = param.show(value)
    if current_url() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[WRITTEN] = wanted


def seen_url() -> None:
    """Leave the URL as it is, but do not adopt it again on the next run."""
    st.session_state[WRITTEN] = current_url()


def forget(keys: tuple[str, ...]) -> None:
    """Back to the defaults for ``keys`` (list pages when another item is opened)."""
    mirror = st.session_state.setdefault(MIRROR, {})
    for key in keys:
        mirror.pop(key, None)
        if key in st.session_state:
            del st.session_state[key]
