"""Where articles come from: RSS/Atom feeds, sitemaps, HTML listing pages and curated CSV files.

The names below are loaded when first used, so reading a sources file (``sources.config``) does not
import the fetcher, the feed parser and BeautifulSoup: a typo in sources.yaml is reported at once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_HOME = {
    "SourceConfig": "config",
    "SourcesFileError": "config",
    "load_sources": "config",
    "parse_sources": "config",
    "CuratedFileError": "csv_source",
    "CuratedPledge": "csv_source",
    "load_curated": "csv_source",
    "read_curated": "csv_source",
    "Discovery": "discover",
    "discover": "discover",
    "Entry": "entries",
    "canonical_url": "entries",
}

if TYPE_CHECKING:
    from aidtrack.sources.config import SourceConfig, SourcesFileError, load_sources, parse_sources
    from aidtrack.sources.csv_source import CuratedFileError, CuratedPledge, load_curated, read_curated
    from aidtrack.sources.discover import Discovery, discover
    from aidtrack.sources.entries import Entry, canonical_url


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "CuratedFileError",
    "CuratedPledge",
    "Discovery",
    "Entry",
    "SourceConfig",
    "SourcesFileError",
    "canonical_url",
    "discover",
    "load_curated",
    "load_sources",
    "parse_sources",
    "read_curated",
]
