"""Decoded page → one lxml tree, parsed once and shared by the metadata and main-text steps.

lxml builds the tree in C (about a tenth of BeautifulSoup's time on the same page), and trafilatura
works on lxml trees, so a page is parsed once and never serialised again.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from aidtrack.parse.errors import ParseError

# Elements that never hold article text. trafilatura drops them too, but only after copying the tree
# several times and running its XPath rules over them; dropping them first (in C) makes the page it
# sees smaller. <form> is not here: some frameworks wrap the whole page in one (trafilatura knows),
# nor <figure> (tables sit in them) nor <time> (dates are read from it first).
NON_CONTENT_TAGS = (
    "head",
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "canvas",
    "iframe",
    "frame",
    "object",
    "embed",
    "video",
    "audio",
    "picture",
    "map",
    "nav",
    "aside",
    "footer",
    "menu",
    "dialog",
    "button",
    "select",
    "textarea",
    "input",
    "link",
)

# Advertising slots, by the class names ad servers and CMSs give them (evaluated in C by libxml2). Their
# labels ("Advertisement · Scroll to continue") otherwise run into the next paragraph of the text.
_AD_SLOTS = etree.XPath(
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' ad ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' ads ')"
    " or starts-with(normalize-space(@class), 'ad-') or contains(@class, ' ad-')"
    " or starts-with(normalize-space(@class), 'ads-') or contains(@class, 'advert')"
    " or contains(@class, 'adsbygoogle') or starts-with(@id, 'ad-') or starts-with(@id, 'google_ads')]"
    "|//amp-ad|//amp-embed"
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SPACE = re.compile(r"\s+")


def load_tree(html: str) -> lxml.html.HtmlElement:
    """Parse a decoded page; raise ``ParseError`` when it is empty or plainly not HTML."""
    if not html or not html.strip():
        raise ParseError("empty page")
    start = html.lstrip()[:2048]
    if start.startswith("%PDF"):
        raise ParseError("not an HTML page: a PDF document")
    if "<" not in start:
        raise ParseError("not an HTML page: no markup in the first 2 KB")
    # lxml refuses a str that declares its own encoding, and NUL bytes; neither carries meaning here.
    html = _XML_DECLARATION.sub("", html, count=1).replace("\x00", "")
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"not an HTML document ({exc})") from exc
    if tree is None or not len(tree):
        raise ParseError("not an HTML document (no elements)")
    return tree


def strip_non_content(tree: lxml.html.HtmlElement) -> None:
    """Remove scripts, styles, navigation, form controls, ad slots and the like, in place (their tails
    stay: text that follows an element in its parent is not the element's)."""
    etree.strip_elements(tree, *NON_CONTENT_TAGS, with_tail=False)
    for slot in _AD_SLOTS(tree):
        if slot.getparent() is not None and slot.tag not in ("html", "body"):
            slot.drop_tree()


def visible_text(tree: lxml.html.HtmlElement) -> str:
    """The body's text with whitespace collapsed (call after ``strip_non_content``)."""
    body = tree.find("body")
    return _SPACE.sub(" ", (body if body is not None else tree).text_content()).strip()
