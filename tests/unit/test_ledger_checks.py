"""Data checks (sql/checks/*.sql): each names its offending rows; a failure inside the caller's transaction
rolls the whole rebuild back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aidtrack.ledger.checks import DataCheckError, check_files, failing_checks, known_donors
from aidtrack.ledger.sample import add_curated, add_mention, ledger, warehouse
from aidtrack.ledger.store import rebuild_ledger


@pytest.fixture
def con():
    con = warehouse()
    add_mention(con, "https://gov.example/ca", source="gov", assumed=True)
    rebuild_ledger(con)
    yield con
    con.close()


def rebuild_in_transaction(con) -> None:
    con.execute("begin")
    try:
        rebuild_ledger(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def test_every_check_is_a_documented_query_and_passes_on_a_good_ledger(con):
    names = {p.stem for p in check_files()}
    assert {
        "pledge_ids_unique",
        "pledge_values_present",
        "pledge_currencies_known",
        "pledge_donors_known",
        "pledge_dates_not_in_future",
        "pledges_have_citations",
    } <= names
    assert all(p.read_text().startswith("--") for p in check_files())
    assert failing_checks(con) == []
    assert {"CAN", "NLD", "EUU"} <= known_donors() and "XXX" not in known_donors()


@pytest.mark.parametrize(
    ("row", "check"),
    [
        ((["BEL"], 100e6, "EUR", date.today() + timedelta(days=30)), "pledge_dates_not_in_future"),
        ((["XXX"], 100e6, "EUR", date(2025, 8, 29)), "pledge_donors_known"),
        ((["BEL"], 100e6, "UAH", date(2025, 8, 29)), "pledge_currencies_known"),
        ((["BEL"], 0.0, "EUR", date(2025, 8, 29)), "pledge_values_present"),
    ],
)
def test_a_failing_check_names_the_rows_and_leaves_the_ledger_unchanged(con, row, check):
    before = ledger(con)
    add_curated(con, *row)
    with pytest.raises(DataCheckError) as raised:
        rebuild_in_transaction(con)
    failure = next(f for f in raised.value.failures if f.name == check)
    assert check in str(raised.value) and "pledge_id=" in str(failure)
    assert failure.n_rows == 1
    assert ledger(con) == before


def test_checks_catch_broken_ledger_rows(con):
    (pid,) = ledger(con)
    con.execute("update pledge_sources set pledge_id = 'p_gone'")
    names = {f.name for f in failing_checks(con)}
    assert names == {"pledges_have_citations", "citations_have_pledges"}
    failure = next(f for f in failing_checks(con) if f.name == "pledges_have_citations")
    assert failure.rows[0][0] == pid
