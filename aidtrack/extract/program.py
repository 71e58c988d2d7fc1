"""Which programme an amount belongs to: PURL, another instrument ("other") or the donor's own ("bilateral")."""

from __future__ import annotations

import datetime
import re

from aidtrack.extract.lexicon import Lexicon
from aidtrack.extract.money import Money

PURL = "PURL"
OTHER = "other"
BILATERAL = "bilateral"


# The day PURL was agreed (Trump and Rutte, 14 July 2025): a text published before it cannot be about the
# scheme, and "US weapons" in it are the United States' own aid.
PURL_AGREED = datetime.date(2025, 7, 14)


class ProgramCues:
    """PURL, other-programme and bilateral cue spans in one sentence (PURL named only to set it aside is
    dropped, as is every PURL cue in a text ``published`` before the scheme existed). A bilateral cue is money for Ukraine's own production ("for the production of drones in
    Ukraine", "the Danish model"): the giver's own package, never PURL, whatever the article is about."""

    def __init__(self, sentence: str, lex: Lexicon, published: datetime.date | None = None):
        negated = lex.cues["purl_negations"].spans(sentence)
        if published is not None and published < PURL_AGREED:
            negated = [(0, len(sentence))]
        self.spans: list[tuple[int, int, str]] = sorted(
            [(a, b, PURL) for a, b in lex.cues["purl"].spans(sentence)
             if not any(n0 < b and a < n1 for n0, n1 in negated)]
            + [(a, b, OTHER) for a, b in lex.cues["other_program"].spans(sentence)]
            + [(a, b, BILATERAL) for a, b in lex.cues["bilateral_program"].spans(sentence)]
        )  # fmt: skip

    def names_purl(self) -> bool:
        return any(program == PURL for _, _, program in self.spans)

    def first_in(self, lo: int, hi: int) -> str | None:
        for a, b, program in self.spans:
            if a >= lo and b <= hi:
                return program
        return None

    def last_in(self, lo: int, hi: int) -> str | None:
        found = None
        for a, b, program in self.spans:
            if a >= lo and b <= hi:
                found = program
        return found

    def bound_before(
        self, sentence: str, lo: int, money: Money, postpositions: re.Pattern[str]
    ) -> str | None:
        """The programme of a cue right before ``money`` that only a postposition or case ending separates
        from it ("PURL için 372 milyon kron", "PURL'e 50 milyon dolar"): in a language that puts the purpose
        before the amount, that cue is the amount's own."""
        for a, b, program in reversed(self.spans):
            if a >= lo and b <= money.start:
                return program if postpositions.fullmatch(sentence, b, money.start) else None
        return None

    def nearest(self, money: Money) -> str | None:
        best: tuple[int, str] | None = None
        for a, b, program in self.spans:
            distance = a - money.end if a >= money.end else money.start - b
            if best is None or distance < best[0]:
                best = (distance, program)
        return best[1] if best else None


def decide_program(
    sentence: str,
    monies: list[Money],
    index: int,
    cues: ProgramCues,
    lex: Lexicon,
    article_purl: bool,
    purl_topic: bool = False,
) -> tuple[str, str]:
    """(program, how) for ``monies[index]``; ``how`` is "local", "sentence", "article" or "default".

    A cue bound to the amount by a postposition right before it wins (``cue_postpositions``: "PURL için
    372 milyon kron, Danimarka modeli için 100 milyon kron"); then the cue right after the amount ("CAD 200m to PURL and CAD 35m to the CAP trust fund"); an
    amount followed by its own purpose without a cue ("DKK 100m for the Danish model") is bilateral. With
    no cue in the sentence, an amount in a text about PURL (``purl_topic``: its headline or lead names it)
    is PURL, as is one the sentence calls "the package" or "the initiative" when PURL is named anywhere
    (``article_purl``).
    """
    money = monies[index]
    lo = monies[index - 1].end if index > 0 else 0
    hi = monies[index + 1].start if index + 1 < len(monies) else len(sentence)
    program = cues.bound_before(sentence, lo, money, lex.cues["cue_postpositions"].pattern) or cues.first_in(
        money.end, hi
    )
    if program:
        return program, "local"
    own_purpose = index > 0 and lex.cues["purpose_words"].search(sentence, money.end, hi) is not None
    if not own_purpose:
        program = cues.last_in(lo, money.start)
        if program:
            return program, "local"
        # "€1bn in military aid and €400m to repair infrastructure": a first amount with a purpose of its own
        # does not borrow the cue that belongs to the amount after it.
        borrowed = (
            index + 1 < len(monies) and lex.cues["purpose_words"].search(sentence, money.end, hi) is not None
        )
        after_next = monies[index + 2].start if index + 2 < len(monies) else len(sentence)
        if not (borrowed and cues.first_in(monies[index + 1].end, after_next)):
            program = cues.nearest(money)
            if program:
                return program, "sentence"
    if (purl_topic and not own_purpose) or (article_purl and lex.cues["program_references"].search(sentence)):
        return PURL, "article"
    return BILATERAL, "default"
