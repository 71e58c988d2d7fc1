"""One source, end to end up to the warehouse: discover → fetch → parse → extract.

A plain function of its inputs (a source, a fetcher and what the warehouse already knows), returning a
``SourceBatch`` that the loader writes in one transaction. Nothing here touches the warehouse, so it can
run in parallel across sources and be tested without Prefect.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from aidtrack import __version__
from aidtrack.extract import LexiconError, Statement, extract
from aidtrack.fetch import INTERRUPTED, NOT_MODIFIED, OK, Fetcher, FetchRequest, FetchResult
from aidtrack.owed import OwedUrl, after_failure, after_interrupt
from aidtrack.parse import ParseError, canonicalize_url, parse_article
from aidtrack.sources import CuratedPledge, SourceConfig, discover
from aidtrack.sources.entries import Entry


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """Changes whenever the extractor's code or lexicons change, so `reprocess` knows what is stale."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent / "extract"
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yaml", ".yml", ".json", ".txt"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def document_id(canonical_url: str) -> str:
    return hashlib.sha256(canonical_url.encode()).hexdigest()[:32]


def mention_id(doc_id: str, statement: Statement) -> str:
    basis = "|".join(
        [
            doc_id,
            str(statement.start),
            statement.kind,
            ",".join(statement.donors),
            f"{statement.amount:.2f}",
            statement.currency,
            statement.program,
            statement.quote,
        ]
    )
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class KnownState:
    """What the warehouse knew before this run: validators per URL, documents by canonical URL, and the
    retry ledger (source → URL → record)."""

    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    documents: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # canonical → (hash, version)
    owed: dict[str, dict[str, OwedUrl]] = field(default_factory=dict)

    def validator(self, url: str) -> tuple[str | None, str | None]:
        return self.validators.get(url, (None, None))


@dataclass
class ParsedDocument:
    document_id: str
    canonical_url: str
    url: str
    source: str
    title: str | None
    published_at: datetime | None
    language: str | None
    text: str
    content_hash: str
    fetched_at: datetime
    statements: list[Statement]


@dataclass
class SourceBatch:
    source: SourceConfig
    fetches: list[tuple[str, FetchResult]] = field(default_factory=list)  # (purpose, result)
    documents: list[ParsedDocument] = field(default_factory=list)
    curated: list[CuratedPledge] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (url, what went wrong after fetching)
    owed: list[OwedUrl] = field(default_factory=list)  # retry-ledger records to write (owed or given up)
    settled: list[str] = field(default_factory=list)  # URLs no longer owed: fetched and parsed, or 304
    discovery_complete: bool = True  # False when the run was stopped mid-discovery: keep no validators
    interrupted: bool = False  # the run was stopped before this source was done (not its fault)
    error: str | None = None
    error_recorded: bool = False  # the source's failure is already in the fetch log (an earlier chunk)
    discovered: int = 0
    flushed: Counter = field(default_factory=Counter)  # counts of the chunks already handed to the sink

    def _in_hand(self) -> Counter:
        articles = [r for purpose, r in self.fetches if purpose == "article"]
        return Counter(
            {
                "fetched": sum(r.outcome == "ok" for r in articles),
                "not_modified": sum(r.outcome == "not_modified" for r in articles),
                "failed": sum(r.outcome == "failed" for r in articles),
                "skipped_robots": sum(r.outcome == "skipped_robots" for r in articles),
                "unparsable": len(self.problems),
                "documents": len(self.documents),
                "statements": sum(len(d.statements) for d in self.documents),
                "curated": len(self.curated),
                "owed": sum(o.status == "owed" for o in self.owed),
                "given_up": sum(o.status == "given_up" for o in self.owed),
            }
        )

    def counts(self) -> dict[str, int]:
        """What this source did in the run, the chunks already handed over included."""
        in_hand = self._in_hand()
        return {"discovered": self.discovered} | {key: self.flushed[key] + in_hand[key] for key in in_hand}

    def hand_over(self, sink: Callable[[SourceBatch], None]) -> None:
        """Give what was collected so far to ``sink`` (which loads it) and keep only its counts, so a
        source with thousands of pages never holds them all in memory."""
        sink(self)
        self.flushed.update(self._in_hand())
        self.fetches, self.documents, self.problems, self.curated = [], [], [], []
        self.owed, self.settled = [], []
        self.error_recorded = self.error_recorded or self.error is not None


def _extract(
    text: str, *, published: date | None, url: str, country: str | None, languages: list[str | None]
) -> list[Statement]:
    """Extract with the first of ``languages`` that has a lexicon (page language, then the source's)."""
    tried = []
    for language in dict.fromkeys(lang for lang in [*languages, "en"] if lang):
        try:
            return list(
                extract(
                    text, published=published, url=url, source_country=country, language=language
                ).statements
            )
        except LexiconError:
            tried.append(language)
    raise LexiconError(f"no lexicon for any of {tried}")


def parsed_document(
    source: SourceConfig,
    result: FetchResult,
    published_hint: datetime | None,
    known: KnownState,
    version: str,
) -> ParsedDocument | None:
    """Parse and extract one fetched page; None when it is unchanged since it was last extracted.

    ``published_hint`` is the date the feed, sitemap or listing gave, used when the page states none.
    """
    article = parse_article(result.text or "", result.final_url, published_hint=published_hint)
    if known.documents.get(article.canonical_url) == (result.content_hash, version):
        return None  # same bytes, same extractor: nothing new to learn
    statements = _extract(
        article.text,
        published=article.published_on,
        url=article.canonical_url,
        country=source.country,
        languages=[article.language, source.language],
    )
    return ParsedDocument(
        document_id=document_id(article.canonical_url),
        canonical_url=article.canonical_url,
        url=result.final_url,
        source=source.name,
        title=article.title,
        published_at=article.published,
        language=article.language or source.language,
        text=article.text,
        content_hash=result.content_hash or "",
        fetched_at=result.fetched_at,
        statements=statements,
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
    for result in fetcher.fetch_many(requests):
        # Chunks hold whole pages only (a fetch with its document), so a crash never leaves a page's
        # validators stored without its document. Many 304s or unchanged pages make a chunk too.
        if sink and len(batch.fetches) >= 4 * chunk_size:
            batch.hand_over(sink)
        if result.outcome == INTERRUPTED:
            continue  # owed below, with the pages never asked for; no fetch happened to log
        batch.fetches.append(("article", result))
        entry = pending.get(result.url)
        if result.outcome == NOT_MODIFIED:
            settled(result.url)
            continue
        if result.outcome != OK or result.content_hash is None:
            failed(result.url, result.error or result.outcome, permanent=result.status == 410)
            continue
        if result.text is None:
            failed(result.url, f"not a text page ({result.content_type})", permanent=True)
            continue
        try:
            document = parsed_document(source, result, entry.published if entry else None, known, version)
        except ParseError as exc:
            batch.problems.append((result.url, f"unparsable: {exc}"))
            failed(result.url, f"unparsable: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - one odd page must not cost the source its other pages
            batch.problems.append((result.url, f"could not process: {type(exc).__name__}: {exc}"))
            failed(result.url, f"could not process: {type(exc).__name__}: {exc}")
            continue
        finally:
            result.body = result.text = None  # parsed (or not): only the fetch log needs this result now
        settled(result.url)
        if document is not None:
            batch.documents.append(document)
            if sink and len(batch.documents) >= chunk_size:
                batch.hand_over(sink)
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
