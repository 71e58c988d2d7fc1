"""Redirects: followed hop by hop, bounded, http(s) only, loops detected."""

from __future__ import annotations

import pytest

from aidtrack.fetch import Fetcher
from aidtrack.fetch.redirect import RedirectError, RedirectTracker
from tests import fetch_fixtures as fx
from tests.mockserver import Reply

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)


def test_redirect_chain_followed(fetcher, mockserver):
    mockserver.redirect("/a", "/b", 301)
    mockserver.redirect("/b", mockserver.url("/c"), 308)
    mockserver.page("/c", "final")
    r = fetcher.fetch(mockserver.url("/a"))
    assert r.outcome == "ok" and r.text == "final"
    assert r.url == mockserver.url("/a") and r.final_url == mockserver.url("/c")


def test_redirect_loop_detected(fetcher, mockserver):
    mockserver.redirect("/loop1", "/loop2")
    mockserver.redirect("/loop2", "/loop1")
    r = fetcher.fetch(mockserver.url("/loop1"))
    assert r.outcome == "failed" and "redirect loop" in r.error
    assert len(mockserver.requests_to("/loop1")) == 1


def test_self_redirect_with_cookie_allowed_once(fetcher, mockserver):
    def reply(req):
        if "seen=1" in (req.header("cookie") or ""):
            return Reply(200, "welcome")
        return Reply(302, "", {"Location": "/gate", "Set-Cookie": "seen=1; Path=/"})

    mockserver.route("/gate", reply)
    r = fetcher.fetch(mockserver.url("/gate"))
    assert r.outcome == "ok" and r.text == "welcome"


def test_too_many_redirects(fetch_settings, mockserver):
    for i in range(10):
        mockserver.redirect(f"/r{i}", f"/r{i + 1}")
    with Fetcher(fetch_settings.replace(max_redirects=3)) as f:
        r = f.fetch(mockserver.url("/r0"))
    assert r.outcome == "failed" and r.error == "too many redirects (more than 3)"
    assert mockserver.requests_to("/r4") == []


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)"])
def test_redirect_to_other_scheme_refused(fetcher, mockserver, target):
    mockserver.redirect("/evil", target)
    r = fetcher.fetch(mockserver.url("/evil"))
    scheme = target.split(":")[0]
    assert r.outcome == "failed" and f"redirect to {scheme}:// refused" in r.error
    assert r.status == 302


def test_redirect_without_location(fetcher, mockserver):
    mockserver.route("/nowhere", Reply(302, ""))
    r = fetcher.fetch(mockserver.url("/nowhere"))
    assert r.outcome == "failed" and "without a Location" in r.error


def test_cross_host_redirect_checks_robots_of_target(fetcher, mockserver, mockserver_factory):
    other = mockserver_factory()
    other.robots("User-agent: *\nDisallow: /\n")
    mockserver.redirect("/out", other.url("/page"))
    r = fetcher.fetch(mockserver.url("/out"))
    assert r.outcome == "skipped_robots" and r.final_url == other.url("/page")
    assert other.paths() == ["/robots.txt"]


def test_conditional_headers_survive_redirect(fetcher, mockserver):
    mockserver.redirect("/feed", "/feed.xml", 301)
    mockserver.conditional("/feed.xml", "<rss/>", etag='"x"')
    r = fetcher.fetch(mockserver.url("/feed"), etag='"x"')
    assert r.outcome == "not_modified"


def test_tracker_unit():
    t = RedirectTracker("http://a.example/x", max_redirects=2)
    assert t.next_url("/y#frag") == "http://a.example/y"
    assert t.next_url("https://b.example/z") == "https://b.example/z"
    with pytest.raises(RedirectError, match="too many"):
        t.next_url("/w")
    with pytest.raises(RedirectError, match="loop"):
        RedirectTracker("http://a.example/x", 5).next_url("http://a.example/x")
