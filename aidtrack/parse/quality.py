"""Is what the page gave an article? The reasons a page is refused, and the "suspiciously short" flag.

Never silently empty: a page that yields no article is refused with a reason a person can act on
(it is stored as ``unparsable: <reason>``), and an article whose text is short for the page it came
from is kept but flagged, so a run summary can say how many such pages there were.
"""

from __future__ import annotations

import re

from aidtrack.parse import boilerplate
from aidtrack.parse.blocks import squash
from aidtrack.parse.text import MainText

MIN_TEXT_CHARS = 80  # below this a page is a stub, an index or an error page, not an article
SCRIPT_PAGE_CHARS = 200  # a page with less visible text than this is built by JavaScript
CONSENT_WALL_SHARE = 0.5  # consent notices are at least this share of what was extracted …
CONSENT_WALL_MAX_CHARS = 300  # … and what is left is shorter than this (no article's worth)
ERROR_PAGE_MAX_CHARS = 1000  # an error page's headline with less text than this under it
INDEX_MIN_HEADLINES = 4  # a page with this many headings that link elsewhere …
INDEX_MAX_PARAGRAPH_CHARS = 150  # … no paragraph of prose this long …
INDEX_TEASER_SHARE = 0.5  # … and this share of its text in the teaser cards is a list of teasers
# The rule for the "short" flag: under SHORT_TEXT_CHARS characters of text on a page with at least
# SHORT_PAGE_RATIO times as much visible text. Real briefs are flagged too; a flagged page is a page to
# look at, not an error.
SHORT_TEXT_CHARS = 500
SHORT_PAGE_RATIO = 8

# An error page's own words for itself: "404", or a page that is not found or does not exist (a story
# headlined "Missing hiker not found" is not one).
_ERROR_HEADLINE = re.compile(
    r"(\b40[14]\b|\b410\b|page (was )?not found|page (does not|doesn't|no longer) exists?|"
    r"(couldn't|could not|can't|cannot) find (that|this|the) page|no longer available|"
    r"seite (wurde )?nicht gefunden|seite existiert (leider )?nicht|page introuvable|page n'existe pas|"
    r"nie znaleziono strony|strona nie istnieje|сторінк[уа] не знайдено|сторінка не існує|"
    r"страница не найдена|página no encontrada|pagina non trovata|pagina niet gevonden|"
    r"sidan (kunde inte hittas|hittades inte))",
    re.I,
)


def refusal(
    main: MainText,
    page_text: str,
    headlines: list[str],
    teasers: tuple[int, str] = (0, ""),
    scripted: bool = False,
) -> str | None:
    """Why this page is not an article we can use, or None when it is one.

    ``page_text`` is the page's visible text; ``headlines`` its ``<title>`` and ``<h1>``; ``teasers`` the
    number of its ``<h2>``-``<h4>`` headings that link elsewhere and the text of the cards around them;
    ``scripted`` whether it runs scripts (a page with no text and scripts is built in the browser).
    """
    text_chars = len(main.text)
    raw_chars = sum(len(b.text) for b in main.blocks)
    if raw_chars:
        consent = sum(len(b.text) for b in main.blocks if boilerplate.is_consent_notice(b.text))
        if consent >= CONSENT_WALL_SHARE * raw_chars and text_chars < CONSENT_WALL_MAX_CHARS:
            return "a cookie or consent wall: the page holds a consent notice, not the article"
    if text_chars < ERROR_PAGE_MAX_CHARS:
        for headline in headlines:
            if _ERROR_HEADLINE.search(headline):
                return f"an error page served as a page ({headline[:80]!r})"
    headings, card_text = teasers
    paragraphs = [p for p in main.text.split("\n\n") if p]
    if (
        headings >= INDEX_MIN_HEADLINES
        and paragraphs
        and max(map(len, paragraphs)) < INDEX_MAX_PARAGRAPH_CHARS
    ):
        in_cards = sum(len(p) for p in paragraphs if squash(p) in card_text)
        if in_cards >= INDEX_TEASER_SHARE * text_chars:
            return f"a list of teasers, not an article ({headings} headings linking elsewhere, no paragraph)"
    if text_chars < MIN_TEXT_CHARS:
        if scripted and len(page_text) < SCRIPT_PAGE_CHARS:
            return f"no text on the page ({len(page_text)} characters): it is probably built by JavaScript"
        return f"no article text found ({text_chars} characters, of {len(page_text)} on the page)"
    return None


def suspiciously_short(text_chars: int, page_chars: int) -> bool:
    """True when the text is short for its page (``SHORT_TEXT_CHARS``, ``SHORT_PAGE_RATIO``)."""
    return text_chars < SHORT_TEXT_CHARS and page_chars >= SHORT_PAGE_RATIO * text_chars
