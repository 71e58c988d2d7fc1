"""The chart: monthly contributions as bars with the monthly target line, and cumulative pledges against
the cumulative target below. matplotlib's object API on the Agg canvas (no pyplot, no global state, no
display needed), so it is safe in flows, threads and headless machines."""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from aidtrack.report.data import Report
from aidtrack.report.terminal import money

_BAR = "#3b6ea8"
_TARGET = "#c0392b"
_CUMULATIVE = "#1e8449"


def _axis_money(currency: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: money(value, currency) if value else "0")


def chart_figure(report: Report) -> Figure:
    """A two-panel figure for ``report`` (monthly bars vs target; cumulative vs cumulative target)."""
    fig = Figure(figsize=(10, 6.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1])
    cur = report.currency
    months = [r.month for r in report.months]
    fig.suptitle(f"{report.program}: pledges vs target ({cur})", fontsize=13, fontweight="bold")
    if not months:
        top.text(0.5, 0.5, "no months to show yet", ha="center", va="center", transform=top.transAxes)
        return fig

    top.bar(months, [r.contributed for r in report.months], width=20, color=_BAR, label="pledged in month")
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
    top.legend(loc="upper right", fontsize=8, frameon=False)

    cumulative = [r.cumulative for r in report.months]
    cumulative_target = [r.cumulative_target for r in report.months]
    bottom.plot(
        months, cumulative, color=_CUMULATIVE, linewidth=2.2, marker="o", markersize=3, label="cumulative"
    )
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
