"""The report marts (donor_totals, pace, reconciliation) on an in-memory DuckDB with hand-made rows."""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb
import pytest

from aidtrack.report.sample import build_sample_warehouse
from aidtrack.warehouse import prepare


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_sample_warehouse(con)
    yield con
    con.close()


def _today(con: duckdb.DuckDBPyConnection) -> date:
    return con.execute("select current_date").fetchone()[0]


def _add_pledge(con, pledge_id: str, on: date, usd: float, donors=("DEU",), status="counted") -> None:
    con.execute(
        "insert into pledge_ledger values (?, ?, ?, 'USD', 1.0, ?, ?, ?, 'PURL', ?, 0.95, 1, null, 'extracted')",
        [pledge_id, list(donors), usd, on, usd, on, status],
    )


def _complete_months(today: date, n: int) -> list[date]:
    """The first days of the ``n`` complete months before ``today``'s month, oldest first."""
    months, first = [], today.replace(day=1)
    for _ in range(n):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def test_donor_totals_split_joint_pledges_equally_and_shares_add_up(con):
    rows = {
        d: (usd, share, n, joint)
        for d, usd, share, n, joint in con.execute(
            "select donor, pledged_usd, share_of_program, n_pledges, n_joint_pledges from donor_totals"
            " where program = 'PURL'"
        ).fetchall()
    }
    # the Nordic $500m package (DNK, NOR, SWE) → a third each
    for donor in ("DNK", "NOR", "SWE"):
        assert rows[donor][0] == pytest.approx(500e6 / 3)
        assert rows[donor][3] == 1
    assert math.fsum(r[1] for r in rows.values()) == pytest.approx(1.0)
    counted = con.execute("select sum(amount_usd) from pledges where status = 'counted'").fetchone()[0]
    assert math.fsum(r[0] for r in rows.values()) == pytest.approx(counted)
    assert "CAN" not in rows  # only in review: not counted
    assert rows["DEU"][2] == 2


def test_donor_totals_first_and_last_dates(con):
    first, last = con.execute(
        "select first_pledge_on, last_pledge_on from donor_totals where donor = 'DEU'"
    ).fetchone()
    assert first == date(2025, 8, 13)
    assert last > first


def _pace(con) -> dict:
    cursor = con.execute("select * from pace where program = 'PURL'")
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def test_pace_averages_the_last_three_complete_months(con):
    p = _pace(con)
    today = _today(con)
    months = _complete_months(today, 3)
    expected = con.execute(
        "select avg(contributed_usd) from monthly_vs_target where program = 'PURL' and month in (?, ?, ?)",
        months,
    ).fetchone()[0]
    assert p["window_start"] == months[0] and p["window_end"] == months[-1] and p["n_months"] == 3
    assert p["monthly_rate_usd"] == pytest.approx(expected)
    # the sample: €250m, $1.2bn and $600m in the three months
    assert p["monthly_rate_usd"] == pytest.approx((250e6 * _eur_usd(con, months[0]) + 1.2e9 + 600e6) / 3)
    to_december = (12 - months[-1].month) + 12 * (today.year - months[-1].year)
    assert p["projected_year_end_usd"] == pytest.approx(
        p["cumulative_usd"] + to_december * p["monthly_rate_usd"]
    )
    assert p["year_end_target_usd"] == pytest.approx(p["cumulative_target_usd"] + to_december * 1e9)
    assert p["target_met_month"] is None and p["pace_status"] == "falling behind"


def _eur_usd(con, month: date) -> float:
    return con.execute(
        "select fx_rate_usd from pledge_ledger where currency = 'EUR' and date_trunc('month', announced_on) = ?",
        [month],
    ).fetchone()[0]


def test_pace_finds_the_month_the_cumulative_target_is_caught_up():
    con = duckdb.connect()
    prepare(con)
    today = _today(con)
    months = _complete_months(today, 3)
    for i, month in enumerate(months):
        _add_pledge(con, f"big-{i}", month + timedelta(days=2), 3e9)
    p = _pace(con)
    assert p["monthly_rate_usd"] == pytest.approx(3e9)
    gap = p["cumulative_gap_usd"]
    assert gap < 0 and p["pace_status"] == "catching up"
    n = math.ceil(-gap / (3e9 - 1e9))
    expected = date(
        months[-1].year + (months[-1].month - 1 + n) // 12, (months[-1].month - 1 + n) % 12 + 1, 1
    )
    assert p["target_met_month"] == expected


def test_pace_when_the_target_is_already_met():
    con = duckdb.connect()
    prepare(con)
    today = _today(con)
    months = _complete_months(today, 3)
    _add_pledge(con, "huge", date(2025, 8, 2), 100e9)
    for i, month in enumerate(months):
        _add_pledge(con, f"m-{i}", month + timedelta(days=2), 2e9)
    p = _pace(con)
    assert p["cumulative_gap_usd"] > 0
    assert p["target_met_month"] == months[-1]
    assert p["pace_status"] == "on track"


def test_pace_ignores_the_month_in_progress():
    con = duckdb.connect()
    prepare(con)
    today = _today(con)
    _add_pledge(con, "now", today.replace(day=1), 50e9)
    p = _pace(con)
    assert p["monthly_rate_usd"] == 0
    assert p["pace_status"] == "falling behind"


def test_reconciliation_compares_reported_totals_with_the_ledger_up_to_that_date(con):
    rows = {
        r[0]: r
        for r in con.execute(
            """select mention_id, reported_on, reported_usd, our_usd, our_n_pledges, difference_usd, our_pledge_ids,
                  quote, url
           from reconciliation"""
        ).fetchall()
    }
    nato = rows["m-agg-nato"]
    assert nato[1] == date(2025, 9, 8)  # the article's date (no date stated in the text)
    # NLD €500m + Nordic $500m + DEU $500m, all before 2025-09-08
    assert nato[4] == 3
    expected = con.execute(
        "select sum(amount_usd) from pledges where status = 'counted' and announced_on <= '2025-09-08'"
    ).fetchone()[0]
    assert nato[3] == pytest.approx(expected)
    assert nato[5] == pytest.approx(expected - 2e9)
    assert nato[8].startswith("https://www.nato.int/")
    # a donor's own running total: only that donor's pledges; stated in EUR, converted at a ledger EUR rate
    nld = rows["m-agg-nld"]
    assert nld[6] == ["p-nld-1"]
    eur_rate = con.execute("select fx_rate_usd from pledge_ledger where pledge_id = 'p-nld-1'").fetchone()[0]
    assert nld[2] == pytest.approx(750e6 * eur_rate)
    assert "Netherlands" in nld[7]


def test_models_keep_the_contract_columns(con):
    cols = [d[0] for d in con.execute("select * from monthly_vs_target").description]
    assert cols == [
        "program",
        "month",
        "contributed_usd",
        "target_usd",
        "rolling_3m_usd",
        "rolling_3m_target_usd",
        "cumulative_usd",
        "cumulative_target_usd",
        "cumulative_gap_usd",
    ]
