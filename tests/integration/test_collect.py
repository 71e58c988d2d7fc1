"""One source through discover → fetch → parse → extract, without Prefect: chunked hand-over."""

from __future__ import annotations

from aidtrack.collect import KnownState, collect_source
from aidtrack.fetch import Fetcher
from aidtrack.sources import load_sources


def wire_source(demo_sources):
    return next(s for s in load_sources(demo_sources) if s.name == "demo-wire")


def test_documents_are_handed_over_in_chunks_and_nothing_is_kept(settings, demo_sources):
    chunks = []
    with Fetcher(settings) as fetcher:
        batch = collect_source(
            wire_source(demo_sources),
            fetcher,
            KnownState(),
            sink=lambda b: chunks.append((len(b.documents), len(b.fetches))),
            chunk_size=2,
        )
    assert [docs for docs, _ in chunks] == [2, 2, 0]  # two full chunks, then the (empty) rest
    assert batch.documents == [] and batch.fetches == []  # the caller holds only counts
    counts = batch.counts()
    assert counts["documents"] == 4 and counts["fetched"] == 4 and counts["discovered"] == 4
    # Four articles, each logged once; the sitemap's fetch (and so its validators) only with the last chunk.
    assert [fetches for _, fetches in chunks] == [2, 2, 1]


def test_without_a_sink_everything_is_returned(settings, demo_sources):
    with Fetcher(settings) as fetcher:
        batch = collect_source(wire_source(demo_sources), fetcher, KnownState())
    assert len(batch.documents) == 4 and batch.counts()["documents"] == 4
    assert {d.published_at.date().isoformat() for d in batch.documents} == {
        "2025-08-04",
        "2025-08-13",
        "2025-10-15",
        "2025-11-20",
    }


def test_unchanged_pages_are_not_extracted_again(settings, demo_sources):
    with Fetcher(settings) as fetcher:
        first = collect_source(wire_source(demo_sources), fetcher, KnownState())
    known = KnownState(documents={d.canonical_url: (d.content_hash, "x") for d in first.documents})
    from aidtrack.collect import extractor_version

    same_version = KnownState(
        documents={d.canonical_url: (d.content_hash, extractor_version()) for d in first.documents}
    )
    with Fetcher(settings) as fetcher:
        assert len(collect_source(wire_source(demo_sources), fetcher, known).documents) == 4  # new extractor
        assert collect_source(wire_source(demo_sources), fetcher, same_version).documents == []
