"""Which language a document is in, and whether the extractor can read it.

The order: a source's ``language:`` (an explicit override), then what the page says of itself
(``<html lang>``, ``og:locale``, JSON-LD), then the feed's ``<language>``, else the language detected
from the text (py3langid; see docs/languages.md for the measured choice). A declared language that the
text clearly contradicts (a long text the detector is sure of) gives way to the detection: templates
often say ``lang="en"`` on every page of a multilingual site.

Language tags are reduced to their primary subtag ("pt-BR" -> "pt"); Norwegian's "no" and "nn" read
with the Bokmål lexicon "nb".
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass

# Tags that name a language we read under another folder's name.
# py3langid labels about one short Croatian news sentence in seven "bs" (Bosnian); the two are read alike.
ALIASES = {"no": "nb", "nn": "nb", "nob": "nb", "nno": "nb", "bs": "hr"}
# A declared language gives way only to a detection this sure, on a text at least this long.
OVERRULE_PROBABILITY = 0.99
OVERRULE_MIN_CHARS = 150
# Shorter texts are not detected at all: a headline's worth of words is too little to tell da from nb.
MIN_DETECT_CHARS = 20
# A detected language we have no data for, below this probability, is a guess on a short text ("Oslo gives
# Ukraine €40m ..." comes out Nigerian Pidgin at 0.61): the text is read in the likeliest language we read.
UNSURE_PROBABILITY = 0.9
# The detector reads this much of a text: a paragraph names its language as surely as the whole article,
# and the cost grows with the length (about 0.4 ms per 600 characters).
DETECT_SAMPLE_CHARS = 600


def normalise(tag: str | bool | None) -> str | None:
    """ "pt-BR" -> "pt", "nb_NO" -> "nb", "no" -> "nb", "" -> None. YAML reads a bare ``no`` as
    false: that is Norwegian too (see sources config)."""
    if tag is False:
        return "nb"
    if not tag or not isinstance(tag, str):
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    if not primary.isalpha() or not 2 <= len(primary) <= 3:
        return None
    return ALIASES.get(primary, primary)


@dataclass(frozen=True)
class Detection:
    language: str
    probability: float


_lock = threading.Lock()


@functools.cache
def _identifier():  # noqa: ANN202 - py3langid has no types
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@functools.cache
def _reader_identifier(languages: frozenset[str]):  # noqa: ANN202 - py3langid has no types
    """An identifier that only chooses among ``languages`` (the model's own tags: "no" for "nb")."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    tags = {tag for tag in identifier.nb_classes if (ALIASES.get(tag, tag)) in languages}
    identifier.set_languages(sorted(tags))
    return identifier


def detect(text: str, among: frozenset[str] | None = None) -> Detection | None:
    """The language of ``text`` as py3langid sees it (None for a text too short to tell); with ``among``,
    the likeliest of those languages."""
    sample = (text or "").strip()[:DETECT_SAMPLE_CHARS]
    if len(sample) < MIN_DETECT_CHARS or sum(ch.isalpha() for ch in sample[:200]) < MIN_DETECT_CHARS:
        return None
    identifier = _identifier() if among is None else _reader_identifier(among)
    with _lock:  # the identifier keeps scratch state
        language, probability = identifier.classify(sample)
    return Detection(normalise(language) or language, float(probability))


@dataclass(frozen=True)
class LanguageChoice:
    language: str | None  # None: nothing declared and the text too short to tell
    how: str  # "source", "page", "feed", "detected", "detected (page said en)", "unknown"
    supported: bool  # a lexicon folder exists for it


def choose(
    text: str,
    *,
    override: str | None = None,
    page: str | None = None,
    feed: str | None = None,
    supported: Iterable[str] | None = None,
) -> LanguageChoice:
    """The document's language (see the module docstring for the order)."""
    if supported is None:
        from aidtrack.extract.lexicon import languages

        supported = languages()
    known = set(supported)
    forced = normalise(override)
    if forced:
        return LanguageChoice(forced, "source", forced in known)
    for how, tag in (("page", page), ("feed", feed)):
        declared = normalise(tag)
        if declared:
            if len(text or "") >= OVERRULE_MIN_CHARS:
                found = detect(text)
                if found and found.language != declared and found.probability >= OVERRULE_PROBABILITY:
                    return LanguageChoice(
                        found.language, f"detected ({how} said {declared})", found.language in known
                    )
            return LanguageChoice(declared, how, declared in known)
    found = detect(text)
    if found is None:
        return LanguageChoice(None, "unknown", False)
    if found.language not in known and found.probability < UNSURE_PROBABILITY and known:
        # Unsure, and of a language we do not read: most likely a short text in one we do.
        best = detect(text, frozenset(known))
        if best is not None:
            return LanguageChoice(
                best.language, f"detected ({found.language} unsure)", best.language in known
            )
    return LanguageChoice(found.language, "detected", found.language in known)
