"""What discovery produces: ``Entry`` (a candidate article URL), plus URL canonicalisation, keyword
filtering and date helpers shared by the rss, sitemap and listing readers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dateutil import parser as dateutil_parser

# One canonical URL form for the whole pipeline (discovery and parsing agree on identity).
from aidtrack.parse.urls import canonical_url  # noqa: F401

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Entry:
    url: str  # canonical absolute http(s) URL of the article
    title: str | None
    published: datetime | None  # UTC; feed/sitemap/listing date, not necessarily the article's own
    summary: str | None  # plain text
    source: str  # SourceConfig.name
    language: str | None = None  # the language the feed or sitemap declares for it, if any


def plain_text(html: str | None) -> str | None:
    """Feed summaries are often HTML; keep the words."""
    if not html:
        return None
    text = _SPACE.sub(" ", _TAGS.sub(" ", html)).strip()
    return text or None


def matches_keywords(entry: Entry, keywords: tuple[str, ...]) -> bool:
    """True when no keywords are set, or any keyword occurs in title or summary (case-insensitive)."""
    if not keywords:
        return True
    haystack = _SPACE.sub(" ", f"{entry.title or ''} {entry.summary or ''}").casefold()
    return any(_SPACE.sub(" ", k).strip().casefold() in haystack for k in keywords if k.strip())


def to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_date(value: str | None) -> datetime | None:
    """A date or datetime string in any common format → aware UTC datetime (naive taken as UTC)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return to_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return to_utc(dateutil_parser.parse(value))
    except (ValueError, OverflowError, TypeError):
        return None


def published_before(entry: Entry, since: date | None) -> bool:
    """Entries without a date are never considered old (we cannot tell)."""
    return since is not None and entry.published is not None and entry.published.date() < since


def dedupe(entries: list[Entry]) -> list[Entry]:
    """First occurrence of each URL wins (entries are already canonical)."""
    seen: set[str] = set()
    out = []
    for e in entries:
        if e.url not in seen:
            seen.add(e.url)
            out.append(e)
    return out


def newest_first(entries: list[Entry], limit: int | None) -> list[Entry]:
    """Dated entries newest first, undated after them in original order; at most ``limit``."""
    ordered = sorted(
        entries, key=lambda e: (e.published is None, -(e.published.timestamp() if e.published else 0))
    )
    return ordered if limit is None else ordered[: max(0, limit)]
