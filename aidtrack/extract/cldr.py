"""Words every language's lexicon takes from CLDR (through Babel) instead of hand lists.

A language folder under ``lexicons/`` only adds what CLDR does not know: inflected forms, short forms
outlets use ("млн долл.", "Mio. Euro"), cues. From CLDR come: country names (``territories``), month
and weekday names in both grammatical contexts (the genitive "грудня" as well as "грудень"), the scale
words of compact number formats in every plural form ("миллиона", "миллионов", "млн"), currency names in
every plural form ("норвежских крон", "koron norweskich") and the locale's decimal and group marks.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global


def locale(language: str) -> Locale | None:
    """The CLDR locale of a lexicon folder name (``en``, ``uk``, ``nb``), or None when CLDR has none."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def alpha2(alpha3: str) -> str | None:
    """ISO 3166 alpha-3 -> alpha-2 through CLDR's territory aliases, e.g. "ISL" -> "IS"; "EUU" -> "EU"."""
    if alpha3.upper() == "EUU":
        return "EU"
    aliases = get_global("territory_aliases").get(alpha3.upper())
    return aliases[0] if aliases and len(aliases[0]) == 2 else None


def territory_names(loc: Locale, codes: list[str]) -> dict[str, str]:
    """alpha-3 -> the country's name in ``loc`` ("NOR" -> "Норвегія")."""
    out = {}
    for code in codes:
        two = alpha2(code)
        name = loc.territories.get(two) if two else None
        if name:
            out[code] = name
    return out


def country_names(loc: Locale, exclude: tuple[str, ...] = ()) -> list[str]:
    """The names of every country CLDR knows in ``loc`` (two-letter territory codes only: no "Europe", "World"
    or "European Union"), except the ``exclude`` ones."""
    return [
        name
        for code, name in loc.territories.items()
        if len(code) == 2 and code.isalpha() and code not in exclude and code not in _NOT_COUNTRIES
    ]


# CLDR's two-letter codes that are not one country: the EU, the eurozone, the UN, "Outlying Oceania",
# pseudo-locales, "Unknown Region".
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


def month_names(loc: Locale) -> dict[str, int]:
    """Month words -> 1..12, wide and abbreviated, in the format and stand-alone contexts."""
    out: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in loc.months[context][width].items():
                word = name.lower().rstrip(".")
                if len(word) >= 3:
                    out.setdefault(word, int(number))
    return out


def weekday_names(loc: Locale) -> dict[str, int]:
    """Weekday words -> 0 (Monday) .. 6, wide, in the format and stand-alone contexts."""
    out: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for number, name in loc.days[context]["wide"].items():
            out.setdefault(name.lower(), int(number))
    return out


_PATTERN_NOISE = re.compile(r"[0#.,\s\u00a0\u202f]+")


def scale_words(loc: Locale) -> dict[str, float]:
    """The magnitude words of CLDR's compact number formats: "тис.", "мільйонів", "Mrd", "milliards".

    A pattern "0 млн" for 1000000 gives "млн" = 1e6; a pattern with two zeros ("00 млн") is for 10^7
    and still names 1e6. Single letters ("M", "k", "E") are left out: in running text they are
    initials far more often than magnitudes, and each lexicon can add the ones its outlets use."""
    out: dict[str, float] = {}
    for _width, plurals in loc.compact_decimal_formats.items():
        for _plural, magnitudes in plurals.items():
            for magnitude, pattern in magnitudes.items():
                if magnitude not in ("1000", "1000000", "1000000000"):
                    continue
                text = str(getattr(pattern, "pattern", pattern)).replace("'", "")
                zeros = text.count("0")
                word = _PATTERN_NOISE.sub(" ", text).strip()
                if zeros and len(word) >= 2:
                    out.setdefault(word.lower(), float(int(magnitude) // 10 ** (zeros - 1)))
    return out


def currency_words(loc: Locale, codes: list[str]) -> dict[str, str]:
    """Currency names in every plural form ("доларів США", "norske kroner", "Euro") -> ISO code."""
    out: dict[str, str] = {}
    plurals: dict[str, Any] = loc._data.get("currency_names_plural", {})
    for code in codes:
        names = [loc.currencies.get(code), *plurals.get(code, {}).values()]
        for name in names:
            if name and not name.isupper():
                out.setdefault(name.lower(), code)
    return out


@functools.cache
def number_marks(language: str) -> tuple[str, str]:
    """(decimal mark, group mark) of the language's locale; English's when CLDR has no locale."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    loc = locale(language)
    if loc is None:
        return ".", ","
    return get_decimal_symbol(loc), get_group_symbol(loc)


@functools.cache
def national_currencies(codes: tuple[str, ...]) -> dict[str, str]:
    """Currency -> the one country of ``codes`` (alpha-3) whose legal tender it is ("DKK" -> "DNK"); a
    currency several of them use (the euro) is left out."""
    from babel.numbers import get_territory_currencies

    users: dict[str, set[str]] = {}
    for code in codes:
        two = alpha2(code)
        if two is None:
            continue
        for currency in get_territory_currencies(two, tender=True):
            users.setdefault(currency, set()).add(code)
    return {currency: next(iter(c)) for currency, c in users.items() if len(c) == 1}
