"""The static HTML report: one self-contained ``report.html`` (chart embedded as a base64 PNG, tables,
the check against independent reference series, every pledge with its sources and quotes, and beside
them the analysts' decisions about it). Donors are named in the report's language (CLDR through Babel;
the codes stay in the data). It reads on a phone as on a desktop: see the comment on ``_STYLE``.

Quotes, titles, source names and URLs come from pages we scraped: untrusted (analysts' names and reasons
are treated the same). So every value goes through
``html.escape``; only absolute http(s) URLs become links (``javascript:``, ``data:`` and anything odd are
shown as text); and a strict Content-Security-Policy (no scripts at all, images only from ``data:``, the
one stylesheet pinned by its hash) makes the browser refuse anything that might slip through anyway.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from datetime import UTC
from html import escape
from urllib.parse import urlsplit

from aidtrack.report.data import PledgeDecision, PledgeValues, ReferenceComparison, Report
from aidtrack.report.names import country_name, donors_label
from aidtrack.report.terminal import WHY_THEY_DIFFER, money

# Phones first: nothing may be wider than the viewport. Number tables scroll sideways inside their own
# box (the first column stays put); tables of text (pledges with their quotes, official totals, failed
# sources) become one card per row below 700 px, each value labelled from its column (data-label).
_STYLE = """
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 1200px; padding: 1rem 1rem 2rem; color: #1c2733; overflow-wrap: break-word; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.6rem 0 0.3rem; }
h2 { font-size: 1.35rem; line-height: 1.25; margin-top: 2.2rem; border-bottom: 1px solid #d5dde5; }
a, code, .url-text { overflow-wrap: anywhere; }
.meta, .note { color: #5b6b7a; font-size: 0.9rem; }
.table-scroll { overflow-x: auto; margin: 0.6rem 0; }
.table-scroll:focus-visible { outline: 2px solid #2e6db4; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e3e8ee; padding: 0.35rem 0.5rem; text-align: right; vertical-align: top; }
th { background: #f3f6f9; vertical-align: bottom; } td.text, th.text { text-align: left; } td:not(.text) { white-space: nowrap; }
.table-scroll table:not(.cards) td { white-space: nowrap; }
.scroll-hint { display: none; }
th.key, td.key { position: sticky; left: 0; z-index: 1; background: #fff; box-shadow: 1px 0 0 #e3e8ee; }
th.key { background: #f3f6f9; }
.neg { color: #b03a2e; } .pos { color: #1e8449; }
.status-review { color: #9a6700; font-weight: 600; } .status-rejected { color: #6b7785; font-weight: 600; }
figure { margin: 1rem 0; } figure img { display: block; width: 100%; max-width: 1000px; height: auto;
                                         border: 1px solid #e3e8ee; }
ul.sources, ul.decisions { list-style: none; margin: 0; padding: 0; }
ul.sources li, ul.decisions li { margin-bottom: 0.5rem; }
.list-head { margin: 0.1rem 0 0.25rem; color: #5b6b7a; font-size: 0.85rem; font-weight: 600; }
ul.decisions { margin-bottom: 0.6rem; }
ul.decisions li { padding: 0.3rem 0.5rem; background: #fff8e1; border-left: 3px solid #d4a72c; }
ul.decisions li.decision-reject { background: #f3f4f6; border-left-color: #8a96a3; }
ul.decisions li.decision-confirm, ul.decisions li.decision-add { background: #eef7f0; border-left-color: #4f9d69; }
del { color: #8a4b45; } ins { text-decoration: none; font-weight: 600; } .nowrap { white-space: nowrap; }
.edited-tag { display: inline-block; white-space: nowrap; margin-left: 0.3rem; padding: 0 0.3rem; border-radius: 3px;
              background: #fff1c2; color: #6b4e00; font-size: 0.8rem; font-weight: 600; }
blockquote { margin: 0.2rem 0 0 0; padding-left: 0.6rem; border-left: 3px solid #c9d3dd; color: #34495e;
             overflow-wrap: anywhere; }
.url-text { font-family: ui-monospace, monospace; font-size: 0.85rem; }
.pace p { margin: 0.2rem 0; }
.reading { margin: 0.5rem 0; padding: 0.4rem 0.6rem; background: #f3f6f9; border-left: 3px solid #2e6db4; }
.status-in-line { color: #1e8449; } .status-ahead-check, .status-behind-check { color: #b03a2e; font-weight: 600; }
.status-ahead-lag, .status-behind { color: #9a6700; } .status-no-data { color: #6b7785; }
@media (max-width: 700px) {
  body { padding: 0.75rem 0.75rem 1.5rem; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; }
  .scroll-hint { display: block; margin: 0.3rem 0 0; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: auto; }
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.cards tr { margin: 0 0 0.8rem; padding: 0.4rem 0.7rem; border: 1px solid #d5dde5; border-radius: 6px; }
  table.cards td { position: relative; min-height: 1.4em; padding: 0.2rem 0 0.2rem 7.2rem; border: 0;
                   text-align: left; white-space: normal; overflow-wrap: anywhere; }
  table.cards td::before { content: attr(data-label); position: absolute; left: 0; width: 6.8rem;
                           color: #5b6b7a; font-size: 0.85rem; }
  table.cards td.wide { padding-left: 0; }
  table.cards td.wide::before { position: static; display: block; width: auto; }
}
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


def _gap(value: float | None, currency: str) -> str:
    if value is None:
        return "–"
    return f'<span class="{"neg" if value < 0 else "pos"}">{escape(money(value, currency))}</span>'


# A column: its header, and how its cells read: "num" (right-aligned, never wrapped), "text", or "wide"
# (long text such as quotes: on a phone its label goes above the value instead of beside it).
Column = tuple[str, str]


def _table(
    table_id: str,
    columns: list[Column],
    rows: Iterable[list[str]],
    *,
    label: str,
    cards: bool = False,
    key: int | None = None,
    row_ids: list[str] | None = None,
) -> str:
    """A table of already-escaped cell HTML, one list per row (``row_ids``: an id for each row).

    ``cards``: on a phone each row becomes a card, each value labelled with its column; otherwise the
    table scrolls sideways inside its own box, with column ``key`` (the row's name) kept in view."""

    def cls(i: int, kind: str) -> str:
        names = ([] if kind == "num" else ["text"]) + (["wide"] if kind == "wide" else [])
        names += ["key"] if i == key else []
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{cls(i, kind)}>{escape(label)}</th>" for i, (label, kind) in enumerate(columns))
    body = []
    for n, cells in enumerate(rows):
        row_id = f' id="{escape(row_ids[n], quote=True)}"' if row_ids is not None else ""
        tds = "".join(
            f'<td{cls(i, kind)} data-label="{escape(label, quote=True)}">{cell}</td>'
            for i, ((label, kind), cell) in enumerate(zip(columns, cells, strict=True))
        )
        body.append(f"<tr{row_id}>{tds}</tr>")
    layout = ' class="cards"' if cards else ""
    table = (
        f'<table id="{table_id}"{layout}>'
        f"<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table>"
    )
    # tabindex: a keyboard user can focus the box to scroll it; the label names it for screen readers.
    hint = "" if cards else '<p class="note scroll-hint">Scroll the table sideways for more columns.</p>'
    return hint + (
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{escape(label, quote=True)}">'
        f"{table}</div>"
    )


def _months(report: Report) -> str:
    cur = report.currency
    if report.filter.donors:  # those donors' part: the target is for all donors together
        columns = [("month", "text"), ("pledged", "num"), ("rolling 3m", "num"), ("cumulative", "num")]
        rows = [
            [f"{r.month:%Y-%m}"]
            + [escape(money(v, cur)) for v in (r.contributed, r.rolling_3m, r.cumulative)]
            for r in report.months
        ]
        return _table("months-table", columns, rows, label="Months", key=0)
    rows = [
        [f"{r.month:%Y-%m}"]
        + [
            escape(money(v, cur))
            for v in (
                r.contributed,
                r.target,
                r.rolling_3m,
                r.rolling_3m_target,
                r.cumulative,
                r.cumulative_target,
            )
        ]
        + [_gap(r.cumulative_gap, cur)]
        for r in report.months
    ]
    columns = [
        ("month", "text"),
        ("contributed", "num"),
        ("target", "num"),
        ("rolling 3m", "num"),
        ("rolling 3m target", "num"),
        ("cumulative", "num"),
        ("cumulative target", "num"),
        ("cumulative gap", "num"),
    ]
    return _table("months-table", columns, rows, label="Months", key=0)


def _pace(report: Report) -> str:
    p, cur = report.pace, report.currency
    if p is None and report.filter.donors:
        return '<p class="note">The pace is of all donors together: not shown for some donors.</p>'
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
        [
            str(d.rank),
            _donor_cell(d.donor, report.language),
            escape(money(d.pledged, cur)),
            f"{d.share:.1%}" if d.share is not None else "–",
            str(d.n_pledges),
            str(d.n_joint_pledges),
            escape(str(d.first_pledge_on)),
            escape(str(d.last_pledge_on)),
        ]
        for d in report.donors
    ]
    columns = [
        ("#", "num"),
        ("donor", "text"),
        ("pledged", "num"),
        ("share", "num"),
        ("pledges", "num"),
        ("joint", "num"),
        ("first", "text"),
        ("last", "text"),
    ]
    return _table("donors-table", columns, rows, label="Donors", key=1)


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
            [
                escape(str(r.reported_on)),
                escape(donors_label(r.donors, report.language, none="all")),
                escape(stated),
                escape(money(r.ours, cur)),
                str(r.our_n_pledges),
                _gap(r.difference, cur),
                f"{link(r.url, r.title or r.source or r.url)}<blockquote>{escape(r.quote or '')}</blockquote>",
            ]
        )
    columns = [
        ("reported on", "text"),
        ("donors", "text"),
        ("reported", "num"),
        ("ours", "num"),
        ("pledges", "num"),
        ("difference", "num"),
        ("source and quote", "wide"),
    ]
    return _table("reconciliation-table", columns, rows, label="Official totals", cards=True)


def _donor_cell(code: str, language: str) -> str:
    """A donor's name, its code as the tooltip (what the data and exports use)."""
    return f'<span title="{escape(code, quote=True)}">{escape(country_name(code, language))}</span>'


def _status_class(status: str) -> str:
    return "status-" + re.sub(r"[^a-z]+", "-", status.lower()).strip("-")


def _reference(report: Report) -> str:
    if not report.reference:
        return f'<p class="note">{escape(report.reference_note or "No reference series.")}</p>'
    return "".join(_reference_one(report, c, i) for i, c in enumerate(report.reference))


def _reference_one(report: Report, c: ReferenceComparison, index: int) -> str:
    cur = c.currency
    rows = []
    for m in c.covered:
        official = ours_then = "–"
        if m.official_reported_on is not None:
            official = (
                f"{escape(money(m.official, cur))} "
                f'<span class="meta">({link(m.official_url, f"{m.official_reported_on:%Y-%m-%d}")})</span>'
            )
            ours_then = escape(money(m.pledged_at_official, cur))
        rows.append(
            [
                f"{m.month:%Y-%m}",
                escape(money(m.pledged, cur)),
                escape(money(m.pledged_cumulative, cur)),
                escape(money(m.allocated, cur)),
                escape(money(m.allocated_cumulative, cur)),
                _gap(m.gap, cur),
                official,
                ours_then,
                f'<span class="{_status_class(m.status)}" title="{escape(m.reading, quote=True)}">'
                f"{escape(m.status)}</span>",
            ]
        )
    tail = c.tail
    if tail is not None:  # after the release's cut-off there is nothing to compare: one row
        official = ours_then = "–"
        if tail.official is not None:
            o = tail.official
            official = (
                f"{escape(money(o.official, cur))} "
                f'<span class="meta">({link(o.official_url, f"{o.official_reported_on:%Y-%m-%d}")})</span>'
            )
            ours_then = escape(money(o.pledged_at_official, cur))
        span = f"{tail.first:%Y-%m}" if tail.first == tail.last else f"{tail.first:%Y-%m} – {tail.last:%Y-%m}"
        rows.append(
            [
                escape(span),
                escape(money(tail.pledged, cur)),
                escape(money(tail.pledged_cumulative, cur)),
                "–",
                "–",
                "–",
                official,
                ours_then,
                '<span class="status-no-data">not in the release yet</span>',
            ]
        )
    columns = [
        ("month", "text"),
        ("pledged", "num"),
        ("cumulative", "num"),
        (c.measure, "num"),
        (f"cumulative {c.measure}", "num"),
        ("gap", "num"),
        ("officials said", "num"),
        ("ours then", "num"),
        ("status", "text"),
    ]
    table_id = "reference-table" if index == 0 else f"reference-table-{index + 1}"
    verdict = (
        f'<p class="reading"><strong>{c.latest.month:%B %Y}</strong> (the last month of the release): '
        f"{escape(c.latest.reading)}</p>"
        if c.latest is not None
        else '<p class="note">No month shown is covered by the release yet.</p>'
    )
    problem = (
        f'<p class="neg">The newest file could not be used: {escape(c.problem)}</p>' if c.problem else ""
    )
    modified = f", Last-Modified {c.release_last_modified}" if c.release_last_modified else ""
    return (
        f"<h3>{escape(report.program)}: our pledges vs {escape(c.publisher)}'s {escape(c.measure)} "
        f"({escape(cur)})</h3>"
        + problem
        + verdict
        + f'<p class="note">Why they differ: {escape(WHY_THEY_DIFFER.format(publisher=c.publisher))} '
        f"Our side is every counted pledge, in {escape(cur)} at the rate of its own date; officials' running "
        f"totals at the rate of the day they were stated.</p>"
        + _table(table_id, columns, rows, label=f"Reference: {c.source}", key=0)
        + f'<p class="meta">Release used: {link(c.location)} (sha256 <code>{escape(c.content_hash[:12])}</code>'
        f"{escape(modified)}), first read {c.release_first_seen_at:%Y-%m-%d}, still current on "
        f"{c.release_last_seen_at:%Y-%m-%d}; data {c.data_from:%Y-%m} to {c.data_to:%Y-%m} "
        f"(source <code>{escape(c.source)}</code>).</p>"
    )


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
        [escape(f.source), link(f.url), f'<span class="neg">{escape(f.error or "")}</span>']
        for f in run.failed_sources
    ]
    columns = [("source", "text"), ("url", "wide"), ("error", "wide")]
    return head + _table("failed-sources-table", columns, rows, label="Failed sources", cards=True)


_VERBS = {"edit": "edited", "confirm": "confirmed", "reject": "rejected", "add": "added"}


def _values_text(v: PledgeValues, language: str) -> str:
    return (
        f"{donors_label(v.donors, language)}: {money(v.amount, v.currency)} on {v.announced_on} ({v.program})"
    )


def _changes(d: PledgeDecision, language: str) -> list[str]:
    """An edit's changes as "field before → after" (escaped HTML); amount and currency read as one."""
    after, before = d.after, d.before
    if after is None:
        return []
    shown: list[tuple[str, str | None, str]] = []  # a list of donors may wrap; an amount or a date may not
    if "amount" in d.changed or "currency" in d.changed:
        shown.append(
            (
                "amount",
                money(before.amount, before.currency) if before else None,
                money(after.amount, after.currency),
            )
        )
    if "donors" in d.changed:
        shown.append(
            (
                "donors",
                donors_label(before.donors, language) if before else None,
                donors_label(after.donors, language),
            )
        )
    if "announced_on" in d.changed:
        shown.append(("date", str(before.announced_on) if before else None, str(after.announced_on)))
    if "program" in d.changed:
        shown.append(("program", before.program if before else None, after.program))
    out = []
    for name, old, new in shown:
        cls = "" if name == "donors" else ' class="nowrap"'
        new_html = f"<ins{cls}>{escape(new)}</ins>"
        out.append(
            f"{name} <del{cls}>{escape(old)}</del> → {new_html}"
            if old is not None
            else f"{name} set to {new_html}"
        )
    return out


def _decision(d: PledgeDecision, language: str) -> str:
    """One decision: "edited by ana on 2026-01-10: amount CAD 200.0m → CAD 235.0m (reason: …)"."""
    when = d.decided_at.astimezone(UTC)
    what = ""
    if d.action == "edit":
        what = "; ".join(_changes(d, language))
    elif d.action == "add" and d.after is not None:
        what = escape(_values_text(d.after, language)) + (
            f" ({link(d.source_url, 'source')})" if d.source_url else ""
        )
    verb = _VERBS.get(d.action, d.action)
    return (
        f'<li class="decision decision-{escape(d.action, quote=True)}"><strong>{escape(verb)}</strong> by '
        f'<span class="analyst">{escape(d.analyst)}</span> on '
        f'<time datetime="{escape(when.isoformat(), quote=True)}">{when:%Y-%m-%d}</time>'
        + (f": {what}" if what else "")
        + f' <span class="reason">(reason: {escape(d.reason)})</span></li>'
    )


def _edited(value: str, edited: bool) -> str:
    return value + ('<span class="edited-tag">edited</span>' if edited else "")


def _pledges(report: Report) -> str:
    cur = report.currency
    rows = []
    for p in report.pledges:
        changed = {name for d in p.decisions if d.action == "edit" for name in d.changed}
        sources = "".join(
            f"<li>{link(s.url, s.source or s.url)} "
            f'<span class="meta">{escape(str(s.published_on or ""))} · {escape(s.kind)}</span>'
            + (f"<blockquote>{escape(s.quote)}</blockquote>" if s.quote else "")
            + "</li>"
            for s in p.sources
        )
        evidence = f'<ul class="sources">{sources}</ul>'
        if p.decisions:  # what the analysts decided, then what the sources said: a reader sees both
            evidence = (
                '<p class="list-head">Analysts\' decisions</p><ul class="decisions">'
                + "".join(_decision(d, report.language) for d in p.decisions)
                + '</ul><p class="list-head">What the sources said</p>'
                + evidence
            )
        status = f'<span class="status-{escape(p.status, quote=True)}">{escape(p.status)}</span>'
        rows.append(
            [
                _edited(escape(str(p.announced_on)), "announced_on" in changed),
                _edited(escape(p.program), "program" in changed),
                _edited(
                    f'<span title="{escape(", ".join(p.donors), quote=True)}">'
                    f"{escape(donors_label(p.donors, report.language))}</span>",
                    "donors" in changed,
                ),
                _edited(escape(money(p.amount, p.currency)), bool({"amount", "currency"} & changed)),
                escape(money(p.amount_reporting, cur)),
                status,
                f"{p.confidence:.2f}",
                evidence,
            ]
        )
    columns = [
        ("announced", "text"),
        ("program", "text"),
        ("donors", "text"),
        ("amount", "num"),
        (cur, "num"),
        ("status", "text"),
        ("confidence", "num"),
        ("sources and quotes", "wide"),
    ]
    row_ids = [f"pledge-{p.pledge_id}" for p in report.pledges]
    return _table("pledges-table", columns, rows, label="Pledges", cards=True, row_ids=row_ids)


def _filter_note(report: Report) -> str:
    f = report.filter
    if not f.active:
        return ""
    parts = []
    if f.donors:
        parts.append(f"pledges by {donors_label(f.donors, report.language)} (joint pledges included)")
    if f.since or f.until:
        parts.append(f"from {f.since or 'the start'} to {f.until or 'today'}")
    return (
        f'<p class="meta"><strong>Filtered</strong>: {escape("; ".join(parts))}; cumulative columns run from '
        "the program's first month.</p>"
    )


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
<html lang="{escape(report.language, quote=True)}">
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
{_filter_note(report)}
</header>
<section id="pace"><h2>Pace</h2>{_pace(report)}</section>
<figure><img id="chart" src="data:image/png;base64,{chart}" width="1000" height="650"
 alt="{escape(report.program, quote=True)}: monthly pledges vs target and cumulative vs cumulative target"></figure>
<section id="months"><h2>Months</h2>{_months(report)}</section>
<section id="donors"><h2>Donors</h2>
<p class="note">A joint pledge counts for each donor with its stated share, else an equal part of what the stated shares leave.</p>{_donors(report)}</section>
<section id="reconciliation"><h2>Running totals reported by officials vs our ledger</h2>
{_reconciliation(report)}</section>
<section id="reference"><h2>Checked against an independent reference</h2>
{_reference(report)}</section>
<section id="last-run"><h2>Last pipeline run</h2>{_last_run(report)}</section>
<section id="pledges"><h2>Every pledge ({len(report.pledges)}) with its sources</h2>
<p class="note">Quotes are as scraped from the sources; only http(s) addresses are links. Where an analyst
edited, confirmed or rejected a pledge, the decision is shown beside the quotes, and the row shows the edited
values.</p>
{_pledges(report)}</section>
</body>
</html>
"""
