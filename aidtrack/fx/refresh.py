"""Refresh the ECB reference-rate history (the daily ``fx`` flow). Offline, the bundled rates serve."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from aidtrack.errors import AidtrackError
from aidtrack.fx.rates import load_converter
from aidtrack.settings import Settings


class RatesRefreshError(AidtrackError, RuntimeError):
    """The ECB file could not be downloaded or is not a usable rates history."""


@dataclass(frozen=True)
class RatesRefresh:
    path: Path
    last_date: str
    n_currencies: int


def refresh_rates(settings: Settings, transport: httpx.BaseTransport | None = None) -> RatesRefresh:
    """Download the ECB history, check it parses and is not older than what we have, then swap it in
    atomically (a failed or partial download never replaces a good file)."""
    target = settings.fx_file
    target.parent.mkdir(parents=True, exist_ok=True)
    headers = {"User-Agent": settings.user_agent}
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    try:
        with httpx.Client(
            headers=headers, timeout=timeout, transport=transport, follow_redirects=True
        ) as client:
            response = client.get(settings.ecb_rates_url)
            response.raise_for_status()
    except httpx.HTTPError as exc:
        raise RatesRefreshError(f"could not download ECB rates from {settings.ecb_rates_url}: {exc}") from exc
    if len(response.content) > settings.max_body_bytes:
        raise RatesRefreshError(f"ECB rates file is larger than {settings.max_body_bytes} bytes; refusing it")
    if response.content[:2] != b"PK":
        raise RatesRefreshError(
            f"{settings.ecb_rates_url} did not return a zip file (the ECB history is zipped)"
        )
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".zip")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(response.content)
        try:
            fresh = load_converter(tmp)
        except Exception as exc:  # noqa: BLE001 - any parse failure means the file is unusable
            raise RatesRefreshError(f"downloaded ECB rates are not a valid history file: {exc}") from exc
        last = max(b.last_date for b in fresh.bounds.values())
        if target.exists():
            current = load_converter(target)
            if max(b.last_date for b in current.bounds.values()) > last:
                raise RatesRefreshError(f"downloaded ECB rates end on {last}, older than the file we have")
        os.replace(tmp, target)
        return RatesRefresh(path=target, last_date=last.isoformat(), n_currencies=len(fresh.currencies))
    finally:
        tmp.unlink(missing_ok=True)
