"""Who gives: country names, demonyms, capitals and office-holders -> ISO 3166-1 alpha-3 codes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from aidtrack.extract.lexicon import Lexicon
from aidtrack.extract.money import OPEN_BRACKET


@dataclass(frozen=True)
class DonorMention:
    """A donor word in a sentence. ``giver`` is False for partners, places, recipients and things
    ("co-financing with Germany", "a meeting in Berlin", "US weapons", "the Danish model")."""

    start: int
    end: int
    codes: tuple[str, ...]
    form: str
    giver: bool


@dataclass(frozen=True)
class DonorGroup:
    """Giver mentions chained by "," / "and": one donor set ("Denmark, Norway and Sweden")."""

    start: int
    end: int
    codes: tuple[str, ...]
    members: tuple[tuple[str, ...], ...]  # one entry per mention, for "... respectively" and "... each"
    starts: tuple[int, ...] = ()  # where each member mention starts
    ends: tuple[int, ...] = ()  # where each member mention ends


def find_donors(sentence: str, lex: Lexicon, blocked: Sequence[tuple[int, int]] = ()) -> list[DonorMention]:
    """Donor mentions in reading order; mentions inside ``blocked`` spans (amounts) are skipped. Runs of words
    in capitals are read in title case, so "IRELAND WILL PROVIDE" names Ireland (offsets are unchanged)."""
    sentence = _CAPS_RUN.sub(lambda m: m.group(0).title(), sentence)
    # "Svenske myndigheter gir ...", "Sænsk stjórnvöld heita ...": an adjective written in lower case takes a
    # capital only where it opens the sentence (offsets are unchanged).
    first = _FIRST_WORD.match(sentence)
    if first and first.group(1)[0].isupper():
        word = first.group(1)
        lowered = word[0].lower() + word[1:]
        form = lex.donor_table.get(lowered)
        if form is not None and form.form == "adjective" and word not in lex.donor_table:
            sentence = sentence[: first.start(1)] + lowered + sentence[first.end(1) :]
    mentions: list[DonorMention] = []
    previous: DonorMention | None = None
    closed = False  # the non-giving list before has had its "and": a comma after it ends the list
    credit = _CREDIT_LINE.search(sentence)  # "... for Ukraine – Pentagon chief": who said it, not who gives
    for m in lex.donor_re.finditer(sentence):
        start, end = m.span()
        if any(b0 < end and start < b1 for b0, b1 in blocked):
            continue
        if credit is not None and start >= credit.start():
            mentions.append(DonorMention(start, end, lex.donor_table[m.group(0)].codes, "credit", False))
            continue
        form = lex.donor_table[m.group(0)]
        # A person acts; only a country's name or adjective can name a thing ("US weapons", "German industry").
        thing = form.form != "official" and _names_a_thing(sentence, end, lex, form.form == "group")
        giver = not all(c in lex.never_donors for c in form.codes) and not thing
        # "Canada (€171 million), the Netherlands (€214 million)": a country with its own amount in brackets
        # gives it, whatever preposition stands before ("pledges including Canada (€171m)").
        bracketed = _bracketed_amount(sentence, end, blocked)
        if (
            giver
            and not bracketed
            and lex.non_giver_re.search(sentence, max(0, start - 40), start)
            and not (lex.acting_after_re is not None and lex.acting_after_re.match(sentence, end))
        ):
            giver = False  # "co-financing with Germany"; not "with Norway pledging a further $500m"
        word = m.group(0)
        if (
            giver
            and word in lex.recipient_forms
            and lex.recipient_lead_re is not None
            and lex.recipient_lead_re.search(sentence, max(0, start - 40), start)
        ):
            giver = False  # "poskytne Polsku 50 milionů eur ... pro Ukrajinu": Poland receives, to pass it on
        stemmed = word not in lex.donor_forms and word + "*" not in lex.donor_forms
        if giver and stemmed and lex.non_giver_ending_re is not None and lex.non_giver_ending_re.search(word):
            giver = False  # "Hollandiával" (with the Netherlands), "Ruotsille" (to Sweden)
        if giver and lex.non_giver_ending_re is not None:
            # A case ending joined to an abbreviation: "EU-ban" (in the EU), "EU:ssa", "EL-is".
            joined_end = _JOINED_ENDING.match(sentence, end)
            if joined_end and lex.non_giver_ending_re.fullmatch(joined_end.group(1)):
                giver = False
        gap = sentence[previous.end : start] if previous is not None else ""
        joined = lex.list_separators.search(gap) is not None and "," not in gap.strip()
        if (
            giver
            and not bracketed
            and not (lex.speaker_after_re is not None and lex.speaker_after_re.match(sentence, end))
            and previous is not None
            and not previous.giver
            # "According to Shmyhal, Lithuania will ...", "During his visit to Ukraine, Japanese Prime Minister
            # ...": a person or the recipient before a comma starts no list of non-givers ("led by Ukraine and
            # Denmark" still is one).
            and (
                joined
                or (previous.form != "official" and not all(c in lex.never_donors for c in previous.codes))
            )
            and lex.group_sep_re.match(gap)
            and not _LIST_BREAK.search(gap)
            and not (closed and not joined)
            # "Together with Sweden, Norway will give ...": after a comma, a name its verb follows is the subject
            and not (not joined and _verb_follows(sentence, end, lex))
        ):
            giver = False  # "joining the Netherlands and the Nordic countries": the list goes with it
        # "Together with Sweden and Denmark, Norway will ...": after its "and", a comma ends the list.
        closed = (not giver) and previous is not None and lex.group_sep_re.match(gap) is not None and joined
        mention = DonorMention(start, end, form.codes, form.form, giver)
        mentions.append(mention)
        previous = mention
    return mentions


# Three or more words in capitals: a lead-in ("IRELAND WILL PROVIDE Ukraine with ...") or a shouted headline.
_FIRST_WORD = re.compile(r"^\W*([^\W\d_]+)")
_CAPS_RUN = re.compile(r"\b[A-Z][A-Z'’-]+(?:\s+[A-Z][A-Z'’-]+){2,}\b")
# A headline's credit after a final dash: "Coalition pledges $98bn for Ukraine – Pentagon chief" (a few words,
# no figure, to the end of the sentence).
_CREDIT_LINE = re.compile(r"\s[-–—]\s+(?:[^\W\d_][\w'’.-]*\s*){1,4}[.!]?\s*$")
# A case ending after a hyphen or colon, right after a name ("EU-ban", "EU:ssa").
_JOINED_ENDING = re.compile(r"[-:]([^\W\d_]{1,4})(?![\w-])")
# A colon or a dash between two names ends the list: "aid to Ukraine: the Netherlands will pay ...".
_LIST_BREAK = re.compile(r"[:—–]|\s-\s")


_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")


def _verb_follows(sentence: str, end: int, lex: Lexicon) -> bool:
    """The word right after a name is an auxiliary or a giving verb ("Norway will", "Norway pledged")."""
    m = _NEXT_WORD.match(sentence, end)
    if m is None or lex.list_separators.fullmatch(m.group(1)):
        return False  # ("and", "or": the list goes on)
    return (
        m.group(1).lower() in lex.thing_blockers
        or lex.cues["pledge_verbs"].pattern.fullmatch(m.group(1)) is not None
    )


def _bracketed_amount(sentence: str, end: int, blocked: Sequence[tuple[int, int]]) -> bool:
    """An amount in brackets right after the name ("Canada (€171 million)")."""
    m = OPEN_BRACKET.match(sentence, end)
    return m is not None and any(b0 == m.end() for b0, _ in blocked)


def _names_a_thing(sentence: str, end: int, lex: Lexicon, group: bool = False) -> bool:
    """The name modifies a thing after it ("US weapons", "four EU nations"): it is not the giver. A group's
    name before a collective noun is the group itself ("the NB8 countries")."""
    after = sentence[end : end + 60]
    if lex.thing_suffix_re.match(after):
        return True
    m = lex.thing_re.match(after)
    if not m and lex.possessive_thing_re is not None:
        m = lex.possessive_thing_re.match(after)  # "Czechia's initiative", not "Germany's package"
    if not m:
        return False
    if group and lex.cues["collective"].pattern.fullmatch(m.group(0).split()[-1]):
        return False
    mods = (m.group("mods") or "").split()
    # Modifiers are lower-case words ("US air defence systems"); a capitalised word starts a new phrase, and
    # a giving verb makes the country act ("la Germania fornirà attrezzature": Germany will provide equipment).
    verbs = lex.cues["pledge_verbs"].pattern
    return all(w[0].islower() for w in mods) and not any(
        w.lower() in lex.thing_blockers or verbs.fullmatch(w) for w in mods
    )


def group_donors(sentence: str, mentions: list[DonorMention], lex: Lexicon) -> list[DonorGroup]:
    """Chain giver mentions separated only by commas/"and"/"the" into groups, in reading order.

    A group name followed by its members spelled out ("the Nordic-Baltic Eight (Denmark, ...)")
    counts the spelled-out members only.
    """
    groups: list[list[DonorMention]] = []
    for mention in mentions:
        if not mention.giver:
            continue
        if groups and lex.group_sep_re.match(sentence[groups[-1][-1].end : mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    out: list[DonorGroup] = []
    for members in groups:
        singles = {c for m in members if m.form != "group" for c in m.codes}
        codes: set[str] = set()
        for m in members:
            if m.form == "group" and singles and singles <= set(m.codes):
                continue
            codes.update(m.codes)
        out.append(DonorGroup(members[0].start, members[-1].end, tuple(sorted(codes)),
                              tuple(m.codes for m in members),
                              tuple(m.start for m in members), tuple(m.end for m in members)))  # fmt: skip
    return out
