"""Reference series (``kind: reference``): the Kiel-shaped file is read exactly, every change of format
is a clear error naming what changed, and discovery fetches it politely (robots, conditional GET)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aidtrack.sources import discover, load_sources
from aidtrack.sources.config import SourcesFileError, parse_sources
from aidtrack.sources.reference import (
    FORMATS,
    KIEL_PROCUREMENT_TRENDS,
    ReferenceFormatError,
    parse_reference,
    unit_change,
)
from tests import fetch_fixtures as fx
from tests.mockserver import Reply

mockserver, mockserver_factory, fetch_settings, fetcher = (
    fx.mockserver,
    fx.mockserver_factory,
    fx.fetch_settings,
    fx.fetcher,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "procurement_trends.csv"
GOOD = FIXTURE.read_text(encoding="utf-8")
TODAY = date(2026, 12, 1)
KIEL = KIEL_PROCUREMENT_TRENDS


def parse(text: str, today: date = TODAY):
    return parse_reference(text.encode("utf-8"), KIEL, where="procurement_trends.csv", today=today)


def error(text: str, today: date = TODAY) -> str:
    with pytest.raises(ReferenceFormatError) as info:
        parse(text, today)
    message = str(info.value)
    assert message.startswith("procurement_trends.csv (kiel-procurement-trends): "), message
    return message


def test_the_fixture_reads_as_euros_per_month():
    series = parse(GOOD)
    assert (series.first_month, series.last_month, len(series.months)) == (
        date(2025, 6, 1),
        date(2026, 6, 1),
        13,
    )
    assert series.currency == "EUR" and series.measure == "allocations"
    assert series.programs == {"nato_purl": "PURL"}
    purl = series.values["nato_purl"]
    assert purl[date(2025, 8, 1)] == 1e9  # € billions in the file, euros in the series
    assert purl[date(2026, 4, 1)] == 1.5e9 and purl[date(2026, 1, 1)] == 0.0
    assert sum(purl.values()) == pytest.approx(3.5e9)
    assert series.values["procurement"][date(2025, 6, 1)] == 1e9
    assert series.notes == ()


def test_kiels_own_quoting_and_a_byte_order_mark_are_fine():
    quoted = GOOD.replace("2025,8,", '"2025","8",')
    assert parse("\ufeff" + quoted).values["nato_purl"][date(2025, 8, 1)] == 1e9


def test_a_renamed_column_is_named_with_its_new_name():
    message = error(GOOD.replace('"nato_purl"', '"purl"'))
    assert "the columns changed: 'nato_purl' missing; new column 'purl' (renamed?)" in message
    assert "expected year, month, stockpile, procurement, unspecified, nato_purl" in message


def test_a_dropped_column_is_named():
    lines = [",".join(line.split(",")[:-1]) for line in GOOD.splitlines()]
    assert "'nato_purl' missing" in error("\n".join(lines))


def test_an_extra_column_is_a_note_not_an_error():
    lines = GOOD.splitlines()
    text = "\n".join([lines[0] + ',"nato_purl_delivered"'] + [line + ",0" for line in lines[1:]])
    series = parse(text)
    assert series.notes == ("extra column 'nato_purl_delivered' ignored",)
    assert series.values["nato_purl"][date(2025, 8, 1)] == 1e9


def test_values_in_millions_are_a_wrong_unit():
    text = GOOD.replace("2025,8,0.3,0.6,0.1,1", "2025,8,300,600,100,1000")
    message = error(text)
    assert "row 4 (2025-08), column 'stockpile': 300 is not a plausible number of € billions" in message
    assert "the file seems to be in another unit" in message


def test_a_unit_change_too_small_to_see_in_one_cell_is_caught_against_the_last_good_release():
    previous = parse(GOOD)
    lines = GOOD.splitlines()
    scaled = [lines[0]] + [
        ",".join(c if i < 2 else f"{float(c) / 1000:g}" for i, c in enumerate(line.split(",")))
        for line in lines[1:]
    ]
    thousandth = parse("\n".join(scaled))  # in € trillions: every cell is small, so it parses
    assert "the unit seems to have changed" in unit_change(thousandth, previous)
    revised = parse(GOOD.replace("2025,8,0.3,0.6,0.1,1", "2025,8,0.3,0.6,0.1,1.1"))
    assert unit_change(revised, previous) is None  # an ordinary revision


@pytest.mark.parametrize(
    ("replace", "by", "fragment"),
    [
        ("2025,9,0.1,0.5,0,0.2", "2025,9,0.1,0.5,NA,0.2", "row 5 (2025-09), column 'unspecified': empty"),
        ("2025,9,0.1,0.5,0,0.2", "2025,9,0.1,0.5,0,", "row 5 (2025-09), column 'nato_purl': empty"),
        ("2025,9,0.1,0.5,0,0.2", "2025,9,0.1,0.5,0,0.2m", "'0.2m' is not a number"),
        ("2025,9,0.1,0.5,0,0.2", "2025,9,0.1,0.5,0,-0.2", "column 'nato_purl': -0.2 is negative"),
        ("2025,9,0.1,0.5,0,0.2", "2025,13,0.1,0.5,0,0.2", "row 5, column 'month': '13' is not a month"),
        ("2025,9,0.1,0.5,0,0.2", "Sept.,9,0.1,0.5,0,0.2", "column 'year': 'Sept.' is not a year"),
        ("2025,9,0.1,0.5,0,0.2", "2025,9,0.1,0.5", "row 5: 4 cells for 6 columns"),
        ("2025,9,0.1,0.5,0,0.2\n", "", "month missing: 2025-09"),
        ("2025,10,0,0.7,0.3,0.3", "2025,8,0,0.7,0.3,0.3", "row 6 (2025-08): month repeated (first in row 4)"),
    ],
)
def test_bad_rows_name_the_row_the_month_and_the_column(replace, by, fragment):
    assert replace in GOOD
    assert fragment in error(GOOD.replace(replace, by))


def test_months_after_today_and_gaps_of_several_months():
    assert "row 14 (2026-06): the month is in the future" in error(GOOD, today=date(2026, 5, 31))
    lines = GOOD.splitlines()
    message = error("\n".join(lines[:4] + lines[9:]))
    assert "months missing: 2025-09, 2025-10, 2025-11, 2025-12, 2026-01" in message


def test_a_purl_column_emptied_into_another_column_is_refused():
    """Seen in a real Kiel release: nato_purl all 0, the PURL money folded into stockpile."""
    lines = GOOD.splitlines()
    folded = [lines[0]]
    for line in lines[1:]:
        year, month, stock, proc, other, purl = line.split(",")
        folded.append(",".join([year, month, f"{float(stock) + float(purl):g}", proc, other, "0"]))
    message = error("\n".join(folded))
    assert "column 'nato_purl' (PURL) is 0 in every month from 2025-08 to 2026-06" in message
    assert "probably moved into another column" in message
    before_purl = "\n".join(lines[:3])  # data to July 2025: no PURL month to check yet
    assert parse(before_purl).last_month == date(2025, 7, 1)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty file"),
        (b'"year","month","stockpile","procurement","unspecified","nato_purl"\n', "no data rows"),
        ("year,month\n".encode("utf-16"), "not UTF-8 text"),
        (b"<html><body>Rate limit exceeded</body></html>", "the columns changed"),
    ],
)
def test_files_that_are_not_the_series_at_all(data, fragment):
    with pytest.raises(ReferenceFormatError, match=fragment):
        parse_reference(data, KIEL, where="x.csv", today=TODAY)


# --- the sources file ---


def sources(text: str, tmp_path: Path):
    return parse_sources("sources:\n" + text, tmp_path / "sources.yaml")


def test_sources_file_entries(tmp_path):
    (by_url, by_path) = sources(
        "  - name: kiel\n    kind: reference\n    format: kiel-procurement-trends\n"
        "    url: https://raw.example/data/procurement_trends.csv\n"
        "  - name: kiel-copy\n    kind: reference\n    format: kiel-procurement-trends\n    path: data/k.csv\n",
        tmp_path,
    )
    assert (by_url.kind, by_url.format, by_url.url, by_url.path) == (
        "reference",
        "kiel-procurement-trends",
        "https://raw.example/data/procurement_trends.csv",
        None,
    )
    assert by_path.path == (tmp_path / "data" / "k.csv").resolve() and by_path.url is None
    assert set(FORMATS) == {"kiel-procurement-trends"}


@pytest.mark.parametrize(
    ("entry", "key", "fragment"),
    [
        (
            "    format: kiel\n    url: https://a.example/x.csv",
            "format",
            "'format' must be one of kiel-procurement-trends",
        ),
        ("    url: https://a.example/x.csv", "format", "missing required key 'format'"),
        ("    format: kiel-procurement-trends", "url", "either 'url' or 'path' (got neither)"),
        (
            "    format: kiel-procurement-trends\n    url: https://a.example/x.csv\n    path: x.csv",
            "url",
            "either 'url' or 'path' (got both)",
        ),
        (
            "    format: kiel-procurement-trends\n    url: https://a.example/x\n    links: a",
            "links",
            "unknown key",
        ),
    ],
)
def test_sources_file_errors_name_the_entry_and_the_key(tmp_path, entry, key, fragment):
    with pytest.raises(SourcesFileError) as info:
        sources(f"  - name: kiel\n    kind: reference\n{entry}\n", tmp_path)
    assert fragment in str(info.value) and "entry #1" in str(info.value)
    assert info.value.key == key


def test_format_belongs_to_kind_reference(tmp_path):
    with pytest.raises(SourcesFileError, match="it belongs to kind reference"):
        sources(
            "  - name: x\n    kind: rss\n    url: https://a.example/f\n    format: kiel-procurement-trends\n",
            tmp_path,
        )


# --- discovery over loopback ---


def reference_source(tmp_path: Path, url: str):
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - name: kiel\n    kind: reference\n    format: kiel-procurement-trends\n    url: {url}\n",
        encoding="utf-8",
    )
    (source,) = load_sources(path)
    return source


def test_discovery_reads_the_file_politely_and_asks_conditionally_next_time(tmp_path, fetcher, mockserver):
    etag = '"v1"'

    def reply(request):
        if request.header("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, GOOD, {"Content-Type": "text/plain; charset=utf-8", "ETag": etag})

    mockserver.route("/data/procurement_trends.csv", reply)
    source = reference_source(tmp_path, mockserver.url("/data/procurement_trends.csv"))
    first = discover(source, fetcher)
    assert first.error is None and first.entries == [] and first.reference is not None
    release = first.reference
    assert release.source == "kiel" and release.etag == etag and len(release.content_hash) == 64
    assert release.location == mockserver.url("/data/procurement_trends.csv")
    assert release.release_id.startswith("r_") and release.series.last_month == date(2026, 6, 1)
    assert mockserver.paths() == ["/robots.txt", "/data/procurement_trends.csv"]
    assert "aidtrack" in mockserver.requests[-1].header("User-Agent")

    second = discover(source, fetcher, validators=lambda url: (etag, None))
    assert second.error is None and second.reference is None  # 304: nothing new, nothing lost
    assert [f.outcome for f in second.fetches] == ["not_modified"]


def test_an_unreachable_or_refused_file_fails_the_source_with_the_reason(
    tmp_path, fetcher, mockserver, mockserver_factory
):
    mockserver.route("/down.csv", Reply(503, "busy"))
    down = discover(reference_source(tmp_path, mockserver.url("/down.csv")), fetcher)
    assert down.reference is None
    assert down.error.startswith(f"reference {mockserver.url('/down.csv')} failed: HTTP 503")
    strict = mockserver_factory()  # another host, with a robots.txt of its own
    strict.route(
        "/robots.txt", Reply(200, "User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"})
    )
    strict.route("/private/k.csv", Reply(200, GOOD))
    refused = discover(reference_source(tmp_path, strict.url("/private/k.csv")), fetcher)
    assert refused.reference is None and "skipped" in refused.error and "robots" in refused.error
    assert strict.paths() == ["/robots.txt"]


def test_a_changed_file_fails_the_source_and_says_the_last_good_release_stays(tmp_path, fetcher, mockserver):
    mockserver.route("/k.csv", Reply(200, GOOD.replace('"nato_purl"', '"purl"')))
    d = discover(reference_source(tmp_path, mockserver.url("/k.csv")), fetcher)
    assert d.reference is None
    assert "'nato_purl' missing; new column 'purl'" in d.error and d.error.endswith(
        "the last good release stays in use"
    )


def test_a_local_file_is_read_without_the_network(tmp_path, fetcher):
    (tmp_path / "k.csv").write_text(GOOD, encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - name: kiel\n    kind: reference\n    format: kiel-procurement-trends\n    path: k.csv\n",
        encoding="utf-8",
    )
    (source,) = load_sources(path)
    d = discover(source, fetcher)
    assert d.error is None and d.fetches == [] and d.reference.location == str(tmp_path / "k.csv")
    assert d.reference.last_modified  # the file's modification time stands for Last-Modified
    (tmp_path / "k.csv").unlink()
    assert "cannot read" in discover(source, fetcher).error
