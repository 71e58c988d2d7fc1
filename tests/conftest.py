"""Shared fixtures: one Prefect test harness per session (PREFECT_HOME in a temp dir), the demo site on
loopback, and fresh warehouse paths."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Prefect reads its home at import time: point it at a throwaway folder before anything imports it.
_PREFECT_HOME = tempfile.mkdtemp(prefix="aidtrack-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
for _name in list(os.environ):
    if _name.startswith("AIDTRACK_"):
        del os.environ[_name]  # tests must not depend on the developer's own settings

import pytest  # noqa: E402

from aidtrack.demo import SiteServer, demo_sources_yaml  # noqa: E402
from aidtrack.settings import load_settings  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness():
    """A real Prefect API for the session (a temporary server with its own SQLite database).
    Yields its URL, so subprocesses (``aidtrack run``) can use the same server."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_site():
    with SiteServer() as server:
        yield server


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "aid.duckdb"


@pytest.fixture
def settings(warehouse_path: Path):
    return load_settings(warehouse=warehouse_path, default_delay=0.0, backoff_base=0.01, backoff_max=0.1)


@pytest.fixture
def demo_sources(tmp_path: Path, demo_site: SiteServer) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(demo_sources_yaml(demo_site.base_url), encoding="utf-8")
    return path
