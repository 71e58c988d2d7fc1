"""HTML listing pages over loopback: selectors, absolute links, pagination, dates, since."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aidtrack.sources import SourceConfig, discover
from aidtrack.sources.listing import parse_listing
from tests import fetch_fixtures as fx

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)


def source(url, **kw) -> SourceConfig:
    values = dict(
        name="list",
        kind="listing",
        url=url,
        path=None,
        keywords=(),
        links="article h2 a",
        next="a.next",
        max_pages=5,
        since=None,
        tier="official",
        language="en",
        country=None,
        delay=None,
        enabled=True,
    )
    values.update(kw)
    return SourceConfig(**values)


def listing_page(items: list[tuple[str, str | None]], next_href: str | None) -> str:
    arts = "".join(
        f'<article><h2><a href="{href}">Title {href}</a></h2>'
        + (f'<time datetime="{when}">{when}</time>' if when else "")
        + "</article>"
        for href, when in items
    )
    nxt = f'<a class="next" href="{next_href}">Next</a>' if next_href else ""
    return f"<html><body><nav><a href='/'>Home</a></nav><main>{arts}</main>{nxt}</body></html>"


def test_links_resolved_and_pagination(fetcher, mockserver):
    mockserver.page("/news", listing_page([("/n/1", None), ("n/2?utm_source=x", None)], "?page=2"))
    mockserver.page("/news?page=2", listing_page([("https://other.example/n/3", None)], "/news?page=3"))
    mockserver.page("/news?page=3", listing_page([("/n/4#comments", None)], None))
    d = discover(source(mockserver.url("/news")), fetcher)
    assert d.error is None and len(d.fetches) == 3
    assert [e.url for e in d.entries] == [
        mockserver.url("/n/1"),
        mockserver.url("/n/2"),
        "https://other.example/n/3",
        mockserver.url("/n/4"),
    ]
    assert d.entries[0].title == "Title /n/1"


def test_max_pages_bounds_pagination(fetcher, mockserver):
    for i in range(1, 10):
        mockserver.page(f"/p{i}", listing_page([(f"/n/{i}", None)], f"/p{i + 1}"))
    d = discover(source(mockserver.url("/p1"), max_pages=3), fetcher)
    assert len(d.entries) == 3 and len(d.fetches) == 3


def test_pagination_loop_stops(fetcher, mockserver):
    mockserver.page("/a", listing_page([("/n/1", None)], "/b"))
    mockserver.page("/b", listing_page([("/n/2", None)], "/a"))
    d = discover(source(mockserver.url("/a")), fetcher)
    assert len(d.entries) == 2 and len(mockserver.requests_to("/a")) == 1


def test_since_stops_pagination_using_dates_near_links(fetcher, mockserver):
    mockserver.page("/p1", listing_page([("/n/1", "2025-09-10"), ("/n/2", "2025-09-01")], "/p2"))
    mockserver.page("/p2", listing_page([("/n/3", "2025-08-20"), ("/n/4", "2025-07-30")], "/p3"))
    mockserver.page("/p3", listing_page([("/n/5", "2025-07-01")], None))
    d = discover(source(mockserver.url("/p1")), fetcher, since=date(2025, 8, 15))
    assert [e.url.rsplit("/", 1)[-1] for e in d.entries] == ["1", "2", "3"]
    assert mockserver.requests_to("/p3") == []
    assert d.entries[0].published == datetime(2025, 9, 10, tzinfo=UTC)


def test_dates_from_text_url_and_not_from_neighbours():
    html = """<ul class="list">
      <li><a class="t" href="/2025/09/03/sweden-purl/">Sweden</a></li>
      <li><a class="t" href="/n/b">Denmark</a><span class="date">4 September 2025</span></li>
      <li><a class="t" href="/n/c">Undated</a></li>
    </ul>"""
    page = parse_listing(html, "https://e.org/news", links="a.t", next_selector=None, source="s")
    a, b, c = page.entries
    assert a.published.date() == date(2025, 9, 3)
    assert b.published.date() == date(2025, 9, 4)
    assert c.published is None


def test_selector_on_container_and_base_href():
    html = """<html><head><base href="https://cdn.e.org/en/"></head><body>
      <div class="card"><h3>Card</h3><a href="story-1">Read</a></div>
      <div class="card"><a href="javascript:void(0)">JS</a></div>
      <div class="card"><a href="mailto:press@e.org">Mail</a></div></body></html>"""
    page = parse_listing(html, "https://e.org/news", links="div.card", next_selector=None, source="s")
    assert [e.url for e in page.entries] == ["https://cdn.e.org/en/story-1"]


def test_listing_304_and_failures(fetcher, mockserver):
    mockserver.conditional("/news", listing_page([("/n/1", None)], None))
    d = discover(source(mockserver.url("/news")), fetcher, validators=lambda url: ('"v1"', None))
    assert d.error is None and d.entries == []
    d = discover(source(mockserver.url("/missing")), fetcher)
    assert "HTTP 404" in d.error


def test_selector_matching_nothing_is_not_an_error(fetcher, mockserver):
    mockserver.page("/news", "<html><body><p>redesigned site</p></body></html>")
    d = discover(source(mockserver.url("/news")), fetcher)
    assert d.error is None and d.entries == []


def test_broken_html_and_odd_charset(fetcher, mockserver):
    html = "<html><body><article><h2><a href='/n/1'>Київ".encode("cp1251")
    mockserver.page("/news", html, "text/html; charset=windows-1251")
    d = discover(source(mockserver.url("/news")), fetcher)
    assert d.error is None and d.entries[0].title == "Київ"
