"""Per-host pacing: delay between requests, one at a time per host, global bound, thread-safe."""

from __future__ import annotations

import threading
import time

from aidtrack.fetch import Fetcher
from aidtrack.fetch.pacing import HostPacer, host_key
from tests import fetch_fixtures as fx

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)


def test_default_delay_between_requests_to_one_host(fetch_settings, mockserver):
    for i in range(3):
        mockserver.page(f"/p{i}", "x")
    with Fetcher(fetch_settings.replace(default_delay=0.15)) as f:
        for i in range(3):
            f.fetch(mockserver.url(f"/p{i}"))
    times = [r.at for r in mockserver.requests]  # robots.txt counts as a request too
    assert len(times) == 4
    assert all(b - a >= 0.14 for a, b in zip(times, times[1:], strict=False))


def test_delay_override_per_fetch(fetcher, mockserver):
    mockserver.page("/a", "x")
    mockserver.page("/b", "x")
    fetcher.fetch(mockserver.url("/a"), delay=0.2)
    fetcher.fetch(mockserver.url("/b"), delay=0.2)
    a, b = mockserver.requests_to("/a")[0].at, mockserver.requests_to("/b")[0].at
    assert b - a >= 0.19


def test_no_delay_across_hosts(fetch_settings, mockserver_factory):
    a, b = mockserver_factory(), mockserver_factory()
    a.page("/x", "x")
    b.page("/x", "x")
    with Fetcher(fetch_settings.replace(default_delay=1.0, obey_robots=False)) as f:
        t0 = time.monotonic()
        f.fetch(a.url("/x"))
        f.fetch(b.url("/x"))
        assert time.monotonic() - t0 < 0.5


def test_pacer_one_at_a_time_per_host_and_global_bound():
    pacer = HostPacer(max_concurrency=2)
    lock = threading.Lock()
    per_host: dict[str, int] = {}
    peak_host = 0
    total = peak_total = 0

    def work(url):
        nonlocal peak_host, total, peak_total
        with pacer.slot(url, 0.0):
            host = host_key(url)
            with lock:
                per_host[host] = per_host.get(host, 0) + 1
                total += 1
                peak_host = max(peak_host, per_host[host])
                peak_total = max(peak_total, total)
            time.sleep(0.02)
            with lock:
                per_host[host] -= 1
                total -= 1

    urls = [f"http://h{i % 4}.example/{i}" for i in range(16)]
    threads = [threading.Thread(target=work, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak_host == 1 and peak_total == 2


def test_hold_pushes_next_slot():
    now = [100.0]
    slept: list[float] = []
    pacer = HostPacer(1, clock=lambda: now[0], sleep=lambda s: slept.append(s))
    with pacer.slot("http://a.example/1", 2.0):
        pass
    with pacer.slot("http://a.example/2", 2.0):
        pass
    pacer.hold("http://a.example/", 30.0)
    with pacer.slot("http://a.example/3", 2.0):
        pass
    assert slept == [2.0, 30.0]


def test_host_key():
    assert host_key("https://Example.ORG/x") == "example.org:443"
    assert host_key("http://example.org:8080/") == "example.org:8080"
    assert host_key("http://example.org/") != host_key("https://example.org/")
