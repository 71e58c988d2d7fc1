"""Builders for small ledger warehouses (sources, documents, mentions, curated rows): used by the ledger
tests and to try the review commands by hand. Not used by the pipeline."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import duckdb

from aidtrack.warehouse import prepare

FETCHED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def warehouse(con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    con = con or duckdb.connect()
    prepare(con)
    for name, tier in (("gov", "official"), ("wire", "wire"), ("outlet", "outlet"), ("digest", "aggregator")):
        con.execute(
            """insert or replace into sources (name, kind, url, tier, language, country, first_seen_at, last_seen_at)
               values (?, 'rss', ?, ?, 'en', null, ?, ?)""",
            [name, f"https://{name}.example/feed", tier, FETCHED, FETCHED],
        )
    return con


def add_document(con, url: str, source: str, published_on: date | None, text: str = "text") -> str:
    doc_id = hashlib.sha256(url.encode()).hexdigest()[:32]
    published_at = datetime.combine(published_on, datetime.min.time(), UTC) if published_on else None
    con.execute(
        """insert or replace into documents (document_id, canonical_url, url, source, title, published_at,
               published_on, language, text, content_hash, fetched_at, first_seen_at, extracted_version)
           values (?, ?, ?, ?, ?, ?, ?, 'en', ?, ?, ?, ?, 'test')""",
        [doc_id, url, url, source, url, published_at, published_on, text, "h" + doc_id, FETCHED, FETCHED],
    )
    return doc_id


def add_mention(
    con,
    url: str,
    *,
    donors=("CAN",),
    amount: float = 200e6,
    currency: str = "CAD",
    kind: str = "pledge",
    source: str = "wire",
    published_on: date | None = date(2025, 12, 3),
    stated_date: date | None = None,
    program: str = "PURL",
    confidence: float = 0.9,
    assumed: bool = False,
    quote: str | None = None,
    period: str | None = None,
    mention_id: str | None = None,
) -> str:
    doc_id = add_document(con, url, source, published_on)
    quote = quote or f"{','.join(donors)} {kind} {amount:.0f} {currency}"
    mid = mention_id or hashlib.sha256(f"{doc_id}|{kind}|{quote}|{amount}".encode()).hexdigest()[:32]
    con.execute(
        """insert into mentions (mention_id, document_id, kind, donors, amount, currency, currency_assumed,
               program, confidence, quote, stated_date, period, extractor_version)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test')""",
        [
            mid,
            doc_id,
            kind,
            list(donors),
            amount,
            currency,
            assumed,
            program,
            confidence,
            quote,
            stated_date,
            period,
        ],
    )
    return mid


def add_curated(con, donors, amount, currency, on: date, program: str = "PURL", cid: str = "c1") -> None:
    con.execute(
        """insert into curated_pledges (curated_id, source, donors, amount, currency, announced_on, program,
               source_url, note)
           values (?, 'analyst-csv', ?, ?, ?, ?, ?, 'https://gov.example/x', 'note')""",
        [cid, list(donors), amount, currency, on, program],
    )


def ledger(con) -> dict[str, dict]:
    cursor = con.execute("select * from pledge_ledger order by announced_on, pledge_id")
    columns = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}
