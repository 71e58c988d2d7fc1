"""What an amount is: a new pledge, a recap, a running total, a target or a share of a package.

Cues are read from the clause that holds the amount, so "Germany will give another €150m, having
previously contributed $500m" yields one pledge and one recap.

A running total ("aggregate") with no donor is the programme's running total and is set beside the
ledger's programme cumulative, so it must speak of the whole programme. A total over some of its packages
("the first four packages, worth over $2bn", "the two packages financed by ...") restates those pledges:
it is a recap. A total over one donor's packages ("the German packages so far total $1bn") is that
donor's own total. The cue lists are in the lexicon (``subset_*``, ``owner_*``).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aidtrack.domain import Kind
from aidtrack.extract.dates import stated_day, stated_month
from aidtrack.extract.lexicon import CueSet, Lexicon, WordTable, alternation
from aidtrack.extract.money import MIN_AID_AMOUNT, Money

# A stated day this many days before publication makes the amount a recap.
RECAP_AFTER_DAYS = 7


def split_clauses(sentence: str, lex: Lexicon) -> list[tuple[int, int]]:
    """(start, end) spans of the clauses of ``sentence``; a ", which ..." clause ends at its next comma."""
    cuts = {m.start() for m in lex.clause_break.pattern.finditer(sentence) if m.start() > 0}
    if lex.level_after_change_re is not None:
        cuts |= {m.end() for m in lex.level_after_change_re.finditer(sentence)}
    cuts = sorted(cuts)
    bounds = [0, *cuts, len(sentence)]
    spans: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a >= b:
            continue
        if lex.relative_opener.match(sentence, a):
            comma = sentence.find(",", a + 2, b)
            if comma != -1:
                spans.extend([(a, comma), (comma, b)])
                continue
        spans.append((a, b))
    return spans


@dataclass
class ClauseCues:
    """Which cue lists fire in one clause (computed once per clause)."""

    target: bool
    aggregate_strong: bool
    aggregate_weak: bool
    total_word: bool  # "in total", "a total of": a sum, a pledge when a giver says it will give it
    collective: bool
    recap_strong: bool
    recap_weak: bool
    share: bool
    joint_total: bool
    framework: bool
    subset_selection: bool
    subset_count: bool
    subset_whole_so_far: bool
    subset_whole: bool
    generic: bool
    non_aid: bool
    negation: bool
    hedge: bool
    pledge_verb: bool
    past_verb: bool
    said: bool  # a verb of saying ("said", "told"): with a day named, the day it was said
    month_named: bool  # "in August", "on 6 February", with or without a year we can place it in
    # "X announced on Dec. 16 that ...": a calendar day after the past verb, no bare month
    day_after_verb: bool
    future: bool
    marked_new: bool  # "another", "a new package": the clause says the amount is new
    day: datetime.date | None
    month: tuple[int, int] | None
    year: int | None = None  # "In 2023", "at the end of 2024": a calendar year the clause names
    latest: bool = False  # "with the latest €100m": the newest item added to a sum
    # a strong total cue other than a package's value word ("contributions so far", not "a package totalling")
    strong_total_beyond_value: bool = False


def _fires(cue: str, text: str, lex: Lexicon, unless: Sequence[tuple[int, int]] = ()) -> bool:
    return lex.cues[cue].fires(text, unless)


_SUBSET_KEYS = ("subset_selections", "subset_counts", "subset_whole_so_far", "subset_whole")


@functools.lru_cache(maxsize=8)
def _subset_cues(lex: Lexicon) -> dict[str, CueSet]:
    """The subset cue lists, compiled once per lexicon (a lexicon without them never finds a subset)."""
    cues = lex.data.get("cues", lex.data)
    return {key: CueSet(cues.get(key, [])) for key in _SUBSET_KEYS}


@functools.lru_cache(maxsize=8)
def _owners(lex: Lexicon) -> tuple[re.Pattern[str], WordTable] | None:
    """A donor's name, adjective or group right before a package noun ("the Dutch-funded packages"), and
    the codes of each owner word."""
    cues = lex.data.get("cues", lex.data)
    nouns = cues.get("owner_nouns", [])
    owners = {
        word: form.codes
        for word, form in lex.donor_forms.items()
        if form.form in ("name", "adjective", "group") and not set(form.codes) & lex.never_donors
    }
    owners.update({word: tuple(sorted(codes)) for word, codes in cues.get("owner_groups", {}).items()})
    if not nouns or not owners:
        return None
    suffixes = alternation(cues.get("owner_suffixes", [])) or r"(?!x)x"
    table = WordTable(owners, cased=True)
    pattern = re.compile(
        rf"(?<![\w-])(?P<owner>{table.source})(?:{suffixes})?(?:'s|’s)?\s+(?:PURL\s+)?"
        rf"(?i:{alternation(nouns)})\b"
    )
    return pattern, table


def package_owners(text: str, lex: Lexicon) -> tuple[str, ...]:
    """Donors named as the owners of the packages in ``text`` ("the German packages" -> DEU). Read it
    from the text before the amount: in "allies have funded $4bn, including the German packages" the
    total is not Germany's."""
    compiled = _owners(lex)
    if compiled is None:
        return ()
    pattern, owners = compiled
    return tuple(sorted({code for m in pattern.finditer(text) for code in owners[m.group("owner")]}))


def _undated(text: str, lex: Lexicon) -> str:
    """``text`` with the time phrases that do not date the amount blanked out (``date_masks``): the start
    of a period ("since the scheme began in August") or a programme's launch ("PURL, launched in July")."""
    for a, b in lex.cues["date_masks"].spans(text):
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def clause_dates(
    text: str, lex: Lexicon, published: datetime.date | None
) -> tuple[datetime.date | None, tuple[int, int] | None, bool]:
    """(day, month, month named) of ``text``: what ``clause_cues`` says of its dates, without its cues
    (for a neighbouring clause that only dates the amount's)."""
    dated = _undated(text, lex)
    return (
        stated_day(dated, lex, published),
        stated_month(dated, lex, published),
        _names_month(dated, lex),
    )


def _day_after_verb(text: str, lex: Lexicon) -> bool:
    """A calendar day stated after the clause's past verb ("The UK announced on 16 December that ..."), the
    way a report of the day dates its news, and no month standing alone ("contributed in August"), the
    way background is dated. A day put first ("On 6 February, the government announced") is not this."""
    verb = lex.cues["past_verbs"].search(text)
    if verb is None or lex.month_re.search(text):
        return False
    days = [m.start() for m in lex.day_re.finditer(text) if m.group("m1") or m.group("m2")]
    return bool(days) and min(days) > verb.start()


def _names_month(text: str, lex: Lexicon) -> bool:
    """A month is named: "in August", or a calendar day "on 6 February" (not a weekday)."""
    if lex.month_re.search(text):
        return True
    return any(m.group("m1") or m.group("m2") for m in lex.day_re.finditer(text))


# Right after a new-commitment marker, within two words: an amount ("an additional 10.4 billion", "another
# DKK 1bn"), not a period ("for another three years").
_AMOUNT_FOLLOWS = re.compile(r"\s+(?:\S+\s+){0,2}?(?:[$€£¥₴]|[A-Z]{2,3}\$?\s?\d|\d)")


def _adds_amount(text: str, lex: Lexicon) -> bool:
    return any(_AMOUNT_FOLLOWS.match(text, m.end()) for m in lex.cues["new_markers"].pattern.finditer(text))


def clause_cues(text: str, lex: Lexicon, published: datetime.date | None) -> ClauseCues:
    dated = _undated(text, lex)
    share_spans = lex.cues["share_cues"].spans(text)
    # A share ("of the total") or a superlative ("its largest package to date") is no running total.
    not_totals = share_spans + lex.cues["aggregate_exceptions"].spans(text)
    exceptions = lex.cues["non_aid_exceptions"].spans(text)
    subset = _subset_cues(lex)
    return ClauseCues(
        # ("Requirements", "necessidades" inside the programme's own name are no goal: "PURL [iniciativa das
        # necessidades prioritárias da Ucrânia]")
        target=_fires("target_strong", text, lex, lex.cues["purl"].spans(text)),
        aggregate_strong=_fires("aggregate_strong", text, lex, not_totals),
        aggregate_weak=_fires("aggregate_weak", text, lex, not_totals),
        total_word=_fires("total_words", text, lex, not_totals),
        collective=_fires("collective", text, lex),
        # (not by the start of a period: "since the war started a year ago")
        recap_strong=_fires("recap_strong", dated, lex),
        recap_weak=_fires("recap_weak", text, lex),
        share=bool(share_spans),
        joint_total=_fires("joint_total", text, lex),
        # Next year's budget line is an envelope; "an additional DKK 10bn next year" is an increase of it.
        # Money over a span of years is an envelope ("the framework is €2bn for 2026-2028") unless a
        # government acts on it ("approved an agreement to allocate €237.5m between 2024 and 2027").
        framework=_fires("frameworks", text, lex)
        or (_fires("budget_year", text, lex) and not _adds_amount(text, lex))
        # (the verb must give: "will receive aid from Norway totaling NOK 75bn over five years" has none)
        or (
            _fires("year_spans", text, lex)
            and not _fires(
                "pledge_verbs",
                text,
                lex,
                lex.cues["future_markers"].spans(text) + lex.cues["new_markers"].spans(text),
            )
        ),
        subset_selection=subset["subset_selections"].fires(text),
        subset_count=subset["subset_counts"].fires(text),
        subset_whole_so_far=subset["subset_whole_so_far"].fires(text),
        subset_whole=subset["subset_whole"].fires(text),
        generic=_fires("generic", text, lex),
        non_aid=_fires("non_aid", text, lex, exceptions)
        or (_fires("non_aid_soft", text, lex, exceptions) and not lex.cues["purl"].search(text)),
        negation=_fires("negations", text, lex),
        # ("su proposta del Ministro ... ha stanziato": on the minister's proposal, the decision is taken)
        hedge=_fires("hedges", text, lex, lex.cues["hedge_exceptions"].spans(text)),
        pledge_verb=_fires("pledge_verbs", text, lex),
        past_verb=_fires("past_verbs", text, lex),
        said=_fires("speech_verbs", text, lex),
        month_named=_names_month(dated, lex),
        day_after_verb=_day_after_verb(dated, lex),
        future=_fires("future_markers", text, lex),
        marked_new=_fires("new_markers", text, lex),
        latest=_fires("latest_markers", text, lex),
        strong_total_beyond_value=_fires(
            "aggregate_strong", text, lex, not_totals + lex.cues["package_value"].spans(text)
        ),
        day=stated_day(dated, lex, published),
        month=stated_month(dated, lex, published),
        year=_named_year(dated, lex),
    )


# The calendar year right after a year opener ("In 2023", "at the end of 2024", "during 2022"), not the first
# year of a span ("2024-2027", "2024 to 2027", "2024 und 2027").
_YEAR_AFTER_OPENER = re.compile(r"\s*((?:19|20)\d\d)(?!\d)(?!\s*[-–—/]|\s+\S+\s+(?:19|20)?\d\d(?!\d))")


def _named_year(text: str, lex: Lexicon) -> int | None:
    """The calendar year the clause is set in (the lexicon's ``year_openers`` say how it is introduced)."""
    for m in lex.cues["year_openers"].pattern.finditer(text):
        year = _YEAR_AFTER_OPENER.match(text, m.end())
        if year:
            return int(year.group(1))
    return None


def period_after(sentence: str, money: Money, lex: Lexicon) -> str | None:
    """ "month" / "year" for "$1bn a month" / "€40bn a year"; "other" for "$62 a barrel", "€500m each"."""
    tail = sentence[money.end : money.end + 60]
    # "$1bn a month" or "€40bn of military support a year": skip a short "of/in ..." phrase.
    phrase = lex.period_phrase.match(tail)
    starts = (0, phrase.end()) if phrase else (0,)
    for key, name in (("period_month", "month"), ("period_year", "year"), ("period_other", "other")):
        for start in starts:
            m = lex.cues[key].search(tail, start)
            if m and not tail[start : m.start()].strip():
                return name
    return None


def is_past(cues: ClauseCues, published: datetime.date | None) -> bool:
    """The clause dates the amount clearly before publication (and does not speak of the future)."""
    if cues.day is not None and published is not None and (cues.past_verb or cues.said):
        # "the minister said on 17 October that the Netherlands will allocate €271m", read in December:
        # what was said on a day weeks before is background, whatever tense the words said use.
        return (published - cues.day).days > RECAP_AFTER_DAYS
    if cues.month is not None and published is not None and (cues.past_verb or cues.said):
        # "In May, Sweden announced plans to allocate SEK 75bn", read in January: the plan is background,
        # however future its words.
        if cues.month < (published.year, published.month):
            return True
    if cues.future:
        return False
    if published is None:
        # No date to compare with: news of the day says "on Monday", "this week", or "announced on 16
        # December that"; a month named for a past act ("In August, Carney announced ...", "contributed in
        # August", "On 6 February, the government announced ...") is background.
        return cues.month_named and cues.past_verb and not cues.day_after_verb
    if cues.day is not None:
        return (published - cues.day).days > RECAP_AFTER_DAYS
    if cues.month is not None:
        return cues.month < (published.year, published.month)
    # "At the end of 2024, it was revealed that Denmark provided €150m" in a 2025 article.
    return cues.year is not None and cues.year < published.year


def covers_subset(cues: ClauseCues) -> bool:
    """The running total in this clause is over some of the programme's packages, not all of it: a
    selection ("the first four packages"), or a count ("the two packages financed by ...") that does not
    say it counts everything so far. Naming the whole ("all allies", "the total") overrules both."""
    if cues.subset_whole:
        return False
    return cues.subset_selection or (cues.subset_count and not cues.subset_whole_so_far)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def annual_levels(
    sentence: str, clauses: list[tuple[int, int]], monies: Sequence[Money], lex: Lexicon
) -> set[int]:
    """The amounts that are yearly levels set side by side ("DKK 9.4bn next year, while in 2024 the amount
    was DKK 16.5bn"): two or more clauses with an amount, each naming a different year. An increase
    ("another", "an additional") is a pledge of its own and is left out."""
    if len(monies) < 2:
        return set()
    spans = [next(((a, b) for a, b in clauses if a <= m.start < b), (0, len(sentence))) for m in monies]
    increases = {i for i, (a, b) in enumerate(spans) if lex.cues["new_markers"].search(sentence, a, b)}
    years: dict[int, str] = {}
    for i, money in enumerate(monies):
        a, b = spans[i]
        if i in increases:
            continue
        # A year right after the amount is its own ("2.3bn in 2023, 10.5bn in 2025, 7.4bn in 2026"), else
        # one its clause names.
        nxt = monies[i + 1].start if i + 1 < len(monies) else b
        own = _YEAR.search(sentence, money.end, min(nxt, b, money.end + 16))
        text = sentence[a : money.start] + " " + sentence[money.end : b]
        found = own or _YEAR.search(text) or lex.cues["year_words"].search(text)
        if found:
            years[i] = found.group(0).lower()
    if len(set(years.values())) < 2:
        return set()
    # The series goes on in amounts whose clause names no year of its own ("..., and even earlier almost DKK
    # 19bn"); an increase ("another", "an additional") is still a pledge.
    return {i for i in range(len(monies)) if i in years or i not in increases}


def _dated_recently(f: KindFacts) -> bool:
    """The clause names a day at most ``RECAP_AFTER_DAYS`` before publication."""
    return (
        f.cues.day is not None
        and f.published is not None
        and 0 <= (f.published - f.cues.day).days <= RECAP_AFTER_DAYS
    )


def _running_total(cues: ClauseCues) -> str:
    """ "aggregate" for a running total, "recap" when it only restates some of the packages."""
    return Kind.RECAP if covers_subset(cues) else Kind.AGGREGATE


@dataclass(frozen=True)
class KindFacts:
    """What the kind rules look at for one amount."""

    money: Money
    period: str | None
    cues: ClauseCues
    has_donors: bool
    umbrella_role: str | None
    published: datetime.date | None
    n_donors: int = 0
    annual_level: bool = False  # one of several amounts each tied to a different year
    package_value: bool = False  # "a package worth ...": the amount is what one package is worth
    elsewhere: bool = False  # the amount goes to another country ("€50m in aid to Moldova")
    envelope_line: bool = False  # a part of a budget envelope stated before ("Of this: - NOK 70bn ...")
    sourced: bool = False  # its giver is named as its source right after it ("€200m from the Netherlands")
    # The sentence opens with one package as its subject ("The package, which amounts to a total of SEK 7.1bn,
    # is the 15th ..."): a value told of it is that package's worth.
    package_opens: bool = False
    # A part of a package whose value the sentence states before it ("a package that totals €125m, including
    # roughly €100m for ..."): the total word there is the package's.
    package_part: bool = False
    # partners named with the giver before the amount ("Sweden teams up with the Netherlands and Norway on a
    # package worth a total of $500m"): a package's value told in the present is their joint pledge
    partners_named: bool = False
    # a package noun right before the value word ("an arms package totalling $1.7bn", "un pacchetto di armi
    # per un totale di"): the value of one package
    package_named: bool = False


@dataclass(frozen=True)
class KindRule:
    """One named rule of the kind decision: when ``applies``, the amount is ``kind`` (None: not an aid
    statement at all; "total": a running total, or a recap when it covers only some packages)."""

    name: str
    kind: str | None
    applies: Callable[[KindFacts], bool]


# The kind decision, in order: the first rule that applies decides, and its name is the statement's trace.
KIND_RULES: tuple[KindRule, ...] = (
    KindRule("not aid money (price, generic, non-aid, negated, too small)", None,
             lambda f: f.period == "other" or f.cues.generic or f.cues.non_aid or f.cues.negation
             or f.money.amount < MIN_AID_AMOUNT),
    KindRule("money for another country than Ukraine", None, lambda f: f.elsewhere),
    KindRule("a goal word governs the amount", Kind.TARGET, lambda f: f.cues.target),
    KindRule("an annual framework or budget envelope", None, lambda f: f.cues.framework),
    KindRule("a line of a budget envelope stated before", None, lambda f: f.envelope_line),
    KindRule("annual levels compared across years", None, lambda f: f.annual_level),
    # "In total, the package will be worth €400m", "The new package, totaling DKK 1.4bn": what a package to come
    # or a new one is worth, not a running total.
    # (A part of a package told in the package's clause is not the total that clause names.)
    KindRule("a running-total cue", "total",
             lambda f: (not f.package_part
                        and (f.cues.aggregate_strong
                             or (f.cues.total_word and not (f.cues.future and f.cues.pledge_verb and f.has_donors)
                                 # "A, B and C together allocated a total of €429m": their joint package
                                 and not (f.cues.joint_total and f.n_donors >= 2
                                          and (f.cues.pledge_verb or f.cues.past_verb))))
                        and not (f.package_value and f.has_donors
                                 and (f.cues.future or f.cues.marked_new or f.package_opens
                                      or (f.partners_named and not f.cues.past_verb)
                                      # "The US announced an arms package totalling $1.7bn": a giver's act on
                                      # one package, told with a total word only
                                      or (f.package_named and f.cues.pledge_verb
                                          and not f.cues.strong_total_beyond_value))))
             or (f.cues.joint_total and f.n_donors < 2 and not f.partners_named and not f.cues.pledge_verb)),
    KindRule("an amount per month or year", Kind.TARGET, lambda f: f.period in ("month", "year")),
    KindRule("a recap cue, or dated before publication", Kind.RECAP,
             lambda f: f.cues.recap_strong or is_past(f.cues, f.published)),
    KindRule("the total of the package whose parts follow", Kind.AGGREGATE,
             lambda f: f.umbrella_role in ("total", "container")
             or (f.umbrella_role == "partial" and (f.cues.aggregate_weak or not f.has_donors))),
    # "Sweden gives €29m, of which €15m is humanitarian aid": the package, its other lines untold; counted
    # with its part it could count that part twice, dropped it would vanish. An analyst decides.
    KindRule("a package told only in part", Kind.PLEDGE, lambda f: f.umbrella_role == "partial"),
    # "... has passed €1bn, with a recent €100m for F-16s": the newest addition to a sum is news, not a part.
    KindRule("a part of a package", Kind.SHARE,
             lambda f: (f.cues.share and f.umbrella_role != "own")
             or (f.umbrella_role == "part" and not (f.cues.latest and f.has_donors))),
    KindRule("no donor, a weak total cue", "total",
             lambda f: not f.has_donors and (f.cues.aggregate_weak or f.cues.collective)),
    KindRule("no donor, a weak recap cue", Kind.RECAP, lambda f: not f.has_donors and f.cues.recap_weak),
    KindRule("no donor", None, lambda f: not f.has_donors),
    # "Other key contributions included €200m from the Netherlands": one giver's amount, named as its
    # source, is its contribution, not a total.
    KindRule("a weak total cue and no pledge verb", "total",
             lambda f: f.cues.aggregate_weak and not f.cues.pledge_verb and not f.sourced),
    # ("Am Donnerstag hatten die nordischen und baltischen Länder ... zugesagt", read on Friday: a past
    # perfect with a day of this week tells the week's news)
    KindRule("a weak recap cue", Kind.RECAP, lambda f: f.cues.recap_weak and not _dated_recently(f)),
    KindRule("a donor and an amount, nothing against it", Kind.PLEDGE, lambda f: True),
)  # fmt: skip


def kind_rule(facts: KindFacts) -> tuple[str | None, str]:
    """(kind, name of the rule that decided it) for one amount."""
    for rule in KIND_RULES:
        if rule.applies(facts):
            kind = _running_total(facts.cues) if rule.kind == "total" else rule.kind
            return kind, rule.name
    raise AssertionError("the last kind rule always applies")
