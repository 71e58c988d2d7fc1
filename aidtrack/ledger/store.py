"""Rebuild ``pledge_ledger`` and ``pledge_sources`` from the warehouse's mentions and curated rows."""

from __future__ import annotations

import duckdb
import pandas as pd

from aidtrack.extract import REVIEW_THRESHOLD
from aidtrack.ledger.build import Citation, build_ledger
from aidtrack.ledger.fx import usd_rate

_CITATIONS_SQL = """
select m.kind, m.donors, m.amount, m.currency, m.program,
       coalesce(m.stated_date, d.published_on, cast(d.fetched_at as date)) as on_date,
       m.confidence, coalesce(s.tier, 'outlet') as tier, m.mention_id, d.document_id, d.canonical_url,
       d.source, m.quote
from mentions m
join documents d using (document_id)
left join sources s on s.name = d.source
where m.kind in ('pledge', 'recap')
union all
select 'curated', c.donors, c.amount, c.currency, c.program, c.announced_on, 1.0, 'official', null, null,
       c.source_url, c.source, c.note
from curated_pledges c
"""


def load_citations(con: duckdb.DuckDBPyConnection) -> list[Citation]:
    return [
        Citation(
            kind=k,
            donors=tuple(sorted(donors)),
            amount=amount,
            currency=currency,
            program=program,
            on=on_date,
            confidence=confidence,
            tier=tier,
            mention_id=mid,
            document_id=did,
            url=url,
            source=source,
            quote=quote,
        )
        for (
            k,
            donors,
            amount,
            currency,
            program,
            on_date,
            confidence,
            tier,
            mid,
            did,
            url,
            source,
            quote,
        ) in con.execute(_CITATIONS_SQL).fetchall()
        if donors  # a pledge without a donor cannot be placed in the ledger
    ]


def rebuild_ledger(con: duckdb.DuckDBPyConnection, review_threshold: float = REVIEW_THRESHOLD) -> int:
    """Replace the ledger with one derived from the current mentions; returns the number of pledges.

    Must run inside the caller's transaction so readers never see a half-built ledger.
    """
    pledges = build_ledger(load_citations(con))
    ledger_rows, source_rows = [], []
    for pledge in pledges:
        head = pledge.canonical
        announced = pledge.announced_on
        fx_rate, fx_date = usd_rate(head.currency, announced)
        confidence = max(c.confidence for c in pledge.citations if c.kind != "recap")
        origin = "curated" if any(c.kind == "curated" for c in pledge.citations) else "extracted"
        first = min(pledge.citations, key=lambda c: (c.on, c.kind == "recap"))
        ledger_rows.append(
            {
                "pledge_id": pledge.pledge_id,
                "donors": list(head.donors),
                "amount": head.amount,
                "currency": head.currency,
                "fx_rate_usd": fx_rate,
                "fx_date": fx_date,
                "amount_usd": head.amount * fx_rate,
                "announced_on": announced,
                "program": head.program,
                "status": "counted" if confidence >= review_threshold else "review",
                "confidence": confidence,
                "n_sources": len({c.url or c.mention_id for c in pledge.citations}),
                "first_url": first.url,
                "origin": origin,
            }
        )
        for c in pledge.citations:
            source_rows.append(
                {
                    "pledge_id": pledge.pledge_id,
                    "mention_id": c.mention_id,
                    "document_id": c.document_id,
                    "url": c.url,
                    "source": c.source,
                    "quote": c.quote,
                    "published_on": c.on,
                    "kind": c.kind,
                }
            )
    con.execute("delete from pledge_sources")
    con.execute("delete from pledge_ledger")
    if ledger_rows:
        ledger_df = pd.DataFrame(ledger_rows)  # noqa: F841 (read by DuckDB's replacement scan)
        sources_df = pd.DataFrame(source_rows)  # noqa: F841
        con.execute("insert into pledge_ledger by name select * from ledger_df")
        con.execute("insert into pledge_sources by name select * from sources_df")
    return len(ledger_rows)
