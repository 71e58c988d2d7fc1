"""RSS 0.9x/1.0/2.0 and Atom feeds → entries (feedparser on the fetched bytes).

Relative links resolve against xml:base and the feed's final URL; entries are deduplicated by
canonical URL; RFC 5005 ``next`` / ``prev-archive`` links are reported so a backfill can walk back.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser

from aidtrack.sources.entries import Entry, canonical_url, dedupe, parse_date, plain_text

PAGING_RELS = ("next", "prev-archive")


class FeedError(ValueError):
    """The bytes are not a usable feed."""


@dataclass
class FeedPage:
    entries: list[Entry]
    older_pages: list[str] = field(default_factory=list)  # RFC 5005 next / prev-archive, absolute
    title: str | None = None


def _struct_to_dt(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _entry_link(item: feedparser.FeedParserDict) -> str | None:
    link = item.get("link")
    if link:
        return link
    for candidate in item.get("links") or []:
        if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
            return candidate["href"]
    guid = item.get("id") or ""
    if guid.startswith(("http://", "https://")) and item.get("guidislink", True):
        return guid
    return None


def _entry_published(item: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        dt = _struct_to_dt(item.get(key))
        if dt is not None:
            return dt
    for key in ("published", "updated", "created", "dc_date"):
        dt = parse_date(item.get(key))
        if dt is not None:
            return dt
    return None


def _entry_language(item: dict) -> str | None:
    for key in ("title_detail", "summary_detail"):
        language = (item.get(key) or {}).get("language")
        if language:
            return str(language)
    return None


def parse_feed(data: bytes, feed_url: str, source: str) -> FeedPage:
    """Parse feed bytes fetched from ``feed_url`` (the final URL, for resolving relative links).

    Raises ``FeedError`` when the bytes are not a feed (e.g. an HTML page, or XML so broken that no
    entry could be read). A well-formed feed with no items gives an empty page.
    """
    if not data or not data.strip():
        raise FeedError("empty response, not a feed")
    parsed = feedparser.parse(
        io.BytesIO(data),  # bytes, never a str: feedparser would treat a str as a URL or file name
        # A neutral XML type so bozo reports real breakage, not a missing header; the charset comes
        # from the XML declaration or BOM.
        response_headers={"content-location": feed_url, "content-type": "application/xml"},
        sanitize_html=False,
    )
    items = parsed.get("entries") or []
    entries: list[Entry] = []
    # RSS <language>, Atom xml:lang (feedparser gives both as "language"; an entry may have its own).
    feed_language = (parsed.get("feed") or {}).get("language") or None
    for item in items:
        url = canonical_url(_entry_link(item) or "", feed_url)
        if url is None:
            continue
        entries.append(
            Entry(
                url=url,
                title=plain_text(item.get("title")),
                published=_entry_published(item),
                summary=plain_text(item.get("summary") or item.get("description")),
                source=source,
                language=_entry_language(item) or feed_language,
            )
        )
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        # Broken XML that yielded nothing usable, or something that is not a feed at all (HTML).
        exc = parsed.get("bozo_exception")
        reason = f": {exc}" if exc else " (no RSS/Atom structure found)"
        raise FeedError(f"not a valid RSS/Atom feed{reason}")
    older: list[str] = []
    for link in parsed.get("feed", {}).get("links") or []:
        if link.get("rel") in PAGING_RELS and link.get("href"):
            target = canonical_url(link["href"], feed_url)
            if target and target not in older:
                older.append(target)
    return FeedPage(dedupe(entries), older, plain_text(parsed.get("feed", {}).get("title")))
