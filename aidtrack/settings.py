"""Every default in one place.

Each field can be overridden with an environment variable named ``AIDTRACK_<FIELD>`` (upper case),
e.g. ``AIDTRACK_WAREHOUSE=/data/aid.duckdb`` or ``AIDTRACK_DEFAULT_DELAY=5``. Code receives a
``Settings`` object instead of reading globals, so tests and flows can pass their own.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from aidtrack import __version__
from aidtrack.owed import RetryPolicy

PROJECT_URL = "https://github.com/aidtrack/aidtrack"


def _default_user_agent() -> str:
    return f"aidtrack/{__version__} (+{PROJECT_URL}; military-aid pledge tracker)"


@dataclass(frozen=True)
class LedgerPolicy:
    """How the ledger decides what counts: passed as a value to the ledger rebuild, never a global."""

    # A pledge read with less confidence than this waits in the review queue and is not counted.
    review_threshold: float = 0.6


@dataclass(frozen=True)
class Settings:
    # Where the warehouse lives; the raw page archive sits beside it.
    warehouse: Path = Path("warehouse/aid.duckdb")
    sources_file: Path = Path("sources.yaml")

    # HTTP politeness and limits.
    user_agent: str = field(default_factory=_default_user_agent)
    default_delay: float = 2.0  # seconds between two requests to one host
    max_concurrency: int = 4  # hosts fetched at once
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_body_bytes: int = 10 * 1024 * 1024  # after decompression
    max_redirects: int = 5
    max_retries: int = 3
    backoff_base: float = 1.0  # seconds; doubled each retry, with jitter
    backoff_max: float = 60.0  # never sleep longer than this for one retry (Retry-After included)
    max_entries_per_source: int = 200  # articles taken from one feed/listing per run
    obey_robots: bool = True

    # Reference data.
    ecb_rates_url: str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"

    # Warehouse discipline.
    lock_timeout: float = 600.0  # seconds a writer waits for another writer
    open_retry_seconds: float = 30.0  # how long to retry a DuckDB lock conflict
    run_wait_seconds: float = 900.0  # a pipeline run waits this long for a run in progress, then skips
    load_chunk_size: int = 50  # documents loaded per transaction (bounds memory and lost work on a crash)
    # Writers work on a database of their own and publish a copy of it at ``warehouse`` for readers
    # (aidtrack/warehouse/publish.py). Unset: ``aid.work.duckdb`` beside the warehouse.
    work_warehouse: Path | None = None
    # The storage format of the published snapshot: DuckDB releases from this one on can open it
    # (v1.4.0 = storage version 67: duckdb 1.4.x, 1.5.x and 2.x, the duckdb-cli package among them).
    snapshot_storage_version: str = "v1.4.0"

    # Added by fetch/sources: bounds that protect a run from servers and sites we do not control.
    total_timeout: float = 120.0  # wall-clock cap on one request attempt incl. body (slow-drip servers)
    max_sitemap_children: int = 25  # child sitemaps followed from one sitemap index per run
    max_feed_pages: int = 10  # RFC 5005 paged/archived feed pages walked when backfilling

    # The retry ledger: a discovered page that could not be fetched and parsed is asked for again after
    # these delays (hours after the 1st, 2nd, … failed try; the last repeats), and given up after
    # ``owed_max_tries`` failed tries. AIDTRACK_OWED_BACKOFF_HOURS=1,6,24,72
    owed_backoff_hours: tuple[float, ...] = (1.0, 6.0, 24.0, 72.0)
    owed_max_tries: int = 8
    # Pledges below this confidence wait for an analyst in the review queue (LedgerPolicy).
    review_threshold: float = LedgerPolicy.review_threshold

    @property
    def ledger_policy(self) -> LedgerPolicy:
        return LedgerPolicy(review_threshold=self.review_threshold)

    @property
    def archive_dir(self) -> Path:
        return self.warehouse.parent / "archive"

    @property
    def fx_file(self) -> Path:
        """The ECB history file the daily fx flow refreshes; the bundled rates serve until it exists."""
        return self.warehouse.parent / "fx" / "eurofxref-hist.zip"

    @property
    def work_path(self) -> Path:
        """The writers' database: runs and analyst commands write here, then publish ``warehouse``."""
        if self.work_warehouse is not None:
            return self.work_warehouse
        return self.warehouse.with_name(f"{self.warehouse.stem}.work{self.warehouse.suffix or '.duckdb'}")

    @property
    def lock_path(self) -> Path:
        return self.warehouse.with_suffix(self.warehouse.suffix + ".lock")

    @property
    def run_lock_path(self) -> Path:
        """Held for a whole pipeline run, so two runs on one warehouse never overlap."""
        return self.warehouse.with_suffix(self.warehouse.suffix + ".run.lock")

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(backoff_hours=self.owed_backoff_hours, max_tries=self.owed_max_tries)

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(raw: str, target_type: type | str) -> object:
    kind = target_type if isinstance(target_type, str) else target_type.__name__
    if "Path" in kind:
        return Path(raw)
    if kind.startswith("tuple"):
        values = tuple(float(part) for part in raw.split(",") if part.strip())
        if not values or any(v < 0 for v in values):
            raise ValueError("expected a comma-separated list of non-negative numbers")
        return values
    if "bool" in kind:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if "int" in kind:
        return int(raw)
    if "float" in kind:
        return float(raw)
    return raw


def load_settings(**overrides: object) -> Settings:
    """Defaults, then ``AIDTRACK_*`` environment variables, then explicit ``overrides`` (None is ignored)."""
    values: dict[str, object] = {}
    for f in fields(Settings):
        env = os.environ.get(f"AIDTRACK_{f.name.upper()}")
        if env is not None and env != "":
            try:
                values[f.name] = _coerce(env, f.type)
            except ValueError as exc:
                raise ValueError(f"AIDTRACK_{f.name.upper()}={env!r} is not a valid {f.type}") from exc
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "warehouse" in values:
        values["warehouse"] = Path(values["warehouse"])  # type: ignore[arg-type]
    if values.get("work_warehouse") is not None:
        values["work_warehouse"] = Path(values["work_warehouse"])  # type: ignore[arg-type]
    if "sources_file" in values:
        values["sources_file"] = Path(values["sources_file"])  # type: ignore[arg-type]
    return Settings(**values)  # type: ignore[arg-type]
