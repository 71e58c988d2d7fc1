"""Writes into the warehouse. Each function runs inside one transaction the caller opens, so a run that
dies half-way leaves the warehouse as it was after its last commit, and re-running is idempotent
(documents are keyed by canonical URL, mentions by content, the ledger is rebuilt)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime

import duckdb

from aidtrack.collect import KnownState, SourceBatch, extractor_version, mention_id
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
    return KnownState(validators=validators, documents=documents)


def load_batch(con: duckdb.DuckDBPyConnection, run_id: str, batch: SourceBatch) -> dict[str, int]:
    """Write one source's fetch log, validators, documents, mentions and curated rows. Returns counts."""
    fetch_rows = []
    cache_rows = []
    for purpose, r in batch.fetches:
        fetch_rows.append(
            (
                run_id,
                batch.source.name,
                r.url,
                r.final_url,
                purpose,
                r.outcome,
                r.status,
                r.n_bytes,
                r.etag,
                r.last_modified,
                r.content_hash,
                r.error,
                r.attempts,
                r.fetched_at,
                r.elapsed_s,
            )
        )
        if r.outcome == "ok" and (r.etag or r.last_modified or r.content_hash):
            cache_rows.append((r.url, r.etag, r.last_modified, r.content_hash, r.fetched_at))
    for url, problem in batch.problems:
        fetch_rows.append(
            (
                run_id,
                batch.source.name,
                url,
                url,
                "parse",
                "unparsable",
                None,
                0,
                None,
                None,
                None,
                problem,
                0,
                now(),
                0.0,
            )
        )
    if batch.error and not batch.error_recorded:
        fetch_rows.append(
            (
                run_id,
                batch.source.name,
                batch.source.url or str(batch.source.path),
                None,
                "source",
                "failed",
                None,
                0,
                None,
                None,
                None,
                batch.error,
                0,
                now(),
                0.0,
            )
        )
    if fetch_rows:
        con.executemany(
            """insert into fetches (run_id, source, url, final_url, purpose, outcome, status, n_bytes, etag,
                   last_modified, content_hash, error, attempts, fetched_at, elapsed_s)
               values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            fetch_rows,
        )
    if cache_rows:
        con.executemany("insert or replace into http_cache values (?, ?, ?, ?, ?)", cache_rows)

    version = extractor_version()
    new_mentions = 0
    for doc in batch.documents:
        first_seen = con.execute(
            "select first_seen_at from documents where document_id = ?", [doc.document_id]
        ).fetchone()
        con.execute("delete from mentions where document_id = ?", [doc.document_id])
        con.execute(
            "insert or replace into documents values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                doc.document_id,
                doc.canonical_url,
                doc.url,
                doc.source,
                doc.title,
                doc.published_at,
                doc.published_at.date() if doc.published_at else None,
                doc.language,
                doc.text,
                doc.content_hash,
                doc.fetched_at,
                first_seen[0] if first_seen else now(),
                version,
            ],
        )
        rows = {}
        for s in doc.statements:
            mid = mention_id(doc.document_id, s)
            rows[mid] = (
                mid,
                doc.document_id,
                s.kind,
                list(s.donors),
                s.amount,
                s.amount_low,
                s.currency,
                s.currency_assumed,
                s.program,
                s.confidence,
                s.quote,
                s.start,
                s.stated_date,
                s.period,
                list(s.notes),
                version,
            )
        if rows:
            con.executemany(
                "insert into mentions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(rows.values()),
            )
        new_mentions += len(rows)

    if batch.source.kind == "csv" and batch.curated:
        # The curated file is the truth for its source: its good rows replace what it said before. A file
        # that could not be read at all (no rows) leaves the earlier rows in place: nothing is lost.
        con.execute("delete from curated_pledges where source = ?", [batch.source.name])
        con.executemany(
            "insert or replace into curated_pledges values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    curated_id(batch.source.name, p),
                    batch.source.name,
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
    return {"documents": len(batch.documents), "mentions": new_mentions}
