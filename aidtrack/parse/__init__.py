"""HTML → ``Article``: generic parsing that works on sites we have never seen (no per-site selectors)."""

from aidtrack.parse.article import Article, ParseError, parse_article
from aidtrack.parse.urls import canonicalize_url

__all__ = ["Article", "ParseError", "canonicalize_url", "parse_article"]
