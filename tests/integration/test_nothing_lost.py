"""Nothing is lost to a hiccup or a Ctrl-C: an article that fails for one whole run, and a run interrupted
half-way, both end (after plain reruns) with the same counted pledges as a clean run.

Real Prefect flow runs, the bundled sample sites served on loopback with faults switched on and off,
real `aidtrack run` processes signalled like a terminal would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidtrack.cli import app
from aidtrack.demo import SiteServer, demo_sources_yaml
from aidtrack.settings import load_settings
from aidtrack.warehouse import read_only, writer
from tests.cli_runs import start_run

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/mod-nl/news/2025-12-01-purl-second-contribution.html"  # the only source of NL's €250m


def counted(warehouse: Path) -> list[tuple]:
    with read_only(load_settings(warehouse=warehouse)) as con:
        return con.execute(
            "select donors, amount, currency, announced_on, program from pledges where status = 'counted' "
            "order by announced_on, amount"
        ).fetchall()


def run_flow(sources: Path, warehouse: Path):
    from flows.pipeline import pipeline

    return pipeline(sources_file=str(sources), warehouse=str(warehouse), delay=0.0, return_state=True)


@pytest.fixture
def site():
    """A site of its own (faults switched on here touch no other test), on a free port."""
    with SiteServer() as server:
        yield server


@pytest.fixture
def sources(tmp_path: Path, site: SiteServer) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(demo_sources_yaml(site.base_url), encoding="utf-8")
    return path


@pytest.fixture
def clean(prefect_harness, sources: Path, tmp_path: Path) -> list[tuple]:
    """The counted pledges of one clean run of the same site."""
    warehouse = tmp_path / "clean" / "aid.duckdb"
    assert run_flow(sources, warehouse).is_completed()
    return counted(warehouse)


def test_an_article_down_for_a_whole_run_is_fetched_by_a_later_run(clean, site, sources, tmp_path):
    warehouse = tmp_path / "faulty" / "aid.duckdb"
    site.broken[ARTICLE] = 503
    first = run_flow(sources, warehouse)
    assert first.is_completed()  # one article failing is not a failing source
    missing = [p for p in clean if p not in counted(warehouse)]
    assert [(p[0], p[1], p[2]) for p in missing] == [(["NLD"], 250e6, "EUR")]
    with read_only(load_settings(warehouse=warehouse)) as con:
        (url, status, tries, reason, wait) = con.execute(
            "select url, status, tries, last_reason, epoch(next_try_at - last_tried_at) from owed_urls "
            "where source = 'demo-nl-defence'"
        ).fetchone()
    assert url.endswith(ARTICLE) and status == "owed" and tries == 1 and reason.startswith("HTTP 503")
    assert wait == 3600  # the first retry an hour later

    # The site is healthy again; the next run comes right away: the feed answers 304 and the page is
    # still backing off, so nobody asks for it yet, and nothing is forgotten either.
    del site.broken[ARTICLE]
    asked = site.paths_requested().count(ARTICLE)
    assert run_flow(sources, warehouse).is_completed()
    assert site.paths_requested().count(ARTICLE) == asked
    assert [p for p in clean if p not in counted(warehouse)] == missing

    status = CliRunner().invoke(app, ["status", "-w", str(warehouse)])
    assert status.exit_code == 0, status.output
    # The failed article, and the demo's page that robots.txt disallows (asked again in case that changes).
    assert "2 pages owed a retry, 0 given up" in status.output and "HTTP 503" in status.output

    # An hour passes (the retry ledger is moved back in time), and the hourly run fetches it.
    with writer(load_settings(warehouse=warehouse)) as con:
        con.execute("update owed_urls set next_try_at = next_try_at - interval 1 hour")
    assert run_flow(sources, warehouse).is_completed()
    assert site.paths_requested().count(ARTICLE) == asked + 1
    assert counted(warehouse) == clean
    with read_only(load_settings(warehouse=warehouse)) as con:
        assert con.execute("select count(*) from owed_urls where url like ?", [f"%{ARTICLE}"]).fetchone() == (
            0,
        )


def _group_gone(pgid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_mid_run_saves_what_is_whole_and_one_rerun_completes_it(
    prefect_harness, clean, site, sources, tmp_path
):
    warehouse = tmp_path / "interrupted" / "aid.duckdb"
    site.delays["/"] = 0.4  # a slow site, so that the run is still fetching when Ctrl-C comes

    def articles_asked() -> int:
        return sum("/news/" in p or "/2025/" in p or "/story/" in p for p in site.paths_requested())

    before = articles_asked()  # the clean run's
    process = start_run(prefect_harness, sources, warehouse, AIDTRACK_DEFAULT_DELAY="0.3")
    deadline = time.monotonic() + 120
    while articles_asked() < before + 3:
        assert time.monotonic() < deadline, "the run never got to its articles"
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    interrupted_at = time.monotonic()
    out, err = process.communicate(timeout=60)
    took = time.monotonic() - interrupted_at
    assert process.returncode == 130, (out, err)
    assert took < 15, f"took {took:.1f}s to stop"
    assert _group_gone(process.pid, within=10), "a process of the interrupted run is still alive"
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.startswith("interrupted")]
    assert len(lines) == 1 and "pages owed" in lines[0], err
    with read_only(load_settings(warehouse=warehouse)) as con:
        (status,) = con.execute("select status from runs").fetchone()
        owed = con.execute("select count(*) from owed_urls where status = 'owed'").fetchone()[0]
        (failed,) = con.execute("select count(*) from fetches where outcome = 'failed'").fetchone()
    assert status == "cancelled"
    assert failed == 0  # nothing blamed on a site or a source
    assert owed > 0  # the pages it had not got to are owed to the next run

    from prefect import get_client

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs()
    assert any(r.state and r.state.is_cancelled() for r in runs)

    site.delays.clear()
    rerun = start_run(prefect_harness, sources, warehouse, AIDTRACK_DEFAULT_DELAY="0")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert counted(warehouse) == clean


def test_a_killed_run_leaves_no_prefect_server_behind(sources, tmp_path):
    """With no Prefect server up, `aidtrack run` starts a temporary one; even SIGKILL of the command
    (no chance to clean up) takes that server down with it."""
    from aidtrack.serving import api_is_healthy

    base = {k: v for k, v in os.environ.items() if not k.startswith(("AIDTRACK_", "PREFECT_API_URL"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "aidtrack.cli", "run", "--sources", str(sources), "--warehouse",
         str(tmp_path / "killed" / "aid.duckdb")],
        cwd=ROOT,
        env=base | {"PREFECT_HOME": str(tmp_path / "prefect-home"), "AIDTRACK_DEFAULT_DELAY": "5"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        line = process.stderr.readline()  # "Prefect: a temporary Prefect server at http://…/api (…)"
        assert "temporary Prefect server at " in line, line
        url = line.split(" at ", 1)[1].split()[0]
        assert api_is_healthy(url)
    finally:
        process.kill()
        process.wait(timeout=30)
    deadline = time.monotonic() + 15
    while api_is_healthy(url):
        assert time.monotonic() < deadline, f"the run's Prefect server at {url} outlived the run"
        time.sleep(0.2)
