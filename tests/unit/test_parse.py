"""Generic article parsing: the signals a never-seen site may use, and the junk it may wrap them in."""

from datetime import UTC, datetime

import pytest

from aidtrack.parse import ParseError, canonicalize_url, parse_article

BODY = (
    "<p>Portugal will put €50 million into the programme that buys American weapons for Ukraine, the defence "
    "minister said at NATO headquarters on Wednesday.</p><p>The contribution sits inside Lisbon's existing "
    "commitment to Ukraine for this year, officials added in a short statement.</p>"
)


def test_json_ld_gives_title_date_and_wins_over_meta():
    html = f"""<html lang="pt-PT"><head><title>Site | Something</title>
    <meta property="og:title" content="OG title">
    <meta property="article:published_time" content="2020-01-01T00:00:00Z">
    <script type="application/ld+json">{{"@context":"https://schema.org","@graph":[{{"@type":"WebSite"}},
      {{"@type":["NewsArticle"],"headline":"Portugal joins PURL","datePublished":"2025-10-15T09:30:00+01:00"}}]}}
    </script></head><body><article>{BODY}</article></body></html>"""
    article = parse_article(html, "https://example.pt/a/1")
    assert article.title == "Portugal joins PURL"
    assert article.published == datetime(2025, 10, 15, 8, 30, tzinfo=UTC)
    assert article.language == "pt"
    assert article.text.startswith("Portugal will put €50 million")


def test_broken_json_ld_falls_back_to_meta_tags():
    html = f"""<html><head><script type="application/ld+json">{{"headline": broken</script>
    <meta property="og:title" content="Portugal joins PURL">
    <meta name="dc.date" content="2025-10-15"></head><body><div class="x">{BODY}</div></body></html>"""
    article = parse_article(html, "https://example.pt/a/1")
    assert article.title == "Portugal joins PURL"
    assert article.published_on.isoformat() == "2025-10-15"


@pytest.mark.parametrize(
    "name", ["dcterms.issued", "DC.date.created", "citation_publication_date", "pubdate"]
)
def test_common_date_metas_are_read(name):
    html = f'<html><head><meta name="{name}" content="2025-12-03"></head><body>{BODY}</body></html>'
    assert parse_article(html, "https://example.pt/a").published_on.isoformat() == "2025-12-03"


def test_time_element_and_h1_when_no_metadata():
    html = f"""<html><body><h1>Portugal joins PURL</h1><p><time datetime="2025-10-15">15 Oct</time></p>
    {BODY}</body></html>"""
    article = parse_article(html, "https://example.pt/a/1")
    assert article.title == "Portugal joins PURL"
    assert article.published_on.isoformat() == "2025-10-15"


def test_feed_date_is_used_only_when_the_page_has_none():
    hint = datetime(2025, 10, 16, tzinfo=UTC)
    plain = parse_article(f"<html><body>{BODY}</body></html>", "https://example.pt/a", published_hint=hint)
    assert plain.published == hint
    dated = parse_article(
        f'<html><body><time datetime="2025-10-15"></time>{BODY}</body></html>',
        "https://example.pt/a",
        published_hint=hint,
    )
    assert dated.published_on.isoformat() == "2025-10-15"


def test_navigation_footer_scripts_and_teasers_are_not_article_text():
    html = f"""<html><body>
    <nav><ul><li>Home and all the sections of this very long navigation menu</li></ul></nav>
    <div class="cookie-banner"><p>We use cookies to improve this website and measure its audience.</p></div>
    <div class="main-column"><div class="story">{BODY}</div></div>
    <div class="related"><p><a href="/b">Another headline that is long enough to be counted as text</a></p></div>
    <script>var price = "$1 a month";</script>
    <footer><p>Subscribe for $1 a month. Copyright and other legal notices go here.</p></footer>
    </body></html>"""
    text = parse_article(html, "https://example.pt/a").text
    assert "Portugal will put €50 million" in text and "Lisbon's existing commitment" in text
    for junk in ("cookies", "navigation", "$1 a month", "Another headline", "Copyright"):
        assert junk not in text


def test_densest_block_wins_over_an_unrelated_article_teaser():
    teaser = "<article><p>A teaser card with a short line of text that links elsewhere.</p></article>"
    html = f"<html><body>{teaser}<div id='content'>{BODY}{BODY}</div></body></html>"
    text = parse_article(html, "https://example.pt/a").text
    assert "teaser card" not in text and "Portugal will put" in text


def test_canonical_link_wins_and_is_normalised():
    html = f"""<html><head><link rel="canonical" href="/news/purl?utm_source=rss&id=7#top"></head>
    <body>{BODY}</body></html>"""
    article = parse_article(html, "HTTPS://Example.PT:443/mobile/news/purl?id=7")
    assert article.canonical_url == "https://example.pt/news/purl?id=7"


def test_non_http_canonical_is_ignored():
    html = f'<html><head><link rel="canonical" href="javascript:alert(1)"></head><body>{BODY}</body></html>'
    assert parse_article(html, "https://example.pt/x").canonical_url == "https://example.pt/x"


@pytest.mark.parametrize(
    "html", ["", "   ", "<html><body><p>Too short.</p></body></html>", "%PDF-1.4 binary"]
)
def test_pages_without_article_text_raise_a_clear_error(html):
    with pytest.raises(ParseError):
        parse_article(html, "https://example.pt/x")


def test_implausible_dates_are_ignored():
    html = f'<html><head><meta name="date" content="0001-01-01"></head><body>{BODY}</body></html>'
    assert parse_article(html, "https://example.pt/x").published is None


def test_canonicalize_url_drops_tracking_and_fragment_keeps_real_query():
    assert (
        canonicalize_url("http://A.com:80/p?b=2&utm_medium=x&a=1&fbclid=z#frag") == "http://a.com/p?a=1&b=2"
    )


def test_date_comes_from_the_article_with_the_headline_not_a_teaser():
    html = f"""<html><body>
    <article class="teaser"><time datetime="2020-05-05">old story</time><p>Another story.</p></article>
    <article><h1>Portugal joins PURL</h1><time datetime="2025-10-15">15 Oct</time>{BODY}</article>
    </body></html>"""
    assert parse_article(html, "https://example.pt/a").published_on.isoformat() == "2025-10-15"


def test_meta_names_are_case_insensitive_and_empty_ones_skipped():
    html = f"""<html><head><meta property="OG:Title" content="">
    <meta property="og:title" content="Portugal joins PURL">
    <meta name="Article:Published_Time" content="2025-10-15T08:00:00Z"></head><body>{BODY}</body></html>"""
    article = parse_article(html, "https://example.pt/a")
    assert article.title == "Portugal joins PURL" and article.published_on.isoformat() == "2025-10-15"
