"""Analysts' decisions (pledge_overrides), applied inside rebuild_ledger: reject, confirm, edit, add; the log is
append-only; decisions find their pledge again when a better source changes its natural id."""

from __future__ import annotations

from datetime import date

import pytest

from aidtrack.ledger.overrides import OverrideError
from aidtrack.ledger.review import add_pledge, decide, parse_amount, parse_donors, review_queue
from aidtrack.ledger.sample import add_mention, ledger, warehouse
from aidtrack.ledger.store import rebuild, rebuild_ledger


@pytest.fixture
def con():
    con = warehouse()
    add_mention(con, "https://gov.example/ca", source="gov", assumed=True, confidence=0.85)
    add_mention(
        con,
        "https://outlet.example/de",
        donors=("DEU",),
        amount=150e6,
        currency="EUR",
        source="outlet",
        published_on=date(2025, 11, 14),
        confidence=0.4,  # below the review threshold
    )
    rebuild_ledger(con)
    yield con
    con.close()


def pledge_of(con, donor: str) -> dict:
    (row,) = [r for r in ledger(con).values() if r["donors"] == [donor]]
    return row


def purl_total(con, month: str) -> float:
    return con.execute(
        "select contributed_usd from monthly_vs_target where program = 'PURL' and month = ?",
        [date.fromisoformat(month)],
    ).fetchone()[0]


def test_reject_takes_a_pledge_out_of_the_totals_and_confirm_brings_it_back(con):
    can = pledge_of(con, "CAN")
    assert purl_total(con, "2025-12-01") == pytest.approx(can["amount_usd"])
    decide(con, can["pledge_id"], "reject", analyst="ana", reason="duplicate of the September package")
    assert pledge_of(con, "CAN")["status"] == "rejected"
    assert purl_total(con, "2025-12-01") == 0
    decide(con, can["pledge_id"], "confirm", analyst="ben", reason="Global Affairs release checked")
    assert pledge_of(con, "CAN")["status"] == "counted"


def test_confirm_counts_a_pledge_below_the_threshold(con):
    deu = pledge_of(con, "DEU")
    assert deu["status"] == "review" and purl_total(con, "2025-11-01") == 0
    decide(con, deu["pledge_id"], "confirm", analyst="ana", reason="Pistorius said it on camera")
    assert pledge_of(con, "DEU")["status"] == "counted"
    assert purl_total(con, "2025-11-01") == pytest.approx(deu["amount_usd"])


def test_edit_changes_the_values_and_keeps_the_history(con):
    can = pledge_of(con, "CAN")
    decide(con, can["pledge_id"], "edit", analyst="ana", reason="typo", amount=235e6)
    decide(
        con, can["pledge_id"], "edit", analyst="ben", reason="PURL part only", amount=200e6, currency="CAD"
    )
    edited = pledge_of(con, "CAN")
    assert edited["pledge_id"] == can["pledge_id"] and edited["amount"] == 200e6
    history = con.execute(
        "select action, amount, analyst, reason from pledge_overrides order by override_id"
    ).fetchall()
    assert history == [("edit", 235e6, "ana", "typo"), ("edit", 200e6, "ben", "PURL part only")]
    (view,) = review_queue(con, pledge_id=can["pledge_id"])
    assert [d.analyst for d in view.decisions] == ["ana", "ben"]


def test_decisions_survive_rebuilds_and_re_extraction(con):
    can, deu = pledge_of(con, "CAN"), pledge_of(con, "DEU")
    decide(con, can["pledge_id"], "reject", analyst="ana", reason="not PURL")
    decide(con, deu["pledge_id"], "confirm", analyst="ana", reason="checked")
    con.execute("update mentions set mention_id = 'v2-' || mention_id")  # a new extractor
    rebuild_ledger(con)
    assert pledge_of(con, "CAN")["status"] == "rejected"
    assert pledge_of(con, "DEU")["status"] == "counted"


def test_a_decision_follows_its_pledge_when_a_better_source_changes_it(con):
    deu = pledge_of(con, "DEU")
    decide(con, deu["pledge_id"], "confirm", analyst="ana", reason="checked")
    # the ministry's own release arrives, a day earlier and with a slightly different figure
    add_mention(
        con,
        "https://gov.example/de",
        donors=("DEU",),
        amount=152e6,
        currency="EUR",
        source="gov",
        published_on=date(2025, 11, 13),
    )
    result = rebuild(con)
    after = pledge_of(con, "DEU")
    assert after["amount"] == 152e6 and after["announced_on"] == date(2025, 11, 13)
    assert after["pledge_id"] == deu["pledge_id"] and after["status"] == "counted"
    assert result.orphaned_decisions == []


def test_added_pledge_counts_and_absorbs_later_mentions(con):
    added = add_pledge(
        con,
        donors=["NZL"],
        amount=15e6,
        currency="NZD",
        announced_on=date(2025, 12, 4),
        program="PURL",
        source_url="https://www.beehive.govt.nz/x",
        analyst="ana",
        reason="NZ release, not in our feeds",
    )
    assert added.status == "counted" and added.origin == "analyst"
    before = purl_total(con, "2025-12-01")
    add_mention(
        con,
        "https://wire.example/nz",
        donors=("NZL",),
        amount=15e6,
        currency="NZD",
        published_on=date(2025, 12, 4),
    )
    rebuild_ledger(con)
    rows = [r for r in ledger(con).values() if r["donors"] == ["NZL"]]
    assert len(rows) == 1 and rows[0]["pledge_id"] == added.pledge_id and rows[0]["n_sources"] == 2
    assert purl_total(con, "2025-12-01") == pytest.approx(before)


def test_decisions_are_validated(con):
    with pytest.raises(OverrideError, match="no pledge"):
        decide(con, "p_nope", "confirm", analyst="ana", reason="x")
    with pytest.raises(OverrideError, match="why"):
        decide(con, pledge_of(con, "CAN")["pledge_id"], "reject", analyst="ana", reason=" ")
    with pytest.raises(OverrideError, match="edit what"):
        decide(con, pledge_of(con, "CAN")["pledge_id"], "edit", analyst="ana", reason="x")
    assert parse_amount("1.5bn") == 1.5e9 and parse_amount("200m") == 200e6
    assert parse_amount("200,000,000") == 200e6
    with pytest.raises(OverrideError):
        parse_amount("lots")
    assert parse_donors("swe, nor;DNK") == ["DNK", "NOR", "SWE"]
    with pytest.raises(OverrideError, match="XXX"):
        parse_donors("CAN,XXX")
