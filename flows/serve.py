"""Serve every deployment from this process (the embedded scheduler behind `aidtrack serve`).

Needs a running Prefect API (schedules never fire on an ephemeral server); `aidtrack serve` starts one
on loopback and runs this module with PREFECT_API_URL pointing at it.
"""

from __future__ import annotations

import argparse
import os

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.schedules import Cron

import flows  # noqa: F401  (quiet Prefect defaults)
from flows.fx import fx
from flows.pipeline import pipeline

TIMEZONE = os.environ.get("AIDTRACK_TIMEZONE", "Europe/Brussels")


def deployments(sources_file: str, warehouse: str | None, since: str):
    one_at_a_time = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE)
    common = {"sources_file": sources_file, "warehouse": warehouse}
    return [
        pipeline.to_deployment(
            name="hourly",
            schedule=Cron("7 * * * *", timezone=TIMEZONE),
            parameters=common,
            concurrency_limit=one_at_a_time,
        ),
        fx.to_deployment(
            name="daily",
            schedule=Cron("30 16 * * 1-5", timezone=TIMEZONE),
            parameters={"warehouse": warehouse},
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
        ),
        pipeline.to_deployment(
            name="backfill", parameters=common | {"since": since}, concurrency_limit=one_at_a_time
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", default="sources.yaml")
    parser.add_argument("--warehouse", default=None)
    parser.add_argument("--since", default="2025-07-01", help="default `since` of the backfill deployment")
    parser.add_argument("--limit", type=int, default=2, help="flow runs executing at once (never unlimited)")
    args = parser.parse_args()
    serve(
        *deployments(
            os.path.abspath(args.sources), args.warehouse and os.path.abspath(args.warehouse), args.since
        ),
        limit=max(1, args.limit),
    )


if __name__ == "__main__":
    main()
