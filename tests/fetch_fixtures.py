"""Pytest fixtures for fetch/sources tests: a misbehaving loopback server and fast settings.

Import into a conftest (``from tests.fetch_fixtures import *``) or a test module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from aidtrack.fetch import Fetcher
from aidtrack.settings import Settings
from tests.mockserver import MockServer

__all__ = ["fetch_settings", "fetcher", "mockserver", "mockserver_factory"]


@pytest.fixture
def mockserver() -> Iterator[MockServer]:
    """A fresh loopback server (own port, so its own "host" for pacing and robots)."""
    with MockServer() as server:
        yield server


@pytest.fixture
def mockserver_factory() -> Iterator[Callable[[], MockServer]]:
    """Start extra servers (other hosts) on demand; all stopped at teardown."""
    servers: list[MockServer] = []

    def make() -> MockServer:
        server = MockServer().start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def fetch_settings(tmp_path) -> Settings:
    """Settings with politeness and backoff shrunk to milliseconds so the suite stays fast.

    The timeouts stay a few seconds: a loopback server on a loaded CI machine can take longer than
    half a second to answer, and a test of retries must not fail on a timeout it is not about. Tests
    of timeouts set their own, shorter ones.
    """
    return Settings(
        warehouse=tmp_path / "aid.duckdb",
        default_delay=0.0,
        max_concurrency=4,
        connect_timeout=2.0,
        read_timeout=2.0,
        max_body_bytes=1024 * 1024,
        max_redirects=5,
        max_retries=2,
        backoff_base=0.01,
        backoff_max=0.05,
        total_timeout=3.0,
    )


@pytest.fixture
def fetcher(fetch_settings: Settings) -> Iterator[Fetcher]:
    with Fetcher(fetch_settings) as f:
        yield f
