"""Amounts of money in a sentence: number, magnitude, currency, ranges and stated conversions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from aidtrack.extract.lexicon import Lexicon

# Amounts below this (in any currency unit) are prices, fees or subscriptions, never aid statements.
MIN_AID_AMOUNT = 100_000.0

# "€500m ($578m)", "€250m [$290m]", "€250m — about $290m — for ...": brackets or a pair of dashes.
_CONVERSION_OPENERS = re.compile(r"^\s*(?P<open>[(\[]|\s[—–]|\s--?)\s*(?P<body>.*)$", re.S)
_CONVERSION_CLOSERS = {"(": re.compile(r"^\s*\)"), "[": re.compile(r"^\s*\]")}
_DASH_CLOSER = re.compile(r"^\s*(?:[—–]|--?\s|[,;.]|$)")
_APPOSITION_END = re.compile(r"^\s*(?:[,;.)\]]|$)")


@dataclass(frozen=True)
class Money:
    """One amount in a sentence; ``start``/``end`` index the sentence text."""

    start: int
    end: int
    amount: float
    amount_low: float | None
    currency: str  # ISO 4217, or an ambiguous sign such as "$" or "kr"
    qualifier: str | None = None  # "upper_bound", "lower_bound", "approximate"
    converted_to: tuple[float, str] | None = None  # a stated conversion that followed it
    conversion_end: int | None = None  # where that conversion ends ("US$8bn" must not name a donor)

    @property
    def explicit(self) -> bool:
        return len(self.currency) == 3 and self.currency.isupper()


def parse_number(text: str, has_scale: bool, decimal_mark: str = ".") -> float:
    """Digits with "," / "." as group or decimal marks: "1,500" -> 1500, "143,4" -> 143.4, "1.5" -> 1.5.

    Spaces group digits ("1 500 000"). Where the language writes a decimal comma (``decimal_mark``
    ","), a comma is always the decimal mark and a dot before three digits groups them: German
    "1.500 Millionen" is 1500 million, "1,500 Mrd." 1.5 billion."""
    text = "".join(ch for ch in text if not ch.isspace())
    if decimal_mark == "," and "," not in text and "." in text:
        parts = text.split(".")
        if all(len(p) == 3 for p in parts[1:]):
            return float("".join(parts))
    if decimal_mark == "," and "," in text and "." not in text:
        return float(text.replace(",", "."))
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if decimal == "," else ","
        return float(text.replace(group, "").replace(decimal, "."))
    for mark in (",", "."):
        if mark in text:
            parts = text.split(mark)
            grouped = all(len(p) == 3 for p in parts[1:])
            # "1.500 billion" reads as a decimal; "$500.000" and "1,500" as thousands.
            if grouped and (mark == "," or len(parts) > 2 or not has_scale):
                return float("".join(parts))
            return float(text.replace(mark, "."))
    return float(text)


# The end of an editor's insertion: "– ред.", "– Ред.", "- Red.", or an outlet's initials ("– ЕП").
# ("– ред.", "- Ed.", "– BNS", "— прим. ред.": one or two short words after a dash)
_EDITOR_SIGNATURE = re.compile(r"[.,]?\s*[-–—]\s*(?:[^\W\d_]{1,6}\.?\s*){1,2}$")


def _matches(sentence: str, lex: Lexicon) -> Iterator[re.Match[str]]:
    """``money_re`` matches in order. A number word below a million with no scale is no amount we track ("a
    dollar", "one euro"), and may have swallowed the next amount's currency ("an AUD 50 million": "an AUD"):
    it is passed over and the search goes on right after the word."""
    pos = 0
    while (m := lex.money_re.search(sentence, pos)) is not None:
        if m.group("wnum") and not m.group("scale") and lex.number_words[m.group("wnum").lower()] < 1e6:
            pos = m.end("wnum")
            continue
        yield m
        pos = max(m.end(), m.start() + 1)


def _currency_of(match: re.Match[str], lex: Lexicon) -> str | None:
    pre, post = match.group("pre"), match.group("post")
    pre_cur = None
    if pre:
        pre_cur = pre if pre in lex.currency_codes else lex.currency_prefixes.get(pre)
    post_cur = None
    if post:
        post_cur = post if post in lex.currency_codes else lex.currency_words.get(post.lower())
        note = _EDITOR_SIGNATURE.sub("", match.group("note") or "").strip()
        if note:
            # "(американских – ред.) долларов": the editor's adjective and the currency are one name.
            post_cur = lex.currency_words.get(f"{note} {post}".lower(), post_cur)
    if pre_cur and post_cur:
        # "$500 million US dollars": the more specific one wins.
        return post_cur if pre_cur in lex.ambiguous else pre_cur
    return pre_cur or post_cur


def find_money(sentence: str, lex: Lexicon) -> list[Money]:
    """All amounts with a currency in ``sentence``, ranges joined, stated conversions folded in.

    A conversion such as "€500m ($578m)" or "CA$680m, equivalent to US$500m," is kept on the first
    amount as ``converted_to`` and not returned on its own.
    """
    found: list[Money] = []
    pending: list[Money] = []  # amounts with a scale but no currency, waiting for a list's last one
    for m in _matches(sentence, lex):
        currency = _currency_of(m, lex)
        if currency is None:
            bare = _bare_amount(m, lex)
            if bare is None:
                continue  # not an amount at all ("an" of "and"); the gap test below still needs a list
            if (
                bare.currency == ""
                and found
                and (
                    lex.carried_currency_re.search(sentence, 0, m.start())
                    or _converted_after(sentence, m, lex)
                    or _listed_after(sentence, found[-1], m, lex)
                )
                and not OPEN_BRACKET.fullmatch(sentence, found[-1].end, m.start())
            ):
                # "€40m for drones and another 25m for demining", "Canada (€171m), the Netherlands (214m)":
                # an amount added to one before it is in that one's currency; so is one the outlet converts
                # ("3 million Canadian dollars ($2.2m) to X and 13 million ($9.5m) to Y").
                found.append(replace(bare, currency=_carried_currency(sentence, found)))
                pending = []
                continue
            if pending and lex.list_gap_re.fullmatch(sentence, pending[-1].end, m.start()):
                pending.append(bare)
            else:
                pending = [bare]
            continue
        scale_word = m.group("scale")
        scale = lex.scales[scale_word.lower()] if scale_word else 1.0
        whole = _compound_head(sentence, pending, m, scale, lex)
        if whole is not None:
            # "1 млрд 200 млн долларов", "1 milyar 200 milyon dolar": one amount written in two scales.
            found.append(replace(whole, end=m.end(), currency=currency,
                                 amount=whole.amount + _value(m, scale_word, lex) * scale))  # fmt: skip
            pending = []
            continue
        if pending and lex.list_gap_re.fullmatch(sentence, pending[-1].end, m.start()):
            # "1.5 million and 3 million dollars", "1,5 y 3 millones de dólares": the list's one currency
            # (and its one scale, for numbers written without one) is each amount's. A number with no scale
            # before an amount with its own sign in front is none of it ("on June 28 and $2.2 billion").
            found.extend(
                replace(p, currency=currency, amount=p.amount * (scale if p.currency == _NO_SCALE else 1.0))
                for p in pending
                if p.currency != _NO_SCALE or (scale_word and not m.group("pre"))
            )
        pending = []
        amount = _value(m, scale_word, lex) * scale
        low = None
        if m.group("num2"):
            high = parse_number(m.group("num2"), bool(scale_word), lex.decimal_mark) * scale
            if high >= amount:
                low, amount = amount, high
            else:
                amount = high  # "from 16.5 to 9.4 billion": a fall to a new level, no range
        q = lex.qualifier_re.search(sentence, max(0, m.start() - 30), m.start())
        qualifier = lex.qualifiers[q.group("q").lower()] if q else None
        found.append(Money(m.start(), m.end(), amount, low, currency, qualifier))
    return _fold_conversions(sentence, _join_ranges(sentence, found, lex), lex)


def _value(m: re.Match[str], scale_word: str | None, lex: Lexicon) -> float:
    """The number of a ``money_re`` match before its scale ("1,5" of "1,5 млрд", "zwei" of "zwei Milliarden")."""
    if m.group("wnum"):
        # (``_matches`` has passed over "a dollar", "one euro"; "miljardi kruunua" is a billion.)
        value = lex.number_words[m.group("wnum").lower()]
    else:
        value = parse_number(m.group("num"), bool(scale_word), lex.decimal_mark)
    if m.group("frac"):
        value += lex.fraction_suffixes[m.group("frac").lower()]
    return value


def _compound_head(
    sentence: str, pending: list[Money], m: re.Match[str], scale: float, lex: Lexicon
) -> Money | None:
    """The bare amount right before ``m`` (a space apart, nothing else) in a larger scale that ``m`` adds to:
    the head of one amount written in two scales ("1 млрд" of "1 млрд 200 млн долларов")."""
    if not pending or pending[-1].currency != "" or m.group("num2") or not m.group("scale"):
        return None
    head = pending[-1]
    # ("10 miliardi e 890 milioni di euro", "2 milliards et 146 millions": a conjunction may join the two)
    if not _COMPOUND_GAP.fullmatch(sentence, head.end, m.start()):
        return None
    before = lex.money_re.match(sentence, head.start)
    big = lex.scales.get(before.group("scale").lower()) if before and before.group("scale") else None
    if not big or big <= scale or _value(m, m.group("scale"), lex) * scale >= big:
        return None
    return head


# Between the two scales of one amount: a space, or a conjunction ("10 miliardi e 890 milioni"); never "a",
# which is "to" in Spanish, Portuguese and Italian ("de 2 mil millones a 500 millones" is a fall).
_COMPOUND_GAP = re.compile(r"\s+(?:(?:e|ed|y|i|and|et|und|és|și|и|й|та|і|og|och|ja|en)\s+)?", re.IGNORECASE)


# An opening bracket with the spaces around it. Right after an amount, it restates it ("580 milhões de
# dólares (3,1 bilhões de reais)"); right after a name, it holds that name's own amount.
OPEN_BRACKET = re.compile(r"\s*\(\s*")
_NO_SCALE = "?"  # the currency of a bare number in a list: it takes the list's scale too ("1,5 y 3 millones")
_PLAIN_NUMBER = re.compile(r"\d{1,3}(?:[.,]\d{1,2})?")  # "1,5", "12": never a year or a long figure


def _carried_currency(sentence: str, found: list[Money]) -> str:
    """The currency of the latest amount, not of its conversion in brackets ("3 million Canadian dollars
    ($2.2 million)" carries CAD)."""
    if len(found) > 1 and OPEN_BRACKET.fullmatch(sentence, found[-2].end, found[-1].start):
        return found[-2].currency
    return found[-1].currency


_LIST_GAP_MAX = 120  # characters between two amounts of one list ("DKK 100m for X, 372 million for PURL")
_YEAR_AFTER = re.compile(r"\s+\w{1,3}\s+(?:19|20)\d\d\b")  # "8.2 billion in 2025"


def _listed_after(sentence: str, before: Money, m: re.Match[str], lex: Lexicon) -> bool:
    """The next item of a list that began with an amount in a currency: a comma or list word between, and a
    purpose or a year right after it ("100 million kroner for donations, 372 million for PURL and over 80
    million for fuel"; "DKK 1.5bn in 2024, 8.2 billion in 2025"), never a count ("2 million people")."""
    gap = sentence[before.end : m.start()]
    if len(gap) > _LIST_GAP_MAX or not lex.list_separators.search(gap) or any(ch in gap for ch in ";:."):
        return False
    rest = sentence[m.end() :]
    purpose = lex.cues["purpose_words"].pattern.match(rest.lstrip())
    return (purpose is not None and rest[:1].isspace()) or _YEAR_AFTER.match(rest) is not None


def _converted_after(sentence: str, m: re.Match[str], lex: Lexicon) -> bool:
    """A bracket with an amount in a currency right after the bare amount: the outlet's conversion of it."""
    bracket = OPEN_BRACKET.match(sentence, m.end())
    after = lex.money_re.match(sentence, bracket.end()) if bracket else None
    return after is not None and _currency_of(after, lex) is not None


def _bare_amount(m: re.Match[str], lex: Lexicon) -> Money | None:
    """A number with a scale word and no currency ("1,5 million"), as an amount with no currency yet; a
    short plain number ("1,5" of "1,5 y 3 millones") as one waiting for the list's scale too."""
    scale_word = m.group("scale")
    if m.group("num2") or m.group("pre"):
        return None
    if not scale_word:
        if m.group("num") and _PLAIN_NUMBER.fullmatch(m.group("num")):
            value = parse_number(m.group("num"), True, lex.decimal_mark)
            return Money(m.start(), m.end(), value, None, _NO_SCALE, None)
        return None
    value = (
        lex.number_words[m.group("wnum").lower()]
        if m.group("wnum")
        else parse_number(m.group("num"), True, lex.decimal_mark)
    )
    q = lex.qualifier_re.search(m.string, max(0, m.start() - 30), m.start())
    qualifier = lex.qualifiers[q.group("q").lower()] if q else None
    return Money(m.start(), m.end(), value * lex.scales[scale_word.lower()], None, "", qualifier)


def _join_ranges(sentence: str, found: list[Money], lex: Lexicon) -> list[Money]:
    """ "between $12bn and $15bn", "$12bn to $15bn" -> one amount with a lower bound."""
    out: list[Money] = []
    for money in found:
        if out and out[-1].currency == money.currency and out[-1].amount_low is None:
            prev = out[-1]
            gap = sentence[prev.end : money.start]
            # (a range rises: "from DKK 16.5bn to 9.4bn" is a change from one level to another)
            # ("by NOK 2.5bn to NOK 10bn": the rise and the level it reaches)
            change = lex.range_change_re is not None and lex.range_change_re.search(
                sentence, max(0, prev.start - 20), prev.start
            )
            if lex.range_and_re.match(gap) and prev.amount <= money.amount and not change:
                is_and = gap.strip().lower() in {w.lower() for w in lex.range_and}
                between = lex.range_between_re and lex.range_between_re.search(sentence, 0, prev.start)
                # ("20 és 40 milliárd euró közötti": a postposition after the second end says "between")
                between = between or (
                    lex.range_after_re is not None and lex.range_after_re.match(sentence, money.end)
                )
                if not is_and or between:
                    out[-1] = replace(prev, end=money.end, amount=max(prev.amount, money.amount),
                                      amount_low=min(prev.amount, money.amount))  # fmt: skip
                    continue
        out.append(money)
    return out


_BRACKET_OPEN = re.compile(r"\s*([(\[])")
# The noun an amount qualifies may stand between it and its conversion: "a €90 billion loan (£79 billion)",
# "a NOK 2 billion package ($198 million)". One or two lower-case words, never a list word ("and").
_NOUN_BEFORE_BRACKET = re.compile(
    r"(?:\s+(?P<w1>[^\W\d_A-Z][^\W\d_]*)(?:\s+(?P<w2>[^\W\d_A-Z][^\W\d_]*))?)?(?=\s*[(\[])"
)


def _bracket_after(sentence: str, money: Money, lex: Lexicon) -> int:
    """Where a bracket after ``money`` may open: right after it, or after the noun it qualifies."""
    m = _NOUN_BEFORE_BRACKET.match(sentence, money.end)
    if not m or not m.group("w1"):
        return money.end
    words = [w for w in (m.group("w1"), m.group("w2")) if w]
    if any(w[0].isupper() or lex.list_separators.fullmatch(w) for w in words):
        return money.end
    return m.end()


_BRACKETS = {"(": ")", "[": "]"}


def _fold_conversions(sentence: str, found: list[Money], lex: Lexicon) -> list[Money]:
    out: list[Money] = []
    skip_until = -1
    for i, money in enumerate(found):
        if money.start < skip_until:
            continue
        inside = _bracketed_conversions(sentence, money, found[i + 1 :], lex)
        if inside:
            # "ISK 130 million [just over $1 million; €929,000]": every amount in the bracket restates it.
            skip_until = inside[-1].end
            out.append(replace(money, converted_to=(inside[0].amount, inside[0].currency),
                               conversion_end=inside[-1].end))  # fmt: skip
            continue
        if out and _is_conversion(sentence, out[-1], money, lex):
            out[-1] = replace(out[-1], converted_to=(money.amount, money.currency), conversion_end=money.end)
            continue
        out.append(money)
    return out


def _bracketed_conversions(sentence: str, money: Money, later: list[Money], lex: Lexicon) -> list[Money]:
    """The amounts in a bracket right after ``money`` when the bracket holds only amounts in other
    currencies, connectors ("about", "just over") and list separators; else []."""
    opened = _BRACKET_OPEN.match(sentence, _bracket_after(sentence, money, lex))
    if not opened:
        return []
    close = sentence.find(_BRACKETS[opened.group(1)], opened.end())
    if close < 0:
        return []
    inside = [m for m in later if m.end <= close]
    if len(inside) < 2 or any(m.currency == money.currency for m in inside):
        return []  # one amount is the pairwise rule's; the same currency is a part, not a conversion
    pieces, pos = [], opened.end()
    for m in inside:
        pieces.append(sentence[pos : m.start])
        pos = m.end
    pieces.append(sentence[pos:close])
    rest = [lex.list_separators.sub(" ", piece) for piece in pieces]
    return inside if all(_only_connectors(piece, lex) for piece in rest) else []


def _is_conversion(sentence: str, first: Money, second: Money, lex: Lexicon) -> bool:
    gap = sentence[first.end : second.start]
    after = sentence[second.end :]
    opened = _CONVERSION_OPENERS.match(gap)
    if first.currency == second.currency:
        # "over £500 million (£575 million)": a bracket holding nothing but one amount in the same currency
        # restates the amount before it (more exactly, or garbled), it is no second sum.
        return (
            opened is not None
            and opened.group("open") in _CONVERSION_CLOSERS
            and _only_connectors(opened.group("body"), lex)
            and _CONVERSION_CLOSERS[opened.group("open")].match(after) is not None
        )
    if not opened and (noun_end := _bracket_after(sentence, first, lex)) > first.end:
        # "a NOK 2bn package ($198m)": the bracket opens after the noun (``_bracket_after`` saw it there)
        opened = _CONVERSION_OPENERS.match(sentence[noun_end : second.start])
    if opened:
        body = opened.group("body")
        closer = _CONVERSION_CLOSERS.get(opened.group("open"), _DASH_CLOSER)
        if not _only_connectors(body, lex):
            return False
        if closer.match(after):
            return True
        # "(about $150m, - Ed.)": an editor's mark or other connectors before the closing bracket
        shut = _BRACKETS.get(opened.group("open"))
        close = sentence.find(shut, second.end) if shut else -1
        tail = sentence[second.end : close] if close >= 0 else ""
        if tail and _EDITOR_SIGNATURE.fullmatch(tail):
            return True  # "(30 mln. JAV dolerių – BNS)": the agency or editor that converted it
        tail = re.sub(r"[-–—]", " ", lex.list_separators.sub(" ", tail))
        return bool(tail.strip()) and _only_connectors(tail, lex)
    # "the NOK 2 billion pledge, equal to around $200 million": one word may come before the comma.
    stripped = _NOUN_BEFORE_COMMA.sub("", gap, count=1).strip()
    if lex.bare_conversion_re.fullmatch(gap):
        return True  # "600 miljoonaa kruunua eli 54 miljoonaa euroa"
    if not stripped.startswith(","):
        return False
    body = stripped[1:].strip()
    return bool(body) and _only_connectors(body, lex) and bool(_APPOSITION_END.match(after))


_NOUN_BEFORE_COMMA = re.compile(r"^\s+[^\W\d_]+(?=\s*,)")


def _only_connectors(body: str, lex: Lexicon) -> bool:
    """True when ``body`` is only qualifiers/connectors such as "or about", "equivalent to", "roughly"."""
    return lex.conversion_body_re.fullmatch(body) is not None


def resolve_currency(
    sign: str, lex: Lexicon, donors: tuple[str, ...], source_country: str | None
) -> tuple[str | None, str | None]:  # noqa: E501
    """An ambiguous sign ("$", "kr") -> (ISO code, note); a plain ISO code passes through (note None).

    "$" follows the publisher's country (CAD for a Canadian source), else USD; "kr" follows the donor.
    """
    rule = lex.ambiguous.get(sign)
    if rule is None:
        return sign, None
    by_country = rule.get("by_country", {})
    if sign == "$":
        if len(donors) == 1 and lex.country_currency.get(donors[0]) == "USD":
            # "The US approved a sale worth $15bn" on a Canadian site: the United States' dollars.
            return "USD", f"bare {sign} read as USD from donor {donors[0]}"
        if source_country and source_country in by_country:
            code = by_country[source_country]
            return code, f"bare {sign} read as {code} from source country {source_country}"
        if len(donors) == 1 and donors[0] in by_country:
            # "Ottawa will contribute 200 million dollars", "New Zealand will give $15m": the figure is
            # the donor government's own, in its own dollars, on a Ukrainian or Spanish site too (outlets
            # converting write "US$"); only a publisher in a dollar country of its own reads it otherwise.
            code = by_country[donors[0]]
            return code, f"bare {sign} read as {code} from donor {donors[0]}"
        return rule.get("default"), f"bare {sign} read as {rule.get('default')}"
    if len(donors) > 1 and source_country in donors and source_country in by_country:
        # "63 milljarða króna" of the Nordic-Baltic Eight on an Icelandic site: the publisher's own krónur
        code = by_country[source_country]
        return code, f"{sign} read as {code} from source country {source_country}, one of the givers"
    for donor in donors:
        if donor in by_country:
            return by_country[donor], f"{sign} read as {by_country[donor]} from donor {donor}"
    if source_country and source_country in by_country:
        code = by_country[source_country]
        return code, f"{sign} read as {code} from source country {source_country}"
    return rule.get("default"), None
