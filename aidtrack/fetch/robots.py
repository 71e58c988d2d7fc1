"""robots.txt, per origin, fetched once per run and cached (protego does the parsing).

Policy (RFC 9309): 2xx → obey the rules; 4xx → no rules, allow all; 429, 5xx or unreachable → treat
the whole origin as disallowed for this run and record why (it is retried next run). ``Crawl-delay``
and ``Request-rate`` for our user-agent become the minimum delay between requests to the host.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

log = logging.getLogger(__name__)

# Google ignores robots.txt content past 500 KiB; so do we.
ROBOTS_MAX_BYTES = 500 * 1024


@dataclass(frozen=True)
class RobotsResponse:
    """What fetching ``/robots.txt`` gave: a status and body, or an error when nothing came back."""

    status: int | None
    body: bytes | None
    error: str | None = None


@dataclass(frozen=True)
class RobotsDecision:
    allowed: bool
    crawl_delay: float | None = None
    reason: str | None = None  # set when not allowed


@dataclass
class _OriginRules:
    parser: Protego | None  # None: allow all
    unavailable: str | None  # set: disallow all, with this reason


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def robots_url(url: str) -> str:
    return origin_of(url) + "/robots.txt"


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups match against: ``'aidtrack/0.1 (+…)'`` → ``'aidtrack'``."""
    m = re.match(r"\s*([A-Za-z0-9_\-]+)", user_agent)
    return m.group(1) if m else user_agent


class RobotsCache:
    """Thread-safe; each origin's robots.txt is loaded by exactly one thread, once."""

    def __init__(self, user_agent: str, loader: Callable[[str], RobotsResponse]) -> None:
        self.token = agent_token(user_agent)
        self._loader = loader
        self._rules: dict[str, _OriginRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        # origin → reason, for every origin whose robots.txt could not be read this run.
        self.unavailable: dict[str, str] = {}

    def _rules_for(self, url: str) -> _OriginRules:
        origin = origin_of(url)
        with self._guard:
            rules = self._rules.get(origin)
            if rules is not None:
                return rules
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            with self._guard:
                rules = self._rules.get(origin)
            if rules is None:
                rules = self._load(origin)
                with self._guard:
                    self._rules[origin] = rules
            return rules

    def _load(self, origin: str) -> _OriginRules:
        response = self._loader(origin + "/robots.txt")
        status = response.status
        if status is not None and 200 <= status < 300:
            text = (response.body or b"").decode("utf-8", errors="replace").lstrip("\ufeff")
            try:
                return _OriginRules(Protego.parse(text), None)
            except Exception as exc:  # protego is lenient; a crash here must not block a site
                log.warning("unparseable robots.txt at %s (%s): allowing all", origin, exc)
                return _OriginRules(None, None)
        if status is not None and (300 <= status < 500) and status != 429:
            return _OriginRules(None, None)  # missing or forbidden robots.txt: no rules
        detail = f"HTTP {status}" if status is not None else (response.error or "unreachable")
        if response.error and status is not None:
            detail = response.error
        reason = f"robots.txt unavailable ({detail}); host skipped for this run"
        log.warning("%s: %s", origin, reason)
        with self._guard:
            self.unavailable[origin] = reason
        return _OriginRules(None, reason)

    def check(self, url: str) -> RobotsDecision:
        """May we fetch ``url``? Loads the origin's robots.txt on first use."""
        rules = self._rules_for(url)
        if rules.unavailable:
            return RobotsDecision(False, None, rules.unavailable)
        if rules.parser is None:
            return RobotsDecision(True)
        try:
            allowed = rules.parser.can_fetch(url, self.token)
            delay = rules.parser.crawl_delay(self.token)
            rate = rules.parser.request_rate(self.token)
        except Exception:  # pragma: no cover - defensive: a parser bug means no rules
            return RobotsDecision(True)
        delays = [float(delay)] if delay is not None else []
        if rate is not None and rate.requests:
            delays.append(rate.seconds / rate.requests)
        crawl_delay = max(delays) if delays else None
        if not allowed:
            return RobotsDecision(False, crawl_delay, "disallowed by robots.txt")
        return RobotsDecision(True, crawl_delay)
