"""robots.txt: rules obeyed, Crawl-delay honoured, 4xx allow-all, 5xx/unreachable skip the host."""

from __future__ import annotations

import time

from aidtrack.fetch import Fetcher
from aidtrack.fetch.robots import RobotsCache, RobotsResponse, agent_token
from tests import fetch_fixtures as fx
from tests.mockserver import Reply

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)


def test_disallowed_path_is_never_requested(fetcher, mockserver):
    mockserver.robots("User-agent: *\nDisallow: /private/\n")
    mockserver.page("/private/report", "secret")
    mockserver.page("/public", "hello")
    skipped = fetcher.fetch(mockserver.url("/private/report"))
    ok = fetcher.fetch(mockserver.url("/public"))
    assert skipped.outcome == "skipped_robots" and skipped.error == "disallowed by robots.txt"
    assert skipped.status is None and skipped.body is None and skipped.attempts == 0
    assert ok.outcome == "ok"
    assert mockserver.requests_to("/private/report") == []
    assert len(mockserver.requests_to("/robots.txt")) == 1  # cached per host


def test_rules_for_our_agent_take_precedence(fetcher, mockserver):
    mockserver.robots("User-agent: aidtrack\nDisallow: /news\n\nUser-agent: *\nAllow: /\n")
    assert fetcher.fetch(mockserver.url("/news/1")).outcome == "skipped_robots"
    assert fetcher.fetch(mockserver.url("/other")).outcome == "failed"  # 404, but it was requested
    assert [r.path for r in mockserver.requests][1:] == ["/other"]


def test_crawl_delay_is_honoured(fetch_settings, mockserver):
    mockserver.robots("User-agent: *\nCrawl-delay: 0.2\n")
    for i in range(3):
        mockserver.page(f"/p{i}", "x")
    with Fetcher(fetch_settings.replace(backoff_max=1.0)) as f:  # Crawl-delay is capped at backoff_max
        for i in range(3):
            assert f.fetch(mockserver.url(f"/p{i}")).outcome == "ok"
    times = [r.at for r in mockserver.requests if r.path.startswith("/p")]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(g >= 0.18 for g in gaps), gaps


def test_crawl_delay_wins_over_smaller_delay_but_not_larger(fetch_settings, mockserver):
    mockserver.robots("User-agent: *\nCrawl-delay: 0.15\n")
    mockserver.page("/a", "x")
    mockserver.page("/b", "x")
    with Fetcher(fetch_settings.replace(backoff_max=1.0)) as f:
        f.fetch(mockserver.url("/a"), delay=0.3)
        f.fetch(mockserver.url("/b"), delay=0.3)
    a, b = mockserver.requests_to("/a")[0].at, mockserver.requests_to("/b")[0].at
    assert b - a >= 0.28


def test_robots_404_allows_everything(fetcher, mockserver):
    mockserver.robots(code=404)
    mockserver.page("/x", "x")
    assert fetcher.fetch(mockserver.url("/x")).outcome == "ok"


def test_robots_403_allows_everything(fetcher, mockserver):
    mockserver.robots("nope", code=403)
    mockserver.page("/x", "x")
    assert fetcher.fetch(mockserver.url("/x")).outcome == "ok"


def test_robots_5xx_skips_host_for_the_run(fetcher, mockserver):
    mockserver.robots("down", code=503)
    mockserver.page("/x", "x")
    mockserver.page("/y", "y")
    r1 = fetcher.fetch(mockserver.url("/x"))
    r2 = fetcher.fetch(mockserver.url("/y"))
    assert r1.outcome == r2.outcome == "skipped_robots"
    assert "robots.txt unavailable (HTTP 503 after 3 attempts)" in r1.error
    assert mockserver.requests_to("/x") == [] and mockserver.requests_to("/y") == []
    assert len(mockserver.requests_to("/robots.txt")) == 3  # retried once per run, then cached
    assert list(fetcher.robots.unavailable.values()) == [r1.error]


def test_robots_recovers_after_retry(fetcher, mockserver):
    mockserver.sequence("/robots.txt", [Reply(503), Reply(200, "User-agent: *\nDisallow: /no\n")])
    mockserver.page("/yes", "x")
    assert fetcher.fetch(mockserver.url("/yes")).outcome == "ok"
    assert fetcher.fetch(mockserver.url("/no")).outcome == "skipped_robots"


def test_robots_redirect_is_followed(fetcher, mockserver):
    mockserver.redirect("/robots.txt", "/real-robots.txt", 301)
    mockserver.route("/real-robots.txt", Reply(200, "User-agent: *\nDisallow: /hidden\n"))
    assert fetcher.fetch(mockserver.url("/hidden")).outcome == "skipped_robots"


def test_garbage_robots_allows(fetcher, mockserver):
    mockserver.route("/robots.txt", Reply(200, b"\x00\xff\xfe<html>not robots</html>"))
    mockserver.page("/x", "x")
    assert fetcher.fetch(mockserver.url("/x")).outcome == "ok"


def test_obey_robots_false_skips_robots_entirely(fetch_settings, mockserver):
    mockserver.robots("User-agent: *\nDisallow: /\n")
    mockserver.page("/x", "x")
    with Fetcher(fetch_settings.replace(obey_robots=False)) as f:
        assert f.fetch(mockserver.url("/x")).outcome == "ok"
    assert mockserver.requests_to("/robots.txt") == []


def test_redirect_into_disallowed_path_is_skipped(fetcher, mockserver):
    mockserver.robots("User-agent: *\nDisallow: /members\n")
    mockserver.redirect("/go", "/members/only")
    r = fetcher.fetch(mockserver.url("/go"))
    assert r.outcome == "skipped_robots" and r.final_url.endswith("/members/only")
    assert mockserver.requests_to("/members/only") == []


def test_cache_loads_each_origin_once():
    calls = []

    def loader(url):
        calls.append(url)
        time.sleep(0.01)
        return RobotsResponse(200, b"User-agent: *\nDisallow: /x\n")

    cache = RobotsCache("aidtrack/1.0 (+https://example.org)", loader)
    assert not cache.check("http://a.example/x/1").allowed
    assert cache.check("http://a.example/y").allowed
    assert cache.check("https://a.example/y").allowed
    assert calls == ["http://a.example/robots.txt", "https://a.example/robots.txt"]


def test_agent_token():
    assert agent_token("aidtrack/0.1.0 (+https://x; y)") == "aidtrack"
