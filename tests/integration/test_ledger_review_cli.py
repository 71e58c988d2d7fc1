"""Analysts' review through the real CLI on a warehouse the real pipeline filled: decisions survive a full
`aidtrack reprocess`; a failing data check fails the ledger build, names the rows and changes nothing."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from test_ledger_pipeline import run_fixture  # noqa: I001 - the sibling module's pipeline helper
from typer.testing import CliRunner

from aidtrack.cli import app
from aidtrack.ledger.checks import DataCheckError
from aidtrack.reprocess import reprocess
from aidtrack.runs import RunSummary, close_run
from aidtrack.warehouse import read_only, writer

pytestmark = pytest.mark.slow


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"AIDTRACK_ANALYST": "ana", "COLUMNS": "200"})


def state(settings) -> dict:
    with read_only(settings) as con:
        return {
            "ledger": con.execute(
                "select pledge_id, donors, amount, currency, status from pledge_ledger order by pledge_id"
            ).fetchall(),
            "sources": con.execute("select * from pledge_sources order by all").fetchall(),
            "monthly": con.execute("select * from monthly_vs_target order by all").fetchall(),
            "overrides": con.execute(
                "select pledge_id, action, amount, analyst, reason from pledge_overrides order by override_id"
            ).fetchall(),
        }


def pledge_id(settings, donors: list[str], amount: float) -> str:
    with read_only(settings) as con:
        return con.execute(
            "select pledge_id from pledge_ledger where donors = ? and amount = ?", [donors, amount]
        ).fetchone()[0]


def test_decisions_survive_a_full_reprocess(prefect_harness, tmp_path):
    settings = run_fixture("one_donor_one_week", tmp_path)
    wh = str(settings.warehouse)

    listing = cli("review", "-w", wh)
    assert listing.exit_code == 0, listing.output
    assert "AUD 50.0m" in listing.output and "Marles" in listing.output  # amounts, quotes, sources
    # Why each mention was read as it was: the kind rule that decided it, and the extractor's reasons.
    assert "why: kind: a donor and an amount, nothing against it" in listing.output

    equipment = pledge_id(settings, ["AUS"], 43e6)
    cap = pledge_id(settings, ["CAN"], 35e6)
    purl = pledge_id(settings, ["CAN"], 200e6)
    result = cli("review", "reject", equipment, "-w", wh, "--reason", "bilateral equipment, not PURL")
    assert result.exit_code == 0 and "now rejected" in result.output, result.output
    result = cli(
        "review", "edit", cap, "-w", wh, "--reason", "Global Affairs: CAD, not USD", "--currency", "CAD"
    )
    assert result.exit_code == 0 and "CAD 35.0m" in result.output, result.output
    # The report beside the warehouse shows the decision at once, next to the quotes it overrides.
    html = (settings.warehouse.parent / "report.html").read_text(encoding="utf-8")
    report = " ".join(BeautifulSoup(html, "lxml").get_text(" ").split())
    assert "edited by ana on" in report and "(reason: Global Affairs: CAD, not USD)" in report
    result = cli("review", "confirm", purl, "-w", wh, "--reason", "Global Affairs release", "--by", "ben")
    assert result.exit_code == 0, result.output
    result = cli(
        "add-pledge", "-w", wh, "--donors", "NZL", "--amount", "15m", "--currency", "NZD", "--date", "2025-12-04",
        "--source-url", "https://www.beehive.govt.nz/release", "--reason", "NZ release; no feed we follow",
    )  # fmt: skip
    assert result.exit_code == 0 and "now counted" in result.output, result.output
    before = state(settings)
    assert len(before["overrides"]) == 4

    # As if an older extractor had found nothing: reprocess rebuilds mentions and ledger from the archive.
    with writer(settings) as con:
        con.execute("delete from mentions")
        con.execute("update documents set text = 'stale', extracted_version = 'old'")
        con.execute("delete from pledge_ledger")
        con.execute("delete from pledge_sources")
    summary = reprocess(settings)
    assert summary.articles == 4 and not summary.problems

    after = state(settings)
    assert after == before
    statuses = {pid: (amount, currency, status) for pid, _, amount, currency, status in after["ledger"]}
    assert statuses[equipment] == (43e6, "AUD", "rejected")
    assert statuses[cap] == (35e6, "CAD", "counted")
    assert statuses[purl] == (200e6, "CAD", "counted")

    shown = cli("review", "show", cap, "-w", wh)
    assert "edit by ana" in shown.output and "currency=CAD" in shown.output, shown.output


def test_a_failing_data_check_names_the_rows_and_leaves_the_warehouse_unchanged(prefect_harness, tmp_path):
    settings = run_fixture("wrong_currency", tmp_path)
    before = state(settings)
    with read_only(settings) as con:
        runs_before = con.execute("select * from runs order by run_id").fetchall()
    # An analyst's CSV row with a date in the future (2052 for 2025) reaches the warehouse...
    with writer(settings) as con:
        con.execute(
            "insert into curated_pledges (curated_id, source, donors, amount, currency, announced_on, program, "
            "source_url, note) values ('c_typo', 'analyst-csv', ['CAN'], 200e6, 'CAD', date '2052-12-03', "
            "'PURL', 'https://example.org/typo', 'typo')"
        )
    # ...and the next ledger build fails loudly, naming the offending pledge, and commits nothing.
    with pytest.raises(DataCheckError) as raised:
        close_run(settings, RunSummary(run_id="after-typo"))
    message = str(raised.value)
    assert "pledge_dates_not_in_future" in message and "announced_on=2052-12-03" in message
    assert "https://example.org/typo" in message
    assert state(settings) == before
    with read_only(settings) as con:
        assert con.execute("select * from runs order by run_id").fetchall() == runs_before


def test_review_errors_are_one_clear_line(prefect_harness, tmp_path):
    settings = run_fixture("joint_shares", tmp_path)
    result = cli("review", "confirm", "p_nope", "-w", str(settings.warehouse), "--reason", "x")
    assert result.exit_code == 1
    assert "no pledge 'p_nope'" in result.output and "Traceback" not in result.output
    result = cli(
        "add-pledge", "-w", str(settings.warehouse), "--donors", "CAN", "--amount", "lots", "--currency", "CAD",
        "--date", "2025-12-03", "--reason", "x",
    )  # fmt: skip
    assert result.exit_code == 1 and "amount 'lots'" in result.output
    missing = cli("review", "-w", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 1 and "no warehouse" in missing.output
