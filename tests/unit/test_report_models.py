"""The report marts (donor_totals, pace, reconciliation) on DuckDB with hand-made rows (in memory, or a file in
tmp_path for the reconciliation of repeated reports)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb
import pytest

from aidtrack.extract import extract
from aidtrack.ledger.sample import add_mention
from aidtrack.ledger.sample import warehouse as ledger_warehouse
from aidtrack.ledger.store import rebuild_ledger
from aidtrack.report.data import build_report
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


# -- reconciliation: one official statement reported by many outlets (issue 13) -------------------------
# A real DuckDB file in tmp_path, filled the way a run fills it: sources with tiers, documents, mentions,
# then the ledger rebuild that writes pledge_ledger and fx_usd_rates.

NATO = "https://nato.example/news/2025-11-13-purl"
OUTLETS = (
    "https://kyiv-daily.example/purl-3bn",
    "https://brussels-post.example/allies",
    "https://wire.example/nato",
)


@pytest.fixture
def file_con(tmp_path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "aid.duckdb"))
    ledger_warehouse(con)  # sources gov (official), wire, outlet, digest (aggregator)
    for name in ("kyiv-daily", "brussels-post"):
        con.execute(
            """insert into sources (name, kind, url, tier, language, country, first_seen_at, last_seen_at)
               values (?, 'rss', ?, 'outlet', 'en', null, now(), now())""",
            [name, f"https://{name}.example/feed"],
        )
    # the ledger: the Dutch package and the Nordic one, both before the reports
    add_mention(con, "https://wire.example/nl", donors=("NLD",), amount=500e6, currency="USD",
                published_on=date(2025, 8, 4))  # fmt: skip
    add_mention(con, "https://wire.example/nordic", donors=("DNK", "NOR", "SWE"), amount=500e6,
                currency="USD", published_on=date(2025, 8, 5))  # fmt: skip
    yield con
    con.close()


def _total(con, url: str, source: str, on: date, amount: float = 3e9, donors=()) -> str:
    """One report of a running total (a mention of kind 'aggregate') in its own document."""
    quote = f"Allies have committed ${amount / 1e9:g} billion to PURL."
    return add_mention(
        con, url, kind="aggregate", donors=donors, amount=amount, currency="USD", source=source, published_on=on,
        quote=quote,
    )  # fmt: skip


def _reconciliation(con) -> list[dict]:
    rebuild_ledger(con)
    cursor = con.execute("select * from reconciliation order by reported_on, reported_amount")
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_one_official_total_repeated_by_three_outlets_is_one_row(file_con):
    official = _total(file_con, NATO, "gov", date(2025, 11, 13))
    _total(file_con, OUTLETS[0], "kyiv-daily", date(2025, 11, 13))
    _total(file_con, OUTLETS[1], "brussels-post", date(2025, 11, 14))
    _total(file_con, OUTLETS[2], "wire", date(2025, 11, 15), amount=2.95e9)  # "almost $3 billion"
    [row] = _reconciliation(file_con)
    assert row["n_sources"] == 4 and len(row["mention_ids"]) == 4
    # the statement speaks with its most authoritative report: official, then wire, then outlets by date
    assert row["mention_id"] == official and row["url"] == NATO and row["tier"] == "official"
    assert row["urls"] == [NATO, OUTLETS[2], OUTLETS[0], OUTLETS[1]]
    assert row["reported_amount"] == 3e9 and row["reported_on"] == date(2025, 11, 13)
    assert row["our_n_pledges"] == 2 and row["our_usd"] == pytest.approx(1e9)
    assert "(reported by 4 sources)" in row["summary"]
    # and the report section that reads the mart shows it once
    assert [r.url for r in build_report(file_con).reconciliation] == [NATO]


def test_outlets_alone_give_the_earliest_report_and_its_date(file_con):
    _total(file_con, OUTLETS[1], "brussels-post", date(2025, 11, 15))
    _total(file_con, OUTLETS[0], "kyiv-daily", date(2025, 11, 14))
    _total(file_con, "https://outlet.example/nato-total", "outlet", date(2025, 11, 16))
    [row] = _reconciliation(file_con)
    assert row["n_sources"] == 3
    assert row["url"] == OUTLETS[0] and row["reported_on"] == date(2025, 11, 14)


def test_the_statement_is_dated_by_its_earliest_report_even_when_the_official_page_is_later(file_con):
    _total(file_con, OUTLETS[0], "kyiv-daily", date(2025, 11, 13))
    _total(file_con, NATO, "gov", date(2025, 11, 14))
    [row] = _reconciliation(file_con)
    assert row["url"] == NATO and row["reported_on"] == date(2025, 11, 13)


def test_different_totals_stay_separate_rows(file_con):
    _total(file_con, NATO, "gov", date(2025, 11, 13))
    _total(file_con, OUTLETS[0], "kyiv-daily", date(2025, 11, 14))
    _total(file_con, OUTLETS[1], "brussels-post", date(2025, 11, 15), amount=3.5e9)  # a later, larger total
    # $3bn again weeks later, and one donor's own $3bn the same day
    _total(file_con, "https://nato.example/news/2025-12-20", "gov", date(2025, 12, 20))
    _total(file_con, "https://gov.example/nl-total", "gov", date(2025, 11, 13), donors=("NLD",))
    rows = _reconciliation(file_con)
    seen = [(r["reported_on"], r["reported_amount"], tuple(r["donors"]), r["n_sources"]) for r in rows]
    assert sorted(seen) == [
        (date(2025, 11, 13), 3e9, (), 2),
        (date(2025, 11, 13), 3e9, ("NLD",), 1),
        (date(2025, 11, 15), 3.5e9, (), 1),
        (date(2025, 12, 20), 3e9, (), 1),
    ]


def test_reports_are_compared_with_the_anchor_so_close_totals_do_not_chain(file_con):
    # $3.14bn is within 5% of $3.0bn, $3.28bn within 5% of $3.14bn but not of $3.0bn
    _total(file_con, NATO, "gov", date(2025, 11, 13))
    _total(file_con, OUTLETS[0], "kyiv-daily", date(2025, 11, 14), amount=3.14e9)
    _total(file_con, OUTLETS[1], "brussels-post", date(2025, 11, 15), amount=3.28e9)
    rows = _reconciliation(file_con)
    assert [(r["reported_amount"], r["n_sources"]) for r in rows] == [(3e9, 2), (3.28e9, 1)]


def test_extracted_reports_of_one_total_and_a_subset_total(file_con):
    """End to end from text: three outlets write up one NATO total in their own words; one also gives the
    total of the first four packages, which is not the programme's running total."""
    articles = [
        (NATO, "gov", "Allies have now committed more than $3 billion through PURL, NATO said on Thursday."),
        (OUTLETS[0], "kyiv-daily", "NATO says allies have so far committed over $3 billion to PURL. "
                                   "The first four packages, worth more than $2 billion in total, "
                                   "covered air defence and rockets."),
        (OUTLETS[1], "brussels-post", "Contributions to PURL have reached $3 billion, the alliance said."),
        (OUTLETS[2], "wire", "In total, allies have put almost $3 billion into PURL so far, NATO said."),
    ]  # fmt: skip
    kinds = []
    for url, source, text in articles:
        published = date(2025, 11, 13)
        for s in extract(text, published=published).statements:
            kinds.append((s.kind, s.amount))
            add_mention(file_con, url, kind=s.kind, donors=s.donors, amount=s.amount, currency=s.currency,
                        source=source, published_on=published, program=s.program, quote=s.quote,
                        confidence=s.confidence)  # fmt: skip
    assert ("recap", 2e9) in kinds and ("aggregate", 2e9) not in kinds
    [row] = _reconciliation(file_con)
    assert row["program"] == "PURL" and row["reported_amount"] == 3e9
    assert row["n_sources"] == 4 and row["url"] == NATO


def test_a_page_that_states_the_total_twice_is_one_source(file_con):
    for quote in ("Allies pass $3 billion in PURL funding.", "Allies have now committed $3 billion to PURL."):
        add_mention(file_con, NATO, kind="aggregate", donors=(), amount=3e9, currency="USD", source="gov",
                    published_on=date(2025, 11, 13), quote=quote)  # fmt: skip
    [row] = _reconciliation(file_con)
    assert row["n_sources"] == 1 and row["urls"] == [NATO] and len(row["mention_ids"]) == 2
