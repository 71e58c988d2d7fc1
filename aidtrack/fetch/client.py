"""The polite HTTP client: robots.txt, per-host pacing, retries, manual redirects, conditional GET,
size caps, charset decoding and the raw archive, behind one ``Fetcher.fetch`` that never raises for
network or HTTP problems (it returns ``outcome="failed"`` with a reason instead).
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from aidtrack.domain import Outcome
from aidtrack.fetch.archive import RawArchive
from aidtrack.fetch.encoding import decode_body, looks_binary
from aidtrack.fetch.limits import BodyDecodeError, BodyTooLarge, DownloadTooSlow, read_limited
from aidtrack.fetch.pacing import HostPacer, host_key
from aidtrack.fetch.redirect import REDIRECT_STATUSES, RedirectError, RedirectTracker
from aidtrack.fetch.retry import RetryPolicy, describe_exception, retryable_status
from aidtrack.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsResponse
from aidtrack.settings import Settings

log = logging.getLogger(__name__)

OK = Outcome.OK
NOT_MODIFIED = Outcome.NOT_MODIFIED
SKIPPED_ROBOTS = Outcome.SKIPPED_ROBOTS
FAILED = Outcome.FAILED
INTERRUPTED = Outcome.INTERRUPTED  # the run was stopped (Ctrl-C, SIGTERM) before this URL was fetched

# After a stop, fetch threads still inside a request get this long to finish before they are abandoned
# (they are daemon threads: a request stuck in a 30 s read must not hold up the end of the run).
STOP_GRACE_SECONDS = 2.0

_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.8"
)


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    delay: float | None = None


@dataclass
class FetchResult:
    url: str  # requested
    final_url: str  # after redirects
    outcome: str  # "ok" | "not_modified" | "skipped_robots" | "failed" | "interrupted"
    status: int | None
    body: bytes | None  # decoded from transfer/content-encoding; None unless ok
    text: str | None  # body decoded to str; None unless ok (and None for binary bodies: PDF, gzip…)
    encoding: str | None
    content_type: str | None  # media type only, lower case ("text/html"); full header in headers
    headers: dict[str, str]  # lower-case names
    etag: str | None
    last_modified: str | None
    content_hash: str | None  # sha256 hex of body
    n_bytes: int  # body size
    error: str | None  # human-readable reason for failed/skipped
    attempts: int  # requests sent for this fetch: retries and redirect hops included (robots.txt not)
    fetched_at: datetime  # UTC
    elapsed_s: float

    @property
    def ok(self) -> bool:
        return self.outcome == OK


@dataclass
class _Attempt:
    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes | None = None
    error: str | None = None
    retryable: bool = False
    interrupted: bool = False
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class _Stopped(Exception):
    """Raised inside a body download when the run is stopped."""


class Fetcher:
    """Context manager; thread-safe. One instance per run: robots.txt and pacing state live here.

    ``stop`` (an event the caller may set from a signal handler) ends the fetcher's work early: waits
    are cut short, no new request is sent, downloads under way are dropped, and every fetch asked for
    afterwards answers ``outcome="interrupted"``.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        archive: RawArchive | None = None,
        transport: httpx.BaseTransport | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.settings = settings
        self.archive = archive
        self.stop_event = stop if stop is not None else threading.Event()
        self.retry = RetryPolicy(settings)
        # Waiting out a host's delay or a backoff ends at once when the run is stopped.
        self.pacer = HostPacer(settings.max_concurrency, sleep=self.stop_event.wait)
        self.robots = RobotsCache(settings.user_agent, self._load_robots)
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,  # redirect.py follows them, hop by hop, politely
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=max(settings.connect_timeout, settings.read_timeout),
            ),
            # httpx parses Location even when not following redirects, and raises on odd ones
            # (javascript:, malformed) before we see the response; hide it from httpx.
            event_hooks={"response": [_hide_location]},
            limits=httpx.Limits(max_connections=max(8, 2 * settings.max_concurrency)),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": _ACCEPT,
                # We decode ourselves (limits.py) so the size cap holds after decompression.
                "Accept-Encoding": "gzip, deflate",
            },
        )

    # -- public API -----------------------------------------------------------------------------

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def interrupt(self) -> None:
        """Stop: see the class docstring. Safe to call from a signal handler or another thread."""
        self.stop_event.set()

    @property
    def interrupted(self) -> bool:
        return self.stop_event.is_set()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        delay: float | None = None,
    ) -> FetchResult:
        """GET ``url`` politely; see ``FetchResult`` for what comes back. Never raises for network/HTTP
        problems. ``etag``/``last_modified`` make it a conditional GET; ``delay`` overrides the
        default delay for this URL's host (a larger robots.txt Crawl-delay still wins)."""
        try:
            result = self._fetch(url, etag, last_modified, delay, check_robots=self.settings.obey_robots)
        except Exception as exc:  # last line of defence: a bug must not kill a whole run
            log.exception("unexpected error fetching %s", url)
            now = datetime.now(UTC)
            result = _result(url, url, FAILED, None, error=f"internal error: {type(exc).__name__}: {exc}")
            result.fetched_at = now
        if result.outcome == OK and self.archive is not None:
            try:
                self.archive.put(result)
            except OSError as exc:
                log.error("could not archive %s: %s", result.final_url, exc)
        return result

    def fetch_many(self, requests: Iterable[FetchRequest | str]) -> Iterator[FetchResult]:
        """Fetch many URLs: hosts in parallel (at most ``max_concurrency``), one request at a time per
        host, in the given order within a host. Yields results as they complete. Stopping the
        iteration early cancels the requests not yet started."""
        by_host: dict[str, list[FetchRequest]] = defaultdict(list)
        for req in requests:
            if isinstance(req, str):
                req = FetchRequest(req)
            by_host[host_key(req.url)].append(req)
        if not by_host:
            return
        # Bounded: fetch threads may run only a little ahead of the consumer (parsing), so memory does
        # not grow with the number of pages waiting to be parsed.
        done: queue.Queue[FetchResult | None] = queue.Queue(maxsize=2 * max(1, self.settings.max_concurrency))
        stop = threading.Event()

        def hand_over(item: FetchResult | None) -> bool:
            while not stop.is_set():
                try:
                    done.put(item, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False  # the consumer stopped early: drop the result

        def run_host(reqs: list[FetchRequest]) -> None:
            try:
                for r in reqs:
                    if stop.is_set() or self.interrupted:
                        return
                    if not hand_over(
                        self.fetch(r.url, etag=r.etag, last_modified=r.last_modified, delay=r.delay)
                    ):
                        return
            finally:
                hand_over(None)

        # At most max_concurrency hosts at once; each worker takes whole hosts from the queue. Daemon
        # threads, so that after a stop a request stuck in a slow read is abandoned, not waited for.
        hosts: queue.Queue[list[FetchRequest]] = queue.Queue()
        for reqs in by_host.values():
            hosts.put(reqs)

        def work() -> None:
            while True:
                try:
                    reqs = hosts.get_nowait()
                except queue.Empty:
                    return
                run_host(reqs)

        workers = [
            threading.Thread(target=work, name=f"aidtrack-fetch-{i}", daemon=True)
            for i in range(max(1, min(self.settings.max_concurrency, len(by_host))))
        ]
        for worker in workers:
            worker.start()
        try:
            remaining = len(by_host)
            while remaining and not self.interrupted:
                try:
                    item = done.get(timeout=0.2)
                except queue.Empty:
                    continue
                if item is None:
                    remaining -= 1
                else:
                    yield item
        finally:
            stop.set()
            grace = STOP_GRACE_SECONDS if self.interrupted else None
            deadline = time.monotonic() + grace if grace is not None else None
            for worker in workers:
                worker.join(None if deadline is None else max(0.0, deadline - time.monotonic()))

    # -- internals ------------------------------------------------------------------------------

    def _host_delay(
        self, url: str, origin_url: str, override: float | None, crawl_delay: float | None
    ) -> float:
        base = self.settings.default_delay
        if override is not None and host_key(url) == host_key(origin_url):
            base = override
        if crawl_delay is not None:
            # A huge Crawl-delay would stall the run for hours; cap it like any other wait.
            base = max(base, min(crawl_delay, self.settings.backoff_max))
        return max(0.0, base)

    def _fetch(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        delay: float | None,
        *,
        check_robots: bool,
        max_bytes: int | None = None,
        truncate: bool = False,
    ) -> FetchResult:
        started = time.monotonic()
        max_bytes = self.settings.max_body_bytes if max_bytes is None else max_bytes

        def finish(result: FetchResult) -> FetchResult:
            result.elapsed_s = time.monotonic() - started
            return result

        problem = _check_url(url)
        if problem:
            return finish(_result(url, url, FAILED, None, error=problem))

        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        tracker = RedirectTracker(url, self.settings.max_redirects)
        attempts = 0
        while True:
            current = tracker.current
            if self.interrupted:
                return finish(_stopped_result(url, current, attempts))
            crawl_delay = None
            if check_robots:
                decision = self.robots.check(current)
                if not decision.allowed and self.interrupted:  # robots.txt unread because we stopped
                    return finish(_stopped_result(url, current, attempts))
                if not decision.allowed:
                    r = _result(url, current, SKIPPED_ROBOTS, None, error=decision.reason, attempts=attempts)
                    return finish(r)
                crawl_delay = decision.crawl_delay
            hop_delay = self._host_delay(current, url, delay, crawl_delay)

            hop_attempts = 0
            while True:
                hop_attempts += 1
                attempts += 1
                att = self._attempt(current, headers, hop_delay, max_bytes, truncate)
                if att.interrupted:
                    return finish(_stopped_result(url, current, attempts - 1, att.error))
                wait = None
                if att.status in (429, 503) and att.headers.get("retry-after"):
                    wait = self.retry.backoff(hop_attempts, att.headers.get("retry-after"))
                    self.pacer.hold(current, wait)  # keep every worker off this host meanwhile
                if att.retryable and self.retry.can_retry(hop_attempts):
                    if wait is None:
                        wait = self.retry.backoff(hop_attempts)
                        self.pacer.hold(current, wait)
                    log.info("retrying %s in %.2fs: %s", current, wait, _reason(att))
                    continue
                break

            status = att.status
            if att.error is None and status in REDIRECT_STATUSES:
                try:
                    tracker.next_url(att.headers.get("location"), sets_cookie="set-cookie" in att.headers)
                except RedirectError as exc:
                    return finish(_result(url, current, FAILED, status, error=str(exc), attempts=attempts))
                continue

            if att.error is not None or status is None or not (200 <= status < 300 or status == 304):
                reason = _reason(att)
                if att.retryable and hop_attempts > 1:
                    reason = f"{reason} after {hop_attempts} attempts"
                elif att.retryable:
                    reason = f"{reason} after 1 attempt"
                r = _result(
                    url, current, FAILED, status, error=reason, attempts=attempts, headers=att.headers
                )
                r.fetched_at = att.at
                return finish(r)

            if status == 304:
                r = _result(url, current, NOT_MODIFIED, status, attempts=attempts, headers=att.headers)
                r.etag = att.headers.get("etag") or etag
                r.last_modified = att.headers.get("last-modified") or last_modified
                r.fetched_at = att.at
                return finish(r)

            body = att.body or b""
            content_type_header = att.headers.get("content-type")
            text = encoding = None
            if not looks_binary(body, content_type_header):
                text, encoding = decode_body(body, content_type_header)
            r = _result(url, current, OK, status, attempts=attempts, headers=att.headers)
            r.body = body
            r.text = text
            r.encoding = encoding
            r.content_hash = hashlib.sha256(body).hexdigest()
            r.n_bytes = len(body)
            r.fetched_at = att.at
            return finish(r)

    def _attempt(
        self, url: str, headers: dict[str, str], delay: float, max_bytes: int, truncate: bool
    ) -> _Attempt:
        """One request, inside the host's slot. Only reads the body of 2xx responses."""
        with self.pacer.slot(url, delay):
            att = _Attempt()
            if self.interrupted:  # stopped while waiting for the slot: send nothing
                att.interrupted, att.error = True, "run interrupted before this page was fetched"
                return att
            deadline = time.monotonic() + self.settings.total_timeout
            try:
                with self._client.stream("GET", url, headers=headers) as resp:
                    att.at = datetime.now(UTC)
                    att.status = resp.status_code
                    att.headers = _restore_location(resp.headers)
                    att.retryable = retryable_status(resp.status_code)
                    if 200 <= resp.status_code < 300:
                        declared = resp.headers.get("content-length", "")
                        if declared.strip().isdigit() and int(declared) > max_bytes and not truncate:
                            raise BodyTooLarge(max_bytes)
                        chunks, coding = _raw_body(resp)
                        att.body = read_limited(
                            self._unless_stopped(chunks),
                            coding,
                            max_bytes,
                            deadline=deadline,
                            truncate=truncate,
                        )
            except _Stopped:
                att.interrupted, att.error, att.body = True, "run interrupted during the download", None
            except (BodyTooLarge, BodyDecodeError, DownloadTooSlow) as exc:
                att.error, att.retryable, att.body = str(exc), False, None
            except httpx.HTTPError as exc:
                att.error, att.retryable = describe_exception(exc)
                att.body = None
            except (ValueError, UnicodeError) as exc:  # malformed URL/host that slipped past _check_url
                att.error, att.retryable, att.body = f"invalid URL: {exc}", False, None
            return att

    def _unless_stopped(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            if self.interrupted:
                raise _Stopped
            yield chunk

    def _load_robots(self, robots_url: str) -> RobotsResponse:
        result = self._fetch(
            robots_url,
            None,
            None,
            None,
            check_robots=False,
            max_bytes=min(ROBOTS_MAX_BYTES, self.settings.max_body_bytes),
            truncate=True,
        )
        if result.outcome == OK:
            return RobotsResponse(result.status, result.body)
        return RobotsResponse(result.status, None, result.error)


_HIDDEN_LOCATION = "x-aidtrack-location"


def _hide_location(response: httpx.Response) -> None:
    if "location" in response.headers:
        response.headers[_HIDDEN_LOCATION] = response.headers["location"]
        del response.headers["location"]


def _restore_location(headers: httpx.Headers) -> httpx.Headers:
    if _HIDDEN_LOCATION not in headers:
        return headers
    restored = headers.copy()
    restored["location"] = restored[_HIDDEN_LOCATION]
    del restored[_HIDDEN_LOCATION]
    return restored


def _raw_body(resp: httpx.Response) -> tuple[Iterable[bytes], str | None]:
    """The still-encoded body stream and its Content-Encoding. A response built in memory (e.g. by
    ``httpx.MockTransport``) was already read and decoded by httpx, so it is taken as it is."""
    if not resp.is_stream_consumed:
        return resp.iter_raw(), resp.headers.get("content-encoding")
    if isinstance(resp.stream, httpx.ByteStream):
        return iter(resp.stream), resp.headers.get("content-encoding")
    return [resp.content], None


def _reason(att: _Attempt) -> str:
    return att.error if att.error is not None else f"HTTP {att.status}"


def _check_url(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"invalid URL {url!r}: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"unsupported URL scheme {parts.scheme or '(none)'!r} in {url!r}"
    if not parts.hostname:
        return f"invalid URL {url!r}: no host"
    return None


def _stopped_result(
    url: str, current: str, attempts: int, error: str = "run interrupted before this page was fetched"
) -> FetchResult:
    return _result(url, current, INTERRUPTED, None, error=error, attempts=attempts)


def _result(
    url: str,
    final_url: str,
    outcome: str,
    status: int | None,
    *,
    error: str | None = None,
    attempts: int = 0,
    headers: httpx.Headers | None = None,
) -> FetchResult:
    hdrs = {k.lower(): v for k, v in headers.items()} if headers is not None else {}
    content_type = hdrs.get("content-type")
    return FetchResult(
        url=url,
        final_url=final_url,
        outcome=outcome,
        status=status,
        body=None,
        text=None,
        encoding=None,
        content_type=content_type.split(";")[0].strip().lower() or None if content_type else None,
        headers=hdrs,
        etag=hdrs.get("etag"),
        last_modified=hdrs.get("last-modified"),
        content_hash=None,
        n_bytes=0,
        error=error,
        attempts=attempts,
        fetched_at=datetime.now(UTC),
        elapsed_s=0.0,
    )
