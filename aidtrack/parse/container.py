"""The plain case, read directly: a page whose article sits in one element that holds all its prose.

Most article pages hold their text plainly: one element (``article-body``, ``entry-content``, a bare
``div``) holds nearly all the page's paragraphs of prose, and the furniture around it holds none.
Reading that element's paragraphs costs a fraction of a full extraction (the page is already parsed)
and gives the same words. It is done only when the page leaves no doubt (see ``plain_article``); any
other page goes to trafilatura's full machinery.
"""

from __future__ import annotations

import re

import lxml.html

from aidtrack.parse import boilerplate
from aidtrack.parse.blocks import LAYOUT_CELL_CHARS, Block, cleaned, squash

_BLOCKS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt"})
_CONTAINERS = frozenset(
    {
        "div",
        "section",
        "article",
        "main",
        "header",
        "ul",
        "ol",
        "dl",
        "span",
        "font",
        "center",
        "td",
        "tr",
        "tbody",
    }
)
_SKIPPED = frozenset({"figure", "figcaption", "form", "h1", "time", "address", "img"})
# Class or id words of elements that are not an article's text.
_FURNITURE = re.compile(
    r"(related|share|sharing|social|comment|newsletter|promo|teaser|sidebar|widget|breadcrumb|cookie|"
    r"consent|\btags?\b|author|byline|caption|credit|advert|\bads?\b|banner|subscribe|paywall|popup|modal|"
    r"recommend|read-?more|readmore|more-|most-|footer|header|menu|\bnav|meta|gallery|video|player|embed|"
    r"podcast|donat|support-|signup|sign-up|print|toolbar|rating|feedback|lire-aussi|read-also|czytaj|"
    r"zobacz|читайте|inline-?teaser|regwall|registration|login|sign-?in)",
    re.I,
)

LONG_PARAGRAPH_CHARS = 120  # a paragraph this long, mostly not links, is prose of some article
MIN_LONG_PARAGRAPHS = 2  # the page has at least this many …
COVERAGE = 0.9  # … and one element holds this share of their text
MIN_CHARS = 250  # that element gives at least this much text (trafilatura's own minimum) …
MAX_LINK_SHARE = 0.2  # … of which at most this share is link text
LEAD_MIN_CHARS = 60  # a standfirst above the text is at least this long
BLOCK_MIN_CHARS = 40  # a text block (paragraph, list item, cell) this long, not links, is content …
OUTSIDE_MAX_SHARE = 0.2  # … and if more than this share of the page's is outside the container, the
# page is not plain: an article with parts elsewhere, or a page that is not one article


def named_furniture(element: lxml.html.HtmlElement, *, in_header: bool = False) -> bool:
    """Named as furniture; with ``in_header``, the names "header" and "meta" do not count (an article's
    header is where its standfirst sits)."""
    marker = f"{element.get('class') or ''} {element.get('id') or ''}"
    if not marker.strip():
        return False
    words = {match.group(1).lower() for match in _FURNITURE.finditer(marker)}
    return bool(words - {"header", "meta"} if in_header else words)


def _text(element: lxml.html.HtmlElement) -> str:
    """The element's text, ``<br>`` as a line break."""
    parts: list[str] = []
    for node in element.iter():
        if node.tag == "br":
            parts.append("\n")
        elif node.text and isinstance(node.tag, str):
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _links(element: lxml.html.HtmlElement) -> int:
    return sum(len(squash(a.text_content())) for a in element.iter("a"))


def _has_blocks(element: lxml.html.HtmlElement) -> bool:
    return any(isinstance(node.tag, str) and node.tag in _BLOCKS for node in element.iterdescendants())


def container_blocks(container: lxml.html.HtmlElement) -> list[Block]:
    """The element's paragraphs, headings, list items and quotes in page order, furniture left out."""
    blocks: list[Block] = []

    def walk(element: lxml.html.HtmlElement) -> None:
        for child in element:
            tag = child.tag
            # An article's <header> holds its standfirst: "header" in its class does not make it furniture.
            if (
                not isinstance(tag, str)
                or tag in _SKIPPED
                or named_furniture(child, in_header=tag == "header")
            ):
                continue
            if tag == "table":
                blocks.extend(_rows(child))
            elif tag in _BLOCKS or (tag in _CONTAINERS and not _has_blocks(child)):
                text = _text(child)
                if text:
                    blocks.append(Block(text, _links(child)))
            elif tag in _CONTAINERS:
                walk(child)

    walk(container)
    return blocks


def _rows(table: lxml.html.HtmlElement) -> list[Block]:
    """A data table, one block per row ("Germany | a further $200 million"); a layout table (a cell
    holding a long text), one block per cell, the menus and sidebars in it to be cleaned away."""
    rows = []
    for row in table.iter("tr"):
        cells = [cell for cell in row if isinstance(cell.tag, str) and cell.tag in ("td", "th")]
        texts = [_text(cell) for cell in cells]
        if any(len(text) >= LAYOUT_CELL_CHARS for text in texts):
            rows.extend(Block(text, _links(cell)) for cell, text in zip(cells, texts, strict=True) if text)
        elif any(texts):
            rows.append(Block(" | ".join(squash(t) for t in texts if t), _links(row)))
    return rows


def _prose(
    tree: lxml.html.HtmlElement,
) -> tuple[list[tuple[lxml.html.HtmlElement, int]], list[tuple[lxml.html.HtmlElement, int]]]:
    """The page's text blocks that are not links or furniture (paragraphs, list items, cells, quotes of
    ``BLOCK_MIN_CHARS`` or more), and among them its paragraphs of prose (``<p>`` of
    ``LONG_PARAGRAPH_CHARS`` or more), each with its length."""
    blocks, paragraphs = [], []
    # element → inside furniture, shared by siblings. Keyed by the element itself, not id(): lxml makes a
    # new Python object for an element nobody holds, and a freed object's id is reused.
    furniture: dict[lxml.html.HtmlElement, bool] = {}

    def in_furniture(element: lxml.html.HtmlElement) -> bool:
        if element not in furniture:
            parent = element.getparent()
            furniture[element] = named_furniture(element) or (parent is not None and in_furniture(parent))
        return furniture[element]

    for element in tree.iter("p", "li", "dd", "td", "blockquote"):
        text = squash(element.text_content())
        if len(text) < BLOCK_MIN_CHARS or _links(element) > MAX_LINK_SHARE * len(text):
            continue
        if element.tag in ("li", "td", "blockquote") and element.find(".//p") is not None:
            continue  # its paragraphs count on their own
        if boilerplate.is_furniture(text) or in_furniture(element):
            continue
        blocks.append((element, len(text)))
        if element.tag == "p" and len(text) >= LONG_PARAGRAPH_CHARS:
            paragraphs.append((element, len(text)))
    return blocks, paragraphs


def _holder(paragraphs: list[tuple[lxml.html.HtmlElement, int]]) -> lxml.html.HtmlElement | None:
    """The deepest element holding ``COVERAGE`` of the paragraphs' text."""
    total = sum(size for _, size in paragraphs)
    held: dict[lxml.html.HtmlElement, int] = {}
    depth: dict[lxml.html.HtmlElement, int] = {}
    for p, size in paragraphs:
        chain = list(p.iterancestors())
        for level, ancestor in enumerate(chain):
            held[ancestor] = held.get(ancestor, 0) + size
            depth[ancestor] = len(chain) - level
    enough = [element for element, size in held.items() if size >= COVERAGE * total]
    return max(enough, key=depth.__getitem__) if enough else None


def _inside(element: lxml.html.HtmlElement, container: lxml.html.HtmlElement) -> bool:
    return any(node is container for node in element.iterancestors())


def _several_stories(paragraphs: list[lxml.html.HtmlElement], container: lxml.html.HtmlElement) -> bool:
    """The paragraphs sit in two or more ``<article>`` elements inside the container."""
    stories: set[lxml.html.HtmlElement] = set()
    for p in paragraphs:
        for ancestor in p.iterancestors():
            if ancestor is container:
                break
            if ancestor.tag == "article":
                stories.add(ancestor)
                break
    return len(stories) >= 2


def _leads(container: lxml.html.HtmlElement, tree: lxml.html.HtmlElement) -> list[Block]:
    """Standfirst paragraphs (``<p>``, or a ``<div>`` of text) above the container, inside the same story
    (the nearest ancestor of the container that holds the h1)."""
    h1 = tree.find(".//h1")
    story = None
    if h1 is not None:
        for ancestor in container.iterancestors():
            if ancestor.tag in ("body", "html"):
                break
            if _inside(h1, ancestor):
                story = ancestor
                break
    if story is None:
        return []
    leads: list[Block] = []
    for p in story.iter("p", "div"):
        if p is container or _inside(p, container):
            break  # only what comes before the text
        if p.tag == "div" and _has_blocks(p):
            continue  # a wrapper: its paragraphs come next
        text = squash(p.text_content())
        if len(text) < LEAD_MIN_CHARS or _links(p) > MAX_LINK_SHARE * len(text):
            continue
        chain = [p, *(node for node in p.iterancestors() if node is not story and _inside(node, story))]
        if any(named_furniture(node, in_header=True) for node in chain):
            continue
        if not boilerplate.is_furniture(text):
            leads.append(Block(text))
    return leads


def plain_article(tree: lxml.html.HtmlElement) -> list[Block] | None:
    """The article's blocks when one element plainly holds it, else None (let trafilatura decide).

    Plain means: the deepest element holding ``COVERAGE`` of the page's prose paragraphs (at least
    ``MIN_LONG_PARAGRAPHS`` of them) is not the whole body, leaves at most ``OUTSIDE_MAX_SHARE`` of the
    page's text blocks outside it, holds one story (not the two ``<article>`` of an infinite-scroll
    page), gives ``MIN_CHARS`` of text and is not mostly links.
    """
    text_blocks, paragraphs = _prose(tree)
    if len(paragraphs) < MIN_LONG_PARAGRAPHS:
        return None
    container = _holder(paragraphs)
    if container is None or container.tag in ("body", "html"):
        return None
    outside = sum(size for element, size in text_blocks if not _inside(element, container))
    if outside > OUTSIDE_MAX_SHARE * sum(size for _, size in text_blocks):
        return None
    if _several_stories([p for p, _ in paragraphs], container):
        return None  # an infinite-scroll page or a digest: which story is the page's is not plain
    blocks = [c for b in container_blocks(container) if (c := cleaned(b)) is not None]
    chars = sum(len(b.text) for b in blocks)
    links = sum(b.link_chars for b in blocks)
    if chars < MIN_CHARS or links > MAX_LINK_SHARE * chars:
        return None
    return _leads(container, tree) + blocks
