"""`aidtrack serve`: one machine's scheduler. Starts (or reuses) a Prefect server on loopback, with its
SQLite database under the warehouse folder, then serves every deployment from a child process.
Ctrl-C (SIGINT) or SIGTERM stops the child, then the server if we started it; both also stop, in that
order, when this process dies without cleaning up (SIGKILL, OOM killer): see ``spawn``.

Reusable pieces (the temporary server of `aidtrack run` uses them too): ``start_server`` / ``stop``,
``spawn``, ``port_in_use``, ``free_port``, ``inherited_env``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import httpx

from aidtrack.errors import AidtrackError
from aidtrack.settings import Settings

# The CLI lowers PREFECT_LOGGING_LEVEL to WARNING for its own commands (`run`, `demo`) so that its
# summary is not buried under Prefect's INFO lines, and then sets this marker to "1". Processes we start
# (the Prefect server, the serve child and the flow runs it launches) must not inherit that choice: their
# INFO lines are what the Prefect UI shows for a run. So when the marker is present and the level is
# WARNING, we drop the level from their environment and Prefect's default (INFO) applies; a level the
# user set themselves (no marker) is kept. Set the marker only when the CLI itself set the level.
CLI_LOGGING_MARKER = "AIDTRACK_CLI_SET_PREFECT_LOGGING_LEVEL"

SERVER_LOG_TAIL_LINES = 15  # lines of server.log quoted in a ServeError when the server dies early


class ServeError(AidtrackError, RuntimeError):
    """The scheduler could not start (server did not come up, port taken by something else, …)."""


def api_url(host: str, port: int) -> str:
    return f"http://{host}:{port}/api"


def api_is_healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def port_in_use(host: str, port: int) -> bool:
    """Whether something already holds ``host:port`` (listening or merely bound).

    A bind probe rather than a connect: it also sees sockets that are bound but not listening yet, and
    with SO_REUSEADDR (what uvicorn sets too) a port left in TIME_WAIT by a server that just stopped is
    not mistaken for a busy one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS considers free right now on ``host`` (another program may still take it before
    the server binds it; ``start_server`` then reports that clearly)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def inherited_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a process we start: ours, minus a logging level the CLI lowered for itself
    (see CLI_LOGGING_MARKER)."""
    env = dict(os.environ if base is None else base)
    marked = env.pop(CLI_LOGGING_MARKER, None) == "1"
    if marked and env.get("PREFECT_LOGGING_LEVEL", "").upper() == "WARNING":
        del env["PREFECT_LOGGING_LEVEL"]
    return env


def _prefect_executable() -> str:
    candidate = Path(sys.executable).with_name("prefect")
    return str(candidate) if candidate.exists() else "prefect"


def server_folder(settings: Settings) -> Path:
    return settings.warehouse.parent.resolve() / "prefect"


def server_env(
    settings: Settings, host: str = "127.0.0.1", port: int = 4200, *, ui: bool | None = None
) -> dict[str, str]:
    folder = server_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    env = inherited_env()
    env |= {
        "PREFECT_HOME": str(folder),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{folder / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": env.get("PREFECT_SERVER_LOGGING_LEVEL", "WARNING"),
    }
    # Without these the UI is told its API is at 127.0.0.1:4200 whatever --port says (Prefect derives
    # them from PREFECT_SERVER_API_PORT, not from the --port flag), and automation templates
    # ({{ flow_run|ui_url }}) link to the wrong place. A value the user set (a reverse proxy) wins.
    if not (env.get("PREFECT_SERVER_UI_API_URL") or env.get("PREFECT_UI_API_URL")):
        env["PREFECT_SERVER_UI_API_URL"] = api_url(host, port)
    env.setdefault("PREFECT_UI_URL", f"http://{host}:{port}")
    if ui is not None:
        # The canonical name wins over the legacy PREFECT_UI_ENABLED in Prefect's settings.
        env["PREFECT_SERVER_UI_ENABLED"] = "true" if ui else "false"
    return env


# How a child dies with its parent, even a parent killed outright (SIGKILL, OOM killer) that runs no
# cleanup code: each child runs under this small supervisor, which holds the read end of a "lifeline"
# pipe. The write end stays in the parent, so the kernel closes it when the parent dies however it
# dies; the supervisor then sees end-of-file, stops its command (SIGTERM, SIGKILL after a grace) and
# exits. Why not only PR_SET_PDEATHSIG on each child (tried first): every child gets its signal at the
# same moment, and the serve child, whose graceful shutdown talks to the server (pausing deployments,
# cancelling runs), then retries against a server that is going away, with backoff: it was still
# alive 15 s later, after the server had gone. A lifeline can
# also be handed to another child (``keeps_alive``): the server's is held by the serve child, so the
# server stops only once the parent *and* the serve child are gone. Pipes also work off Linux.
#
# The supervisor ignores SIGTERM/SIGINT itself: ``stop`` signals the whole process group, so the
# command gets the signal anyway, and forwarding it would deliver a second one (a second SIGTERM makes
# Prefect's runner exit at once instead of shutting down cleanly). It exits with its command's status.
# On Linux it also sets PR_SET_PDEATHSIG on the command, for the case where the supervisor itself is
# killed; a preexec_fn is safe here because the supervisor has a single thread.
_SUPERVISOR = """\
import os, select, signal, subprocess, sys
lifeline, grace, command = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
for sig in (signal.SIGTERM, signal.SIGINT):
    signal.signal(sig, lambda *_: None)
preexec = None
if sys.platform.startswith("linux"):
    import ctypes
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    def preexec():
        prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
child = subprocess.Popen(command, preexec_fn=preexec)
while child.poll() is None:
    ready, _, _ = select.select([lifeline], [], [], 0.25)
    if ready and not os.read(lifeline, 1):
        child.terminate()
        try:
            child.wait(grace)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        break
code = child.returncode
sys.exit(code if code >= 0 else 128 - code)
"""


def spawn(
    command: list[str],
    *,
    die_with_parent: bool = True,
    keeps_alive: Iterable[subprocess.Popen] = (),
    grace: float = 20.0,
    **popen_kwargs,
) -> subprocess.Popen:
    """``Popen`` in a new session (so ``stop`` can signal its whole process group).

    ``die_with_parent``: run it under the lifeline supervisor above, so it is stopped (SIGTERM, then
    SIGKILL after ``grace`` seconds) when this process dies, even by SIGKILL. ``keeps_alive``: processes
    started by ``spawn`` that must outlive this one when this process dies (it holds their lifelines).
    The process's ``pid`` is then the supervisor's (the leader of the group ``stop`` signals), its
    ``returncode`` the command's exit status (128 + N if signal N ended it)."""
    held = [process.lifeline for process in keeps_alive if getattr(process, "lifeline", None) is not None]
    if not die_with_parent:
        return subprocess.Popen(command, start_new_session=True, pass_fds=held, **popen_kwargs)
    read_end, write_end = os.pipe()  # both non-inheritable: only the supervisor gets the read end
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", _SUPERVISOR, str(read_end), str(grace), *command],
            start_new_session=True,
            pass_fds=[read_end, *held],
            **popen_kwargs,
        )
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    process.lifeline = write_end  # closed by ``stop``, or by the kernel when this process dies
    return process


def _log_tail(path: Path, offset: int, lines: int = SERVER_LOG_TAIL_LINES) -> str:
    """The last lines the server wrote to its log in this start (the file is appended to across
    starts), blank lines dropped."""
    try:
        with path.open("rb") as log:
            log.seek(offset)
            text = log.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def start_server(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 4200,
    *,
    die_with_parent: bool = True,
    ui: bool | None = None,
    timeout: float = 120.0,
) -> subprocess.Popen:
    """Start ``prefect server start`` on ``host:port`` (database and server.log under the warehouse's
    ``prefect/`` folder) and wait until its API answers. Stop it with ``stop(process)``.

    Raises ServeError if the port is already taken, if the server exits before answering (with the end
    of its log), or if it does not answer within ``timeout`` seconds. ``ui=None`` keeps the environment's
    PREFECT_SERVER_UI_ENABLED; ``die_with_parent``: see ``spawn``."""
    if port_in_use(host, port):
        # Checked before starting: `prefect server start` would only exit with status 1, and its reason
        # would sit in a log file.
        if api_is_healthy(api_url(host, port)):
            raise ServeError(
                f"a Prefect server is already running on {host}:{port}; use it or choose another port"
            )
        raise ServeError(
            f"port {port} on {host} is in use by another program (not a Prefect server); "
            "choose another with --port"
        )
    log_path = server_folder(settings) / "server.log"
    env = server_env(settings, host, port, ui=ui)  # creates the folder
    with log_path.open("ab") as log_file:  # the child keeps its own copy of the descriptor
        offset = log_file.tell()
        process = spawn(
            [_prefect_executable(), "server", "start", "--host", host, "--port", str(port)],
            die_with_parent=die_with_parent,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = api_url(host, port)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = _log_tail(log_path, offset)
                raise ServeError(
                    f"the Prefect server exited with status {process.returncode} before answering on "
                    f"{url}; the end of {log_path}:\n{tail or '(nothing logged)'}"
                )
            if api_is_healthy(url):
                return process
            time.sleep(0.5)
    except BaseException:  # Ctrl-C while waiting: do not leave a half-started server behind
        stop(process)
        raise
    stop(process)
    raise ServeError(
        f"the Prefect server did not answer on {url} within {timeout:.0f}s; the end of {log_path}:\n"
        f"{_log_tail(log_path, offset) or '(nothing logged)'}"
    )


def stop(process: subprocess.Popen | None, grace: float = 20.0) -> None:
    """SIGTERM the process group started by ``spawn``; SIGKILL it after ``grace`` seconds."""
    if process is None:
        return
    try:
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
    finally:
        _close_lifeline(process)


def _close_lifeline(process: subprocess.Popen) -> None:
    lifeline = getattr(process, "lifeline", None)
    if lifeline is not None:
        process.lifeline = None
        try:
            os.close(lifeline)
        except OSError:
            pass


def serve(
    settings: Settings,
    sources_file: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 4200,
    limit: int = 2,
    on_ready=print,
) -> int:
    """Run the scheduler until interrupted. Returns the exit status."""
    url = os.environ.get("PREFECT_API_URL") or api_url(host, port)
    server = None
    if api_is_healthy(url):
        on_ready(f"using the Prefect server already running at {url}")
    else:
        if os.environ.get("PREFECT_API_URL"):
            raise ServeError(
                f"PREFECT_API_URL={url} does not answer; start that server or unset the variable"
            )
        server = start_server(settings, host, port)
        on_ready(
            f"started a Prefect server at {url} (UI: http://{host}:{port}); database under "
            f"{server_folder(settings)}"
        )
    env = inherited_env() | {"PREFECT_API_URL": url}
    command = [
        sys.executable,
        "-m",
        "flows.serve",
        "--sources",
        str(sources_file),
        "--warehouse",
        str(settings.warehouse),
        "--limit",
        str(limit),
    ]
    child: subprocess.Popen | None = None
    received: list[int] = []

    def forward(signum, _frame):
        # Only signal here: waiting inside a handler would deadlock with the wait it interrupted.
        received.append(signum)
        if child is not None:
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    # Handlers first, then the child: a Ctrl-C in between must not leave the server behind.
    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if received:
            return 0
        # The serve child holds the server's lifeline: if this process is killed, the server stays up
        # until the child has shut down (its shutdown still talks to the server).
        child = spawn(command, env=env, keeps_alive=[server] if server else ())
        if received:  # the signal came while the child was being started
            forward(received[0], None)
        on_ready(
            "serving deployments pipeline/hourly, fx/daily, pipeline/backfill "
            f"(at most {limit} runs at once); Ctrl-C stops"
        )
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop(child)
        stop(server)
    return 0 if received else code
