"""What an analyst needs to decide about pledges, read from the warehouse, and the decisions themselves.

Reading: ``review_queue`` (pledges, lowest confidence first, with their citations and decisions).
Writing: ``decide`` and ``add_pledge`` append to ``pledge_overrides`` and rebuild the ledger in the same
transaction, so a decision shows in the totals at once and the data checks guard it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb

from aidtrack.fx import Rates, load_rates
from aidtrack.ledger.checks import known_donors
from aidtrack.ledger.overrides import PROGRAMS, OverrideError, load_decisions, new_pledge_id, record
from aidtrack.ledger.store import rebuild
from aidtrack.settings import LedgerPolicy

DEFAULT_POLICY = LedgerPolicy()

STATUSES = ("review", "counted", "rejected")


@dataclass(frozen=True)
class CitationView:
    kind: str
    source: str | None
    tier: str | None
    published_on: date | None
    url: str | None
    quote: str | None
    amount: float | None
    currency: str | None
    currency_assumed: bool | None
    notes: list[str] | None = None  # the extractor's reasons ("bare $ read as USD", ...)
    trace: list[str] | None = None  # the rules that decided it ("kind: ...", "donors: ...")


@dataclass(frozen=True)
class DecisionView:
    override_id: int
    action: str
    analyst: str
    decided_at: datetime
    reason: str
    changes: str


@dataclass
class PledgeView:
    pledge_id: str
    status: str
    confidence: float
    donors: list[str]
    amount: float
    currency: str
    amount_usd: float
    fx_rate_usd: float
    fx_date: date
    announced_on: date
    program: str
    n_sources: int
    origin: str
    citations: list[CitationView] = field(default_factory=list)
    decisions: list[DecisionView] = field(default_factory=list)


_PLEDGES_SQL = """
select pledge_id, status, confidence, donors, amount, currency, amount_usd, fx_rate_usd, fx_date, announced_on,
       program, n_sources, origin
from pledge_ledger
where (? is null or status = ?) and (? is null or program = ?) and (? is null or pledge_id = ?)
order by confidence, case status when 'review' then 0 when 'counted' then 1 else 2 end, announced_on desc,
         pledge_id
limit ?
"""

_CITATIONS_SQL = """
select s.pledge_id, s.kind, s.source, coalesce(src.tier, case when s.kind in ('curated', 'analyst')
       then 'official' end), s.published_on, s.url, s.quote, m.amount, m.currency, m.currency_assumed,
       m.notes, m.trace
from pledge_sources as s
left join mentions as m using (mention_id)
left join sources as src on src.name = s.source
where list_contains(?, s.pledge_id)
order by s.pledge_id, case s.kind when 'pledge' then 0 when 'curated' then 0 when 'analyst' then 0 else 1 end,
         s.published_on, s.url
"""


def review_queue(
    con: duckdb.DuckDBPyConnection,
    *,
    limit: int = 20,
    status: str | None = None,
    program: str | None = None,
    pledge_id: str | None = None,
) -> list[PledgeView]:
    """Pledges (of ``status``/``program`` when given), lowest confidence first, with citations and
    decisions."""
    pledges = [
        PledgeView(*row)
        for row in con.execute(
            _PLEDGES_SQL, [status, status, program, program, pledge_id, pledge_id, limit]
        ).fetchall()
    ]
    by_id = {p.pledge_id: p for p in pledges}
    if not by_id:
        return []
    for pid, *rest in con.execute(_CITATIONS_SQL, [list(by_id)]).fetchall():
        by_id[pid].citations.append(CitationView(*rest))
    decisions = load_decisions(con)
    for p in pledges:
        for o in decisions[p.pledge_id].history if p.pledge_id in decisions else []:
            p.decisions.append(
                DecisionView(o.override_id, o.action, o.analyst, o.decided_at, o.reason, _changes(o))
            )
    return pledges


def _changes(o) -> str:  # noqa: ANN001 - an Override
    parts = []
    if o.donors is not None:
        parts.append("donors=" + ",".join(o.donors))
    if o.amount is not None:
        parts.append(f"amount={o.amount:,.0f}")
    if o.currency is not None:
        parts.append(f"currency={o.currency}")
    if o.announced_on is not None:
        parts.append(f"date={o.announced_on.isoformat()}")
    if o.program is not None:
        parts.append(f"program={o.program}")
    if o.source_url:
        parts.append(f"source={o.source_url}")
    return " ".join(parts)


# --- parsing analysts' input ---

_AMOUNT = re.compile(r"^\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*(k|m|mn|mln|million|bn|b|billion)?\s*$", re.I)
_SCALE = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}


def parse_amount(text: str) -> float:
    """'200m', '1.5bn', '200000000', '200,000,000' → a positive number of currency units."""
    match = _AMOUNT.match(text)
    if not match:
        raise OverrideError(f"amount {text!r}: give a number, optionally with m or bn (e.g. 200m, 1.5bn)")
    value = float(match.group(1).replace(",", "").replace("_", "")) * _SCALE.get(
        (match.group(2) or "").lower(), 1
    )
    if value <= 0:
        raise OverrideError(f"amount {text!r} must be positive")
    return value


def parse_currency(text: str, rates: Rates | None = None) -> str:
    """An ISO 4217 code ``rates`` convert (None: the bundled rates)."""
    code = text.strip().upper()
    if code not in (rates if rates is not None else load_rates(None)).currencies:
        raise OverrideError(f"currency {text!r}: not one the ECB publishes rates for (e.g. USD, EUR, CAD)")
    return code


def parse_donors(text: str) -> list[str]:
    codes = sorted({p.strip().upper() for p in re.split(r"[;,\s]+", text) if p.strip()})
    unknown = [c for c in codes if c not in known_donors()]
    if not codes or unknown:
        raise OverrideError(
            f"donors {text!r}: give ISO 3166-1 alpha-3 codes separated by commas (e.g. CAN or DNK,NOR,SWE)"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    return codes


def parse_date(text: str, today: date | None = None) -> date:
    try:
        on = date.fromisoformat(text.strip())
    except ValueError:
        raise OverrideError(f"date {text!r}: use YYYY-MM-DD") from None
    if on > (today or date.today()):
        raise OverrideError(f"date {on.isoformat()} is in the future")
    return on


def parse_program(text: str) -> str:
    for program in PROGRAMS:
        if text.strip().lower() == program.lower():
            return program
    raise OverrideError(f"program {text!r}: one of {', '.join(PROGRAMS)}")


# --- decisions ---


def _basis(con: duckdb.DuckDBPyConnection, pledge_id: str) -> tuple[list[str], str, float, date]:
    """What the pledge is now, as the ledger built it; an earlier decision's basis is kept if there is one."""
    decisions = load_decisions(con)
    if pledge_id in decisions and decisions[pledge_id].basis:
        donors, program, usd, on = decisions[pledge_id].basis  # type: ignore[misc]
        return list(donors), program, usd, on
    row = con.execute(
        "select donors, program, amount_usd, announced_on from pledge_ledger where pledge_id = ?", [pledge_id]
    ).fetchone()
    if row is None:
        raise OverrideError(f"no pledge {pledge_id!r} in the ledger (see `aidtrack review`)")
    return list(row[0]), row[1], row[2], row[3]


def decide(
    con: duckdb.DuckDBPyConnection,
    pledge_id: str,
    action: str,
    *,
    analyst: str,
    reason: str,
    policy: LedgerPolicy = DEFAULT_POLICY,
    donors: list[str] | None = None,
    amount: float | None = None,
    currency: str | None = None,
    announced_on: date | None = None,
    program: str | None = None,
    rates: Rates | None = None,
) -> PledgeView:
    """Record confirm / reject / edit for a pledge and rebuild the ledger (inside the caller's
    transaction), converting with ``rates`` (None: the bundled rates). Returns the pledge as it now
    stands."""
    if action == "edit" and all(v is None for v in (donors, amount, currency, announced_on, program)):
        raise OverrideError(
            "edit what? give at least one of --amount, --currency, --donors, --date, --program"
        )
    basis = _basis(con, pledge_id)
    record(
        con,
        pledge_id,
        action,
        analyst=analyst,
        reason=reason,
        donors=donors,
        amount=amount,
        currency=currency,
        announced_on=announced_on,
        program=program,
        basis=basis,
    )
    rebuild(con, policy.review_threshold, rates=rates)
    return _one(con, pledge_id)


def add_pledge(
    con: duckdb.DuckDBPyConnection,
    *,
    donors: list[str],
    amount: float,
    currency: str,
    announced_on: date,
    program: str,
    source_url: str | None,
    analyst: str,
    reason: str,
    policy: LedgerPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
    rates: Rates | None = None,
) -> PledgeView:
    """Record a pledge no followed source reported and rebuild the ledger (converting with ``rates``;
    None: the bundled rates); returns it (with any mentions that matched it attached as its citations)."""
    stamp = now or datetime.now(UTC)
    pledge_id = new_pledge_id(donors, amount, currency, announced_on, program, stamp)
    record(
        con,
        pledge_id,
        "add",
        analyst=analyst,
        reason=reason,
        donors=donors,
        amount=amount,
        currency=currency,
        announced_on=announced_on,
        program=program,
        source_url=source_url,
        now=stamp,
    )
    rebuild(con, policy.review_threshold, rates=rates)
    return _one(con, pledge_id)


def _one(con: duckdb.DuckDBPyConnection, pledge_id: str) -> PledgeView:
    found = review_queue(con, limit=1, pledge_id=pledge_id)
    if not found:
        raise OverrideError(f"pledge {pledge_id} is not in the rebuilt ledger")
    return found[0]
