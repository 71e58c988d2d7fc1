"""The stages of one pipeline run as plain functions (the Prefect flow only wires them together)."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from aidtrack.collect import KnownState, SourceBatch, collect_source
from aidtrack.errors import AidtrackError
from aidtrack.fetch import Fetcher
from aidtrack.fx import Rates, load_rates
from aidtrack.ledger.store import rebuild_ledger
from aidtrack.settings import Settings
from aidtrack.sources import SourceConfig
from aidtrack.warehouse import prepare, publish_now, writer
from aidtrack.warehouse.load import finish_run, known_state, load_batch, register_sources, start_run
from aidtrack.warehouse.publish import DiskFullError, disk_full_message, is_disk_full

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    run_id: str
    per_source: dict[str, dict] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # source name → reason
    n_pledges: int = 0
    new_pledges: list[dict] = field(default_factory=list)
    months_below_target: list[dict] = field(default_factory=list)  # closed months not yet announced
    interrupted: bool = False  # stopped by Ctrl-C / SIGTERM: what was whole is saved, the rest is owed

    @property
    def status(self) -> str:
        if self.interrupted:
            return "cancelled"
        ran = [
            name for name, counts in self.per_source.items() if "discovered" in counts
        ]  # not only credited
        if ran and all(name in self.failed for name in ran):
            return "failed"
        return "partial" if self.failed else "completed"

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "per_source": self.per_source,
            "failed": self.failed,
            "n_pledges": self.n_pledges,
            "new_pledges": self.new_pledges,
            "months_below_target": self.months_below_target,
            "interrupted": self.interrupted,
        }

    def total(self, key: str) -> int:
        """One count (``documents``, ``owed``, …) summed over the sources."""
        return sum(counts.get(key, 0) for counts in self.per_source.values())


def run_rates(settings: Settings) -> Rates:
    """The ECB rates a run converts with: the fx flow's fresher file when there is one, else the bundled
    rates. Load them once at the start of a run and pass them to each stage (loading the same unchanged
    file again is free)."""
    return load_rates(settings.fx_file)


def _rates(settings: Settings, rates: Rates | None) -> Rates:
    return rates if rates is not None else run_rates(settings)


def open_run(
    settings: Settings, run_id: str, sources: list[SourceConfig], rates: Rates | None = None
) -> KnownState:
    """Migrate, seed (targets converted with ``rates``, by default ``run_rates(settings)``), register the
    sources and the run; return what the warehouse already knows."""
    rates = _rates(settings, rates)
    try:
        with writer(settings, publish=False) as con:
            applied = prepare(con, rates=rates)
            con.execute("begin")
            register_sources(con, sources)
            start_run(con, run_id, str(settings.sources_file), len(sources))
            con.execute("commit")
            known = known_state(con)
            if applied or not settings.warehouse.exists():
                # Readers get the new schema (or, on a first run, a warehouse at all) now, not in an hour.
                publish_now(con, settings, published_by="run (started)", run_id=run_id)
            return known
    except DiskFullError:
        raise
    except Exception as exc:
        if is_disk_full(exc):
            raise DiskFullError(disk_full_message(settings, f"could not write {settings.work_path}")) from exc
        raise


class EverySourceFailed(AidtrackError, RuntimeError):
    """Every source of the run failed; ``summary`` says how."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__(f"every source failed: {summary.failed}")
        self.summary = summary


class LoadError(AidtrackError, RuntimeError):
    """The warehouse could not take a batch (disk full, file damaged, lock never released, …)."""


@dataclass(frozen=True)
class SourceOutcome:
    name: str
    counts: dict[str, int]
    error: str | None
    interrupted: bool = False


def collect(
    source: SourceConfig,
    fetcher: Fetcher,
    known: KnownState,
    settings: Settings,
    run_id: str,
    since: date | None = None,
    rates: Rates | None = None,
) -> SourceOutcome:
    """Collect one source and load it chunk by chunk. A problem with the source is recorded and
    returned; a problem with the warehouse raises ``LoadError`` (the run cannot go on)."""
    loaded: Counter = Counter()
    rates = _rates(settings, rates)

    def load(batch: SourceBatch) -> None:
        try:
            loaded.update(store(settings, run_id, batch, rates))
        except DiskFullError as exc:
            raise LoadError(f"could not load source {source.name}: {exc}") from exc
        except Exception as exc:
            if is_disk_full(exc):
                message = disk_full_message(settings, f"could not write {settings.work_path}")
                raise LoadError(f"could not load source {source.name}: {message}") from exc
            raise LoadError(f"could not load source {source.name} into {settings.work_path}: {exc}") from exc

    try:
        batch = collect_source(
            source,
            fetcher,
            known,
            since=since,
            max_entries=settings.max_entries_per_source,
            sink=load,
            chunk_size=settings.load_chunk_size,
        )
    except LoadError:
        raise
    except Exception as exc:  # a bug or surprise in one source must not stop the others
        log.exception("source %s failed unexpectedly", source.name)
        batch = SourceBatch(source=source, error=f"unexpected error: {type(exc).__name__}: {exc}")
        load(batch)
    return SourceOutcome(
        source.name, batch.counts() | {"mentions": loaded["mentions"]}, batch.error, batch.interrupted
    )


def store(settings: Settings, run_id: str, batch: SourceBatch, rates: Rates | None = None) -> dict[str, int]:
    """Load one batch in a single transaction, into the working database (readers see it once the run
    publishes, after the ledger rebuild: never half a source's load)."""
    rates = _rates(settings, rates)
    with writer(settings, publish=False) as con:
        con.execute("begin")
        try:
            counts = load_batch(con, run_id, batch, rates=rates)
            con.execute("commit")
        except Exception:
            _rollback(con)
            raise
    return counts


def _rollback(con) -> None:
    """Roll back, keeping the error that made us: after a failed write (a full disk) DuckDB may have
    ended the transaction itself, and "cannot rollback - no transaction is active" would hide the cause."""
    try:
        con.execute("rollback")
    except Exception as exc:  # noqa: BLE001
        log.debug("rollback after a failed write: %s", exc)


def close_run(settings: Settings, summary: RunSummary, rates: Rates | None = None) -> RunSummary:
    """Rebuild the ledger from everything loaded (converted with ``rates``, by default
    ``run_rates(settings)``), record how the run went, then publish the snapshot."""
    rates = _rates(settings, rates)
    with writer(settings, published_by="run", run_id=summary.run_id) as con:
        con.execute("begin")
        try:
            before = {r[0] for r in con.execute("select pledge_id from pledge_ledger").fetchall()}
            summary.n_pledges = rebuild_ledger(con, settings.ledger_policy.review_threshold, rates=rates)
            summary.new_pledges = _pledges_not_in(con, before)
            for source, n in _new_pledges_by_source(
                con, [p["pledge_id"] for p in summary.new_pledges]
            ).items():
                summary.per_source.setdefault(source, {})["new_pledges"] = n
            summary.months_below_target = _closed_months_below_target(con)
            finish_run(con, summary.run_id, summary.status, len(summary.failed), summary.as_dict())
            con.execute("commit")
        except Exception as exc:
            _rollback(con)
            if is_disk_full(exc):
                raise DiskFullError(
                    disk_full_message(settings, f"could not rebuild the ledger in {settings.work_path}")
                ) from exc
            raise
    return summary


def _new_pledges_by_source(con, pledge_ids: list[str]) -> dict[str, int]:
    """Credit each new pledge to the source of its earliest citation."""
    if not pledge_ids:
        return {}
    rows = con.execute(
        """select source, count(*) from (
               select pledge_id, arg_min(source, published_on) as source from pledge_sources
               where pledge_id in (select unnest(?)) group by pledge_id)
           group by source""",
        [pledge_ids],
    ).fetchall()
    return {source: n for source, n in rows if source}


def _pledges_not_in(con, known: set[str]) -> list[dict]:
    rows = con.execute(
        "select pledge_id, donors, amount, currency, amount_usd, announced_on, program, status, first_url "
        "from pledge_ledger order by announced_on, pledge_id"
    ).fetchall()
    columns = [
        "pledge_id",
        "donors",
        "amount",
        "currency",
        "amount_usd",
        "announced_on",
        "program",
        "status",
        "first_url",
    ]
    return [dict(zip(columns, row, strict=True)) for row in rows if row[0] not in known]


def _closed_months_below_target(con) -> list[dict]:
    """Complete months (before the current one) that ended below target and were not announced yet;
    records them as announced in the same transaction."""
    rows = con.execute(
        """select program, month, contributed_usd, target_usd, cumulative_gap_usd from monthly_vs_target
           where month < date_trunc('month', current_date) and contributed_usd < target_usd
             and 'month-below-target:' || program || ':' || month not in (select key from notifications)
           order by program, month"""
    ).fetchall()
    months = [
        {"program": p, "month": m.isoformat(), "contributed_usd": c, "target_usd": t, "cumulative_gap_usd": g}
        for p, m, c, t, g in rows
    ]
    for month in months:
        con.execute(
            "insert into notifications values (?, 'month-below-target', now(), ?)",
            [f"month-below-target:{month['program']}:{month['month']}", json.dumps(month)],
        )
    return months


def publish_reports(settings: Settings, rates: Rates | None = None) -> list[Path]:
    """Write the chart and the HTML report beside the warehouse (converted with ``rates``, by default
    ``run_rates(settings)``). A report that cannot be written is logged, never a reason to fail a run
    whose data is safely loaded."""
    from aidtrack.report import publish  # matplotlib: imported only when a report is written

    try:
        return publish(settings, rates=_rates(settings, rates))
    except Exception as exc:  # noqa: BLE001
        log.warning("report not written: %s: %s", type(exc).__name__, exc)
        return []
