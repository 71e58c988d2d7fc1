"""Migrations, seeds and models on a real DuckDB file."""

from datetime import date

import duckdb
import pytest

from aidtrack.warehouse import prepare, read_only, writer
from aidtrack.warehouse.paths import sql_dir
from aidtrack.warehouse.schema import MigrationError, migrate

MONTHLY_COLUMNS = [
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
PLEDGES_COLUMNS = [
    "pledge_id",
    "donors",
    "amount",
    "currency",
    "amount_usd",
    "announced_on",
    "program",
    "status",
    "confidence",
    "n_sources",
    "first_url",
]


def add_pledge(con, pledge_id, amount_usd, on, status="counted", program="PURL"):
    con.execute(
        "insert into pledge_ledger values (?, ['NLD'], ?, 'USD', 1.0, ?, ?, ?, ?, ?, 0.9, 1, 'https://x', 'extracted')",
        [pledge_id, amount_usd, on, amount_usd, on, program, status],
    )


def test_migrations_apply_once_and_are_recorded(settings):
    with writer(settings) as con:
        first = prepare(con)
        second = prepare(con)
        recorded = con.execute("select name from schema_migrations order by version").fetchall()
    shipped = sorted(p.name for p in (sql_dir() / "migrations").glob("*.sql"))
    assert first == shipped and second == []
    assert [name for (name,) in recorded] == shipped


def test_targets_are_seeded_from_sql_seeds(settings):
    with writer(settings) as con:
        prepare(con)
        prepare(con)
        rows = con.execute(
            "select program, amount_per_month_usd, valid_from, source_url from targets"
        ).fetchall()
    assert len(rows) == 1
    program, amount, valid_from, url = rows[0]
    assert (program, amount, valid_from) == ("PURL", 1e9, date(2025, 8, 1)) and url.startswith("https://")


def test_views_have_exactly_the_contract_columns(settings):
    with writer(settings) as con:
        prepare(con)
        monthly = [d[0] for d in con.execute("select * from monthly_vs_target limit 0").description]
        pledges = [d[0] for d in con.execute("select * from pledges limit 0").description]
    assert monthly == MONTHLY_COLUMNS and pledges == PLEDGES_COLUMNS


def test_monthly_vs_target_arithmetic_with_empty_months(settings):
    with writer(settings) as con:
        prepare(con)
        add_pledge(con, "a", 600e6, date(2025, 8, 4))
        add_pledge(con, "b", 900e6, date(2025, 8, 30))
        add_pledge(con, "c", 300e6, date(2025, 10, 15))
        add_pledge(con, "d", 5e9, date(2025, 10, 16), status="review")  # awaiting review: not counted
        add_pledge(con, "e", 7e9, date(2025, 7, 20))  # before the target starts: outside the spine
        rows = con.execute("select * from monthly_vs_target order by month").fetchall()
    by_month = {r[1]: dict(zip(MONTHLY_COLUMNS, r, strict=True)) for r in rows}
    assert min(by_month) == date(2025, 8, 1) and date.today().replace(day=1) in by_month
    months = sorted(by_month)
    assert all(
        (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1
        for a, b in zip(months, months[1:], strict=False)
    )
    aug, sep, oct_ = by_month[date(2025, 8, 1)], by_month[date(2025, 9, 1)], by_month[date(2025, 10, 1)]
    assert aug["contributed_usd"] == pytest.approx(1.5e9)
    assert sep["contributed_usd"] == 0
    assert oct_["contributed_usd"] == pytest.approx(300e6)
    assert oct_["rolling_3m_usd"] == pytest.approx(1.8e9) and oct_["rolling_3m_target_usd"] == pytest.approx(
        3e9
    )
    assert sep["rolling_3m_target_usd"] == pytest.approx(2e9)  # only two months exist so far
    assert oct_["cumulative_usd"] == pytest.approx(1.8e9)
    assert oct_["cumulative_gap_usd"] == pytest.approx(1.8e9 - 3e9)
    last = by_month[months[-1]]
    assert last["cumulative_target_usd"] == pytest.approx(1e9 * len(months))


def test_a_new_target_version_applies_from_its_start(settings):
    with writer(settings) as con:
        prepare(con)
        con.execute(
            "insert into targets values ('v2', 'PURL', 1.5e9, 'USD', 1.5e9, date '2026-01-01', null, "
            "'test', null, null)"
        )
        con.execute("update targets set valid_to = date '2025-12-31' where target_id = 'purl-1bn-monthly'")
        rows = dict(con.execute("select month, target_usd from monthly_vs_target").fetchall())
    assert rows[date(2025, 12, 1)] == 1e9 and rows[date(2026, 1, 1)] == 1.5e9


def test_malformed_migration_name_is_refused(tmp_path, settings):
    (tmp_path / "first.sql").write_text("select 1")
    with writer(settings) as con, pytest.raises(MigrationError, match="NNN_name.sql"):
        migrate(con, tmp_path)


def test_failed_migration_leaves_nothing_behind(tmp_path, settings):
    (tmp_path / "001_ok.sql").write_text("create table ok_table (x int);")
    (tmp_path / "002_bad.sql").write_text("create table half (x int); select * from no_such_table;")
    with writer(settings) as con:
        with pytest.raises(duckdb.Error):
            migrate(con, tmp_path)
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        versions = [r[0] for r in con.execute("select version from schema_migrations").fetchall()]
    assert "ok_table" in tables and "half" not in tables and versions == [1]


def test_reader_gets_a_clear_error_when_no_warehouse_exists(settings):
    with pytest.raises(FileNotFoundError, match="aidtrack run"), read_only(settings):
        pass
