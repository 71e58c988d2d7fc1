"""Report numbers, currency conversion, terminal/HTML/CSV/JSON rendering, exports and the sql helper."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import duckdb
import lxml.html
import pytest
from rich.console import Console
from typer.testing import CliRunner

from aidtrack.cli import app
from aidtrack.ledger import sample as ledger_sample
from aidtrack.ledger.overrides import record
from aidtrack.ledger.store import rebuild_ledger
from aidtrack.report import publish
from aidtrack.report.chart import render_chart
from aidtrack.report.data import Converter, ReportError, build_report, with_windows
from aidtrack.report.export import export_warehouse
from aidtrack.report.html import CSP, link, render_html, safe_href
from aidtrack.report.sample import HOSTILE_QUOTE, HOSTILE_URL, build_sample_warehouse
from aidtrack.report.sql import QueryError, read_query, run_query, to_csv, to_json
from aidtrack.report.terminal import money, print_monthly, print_report
from aidtrack.warehouse import read_only, writer


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
        "Germany",  # donors by name, not by code
        "running totals reported by officials",
        "our pledges vs the Kiel Institute's allocations and officials' totals (EUR; kiel, data to 2025-12)",
        "reading, December 2025",
        "why they differ",
        "1 source(s) failed",
        "HTTP 503",
    ):
        assert expected in text, expected
    assert "DEU" not in text and "NLD" not in text
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
    assert page.count("<tr") >= len(report.months) + len(report.pledges)
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


# --- analysts' decisions in the HTML report ---

# What an analyst types is not scraped, but it is still text from outside the code: escaped like a quote.
ANALYST = "<b>ana</b>"
REASON = "ministry's correction <script>document.title='pwned'</script> & 20m for training"
DUTCH_QUOTE = "The Netherlands will contribute EUR 500 million to a new PURL package."


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def edited(settings):
    """A real warehouse file whose ledger the real rebuild made from mentions, then decisions taken
    through `aidtrack review edit|confirm|reject`, then the report written by ``publish``.
    Returns (the ids of the Dutch, German and Canadian pledges, the page parsed, the page's source)."""
    with writer(settings) as con:
        ledger_sample.warehouse(con)
        for url, source in (
            ("https://www.defensie.nl/news/purl", "gov"),
            ("https://wire.example/nl", "wire"),
        ):
            ledger_sample.add_mention(
                con, url, donors=("NLD",), amount=500e6, currency="EUR", source=source,
                published_on=date(2025, 9, 2), quote=DUTCH_QUOTE if source == "gov" else "Dutch: €500m for PURL.",
            )  # fmt: skip
        ledger_sample.add_mention(
            con, "https://outlet.example/de", donors=("DEU",), amount=150e6, currency="EUR", source="outlet",
            published_on=date(2025, 11, 14), confidence=0.4, quote="Germany may add EUR 150 million.",
        )  # fmt: skip
        ledger_sample.add_mention(con, "https://gov.example/ca", source="gov", quote="Canada: $200 million.")
        con.execute("begin")
        rebuild_ledger(con)
        con.execute("commit")
        ids = {
            donors[0]: pid
            for pid, donors in con.execute("select pledge_id, donors from pledge_ledger").fetchall()
        }
    wh = str(settings.warehouse)
    nld, deu, can = ids["NLD"], ids["DEU"], ids["CAN"]
    for args in (
        ("edit", nld, "--amount", "480m", "--by", ANALYST, "--reason", REASON),
        ("confirm", deu, "--by", "ben", "--reason", "Pistorius said it on camera"),
        ("reject", can, "--by", "ben", "--reason", "double count of the September package"),
    ):
        result = cli("review", *args, "-w", wh)
        assert result.exit_code == 0, result.output
    publish(settings)
    source = (settings.warehouse.parent / "report.html").read_text(encoding="utf-8")
    return (nld, deu, can), lxml.html.fromstring(source), source


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _cells(page, pledge_id: str) -> dict[str, object]:
    (row,) = page.xpath(f'//table[@id="pledges-table"]//tr[@id="pledge-{pledge_id}"]')
    return {td.get("data-label"): td for td in row.xpath("./td")}


def test_an_edit_shows_beside_the_quotes_it_overrides(edited, settings):
    (nld, _, _), page, source = edited
    cells = _cells(page, nld)
    evidence = cells["sources and quotes"]
    (decision,) = evidence.xpath('.//ul[@class="decisions"]/li')
    with read_only(settings) as con:
        (decided_on,) = con.execute("select cast(decided_at as date) from pledge_overrides").fetchone()
    # what the analyst decided (old and new value, who, when, why) ...
    assert _text(decision) == (
        f"edited by {ANALYST} on {decided_on}: amount €500.0m → €480.0m (reason: {REASON})"
    )
    assert _text(decision.xpath(".//del")[0]) == "€500.0m" and _text(decision.xpath(".//ins")[0]) == "€480.0m"
    # ... in the same cell as what the sources said, quotes untouched
    quotes = [_text(q) for q in evidence.xpath('.//ul[@class="sources"]//blockquote')]
    assert DUTCH_QUOTE in quotes and "Dutch: €500m for PURL." in quotes
    # the row itself shows the value the totals use, marked as edited
    assert _text(cells["amount"]) == "€480.0medited"
    assert not cells["announced"].xpath('.//*[@class="edited-tag"]')
    # escaped: the analyst's markup is text in the page, never an element
    assert "<b>ana</b>" not in source and "&lt;b&gt;ana&lt;/b&gt;" in source
    assert "<script" not in source and not page.xpath("//script | //b")


def test_confirm_and_reject_show_where_the_pledge_appears(edited, settings):
    (nld, deu, can), page, _ = edited
    with read_only(settings) as con:
        (decided_on,) = con.execute(
            "select distinct cast(decided_at as date) from pledge_overrides"
        ).fetchone()
    confirmed = _cells(page, deu)
    assert _text(confirmed["status"]) == "counted"
    assert [_text(li) for li in confirmed["sources and quotes"].xpath('.//ul[@class="decisions"]/li')] == [
        f"confirmed by ben on {decided_on} (reason: Pistorius said it on camera)"
    ]
    rejected = _cells(page, can)
    assert _text(rejected["status"]) == "rejected"
    assert [_text(li) for li in rejected["sources and quotes"].xpath('.//ul[@class="decisions"]/li')] == [
        f"rejected by ben on {decided_on} (reason: double count of the September package)"
    ]
    # a pledge nobody decided about has no decisions block
    page_ids = {tr.get("id") for tr in page.xpath('//table[@id="pledges-table"]/tbody/tr')}
    assert page_ids == {f"pledge-{pid}" for pid in (nld, deu, can)}


def test_successive_edits_chain_from_what_the_sources_said():
    """Each edit says what it replaced: the first the ledger's value from the most authoritative source
    (the ministry's CAD 200m, not the wire's US$143.4m), the next the value the first edit set."""
    con = ledger_sample.warehouse()
    ledger_sample.add_mention(con, "https://gov.example/ca", source="gov", assumed=True, confidence=0.85)
    ledger_sample.add_mention(con, "https://wire.example/ca", amount=143.4e6, currency="USD", source="wire")
    ledger_sample.add_curated(con, ["NOR"], 1e9, "NOK", date(2025, 10, 1))
    rebuild_ledger(con)
    ids = {d[0]: pid for pid, d in con.execute("select pledge_id, donors from pledge_ledger").fetchall()}
    from aidtrack.ledger.review import decide

    decide(con, ids["CAN"], "edit", analyst="ana", reason="typo", amount=235e6)
    decide(
        con, ids["CAN"], "edit", analyst="ben", reason="USD part", amount=200e6, currency="USD",
        announced_on=date(2025, 12, 4),
    )  # fmt: skip
    decide(con, ids["NOR"], "edit", analyst="ana", reason="NOK 2bn", donors=["NOR", "DNK"])
    report = build_report(con)
    by_donors = {tuple(p.donors): p for p in report.pledges}
    first, second = by_donors[("CAN",)].decisions
    assert (first.before.amount, first.before.currency) == (200e6, "CAD")
    assert (first.after.amount, first.after.currency) == (235e6, "CAD") and first.changed == ["amount"]
    assert second.before == first.after
    assert (second.after.amount, second.after.currency, second.after.announced_on) == (
        200e6,
        "USD",
        date(2025, 12, 4),
    )
    (nor,) = by_donors[("DNK", "NOR")].decisions  # a curated row: its values come from curated_pledges
    assert nor.before.donors == ["NOR"] and nor.after.donors == ["DNK", "NOR"]
    page = render_html(report, b"")
    assert 'amount <del class="nowrap">CAD 200.0m</del> → <ins class="nowrap">CAD 235.0m</ins>' in page
    assert 'date <del class="nowrap">2025-12-03</del> → <ins class="nowrap">2025-12-04</ins>' in page
    assert "donors <del>Norway</del> → <ins>Denmark and Norway</ins>" in page


def test_an_edit_whose_old_value_cannot_be_traced_never_shows_a_guess(con):
    """The hand-made sample has no mentions behind its ledger: the report cannot know what an edit
    replaced, so it says what was set and invents no "before"."""
    record(con, "p-nld-1", "edit", analyst="ana", reason="typo", amount=480e6)
    try:
        report = build_report(con)
        (decision,) = next(p for p in report.pledges if p.pledge_id == "p-nld-1").decisions
        assert decision.before is None and decision.after.amount == 480e6
        page = render_html(report, b"")
        assert 'amount set to <ins class="nowrap">€480.0m</ins>' in page and "<del" not in page
    finally:
        con.execute("delete from pledge_overrides")


# --- names, filters and the reference section ---


def test_html_names_donors_keeps_codes_as_tooltips_and_has_the_reference_section(con):
    report = build_report(con)
    page = lxml.html.fromstring(render_html(report, b""))
    assert page.get("lang") == "en-GB"
    donors = [_text(td) for td in page.xpath('//table[@id="donors-table"]//td[@data-label="donor"]')]
    assert donors[:2] == ["Germany", "Netherlands"]
    assert page.xpath('//table[@id="donors-table"]//td[@data-label="donor"]/span/@title')[:2] == [
        "DEU",
        "NLD",
    ]
    pledge_donors = {_text(td) for td in page.xpath('//table[@id="pledges-table"]//td[@data-label="donors"]')}
    assert {"Denmark, Norway and Sweden", "Estonia, Latvia and Lithuania", "Poland"} <= pledge_donors
    rows = page.xpath('//table[@id="reference-table"]/tbody/tr')
    comparison = report.reference[0]
    assert len(rows) == len(comparison.covered) + 1  # the months after the cut-off are one row
    assert [m.month for m in comparison.covered] == [date(2025, m, 1) for m in range(8, 13)]
    tail = {td.get("data-label"): _text(td) for td in rows[-1].xpath("./td")}
    assert tail["month"].startswith("2026-01 – ") and tail["status"] == "not in the release yet"
    first = {td.get("data-label"): _text(td) for td in rows[0].xpath("./td")}
    assert first["month"] == "2025-08" and first["allocations"] == "€1.40bn" and first["status"] == "in line"
    reading = _text(page.xpath('//section[@id="reference"]//p[@class="reading"]')[0])
    assert reading.startswith("December 2025 (the last month of the release):")
    assert "sha256" in _text(page.xpath('//section[@id="reference"]')[0])


def test_names_follow_the_reports_language(con):
    report = build_report(con, language="de")
    out = StringIO()
    from aidtrack.report.terminal import report_renderable

    Console(file=out, width=200, color_system=None).print(report_renderable(report))
    assert "Deutschland" in out.getvalue() and "Niederlande" in out.getvalue()
    page = render_html(report, b"")
    assert 'lang="de"' in page and "Dänemark, Norwegen und Schweden" in page


def test_donor_filter_shows_that_donors_part_without_target_or_reference(con):
    report = build_report(con, donors=["Sweden"])
    assert report.filter.donors == ("SWE",) and report.pace is None and report.reference == []
    assert all(m.target is None and m.cumulative_gap is None for m in report.months)
    august = next(m for m in report.months if m.month == date(2025, 8, 1))
    assert august.contributed == pytest.approx(500e6 / 3)  # its equal part of the Nordic package
    assert [p.pledge_id for p in report.pledges] == ["p-nordic-1"]
    assert [d.donor for d in report.donors] == ["SWE"]
    assert "all donors together" in report.reference_note
    page = render_html(report, render_chart(report))
    assert "pledges by Sweden (joint pledges included)" in page
    assert "The pace is of all donors together" in page


def test_date_filters_narrow_every_section_but_keep_cumulatives_from_the_start(con):
    full = build_report(con)
    report = build_report(con, since=date(2025, 9, 1), until=date(2025, 11, 30))
    assert [m.month for m in report.months] == [date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1)]
    assert (
        report.months[0].cumulative == next(m for m in full.months if m.month == date(2025, 9, 1)).cumulative
    )
    assert [p.pledge_id for p in report.pledges] == ["p-pol-1"]
    assert [(d.donor, d.share) for d in report.donors] == [("POL", 1.0)]  # shares of the period
    assert [r.reported_on for r in report.reconciliation] == [date(2025, 9, 8)]
    assert [m.month for m in report.reference[0].months] == [
        date(2025, 9, 1),
        date(2025, 10, 1),
        date(2025, 11, 1),
    ]
    with pytest.raises(ReportError, match="is after --until"):
        build_report(con, since=date(2025, 9, 1), until=date(2025, 8, 1))


def test_report_cli_filters_and_their_errors(settings):
    with writer(settings) as wcon:
        build_sample_warehouse(wcon)
    wh = str(settings.warehouse)
    result = cli("report", "-w", wh, "--donor", "DNK", "--donor", "poland", "--since", "2025-08-01")
    assert result.exit_code == 0, result.output
    assert "pledged by Denmark and Poland" in result.output and "pledges (2)" in result.output
    assert "Denmark, Norway and Sweden" in result.output
    data = json.loads(cli("report", "-w", wh, "--donor", "NLD", "--format", "json").output)
    assert data["filter"]["donors"] == ["NLD"] and {p["pledge_id"] for p in data["pledges"]} == {
        "p-nld-1",
        "p-nld-2",
    }
    assert data["pledges"][0]["donors"] == ["NLD"]  # codes stay in the data
    for args, message in (
        (("--donor", "Atlantis"), "unknown donor 'Atlantis'"),
        (("--since", "1 May"), "--since '1 May' is not a date"),
        (("--language", "klingon!"), "unknown report language"),
    ):
        result = cli("report", "-w", wh, *args)
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
