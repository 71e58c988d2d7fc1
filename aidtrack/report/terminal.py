"""The terminal report, with rich: months (rolling and cumulative vs target), the pace line, top donors,
official running totals beside ours, and the sources that failed in the last pipeline run."""

from __future__ import annotations

import duckdb
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from aidtrack.report.data import Converter, MonthRow, Report, build_report, monthly_rows

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


def months_table(rows: list[MonthRow], program: str, currency: str = "USD") -> Table:
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
        title=f"{report.program}: top donors ({cur}; joint pledges split equally)", title_justify="left"
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
            d.donor,
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
            escape(", ".join(r.donors) or "all"),
            stated if r.reported_currency == cur else f"{stated} ≈ {money(r.reported, cur)}",
            money(r.ours, cur),
            str(r.our_n_pledges),
            _gap(r.difference, cur),
            escape(r.source or ""),
        )
    return table


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
    parts: list = [
        months_table(months, report.program, report.currency),
        pace_text(report),
        Text(""),
        donors_table(report, top=top),
        Text(""),
    ]
    if report.reconciliation:
        parts += [reconciliation_table(report), Text("")]
    parts.append(last_run_text(report))
    return Group(*parts)


def print_report(
    con: duckdb.DuckDBPyConnection,
    console: Console | None = None,
    program: str = "PURL",
    currency: str = "USD",
    last: int | None = None,
) -> None:
    """Print the whole terminal report for ``program`` in ``currency`` (USD, EUR, ...)."""
    (console or Console()).print(
        report_renderable(build_report(con, program=program, currency=currency), last)
    )
