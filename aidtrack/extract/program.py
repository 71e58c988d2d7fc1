"""Which programme an amount belongs to: PURL, another instrument ("other") or the donor's own ("bilateral")."""

from __future__ import annotations

from aidtrack.extract.lexicon import Lexicon
from aidtrack.extract.money import Money

PURL = "PURL"
OTHER = "other"
BILATERAL = "bilateral"


class ProgramCues:
    """PURL and other-programme cue spans in one sentence (PURL named only to set it aside is dropped)."""

    def __init__(self, sentence: str, lex: Lexicon):
        negated = lex.cues["purl_negations"].spans(sentence)
        self.spans: list[tuple[int, int, str]] = sorted(
            [(a, b, PURL) for a, b in lex.cues["purl"].spans(sentence)
             if not any(n0 < b and a < n1 for n0, n1 in negated)]
            + [(a, b, OTHER) for a, b in lex.cues["other_program"].spans(sentence)]
        )  # fmt: skip

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

    def nearest(self, money: Money) -> str | None:
        best: tuple[int, str] | None = None
        for a, b, program in self.spans:
            distance = a - money.end if a >= money.end else money.start - b
            if best is None or distance < best[0]:
                best = (distance, program)
        return best[1] if best else None


def decide_program(
    sentence: str, monies: list[Money], index: int, cues: ProgramCues, lex: Lexicon, article_purl: bool
) -> tuple[str, str]:
    """(program, how) for ``monies[index]``; ``how`` is "local", "sentence", "article" or "default".

    The cue right after the amount wins ("CAD 200m to PURL and CAD 35m to the CAP trust fund"); an
    amount followed by its own purpose without a cue ("DKK 100m for the Danish model") is bilateral.
    """
    money = monies[index]
    lo = monies[index - 1].end if index > 0 else 0
    hi = monies[index + 1].start if index + 1 < len(monies) else len(sentence)
    program = cues.first_in(money.end, hi)
    if program:
        return program, "local"
    own_purpose = index > 0 and lex.cues["purpose_words"].search(sentence, money.end, hi) is not None
    if not own_purpose:
        program = cues.last_in(lo, money.start)
        if program:
            return program, "local"
        program = cues.nearest(money)
        if program:
            return program, "sentence"
    if article_purl and lex.cues["program_references"].search(sentence):
        return PURL, "article"
    return BILATERAL, "default"
