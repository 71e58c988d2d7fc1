"""Rebuild ``pledge_ledger`` and ``pledge_sources`` from the warehouse's mentions, curated rows and
analysts' decisions, then run the data checks (``sql/checks``).

Both paths that change mentions (``runs.close_run`` and ``aidtrack reprocess``) call ``rebuild_ledger``
inside their own transaction: a failing check raises ``DataCheckError`` and the caller's rollback leaves
the warehouse exactly as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

import duckdb

from aidtrack.extract import REVIEW_THRESHOLD
from aidtrack.fx import Rates, UnknownCurrencyError, load_rates
from aidtrack.ledger.build import PRIMARY_KINDS, VOUCHED_KINDS, Citation, LedgerPledge, build_ledger
from aidtrack.ledger.checks import run_checks
from aidtrack.ledger.overrides import Decision, added_citations, attach_ids, load_decisions

log = logging.getLogger(__name__)

# The date a mention gives its pledge: the date stated in the text, else the article's publication date,
# else the day we fetched it. A pledge is never announced after the article reporting it was published
# or fetched ("to be paid by end-2025" is a due date, not the announcement).
CITATIONS_SQL = """
with dated as (
    select m.*, d.canonical_url, d.source, d.published_on,
           cast(d.fetched_at as date) as fetched_on, coalesce(s.tier, 'outlet') as tier
    from mentions m
    join documents d using (document_id)
    left join sources s on s.name = d.source
    where m.kind in ('pledge', 'recap', 'share')
)
select kind, donors, amount, currency, program,
       least(coalesce(stated_date, published_on, fetched_on), coalesce(published_on, fetched_on), fetched_on)
           as on_date,
       case when stated_date is not null and stated_date <= coalesce(published_on, fetched_on)
                 and list_contains(coalesce(notes, []), 'dated by the month it names') then 'month'
            when stated_date is not null and stated_date <= coalesce(published_on, fetched_on) then 'stated'
            when published_on is not null then 'published'
            else 'fetched' end as dated_by,
       confidence, tier, mention_id, document_id, canonical_url, source, quote, currency_assumed,
       list_contains(coalesce(notes, []), 'marked as a new commitment') as marked_new
from dated
union all
select 'curated', c.donors, c.amount, c.currency, c.program, c.announced_on, 'curated', 1.0, 'official', null,
       null, c.source_url, c.source, c.note, false, false
from curated_pledges c
"""


@dataclass
class LedgerBuild:
    """What one rebuild did (for logs, the CLI and tests)."""

    n_pledges: int = 0
    excluded: list[str] = field(default_factory=list)  # mention ids left out (no ECB rate for the currency)
    orphaned_decisions: list[str] = field(default_factory=list)  # decided pledge ids no longer found


def load_citations(
    con: duckdb.DuckDBPyConnection, rates: Rates | None = None
) -> tuple[list[Citation], list[str]]:
    """Every citation the ledger is built from (converted with ``rates``; None: the bundled rates), and
    the mention ids left out for want of an ECB rate.

    Extracted mentions in a currency the ECB does not publish (e.g. UAH) stay in ``mentions`` but out of
    the ledger; curated rows are kept whatever their currency, so a typo trips the currency check loudly.
    """
    citations, excluded = [], []
    for (
        kind,
        donors,
        amount,
        currency,
        program,
        on_date,
        dated_by,
        confidence,
        tier,
        mid,
        did,
        url,
        source,
        quote,
        assumed,
        marked_new,
    ) in con.execute(CITATIONS_SQL).fetchall():
        if not donors:  # a pledge without a donor cannot be placed in the ledger
            continue
        c = Citation(
            kind=kind,
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
            currency_assumed=bool(assumed),
            dated_by=dated_by,
            marked_new=bool(marked_new),
            rates=rates,
        )
        if kind not in VOUCHED_KINDS and c.amount_usd is None:
            excluded.append(mid)
            continue
        citations.append(c)
    return citations, excluded


def _fx(rates: Rates, currency: str, on: date) -> tuple[float, date]:
    try:
        return rates.usd_rate(currency, on)
    except UnknownCurrencyError:
        # Only curated or analyst rows get here. A rate of 0 lets the row be written (the column is not
        # null); the currency check then names it and the rebuild is rolled back.
        return 0.0, on


def _status(pledge: LedgerPledge, decision: Decision | None, confidence: float, threshold: float) -> str:
    verdict = decision.verdict if decision else None
    if verdict == "rejected":
        return "rejected"
    if verdict == "confirmed" or any(c.kind in VOUCHED_KINDS for c in pledge.citations):
        return "counted"
    if pledge.from_background:
        return "review"  # known only from later mentions: an analyst confirms it before it counts
    if all(c.dated_by == "fetched" for c in pledge.primaries):
        # No date anywhere (page, feed, sitemap, text): the day we fetched it is no announcement date, and
        # a backfill would pile last year's pledges into this month. An analyst dates it first.
        return "review"
    return "counted" if confidence >= threshold else "review"


def ledger_rows(
    pledges: list[LedgerPledge],
    decisions: dict[str, Decision],
    review_threshold: float,
    rates: Rates | None = None,
) -> tuple[list[dict], list[dict]]:
    """The ``pledge_ledger`` and ``pledge_sources`` rows of built pledges, with decisions applied
    (amounts converted with ``rates``; None: the bundled rates)."""
    rates = rates if rates is not None else load_rates(None)
    ledger, sources = [], []
    for pledge in pledges:
        pid = pledge.pledge_id
        decision = decisions.get(pid)
        edits = decision.edits if decision else {}
        head = pledge.canonical
        primaries = pledge.primaries
        donors = sorted(edits.get("donors", head.donors))  # type: ignore[arg-type]
        amount = float(edits.get("amount", head.amount))  # type: ignore[arg-type]
        currency = str(edits.get("currency", head.currency))
        announced = edits.get("announced_on", pledge.announced_on)
        program = str(edits.get("program", head.program))
        fx_rate, fx_date = _fx(rates, currency, announced)  # type: ignore[arg-type]
        confidence = max(c.confidence for c in primaries)
        first = min(primaries, key=lambda c: (not c.credible_date, c.on, c.authority))
        if any(c.kind == "analyst" for c in primaries):
            origin = "analyst"
        elif any(c.kind == "curated" for c in primaries):
            origin = "curated"
        elif pledge.from_background:
            origin = "background"
        else:
            origin = "extracted"
        ledger.append(
            {
                "pledge_id": pid,
                "donors": donors,
                "amount": amount,
                "currency": currency,
                "fx_rate_usd": fx_rate,
                "fx_date": fx_date,
                "amount_usd": amount * fx_rate,
                "announced_on": announced,
                "program": program,
                "status": _status(pledge, decision, confidence, review_threshold),
                "confidence": confidence,
                "n_sources": len({c.url or c.mention_id or c.ref for c in pledge.citations}),
                "first_url": first.url,
                "origin": origin,
            }
        )
        for c in sorted(pledge.citations, key=lambda c: (c.kind not in PRIMARY_KINDS, c.on, c.authority)):
            sources.append(
                {
                    "pledge_id": pid,
                    "mention_id": c.mention_id,
                    "document_id": c.document_id,
                    "url": c.url,
                    "source": c.source,
                    "quote": c.quote,
                    "published_on": c.on,
                    "kind": c.kind,
                }
            )
    return ledger, sources


def rebuild_ledger(
    con: duckdb.DuckDBPyConnection,
    review_threshold: float = REVIEW_THRESHOLD,
    *,
    rates: Rates | None = None,
) -> int:
    """Replace the ledger with one derived from the current mentions and decisions; run the data checks.

    Amounts are converted with ``rates`` (the run's ``load_rates(settings.fx_file)``; None: the bundled
    rates). Returns the number of pledges. Must run inside the caller's transaction so readers never see a
    half-built ledger; raises ``DataCheckError`` (naming the offending rows) when a check fails.
    """
    return rebuild(con, review_threshold, rates=rates).n_pledges


def rebuild(
    con: duckdb.DuckDBPyConnection,
    review_threshold: float = REVIEW_THRESHOLD,
    *,
    rates: Rates | None = None,
) -> LedgerBuild:
    """``rebuild_ledger`` with the details: excluded mentions and decisions whose pledge is gone."""
    import pandas as pd  # here, not at import: readers of the warehouse never pay for pandas

    rates = rates if rates is not None else load_rates(None)
    result = LedgerBuild()
    citations, result.excluded = load_citations(con, rates)
    if result.excluded:
        log.warning(
            "%d mentions left out of the ledger: no ECB rate for their currency", len(result.excluded)
        )
    decisions = load_decisions(con)
    pledges = build_ledger(citations + added_citations(decisions, rates))
    result.orphaned_decisions = attach_ids(pledges, decisions, rates)
    if result.orphaned_decisions:
        log.warning("analyst decisions whose pledge is gone: %s", ", ".join(result.orphaned_decisions))
    ledger, sources = ledger_rows(pledges, decisions, review_threshold, rates)
    con.execute("delete from pledge_sources")
    con.execute("delete from pledge_ledger")
    if ledger:
        ledger_df = pd.DataFrame(ledger)  # noqa: F841 (read by DuckDB's replacement scan)
        sources_df = pd.DataFrame(sources)  # noqa: F841
        con.execute("insert into pledge_ledger by name select * from ledger_df")
        con.execute("insert into pledge_sources by name select * from sources_df")
    shares = {
        (c.currency, row["announced_on"])
        for pledge, row in zip(pledges, ledger, strict=True)
        for c in pledge.citations
        if c.kind == "share"
    }
    _store_rates(con, rates, ledger, shares)
    run_checks(con, rates=rates)
    result.n_pledges = len(ledger)
    return result


_REPORTED_DATES_SQL = """
select distinct m.currency, coalesce(m.stated_date, d.published_on, cast(d.fetched_at as date))
from mentions m join documents d using (document_id)
where m.kind in ('aggregate', 'target')
"""


def _store_rates(
    con: duckdb.DuckDBPyConnection, rates: Rates, ledger: list[dict], extra: set[tuple[str, date]]
) -> None:
    """The rates the ledger used, plus those of stated shares (at their package's date) and of the running
    totals and targets officials stated, so the SQL models (reconciliation, candidate_targets) convert
    exactly as the Python code does."""
    import pandas as pd  # here, not at import: readers of the warehouse never pay for pandas

    wanted = {(r["currency"], r["announced_on"]) for r in ledger} | extra
    wanted |= {(cur, on) for cur, on in con.execute(_REPORTED_DATES_SQL).fetchall() if cur and on}
    rows = []
    for currency, on in sorted(wanted):
        try:
            usd, used = rates.usd_rate(currency, on)
        except UnknownCurrencyError:
            continue
        rows.append({"currency": currency, "on_date": on, "rate_date": used, "usd_per_unit": usd})
    con.execute("delete from fx_usd_rates")
    if rows:
        rates_df = pd.DataFrame(rows)  # noqa: F841
        con.execute("insert into fx_usd_rates by name select * from rates_df")
