"""What a page says about itself: language from the markup, dates from metas, text and the feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aidtrack.parse import parse_article

BODY = (
    "<p>Portugal will put €50 million into the programme that buys American weapons for Ukraine, the defence "
    "minister said at NATO headquarters on Wednesday.</p><p>The contribution sits inside Lisbon's existing "
    "commitment to Ukraine for this year, officials added in a short statement.</p>"
)


def parse(head: str = "", body: str = BODY, html_attrs: str = "", **kwargs):
    html = f"<html {html_attrs}><head><title>T</title>{head}</head><body>{body}</body></html>"
    return parse_article(html, kwargs.pop("url", "https://example.pt/a"), **kwargs)


@pytest.mark.parametrize(
    ("html_attrs", "head", "expected"),
    [
        ("lang='uk'", "", "uk"),
        ("lang='de-DE'", '<meta property="og:locale" content="fr_FR">', "de"),
        ("", '<meta property="og:locale" content="uk_UA">', "uk"),
        (
            "",
            '<script type="application/ld+json">{"@type":"NewsArticle","inLanguage":"pl-PL"}</script>',
            "pl",
        ),
        ("", '<meta http-equiv="content-language" content="sv">', "sv"),
        ("lang='x-default'", "", None),
        ("", "", None),
    ],
)
def test_language_comes_from_the_markup(html_attrs, head, expected):
    assert parse(head, html_attrs=html_attrs).language == expected


def test_dotted_dates_are_day_first():
    assert parse('<meta name="date" content="03.12.2025">').published_on.isoformat() == "2025-12-03"


def test_an_itemprop_date_on_any_element_is_read():
    body = f'<span itemprop="datePublished" content="2025-10-15T09:00:00+02:00">15 Oct</span>{BODY}'
    assert parse(body=body).published == datetime(2025, 10, 15, 7, 0, tzinfo=UTC)


def test_a_date_only_in_the_text_of_a_date_element_is_found():
    # A ministry page with no metas: the date stands in a paragraph of its own (htmldate finds it).
    body = f'<h1>Polska przekaże 100 mln dolarów</h1><p class="event-date">20.11.2025</p>{BODY}'
    assert (
        parse(body=body, url="https://www.gov.example/web/msz/purl").published_on.isoformat() == "2025-11-20"
    )


def test_a_date_in_the_url_is_found():
    assert (
        parse(url="https://wire.example/2025/08/13/germany-purl.html").published_on.isoformat()
        == "2025-08-13"
    )


def test_the_page_date_wins_over_the_feed_and_the_feed_fills_in_when_there_is_none():
    hint = datetime(2025, 12, 6, 9, 0, tzinfo=UTC)
    dated = parse(
        '<meta property="article:published_time" content="2025-12-05T08:40:00+02:00">', published_hint=hint
    )
    assert dated.published_on.isoformat() == "2025-12-05"
    assert parse(published_hint=hint).published == hint
    naive = parse(published_hint=datetime(2025, 12, 6, 9, 0)).published
    assert naive.tzinfo is not None


def test_title_prefers_json_ld_then_open_graph_then_h1():
    ld = '<script type="application/ld+json">{"@type":"ReportageNewsArticle","headline":"From JSON-LD"}</script>'
    og = '<meta property="og:title" content="From Open Graph">'
    assert parse(ld + og).title == "From JSON-LD"
    assert parse(og).title == "From Open Graph"
    assert parse(body=f"<h1>From the h1</h1>{BODY}").title == "From the h1"


def test_canonical_link_with_several_rel_tokens():
    article = parse(
        '<link rel="canonical alternate" href="/news/purl?utm_source=x">', url="https://example.pt/m/1"
    )
    assert article.canonical_url == "https://example.pt/news/purl"
