"""Report numbers, currency conversion, terminal/HTML/CSV/JSON rendering, exports and the sql helper."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from aidtrack.report.chart import render_chart
from aidtrack.report.data import Converter, ReportError, build_report, with_windows
from aidtrack.report.export import export_warehouse
from aidtrack.report.html import CSP, link, render_html, safe_href
from aidtrack.report.sample import HOSTILE_QUOTE, HOSTILE_URL, build_sample_warehouse
from aidtrack.report.sql import QueryError, read_query, run_query, to_csv, to_json
from aidtrack.report.terminal import money, print_monthly, print_report


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_sample_warehouse(con)
    yield con
    con.close()


def test_money():
    assert money(1.234e9) == "$1.23bn"
    assert money(-456.7e6, "EUR") == "-€456.7m"
    assert money(12345) == "$12,345"
    assert money(5e6, "CAD") == "CAD 5.0m"
    assert money(None) == "–"


def test_python_windows_match_the_view(con):
    """The EUR path recomputes rolling/cumulative columns in Python: it must agree with the SQL view."""
    view = build_report(con).months
    recomputed = with_windows([(m.month, m.contributed, m.target) for m in view])
    assert len(recomputed) == len(view) > 3
    for a, b in zip(recomputed, view, strict=True):
        for field in ("rolling_3m", "rolling_3m_target", "cumulative", "cumulative_target", "cumulative_gap"):
            assert getattr(a, field) == pytest.approx(getattr(b, field))


def test_eur_report_shows_euro_pledges_as_stated(con):
    report = build_report(con, currency="EUR")
    nld = next(d for d in report.donors if d.donor == "NLD")
    assert nld.pledged == pytest.approx(750e6)  # €500m + €250m, whatever the USD rates did in between
    august = next(m for m in report.months if m.month == date(2025, 8, 1))
    usd_part = 1e9 * Converter("EUR", date.today())(1.0, date(2025, 8, 13))  # close enough for the check
    assert august.contributed == pytest.approx(500e6 + usd_part, rel=0.01)
    recon = {r.reported_currency: r for r in report.reconciliation}
    assert recon["EUR"].reported == 750e6 and recon["EUR"].ours == pytest.approx(500e6)
    assert all(p.amount_reporting == p.amount for p in report.pledges if p.currency == "EUR")
    assert sum(d.share for d in report.donors) == pytest.approx(1.0)


def test_usd_report_matches_the_marts(con):
    report = build_report(con)
    assert report.months[-1].cumulative == pytest.approx(
        con.execute("select sum(amount_usd) from pledges where status = 'counted'").fetchone()[0]
    )
    assert [d.donor for d in report.donors[:2]] == ["DEU", "NLD"]
    assert report.last_run.run_id == "run-2"
    assert [f.source for f in report.last_run.failed_sources] == ["outlet"]
    assert len(report.pledges) == con.execute("select count(*) from pledge_ledger").fetchone()[0]


def test_unknown_program_and_currency_are_clear_errors(con):
    with pytest.raises(ReportError, match="no target for program 'NOPE'"):
        build_report(con, program="NOPE")
    with pytest.raises(ReportError, match="cannot report in XYZ"):
        build_report(con, currency="XYZ")


def test_terminal_report_has_every_section(con):
    out = StringIO()
    print_report(con, Console(file=out, width=160, color_system=None), currency="USD")
    text = out.getvalue()
    for expected in (
        "monthly contributions vs target",
        "rolling 3m",
        "cumulative gap",
        "pace (",
        "projected",
        "top donors",
        "DEU",
        "running totals reported by officials",
        "1 source(s) failed",
        "HTTP 503",
    ):
        assert expected in text, expected
    out = StringIO()
    print_monthly(con, Console(file=out, width=160, color_system=None), last=2)
    assert out.getvalue().count("\n│ 20") == 2


def test_terminal_report_does_not_interpret_markup_from_the_warehouse():
    con = duckdb.connect()
    build_sample_warehouse(con)
    con.execute("update fetches set error = '[bold]boom[/bold] [link=x]y' where outcome = 'failed'")
    out = StringIO()
    print_report(con, Console(file=out, width=200, color_system=None))
    assert "[bold]boom[/bold] [link=x]y" in out.getvalue()


def test_safe_href():
    assert safe_href("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_href("http://example.org") == "http://example.org"
    for bad in (
        HOSTILE_URL,
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        " javascript:x",
        "data:text/html,x",
        "vbscript:x",
        "//example.org/x",
        "/relative",
        "https://",
        "",
        None,
        "http://a b",
    ):
        assert safe_href(bad) is None, bad
    assert "<a" not in link(HOSTILE_URL, "outlet")
    assert 'href="https://x.org/?a=1&amp;b=%22"' in link("https://x.org/?a=1&b=%22", "x")


def test_html_escapes_everything_scraped(con):
    report = build_report(con)
    page = render_html(report, render_chart(report))
    assert "<script" not in page and "<img src=x" not in page and 'onerror="' not in page
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert 'href="javascript:' not in page.lower()
    assert f'content="{CSP}"' in page.replace("&#x27;", "'")
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    assert page.count("<tr>") >= len(report.months) + len(report.pledges)
    assert "Poland pledged $100 million" in HOSTILE_QUOTE


def test_chart_png_and_svg(con):
    report = build_report(con)
    png = render_chart(report)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert render_chart(report, "svg").lstrip().startswith(b"<?xml")


def test_export_every_table_and_view(con, tmp_path: Path):
    written = export_warehouse(con, tmp_path / "csv", "csv")
    names = {p.stem for p in written}
    assert {
        "pledge_ledger",
        "pledge_sources",
        "runs",
        "pledges",
        "monthly_vs_target",
        "donor_totals",
        "pace",
        "reconciliation",
    } <= names
    assert all(p.exists() for p in written)
    header = (tmp_path / "csv" / "donor_totals.csv").read_text().splitlines()[0]
    assert header.startswith("program,donor,pledged_usd,share_of_program")
    parquet = export_warehouse(con, tmp_path / "pq", "parquet")
    path = str(tmp_path / "pq" / "pledge_ledger.parquet")
    assert duckdb.connect().execute(f"select count(*) from '{path}'").fetchone()[0] == 8
    assert len(parquet) == len(written)
    with pytest.raises(ValueError, match="unknown export format"):
        export_warehouse(con, tmp_path, "xlsx")


def test_sql_helpers(con, tmp_path: Path):
    query_file = tmp_path / "q.sql"
    query_file.write_text("-- a comment\nselect donor, n_pledges from donor_totals order by donor limit 2;\n")
    assert "donor_totals" in read_query(str(query_file))
    assert read_query("select 1") == "select 1"
    with pytest.raises(QueryError, match="cannot read"):
        read_query(str(tmp_path / "missing.sql"))
    result = run_query(con, read_query(str(query_file)))
    assert result.columns == ["donor", "n_pledges"] and len(result.rows) == 2
    assert to_csv(result).splitlines()[0] == "donor,n_pledges"
    assert json.loads(to_json(run_query(con, "select ['a'] as l, date '2025-01-02' as d"))) == [
        {"l": ["a"], "d": "2025-01-02"}
    ]
    with pytest.raises(QueryError, match="does not exist"):
        run_query(con, "select * from nope")
    with pytest.raises(QueryError, match="empty"):
        run_query(con, "  ")
