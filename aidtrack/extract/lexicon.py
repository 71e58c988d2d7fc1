"""Load a language's word lists once and compile them into matchers.

All language lives in ``lexicons/<language>/*.yaml`` (merged in file-name order) plus the
language-independent ``lexicons/common.yaml``. Adding Ukrainian or German means adding a directory
with the same keys; no code changes.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aidtrack.extract import cldr

LEXICON_DIR = Path(__file__).parent / "lexicons"


class LexiconError(ValueError):
    """A lexicon directory is missing or a file in it is malformed."""


def _cue_regex(entry: str) -> str:
    """A cue entry as regex source: "re:..." is raw, anything else a literal phrase on word bounds."""
    if entry.startswith("re:"):
        return entry[3:]
    body = _stemmed(re.escape(entry).replace(r"\ ", r"\s+"))
    if entry[:1].isalnum():
        body = r"(?<!\w)" + body
    if entry[-1:].isalnum() or entry.endswith("*"):
        body += r"(?!\w)"
    return body


# A word written with a trailing "*" is a stem: any ending of up to STEM_ENDING letters may follow
# ("Норвегі*" is "Норвегія", "Норвегії", "Норвегією"; "zugesag*" is "zugesagt", "zugesagte").
STEM_ENDING = 5
_STAR = re.compile(r"\\\*")


def _stemmed(escaped: str) -> str:
    """Escaped literal text with each escaped "*" turned into a bounded run of letters."""
    return _STAR.sub(rf"[^\\W\\d_]{{0,{STEM_ENDING}}}", escaped)


class WordTable:
    """Words (case-insensitive unless ``cased``) -> a value; a word ending in "*" is a stem.

    ``source`` is the regex alternation of all the words (longest first); ``get`` maps a matched text
    back to its value, exact words first, then the longest stem that matches it whole."""

    def __init__(self, words: dict[str, Any], cased: bool = False):
        self.cased = cased
        fold = (lambda w: w) if cased else str.lower
        # A "*" anywhere makes a stem ("norwesk* koron" from currency_nouns, "Stan* Zjednoczon*").
        self.exact = {fold(w): v for w, v in words.items() if "*" not in w}
        stems = sorted((w for w in words if "*" in w), key=len, reverse=True)
        self.stems = [(re.compile(_stemmed(re.escape(w)), 0 if cased else re.I), words[w]) for w in stems]
        parts = [re.escape(w) for w in sorted(self.exact, key=len, reverse=True)]
        parts += [_stemmed(re.escape(w)) for w in stems]
        self.source = "|".join(parts) or r"(?!x)x"

    def get(self, text: str, default: Any = None) -> Any:
        key = text if self.cased else text.lower()
        if key in self.exact:
            return self.exact[key]
        for pattern, value in self.stems:
            if pattern.fullmatch(text):
                return value
        return default

    def __contains__(self, text: str) -> bool:
        return self.get(text) is not None

    def __getitem__(self, text: str) -> Any:
        value = self.get(text)
        if value is None:
            raise KeyError(text)
        return value


# What may open a sentence before its subject: punctuation and one adverb with its comma ("Separately, ...").
OPENER = r"\W*(?:\w+,\s+)?"


def alternation(words: list[str] | tuple[str, ...] | Any) -> str:
    """Literal alternatives, longest first so "US dollars" wins over "dollars"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def country_currency_words(data: dict[str, Any]) -> dict[str, str]:
    """ "Icelandic kroner", "Norwegian kronor", "Canadian dollars" -> ISK, NOK, CAD: a country's name or
    adjective before a currency noun names that country's currency. The country's currency and the
    unit's name come from CLDR through Babel; the lexicon only says how this language writes each unit
    (``currency_nouns``: CLDR's English unit name -> this language's words), so no list of every
    country-and-currency pair is kept by hand."""
    from babel.numbers import get_currency_name, get_territory_currencies

    nouns: dict[str, list[str]] = data.get("currency_nouns", {})
    if not nouns:
        return {}
    out: dict[str, str] = {}
    for alpha3, entry in data.get("donors", {}).items():
        alpha2 = cldr.alpha2(alpha3)
        currencies = get_territory_currencies(alpha2) if alpha2 else []
        if not currencies:
            continue
        code = currencies[0]
        unit = unicodedata.normalize("NFKD", get_currency_name(code, locale="en").split()[-1].lower())
        unit = "".join(ch for ch in unit if not unicodedata.combining(ch))
        for country_word in [*entry.get("names", []), *entry.get("adjectives", [])]:
            for noun in nouns.get(unit, []):
                out[f"{country_word} {noun}".lower()] = code
    return out


class CueSet:
    """A compiled list of cue phrases (case-insensitive)."""

    __slots__ = ("pattern",)

    def __init__(self, entries: list[str]):
        # Whole-word phrases share one bounded group: much faster than a lookbehind per phrase.
        # ("Kraj* nordyck* i bałtyck*" has a stem inside: it goes through _cue_regex, not the literal group.)
        words = [
            e
            for e in entries
            if not e.startswith("re:") and e[:1].isalnum() and e[-1:].isalnum() and "*" not in e
        ]
        sources = [_cue_regex(e) for e in entries if e not in words]
        if words:
            body = "|".join(
                re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True)
            )
            sources.insert(0, rf"(?<!\w)(?:{body})(?!\w)")
        self.pattern = re.compile("|".join(f"(?:{s})" for s in sources) or r"(?!x)x", re.IGNORECASE)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        return self.pattern.search(text, pos, len(text) if endpos is None else endpos)

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self.pattern.finditer(text)]

    def fires(self, text: str, unless: Sequence[tuple[int, int]] = ()) -> bool:
        """A match that does not overlap any ``unless`` span exists."""
        if not unless:
            return self.pattern.search(text) is not None
        for m in self.pattern.finditer(text):
            a, b = m.span()
            if not any(u0 < b and a < u1 for u0, u1 in unless):
                return True
        return False


@dataclass(frozen=True)
class DonorForm:
    codes: tuple[str, ...]
    form: str  # "name" | "adjective" | "capital" | "official" | "group"


class Lexicon:
    """Compiled word lists for one language (see ``lexicons/en/*.yaml`` for the keys)."""

    def __init__(self, language: str, data: dict[str, Any], common: dict[str, Any]):
        self.language = language
        self.data = data
        self.common = common
        cues = data["cues"] if "cues" in data else data
        self.cues: dict[str, CueSet] = {}
        for key in (
            "umbrella_after", "pledge_verbs", "recap_strong", "recap_weak", "aggregate_strong",
            "aggregate_weak", "target_strong", "period_month", "period_year", "period_other", "share_cues",
            "joint_cues", "hedges", "negations", "non_aid", "non_aid_exceptions", "generic", "aid_context",
            "purl", "purl_negations", "other_program", "program_references", "purpose_words", "future_markers",
            "collective", "non_aid_soft", "container_before", "respectively", "container_nouns",
            "container_to_before", "joint_partner",
            "distributive_between", "distributive_after", "distributive_count_before", "distributive_plural_after",
            "distributive_before_group", "target_after", "joint_total", "past_verbs", "new_markers", "frameworks",
            "package_value",
            "date_masks", "recap_sentence", "part_of_between", "part_before", "year_words", "budget_year",
            "year_spans", "year_openers", "lead_articles", "speech_verbs", "part_after", "aggregate_exceptions", "total_words",
            "negation_contrast", "negation_subordinators", "partial_markers", "bilateral_program", "aside_openers",
            "cue_postpositions", "recap_run_openers", "latest_markers", "followup_hedges", "joint_support", "price_prepositions",
            "military_aid", "civilian_aid", "hedge_exceptions", "list_openers",
        ):  # fmt: skip
            self.cues[key] = CueSet(cues.get(key, []))
        self.clause_break = CueSet(cues.get("clause_breaks", []))
        # Partner cues that say "jointly" by themselves ("together with", "разом з", "alongside"), not a bare
        # preposition ("with", "mit"): a bare one also opens "talks with Germany".
        self.cues["joint_partner_strict"] = CueSet(
            [e for e in cues.get("joint_partner", []) if " " in e.strip() or len(e) >= 6]
        )
        # Anchored matchers, used with ``match(text, pos)``.
        self.relative_opener = re.compile(rf"[,\s]*(?i:{alternation(cues.get('relative_openers', []))})\b")
        # the same words anywhere in a clause ("... and Germany which committed ..."); never matches when none
        self.relative_word = re.compile(
            rf"(?i:\b(?:{alternation(cues.get('relative_openers', [])) or '(?!x)x'})\b)"
        )
        self.attached_opener = re.compile(rf"[,\s]*(?i:{alternation(cues.get('attached_openers', []))})\b")
        parallel = cues.get("parallel_openers", [])
        self.parallel_opener = re.compile(rf"[,\s]*(?i:{alternation(parallel)})\b") if parallel else None
        period_starts = [p.split()[0] for p in cues.get("period_month", []) + cues.get("period_year", [])]
        self.period_phrase = re.compile(
            rf"\s+(?i:{alternation(cues.get('period_phrase_openers', []))})\s+(?:[^\W\d_][\w-]*\s+){{1,3}}?"
            rf"(?=(?i:{alternation(period_starts)})\s)"
        )
        self.umbrella_before = re.compile("|".join(f"(?:{_cue_regex(e)})" for e in cues["umbrella_before"]),
                                          re.IGNORECASE)  # fmt: skip
        self._build_numbers(data)
        self._build_currencies(data, common)
        self._build_donors(data)
        self._build_dates(data)

    # -- numbers and money ------------------------------------------------------------------------
    def _build_numbers(self, data: dict[str, Any]) -> None:
        self.number_words: dict[str, float] = {k.lower(): float(v) for k, v in data["number_words"].items()}
        # A small count before a collective noun ("the four countries", "de vier NAVO-landen").
        counts = [w for w, v in self.number_words.items() if 2 <= v <= 12 and v.is_integer()]
        self.count_re = re.compile(
            rf"(?i:(?<!\w)(?:{alternation(counts) if counts else '(?!x)x'}|[2-9]|1[0-2])(?!\w))"
        )
        self.fraction_suffixes = {k.lower(): float(v) for k, v in data.get("fraction_suffixes", {}).items()}
        self.scales = WordTable({k: float(v) for k, v in data["scales"].items()})
        self.decimal_mark, self.group_mark = cldr.number_marks(self.language)
        self.range_words = data.get("range_words", ["to", "-"])
        self.range_between = data.get("range_between", [])
        self.range_and = data.get("range_and", [])
        self.qualifiers: dict[str, str] = {k.lower(): v for k, v in data.get("amount_qualifiers", {}).items()}

    def _build_currencies(self, data: dict[str, Any], common: dict[str, Any]) -> None:
        self.currency_prefixes: dict[str, str] = dict(common["currency_prefixes"])
        self.currency_codes: set[str] = set(common["currency_codes"])
        currency_words: dict[str, str] = {k.lower(): v for k, v in data["currency_words"].items()}
        for words, code in country_currency_words(data).items():
            currency_words.setdefault(words, code)
        self.currency_words = WordTable(currency_words)
        self.ambiguous: dict[str, dict[str, Any]] = common["ambiguous_currencies"]
        self.url_countries: dict[str, str] = dict(common.get("url_countries", {}))
        # A donor country's own top-level domain names the publisher's country too (".lt" -> LTU), except
        # the domains sites everywhere use (".me", ".tv"...): CLDR's alpha-2 codes, not a hand list.
        generic = set(common.get("generic_tlds", []))
        for code in common.get("donor_countries", []):
            two = cldr.alpha2(code)
            tld = {"GB": "uk"}.get(two or "", (two or "").lower())
            if tld and tld not in generic:
                self.url_countries.setdefault(f".{tld}", code)
        self.never_donors: frozenset[str] = frozenset(common.get("never_donors", []))
        # Trackers that count what donors gave ("the Kiel Institute's Ukraine Support Tracker"), as outlets name them.
        trackers = common.get("tracker_sources", [])
        self.tracker_re = re.compile(rf"(?i:{alternation(trackers)})") if trackers else None
        # Countries that sell the weapons a programme buys, so never its donors (the US for PURL).
        self.purl_sellers: frozenset[str] = frozenset(common.get("purl_sellers", []))
        self.institutions: frozenset[str] = frozenset(common.get("institutions", []))
        self.non_aid_subjects: frozenset[str] = frozenset(common.get("non_aid_subjects", []))
        # A donor's own national currency, where one country uses it ("USA" -> "USD").
        self.country_currency: dict[str, str] = {
            code: currency
            for currency, code in cldr.national_currencies(tuple(common.get("donor_countries", []))).items()
        }
        # "The government will add 7.5 billion Danish kroner": a national currency names its government
        # (never the seller's, the recipient's or the aggressor's).
        not_givers = self.purl_sellers | self.never_donors | self.non_aid_subjects
        self.currency_countries: dict[str, str] = {
            currency: code for code, currency in self.country_currency.items() if code not in not_givers
        }

        prefix = alternation(list(self.currency_prefixes) + sorted(self.currency_codes))
        words = self.currency_words.source
        codes = alternation(sorted(self.currency_codes))
        scales = self.scales.source
        wordnums = alternation(list(self.number_words))
        fractions = alternation(list(self.fraction_suffixes)) or r"(?!x)x"
        ranges = alternation(self.range_words)
        numeric = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)?"
        # "SEK 1 414 250 000": a long figure grouped by spaces, in any locale (two groups or more).
        numeric = rf"\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}}){{2,}}(?!\d)|{numeric}"
        if self.group_mark.isspace():
            # "1 500 000 євро", "2 500 millions" (a no-break or thin space groups digits in the locale).
            numeric = rf"\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+(?:,\d+)?(?!\d)|{numeric}"
        # The one-word new-commitment markers ("another", "extra"): "92 million extra euros" may put one
        # between the scale and the currency; "another 25m" carries the currency before it (below).
        cues_data = data["cues"] if "cues" in data else data
        markers = [w for w in cues_data.get("new_markers", []) if not w.startswith("re:") and " " not in w]
        adds_between = rf"(?:\s(?i:{alternation(markers)}))?" if markers else ""
        self.money_re = re.compile(
            rf"(?<![\w$€£¥.,])"
            rf"(?:(?P<pre>{prefix})\s?)?"
            rf"(?:(?P<num>{numeric})|(?P<wnum>(?i:{wordnums})))"
            rf"(?:\s(?P<frac>(?i:{fractions})))?"
            rf"(?:\s?(?:{ranges})\s?(?:{prefix})?\s?(?P<num2>{numeric}))?"
            # A scale may run into its currency: Swedish "300 mnkr", "2 mdkr" (miljoner / miljarder kronor).
            rf"(?:[\s-]?(?P<scale>(?i:{scales}))(?:(?![\w])|(?=(?i:{words})(?![\w]))))?"
            # An editor's word in brackets may stand before the currency: "200 млн (американских – ред.)
            # долларов" (the quoted minister said "200 million dollars"; the editor says which).
            rf"(?:(?:\s?\((?P<note>[^()\d]{{1,40}})\))?{adds_between}"
            # ("eines 500-Millionen-Dollar-Pakets": a compound joins scale and currency with hyphens)
            # ("1,5 ma.kr.": an abbreviated scale runs into an abbreviated currency after its dot)
            rf"[\"”’]?(?:\s|(?<=[^\W\d_])-?|(?<=\.))(?P<post>(?i:{words})|{codes})(?![\w]))?"
        )
        self.range_between_re = (
            re.compile(rf"(?i:(?:{alternation(self.range_between)})\s+)$") if self.range_between else None
        )  # noqa: E501
        self.range_and_re = re.compile(rf"^\s*(?i:{alternation(self.range_and + self.range_words)})\s*$")
        after = data.get("range_between_after", [])
        self.range_after_re = re.compile(rf"\s+(?i:{alternation(after)})(?!\w)") if after else None
        change = data.get("range_change_before", [])
        self.range_change_re = re.compile(rf"(?i:(?<!\w)(?:{alternation(change)})\s+)$") if change else None
        # where the level reached after a rise begins: "by NOK 2.5bn | to a total of NOK 10bn" (a clause of its own)
        self.level_after_change_re = (
            re.compile(
                rf"(?i:(?<!\w)(?:{alternation(change)})\s+(?:[^\s,;]+\s+){{0,2}}?[^\s,;]*\d[^,;]{{0,30}}?\s)"
                rf"(?=(?i:{alternation(self.range_words)})\s+(?:[^\s,;]+\s+){{0,5}}?[^\s,;]*\d)"
            )
            if change
            else None
        )
        self.qualifier_re = re.compile(rf"(?i:(?<!\w)(?P<q>{alternation(list(self.qualifiers))})\s*)$")
        list_words = alternation(data.get("list_words", [])) or r"(?!x)x"
        self.list_separators = re.compile(rf"[;,/]|(?<!\w)(?:{list_words})(?!\w)", re.I)
        # A comma and a list word: the next item of the sentence's list, not the object of the word before
        # ("€100m in equipment, including for demining, and €25m for energy").
        self.next_item_re = re.compile(rf",\s*(?:{list_words})(?!\w)", re.I)
        # Between two amounts of one list: "1.5 million and 3 million dollars", "2, 3 und 5 Mio. Euro".
        # ("1,5 milioane, respectiv 3 milioane de dolari": the word for "respectively" may sit in it too.)
        respective = alternation([w for w in cues_data.get("respectively", []) if not w.startswith("re:")])
        # Right before an amount with no currency of its own that takes the currency of the one before it:
        # a one-word new-commitment marker ("another 25m"), an opening bracket ("the Netherlands (214m)"), or
        # a word that opens a part of it, a qualifier allowed ("€125m, including roughly 100 million for ...").
        umbrella = [w for w in cues_data.get("umbrella_after", []) if not w.startswith("re:")]
        qualifiers = alternation(list(self.qualifiers)) or "(?!x)x"
        self.carried_currency_re = re.compile(
            rf"(?:(?<!\w)(?i:{alternation(markers) or '(?!x)x'})\s+|\(\s*"
            rf"|(?<!\w)(?i:{alternation(umbrella) or '(?!x)x'})\s+(?:(?i:{qualifiers})\s+)?)$"
        )
        self.list_gap_re = re.compile(
            rf"\s*(?:,|(?:,\s*)?(?:{list_words}))\s*(?:(?:{respective or '(?!x)x'})\s*,?\s*)?", re.I
        )
        connectors = alternation(list(self.qualifiers) + data.get("conversion_connectors", []))
        # A sentence that only converts the amount of the sentence before: "Det svarer til 11 milliarder danske
        # kroner", "That is equivalent to about $1.4bn", "The funds, equivalent to ¥471.9bn, ..." (a short
        # subject, a connector, the amount).
        strict = alternation(
            [c for c in data.get("conversion_connectors", []) if len(c) > 3 and " " in c.strip()]
        )
        self.conversion_sentence_re = (
            re.compile(
                rf"(?i:^\W*(?:[^\W\d_]+,?\s+){{0,2}}?(?:{strict})(?!\w)(?:\s*(?:{alternation(list(self.qualifiers))})(?!\w))?\s*)$"
            )
            if strict
            else None
        )
        self.conversion_body_re = re.compile(rf"(?i:\s*(?:(?:{connectors})(?!\w)\s*)*)")
        # Connectors that make a conversion with no comma or bracket: Finnish "600 miljoonaa kruunua eli 54
        # miljoonaa euroa" (optional key; none in English, where "€5m or $6m" may be two amounts).
        bare = alternation(data.get("bare_conversion_connectors", [])) or r"(?!x)x"
        self.bare_conversion_re = re.compile(rf"(?i:,?\s+(?:{bare})(?!\w)(?:\s*(?:{connectors})(?!\w))*\s*)")

    # -- donors -----------------------------------------------------------------------------------
    def _build_donors(self, data: dict[str, Any]) -> None:
        forms: dict[str, DonorForm] = {}
        for code, entry in data["donors"].items():
            for form in ("names", "adjectives", "capitals", "officials"):
                for word in entry.get(form, []) or []:
                    forms[word] = DonorForm((code,), form.rstrip("s") if form != "names" else "name")
        for word, codes in data.get("donor_groups", {}).items():
            forms[word] = DonorForm(tuple(sorted(codes)), "group")
        self.donor_forms = forms
        self.donor_table = WordTable(forms, cased=True)
        # Not inside a compound ("pro-Ukraine", "US-made"), but after a dash that ends a dateline
        # ("STOCKHOLM (Reuters) -Sweden, Norway and Denmark ...").
        self.donor_re = re.compile(rf"(?:(?<![\w-])|(?<=[\s)]-))(?:{self.donor_table.source})(?![\w])")
        # A name matched through its stem with one of these case endings is a partner, place or recipient
        # (Hungarian "Hollandiával", Finnish "Ruotsille"): optional key, for languages that mark it so.
        endings = data.get("non_giver_endings", [])
        self.non_giver_ending_re = re.compile(rf"(?:{alternation(endings)})$") if endings else None
        # Thing nouns may be stems too ("ase*": aseita, aseiden), longest first.
        thing = "|".join(
            _stemmed(re.escape(w)) for w in sorted(set(data.get("thing_nouns", [])), key=len, reverse=True)
        )
        blockers = set(w.lower() for w in data.get("thing_blockers", []))
        self.thing_blockers = blockers
        self.thing_re = re.compile(rf"^\s+(?P<mods>(?:[^\W\d_][\w-]*\s+){{0,2}})(?i:{thing})\b")
        self.thing_suffix_re = re.compile(rf"^(?:{alternation(data.get('thing_suffixes', []))})\b")
        # After a possessive only some nouns name a thing the country has, not what it gives: "Czechia's
        # initiative" (Canada funds it), "Germany's defence industry"; "Germany's package" is still its gift.
        owned = "|".join(_stemmed(re.escape(w)) for w in sorted(set(data.get("possessive_thing_nouns", [])),
                                                                  key=len, reverse=True))  # fmt: skip
        self.possessive_thing_re = (
            re.compile(rf"^(?:'s|’s|')\s+(?P<mods>(?:[^\W\d_][\w-]*\s+){{0,2}})(?i:{owned})\b")
            if owned
            else None
        )
        fillers = alternation(data.get("non_giver_fillers", []))
        self.non_giver_re = re.compile(
            # An entry or filler ending in an apostrophe is an elided article joined to the name ("avec
            # l'Allemagne", "dall'Italia"): no space follows it.
            rf"(?i:(?<![\w])(?:{alternation(data.get('non_giver_before', []))})(?:\s+|(?<=['’]))"
            rf"(?:(?:{fillers})(?:\s+|(?<=['’])))*)$"
        )
        # "..., Ottawa said.": a name followed by a verb of saying speaks for itself, whatever list is before.
        speech = data.get("speech_verbs", [])
        self.speaker_after_re = re.compile(rf"\s+(?i:{alternation(speech)})\b") if speech else None
        # "with Norway pledging a further $500m": a giving verb right after the name makes it act, whatever
        # preposition stands before it.
        acting = data.get("acting_after", [])
        self.acting_after_re = re.compile(rf"\s+(?i:{alternation(acting)})\b") if acting else None
        # "$275 million from Sweden": the gap between an amount and the country that gives it.
        froms = data.get("amount_from", [])
        self.amount_from_re = (
            re.compile(rf"\s*(?i:{alternation(froms)})\s+(?:(?i:{fillers})\s+)*") if froms else None
        )

        def right_before_name(words: list[str]) -> re.Pattern[str] | None:
            """One of ``words`` (and fillers) ending the text: what stands right before a country's name."""
            return (
                re.compile(rf"(?i:(?<!\w)(?:{alternation(words)})\s+(?:(?:{fillers})\s+)*)$")
                if words
                else None
            )

        # "..., supplemented by contributions from Norway": a source word right before a country named after
        # a share says it puts money in too.
        self.source_before_re = right_before_name(froms)
        # "The remaining £100m, to be announced by Healey ..., will come from Norway": a giving phrase of more
        # than one word right before a country after the amount names the giver, whoever is named between.
        self.giver_phrase_re = right_before_name([f for f in froms if " " in f.strip()])
        seps = alternation(data.get("group_separators", []))
        self.group_sep_re = re.compile(rf"^(?:\s|(?:{seps})(?=\W|$)|'s\b|’s\b)*$")
        # Literal pronouns ("It", "The government") and "re:" patterns ("The new package, totaling ...").
        anaphora = (
            "|".join(
                part
                for part in [
                    alternation([e for e in data.get("anaphora", []) if not e.startswith("re:")]),
                    *(_cue_regex(e) for e in data.get("anaphora", []) if e.startswith("re:")),
                ]
                if part
            )
            or r"(?!x)x"
        )
        self._boilerplate = data.get("boilerplate_openers", [])
        # "It will ...", "Separately, the government said ...": an opening adverb and comma may come first.
        reported = "|".join(_cue_regex(e) for e in data.get("anaphora_reported", [])) or r"(?!x)x"
        pronoun = rf"(?i:{anaphora}|{reported})\b"
        self.anaphora_re = re.compile(rf"^{OPENER}{pronoun}")
        # The same after a longer opening phrase ("According to the broadcaster, the government ..."): only
        # where other evidence names the country (the amount's national currency).
        self.anaphora_late_re = re.compile(rf"^\W*(?:[\w'’-]+(?:\s+[\w'’-]+){{0,4}},\s+)?{pronoun}")
        headings = data.get("background_headings", [])
        self.background_heading_re = re.compile(rf"^\W*(?i:{alternation(headings) or '(?!x)x'})\s*:?\s*$")
        self.boilerplate_re = re.compile(
            rf"^\W*(?i:{alternation(self._boilerplate) or '(?!x)x'})(?:(?<=\W)|\b)"
        )
        # Who receives an amount: Ukraine (its name, adjective or capital), or another country named right
        # after a recipient word ("aid to Moldova", "provide North Macedonia with"). Optional key: a
        # language without ``recipient_before`` never sends money elsewhere.
        ukraine = [w for w, f in forms.items() if f.codes == ("UKR",) and f.form != "official"]
        # (a name written as a stem, "Ukraina*", matches its inflected forms: "Ukrainalle", "Ουκρανίας")
        ukraine_source = WordTable(dict.fromkeys(ukraine), cased=True).source
        self.ukraine_re = re.compile(rf"(?<![\w-])(?:{ukraine_source})(?!\w)")
        # Ukraine named with other recipients ("provide Ukraine and 18 neighbouring countries with $2bn"):
        # the optional ``shared_recipients`` say what may follow its name.
        shared = "|".join(_cue_regex(e) for e in data.get("shared_recipients", []))
        self.shared_recipient_re = (
            re.compile(rf"(?:{self.ukraine_re.pattern})(?i:{shared})") if shared else None
        )
        before = data.get("recipient_before", [])
        sellers = {w for w, f in forms.items() if set(f.codes) <= set(self.common.get("purl_sellers", []))}
        # Never the aggressor ("to end Russia's invasion") nor the seller of PURL's weapons.
        aggressor = {w for w, f in forms.items() if set(f.codes) & set(self.common.get("never_donors", []))}
        others = [
            w for w in data.get("other_recipients", []) if w not in sellers | aggressor and w not in ukraine
        ]
        parts = []
        if before and others:
            parts += [
                rf"(?<!\w)(?i:{alternation(before)})\s+(?:(?i:{fillers})\s+)*(?:{alternation(others)})(?!\w)",
                # "to boost Moldova's energy resilience": a possessive a couple of words on is the recipient too.
                rf"(?<!\w)(?i:{alternation(before)})\s+(?:[\w-]+\s+){{1,2}}(?:{alternation(others)})(?:'s|’s)(?!\w)",
            ]
        # Right after a giving verb, a form that only a recipient takes ("przekaże Mołdawii", "надасть Молдові"):
        # the hand-listed inflected forms, never a name that may be the giver ("виділить Норвегія").
        inflected = [w for w in others if w not in forms]
        verbs = data.get("recipient_verbs", [])
        if verbs and inflected:
            parts.append(rf"(?<!\w)(?i:{alternation(verbs)})\s+(?:{alternation(inflected)})(?!\w)")
        # Forms whose ending marks the recipient wherever they stand (Turkish "Moldova'ya", Hungarian
        # "Moldovának").
        alone = [w for w in data.get("recipients_alone", []) if w not in sellers | aggressor]
        if alone:
            parts.append(rf"(?<!\w)(?:{alternation(alone)})(?!\w)")
        # A country's name in a recipient's case right after a giving verb or a recipient word receives, it
        # does not give: "Norsko poskytne Polsku 50 milionů eur na opravy techniky pro Ukrajinu".
        self.recipient_forms = frozenset(inflected) | frozenset(alone)
        lead = [*verbs, *before]
        self.recipient_lead_re = re.compile(rf"(?<!\w)(?i:{alternation(lead)})\s+$") if lead else None
        self.other_recipient_re = re.compile("|".join(parts)) if parts else None

    # -- dates and sentences ----------------------------------------------------------------------
    def _build_dates(self, data: dict[str, Any]) -> None:
        self.months = WordTable({k: int(v) for k, v in data["months"].items()})
        self.weekdays = WordTable({k: int(v) for k, v in data["weekdays"].items()})
        self.relative_days: dict[str, int] = {
            k.lower(): int(v) for k, v in data.get("relative_days", {}).items()
        }
        months = self.months.source
        weekdays = self.weekdays.source
        # A preposition list with "" means a date may stand bare ("14 грудня", "am 4. August" needs "am").
        on_words = data.get("day_prepositions", ["on"])
        on = rf"(?:(?:{alternation([w for w in on_words if w])})\s+)" + ("?" if "" in on_words else "")
        # Likewise "" among month_prepositions: a month may stand bare (Finnish "elokuussa", "in August").
        in_words = data.get("month_prepositions", ["in"])
        inn = rf"(?:(?:{alternation([w for w in in_words if w]) or '(?!x)x'})\s+)" + (
            "?" if "" in in_words else ""
        )
        day_suffix = alternation(data.get("day_suffixes", [])) or r"(?!x)x"
        modifiers = alternation(data.get("month_modifiers", [])) or r"(?!x)x"
        joiners = alternation(data.get("month_year_joiners", [])) or r"(?!x)x"
        self.day_re = re.compile(
            rf"(?i:(?<!\w){on}(?:(?P<wd>{weekdays})\b|(?P<d1>\d{{1,2}})(?:{day_suffix})?\s*(?P<m1>{months})\b\.?"
            rf"|(?P<m2>{months})\b\.?\s+(?P<d2>\d{{1,2}})\b)(?:,?\s+(?P<y>(?:19|20)\d\d))?)"
        )
        # Seasons count as a month for "in spring 2025" (when it was, roughly), never for a day.
        seasons = {k: int(v) for k, v in data.get("seasons", {}).items()}
        self.months_or_seasons = WordTable({k: int(v) for k, v in data["months"].items()} | seasons)
        # Not a season that names a kind of aid: "€170m in winter aid", "its winter support package".
        cues = data["cues"] if "cues" in data else data
        # (a stem "paket*" guards every ending: "za nov paket" is "for a new package", not November)
        nouns = [w for w in cues.get("aid_context", []) if w.islower() and not w.startswith("re:")]
        noun_alts = "|".join(
            re.escape(w[:-1]) + r"\w{0,5}" if w.endswith("*") else re.escape(w)
            for w in sorted(nouns, key=len, reverse=True)
        )
        not_noun = rf"(?!\s+(?:{noun_alts})\b)" if nouns else ""
        self.month_re = re.compile(
            rf"(?i:(?<!\w){inn}(?:(?:{modifiers})\s*)?"
            rf"(?P<m>{self.months_or_seasons.source})\b{not_noun}(?:\s+(?:(?:{joiners})\s+)?(?P<y>(?:19|20)\d\d))?)"
        )
        rel = alternation(list(self.relative_days)) or r"(?!x)x"
        self.relative_re = re.compile(rf"(?i:\b(?P<r>{rel})\b)")
        abbrevs = alternation(data.get("abbreviations", []))
        # An initial ("J. Smith", "В. Зеленський") is an abbreviation too.
        self.abbrev_re = re.compile(rf"(?:^|[\s(])(?:{abbrevs})$|(?:^|[\s(.])[A-ZÀ-ÞА-ЯЁЄІЇҐΑ-Ω]$")


class _WordLoader(yaml.SafeLoader):
    """YAML loader that keeps words such as "on", "no", "yes" as strings (YAML 1.1 would make them bools)."""


_WordLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _no_duplicate_keys(loader: _WordLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    """Mappings whose keys are unique: YAML keeps the last of two, which silently drops a word list."""
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is defined twice", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_WordLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_WordLoader) or {}  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: not valid YAML: {exc}") from exc


@functools.cache
def _schema() -> dict[str, tuple[str, str]]:
    """Key -> (type, rule) from ``lexicons/schema.yaml`` (see its header)."""
    return {
        key: (kind, rule) for key, (kind, rule) in _read_yaml(LEXICON_DIR / "schema.yaml")["keys"].items()
    }


def validate(data: dict[str, Any], folder: Path) -> None:
    """Refuse a lexicon with a key the schema does not know, a required key missing, a value of the wrong
    type or an empty guard list; each error names the key (and a close known key for a typo)."""
    schema = _schema()
    problems = []
    for key in sorted(set(data) - set(schema)):
        close = difflib.get_close_matches(key, list(schema), n=1)
        problems.append(f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    for key, (kind, rule) in schema.items():
        if key not in data:
            if rule != "optional":
                problems.append(f"missing key {key!r}")
            continue
        value = data[key]
        if not isinstance(value, dict if kind == "map" else list):
            problems.append(f"{key!r} must be a {'mapping' if kind == 'map' else 'list'}")
        elif rule == "guard" and not value:
            problems.append(
                f"{key!r} is empty: without it the extractor would let through what it guards against"
            )
    if problems:
        raise LexiconError(f"lexicon {folder}: " + "; ".join(problems))


def stems_of(name: str, inflection: dict[str, Any]) -> list[str]:
    """A CLDR name as a stem for a language that inflects names ("Норвегія" -> "Норвегі*" with the
    ending "я"): each word of at least ``min_stem`` letters loses its longest listed ending and takes
    "*" (any ending); shorter words stay as written. [] when the language does not inflect."""
    if not inflection:
        return []
    endings = sorted(inflection.get("endings", []), key=len, reverse=True)
    min_stem = int(inflection.get("min_stem", 4))
    words = []
    for word in name.split():
        if len(word) <= min_stem or not word[-1].isalpha():
            words.append(word)
            continue
        cut = next((e for e in endings if word.endswith(e) and len(word) - len(e) >= min_stem), "")
        words.append(word[: len(word) - len(cut)] + "*")
    stem = " ".join(words)
    return [stem] if stem != name else []


def with_cldr(data: dict[str, Any], language: str, common: dict[str, Any]) -> dict[str, Any]:
    """The lexicon's own data plus what CLDR knows for ``language`` (see ``cldr``); the lexicon's own
    entries win. Country names come for every code in ``common.yaml``'s ``donor_countries``; with an
    ``inflection`` rule each also as a stem, so its cases match."""
    loc = cldr.locale(language)
    if loc is None:
        return data
    data = dict(data)
    donors = {code: dict(entry or {}) for code, entry in (data.get("donors") or {}).items()}
    for code, name in cldr.territory_names(loc, common["donor_countries"]).items():
        entry = donors.setdefault(code, {})
        names = list(entry.get("names") or [])
        for form in [name, *stems_of(name, data.get("inflection") or {})]:
            if form not in names:
                names.append(form)
        entry["names"] = names
    data["donors"] = donors
    # Every other country's name, for "aid to Moldova", "€4bn for Egypt": money that goes elsewhere.
    data["other_recipients"] = list(dict.fromkeys([*(data.get("other_recipients") or []),
                                                   *cldr.country_names(loc, exclude=("UA",))]))  # fmt: skip
    scales = cldr.scale_words(loc)
    short = [w for w in scales if len(w) <= 4 and w.isalpha()]
    scales |= {f"{w}.": scales[w] for w in short}
    cldr_words = {
        "months": cldr.month_names(loc),
        "weekdays": cldr.weekday_names(loc),
        "scales": scales,
        "currency_words": cldr.currency_words(loc, list(common["currency_codes"])),
    }
    for key, words in cldr_words.items():  # the folder's own entries win over CLDR's
        data[key] = words | {str(k).lower(): v for k, v in (data.get(key) or {}).items()}
    # Sentences never end at "млн." or "Mrd." (outlets write both cases).
    data["abbreviations"] = list(dict.fromkeys([*(data.get("abbreviations") or []), *short,
                                                *(w.capitalize() for w in short)]))  # fmt: skip
    return data


def _merge(target: dict[str, Any], extra: dict[str, Any], source: Path) -> None:
    for key, value in extra.items():
        if key in target:
            raise LexiconError(f"{source}: key {key!r} is defined twice in this lexicon")
        target[key] = value


def languages() -> list[str]:
    """The languages with a lexicon folder ("de", "en", "uk", ...); read once per process."""
    return list(_languages())


@functools.cache
def _languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in LEXICON_DIR.iterdir() if p.is_dir() and any(p.glob("*.yaml"))))


@functools.cache
def donor_codes() -> frozenset[str]:
    """Every donor code any language names (``donor_countries`` and each folder's donors and groups),
    read from the files without compiling a lexicon."""
    codes = set(_read_yaml(LEXICON_DIR / "common.yaml").get("donor_countries", []))
    for language in languages():
        for path in sorted((LEXICON_DIR / language).glob("*.yaml")):
            data = _read_yaml(path)
            codes.update(data.get("donors") or {})
            for members in (data.get("donor_groups") or {}).values():
                codes.update(members)
    return frozenset(codes)


@functools.lru_cache(maxsize=32)
def load_lexicon(language: str = "en") -> Lexicon:
    """The compiled lexicon for ``language`` (a directory under ``lexicons/``); cached."""
    folder = LEXICON_DIR / language
    if not sorted(folder.glob("*.yaml")):
        known = languages()
        raise LexiconError(
            f"no lexicon for language {language!r} in {LEXICON_DIR} (have: {', '.join(known)})"
        )
    return read_lexicon(folder)


def read_lexicon(folder: Path, language: str | None = None) -> Lexicon:
    """Compile the lexicon in ``folder`` (its ``*.yaml`` files, merged) with the shared ``common.yaml``."""
    folder = Path(folder)
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise LexiconError(f"no *.yaml lexicon files in {folder}")
    data: dict[str, Any] = {}
    for path in files:
        _merge(data, _read_yaml(path), path)
    common = _read_yaml(LEXICON_DIR / "common.yaml")
    for key in ("never_donors", "non_aid_subjects", "purl_sellers", "donor_countries"):
        if not common.get(key):
            raise LexiconError(f"{LEXICON_DIR / 'common.yaml'}: {key!r} must be a non-empty list")
    language = language or folder.name
    data = with_cldr(data, language, common)
    validate(data, folder)
    try:
        return Lexicon(language, data, common)
    except KeyError as exc:
        raise LexiconError(f"lexicon {folder} lacks the key {exc.args[0]!r}") from exc
