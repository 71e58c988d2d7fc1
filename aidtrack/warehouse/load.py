"""Writes into the warehouse. Each function runs inside one transaction the caller opens, so a run that
dies half-way leaves the warehouse as it was after its last commit, and re-running is idempotent
(documents are keyed by canonical URL, mentions by content, the ledger is rebuilt)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import duckdb
import pandas as pd

from aidtrack.fx import Rates, UnknownCurrencyError, load_rates
from aidtrack.owed import OwedUrl
from aidtrack.records import KnownState, SourceBatch, extractor_version, mention_id
from aidtrack.sources import CuratedPledge, SourceConfig
from aidtrack.sources.reference import ReferenceRelease, ReferenceSeries, unit_change


def curated_id(source: str, pledge: CuratedPledge) -> str:
    basis = (
        f"{source}|{pledge.row}|{pledge.donors}|{pledge.amount}|{pledge.currency}|{pledge.announced_on}"
        f"|{pledge.program}|{pledge.source_url}"
    )
    return "c_" + hashlib.sha256(basis.encode()).hexdigest()[:16]


def now() -> datetime:
    return datetime.now(UTC)


def register_sources(con: duckdb.DuckDBPyConnection, sources: Iterable[SourceConfig]) -> None:
    stamp = now()
    for s in sources:
        where = s.url or (str(s.path) if s.path else None)
        con.execute(
            """insert into sources values (?, ?, ?, ?, ?, ?, ?, ?)
               on conflict (name) do update set kind = excluded.kind, url = excluded.url, tier = excluded.tier,
                   language = excluded.language, country = excluded.country, last_seen_at = excluded.last_seen_at""",
            [s.name, s.kind, where, s.tier, s.language, s.country, stamp, stamp],
        )


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, sources_file: str, n_sources: int) -> None:
    con.execute(
        """insert into runs (run_id, started_at, status, sources_file, n_sources) values (?, ?, 'running', ?, ?)
           on conflict (run_id) do update set started_at = excluded.started_at, status = 'running'""",
        [run_id, now(), sources_file, n_sources],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, status: str, n_failed: int, summary: dict
) -> None:
    con.execute(
        "update runs set finished_at = ?, status = ?, n_failed = ?, summary = ? where run_id = ?",
        [now(), status, n_failed, json.dumps(summary, default=str), run_id],
    )


def known_state(con: duckdb.DuckDBPyConnection) -> KnownState:
    validators = {
        url: (etag, lm)
        for url, etag, lm in con.execute("select url, etag, last_modified from http_cache").fetchall()
    }
    documents = {
        url: (h, v)
        for url, h, v in con.execute(
            "select canonical_url, content_hash, extracted_version from documents"
        ).fetchall()
    }
    owed: dict[str, dict[str, OwedUrl]] = {}
    for row in con.execute(f"select {', '.join(_OWED_COLUMNS)} from owed_urls").fetchall():
        record = OwedUrl(*row)
        owed.setdefault(record.source, {})[record.url] = record
    return KnownState(validators=validators, documents=documents, owed=owed)


_OWED_COLUMNS = [
    "source",
    "url",
    "status",
    "tries",
    "first_owed_at",
    "last_tried_at",
    "next_try_at",
    "last_reason",
    "published_hint",
]


_FETCH_COLUMNS = [
    "run_id",
    "source",
    "url",
    "final_url",
    "purpose",
    "outcome",
    "status",
    "n_bytes",
    "etag",
    "last_modified",
    "content_hash",
    "error",
    "attempts",
    "fetched_at",
    "elapsed_s",
]


def _unfetched(
    run_id: str,
    source: str,
    url: str,
    final_url: str | None,
    purpose: str,
    outcome: str,
    error: str,
    at: datetime,
) -> tuple:
    """A fetch-log row for a failure with no HTTP response of its own (unparsable page, failed source)."""
    return (run_id, source, url, final_url, purpose, outcome, None, 0, None, None, None, error, 0, at, 0.0)


def _frame(rows: list[dict] | list[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns).astype(object).where(lambda f: f.notna(), None)


def load_batch(
    con: duckdb.DuckDBPyConnection, run_id: str, batch: SourceBatch, *, rates: Rates | None = None
) -> dict[str, int]:
    """Write one source's fetch log, validators, documents, mentions and curated rows. Returns counts.
    A reference source's series are converted with ``rates`` (None: the bundled rates).

    Set-based (one statement per table through data frames): a chunk of 50 documents loads in tens of
    milliseconds, so the writer lock is held briefly.
    """
    name = batch.source.name
    stamp = now()
    if batch.source.kind == "reference":
        # First: a release that fails the check against the last good one becomes the source's error,
        # written to the fetch log below like any other.
        load_reference(con, batch, stamp, rates=rates)
    fetches = [
        (run_id, name, r.url, r.final_url, purpose, r.outcome, r.status, r.n_bytes, r.etag, r.last_modified,
         r.content_hash, r.error, r.attempts, r.fetched_at, r.elapsed_s)
        for purpose, r in batch.fetches
    ]  # fmt: skip
    fetches += [
        _unfetched(run_id, name, url, url, "parse", "unparsable", problem, stamp)
        for url, problem in batch.problems
    ]
    if batch.error and not batch.error_recorded:
        where = batch.source.url or str(batch.source.path)
        fetches.append(_unfetched(run_id, name, where, None, "source", "failed", batch.error, stamp))
    if fetches:
        con.register("fetch_frame", _frame(fetches, _FETCH_COLUMNS))
        con.execute("insert into fetches by name select * from fetch_frame")

    validators = {
        r.url: {
            "url": r.url,
            "etag": r.etag,
            "last_modified": r.last_modified,
            "content_hash": r.content_hash,
            "updated_at": r.fetched_at,
        }
        for purpose, r in batch.fetches
        if r.outcome == "ok"
        and (r.etag or r.last_modified or r.content_hash)
        # A discovery the run was stopped in the middle of may have missed entries: a stored validator
        # would turn the next run's fetch of that feed or sitemap into a 304 and lose them.
        and (purpose != "discover" or batch.discovery_complete)
        # A reference file we could not use must be downloaded again by the next run (and its problem
        # reported again) until it is fixed, not answered with a 304 that hides the problem.
        and not (batch.source.kind == "reference" and batch.error)
    }
    if validators:
        con.register(
            "cache_frame",
            _frame(list(validators.values()), ["url", "etag", "last_modified", "content_hash", "updated_at"]),
        )
        con.execute("insert or replace into http_cache by name select * from cache_frame")

    version = extractor_version()
    documents = {doc.document_id: doc for doc in batch.documents}  # the last version of a page wins
    mentions: dict[str, dict] = {}
    for doc in documents.values():
        for st in doc.statements:
            mid = mention_id(doc.document_id, st)
            mentions[mid] = {
                "mention_id": mid,
                "document_id": doc.document_id,
                "kind": st.kind,
                "donors": list(st.donors),
                "amount": st.amount,
                "amount_low": st.amount_low,
                "currency": st.currency,
                "currency_assumed": st.currency_assumed,
                "program": st.program,
                "confidence": st.confidence,
                "quote": st.quote,
                "quote_start": st.start,
                "stated_date": st.stated_date,
                "period": st.period,
                "notes": list(st.notes),
                "trace": list(st.trace),
                "extractor_version": version,
            }
    if documents:
        doc_frame = _frame(
            [
                {
                    "document_id": d.document_id,
                    "canonical_url": d.canonical_url,
                    "url": d.url,
                    "source": d.source,
                    "title": d.title,
                    "published_at": d.published_at,
                    "published_on": d.published_at.date() if d.published_at else None,
                    "language": d.language,
                    "language_how": d.language_how,
                    "language_read": d.language_read,
                    "text": d.text,
                    "content_hash": d.content_hash,
                    "fetched_at": d.fetched_at,
                    "first_seen_at": stamp,
                    "extracted_version": version,
                }
                for d in documents.values()
            ],
            [
                "document_id",
                "canonical_url",
                "url",
                "source",
                "title",
                "published_at",
                "published_on",
                "language",
                "language_how",
                "language_read",
                "text",
                "content_hash",
                "fetched_at",
                "first_seen_at",
                "extracted_version",
            ],
        )
        con.register("doc_frame", doc_frame)
        # A page seen before keeps its first_seen_at; its mentions are replaced by the new extraction.
        con.execute(
            """insert or replace into documents by name
               select n.* replace (coalesce(o.first_seen_at, n.first_seen_at::timestamptz) as first_seen_at)
               from doc_frame n left join documents o using (document_id)"""
        )
        con.execute("delete from mentions where document_id in (select document_id from doc_frame)")
    if mentions:
        con.register("mention_frame", pd.DataFrame(list(mentions.values())))
        con.execute(
            """insert into mentions by name
               select * replace (donors::varchar[] as donors, notes::varchar[] as notes, trace::varchar[] as trace,
                                 stated_date::date as stated_date, period::varchar as period,
                                 amount_low::double as amount_low)
               from mention_frame"""
        )

    if batch.settled:
        con.execute(
            "delete from owed_urls where source = ? and url in (select unnest(?))", [name, batch.settled]
        )
    if batch.owed:
        con.executemany(
            f"insert or replace into owed_urls ({', '.join(_OWED_COLUMNS)}) values ({', '.join('?' * len(_OWED_COLUMNS))})",
            [[getattr(o, c) for c in _OWED_COLUMNS] for o in {o.url: o for o in batch.owed}.values()],
        )

    if batch.source.kind == "csv" and batch.curated:
        # The curated file is the truth for its source: its good rows replace what it said before. A file
        # that could not be read at all (no rows) leaves the earlier rows in place: nothing is lost.
        con.execute("delete from curated_pledges where source = ?", [name])
        con.executemany(
            "insert or replace into curated_pledges values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    curated_id(name, p),
                    name,
                    list(p.donors),
                    p.amount,
                    p.currency,
                    p.announced_on,
                    p.program,
                    p.source_url,
                    p.note,
                )
                for p in batch.curated
            ],
        )
    for frame in ("fetch_frame", "cache_frame", "doc_frame", "mention_frame"):
        con.unregister(frame)
    return {"documents": len(documents), "mentions": len(mentions)}


def current_reference(con: duckdb.DuckDBPyConnection, source: str) -> tuple[str, ReferenceSeries] | None:
    """The release of ``source`` the marts use (the good one last seen), as (release_id, series)."""
    row = con.execute(
        """select release_id, format, currency, measure from reference_releases
           where source = ? and status = 'good' order by last_seen_at desc, first_seen_at desc limit 1""",
        [source],
    ).fetchone()
    if row is None:
        return None
    release_id, fmt, currency, measure = row
    values: dict[str, dict[date, float]] = {}
    programs: dict[str, str] = {}
    for series, program, month, amount in con.execute(
        "select series, program, month, amount from reference_values where release_id = ? order by month",
        [release_id],
    ).fetchall():
        values.setdefault(series, {})[month] = amount
        if program:
            programs[series] = program
    months = tuple(sorted({m for column in values.values() for m in column}))
    return release_id, ReferenceSeries(fmt, currency, measure, months, values, programs)


def store_reference(con: duckdb.DuckDBPyConnection, release: ReferenceRelease, stamp: datetime) -> str | None:
    """Record one release of a reference file; returns why it cannot be used, or None when it is good.

    The same bytes read again only move ``last_seen_at`` (which makes them the current release again,
    if the publisher went back to them). New bytes are checked against the current good release
    (``unit_change``) and stored as ``good`` or ``rejected``; a rejected release never feeds the marts.
    """
    series = release.series
    current = current_reference(con, release.source)
    problem = None
    if current is not None and current[0] != release.release_id:
        problem = unit_change(series, current[1])
    con.execute(
        """insert into reference_releases values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           on conflict (release_id) do update set last_seen_at = excluded.last_seen_at,
               location = excluded.location, publisher = excluded.publisher, status = excluded.status,
               problem = excluded.problem""",
        [
            release.release_id,
            release.source,
            series.format,
            release.publisher,
            release.location,
            release.content_hash,
            release.last_modified,
            release.etag,
            stamp,
            stamp,
            series.first_month,
            series.last_month,
            len(series.months),
            series.currency,
            series.measure,
            "rejected" if problem else "good",
            problem,
            list(series.notes),
        ],
    )
    rows = [
        (release.release_id, column, series.programs.get(column), month, amount)
        for column, by_month in series.values.items()
        for month, amount in by_month.items()
    ]
    con.execute("delete from reference_values where release_id = ?", [release.release_id])
    if rows:
        con.register("reference_frame", _frame(rows, ["release_id", "series", "program", "month", "amount"]))
        con.execute(
            """insert into reference_values by name
               select * replace (month::date as month, amount::double as amount) from reference_frame"""
        )
        con.unregister("reference_frame")
    return problem


def refresh_reference_rates(
    con: duckdb.DuckDBPyConnection, today: date | None = None, *, rates: Rates | None = None
) -> int:
    """Rewrite ``reference_fx_rates``: for each reference currency, the USD rate (from ``rates``; None:
    the bundled rates) of every day from the first month of its releases to ``today``. Returns the
    number of rows written."""
    today = today or now().date()
    rates = rates if rates is not None else load_rates(None)
    spans = con.execute(
        "select currency, min(first_month) from reference_releases where status = 'good' group by currency"
    ).fetchall()
    rows = []
    for currency, first in spans:
        day = first
        while day <= today:
            try:
                usd, used = rates.usd_rate(currency, day)
            except UnknownCurrencyError:
                break  # no ECB rate at all (a currency the ECB dropped): the comparison shows no EUR
            rows.append((currency, day, used, usd))
            day += timedelta(days=1)
    con.execute("delete from reference_fx_rates")
    if rows:
        con.register("rates_frame", _frame(rows, ["currency", "on_date", "rate_date", "usd_per_unit"]))
        con.execute(
            """insert into reference_fx_rates by name
               select * replace (on_date::date as on_date, rate_date::date as rate_date,
                                 usd_per_unit::double as usd_per_unit) from rates_frame"""
        )
        con.unregister("rates_frame")
    return len(rows)


def load_reference(
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, stamp: datetime, *, rates: Rates | None = None
) -> None:
    """A reference source's part of ``load_batch``: its new release, or the news that nothing changed,
    and the rates the comparison converts with. A new release that fails the check against the last good
    one sets ``batch.error`` (so the run reports the source as failed and the fetch log keeps why)."""
    name = batch.source.name
    release = batch.reference
    if release is not None:
        problem = store_reference(con, release, stamp)
        if problem:
            kept = con.execute(
                """select strftime(first_seen_at, '%Y-%m-%d'), strftime(last_month, '%Y-%m')
                   from reference_releases where source = ? and status = 'good'
                   order by last_seen_at desc limit 1""",
                [name],
            ).fetchone()
            still = f"; the release first seen on {kept[0]} (data to {kept[1]}) stays in use" if kept else ""
            batch.error = f"{release.location}: {problem}{still}"
    elif batch.error is None and not batch.interrupted:
        # Not modified (304): the current release is still what the publisher serves.
        con.execute(
            """update reference_releases set last_seen_at = ? where release_id = (
                   select release_id from reference_releases where source = ? and status = 'good'
                   order by last_seen_at desc, first_seen_at desc limit 1)""",
            [stamp, name],
        )
    refresh_reference_rates(con, stamp.date(), rates=rates)
