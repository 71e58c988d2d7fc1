"""Progress of the work in this process, for whoever watches it (the CLI's progress bars).

Flows and long functions ``announce`` what they did; the CLI ``subscribe``s a listener while it runs.
With nobody listening (a worker, a test), announcing costs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
Listener = Callable[[str, dict[str, Any]], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    """Start telling ``listener(event, details)``; returns the function that stops it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def announce(event: str, **details: Any) -> None:
    for listener in list(_listeners):
        try:
            listener(event, details)
        except Exception:  # noqa: BLE001 - a broken progress bar must never break a run
            log.debug("progress listener failed", exc_info=True)
