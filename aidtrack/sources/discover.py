"""One source → ``Discovery``: dispatch by kind, walk back for backfills, filter, cap. Never raises
for source problems; ``Discovery.error`` says why a source failed as a whole.

A ``reference`` source gives no entries: its file is fetched (conditionally, like a feed) or read, and
validated into ``Discovery.reference``; a file that fails validation is the source's error, and nothing
of it is kept, so the warehouse goes on using the last good release."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import formatdate

from aidtrack.fetch import INTERRUPTED, Fetcher, FetchResult
from aidtrack.sources.config import SourceConfig
from aidtrack.sources.csv_source import CuratedFileError, CuratedPledge, read_curated
from aidtrack.sources.entries import Entry, dedupe, matches_keywords, newest_first, published_before
from aidtrack.sources.listing import parse_listing
from aidtrack.sources.reference import FORMATS, ReferenceFormatError, ReferenceRelease, release_of
from aidtrack.sources.rss import FeedError, parse_feed
from aidtrack.sources.sitemap import SitemapError, parse_sitemap

log = logging.getLogger(__name__)

Validators = Callable[[str], tuple[str | None, str | None]]
MAX_SITEMAP_DEPTH = 3  # index → index → urlset is the deepest seen in the wild


@dataclass
class Discovery:
    source: SourceConfig
    entries: list[Entry] = field(default_factory=list)
    curated: list[CuratedPledge] = field(default_factory=list)
    reference: ReferenceRelease | None = None  # kind reference: the release read (None: 304, or failed)
    fetches: list[FetchResult] = field(default_factory=list)  # every fetch made, for the fetch log
    error: str | None = None  # why the source failed as a whole (None if fine)
    # The run was stopped before discovery finished: entries may be missing, so nothing learnt here
    # (validators above all) may be trusted as complete. Not the source's fault: ``error`` stays None.
    interrupted: bool = False


class _SourceFailed(Exception):
    pass


class _Interrupted(Exception):
    pass


class _Walker:
    """Fetches for one discovery: conditional headers from ``validators``, every result recorded."""

    def __init__(self, source: SourceConfig, fetcher: Fetcher, validators: Validators | None) -> None:
        self.source = source
        self.fetcher = fetcher
        self.validators = validators
        self.fetches: list[FetchResult] = []

    def get(self, url: str) -> FetchResult:
        etag = last_modified = None
        if self.validators is not None:
            try:
                etag, last_modified = self.validators(url)
            except Exception as exc:  # the caller's store failing must not fail the source
                log.warning("validators(%s) failed: %s", url, exc)
        result = self.fetcher.fetch(url, etag=etag, last_modified=last_modified, delay=self.source.delay)
        if result.outcome == INTERRUPTED:
            raise _Interrupted
        self.fetches.append(result)
        return result


def _failure(what: str, result: FetchResult) -> str:
    if result.outcome == "skipped_robots":
        return f"{what} {result.url} skipped: {result.error}"
    return f"{what} {result.url} failed: {result.error}"


def discover(
    source: SourceConfig,
    fetcher: Fetcher,
    *,
    since: date | None = None,
    validators: Validators | None = None,
    max_entries: int | None = None,
) -> Discovery:
    """Candidate articles (or curated pledges) from one source.

    ``since`` (else the source's own ``since``) walks back where the kind allows and drops entries
    published before it; entries without any date are kept. ``max_entries`` (default
    ``settings.max_entries_per_source``) keeps the newest. A 304 on the feed/sitemap/listing URL
    means no new entries. Disabled sources are not skipped here: the caller filters on ``enabled``.
    """
    since = since if since is not None else source.since
    limit = fetcher.settings.max_entries_per_source if max_entries is None else max_entries
    walker = _Walker(source, fetcher, validators)
    discovery = Discovery(source=source)
    try:
        if source.kind == "rss":
            entries = _discover_feed(walker, since)
        elif source.kind == "sitemap":
            entries = _discover_sitemap(walker, since, limit)
        elif source.kind == "listing":
            entries = _discover_listing(walker, since, limit)
        elif source.kind == "csv":
            entries = []
            discovery.curated, discovery.error = _discover_csv(source)
        elif source.kind == "reference":
            entries = []
            discovery.reference = _discover_reference(walker)
        else:
            raise _SourceFailed(f"unknown source kind {source.kind!r}")
        entries = [e for e in dedupe(entries) if not published_before(e, since)]
        entries = [e for e in entries if matches_keywords(e, source.keywords)]
        discovery.entries = newest_first(entries, limit)
    except _SourceFailed as exc:
        discovery.error = str(exc)
    except _Interrupted:
        discovery.interrupted = True
    except Exception as exc:  # a bug or an input nobody foresaw: report, never crash the run
        log.exception("discovering %s failed", source.name)
        discovery.error = f"internal error: {type(exc).__name__}: {exc}"
    discovery.fetches = walker.fetches
    return discovery


def _discover_feed(walker: _Walker, since: date | None) -> list[Entry]:
    source = walker.source
    assert source.url
    result = walker.get(source.url)
    if result.outcome == "not_modified":
        return []
    if result.outcome != "ok" or result.body is None:
        raise _SourceFailed(_failure("feed", result))
    try:
        page = parse_feed(result.body, result.final_url, source.name)
    except FeedError as exc:
        raise _SourceFailed(f"feed {source.url}: {exc}") from None
    entries = list(page.entries)
    if since is None:
        return entries
    # Backfill: RFC 5005 paged (rel=next) or archived (rel=prev-archive) feeds, newest to oldest.
    visited = {source.url, result.final_url}
    queue = list(page.older_pages)
    pages = 1
    while queue and pages < walker.fetcher.settings.max_feed_pages:
        if _reached(page.entries, since):
            break
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        older = walker.get(url)
        pages += 1
        if older.outcome != "ok" or older.body is None:
            break  # keep what we have; the failed fetch is in Discovery.fetches
        visited.add(older.final_url)
        try:
            page = parse_feed(older.body, older.final_url, source.name)
        except FeedError:
            break
        entries.extend(page.entries)
        queue = [u for u in page.older_pages if u not in visited]
    return entries


def _reached(entries: list[Entry], since: date) -> bool:
    """True once a page holds an entry older than ``since`` (older pages hold only older ones)."""
    return any(published_before(e, since) for e in entries)


def _discover_sitemap(walker: _Walker, since: date | None, limit: int) -> list[Entry]:
    source = walker.source
    assert source.url
    settings = walker.fetcher.settings
    entries: list[Entry] = []
    queue: list[tuple[str, int]] = [(source.url, 0)]
    visited: set[str] = set()
    children_budget = settings.max_sitemap_children
    child_failures: list[str] = []
    children_tried = 0
    while queue:
        url, depth = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        result = walker.get(url)
        if depth > 0:
            children_tried += 1
        if result.outcome == "not_modified":
            continue
        if result.outcome != "ok" or result.body is None:
            if depth == 0:
                raise _SourceFailed(_failure("sitemap", result))
            child_failures.append(_failure("child sitemap", result))
            continue
        try:
            doc = parse_sitemap(result.body, result.final_url, source.name, max_bytes=settings.max_body_bytes)
        except SitemapError as exc:
            feed_entries = _maybe_feed(result, source.name)
            if feed_entries is not None:
                entries.extend(feed_entries)
                continue
            if depth == 0:
                raise _SourceFailed(f"sitemap {url}: {exc}") from None
            child_failures.append(f"child sitemap {url}: {exc}")
            continue
        except ValueError as exc:  # e.g. a gzip'd sitemap over the size cap
            if depth == 0:
                raise _SourceFailed(f"sitemap {url}: {exc}") from None
            child_failures.append(f"child sitemap {url}: {exc}")
            continue
        if doc.kind == "urlset":
            entries.extend(doc.entries)
            if since is None and len(entries) >= limit and not queue:
                break
            continue
        if depth + 1 > MAX_SITEMAP_DEPTH:
            continue
        children = [c for c in doc.children if not (since and c.lastmod and c.lastmod.date() < since)]
        # Newest children first: an hourly run only needs the latest; undated ones after them.
        children.sort(key=lambda c: (c.lastmod is None, -(c.lastmod.timestamp() if c.lastmod else 0)))
        take = children[: max(0, children_budget)]
        children_budget -= len(take)
        queue.extend((c.url, depth + 1) for c in take)
    if children_tried and len(child_failures) == children_tried and not entries:
        raise _SourceFailed(f"all {children_tried} child sitemaps failed; first: {child_failures[0]}")
    for failure in child_failures:
        log.warning("%s: %s", source.name, failure)
    return entries


def _maybe_feed(result: FetchResult, source: str) -> list[Entry] | None:
    """Some sites point 'sitemap' at an RSS/Atom feed; accept it rather than fail."""
    head = (result.body or b"")[:2048].lower()
    if b"<rss" not in head and b"<feed" not in head and b"<rdf" not in head:
        return None
    try:
        return parse_feed(result.body or b"", result.final_url, source).entries
    except FeedError:
        return None


def _discover_listing(walker: _Walker, since: date | None, limit: int) -> list[Entry]:
    source = walker.source
    assert source.url and source.links
    entries: list[Entry] = []
    url: str | None = source.url
    visited: set[str] = set()
    pages = 0
    while url and pages < source.max_pages and url not in visited:
        visited.add(url)
        result = walker.get(url)
        pages += 1
        if result.outcome == "not_modified":
            break  # unchanged first page: nothing new; unchanged later page: nothing older to learn
        if result.outcome != "ok" or result.text is None:
            if pages == 1:
                if result.outcome == "ok":
                    raise _SourceFailed(f"listing {url}: not an HTML page ({result.content_type})")
                raise _SourceFailed(_failure("listing", result))
            break
        visited.add(result.final_url)
        page = parse_listing(
            result.text,
            result.final_url,
            links=source.links,
            next_selector=source.next,
            source=source.name,
            language=source.language,
        )
        known = {e.url for e in entries}
        new = [e for e in page.entries if e.url not in known]
        entries.extend(new)
        if pages == 1 and not page.entries:
            log.warning("%s: selector %r matched no links on %s", source.name, source.links, url)
        if not new:
            break  # a page with nothing new: pagination is going in circles or ran out
        if since is not None and _reached(page.entries, since):
            break
        if since is None and len(entries) >= limit:
            break
        url = page.next_url
    return entries


def _discover_csv(source: SourceConfig) -> tuple[list[CuratedPledge], str | None]:
    assert source.path
    try:
        curated = read_curated(source.path)
    except CuratedFileError as exc:
        raise _SourceFailed(str(exc)) from None
    if not curated.errors:
        return curated.pledges, None
    shown = "; ".join(str(e) for e in curated.errors[:5])
    more = f" (and {len(curated.errors) - 5} more)" if len(curated.errors) > 5 else ""
    n = len(curated.errors)
    return curated.pledges, f"{source.path.name}: {n} bad row{'s' if n != 1 else ''}: {shown}{more}"


def _discover_reference(walker: _Walker) -> ReferenceRelease | None:
    """The reference file, validated; None when the server says it has not changed (304)."""
    source = walker.source
    fmt = FORMATS.get(source.format or "")
    if fmt is None:
        raise _SourceFailed(f"unknown reference format {source.format!r}")
    now = datetime.now(UTC)
    if source.path is not None:
        try:
            data = source.path.read_bytes()
            modified = formatdate(source.path.stat().st_mtime, usegmt=True)
        except OSError as exc:
            raise _SourceFailed(f"reference {source.path}: cannot read: {exc.strerror or exc}") from None
        location, etag, where = str(source.path), None, source.path.name
    else:
        assert source.url
        result = walker.get(source.url)
        if result.outcome == "not_modified":
            return None
        if result.outcome != "ok" or result.body is None:
            raise _SourceFailed(_failure("reference", result))
        data, modified, etag = result.body, result.last_modified, result.etag
        location, where, now = result.final_url, result.final_url, result.fetched_at
    try:
        return release_of(
            source.name,
            location,
            data,
            fmt,
            read_at=now,
            today=now.date(),
            last_modified=modified,
            etag=etag,
            where=where,
        )
    except ReferenceFormatError as exc:
        raise _SourceFailed(f"{exc}; the last good release stays in use") from None
