"""`aidtrack serve`: a real local Prefect server, the deployments served, a run triggered by hand."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from aidtrack.settings import load_settings
from aidtrack.warehouse import read_only

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float, what: str, process: subprocess.Popen):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"aidtrack serve exited early while waiting for {what}"
        value = check()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_runs_a_deployment_triggered_by_hand_and_stops_on_ctrl_c(demo_sources, tmp_path):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    warehouse = tmp_path / "wh" / "aid.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIDTRACK_", "PREFECT_API_URL"))}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect-home"), "AIDTRACK_DEFAULT_DELAY": "0"}
    log = (tmp_path / "serve.log").open("w")  # a file, not a pipe: a full pipe would stall the server
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aidtrack.cli",
            "serve",
            "--sources",
            str(demo_sources),
            "--warehouse",
            str(warehouse),
            "--port",
            str(port),
            "--limit",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:

        def deployment_id():
            try:
                response = httpx.get(f"{api}/deployments/name/pipeline/hourly", timeout=5)
            except httpx.HTTPError:
                return None
            return response.json()["id"] if response.status_code == 200 else None

        deployment = wait_for(deployment_id, 180, "the hourly deployment", serve)
        # Its schedule is on the server (hourly cron, with a timezone) and it never runs two at once.
        details = httpx.get(f"{api}/deployments/{deployment}", timeout=5).json()
        assert details["schedules"][0]["schedule"]["cron"] == "7 * * * *"
        assert details["schedules"][0]["schedule"]["timezone"] == "Europe/Brussels"
        assert details["global_concurrency_limit"]["limit"] == 1

        # Trigger it by hand, as `prefect deployment run pipeline/hourly` does.
        triggered = subprocess.run(
            [str(Path(sys.executable).with_name("prefect")), "deployment", "run", "pipeline/hourly"],
            env=env | {"PREFECT_API_URL": api},
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert triggered.returncode == 0, triggered.stdout + triggered.stderr
        run_id = next(line.split()[-1] for line in triggered.stdout.splitlines() if "UUID" in line)

        def finished_state():
            state = httpx.get(f"{api}/flow_runs/{run_id}", timeout=5).json()["state"]
            return state if state["type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None

        state = wait_for(finished_state, 240, "the triggered run", serve)
        assert state["type"] == "COMPLETED", state
        with read_only(load_settings(warehouse=warehouse)) as con:
            purl = con.execute("select count(*) from pledges where program = 'PURL'").fetchone()[0]
            dutch = con.execute(
                "select amount, currency from pledges where donors = ['NLD'] "
                "and announced_on = date '2025-08-04'"
            ).fetchall()
        assert purl >= 12 and dutch == [(500e6, "EUR")]
        assert (
            warehouse.parent / "prefect" / "prefect.db"
        ).exists()  # the server's database sits by the warehouse
    finally:
        serve.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            raise
        finally:
            log.close()
    output = (tmp_path / "serve.log").read_text()
    assert serve.returncode == 0, output
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{api}/health", timeout=2)  # the server we started is gone too
