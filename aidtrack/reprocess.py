"""`aidtrack reprocess`: parse and extract every archived article again, without touching the network.

After the parser or the extractor improves, this brings the whole warehouse up to date: each article's
most recent archived body is parsed and extracted with the current code, its mentions are replaced,
and the ledger is rebuilt. Analysts' decisions live in their own tables and are not touched.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from aidtrack.collect import KnownState, SourceBatch, extractor_version, parsed_document
from aidtrack.fetch import FetchResult, RawArchive
from aidtrack.fetch.archive import ArchiveEntry
from aidtrack.fetch.encoding import decode_body
from aidtrack.fx import Rates, load_rates
from aidtrack.ledger.store import rebuild_ledger
from aidtrack.parse import ParseError
from aidtrack.settings import Settings
from aidtrack.sources import SourceConfig
from aidtrack.warehouse import prepare, writer
from aidtrack.warehouse.load import load_batch


@dataclass
class ReprocessSummary:
    articles: int = 0
    documents: int = 0
    missing_bodies: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    n_pledges: int = 0


def _source_config(
    name: str, kind: str, url: str | None, tier: str, language: str | None, country: str | None
) -> SourceConfig:
    return SourceConfig(
        name=name,
        kind=kind,
        url=url,
        path=None,
        keywords=(),
        links=None,
        next=None,
        max_pages=1,
        since=None,
        tier=tier,
        language=language,
        country=country,
        delay=None,
        enabled=True,
    )


def _as_fetch_result(entry: ArchiveEntry, body: bytes) -> FetchResult:
    text, encoding = decode_body(body, entry.headers.get("content-type") or entry.content_type)
    return FetchResult(
        url=entry.url,
        final_url=entry.final_url,
        outcome="ok",
        status=entry.status,
        body=body,
        text=text,
        encoding=encoding,
        content_type=entry.content_type,
        headers=entry.headers,
        etag=None,
        last_modified=None,
        content_hash=entry.content_hash,
        n_bytes=len(body),
        error=None,
        attempts=0,
        fetched_at=entry.fetched_at,
        elapsed_s=0.0,
    )


def reprocess(
    settings: Settings,
    progress: Callable[[int, int], None] | None = None,
    rates: Rates | None = None,
) -> ReprocessSummary:
    """Re-parse and re-extract every archived article; returns what was done. Converts with ``rates``
    (by default the settings' ``load_rates(settings.fx_file)``, as a run does)."""
    rates = rates if rates is not None else load_rates(settings.fx_file)
    summary = ReprocessSummary()
    with writer(settings, publish=False) as con:  # published at the end, with the new ledger
        prepare(con, rates=rates)
        article_source = dict(
            con.execute(
                "select url, arg_max(source, fetched_at) from fetches where purpose = 'article' and outcome = 'ok' "
                "group by url"
            ).fetchall()
        )
        sources = {
            row[0]: _source_config(*row)
            for row in con.execute("select name, kind, url, tier, language, country from sources").fetchall()
        }
        # The feed or sitemap date a page was first parsed with stands in for it when the page has none.
        published_before = dict(
            con.execute("select url, published_at from documents where published_at is not null").fetchall()
        )

    latest: dict[str, ArchiveEntry] = {}
    for entry in RawArchive(settings.archive_dir).iter_entries():
        if entry.url in article_source and (
            entry.url not in latest or entry.fetched_at >= latest[entry.url].fetched_at
        ):
            latest[entry.url] = entry
    summary.missing_bodies = len(set(article_source) - set(latest))

    archive = RawArchive(settings.archive_dir)
    batches: dict[str, SourceBatch] = {}
    version = extractor_version()
    nothing_known = KnownState()  # extract everything again, whatever was stored before
    for done, (url, entry) in enumerate(sorted(latest.items()), start=1):
        name = article_source[url]
        source = sources.get(name) or _source_config(name, "rss", None, "outlet", None, None)
        batch = batches.setdefault(name, SourceBatch(source=source))
        try:
            result = _as_fetch_result(entry, archive.get(entry.content_hash))
            hint = published_before.get(entry.final_url) or published_before.get(entry.url)
            document = parsed_document(source, result, hint, nothing_known, version)
        except (KeyError, OSError, EOFError, zlib.error):  # never archived, pruned, or damaged
            summary.missing_bodies += 1
            continue
        except ParseError as exc:
            summary.problems.append((url, f"unparsable: {exc}"))
            continue
        if document is not None:
            batch.documents.append(document)
        summary.articles += 1
        if progress:
            progress(done, len(latest))

    with writer(settings, published_by="reprocess") as con:
        con.execute("begin")
        try:
            for batch in batches.values():
                summary.documents += load_batch(con, "reprocess", batch, rates=rates)["documents"]
            summary.n_pledges = rebuild_ledger(con, settings.ledger_policy.review_threshold, rates=rates)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    return summary
