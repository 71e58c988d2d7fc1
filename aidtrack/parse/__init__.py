"""HTML → ``Article``: generic parsing that works on sites we have never seen (no per-site selectors)."""

from aidtrack.parse.article import Article, parse_article
from aidtrack.parse.errors import ParseError
from aidtrack.parse.urls import canonicalize_url

__all__ = ["Article", "ParseError", "canonicalize_url", "parse_article"]
