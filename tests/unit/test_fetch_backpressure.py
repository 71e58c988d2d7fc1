"""fetch_many runs only a little ahead of its consumer, so pages waiting to be parsed never pile up."""

from __future__ import annotations

import time

from aidtrack.fetch import Fetcher
from tests.fetch_fixtures import fetch_settings, mockserver, mockserver_factory  # noqa: F401


def test_fetching_waits_for_a_slow_consumer(fetch_settings, mockserver_factory):  # noqa: F811
    servers = [mockserver_factory() for _ in range(4)]  # four hosts, fetched in parallel
    for server in servers:
        server.robots("User-agent: *\nAllow: /\n")
        for i in range(30):
            server.page(f"/a/{i}.html", f"<html><body><p>page {i}</p></body></html>")
    urls = [server.url(f"/a/{i}.html") for i in range(30) for server in servers]
    requested_ahead = []
    with Fetcher(fetch_settings) as fetcher:
        for consumed, _ in enumerate(fetcher.fetch_many(urls), start=1):
            time.sleep(0.01)  # parsing is slower than fetching from loopback
            served = sum(len([p for p in s.paths() if p.startswith("/a/")]) for s in servers)
            requested_ahead.append(served - consumed)
    assert consumed == len(urls)
    # The queue holds 2 × max_concurrency results, plus one in flight per fetch thread.
    assert max(requested_ahead) <= 2 * fetch_settings.max_concurrency + fetch_settings.max_concurrency


def test_stopping_early_leaves_no_thread_stuck(fetch_settings, mockserver):  # noqa: F811
    mockserver.robots("User-agent: *\nAllow: /\n")
    for i in range(50):
        mockserver.page(f"/b/{i}.html", "<html><body><p>x</p></body></html>")
    with Fetcher(fetch_settings) as fetcher:
        results = fetcher.fetch_many([mockserver.url(f"/b/{i}.html") for i in range(50)])
        first = next(results)
        started = time.monotonic()
        results.close()  # the consumer gives up after one page
        assert time.monotonic() - started < 5
    assert first.outcome == "ok"
    assert len([p for p in mockserver.paths() if p.startswith("/b/")]) < 50
