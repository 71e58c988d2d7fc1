"""The one exception the parser raises, so callers can record why a page could not be read."""

from __future__ import annotations


class ParseError(ValueError):
    """The page is not an article we can use; the message says why (it is stored as the reason)."""
