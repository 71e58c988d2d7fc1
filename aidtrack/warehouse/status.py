"""What the last runs did and which sources are failing, read from the warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb


@dataclass(frozen=True)
class RunRow:
    run_id: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    n_sources: int | None
    n_failed: int | None


@dataclass(frozen=True)
class FailingSource:
    source: str
    failing_since: datetime  # first failure in the current streak of failing runs
    runs_failed: int  # consecutive recent runs in which the source failed
    last_error: str


def last_runs(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[RunRow]:
    rows = con.execute(
        "select run_id, started_at, finished_at, status, n_sources, n_failed from runs "
        "order by started_at desc limit ?",
        [limit],
    ).fetchall()
    return [RunRow(*row) for row in rows]


def failing_sources(con: duckdb.DuckDBPyConnection) -> list[FailingSource]:
    """Sources whose most recent run failed as a whole, with how long they have been failing."""
    rows = con.execute(
        """
        with per_run as (
            select f.source, f.run_id, r.started_at,
                   bool_or(f.purpose = 'source' and f.outcome = 'failed') as failed,
                   max(case when f.purpose = 'source' then f.error end) as error
            from fetches f join runs r using (run_id)
            group by all
        ),
        ranked as (
            select *, row_number() over (partition by source order by started_at desc) as recency
            from per_run
        ),
        last_success as (
            select source, max(started_at) as at from per_run where not failed group by source
        )
        select r.source, min(r.started_at) as failing_since, count(*) as runs_failed,
               arg_max(r.error, r.started_at) as last_error
        from ranked r left join last_success s using (source)
        where r.failed and (s.at is null or r.started_at > s.at)
          and r.source in (select source from ranked where recency = 1 and failed)
        group by r.source
        order by r.source
        """
    ).fetchall()
    return [FailingSource(*row) for row in rows]


@dataclass(frozen=True)
class OwedPage:
    source: str
    url: str
    status: str  # owed | given_up
    tries: int
    next_try_at: datetime
    last_reason: str


@dataclass(frozen=True)
class OwedSummary:
    n_owed: int
    n_given_up: int
    rows: list[OwedPage]  # owed first (soonest retry first), then given up (latest first)


def owed_pages(con: duckdb.DuckDBPyConnection, limit: int = 10) -> OwedSummary:
    """What the retry ledger holds: how many pages are owed a retry or were given up, and the first
    ``limit`` of them."""
    if not con.execute("select 1 from information_schema.tables where table_name = 'owed_urls'").fetchone():
        return OwedSummary(0, 0, [])  # a warehouse from before the retry ledger, not yet migrated
    n_owed, n_given_up = con.execute(
        "select count(*) filter (status = 'owed'), count(*) filter (status = 'given_up') from owed_urls"
    ).fetchone()
    rows = con.execute(
        """select source, url, status, tries, next_try_at, last_reason from owed_urls
           order by status = 'given_up', case when status = 'owed' then epoch(next_try_at)
                                              else -epoch(last_tried_at) end, url
           limit ?""",
        [limit],
    ).fetchall()
    return OwedSummary(n_owed or 0, n_given_up or 0, [OwedPage(*row) for row in rows])


@dataclass(frozen=True)
class SnapshotRow:
    published_at: datetime
    published_by: str  # run, run (started), review confirm, add-pledge, reprocess, …
    run_id: str | None
    storage_version: str | None


def published_snapshot(con: duckdb.DuckDBPyConnection) -> SnapshotRow | None:
    """When and by what the snapshot ``con`` reads was published (None: a file from before snapshots)."""
    from aidtrack.warehouse.publish import read_snapshot_row

    row = read_snapshot_row(con)
    if row is None:
        return None
    return SnapshotRow(
        row["published_at"], row["published_by"], row.get("run_id"), row.get("storage_version")
    )
