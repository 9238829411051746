"""The extractor a store was built with, so that curation extracts as its build did."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.extract import Extractor
    from kg.stores.base import GraphStore


def store_extractor(store: GraphStore) -> Extractor:
    from kg.build import load_extractor

    return load_extractor()
