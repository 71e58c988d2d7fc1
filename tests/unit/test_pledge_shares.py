"""One rule for a joint pledge's parts (sql/models/intermediate/pledge_shares.sql): a member's stated share
first, else an equal part of what the stated shares leave; donor_totals, reconciliation and the report
(in any currency, with or without a donor filter) all read it, so they give a donor the same part."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from aidtrack.fx import load_rates
from aidtrack.ledger import sample as ledger_sample
from aidtrack.ledger.store import rebuild_ledger
from aidtrack.report.data import build_report

BUNDLED = load_rates(None)  # no fx file in these tests: the bundled ECB rates, as the run uses
rate, usd_rate = BUNDLED.rate, BUNDLED.usd_rate

AUG5 = date(2025, 8, 5)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    """The Nordic $500m package as the pipeline stores it: the package, Sweden's $275m and Norway's
    NOK 1.5bn shares from other articles, a Dutch pledge of its own, and Sweden's own running total."""
    con = ledger_sample.warehouse()
    ledger_sample.add_mention(con, "https://gov.example/nordic", donors=("DNK", "NOR", "SWE"), amount=500e6,
                              currency="USD", source="gov", published_on=AUG5)  # fmt: skip
    ledger_sample.add_mention(con, "https://wire.example/sweden", donors=("SWE",), amount=275e6, currency="USD",
                              kind="share", published_on=AUG5)  # fmt: skip
    ledger_sample.add_mention(con, "https://wire.example/norway", donors=("NOR",), amount=1.5e9, currency="NOK",
                              kind="share", published_on=AUG5)  # fmt: skip
    ledger_sample.add_mention(con, "https://gov.example/nl", donors=("NLD",), amount=100e6, currency="USD",
                              source="gov", published_on=AUG5)  # fmt: skip
    ledger_sample.add_mention(con, "https://gov.example/se-total", donors=("SWE",), amount=275e6, currency="USD",
                              kind="aggregate", source="gov", published_on=date(2025, 9, 1))  # fmt: skip
    rebuild_ledger(con)
    yield con
    con.close()


def _expected() -> dict[str, float]:
    norway = 1.5e9 * usd_rate("NOK", AUG5)[0]
    return {"SWE": 275e6, "NOR": norway, "DNK": 500e6 - 275e6 - norway, "NLD": 100e6}


def test_stated_shares_first_then_equal_parts_of_the_rest(con):
    parts = dict(con.execute("select donor, part_usd from pledge_shares").fetchall())
    assert parts == pytest.approx(_expected())
    joint = con.execute(
        "select sum(fraction), bool_and(n_donors = 3) from pledge_shares where donor <> 'NLD'"
    ).fetchone()
    assert joint == (pytest.approx(1.0), True)
    stated = dict(con.execute("select donor, share_stated from pledge_shares").fetchall())
    assert stated == {"SWE": True, "NOR": True, "DNK": False, "NLD": False}


def test_donor_totals_and_reconciliation_count_the_same_parts(con):
    totals = dict(con.execute("select donor, pledged_usd from donor_totals").fetchall())
    assert totals == pytest.approx(_expected())
    (our_usd, fractions) = con.execute(
        "select our_usd, our_pledge_fractions from reconciliation where donors = ['SWE']"
    ).fetchone()
    assert our_usd == pytest.approx(totals["SWE"]) and fractions == [pytest.approx(0.55)]


def test_the_report_splits_alike_in_any_currency_and_with_a_donor_filter(con):
    expected = _expected()
    today = date(2026, 1, 15)
    report = build_report(con, today=today)
    assert {d.donor: d.pledged for d in report.donors} == pytest.approx(expected)
    assert [d.donor for d in report.donors] == ["SWE", "NOR", "NLD", "DNK"]
    sweden = build_report(con, donors=["SWE"], today=today)
    assert sweden.months[0].contributed == pytest.approx(275e6)
    assert [(d.donor, d.pledged) for d in sweden.donors] == [("SWE", pytest.approx(275e6))]
    in_euros = build_report(con, currency="EUR", today=today)
    eur_per_usd = rate("USD", "EUR", AUG5)[0]
    assert {d.donor: d.pledged for d in in_euros.donors} == pytest.approx(
        {donor: usd * eur_per_usd for donor, usd in expected.items()}
    )
    (sweden_total,) = in_euros.reconciliation
    assert sweden_total.ours == pytest.approx(275e6 * eur_per_usd)
