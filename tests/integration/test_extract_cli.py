"""`aidtrack extract`: the JSON-lines contract of DESIGN.md, end to end through the real command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_extract(stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aidtrack.cli", "extract"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_one_output_line_per_input_line_in_order():
    lines = [
        {
            "id": "nl",
            "text": "The Netherlands will pay €500 million for the first PURL package.",
            "published": "2025-08-04",
        },
        {"id": 2, "text": "Contributions have reached about $2 billion so far, NATO said."},
        {
            "id": "ca",
            "text": "Canada will contribute $200 million to a new PURL package.",
            "url": "https://www.canada.ca/en/global-affairs/news/2025/12/purl.html",
        },
        {"id": "none", "text": "The weather in Brussels was mild."},
    ]
    result = run_extract("\n".join(json.dumps(line) for line in lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["nl", 2, "ca", "none"]
    assert all({"pledges", "aggregates", "targets"} <= set(o) for o in out)
    (nl,) = out[0]["pledges"]
    assert (nl["donors"], nl["amount"], nl["currency"], nl["program"]) == (
        ["NLD"],
        500_000_000,
        "EUR",
        "PURL",
    )
    assert nl["quote"] in lines[0]["text"] and 0 < nl["confidence"] <= 1
    assert out[1]["pledges"] == [] and out[1]["aggregates"][0]["amount"] == 2e9
    assert out[2]["pledges"][0]["currency"] == "CAD"  # a bare "$" on a Canadian government page
    assert out[3]["pledges"] == out[3]["aggregates"] == out[3]["targets"] == []


def test_a_bad_line_is_one_clear_error_naming_the_line():
    result = run_extract('{"id": 1, "text": "fine"}\n{not json}\n')
    assert result.returncode == 1
    assert "stdin line 2" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 1  # the good line before it was answered
