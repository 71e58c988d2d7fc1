"""Sitemaps over loopback: index (bounded), urlset, Google News, gzip, since filter, failures."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime

import pytest

from aidtrack.fetch import Fetcher
from aidtrack.sources import SourceConfig, discover
from aidtrack.sources.sitemap import SitemapError, parse_sitemap
from tests import fetch_fixtures as fx
from tests.mockserver import Reply

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)


NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(*urls: tuple[str, str | None]) -> str:
    items = "".join(f"<url><loc>{u}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</url>" for u, m in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{items}</urlset>'


def index(*children: tuple[str, str | None]) -> str:
    items = "".join(
        f"<sitemap><loc>{u}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</sitemap>" for u, m in children
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{items}</sitemapindex>'


def source(url, **kw) -> SourceConfig:
    values = dict(
        name="sm",
        kind="sitemap",
        url=url,
        path=None,
        keywords=(),
        links=None,
        next=None,
        max_pages=1,
        since=None,
        tier="official",
        language="en",
        country=None,
        delay=None,
        enabled=True,
    )
    values.update(kw)
    return SourceConfig(**values)


def test_urlset_with_lastmod(fetcher, mockserver):
    mockserver.page(
        "/sitemap.xml",
        urlset(
            ("/news/a", "2025-09-01"), (mockserver.url("/news/b"), "2025-09-03T10:00:00+02:00"), ("/c", None)
        ),
        "application/xml",
    )
    d = discover(source(mockserver.url("/sitemap.xml")), fetcher)
    assert d.error is None
    assert [e.url.rsplit("/", 1)[-1] for e in d.entries] == ["b", "a", "c"]
    assert d.entries[0].published == datetime(2025, 9, 3, 8, 0, tzinfo=UTC)


def test_google_news_sitemap(fetcher, mockserver):
    body = (
        f"<urlset {NS} {NEWS_NS}><url><loc>{mockserver.url('/n/1')}</loc><news:news>"
        "<news:publication><news:name>MoD</news:name><news:language>en</news:language></news:publication>"
        "<news:publication_date>2025-09-05T12:00:00Z</news:publication_date>"
        "<news:title>Norway joins PURL</news:title></news:news></url></urlset>"
    )
    mockserver.page("/news-sitemap.xml", body, "text/xml")
    (e,) = discover(source(mockserver.url("/news-sitemap.xml")), fetcher).entries
    assert e.title == "Norway joins PURL" and e.published == datetime(2025, 9, 5, 12, tzinfo=UTC)


def test_index_follows_children_gzip_and_since(fetcher, mockserver):
    mockserver.page(
        "/sitemap_index.xml",
        index(
            ("/sm/2025-09.xml.gz", "2025-09-30"),
            ("/sm/2025-08.xml", "2025-08-31"),
            ("/sm/2024-01.xml", "2024-01-31"),
        ),
        "application/xml",
    )
    sep = gzip.compress(urlset(("/a/sep", "2025-09-10"), ("/a/sep-old", "2025-07-01")).encode())
    mockserver.route("/sm/2025-09.xml.gz", Reply(200, sep, {"Content-Type": "application/x-gzip"}))
    mockserver.page("/sm/2025-08.xml", urlset(("/a/aug", "2025-08-20")), "application/xml")
    mockserver.page("/sm/2024-01.xml", urlset(("/a/old", "2024-01-10")), "application/xml")
    d = discover(source(mockserver.url("/sitemap_index.xml")), fetcher, since=date(2025, 8, 1))
    assert d.error is None
    assert [e.url.rsplit("/", 1)[-1] for e in d.entries] == ["sep", "aug"]
    assert mockserver.requests_to("/sm/2024-01.xml") == []  # child older than since: not fetched
    assert len(d.fetches) == 3


def test_source_since_used_when_no_argument(fetcher, mockserver):
    mockserver.page("/s.xml", urlset(("/new", "2025-09-10"), ("/old", "2025-01-01")), "application/xml")
    d = discover(source(mockserver.url("/s.xml"), since=date(2025, 6, 1)), fetcher)
    assert [e.url.rsplit("/", 1)[-1] for e in d.entries] == ["new"]


def test_index_children_bounded_and_loops_ignored(fetch_settings, mockserver):
    children = [(f"/child{i}.xml", f"2025-09-{i + 1:02d}") for i in range(10)] + [("/sitemap.xml", None)]
    mockserver.page("/sitemap.xml", index(*children), "application/xml")
    for i in range(10):
        mockserver.page(f"/child{i}.xml", urlset((f"/a/{i}", f"2025-09-{i + 1:02d}")), "application/xml")
    with Fetcher(fetch_settings.replace(max_sitemap_children=3)) as f:
        d = discover(source(mockserver.url("/sitemap.xml")), f)
    assert [e.url.rsplit("/", 1)[-1] for e in d.entries] == ["9", "8", "7"]  # newest children first
    assert len(mockserver.requests_to("/sitemap.xml")) == 1


def test_child_failure_is_not_fatal_but_all_failing_is(fetcher, mockserver):
    mockserver.page("/idx.xml", index(("/ok.xml", None), ("/gone.xml", None)), "application/xml")
    mockserver.page("/ok.xml", urlset(("/a/1", None)), "application/xml")
    d = discover(source(mockserver.url("/idx.xml")), fetcher)
    assert d.error is None and len(d.entries) == 1
    assert [f.outcome for f in d.fetches] == ["ok", "ok", "failed"]
    mockserver.page("/idx2.xml", index(("/gone1.xml", None), ("/gone2.xml", None)), "application/xml")
    d = discover(source(mockserver.url("/idx2.xml")), fetcher)
    assert d.error.startswith("all 2 child sitemaps failed")


def test_gzip_bomb_sitemap_refused(fetcher, mockserver):
    mockserver.gzip_bomb("/bomb.xml.gz", 64 * 1024 * 1024, as_file=True)
    d = discover(source(mockserver.url("/bomb.xml.gz")), fetcher)
    assert d.error and "exceeds" in d.error and d.entries == []


def test_sitemap_304(fetcher, mockserver):
    mockserver.conditional("/s.xml", urlset(("/a", None)), content_type="application/xml")
    d = discover(source(mockserver.url("/s.xml")), fetcher, validators=lambda url: ('"v1"', None))
    assert d.error is None and d.entries == [] and d.fetches[0].outcome == "not_modified"


def test_feed_where_a_sitemap_was_expected(fetcher, mockserver):
    rss = '<rss version="2.0"><channel><item><title>x</title><link>/x</link></item></channel></rss>'
    mockserver.page("/s.xml", rss, "application/rss+xml")
    d = discover(source(mockserver.url("/s.xml")), fetcher)
    assert d.error is None and [e.url for e in d.entries] == [mockserver.url("/x")]


def test_text_sitemap_and_namespaceless():
    doc = parse_sitemap(b"https://e.org/a\nhttps://e.org/b\n", "https://e.org/s.txt", "s", max_bytes=1000)
    assert [e.url for e in doc.entries] == ["https://e.org/a", "https://e.org/b"]
    doc = parse_sitemap(
        b"<urlset><url><loc>https://e.org/c</loc></url></urlset>", "https://e.org/", "s", max_bytes=10**6
    )
    assert [e.url for e in doc.entries] == ["https://e.org/c"]


@pytest.mark.parametrize("body", [b"<html><body>404</body></html>", b"", b"just some words", b"\x00\xff\xfe"])
def test_not_a_sitemap(body, fetcher, mockserver):
    with pytest.raises(SitemapError):
        parse_sitemap(body, "https://e.org/", "s", max_bytes=10**6)
    mockserver.page("/s.xml", body, "text/html")
    assert discover(source(mockserver.url("/s.xml")), fetcher).error


def test_xxe_entities_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">]>'
        f"<urlset {NS}><url><loc>https://e.org/&x;</loc></url></urlset>"
    ).encode()
    doc = parse_sitemap(body, "https://e.org/", "s", max_bytes=10**6)
    assert all("TOPSECRET" not in e.url for e in doc.entries)
