"""Retries: backoff with jitter, Retry-After (seconds and HTTP-date), bounded attempts, reasons."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from aidtrack.fetch import Fetcher
from aidtrack.fetch.retry import RetryPolicy, parse_retry_after, retryable_status
from aidtrack.settings import Settings
from tests import fetch_fixtures as fx
from tests.mockserver import Reply, http_date

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)


def test_503_retried_then_failed_with_reason(fetcher, mockserver):
    mockserver.status("/busy", 503)
    r = fetcher.fetch(mockserver.url("/busy"))
    assert r.outcome == "failed" and r.status == 503
    assert r.error == "HTTP 503 after 3 attempts" and r.attempts == 3
    assert len(mockserver.requests_to("/busy")) == 3


def test_5xx_then_ok(fetcher, mockserver):
    mockserver.sequence("/f", [Reply(500), Reply(502), Reply(200, "ok")])
    r = fetcher.fetch(mockserver.url("/f"))
    assert r.outcome == "ok" and r.attempts == 3 and r.text == "ok"


def test_4xx_not_retried(fetcher, mockserver):
    mockserver.status("/gone", 410)
    r = fetcher.fetch(mockserver.url("/gone"))
    assert r.error == "HTTP 410" and len(mockserver.requests_to("/gone")) == 1


def test_429_retry_after_seconds_is_honoured(fetch_settings, mockserver):
    mockserver.sequence("/rl", [Reply(429, "slow down", {"Retry-After": "1"}), Reply(200, "ok")])
    with Fetcher(fetch_settings.replace(backoff_max=0.3)) as f:
        r = f.fetch(mockserver.url("/rl"))
    assert r.outcome == "ok" and r.attempts == 2
    first, second = mockserver.requests_to("/rl")
    assert 0.28 <= second.at - first.at < 0.95  # waited, but capped at backoff_max (0.3 s), not 1 s


def test_429_retry_after_http_date(fetch_settings, mockserver):
    when = http_date(time.time() + 2)
    mockserver.sequence("/rl", [Reply(429, "", {"Retry-After": when}), Reply(200, "ok")])
    with Fetcher(fetch_settings.replace(backoff_max=0.25)) as f:
        r = f.fetch(mockserver.url("/rl"))
    first, second = mockserver.requests_to("/rl")
    assert r.outcome == "ok" and 0.2 <= second.at - first.at < 1.0


def test_429_exhausted_reason(fetcher, mockserver):
    mockserver.route("/rl", Reply(429, "", {"Retry-After": "0"}))
    r = fetcher.fetch(mockserver.url("/rl"))
    assert r.outcome == "failed" and r.error == "HTTP 429 after 3 attempts"


def test_retry_after_blocks_other_requests_to_the_host(fetch_settings, mockserver):
    mockserver.route("/rl", Reply(429, "", {"Retry-After": "5"}))
    mockserver.page("/other", "x")
    with Fetcher(fetch_settings.replace(max_retries=0, backoff_max=0.2)) as f:
        f.fetch(mockserver.url("/rl"))
        f.fetch(mockserver.url("/other"))
    gap = mockserver.requests_to("/other")[0].at - mockserver.requests_to("/rl")[0].at
    assert gap >= 0.18


def test_max_retries_zero_means_one_attempt(fetch_settings, mockserver):
    mockserver.status("/busy", 500)
    with Fetcher(fetch_settings.replace(max_retries=0)) as f:
        r = f.fetch(mockserver.url("/busy"))
    assert r.attempts == 1 and r.error == "HTTP 500 after 1 attempt"


def test_parse_retry_after():
    now = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Mon, 01 Sep 2025 12:00:30 GMT", now) == 30
    assert parse_retry_after("Mon, 01 Sep 2025 11:00:00 GMT", now) == 0  # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None and parse_retry_after(None) is None
    assert parse_retry_after((now + timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S GMT"), now) == 86400


def test_backoff_is_exponential_jittered_and_capped():
    policy = RetryPolicy(Settings(backoff_base=1.0, backoff_max=5.0, max_retries=3), random.Random(1))
    waits = [policy.backoff(n) for n in (1, 2, 3, 4, 5)]
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0 and 2.0 <= waits[2] <= 4.0
    assert all(w <= 5.0 for w in waits)
    assert policy.backoff(1, "3600") == 5.0  # Retry-After capped at backoff_max
    assert policy.max_attempts == 4 and policy.can_retry(3) and not policy.can_retry(4)


def test_retryable_statuses():
    assert all(retryable_status(s) for s in (408, 429, 500, 502, 503, 504, 599))
    assert not any(retryable_status(s) for s in (200, 301, 400, 403, 404, 410))
