"""The chart: monthly contributions as bars stacked by donor (named in the report's language) with the
monthly target line, and below them cumulative pledges against the cumulative target, beside the
independent reference's cumulative allocations (Kiel) and the running totals officials stated.
matplotlib's object API on the Agg canvas (no pyplot, no global state, no display needed), so it is safe
in flows, threads and headless machines."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from aidtrack.report.data import Report
from aidtrack.report.names import country_name, donors_label
from aidtrack.report.terminal import money

_BAR = "#3b6ea8"
_TARGET = "#c0392b"
_CUMULATIVE = "#1e8449"
_REFERENCE = "#8e44ad"
_OFFICIAL = "#d35400"
# Bars of the top donors, then one grey for the rest: few enough colours to tell apart in a legend.
_DONOR_COLOURS = ["#3b6ea8", "#7fa7d6", "#e0a458", "#5b9a68", "#a3c586", "#b56576", "#6d597a", "#c9ada7"]
_OTHERS = "#b0b7bf"
TOP_DONORS_IN_CHART = 7


def stacked_by_donor(report: Report, top: int = TOP_DONORS_IN_CHART) -> list[tuple[str, list[float]]]:
    """Each month's counted pledges split by donor (a joint pledge as ``pledge_shares`` splits it: a stated
    share first, else an equal part of the rest, as the donors table does), for
    the ``top`` donors of the months shown and one band for all others: (label, value per month), in the
    order the bars stack. Labels are country names in the report's language."""
    months = [r.month for r in report.months]
    index = {m: i for i, m in enumerate(months)}
    by_donor: dict[str, list[float]] = {}
    for p in report.pledges:
        month = date(p.announced_on.year, p.announced_on.month, 1)
        if p.program != report.program or p.status != "counted" or not p.donors or month not in index:
            continue
        donors = [d for d in p.donors if not report.filter.donors or d in report.filter.donors]
        for donor in donors:
            values = by_donor.setdefault(donor, [0.0] * len(months))
            values[index[month]] += p.amount_reporting * p.fractions.get(donor, 1 / len(p.donors))
    ranked = sorted(by_donor, key=lambda d: (-sum(by_donor[d]), d))
    bands = [(country_name(d, report.language), by_donor[d]) for d in ranked[:top]]
    rest = ranked[top:]
    if rest:
        bands.append(
            (f"{len(rest)} other donors", [sum(by_donor[d][i] for d in rest) for i in range(len(months))])
        )
    return bands


def _axis_money(currency: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: money(value, currency) if value else "0")


def chart_figure(report: Report) -> Figure:
    """A two-panel figure for ``report`` (monthly bars vs target; cumulative vs cumulative target)."""
    fig = Figure(figsize=(10, 6.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1])
    cur = report.currency
    months = [r.month for r in report.months]
    title = f"{report.program}: pledges vs target ({cur})"
    if report.filter.donors:
        title = f"{report.program}: pledged by {donors_label(report.filter.donors, report.language)} ({cur})"
    fig.suptitle(title, fontsize=13, fontweight="bold")
    if not months:
        top.text(0.5, 0.5, "no months to show yet", ha="center", va="center", transform=top.transAxes)
        return fig

    bands = stacked_by_donor(report)
    if not bands:
        top.bar(
            months, [r.contributed for r in report.months], width=20, color=_BAR, label="pledged in month"
        )
    base = [0.0] * len(months)
    for i, (label, values) in enumerate(bands):
        colour = _DONOR_COLOURS[i % len(_DONOR_COLOURS)] if i < TOP_DONORS_IN_CHART else _OTHERS
        top.bar(months, values, width=20, bottom=base, color=colour, label=label)
        base = [b + v for b, v in zip(base, values, strict=True)]
    if all(r.target is not None for r in report.months):
        top.step(
            months,
            [r.target for r in report.months],
            where="mid",
            color=_TARGET,
            linewidth=2,
            label="monthly target",
        )
    top.plot(
        months,
        [r.rolling_3m / 3 for r in report.months],
        color="#7f8c8d",
        linestyle="--",
        linewidth=1.2,
        label="3-month average",
    )
    top.set_ylabel("per month")
    if top.get_legend_handles_labels()[0]:
        top.legend(loc="upper right", fontsize=7, frameon=False, ncols=2, title_fontsize=7,
                   title="by donor (joint pledges: stated shares, else equal parts)" if bands else None)  # fmt: skip

    cumulative = [r.cumulative for r in report.months]
    bottom.plot(
        months, cumulative, color=_CUMULATIVE, linewidth=2.2, marker="o", markersize=3, label="cumulative"
    )
    if all(r.cumulative_target is not None for r in report.months):
        cumulative_target = [r.cumulative_target for r in report.months]
        bottom.plot(
            months, cumulative_target, color=_TARGET, linewidth=2, linestyle="--", label="cumulative target"
        )
        bottom.fill_between(
            months,
            cumulative,
            cumulative_target,
            where=[c < t for c, t in zip(cumulative, cumulative_target, strict=True)],
            color=_TARGET,
            alpha=0.12,
            interpolate=True,
            label="shortfall",
        )
    shown = set(months)
    for comparison in report.reference:  # the independent count, in the reporting currency at month end
        points = [
            (m.month, m.allocated_cumulative_reporting)
            for m in comparison.months
            if m.month in shown and m.allocated_cumulative_reporting is not None
        ]
        if points:
            bottom.plot(
                [m for m, _ in points],
                [v for _, v in points],
                color=_REFERENCE,
                linewidth=1.8,
                linestyle="-.",
                label=f"{comparison.publisher}: {comparison.measure} (cumulative)",
            )
    officials = [r for r in report.reconciliation if not r.donors and r.reported is not None]
    if officials:
        bottom.scatter(
            [r.reported_on for r in officials],
            [r.reported for r in officials],
            color=_OFFICIAL,
            marker="D",
            s=22,
            zorder=3,
            label="officials' running totals",
        )
    bottom.set_ylabel("cumulative")
    bottom.legend(loc="upper left", fontsize=8, frameon=False)
    if report.pace is not None:
        p = report.pace
        bottom.set_title(
            f"pace {money(p.monthly_rate, cur)}/month over {p.n_months} complete month(s); "
            f"projected year-end {money(p.projected_year_end, cur)} vs {money(p.year_end_target, cur)}",
            fontsize=9,
            loc="left",
        )
    for ax in (top, bottom):
        ax.yaxis.set_major_formatter(_axis_money(cur))
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(bottom=0)
    locator = AutoDateLocator()
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    return fig


def render_chart(report: Report, fmt: str = "png") -> bytes:
    """The chart as PNG (default) or SVG bytes."""
    buffer = io.BytesIO()
    chart_figure(report).savefig(
        buffer, format=fmt, metadata={"Software": "aidtrack"} if fmt == "png" else None
    )
    return buffer.getvalue()


def write_chart(report: Report, out: Path) -> Path:
    """Write the chart to ``out``; the format follows the suffix (.png, .svg, .pdf), PNG when there is none."""
    fmt = out.suffix.lstrip(".").lower() or "png"
    if fmt not in {"png", "svg", "pdf"}:
        raise ValueError(f"{out}: charts can be written as .png, .svg or .pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render_chart(report, fmt))
    return out
