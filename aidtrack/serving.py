"""`aidtrack serve`: one machine's scheduler. Starts (or reuses) a Prefect server on loopback, with its
SQLite database under the warehouse folder, then serves every deployment from a child process.
Ctrl-C (SIGINT) or SIGTERM stops the child, then the server if we started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from aidtrack.settings import Settings


class ServeError(RuntimeError):
    """The scheduler could not start (server did not come up, port taken by something else, …)."""


def api_url(host: str, port: int) -> str:
    return f"http://{host}:{port}/api"


def api_is_healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _prefect_executable() -> str:
    candidate = Path(sys.executable).with_name("prefect")
    return str(candidate) if candidate.exists() else "prefect"


def server_env(settings: Settings) -> dict[str, str]:
    folder = settings.warehouse.parent.resolve() / "prefect"
    folder.mkdir(parents=True, exist_ok=True)
    return os.environ | {
        "PREFECT_HOME": str(folder),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{folder / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": os.environ.get("PREFECT_SERVER_LOGGING_LEVEL", "WARNING"),
    }


def start_server(settings: Settings, host: str, port: int, timeout: float = 120.0) -> subprocess.Popen:
    """Start ``prefect server start`` on loopback and wait until its API answers."""
    log_path = settings.warehouse.parent.resolve() / "prefect" / "server.log"
    env = server_env(settings)
    log_file = log_path.open("ab")
    process = subprocess.Popen(
        [_prefect_executable(), "server", "start", "--host", host, "--port", str(port)],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = api_url(host, port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServeError(f"the Prefect server exited with status {process.returncode}; see {log_path}")
        if api_is_healthy(url):
            return process
        time.sleep(0.5)
    stop(process)
    raise ServeError(f"the Prefect server did not answer on {url} within {timeout:.0f}s; see {log_path}")


def stop(process: subprocess.Popen | None, grace: float = 20.0) -> None:
    if process is None or process.poll() is not None:
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
            f"{settings.warehouse.parent / 'prefect'}"
        )
    env = os.environ | {"PREFECT_API_URL": url}
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
    child = subprocess.Popen(command, env=env, start_new_session=True)
    on_ready(
        f"serving deployments pipeline/hourly, fx/daily, pipeline/backfill (at most {limit} runs at once); "
        "Ctrl-C stops"
    )
    received: list[int] = []

    def forward(signum, _frame):
        # Only signal here: waiting inside a handler would deadlock with the wait it interrupted.
        received.append(signum)
        try:
            os.killpg(child.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop(child)
        stop(server)
    return 0 if received else code
