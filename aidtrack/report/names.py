"""Donors as people name them: CLDR country names (through Babel) in the report's language.

The data keeps ISO 3166-1 alpha-3 codes (``NLD``); only what a reader sees is named ("Netherlands"), and a
joint package reads as one phrase in the language's own list style ("Denmark, Norway and Sweden"). The
alpha-3 → alpha-2 mapping comes from CLDR too (its "overlong" territory aliases: ``NLD`` → ``NL``), so no
list of countries is kept by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.lists import format_list

from aidtrack.errors import AidtrackError

# British English by default: the alliance's and the EU's own style ("Denmark, Norway and Sweden",
# no serial comma). Any CLDR locale works: "de" gives "Dänemark, Norwegen und Schweden".
DEFAULT_LANGUAGE = "en-GB"

# Codes the project uses that are not ISO 3166-1 (see sql/checks/pledge_donors_known.sql): the EU's
# institutions as a donor. CLDR names the territory "EU".
_NON_ISO = {"EUU": "EU"}


class UnknownDonorError(AidtrackError, ValueError):
    """A donor given on the command line is neither a country code nor a country name we know."""


class UnknownLanguageError(AidtrackError, ValueError):
    """The report's language is not a CLDR locale."""


@lru_cache(maxsize=32)
def locale(language: str) -> Locale:
    """The CLDR locale for a language tag such as ``en-GB``, ``de`` or ``pt_BR``."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise UnknownLanguageError(
            f"unknown report language {language!r}: give a language tag such as en, en-GB or de"
        ) from None


@lru_cache(maxsize=1)
def _alpha2() -> dict[str, str]:
    """alpha-3 → alpha-2 for every country CLDR knows (its territory aliases of three letters)."""
    table = {
        code: aliases[0]
        for code, aliases in get_global("territory_aliases").items()
        if len(code) == 3 and code.isalpha() and len(aliases) == 1 and len(aliases[0]) == 2
    }
    return table | _NON_ISO


@lru_cache(maxsize=1)
def _alpha3() -> dict[str, tuple[str, ...]]:
    """alpha-2 → its alpha-3 codes. A few have two (a current and a withdrawn one: DEU and DDR for DE)."""
    out: dict[str, list[str]] = {}
    for alpha3, alpha2 in sorted(_alpha2().items()):
        out.setdefault(alpha2, []).append(alpha3)
    return {alpha2: tuple(codes) for alpha2, codes in out.items()}


def country_name(code: str, language: str = DEFAULT_LANGUAGE) -> str:
    """``NLD`` → "Netherlands" (in ``language``); a code CLDR does not know is shown as it is."""
    alpha2 = _alpha2().get(code.upper())
    name = locale(language).territories.get(alpha2) if alpha2 else None
    return name or code


def donor_names(codes: Iterable[str], language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The names of ``codes``, in the language's alphabetical order (as a reader scans a list)."""
    return sorted((country_name(c, language) for c in codes), key=str.casefold)


def donors_label(codes: Sequence[str], language: str = DEFAULT_LANGUAGE, none: str = "all donors") -> str:
    """A pledge's donors as one phrase: "Netherlands"; "Denmark, Norway and Sweden"; ``none`` if empty."""
    names = donor_names(codes, language)
    if not names:
        return none
    return format_list(names, locale=locale(language))


def resolve_donor(text: str, language: str = DEFAULT_LANGUAGE, known: Iterable[str] = ()) -> str:
    """What a user typed for ``--donor`` → the alpha-3 code the data uses.

    Accepts an alpha-3 code (``NLD``), an alpha-2 code (``NL``), or a country name in ``language`` or in
    English, in any case ("netherlands", "Niederlande" with ``de``). Where a name or alpha-2 code has two
    alpha-3 codes, the one in ``known`` (the warehouse's donors) wins, else the current one. Raises
    ``UnknownDonorError``.
    """
    wanted = " ".join(text.split())
    if not wanted:
        raise UnknownDonorError("--donor needs a country code (NLD) or name (Netherlands)")
    upper = wanted.upper()
    named = locale("en").territories  # a code counts only if CLDR names it (not XXX, "unknown region")
    if len(upper) == 3 and upper.isalpha() and (_alpha2().get(upper) in named or upper in set(known)):
        return upper
    alpha2 = upper if len(upper) == 2 and upper in _alpha3() and upper in named else None
    if alpha2 is None:
        for lang in dict.fromkeys((language, "en")):
            names = {name.casefold(): code for code, name in locale(lang).territories.items()}
            alpha2 = names.get(wanted.casefold())
            if alpha2:
                break
    candidates = _alpha3().get(alpha2 or "", ())
    if not candidates:
        raise UnknownDonorError(
            f"unknown donor {text!r}: give an ISO 3166-1 alpha-3 code (NLD) or a country name (Netherlands)"
        )
    known_set = set(known)
    in_data = [c for c in candidates if c in known_set]
    if in_data:
        return in_data[0]
    # Withdrawn codes (DDR, BUR, ZAR, ...) lost their first letter's match with the current alpha-2 or
    # are listed after the current one; prefer the code that starts like the alpha-2 code.
    return next((c for c in candidates if c[0] == alpha2[0] and c[1] == alpha2[1]), None) or next(
        (c for c in candidates if c[0] == alpha2[0]), candidates[0]
    )
