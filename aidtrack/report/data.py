"""The numbers behind every report (terminal, chart, HTML, ``--format csv|json``), read from the marts.

Everything here takes an open (read-only is enough) DuckDB connection and returns plain dataclasses, so
the renderers never write SQL and a test can check the numbers once. The numbers are computed in SQL:
the queries in ``sql/queries/report/`` read the marts; this module only runs them (with their
parameters) and puts their rows into dataclasses.

Reporting currency. The marts are in USD. For another currency (EUR, or any ECB currency) the report
queries convert in SQL, joining ``report_rates``: the ECB reference rates (a ``aidtrack.fx.Rates``, never
after the report's day) of the days ``sql/queries/report/rates.sql`` lists, which :func:`reporting` looks
up into a temporary table for one report:
- pledges (monthly contributions, donor totals, the pledge list): as stated when stated in the reporting
  currency, else their USD amount at the rate of their own FX date (``report_pledges``, once per report);
- monthly targets: at the rate of the month's last day (today for the month in progress);
- rolling and cumulative columns: sums of the converted months (as the view computes them in USD);
- pace and projections: at today's rate (they look forward);
- reconciliation: the reported total as stated when that is the reporting currency, otherwise at the
  rate of the day it was reported; our side pledge by pledge as above (the view lists their ids).

The comparison with reference series (``reference_comparison``: Kiel's allocations) stays in the
reference's own currency (euros), whatever the reporting currency: that is the unit both sides are
compared in. Only the chart's line of Kiel's cumulative allocations is converted, at each month's end.

Filters (``--donor``, ``--since``, ``--until``) narrow what is shown, not how it is computed: cumulative
columns still run from the program's first month, and a donor's part of a joint pledge is the one
``pledge_shares`` gives (a stated share first, else an equal part of the rest), as in ``donor_totals``.
With a donor filter there is no target, pace or reference comparison to show: those are about all donors
together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

import duckdb

from aidtrack.errors import AidtrackError
from aidtrack.fx import Rates, UnknownCurrencyError, load_rates
from aidtrack.ledger.build import Citation, LedgerPledge
from aidtrack.ledger.overrides import Decision, added_citations, load_decisions

# The ledger's own citation query: the as-built values of an edited pledge are recomputed from exactly
# the rows (dates, tiers, assumed currencies) the rebuild used, not from a second copy of its rules.
from aidtrack.ledger.store import CITATIONS_SQL as _LEDGER_CITATIONS_SQL
from aidtrack.report.names import DEFAULT_LANGUAGE, locale, resolve_donor
from aidtrack.warehouse.paths import sql_dir

T = TypeVar("T")


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
    # each donor's part of the pledge (pledge_shares: a stated share first, else an equal part of the rest)
    fractions: dict[str, float] = field(default_factory=dict)


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
    """USD (or any ECB currency) → the reporting currency at ECB reference rates, never at a date after
    ``today`` (from ``rates``; None: the bundled rates). :func:`reporting` looks up with :meth:`rate` the
    rates the report's SQL reads."""

    def __init__(self, currency: str, today: date, rates: Rates | None = None) -> None:
        self.currency = currency.upper()
        self.today = today
        self.rates = rates if rates is not None else load_rates(None)
        if self.currency != "USD":
            try:
                self.rates.rate("USD", self.currency, today)
            except UnknownCurrencyError as exc:
                raise ReportError(f"cannot report in {self.currency}: {exc}") from None

    def rate(self, currency: str, on: date) -> float | None:
        """Units of the reporting currency per unit of ``currency`` on ``on`` (None: no ECB rate)."""
        try:
            return self.rates.rate(currency, self.currency, min(on, self.today))[0]
        except UnknownCurrencyError:
            return None

    def __call__(self, usd: float | None, on: date) -> float | None:
        """``usd`` in the reporting currency at the rate of ``on``."""
        per_usd = None if usd is None else self.rate("USD", on)
        return None if per_usd is None else usd * per_usd


def with_windows(months: list[tuple[date, float, float]]) -> list[MonthRow]:
    """Rolling 3-month and cumulative columns from (month, contributed, target), as monthly_vs_target does.

    Not what the report uses: its months come with their windows from ``sql/queries/report/months.sql``."""
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


_PARAMETER = re.compile(r"\$([a-z_]+)")


@cache
def _report_sql(name: str) -> tuple[str, frozenset[str]]:
    """The text of ``sql/queries/report/<name>.sql`` and the parameters (``$name``) it uses."""
    sql = (sql_dir() / "queries" / "report" / f"{name}.sql").read_text(encoding="utf-8")
    return sql, frozenset(_PARAMETER.findall(re.sub(r"--[^\n]*", "", sql)))


def _run_report_sql(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: dict[str, Any]
) -> duckdb.DuckDBPyConnection:
    try:
        return con.execute(sql, parameters)
    except duckdb.CatalogException as exc:  # a warehouse whose views are older than this code
        raise ReportError(
            f"this warehouse's views are older than this version of aidtrack ({str(exc).splitlines()[0]});"
            " the next `aidtrack run` updates them"
        ) from None


def _report_rows(con: duckdb.DuckDBPyConnection, name: str, **parameters: Any) -> list[dict[str, Any]]:
    """The rows of one report query, by column name; it is given the parameters it uses."""
    sql, used = _report_sql(name)
    cursor = _run_report_sql(con, sql, {k: v for k, v in parameters.items() if k in used})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _record(cls: type[T], row: dict[str, Any]) -> T:
    """A dataclass from the row's columns of the same names (other columns are left out)."""
    return cls(**{f.name: row[f.name] for f in fields(cls) if f.name in row})


@contextmanager
def reporting(con: duckdb.DuckDBPyConnection, convert: Converter) -> Iterator[None]:
    """For the block, on ``con``: the ECB rates of the days the report converts at (``report_rates``, the
    days from ``sql/queries/report/rates.sql``) and every pledge in the reporting currency
    (``report_pledges``), which the report queries read. Both are temporary tables (a read-only
    connection is enough), gone afterwards."""
    sql, _ = _report_sql("rates")
    days = _run_report_sql(con, sql, {"today": convert.today}).fetchall()
    rates: dict[str, list] = {"currency": [], "on_date": [], "rate": []}
    for currency, day in days:
        if (per_unit := convert.rate(currency, day)) is not None:
            rates["currency"].append(currency)
            rates["on_date"].append(day)
            rates["rate"].append(per_unit)
    try:
        con.execute(
            """create or replace temp table report_rates as
               select unnest($currency::varchar[]) as currency, unnest($on_date::date[]) as on_date,
                      unnest($rate::double[]) as rate""",
            rates,
        )
        sql, _ = _report_sql("pledges")
        _run_report_sql(
            con, f"create or replace temp table report_pledges as {sql}", {"currency": convert.currency}
        )
        yield
    finally:
        con.execute("drop table if exists temp.report_pledges")
        con.execute("drop table if exists temp.report_rates")


def programs(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [p for (p,) in con.execute("select distinct program from targets order by program").fetchall()]


def _months(
    con: duckdb.DuckDBPyConnection, program: str, only: ReportFilter = ReportFilter()
) -> list[MonthRow]:
    rows = _report_rows(
        con, "months", program=program, donors=list(only.donors), since=only.since, until=only.until
    )
    return [_record(MonthRow, row) for row in rows]


def monthly_rows(con: duckdb.DuckDBPyConnection, program: str, convert: Converter) -> list[MonthRow]:
    """The months of ``program`` (``monthly_vs_target``) in ``convert``'s currency."""
    with reporting(con, convert):
        return _months(con, program)


def _pace(con: duckdb.DuckDBPyConnection, program: str, today: date) -> Pace | None:
    rows = _report_rows(con, "pace", program=program, today=today)
    return _record(Pace, rows[0]) if rows else None


def _donor_totals(con: duckdb.DuckDBPyConnection, program: str, only: ReportFilter) -> list[DonorTotal]:
    rows = _report_rows(
        con, "donors", program=program, donors=list(only.donors), since=only.since, until=only.until
    )
    return [_record(DonorTotal, row) for row in rows]


def _reconciliation(
    con: duckdb.DuckDBPyConnection, program: str, currency: str, only: ReportFilter
) -> list[Reconciled]:
    rows = _report_rows(
        con,
        "reconciliation",
        program=program,
        currency=currency,
        donors=list(only.donors),
        since=only.since,
        until=only.until,
    )
    return [_record(Reconciled, row) for row in rows]


def _reference_comparisons(
    con: duckdb.DuckDBPyConnection, program: str, only: ReportFilter
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
    by_source: dict[str, list[ReferenceMonth]] = {}
    for row in _report_rows(con, "reference", program=program, since=only.since, until=only.until):
        by_source.setdefault(row["reference_source"], []).append(_record(ReferenceMonth, row))
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


def _as_built(
    con: duckdb.DuckDBPyConnection, decisions: dict[str, Decision], rates: Rates | None = None
) -> dict[str, PledgeValues]:
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
                rates=rates,
            )
        )
    for c in added_citations(decisions, rates):
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
    con: duckdb.DuckDBPyConnection, ledger_values: dict[str, PledgeValues], rates: Rates | None = None
) -> dict[str, list[PledgeDecision]]:
    """Analysts' decisions (``pledge_overrides``) about the pledges in ``ledger_values`` (pledge id → its
    values in the ledger now), oldest first; pledges nobody decided about are absent."""
    decisions = {pid: d for pid, d in load_decisions(con).items() if pid in ledger_values}
    edited = {pid: d for pid, d in decisions.items() if any(o.action == "edit" for o in d.history)}
    as_built = _as_built(con, edited, rates) if edited else {}
    return {pid: _history(d, as_built.get(pid), ledger_values[pid]) for pid, d in decisions.items()}


def _pledge_rows(
    con: duckdb.DuckDBPyConnection, only: ReportFilter, rates: Rates | None = None
) -> list[PledgeRow]:
    """The pledges of ``report_pledges`` (every program) that ``only`` lets through, newest first, with
    their sources and quotes and the analysts' decisions about them."""
    sources: dict[str, list[PledgeSource]] = {}
    for pledge_id, *rest in con.execute(
        """select pledge_id, url, source, quote, published_on, kind from pledge_sources
           order by pledge_id, published_on nulls last, kind, url"""
    ).fetchall():
        sources.setdefault(pledge_id, []).append(PledgeSource(*rest))
    rows = con.execute(
        """select pledge_id, announced_on, program, donors, amount, currency, amount_usd, amount_reporting,
                  status, confidence, n_sources
           from report_pledges
           where (len($donors) = 0 or list_has_any(donors, $donors))
             and ($since is null or announced_on >= $since) and ($until is null or announced_on <= $until)
           order by announced_on desc, pledge_id""",
        {"donors": list(only.donors), "since": only.since, "until": only.until},
    ).fetchall()
    decisions = pledge_decisions(
        con,
        {
            pid: PledgeValues(sorted(donors), amount, currency, on, prog)
            for pid, on, prog, donors, amount, currency, *_ in rows
        },
        rates,
    )
    fractions: dict[str, dict[str, float]] = {}
    for pledge_id, donor, fraction in con.execute(
        "select pledge_id, donor, fraction from pledge_shares where n_donors > 1"
    ).fetchall():
        fractions.setdefault(pledge_id, {})[donor] = fraction
    return [
        PledgeRow(
            *row,
            sources=sources.get(row[0], []),
            decisions=decisions.get(row[0], []),
            fractions=fractions.get(row[0], {}),
        )
        for row in rows
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
    rates: Rates | None = None,
) -> Report:
    """Everything a report shows, for one program, in ``currency`` (USD, EUR or any ECB currency).

    ``donors`` (codes or country names), ``since`` and ``until`` narrow it (see the module's docstring);
    ``language`` is the CLDR locale the renderers name countries in (``en-GB``, ``de``, ...); ``rates``
    the ECB rates it converts with (``load_rates(settings.fx_file)``; None: the bundled rates).
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
    convert = Converter(currency, today, rates)
    target = con.execute(
        "select source_url, stated_by from targets where program = ? order by valid_from desc limit 1",
        [program],
    ).fetchone()
    with reporting(con, convert):
        months = _months(con, program, only)
        donor_rows = _donor_totals(con, program, only)
        totals = _reconciliation(con, program, convert.currency, only)
        reference, note = [], None
        if only.donors:
            note = (
                "The reference series count all donors together: there is nothing to compare for one donor."
            )
        else:
            reference = _reference_comparisons(con, program, only)
            if not reference:
                note = (
                    "No reference series in this warehouse: add a source of kind reference (the Kiel "
                    "Institute's PURL allocations) to check the ledger against an independent count."
                )
        pace = None if only.donors else _pace(con, program, today)
        pledges = _pledge_rows(con, only, convert.rates)
    return Report(
        program=program,
        currency=convert.currency,
        generated_at=datetime.now().astimezone(),
        months=months,
        pace=pace,
        donors=donor_rows,
        reconciliation=totals,
        last_run=last_run(con),
        pledges=pledges,
        target_source_url=target[0] if target else None,
        target_stated_by=target[1] if target else None,
        reference=reference,
        reference_note=note,
        language=language,
        filter=only,
    )
