"""The hourly pipeline: sources → discover/fetch/parse/extract/load (one task per source) → ledger → report."""

from __future__ import annotations

import signal
import threading
import uuid
from datetime import date

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.futures import as_completed
from prefect.states import Cancelled, Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner

from aidtrack.fetch import Fetcher
from aidtrack.fetch.archive import RawArchive
from aidtrack.interrupt import stop_on_signals
from aidtrack.ledger.checks import DataCheckError
from aidtrack.progress import announce
from aidtrack.runs import (
    EverySourceFailed,
    RunSummary,
    close_run,
    collect,
    open_run,
    publish_reports,
    run_rates,
)
from aidtrack.settings import load_settings
from aidtrack.sources import load_sources
from aidtrack.warehouse import DiskFullError, RunInProgressError, exclusive_run
from flows.events import emit_run_events

collect_task = task(
    collect, name="collect-source", cache_policy=NO_CACHE, task_run_name="collect-{source.name}"
)


def _worth_retrying(task, task_run, state) -> bool:
    """A lock or I/O hiccup is worth another try; a failed data check or a full disk gives the same
    answer again."""
    try:
        state.result()
    except (DataCheckError, DiskFullError):
        return False
    except Exception:  # noqa: BLE001
        return True
    return True


open_task = task(
    open_run,
    name="prepare-warehouse",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=5,
    retry_condition_fn=_worth_retrying,
)
close_task = task(
    close_run,
    name="build-ledger",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=5,
    retry_condition_fn=_worth_retrying,
)
publish_task = task(publish_reports, name="publish-report", cache_policy=NO_CACHE)


@flow(name="pipeline", task_runner=ThreadPoolTaskRunner(max_workers=4))
def pipeline(
    sources_file: str = "sources.yaml",
    warehouse: str | None = None,
    since: date | None = None,
    delay: float | None = None,
):
    """One full run: every enabled source in ``sources_file`` into the warehouse, then the ledger.

    Ends Completed (named Partial when some sources failed), Failed when every source failed,
    Completed named Skipped when another run kept the warehouse busy for too long, or Cancelled when
    Ctrl-C or SIGTERM stopped it (what was whole is saved; the rest is owed to the next run).
    """
    logger = get_run_logger()
    settings = load_settings(sources_file=sources_file, warehouse=warehouse, default_delay=delay)
    sources = [s for s in load_sources(settings.sources_file) if s.enabled]
    run_id = str(getattr(get_run_context().flow_run, "id", None) or uuid.uuid4())
    rates = run_rates(settings)  # loaded once; every stage converts with these
    stop = threading.Event()

    def on_stop(signum: int) -> None:
        logger.warning("%s: stopping; saving what is whole", signal.Signals(signum).name)
        stop.set()

    try:
        with stop_on_signals(on_stop), exclusive_run(settings, on_wait=logger.warning, stop=stop):
            summary = _run(settings, sources, run_id, since, logger, stop, rates)
    except RunInProgressError as exc:
        if stop.is_set():
            return Cancelled(message=f"{exc}; nothing was done")
        logger.warning("%s; skipping this run", exc)
        return Completed(name="Skipped", message=str(exc))
    emit_run_events(summary)
    for path in publish_task(settings, rates):
        logger.info("wrote %s", path)
    message = f"{len(sources) - len(summary.failed)}/{len(sources)} sources ok, {summary.n_pledges} pledges"
    if summary.interrupted:
        return Cancelled(message=f"stopped; {summary.total('owed')} pages owed to the next run")
    if summary.status == "failed":
        # A failed state carries an exception (Prefect raises it from state.result()), with the summary.
        return Failed(message=f"every source failed: {summary.failed}", data=EverySourceFailed(summary))
    if summary.failed:
        logger.warning("run finished with failing sources: %s", ", ".join(summary.failed))
        return Completed(
            name="Partial", message=f"{message}; failed: {', '.join(summary.failed)}", data=summary
        )
    return Completed(message=message, data=summary)


def _run(settings, sources, run_id, since, logger, stop: threading.Event, rates) -> RunSummary:
    known = open_task(settings, run_id, sources, rates)
    summary = RunSummary(run_id=run_id)
    announce("run-started", run_id=run_id, sources=len(sources))
    with Fetcher(settings, archive=RawArchive(settings.archive_dir), stop=stop) as fetcher:
        futures = [collect_task.submit(s, fetcher, known, settings, run_id, since, rates) for s in sources]
        for future in as_completed(futures):
            outcome = future.result()  # raises LoadError when the warehouse cannot be written
            summary.per_source[outcome.name] = outcome.counts
            summary.interrupted = summary.interrupted or outcome.interrupted
            announce("source-done", name=outcome.name, counts=outcome.counts, error=outcome.error)
            if outcome.error:
                summary.failed[outcome.name] = outcome.error
                logger.warning("source %s failed: %s", outcome.name, outcome.error)
            else:
                logger.info("source %s: %s", outcome.name, outcome.counts)
    summary.interrupted = summary.interrupted or stop.is_set()
    announce("ledger-started")
    summary = close_task(settings, summary, rates)
    logger.info(
        "new pledges by source: %s", {n: c.get("new_pledges", 0) for n, c in summary.per_source.items()}
    )
    return summary
