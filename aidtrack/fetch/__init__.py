"""Polite HTTP for aidtrack: robots.txt, per-host pacing, retries, redirects, size caps, raw archive."""

from aidtrack.fetch.archive import ArchiveEntry, RawArchive
from aidtrack.fetch.client import (
    FAILED,
    INTERRUPTED,
    NOT_MODIFIED,
    OK,
    SKIPPED_ROBOTS,
    Fetcher,
    FetchRequest,
    FetchResult,
)

__all__ = [
    "FAILED",
    "INTERRUPTED",
    "NOT_MODIFIED",
    "OK",
    "SKIPPED_ROBOTS",
    "ArchiveEntry",
    "FetchRequest",
    "FetchResult",
    "Fetcher",
    "RawArchive",
]
