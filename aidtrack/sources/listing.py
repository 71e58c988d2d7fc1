"""HTML listing pages → entries: the ``links`` CSS selector picks article links (made absolute),
the optional ``next`` selector finds the next page. Dates are taken from near each link when the
page shows them (``<time>``, ``itemprop=datePublished``, a "date" class) or from the URL
(``/2025/09/01/``), so pagination can stop once entries are older than ``since``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import dateparser
from bs4 import BeautifulSoup, Tag

from aidtrack.sources.entries import Entry, canonical_url, parse_date, to_utc

_URL_DATE = re.compile(r"/(20\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/-]|$)")
_DATE_CLASS = re.compile(r"date|time|publish|posted", re.I)
_ANCESTOR_DEPTH = 5
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:")


@dataclass
class ListingPage:
    entries: list[Entry] = field(default_factory=list)
    next_url: str | None = None


def _anchor(el: Tag) -> Tag | None:
    """The link an element stands for: itself, a link inside it, or the link around it."""
    if el.name == "a" and el.get("href"):
        return el
    inner = el.find("a", href=True)
    if isinstance(inner, Tag):
        return inner
    outer = el.find_parent("a", href=True)
    return outer if isinstance(outer, Tag) else None


def _parse_text_date(text: str, language: str) -> datetime | None:
    text = " ".join(text.split())
    if not text or len(text) > 80 or not any(c.isdigit() for c in text):
        return None
    dt = parse_date(text) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None
    if dt is not None:
        return dt
    try:
        found = dateparser.parse(
            text,
            languages=[language.split("-")[0].lower(), "en"] if language else None,
            settings={"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC", "PREFER_DATES_FROM": "past"},
        )
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    return to_utc(found) if found else None


def _date_in(container: Tag, language: str) -> datetime | None:
    for el in container.find_all("time"):
        dt = parse_date(el.get("datetime")) or _parse_text_date(el.get_text(" "), language)
        if dt:
            return dt
    for el in container.find_all(attrs={"itemprop": re.compile("datePublished|dateCreated", re.I)}):
        dt = parse_date(el.get("content") or el.get("datetime")) or _parse_text_date(
            el.get_text(" "), language
        )
        if dt:
            return dt
    for el in container.find_all(class_=_DATE_CLASS):
        dt = _parse_text_date(el.get_text(" "), language)
        if dt:
            return dt
    return None


def _date_near(anchor: Tag, selected: set[int], language: str) -> datetime | None:
    """A date inside the link's own item: walk up while the ancestor holds no other selected link."""
    node: Tag | None = anchor
    for _ in range(_ANCESTOR_DEPTH):
        if node is None or node.name in ("body", "html", "[document]"):
            break
        others = sum(1 for a in node.find_all("a", href=True) if id(a) in selected and a is not anchor)
        if others:
            break
        dt = _date_in(node, language)
        if dt:
            return dt
        node = node.parent if isinstance(node.parent, Tag) else None
    return None


def _url_date(url: str) -> datetime | None:
    m = _URL_DATE.search(url)
    if not m:
        return None
    try:
        return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=UTC)
    except ValueError:
        return None


def parse_listing(
    html: str,
    page_url: str,
    *,
    links: str,
    next_selector: str | None,
    source: str,
    language: str | None = None,
) -> ListingPage:
    """Article links (and the next page) from one listing page fetched from ``page_url``."""
    soup = BeautifulSoup(html, "lxml")
    base = page_url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        base = canonical_url(str(base_tag["href"]), page_url) or page_url

    anchors: list[Tag] = []
    for el in soup.select(links):
        a = _anchor(el)
        if a is not None and all(a is not b for b in anchors):
            anchors.append(a)
    selected = {id(a) for a in anchors}

    page = ListingPage()
    seen: set[str] = set()
    for a in anchors:
        href = str(a.get("href", "")).strip()
        if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = canonical_url(href, base)
        if url is None or url in seen or url == canonical_url(page_url):
            continue
        seen.add(url)
        title = " ".join(a.get_text(" ").split()) or str(a.get("title") or "").strip() or None
        published = _date_near(a, selected, language) or _url_date(url)
        page.entries.append(Entry(url=url, title=title, published=published, summary=None, source=source))

    if next_selector:
        el = soup.select_one(next_selector)
        a = _anchor(el) if isinstance(el, Tag) else None
        if a is not None:
            page.next_url = canonical_url(str(a["href"]), base)
    return page
