"""Generic article parsing: metadata from JSON-LD, meta tags and ``<time>``; text from the main block.

Order of trust for each field (first hit wins):
- title: JSON-LD ``headline`` → ``og:title`` / ``twitter:title`` → ``<h1>`` → ``<title>``
- published: JSON-LD ``datePublished`` → ``article:published_time`` and common date metas →
  ``<time datetime>`` (inside the article first) → the caller's hint (e.g. the feed entry's date)
- canonical URL: ``<link rel=canonical>`` → ``og:url`` → the fetched URL (only http/https, same-site or not)
- text: JSON-LD ``articleBody`` when it is substantial, else the block of ``<p>`` with the most text and
  least link density, after removing scripts, navigation, headers, footers, asides and forms.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from dateutil import parser as date_parser

from aidtrack.parse.urls import canonicalize_url

MIN_TEXT_CHARS = 80  # below this a page is a stub, an index or an error page, not an article
_BOILERPLATE_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "form",
    "nav",
    "header",
    "footer",
    "aside",
    "button",
    "select",
    "figure",
]
_BOILERPLATE_HINT = re.compile(
    r"(^|[-_ ])(nav|menu|footer|header|sidebar|share|social|related|comment|cookie|banner|promo|newsletter|"
    r"subscribe|advert|ad-|ads|breadcrumb|popup|modal)([-_ ]|$)",
    re.I,
)
_DATE_METAS = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("property", "og:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "publish-date"),
    ("name", "date"),
    ("name", "dc.date"),
    ("name", "dc.date.issued"),
    ("name", "dc.date.created"),
    ("name", "dcterms.date"),
    ("name", "dcterms.issued"),
    ("name", "dcterms.created"),
    ("name", "citation_publication_date"),
    ("name", "article.published"),
    ("name", "sailthru.date"),
    ("name", "parsely-pub-date"),
)
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportage",
    "blogposting",
    "report",
    "pressrelease",
    "analysisnewsarticle",
    "webpage",
}
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")


class ParseError(ValueError):
    """The page is not an article we can use (empty, not HTML, no text)."""


@dataclass(frozen=True)
class Article:
    url: str
    canonical_url: str
    title: str | None
    published: datetime | None  # timezone-aware (UTC when the page gave no zone)
    language: str | None
    text: str

    @property
    def published_on(self) -> date | None:
        return self.published.date() if self.published else None


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    text = _WS.sub(" ", text).strip()
    return text or None


def _parse_date(raw: str | None) -> datetime | None:
    raw = _clean(raw)
    if not raw:
        return None
    try:
        parsed = date_parser.parse(raw, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not (1990 <= parsed.year <= 2100):
        return None
    return parsed


def _json_ld_objects(soup: BeautifulSoup) -> list[dict]:
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            found.append(node)
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                if key in node:
                    walk(node[key])

    for script in soup.find_all("script", type=lambda t: t and "ld+json" in t.lower()):
        try:
            walk(json.loads(script.string or script.get_text() or ""))
        except (json.JSONDecodeError, TypeError):
            continue  # broken JSON-LD is common; the other signals still work
    return found


def _article_ld(objects: list[dict]) -> dict:
    for obj in objects:
        types = obj.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types):
            if obj.get("headline") or obj.get("datePublished") or obj.get("articleBody"):
                return obj
    return {}


MetaIndex = dict[tuple[str, str], str]


def _meta_index(soup: BeautifulSoup) -> MetaIndex:
    """Every ``<meta>`` by (attribute, lower-cased name) → its first non-empty content, in one pass
    (looking each name up in the tree cost more than the rest of the metadata put together)."""
    index: MetaIndex = {}
    for tag in soup.find_all("meta"):
        content = _clean(tag.get("content") or tag.get("datetime"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = tag.get(attr)
            if isinstance(key, str):
                index.setdefault((attr, key.strip().lower()), content)
    return index


def _meta(metas: MetaIndex, attr: str, value: str) -> str | None:
    return metas.get((attr, value.lower()))


def _is_boilerplate(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    marker = " ".join([tag.get("id") or "", *(tag.get("class") or []), tag.get("role") or ""])
    if not marker.strip() or tag.name in {"body", "html"}:
        return False
    return bool(_BOILERPLATE_HINT.search(marker))


def _main_text(soup: BeautifulSoup) -> str:
    body = soup.body or soup
    boilerplate_tags = set(_BOILERPLATE_TAGS)
    for tag in body.find_all(True):  # one pass: page furniture by tag name or by class/id/role
        if tag.decomposed:
            continue
        if tag.name in boilerplate_tags or (tag.name not in {"article", "main"} and _is_boilerplate(tag)):
            tag.decompose()

    # Score each container by the text of its paragraphs, discounted by how much of it is link text.
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    for para in body.find_all(["p", "li", "blockquote", "h2", "h3"]):
        if para.name == "li" and para.find_parent(["ul", "ol"]) is None:
            continue
        text = para.get_text(" ", strip=True)
        if len(text) < 25:
            continue
        link_chars = sum(len(a.get_text(strip=True)) for a in para.find_all("a"))
        weight = len(text) * (1 - min(1.0, link_chars / max(len(text), 1)))
        parent = para.parent
        if parent is None:
            continue
        # Credit the parent fully and the grandparent partly, so split containers still win as a whole.
        for ancestor, share in ((parent, 1.0), (parent.parent, 0.5)):
            if isinstance(ancestor, Tag):
                scores[id(ancestor)] = scores.get(id(ancestor), 0.0) + weight * share
                nodes[id(ancestor)] = ancestor

    # A semantic container (articleBody, <article>, <main>) wins when it holds or sits inside the
    # densest block; an unrelated one (say, <article> teaser cards) does not.
    best = nodes[max(scores, key=scores.__getitem__)] if scores else None
    preferred = body.find(attrs={"itemprop": "articleBody"}) or body.find("article") or body.find("main")
    if isinstance(preferred, Tag) and len(preferred.get_text(" ", strip=True)) >= MIN_TEXT_CHARS:
        if best is None or best is preferred or preferred in best.parents or best in preferred.parents:
            best = preferred
    container = best or body

    blocks: list[str] = []
    for node in container.find_all(["p", "li", "blockquote", "h2", "h3", "h4", "pre"]):
        if node.find_parent(["p", "li", "blockquote"]) is not None:
            continue  # its text is already in the enclosing block
        text = _clean(node.get_text(" ", strip=True))
        if text and (not blocks or blocks[-1] != text):
            blocks.append(text)
    if not blocks:
        text = _clean(container.get_text(" ", strip=True))
        blocks = [text] if text else []
    return "\n\n".join(blocks)


def _canonical(soup: BeautifulSoup, url: str, metas: MetaIndex) -> str:
    candidates = []
    link = soup.find("link", rel=lambda r: bool(r) and r.lower() == "canonical")
    if isinstance(link, Tag) and link.get("href"):
        candidates.append(link["href"])
    og_url = _meta(metas, "property", "og:url")
    if og_url:
        candidates.append(og_url)
    for candidate in candidates:
        absolute = urljoin(url, candidate.strip())
        if urlsplit(absolute).scheme in {"http", "https"} and urlsplit(absolute).hostname:
            return canonicalize_url(absolute)
    return canonicalize_url(url)


def parse_article(html: str, url: str, *, published_hint: datetime | None = None) -> Article:
    """Parse one article page.

    ``html`` is the decoded page; ``url`` the URL it was fetched from (for resolving links);
    ``published_hint`` a date from the feed or sitemap, used when the page states none.
    Raises ``ParseError`` when the page has no usable article text.
    """
    if not html or not html.strip():
        raise ParseError("empty page")
    soup = BeautifulSoup(html, "lxml")
    if soup.find() is None:
        raise ParseError("not an HTML document")
    ld = _article_ld(_json_ld_objects(soup))
    metas = _meta_index(soup)

    h1 = soup.find("h1")
    title_tag = soup.find("title")
    title = (
        _clean(ld.get("headline") if isinstance(ld.get("headline"), str) else None)
        or _meta(metas, "property", "og:title")
        or _meta(metas, "name", "twitter:title")
        or _clean(h1.get_text(" ", strip=True) if h1 else None)
        or _clean(title_tag.get_text(" ", strip=True) if title_tag else None)
    )

    published = _parse_date(ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None)
    for attr, value in _DATE_METAS:
        if published:
            break
        published = _parse_date(_meta(metas, attr, value))
    if not published:
        # The <article> holding the headline, not the first one (often a teaser of another story).
        h1_tag = soup.find("h1")
        scope = (h1_tag.find_parent("article") if h1_tag else None) or soup.find("article") or soup
        for time_tag in scope.find_all("time"):
            published = _parse_date(time_tag.get("datetime") or time_tag.get_text(" ", strip=True))
            if published:
                break
    if not published and published_hint:
        published = published_hint if published_hint.tzinfo else published_hint.replace(tzinfo=UTC)

    html_tag = soup.find("html")
    language = _clean(html_tag.get("lang")) if isinstance(html_tag, Tag) else None
    language = language or _clean(ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None)
    if language:
        language = language.split("-")[0].lower()

    canonical_url = _canonical(soup, url, metas)
    body = ld.get("articleBody") if isinstance(ld.get("articleBody"), str) else None
    text = _main_text(soup)
    if body and len(body.strip()) > len(text) * 0.8:
        text = "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())
    if len(text) < MIN_TEXT_CHARS:
        raise ParseError(f"no article text found ({len(text)} characters of body text)")
    return Article(
        url=url, canonical_url=canonical_url, title=title, published=published, language=language, text=text
    )
