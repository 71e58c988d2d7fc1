"""rebuild_ledger on a real (in-memory) DuckDB: dates, FX on weekends and holidays, stable ids, excluded
currencies, the FX table the SQL models use, candidate targets."""

from __future__ import annotations

from datetime import date

import pytest

from aidtrack.fx import load_rates
from aidtrack.ledger.sample import add_curated, add_mention, ledger, warehouse
from aidtrack.ledger.store import rebuild, rebuild_ledger

BUNDLED = load_rates(None)  # no fx file in these tests: the bundled ECB rates, as the run uses
usd_rate = BUNDLED.usd_rate


@pytest.fixture
def con():
    con = warehouse()
    yield con
    con.close()


@pytest.mark.parametrize(
    ("announced", "rate_day", "what"),
    [
        (date(2025, 12, 27), date(2025, 12, 24), "Saturday after Christmas and Boxing Day (TARGET holidays)"),
        (date(2025, 12, 25), date(2025, 12, 24), "Christmas Day"),
        (date(2026, 1, 1), date(2025, 12, 31), "New Year's Day"),
        (date(2025, 4, 21), date(2025, 4, 17), "Easter Monday, after Good Friday"),
        (date(2025, 5, 1), date(2025, 4, 30), "Labour Day"),
        (date(2025, 8, 24), date(2025, 8, 22), "a Sunday"),
        (date(2025, 12, 3), date(2025, 12, 3), "a business day"),
    ],
)
def test_fx_on_weekends_and_holidays_uses_the_last_ecb_day_and_says_so(con, announced, rate_day, what):
    add_mention(
        con, "https://wire.example/a", donors=("NOR",), amount=2e9, currency="NOK", published_on=announced
    )
    rebuild_ledger(con)
    (row,) = ledger(con).values()
    assert row["announced_on"] == announced, what
    assert row["fx_date"] == rate_day, what
    assert row["fx_rate_usd"] == pytest.approx(usd_rate("NOK", rate_day)[0])
    assert row["amount_usd"] == pytest.approx(2e9 * row["fx_rate_usd"])
    stored = con.execute("select rate_date, usd_per_unit from fx_usd_rates where currency = 'NOK'").fetchall()
    assert stored == [(rate_day, pytest.approx(row["fx_rate_usd"]))]


def test_announcement_date_is_publication_not_fetch_and_never_a_later_due_date(con):
    # "to be paid by end-2025": a stated date after publication is a due date, not the announcement
    add_mention(
        con,
        "https://wire.example/pl",
        donors=("POL",),
        amount=100e6,
        currency="USD",
        published_on=date(2025, 11, 20),
        stated_date=date(2025, 12, 31),
    )
    # no publication date at all: only the fetch date (2026-01-10), which is not credible on its own
    add_mention(
        con, "https://outlet.example/pl", donors=("POL",), amount=100e6, currency="USD", published_on=None
    )
    rebuild_ledger(con)
    (row,) = ledger(con).values()
    assert row["announced_on"] == date(2025, 11, 20)
    assert row["n_sources"] == 2  # the undated copy (fetched 7 weeks later) is a citation, not a new pledge


def test_ids_are_stable_across_rebuilds_and_re_extraction(con):
    add_mention(con, "https://gov.example/ca", source="gov", assumed=True, mention_id="m-old-1")
    add_mention(con, "https://wire.example/ca", currency="USD", mention_id="m-old-2")
    rebuild_ledger(con)
    first = set(ledger(con))
    rebuild_ledger(con)
    assert set(ledger(con)) == first
    # the extractor changed: same statements, new mention ids (as after `aidtrack reprocess`)
    con.execute("update mentions set mention_id = 'new-' || mention_id")
    rebuild_ledger(con)
    assert set(ledger(con)) == first and len(first) == 1


def test_mentions_in_a_currency_without_ecb_rate_stay_out_of_the_ledger(con):
    add_mention(con, "https://outlet.example/ua", donors=("DEU",), amount=2e9, currency="UAH")
    add_mention(con, "https://wire.example/de", donors=("DEU",), amount=500e6, currency="USD")
    result = rebuild(con)
    assert result.n_pledges == 1 and len(result.excluded) == 1


def test_curated_row_is_counted_and_absorbs_mentions(con):
    add_curated(con, ["BEL"], 100e6, "EUR", date(2025, 8, 29))
    add_mention(
        con,
        "https://wire.example/be",
        donors=("BEL",),
        amount=100e6,
        currency="EUR",
        published_on=date(2025, 8, 30),
    )
    rebuild_ledger(con)
    (row,) = ledger(con).values()
    assert (row["origin"], row["status"], row["n_sources"]) == ("curated", "counted", 2)


def test_candidate_targets_are_listed_for_review_never_applied(con):
    rebuild_ledger(con)
    add_mention(
        con,
        "https://gov.example/rutte",
        donors=(),
        kind="target",
        amount=1e9,
        currency="USD",
        period="month",
        published_on=date(2025, 12, 3),
        quote="Allies should put at least $1 billion a month into PURL.",
    )
    add_mention(
        con,
        "https://wire.example/15bn",
        donors=(),
        kind="target",
        amount=15e9,
        currency="USD",
        published_on=date(2025, 12, 3),
        quote="That means around $15 billion in 2026.",
    )
    add_mention(
        con,
        "https://outlet.example/eur",
        donors=(),
        kind="target",
        amount=1e9,
        currency="EUR",
        period="month",
        published_on=date(2025, 12, 2),
        quote="at least €1 billion a month",
    )
    targets_before = con.execute("select * from targets order by all").fetchall()
    rebuild_ledger(con)  # writes the FX rates of the stated targets
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "select quote, period, amount_per_month, amount_per_month_usd, matches_target_id, review_status "
            "from candidate_targets"
        ).fetchall()
    }
    monthly = rows["Allies should put at least $1 billion a month into PURL."]
    assert monthly == ("month", 1e9, 1e9, "purl-1bn-monthly", "already a target")
    yearly = rows["That means around $15 billion in 2026."]
    assert yearly[:3] == ("year", 1.25e9, 1.25e9) and yearly[4] == "candidate"
    eur = rows["at least €1 billion a month"]
    assert eur[2] == pytest.approx(1e9 * usd_rate("EUR", date(2025, 12, 2))[0])
    assert eur[4] == "candidate"  # ≈ $1.17bn: more than 10 % above the $1bn target
    assert con.execute("select * from targets order by all").fetchall() == targets_before


def test_a_pledge_known_only_from_an_undated_page_waits_for_review(con):
    """No date anywhere but our fetch: the fetch day is no announcement date (a backfill would pile last
    year's pledges into this month), so the pledge is not counted until an analyst dates it."""
    add_mention(
        con, "https://outlet.example/undated", donors=("LVA",), amount=10e6, currency="EUR", published_on=None
    )
    rebuild_ledger(con)
    (row,) = ledger(con).values()
    assert row["status"] == "review"
    # Once a dated report of it arrives, it counts, dated by that report.
    add_mention(
        con,
        "https://wire.example/lv",
        donors=("LVA",),
        amount=10e6,
        currency="EUR",
        published_on=date(2026, 1, 5),
    )
    rebuild_ledger(con)
    (row,) = ledger(con).values()
    assert (row["status"], row["announced_on"]) == ("counted", date(2026, 1, 5))
