"""What a page says about itself: title, publication date, language and canonical URL.

Order of trust for each field (first hit wins):

- title: JSON-LD ``headline`` → ``og:title`` / ``twitter:title`` → ``<h1>`` → ``<title>``
- published: JSON-LD ``datePublished`` → ``article:published_time`` and the other common date metas →
  an element with ``itemprop=datePublished`` → ``<time datetime>`` (in the ``<article>`` holding the
  headline first) → htmldate on the markup (the URL, elements named "date" or "byline", textual dates
  in them; ``htmldate_guess``) → the caller's hint (the feed's or sitemap's date) → None
- language: ``<html lang>`` → ``og:locale`` → JSON-LD ``inLanguage`` → ``content-language`` metas
- canonical URL: ``<link rel=canonical>`` → ``og:url`` → the fetched URL (http/https only)

All of it is read from the tree before ``strip_non_content`` removes ``<head>`` and the scripts.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
from dateutil import parser as date_parser

from aidtrack.parse.urls import canonicalize_url

_DATE_METAS = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("property", "og:published_time"),
    ("property", "og:article:published_time"),
    ("itemprop", "datepublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "publish-date"),
    ("name", "publish_date"),
    ("name", "publication_date"),
    ("name", "date"),
    ("name", "dc.date"),
    ("name", "dc.date.issued"),
    ("name", "dc.date.created"),
    ("name", "dcterms.date"),
    ("name", "dcterms.issued"),
    ("name", "dcterms.created"),
    ("name", "citation_publication_date"),
    ("name", "citation_date"),
    ("name", "article.published"),
    ("name", "sailthru.date"),
    ("name", "parsely-pub-date"),
)
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "backgroundnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "report",
        "reportage",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "pressrelease",
        "scholarlyarticle",
        "techarticle",
        "webpage",
    }
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_DOTTED_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}")  # 03.12.2025 is the 3rd of December in Europe
_WS = re.compile(r"\s+")

# htmldate logs every page it finds no date on; the parser decides what to do then.
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    published: datetime | None  # None: the page states no date we trust (the caller may have a hint)
    language: str | None
    canonical_url: str
    article_ld: dict = field(default_factory=dict)  # the JSON-LD object describing the article, if any


def clean(text: object) -> str | None:
    """Whitespace collapsed; None for anything that is not a non-empty string."""
    if not isinstance(text, str):
        return None
    text = _WS.sub(" ", text.replace("\u00a0", " ")).strip()
    return text or None


def parse_date(raw: object) -> datetime | None:
    """A date or datetime string → aware datetime (UTC when the page gave no zone); None if implausible."""
    raw = clean(raw)
    if not raw:
        return None
    try:
        parsed = date_parser.parse(raw, fuzzy=False, dayfirst=bool(_DOTTED_DATE.match(raw)))
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not (1990 <= parsed.year <= 2100):
        return None
    return parsed


def json_ld_objects(tree: lxml.html.HtmlElement) -> list[dict]:
    """Every JSON-LD object on the page, ``@graph`` and ``mainEntity`` members included, in page order."""
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

    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = (script.text or "").strip()
        # Some CMSs wrap the JSON in an HTML comment or CDATA; strict=False allows raw newlines in strings.
        raw = raw.removeprefix("<!--").removesuffix("-->").strip()
        raw = raw.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
        try:
            walk(json.loads(raw, strict=False))
        except (json.JSONDecodeError, RecursionError):
            continue  # broken JSON-LD is common; the other signals still work
    return found


def article_ld(objects: list[dict]) -> dict:
    """The first JSON-LD object of an article type that carries a headline, a date or a body."""
    for obj in objects:
        types = obj.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in types):
            if obj.get("headline") or obj.get("datePublished") or obj.get("articleBody"):
                return obj
    return {}


MetaIndex = dict[tuple[str, str], str]


def meta_index(tree: lxml.html.HtmlElement) -> MetaIndex:
    """Every ``<meta>`` by (attribute, lower-cased name) → its first non-empty content, in one pass."""
    index: MetaIndex = {}
    for tag in tree.iter("meta"):
        content = clean(tag.get("content") or tag.get("datetime"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = tag.get(attr)
            if key:
                index.setdefault((attr, key.strip().lower()), content)
    return index


def _text(element: lxml.html.HtmlElement | None) -> str | None:
    return clean(element.text_content()) if element is not None else None


def _title(tree: lxml.html.HtmlElement, ld: dict, metas: MetaIndex) -> str | None:
    return (
        clean(ld.get("headline"))
        or metas.get(("property", "og:title"))
        or metas.get(("name", "twitter:title"))
        or metas.get(("property", "twitter:title"))
        or _text(tree.find(".//h1"))
        or _text(tree.find(".//title"))
    )


def _markup_date(tree: lxml.html.HtmlElement, ld: dict, metas: MetaIndex) -> datetime | None:
    published = parse_date(ld.get("datePublished"))
    for key in _DATE_METAS:
        if published:
            return published
        published = parse_date(metas.get(key))
    if published:
        return published
    for node in tree.xpath("//*[@itemprop='datePublished'][@datetime or @content]"):
        published = parse_date(node.get("datetime") or node.get("content"))
        if published:
            return published
    # The <article> holding the headline, not the first one (often a teaser of another story); then the
    # first <article>, then the whole page.
    h1 = tree.find(".//h1")
    scopes = [
        next(h1.iterancestors("article"), None) if h1 is not None else None,
        tree.find(".//article"),
        tree,
    ]
    for scope in scopes:
        if scope is None:
            continue
        for time_tag in scope.iter("time"):
            published = parse_date(time_tag.get("datetime") or time_tag.text_content())
            if published:
                return published
    return None


def htmldate_guess(tree: lxml.html.HtmlElement, url: str) -> datetime | None:
    """htmldate's reading of the markup (URL, date-like classes, textual dates in them), no full-text scan.

    It catches what the structured signals miss ("Published 11 February 2026" in a byline, a date only in
    the URL); the full-text scan is left out because it picks up any date an article mentions.
    """
    from htmldate import find_date  # imported on first need: ~0.1 s, and most pages never get here

    try:
        found = find_date(tree, url=url, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        return None
    return parse_date(found) if found else None


def _language(tree: lxml.html.HtmlElement, objects: list[dict], metas: MetaIndex) -> str | None:
    in_language = next((o["inLanguage"] for o in objects if isinstance(o.get("inLanguage"), str)), None)
    candidates = [
        tree.get("lang"),
        tree.get("xml:lang"),
        metas.get(("property", "og:locale")),
        in_language,
        metas.get(("http-equiv", "content-language")),
        metas.get(("name", "language")),
        metas.get(("name", "dc.language")),
    ]
    for raw in candidates:
        code = (clean(raw) or "").replace("_", "-").split("-")[0].split(",")[0].strip().lower()
        if _LANGUAGE.match(code):
            return code
    return None


def _canonical(tree: lxml.html.HtmlElement, url: str, metas: MetaIndex) -> str:
    candidates = [
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")
    ][:1]
    if metas.get(("property", "og:url")):
        candidates.append(metas[("property", "og:url")])
    for candidate in candidates:
        absolute = urljoin(url, candidate.strip())
        parts = urlsplit(absolute)
        if parts.scheme in {"http", "https"} and parts.hostname:
            return canonicalize_url(absolute)
    return canonicalize_url(url)


def read_metadata(tree: lxml.html.HtmlElement, url: str) -> PageMetadata:
    """Title, structured date, language and canonical URL of a freshly parsed page.

    ``published`` is only what the markup states in a structured way; the caller tries
    ``htmldate_guess`` when it is None, and the feed's date after that.
    """
    objects = json_ld_objects(tree)
    ld = article_ld(objects)
    metas = meta_index(tree)
    return PageMetadata(
        title=_title(tree, ld, metas),
        published=_markup_date(tree, ld, metas),
        language=_language(tree, [ld, *objects], metas),
        canonical_url=_canonical(tree, url, metas),
        article_ld=ld,
    )
