"""Connection discipline for a DuckDB warehouse that readers never wait for.

DuckDB lets one process hold a file read-write, or many hold it read-only, never both. So writers and
readers use different files:
- writers take an OS file lock first (serialising our own writers: two pipeline runs never interleave),
  then open the *working* database (``Settings.work_path``) read-write, CHECKPOINT it before closing, and
  publish a complete copy at the documented path (``Settings.warehouse``) by an atomic rename
  (``aidtrack.warehouse.publish``);
- readers open that published snapshot read-only; no writer of ours ever opens it, so they get in at
  once (a bounded retry remains for a user's own read-write session on it).
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


def _open_with_retry(
    path: Path, *, read_only: bool, patience: float, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + patience
    pause = 0.05
    attempt = 0
    while True:
        attempt += 1
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config or {})
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
def writer(
    settings: Settings,
    *,
    publish: bool = True,
    published_by: str = "aidtrack",
    run_id: str | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the working database, held under the warehouse's writer lock;
    checkpointed and closed on exit. With ``publish`` (the default), a block that ends without an error
    then publishes the snapshot readers open (``published_by`` and ``run_id`` are recorded in it); the
    block must leave no transaction open. A warehouse from before snapshots seeds the working database
    first, so nothing is lost."""
    from aidtrack.warehouse.publish import (
        DiskFullError,
        convert_working,
        disk_full_message,
        is_disk_full,
        remove_temp_files,
        seed_working,
    )
    from aidtrack.warehouse.publish import publish as publish_snapshot

    path = settings.work_path
    _lock_file_ready(settings.lock_path)
    lock = FileLock(str(settings.lock_path))
    try:
        lock.acquire(timeout=settings.lock_timeout)
    except Timeout as exc:
        raise WarehouseBusyError(
            f"another aidtrack writer has held {settings.lock_path} for over {settings.lock_timeout:.0f}s"
        ) from exc
    try:
        remove_temp_files(settings)  # what a writer killed mid-copy left
        seed_working(settings)
        # A new working database is created in the snapshot's storage format (a file copy publishes it).
        config = {"storage_compatibility_version": settings.snapshot_storage_version}
        con = _open_with_retry(path, read_only=False, patience=settings.open_retry_seconds, config=config)
        if convert_working(con, settings):
            con = _open_with_retry(path, read_only=False, patience=settings.open_retry_seconds, config=config)
        try:
            yield con
            try:
                con.execute("checkpoint")
            except duckdb.Error as exc:
                if is_disk_full(exc):
                    raise DiskFullError(disk_full_message(settings, f"could not write {path}")) from exc
                raise
            if publish:
                publish_snapshot(con, settings, published_by=published_by, run_id=run_id)
        finally:
            con.close()
    finally:
        lock.release()


def publish_now(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, published_by: str, run_id: str | None = None
) -> None:
    """Publish from inside a ``writer(settings, publish=False)`` block (no transaction open)."""
    from aidtrack.warehouse.publish import publish as publish_snapshot

    publish_snapshot(con, settings, published_by=published_by, run_id=run_id)


@contextmanager
def read_only(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published snapshot: the state of the last finished run or analyst
    command. Writers never hold this file, so it opens at once; a user's own read-write session on it
    is waited for (bounded)."""
    path = settings.warehouse
    if not path.exists():
        if settings.work_path.exists():
            raise FileNotFoundError(
                f"nothing published at {path} yet: the run in progress publishes it when it finishes "
                "(or run `aidtrack run`)"
            )
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
