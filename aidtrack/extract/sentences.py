"""Split an article body into sentences, keeping character offsets."""

from __future__ import annotations

import re

from aidtrack.extract.lexicon import Lexicon

_BOUNDARY = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘«(\[]?(?P<next>\w))|\n\s*\n|\n(?=\s*\S)")


def split_sentences(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in ``text``, whitespace trimmed; abbreviations do not split."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        nxt = m.group("next")
        if nxt is not None and not (nxt.isupper() or nxt.isdigit()):
            continue  # a new sentence starts with a capital (any script) or a digit
        if text[m.start()] == "." and lex.abbrev_re.search(text, max(0, m.start() - 12), m.start()):
            continue
        cut = m.start() + 1 if text[m.start()] in ".!?" else m.start()
        # keep closing quotes/brackets with the sentence
        while cut < len(text) and text[cut] in '"”’)]':
            cut += 1
        _add(text, start, cut, spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
