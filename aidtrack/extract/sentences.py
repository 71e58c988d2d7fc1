"""Split an article body into sentences, keeping character offsets."""

from __future__ import annotations

import re

from aidtrack.extract.lexicon import Lexicon

_BOUNDARY = re.compile(
    # A symbol may open the next sentence before its first word: a flag or other emoji used as a bullet
    # ("... quickly. 🇱🇹 Lithuania is investing $30m"), a currency sign ("... in May. $500m will go to PURL");
    # not a dash, which may go on inside a bracket ("200 млн (американских. – ЕП) долларов").
    r"[.!?][\"”“’)\]]*\s+(?=(?:[^\w\s\"“‘«„(\[.,;:!?'’)\]‐-―…-]{1,8}\s*)?[\"“‘«„(\[]?(?P<next>\w))"
    r"|\n\s*\n|\n(?=\s*(?P<line>\S))"
    # "... is 720m.The military part ...": a full stop with no space after it, between a small letter or
    # digit and a capitalised word (a page that lost the space between two paragraphs).
    r"|(?<=[^\W_])\.(?=(?P<glued>[^\W\d_])[^\W\d_])"
)

_BLANK_LINE = re.compile(r"\n\s*\n")
# A line opening with an amount's sign: "£1.3 billion", "$2 million", "€500m".
_CURRENCY_SIGN = re.compile(r"\s*[$€£¥₴]")

# A wire dateline opening a story: "BRUSSELS, Aug 13 (Reuters) -", "Berlin (dpa) -", "Bruselas, 13 ago (EFE).-".
# Its place names where the story was filed, never who gives ("Brussels" is not the EU there).
# Also without the agency when a date follows the place ("KYIV, 6 March –", "TOKYO, March 22 – ...",
# "KYIV. Nov 29 (Interfax-Ukraine) –").
_DATELINE = re.compile(
    r"^\W*[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,2}"
    r"(?:[,.]?\s*[^(),\n]{1,25}?\s*\([^()\n\d]{2,30}\)\s*\.?\s*[-–—]+\s*"
    r"|[,.]\s*(?=[^()\n]{0,25}?\d)(?:[^\W\d_]+\.?\s+)?\d{1,2}(?:,\s*(?:19|20)\d\d)?(?:\s+[^\W\d_]+\.?)?(?:,?\s+(?:19|20)\d\d)?\s+[-–—]+\s+)"
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
        if nxt is not None and not (nxt.isupper() or nxt.isdigit()) and "\n" not in m.group(0):
            # a new sentence starts with a capital (any script) or a digit, or on a new line after a full stop
            # ("... quickly.\nđŤđŽ Finland has announced": a bullet emoji the page's encoding garbled)
            continue
        glued = m.group("glued")
        if glued is not None and not (
            glued.isupper() and (text[m.start() - 1].islower() or text[m.start() - 1].isdigit())
        ):
            continue  # "U.S.Army", "nato.int": no lost space there
        paragraph = _BLANK_LINE.search(text, m.start(), m.end()) is not None
        line = m.group("line")
        before = text[max(0, m.start() - 3) : m.start()].rstrip()[-1:]
        if line is not None and line.islower() and before not in ".!?:;":
            continue  # a hard-wrapped line ("Ukraine will get\nover a billion"): the sentence goes on
        if (
            line is not None
            and (line.isdigit() or _CURRENCY_SIGN.match(text, m.end() - 1))
            and before.islower()
        ):
            continue  # "... now stands at over\n£1.3 billion, of which ...": the amount goes on the sentence
        if (
            not paragraph
            and text[m.start()] == "."
            and lex.abbrev_re.search(text, max(0, m.start() - 12), m.start())
        ):
            continue  # "млн. доларів": an abbreviation, unless a blank line follows it (a paragraph ends there)
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
