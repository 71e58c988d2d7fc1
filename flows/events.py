"""Prefect events the pipeline emits, so users can wire notifications with Prefect automations.

- ``aidtrack.pledge.new``           one per pledge that entered the ledger in this run
- ``aidtrack.source.failed``        one per source that failed in this run
- ``aidtrack.month.below-target``   once per closed month whose contributions fell short of the target
"""

from __future__ import annotations

import json

from prefect.events import emit_event

from aidtrack.runs import RunSummary


def _jsonable(value: dict) -> dict:
    return json.loads(json.dumps(value, default=str))


def emit_run_events(summary: RunSummary) -> int:
    """Emit this run's events; returns how many were emitted."""
    emitted = 0
    for pledge in summary.new_pledges:
        emit_event(
            event="aidtrack.pledge.new",
            resource={
                "prefect.resource.id": f"aidtrack.pledge.{pledge['pledge_id']}",
                "aidtrack.program": str(pledge["program"]),
            },
            payload=_jsonable(pledge),
        )
        emitted += 1
    for source, reason in summary.failed.items():
        emit_event(
            event="aidtrack.source.failed",
            resource={"prefect.resource.id": f"aidtrack.source.{source}"},
            payload={"source": source, "reason": reason, "run_id": summary.run_id},
        )
        emitted += 1
    for month in summary.months_below_target:
        emit_event(
            event="aidtrack.month.below-target",
            resource={
                "prefect.resource.id": f"aidtrack.month.{month['program']}.{month['month']}",
                "aidtrack.program": month["program"],
            },
            payload=_jsonable(month),
        )
        emitted += 1
    return emitted
