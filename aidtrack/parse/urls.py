"""URL canonicalisation shared by discovery and parsing, so one article has one identity."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only track the click, never select content.
_TRACKING_PARAMS = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|mc_cid|mc_eid|_hsenc|_hsmi|ocid|cmpid|taid)$", re.I
)


def canonical_url(url: str, base: str | None = None) -> str | None:
    """Absolute, comparable form of a link, or None if it is not an http(s) URL.

    Resolves against ``base``, drops the fragment and tracking parameters (``utm_*``, ``fbclid``…),
    sorts the remaining query parameters, lower-cases scheme and host, drops default ports, and gives
    an empty path as ``/``.
    """
    if not url:
        return None
    url = url.strip()
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)
    )
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query, doseq=True), ""))


def canonicalize_url(url: str) -> str:
    """``canonical_url`` for a URL we fetched; a non-http URL is returned as it is (stripped)."""
    return canonical_url(url) or url.strip()
