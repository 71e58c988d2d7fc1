"""Text -> statements about military aid to Ukraine: pledges, recaps, running totals, targets, shares.

>>> from aidtrack.extract import extract
>>> extract("The Netherlands will pay €500 million for a PURL package.").pledges[0].donors
('NLD',)

All words the extractor knows live in ``lexicons/<language>/``; add a directory to support a language.
"""

from __future__ import annotations

import datetime

from aidtrack.extract.article import extract_statements, headline_from_url, source_country_from_url
from aidtrack.extract.lexicon import LexiconError, load_lexicon
from aidtrack.extract.statements import Extraction, Statement
from aidtrack.settings import LedgerPolicy

# Pledges below this confidence go to the review queue and are not counted (the default LedgerPolicy;
# a run uses its settings' policy).
REVIEW_THRESHOLD = LedgerPolicy.review_threshold

__all__ = ["REVIEW_THRESHOLD", "Extraction", "LexiconError", "Statement", "extract", "load_lexicon"]


def extract(
    text: str,
    *,
    published: datetime.date | None = None,
    url: str | None = None,
    source_country: str | None = None,
    language: str = "en",
    title: str | None = None,
) -> Extraction:
    """Find the money statements in ``text`` (an article body or one sentence).

    ``published`` anchors relative dates ("on Monday", "in August") and tells recaps from news;
    ``source_country`` (ISO alpha-3 of the publisher), else the ``url`` host, decides a bare "$"
    (CAD for a Canadian government page); ``language`` picks the lexicon directory; ``title`` (else the
    ``url``'s slug) may name the giver of a sentence that leaves it unsaid.
    Raises ``LexiconError`` for a language without a lexicon.
    """
    lex = load_lexicon(language)
    country = source_country or source_country_from_url(url, lex)
    headline = title or headline_from_url(url)
    return Extraction(tuple(extract_statements(text or "", lex, published, country, headline)))
