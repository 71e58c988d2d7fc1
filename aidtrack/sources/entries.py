"""What discovery produces: ``Entry`` (a candidate article URL), plus URL canonicalisation, keyword
filtering and date helpers shared by the rss, sitemap and listing readers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from dateutil import parser as dateutil_parser

# Query parameters that only track the click, never select content.
_TRACKING_PARAMS = re.compile(r"^(utm_.*|fbclid|gclid|dclid|mc_cid|mc_eid|_hsenc|_hsmi|ocid|cmpid)$", re.I)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Entry:
    url: str  # canonical absolute http(s) URL of the article
    title: str | None
    published: datetime | None  # UTC; feed/sitemap/listing date, not necessarily the article's own
    summary: str | None  # plain text
    source: str  # SourceConfig.name


def canonical_url(url: str, base: str | None = None) -> str | None:
    """Absolute, comparable form of a link, or None if it is not an http(s) URL.

    Resolves against ``base``, drops the fragment and tracking parameters (``utm_*``, ``fbclid``…),
    lower-cases scheme and host, drops default ports, and gives an empty path as ``/``.
    """
    if not url:
        return None
    url = url.strip()
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query, doseq=True), ""))


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
