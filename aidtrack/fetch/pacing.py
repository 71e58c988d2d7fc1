"""Per-host politeness: one request at a time per host, a delay between them, a global bound.

A "host" is the URL's ``host:port``. The delay runs from the end of one request to the start of the
next. A server's ``Retry-After`` (or our own backoff) can push a host's next slot further out with
``hold``, which every thread then respects. Thread-safe; lock order is always host, then global.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def host_key(url: str) -> str:
    """``'https://Example.org:443/x'`` → ``'example.org:443'`` (scheme default port filled in)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = 443 if parts.scheme.lower() == "https" else 80
    return f"{host}:{port}"


@dataclass
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_allowed: float = 0.0


class HostPacer:
    def __init__(
        self,
        max_concurrency: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._global = threading.BoundedSemaphore(max(1, max_concurrency))
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def _state(self, host: str) -> _HostState:
        with self._hosts_lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _HostState()
            return state

    @contextmanager
    def slot(self, url: str, delay: float) -> Iterator[None]:
        """Hold the host's single slot (waiting out its delay) and one global slot for one request."""
        state = self._state(host_key(url))
        with state.lock:
            wait = state.next_allowed - self._clock()
            if wait > 0:
                self._sleep(wait)
            with self._global:
                try:
                    yield
                finally:
                    state.next_allowed = max(state.next_allowed, self._clock() + max(0.0, delay))

    def hold(self, url: str, seconds: float) -> None:
        """Keep everyone off this host for ``seconds`` from now (Retry-After, backoff)."""
        state = self._state(host_key(url))
        until = self._clock() + max(0.0, seconds)
        with self._hosts_lock:
            state.next_allowed = max(state.next_allowed, until)
