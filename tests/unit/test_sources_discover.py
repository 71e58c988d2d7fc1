"""discover(): dispatch by kind, fetch log, validators, caps; never raises for source problems."""

from __future__ import annotations

import dataclasses

from aidtrack.fetch import Fetcher
from aidtrack.sources import discover, load_sources
from tests import fetch_fixtures as fx

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)

FEED = (
    '<rss version="2.0"><channel><title>x</title>'
    + "".join(f"<item><title>Item {i}</title><link>/a/{i}</link></item>" for i in range(30))
    + "</channel></rss>"
)


def sources_file(tmp_path, server_url):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "curated.csv").write_text(
        "donors,amount,currency,announced_on,program,source_url,note\n"
        "NLD,500000000,EUR,2025-08-04,PURL,https://gov.nl/a,\n"
        "XX,5,EUR,2025-08-04,PURL,https://gov.nl/b,\n",
        encoding="utf-8",
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n"
        f"  - name: feed\n    kind: rss\n    url: {server_url}/feed\n    delay: 0\n"
        f"  - name: curated\n    kind: csv\n    path: data/curated.csv\n",
        encoding="utf-8",
    )
    return load_sources(path)


def test_end_to_end_from_sources_file(tmp_path, fetcher, mockserver):
    mockserver.page("/feed", FEED, "application/rss+xml")
    feed, curated = sources_file(tmp_path, mockserver.base_url)
    d = discover(feed, fetcher, max_entries=5)
    assert d.error is None and len(d.entries) == 5 and d.curated == []
    assert [f.url for f in d.fetches] == [mockserver.url("/feed")]
    c = discover(curated, fetcher)
    assert [p.donors for p in c.curated] == [("NLD",)] and c.entries == [] and c.fetches == []
    assert (
        c.error
        == "curated.csv: 1 bad row: row 3, column 'donors': 'XX' is not an ISO 3166-1 alpha-3 code (e.g. NLD)"
    )


def test_default_cap_from_settings(fetch_settings, mockserver, tmp_path):
    mockserver.page("/feed", FEED, "application/rss+xml")
    feed, _ = sources_file(tmp_path, mockserver.base_url)
    with Fetcher(fetch_settings.replace(max_entries_per_source=7)) as f:
        assert len(discover(feed, f).entries) == 7


def test_validators_errors_do_not_fail_the_source(tmp_path, fetcher, mockserver):
    mockserver.page("/feed", FEED, "application/rss+xml")
    feed, _ = sources_file(tmp_path, mockserver.base_url)

    def broken(url):
        raise RuntimeError("store offline")

    d = discover(feed, fetcher, validators=broken)
    assert d.error is None and d.entries


def test_unknown_kind_and_internal_errors_are_reported(tmp_path, fetcher, mockserver):
    feed, _ = sources_file(tmp_path, mockserver.base_url)
    d = discover(dataclasses.replace(feed, kind="podcast"), fetcher)
    assert d.error == "unknown source kind 'podcast'"
    d = discover(dataclasses.replace(feed, url=None), fetcher)
    assert d.error and d.error.startswith("internal error")
