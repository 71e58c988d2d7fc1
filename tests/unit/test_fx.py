"""ECB reference rates, offline: the rate of the announcement day or the nearest earlier business day."""

from datetime import date

import pytest
from currency_converter import CurrencyConverter

from aidtrack.ledger.fx import UnknownCurrencyError, rate, usd_rate


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
