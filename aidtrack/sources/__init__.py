"""Where articles come from: RSS/Atom feeds, sitemaps, HTML listing pages and curated CSV files."""

from aidtrack.sources.config import SourceConfig, SourcesFileError, load_sources, parse_sources
from aidtrack.sources.csv_source import CuratedFileError, CuratedPledge, load_curated, read_curated
from aidtrack.sources.discover import Discovery, discover
from aidtrack.sources.entries import Entry, canonical_url

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
