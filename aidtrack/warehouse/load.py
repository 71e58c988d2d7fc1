"""Writes into the warehouse. Each function runs inside one transaction the caller opens, so a run that
dies half-way leaves the warehouse as it was after its last commit, and re-running is idempotent
(documents are keyed by canonical URL, mentions by content, the ledger is rebuilt)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime

import duckdb
import pandas as pd

from aidtrack.collect import KnownState, SourceBatch, extractor_version, mention_id
from aidtrack.owed import OwedUrl
from aidtrack.sources import CuratedPledge, SourceConfig


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


def load_batch(con: duckdb.DuckDBPyConnection, run_id: str, batch: SourceBatch) -> dict[str, int]:
    """Write one source's fetch log, validators, documents, mentions and curated rows. Returns counts.

    Set-based (one statement per table through data frames): a chunk of 50 documents loads in tens of
    milliseconds, so the writer lock is held briefly.
    """
    name = batch.source.name
    stamp = now()
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
               select * replace (donors::varchar[] as donors, notes::varchar[] as notes,
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
