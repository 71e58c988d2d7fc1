"""`aidtrack serve`: a real local Prefect server, the deployments served, a run triggered by hand; the
run's logs in the server, the UI pointed at the right port, a busy port reported with its cause, and no
server left behind when the CLI is killed."""

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

from aidtrack import serving
from aidtrack.settings import load_settings
from aidtrack.warehouse import read_only

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float, what: str, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None:
            assert process.poll() is None, f"aidtrack serve exited early while waiting for {what}"
        value = check()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def clean_env(tmp_path: Path) -> dict[str, str]:
    """What a user's shell would pass: none of the test session's AIDTRACK_*/PREFECT_API_URL, and none
    of the Prefect logging or UI settings that modules imported in this pytest process (aidtrack.cli,
    flows) may have put in os.environ, so the serve process decides them itself."""
    dropped = ("AIDTRACK_", "PREFECT_API_URL", "PREFECT_LOGGING_LEVEL", "PREFECT_UI_", "PREFECT_SERVER_UI_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return env | {"PREFECT_HOME": str(tmp_path / "prefect-home"), "AIDTRACK_DEFAULT_DELAY": "0"}


def start_serve(demo_sources: Path, warehouse: Path, port: int, env: dict[str, str], log: Path):
    with log.open("w") as out:  # a file, not a pipe: a full pipe would stall the server
        return subprocess.Popen(
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
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def hourly_deployment_id(api: str):
    try:
        response = httpx.get(f"{api}/deployments/name/pipeline/hourly", timeout=5)
    except httpx.HTTPError:
        return None
    return response.json()["id"] if response.status_code == 200 else None


def answers(api: str) -> bool:
    try:
        httpx.get(f"{api}/health", timeout=2)
    except httpx.HTTPError:
        return False
    return True


def test_serve_runs_a_deployment_triggered_by_hand_and_stops_on_ctrl_c(demo_sources, tmp_path):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    warehouse = tmp_path / "wh" / "aid.duckdb"
    env = clean_env(tmp_path)
    serve = start_serve(demo_sources, warehouse, port, env, tmp_path / "serve.log")
    try:
        deployment = wait_for(lambda: hourly_deployment_id(api), 180, "the hourly deployment", serve)
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

        # The run's INFO lines reached the server, so the UI shows them. They are sent in batches by
        # the run's process, possibly just after its final state: poll, bounded.
        def info_source_lines():
            response = httpx.post(
                f"{api}/logs/filter",
                json={"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200},
                timeout=5,
            )
            response.raise_for_status()
            lines = [log["message"] for log in response.json() if log["level"] == 20]
            return [line for line in lines if line.startswith("source ")]

        wait_for(info_source_lines, 30, "the run's INFO log lines in the server", serve)
    finally:
        serve.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            raise
    output = (tmp_path / "serve.log").read_text()
    assert serve.returncode == 0, output
    assert not answers(api), "the server we started is still answering after Ctrl-C"


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        table[int(entry.name)] = (int(ppid), state)
    return table


def _descendants(root: int) -> set[int]:
    table = _processes()
    found, frontier = set(), {root}
    while frontier:
        children = {pid for pid, (ppid, _) in table.items() if ppid in frontier} - found
        found |= children
        frontier = children
    return found


def _alive(pids: set[int]) -> set[int]:
    # A dead orphan may stay a zombie when PID 1 does not reap: it holds no port and runs nothing.
    table = _processes()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux-only")
def test_killed_serve_takes_its_server_along_and_the_ui_knows_its_port(demo_sources, tmp_path):
    port = free_port()  # never 4200: the UI must be told this port, not Prefect's default
    api = f"http://127.0.0.1:{port}/api"
    serve = start_serve(
        demo_sources, tmp_path / "wh" / "aid.duckdb", port, clean_env(tmp_path), tmp_path / "serve.log"
    )
    family: set[int] = set()
    commands: dict[int, bytes] = {}
    try:
        # Wait for the deployments too, so the serve child is up and is part of what must die.
        wait_for(lambda: hourly_deployment_id(api), 180, "the hourly deployment", serve)
        ui = httpx.get(f"http://127.0.0.1:{port}/ui-settings", timeout=5)
        assert ui.status_code == 200, ui.text
        assert ui.json()["api_url"] == api

        family = _descendants(serve.pid)
        commands = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") for pid in family}
        assert any(b"server start" in command for command in commands.values()), commands
        assert any(b"flows.serve" in command for command in commands.values()), commands

        serve.send_signal(signal.SIGKILL)  # no handler runs, no cleanup: only the kernel can tell them
        serve.wait(timeout=10)
        killed = time.monotonic()
        while time.monotonic() - killed < 15 and (answers(api) or _alive(family)):
            time.sleep(0.25)
        left = {pid: commands[pid] for pid in _alive(family)}
        assert not answers(api), "the server still answers 15 s after its parent was killed"
        assert not left, f"processes of the killed serve survive: {left}"
        print(f"everything gone {time.monotonic() - killed:.1f}s after the SIGKILL")  # shown with -s
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
        # Never leave a stray server behind a failed assertion; the command check guards against a pid
        # that was reused by an unrelated process meanwhile.
        for pid in _alive(family):
            try:
                if Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") == commands.get(pid):
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


@pytest.fixture
def busy_port():
    """A loopback port held by something that is not a Prefect server (listens, never answers)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_serve_on_a_port_taken_by_another_program_says_so(demo_sources, tmp_path, busy_port):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "aidtrack.cli", "serve", "--sources", str(demo_sources)]
        + ["--warehouse", str(tmp_path / "wh" / "aid.duckdb"), "--port", str(busy_port)],
        cwd=ROOT,
        env=clean_env(tmp_path) | {"COLUMNS": "300"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    message = " ".join((result.stdout + result.stderr).split())  # rich may wrap the line
    assert (
        f"port {busy_port} on 127.0.0.1 is in use by another program (not a Prefect server); "
        "choose another with --port"
    ) in message
    assert "exited with status" not in message
    assert not (tmp_path / "wh" / "prefect" / "server.log").exists()  # no server was even started
    assert time.monotonic() - started < 30


def test_a_server_that_exits_early_is_reported_with_the_end_of_its_log(tmp_path, busy_port, monkeypatch):
    # The check before starting is what normally catches a busy port; without it (another program takes
    # the port between the check and the server's bind) the server exits by itself, and the error must
    # still say why.
    monkeypatch.setattr(serving, "port_in_use", lambda host, port: False)
    monkeypatch.setenv("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    settings = load_settings(warehouse=tmp_path / "wh" / "aid.duckdb")
    (tmp_path / "wh" / "prefect").mkdir(parents=True)
    (tmp_path / "wh" / "prefect" / "server.log").write_text("an older start's line\n")
    with pytest.raises(serving.ServeError) as raised:
        serving.start_server(settings, "127.0.0.1", busy_port, timeout=60)
    message = str(raised.value)
    assert "exited with status 1" in message
    assert f"Port {busy_port} is already in use" in " ".join(message.split())  # Prefect's own words
    assert "an older start's line" not in message  # only what this start logged
