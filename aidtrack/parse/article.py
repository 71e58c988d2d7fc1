"""Generic article parsing: one lxml tree per page, metadata from the markup, text from trafilatura.

Works on sites we have never seen (no per-site selectors). The steps, each in its own module:
``tree`` (parse, strip what never holds text), ``metadata`` (title, date, language, canonical URL),
``text`` (the article's words), ``quality`` (is it an article; is it short for its page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from lxml import etree

from aidtrack.parse.blocks import squash
from aidtrack.parse.errors import ParseError
from aidtrack.parse.metadata import clean, htmldate_guess, read_metadata
from aidtrack.parse.quality import refusal, suspiciously_short
from aidtrack.parse.text import main_text
from aidtrack.parse.tree import load_tree, strip_non_content, visible_text

__all__ = ["Article", "ParseError", "parse_article"]

_LINKED_HEADINGS = etree.XPath("//*[self::h2 or self::h3 or self::h4][.//a[@href] or ancestor::a[@href]]")


def _teasers(tree: etree._Element) -> tuple[int, str]:
    """Headings that link elsewhere (teaser cards), and the text of the cards around them (squashed)."""
    headings = _LINKED_HEADINGS(tree)
    cards = []
    for heading in headings:
        link = next((a for a in heading.iterancestors("a")), None)
        card = (link if link is not None else heading).getparent()
        if card is not None:
            cards.append(squash(card.text_content()))
    return len(headings), "\n".join(cards)


@dataclass(frozen=True)
class Article:
    url: str
    canonical_url: str
    title: str | None
    published: datetime | None  # timezone-aware (UTC when the page gave no zone)
    language: str | None  # from the markup (<html lang>, og:locale, JSON-LD), never guessed
    text: str
    # Where the text came from: "container" (the element holding the page's prose, read directly),
    # "trafilatura" (its extraction), "json-ld" (the publisher's articleBody).
    text_origin: str = "container"
    page_chars: int = 0  # characters of visible text on the whole page
    short_text: bool = False  # the text is suspiciously short for its page (quality.suspiciously_short)

    @property
    def published_on(self) -> date | None:
        return self.published.date() if self.published else None


def parse_article(
    html: str,
    url: str,
    *,
    published_hint: datetime | None = None,
) -> Article:
    """Parse one article page.

    ``html`` is the decoded page; ``url`` the URL it was fetched from (for resolving links);
    ``published_hint`` a date from the feed or sitemap, used when the page states none.
    Raises ``ParseError``, whose message says why, when the page holds no usable article text.
    """
    tree = load_tree(html)
    meta = read_metadata(tree, url)
    # htmldate reads the page as it came (it copies the tree), so it goes before the stripping.
    published = meta.published or htmldate_guess(tree, url)
    headlines = [h for h in (clean(t.text_content()) for t in tree.iter("title", "h1")) if h]
    scripted = any("json" not in (s.get("type") or "") for s in tree.iter("script"))
    strip_non_content(tree)
    page_text = visible_text(tree)
    main = main_text(tree, page_text, meta.article_ld)
    reason = refusal(main, page_text, headlines, _teasers(tree), scripted)
    if reason:
        raise ParseError(reason)
    if not published and published_hint:
        published = published_hint if published_hint.tzinfo else published_hint.replace(tzinfo=UTC)
    return Article(
        url=url,
        canonical_url=meta.canonical_url,
        title=meta.title,
        published=published,
        language=meta.language,
        text=main.text,
        text_origin=main.origin,
        page_chars=len(page_text),
        short_text=suspiciously_short(len(main.text), len(page_text)),
    )
