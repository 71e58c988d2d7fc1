"""Parse + extract in a process pool (backfills): the same documents as in-thread, in whole chunks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import aidtrack.collect as collect
from aidtrack.collect import KnownState, collect_source
from aidtrack.fetch import Fetcher, FetchResult
from aidtrack.sources import SourceConfig, load_sources


def _source(demo_sources, name="demo-wire"):
    return next(s for s in load_sources(demo_sources) if s.name == name)


def _documents(batch):
    return sorted(
        (d.canonical_url, d.title, d.text, len(d.statements), d.short_text) for d in batch.documents
    )


@pytest.mark.skipif(collect.PARSE_WORKERS < 2, reason="one core: the pool is never used")
def test_the_pool_gives_the_same_documents_and_whole_chunks(settings, demo_sources, monkeypatch):
    with Fetcher(settings) as fetcher:
        in_thread = collect_source(_source(demo_sources), fetcher, KnownState())
    monkeypatch.setattr(collect, "POOL_MIN_PAGES", 1)
    chunks = []
    with Fetcher(settings) as fetcher:
        pooled = collect_source(
            _source(demo_sources),
            fetcher,
            KnownState(),
            sink=lambda b: chunks.append(
                ([d.url for d in b.documents], [r.url for p, r in b.fetches if p == "article"])
            ),
            chunk_size=2,
        )
    assert pooled.counts() == in_thread.counts()
    # Every chunk logs exactly the pages whose documents it carries: no fetch without its document.
    assert all(sorted(docs) == sorted(fetches) for docs, fetches in chunks)
    with Fetcher(settings) as fetcher:
        pooled_whole = collect_source(_source(demo_sources), fetcher, KnownState())
    assert _documents(pooled_whole) == _documents(in_thread)
    assert collect._pool is None  # stopped with the last source that used it


@pytest.mark.skipif(collect.PARSE_WORKERS < 2, reason="one core: the pool is never used")
def test_pooled_pages_that_are_unchanged_or_unreadable_are_handled_like_in_thread(
    settings, demo_sources, monkeypatch
):
    monkeypatch.setattr(collect, "POOL_MIN_PAGES", 1)
    with Fetcher(settings) as fetcher:
        first = collect_source(_source(demo_sources), fetcher, KnownState())
    known = KnownState(
        documents={d.canonical_url: (d.content_hash, collect.extractor_version()) for d in first.documents}
    )
    with Fetcher(settings) as fetcher:
        unchanged = collect_source(_source(demo_sources), fetcher, known)
    assert unchanged.documents == [] and unchanged.counts()["fetched"] == first.counts()["fetched"]


def test_small_sources_do_not_start_a_pool():
    with collect._page_pool(collect.POOL_MIN_PAGES - 1) as pool:
        assert pool is None


class _BrokenPool:
    def submit(self, *args, **kwargs):
        raise collect.BrokenProcessPool("a worker died")


def test_a_broken_pool_falls_back_to_parsing_in_the_thread():
    html = (
        "<html><body><main><p>Sweden will give $100 million to PURL, its third contribution, the government "
        "said on Friday in Stockholm.</p><p>It goes into a $500 million package bought together with the "
        "Netherlands, Norway and the United Kingdom.</p></main></body></html>"
    )
    result = FetchResult(
        url="https://gov.example/se", final_url="https://gov.example/se", outcome="ok", status=200,
        body=html.encode(), text=html, encoding="utf-8", content_type="text/html", headers={}, etag=None,
        last_modified=None, content_hash="h", n_bytes=len(html), error=None, attempts=1,
        fetched_at=datetime.now(UTC), elapsed_s=0.0,
    )  # fmt: skip
    source = SourceConfig(
        name="gov", kind="rss", url="https://gov.example/feed", path=None, keywords=(), links=None, next=None,
        max_pages=1, since=None, tier="official", language="en", country="SWE", delay=None, enabled=True,
    )  # fmt: skip
    wait = collect._pooled(_BrokenPool(), source, result, None, {}, KnownState(), "v")
    document = wait()
    assert document is not None and "third contribution" in document.text and document.statements
