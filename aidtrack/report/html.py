"""The static HTML report: one self-contained ``report.html`` (chart embedded as a base64 PNG, tables,
every pledge with its sources and quotes).

Quotes, titles, source names and URLs come from pages we scraped: untrusted. So every value goes through
``html.escape``; only absolute http(s) URLs become links (``javascript:``, ``data:`` and anything odd are
shown as text); and a strict Content-Security-Policy (no scripts at all, images only from ``data:``, the
one stylesheet pinned by its hash) makes the browser refuse anything that might slip through anyway.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from html import escape
from urllib.parse import urlsplit

from aidtrack.report.data import Report
from aidtrack.report.terminal import money

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px;
       padding: 0 1rem; color: #1c2733; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d5dde5; }
.meta, .note { color: #5b6b7a; font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e3e8ee; padding: 0.3rem 0.5rem; text-align: right; vertical-align: top; }
th { background: #f3f6f9; } td.text, th.text { text-align: left; } td:not(.text) { white-space: nowrap; }
.neg { color: #b03a2e; } .pos { color: #1e8449; }
.status-review { color: #9a6700; font-weight: 600; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #e3e8ee; }
ul.sources { list-style: none; margin: 0; padding: 0; }
ul.sources li { margin-bottom: 0.5rem; }
blockquote { margin: 0.2rem 0 0 0; padding-left: 0.6rem; border-left: 3px solid #c9d3dd; color: #34495e;
             overflow-wrap: anywhere; }
.url-text { font-family: ui-monospace, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
.pace p { margin: 0.2rem 0; }
"""

_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()

# No scripts, no frames, no forms, no network: images only inline, styles only the one above.
CSP = (
    f"default-src 'none'; img-src data:; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
    "form-action 'none'"
)

_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL we can link to, else None (shown as plain text)."""
    if not url or _CONTROL.search(url):  # browsers strip tabs/newlines inside schemes: refuse them outright
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def link(url: str | None, text: str | None = None) -> str:
    """An escaped ``<a>`` for http(s) URLs; anything else as escaped text that is not a link."""
    label = escape(text if text is not None else (url or ""))
    href = safe_href(url)
    if href is None:
        return (
            f'<span class="url-text">{escape(url or "")}</span>'
            if text is None
            else (f'{label} <span class="url-text">({escape(url or "no URL")})</span>')
        )
    return f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer nofollow">{label}</a>'


def _cell(value: object, cls: str = "") -> str:
    return f'<td class="{cls}">{value}</td>' if cls else f"<td>{value}</td>"


def _gap(value: float | None, currency: str) -> str:
    if value is None:
        return "–"
    return f'<span class="{"neg" if value < 0 else "pos"}">{escape(money(value, currency))}</span>'


def _table(table_id: str, headers: Iterable[tuple[str, bool]], rows: Iterable[str]) -> str:
    head = "".join(
        f'<th class="text">{escape(h)}</th>' if text else f"<th>{escape(h)}</th>" for h, text in headers
    )
    return (
        f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>\n'
        + "\n".join(f"<tr>{r}</tr>" for r in rows)
        + "\n</tbody></table>"
    )


def _months(report: Report) -> str:
    cur = report.currency
    rows = [
        _cell(f"{r.month:%Y-%m}", "text")
        + "".join(
            _cell(escape(money(v, cur)))
            for v in (
                r.contributed,
                r.target,
                r.rolling_3m,
                r.rolling_3m_target,
                r.cumulative,
                r.cumulative_target,
            )
        )
        + _cell(_gap(r.cumulative_gap, cur))
        for r in report.months
    ]
    headers = [
        ("month", True),
        ("contributed", False),
        ("target", False),
        ("rolling 3m", False),
        ("rolling 3m target", False),
        ("cumulative", False),
        ("cumulative target", False),
        ("cumulative gap", False),
    ]
    return _table("months-table", headers, rows)


def _pace(report: Report) -> str:
    p, cur = report.pace, report.currency
    if p is None:
        return '<p class="note">No complete month since the target started yet.</p>'
    if p.target_met_month is None:
        met = '<span class="neg">never at this pace</span>'
    elif p.cumulative_gap >= 0:
        met = f'<span class="pos">already met (as of {p.target_met_month:%B %Y})</span>'
    else:
        met = f"{p.target_met_month:%B %Y} at this pace"
    ratio = f" ({p.pace_ratio:.0%} of target)" if p.pace_ratio is not None else ""
    return (
        f'<div class="pace"><p><strong>Pace</strong> ({p.window_start:%b %Y} – {p.window_end:%b %Y}, '
        f"{p.n_months} complete month{'s' if p.n_months != 1 else ''}): {escape(money(p.monthly_rate, cur))} per "
        f"month vs {escape(money(p.monthly_target, cur))} target{ratio} — {escape(p.status)}.</p>"
        f"<p><strong>Projected {p.as_of.year} year-end</strong>: {escape(money(p.projected_year_end, cur))} vs "
        f"cumulative target {escape(money(p.year_end_target, cur))} (gap {_gap(p.projected_year_end_gap, cur)}).</p>"
        f"<p><strong>Cumulative target met</strong>: {met}.</p></div>"
    )


def _donors(report: Report) -> str:
    cur = report.currency
    rows = [
        _cell(d.rank)
        + _cell(escape(d.donor), "text")
        + _cell(escape(money(d.pledged, cur)))
        + _cell(f"{d.share:.1%}" if d.share is not None else "–")
        + _cell(d.n_pledges)
        + _cell(d.n_joint_pledges)
        + _cell(escape(str(d.first_pledge_on)), "text")
        + _cell(escape(str(d.last_pledge_on)), "text")
        for d in report.donors
    ]
    headers = [
        ("#", False),
        ("donor", True),
        ("pledged", False),
        ("share", False),
        ("pledges", False),
        ("joint", False),
        ("first", True),
        ("last", True),
    ]
    return _table("donors-table", headers, rows)


def _reconciliation(report: Report) -> str:
    if not report.reconciliation:
        return '<p class="note">No running total reported by officials has been extracted yet.</p>'
    cur = report.currency
    rows = []
    for r in report.reconciliation:
        stated = money(r.reported_amount, r.reported_currency)
        if r.reported_currency != cur:
            stated += f" ≈ {money(r.reported, cur)}"
        rows.append(
            _cell(escape(str(r.reported_on)), "text")
            + _cell(escape(", ".join(r.donors) or "all"), "text")
            + _cell(escape(stated))
            + _cell(escape(money(r.ours, cur)))
            + _cell(r.our_n_pledges)
            + _cell(_gap(r.difference, cur))
            + _cell(
                f"{link(r.url, r.title or r.source or r.url)}<blockquote>{escape(r.quote or '')}</blockquote>",
                "text",
            )
        )
    headers = [
        ("reported on", True),
        ("donors", True),
        ("reported", False),
        ("ours", False),
        ("pledges", False),
        ("difference", False),
        ("source and quote", True),
    ]
    return _table("reconciliation-table", headers, rows)


def _last_run(report: Report) -> str:
    run = report.last_run
    if run is None:
        return '<p class="note">No pipeline run recorded yet.</p>'
    head = (
        f"<p>Run <code>{escape(run.run_id)}</code> started {escape(f'{run.started_at:%Y-%m-%d %H:%M %Z}')}, "
        f"status <strong>{escape(run.status)}</strong>.</p>"
    )
    if not run.failed_sources:
        return head + '<p class="pos">No source failed.</p>'
    rows = [
        _cell(escape(f.source), "text")
        + _cell(link(f.url), "text")
        + _cell(f'<span class="neg">{escape(f.error or "")}</span>', "text")
        for f in run.failed_sources
    ]
    return head + _table("failed-sources-table", [("source", True), ("url", True), ("error", True)], rows)


def _pledges(report: Report) -> str:
    cur = report.currency
    rows = []
    for p in report.pledges:
        sources = "".join(
            f"<li>{link(s.url, s.source or s.url)} "
            f'<span class="meta">{escape(str(s.published_on or ""))} · {escape(s.kind)}</span>'
            + (f"<blockquote>{escape(s.quote)}</blockquote>" if s.quote else "")
            + "</li>"
            for s in p.sources
        )
        status = f'<span class="status-{escape(p.status, quote=True)}">{escape(p.status)}</span>'
        rows.append(
            _cell(escape(str(p.announced_on)), "text")
            + _cell(escape(p.program), "text")
            + _cell(escape(", ".join(p.donors)), "text")
            + _cell(escape(money(p.amount, p.currency)))
            + _cell(escape(money(p.amount_reporting, cur)))
            + _cell(status, "text")
            + _cell(f"{p.confidence:.2f}")
            + _cell(f'<ul class="sources">{sources}</ul>', "text")
        )
    headers = [
        ("announced", True),
        ("program", True),
        ("donors", True),
        ("amount", False),
        (cur, False),
        ("status", True),
        ("confidence", False),
        ("sources and quotes", True),
    ]
    return _table("pledges-table", headers, rows)


def render_html(report: Report, chart_png: bytes) -> str:
    """The whole page as a string; ``chart_png`` is embedded as a data: URL."""
    title = f"{report.program}: military-aid pledges vs target"
    chart = base64.b64encode(chart_png).decode("ascii")
    target_note = ""
    if report.target_stated_by or report.target_source_url:
        target_note = (
            f" Target stated by {escape(report.target_stated_by or 'unknown')}"
            + (f" ({link(report.target_source_url, 'source')})" if report.target_source_url else "")
            + "."
        )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(CSP, quote=True)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>{escape(title)}</h1>
<p class="meta">Generated {escape(f"{report.generated_at:%Y-%m-%d %H:%M %Z}")} by aidtrack · amounts in
{escape(report.currency)} · only pledges with status <em>counted</em> enter the totals.{target_note}</p>
</header>
<section id="pace"><h2>Pace</h2>{_pace(report)}</section>
<figure><img id="chart" src="data:image/png;base64,{chart}" width="1000" height="650"
 alt="{escape(report.program, quote=True)}: monthly pledges vs target and cumulative vs cumulative target"></figure>
<section id="months"><h2>Months</h2>{_months(report)}</section>
<section id="donors"><h2>Donors</h2>
<p class="note">A joint pledge is split equally among its donors.</p>{_donors(report)}</section>
<section id="reconciliation"><h2>Running totals reported by officials vs our ledger</h2>
{_reconciliation(report)}</section>
<section id="last-run"><h2>Last pipeline run</h2>{_last_run(report)}</section>
<section id="pledges"><h2>Every pledge ({len(report.pledges)}) with its sources</h2>
<p class="note">Quotes are as scraped from the sources; only http(s) addresses are links.</p>
{_pledges(report)}</section>
</body>
</html>
"""
