"""Raw archive: gzip bodies keyed by sha256, JSON sidecar per fetch, atomic, concurrent-safe."""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from aidtrack.fetch import FetchResult, RawArchive


def _result(body: bytes, url: str = "http://a.example/x") -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url + "?final",
        outcome="ok",
        status=200,
        body=body,
        text=body.decode(),
        encoding="utf-8",
        content_type="text/html",
        headers={"content-type": "text/html", "etag": '"1"'},
        etag='"1"',
        last_modified=None,
        content_hash=hashlib.sha256(body).hexdigest(),
        n_bytes=len(body),
        error=None,
        attempts=1,
        fetched_at=datetime(2025, 9, 1, 12, 0, tzinfo=UTC),
        elapsed_s=0.1,
    )


def test_put_get_and_entries(tmp_path):
    archive = RawArchive(tmp_path)
    r = _result(b"<p>hello</p>")
    entry = archive.put(r)
    assert entry.content_hash == r.content_hash
    assert archive.get(r.content_hash) == b"<p>hello</p>"
    assert r.content_hash in archive
    (e,) = list(archive.iter_entries())
    assert (e.url, e.final_url, e.status) == (r.url, r.final_url, 200)
    assert e.fetched_at == r.fetched_at and e.headers["etag"] == '"1"'
    stored = list((tmp_path / "bodies").rglob("*.gz"))
    assert len(stored) == 1 and stored[0].read_bytes()[:2] == b"\x1f\x8b"


def test_same_body_stored_once_but_each_fetch_recorded(tmp_path):
    archive = RawArchive(tmp_path)
    archive.put(_result(b"same", "http://a.example/1"))
    archive.put(_result(b"same", "http://a.example/2"))
    assert len(list((tmp_path / "bodies").rglob("*.gz"))) == 1
    assert [e.url for e in archive.iter_entries()] == ["http://a.example/1", "http://a.example/2"] or sorted(
        e.url for e in archive.iter_entries()
    ) == ["http://a.example/1", "http://a.example/2"]


def test_missing_and_invalid_hash(tmp_path):
    archive = RawArchive(tmp_path)
    with pytest.raises(KeyError):
        archive.get("0" * 64)
    with pytest.raises(ValueError):
        archive.get("../../etc/passwd")


def test_results_without_body_are_ignored(tmp_path):
    archive = RawArchive(tmp_path)
    assert archive.put(replace(_result(b"x"), body=None, outcome="not_modified")) is None
    assert list(archive.iter_entries()) == []


def test_no_temp_files_left_and_corrupt_sidecar_skipped(tmp_path):
    archive = RawArchive(tmp_path)
    archive.put(_result(b"x"))
    day = next((tmp_path / "fetches").iterdir())
    (day / "broken.json").write_text("{not json")
    assert len(list(archive.iter_entries())) == 1
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_concurrent_writer_threads(tmp_path):
    archive = RawArchive(tmp_path)
    bodies = [f"body {i % 5}".encode() for i in range(40)]
    threads = [threading.Thread(target=archive.put, args=(_result(b),)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(list(archive.iter_entries())) == 40
    for b in set(bodies):
        assert archive.get(hashlib.sha256(b).hexdigest()) == b


def _write_many(path: str, n: int) -> None:
    archive = RawArchive(path)
    for i in range(n):
        archive.put(_result(f"shared {i % 3}".encode()))


def test_concurrent_writer_processes(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_many, args=(str(tmp_path), 10)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert all(p.exitcode == 0 for p in procs)
    archive = RawArchive(tmp_path)
    assert len(list(archive.iter_entries())) == 30
    assert archive.get(hashlib.sha256(b"shared 1").hexdigest()) == b"shared 1"
