"""A run's status: what the exit code and the Prefect state are based on."""

from aidtrack.runs import RunSummary


def test_run_status_counts_only_sources_that_ran():
    summary = RunSummary(
        run_id="r", per_source={"a": {"discovered": 0}, "old": {"new_pledges": 1}}, failed={"a": "HTTP 500"}
    )
    assert summary.status == "failed"  # the only source that ran failed; "old" was only credited a pledge
    summary.per_source["b"] = {"discovered": 3}
    assert summary.status == "partial"
    assert RunSummary(run_id="r", per_source={"b": {"discovered": 3}}).status == "completed"
