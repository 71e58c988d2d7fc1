"""One source, end to end up to the warehouse: discover → fetch → parse → extract.

A plain function of its inputs (a source, a fetcher and what the warehouse already knows), returning a
``SourceBatch`` that the loader writes in one transaction. Nothing here touches the warehouse, so it can
run in parallel across sources and be tested without Prefect.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime

from aidtrack.extract import Statement, extract
from aidtrack.extract.language import choose as choose_language
from aidtrack.fetch import INTERRUPTED, NOT_MODIFIED, OK, Fetcher, FetchRequest, FetchResult
from aidtrack.owed import OwedUrl, after_failure, after_interrupt
from aidtrack.parse import ParseError, canonicalize_url, parse_article
from aidtrack.records import (  # noqa: F401 - re-exported: callers read the records from here too
    KnownState,
    ParsedDocument,
    SourceBatch,
    document_id,
    extractor_version,
    mention_id,
)
from aidtrack.sources import SourceConfig, discover
from aidtrack.sources.entries import Entry


def parsed_document(
    source: SourceConfig,
    result: FetchResult,
    published_hint: datetime | None,
    known: KnownState,
    version: str,
    feed_language: str | None = None,
) -> ParsedDocument | None:
    """Parse and extract one fetched page; None when it is unchanged since it was last extracted.

    ``published_hint`` is the date the feed, sitemap or listing gave, used when the page states none;
    ``feed_language`` the language the feed declared. A page in a language without a lexicon is kept
    with no statements (``language_read`` False), never read with another language's words.
    """
    article = parse_article(result.text or "", result.final_url, published_hint=published_hint)
    if known.documents.get(article.canonical_url) == (result.content_hash, version):
        return None  # same bytes, same extractor: nothing new to learn
    choice = choose_language(
        article.text, override=source.language, page=article.language, feed=feed_language
    )
    statements: list[Statement] = []
    if choice.supported and choice.language:
        statements = list(
            extract(
                article.text,
                published=article.published_on,
                url=article.canonical_url,
                source_country=source.country,
                language=choice.language,
                title=article.title,
            ).statements
        )
    return ParsedDocument(
        document_id=document_id(article.canonical_url),
        canonical_url=article.canonical_url,
        url=result.final_url,
        source=source.name,
        title=article.title,
        published_at=article.published,
        language=choice.language,
        language_how=choice.how,
        language_read=choice.supported,
        text=article.text,
        content_hash=result.content_hash or "",
        fetched_at=result.fetched_at,
        statements=statements,
        short_text=article.short_text,
    )


def collect_source(
    source: SourceConfig,
    fetcher: Fetcher,
    known: KnownState,
    *,
    since: date | None = None,
    max_entries: int | None = None,
    sink: Callable[[SourceBatch], None] | None = None,
    chunk_size: int = 50,
    now: datetime | None = None,
) -> SourceBatch:
    """Discover a source's articles, fetch the new or changed ones and the owed ones that are due,
    parse and extract them, and say which URLs are still owed.

    With a ``sink``, every ``chunk_size`` documents (and the rest at the end) are handed to it to be
    loaded, and the returned batch holds only counts; without one, the batch holds everything.
    """
    now = now or datetime.now(UTC)
    batch = SourceBatch(source=source)
    # A backfill must see whole feeds and sitemaps again: a 304 on them would cut it short.
    validators = None if since else known.validator
    discovery = discover(source, fetcher, since=since, validators=validators, max_entries=max_entries)
    # The feed's own fetch (and its validators) is loaded with the last chunk: if the run dies before
    # then, the next run gets the whole feed again instead of a 304, and fetches what was missed.
    discovery_fetches = [("discover", r) for r in discovery.fetches]
    batch.curated = list(discovery.curated)
    batch.reference = discovery.reference
    batch.discovered = len(discovery.entries)
    batch.discovery_complete = not discovery.interrupted
    batch.error = discovery.error  # a partly failed source (dead sitemap child, bad rows) keeps the rest

    owed = known.owed.get(source.name, {})
    pending = _to_fetch(source, discovery.entries, owed, since, now)
    policy = fetcher.settings.retry_policy

    def failed(url: str, reason: str, *, permanent: bool = False) -> None:
        entry = pending.pop(url, None)
        hint = entry.published if entry else None
        batch.owed.append(
            after_failure(
                owed.get(url),
                source=source.name,
                url=url,
                reason=reason,
                now=now,
                policy=policy,
                published_hint=hint,
                permanent=permanent,
            )
        )

    def settled(url: str) -> None:
        pending.pop(url, None)
        if url in owed:
            batch.settled.append(url)

    requests = [
        FetchRequest(
            url=url, etag=known.validator(url)[0], last_modified=known.validator(url)[1], delay=source.delay
        )
        for url in pending
    ]
    version = extractor_version()

    def finish(result: FetchResult, compute: Callable[[], ParsedDocument | None]) -> None:
        """Log a fetched page with what parsing it gave (together, so a chunk holds whole pages)."""
        batch.fetches.append(("article", result))
        try:
            document = compute()
        except ParseError as exc:
            batch.problems.append((result.url, f"unparsable: {exc}"))
            failed(result.url, f"unparsable: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - one odd page must not cost the source its other pages
            batch.problems.append((result.url, f"could not process: {type(exc).__name__}: {exc}"))
            failed(result.url, f"could not process: {type(exc).__name__}: {exc}")
            return
        finally:
            result.body = result.text = None  # parsed (or not): only the fetch log needs this result now
        settled(result.url)
        if document is not None:
            batch.documents.append(document)
            if sink and len(batch.documents) >= chunk_size:
                batch.hand_over(sink)

    with _page_pool(len(requests)) as pool:
        in_flight: deque[tuple[FetchResult, Callable[[], ParsedDocument | None]]] = deque()
        by_hash = _documents_by_hash(known) if pool else {}
        for result in fetcher.fetch_many(requests):
            # Chunks hold whole pages only (a fetch with its document), so a crash never leaves a page's
            # validators stored without its document. Many 304s or unchanged pages make a chunk too.
            if sink and len(batch.fetches) >= 4 * chunk_size:
                batch.hand_over(sink)
            if result.outcome == INTERRUPTED:
                continue  # owed below, with the pages never asked for; no fetch happened to log
            entry = pending.get(result.url)
            if result.outcome == NOT_MODIFIED:
                batch.fetches.append(("article", result))
                settled(result.url)
                continue
            if result.outcome != OK or result.content_hash is None:
                batch.fetches.append(("article", result))
                failed(result.url, result.error or result.outcome, permanent=result.status == 410)
                continue
            if result.text is None:
                batch.fetches.append(("article", result))
                failed(result.url, f"not a text page ({result.content_type})", permanent=True)
                continue
            hint = entry.published if entry else None
            lang = entry.language if entry else None
            if pool is None:
                finish(
                    result, lambda r=result, h=hint, g=lang: parsed_document(source, r, h, known, version, g)
                )
                continue
            in_flight.append((result, _pooled(pool, source, result, hint, by_hash, known, version, lang)))
            while len(in_flight) > IN_FLIGHT_PER_WORKER * PARSE_WORKERS:
                finish(*in_flight.popleft())
        while in_flight:
            finish(*in_flight.popleft())
    # Whatever was not answered (the run was stopped) stays owed, due at once, no try counted.
    batch.interrupted = discovery.interrupted or bool(pending)
    for url, entry in pending.items():
        batch.owed.append(
            after_interrupt(
                owed.get(url), source=source.name, url=url, now=now, published_hint=entry.published
            )
        )
    batch.fetches.extend(discovery_fetches)
    if sink:
        batch.hand_over(sink)
    return batch


def _to_fetch(
    source: SourceConfig,
    entries: list[Entry],
    owed: dict[str, OwedUrl],
    since: date | None,
    now: datetime,
) -> dict[str, Entry]:
    """The URLs to ask for in this run (URL → entry): the discovered ones, less those owed and still
    backing off or given up (a backfill asks for those again), plus every owed URL that is due,
    whether or not discovery found it again (its feed may answer 304, or may have dropped it)."""
    chosen: dict[str, Entry] = {}
    seen: set[str] = set()
    for entry in entries:
        canonical = canonicalize_url(entry.url)
        record = owed.get(entry.url)
        if canonical in seen or (record is not None and since is None and not record.due(now)):
            continue
        seen.add(canonical)
        chosen[entry.url] = entry
    for record in owed.values():
        canonical = canonicalize_url(record.url)
        if record.due(now) and canonical not in seen:
            seen.add(canonical)
            chosen[record.url] = Entry(
                url=record.url, title=None, published=record.published_hint, summary=None, source=source.name
            )
    return chosen


# --- parse + extract on every core, for backfills ---------------------------------------------------

POOL_MIN_PAGES = 100  # a source with fewer pages to read parses them in its own thread (no start-up)
PARSE_WORKERS = os.cpu_count() or 1  # processes parsing for the sources of a run (shared by them)
IN_FLIGHT_PER_WORKER = 4  # pages handed to the pool and not yet taken back, per worker (bounds memory)

_pool_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_users = 0


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the run (it stops cleanly and says what was saved); a worker that died
    of it would break the pool under every source."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _page_pool(pages: int) -> Iterator[ProcessPoolExecutor | None]:
    """A process pool for parse + extract while a source has ``pages`` to read, shared by the sources
    that run at the same time; None when there are few pages or one core.

    Parsing and extracting are pure Python: threads share one core (the GIL), processes use them all.
    The pool is started by the first source of a backfill that needs it and stopped by the last one.
    """
    global _pool, _pool_users
    if pages < POOL_MIN_PAGES or PARSE_WORKERS < 2:
        yield None
        return
    with _pool_lock:
        if _pool is None:
            # forkserver: workers start from a clean process with our modules loaded, never from a fork
            # of this one with its threads (Prefect's, the fetcher's) in the middle of something.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["aidtrack.collect"])
            _pool = ProcessPoolExecutor(PARSE_WORKERS, mp_context=context, initializer=_ignore_interrupts)
        _pool_users += 1
        pool = _pool
    try:
        yield pool
    finally:
        with _pool_lock:
            _pool_users -= 1
            if _pool_users == 0 and _pool is pool:
                _pool = None
                pool.shutdown(wait=True, cancel_futures=True)


def _documents_by_hash(known: KnownState) -> dict[str, dict[str, tuple[str, str | None]]]:
    """The known documents by content hash: a worker gets only those its page could be (not them all)."""
    by_hash: dict[str, dict[str, tuple[str, str | None]]] = {}
    for canonical, (content_hash, version) in known.documents.items():
        by_hash.setdefault(content_hash, {})[canonical] = (content_hash, version)
    return by_hash


def _parse_in_worker(
    source: SourceConfig,
    result: FetchResult,
    hint: datetime | None,
    documents: dict[str, tuple[str, str | None]],
    version: str,
    feed_language: str | None = None,
) -> ParsedDocument | None:
    return parsed_document(source, result, hint, KnownState(documents=documents), version, feed_language)


def _pooled(
    pool: ProcessPoolExecutor,
    source: SourceConfig,
    result: FetchResult,
    hint: datetime | None,
    by_hash: dict[str, dict[str, tuple[str, str | None]]],
    known: KnownState,
    version: str,
    feed_language: str | None = None,
) -> Callable[[], ParsedDocument | None]:
    """Hand one page to the pool; the callable returned waits for its document (or raises its error)."""

    def here() -> ParsedDocument | None:
        return parsed_document(source, result, hint, known, version, feed_language)

    light = replace(result, body=None)  # the worker needs the text, not the bytes too
    try:
        future: Future = pool.submit(
            _parse_in_worker,
            source,
            light,
            hint,
            by_hash.get(result.content_hash or "", {}),
            version,
            feed_language,
        )
    except (BrokenProcessPool, RuntimeError):  # the pool broke (a worker died) or was shut down
        return here

    def wait() -> ParsedDocument | None:
        try:
            return future.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory): parse here instead
            return here()

    return wait
