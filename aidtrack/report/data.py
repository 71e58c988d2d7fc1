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

The comparison with reference series (``reference_comparison``: Kiel's allocations) stays in the
reference's own currency (euros), whatever the reporting currency: that is the unit both sides are
compared in. Only the chart's line of Kiel's cumulative allocations is converted, at each month's end.

Filters (``--donor``, ``--since``, ``--until``) narrow what is shown, not how it is computed: cumulative
columns still run from the program's first month, and a donor's part of a joint pledge is an equal split
(as ``donor_totals`` does). With a donor filter there is no target, pace or reference comparison to show:
those are about all donors together.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import asdict, dataclass, field, fields, replace
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
from aidtrack.report.names import DEFAULT_LANGUAGE, locale, resolve_donor


class ReportError(AidtrackError, RuntimeError):
    """The report cannot be produced as asked (unknown program, currency without ECB rates, ...)."""


@dataclass(frozen=True)
class MonthRow:
    """One month. With a donor filter ``contributed`` is those donors' part, and the target columns are
    None: the target is for all donors together."""

    month: date
    contributed: float
    target: float | None
    rolling_3m: float
    rolling_3m_target: float | None
    cumulative: float
    cumulative_target: float | None
    cumulative_gap: float | None


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
class ReferenceMonth:
    """One month of ``reference_comparison``, in the reference's currency."""

    month: date
    pledged: float  # counted pledges announced in the month
    pledged_cumulative: float
    allocated: float | None  # the reference's figure; None after its release's last month (unknown)
    allocated_cumulative: float | None
    gap: float | None  # pledged_cumulative - allocated_cumulative
    lagged_gap: float | None  # what we had two months earlier - allocated_cumulative
    tolerance: float
    months_behind: int
    status: str  # in line | ahead (lag) | ahead, check | behind | behind, check | no data
    reading: str
    official_reported_on: date | None  # the latest official running total of the month, if any
    official: float | None
    official_stated_amount: float | None
    official_stated_currency: str | None
    official_reported_by: str | None
    official_url: str | None
    pledged_at_official: float | None  # what we counted by the day it was stated
    official_gap: float | None
    allocated_cumulative_reporting: float | None = None  # in the report's currency (for the chart)


@dataclass(frozen=True)
class ReferenceComparison:
    """Our ledger beside one reference series (one source, one program), with the release it used."""

    source: str
    publisher: str
    measure: str
    currency: str
    location: str
    release_id: str
    content_hash: str
    release_first_seen_at: datetime
    release_last_seen_at: datetime
    release_last_modified: str | None
    data_from: date
    data_to: date
    months: list[ReferenceMonth]
    latest: ReferenceMonth | None  # the last month the release covers (among those shown): the verdict
    problem: str | None = None  # why the last run could not use the source's newest file (old one kept)

    @property
    def covered(self) -> list[ReferenceMonth]:
        """The months shown that the release covers (there is something to compare)."""
        return [m for m in self.months if m.allocated_cumulative is not None]

    @property
    def tail(self) -> ReferenceTail | None:
        """The months shown after the release's cut-off, as one summary (renderers show it as one row)."""
        after = [m for m in self.months if m.allocated_cumulative is None]
        if not after:
            return None
        officials = [m for m in after if m.official_reported_on is not None]
        return ReferenceTail(
            first=after[0].month,
            last=after[-1].month,
            pledged=sum(m.pledged for m in after),
            pledged_cumulative=after[-1].pledged_cumulative,
            official=officials[-1] if officials else None,
        )


@dataclass(frozen=True)
class ReferenceTail:
    """The months after a release's cut-off, summed: nothing to compare there yet."""

    first: date
    last: date
    pledged: float
    pledged_cumulative: float
    official: ReferenceMonth | None  # the month with the latest official total among them, if any


@dataclass(frozen=True)
class ReportFilter:
    """What ``aidtrack report --donor/--since/--until`` narrows the report to."""

    donors: tuple[str, ...] = ()  # alpha-3 codes; a joint pledge is in if any of its donors is
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.donors) or self.since is not None or self.until is not None

    def day_in(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def month_in(self, month: date) -> bool:
        """True when the month overlaps the date range."""
        return (self.since is None or _month_end(month) >= self.since) and (
            self.until is None or month <= self.until
        )

    def takes(self, donors: list[str] | tuple[str, ...]) -> bool:
        return not self.donors or bool(set(donors) & set(self.donors))


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
    reference: list[ReferenceComparison] = field(default_factory=list)
    reference_note: str | None = None  # why there is no comparison to show
    language: str = DEFAULT_LANGUAGE  # of the country names
    filter: ReportFilter = field(default_factory=ReportFilter)

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


def donor_monthly_rows(
    con: duckdb.DuckDBPyConnection, program: str, convert: Converter, donors: tuple[str, ...]
) -> list[MonthRow]:
    """The months of ``program`` with only ``donors``' part of each counted pledge (a joint pledge split
    equally among its donors, as ``donor_totals`` does); no target columns."""
    months = [m for (m,) in con.execute(
        "select month from monthly_vs_target where program = ? order by month", [program]
    ).fetchall()]  # fmt: skip
    part: dict[date, float] = {}
    for month, pledge_donors, amount, currency, usd, fx_date in con.execute(
        """select cast(date_trunc('month', announced_on) as date), donors, amount, currency, amount_usd, fx_date
           from pledge_ledger
           where program = ? and status = 'counted' and len(donors) > 0 and list_has_any(donors, ?)""",
        [program, list(donors)],
    ).fetchall():
        share = len(set(pledge_donors) & set(donors)) / len(pledge_donors)
        part[month] = part.get(month, 0.0) + convert.pledge(amount, currency, usd, fx_date) * share
    rows = with_windows([(m, part.get(m, 0.0), 0.0) for m in months])
    return [
        replace(r, target=None, rolling_3m_target=None, cumulative_target=None, cumulative_gap=None)
        for r in rows
    ]


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


def donor_totals_between(
    con: duckdb.DuckDBPyConnection, program: str, convert: Converter, only: ReportFilter
) -> list[DonorTotal]:
    """``donor_totals`` over the pledges ``only`` lets through by date (each in the reporting currency at
    its own FX date, joint pledges split equally); then only ``only``'s donors, when it names any. Shares
    are of everything pledged in the period, so a donor's share means the same as without the filter."""
    pledged: dict[str, float] = {}
    counts: dict[str, list] = {}  # donor → [n, n_joint, first, last]
    for pledge_donors, amount, currency, usd, fx_date, on in con.execute(
        """select donors, amount, currency, amount_usd, fx_date, announced_on from pledge_ledger
           where program = ? and status = 'counted' and len(donors) > 0""",
        [program],
    ).fetchall():
        if not only.day_in(on):
            continue
        value = convert.pledge(amount, currency, usd, fx_date) / len(pledge_donors)
        for donor in pledge_donors:
            pledged[donor] = pledged.get(donor, 0.0) + value
            n = counts.setdefault(donor, [0, 0, on, on])
            n[0] += 1
            n[1] += len(pledge_donors) > 1
            n[2], n[3] = min(n[2], on), max(n[3], on)
    total = sum(pledged.values()) or None
    rows = sorted(pledged.items(), key=lambda item: (-round(item[1], 2), item[0]))
    ranked: list[DonorTotal] = []
    for i, (donor, value) in enumerate(rows, start=1):  # ties share a rank, as rank() does in the view
        tied = ranked and round(ranked[-1].pledged, 2) == round(value, 2)
        n, n_joint, first, last = counts[donor]
        rank = ranked[-1].rank if tied else i
        ranked.append(
            DonorTotal(rank, donor, value, value / total if total else None, n, n_joint, first, last)
        )
    return [d for d in ranked if not only.donors or d.donor in only.donors]


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


def _reference_month(row: tuple, reporting: float | None) -> ReferenceMonth:
    return ReferenceMonth(*row, allocated_cumulative_reporting=reporting)


def reference_comparisons(
    con: duckdb.DuckDBPyConnection, program: str, reporting_currency: str, today: date, only: ReportFilter
) -> list[ReferenceComparison]:
    """``reference_comparison`` for ``program``, one comparison per reference source, the months
    ``only`` lets through; with the release each used and the last run's problem with its newest file."""
    releases = {
        row[0]: row[1:]
        for row in con.execute(
            """select distinct source, publisher, measure, currency, location, release_id, content_hash,
                      release_first_seen_at, release_last_seen_at, release_last_modified, data_from, data_to
               from reference_allocations where program = ?""",
            [program],
        ).fetchall()
    }
    columns = [f.name for f in fields(ReferenceMonth) if f.name != "allocated_cumulative_reporting"]
    by_source: dict[str, list[ReferenceMonth]] = {}
    for source, currency, *row in con.execute(
        f"""select reference_source, currency, {", ".join(columns)} from reference_comparison
            where program = ? order by reference_source, month""",
        [program],
    ).fetchall():
        month, allocated_cumulative = row[0], row[columns.index("allocated_cumulative")]
        reporting = None
        if allocated_cumulative is not None:
            try:
                reporting = (
                    allocated_cumulative
                    * rate(currency, reporting_currency, min(_month_end(month), today))[0]
                )
            except UnknownCurrencyError:
                reporting = None
        if only.month_in(month):
            by_source.setdefault(source, []).append(_reference_month(tuple(row), reporting))
    problems = dict(
        con.execute(
            """select f.source, arg_max(f.error, f.fetched_at) from fetches as f
               where f.purpose = 'source' and f.outcome = 'failed'
                 and f.run_id = (select run_id from runs order by started_at desc limit 1)
               group by f.source"""
        ).fetchall()
    )
    out = []
    for source, (publisher, measure, currency, *release) in releases.items():
        months = by_source.get(source, [])
        covered = [m for m in months if m.allocated_cumulative is not None]
        out.append(
            ReferenceComparison(
                source,
                publisher,
                measure,
                currency,
                *release,
                months=months,
                latest=covered[-1] if covered else None,
                problem=problems.get(source),
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


def ledger_donors(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every donor code in the ledger."""
    return [d for (d,) in con.execute(
        "select distinct unnest(donors) from pledge_ledger order by 1"
    ).fetchall()]  # fmt: skip


def build_report(
    con: duckdb.DuckDBPyConnection,
    program: str = "PURL",
    currency: str = "USD",
    today: date | None = None,
    *,
    donors: tuple[str, ...] | list[str] = (),
    since: date | None = None,
    until: date | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> Report:
    """Everything a report shows, for one program, in ``currency`` (USD, EUR or any ECB currency).

    ``donors`` (codes or country names), ``since`` and ``until`` narrow it (see the module's docstring);
    ``language`` is the CLDR locale the renderers name countries in (``en-GB``, ``de``, ...).
    """
    known = programs(con)
    if program not in known:
        raise ReportError(
            f"no target for program {program!r} in this warehouse (known: {', '.join(known) or 'none'})"
        )
    if since and until and since > until:
        raise ReportError(f"--since {since} is after --until {until}")
    locale(language)  # an unknown language is an error now, not when the first name is rendered
    in_data = ledger_donors(con)
    only = ReportFilter(
        donors=tuple(dict.fromkeys(resolve_donor(d, language, in_data) for d in donors)),
        since=since,
        until=until,
    )
    today = today or con.execute("select current_date").fetchone()[0]
    convert = Converter(currency, today)
    target = con.execute(
        "select source_url, stated_by from targets where program = ? order by valid_from desc limit 1",
        [program],
    ).fetchone()
    if only.donors:
        months = donor_monthly_rows(con, program, convert, only.donors)
    else:
        months = monthly_rows(con, program, convert)
    if only.active:
        donor_rows = donor_totals_between(con, program, convert, only)
    else:
        donor_rows = donor_totals(con, program, convert)
    totals = [
        r
        for r in reconciliation(con, program, convert)
        if only.day_in(r.reported_on) and (not only.donors or set(r.donors) & set(only.donors))
    ]
    reference, note = [], None
    if only.donors:
        note = "The reference series count all donors together: there is nothing to compare for one donor."
    else:
        reference = reference_comparisons(con, program, convert.currency, today, only)
        if not reference:
            note = (
                "No reference series in this warehouse: add a source of kind reference (the Kiel "
                "Institute's PURL allocations) to check the ledger against an independent count."
            )
    return Report(
        program=program,
        currency=convert.currency,
        generated_at=datetime.now().astimezone(),
        months=[m for m in months if only.month_in(m.month)],
        pace=None if only.donors else pace(con, program, convert),
        donors=donor_rows,
        reconciliation=totals,
        last_run=last_run(con),
        pledges=[
            p for p in pledge_rows(con, convert) if only.takes(p.donors) and only.day_in(p.announced_on)
        ],
        target_source_url=target[0] if target else None,
        target_stated_by=target[1] if target else None,
        reference=reference,
        reference_note=note,
        language=language,
        filter=only,
    )
