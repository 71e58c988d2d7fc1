"""The article's own words, by the cheapest reading that the page leaves no doubt about.

Decided by measurement on our real-shape pages (docs/parsing.md, tests/eval_parse/), in this order:

1. JSON-LD ``articleBody``, when it is whole (not cut off with "…") and both its first and its last
   sentence stand on the page: the publisher's own copy of the text, free of furniture.
2. The plain container (``container.plain_article``): one element holds nearly all the page's prose;
   its paragraphs, list items, tables and standfirst are read directly from the tree.
3. Otherwise trafilatura on the tree (comments left out), in its fast mode; its full cascade
   (readability and jusText as second opinions) when the fast answer is short for the page or is a dump
   of the whole page. Its blocks less the furniture it kept (``blocks.cleaned``), plus the paragraphs
   and list items it dropped from the middle of the article (``restore_dropped``).
4. JSON-LD ``articleBody`` again when the page shows only its start (a paywall) or much less than it
   holds (a page built by JavaScript); a cut-off body when the page gave nothing else.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.settings import Extractor

from aidtrack.parse import boilerplate
from aidtrack.parse.blocks import LAYOUT_CELL_CHARS, Block, cleaned, squash
from aidtrack.parse.container import named_furniture, plain_article

# trafilatura logs a warning for every page it finds nothing in; the parser records its own reason.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# Built once: an Extractor reads its settings file on creation (0.15 ms a page otherwise). Read-only
# during extraction (trafilatura copies it before changing anything), so threads can share them.
_FAST = Extractor(output_format="python", fast=True, comments=False, links=True, tables=True)
_FULL = Extractor(output_format="python", fast=False, comments=False, links=True, tables=True)

ESCALATE_BELOW_CHARS = 1500  # a fast extraction shorter than this …
ESCALATE_PAGE_SHARE = 0.25  # … and than this share of the page's text gets the full cascade
LD_BODY_MIN_CHARS = 200  # a shorter articleBody is a description, not the text
LD_BODY_LONGER = 1.3  # articleBody replaces the page's text when it is this much longer
DUMP_MIN_PAGE_CHARS = 800
DUMP_PAGE_SHARE = 0.8  # one or two blocks holding this share of the page's text are a dump of the page
RESTORE_MIN_CHARS = 25  # a dropped block shorter than this is a label, a credit or a date
RESTORE_MAX_LINK_SHARE = 0.25

_TRUNCATED = re.compile(r"(\.\.\.|…|\[\s*(…|\.\.\.)\s*\]|\(\s*(…|\.\.\.)\s*\))[\s\"'»”]*$")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass(frozen=True)
class MainText:
    text: str
    origin: str  # "container" (read directly), "trafilatura", "json-ld" (the publisher's articleBody)
    blocks: tuple[Block, ...]  # what trafilatura gave, before furniture was taken out (for the checks)


def _tidy(text: str) -> str:
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# --- trafilatura's output -------------------------------------------------------------------------


def _element_text(element: etree._Element) -> str:
    """Text of one output element; its line breaks (``<lb/>``) kept as newlines."""
    parts: list[str] = []
    for node in element.iter():
        if node.tag == "lb":
            parts.append("\n")
        elif node is not element and node.tag in ("item", "row", "cell", "p", "head", "quote", "list"):
            parts.append("\n")  # trafilatura makes the <br>-separated lines of a table cell <p>s
        if node.text and node.tag != "lb":
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return _tidy("".join(parts))


def _link_chars(element: etree._Element) -> int:
    return sum(len(squash("".join(ref.itertext()))) for ref in element.iter("ref"))


def _blocks(body: etree._Element) -> list[Block]:
    blocks: list[Block] = []
    for element in body:
        if element.tag == "list":
            children = [child for child in element if child.tag == "item"] or [element]
        elif element.tag == "table":
            children = list(element.iter("row")) or [element]
        else:
            children = [element]
        for child in children:
            cells = [cell for cell in child if cell.tag == "cell"] if child.tag == "row" else []
            if cells and any(len(_element_text(cell)) >= LAYOUT_CELL_CHARS for cell in cells):
                # A layout table (menus | article | sidebar): each cell is a block of its own.
                parts = [(_element_text(cell), _link_chars(cell)) for cell in cells]
            elif cells:
                parts = [
                    (
                        " | ".join(t for cell in cells if (t := squash("".join(cell.itertext())))),
                        _link_chars(child),
                    )
                ]
            else:
                parts = [(_element_text(child), _link_chars(child))]
            blocks.extend(Block(text, links) for text, links in parts if text)
    return blocks


def trafilatura_blocks(tree: lxml.html.HtmlElement, *, full: bool = False) -> list[Block]:
    """trafilatura's main text of the (already stripped) tree, as blocks; the tree is not changed."""
    document = bare_extraction(tree, options=_FULL if full else _FAST)
    if document is None or document.body is None:
        return []
    return _blocks(document.body)


def _is_dump(blocks: list[Block], page_text: str) -> bool:
    """trafilatura's last resort, the whole page's text in one block: it found no article container."""
    if not blocks or len(blocks) > 2 or len(page_text) < DUMP_MIN_PAGE_CHARS:
        return False
    return sum(len(squash(b.text)) for b in blocks) >= DUMP_PAGE_SHARE * len(page_text)


# --- what trafilatura dropped from the middle of the article ---------------------------------------


def _candidates(tree: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, str]]:
    """Paragraphs and list items of the page in document order, with their squashed text."""
    found = []
    for element in tree.iter("p", "li"):
        if element.tag == "li" and element.find(".//p") is not None:
            continue  # its paragraphs are candidates of their own
        text = squash(element.text_content())
        if text:
            found.append((element, text))
    return found


def _furniture_container(element: lxml.html.HtmlElement) -> bool:
    """The element, or one of its ancestors below the article, is named as furniture."""
    for node in (element, *element.iterancestors()):
        if node.tag in ("article", "main", "body"):
            return False
        if named_furniture(node):
            return True
    return False


def _element_link_share(element: lxml.html.HtmlElement, text: str) -> float:
    linked = sum(len(squash(a.text_content())) for a in element.iter("a"))
    return linked / max(len(text), 1)


def _find(haystack: str, text: str) -> int:
    """Where ``text`` is in ``haystack``; its start or its end is enough (trafilatura may have dropped an
    inline element from the middle of a paragraph), -1 if neither."""
    at = haystack.find(text)
    if at < 0:
        at = haystack.find(text[:60])
    if at < 0 and len(text) > 60:
        at = haystack.find(text[-60:])
    return at


def restore_dropped(tree: lxml.html.HtmlElement, blocks: list[Block]) -> list[Block]:
    """``blocks`` with the prose paragraphs and list items trafilatura left out between the first and
    the last paragraph it took, each put back after the block that precedes it on the page."""
    if len(blocks) < 2:
        return blocks
    squashed = [squash(b.text) for b in blocks]
    joined = "\n".join(squashed)
    candidates = _candidates(tree)
    where: list[int | None] = []  # index of the output block holding each candidate, if any
    for _element, text in candidates:
        at = _find(joined, text) if len(text) >= RESTORE_MIN_CHARS else -1
        where.append(joined.count("\n", 0, at) if at >= 0 else None)
    kept = [i for i, w in enumerate(where) if w is not None]
    if len(kept) < 2:
        return blocks
    inserts: dict[int, list[Block]] = {}
    last_block = where[kept[0]]
    for i in range(kept[0] + 1, kept[-1]):
        if where[i] is not None:
            last_block = where[i]
            continue
        element, text = candidates[i]
        if (
            len(text) < RESTORE_MIN_CHARS
            or boilerplate.is_furniture(text)
            or _element_link_share(element, text) > RESTORE_MAX_LINK_SHARE
            or _furniture_container(element)
            or text[:60] in joined
            or text[-60:] in joined
        ):
            continue
        inserts.setdefault(last_block, []).append(Block(text))
    if not inserts:
        return blocks
    restored: list[Block] = []
    for index, block in enumerate(blocks):
        restored.append(block)
        restored.extend(inserts.get(index, []))
    return restored


# --- JSON-LD articleBody ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LdBody:
    paragraphs: tuple[str, ...]
    truncated: bool

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def ld_body(article_ld: dict) -> LdBody | None:
    """The JSON-LD ``articleBody`` as paragraphs (HTML tags and entities undone), or None."""
    raw = article_ld.get("articleBody")
    if isinstance(raw, list):
        raw = "\n\n".join(part for part in raw if isinstance(part, str))
    if not isinstance(raw, str) or not raw.strip():
        return None
    if "<" in raw and ">" in raw:  # some publishers put the HTML itself in there
        raw = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h\d>", "\n", raw)
        raw = _TAG.sub(" ", raw)
    raw = html_lib.unescape(raw)
    paragraphs = tuple(p for p in _tidy(raw).split("\n") if p)
    if not paragraphs:
        return None
    return LdBody(paragraphs, bool(_TRUNCATED.search(paragraphs[-1])))


def _stands_on_page(body: LdBody, page_text: str) -> bool:
    """Both ends of the body are on the page: the page shows this text whole."""
    first, last = squash(body.paragraphs[0]), squash(body.paragraphs[-1])
    return first[:80] in page_text and last[-80:] in page_text


# --- the main text ---------------------------------------------------------------------------------


def _join(blocks: list[Block]) -> str:
    return "\n\n".join(block.text for block in blocks)


def main_text(tree: lxml.html.HtmlElement, page_text: str, article_ld: dict) -> MainText:
    """The article text of a stripped tree, ``page_text`` being its visible text (squashed)."""
    body = ld_body(article_ld)
    whole = body if body and not body.truncated and len(body.text) >= LD_BODY_MIN_CHARS else None
    first_on_page = whole is not None and squash(whole.paragraphs[0])[:80] in page_text
    last_on_page = whole is not None and squash(whole.paragraphs[-1])[-80:] in page_text
    if whole and first_on_page and last_on_page:
        return MainText(whole.text, "json-ld", ())  # the page shows the publisher's text whole

    plain = plain_article(tree)
    if plain is not None:
        text = _join(plain)
        if whole and (first_on_page or len(whole.text) > LD_BODY_LONGER * len(text)):
            return MainText(whole.text, "json-ld", tuple(plain))
        return MainText(text, "container", tuple(plain))

    raw = trafilatura_blocks(tree)
    raw_chars = sum(len(b.text) for b in raw)
    short = raw_chars < ESCALATE_BELOW_CHARS and raw_chars < ESCALATE_PAGE_SHARE * len(page_text)
    if short or _is_dump(raw, page_text):
        second = trafilatura_blocks(tree, full=True)
        if second and (
            short and sum(len(b.text) for b in second) > raw_chars or not _is_dump(second, page_text)
        ):
            raw = second
    blocks = restore_dropped(tree, [c for b in raw if (c := cleaned(b)) is not None])
    text = _join(blocks)

    if whole and (first_on_page or len(whole.text) > LD_BODY_LONGER * len(text)):
        # The page shows the start of the text and not its end (a paywall), or less than the body
        # holds (a page built by JavaScript): the publisher's copy is the article.
        return MainText(whole.text, "json-ld", tuple(raw))
    if not text.strip() and body:
        return MainText(body.text, "json-ld", tuple(raw))  # cut off, but more than nothing
    return MainText(text, "trafilatura", tuple(raw))
