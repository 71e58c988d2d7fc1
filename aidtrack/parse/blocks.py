"""Blocks of article text (paragraphs, headings, list items, quotes, table rows) and the test that
takes page furniture out of them, shared by both ways of reading a page (``container``, ``text``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aidtrack.parse import boilerplate

LINK_BLOCK_SHARE = 0.6  # a block whose text is mostly link text is navigation or a teaser …
LINK_BLOCK_MAX_CHARS = 300  # … unless it is long (an article may link a whole sentence)
MENU_MIN_LINES = 4  # a block of at least this many lines …
MENU_MAX_LINE_CHARS = 40  # … none of them this long, is a menu or a list of labels
LAYOUT_CELL_CHARS = 200  # a table cell this long makes its table page layout, not data

_ANY_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Block:
    """One paragraph, heading, list item, quote or table row of the extracted text."""

    text: str
    link_chars: int = 0

    @property
    def link_share(self) -> float:
        return self.link_chars / max(len(self.text), 1)


def squash(text: str) -> str:
    """All whitespace as single spaces (for comparing texts)."""
    return _ANY_SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


def _menu_like(lines: list[str]) -> bool:
    """Many short lines and no sentence: a list of labels or links (a menu, a "most read" box)."""
    return len(lines) >= MENU_MIN_LINES and max(len(line) for line in lines) < MENU_MAX_LINE_CHARS


def _without_menus(lines: list[str]) -> list[str]:
    """The lines less every run of ``MENU_MIN_LINES`` or more short ones (a menu inside a text dump)."""
    kept: list[str] = []
    run: list[str] = []
    for line in [*lines, "\0" * MENU_MAX_LINE_CHARS]:  # a long sentinel closes the last run
        if len(line) < MENU_MAX_LINE_CHARS:
            run.append(line)
            continue
        if len(run) < MENU_MIN_LINES:
            kept.extend(run)
        run = []
        kept.append(line)
    return kept[:-1]


def cleaned(block: Block) -> Block | None:
    """The block less the furniture trafilatura let through (whole blocks, or lines of a block that
    came with line breaks); None when nothing of it is article text."""
    if block.link_share >= LINK_BLOCK_SHARE and len(block.text) <= LINK_BLOCK_MAX_CHARS:
        return None
    lines = block.text.split("\n")
    if _menu_like(lines):
        return None
    kept = [line for line in _without_menus(lines) if not boilerplate.is_furniture(line)]
    if not kept:
        return None
    if len(kept) == len(lines):
        return block
    return Block("\n".join(kept), block.link_chars)
