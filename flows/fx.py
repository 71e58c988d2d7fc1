"""Daily refresh of the ECB reference rates. Offline it fails softly: the bundled rates keep serving."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.states import Completed

from aidtrack.fx.refresh import RatesRefreshError, refresh_rates
from aidtrack.settings import load_settings


@flow(name="fx", retries=2, retry_delay_seconds=600)
def fx(warehouse: str | None = None):
    """Download the ECB history next to the warehouse; the next pipeline run converts with it."""
    logger = get_run_logger()
    settings = load_settings(warehouse=warehouse)
    try:
        refreshed = refresh_rates(settings)
    except RatesRefreshError as exc:
        logger.warning("%s; the previous or bundled rates stay in use", exc)
        return Completed(message=f"rates not refreshed: {exc}")
    logger.info("ECB rates refreshed: %s currencies up to %s", refreshed.n_currencies, refreshed.last_date)
    return Completed(message=f"ECB rates up to {refreshed.last_date}")
