"""The extractor a store was built with, kept in the store (``GraphStore.write_setting``) by
``kg build``, so that what extracts papers of that store again later (curation's undo, a
paper an identity decision changes) gets the tags its build gave: the vocabulary entries
the build had beyond the shipped vocabulary (``--vocabulary FILE``: their content, not the
file's path, which may be gone), the extractor's options (``--fast``, ``--min-confidence``)
and its config overrides. A store that keeps none was built with the default extractor;
the last build into a store decides what it keeps.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.extract import Extractor
    from kg.stores.base import GraphStore

SETTING = "extractor"


def extractor_settings(extractor: Extractor) -> str | None:
    """The settings of ``extractor`` as JSON text; None for the default extractor."""
    from kg.extract.vocabulary import load_vocabulary

    shipped = {entry.id: entry for entry in load_vocabulary()}
    entries = [asdict(e) for e in extractor.entries if shipped.get(e.id) != e]
    overrides = {k: v for k, v in extractor.overrides.items() if k != "default_vocabulary"}
    config = extractor.config
    if not entries and not overrides and config is None:
        return None
    config = config if isinstance(config, dict) or config is None else str(config)
    return json.dumps({"entries": entries, "overrides": overrides, "config": config},
                      sort_keys=True, ensure_ascii=False)


def record_extractor(store: GraphStore, extractor: Extractor) -> None:
    """Keep ``extractor``'s settings in ``store`` (a build's last step)."""
    store.write_setting(SETTING, extractor_settings(extractor))


def store_extractor(store: GraphStore) -> Extractor:
    """An extractor as ``store``'s build had it (the default one when it keeps none)."""
    from kg.build import load_extractor

    value = store.setting(SETTING)
    if value is None:
        return load_extractor()
    from kg.extract.pipeline import _restore
    from kg.extract.vocabulary import VocabEntry, load_vocabulary

    data: dict[str, Any] = json.loads(value)
    entries = {entry.id: entry for entry in load_vocabulary()}
    for item in data["entries"]:  # later ids override, as load_vocabulary does
        entries[item["id"]] = VocabEntry(**item)
    overrides = {"default_vocabulary": False, **data["overrides"]}
    return _restore(list(entries.values()), data["config"], overrides)
