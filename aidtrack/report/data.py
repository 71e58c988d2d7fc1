"""The numbers behind every report (terminal, chart, HTML, ``--format csv|json``), read from the marts.

Everything here takes an open (read-only is enough) DuckDB connection and returns plain dataclasses, so
the renderers never write SQL and a test can check the numbers once.

Reporting currency. The marts are in USD. For another currency (EUR, or any ECB currency) amounts are
converted in Python with ``aidtrack.ledger.fx.rate`` (ECB reference rates):
- pledges (monthly contributions, donor totals, the pledge list): each pledge's USD amount at the rate of
  its own FX date, so a pledge announced in euros shows its original euro amount;
- monthly targets: at the rate of the month's last day (today for the month in progress);
- rolling and cumulative columns: sums of the converted months (recomputed here, as the view does);
- pace and projections: at today's rate (they look forward);
- reconciliation: the reported total as stated when that is the reporting currency, otherwise at the
  rate of the day it was reported; our side pledge by pledge as above (the view lists their ids).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

import duckdb

from aidtrack.errors import AidtrackError
from aidtrack.ledger.build import Citation, LedgerPledge
from aidtrack.ledger.fx import UnknownCurrencyError, rate
from aidtrack.ledger.overrides import Decision, added_citations, load_decisions

# The ledger's own citation query: the as-built values of an edited pledge are recomputed from exactly
# the rows (dates, tiers, assumed currencies) the rebuild used, not from a second copy of its rules.
from aidtrack.ledger.store import CITATIONS_SQL as _LEDGER_CITATIONS_SQL


class ReportError(AidtrackError, RuntimeError):
    """The report cannot be produced as asked (unknown program, currency without ECB rates, ...)."""


@dataclass(frozen=True)
class MonthRow:
    month: date
    contributed: float
    target: float
    rolling_3m: float
    rolling_3m_target: float
    cumulative: float
    cumulative_target: float
    cumulative_gap: float


@dataclass(frozen=True)
class Pace:
    as_of: date
    window_start: date
    window_end: date
    n_months: int
    monthly_rate: float
    monthly_target: float
    pace_ratio: float | None
    cumulative: float
    cumulative_target: float
    cumulative_gap: float
    projected_year_end: float
    year_end_target: float
    projected_year_end_gap: float
    target_met_month: date | None
    status: str


@dataclass(frozen=True)
class DonorTotal:
    rank: int
    donor: str
    pledged: float
    share: float | None
    n_pledges: int
    n_joint_pledges: int
    first_pledge_on: date
    last_pledge_on: date


@dataclass(frozen=True)
class Reconciled:
    reported_on: date
    donors: list[str]
    reported_amount: float
    reported_currency: str
    reported: float | None  # in the reporting currency
    ours: float
    our_n_pledges: int
    difference: float | None  # ours - reported; negative = we count less than officials said
    our_review: float
    our_n_review: int
    quote: str
    url: str | None
    source: str | None
    title: str | None


@dataclass(frozen=True)
class FailedSource:
    source: str
    url: str | None
    error: str | None
    failed_at: datetime | None


@dataclass(frozen=True)
class LastRun:
    run_id: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    n_sources: int | None
    n_failed: int | None
    failed_sources: list[FailedSource] = field(default_factory=list)


@dataclass(frozen=True)
class PledgeSource:
    url: str | None
    source: str | None
    quote: str | None
    published_on: date | None
    kind: str


@dataclass(frozen=True)
class PledgeValues:
    """What a pledge said at one point of its history: as the ledger built it from its sources, or after
    an analyst's edit."""

    donors: list[str]
    amount: float
    currency: str
    announced_on: date
    program: str


@dataclass(frozen=True)
class PledgeDecision:
    """One analyst decision about a pledge (``pledge_overrides``), shown beside the pledge's quotes.

    For an edit, ``before`` and ``after`` are the pledge just before and just after it, so the report can
    say "amount CAD 200.0m → CAD 235.0m"; ``before`` is None only if the pledge's own citations could not
    be read back. ``changed`` lists the fields the edit set (donors, amount, currency, announced_on,
    program). An add has ``after`` (what the analyst entered) and its ``source_url``."""

    action: str  # confirm | reject | edit | add
    analyst: str
    decided_at: datetime
    reason: str
    changed: list[str] = field(default_factory=list)
    before: PledgeValues | None = None
    after: PledgeValues | None = None
    source_url: str | None = None


@dataclass(frozen=True)
class PledgeRow:
    pledge_id: str
    announced_on: date
    program: str
    donors: list[str]
    amount: float
    currency: str
    amount_usd: float
    amount_reporting: float  # in the reporting currency
    status: str
    confidence: float
    n_sources: int
    sources: list[PledgeSource] = field(default_factory=list)
    decisions: list[PledgeDecision] = field(default_factory=list)  # oldest first


@dataclass(frozen=True)
class Report:
    program: str
    currency: str
    generated_at: datetime
    months: list[MonthRow]
    pace: Pace | None
    donors: list[DonorTotal]
    reconciliation: list[Reconciled]
    last_run: LastRun | None
    pledges: list[PledgeRow]
    target_source_url: str | None = None
    target_stated_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (dates stay date objects: dump with ``default=str``)."""
        return asdict(self)


class Converter:
    """USD → reporting currency at ECB reference rates, never at a date after ``today``."""

    def __init__(self, currency: str, today: date) -> None:
        self.currency = currency.upper()
        self.today = today
        if self.currency != "USD":
            try:
                rate("USD", self.currency, today)
            except UnknownCurrencyError as exc:
                raise ReportError(f"cannot report in {self.currency}: {exc}") from None

    def __call__(self, usd: float | None, on: date) -> float | None:
        if usd is None:
            return None
        if self.currency == "USD":
            return usd
        return usd * rate("USD", self.currency, min(on, self.today))[0]

    def pledge(self, amount: float, currency: str, usd: float, fx_date: date) -> float:
        """A pledge in the reporting currency: as stated when it was stated in it, else at its FX date."""
        return amount if currency.upper() == self.currency else self(usd, fx_date) or 0.0


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def with_windows(months: list[tuple[date, float, float]]) -> list[MonthRow]:
    """Rolling 3-month and cumulative columns from (month, contributed, target), as monthly_vs_target does."""
    rows: list[MonthRow] = []
    cumulative = cumulative_target = 0.0
    for i, (month, contributed, target) in enumerate(months):
        window = months[max(0, i - 2) : i + 1]
        cumulative += contributed
        cumulative_target += target
        rows.append(
            MonthRow(
                month=month,
                contributed=contributed,
                target=target,
                rolling_3m=sum(c for _, c, _ in window),
                rolling_3m_target=sum(t for _, _, t in window),
                cumulative=cumulative,
                cumulative_target=cumulative_target,
                cumulative_gap=cumulative - cumulative_target,
            )
        )
    return rows


def programs(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [p for (p,) in con.execute("select distinct program from targets order by program").fetchall()]


def monthly_rows(con: duckdb.DuckDBPyConnection, program: str, convert: Converter) -> list[MonthRow]:
    view = con.execute(
        """select month, contributed_usd, target_usd, rolling_3m_usd, rolling_3m_target_usd, cumulative_usd,
                  cumulative_target_usd, cumulative_gap_usd
           from monthly_vs_target where program = ? order by month""",
        [program],
    ).fetchall()
    if convert.currency == "USD":
        return [MonthRow(*row) for row in view]
    contributed: dict[date, float] = {}
    for month, fx_date, usd in con.execute(
        """select cast(date_trunc('month', announced_on) as date), fx_date, sum(amount_usd)
           from pledge_ledger where program = ? and status = 'counted' group by all""",
        [program],
    ).fetchall():
        contributed[month] = contributed.get(month, 0.0) + (convert(usd, fx_date) or 0.0)
    return with_windows(
        [
            (month, contributed.get(month, 0.0), convert(target, _month_end(month)) or 0.0)
            for month, _, target, *_ in view
        ]
    )


def pace(con: duckdb.DuckDBPyConnection, program: str, convert: Converter) -> Pace | None:
    row = con.execute(
        """select as_of, window_start, window_end, n_months, monthly_rate_usd, monthly_target_usd, pace_ratio,
                  cumulative_usd, cumulative_target_usd, cumulative_gap_usd, projected_year_end_usd,
                  year_end_target_usd, projected_year_end_gap_usd, target_met_month, pace_status
           from pace where program = ?""",
        [program],
    ).fetchone()
    if row is None:
        return None
    (as_of, start, end, n, *money, ratio_, c, ct, gap, proj, ye_target, ye_gap, met, status) = row
    today = convert.today
    return Pace(
        as_of=as_of,
        window_start=start,
        window_end=end,
        n_months=n,
        monthly_rate=convert(money[0], today),
        monthly_target=convert(money[1], today),
        pace_ratio=ratio_,
        cumulative=convert(c, today),
        cumulative_target=convert(ct, today),
        cumulative_gap=convert(gap, today),
        projected_year_end=convert(proj, today),
        year_end_target=convert(ye_target, today),
        projected_year_end_gap=convert(ye_gap, today),
        target_met_month=met,
        status=status,
    )


def donor_totals(con: duckdb.DuckDBPyConnection, program: str, convert: Converter) -> list[DonorTotal]:
    rows = con.execute(
        """select rank_in_program, donor, pledged_usd, share_of_program, n_pledges, n_joint_pledges,
                  first_pledge_on, last_pledge_on
           from donor_totals where program = ? order by rank_in_program, donor""",
        [program],
    ).fetchall()
    if convert.currency == "USD":
        return [DonorTotal(*row) for row in rows]
    pledged: dict[str, float] = {}
    for donor, fx_date, usd in con.execute(
        """select donor, fx_date, sum(share_usd) from (
               select unnest(donors) as donor, fx_date, amount_usd / len(donors) as share_usd
               from pledge_ledger where program = ? and status = 'counted' and len(donors) > 0)
           group by all""",
        [program],
    ).fetchall():
        pledged[donor] = pledged.get(donor, 0.0) + (convert(usd, fx_date) or 0.0)
    total = sum(pledged.values()) or None
    converted = [
        DonorTotal(
            0,
            donor,
            pledged.get(donor, 0.0),
            pledged.get(donor, 0.0) / total if total else None,
            n,
            n_joint,
            first,
            last,
        )
        for _, donor, _, _, n, n_joint, first, last in rows
    ]
    converted.sort(key=lambda d: (-round(d.pledged, 2), d.donor))
    ranked: list[DonorTotal] = []
    for i, d in enumerate(converted, start=1):  # ties share a rank, as rank() does in the view
        tied = ranked and round(ranked[-1].pledged, 2) == round(d.pledged, 2)
        ranked.append(replace(d, rank=ranked[-1].rank if tied else i))
    return ranked


def reconciliation(con: duckdb.DuckDBPyConnection, program: str, convert: Converter) -> list[Reconciled]:
    ledger = {
        pid: rest
        for pid, *rest in con.execute(
            "select pledge_id, amount, currency, amount_usd, fx_date from pledge_ledger where program = ?",
            [program],
        ).fetchall()
    }
    out = []
    for (
        on,
        donors,
        amount,
        currency,
        reported_usd,
        our_usd,
        n,
        pledge_ids,
        fractions,
        review_usd,
        n_review,
        quote,
        url,
        source,
        title,
    ) in con.execute(
        """select reported_on, donors, reported_amount, currency, reported_usd, our_usd, our_n_pledges,
                  our_pledge_ids, our_pledge_fractions, our_review_usd, our_n_review, quote, url, source, title
           from reconciliation where program = ? order by reported_on, mention_id""",
        [program],
    ).fetchall():
        if reported_usd is None:
            try:
                reported_usd = amount * rate(currency, "USD", on)[0]
            except UnknownCurrencyError:
                reported_usd = None
        reported = amount if currency == convert.currency else convert(reported_usd, on)
        if convert.currency == "USD":
            ours = our_usd
        else:  # each counted pledge (or the donor's part of a joint one) at its own FX date
            ours = sum(
                convert.pledge(*ledger[pid]) * (fraction or 0.0)
                for pid, fraction in zip(pledge_ids, fractions, strict=True)
                if pid in ledger
            )
        out.append(
            Reconciled(
                reported_on=on,
                donors=list(donors),
                reported_amount=amount,
                reported_currency=currency,
                reported=reported,
                ours=ours,
                our_n_pledges=n,
                difference=None if reported is None else ours - reported,
                our_review=convert(review_usd, on) or 0.0,
                our_n_review=n_review,
                quote=quote,
                url=url,
                source=source,
                title=title,
            )
        )
    return out


def last_run(con: duckdb.DuckDBPyConnection) -> LastRun | None:
    """The most recently started pipeline run and the sources that failed in it."""
    row = con.execute(
        """select run_id, started_at, finished_at, status, n_sources, n_failed
           from runs order by started_at desc limit 1"""
    ).fetchone()
    if row is None:
        return None
    failed = [
        FailedSource(*r)
        for r in con.execute(
            """select source, url, error, fetched_at from fetches
               where run_id = ? and purpose = 'source' and outcome = 'failed'
               order by source, fetched_at""",
            [row[0]],
        ).fetchall()
    ]
    return LastRun(*row, failed_sources=failed)


_EDITABLE = ("donors", "amount", "currency", "announced_on", "program")

# Each own citation of the pledges asked for (the kinds that found a pledge; analysts' added pledges come
# from their decision), with what the ledger read for it: extracted ones by mention id, curated rows by
# what pledge_sources keeps of them (they have no id of their own). ``ref`` numbers the pledge_sources
# rows, so a row matching two different curated rows is seen as ambiguous rather than guessed.
_OWN_CITATIONS_SQL = f"""
with citations as ({_LEDGER_CITATIONS_SQL}),
own as (
    select row_number() over () as ref, pledge_id, mention_id, url, source, quote, published_on
    from pledge_sources where list_contains(?, pledge_id) and kind in ('pledge', 'curated')
),
matched as (
    select o.ref, o.pledge_id, c.* from own o join citations c on c.mention_id = o.mention_id
    union all
    select o.ref, o.pledge_id, c.* from own o join citations c
        on o.mention_id is null and c.kind = 'curated' and c.canonical_url is not distinct from o.url
       and c.source is not distinct from o.source and c.quote is not distinct from o.quote
       and c.on_date = o.published_on
)
select ref, pledge_id, kind, donors, amount, currency, program, on_date, dated_by, confidence, tier,
       mention_id, canonical_url, currency_assumed
from matched
"""


def _as_built(con: duckdb.DuckDBPyConnection, decisions: dict[str, Decision]) -> dict[str, PledgeValues]:
    """The values the ledger built for each of these pledges from its sources, before any edit.

    The ledger row holds the edited values only; the sources' own are recomputed with the ledger's own
    rules (``LedgerPledge``: canonical citation, announcement date) over the pledge's own citations.
    Pledges whose citations cannot be read back unambiguously are left out (the report then says what an
    edit set, not what it replaced)."""
    own: dict[str, list[Citation]] = {}
    matches: dict[int, set[tuple]] = {}
    ambiguous: set[str] = set()
    for (
        ref,
        pid,
        kind,
        donors,
        amount,
        currency,
        program,
        on,
        dated_by,
        confidence,
        tier,
        mid,
        url,
        assumed,
    ) in con.execute(_OWN_CITATIONS_SQL, [list(decisions)]).fetchall():
        found = matches.setdefault(ref, set())
        found.add((tuple(sorted(donors)), amount, currency, program, on))
        if len(found) > 1:
            ambiguous.add(pid)
        if not donors:  # the ledger skips these too
            continue
        own.setdefault(pid, []).append(
            Citation(
                kind=kind,
                donors=tuple(sorted(donors)),
                amount=amount,
                currency=currency,
                program=program,
                on=on,
                confidence=confidence,
                tier=tier,
                mention_id=mid,
                url=url,
                currency_assumed=bool(assumed),
                dated_by=dated_by,
            )
        )
    for c in added_citations(decisions):
        if c.ref in decisions:
            own.setdefault(c.ref, []).append(c)
    built = {}
    for pid, citations in own.items():
        if pid in ambiguous:
            continue
        pledge = LedgerPledge(citations)
        head = pledge.canonical
        built[pid] = PledgeValues(
            sorted(head.donors), head.amount, head.currency, pledge.announced_on, head.program
        )
    return built


def _same(a: PledgeValues, b: PledgeValues) -> bool:
    return (
        a.donors == b.donors
        and math.isclose(a.amount, b.amount, rel_tol=1e-9)
        and (a.currency, a.announced_on, a.program) == (b.currency, b.announced_on, b.program)
    )


def _history(decision: Decision, as_built: PledgeValues | None, now: PledgeValues) -> list[PledgeDecision]:
    """The decisions about one pledge, oldest first, each edit with the pledge just before and after it.

    Edits are folded field by field from the as-built values, as the rebuild applies them; if that does
    not end at the ledger's current values (the sources changed since, or ``as_built`` is unknown) the
    "before" values would be guesses, so they are left out."""
    values = as_built or now
    out: list[PledgeDecision] = []
    for o in decision.history:
        if o.action == "edit":
            changed = [name for name in _EDITABLE if getattr(o, name) is not None]
            set_to = {name: getattr(o, name) for name in changed}
            if "donors" in set_to:
                set_to["donors"] = sorted(set_to["donors"])
            after = replace(values, **set_to)
            out.append(PledgeDecision(o.action, o.analyst, o.decided_at, o.reason, changed, values, after))
            values = after
        elif o.action == "add":
            added = None
            if o.donors and o.amount is not None and o.currency and o.announced_on:
                added = PledgeValues(
                    sorted(o.donors), o.amount, o.currency, o.announced_on, o.program or "PURL"
                )
            out.append(
                PledgeDecision(
                    o.action, o.analyst, o.decided_at, o.reason, after=added, source_url=o.source_url
                )
            )
        else:
            out.append(PledgeDecision(o.action, o.analyst, o.decided_at, o.reason))
    if as_built is None or not _same(values, now):
        out = [replace(d, before=None) if d.action == "edit" else d for d in out]
    return out


def pledge_decisions(
    con: duckdb.DuckDBPyConnection, ledger_values: dict[str, PledgeValues]
) -> dict[str, list[PledgeDecision]]:
    """Analysts' decisions (``pledge_overrides``) about the pledges in ``ledger_values`` (pledge id → its
    values in the ledger now), oldest first; pledges nobody decided about are absent."""
    decisions = {pid: d for pid, d in load_decisions(con).items() if pid in ledger_values}
    edited = {pid: d for pid, d in decisions.items() if any(o.action == "edit" for o in d.history)}
    as_built = _as_built(con, edited) if edited else {}
    return {pid: _history(d, as_built.get(pid), ledger_values[pid]) for pid, d in decisions.items()}


def pledge_rows(
    con: duckdb.DuckDBPyConnection, convert: Converter, program: str | None = None
) -> list[PledgeRow]:
    """Every pledge in the ledger (of ``program`` when given), newest first, with its sources and quotes
    and the analysts' decisions about it."""
    sources: dict[str, list[PledgeSource]] = {}
    for pledge_id, *rest in con.execute(
        """select pledge_id, url, source, quote, published_on, kind from pledge_sources
           order by pledge_id, published_on nulls last, kind, url"""
    ).fetchall():
        sources.setdefault(pledge_id, []).append(PledgeSource(*rest))
    rows = con.execute(
        """select pledge_id, announced_on, program, donors, amount, currency, amount_usd, fx_date, status,
                  confidence, n_sources
           from pledge_ledger where ? is null or program = ?
           order by announced_on desc, pledge_id""",
        [program, program],
    ).fetchall()
    decisions = pledge_decisions(
        con,
        {
            pid: PledgeValues(sorted(donors), amount, currency, on, prog)
            for pid, on, prog, donors, amount, currency, *_ in rows
        },
    )
    return [
        PledgeRow(
            pledge_id=pid,
            announced_on=on,
            program=prog,
            donors=list(donors),
            amount=amount,
            currency=currency,
            amount_usd=usd,
            amount_reporting=convert.pledge(amount, currency, usd, fx_date),
            status=status,
            confidence=confidence,
            n_sources=n,
            sources=sources.get(pid, []),
            decisions=decisions.get(pid, []),
        )
        for pid, on, prog, donors, amount, currency, usd, fx_date, status, confidence, n in rows
    ]


def build_report(
    con: duckdb.DuckDBPyConnection, program: str = "PURL", currency: str = "USD", today: date | None = None
) -> Report:
    """Everything a report shows, for one program, in ``currency`` (USD, EUR or any ECB currency)."""
    known = programs(con)
    if program not in known:
        raise ReportError(
            f"no target for program {program!r} in this warehouse (known: {', '.join(known) or 'none'})"
        )
    today = today or con.execute("select current_date").fetchone()[0]
    convert = Converter(currency, today)
    target = con.execute(
        "select source_url, stated_by from targets where program = ? order by valid_from desc limit 1",
        [program],
    ).fetchone()
    return Report(
        program=program,
        currency=convert.currency,
        generated_at=datetime.now().astimezone(),
        months=monthly_rows(con, program, convert),
        pace=pace(con, program, convert),
        donors=donor_totals(con, program, convert),
        reconciliation=reconciliation(con, program, convert),
        last_run=last_run(con),
        pledges=pledge_rows(con, convert),
        target_source_url=target[0] if target else None,
        target_stated_by=target[1] if target else None,
    )
