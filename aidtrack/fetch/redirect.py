"""Manual redirect following: bounded hops, http(s) targets only, loops detected.

The client never follows redirects itself, so every hop goes through robots.txt and per-host pacing
like any other request.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ALLOWED_SCHEMES = ("http", "https")


class RedirectError(Exception):
    """A redirect we refuse to follow; the message is the FetchResult error."""


class RedirectTracker:
    """Tracks the hops of one fetch and decides where (and whether) to go next."""

    def __init__(self, start_url: str, max_redirects: int) -> None:
        self.max_redirects = max_redirects
        self.hops: list[str] = [start_url]
        self._visits: dict[str, int] = {start_url: 1}

    @property
    def current(self) -> str:
        return self.hops[-1]

    def next_url(self, location: str | None, *, sets_cookie: bool = False) -> str:
        """Absolute target of a redirect from the current URL; raises ``RedirectError`` to stop.

        A hop back to an already visited URL is a loop, except once when the response set a cookie
        (the "set cookie and come back" pattern some sites use).
        """
        if not location or not location.strip():
            raise RedirectError("redirect without a Location header")
        try:
            target = urljoin(self.current, location.strip())
            parts = urlsplit(target)
        except ValueError as exc:
            raise RedirectError(f"invalid redirect Location {location!r}") from exc
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise RedirectError(f"redirect to {scheme or 'a schemeless URL'}:// refused ({target})")
        if not parts.hostname:
            raise RedirectError(f"invalid redirect Location {location!r}")
        target = parts._replace(fragment="").geturl()
        if len(self.hops) > self.max_redirects:
            raise RedirectError(f"too many redirects (more than {self.max_redirects})")
        seen = self._visits.get(target, 0)
        if seen >= (2 if sets_cookie else 1):
            raise RedirectError(f"redirect loop detected at {target}")
        self._visits[target] = seen + 1
        self.hops.append(target)
        return target
