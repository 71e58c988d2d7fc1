"""The reference comparison: how a release is stored (and when it is refused), and the arithmetic of the
``reference_comparison`` mart on hand-made pledges beside the Kiel-shaped test fixture.

The fixture's PURL allocations (€bn): Aug 1.0, Sep 0.2, Oct 0.3, Dec 0.5, Apr 2026 1.5; data to June 2026.
Our counted pledges here (€bn): Aug 1.0, Sep 0.5, Nov 0.6 (stated in USD), Jan 2026 0.5. So, cumulatively:

    month    ours  Kiel   gap   ours 2 months before   reading
    2025-08  1.0   1.0    0     0                      in line
    2025-09  1.5   1.2   +0.3   0    (≤ tolerance)     ahead (lag): Kiel has not caught up yet
    2025-10  1.5   1.5    0                            in line
    2025-11  2.1   1.5   +0.6   1.5 − 1.5 = 0          ahead (lag)
    2025-12  2.1   2.0   +0.1                          in line (tolerance 10% of 2.1 = 0.21)
    2026-01  2.6   2.0   +0.6   2.1 − 2.0 = 0.1        ahead (lag)
    2026-02  2.6   2.0   +0.6   2.1 − 2.0 = 0.1        ahead (lag)
    2026-03  2.6   2.0   +0.6   2.6 − 2.0 = 0.6        ahead, check: not allocated two months on
    2026-04  2.6   3.5   −0.9                          behind (1st month)
    2026-05  2.6   3.5   −0.9                          behind (2nd month)
    2026-06  2.6   3.5   −0.9                          behind, check (3rd month: it did not close)
    2026-07  2.6   –                                   no data (after the release's cut-off)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from aidtrack.fx import load_rates
from aidtrack.report.data import build_report
from aidtrack.sources.reference import KIEL_PROCUREMENT_TRENDS, release_of
from aidtrack.warehouse import prepare
from aidtrack.warehouse.load import current_reference, refresh_reference_rates, store_reference

BUNDLED = load_rates(None)  # no fx file in these tests: the bundled ECB rates, as the run uses
usd_rate = BUNDLED.usd_rate

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "procurement_trends.csv"
GOOD = FIXTURE.read_bytes()
T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
NOV = date(2025, 11, 20)


def release(data: bytes = GOOD, when: datetime = T0):
    return release_of(
        "kiel",
        "https://raw.example/data/procurement_trends.csv",
        data,
        KIEL_PROCUREMENT_TRENDS,
        read_at=when,
        today=date(2026, 12, 1),
    )


def eur_usd(on: date) -> float:
    return usd_rate("EUR", on)[0]


def add_pledge(con, pid, donors, amount, currency, on, status="counted", program="PURL") -> None:
    usd, fx_date = usd_rate(currency, on)
    con.execute(
        "insert into pledge_ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0.9, 1, null, 'curated')",
        [pid, donors, amount, currency, usd, fx_date, amount * usd, on, program, status],
    )


def add_official_total(con, amount_usd: float, on: date) -> None:
    """An official's running total of the whole program (all donors), as the extractor stores one."""
    stamp = datetime.combine(on, datetime.min.time(), UTC)
    con.execute(
        "insert into documents (document_id, canonical_url, url, source, title, published_at, published_on,"
        " language, text, content_hash, fetched_at, first_seen_at, extracted_version)"
        " values ('d1', 'https://nato.example/t', 'https://nato.example/t', 'nato', 't', ?, ?,"
        " 'en', 'x', 'h', ?, ?, 'v')",
        [stamp, on, stamp, stamp],
    )
    con.execute(
        """insert into mentions (mention_id, document_id, kind, donors, amount, currency, program, confidence,
               quote, extractor_version) values ('m1', 'd1', 'aggregate', [], ?, 'USD', 'PURL', 0.9, 'q', 'v')""",
        [amount_usd],
    )


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    prepare(con)
    assert store_reference(con, release(), T0) is None
    refresh_reference_rates(con, date(2026, 12, 1))
    add_pledge(con, "aug", ["NLD"], 1.0e9, "EUR", date(2025, 8, 4))
    add_pledge(con, "sep", ["DNK", "NOR", "SWE"], 0.5e9, "EUR", date(2025, 9, 10))
    add_pledge(con, "nov", ["DEU"], 0.6e9 * eur_usd(NOV), "USD", NOV)  # exactly €0.6bn at its own date
    add_pledge(con, "jan", ["NLD"], 0.5e9, "EUR", date(2026, 1, 15))
    add_pledge(con, "review", ["POL"], 9e9, "EUR", date(2025, 10, 1), status="review")  # not counted
    add_pledge(con, "drones", ["NLD"], 9e9, "EUR", date(2025, 10, 1), program="bilateral")  # not PURL
    add_official_total(con, 1.8e9, date(2025, 9, 12))
    yield con
    con.close()


def rows(con) -> dict[date, dict]:
    result = con.execute("select * from reference_comparison where program = 'PURL'")
    names = [d[0] for d in result.description]
    return {r[1]: dict(zip(names, r, strict=True)) for r in result.fetchall()}


def test_months_cumulative_and_gap(con):
    by_month = rows(con)
    assert min(by_month) == date(2025, 8, 1)  # the first month with money on either side
    expected = {  # month: (ours, ours cumulative, Kiel, Kiel cumulative) in €bn
        date(2025, 8, 1): (1.0, 1.0, 1.0, 1.0),
        date(2025, 9, 1): (0.5, 1.5, 0.2, 1.2),
        date(2025, 10, 1): (0.0, 1.5, 0.3, 1.5),
        date(2025, 11, 1): (0.6, 2.1, 0.0, 1.5),
        date(2025, 12, 1): (0.0, 2.1, 0.5, 2.0),
        date(2026, 1, 1): (0.5, 2.6, 0.0, 2.0),
        date(2026, 4, 1): (0.0, 2.6, 1.5, 3.5),
        date(2026, 6, 1): (0.0, 2.6, 0.0, 3.5),
    }
    for month, (ours, ours_cum, kiel, kiel_cum) in expected.items():
        r = by_month[month]
        assert r["pledged"] == pytest.approx(ours * 1e9, rel=1e-9), month
        assert r["pledged_cumulative"] == pytest.approx(ours_cum * 1e9, rel=1e-9), month
        assert r["allocated"] == pytest.approx(kiel * 1e9), month
        assert r["allocated_cumulative"] == pytest.approx(kiel_cum * 1e9), month
        assert r["gap"] == pytest.approx((ours_cum - kiel_cum) * 1e9, rel=1e-9, abs=1), month
        assert r["currency"] == "EUR" and r["reference_source"] == "kiel"
    assert by_month[date(2025, 11, 1)]["lagged_gap"] == pytest.approx(0, abs=1)  # 1.5 two months before − 1.5
    assert by_month[date(2026, 3, 1)]["lagged_gap"] == pytest.approx(0.6e9, rel=1e-9)  # 2.6 (Jan) − 2.0
    assert by_month[date(2025, 12, 1)]["tolerance"] == pytest.approx(0.21e9)  # 10% of the larger side
    assert by_month[date(2025, 8, 1)]["tolerance"] == pytest.approx(0.1e9)


def test_a_usd_pledge_is_converted_at_its_own_fx_date():
    con = duckdb.connect()
    prepare(con)
    store_reference(con, release(), T0)
    refresh_reference_rates(con, date(2026, 12, 1))
    add_pledge(con, "nov", ["DEU"], 500e6, "USD", NOV)
    (pledged,) = con.execute(
        "select pledged from reference_comparison where month = date '2025-11-01'"
    ).fetchone()
    assert pledged == pytest.approx(500e6 / eur_usd(NOV), rel=1e-12)
    assert pledged != pytest.approx(500e6 / eur_usd(date(2025, 11, 28)), rel=1e-6)  # not the month's end


def test_readings_month_by_month(con):
    status = {m: r["status"] for m, r in rows(con).items()}
    assert [status[date(2025, m, 1)] for m in (8, 9, 10, 11, 12)] == [
        "in line",
        "ahead (lag)",
        "in line",
        "ahead (lag)",
        "in line",
    ]
    assert [status[date(2026, m, 1)] for m in range(1, 8)] == [
        "ahead (lag)",
        "ahead (lag)",
        "ahead, check",
        "behind",
        "behind",
        "behind, check",
        "no data",
    ]
    by_month = rows(con)
    assert [by_month[date(2026, m, 1)]["months_behind"] for m in (3, 4, 5, 6)] == [0, 1, 2, 3]
    assert by_month[date(2026, 7, 1)]["allocated"] is None  # unknown after the cut-off, not 0
    assert by_month[date(2026, 7, 1)]["allocated_cumulative"] is None
    readings = {m: r["reading"] for m, r in by_month.items()}
    assert readings[date(2025, 8, 1)].startswith(
        "In line: we count €1.00bn pledged to date, the Kiel Institute"
    )
    assert "not yet assigned to packages" in readings[date(2025, 9, 1)]
    assert readings[date(2026, 3, 1)].startswith(
        "€600.0m of what we had counted by January 2026 is still not in"
    )
    assert "counted twice" in readings[date(2026, 3, 1)]
    assert readings[date(2026, 4, 1)].startswith(
        "The Kiel Institute has allocated €900.0m more than we count;"
    )
    assert "3 months running: we are probably missing pledges" in readings[date(2026, 6, 1)]
    assert readings[date(2026, 7, 1)] == (
        "The Kiel Institute's release (data to June 2026) does not cover this month yet; we count €2.60bn "
        "pledged to date."
    )


def test_officials_totals_sit_beside_in_euros_at_their_date(con):
    sep = rows(con)[date(2025, 9, 1)]
    on = date(2025, 9, 12)
    assert sep["official_reported_on"] == on
    assert sep["official"] == pytest.approx(1.8e9 / eur_usd(on), rel=1e-12)
    assert sep["official_stated_amount"] == 1.8e9 and sep["official_stated_currency"] == "USD"
    assert sep["pledged_at_official"] == pytest.approx(1.5e9)  # Aug + Sep (10 Sep), before 12 Sep
    assert sep["official_gap"] == pytest.approx(1.5e9 - 1.8e9 / eur_usd(on), rel=1e-9)
    assert rows(con)[date(2025, 10, 1)]["official"] is None


def test_the_report_reads_the_comparison_with_its_release(con):
    report = build_report(con)
    (comparison,) = report.reference
    assert comparison.source == "kiel" and comparison.currency == "EUR"
    assert comparison.data_to == date(2026, 6, 1) and comparison.latest.month == date(2026, 6, 1)
    assert comparison.latest.status == "behind, check" and comparison.problem is None
    assert comparison.location == "https://raw.example/data/procurement_trends.csv"
    assert comparison.content_hash == release().content_hash
    # the chart's line: Kiel's cumulative in the report's currency at the month's end
    aug = comparison.months[0]
    assert aug.allocated_cumulative_reporting == pytest.approx(1e9 * eur_usd(date(2025, 8, 31)), rel=1e-9)
    since = build_report(con, since=date(2026, 1, 1))
    assert since.reference[0].months[0].month == date(2026, 1, 1)
    assert since.reference[0].months[0].pledged_cumulative == pytest.approx(2.6e9)  # still from the start
    assert build_report(con, donors=["NLD"]).reference == []


# --- storing releases ---


def test_the_same_bytes_are_one_release_and_a_later_read_makes_it_current_again():
    con = duckdb.connect()
    prepare(con)
    first = release()
    store_reference(con, first, T0)
    revised = release(
        GOOD.replace(b"2025,8,0.3,0.6,0.1,1\n", b"2025,8,0.3,0.6,0.1,1.1\n"), T0 + timedelta(days=30)
    )
    assert store_reference(con, revised, T0 + timedelta(days=30)) is None
    assert current_reference(con, "kiel")[0] == revised.release_id
    (aug,) = con.execute(
        "select amount from reference_allocations where month = date '2025-08-01'"
    ).fetchone()
    assert aug == pytest.approx(1.1e9)
    # the publisher goes back to the first file: same bytes, same release, current again
    assert store_reference(con, release(GOOD, T0 + timedelta(days=60)), T0 + timedelta(days=60)) is None
    assert current_reference(con, "kiel")[0] == first.release_id
    assert con.execute("select count(*) from reference_releases").fetchone()[0] == 2
    assert con.execute("select count(*) from reference_values").fetchone()[0] == 2 * 13 * 4


def test_a_release_whose_unit_jumped_is_kept_as_rejected_and_the_last_good_stays():
    con = duckdb.connect()
    prepare(con)
    good = release()
    store_reference(con, good, T0)
    lines = GOOD.decode().splitlines()
    scaled = [lines[0]] + [
        ",".join(c if i < 2 else f"{float(c) / 1000:g}" for i, c in enumerate(line.split(",")))
        for line in lines[1:]
    ]
    bad = release("\n".join(scaled).encode(), T0 + timedelta(days=1))
    problem = store_reference(con, bad, T0 + timedelta(days=1))
    assert problem and "the unit seems to have changed" in problem
    assert current_reference(con, "kiel")[0] == good.release_id
    assert con.execute(
        "select status, problem is not null from reference_releases where release_id = ?", [bad.release_id]
    ).fetchone() == ("rejected", True)
    assert {
        r for (r,) in con.execute("select distinct release_id from reference_allocations").fetchall()
    } == {good.release_id}


def test_rates_cover_every_day_from_the_first_month_to_today():
    con = duckdb.connect()
    prepare(con)
    store_reference(con, release(), T0)
    n = refresh_reference_rates(con, date(2026, 12, 1))
    assert n == (date(2026, 12, 1) - date(2025, 6, 1)).days + 1
    saturday = con.execute(
        "select rate_date, usd_per_unit from reference_fx_rates where currency = 'EUR' and on_date = date '2025-11-22'"
    ).fetchone()
    assert saturday == (date(2025, 11, 21), pytest.approx(eur_usd(date(2025, 11, 21))))
