"""The retry ledger: a page that failed once is asked for again by later runs, with backoff, whether or not
its feed changed, until it is read or given up with its reason."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from aidtrack.collect import KnownState, SourceBatch, collect_source
from aidtrack.fetch import Fetcher
from aidtrack.owed import GIVEN_UP, OWED, RetryPolicy, after_failure, after_interrupt
from aidtrack.settings import load_settings
from aidtrack.sources import parse_sources
from tests.fetch_fixtures import fetch_settings, mockserver  # noqa: F401
from tests.mockserver import Reply

T0 = datetime(2026, 11, 30, 10, 7, tzinfo=UTC)
POLICY = RetryPolicy(backoff_hours=(1, 6, 24), max_tries=4)

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Ministry</title>
<item><title>PURL package</title><link>{base}/news/purl.html</link><pubDate>Mon, 04 Aug 2025 09:00:00 GMT</pubDate></item>
<item><title>Other news</title><link>{base}/news/other.html</link><pubDate>Sun, 03 Aug 2025 09:00:00 GMT</pubDate></item>
</channel></rss>"""
ARTICLE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>The Netherlands will pay 500 million euros for a first package of American weapons for Ukraine under
PURL, the defence minister said on Monday.</p><p>More paragraphs of our own text follow here, so that the
page reads like a real article with enough words in its main block to be taken as the text.</p>
</article></body></html>"""


def test_backoff_grows_then_repeats_and_tries_are_bounded():
    record = None
    delays = []
    for _ in range(4):
        record = after_failure(record, source="s", url="u", reason="HTTP 503", now=T0, policy=POLICY)
        delays.append(record.next_try_at - T0)
    assert delays[:3] == [timedelta(hours=1), timedelta(hours=6), timedelta(hours=24)]
    assert record.status == GIVEN_UP and record.tries == 4
    assert record.last_reason == "gave up after 4 tries; last: HTTP 503"
    assert record.first_owed_at == T0


def test_a_permanent_failure_is_given_up_at_once_and_an_interrupt_costs_no_try():
    gone = after_failure(None, source="s", url="u", reason="HTTP 410", now=T0, policy=POLICY, permanent=True)
    assert gone.status == GIVEN_UP and gone.last_reason == "gave up: HTTP 410"
    failed = after_failure(None, source="s", url="u", reason="read timeout", now=T0, policy=POLICY)
    later = T0 + timedelta(minutes=5)
    stopped = after_interrupt(failed, source="s", url="u", now=later)
    assert stopped.tries == 1 and stopped.status == OWED and stopped.next_try_at == later
    fresh = after_interrupt(None, source="s", url="v", now=T0)
    assert fresh.tries == 0 and fresh.due(T0)


def test_an_hourly_run_a_few_seconds_early_still_finds_a_one_hour_retry_due():
    record = after_failure(None, source="s", url="u", reason="HTTP 503", now=T0, policy=POLICY)
    assert not record.due(T0 + timedelta(minutes=30))
    assert record.due(T0 + timedelta(minutes=59, seconds=58))


def test_backoff_hours_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AIDTRACK_OWED_BACKOFF_HOURS", "0.5, 2")
    monkeypatch.setenv("AIDTRACK_OWED_MAX_TRIES", "3")
    policy = load_settings().retry_policy
    assert policy == RetryPolicy(backoff_hours=(0.5, 2.0), max_tries=3)
    monkeypatch.setenv("AIDTRACK_OWED_BACKOFF_HOURS", "soon")
    with pytest.raises(ValueError, match="AIDTRACK_OWED_BACKOFF_HOURS"):
        load_settings()


def _site(server):
    base = server.base_url
    server.conditional("/feed.xml", FEED.format(base=base), content_type="application/rss+xml")
    server.page("/news/other.html", ARTICLE.format(title="Other news"))
    return parse_sources(f"sources:\n  - {{name: ministry, kind: rss, url: '{server.url('/feed.xml')}'}}\n")[
        0
    ]


def _after(known: KnownState, batch: SourceBatch) -> KnownState:
    """What the warehouse would know after loading ``batch`` (validators and the retry ledger)."""
    validators = dict(known.validators)
    for _, r in batch.fetches:
        if r.outcome == "ok" and (r.etag or r.last_modified):
            validators[r.url] = (r.etag, r.last_modified)
    owed = dict(known.owed.get("ministry", {}))
    for url in batch.settled:
        owed.pop(url, None)
    owed.update({o.url: o for o in batch.owed})
    return KnownState(validators=validators, documents=known.documents, owed={"ministry": owed})


def test_an_article_that_failed_is_fetched_again_though_its_feed_answers_304(fetch_settings, mockserver):  # noqa: F811
    source = _site(mockserver)
    article = "/news/purl.html"
    mockserver.status(article, 503)
    settings = fetch_settings.replace(owed_backoff_hours=(1.0, 6.0), owed_max_tries=3)
    with Fetcher(settings) as fetcher:
        first = collect_source(source, fetcher, KnownState(), now=T0)
    assert first.counts()["owed"] == 1 and first.counts()["documents"] == 1
    (owed,) = first.owed
    assert owed.url == mockserver.url(article) and owed.tries == 1 and owed.last_reason.startswith("HTTP 503")
    assert owed.published_hint is not None and owed.published_hint.date().isoformat() == "2025-08-04"
    known = _after(KnownState(), first)

    # Half an hour later: the feed is unchanged (304) and the article is still backing off: not asked.
    mockserver.page(article, ARTICLE.format(title="PURL package"))
    requests_before = len(mockserver.requests_to(article))
    with Fetcher(settings) as fetcher:
        early = collect_source(source, fetcher, known, now=T0 + timedelta(minutes=30))
    assert early.discovered == 0  # the feed answered 304
    assert len(mockserver.requests_to(article)) == requests_before and early.owed == []

    # The next hourly run: due, fetched although the feed says nothing changed, and no longer owed.
    with Fetcher(settings) as fetcher:
        retry = collect_source(source, fetcher, known, now=T0 + timedelta(hours=1))
    assert retry.discovered == 0 and retry.settled == [mockserver.url(article)]
    (document,) = retry.documents
    assert any(s.amount == 500e6 and s.currency == "EUR" for s in document.statements)
    assert document.published_at.date().isoformat() == "2025-08-04"  # the feed's date, kept while owed


def test_a_page_that_keeps_failing_is_given_up_with_its_reason(fetch_settings, mockserver):  # noqa: F811
    source = _site(mockserver)
    mockserver.status("/news/purl.html", 500)
    settings = fetch_settings.replace(owed_backoff_hours=(1.0,), owed_max_tries=2, max_retries=0)
    known, now = KnownState(), T0
    statuses = []
    for _ in range(3):
        with Fetcher(settings) as fetcher:
            batch = collect_source(source, fetcher, known, now=now)
        statuses += [(o.status, o.tries) for o in batch.owed]
        known, now = _after(known, batch), now + timedelta(hours=1)
    assert statuses == [(OWED, 1), (GIVEN_UP, 2)]  # the third run asks for it no more
    given_up = known.owed["ministry"][mockserver.url("/news/purl.html")]
    assert given_up.last_reason.startswith("gave up after 2 tries; last: HTTP 500")


def test_an_unparsable_page_and_a_robots_refusal_stay_owed(fetch_settings, mockserver):  # noqa: F811
    source = _site(mockserver)
    mockserver.page("/news/purl.html", b"\x00\x01 not html at all", content_type="application/octet-stream")
    mockserver.robots("User-agent: *\nDisallow: /news/other.html\n")
    with Fetcher(fetch_settings) as fetcher:
        batch = collect_source(source, fetcher, KnownState(), now=T0)
    reasons = {o.url.rsplit("/", 1)[1]: (o.status, o.last_reason) for o in batch.owed}
    assert reasons["purl.html"] == (GIVEN_UP, "gave up: not a text page (application/octet-stream)")
    assert reasons["other.html"][0] == OWED and "robots" in reasons["other.html"][1].lower()


def test_a_stopped_fetcher_owes_every_page_it_did_not_read_and_blames_no_one(fetch_settings, mockserver):  # noqa: F811
    source = _site(mockserver)
    mockserver.route("/news/purl.html", Reply(200, ARTICLE.format(title="PURL package"), delay=0.3))
    with Fetcher(fetch_settings.replace(max_concurrency=1)) as fetcher:
        fetcher.interrupt()
        batch = collect_source(source, fetcher, KnownState(), now=T0)
    assert batch.error is None and batch.interrupted
    assert not batch.discovery_complete  # the feed itself was never read
    assert batch.owed == [] and batch.fetches == []  # nothing discovered, nothing logged as failed


def test_stopping_mid_run_keeps_what_was_read_and_owes_the_rest(fetch_settings, mockserver):  # noqa: F811
    source = _site(mockserver)
    mockserver.route("/news/purl.html", Reply(200, ARTICLE.format(title="PURL package"), delay=6.0))
    batches = []
    with Fetcher(fetch_settings.replace(max_concurrency=1, read_timeout=10.0, total_timeout=20.0)) as fetcher:

        def sink(batch: SourceBatch) -> None:
            batches.append((list(batch.documents), list(batch.owed), list(batch.fetches)))

        threading.Timer(0.5, fetcher.interrupt).start()  # while the slow article is downloading
        started = datetime.now(UTC)
        batch = collect_source(source, fetcher, KnownState(), now=T0, sink=sink, chunk_size=1)
        elapsed = (datetime.now(UTC) - started).total_seconds()
    documents = [d for docs, _, _ in batches for d in docs]
    owed = [o for _, os_, _ in batches for o in os_]
    assert elapsed < 5.0  # a request stuck for 6 s is abandoned after the stop's grace, not waited for
    assert batch.interrupted and batch.error is None
    assert [d.title for d in documents] in ([], ["Other news"])
    assert mockserver.url("/news/purl.html") in {o.url for o in owed}
    assert all(o.tries == 0 and o.due(T0) for o in owed)  # stopping costs the pages no try
    assert {o.url for o in owed} | {d.url for d in documents} == {
        mockserver.url("/news/purl.html"),
        mockserver.url("/news/other.html"),
    }
