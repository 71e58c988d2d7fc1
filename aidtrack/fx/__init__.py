"""ECB reference rates as a value: ``load_rates(path)`` gives a ``Rates`` that a run loads once and
passes to whatever converts (the ledger, the warehouse loads, the report). ``aidtrack.fx.refresh``
downloads a fresher history file (the daily ``fx`` flow)."""

from aidtrack.fx.rates import Rates, UnknownCurrencyError, load_converter, load_rates

__all__ = ["Rates", "UnknownCurrencyError", "load_converter", "load_rates"]
