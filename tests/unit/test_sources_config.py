"""Sources file: the DESIGN.md contract, strictly; errors name the entry and the key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aidtrack.sources import SourcesFileError, load_sources

GOOD = """
sources:
  - name: nato-news
    kind: rss
    url: https://www.nato.int/rss/news.xml
    keywords: [PURL, Ukraine]
    tier: official
    country: bel
  - name: mod-sitemap
    kind: sitemap
    url: https://example.gov/sitemap_index.xml.gz
    since: 2025-08-01
    delay: 5
  - name: ministry-listing
    kind: listing
    url: https://example.gov/news
    links: "article h2 > a"
    next: "a.next"
    max_pages: 3
    language: de
    enabled: false
  - name: curated
    kind: csv
    path: data/curated.csv
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("written", ["no", "'no'", "nb", "nb-NO"])
def test_norwegian_is_not_read_as_false(tmp_path, written):
    """YAML 1.1 reads a bare `no` as false; a user writing Norwegian's code gets Norwegian."""
    (source,) = load_sources(
        write(
            tmp_path,
            f"sources:\n  - name: nrk\n    kind: rss\n    url: https://a.example/\n    language: {written}\n",
        )
    )
    from aidtrack.extract.language import normalise

    assert normalise(source.language) == "nb"


def test_good_file(tmp_path):
    rss, sm, listing, csv = load_sources(write(tmp_path, GOOD))
    assert rss.kind == "rss" and rss.keywords == ("PURL", "Ukraine") and rss.tier == "official"
    # No language: it is an override; each page's own (markup, feed, else detected) is used.
    assert rss.country == "BEL" and rss.language is None and rss.enabled and rss.delay is None
    assert sm.since == date(2025, 8, 1) and sm.delay == 5.0 and sm.tier == "outlet"
    assert listing.links == "article h2 > a" and listing.next == "a.next" and listing.max_pages == 3
    assert listing.language == "de" and listing.enabled is False
    assert csv.path == (tmp_path / "data" / "curated.csv").resolve() and csv.url is None


def expect_error(tmp_path, text, *fragments):
    with pytest.raises(SourcesFileError) as info:
        load_sources(write(tmp_path, text))
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)
    return info.value


def test_unknown_key_names_entry_and_key(tmp_path):
    err = expect_error(
        tmp_path,
        "sources:\n  - name: a\n    kind: rss\n    url: https://a.example/f\n"
        "  - name: bad-one\n    kind: rss\n    url: https://b.example/f\n    keyword: [x]\n",
        "entry #2",
        "sources[1]",
        "'bad-one'",
        "'keyword'",
    )
    assert (err.index, err.name, err.key) == (1, "bad-one", "keyword")


def test_key_of_another_kind_is_unknown(tmp_path):
    expect_error(
        tmp_path,
        "sources:\n  - name: a\n    kind: rss\n    url: https://a.example/f\n    links: a\n",
        "'links'",
        "kind listing",
    )


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ("kind: rss\n    url: https://a.example/", "name"),
        ("name: x", "kind"),
        ("name: x\n    kind: rss", "url"),
        ("name: x\n    kind: listing\n    url: https://a.example/", "links"),
        ("name: x\n    kind: csv", "path"),
    ],
)
def test_missing_required_key(tmp_path, entry, key):
    err = expect_error(tmp_path, f"sources:\n  - {entry}\n", f"missing required key '{key}'", "entry #1")
    assert err.key == key


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("kind: atom", "kind"),
        ("kind: rss\n    url: ftp://a.example/", "url"),
        ("kind: rss\n    url: https://a.example/\n    tier: blog", "tier"),
        ("kind: rss\n    url: https://a.example/\n    country: Canada", "country"),
        ("kind: rss\n    url: https://a.example/\n    delay: -1", "delay"),
        ("kind: rss\n    url: https://a.example/\n    enabled: maybe", "enabled"),
        ("kind: rss\n    url: https://a.example/\n    keywords: PURL", "keywords"),
        ("kind: rss\n    url: https://a.example/\n    language: English!", "language"),
        ("kind: sitemap\n    url: https://a.example/\n    since: last week", "since"),
        ("kind: listing\n    url: https://a.example/\n    links: 'a[['", "links"),
        ("kind: listing\n    url: https://a.example/\n    links: a\n    max_pages: 0", "max_pages"),
    ],
)
def test_bad_values(tmp_path, extra, key):
    err = expect_error(tmp_path, f"sources:\n  - name: x\n    {extra}\n", "entry #1", "'x'", key)
    assert err.key == key


def test_duplicate_names(tmp_path):
    text = "sources:\n" + "  - name: same\n    kind: rss\n    url: https://a.example/\n" * 2
    expect_error(tmp_path, text, "duplicate name 'same'", "entry #2", "entry #1")


def test_malformed_yaml_gives_line(tmp_path):
    err = expect_error(tmp_path, "sources:\n  - name: x\n    kind: [rss\n  - name: y\n", "line ")
    assert err.line is not None and err.line >= 3


def test_duplicate_key_in_entry(tmp_path):
    expect_error(
        tmp_path,
        "sources:\n  - name: x\n    kind: rss\n    url: https://a.example/\n    url: https://b.example/\n",
        "duplicate key 'url'",
        "line 5",
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "sources:"),
        ("- name: x\n", "sources:"),
        ("sources: {name: x}\n", "list"),
        ("sources:\n  - just-a-string\n", "entry #1"),
        ("sources: []\nextra: 1\n", "'extra'"),
    ],
)
def test_bad_shapes(tmp_path, text, fragment):
    expect_error(tmp_path, text, fragment)


def test_empty_list_and_missing_file(tmp_path):
    assert load_sources(write(tmp_path, "sources: []\n")) == []
    with pytest.raises(SourcesFileError, match="not found"):
        load_sources(tmp_path / "nope.yaml")
