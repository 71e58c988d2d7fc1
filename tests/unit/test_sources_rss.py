"""RSS/Atom feeds over loopback: all formats, relative links, dedup, keywords, 304, invalid feeds,
RFC 5005 paging for backfills."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from aidtrack.sources import SourceConfig, discover
from aidtrack.sources.entries import canonical_url
from aidtrack.sources.rss import FeedError, parse_feed
from tests import fetch_fixtures as fx

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>MoD</title>
<item><title>Netherlands joins PURL with EUR 500m</title>
  <link>/news/nl-purl?utm_source=rss&amp;id=7#top</link>
  <description>&lt;p&gt;The &lt;b&gt;Netherlands&lt;/b&gt; pledged&lt;/p&gt;</description>
  <pubDate>Mon, 04 Aug 2025 10:00:00 +0200</pubDate></item>
<item><title>Duplicate via tracking</title>
  <link>https://EXAMPLE.org:443/news/nl-purl?id=7&amp;utm_medium=x</link></item>
<item><title>Weather report</title><link>/news/weather</link>
  <pubDate>Tue, 05 Aug 2025 10:00:00 GMT</pubDate></item>
<item><title>Guid only</title><guid isPermaLink="true">https://example.org/news/guid</guid></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://mirror.example/base/">
<title>Atom</title>
<entry><title>Sweden PURL package</title><link rel="alternate" href="items/1.html"/>
<updated>2025-09-01T08:00:00Z</updated><summary>SEK 1bn</summary></entry>
</feed>"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.org/"><title>RDF</title><link>https://example.org/</link></channel>
<item rdf:about="https://example.org/rdf/1"><title>RDF item</title><link>https://example.org/rdf/1</link>
<dc:date>2025-09-02T00:00:00Z</dc:date></item></rdf:RDF>"""

RSS091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title><link>https://e.org/</link>
<item><title>Old item</title><link>https://e.org/old</link></item></channel></rss>"""


def source(url, **kw) -> SourceConfig:
    values = dict(
        name="feed",
        kind="rss",
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


def test_rss2_relative_links_dedup_and_dates(fetcher, mockserver):
    mockserver.page("/feeds/rss.xml", RSS2, "application/rss+xml")
    d = discover(source(mockserver.url("/feeds/rss.xml")), fetcher)
    assert d.error is None and len(d.fetches) == 1 and d.fetches[0].outcome == "ok"
    urls = [e.url for e in d.entries]
    base = mockserver.base_url
    assert f"{base}/news/nl-purl?id=7" in urls
    assert f"{base}/news/weather" in urls and "https://example.org/news/guid" in urls
    assert len(urls) == 4  # the tracking-param duplicate of another host is a different URL
    nl = next(e for e in d.entries if e.url.endswith("nl-purl?id=7"))
    assert nl.published == datetime(2025, 8, 4, 8, 0, tzinfo=UTC)
    assert nl.summary == "The Netherlands pledged" and nl.source == "feed"
    assert d.entries[0].published >= d.entries[1].published  # newest first


def test_dedup_by_canonical_url():
    page = parse_feed(RSS2.encode(), "https://example.org/feeds/rss.xml", "s")
    assert [e.url for e in page.entries].count("https://example.org/news/nl-purl?id=7") == 1
    assert canonical_url("HTTPS://Example.ORG:443/a?utm_campaign=x&b=1#f") == "https://example.org/a?b=1"
    assert canonical_url("mailto:x@example.org") is None and canonical_url("/rel") is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (ATOM, "https://mirror.example/base/items/1.html"),
        (RSS1, "https://example.org/rdf/1"),
        (RSS091, "https://e.org/old"),
    ],
)
def test_formats(body, expected):
    page = parse_feed(body.encode(), "https://example.org/feed", "s")
    assert [e.url for e in page.entries] == [expected]


def test_keyword_filter_case_insensitive(fetcher, mockserver):
    mockserver.page("/f", RSS2, "application/rss+xml")
    d = discover(source(mockserver.url("/f"), keywords=("purl",)), fetcher)
    assert [e.title for e in d.entries] == ["Netherlands joins PURL with EUR 500m"]
    d = discover(source(mockserver.url("/f"), keywords=("NETHERLANDS", "guid only")), fetcher)
    assert {e.title for e in d.entries} == {"Netherlands joins PURL with EUR 500m", "Guid only"}


def test_conditional_get_304_means_no_new_entries(fetcher, mockserver):
    mockserver.conditional("/f", RSS2, etag='"feed-1"', content_type="application/rss+xml")
    first = discover(source(mockserver.url("/f")), fetcher)
    stored = {first.fetches[0].url: (first.fetches[0].etag, first.fetches[0].last_modified)}
    second = discover(source(mockserver.url("/f")), fetcher, validators=lambda u: stored.get(u, (None, None)))
    assert second.error is None and second.entries == []
    assert second.fetches[0].outcome == "not_modified"
    assert mockserver.requests_to("/f")[1].header("if-none-match") == '"feed-1"'


@pytest.mark.parametrize(
    "body",
    [
        "<html><body><h1>Not a feed</h1></body></html>",
        '<?xml version="1.0"?><rss><channel><item><title>broken',
        "",
        "\x00\x01 garbage",
    ],
)
def test_invalid_feed_is_an_error(fetcher, mockserver, body):
    mockserver.page("/bad", body, "application/rss+xml")
    d = discover(source(mockserver.url("/bad")), fetcher)
    assert d.entries == [] and d.error is not None and "feed" in d.error
    with pytest.raises(FeedError):
        parse_feed(body.encode(), "https://e.org/", "s")


def test_bozo_feed_with_entries_is_accepted():
    body = RSS2.replace("Weather report", "Weather &nbsp; report &unknown;").encode()
    page = parse_feed(body, "https://example.org/f", "s")
    assert len(page.entries) >= 3


def test_empty_but_valid_feed_is_fine(fetcher, mockserver):
    mockserver.page("/empty", '<rss version="2.0"><channel><title>x</title></channel></rss>', "text/xml")
    d = discover(source(mockserver.url("/empty")), fetcher)
    assert d.error is None and d.entries == []


def test_feed_http_failure_is_source_error(fetcher, mockserver):
    mockserver.status("/down", 500)
    d = discover(source(mockserver.url("/down")), fetcher)
    assert "failed: HTTP 500 after 3 attempts" in d.error and len(d.fetches) == 1


def test_feed_disallowed_by_robots(fetcher, mockserver):
    mockserver.robots("User-agent: *\nDisallow: /\n")
    d = discover(source(mockserver.url("/f")), fetcher)
    assert "disallowed by robots.txt" in d.error and d.fetches[0].outcome == "skipped_robots"


def page_feed(items: list[tuple[str, str]], older: str | None) -> str:
    link = f'<link rel="prev-archive" href="{older}"/>' if older else ""
    entries = "".join(
        f'<entry><title>{t}</title><link href="/a/{t}"/><updated>{d}T00:00:00Z</updated></entry>'
        for t, d in items
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>{link}{entries}</feed>'


def test_backfill_walks_archived_feed_pages(fetcher, mockserver):
    mockserver.page(
        "/atom", page_feed([("s1", "2025-09-10"), ("s2", "2025-09-05")], "/archive/2"), "application/atom+xml"
    )
    mockserver.page(
        "/archive/2",
        page_feed([("s3", "2025-08-20"), ("s4", "2025-08-10")], "/archive/3"),
        "application/atom+xml",
    )
    mockserver.page("/archive/3", page_feed([("s5", "2025-07-20")], "/archive/4"), "application/atom+xml")
    mockserver.page("/archive/4", page_feed([("s6", "2025-06-01")], None), "application/atom+xml")
    d = discover(source(mockserver.url("/atom")), fetcher, since=date(2025, 8, 15))
    assert [e.title for e in d.entries] == ["s1", "s2", "s3"]
    assert mockserver.requests_to("/archive/4") == []  # stopped once older than since
    # Without since: only the first page.
    d = discover(source(mockserver.url("/atom")), fetcher)
    assert [e.title for e in d.entries] == ["s1", "s2"]


def test_max_entries_keeps_newest(fetcher, mockserver):
    mockserver.page("/f", RSS2, "application/rss+xml")
    d = discover(source(mockserver.url("/f")), fetcher, max_entries=1)
    assert [e.title for e in d.entries] == ["Weather report"]


def test_never_raises_on_bad_source(fetcher):
    d = discover(source("http://127.0.0.1:1/feed"), fetcher)
    assert d.error
    d = discover(source(None, kind="csv", path=Path("/nonexistent/x.csv")), fetcher)
    assert "not found" in d.error
