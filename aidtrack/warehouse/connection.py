"""Connection discipline for a single-file DuckDB warehouse.

DuckDB lets one process hold the file read-write, or many hold it read-only, never both. So:
- writers take an OS file lock first (serialising our own writers: two pipeline runs never interleave),
  then open read-write, retrying with backoff while a reader holds the file;
- readers open read-only and retry briefly while a writer holds it;
- a writer CHECKPOINTs before closing so the WAL is folded into the file.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from aidtrack.errors import AidtrackError
from aidtrack.settings import Settings

log = logging.getLogger(__name__)


class WarehouseBusyError(AidtrackError, RuntimeError):
    """The warehouse stayed locked by another process for longer than we were willing to wait."""


class WarehouseNotWritableError(AidtrackError, RuntimeError):
    """The warehouse's folder cannot be written (missing permission, read-only file system, …)."""


def _lock_file_ready(lock_path: Path) -> None:
    """Make sure the lock file can be created, so an unwritable folder fails at once with a clear
    message instead of looking like a lock held by someone else."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a"):
            pass
    except OSError as exc:
        raise WarehouseNotWritableError(
            f"cannot write the warehouse in {lock_path.parent}: {exc.strerror or exc}"
        ) from exc


def check_writable(settings: Settings) -> None:
    """Raise ``WarehouseNotWritableError`` now if a run could not write the warehouse's folder."""
    _lock_file_ready(settings.lock_path)


def _is_lock_conflict(exc: BaseException) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _open_with_retry(path: Path, *, read_only: bool, patience: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + patience
    pause = 0.05
    attempt = 0
    while True:
        attempt += 1
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_conflict(exc):
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                mode = "read-only" if read_only else "read-write"
                raise WarehouseBusyError(
                    f"{path} is held by another process; gave up opening it {mode} after "
                    f"{patience:.0f}s ({attempt} attempts). Close other DuckDB sessions on it and retry."
                ) from exc
            if attempt == 1 or attempt % 20 == 0:
                log.warning("warehouse %s is busy (%s); waiting and retrying", path, str(exc).splitlines()[0])
            time.sleep(min(pause, remaining) * random.uniform(0.8, 1.2))
            pause = min(pause * 2, 1.0)


@contextmanager
def writer(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection held under the warehouse's writer lock; checkpointed and closed on exit."""
    path = settings.warehouse
    _lock_file_ready(settings.lock_path)
    lock = FileLock(str(settings.lock_path))
    try:
        lock.acquire(timeout=settings.lock_timeout)
    except Timeout as exc:
        raise WarehouseBusyError(
            f"another aidtrack writer has held {settings.lock_path} for over {settings.lock_timeout:.0f}s"
        ) from exc
    try:
        con = _open_with_retry(path, read_only=False, patience=settings.open_retry_seconds)
        try:
            yield con
            con.execute("checkpoint")
        finally:
            con.close()
    finally:
        lock.release()


@contextmanager
def read_only(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; waits (bounded) while a pipeline run holds the file for writing."""
    path = settings.warehouse
    if not path.exists():
        raise FileNotFoundError(
            f"no warehouse at {path}: run `aidtrack run` (or `aidtrack demo`) first, or pass --warehouse"
        )
    con = _open_with_retry(path, read_only=True, patience=settings.open_retry_seconds)
    try:
        yield con
    finally:
        con.close()


class RunInProgressError(AidtrackError, RuntimeError):
    """Another pipeline run on this warehouse did not finish within the wait allowed."""


@contextmanager
def exclusive_run(
    settings: Settings,
    on_wait: Callable[[str], object] = log.warning,
    stop: threading.Event | None = None,
) -> Iterator[None]:
    """Hold the warehouse's run lock for a whole pipeline run. A second run waits (bounded, with a log
    line saying why) and raises ``RunInProgressError`` if the first is still going, or as soon as
    ``stop`` is set; a run that dies releases the lock with its process."""
    _lock_file_ready(settings.run_lock_path)
    lock = FileLock(str(settings.run_lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        on_wait(
            f"another pipeline run is using {settings.warehouse}; waiting up to {settings.run_wait_seconds:.0f}s "
            "for it to finish"
        )
        deadline = time.monotonic() + settings.run_wait_seconds
        while True:  # in short slices, so that Ctrl-C while waiting ends the wait at once
            if stop is not None and stop.is_set():
                raise RunInProgressError(
                    f"stopped while waiting for another run on {settings.warehouse}"
                ) from None
            try:
                lock.acquire(timeout=min(1.0, max(0.0, deadline - time.monotonic())))
                break
            except Timeout as exc:
                if time.monotonic() >= deadline:
                    raise RunInProgressError(
                        f"another pipeline run was still using {settings.warehouse} after "
                        f"{settings.run_wait_seconds:.0f}s"
                    ) from exc
    try:
        yield
    finally:
        lock.release()
