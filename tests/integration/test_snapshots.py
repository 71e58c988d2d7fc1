"""Readers never wait (issue 15): a reader process opening the warehouse every 100 ms through real runs,
a SIGKILL and a rerun gets in every time and only ever sees published states; SIGKILL during publishes;
a full disk on a small tmpfs; the DuckDB CLI from the package registry opens the snapshot.

Real `aidtrack run` processes and Prefect flow runs against the bundled sample sites on loopback, real
DuckDB files, real signals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from aidtrack.demo import SiteServer, demo_sources_yaml
from aidtrack.settings import load_settings
from aidtrack.warehouse import read_only, writer
from aidtrack.warehouse.publish import snapshot_info, temp_files
from tests.cli_runs import start_run

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb

    path, stop, log = sys.argv[1], Path(sys.argv[2]), open(sys.argv[3], "a")
    print = lambda line, flush: log.write(line + chr(10)) or log.flush()
    while not stop.exists():
        if not Path(path).exists():
            print(json.dumps({"absent": True}), flush=True)
        else:
            try:
                con = duckdb.connect(path, read_only=True)
                try:
                    totals = con.execute(
                        "select program, month::varchar, round(contributed_usd) from monthly_vs_target "
                        "order by all").fetchall()
                    documents = con.execute("select count(*) from documents").fetchone()[0]
                    published_at = str(con.execute("select published_at from snapshot").fetchone()[0])
                finally:
                    con.close()
                print(json.dumps({"published_at": published_at, "documents": documents,
                                  "totals": totals}), flush=True)
            except Exception as exc:
                print(json.dumps({"refused": f"{type(exc).__name__}: {exc}"}), flush=True)
        time.sleep(0.1)
    """
)


def state(warehouse: Path) -> dict:
    """What the reader records, read the same way."""
    with read_only(load_settings(warehouse=warehouse)) as con:
        return {
            "totals": [
                list(r)
                for r in con.execute(
                    "select program, month::varchar, round(contributed_usd) from monthly_vs_target order by all"
                ).fetchall()
            ],
            "documents": con.execute("select count(*) from documents").fetchone()[0],
        }


def run_flow(sources: Path, warehouse: Path):
    from flows.pipeline import pipeline

    return pipeline(sources_file=str(sources), warehouse=str(warehouse), delay=0.0, return_state=True)


def subset(sources: Path, names: set[str], out: Path) -> Path:
    config = yaml.safe_load(sources.read_text(encoding="utf-8"))
    config["sources"] = [s for s in config["sources"] if s["name"] in names]
    out.write_text(yaml.safe_dump(config), encoding="utf-8")
    return out


def test_a_reader_every_100ms_through_runs_a_sigkill_and_a_rerun_is_never_refused(prefect_harness, tmp_path):
    warehouse = tmp_path / "wh" / "aid.duckdb"
    stop, seen_log = tmp_path / "stop-reading", tmp_path / "reader.jsonl"
    with SiteServer() as site:
        everything = tmp_path / "sources.yaml"
        everything.write_text(demo_sources_yaml(site.base_url), encoding="utf-8")
        some = subset(everything, {"demo-nl-defence", "analyst-curated"}, tmp_path / "some.yaml")
        reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop), str(seen_log)])
        try:
            assert run_flow(some, warehouse).is_completed()  # a first run: publishes at its start and end
            first = state(warehouse)

            # A run of every source, slowed down and killed mid-load: readers keep the first run's state.
            run = start_run(
                prefect_harness,
                everything,
                warehouse,
                AIDTRACK_LOAD_CHUNK_SIZE="1",
                AIDTRACK_DEFAULT_DELAY="0.3",
            )
            deadline = time.monotonic() + 120
            while sum(path.endswith(".html") for path in site.paths_requested()) < 8:
                assert run.poll() is None and time.monotonic() < deadline, run.communicate()
                time.sleep(0.05)
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
            assert state(warehouse) == first
            assert temp_files(load_settings(warehouse=warehouse)) == []

            rerun = run_flow(everything, warehouse)  # resumes from the working database
            assert rerun.is_completed()
            second = state(warehouse)
            deadline = time.monotonic() + 60
            while f'"documents": {second["documents"]},' not in seen_log.read_text():  # the reader saw it
                assert time.monotonic() < deadline and reader.poll() is None
                time.sleep(0.1)
        finally:
            stop.touch()
            reader.wait(timeout=30)
    seen = [json.loads(line) for line in seen_log.read_text().splitlines()]
    refused = [s for s in seen if "refused" in s]
    assert refused == [], refused[:3]
    assert len(seen) > 20  # it really kept reading throughout
    published = [s for s in seen if "absent" not in s]
    assert all("absent" in s for s in seen[: len(seen) - len(published)])  # absent only before the first
    assert second != first and second["documents"] > first["documents"]
    empty = {"documents": 0, "totals": [[p, m, 0.0] for p, m, _ in first["totals"]]}
    for s in published:  # every state it saw is one that was published whole
        assert {"documents": s["documents"], "totals": s["totals"]} in (empty, first, second), s
    by_publish: dict[str, list] = {}
    for s in published:
        by_publish.setdefault(s["published_at"], []).append((s["documents"], s["totals"]))
    assert all(len({json.dumps(v) for v in views}) == 1 for views in by_publish.values())
    assert {s["documents"] for s in published} >= {first["documents"], second["documents"]}

    # No duplicates after the kill and the rerun: the same documents as one clean run of every source.
    clean = tmp_path / "clean" / "aid.duckdb"
    with SiteServer() as site:
        sources = tmp_path / "clean.yaml"
        sources.write_text(demo_sources_yaml(site.base_url), encoding="utf-8")
        assert run_flow(sources, clean).is_completed()
    assert state(clean) == second

    from typer.testing import CliRunner

    from aidtrack.cli import app

    status = CliRunner().invoke(app, ["status", "-w", str(warehouse)])
    assert status.exit_code == 0, status.output
    run_id = str(rerun.state_details.flow_run_id)
    assert "published" in status.output and f"by run {run_id}" in status.output.replace("\n", "")


PUBLISHER = textwrap.dedent(
    """
    import sys
    from aidtrack.settings import load_settings
    from aidtrack.warehouse import writer

    settings = load_settings(warehouse=sys.argv[1])
    with writer(settings) as con:
        con.execute("create table if not exists t (batch integer, x varchar)")
        (batch,) = con.execute("select coalesce(max(batch), 0) from t").fetchone()
    while True:  # each batch of 20,000 rows is committed and published whole
        batch += 1
        with writer(settings, published_by="batch") as con:
            con.execute("insert into t select ?, repeat('x', 200) || range from range(20000)", [batch])
        print(batch, flush=True)
    """
)


def test_sigkill_at_any_moment_of_load_and_publish_leaves_a_whole_snapshot(tmp_path):
    warehouse = tmp_path / "aid.duckdb"
    settings = load_settings(warehouse=warehouse)
    for pause in (0.05, 0.13, 0.21, 0.34, 0.55, 0.8):  # lands in inserts, checkpoints, copies, renames
        publisher = subprocess.Popen(
            [sys.executable, "-c", PUBLISHER, str(warehouse)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert publisher.stdout.readline().strip().isdigit()  # at least one batch published this time
        time.sleep(pause)
        publisher.send_signal(signal.SIGKILL)
        publisher.wait()
        with read_only(settings) as con:  # opens, and holds whole batches only
            batches, rows = con.execute("select count(distinct batch), count(*) from t").fetchone()
            assert rows == 20000 * batches and con.execute("select count(*) from snapshot").fetchone() == (1,)
    with writer(settings, publish=False) as con:  # the working database has all it published, or more
        (working,) = con.execute("select count(*) from t").fetchone()
        assert working % 20000 == 0 and working >= rows
    assert temp_files(settings) == []  # the next writer cleared what a kill mid-copy left


def _mount_tmpfs(folder: Path, size: str) -> str | None:
    """Mount a small tmpfs at ``folder``; the reason when the machine does not allow it."""
    folder.mkdir(parents=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return "needs root and mount(8) to mount a small tmpfs"
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
    )
    return None if result.returncode == 0 else f"cannot mount a tmpfs here: {result.stderr.strip()}"


def test_a_full_disk_says_so_keeps_the_snapshot_and_a_rerun_equals_a_clean_run(prefect_harness, tmp_path):
    small = tmp_path / "small"
    reason = _mount_tmpfs(small, "64m")
    if reason:
        pytest.skip(reason)
    try:
        with SiteServer() as site:
            everything = tmp_path / "sources.yaml"
            everything.write_text(demo_sources_yaml(site.base_url), encoding="utf-8")
            some = subset(everything, {"demo-nl-defence", "analyst-curated"}, tmp_path / "some.yaml")
            warehouse = small / "aid.duckdb"
            assert run_flow(some, warehouse).is_completed()
            good, good_info = state(warehouse), snapshot_info(warehouse)

            filler = small / "filler"  # leave ~150 KB: less than a run of every source needs
            with open(filler, "wb") as f:
                f.write(b"\0" * max(0, shutil.disk_usage(small).free - 150_000))
            run = start_run(prefect_harness, everything, warehouse)
            out, err = run.communicate(timeout=300)
            assert run.returncode == 1, (out, err)
            last = err.strip().splitlines()[-1]  # the CLI's one line (Prefect logs the task's failure above)
            assert "the disk is full" in last and str(small) in last and "a run needs about" in last, err
            assert "cannot rollback" not in last
            assert state(warehouse) == good and snapshot_info(warehouse) == good_info
            assert temp_files(load_settings(warehouse=warehouse)) == []

            filler.unlink()
            rerun = run_flow(everything, warehouse)
            assert rerun.is_completed(), (
                rerun.message,
                sorted((p.name, p.stat().st_size) for p in small.iterdir()),
            )
            after = state(warehouse)
        clean = tmp_path / "clean" / "aid.duckdb"
        with SiteServer() as site:
            sources = tmp_path / "clean.yaml"
            sources.write_text(demo_sources_yaml(site.base_url), encoding="utf-8")
            assert run_flow(sources, clean).is_completed()
        assert after == state(clean)
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)


def _duckdb_cli() -> list[str] | str:
    """The ``duckdb`` CLI from PyPI's duckdb-cli package, run through uvx; or why it cannot be had."""
    uvx = shutil.which("uvx")
    if not uvx:
        return "uvx is not installed"
    command = [uvx, "--from", "duckdb-cli", "duckdb"]
    try:
        probe = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        return "installing duckdb-cli took over 3 minutes"
    if probe.returncode != 0:
        return f"duckdb-cli could not be installed: {probe.stderr.strip()[-200:]}"
    return command


def test_the_duckdb_cli_from_the_registry_opens_the_snapshot(settings):
    cli = _duckdb_cli()
    if isinstance(cli, str):
        pytest.skip(cli)
    from aidtrack.ledger import sample

    with writer(settings) as con:
        sample.warehouse(con)
    result = subprocess.run(
        [*cli, "-readonly", str(settings.warehouse), "-csv", "-c",
         "select count(*) from pledges; select published_by, storage_version from snapshot"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with read_only(settings) as con:
        (n,) = con.execute("select count(*) from pledges").fetchone()
    assert result.stdout.split() == [
        "count_star()",
        str(n),
        "published_by,storage_version",
        "aidtrack,v1.4.0",
    ]
    version = subprocess.run([*cli, "--version"], capture_output=True, text=True).stdout
    assert version.startswith("v1.")  # an older DuckDB than ours (2.x) reads it
