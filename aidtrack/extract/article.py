"""Text -> statements: the extractor's main loop over sentences and the amounts in them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from aidtrack.domain import Kind
from aidtrack.extract.classify import (
    ClauseCues,
    KindFacts,
    annual_levels,
    clause_cues,
    clause_dates,
    covers_subset,
    is_past,
    kind_rule,
    package_owners,
    period_after,
    split_clauses,
)
from aidtrack.extract.dates import stated_day
from aidtrack.extract.donors import DonorGroup, DonorMention, find_donors, group_donors
from aidtrack.extract.lexicon import OPENER, Lexicon
from aidtrack.extract.money import Money, find_money, resolve_currency
from aidtrack.extract.program import BILATERAL, OTHER, PURL, ProgramCues, decide_program
from aidtrack.extract.sentences import dateline_end, split_sentences
from aidtrack.extract.statements import DATED_BY_MONTH, MARKED_NEW, Statement
from aidtrack.settings import LedgerPolicy

# Below the review threshold (0.6): an analyst confirms it before it counts.
_DOUBTFUL = 0.5
# The kind rule of a package whose lines are told only in part (its PURL line does not make all of it PURL).
_TOLD_IN_PART = "kind: a package told only in part"
# A pledge another sentence calls a plan or a leak: as a hedged one.
_HEDGED = 0.4
_NON_KIND_CONFIDENCE = {Kind.RECAP: 0.8, Kind.AGGREGATE: 0.8, Kind.TARGET: 0.8, Kind.SHARE: 0.8}

# A donor group's mentions as (codes, start, end), and one amount's (donors, how found, members).
_Members = tuple[tuple[tuple[str, ...], int, int], ...]
_Assigned = tuple[tuple[str, ...], str, _Members]


@dataclass
class _Article:
    text: str
    lex: Lexicon
    published: datetime.date | None
    source_country: str | None
    # PURL is named somewhere in the text or its headline; it is the text's topic when the headline or the
    # lead sentence names it, or two sentences do.
    has_purl: bool
    purl_topic: bool
    spans: list[tuple[int, int]]
    donor_cache: dict[int, tuple[str, ...]] = field(default_factory=dict)
    last_pledge_donors: tuple[str, ...] = ()
    # (sentence index, givers with their partners) of the latest pledge or share whose giver named partners
    # ("Denmark, together with Norway and Sweden, will contribute ..."), for "the package" after it.
    last_joint: tuple[int, tuple[str, ...]] | None = None
    # (sentence index, donors, amount, currency as written) of the pledges read so far, for the parts of
    # a package described in a later sentence.
    pledged: list[tuple[int, tuple[str, ...], float, str]] = field(default_factory=list)
    # The same for every amount, whatever it turned out to be (an envelope, a total, a pledge).
    seen: list[tuple[int, tuple[str, ...], float, str]] = field(default_factory=list)
    # (sentence index, amount, currency as written) of the amounts that are a package's value ("a package
    # worth €615m", "the €615m package"): its parts may follow, even marked "a further".
    packages: list[tuple[int, float, str]] = field(default_factory=list)
    # (sentence index, donors, amount, currency as written) of the envelopes read so far: their lines are
    # envelope lines too ("support for 2026 is NOK 85bn. Of this: - NOK 70bn for military aid").
    envelopes: list[tuple[int, tuple[str, ...], float, str]] = field(default_factory=list)
    # The same of the asks and requests read so far: a part of one is asked for too ("Biden is asking Congress for
    # more than $24bn ... It also includes $3.3bn for infrastructure").
    asks: list[tuple[int, tuple[str, ...], float, str]] = field(default_factory=list)
    # (sentence index, donors) of the latest pledge or total with donors, for "This includes ..." after it.
    last_whole: tuple[int, tuple[str, ...]] | None = None
    # Under a "Background:" heading, or in the bullets after a sentence that recaps ("The first two packages
    # were financed by:"), every amount is background.
    background: bool = False
    # Sentences left in a run that recaps what others gave, opened by a sentence with no amount ("Several
    # other NATO members have also committed funds to PURL."), and the givers of the article's own news.
    recap_run: int = 0
    in_recap_run: bool = False
    recap_list: bool = False
    # The same for a list opened by a sentence that hedges ("Under the proposed framework, the EU will make
    # funding available in two ways:"): every line of it is as undecided.
    hedged_list: bool = False
    # The donors the headline names (the page's title, else its address's slug): the giver of a sentence
    # with no subject of its own when no sentence before names one ("Approximately $680m for the purchase of
    # a PURL package" under "Canada reinforces its support ...").
    headline_donors: tuple[str, ...] = ()
    # The headline speaks of aid ("Netherlands to buy shells for Ukraine"): so do the first sentences.
    headline_aid: bool = False


def source_country_from_url(url: str | None, lex: Lexicon) -> str | None:
    """The publisher's country from its host ("pm.gc.ca" -> "CAN"), longest known suffix first."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    for suffix in sorted(lex.url_countries, key=len, reverse=True):
        if host.endswith(suffix) or host == suffix.lstrip("."):
            return lex.url_countries[suffix]
    return None


_SLUG_WORD = re.compile(r"[^\W\d_]+")
# Last segments that say how a page is served, not what it is about.
_SLUG_SUFFIXES = frozenset({"amp", "index", "print", "embed"})


def headline_from_url(url: str | None) -> str | None:
    """A headline from an address's slug ("/2025/08/25/canada-reinforces-its-support-for-ukraine/" ->
    "Canada Reinforces Its Support For Ukraine"): the last segment that is words joined by dashes (an AMP
    page's "/amp" after it is passed over); tokens that mix letters and digits ("e4", "65N2025...") are
    left out. None when no segment has three words."""
    if not url:
        return None
    for seg in reversed([seg for seg in urlsplit(url).path.split("/") if seg]):
        slug = seg.rsplit(".", 1)[0]
        words = [w for w in re.split(r"[-_]+", slug) if _SLUG_WORD.fullmatch(w) or w.isdigit()]
        if sum(not w.isdigit() for w in words) >= 3:
            return " ".join(w.capitalize() for w in words)
        if slug.lower() not in _SLUG_SUFFIXES:
            return None
    return None


def extract_statements(
    text: str,
    lex: Lexicon,
    published: datetime.date | None,
    source_country: str | None,
    headline: str | None = None,
) -> list[Statement]:
    """All statements in ``text`` in reading order (see ``aidtrack.extract.extract``); ``lex`` may be
    any compiled lexicon (``load_lexicon(language)`` or ``read_lexicon(folder)``). ``headline`` (the
    page's title, or its address's slug) may name the giver the text leaves unsaid."""
    if published is None:
        # "August 5, 2025 – ... today announced": a press release's own dateline is the text's date.
        published = _leading_date(text, lex)
    spans = split_sentences(text, lex)
    purl_sentences = [
        i for i, (a, b) in enumerate(spans) if ProgramCues(text[a:b], lex, published).names_purl()
    ]
    purl_headline = bool(headline) and ProgramCues(headline, lex, published).names_purl()
    art = _Article(text, lex, published, source_country, purl_headline or bool(purl_sentences),
                   purl_headline or purl_sentences[:1] == [0] or len(purl_sentences) > 1, spans)  # fmt: skip
    if headline:
        groups = group_donors(headline, find_donors(headline, lex), lex)
        art.headline_donors = groups[0].codes if len(groups) == 1 else ()
        art.headline_aid = lex.cues["aid_context"].search(headline) is not None
    statements: list[Statement] = []
    bullets_recap = False  # the sentence that opened the current list of bullets recaps
    bullets_hedged = False  # ... or hedges
    previous: int | None = None  # where the last sentence with money starts
    for index, (start, end) in enumerate(art.spans):
        sentence = text[start:end]
        if _HEADING.fullmatch(sentence):
            # "Background:" opens background until the next heading ("Details:", "Quote:").
            art.background = lex.background_heading_re.match(sentence) is not None
        bullet = _BULLET.match(sentence) is not None
        if not bullet:
            opens_list = sentence.rstrip().endswith(":")
            bullets_recap = opens_list and _recaps(sentence, lex, published)
            bullets_hedged = opens_list and lex.cues["hedges"].search(sentence) is not None
        art.recap_list = bullet and bullets_recap
        art.hedged_list = bullet and bullets_hedged
        has_money = any(ch.isdigit() for ch in sentence) or lex.money_re.search(sentence) is not None
        _follow_recap_run(art, sentence, has_money)
        if lex.cues["followup_hedges"].search(sentence):
            # "The government will raise its aid by €3bn. This proposal goes to the budget committee, Reuters
            # learned from government sources": the sentence after a pledge says it is a plan or a leak.
            statements = _hedged_after(statements, previous)
        if not has_money:
            continue
        statements.extend(_sentence_statements(art, index, sentence, start))
        previous = start
    if headline and lex.cues["followup_hedges"].search(headline) and statements:
        statements = _hedged_after(statements, statements[0].start)  # "Insider: ..." over the lead
    statements = _tracker_counts(text, art.spans, statements, lex)
    return _article_pass(statements, _headings(text, art.spans, headline), lex)


# How many sentences open an article: a tracker named there is its source.
_LEAD_SENTENCES = 3


def _tracker_counts(
    text: str, spans: list[tuple[int, int]], statements: list[Statement], lex: Lexicon
) -> list[Statement]:
    """An article whose lead cites a tracker ("..., this is stated in the Ukraine Support Tracker study of the Kiel
    Institute") tells the tracker's count: "Germany has announced its largest package in almost a year - €2.4bn",
    "The Netherlands (€0.5bn) and the UK (€0.4bn) also provided large amounts" are what it counted, background.
    A pledge dated to a day, said to be new, or still to come is the article's own news."""
    if lex.tracker_re is None or not spans:
        return statements
    lead_end = spans[min(len(spans), _LEAD_SENTENCES) - 1][1]
    if not lex.tracker_re.search(text, 0, lead_end):
        return statements
    return [
        replace(_rekind(s, Kind.RECAP, "a tracker's count, cited in the lead: background",
                        "a tracker's count (the article's lead cites it)"),
                confidence=_NON_KIND_CONFIDENCE[Kind.RECAP])
        if s.kind == Kind.PLEDGE and s.stated_date is None and MARKED_NEW not in s.notes
        and not lex.cues["future_markers"].search(s.quote)
        else s
        for s in statements
    ]  # fmt: skip


# The note on a pledge that a sentence after it (or the headline) calls a proposal or a leak.
_HEDGED_AFTER = "a later sentence or the headline calls it a proposal or a leak"


def _hedged_after(statements: list[Statement], start: int | None) -> list[Statement]:
    """The pledges of the sentence at ``start`` made doubtful (an analyst decides)."""
    return [
        replace(
            s,
            confidence=min(s.confidence, _HEDGED),
            notes=(*s.notes, _HEDGED_AFTER),
            trace=(*s.trace, "confidence: hedged by another sentence"),
        )
        if s.kind == Kind.PLEDGE and s.start == start and _HEDGED_AFTER not in s.notes
        else s
        for s in statements
    ]


# How a sentence of running text ends (a headline has none of these): ".", "!", "?", "…", ":", ";", also
# before closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…:;][\"”“’»)\]]*$")


def _headings(text: str, spans: list[tuple[int, int]], headline: str | None) -> list[tuple[int, int]]:
    """The headline and subheading lines of a stored page: a whole line of four words or more with no
    sentence end ("Spain pledges more than €800 million in new aid to Ukraine", "Australia joins NATO
    initiative with landmark $50m contribution"), not a list item ("- Denmark ...", "Sweden: $275m",
    "Norway – NOK 1.5bn"); and the page's own title wherever the text repeats it."""
    heads: list[tuple[int, int]] = []
    title = " ".join(headline.split()) if headline else None
    for a, b in spans:
        line = text[a:b]
        if title and " ".join(line.split()) == title:
            heads.append((a, b))
            continue
        whole_line = text[:a].rstrip(" \t")[-1:] in ("", "\n") and text[b:].lstrip(" \t")[:1] in ("", "\n")
        if (
            whole_line
            and "\n" not in line  # hard-wrapped lines joined into one sentence are running text
            and not line.endswith(",")
            and 4 <= len(line.split())
            and len(line) <= _HEADLINE_CHARS
            and not _SENTENCE_END.search(line)
            and not _SENTENCE_INSIDE.search(line)
            and not _BULLET.match(line)
            and not _LIST_LABEL.match(line)
        ):
            heads.append((a, b))
    return heads if len(heads) < len(spans) else []


# A headline is a short line with no sentence in it ("... in Berlin. <script>...</script>" is a paragraph).
_HEADLINE_CHARS = 200
_SENTENCE_INSIDE = re.compile(r"[.!?…][\"”“’»)\]]*\s")
# A list line's label: a few words, then a colon or a dash ("Sweden: $275m", "Norway – NOK 1.5bn").
_LIST_LABEL = re.compile(r"[^:–—\n]{1,40}?(?::|\s[-–—]\s)")


def _headlines_told_by_body(statements: list[Statement], heads: list[tuple[int, int]]) -> list[Statement]:
    """A headline's pledge is the body's news in brief: its rounder figure ("more than €800 million" for
    €817m), a conversion ("USD62.7M" for AUD 95m) or a part ("$50m contribution" of an AUD 95m package).
    When the body tells of the same givers, the body's statements stand for it; a headline whose givers the
    body never names keeps its pledge."""
    if not heads:
        return statements

    def in_head(s: Statement) -> bool:
        return any(a <= s.start < b for a, b in heads)

    # (a member's share of the headline's joint package does not tell the package: "Nordic and Baltic
    # countries to give $500m" over a body that gives only Lithuania's $30m of it)
    told = {
        d for s in statements if not in_head(s) and s.kind not in (Kind.TARGET, Kind.SHARE) for d in s.donors
    }
    return [s for s in statements if not (s.kind == Kind.PLEDGE and in_head(s) and set(s.donors) & told)]


# A heading line: a few words, with or without a colon, alone ("Background:", "Details", "Recall").
_HEADING = re.compile(r"\W*[^\W\d_][^\W\d_ ]*(?:\s[^\W\d_]+){0,3}\s*:?\s*")
# A list item: "- The Netherlands ($500m) – announced 4 August", "• Denmark ...".
_BULLET = re.compile(r"\s*[-–—•*▪●→►▸‣◦➤✓✔☑]\s")


# How many sentences after its opener a run of what others gave may last.
_RECAP_RUN = 4


def _follow_recap_run(art: _Article, sentence: str, has_money: bool) -> None:
    """Open, go on with or end a run of sentences that recap what other countries gave: after "Several other
    NATO members have also committed funds to PURL." (no amount), each sentence that names a giver other
    than those of the article's own news ("The Netherlands has prepared a $500m package. Sweden, Norway and
    Denmark will jointly contribute about $500m.") is background. A sentence with no giver, one naming the
    news's giver or one saying "new" ends it."""
    lex = art.lex
    opener = lex.cues["recap_run_openers"].search(sentence) is not None
    if has_money and (art.recap_run > 0 or opener):
        has_money = bool(find_money(sentence, lex))  # ("a" may start an amount: "a dollar")
    if not has_money and opener:
        art.recap_run, art.in_recap_run = _RECAP_RUN, False
        return
    art.in_recap_run = False
    if art.recap_run <= 0:
        return
    art.recap_run -= 1
    givers = {c for m in find_donors(sentence, lex) if m.giver for c in m.codes}
    news = set(art.headline_donors) | {c for _, d, _, _ in art.pledged for c in d}
    if not givers or givers & news or lex.cues["new_markers"].search(sentence):
        art.recap_run = 0
        return
    art.in_recap_run = has_money


def _recaps(sentence: str, lex: Lexicon, published: datetime.date | None) -> bool:
    """The sentence recaps ("The first two packages were financed by:"), for the list items after it."""
    cues = clause_cues(sentence, lex, published)
    # ("since August, partners have financed several packages of American weapons for Ukraine:")
    opens_run = lex.cues["recap_run_openers"].search(sentence) is not None
    return cues.recap_strong or cues.recap_weak or is_past(cues, published) or opens_run


# A date (after a place, maybe) that opens the text and is set off by a dash or a colon: its dateline.
_LEADING_DATE = re.compile(r"^\W*([^\n.;]{4,45}?)\s*(?:[-–—]{1,2}|:)\s")


def _leading_date(text: str, lex: Lexicon) -> datetime.date | None:
    """The day a text's own dateline gives ("August 5, 2025 – ...", "Copenhagen, 3 December 2025: ..."),
    read with no publication date to lean on (so only a day with its year counts)."""
    m = _LEADING_DATE.match(text)
    return stated_day(m.group(1), lex, None) if m else None


def _sentence_statements(art: _Article, index: int, sentence: str, offset: int) -> list[Statement]:
    lex = art.lex
    if lex.boilerplate_re.match(sentence):
        return []  # "Read more: ..." links and site furniture
    monies = find_money(sentence, lex)
    if (
        monies
        and lex.conversion_sentence_re is not None
        and lex.conversion_sentence_re.match(sentence[: monies[0].start])
        and any(i == index - 1 and cur != monies[0].currency for i, _, _, cur in art.seen)
    ):
        monies = monies[1:]  # "The package is worth SEK 16bn. That corresponds to DKK 11bn.": a conversion
    if not monies:
        return []
    blocked = [(m.start, m.conversion_end or m.end) for m in monies]
    cue_sentence = sentence
    if dateline := dateline_end(sentence):
        blocked.append((0, dateline))  # "BRUSSELS, Aug 13 (Reuters) -": where it was filed, not who gives
        # "KYIV. Nov 29 (Interfax-Ukraine) – ... has announced": the day it was filed, not a past day either.
        cue_sentence = " " * dateline + sentence[dateline:]
    mentions = find_donors(sentence, lex, blocked)
    groups = group_donors(sentence, mentions, lex)
    clauses = split_clauses(sentence, lex)
    cue_cache: dict[tuple[int, int], ClauseCues] = {}
    program_cues = ProgramCues(sentence, lex, art.published)
    aid_context = _aid_context(art, index, sentence)
    donors_of = _assign_donors(art, index, sentence, monies, groups)
    roles = _umbrella_roles(sentence, monies, donors_of, program_cues, lex)
    # "The package includes $43m of equipment and $2m for drones": parts of a package named before.
    inside = lex.cues["part_before"].search(sentence, 0, monies[0].start) is not None
    # (a sentence with no money may stand between: "Australia's pledge of $95m ... Labor announced the pledge
    # on Thursday, ... The support includes a $50m contribution to PURL")
    if inside and art.last_whole is not None and 1 <= index - art.last_whole[0] <= 2:
        # "Australia's support totals AUD 95m. This includes AUD 50m for PURL, ...": the parts are the
        # donor's of the whole in the sentence before.
        # A country named after the amount there says where the money goes, not who gives it ("This includes
        # ISK 400m for a fund led jointly by Iceland and Lithuania").
        donors_of = [
            (d, how, m) if d and how != "after" else (art.last_whole[1], "the whole before", ())
            for d, how, m in donors_of
        ]
    # Parts whose package this sentence alone names ("The support package includes $43m of equipment and $2m
    # for drones"): one giver's breakdown (not shares of several givers: "Of the package, Sweden pays $275m,
    # Norway $112m"), of several amounts or of one said to be a part ("The package will also include £92m";
    # one sum a package "encompasses" may be all of it), of a package not said to be new ("Denmark's new
    # package contains DKK 372m for PURL, ..." is news told by its parts).
    parts_only = (
        inside
        and len({d for d, _, _ in donors_of}) == 1
        and (len(monies) > 1 or lex.cues["partial_markers"].search(sentence, 0, monies[0].start) is not None)
        and not lex.cues["new_markers"].search(sentence, 0, monies[0].start)
    )
    # The sentence's acting country: its first mention outside a relative clause ("Kishida, who condemned
    # Russia, announced $470m": Russia does not act there).
    relative = [(a, b) for a, b in clauses if a > 0 and lex.relative_opener.match(sentence, a)]
    first_mention = next((m for m in mentions if not any(a <= m.start < b for a, b in relative)), None)
    if (
        first_mention
        and first_mention.start < monies[0].start  # ("... €100m to help take out Russian missiles")
        and set(first_mention.codes) <= lex.non_aid_subjects
        and not any(
            m.giver and not set(m.codes) <= lex.non_aid_subjects and m.start < monies[0].start
            for m in mentions
        )
    ):
        # "Russia's budget puts ..." (not "Since Russia's invasion, Spain has given €2bn": a giver acts
        # before the amount)
        return []

    out: list[Statement] = []
    art.seen.extend((index, d, m.amount, m.currency) for m, (d, _, _) in zip(monies, donors_of, strict=True))
    values = [_package_value(sentence, m, lex) for m in monies]
    is_package = [
        bool(value or lex.cues["container_nouns"].pattern.match(sentence[_after_amount(sentence, m) :]))
        for m, value in zip(monies, values, strict=True)
    ]
    art.packages.extend((index, m.amount, m.currency) for m, p in zip(monies, is_package, strict=True) if p)
    sentence_day = stated_day(sentence, lex, art.published)
    # ("Paketet, som uppgår till ...": a one-word subject before a comma is no opening adverb.)
    opens_with_package = any(
        lex.cues["container_nouns"].pattern.match(sentence[at:]) is not None
        for at in {_opener_end(sentence), len(sentence) - len(sentence.lstrip())}
    )
    annual = annual_levels(sentence, clauses, monies, lex)
    for i, money in enumerate(monies):
        clause = next(((a, b) for a, b in clauses if a <= money.start < b), (0, len(sentence)))
        cues = cue_cache.get(clause)
        if cues is None:
            cues = cue_cache[clause] = _cues_for(cue_sentence, clauses, clause, art)
        if cues.negation and _negation_after_in_own_clause(sentence, clause, money, lex):
            cues = replace(cues, negation=False)  # "€80m in winter aid so Moscow sees it will not win"
        if cues.target and not _target_governs(sentence, clause, money, lex):
            cues = replace(cues, target=False)  # "$15m for an initiative aimed at ...": a purpose, not a goal
        if art.hedged_list and not cues.hedge:
            cues = replace(cues, hedge=True)
        if cues.marked_new and _new_only_for_another(sentence, clause, money, monies, lex):
            # "U.S. aid totals $68bn, and the White House has asked for another $37.7bn": "another" is the
            # other amount's, not this one's
            cues = replace(cues, marked_new=False)
        if not cues.recap_strong and (
            art.background
            or art.recap_list
            or art.in_recap_run
            or lex.cues["recap_sentence"].search(sentence, 0, money.start)
        ):
            # "He thanked Sweden for ..., and Belgium for another $1bn": what the sentence opens with
            # governs every amount after it, whatever clause it stands in.
            cues = replace(cues, recap_strong=True)
        donors, donor_how, members = donors_of[i]
        denied = _negated_before(sentence, clauses, clause, lex)
        period = period_after(sentence, money, lex)
        each = _distributive(sentence, money, members, lex)
        if each == "after" and period == "other":
            period = None  # "€10m apiece" after a list of donors: each gives it, not a unit price
        role = roles.get(i)
        # "Additionally, the package allocates SEK 5bn towards ...": a package of the text before as the
        # subject names one of its parts, as "This includes ..." does.
        # So does an amount that opens a sentence with no subject ("- 70 billion kroner is set aside for
        # military aid") right under a sum stated before, whatever that sum was (a pledge, an envelope).
        package_subject = donor_how == "anaphora" and opens_with_package
        # "A further €100m will be provided under PURL" after "a new package worth €615m": still one of its
        # parts; after a pledge that is no package, an addition of its own.
        led = donor_how == "anaphora" and _amount_led(sentence, money, lex)
        # "Another $50m will go toward ammunition": where money already stated goes.
        allotted = (
            lex.cues["part_after"].pattern.match(sentence, money.conversion_end or money.end) is not None
        )
        under_sum = led and (
            any(j < index and a > money.amount and c == money.currency for j, a, c in art.packages)
            or (
                not lex.cues["new_markers"].search(sentence, 0, money.start)
                and any(j < index and (a > money.amount or c != money.currency) for j, _, a, c in art.seen)
            )
        )
        if (
            role is None
            and donors
            and (
                under_sum
                or ((inside or package_subject or allotted) and any(j < index and d == donors and a > money.amount
                                                        and c == money.currency for j, d, a, c in art.pledged))
                # "The programme has enabled purchases worth nearly €538m. This includes €125m from Denmark, €20m
                # from Sweden": the parts of a larger sum of others (a programme's) in the sentence right before.
                # A donor's own total broken down ("Portugal's support totals €221m. This includes €50m for
                # PURL") is told by the pledges it is made of.
                or (inside and any(j == index - 1 and d != donors and a > money.amount and c == money.currency
                                   for j, d, a, c in art.seen))
            )
        ):  # fmt: skip
            role = "part"  # the package it belongs to is a larger sum stated before
        # A part (of the sentence before, or a list item under a sum) whose nearest larger sum of the same
        # givers and currency was an envelope is one of its lines, not a pledge.
        line_of = role == "part" or inside or under_sum or package_subject
        larger = _nearest_larger(art, index, donors, money) if line_of else None
        envelope_line = line_of and larger in art.envelopes
        if line_of and not cues.target and larger in art.asks:
            cues = replace(cues, target=True)  # a line of a request is requested too
        if role is None and _broken_down_after_colon(sentence, monies, i, donors_of):
            role = "part"  # "€20m to the drone coalition: at least €10m for X and €5m for Y"
        value = values[i]
        # "In total, the package will be worth €400m" names one package's value; a total cue after the amount
        # ("... totalling SEK 75bn over three years") still makes it a sum.
        # A sum still to be given is no running total ("Latvia will provide military aid totaling $120m this year
        # alone").
        one_package = value and (
            (cues.future and cues.pledge_verb)
            or not (
                lex.cues["aggregate_strong"].search(sentence, money.end, clause[1])
                or lex.cues["total_words"].search(sentence, money.end, clause[1])
            )
        )
        hi = monies[i + 1].start if i + 1 < len(monies) else clause[1]
        facts = KindFacts(money, period, cues, bool(donors), role, art.published, len(donors), i in annual,
                          one_package, _goes_elsewhere(sentence, clause, money, min(hi, clause[1]), lex),
                          envelope_line, donor_how == "from", opens_with_package,
                          roles.get(i) == "part" and any(is_package[k] and k not in roles for k in range(i)),
                          bool(donors) and bool(_joint_partners(sentence, [m for m in mentions if m.end <= money.start],
                                                                lex) - set(donors)),
                          package_named=bool(value) and _package_before_value(sentence, money, lex))  # fmt: skip
        kind, rule = kind_rule(facts)
        if (
            kind == Kind.PLEDGE
            and donor_how == "numbered group"
            # ("В общей сложности три страны выделят на него $500m": what they will give)
            and not (cues.future and not lex.cues["package_value"].search(sentence))
            and not cues.marked_new  # ("eight countries announced $500m for a new PURL package")
            and not lex.cues["joint_cues"].search(sentence)
            and not lex.cues["joint_total"].search(sentence)
        ):
            # "The commitment from the five NATO countries amounts to about $1.5bn", "Five countries confirmed
            # $1bn": the outlet's sum over the countries it counted; "Together the four countries are raising
            # €420m" or "the three countries will allocate $500m to it" is their joint package.
            kind, rule = Kind.AGGREGATE, "a sum over a counted group, not told as one package"
        if (
            rule in ("an annual framework or budget envelope", "a line of a budget envelope stated before")
            and donors
        ):
            art.envelopes.append((index, donors, money.amount, money.currency))
        if kind == Kind.TARGET and donors:
            art.asks.append((index, donors, money.amount, money.currency))
        if kind is None or (not aid_context and kind not in (Kind.AGGREGATE, Kind.TARGET)):
            continue  # a pledge, recap or share must be about aid; totals and goals may be terse
        container = roles.get(i) == "container"
        if container:
            donors = _with_partners(sentence, money, mentions, donors, lex)
        # The partners named with the giver before the amount ("Together with Sweden and Denmark, Norway ...").
        named_with = (
            _joint_partners(sentence, [m for m in mentions if m.end <= money.start], lex)
            if donors and kind in (Kind.PLEDGE, Kind.SHARE)
            else set()
        )
        # "The UK, with support from Norway, committed £450m": money the partner puts in makes it joint too.
        supported = lex.cues["joint_support"].search(sentence, 0, money.start) is not None
        if (
            not container
            and named_with - set(donors)
            and (value or supported or _names_its_package(sentence, money, lex))
        ):
            # "Together with Sweden and Denmark, Norway will finance a package worth NOK 5bn": the package's
            # value is the joint pledge of the giver and the partners named with it ("Sweden, together with
            # Denmark and Norway, will contribute $275m to the PURL package" is Sweden's share).
            donors = tuple(sorted(set(donors) | named_with))
            kind = Kind.PLEDGE
            donor_how = "with partners"
        if named_with - set(donors):
            # ... and for "the package" in the sentences after ("The total value of the package is $500m")
            art.last_joint = (index, tuple(sorted(set(donors) | named_with)))
        # "Of the total package, £350m will come from the UK, supplemented by contributions from Norway": the
        # other givers of the package this share belongs to.
        co_givers: tuple[str, ...] = ()
        if kind == Kind.SHARE and cues.share:
            co_givers = tuple(sorted(_contributors_after(sentence, money, mentions, donors, clause, lex)))
        trace = [f"kind: {rule}", f"donors: {donor_how}"]
        notes: list[str] = []
        if kind == Kind.AGGREGATE and not donors and not (cues.collective or cues.subset_whole):
            # "The German packages so far total $1bn": Germany's own total, not the programme's.
            owners = package_owners(sentence[clause[0] : money.start], lex)
            if owners:
                donors = owners
                notes.append("total over the packages of named donors")
        elif kind == Kind.RECAP and covers_subset(cues):
            notes.append("total over some of the packages, not the programme's running total")
        currency, note = resolve_currency(money.currency, lex, donors, art.source_country)
        if currency is None:
            continue  # "2 billion kroner" with no way to tell which krone
        if note:
            notes.append(note)
        if money.qualifier:
            notes.append(_QUALIFIED.format(money.qualifier))
        # Money given counts a range at its lower bound ("€500-600m": surely €500m), as an analyst (and
        # LABELLING.md) does; a goal keeps its upper one ("$12bn to $15bn in 2026": the ask is up to $15bn).
        amount = money.amount
        if money.amount_low is not None and kind != Kind.TARGET:
            amount = money.amount_low
            notes.append(f"range: up to {money.amount:,.0f}")
        conversion = None
        if money.converted_to:
            converted, sign = money.converted_to
            notes.append(f"stated conversion: {sign} {converted:,.0f}")
            code = resolve_currency(sign, lex, donors, art.source_country)[0]
            conversion = (converted, code) if code else None
        program, program_how = decide_program(
            sentence, monies, i, program_cues, lex, art.has_purl, art.purl_topic
        )
        if program == BILATERAL and donors and set(donors) <= lex.institutions:
            # the EU's own money is a facility or a loan, never a country's bilateral package (also when it is
            # for Ukraine's own industry: "the EU backs €5bn for Ukraine's defence industry")
            program = OTHER
        trace.append(f"programme: {program_how}")
        if program_how == "default" and kind in (Kind.AGGREGATE, Kind.TARGET) and art.has_purl:
            # A running total or a goal with no programme of its own, in an article about PURL, is
            # about PURL ("contributions have reached $2bn so far"). Pledges keep the stricter rule.
            program, program_how = PURL, "article"
        # The seller alone, in a sentence that does not name PURL, is left to the check below.
        seller_only = (
            art.has_purl and program_how in ("default", "article") and bool(donors)
            and set(donors) <= lex.purl_sellers
        )  # fmt: skip
        if program == PURL and set(donors) & lex.purl_sellers and not seller_only:
            # "PURL buys US weapons": the seller is never a donor of the package.
            donors = tuple(d for d in donors if d not in lex.purl_sellers)
            notes.append("the seller of PURL weapons is not its donor")
            if not donors and kind == Kind.PLEDGE and lex.anaphora_re.match(sentence):
                # "The government is putting $15m towards a United States and NATO initiative": with the
                # seller set aside, the pronoun subject gives, as if no country were named.
                donors = _pronoun_donors(art, index)
                if donors:
                    donor_how = "anaphora"
                    trace[1] = "donors: anaphora (the seller set aside)"
                    # the bare "$" is the giver's, not the seller's
                    notes = [n for n in notes if n != note]
                    currency, note = resolve_currency(money.currency, lex, donors, art.source_country)
                    if currency is None:
                        continue
                    if note:
                        notes.insert(0, note)
            if not donors and kind in (Kind.PLEDGE, Kind.SHARE):
                continue
        if seller_only:
            # "Ukraine will get $5bn of weapons from the United States" in an article about PURL: most likely
            # what the US sells, not a gift of its own; an analyst decides.
            notes.append("the seller of PURL weapons, in an article about PURL: doubtful as a donor")
        # Such parts with nothing before them about that package (no larger sum of these givers: "Australia's
        # support totals AUD 95m. This includes ..." is the whole it breaks down; no sentence naming them:
        # "Denmark announced a new package. It includes ..." is the package told by its parts) are lines of a
        # package whose total is elsewhere (an earlier article); counted as they are, they would count that
        # money twice. An analyst decides.
        unplaced_part = (
            kind == Kind.PLEDGE
            and role is None
            and parts_only
            and not any(j < index and d == donors and a > money.amount for j, d, a, _ in art.seen)
            and not (donor_how == "anaphora" or set(donors) & set(_previous_donors(art, index)))
        )
        if unplaced_part:
            notes.append("a part of a package whose total is not in the text")
        # "Luxembourg, together with other partners, will co-finance a $500m package": one giver of a joint
        # package whose other givers the sentence does not name; the package's value is not its pledge.
        others = {c for m in mentions for c in m.codes} - set(donors) - lex.never_donors - lex.purl_sellers
        unnamed_partners = (
            kind == Kind.PLEDGE
            and len(donors) == 1
            and is_package[i]
            and not others
            and lex.cues["joint_cues"].search(sentence, clause[0], clause[1]) is not None
        )
        if unnamed_partners:
            notes.append(
                "a joint package whose other givers are not named: its value is not this giver's alone"
            )
        # "$2bn for Ukraine and 18 of its neighbours": what Ukraine gets of it is not said.
        shared = (
            kind == Kind.PLEDGE
            and lex.shared_recipient_re is not None
            and lex.shared_recipient_re.search(sentence, clause[0], clause[1]) is not None
        )
        if shared:
            notes.append("money shared with other countries: Ukraine's part is not stated")
        told_in_part = kind == Kind.PLEDGE and roles.get(i) == "partial"
        if told_in_part:
            notes.append(
                "a package whose lines are told only in part: the rest may be untold lines or new money"
            )
        if program_how == "article":
            notes.append(_ARTICLE_PROGRAMME)
        if donor_how == "anaphora":
            notes.append("donor taken from earlier in the text (pronoun subject)")
        elif donor_how == "currency":
            notes.append("donor: the government whose national currency the amount is in")
        # "A and B will each give $500m": one statement per donor (totals and goals stay whole).
        split = each is not None and kind in (Kind.PLEDGE, Kind.RECAP, Kind.SHARE)
        if split:
            notes.append("distributive: each donor gives the amount")
        if denied and kind == Kind.PLEDGE:
            notes.append("another clause of the sentence is negated")
        if kind == Kind.PLEDGE and lex.cues["new_markers"].search(sentence, clause[0], clause[1]):
            notes.append(MARKED_NEW)
        stated = cues.day or sentence_day
        if stated is None and kind == Kind.RECAP and cues.month is not None:
            # "In August, Canada gave $680m": background dated by the month it names, should the ledger
            # need to create the pledge from it.
            stated = datetime.date(cues.month[0], cues.month[1], 1)
            notes.append(DATED_BY_MONTH)
        for givers in _each_giver(members, donors) if split else [donors]:
            confidence = _NON_KIND_CONFIDENCE.get(kind, 0.0)
            if kind == Kind.PLEDGE:
                confidence = _pledge_confidence(money, cues, givers, donor_how, program_how, note, sentence, lex,
                                                len(monies) > 1, denied)  # fmt: skip
                if seller_only:
                    confidence = min(confidence, _DOUBTFUL)
                if unplaced_part or unnamed_partners or shared or told_in_part:
                    confidence = min(confidence, _DOUBTFUL)
            if kind == Kind.PLEDGE and givers:
                art.last_pledge_donors = givers
                art.pledged.append((index, givers, money.amount, money.currency))
                if money.converted_to:
                    # "DKK 1.4bn (≈ $196m)", then "The 2025 aid includes $15m": its parts may come in the
                    # currency the outlet converted it to.
                    art.pledged.append((index, givers, *money.converted_to))
            if kind in (Kind.PLEDGE, Kind.AGGREGATE) and givers and not inside:
                art.last_whole = (index, givers)
            out.append(
                Statement(
                    kind=kind,
                    donors=givers,
                    amount=amount,
                    amount_low=money.amount_low,
                    currency=currency,
                    currency_assumed=not money.explicit,
                    program=program,
                    confidence=confidence,
                    quote=sentence,
                    start=offset,
                    stated_date=stated,
                    period=period if kind == Kind.TARGET and period in ("month", "year") else None,
                    notes=tuple(notes),
                    trace=(*trace, PACKAGE_VALUE) if is_package[i] else tuple(trace),
                    conversion=conversion,
                    co_givers=co_givers,
                )
            )
    return out


_ARTICLE_PROGRAMME = "programme inferred from the rest of the article"
# The kind rule of an amount the text itself makes a part of a package ("€615m of the total aid").
_PART_RULE = "kind: a part of a package"
# The trace line of an amount that is a package's value ("a package worth €615m", "the €615m package").
PACKAGE_VALUE = "package: its value"
# A sentence's first clause this short is an adverbial ("In August,", "On Monday,", "In spring 2025,").
_OPENING_PHRASE_CHARS = 32
# A clause opened by a dash (an aside between two dashes, or what follows it).
_DASH = re.compile(r"\s*[—–]\s")
# A closing phrase this short dates the sentence ("..., the ministry said on 2 December.").
_CLOSING_PHRASE_CHARS = 48


def _target_governs(sentence: str, clause: tuple[int, int], money: Money, lex: Lexicon) -> bool:
    """A goal word makes the amount a target only when it stands before the amount in its clause ("the
    aim is $1bn a month", "NATO wants allies to fund $1bn") or right after it ("a $1bn target"). After
    the amount it describes something else: "$15m to an initiative aimed at supplying Ukraine", "1.1
    billion kroner to help Ukraine secure its power supply" are pledges with a purpose."""
    if lex.cues["target_strong"].search(sentence, clause[0], money.start):
        return True
    return lex.cues["target_after"].search(sentence[money.end : clause[1]]) is not None


def _distributive(sentence: str, money: Money, members: _Members, lex: Lexicon) -> str | None:
    """ "group", "between", "after" or "count" when every member of a donor list gives ``money`` in full
    ("Each of the Baltic states", "A and B will each give $500m", "€10m apiece", "to fund two $500m
    packages"), else None."""
    if not members or members[-1][2] > money.start:
        return None
    cues = lex.cues
    if len(members) == 1:
        codes, start, _ = members[0]
        before = cues["distributive_before_group"].search(sentence[max(0, start - 30) : start])
        return "group" if len(codes) > 1 and before else None
    tail = sentence[money.end : money.end + 40]
    if cues["distributive_after"].search(tail):
        return "after"
    if cues["distributive_between"].search(sentence, members[-1][2], money.start):
        return "between"
    head = sentence[max(0, money.start - 12) : money.start]
    if cues["distributive_count_before"].search(head) and cues["distributive_plural_after"].search(tail):
        return "count"
    return None


def _each_giver(members: _Members, donors: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The givers of a distributive amount: each listed mention, or each country of one named group."""
    if len(members) == 1:
        return [(code,) for code in donors]
    return [tuple(sorted(codes)) for codes, _, _ in members]


def _negated_before(
    sentence: str, clauses: list[tuple[int, int]], clause: tuple[int, int], lex: Lexicon
) -> bool:
    """An earlier main clause of the sentence says nothing is given ("Slovakia refuses to fund PURL,
    Fico said, calling the €40m ..."): the amount is doubtful. Relative and recap clauses ("which had
    said it would not take part") don't count."""
    negations = lex.cues["negations"]
    if clause[0] == 0 or not negations.search(sentence, 0, clause[0]):
        return False
    for a, b in clauses:
        if a >= clause[0]:
            break
        negated = negations.search(sentence, a, b)
        if not negated or lex.relative_opener.match(sentence, a):
            continue
        if lex.cues["recap_strong"].search(sentence, a, b) or lex.cues["recap_weak"].search(sentence, a, b):
            continue
        if lex.cues["negation_contrast"].search(sentence, negated.end(), clause[1]):
            continue  # "Germany will not reduce support, instead providing €170m": what is done, after all
        return True
    return False


def _package_value(sentence: str, money: Money, lex: Lexicon) -> bool:
    """The amount is a package's value: "a package worth NOK 5bn", "пакет на загальну суму 500 млн"
    (``package_value`` right before it, qualifiers such as "approximately" allowed in between)."""
    for m in lex.cues["package_value"].pattern.finditer(sentence, max(0, money.start - 60), money.start):
        gap = sentence[m.end() : money.start]
        if not gap.strip() or lex.conversion_body_re.fullmatch(gap):
            return True
    return False


_WORD_START = re.compile(r"(?<!\w)\w")


def _package_before_value(sentence: str, money: Money, lex: Lexicon) -> bool:
    """A package noun ends at most a few words before the value word of ``money`` ("an arms package
    totalling $1.7bn", "un pacchetto di armi per un totale di")."""
    for m in lex.cues["package_value"].pattern.finditer(sentence, max(0, money.start - 60), money.start):
        for w in _WORD_START.finditer(sentence, max(0, m.start() - 50), m.start()):
            before = sentence[w.start() : m.start()]
            noun = lex.cues["container_nouns"].pattern.match(before)  # (its "^" is the slice's start)
            if noun is not None and len(before[noun.end() :].split()) <= 3:
                return True
    return False


_CLOSING_BRACKET = re.compile(r"\s*[)\]]")


def _after_amount(sentence: str, money: Money) -> int:
    """Where the words after an amount start, past its stated conversion and the bracket closing it
    ("$500m (€429m) programme")."""
    end = money.conversion_end or money.end
    if money.conversion_end:
        bracket = _CLOSING_BRACKET.match(sentence, end)
        if bracket:
            end = bracket.end()
    return end


def _names_its_package(sentence: str, money: Money, lex: Lexicon) -> bool:
    """The amount is the worth of the package named right after it ("a $500m package of US weapons", "spent
    $500m on a package"), not money put into one ("$275m to the package": a purpose word comes first)."""
    end = _after_amount(sentence, money)
    m = lex.cues["container_nouns"].pattern.match(sentence[end:])  # (anchored at "^")
    if m is None:
        return False
    first = m.group(0).split()[:1]
    if first and lex.cues["price_prepositions"].pattern.fullmatch(first[0]):
        return True  # "spent half a billion dollars on a weapons package": what the package cost
    return not (first and lex.cues["purpose_words"].pattern.fullmatch(first[0]))


def _joint_partners(sentence: str, mentions: list[DonorMention], lex: Lexicon) -> set[str]:
    """Countries named as partners of the giver ("together with Sweden and Denmark", "разом з
    Нідерландами та Норвегією", "together with the other Scandinavian countries"): a partner cue right before a
    mention (two short words may stand between), and the list chained to it."""
    partners: set[str] = set()
    previous: DonorMention | None = None
    for m in mentions:
        cue = lex.cues["joint_partner_strict"].search(sentence, max(0, m.start - 25), m.start)
        chained = (
            previous is not None
            and previous.codes[0] in partners
            and lex.group_sep_re.match(sentence[previous.end : m.start])
        )
        between = sentence[cue.end() : m.start].split() if cue else []
        if not m.giver and (chained or (cue and len(between) <= 2 and all(len(w) <= 5 for w in between))):
            partners.update(c for c in m.codes if c not in lex.never_donors)
        previous = m
    return partners


def _with_partners(
    sentence: str, money: Money, mentions: list[DonorMention], donors: tuple[str, ...], lex: Lexicon
) -> tuple[str, ...]:
    """A container package's donors: the giver plus the partners named after it ("a $500m package it
    funds with the Netherlands, Norway and the UK")."""
    partners = {
        code
        for m in mentions
        if m.start > money.end
        and not m.giver
        and lex.cues["joint_partner"].search(sentence, money.end, m.start)
        for code in m.codes
        if code not in lex.never_donors
    }
    return tuple(sorted(set(donors) | partners)) if partners else donors


def _cues_for(
    sentence: str, clauses: list[tuple[int, int]], clause: tuple[int, int], art: _Article
) -> ClauseCues:
    """Cues of one clause; a trailing ", with €500m" phrase keeps the recap/target sense of its clause.
    ``sentence`` has its wire dateline blanked out."""
    cues = clause_cues(sentence[clause[0] : clause[1]], art.lex, art.published)
    k = clauses.index(clause) if clause in clauses else 0
    if k > 0 and cues.day is None and not cues.month_named:
        # "In August, Carney announced $680m": an opening time phrase dates the whole sentence.
        opening = sentence[clauses[0][0] : clauses[0][1]]
        if len(opening) <= _OPENING_PHRASE_CHARS:
            day, month, named = clause_dates(opening, art.lex, art.published)
            cues = replace(cues, day=day, month=month, month_named=named)
            # "Last week, Denmark, Norway and Sweden announced $500m": a time phrase that opens the sentence
            # puts all of it in the past, as it dates all of it.
            if not cues.marked_new and not find_money(opening, art.lex):
                cues.recap_strong = cues.recap_strong or art.lex.cues["recap_strong"].fires(opening)
    last = len(clauses) - 1
    if 0 <= k < last and cues.day is None and not cues.month_named:
        # "- The Netherlands ($500m) – announced 4 August", "..., the ministry said on 2 December": a short
        # closing phrase with a date and no amount of its own dates the sentence too.
        closing = sentence[clauses[last][0] : clauses[last][1]]
        if len(closing.strip()) <= _CLOSING_PHRASE_CHARS and not find_money(closing, art.lex):
            day, month, named = clause_dates(closing, art.lex, art.published)
            if day is not None or named:
                cues = replace(cues, day=day, month=month, month_named=named)
    if k > 0 and art.lex.attached_opener.match(sentence, clause[0]):
        head = clause_cues(sentence[clauses[k - 1][0] : clauses[k - 1][1]], art.lex, art.published)
        cues.recap_strong = cues.recap_strong or head.recap_strong
        cues.target = cues.target or head.target
        # "... by far the largest donor, with more than €75bn": the running-total sense carries too, but not
        # into the newest item the phrase names ("... has passed €1bn, with the latest €100m on Friday").
        if not art.lex.cues["latest_markers"].search(sentence, clause[0], clause[1]):
            cues.aggregate_strong = cues.aggregate_strong or head.aggregate_strong
            cues.total_word = cues.total_word or head.total_word
        # "Germany is prepared, with its allies, to finance a package totaling $500m": the head's tense and
        # its "new" carry into the attached phrase, which has no verb of its own.
        cues.future = cues.future or head.future
        cues.marked_new = cues.marked_new or head.marked_new
        # "The meeting is expected to see further commitments, with Germany agreeing to ...": still expected.
        cues.hedge = cues.hedge or head.hedge
        if cues.day is None and not cues.month_named and (head.day or head.month_named):
            # "X announced on 4 August that it funds $500m": the attached clause has the date of its head.
            cues = replace(cues, day=head.day, month=head.month, month_named=head.month_named)
    if k > 0 and art.lex.relative_opener.match(sentence, clause[0]) and not cues.non_aid:
        # "The State Department approved the sale, which is estimated to be worth $8.5bn": a relative clause
        # tells of the thing its head names, a sale stays a sale.
        head = clause_cues(sentence[clauses[k - 1][0] : clauses[k - 1][1]], art.lex, art.published)
        cues.non_aid = head.non_aid
    # After an inserted clause the main clause goes on, with cues of the clause before the insertion:
    # "The potential sales, which the department notified to Congress, include $150m for ..." (a relative
    # clause: its sale stays a sale, its doubt a doubt); "a second tranche of aid – fuel, helmets, medicine –
    # worth a total of €3m" (an aside between dashes: also its "new" and its tense).
    after_relative = (
        k > 1
        and art.lex.relative_opener.match(sentence, clauses[k - 1][0]) is not None
        and not art.lex.clause_break.pattern.match(sentence, clause[0])
    )
    after_aside = k > 1 and bool(
        _DASH.match(sentence, clause[0]) and _DASH.match(sentence, clauses[k - 1][0])
    )
    if after_relative or after_aside:
        head = clause_cues(sentence[clauses[k - 2][0] : clauses[k - 2][1]], art.lex, art.published)
        cues.non_aid = cues.non_aid or head.non_aid
        cues.hedge = cues.hedge or head.hedge
        if after_aside:
            cues.marked_new = cues.marked_new or head.marked_new
            cues.future = cues.future or head.future
    if k > 0 and not after_aside and _DASH.match(sentence, clause[0]):
        # "The Budget Committee has approved the draft budget for 2026 — Ukraine will be allocated €11.5bn": what
        # follows a dash tells of the clause before it; a budget stays a budget, a doubt a doubt.
        before = sentence[clauses[k - 1][0] : clauses[k - 1][1]]
        if not find_money(before, art.lex):
            head = clause_cues(before, art.lex, art.published)
            cues.framework = cues.framework or head.framework
            cues.hedge = cues.hedge or head.hedge
    following = sentence[clauses[k + 1][0] : clauses[k + 1][1]] if 0 <= k < last else ""
    value = art.lex.cues["package_value"].search(sentence, clause[0], clause[1]) if following else None
    if (
        value
        and sentence[clause[0] : value.start()].rstrip().endswith(",")
        and not find_money(following, art.lex)
    ):
        # "The fourth package, worth $500m, was announced by Canada": a package told by its value takes the
        # tense and the doubt of the verb after it.
        tail = clause_cues(following, art.lex, art.published)
        cues.recap_weak = cues.recap_weak or tail.recap_weak
        cues.recap_strong = cues.recap_strong or tail.recap_strong
        cues.hedge = cues.hedge or tail.hedge
    parallel = art.lex.parallel_opener
    if k > 0 and parallel is not None and parallel.match(sentence, clause[0]) and cues.past_verb:
        # "Belgium recently announced €100m, while Canada pledged US$500m, Germany US$500m": past acts set
        # side by side with a recap are background too, unless the clause dates itself or says "new".
        head = clause_cues(sentence[clauses[k - 1][0] : clauses[k - 1][1]], art.lex, art.published)
        if head.recap_strong and not (cues.future or cues.marked_new or cues.day or cues.month_named):
            cues.recap_strong = True
    if k > 0 and cues.recap_strong and cues.day is None and not cues.month_named:
        cues = _list_item_of_news(sentence, clauses, clause, cues, art)
    lead = sentence.find(",")
    if 0 < lead <= _OPENING_PHRASE_CHARS and art.lex.cues["share_cues"].search(sentence[:lead]):
        # "Of the total, €30bn will go to ..., while €60bn will ...": every amount after it is a part.
        if not find_money(sentence[:lead], art.lex):
            cues.share = True
    return cues


def _new_only_for_another(
    sentence: str, clause: tuple[int, int], money: Money, monies: list[Money], lex: Lexicon
) -> bool:
    """Every new-commitment marker of the clause stands right before another amount of it ("another $37.7bn")."""
    others = [m for m in monies if m is not money and clause[0] <= m.start < clause[1]]
    marks = list(lex.cues["new_markers"].pattern.finditer(sentence, clause[0], clause[1]))

    def right_before(mark: re.Match[str], m: Money) -> bool:
        gap = sentence[mark.end() : m.start]
        return m.start >= mark.end() and len(gap) <= 24 and len(gap.split()) <= 2

    return bool(others and marks) and all(
        any(right_before(mark, o) for o in others) and not right_before(mark, money) for mark in marks
    )


def _list_item_of_news(
    sentence: str, clauses: list[tuple[int, int]], clause: tuple[int, int], cues: ClauseCues, art: _Article
) -> ClauseCues:
    """ "Five allies announced new pledges this week, including Canada (€171m), as well as Norway, Poland and
    Germany which committed a combined €429m": an item of a list the opening clause announces as new tells of
    that news; its relative clause ("which committed") is no recap. Any other recap cue of the item stands."""
    head = clause_cues(sentence[clauses[0][0] : clauses[0][1]], art.lex, art.published)
    opener = art.lex.cues["list_openers"].pattern.search(sentence, clauses[0][0], clause[0])
    if opener is None or head.recap_strong or is_past(head, art.published):
        return cues
    text = sentence[clause[0] : clause[1]]
    # the clause read without its relative pronoun: "which had already committed" still recaps
    blanked = art.lex.relative_word.sub(lambda m: " " * len(m.group(0)), text)
    if blanked != text and not art.lex.cues["recap_strong"].fires(blanked):
        return replace(cues, recap_strong=False, marked_new=True)
    return cues


def _aid_context(art: _Article, index: int, sentence: str) -> bool:
    """The sentence, or one of the two before it (or the headline, for the first two), is about aid ("PURL",
    "Ukraine", "military aid", ...). A headline lends its context only to an article, not to one quoted sentence."""
    cue = art.lex.cues["aid_context"]
    if cue.search(sentence) or (index < 2 and len(art.spans) > 2 and art.headline_aid):
        return True
    return any(cue.search(art.text, *art.spans[j]) for j in range(max(0, index - 2), index))


def _pledge_confidence(
    money: Money, cues: ClauseCues, donors: tuple[str, ...], donor_how: str, program_how: str,
    currency_note: str | None, sentence: str, lex: Lexicon, several_amounts: bool, denied: bool = False,
) -> float:  # fmt: skip
    c = 0.75
    if cues.pledge_verb:
        c += 0.1
    if program_how in ("local", "sentence"):
        c += 0.05
    if money.explicit:
        c += 0.05
    elif currency_note:
        c -= 0.05
    if cues.hedge or denied:
        c -= 0.4
    if donor_how in ("anaphora", "currency", "numbered group"):
        c -= 0.1
    # ("the three countries will allocate $500m": a counted group acts as one)
    if (
        len(donors) > 1
        and donor_how
        not in ("from", "numbered group", "anaphora")  # (a group read before: its own sentence judged it)
        and not lex.cues["joint_cues"].search(sentence)
        # "Norway, Poland and Germany committed a combined €429m": told as one sum of theirs
        and not lex.cues["joint_total"].search(sentence)
    ):
        # "A and B gave $30m and $12m": who gave which? "Ukraine will receive $71m from A and B": most often
        # the outlet's sum of two pledges, not one joint package.
        c -= 0.35 if several_amounts else 0.25 if donor_how == "after" else 0.1
        if len(donors) >= 3 and money.qualifier == "lower_bound":
            # "five countries committed more than $1bn": a joint package states its price; "more than"
            # over many givers is most often the outlet's sum of their separate pledges.
            c -= 0.2
    return round(max(0.05, min(0.99, c)), 2)


# Between a collective and its verb: "allies have (also) pledged", "partners will now give".
_AUX_AFTER = re.compile(r"\s+(?:(?:have|has|had|will|would|also|now|jointly|together|already)\s+){0,3}")
# Words of the pledge-verb list that are not verbs ("another", "new", "further" mark an amount).
_NOT_A_VERB = re.compile(r"(?i:another|new|further|additional|extra|contribution|funding)")


def _collective_acts(lex: Lexicon, sentence: str, lo: int, hi: int) -> bool:
    """A collective with a giving verb right after it ("allies pledging", "partners providing") between
    ``lo`` and ``hi``: it, not a country named before it, gives the amount that follows."""
    for m in lex.cues["collective"].pattern.finditer(sentence, lo, hi):
        if lex.acting_after_re is not None and lex.acting_after_re.match(sentence, m.end()):
            return True
        # "John Healey said that at the meeting allied countries pledged €21bn": the collective is the subject
        # of the giving verb right after it (an auxiliary or adverb may stand between), in a clause of its own
        # (not the noun of a group, "The NB8 countries announced", nor an apposition, "as the first of the
        # NATO allies")
        gap = sentence[lo : m.start()]
        if not gap.strip() or not (
            "," in gap
            or lex.cues["negation_subordinators"].search(gap)
            or lex.cues["speech_verbs"].search(gap)
        ):
            continue
        verb = _AUX_AFTER.match(sentence, m.end())
        after = verb.end() if verb else m.end()
        found = lex.cues["pledge_verbs"].pattern.match(sentence, after)
        if found is not None and found.group(0).strip() and not _NOT_A_VERB.fullmatch(found.group(0).strip()):
            return True
    return False


def _assign_donors(
    art: _Article, index: int, sentence: str, monies: list[Money], groups: list[DonorGroup]
) -> list[_Assigned]:
    """For each amount, (donor codes, how found, members): the nearest giver group before it, else after
    it, else, for a pronoun subject ("It will also give ..."), the donor of the article's latest pledge or
    of the previous sentence. ``members`` are the mentions of a group before the amount, as (codes, end
    offset), for distributive lists ("A and B will each give ..."); empty otherwise."""
    out: list[_Assigned] = []
    pronoun = art.lex.anaphora_re.match(sentence)  # "It will also give ...", "The government ..."
    sources: list[DonorGroup] = []  # the groups named as the source of an amount ("$146m from Canada")
    if len(monies) > 1 and art.lex.cues["respectively"].search(sentence):
        lead = [g for g in groups if g.end <= monies[0].start]
        if lead and 1 < len(lead[-1].members) <= len(monies):
            out = [(tuple(sorted(codes)), "respectively", ()) for codes in lead[-1].members]
    for i, money in enumerate(monies):
        if i < len(out):
            continue
        lo = monies[i - 1].end if i > 0 else 0
        hi = monies[i + 1].start if i + 1 < len(monies) else len(sentence)
        source = _amount_from(art.lex, sentence, money, groups, hi)
        # ("$146m from Canada, and $800,000 from a trust fund": a country named as the source of an amount
        # before is not a giver of this one)
        window = [g for g in groups if g.start >= lo and g.end <= money.start and g not in sources]
        if source is not None:
            out.append((source.codes, "from", ()))
            sources.append(source)
            continue
        if window and _collective_acts(art.lex, sentence, window[-1].end, money.start):
            # "Britain will send drones ..., with allies pledging a £450m boost": the allies give it
            out.append(((), "a collective acts", ()))
            continue
        if window:
            out.append((window[-1].codes, "before", _members(window[-1])))
            continue
        after = [g for g in groups if g.start >= money.end and g.end <= hi]
        # (not the pronoun subject itself: Czech "Země" is "the country" as well as "countries")
        collective_before = (
            art.lex.cues["collective"].search(sentence, max(lo, pronoun.end() if pronoun else 0), money.start)
            is not None
        )
        if after and art.lex.cues["umbrella_after"].search(
            sentence, money.conversion_end or money.end, after[0].start
        ):
            # "The €21 billion also includes the UK's £4.5bn commitment": the country after "includes" gives
            # the part, not the whole.
            after = []
        if after and collective_before:
            # "Foreign donors have provided CZK 93.3bn ..., with the Czech Republic contributing CZK 1.7bn": the
            # collective named before the amount gives it, not the country named after.
            after = []
        earlier = [g for g in groups if g.end <= money.start and g not in sources]
        named = art.lex.giver_phrase_re
        giver_after = next((g for g in after if named and named.search(sentence, money.end, g.start)), None)
        if (
            giver_after is None
            and pronoun
            and after
            and _aside_between(sentence, money, after[0].start, art.lex)
        ):
            # "The government has announced a further £450m, as the UK and Germany prepare to host ...": the
            # countries of an aside do not give what the pronoun subject gives (a speaker does: "The government
            # approved €40m ..., Croatia said").
            after = []
        if giver_after is not None:
            out.append((giver_after.codes, "after", ()))  # "..., will come from Norway via ..."
            sources.append(giver_after)
        elif i == 0 and after:
            out.append((after[0].codes, "after", ()))
        elif earlier:
            out.append((earlier[-1].codes, "before", _members(earlier[-1])))
        elif after:
            out.append((after[0].codes, "after", ()))
        elif (
            len(groups) == 1
            and groups[0].start >= monies[-1].end
            and art.lex.speaker_after_re is not None
            and art.lex.speaker_after_re.match(sentence, groups[0].end)
        ):
            # "... 100m kroner for X, 372 million for PURL and 80 million for fuel, Denmark said": the one
            # giver, speaking after the whole list, gives each of its amounts.
            out.append((groups[0].codes, "after", ()))
        elif numbered := _numbered_group(art, index, sentence, lo, money.start):
            # "The UK, Sweden, Norway and the Netherlands fund a new package. Together the four countries are
            # raising €420m": the count names the givers of the sentence before.
            out.append((numbered, "numbered group", ()))
        elif collective_before:
            # "He noted that coalition members have made a joint €180m ...": theirs, not an earlier giver's.
            out.append(((), "none", ()))
        elif (
            pronoun
            and art.last_joint is not None
            and index - art.last_joint[0] <= 2
            and art.lex.cues["program_references"].search(pronoun.group(0))
        ):
            # "Denmark, together with Norway and Sweden, will contribute DKK 580m ... The total value of the
            # package is about $500m": the package is the giver's and its partners'.
            out.append((art.last_joint[1], "anaphora", ()))
        elif (pronoun or _amount_led(sentence, money, art.lex)) and (
            earlier_donors := _earlier_donors(art, index)
        ):
            # "It will also give ...", "A further €100m will be provided under PURL": the giver before.
            out.append((earlier_donors, "anaphora", ()))
        elif pronoun and _publisher_gives(art):
            # "The government will allocate €22m" on a Lithuanian site with no country named before it:
            # a national outlet's (or ministry's) "the government" is its own country's.
            out.append(((art.source_country,), "anaphora", ()))
        elif (
            art.lex.anaphora_late_re.match(sentence)
            and money.explicit
            and money.currency in art.lex.currency_countries
        ):
            # "The government will add 7.5 billion Danish kroner" with no country named anywhere before:
            # the government that budgets in kroner is Denmark's.
            out.append(((art.lex.currency_countries[money.currency],), "currency", ()))
        elif i > 0 and out[-1][1] == "anaphora" and out[-1][0]:
            # "Meanwhile, $2m will be provided to the humanitarian fund along with $1.5m to the UNHCR, $500,000
            # towards NGOs ...": the list goes on with the giver its first amount took from before
            out.append((out[-1][0], "anaphora", ()))
        else:
            out.append(((), "none", ()))
    return [(codes, how if codes else "none", members) for codes, how, members in out]


def _aside_between(sentence: str, money: Money, end: int, lex: Lexicon) -> bool:
    """A comma and an aside opener ("as", "ahead of") between the amount and ``end``."""
    return any(
        lex.cues["aside_openers"].pattern.match(sentence, m.end())
        for m in re.finditer(r",\s*", sentence[:end])
        if m.start() >= (money.conversion_end or money.end)
    )


def _amount_from(
    lex: Lexicon, sentence: str, money: Money, groups: list[DonorGroup], hi: int
) -> DonorGroup | None:
    """The giver named right after the amount as its source ("$275 million from Sweden, $90 million from
    Norway", "a €1 billion drone package from Norway"): it, not the donor before, gives that amount."""
    if lex.amount_from_re is None:
        return None
    end = _after_amount(sentence, money)
    package = lex.cues["container_nouns"].pattern.match(sentence[end:])  # (its "^" is the slice's start)
    for g in groups:
        if end <= g.start <= hi:
            gap = [end] + ([end + package.end()] if package and end + package.end() <= g.start else [])
            return g if any(lex.amount_from_re.fullmatch(sentence, a, g.start) for a in gap) else None
    return None


def _nearest_larger(
    art: _Article, index: int, donors: tuple[str, ...], money: Money
) -> tuple[int, tuple[str, ...], float, str] | None:
    """The latest amount before this sentence of the same givers and currency that is larger than ``money``."""
    return next(
        (
            e
            for e in reversed(art.seen)
            if e[0] < index and e[1] == donors and e[3] == money.currency and e[2] > money.amount
        ),
        None,
    )


_OPENER = re.compile(OPENER)


def _opener_end(sentence: str) -> int:
    """Where the sentence's subject starts, after an opening adverb and its comma ("Additionally, ...")."""
    m = _OPENER.match(sentence)
    return m.end() if m else 0


# A colon, or a spaced dash, opens the breakdown of the amount before it ("€20m for the drone coalition this
# year - at least €10m for X, €5m for Y").
_BREAKDOWN_MARK = re.compile(r":|\s[-–—]\s")


def _broken_down_after_colon(sentence: str, monies: list[Money], i: int, donors_of: list[_Assigned]) -> bool:
    """A smaller amount after a colon (or a spaced dash) that follows a larger one of the same donors and
    currency in the same sentence: the mark opens its breakdown."""
    money = monies[i]
    for k in range(i):
        whole = monies[k]
        if (
            whole.currency == money.currency
            and whole.amount > money.amount
            and donors_of[k][0] == donors_of[i][0]
            and _BREAKDOWN_MARK.search(sentence, whole.conversion_end or whole.end, money.start)
        ):
            return True
    return False


# How far before an amount Ukraine's name makes it the recipient ("Ukrayna'ya 50 milyon euro", "Ukrainie 50 mln"),
# with only a case ending and spaces between ("to Ukraine and €40m to Moldova": the name is the amount before's).
_RECIPIENT_REACH = 24
_RIGHT_BEFORE = re.compile(r"[\w'’]*[\s,]*")


def _goes_elsewhere(sentence: str, clause: tuple[int, int], money: Money, hi: int, lex: Lexicon) -> bool:
    """The amount's recipient is another country: one named after a recipient word between the amount and
    the next one ("€4bn in financial aid for Egypt", "50 million euros to Moldova"), else before it in its
    clause ("will provide North Macedonia with €80m"), with no word of Ukraine on the way ("€100m to
    Germany for IRIS-T systems for Ukraine" is aid to Ukraine)."""
    if lex.other_recipient_re is None:
        return False
    if lex.shared_recipient_re is not None and lex.shared_recipient_re.search(sentence, clause[0], hi):
        return False  # Ukraine with others ("Ukrayna ve Moldova'ya"): shared money, for review, not elsewhere
    end = money.conversion_end or money.end
    if lex.other_recipient_re.search(sentence, end, hi):
        # "Almanya, Ukrayna'ya 50 milyon euro, Moldova'ya ise 10 milyon euro": Ukraine named right before the
        # amount receives it; the recipient after is the next amount's.
        named = list(
            lex.ukraine_re.finditer(sentence, max(clause[0], money.start - _RECIPIENT_REACH), money.start)
        )
        if named and _RIGHT_BEFORE.fullmatch(sentence, named[-1].end(), money.start):
            return False
        return not lex.ukraine_re.search(sentence, end, hi)
    # ("Insieme alla Germania, l'Italia stanzierà ...", "Junto a Francia, Alemania aportará ...": an opening
    # phrase set off by a comma names a companion of the giver after it, not a recipient)
    opening = sentence.find(",", clause[0])
    lead = opening if 0 <= opening - clause[0] <= _OPENING_PHRASE_CHARS + 8 and opening < money.start else -1
    before = [m for m in lex.other_recipient_re.finditer(sentence, clause[0], money.start) if m.end() > lead]
    return bool(before) and not lex.ukraine_re.search(sentence, before[-1].start(), hi)


# What may stand before the amount that opens a sentence with no subject of its own: a list mark, an
# article (the lexicon's ``lead_articles``), a qualifier ("Approximately"), a new-commitment marker ("A
# further", "An additional").
_LIST_MARK = re.compile(r"[\W_]*")


def _amount_led(sentence: str, money: Money, lex: Lexicon) -> bool:
    """The sentence opens with this amount ("Approximately $680 million for the purchase of ...", "A further
    €100 million will be provided under ..."): its giver is the one the text named before."""
    # (after an opening adverb: "Meanwhile, $2 million will be provided to the humanitarian fund")
    pos = max(_LIST_MARK.match(sentence).end(), _opener_end(sentence))
    tail = sentence[_after_amount(sentence, money) :].split()
    if (
        not _BULLET.match(sentence)
        and len(tail) <= 2
        and not any(lex.cues["purpose_words"].pattern.fullmatch(w) for w in tail)
        and not _SENTENCE_END.search(sentence.rstrip())
    ):
        return False  # "$50 billion loan": a heading names a topic, it gives nothing
    article = lex.cues["lead_articles"].pattern.match(sentence, pos)
    if article and sentence[article.end() : article.end() + 1].isspace():
        pos = article.end()
    words = sentence[pos : money.start].strip()
    if not words:
        return True
    return (
        lex.qualifier_re.fullmatch(words + " ") is not None
        or lex.cues["new_markers"].pattern.fullmatch(words) is not None
    )


def _negation_after_in_own_clause(sentence: str, clause: tuple[int, int], money: Money, lex: Lexicon) -> bool:
    """Every negation of the clause comes after the amount, each behind a subordinator ("so", "that"):
    it denies something else ("... €80m in winter aid so Moscow sees it will not win")."""
    negations = list(lex.cues["negations"].pattern.finditer(sentence, clause[0], clause[1]))
    end = money.conversion_end or money.end
    if not negations or negations[0].start() < end:
        return False
    subordinator = lex.cues["negation_subordinators"].search(sentence, end, negations[0].start())
    return subordinator is not None


def _earlier_donors(art: _Article, index: int) -> tuple[str, ...]:
    """The giver named before: of the latest pledge, the sentences just before, any amount, the headline."""
    return (
        art.last_pledge_donors
        or _previous_donors(art, index)
        or next((d for _, d, _, _ in reversed(art.seen) if d), ())
        or art.headline_donors
        # "New Zealand's support for Ukraine has been expanded ... (two sentences on training) ... Meanwhile, $2m
        # will be provided to the humanitarian fund": the lead's giver, when nothing nearer names one
        or _previous_donors(art, min(index, 2))
    )


def _pronoun_donors(art: _Article, index: int) -> tuple[str, ...]:
    """Who a pronoun subject ("It", "The government") stands for once the PURL seller is set aside: the
    giver named before, else the publisher's own country."""
    earlier = tuple(d for d in _earlier_donors(art, index) if d not in art.lex.purl_sellers)
    if earlier:
        return earlier
    return (art.source_country,) if _publisher_gives(art) and art.source_country else ()


def _publisher_gives(art: _Article) -> bool:
    code = art.source_country
    return bool(code) and code not in art.lex.never_donors and code not in art.lex.non_aid_subjects


def _members(group: DonorGroup) -> _Members:
    """The group's mentions; a group name whose members are spelled out after it ("the Nordic-Baltic
    Eight (Denmark, ...)") is left out, as in ``group_donors``."""
    mentions = tuple(zip(group.members, group.starts, group.ends, strict=True))
    singles = {codes for codes, _, _ in mentions if len(codes) == 1}
    return tuple(m for m in mentions if len(m[0]) == 1 or sum((c,) in singles for c in m[0]) < 2)


_WORD_AHEAD = re.compile(r"\s+(?:[^\W\d_][\w'’]*-)?")
_SKIP_WORD = re.compile(r"\s+[^\W\d_][\w'’-]*")


def _counted_noun(sentence: str, pos: int, hi: int, lex: Lexicon) -> bool:
    """A collective noun within three words after ``pos`` (a hyphenated prefix allowed: "NAVO-landen")."""
    for _ in range(4):
        ahead = _WORD_AHEAD.match(sentence, pos)
        if ahead is None:
            return False
        noun = lex.cues["collective"].pattern.match(sentence, ahead.end())
        if noun is not None and noun.end() <= hi:
            return True
        word = _SKIP_WORD.match(sentence, pos)
        if word is None:
            return False
        pos = word.end()
    return False


def _numbered_group(art: _Article, index: int, sentence: str, lo: int, hi: int) -> tuple[str, ...]:
    """The givers a counted collective before the amount stands for ("the four countries", "de vier
    Noordwest-Europese NAVO-landen"): the giver group this sentence names before the count, else the
    givers the sentences before name (nearest first, up to three back), when they are exactly that many,
    else a group of exactly that many in the eight sentences after; () when the count matches none."""
    lex = art.lex
    for m in lex.count_re.finditer(sentence, lo, hi):
        word = m.group(0).lower()
        n = int(lex.number_words.get(word, 0) or (int(word) if word.isdigit() else 0))
        if not n or not _counted_noun(sentence, m.end(), hi, lex):
            continue
        before = group_donors(sentence[: m.start()], find_donors(sentence[: m.start()], lex), lex)
        if before:
            if len(before[-1].codes) == n:
                return before[-1].codes
            continue
        # the givers named in the sentences before, nearest first, until there are that many; else with the
        # partners named beside them ("Poland, together with Germany and Norway, backed PURL")
        named: set[str] = set()
        mentioned: set[str] = set()
        for j in range(index - 1, max(-1, index - 4), -1):
            a, b = art.spans[j]
            mentions = find_donors(art.text[a:b], lex)
            named |= {c for g in group_donors(art.text[a:b], mentions, lex) for c in g.codes}
            mentioned |= {c for m in mentions for c in m.codes} - lex.never_donors - lex.purl_sellers
            if len(named) >= n or len(mentioned | named) >= n:
                break
        for found in (named, mentioned | named):
            if len(found) == n:
                return tuple(sorted(found))
        # a lead that counts the givers the story names further down ("On 13 November, eight European
        # countries announced $500m ... Denmark, Estonia, ..., Norway and Sweden will finance ..."): one
        # group of exactly that many, in the sentences after
        for j in range(index + 1, min(len(art.spans), index + 9)):
            a, b = art.spans[j]
            later = group_donors(art.text[a:b], find_donors(art.text[a:b], lex), lex)
            if any(len(g.codes) == n for g in later):
                return next(g.codes for g in later if len(g.codes) == n)
    return ()


def _previous_donors(art: _Article, index: int) -> tuple[str, ...]:
    """The first giver group of the nearest earlier sentence (two back at most) that names one."""
    for j in range(index - 1, max(-1, index - 3), -1):
        if j not in art.donor_cache:
            start, end = art.spans[j]
            sentence = art.text[start:end]
            groups = group_donors(sentence, find_donors(sentence, art.lex), art.lex)
            art.donor_cache[j] = groups[0].codes if groups else ()
        if art.donor_cache[j]:
            return art.donor_cache[j]
    return ()


def _umbrella_roles(
    sentence: str, monies: list[Money], donors_of: list[_Assigned], cues: ProgramCues, lex: Lexicon,
) -> dict[int, str]:  # fmt: skip
    """Package totals followed by their parts ("AUD 95m package includes AUD 50m for PURL, ...").

    Parts of a joint package given by single members are shares. Parts with their own programme make
    the total an aggregate (the parts are the pledges), as does a total only referred to ("Of the
    $500m package, Sweden pays $275m"). Otherwise the parts are shares of the total. An amount
    introduced by "as part of a" contains the pledge before it ("container": an aggregate).
    """
    roles: dict[int, str] = {}
    if len(monies) == 1:
        # "The donation is funded as part of new CAD500m ...": a thing told before, and the money it comes from
        opening = lex.cues["container_before"].search(sentence, 0, monies[0].start)
        if opening is not None and opening.start() < 3:
            roles[0] = "container"
    for i, money in enumerate(monies):
        if i > 0 and (
            lex.cues["container_before"].search(sentence, monies[i - 1].end, money.start)
            or (lex.cues["container_to_before"].search(sentence, monies[i - 1].end, money.start)
                and lex.cues["container_nouns"].search(sentence[money.end : money.end + 40])
                and donors_of[i][0] == donors_of[i - 1][0])
        ):  # fmt: skip
            roles[i] = "container"
    for i, money in enumerate(monies[:-1]):
        if lex.cues["part_of_between"].search(sentence[money.end : monies[i + 1].start]):
            # "AUD 50m of the new AUD 100m package goes to air defence, AUD 30m to drones": a breakdown of
            # the second amount; the amounts after it are its parts too.
            roles.update({j: "part" for j in range(i, len(monies)) if j != i + 1})
            roles[i + 1] = "total"
            return roles
    for i, money in enumerate(monies[:-1]):
        nxt = monies[i + 1]
        before = lex.umbrella_before.search(sentence, 0, money.start)
        after = lex.cues["umbrella_after"].search(sentence, money.end, nxt.start)
        if after and lex.next_item_re.search(sentence, after.end(), nxt.start):
            after = None  # "€100m in equipment, including for demining, and €25m for energy": a second item
        if not before and not after:
            continue
        parts = range(i + 1, len(monies))
        total_donors = set(donors_of[i][0])
        if len(total_donors) > 1 and all(
            len(donors_of[j][0]) == 1 and set(donors_of[j][0]) <= total_donors for j in parts
        ):
            roles.update({j: "part" for j in parts})
        elif any(
            cues.first_in(monies[j].end, monies[j + 1].start if j + 1 < len(monies) else len(sentence))
            for j in parts
        ):
            if _parts_cover(money, [monies[j] for j in parts]):
                # ("€29m, of which €15m is humanitarian aid and €14m military aid": each part is a pledge in its
                # own programme, whatever share word introduces it)
                roles[i] = "total"
                roles.update({j: "own" for j in parts})
            else:
                # "€29m, of which €15m is humanitarian aid": the rest of the package is not told; the whole
                # goes to review rather than vanish
                roles[i] = "partial"
        else:
            roles.update({j: "part" for j in parts})
        if before:
            roles[i] = "total"  # "Of the $500m package, ...": the total is referred to, not pledged
        break
    return roles


def _parts_cover(total: Money, parts: list[Money]) -> bool:
    """The parts told after a total add up to it (within 1 %, in its currency): the package is told by them
    ("Denmark gives €29m, of which €15m is humanitarian aid and €14m military aid")."""
    same = [p.amount for p in parts if p.currency == total.currency]
    return len(same) == len(parts) and abs(sum(same) - total.amount) <= 0.01 * total.amount


# A restatement in another currency is a pledge's own stated conversion within this much (headlines round).
_CONVERSION_TOLERANCE = 0.05


def _restates(s: Statement, other: Statement) -> bool:
    """``s`` is ``other`` told in the currency ``other`` was converted into ("$150m" for "NOK 1.5bn
    (about $150m)"), by the same donors, elsewhere in the text."""
    if other is s or other.start == s.start or other.donors != s.donors or other.conversion is None:
        return False
    amount, code = other.conversion
    return code == s.currency and amount > 0 and abs(s.amount - amount) <= _CONVERSION_TOLERANCE * amount


# The note an amount's qualifier leaves ("more than" -> lower_bound, "about" -> approximate).
_QUALIFIED = "amount qualified: {}"
_LOWER_BOUND = _QUALIFIED.format("lower_bound")
_ROUNDED = (_LOWER_BOUND, _QUALIFIED.format("approximate"))


def _rounded(s: Statement) -> bool:
    return any(n in _ROUNDED for n in s.notes)


def _rounds(s: Statement, exact: Statement) -> bool:
    """``s`` ("more than half a billion kronor", "about €100m") rounds ``exact``, a precise pledge of the same
    givers and currency told before it ("SEK 600m"), in the same programme unless one of them has it only by
    default: a quote or a lead restating the figure."""
    if exact.start >= s.start or s.start - exact.start > _SHARE_REACH or exact.amount == s.amount:
        return False
    if (exact.donors, exact.currency) != (s.donors, s.currency):
        return False
    if exact.program != s.program and "programme: default" not in (*exact.trace, *s.trace):
        return False  # (a programme neither names is the default one, no evidence of other money)
    if _LOWER_BOUND in s.notes:
        return s.amount < exact.amount <= 1.5 * s.amount
    return abs(exact.amount - s.amount) <= 0.1 * exact.amount


# How far apart (in characters) a member's amount and the joint package it is a share of may stand: a
# few paragraphs, as a news story tells the package first and its split later.
_SHARE_REACH = 3000


def _for_military(sentence: str, lex: Lexicon) -> bool:
    """The sentence tells of military aid only ("a new C$2bn military aid package")."""
    return lex.cues["military_aid"].fires(sentence) and not lex.cues["civilian_aid"].fires(sentence)


def _for_civilian(sentence: str, lex: Lexicon) -> bool:
    """The sentence tells of civilian aid only ("a further $31m for humanitarian relief")."""
    return lex.cues["civilian_aid"].fires(sentence) and not lex.cues["military_aid"].fires(sentence)


def _larger_in(whole: Statement, part: Statement) -> bool:
    """``whole`` is larger than ``part`` in the part's currency: as stated, or as the text converted it ("DKK
    1.4bn (≈ $196m)" beside "$57.7m to PURL")."""
    if whole.currency == part.currency:
        return whole.amount > part.amount
    return (
        whole.conversion is not None
        and whole.conversion[1] == part.currency
        and whole.conversion[0] > part.amount
    )


def _breakdowns(
    statements: list[Statement], heads: list[tuple[int, int]] | None = None, lex: Lexicon | None = None
) -> list[Statement]:
    """A pledge followed by smaller amounts of the same givers and currency that add up to it ("a further
    NZ$16m ... an additional $6m in military assistance and $10m in humanitarian assistance"): those amounts
    are its parts, not pledges of their own."""
    parts_of: dict[int, int] = {}
    sums: set[int] = set()
    by_programme: dict[int, list[int]] = {}
    # a whole with no programme of its own -> the one programme all its parts name
    retitled: dict[int, str] = {}
    for w, whole in enumerate(statements):
        if whole.kind != Kind.PLEDGE or w in parts_of:
            continue
        # (a part in its own programme may be broken down again: "$6m in military assistance ... Of the
        # military assistance, $2m will support healthcare and $4m will go to the drone coalition")
        siblings = next((set(run) for run in by_programme.values() if w in run), set())
        run: list[int] = []
        total = 0.0
        for k in range(w + 1, len(statements)):
            if k in siblings:
                continue
            part = statements[k]
            if any(a <= part.start < b for a, b in heads or ()):
                continue  # a subheading restates a part the body tells ("Australia joins NATO scheme with $50m")
            if part.kind not in (Kind.PLEDGE, Kind.SHARE):
                continue  # (parts in the whole's own sentence count too: "a package of €500m in two measures,
                # (i) ... €50m and (ii) ... €450m")
            if part.donors != whole.donors or part.currency != whole.currency:
                continue
            if part.amount >= whole.amount:
                if part.kind == Kind.SHARE:
                    continue  # a part of something larger (a running total's "including $1.5bn in military aid")
                break
            run.append(k)
            total += part.amount
            if len(run) >= 2 and abs(total - whole.amount) <= 0.01 * whole.amount:
                parts = [statements[k2] for k2 in run]
                if _headline_sum(whole, parts):
                    sums.add(w)
                elif len({p.program for p in parts}) > 1 and any(
                    _OWN_PROGRAMME & set(p.trace) for p in parts
                ):
                    # "a new AUD 95m package ... AUD 50m to PURL, AUD 43m of ADF equipment, AUD 2m for the
                    # drone coalition": told by its parts, each in its own programme. The parts are the
                    # pledges (each dollar once, in the programme it goes to); the package is their sum.
                    by_programme[w] = run
                else:
                    parts_of.update({k2: w for k2 in run})
                    own = {p.program for p in parts if _OWN_PROGRAMME & set(p.trace)}
                    if len(own) == 1 and not _OWN_PROGRAMME & set(whole.trace):
                        # "$120m in new aid ... $70m for energy repairs and $50m for demining": the parts say
                        # what the whole is for
                        retitled[w] = own.pop()
                break
            if total > whole.amount * 1.01:
                break
    # A package's PURL line told in a sentence of its own ("Australia's $95m package ... The support includes a
    # $50m contribution to PURL"), its other lines untold: the PURL money is a pledge in PURL (each dollar
    # once, in the programme it goes to, as when the parts are told in the package's sentence), and the
    # package, told only in part, is left for an analyst.
    told_apart: dict[int, int] = {}  # PURL line -> its package
    for k, line in enumerate(statements):
        if not (line.kind == Kind.SHARE and _PART_RULE in line.trace and line.program == PURL
                and "programme: local" in line.trace and not line.co_givers):  # fmt: skip
            continue
        whole = next(
            (w for w in range(k - 1, -1, -1)
             if statements[w].kind == Kind.PLEDGE and statements[w].donors == line.donors
             and _larger_in(statements[w], line) and statements[w].start < line.start),
            None,
        )  # fmt: skip
        if whole is not None and whole not in parts_of and whole not in by_programme and whole not in sums:
            told_apart[k] = whole
    packages = set(told_apart.values())
    # A package's value, then smaller sums of the same givers and currency in later sentences that do not
    # add up to it ("a new package worth NZ$16m ... will contribute NZ$4m to two funds ... will also provide
    # NZ$7m for humanitarian aid"): most likely its lines, perhaps new money; counted as pledges they could
    # count the package twice. An analyst decides.
    # So are those after a pledge the text goes on to break down ("€817m in new aid ... €615m of the total
    # aid ... will also provide €202m for reconstruction").
    doubtful: set[int] = set()
    for w, whole in enumerate(statements):
        if whole.kind != Kind.PLEDGE or w in parts_of or w in sums or w in by_programme:
            continue
        broken_down = any(
            s.kind == Kind.SHARE and _PART_RULE in s.trace and s.donors == whole.donors
            and s.currency == whole.currency and s.amount < whole.amount
            for s in statements[w + 1 :]
        )  # fmt: skip
        if PACKAGE_VALUE not in whole.trace and not broken_down:
            continue
        total = 0.0
        military = lex is not None and _for_military(whole.quote, lex)
        for k in range(w + 1, len(statements)):
            part = statements[k]
            if part.kind != Kind.PLEDGE or part.start == whole.start or k in parts_of:
                continue
            if part.donors != whole.donors or part.currency != whole.currency:
                continue
            if military and lex is not None and _for_civilian(part.quote, lex):
                continue  # "a C$2bn military aid package ... a further $31m for humanitarian relief": its own
            if w in packages and part.program != PURL:
                continue  # a package left for review, its PURL line told apart: its other lines are the pledges
            total += part.amount
            if part.amount >= whole.amount or total > whole.amount * 1.01:
                break
            doubtful.add(k)
    in_run = {k for run in by_programme.values() for k in run}  # the parts that are pledges of their own
    statements = [
        replace(s, confidence=min(s.confidence, _DOUBTFUL),
                notes=(*s.notes, "probably a line of the package stated before (its amounts do not add up to it)"))
        if i in doubtful and i not in parts_of and i not in in_run
        else s
        for i, s in enumerate(statements)
    ]  # fmt: skip
    statements = [
        _rekind(s, Kind.PLEDGE, "the PURL line of a package told before: a pledge in PURL",
                "a package's PURL line, told in a sentence of its own")
        if i in told_apart
        else replace(s, confidence=min(s.confidence, _DOUBTFUL),
                     notes=(*s.notes, "a package whose PURL line is told apart: its other lines are untold"))
        if i in packages
        else s
        for i, s in enumerate(statements)
    ]  # fmt: skip
    # A package given PURL only by the article's topic (or, told only in part, by its own PURL line), whose
    # PURL money the text names as a part of it ("a new $95m package ... a $50m contribution to PURL", "SEK
    # 12.9bn ..., of which about SEK 1bn for PURL"), is a mixed package: the giver's own, not all of it PURL.
    statements = [
        replace(s, program=BILATERAL, notes=(*(n for n in s.notes if n != _ARTICLE_PROGRAMME),
                                             "a package with a PURL part: not all of it PURL"))
        if s.kind == Kind.PLEDGE and s.program == PURL
        and ("programme: article" in s.trace or (_TOLD_IN_PART in s.trace and "programme: sentence" in s.trace))
        and any(
            p.donors == s.donors and p.amount < s.amount and p.program == PURL and "programme: local" in p.trace
            for p in statements[w + 1 :]
        )
        else s
        for w, s in enumerate(statements)
    ]  # fmt: skip
    # The package told again elsewhere ("The $16m package brings the total to ...") is the same sum.
    sums_by_programme = {
        (statements[w].donors, round(statements[w].amount), statements[w].currency) for w in by_programme
    }
    by_programme.update({
        i: [] for i, s in enumerate(statements)
        if i not in by_programme and s.kind == Kind.PLEDGE and (s.donors, round(s.amount), s.currency) in sums_by_programme
        and i not in in_run
    })  # fmt: skip
    statements = [
        _rekind(s, Kind.SHARE, "its amounts add up to the pledge before: a part of it",
                "with the amounts beside it, adds up to the pledge before (a part of it)")
        if i in parts_of and s.kind == Kind.PLEDGE
        else _rekind(s, Kind.AGGREGATE, "a headline adding up the pledges told below it",
                     "a headline whose amount is the sum of pledges told apart below it")
        if i in sums
        else _rekind(s, Kind.AGGREGATE, "the sum of its parts, each in its own programme (they are the pledges)",
                     "a package told by its parts in their own programmes")
        if i in by_programme
        else _rekind(s, Kind.PLEDGE, _OWN_PART, "a part in its own programme of a package told by its parts")
        if i in in_run
        else s
        for i, s in enumerate(statements)
    ]  # fmt: skip
    statements = [
        replace(s, program=retitled[i], notes=(*s.notes, "programme from its parts"))
        if i in retitled and s.program != retitled[i]
        else s
        for i, s in enumerate(statements)
    ]
    # A part given PURL only by the article's topic, beside a part that names PURL itself ("$50m to PURL ...
    # $43m of Defence Force equipment"), is the giver's own.
    named_purl = {
        w
        for w, run in by_programme.items()
        if any(statements[k].program == PURL and "programme: local" in statements[k].trace for k in run)
    }
    mixed = {k for w in named_purl for k in by_programme[w]}
    return [
        replace(s, program=BILATERAL, notes=(*(n for n in s.notes if n != _ARTICLE_PROGRAMME),
                                             "a part beside the package's PURL part: not PURL"))
        if i in mixed and s.program == PURL and "programme: article" in s.trace
        else s
        for i, s in enumerate(statements)
    ]  # fmt: skip


_OWN_PART = "a part of a package, in its own programme: counted as its own pledge"
# The trace of a programme the statement's own words name (not the article's topic, not the default).
_OWN_PROGRAMME = {"programme: local", "programme: sentence"}


def _rekind(s: Statement, kind: str, note: str, rule: str) -> Statement:
    """``s`` decided anew by an article-level rule: its kind, a note, and the rule's name as its kind trace."""
    return replace(
        s,
        kind=kind,
        notes=(*s.notes, note),
        trace=(f"kind: {rule}", *(t for t in s.trace if not t.startswith("kind:"))),
    )


def _headline_sum(whole: Statement, parts: list[Statement]) -> bool:
    """The pledge is a headline ("Canada commits another $235M to Ukraine", first in the text and with no
    full stop) and its "parts" are pledges each told in a sentence of its own: the headline adds up
    separate announcements, it is not one package broken down."""
    if whole.start != 0 or whole.quote.rstrip().endswith((".", "!", "?", '"', "”")):
        return False
    starts = [p.start for p in parts]
    return all(p.kind == Kind.PLEDGE for p in parts) and len(set(starts)) == len(starts)


def _parts_told_alone(statements: list[Statement]) -> list[Statement]:
    """The same money told alone and as a part of a larger pledge of the same givers ("will allocate €500m
    for a drone project" ... "€2bn in accelerated support, which includes a €500m drone project") is that
    part: counted beside the whole, it would count twice."""
    wholes = [s for s in statements if s.kind == Kind.PLEDGE]
    # (a whole the ledger would count: a doubtful year's envelope the money is drawn from is no pledge that
    # holds it)
    parts = {
        (p.donors, round(p.amount), p.currency): max(
            (w.confidence for w in wholes
             if w.donors == p.donors and w.currency == p.currency and w.amount > p.amount),
            default=None,
        )
        for p in statements
        if p.kind == Kind.SHARE and _PART_RULE in p.trace
    }  # fmt: skip
    return [
        _rekind(s, Kind.SHARE, "the same money is a part of a larger pledge in the text",
                "told alone, and elsewhere as a part of a larger pledge of the same givers")
        if s.kind == Kind.PLEDGE
        and (sure := parts.get((s.donors, round(s.amount), s.currency))) is not None
        and sure >= LedgerPolicy.review_threshold
        else s
        for s in statements
    ]  # fmt: skip


def _contributors_after(
    sentence: str, money: Money, mentions: list[DonorMention], donors: tuple[str, ...], clause: tuple[int, int],
    lex: Lexicon,
) -> set[str]:  # fmt: skip
    """Countries named after a share as putting money in too ("..., supplemented by contributions from
    Norway", "together with Denmark"): a source or partner word right before the name."""
    found: set[str] = set()
    for m in mentions:
        if m.start <= money.end or m.start >= clause[1] or set(m.codes) <= set(donors):
            continue
        before = sentence[max(money.end, m.start - 30) : m.start]
        source = lex.source_before_re is not None and lex.source_before_re.search(before) is not None
        if source or lex.cues["joint_partner_strict"].search(before):
            found.update(c for c in m.codes if c not in lex.never_donors and c not in lex.purl_sellers)
    return found


def _joint_from_shares(statements: list[Statement]) -> list[Statement]:
    """A package whose share names other contributors is theirs too: "the UK has unveiled a £450m package.
    Of the total package, £350m will come from the UK, supplemented by contributions from Norway"."""
    out = list(statements)
    for share in statements:
        if share.kind != Kind.SHARE or not share.co_givers:
            continue
        for i in range(len(out) - 1, -1, -1):
            whole = out[i]
            if (
                whole.kind == Kind.PLEDGE
                and whole.start < share.start
                and set(whole.donors) <= set(share.donors)
                and whole.currency == share.currency
                and whole.amount > share.amount
            ):
                out[i] = replace(
                    whole,
                    donors=tuple(sorted(set(whole.donors) | set(share.donors) | set(share.co_givers))),
                    notes=(*whole.notes, "joint: a share told later names the other contributors"),
                )
                break
    return out


def _programme_inferred(s: Statement) -> bool:
    """Its programme is the default or the article's, not one its own sentence names: a later sentence of
    the same pledge that names one ("the €35m through UCAP") tells it."""
    return "programme: default" in s.trace or "programme: article" in s.trace


def _widest_partners(statements: list[Statement]) -> list[Statement]:
    """One joint package told twice with more partners the second time ("Poland with Germany declares a
    $500m PURL package" in the lead, "Poland, with Germany and Norway, will give $500m" in the body) is one
    pledge of all of them: a joint pledge takes the widest donor set given to the same amount, currency and
    programme in the text."""
    pledges = [s for s in statements if s.kind == Kind.PLEDGE]
    out = []
    for s in statements:
        if s.kind == Kind.PLEDGE and len(s.donors) > 1:
            wider = [
                o.donors
                for o in pledges
                if set(o.donors) > set(s.donors)
                and round(o.amount) == round(s.amount)
                and o.currency == s.currency
                and o.program == s.program
            ]
            if wider:
                widest = max(wider, key=len)
                s = replace(
                    s, donors=widest, notes=(*s.notes, "partners from a fuller statement of the same package")
                )
        out.append(s)
    return out


def _article_pass(
    statements: list[Statement], heads: list[tuple[int, int]], lex: Lexicon | None = None
) -> list[Statement]:
    """Across sentences: a single donor's amount next to a joint package of the same programme it belongs
    to is a share; a headline's pledge the body tells is the body's; the same pledge repeated in one
    article is kept once."""
    statements = _parts_told_alone(_headlines_told_by_body(_breakdowns(statements, heads, lex), heads))
    statements = _widest_partners(_joint_from_shares(statements))
    joint = [s for s in statements if s.kind == Kind.PLEDGE and len(s.donors) > 1]
    out: list[Statement] = []
    seen: set[tuple[object, ...]] = set()
    # A headline or lead with no programme word repeats the pledge the body names the programme of:
    # (kind, donors, amount, currency) -> index in ``out`` of a pledge whose programme was the default.
    defaulted: dict[tuple[object, ...], int] = {}
    named: set[tuple[object, ...]] = set()  # the same, for pledges read with a programme of their own
    converted = [s for s in statements if s.kind == Kind.PLEDGE and s.conversion is not None]
    told_before = [s for s in statements if s.kind == Kind.RECAP and s.conversion is not None]
    exact = [s for s in statements if s.kind == Kind.PLEDGE and not _rounded(s)]
    for s in statements:
        if (
            s.kind == Kind.PLEDGE
            and _rounded(s)
            and MARKED_NEW not in s.notes
            and any(_rounds(s, e) for e in exact)
        ):
            continue  # "more than half a billion kronor" after "SEK 600m" of the same giver: the same pledge, rounded
        if s.kind == Kind.PLEDGE and any(_restates(s, c) for c in converted):
            continue  # "Norway gives about $150m" beside "NOK 1.5bn (about $150m)": one pledge, in its own currency
        if s.kind == Kind.PLEDGE and any(_restates(s, c) for c in told_before):
            # "Norway's US$695m will go towards Patriots" beside the background "approved a donation of NOK 7bn
            # (US$695m)": the same money, background as it is there
            s = replace(
                s,
                kind=Kind.RECAP,
                confidence=_NON_KIND_CONFIDENCE[Kind.RECAP],
                notes=(*s.notes, "the background sum told before, in the currency the text converted it to"),
            )
        if s.kind == Kind.PLEDGE and len(s.donors) == 1:
            for js in joint:
                near = abs(js.start - s.start) <= _SHARE_REACH and js.start != s.start
                # Outside PURL, where shares come in their own currencies, only a smaller amount in the
                # package's currency is a share of it ("A, B and C announced $300m. A puts $120m in").
                # ("Denmark around DKK 400m ($53m)" beside a $500m package: its stated conversion says so.)
                within = (
                    js.program == PURL
                    or (s.currency == js.currency and s.amount < js.amount)
                    or (
                        s.conversion is not None
                        and s.conversion[1] == js.currency
                        and s.conversion[0] < js.amount
                    )
                )
                # In an article about PURL, a member's amount with no programme word of its own next to the
                # joint PURL package is its share ("Three Nordic countries to fund $500m ... Sweden is
                # pledging $275m").
                same = s.program == js.program or (js.program == PURL and _programme_inferred(s))
                if near and same and within and s.donors[0] in js.donors:
                    s = replace(
                        s,
                        kind=Kind.SHARE,
                        program=js.program,
                        notes=(*s.notes, "part of a joint package in the same text"),
                    )
                    break
        key = (s.kind, s.donors, round(s.amount), s.currency, s.program)
        if _OWN_PART in s.notes:
            # two parts of one package may be equal ("SEK 500m of military support ... SEK 500m for the
            # economy"): each is its own pledge, never a repeat of the other
            key = (*key, s.start)
        if s.kind == Kind.PLEDGE and key in seen:
            continue
        loose = key[:4] if _OWN_PART not in s.notes else key
        if s.kind == Kind.PLEDGE and _programme_inferred(s) and loose in named:
            continue  # a later repeat, with no programme word, of a pledge already read with one
        if s.kind == Kind.PLEDGE and loose in defaulted and _programme_inferred(s):
            continue  # the same pledge again, its programme still only inferred
        if s.kind == Kind.PLEDGE and loose in defaulted:
            k = defaulted.pop(loose)
            kept = out[k]
            out[k] = replace(
                kept,
                program=s.program,
                confidence=max(kept.confidence, s.confidence),
                notes=(*kept.notes, "programme from a later sentence stating the same pledge"),
            )
            seen.add(key)
            continue
        if s.kind == Kind.PLEDGE and _programme_inferred(s):
            defaulted.setdefault(loose, len(out))
        elif s.kind == Kind.PLEDGE:
            named.add(loose)
        seen.add(key)
        out.append(s)
    return out
