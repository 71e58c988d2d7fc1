"""The readers' snapshot: a complete copy of the working database, swapped in by an atomic rename.

Writers (runs, analyst commands) work on a database of their own (``Settings.work_warehouse``,
``aid.work.duckdb`` beside the warehouse); readers open the published file (``Settings.warehouse``,
``aid.duckdb``). Publishing, always under the writer lock:

1. record in the working database when, by what and for which run it is published (the ``snapshot``
   table), then ``CHECKPOINT`` it: every committed change is in the file and its WAL is gone;
2. copy its bytes to a temporary file in the published file's folder, ``fsync`` it and check that it
   opens;
3. ``os.replace`` it over the published file and ``fsync`` the folder.

The working database is kept in the storage format named by ``Settings.snapshot_storage_version``
(``v1.4.0``), so DuckDB releases older than ours, the CLI among them, open the copy; a working database
in another format is rewritten in that one, once (``convert_working``).

A reader that opens the path gets either the old file or the new one, never half of one; a reader that
has the old one open keeps reading it (the rename does not touch an open file). A crash or a full disk
at any step leaves the last published file in place; the temporary file is removed then, or by the next
publish. Why a file copy rather than ``ATTACH`` + ``COPY FROM DATABASE`` (20-40 times slower, for a file
of the same size): docs/benchmarks.md ("Publishing the readers' snapshot").
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from aidtrack import __version__
from aidtrack.errors import AidtrackError
from aidtrack.settings import Settings

log = logging.getLogger(__name__)

SNAPSHOT_TABLE = "snapshot"
_TEMP_MARK = ".publish-"
# Room a run needs beyond one more copy of the snapshot: its own loads into the working database.
_HEADROOM_BYTES = 64 * 1024 * 1024


class PublishError(AidtrackError, RuntimeError):
    """The snapshot could not be published; the last published one is still in place."""


class DiskFullError(PublishError):
    """No space left on a device the warehouse needs; the message says where and how much is needed."""


@dataclass(frozen=True)
class Publication:
    """What a publish did: the file readers now open, when, by what, its size and how long it took."""

    path: Path
    published_at: datetime
    published_by: str
    run_id: str | None
    n_bytes: int
    seconds: float


def temp_files(settings: Settings) -> list[Path]:
    """Temporary files a publish, a seed or a format rewrite left behind (a crash or a full disk
    mid-copy), with their WALs."""
    found: set[Path] = set()
    published, work = settings.warehouse, settings.work_path
    for folder, pattern in (
        (published.parent, f".{published.name}{_TEMP_MARK}*"),
        (work.parent, f".{work.name}.seed-*"),
        (work.parent, f".{work.name}.convert-*"),
    ):
        if folder.is_dir():
            found.update(folder.glob(pattern))
    return sorted(found)


def remove_temp_files(settings: Settings) -> None:
    """Remove what earlier publishes, seeds or rewrites left behind. Call only under the writer lock: a
    temporary file is then never one that another writer is still writing."""
    for path in temp_files(settings):
        try:
            path.unlink()
            log.info("removed %s, left by an interrupted publish", path)
        except FileNotFoundError:
            pass


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or anything it was raised from) says that a device has no space left."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(exc).lower()
        if "no space left on device" in text or "disk quota exceeded" in text or "disk is full" in text:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:,.0f} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e6:.1f} MB"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def space_needed(settings: Settings) -> int:
    """Free bytes a run needs beside the warehouse: one more copy of the snapshot (the size of the
    working database) and headroom for the run's own loads."""
    work = settings.work_path
    return _size(work) + _size(work.with_name(work.name + ".wal")) + _HEADROOM_BYTES


def disk_full_message(settings: Settings, what: str) -> str:
    """One line for a full disk: what failed, on which folder, how much is free and how much a run needs,
    and that readers still have the last published snapshot."""
    folders = {settings.warehouse.parent.resolve(), settings.work_path.parent.resolve()}
    free = []
    for folder in sorted(folders):
        try:
            free.append(f"{_mb(shutil.disk_usage(folder).free)} free in {folder}")
        except OSError:
            free.append(f"{folder} (free space unknown)")
    return (
        f"the disk is full: {what} ({', '.join(free)}); a run needs about {_mb(space_needed(settings))} free "
        f"(a new snapshot as large as the working database, {_mb(_size(settings.work_path))}, plus room for "
        "its loads). "
        f"{last_good(settings)} Free some space and run again: nothing committed is lost."
    )


def last_good(settings: Settings) -> str:
    """A sentence on what readers have now: the last published snapshot, or none yet."""
    if not settings.warehouse.exists():
        return f"Nothing is published at {settings.warehouse} yet."
    info = snapshot_info(settings.warehouse)
    when = f", published {info['published_at']:%Y-%m-%d %H:%M:%S %Z}".rstrip() if info else ""
    return f"Readers keep the last good snapshot at {settings.warehouse}{when}."


def snapshot_info(path: Path) -> dict | None:
    """The ``snapshot`` row of a published file (None for a file from before snapshots, or unreadable)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return read_snapshot_row(con)
    finally:
        con.close()


def read_snapshot_row(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The ``snapshot`` row of the database ``con`` reads, or None when it has none."""
    try:
        cursor = con.execute(f"select * from {SNAPSHOT_TABLE}")
    except duckdb.CatalogException:
        return None
    columns = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return dict(zip(columns, row, strict=True)) if row else None


def _fsync(path: Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    published_by: str,
    run_id: str | None = None,
) -> Publication:
    """Publish the database ``con`` holds read-write (the working database, under the writer lock, with
    no transaction open) at ``settings.warehouse``. Raises ``DiskFullError`` or ``PublishError``; either
    way the file readers open is unchanged and no temporary file is left behind."""
    started = time.perf_counter()
    target, work = settings.warehouse, settings.work_path
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_temp_files(settings)
    temp = target.with_name(f".{target.name}{_TEMP_MARK}{os.getpid()}.tmp")
    try:
        con.execute(
            f"""create or replace table {SNAPSHOT_TABLE} as
                select now() as published_at, ?::varchar as published_by, ?::varchar as run_id,
                       ?::varchar as aidtrack_version, ?::varchar as duckdb_version,
                       ?::varchar as storage_version""",
            [published_by, run_id, __version__, duckdb.__version__, settings.snapshot_storage_version],
        )
        published_at = con.execute(f"select published_at from {SNAPSHOT_TABLE}").fetchone()[0]
        con.execute("checkpoint")  # every committed change is in the file now, and the WAL is gone
        if work.with_name(work.name + ".wal").exists():
            raise PublishError(
                f"{work} still has a write-ahead log after CHECKPOINT (is another session writing it?)"
            )
        shutil.copyfile(work, temp)
        _fsync(temp)
        _check_opens(temp)
        os.replace(temp, target)
        _fsync(target.parent, directory=True)
    except BaseException as exc:
        remove_temp_files(settings)
        if isinstance(exc, PublishError | KeyboardInterrupt | SystemExit):
            raise
        if is_disk_full(exc):
            raise DiskFullError(disk_full_message(settings, f"could not publish {target}")) from exc
        if isinstance(exc, Exception):
            raise PublishError(f"could not publish {target}: {exc}. {last_good(settings)}") from exc
        raise
    seconds = time.perf_counter() - started
    publication = Publication(target, published_at, published_by, run_id, _size(target), seconds)
    log.info("published %s (%s, by %s) in %.2fs", target, _mb(publication.n_bytes), published_by, seconds)
    return publication


def _check_opens(path: Path) -> None:
    """Never publish a file that does not open: read its ``snapshot`` row back."""
    check = duckdb.connect(str(path), read_only=True)
    try:
        if read_snapshot_row(check) is None:
            raise PublishError(f"the copy {path} has no {SNAPSHOT_TABLE} row")
    finally:
        check.close()


def storage_version_of(con: duckdb.DuckDBPyConnection) -> str:
    """The storage format of the database ``con`` is on, as DuckDB tags it (``v1.4.0+``)."""
    row = con.execute(
        "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return (row[0] if row else None) or ""


def convert_working(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """When the working database is not in ``settings.snapshot_storage_version`` (seeded from a file of
    another format, or the setting changed), rewrite it in that format, once: ``COPY FROM DATABASE``
    keeps every table, view, macro and sequence. Closes ``con`` when it converts (the caller opens the
    file again). Returns whether it converted."""
    wanted = settings.snapshot_storage_version
    if storage_version_of(con).rstrip("+") == wanted:
        return False
    work = settings.work_path
    temp = work.with_name(f".{work.name}.convert-{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    source = con.execute("select current_database()").fetchone()[0]
    started = time.perf_counter()
    try:
        con.execute(f"attach '{temp}' as aidtrack_convert (storage_version '{wanted}')")
        try:
            con.execute(f"copy from database {_quote(source)} to aidtrack_convert")
            con.execute("checkpoint aidtrack_convert")
        finally:
            con.execute("detach aidtrack_convert")
        con.execute("checkpoint")
        con.close()
        _fsync(temp)
        os.replace(temp, work)
        _fsync(work.parent, directory=True)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        temp.with_name(temp.name + ".wal").unlink(missing_ok=True)
        if is_disk_full(exc):
            raise DiskFullError(
                disk_full_message(settings, f"could not rewrite {work} in the {wanted} format")
            ) from exc
        raise
    log.warning(
        "rewrote the working database %s in the %s storage format (once) in %.1fs",
        work,
        wanted,
        time.perf_counter() - started,
    )
    return True


def seed_working(settings: Settings) -> bool:
    """Before the first write: a warehouse from before snapshots (only ``aid.duckdb``, no working
    database yet) becomes the working database, byte for byte, so nothing is lost. Call under the writer
    lock. Returns whether it seeded."""
    work, published = settings.work_path, settings.warehouse
    if work.exists() or not published.exists():
        return False
    if published.with_name(published.name + ".wal").exists():
        # Left by a writer of an older version that died: fold the log into the file first.
        from aidtrack.warehouse.connection import _open_with_retry

        old = _open_with_retry(published, read_only=False, patience=settings.open_retry_seconds)
        try:
            old.execute("checkpoint")
        finally:
            old.close()
    work.parent.mkdir(parents=True, exist_ok=True)
    temp = work.with_name(f".{work.name}.seed-{os.getpid()}.tmp")
    try:
        shutil.copyfile(published, temp)
        _fsync(temp)
        os.replace(temp, work)
        _fsync(work.parent, directory=True)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise DiskFullError(
                disk_full_message(settings, f"could not copy {published} to the working database {work}")
            ) from exc
        raise
    log.warning("the working database %s was seeded from %s", work, published)
    return True
