"""prefect.yaml: the deployments users run with `prefect deploy --all` point at real flows."""

import importlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def deployments() -> dict[str, dict]:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    return {d["name"]: d for d in config["deployments"]}


def test_every_entrypoint_is_a_prefect_flow():
    for deployment in deployments().values():
        module, name = deployment["entrypoint"].removesuffix(".py").replace("/", ".").split(":")
        flow = getattr(importlib.import_module(module.replace(".py", "")), name)
        assert flow.name in {"pipeline", "fx"} and callable(flow.fn)


def test_schedules_limits_and_pull_step():
    found = deployments()
    assert set(found) == {"hourly", "daily", "backfill"}
    assert found["hourly"]["schedules"][0] == {"cron": "7 * * * *", "timezone": "Europe/Brussels"}
    assert found["daily"]["schedules"][0]["timezone"] == "Europe/Brussels"
    assert "schedules" not in found["backfill"] and "since" in found["backfill"]["parameters"]
    assert all(d["concurrency_limit"]["limit"] == 1 for d in found.values())
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    assert config["pull"][0]["prefect.deployments.steps.set_working_directory"]["directory"] == "{{ $PWD }}"
