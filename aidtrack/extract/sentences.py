"""Split an article body into sentences, keeping character offsets."""

from __future__ import annotations

import re

from aidtrack.extract.lexicon import Lexicon

_BOUNDARY = re.compile(r"[.!?][\"”“’)\]]*\s+(?=[\"“‘«„(\[]?(?P<next>\w))|\n\s*\n|\n(?=\s*(?P<line>\S))")


# A wire dateline opening a story: "BRUSSELS, Aug 13 (Reuters) -", "Berlin (dpa) -", "Bruselas, 13 ago (EFE).-".
# Its place names where the story was filed, never who gives ("Brussels" is not the EU there).
_DATELINE = re.compile(
    r"^\W*[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,2}(?:,\s*[^(),\n]{1,25}?)?\s*\([^()\n\d]{2,30}\)\s*\.?\s*[-–—]+\s*"
)


def dateline_end(sentence: str) -> int:
    """Where a wire dateline at the start of ``sentence`` ends (0 when there is none)."""
    m = _DATELINE.match(sentence)
    return m.end() if m else 0


def split_sentences(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in ``text``, whitespace trimmed; abbreviations do not split."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        nxt = m.group("next")
        if nxt is not None and not (nxt.isupper() or nxt.isdigit()):
            continue  # a new sentence starts with a capital (any script) or a digit
        line = m.group("line")
        before = text[max(0, m.start() - 3) : m.start()].rstrip()[-1:]
        if line is not None and line.islower() and before not in ".!?:;":
            continue  # a hard-wrapped line ("Ukraine will get\nover a billion"): the sentence goes on
        if text[m.start()] == "." and lex.abbrev_re.search(text, max(0, m.start() - 12), m.start()):
            continue
        cut = m.start() + 1 if text[m.start()] in ".!?" else m.start()
        # keep closing quotes/brackets with the sentence
        while cut < len(text) and text[cut] in '"”“’)]':  # “ closes a „quote“ (de, et, hu)
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
