"""aidtrack.serving without a Prefect server: environments passed on, the busy-port check, and the
parent-death signal of spawned processes (real processes, no Prefect)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from aidtrack import serving
from aidtrack.settings import load_settings


@pytest.mark.parametrize(
    ("given", "level"),
    [
        # Lowered by the CLI for itself (marker set): dropped, so Prefect's default INFO applies.
        ({"PREFECT_LOGGING_LEVEL": "WARNING", serving.CLI_LOGGING_MARKER: "1"}, None),
        # Chosen by the user: kept, whatever it is.
        ({"PREFECT_LOGGING_LEVEL": "WARNING"}, "WARNING"),
        ({"PREFECT_LOGGING_LEVEL": "DEBUG", serving.CLI_LOGGING_MARKER: "1"}, "DEBUG"),
        ({}, None),
    ],
)
def test_children_get_the_logging_level_the_user_had(given, level):
    env = serving.inherited_env({"PATH": "/bin"} | given)
    assert env.get("PREFECT_LOGGING_LEVEL") == level
    assert serving.CLI_LOGGING_MARKER not in env  # the marker describes this process only
    assert env["PATH"] == "/bin"


def test_the_server_is_told_its_own_port_for_the_ui(tmp_path, monkeypatch):
    for name in ("PREFECT_SERVER_UI_API_URL", "PREFECT_UI_API_URL", "PREFECT_UI_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "WARNING")
    monkeypatch.setenv(serving.CLI_LOGGING_MARKER, "1")
    settings = load_settings(warehouse=tmp_path / "wh" / "aid.duckdb")
    env = serving.server_env(settings, "127.0.0.1", 4321, ui=True)
    assert env["PREFECT_SERVER_UI_API_URL"] == "http://127.0.0.1:4321/api"
    assert env["PREFECT_UI_URL"] == "http://127.0.0.1:4321"
    assert env["PREFECT_SERVER_UI_ENABLED"] == "true"
    assert "PREFECT_LOGGING_LEVEL" not in env
    assert env["PREFECT_HOME"] == str((tmp_path / "wh" / "prefect").resolve())

    monkeypatch.setenv("PREFECT_UI_API_URL", "https://aid.example.org/prefect/api")  # behind a proxy
    assert "PREFECT_SERVER_UI_API_URL" not in serving.server_env(settings, "127.0.0.1", 4321)


def test_port_in_use_sees_a_listening_and_a_merely_bound_socket():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        assert serving.port_in_use("127.0.0.1", port)  # bound, not listening yet
        sock.listen()
        assert serving.port_in_use("127.0.0.1", port)
    assert not serving.port_in_use("127.0.0.1", port)


def test_start_server_refuses_a_port_held_by_another_program_before_starting_anything(tmp_path):
    settings = load_settings(warehouse=tmp_path / "wh" / "aid.duckdb")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(serving.ServeError, match=f"port {port} on 127.0.0.1 is in use by another"):
            serving.start_server(settings, "127.0.0.1", port)
    assert time.monotonic() - started < 10  # one failed health probe at most, no server start
    assert not (tmp_path / "wh" / "prefect" / "server.log").exists()


# A command that records its pid, and on SIGTERM takes `linger` seconds to stop, then records when it
# stopped (the serve child's shutdown also takes a moment, and needs the server meanwhile).
COMMAND = """
import os, signal, sys, time
name, linger = sys.argv[1], float(sys.argv[2])
def stopped(*_):
    time.sleep(linger)
    with open(name + ".stopped", "w") as out:
        out.write(repr(time.time()))
    sys.exit(0)
signal.signal(signal.SIGTERM, stopped)
with open(name + ".pid", "w") as out:
    out.write(str(os.getpid()))
time.sleep(120)
"""

# A parent that spawns a "server" and a "serve child" holding its lifeline, the way serve() does, then
# waits to be killed.
PARENT = """
import sys
from aidtrack.serving import spawn
command, folder, die = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
server = spawn([sys.executable, "-c", command, folder + "/server", "0"], die_with_parent=die)
child = spawn(
    [sys.executable, "-c", command, folder + "/child", "1"], die_with_parent=die, keeps_alive=[server]
)
print(server.pid, child.pid, flush=True)
sys.stdin.read()  # until the test kills us
"""


def _state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _gone(pid: int) -> bool:
    return _state(pid) in (None, "Z")  # a zombie is dead; PID 1 may be slow to reap orphans


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _spawn_pair_and_kill_parent(tmp_path, die_with_parent: bool) -> dict[str, int]:
    """Start PARENT, wait until both commands run, SIGKILL the parent. Returns the pids."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, COMMAND, str(tmp_path), "1" if die_with_parent else "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        supervisors = [int(pid) for pid in parent.stdout.readline().split()]
        for name in ("server", "child"):
            _wait(lambda n=name: (tmp_path / f"{n}.pid").exists(), 10, f"the {name} command to start")
    finally:
        parent.kill()  # SIGKILL: no cleanup code runs in the parent
        parent.wait()
        parent.stdin.close()
        parent.stdout.close()
    pids = {name: int((tmp_path / f"{name}.pid").read_text()) for name in ("server", "child")}
    return pids | {"supervisors": supervisors}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_spawned_processes_die_with_their_killed_parent_the_server_last(tmp_path):
    pids = _spawn_pair_and_kill_parent(tmp_path, die_with_parent=True)
    _wait(lambda: _gone(pids["server"]) and _gone(pids["child"]), 10, "both commands to stop")
    _wait(lambda: all(_gone(pid) for pid in pids["supervisors"]), 5, "the supervisors to exit")
    # Both stopped through SIGTERM (they recorded it), and the server only after the child had finished
    # its one-second shutdown.
    child_stopped = float((tmp_path / "child.stopped").read_text())
    server_stopped = float((tmp_path / "server.stopped").read_text())
    assert server_stopped >= child_stopped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_without_die_with_parent_they_outlive_it(tmp_path):
    # The control for the test above: it would pass vacuously if killing the parent took its children
    # along anyway (it does not: spawn puts each in its own session).
    pids = _spawn_pair_and_kill_parent(tmp_path, die_with_parent=False)
    try:
        time.sleep(1)
        assert not _gone(pids["server"]) and not _gone(pids["child"])
    finally:
        for name in ("server", "child"):
            os.kill(pids[name], signal.SIGKILL)


def test_a_supervised_command_reports_its_own_exit_status():
    process = serving.spawn([sys.executable, "-c", "import sys; sys.exit(3)"])
    try:
        assert process.wait(timeout=30) == 3
    finally:
        serving.stop(process)
    assert process.lifeline is None  # stop closed our end of its lifeline


def test_stop_stops_a_supervised_command_and_its_supervisor(tmp_path):
    process = serving.spawn([sys.executable, "-c", COMMAND, str(tmp_path / "cmd"), "0"])
    _wait(lambda: (tmp_path / "cmd.pid").exists(), 10, "the command to start")
    started = time.monotonic()
    serving.stop(process, grace=10)
    assert time.monotonic() - started < 5  # SIGTERM worked, no waiting for the SIGKILL
    assert (tmp_path / "cmd.stopped").exists()
    assert process.returncode == 0
