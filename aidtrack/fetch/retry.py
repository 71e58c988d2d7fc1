"""When to retry, and how long to wait: exponential backoff with jitter, Retry-After honoured.

Retried: connection failures, timeouts, dropped/truncated responses, HTTP 408, 429 and 5xx.
Everything else (4xx, refused redirects, oversized bodies) is final on the first attempt.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from aidtrack.settings import Settings

RETRY_STATUSES = frozenset({408, 429})


def retryable_status(status: int) -> bool:
    return status in RETRY_STATUSES or 500 <= status <= 599


def describe_exception(exc: BaseException) -> tuple[str, bool]:
    """``(human-readable reason, retryable?)`` for a transport-level failure."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "connect timeout", True
    if isinstance(exc, httpx.ReadTimeout):
        return "read timeout", True
    if isinstance(exc, httpx.WriteTimeout | httpx.PoolTimeout):
        return f"timeout ({type(exc).__name__})", True
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {exc or type(exc).__name__}", True
    if isinstance(exc, httpx.RemoteProtocolError):
        msg = str(exc)
        if "incomplete" in msg.lower() or "complete message body" in msg.lower():
            return f"truncated body (connection closed early): {msg}", True
        return f"connection dropped: {msg or 'server closed the connection'}", True
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.CloseError):
        return f"network error: {exc or type(exc).__name__}", True
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"unsupported URL: {exc}", False
    if isinstance(exc, httpx.InvalidURL | httpx.LocalProtocolError):
        return f"invalid request: {exc}", False
    if isinstance(exc, httpx.TransportError):
        return f"transport error: {exc or type(exc).__name__}", True
    return f"{type(exc).__name__}: {exc}", False


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        seconds = float(value)  # lenient: "1.5" is not RFC but harmless
    except ValueError:
        pass
    else:
        return max(0.0, seconds)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class RetryPolicy:
    """Bounded attempts: the first try plus ``settings.max_retries`` retries."""

    def __init__(self, settings: Settings, rng: random.Random | None = None) -> None:
        self.max_attempts = 1 + max(0, settings.max_retries)
        self.base = settings.backoff_base
        self.cap = settings.backoff_max
        self._rng = rng or random.Random()

    def can_retry(self, attempts_done: int) -> bool:
        return attempts_done < self.max_attempts

    def backoff(self, attempts_done: int, retry_after: str | None = None) -> float:
        """Seconds to wait before the next attempt; Retry-After wins when given, always capped."""
        hinted = parse_retry_after(retry_after)
        if hinted is not None:
            return min(hinted, self.cap)
        exp = self.base * (2 ** max(0, attempts_done - 1))
        # "Equal jitter": half fixed, half random, so retries from many workers spread out.
        return min(self.cap, exp / 2 + self._rng.uniform(0, exp / 2))
