"""Size caps: declared, streamed, and after decompression (gzip bombs refused, not inflated)."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from aidtrack.fetch.limits import BodyDecodeError, BodyTooLarge, gunzip_limited, human_size, read_limited
from tests import fetch_fixtures as fx
from tests.mockserver import Reply

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)


MB = 1024 * 1024


def test_gzip_bomb_refused(fetcher, mockserver):
    payload = mockserver.gzip_bomb("/bomb", 64 * MB)
    assert len(payload) < MB  # small on the wire
    tracemalloc.start()
    r = fetcher.fetch(mockserver.url("/bomb"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert r.outcome == "failed" and r.error == "body exceeds 1 MB limit" and r.body is None
    assert peak < 20 * MB  # refused, not inflated
    assert len(mockserver.requests_to("/bomb")) == 1  # not retried


def test_declared_length_over_limit_refused_before_reading(fetcher, mockserver):
    mockserver.route("/big", Reply(200, b"x" * 10, {"Content-Length": str(50 * MB)}))
    r = fetcher.fetch(mockserver.url("/big"))
    assert r.outcome == "failed" and "exceeds 1 MB" in r.error


def test_undeclared_stream_over_limit_refused(fetcher, mockserver):
    mockserver.route("/stream", Reply(200, b"y" * (2 * MB), {"Content-Type": "text/plain"}, chunked=True))
    r = fetcher.fetch(mockserver.url("/stream"))
    assert r.outcome == "failed" and "exceeds" in r.error


def test_body_at_limit_is_fine(fetcher, mockserver):
    mockserver.route("/edge", Reply(200, b"z" * MB, {"Content-Type": "text/plain"}))
    r = fetcher.fetch(mockserver.url("/edge"))
    assert r.outcome == "ok" and r.n_bytes == MB


def test_gzip_mislabelled_plain_body_passes(fetcher, mockserver):
    mockserver.route("/plain", Reply(200, b"<p>not compressed</p>", {"Content-Encoding": "gzip"}))
    r = fetcher.fetch(mockserver.url("/plain"))
    assert r.outcome == "ok" and r.text == "<p>not compressed</p>"


def test_chunked_gzip_bomb_refused(fetcher, mockserver):
    payload = gzip.compress(b"\0" * 32 * MB)
    headers = {"Content-Encoding": "gzip", "Content-Type": "text/html"}
    mockserver.route("/cb", Reply(200, payload, headers, chunked=True, chunk_size=4096))
    r = fetcher.fetch(mockserver.url("/cb"))
    assert r.outcome == "failed" and "exceeds" in r.error


def test_deflate_zlib_and_raw(fetcher, mockserver):
    data = b"<p>deflated</p>" * 50
    raw = zlib.compressobj(wbits=-15)
    raw_body = raw.compress(data) + raw.flush()
    mockserver.route("/z", Reply(200, zlib.compress(data), {"Content-Encoding": "deflate"}))
    mockserver.route("/raw", Reply(200, raw_body, {"Content-Encoding": "deflate"}))
    assert fetcher.fetch(mockserver.url("/z")).body == data
    assert fetcher.fetch(mockserver.url("/raw")).body == data


def test_unknown_content_encoding_fails_cleanly(fetcher, mockserver):
    mockserver.route("/br", Reply(200, b"\x8b\x02\x80hello\x03", {"Content-Encoding": "br"}))
    r = fetcher.fetch(mockserver.url("/br"))
    assert r.outcome == "failed" and "unsupported Content-Encoding 'br'" in r.error


def test_read_limited_units():
    data = b"a" * 1000
    assert read_limited([gzip.compress(data)], "gzip", 1000) == data
    with pytest.raises(BodyTooLarge):
        read_limited([gzip.compress(data)], "gzip", 999)
    assert read_limited([data], None, 10, truncate=True) == b"a" * 10
    two_members = gzip.compress(b"one ") + gzip.compress(b"two")
    assert read_limited([two_members[:7], two_members[7:]], "gzip", 100) == b"one two"
    with pytest.raises(BodyDecodeError):
        read_limited([gzip.compress(data)[:10] + b"garbage!" * 10], "gzip", 10_000)
    assert gunzip_limited(gzip.compress(b"sitemap"), 100) == b"sitemap"
    with pytest.raises(BodyTooLarge):
        gunzip_limited(gzip.compress(b"\0" * 10 * MB), MB)


def test_human_size():
    assert human_size(10 * MB) == "10 MB" and human_size(512) == "512 bytes" and human_size(2048) == "2 KB"
