"""Ctrl-C and SIGTERM as a request to stop, not a crash.

The first signal calls ``on_stop`` (the run stops discovery and fetching, commits what is whole and
records the rest as owed); a second one raises ``KeyboardInterrupt`` for those who cannot wait. Signal
handlers can only be installed from the main thread; elsewhere (a flow run in a worker thread) this is a
no-op and the process's own handling applies.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals(on_stop: Callable[[int], None]) -> Iterator[None]:
    """Within the block, the first SIGINT/SIGTERM calls ``on_stop(signum)``; the second raises
    ``KeyboardInterrupt``. The previous handlers come back when the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = 0

    def handle(signum: int, _frame: object) -> None:
        nonlocal received
        received += 1
        if received > 1:
            raise KeyboardInterrupt
        on_stop(signum)

    previous = {sig: signal.signal(sig, handle) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
