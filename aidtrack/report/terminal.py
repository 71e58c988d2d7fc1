"""The terminal report, with rich: months (rolling and cumulative vs target), the pace line, top donors,
official running totals beside ours, the check against independent reference series (Kiel's
allocations), and the sources that failed in the last pipeline run. Donors are named in the report's
language (CLDR through Babel); with a filter, the pledges it selects are listed too."""

from __future__ import annotations

import duckdb
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from aidtrack.report.data import (
    Converter,
    MonthRow,
    ReferenceComparison,
    Report,
    build_report,
    monthly_rows,
)
from aidtrack.report.names import DEFAULT_LANGUAGE, country_name, donors_label

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def money(value: float | None, currency: str = "USD") -> str:
    """$1.23bn / €456.7m / $12,345 — compact, readable amounts (other currencies get their code: CAD 5.0m)."""
    if value is None:
        return "–"
    symbol = _SYMBOLS.get(currency.upper(), currency.upper() + " ")
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1e9:
        return f"{sign}{symbol}{value / 1e9:,.2f}bn"
    if value >= 1e6:
        return f"{sign}{symbol}{value / 1e6:,.1f}m"
    return f"{sign}{symbol}{value:,.0f}"


def _gap(value: float | None, currency: str) -> str:
    if value is None:
        return "–"
    colour = "red" if value < 0 else "green"
    return f"[{colour}]{money(value, currency)}[/{colour}]"


def months_table(
    rows: list[MonthRow], program: str, currency: str = "USD", donors: str | None = None
) -> Table:
    """The months; ``donors`` (their names, when the report is filtered to some) drops the target
    columns, which are about all donors together."""
    if donors is not None:
        table = Table(
            title=f"{program}: pledged by {donors} ({currency}; a joint pledge counts by its stated share, else an equal part)",
            title_justify="left",
        )
        for column in ("month", "pledged", "rolling 3m", "cumulative"):
            table.add_column(column, justify="left" if column == "month" else "right")
        for r in rows:
            table.add_row(
                r.month.strftime("%Y-%m"),
                *(money(v, currency) for v in (r.contributed, r.rolling_3m, r.cumulative)),
            )
        return table
    table = Table(title=f"{program}: monthly contributions vs target ({currency})", title_justify="left")
    for column in (
        "month",
        "contributed",
        "target",
        "rolling 3m",
        "rolling 3m target",
        "cumulative",
        "cumulative target",
        "cumulative gap",
    ):
        table.add_column(column, justify="left" if column == "month" else "right")
    for r in rows:
        table.add_row(
            r.month.strftime("%Y-%m"),
            *(
                money(v, currency)
                for v in (
                    r.contributed,
                    r.target,
                    r.rolling_3m,
                    r.rolling_3m_target,
                    r.cumulative,
                    r.cumulative_target,
                )
            ),
            _gap(r.cumulative_gap, currency),
        )
    return table


def monthly_table(con: duckdb.DuckDBPyConnection, program: str = "PURL", last: int | None = None) -> Table:
    """The months of ``monthly_vs_target`` for ``program`` in USD (the last ``last`` when given)."""
    rows = monthly_rows(con, program, Converter("USD", con.execute("select current_date").fetchone()[0]))
    return months_table(rows[-last:] if last else rows, program)


def print_monthly(
    con: duckdb.DuckDBPyConnection,
    console: Console | None = None,
    program: str = "PURL",
    last: int | None = None,
) -> None:
    (console or Console()).print(monthly_table(con, program=program, last=last))


def pace_text(report: Report) -> Text:
    p, cur = report.pace, report.currency
    if p is None:
        return Text.from_markup("[dim]pace: no complete month since the target started yet[/dim]")
    window = f"{p.window_start:%b %Y}–{p.window_end:%b %Y}" if p.n_months > 1 else f"{p.window_end:%b %Y}"
    ratio = f" ({p.pace_ratio:.0%} of target)" if p.pace_ratio is not None else ""
    if p.target_met_month is None:
        met = "[red]never at this pace[/red]"
    elif p.cumulative_gap >= 0:
        met = f"[green]already met (as of {p.target_met_month:%b %Y})[/green]"
    else:
        met = f"[yellow]{p.target_met_month:%b %Y}[/yellow] at this pace"
    return Text.from_markup(
        f"[bold]pace[/bold] ({window}, {p.n_months} complete month{'s' if p.n_months != 1 else ''}): "
        f"{money(p.monthly_rate, cur)}/month vs {money(p.monthly_target, cur)} target{ratio} — {p.status}\n"
        f"[bold]projected {p.as_of.year} year-end[/bold]: {money(p.projected_year_end, cur)} vs cumulative "
        f"target {money(p.year_end_target, cur)} (gap {_gap(p.projected_year_end_gap, cur)})\n"
        f"[bold]cumulative target met[/bold]: {met}"
    )


def donors_table(report: Report, top: int = 10) -> Table:
    cur = report.currency
    table = Table(
        title=f"{report.program}: top donors ({cur}; joint pledges: stated shares, else equal parts)",
        title_justify="left",
    )
    for column, justify in (
        ("#", "right"),
        ("donor", "left"),
        ("pledged", "right"),
        ("share", "right"),
        ("pledges", "right"),
        ("joint", "right"),
        ("first", "left"),
        ("last", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for d in report.donors[:top]:
        table.add_row(
            str(d.rank),
            escape(country_name(d.donor, report.language)),
            money(d.pledged, cur),
            f"{d.share:.1%}" if d.share is not None else "–",
            str(d.n_pledges),
            str(d.n_joint_pledges),
            f"{d.first_pledge_on}",
            f"{d.last_pledge_on}",
        )
    return table


def reconciliation_table(report: Report) -> Table:
    cur = report.currency
    table = Table(
        title=f"{report.program}: running totals reported by officials vs our ledger ({cur})",
        title_justify="left",
    )
    for column, justify in (
        ("reported on", "left"),
        ("donors", "left"),
        ("reported", "right"),
        ("ours", "right"),
        ("pledges", "right"),
        ("difference", "right"),
        ("source", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for r in report.reconciliation:
        stated = money(r.reported_amount, r.reported_currency)
        table.add_row(
            f"{r.reported_on}",
            escape(donors_label(r.donors, report.language, none="all")),
            stated if r.reported_currency == cur else f"{stated} ≈ {money(r.reported, cur)}",
            money(r.ours, cur),
            str(r.our_n_pledges),
            _gap(r.difference, cur),
            escape(r.source or ""),
        )
    return table


_STATUS_STYLE = {
    "in line": "green",
    "ahead (lag)": "yellow",
    "ahead, check": "red",
    "behind": "yellow",
    "behind, check": "red",
    "no data": "dim",
}

# Why ledger and reference differ even when both are right, and what a gap that lasts means.
WHY_THEY_DIFFER = (
    "we date a commitment when it is announced, {publisher} an allocation when the money is assigned to a "
    "package, so {publisher} lags by a month or two; a gap that does not close within two months points "
    "at pledges we missed (we stay behind) or counted twice (we stay ahead)."
)


def reference_table(report: Report, comparison: ReferenceComparison, last: int | None = None) -> Table:
    """Month by month: our counted pledges beside the reference's allocations and officials' totals."""
    c, cur = comparison, comparison.currency
    months = c.covered[-last:] if last else c.covered  # --last N: the last N months the release covers
    table = Table(
        title=(
            f"{report.program}: our pledges vs {c.publisher}'s {c.measure} and officials' totals ({cur}; "
            f"{c.source}, data to {c.data_to:%Y-%m})"
        ),
        title_justify="left",
    )
    for column, justify in (
        ("month", "left"),
        ("pledged", "right"),
        ("cumulative", "right"),
        (c.measure, "right"),
        (f"cumulative {c.measure}", "right"),
        ("gap", "right"),
        ("officials said", "right"),
        ("ours then", "right"),
        ("status", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for m in months:
        official = ours_then = ""
        if m.official_reported_on is not None:
            official = f"{money(m.official, cur)} on {m.official_reported_on.day} {m.official_reported_on:%b}"
            ours_then = money(m.pledged_at_official, cur)
        style = _STATUS_STYLE.get(m.status, "")
        table.add_row(
            m.month.strftime("%Y-%m"),
            money(m.pledged, cur),
            money(m.pledged_cumulative, cur),
            money(m.allocated, cur),
            money(m.allocated_cumulative, cur),
            _gap(m.gap, cur),
            official,
            ours_then,
            f"[{style}]{escape(m.status)}[/{style}]" if style else escape(m.status),
        )
    tail = c.tail
    if tail is not None:  # after the cut-off nothing is compared: one row, not a run of dashes
        official = ours_then = ""
        if tail.official is not None:
            o = tail.official
            official = f"{money(o.official, cur)} on {o.official_reported_on.day} {o.official_reported_on:%b}"
            ours_then = money(o.pledged_at_official, cur)
        span = f"{tail.first:%Y-%m}" if tail.first == tail.last else f"{tail.first:%Y-%m}…{tail.last:%Y-%m}"
        table.add_row(
            span,
            money(tail.pledged, cur),
            money(tail.pledged_cumulative, cur),
            "–",
            "–",
            "–",
            official,
            ours_then,
            "[dim]not in the release yet[/dim]",
        )
    return table


def reference_text(comparison: ReferenceComparison) -> Text:
    """The verdict in words, why the two measures differ, and the release the comparison used."""
    c = comparison
    lines = []
    if c.latest is not None:
        lines.append(
            f"[bold]reading, {c.latest.month:%B %Y}[/bold] (the last month of the release): {escape(c.latest.reading)}"
        )
    else:
        lines.append("[dim]no month shown is covered by the release yet[/dim]")
    lines.append(f"[bold]why they differ[/bold]: {escape(WHY_THEY_DIFFER.format(publisher=c.publisher))}")
    modified = f", Last-Modified {c.release_last_modified}" if c.release_last_modified else ""
    lines.append(
        f"[bold]release[/bold]: {escape(c.location)} (sha256 {c.content_hash[:12]}…{escape(modified)}), first "
        f"read {c.release_first_seen_at:%Y-%m-%d}, still current on {c.release_last_seen_at:%Y-%m-%d}; "
        f"data {c.data_from:%Y-%m} to {c.data_to:%Y-%m}"
    )
    if c.problem:
        lines.append(f"[red]the newest file could not be used[/red]: {escape(c.problem)}")
    return Text.from_markup("\n".join(lines))


def pledges_table(report: Report) -> Table:
    """The pledges a filter selected, newest first, with their donors by name."""
    cur = report.currency
    table = Table(title=f"pledges ({len(report.pledges)})", title_justify="left")
    for column, justify in (
        ("announced", "left"),
        ("donors", "left"),
        ("program", "left"),
        ("amount", "right"),
        (cur, "right"),
        ("status", "left"),
        ("sources", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for p in report.pledges:
        table.add_row(
            f"{p.announced_on}",
            escape(donors_label(p.donors, report.language)),
            escape(p.program),
            money(p.amount, p.currency),
            money(p.amount_reporting, cur),
            escape(p.status),
            str(p.n_sources),
        )
    return table


def filter_text(report: Report) -> Text | None:
    """One line saying what the report was narrowed to, or None."""
    f = report.filter
    if not f.active:
        return None
    parts = []
    if f.donors:
        parts.append(f"donors: {donors_label(f.donors, report.language)} (joint pledges included)")
    if f.since or f.until:
        parts.append(f"dates: {f.since or 'start'} to {f.until or 'today'}")
    return Text.from_markup(
        f"[bold]filtered[/bold] — {escape('; '.join(parts))}; cumulative columns run from the start"
    )


def last_run_text(report: Report) -> Text | Table:
    run = report.last_run
    if run is None:
        return Text.from_markup("[dim]no pipeline run recorded yet[/dim]")
    head = f"last run {escape(run.run_id)} ({run.started_at:%Y-%m-%d %H:%M %Z}, {escape(run.status)})"
    if not run.failed_sources:
        return Text.from_markup(f"{head}: [green]no source failed[/green]")
    table = Table(
        title=f"{head}: {len(run.failed_sources)} source(s) failed", title_justify="left", title_style="red"
    )
    table.add_column("source")
    table.add_column("url")
    table.add_column("error")
    for f in run.failed_sources:
        table.add_row(escape(f.source), escape(f.url or ""), f"[red]{escape(f.error or '')}[/red]")
    return table


def report_renderable(report: Report, last: int | None = None, top: int = 10) -> Group:
    months = report.months[-last:] if last else report.months
    donors = donors_label(report.filter.donors, report.language) if report.filter.donors else None
    heading = filter_text(report)
    parts: list = [heading, Text("")] if heading else []
    parts.append(months_table(months, report.program, report.currency, donors=donors))
    if report.pace is not None or donors is None:
        parts.append(pace_text(report))
    parts += [Text(""), donors_table(report, top=top), Text("")]
    if report.reconciliation:
        parts += [reconciliation_table(report), Text("")]
    for comparison in report.reference:
        parts += [reference_table(report, comparison, last), reference_text(comparison), Text("")]
    if report.reference_note:
        parts += [Text.from_markup(f"[dim]{escape(report.reference_note)}[/dim]"), Text("")]
    if report.filter.active:
        parts += [pledges_table(report), Text("")]
    parts.append(last_run_text(report))
    return Group(*parts)


def print_report(
    con: duckdb.DuckDBPyConnection,
    console: Console | None = None,
    program: str = "PURL",
    currency: str = "USD",
    last: int | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> None:
    """Print the whole terminal report for ``program`` in ``currency`` (USD, EUR, ...), countries named
    in ``language``."""
    (console or Console()).print(
        report_renderable(build_report(con, program=program, currency=currency, language=language), last)
    )
