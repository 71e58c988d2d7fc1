"""The retry ledger's rules: which discovered URLs are still owed a fetch, and when to ask again.

Pure functions over ``OwedUrl`` records; the warehouse stores them (table ``owed_urls``) and
``collect_source`` applies them. A URL is owed from the moment a run failed to turn it into a document
(error, timeout, interrupt, robots change, parse failure) until a later run succeeds or gives it up after
``RetryPolicy.max_tries`` failed tries, with the reason recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

OWED = "owed"
GIVEN_UP = "given_up"

# An hourly schedule fires a few seconds either side of the hour: a URL whose next try falls within this
# margin after "now" is due, so a 1-hour backoff means the next hourly run, not the one after.
DUE_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait after the n-th failed try (the last delay repeats), and when to give up."""

    backoff_hours: tuple[float, ...] = (1.0, 6.0, 24.0, 72.0)
    max_tries: int = 8

    def delay(self, tries: int) -> timedelta:
        hours = self.backoff_hours[min(max(tries, 1), len(self.backoff_hours)) - 1]
        return timedelta(hours=hours)


@dataclass(frozen=True)
class OwedUrl:
    source: str
    url: str
    status: str  # OWED | GIVEN_UP
    tries: int
    first_owed_at: datetime
    last_tried_at: datetime | None
    next_try_at: datetime
    last_reason: str
    published_hint: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.status == OWED and self.next_try_at <= now + DUE_MARGIN


def after_failure(
    previous: OwedUrl | None,
    *,
    source: str,
    url: str,
    reason: str,
    now: datetime,
    policy: RetryPolicy,
    published_hint: datetime | None = None,
    permanent: bool = False,
) -> OwedUrl:
    """The record after one more failed try of ``url``: owed again later, or given up (after
    ``policy.max_tries``, or at once when the failure is ``permanent``: 410 Gone, not a text page)."""
    tries = (previous.tries if previous else 0) + 1
    hint = published_hint or (previous.published_hint if previous else None)
    status, next_try = OWED, now + policy.delay(tries)
    if tries >= policy.max_tries:
        status, reason = GIVEN_UP, f"gave up after {tries} tries; last: {reason}"
    elif permanent:
        status, reason = GIVEN_UP, f"gave up: {reason}"
    return OwedUrl(
        source=source,
        url=url,
        status=status,
        tries=tries,
        first_owed_at=previous.first_owed_at if previous else now,
        last_tried_at=now,
        next_try_at=next_try,
        last_reason=reason,
        published_hint=hint,
    )


def after_interrupt(
    previous: OwedUrl | None,
    *,
    source: str,
    url: str,
    now: datetime,
    published_hint: datetime | None = None,
) -> OwedUrl:
    """The record of a URL the run was stopped before fetching: owed, due at once, no try counted
    (stopping a run says nothing about the page)."""
    if previous is not None:
        return replace(previous, next_try_at=min(previous.next_try_at, now))
    return OwedUrl(
        source=source,
        url=url,
        status=OWED,
        tries=0,
        first_owed_at=now,
        last_tried_at=None,
        next_try_at=now,
        last_reason="run interrupted before this page was fetched",
        published_hint=published_hint,
    )
