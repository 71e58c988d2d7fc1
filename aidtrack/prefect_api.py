"""Which Prefect API a CLI run talks to, chosen before Prefect is imported.

1. ``PREFECT_API_URL`` when the user set it;
2. else a local Prefect server already answering on the default port (the one ``aidtrack serve``
   starts): a run then takes 1–3 s instead of paying for a server start-up;
3. else a temporary server for this process only: the same ``uvicorn`` app Prefect's ephemeral mode
   starts, but in a session of its own (Ctrl-C in the terminal reaches the run, which stops cleanly and
   still reports to it, not the server) and bound to this process's life (it gets SIGTERM when
   we die, even by SIGKILL: ``serving.spawn``'s lifeline), so no server outlives the command.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from aidtrack.errors import AidtrackError
from aidtrack.serving import api_is_healthy, free_port, inherited_env, spawn, stop

LOCAL_HOST = "127.0.0.1"
DEFAULT_PORT = 4200  # `aidtrack serve` and `prefect server start` both default to it


class PrefectServerError(AidtrackError, RuntimeError):
    """No Prefect API could be reached or started."""


@dataclass(frozen=True)
class PrefectApi:
    url: str
    how: str  # what the user is told: which server, and why
    temporary: bool = False


def choose_api(start_timeout: float = 120.0) -> PrefectApi:
    """Pick the API for this process and set ``PREFECT_API_URL`` accordingly (see the module doc)."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        return PrefectApi(configured, f"Prefect server at {configured} (PREFECT_API_URL)")
    local = f"http://{LOCAL_HOST}:{DEFAULT_PORT}/api"
    if api_is_healthy(local):
        os.environ["PREFECT_API_URL"] = local
        return PrefectApi(local, f"the local Prefect server at {local}")
    url = start_temporary_server(start_timeout)
    os.environ["PREFECT_API_URL"] = url
    return PrefectApi(
        url,
        f"a temporary Prefect server at {url} (none running on port {DEFAULT_PORT}: "
        "`aidtrack serve` keeps one up and makes runs start at once)",
        temporary=True,
    )


def start_temporary_server(timeout: float = 120.0) -> str:
    """Start Prefect's API app on a free loopback port for this process; returns its API URL. It is
    stopped when this process exits (atexit), and dies with it however it dies (SIGKILL included)."""
    spec = importlib.util.find_spec("prefect")  # where its app lives, without importing it here
    if spec is None or spec.origin is None:
        raise PrefectServerError("Prefect is not installed in this environment")
    port = free_port()
    url = f"http://{LOCAL_HOST}:{port}/api"
    env = inherited_env() | {
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",  # no scheduler or other background services: a run's server
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty server never blocks on a full pipe
    process = spawn(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent),
         "--factory", "prefect.server.api.server:create_app", "--host", LOCAL_HOST, "--port", str(port),
         "--log-level", "error", "--lifespan", "on"],
        die_with_parent=True,  # in a session of its own: Ctrl-C in the terminal is for the run
        grace=5.0,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    # Registered before Prefect's own exit handlers (atexit runs last-in first-out), so Prefect's log and
    # event workers flush to the server before it is stopped.
    atexit.register(stop, process, 5.0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            detail = log.read().decode(errors="replace").strip()
            raise PrefectServerError(
                f"the temporary Prefect server exited with status {process.returncode}"
                + (f": {detail.splitlines()[-1]}" if detail else "")
            )
        if api_is_healthy(url):
            return url
        time.sleep(0.1)
    stop(process, 5.0)
    raise PrefectServerError(f"the temporary Prefect server did not answer on {url} within {timeout:.0f}s")
