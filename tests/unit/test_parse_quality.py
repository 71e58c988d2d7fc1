"""Never silently empty: pages that hold no article are refused with a reason; short texts are flagged."""

from __future__ import annotations

import pytest

from aidtrack.parse import ParseError, parse_article
from aidtrack.parse.quality import SHORT_PAGE_RATIO, SHORT_TEXT_CHARS, suspiciously_short

ARTICLE = (
    "<p>Portugal will put €50 million into the programme that buys American weapons for Ukraine, the defence "
    "minister said at NATO headquarters on Wednesday.</p><p>The contribution sits inside Lisbon's existing "
    "commitment to Ukraine for this year, officials added in a short statement.</p>"
)


def refusal(html: str) -> str:
    with pytest.raises(ParseError) as caught:
        parse_article(html, "https://example.pt/x")
    return str(caught.value)


def test_a_consent_wall_says_so():
    wall = (
        "<html><body><div class='consent'><h1>Before you continue</h1>"
        "<p>We use cookies and data to deliver and maintain our services and to measure audience engagement.</p>"
        "<p>If you choose to accept all, we will also use cookies and data to show personalised ads.</p>"
        "<button>Accept all</button><button>Reject all</button></div></body></html>"
    )
    assert "consent wall" in refusal(wall)


def test_a_consent_overlay_over_an_article_is_no_wall():
    overlay = (
        "<div class='cmp'><p>We and our partners use cookies and personal data for personalised advertising "
        "and audience measurement.</p><button>Accept</button></div>"
    )
    article = parse_article(
        f"<html><body>{overlay}<main>{ARTICLE}</main></body></html>", "https://example.pt/x"
    )
    assert "cookies" not in article.text and article.text.startswith("Portugal")


@pytest.mark.parametrize(
    ("title", "h1"),
    [("Page not found | Observer", "Sorry, we couldn't find that page"), ("Seite nicht gefunden", "Hoppla")],
)
def test_an_error_page_served_with_200_says_so(title, h1):
    page = (
        f"<html><head><title>{title}</title></head><body><h1>{h1}</h1><p>The page you are looking for may have "
        "been moved, deleted or possibly never existed. Try searching our site.</p>"
        "<ul><li><a href='/a'>Parliament votes on the new energy bill next week</a></li></ul></body></html>"
    )
    assert "error page" in refusal(page)


def test_a_list_of_teasers_is_not_an_article():
    cards = "".join(
        f"<article><a href='/s/{k}'><h2>Headline number {k} about the aid packages</h2></a>"
        f"<p>A one-line summary of story {k}.</p></article>"
        for k in range(6)
    )
    assert "list of teasers" in refusal(f"<html><body><main><h1>Ukraine aid</h1>{cards}</main></body></html>")


def test_a_page_built_by_javascript_says_so():
    shell = "<html><body><div id='root'></div><noscript>Enable JavaScript.</noscript><script>app()</script></body></html>"
    assert "JavaScript" in refusal(shell)


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("", "empty page"),
        ("%PDF-1.4 binary", "PDF"),
        ("just some words", "no markup"),
        ("<html><body><p>Too short.</p></body></html>", "no article text"),
    ],  # fmt: skip
)
def test_other_refusals_name_their_reason(html, reason):
    assert reason in refusal(html)


def test_a_short_text_on_a_big_page_is_flagged_and_a_normal_one_is_not():
    furniture = "".join(
        f"<li><a href='/{k}'>Section number {k} of the site menu</a></li>" for k in range(200)
    )
    teaser = (
        "<p>Sweden gives $100 million to PURL, the government said on Friday in Stockholm; the rest of the "
        "story is behind a login.</p>"
    )
    short = parse_article(
        f"<html><body><ul>{furniture}</ul><main>{teaser}</main></body></html>", "https://a.example/x"
    )
    assert short.short_text and short.page_chars >= SHORT_PAGE_RATIO * len(short.text)
    normal = parse_article(f"<html><body><main>{ARTICLE}</main></body></html>", "https://a.example/x")
    assert not normal.short_text


def test_the_short_rule():
    assert suspiciously_short(SHORT_TEXT_CHARS - 1, SHORT_PAGE_RATIO * (SHORT_TEXT_CHARS - 1))
    assert not suspiciously_short(SHORT_TEXT_CHARS, 100 * SHORT_TEXT_CHARS)  # long enough whatever the page
    assert not suspiciously_short(300, 300 * SHORT_PAGE_RATIO - 1)  # a brief on a small page


def test_a_brief_beside_teaser_cards_is_an_article():
    cards = "".join(
        f"<div class='card'><h3><a href='/s/{k}'>Another headline number {k}</a></h3><p>Summary {k}.</p></div>"
        for k in range(6)
    )
    brief = "<p>Estonia will give $12 million to the fourth PURL package, the defence minister said.</p>"
    article = parse_article(
        f"<html><body><main>{brief}</main><section>{cards}</section></body></html>", "https://a.example/x"
    )
    assert "Estonia will give $12 million" in article.text


def test_a_story_whose_headline_says_not_found_is_an_article():
    page = (
        "<html><head><title>Missing funds not found in the 2026 budget</title></head><body>"
        f"<h1>Missing funds not found in the 2026 budget</h1><main>{ARTICLE}</main></body></html>"
    )
    assert parse_article(page, "https://a.example/x").text.startswith("Portugal")


def test_a_short_article_beside_a_long_consent_notice_is_kept():
    notice = (
        "<div class='cmp'><p>We and our 842 partners store and access information on your device, such as "
        "cookies, and process personal data, such as unique identifiers, for personalised advertising and "
        "content, advertising and content measurement, audience research and services development.</p></div>"
    )
    article = parse_article(f"<html><body>{notice}<div>{ARTICLE}</div></body></html>", "https://a.example/x")
    assert article.text.startswith("Portugal") and "842 partners" not in article.text
