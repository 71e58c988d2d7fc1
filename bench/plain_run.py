"""The pipeline run without Prefect: the same ``aidtrack.runs`` functions, in the order and with the
concurrency ``flows/pipeline.py`` wires them (4 worker threads, one task per source). The baseline for
the Prefect-overhead ratio. Leaves out only what exists because of Prefect (run events, the run logger).
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import nullcontext
from datetime import date

from aidtrack.fetch import Fetcher
from aidtrack.fetch.archive import RawArchive
from aidtrack.runs import RunSummary, close_run, collect, open_run, publish_reports, run_rates
from aidtrack.settings import load_settings
from aidtrack.sources import load_sources

try:  # the flow holds a whole-run lock since it was added; mirror it when it is there
    from aidtrack.warehouse import exclusive_run
except ImportError:  # pragma: no cover - older trees
    exclusive_run = None

FLOW_WORKERS = 4  # flows/pipeline.py: ThreadPoolTaskRunner(max_workers=4)


def run_plain(
    sources_file: str, warehouse: str | None = None, since: date | None = None, delay: float | None = None
) -> RunSummary:
    """One full run, as ``flows.pipeline.pipeline`` does it, in plain Python."""
    settings = load_settings(sources_file=sources_file, warehouse=warehouse, default_delay=delay)
    sources = [s for s in load_sources(settings.sources_file) if s.enabled]
    run_id = str(uuid.uuid4())
    rates = run_rates(settings)
    with exclusive_run(settings) if exclusive_run else nullcontext():
        summary = _run(settings, sources, run_id, since, rates)
    publish_reports(settings, rates)
    return summary


def _run(settings, sources, run_id: str, since: date | None, rates) -> RunSummary:  # noqa: ANN001
    known = open_run(settings, run_id, sources, rates)
    summary = RunSummary(run_id=run_id)
    with Fetcher(settings, archive=RawArchive(settings.archive_dir)) as fetcher:
        with ThreadPoolExecutor(max_workers=FLOW_WORKERS) as pool:
            futures = [
                pool.submit(collect, s, fetcher, known, settings, run_id, since, rates) for s in sources
            ]
            for future in as_completed(futures):
                outcome = future.result()
                summary.per_source[outcome.name] = outcome.counts
                if outcome.error:
                    summary.failed[outcome.name] = outcome.error
    return close_run(settings, summary, rates)
