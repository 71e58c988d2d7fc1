"""Fetcher end to end over loopback: outcomes, conditional GET, archive, fetch_many, robustness."""

from __future__ import annotations

import gzip
import threading
import time

import httpx

from aidtrack.fetch import Fetcher, FetchRequest, RawArchive
from tests import fetch_fixtures as fx
from tests.mockserver import Reply, closed_port

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)


def test_ok_result_fields(fetcher, mockserver):
    mockserver.page("/a", "<html><body><p>Grüße</p></body></html>", headers={"ETag": '"e1"'})
    r = fetcher.fetch(mockserver.url("/a"))
    assert r.outcome == "ok" and r.status == 200 and r.error is None
    assert r.text is not None and "Grüße" in r.text
    assert r.encoding == "utf-8"
    assert r.content_type == "text/html"
    assert r.etag == '"e1"'
    assert r.n_bytes == len(r.body) > 0
    assert len(r.content_hash) == 64
    assert r.fetched_at.tzinfo is not None and r.attempts == 1 and r.elapsed_s >= 0
    ua = mockserver.requests_to("/a")[0].header("user-agent")
    assert ua.startswith("aidtrack/")


def test_conditional_get_gets_304(fetcher, mockserver):
    mockserver.conditional("/feed", "<rss/>", etag='"v7"', last_modified="Mon, 01 Sep 2025 10:00:00 GMT")
    first = fetcher.fetch(mockserver.url("/feed"))
    assert first.outcome == "ok" and first.etag == '"v7"'
    second = fetcher.fetch(mockserver.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.outcome == "not_modified" and second.status == 304
    assert second.body is None and second.text is None
    assert second.etag == '"v7"' and second.last_modified == first.last_modified
    req = mockserver.requests_to("/feed")[1]
    assert req.header("if-none-match") == '"v7"'
    assert req.header("if-modified-since") == "Mon, 01 Sep 2025 10:00:00 GMT"


def test_if_modified_since_alone(fetcher, mockserver):
    mockserver.conditional("/p", "x", etag=None, last_modified="Tue, 02 Sep 2025 10:00:00 GMT")
    r = fetcher.fetch(mockserver.url("/p"), last_modified="Tue, 02 Sep 2025 10:00:00 GMT")
    assert r.outcome == "not_modified"
    assert mockserver.requests_to("/p")[0].header("if-none-match") is None


def test_404_is_failed_without_retry(fetcher, mockserver):
    r = fetcher.fetch(mockserver.url("/missing"))
    assert r.outcome == "failed" and r.status == 404 and r.error == "HTTP 404"
    assert r.body is None and r.attempts == 1
    assert len(mockserver.requests_to("/missing")) == 1


def test_connection_refused_is_failed(fetch_settings):
    with Fetcher(fetch_settings.replace(obey_robots=False)) as f:
        r = f.fetch(f"http://127.0.0.1:{closed_port()}/x")
    assert r.outcome == "failed" and r.status is None
    assert r.error.startswith("connection failed") and "after 3 attempts" in r.error
    assert r.attempts == 3


def test_unreachable_host_is_skipped_for_the_run_when_obeying_robots(fetcher):
    # robots.txt cannot be read, so the host counts as disallowed for this run (RFC 9309).
    r = fetcher.fetch(f"http://127.0.0.1:{closed_port()}/x")
    assert r.outcome == "skipped_robots" and r.attempts == 0
    assert "robots.txt unavailable" in r.error and "connection failed" in r.error


def test_dropped_connection_is_retried_then_failed(fetcher, mockserver):
    mockserver.drop("/drop")
    r = fetcher.fetch(mockserver.url("/drop"))
    assert r.outcome == "failed" and "connection dropped" in r.error and r.attempts == 3
    assert len(mockserver.requests_to("/drop")) == 3


def test_dropped_once_then_ok(fetcher, mockserver):
    mockserver.sequence("/flaky", [Reply(drop=True), Reply(200, "fine")])
    r = fetcher.fetch(mockserver.url("/flaky"))
    assert r.outcome == "ok" and r.text == "fine" and r.attempts == 2


def test_truncated_body_is_failed(fetcher, mockserver):
    mockserver.truncated("/t", b"x" * 100, claimed=5000)
    r = fetcher.fetch(mockserver.url("/t"))
    assert r.outcome == "failed" and r.body is None
    assert "truncated body" in r.error


def test_slow_response_times_out(fetch_settings, mockserver):
    mockserver.slow("/slow", delay=1.0)
    with Fetcher(fetch_settings.replace(max_retries=0, read_timeout=0.2)) as f:
        t0 = time.monotonic()
        r = f.fetch(mockserver.url("/slow"))
    assert r.outcome == "failed" and r.error == "read timeout after 1 attempt"
    assert time.monotonic() - t0 < 0.9


def test_slow_drip_body_hits_total_timeout(fetch_settings, mockserver):
    body = b"x" * 2000
    mockserver.route("/drip", Reply(200, body, {"Content-Type": "text/plain"}, drip=0.1, chunk_size=100))
    with Fetcher(fetch_settings.replace(total_timeout=0.3)) as f:
        r = f.fetch(mockserver.url("/drip"))
    assert r.outcome == "failed" and "too long" in r.error
    assert len(mockserver.requests_to("/drip")) == 1  # not retried: it would be just as slow


def test_unsupported_and_invalid_urls_never_raise(fetcher):
    bad = ["ftp://example.org/x", "file:///etc/passwd", "not a url", "", "http://", "javascript:alert(1)"]
    for url in bad:
        r = fetcher.fetch(url)
        assert r.outcome == "failed" and r.error and r.attempts == 0, url


def test_wrong_charset_header_is_corrected(fetcher, mockserver):
    # Header says Latin-1, bytes are UTF-8 (a common misconfiguration).
    mockserver.page("/latin", "Zelensky thanked Sweden – €1bn".encode(), "text/html; charset=iso-8859-1")
    # Header says UTF-8, bytes are windows-1252.
    mockserver.page("/cp", "Gr\u00fc\u00dfe from K\u00f6ln".encode("cp1252"), "text/html; charset=utf-8")
    r1 = fetcher.fetch(mockserver.url("/latin"))
    r2 = fetcher.fetch(mockserver.url("/cp"))
    assert r1.text == "Zelensky thanked Sweden – €1bn" and r1.encoding == "utf-8"
    assert r2.text == "Grüße from Köln"


def test_gzip_content_encoding_is_decoded(fetcher, mockserver):
    html = "<p>" + "pledge " * 1000 + "</p>"
    payload = gzip.compress(html.encode())
    mockserver.route("/gz", Reply(200, payload, {"Content-Type": "text/html", "Content-Encoding": "gzip"}))
    r = fetcher.fetch(mockserver.url("/gz"))
    assert r.outcome == "ok" and r.text == html and r.n_bytes == len(html)
    assert "gzip" in mockserver.requests_to("/gz")[0].header("accept-encoding")


def test_binary_body_has_no_text(fetcher, mockserver):
    mockserver.route("/doc.pdf", Reply(200, b"%PDF-1.7 \x00\xff binary", {"Content-Type": "application/pdf"}))
    r = fetcher.fetch(mockserver.url("/doc.pdf"))
    assert r.outcome == "ok" and r.body.startswith(b"%PDF") and r.text is None


def test_ok_bodies_are_archived(fetch_settings, mockserver, tmp_path):
    archive = RawArchive(tmp_path / "archive")
    mockserver.page("/a", "<p>archived</p>")
    with Fetcher(fetch_settings, archive=archive) as f:
        r = f.fetch(mockserver.url("/a"))
        f.fetch(mockserver.url("/nope"))
    assert archive.get(r.content_hash) == r.body
    entries = list(archive.iter_entries())
    assert [e.url for e in entries] == [mockserver.url("/a")]


def test_fetch_many_parallel_hosts_serial_per_host(fetch_settings, mockserver_factory):
    a, b = mockserver_factory(), mockserver_factory()
    in_flight: dict[str, int] = {"a": 0, "b": 0}
    peak = {"a": 0, "b": 0}
    overlap = threading.Event()
    lock = threading.Lock()

    def slow_page(name):
        def reply(req):
            with lock:
                in_flight[name] += 1
                peak[name] = max(peak[name], in_flight[name])
                if in_flight["a"] and in_flight["b"]:
                    overlap.set()
            time.sleep(0.05)
            with lock:
                in_flight[name] -= 1
            return Reply(200, f"{name}{req.path}", {"Content-Type": "text/plain"})

        return reply

    for server, name in ((a, "a"), (b, "b")):
        for i in range(4):
            server.route(f"/p{i}", slow_page(name))
    reqs = [FetchRequest(s.url(f"/p{i}")) for i in range(4) for s in (a, b)]
    with Fetcher(fetch_settings) as f:
        results = list(f.fetch_many(reqs))
    assert sorted(r.url for r in results) == sorted(r.url for r in reqs)
    assert all(r.outcome == "ok" for r in results)
    assert peak == {"a": 1, "b": 1}  # never two at once on one host
    assert overlap.is_set()  # but the two hosts ran in parallel
    # within a host, the given order is kept
    assert [r.path for r in a.requests if r.path != "/robots.txt"] == ["/p0", "/p1", "/p2", "/p3"]


def test_fetch_many_respects_global_concurrency(fetch_settings, mockserver_factory):
    servers = [mockserver_factory() for _ in range(4)]
    current = 0
    peak = 0
    lock = threading.Lock()

    def reply(req):
        nonlocal current, peak
        with lock:
            current += 1
            peak = max(peak, current)
        time.sleep(0.05)
        with lock:
            current -= 1
        return Reply(200, "ok")

    for s in servers:
        s.route("/x", reply)
    with Fetcher(fetch_settings.replace(max_concurrency=2)) as f:
        results = list(f.fetch_many(s.url("/x") for s in servers))
    assert len(results) == 4 and peak <= 2


def test_fetch_many_stops_when_consumer_stops(fetch_settings, mockserver):
    for i in range(20):
        mockserver.page(f"/p{i}", "x")
    with Fetcher(fetch_settings) as f:
        it = f.fetch_many(mockserver.url(f"/p{i}") for i in range(20))
        first = next(it)
        it.close()
    assert first.outcome == "ok"
    assert len([p for p in mockserver.paths() if p.startswith("/p")]) < 20


def test_transport_injection_for_unit_use(fetch_settings):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, text="mocked", headers={"Content-Type": "text/plain"})

    with Fetcher(fetch_settings, transport=httpx.MockTransport(handler)) as f:
        r = f.fetch("http://example.invalid/page")
    assert r.outcome == "ok" and r.text == "mocked"


def test_thread_safe_fetch_from_many_threads(fetcher, mockserver):
    mockserver.page("/x", "x")
    results = []

    def work():
        results.append(fetcher.fetch(mockserver.url("/x")))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r.outcome == "ok" for r in results)
    assert len(mockserver.requests_to("/robots.txt")) == 1
