"""XML sitemaps → entries: sitemap index (children followed, bounded), urlset, Google News sitemap
(``news:publication_date``, ``news:title``), gzip'd or not, plus plain-text sitemaps (one URL a line).

Parsing is namespace-agnostic (sites use 0.84, 0.9 or no namespace) and hardened: no entity
expansion, no network, lenient recovery from broken markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from aidtrack.fetch.limits import gunzip_limited
from aidtrack.sources.entries import Entry, canonical_url, parse_date, plain_text


class SitemapError(ValueError):
    """The bytes are not a usable sitemap."""


@dataclass(frozen=True)
class ChildSitemap:
    url: str
    lastmod: datetime | None


@dataclass
class SitemapDoc:
    kind: str  # "index" | "urlset"
    children: list[ChildSitemap] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el:
        if _local(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def _find(el: etree._Element, name: str) -> etree._Element | None:
    for child in el:
        if _local(child.tag) == name:
            return child
    return None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )


def parse_sitemap(data: bytes, sitemap_url: str, source: str, *, max_bytes: int) -> SitemapDoc:
    """Parse sitemap bytes (gzip'd or not) fetched from ``sitemap_url``; ``SitemapError`` if unusable."""
    if data[:2] == b"\x1f\x8b":
        data = gunzip_limited(data, max_bytes)  # .xml.gz served as a file, not Content-Encoding
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise SitemapError("empty response, not a sitemap")
    root = None
    if stripped[:1] == b"<":
        try:
            root = etree.fromstring(stripped, _parser())
        except (etree.XMLSyntaxError, ValueError):
            root = None
    if root is None:
        return _text_sitemap(stripped, sitemap_url, source)

    kind = _local(root.tag)
    if kind == "sitemapindex":
        doc = SitemapDoc("index")
        for el in root:
            if _local(el.tag) != "sitemap":
                continue
            url = canonical_url(_child_text(el, "loc") or "", sitemap_url)
            if url:
                doc.children.append(ChildSitemap(url, parse_date(_child_text(el, "lastmod"))))
        return doc
    if kind == "urlset":
        doc = SitemapDoc("urlset")
        for el in root:
            if _local(el.tag) != "url":
                continue
            url = canonical_url(_child_text(el, "loc") or "", sitemap_url)
            if not url:
                continue
            news = _find(el, "news")
            published = title = language = None
            if news is not None:
                published = parse_date(_child_text(news, "publication_date"))
                title = plain_text(_child_text(news, "title"))
                publication = _find(news, "publication")
                language = _child_text(publication, "language") if publication is not None else None
            published = published or parse_date(_child_text(el, "lastmod"))
            doc.entries.append(
                Entry(
                    url=url, title=title, published=published, summary=None, source=source, language=language
                )
            )
        return doc
    raise SitemapError(f"not a sitemap (root element <{kind or root.tag}>)")


def _text_sitemap(data: bytes, sitemap_url: str, source: str) -> SitemapDoc:
    text = data.decode("utf-8", errors="replace")
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        url = canonical_url(line) if line.startswith(("http://", "https://")) else None
        if url is None:
            raise SitemapError("not a sitemap (neither XML nor a list of URLs)")
        urls.append(Entry(url=url, title=None, published=None, summary=None, source=source))
    if not urls:
        raise SitemapError("not a sitemap (no URLs)")
    return SitemapDoc("urlset", entries=urls)
