"""Operations: a reader during a run, two runs at once, a run killed mid-load, events, status.

Subprocesses are real `aidtrack run` processes talking to the session's Prefect test server."""

from __future__ import annotations

import os
import re
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


def _site_neutral(value):
    """The same sample site served on another port must compare equal."""
    if isinstance(value, str):
        return re.sub(r"http://127\.0\.0\.1:\d+", "http://site", value)
    if isinstance(value, dict):
        return {k: _site_neutral(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return (
            sorted(type(value)(_site_neutral(v) for v in value))
            if isinstance(value, list)
            else tuple(_site_neutral(v) for v in value)
        )
    return value


def content(warehouse: Path) -> dict:
    """What a user sees, without run-specific bookkeeping (run ids, fetch times, the site's port)."""
    with read_only(load_settings(warehouse=warehouse)) as con:
        return _site_neutral(
            {
                "documents": con.execute(
                    "select canonical_url, title, published_on, text from documents order by 1"
                ).fetchall(),
                "mentions": con.execute(
                    "select d.canonical_url, m.kind, m.donors, m.amount, m.currency, m.quote from mentions m "
                    "join documents d using (document_id) order by all"
                ).fetchall(),
                "pledges": con.execute("select * exclude (first_url) from pledges order by all").fetchall(),
                "monthly": con.execute("select * from monthly_vs_target order by all").fetchall(),
            }
        )


@pytest.fixture(scope="module")
def reference(prefect_harness, demo_site, tmp_path_factory):
    """The warehouse one clean run of the demo site gives: what every scenario must end with."""
    from flows.pipeline import pipeline

    folder = tmp_path_factory.mktemp("reference")
    sources = folder / "sources.yaml"
    sources.write_text(demo_sources_yaml(demo_site.base_url), encoding="utf-8")
    state = pipeline(
        sources_file=str(sources), warehouse=str(folder / "aid.duckdb"), delay=0.0, return_state=True
    )
    assert state.is_completed()
    return content(folder / "aid.duckdb")


def test_a_reader_holding_the_warehouse_does_not_delay_a_run(
    prefect_harness, demo_sources, tmp_path, reference, caplog
):
    from flows.pipeline import pipeline

    warehouse = tmp_path / "aid.duckdb"
    assert pipeline(
        sources_file=str(demo_sources), warehouse=str(warehouse), delay=0.0, return_state=True
    ).is_completed()
    # A user's DuckDB session holds the published file read-only while the next run goes.
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
            "print(con.execute('select count(*) from pledges').fetchone()[0], flush=True)\n"
            "time.sleep(3)\ncon.close()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert int(reader.stdout.readline()) == len(reference["pledges"])
    state = pipeline(sources_file=str(demo_sources), warehouse=str(warehouse), delay=0.0, return_state=True)
    assert reader.wait(timeout=30) == 0
    assert state.is_completed()
    assert "is busy" not in caplog.text  # the run writes its own database: it never waits for readers
    assert content(warehouse) == reference


def test_two_runs_started_at_once_never_corrupt(prefect_harness, demo_sources, tmp_path, reference):
    warehouse = tmp_path / "aid.duckdb"
    # Paced requests make each run last a few seconds, so the two surely overlap.
    runs = [
        start_run(prefect_harness, demo_sources, warehouse, AIDTRACK_DEFAULT_DELAY="0.3") for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert any("another pipeline run is using" in err for _, err in outputs), "the second run should wait"
    assert content(warehouse) == reference


def test_a_run_killed_mid_load_leaves_a_clean_warehouse_and_the_next_run_completes(
    prefect_harness, tmp_path, reference
):
    warehouse = tmp_path / "aid.duckdb"
    with SiteServer() as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(demo_sources_yaml(site.base_url), encoding="utf-8")
        # One document per transaction and a pause between requests, so the kill lands mid-load.
        run = start_run(
            prefect_harness, sources, warehouse, AIDTRACK_LOAD_CHUNK_SIZE="1", AIDTRACK_DEFAULT_DELAY="0.4"
        )
        deadline = time.monotonic() + 120
        # Half the site's pages: the first documents have had time to load (opening the warehouse takes a
        # few requests' time on a slow machine), and the rest are still to come.
        while sum(path.endswith(".html") for path in site.paths_requested()) < 12:
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.05)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()

        # The file opens cleanly and holds only whole documents: each with exactly its mentions.
        with writer(load_settings(warehouse=warehouse)) as con:
            loaded = {
                _site_neutral(url) for (url,) in con.execute("select canonical_url from documents").fetchall()
            }
        assert 0 < len(loaded) < len(reference["documents"])
        partial = content(warehouse)
        assert partial["mentions"] == [m for m in reference["mentions"] if m[0] in loaded]

        again = start_run(prefect_harness, sources, warehouse)
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0, (out, err)
    assert content(warehouse) == reference


def test_events_partial_state_and_status(prefect_harness, demo_site, tmp_path, monkeypatch):
    from prefect.events.clients import AssertingPassthroughEventsClient
    from prefect.events.worker import EventsWorker

    from flows.pipeline import pipeline

    new_worker = EventsWorker.instance

    def run_and_capture_events(sources: Path, warehouse: Path):
        """One run whose events go to the Prefect server and are recorded for the test."""
        worker = new_worker(AssertingPassthroughEventsClient)
        monkeypatch.setattr(EventsWorker, "instance", lambda *_: worker)
        state = pipeline(sources_file=str(sources), warehouse=str(warehouse), delay=0.0, return_state=True)
        worker.drain()  # stops this worker; the next run gets a new one
        return state, list(worker._client.events)

    sources = tmp_path / "sources.yaml"
    sources.write_text(
        demo_sources_yaml(demo_site.base_url)
        + f"  - name: vanished-feed\n    kind: rss\n    url: {demo_site.base_url}/gone/feed.xml\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "aid.duckdb"
    state, events = run_and_capture_events(sources, warehouse)

    assert state.is_completed() and state.name == "Partial" and "vanished-feed" in state.message
    with read_only(load_settings(warehouse=warehouse)) as con:
        pledge_ids = {r[0] for r in con.execute("select pledge_id from pledges").fetchall()}
        below = {
            r[0].isoformat()
            for r in con.execute(
                "select month from monthly_vs_target where contributed_usd < target_usd "
                "and month < date_trunc('month', current_date)"
            ).fetchall()
        }
    by_kind: dict[str, list] = {}
    for event in events:
        by_kind.setdefault(event.event, []).append(event)
    assert {e.payload["pledge_id"] for e in by_kind["aidtrack.pledge.new"]} == pledge_ids
    assert [e.payload["source"] for e in by_kind["aidtrack.source.failed"]] == ["vanished-feed"]
    assert below and {e.payload["month"] for e in by_kind["aidtrack.month.below-target"]} == below

    # The next run announces no pledge or month twice; the source is still failing.
    _, events = run_and_capture_events(sources, warehouse)
    assert [e.event for e in events if e.event.startswith("aidtrack.")] == ["aidtrack.source.failed"]

    result = CliRunner().invoke(app, ["status", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert "vanished-feed" in result.output and "HTTP 404" in result.output and "partial" in result.output


def test_an_unwritable_warehouse_is_one_clear_error_before_any_work(demo_sources, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("this is a file, not a folder")
    result = CliRunner().invoke(
        app, ["run", "--sources", str(demo_sources), "--warehouse", str(not_a_folder / "aid.duckdb")]
    )
    assert result.exit_code == 1
    assert "cannot write the warehouse in" in result.output and "Traceback" not in result.output


def test_a_failing_data_check_fails_the_run_once_without_retries(prefect_harness, demo_sources, tmp_path):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.pipeline import pipeline

    warehouse = tmp_path / "aid.duckdb"
    assert pipeline(
        sources_file=str(demo_sources), warehouse=str(warehouse), delay=0.0, return_state=True
    ).is_completed()
    with writer(load_settings(warehouse=warehouse)) as con:  # an analyst's typo: 2052 for 2025
        con.execute(
            "insert into curated_pledges values ('c_typo', 'by-hand', ['CAN'], 200e6, 'CAD', date '2052-12-03', "
            "'PURL', 'https://example.org/typo', 'typo')"
        )
    state = pipeline(sources_file=str(demo_sources), warehouse=str(warehouse), delay=0.0, return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match="announced_on=2052-12-03"):
        state.result()
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        )
    ledger_builds = [t for t in task_runs if t.name.startswith("build-ledger")]
    assert len(ledger_builds) == 1 and ledger_builds[0].run_count == 1  # no pointless retries


def test_a_run_that_waits_too_long_for_another_is_skipped(prefect_harness, demo_sources, tmp_path):
    warehouse = tmp_path / "aid.duckdb"
    settings = load_settings(warehouse=warehouse)
    holder = subprocess.Popen(  # another run, as far as the lock can tell, until this test ends
        [sys.executable, "-c", "import sys, time\nfrom filelock import FileLock\n"
         f"lock = FileLock({str(settings.run_lock_path)!r}); lock.acquire()\nprint('held', flush=True)\n"
         "time.sleep(120)"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    run = start_run(prefect_harness, demo_sources, warehouse, AIDTRACK_RUN_WAIT_SECONDS="0.5")
    out, err = run.communicate(timeout=300)
    holder.kill()
    holder.wait(timeout=30)
    assert run.returncode == 0, (out, err)
    assert "skipped" in out and "another pipeline run was still using" in out
    assert not warehouse.exists()  # it never got as far as opening the warehouse


def test_exit_status_is_non_zero_only_when_every_source_failed(prefect_harness, demo_site, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        f"  - name: vanished-feed\n    kind: rss\n    url: {demo_site.base_url}/gone/feed.xml\n"
        f"  - name: broken-listing\n    kind: listing\n    url: {demo_site.base_url}/gone/\n    links: a\n",
        encoding="utf-8",
    )
    run = start_run(prefect_harness, sources, tmp_path / "a.duckdb")
    out, err = run.communicate(timeout=300)
    assert run.returncode == 2, (out, err)
    assert "every source failed" in err and "vanished-feed" in out + err
    # The failed state carries an exception with the summary, as Prefect expects of a failed state: no
    # "TypeError: Unexpected result for failed state" from its engine.
    assert "Unexpected result" not in out + err and "Traceback" not in out + err


def test_a_run_where_every_source_failed_raises_with_its_summary(prefect_harness, demo_site, tmp_path):
    from aidtrack.runs import EverySourceFailed
    from flows.pipeline import pipeline

    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - name: vanished-feed\n    kind: rss\n    url: {demo_site.base_url}/gone/feed.xml\n",
        encoding="utf-8",
    )
    state = pipeline(sources_file=str(sources), warehouse=str(tmp_path / "a.duckdb"), return_state=True)
    assert state.is_failed()
    with pytest.raises(EverySourceFailed) as raised:  # not Prefect's TypeError about the state's data
        state.result()
    assert list(raised.value.summary.failed) == ["vanished-feed"]
