"""A reference source run after run, through the pipeline's own stages (open_run → collect → close_run,
what the Prefect flow wires together) against the Kiel-shaped fixture served on loopback: fetched
politely and conditionally, and whatever goes wrong with a new file (a renamed column, another unit, a
server that is down) the last good release stays in use and the run says why."""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest

from aidtrack.demo import SiteServer
from aidtrack.fetch import Fetcher
from aidtrack.runs import RunSummary, close_run, collect, open_run
from aidtrack.sources import load_sources
from aidtrack.warehouse import read_only

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "procurement_trends.csv"
GOOD = FIXTURE.read_text(encoding="utf-8")
PATH = "/kiel/data/procurement_trends.csv"


@pytest.fixture
def site(tmp_path: Path):
    root = tmp_path / "site"
    (root / "kiel" / "data").mkdir(parents=True)
    shutil.copy(FIXTURE, root / "kiel" / "data" / "procurement_trends.csv")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    with SiteServer(root) as server:
        yield server, root / "kiel" / "data" / "procurement_trends.csv"


@pytest.fixture
def sources(tmp_path: Path, site) -> Path:
    server, _ = site
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - name: kiel\n    kind: reference\n    format: kiel-procurement-trends\n"
        f"    url: {server.base_url}{PATH}\n",
        encoding="utf-8",
    )
    return path


def run(settings, sources: Path) -> RunSummary:
    """One run of the pipeline's stages, without Prefect."""
    run_id = str(uuid.uuid4())
    configs = load_sources(sources)
    known = open_run(settings, run_id, configs)
    summary = RunSummary(run_id=run_id)
    with Fetcher(settings) as fetcher:
        for source in configs:
            outcome = collect(source, fetcher, known, settings, run_id)
            summary.per_source[outcome.name] = outcome.counts
            if outcome.error:
                summary.failed[outcome.name] = outcome.error
    return close_run(settings, summary)


def state(settings) -> dict:
    with read_only(settings) as con:
        return {
            "releases": con.execute(
                "select release_id, status from reference_releases order by first_seen_at"
            ).fetchall(),
            "current": con.execute("select distinct release_id from reference_allocations").fetchall(),
            "august": con.execute(
                "select amount from reference_allocations where month = date '2025-08-01'"
            ).fetchone(),
            "validators": con.execute(
                "select etag from http_cache where url like '%procurement_trends.csv'"
            ).fetchall(),
            "fetches": con.execute(
                "select purpose, outcome, error from fetches where source = 'kiel' order by fetch_id"
            ).fetchall(),
            "comparison": con.execute("select count(*) from reference_comparison").fetchone()[0],
        }


def test_a_reference_source_over_several_runs(settings, site, sources):
    server, file = site

    # 1. a good file: stored with its release, its validators kept for the next run
    first = run(settings, sources)
    assert first.failed == {}
    s = state(settings)
    assert [status for _, status in s["releases"]] == ["good"] and s["current"] == [s["releases"][0][:1]]
    assert s["august"] == (pytest.approx(1e9),) and s["validators"] and s["comparison"] > 0
    assert server.paths_requested()[:2] == ["/robots.txt", PATH]  # robots.txt first, like every source
    good_release, good_validators = s["releases"][0][0], s["validators"]

    # 2. unchanged: a conditional GET answered 304; nothing new stored
    assert run(settings, sources).failed == {}
    _, path, headers = server.requests[-1]  # after this run's robots.txt
    assert path == PATH and ("If-None-Match" in headers or "If-Modified-Since" in headers)
    assert state(settings)["fetches"][-1][:2] == ("discover", "not_modified")
    assert len(state(settings)["releases"]) == 1

    # 3. Kiel renames a column: the run names the change; the last good release stays in use
    file.write_text(GOOD.replace('"nato_purl"', '"purl"'), encoding="utf-8")
    failed = run(settings, sources).failed["kiel"]
    assert "the columns changed: 'nato_purl' missing; new column 'purl' (renamed?)" in failed
    assert failed.endswith("the last good release stays in use")
    s = state(settings)
    assert s["releases"] == [(good_release, "good")] and s["current"] == [(good_release,)]
    assert s["fetches"][-1] == ("source", "failed", failed)  # in the fetch log, so `aidtrack status` shows it
    # the refused file's validators are not kept: the next run downloads it again and says so again,
    # instead of a 304 that would hide the problem
    assert s["validators"] == good_validators
    assert "kiel" in run(settings, sources).failed
    assert [f[1] for f in state(settings)["fetches"][-2:]] == ["ok", "failed"]

    # 4. the values come in € millions: a wrong unit, named
    lines = GOOD.splitlines()
    millions = [lines[0]] + [
        ",".join(c if i < 2 else f"{float(c) * 1000:g}" for i, c in enumerate(line.split(",")))
        for line in lines[1:]
    ]
    file.write_text("\n".join(millions) + "\n", encoding="utf-8")
    failed = run(settings, sources).failed["kiel"]
    assert "is not a plausible number of € billions" in failed and "another unit" in failed
    assert state(settings)["current"] == [(good_release,)]

    # 5. the server is down: the reason, and still the last good release
    server.broken[PATH] = 503
    failed = run(settings, sources).failed["kiel"]
    assert "HTTP 503" in failed
    assert state(settings)["current"] == [(good_release,)]
    del server.broken[PATH]

    # 6. a revised good release: it becomes current, the old one is kept
    file.write_text(GOOD.replace("2025,8,0.3,0.6,0.1,1\n", "2025,8,0.3,0.6,0.1,1.1\n"), encoding="utf-8")
    assert run(settings, sources).failed == {}
    s = state(settings)
    assert [status for _, status in s["releases"]] == ["good", "good"]
    assert s["current"] == [(s["releases"][1][0],)] and s["august"] == (pytest.approx(1.1e9),)
    with read_only(settings) as con:
        (allocated,) = con.execute(
            "select allocated_cumulative from reference_comparison where month = date '2025-09-01'"
        ).fetchone()
    assert allocated == pytest.approx(1.3e9)
    assert date(2026, 6, 1) in {
        m
        for (m,) in read_only_rows(
            settings, "select month from reference_comparison where status <> 'no data'"
        )
    }


def read_only_rows(settings, query: str) -> list[tuple]:
    with read_only(settings) as con:
        return con.execute(query).fetchall()
