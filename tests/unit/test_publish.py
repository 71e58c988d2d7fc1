"""The readers' snapshot: writers write the working database and publish a copy by atomic rename
(aidtrack/warehouse/publish.py). Real DuckDB files in temporary folders."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys

import duckdb
import pytest
from typer.testing import CliRunner

from aidtrack.cli import app
from aidtrack.warehouse import DiskFullError, prepare, read_only, writer
from aidtrack.warehouse.publish import is_disk_full, snapshot_info, temp_files

# The storage version number in a DuckDB file's header (bytes 12-19): 67 is the v1.4.0 format, which
# DuckDB 1.4, 1.5 and 2.x read; DuckDB 2.0's own format is refused by older releases.
V1_4_0 = 67


def header_version(path) -> int:
    with open(path, "rb") as f:
        return int.from_bytes(f.read(20)[12:20], "little")


def count(settings, table: str = "targets") -> int:
    with read_only(settings) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def test_writers_write_the_working_database_and_publish_a_copy(settings):
    with writer(settings, published_by="test") as con:
        prepare(con)
    assert settings.work_path == settings.warehouse.with_name("aid.work.duckdb")
    assert settings.work_path.exists() and settings.warehouse.exists()
    assert temp_files(settings) == []
    info = snapshot_info(settings.warehouse)
    assert info["published_by"] == "test" and info["storage_version"] == "v1.4.0"
    assert header_version(settings.warehouse) == V1_4_0
    with read_only(settings) as con:  # views and seeds came along
        assert con.execute("select count(*) from monthly_vs_target").fetchone()[0] > 0


def test_a_block_that_fails_publishes_nothing_and_an_unpublished_write_waits(settings):
    with writer(settings) as con:
        prepare(con)
    before = count(settings)
    with pytest.raises(RuntimeError, match="boom"), writer(settings) as con:
        con.execute("delete from targets")
        raise RuntimeError("boom")
    assert count(settings) == before
    with writer(settings, publish=False) as con:
        con.execute("delete from targets")
    assert count(settings) == before  # committed in the working database, not yet published
    with writer(settings) as con:
        pass
    assert count(settings) == 0


def test_an_open_reader_keeps_its_snapshot_and_a_new_one_sees_the_next(settings):
    with writer(settings) as con:
        prepare(con)
        con.execute("create table t as select range as x from range(10)")
    # A reader in another process, as a user's notebook would be (one process shares DuckDB instances).
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys\n"
         f"con = duckdb.connect({str(settings.warehouse)!r}, read_only=True)\n"
         "print(con.execute('select count(*) from t').fetchone()[0], flush=True)\n"
         "sys.stdin.readline()\n"
         "print(con.execute('select count(*) from t').fetchone()[0], flush=True)\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert reader.stdout.readline().strip() == "10"
    with writer(settings) as con:
        con.execute("insert into t select range from range(5)")
    out, _ = reader.communicate("go\n", timeout=30)
    assert out.strip() == "10"  # the open reader still reads the file it opened
    assert count(settings, "t") == 15


def test_a_warehouse_from_before_snapshots_seeds_the_working_database(settings):
    """The first write after the upgrade keeps everything, sequences included, in the v1.4.0 format."""
    settings.warehouse.parent.mkdir(parents=True)
    old = duckdb.connect(str(settings.warehouse))  # DuckDB 2.0's own format, as older aidtrack wrote it
    prepare(old)
    old.execute(
        "insert into fetches (run_id, source, url, purpose, outcome, fetched_at) "
        "values ('old-run', 's', 'https://example.org/a', 'article', 'ok', now())"
    )
    old.close()
    assert header_version(settings.warehouse) != V1_4_0
    assert not settings.work_path.exists()
    with read_only(settings) as con:  # readers keep working before any write
        assert snapshot_info(settings.warehouse) is None
    with writer(settings) as con:
        con.execute(
            "insert into fetches (run_id, source, url, purpose, outcome, fetched_at) "
            "values ('new-run', 's', 'https://example.org/b', 'article', 'ok', now())"
        )
    with read_only(settings) as con:
        rows = con.execute("select fetch_id, run_id from fetches order by fetch_id").fetchall()
    assert rows == [(1, "old-run"), (2, "new-run")]
    assert header_version(settings.work_path) == V1_4_0 == header_version(settings.warehouse)


def test_leftover_temporary_files_are_removed_by_the_next_publish(settings):
    with writer(settings) as con:
        prepare(con)
    stale = settings.warehouse.with_name(f".{settings.warehouse.name}.publish-999999.tmp")
    stale.write_bytes(b"half a copy")
    assert temp_files(settings) == [stale]
    with writer(settings):
        pass
    assert temp_files(settings) == []


def test_a_full_disk_during_publish_keeps_the_last_snapshot_and_says_so(settings, monkeypatch):
    with writer(settings) as con:
        prepare(con)
    good = snapshot_info(settings.warehouse)

    def no_space(src, dst, **_):
        with open(dst, "wb") as f:
            f.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copyfile", no_space)
    with pytest.raises(DiskFullError) as caught, writer(settings) as con:
        con.execute("delete from targets")
    message = str(caught.value)
    assert message.startswith("the disk is full: could not publish")
    assert str(settings.warehouse.parent.resolve()) in message and "free in" in message
    assert "a run needs about" in message and "last good snapshot" in message
    assert temp_files(settings) == []
    assert snapshot_info(settings.warehouse) == good
    assert count(settings) > 0  # readers still see the last good state
    monkeypatch.undo()
    with writer(settings):  # space again: the committed change is published
        pass
    assert count(settings) == 0


def test_full_disk_errors_are_recognised_through_duckdb_and_python():
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(duckdb.IOException('IO Error: Could not write file "x.wal": No space left on device'))
    try:
        try:
            raise duckdb.IOException("IO Error: No space left on device")
        except duckdb.Error as exc:
            raise RuntimeError(
                "TransactionContext Error: cannot rollback - no transaction is active"
            ) from exc
    except RuntimeError as wrapped:
        assert is_disk_full(wrapped)
    assert not is_disk_full(duckdb.IOException("Could not set lock on file"))


def test_status_says_when_and_by_what_the_snapshot_was_published(settings):
    with writer(settings, published_by="review confirm") as con:
        prepare(con)
    result = CliRunner().invoke(app, ["status", "-w", str(settings.warehouse)])
    assert result.exit_code == 0, result.output
    assert f"snapshot {settings.warehouse} published" in result.output
    assert "by `aidtrack review confirm`" in result.output


def test_readers_are_told_when_a_first_run_has_not_published_yet(settings):
    with writer(settings, publish=False) as con:
        prepare(con)
    with pytest.raises(FileNotFoundError, match="nothing published at .* yet"), read_only(settings):
        pass
