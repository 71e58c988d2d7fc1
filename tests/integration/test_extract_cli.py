"""`aidtrack extract`: the JSON-lines contract of DESIGN.md, end to end through the real command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_extract(stdin: str, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aidtrack.cli", "extract", *options],
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


def test_a_bad_line_gets_an_error_object_and_the_stream_goes_on():
    """The contract is one output line per input line: a bad line is answered with an error object
    (its id when it has one, its line number) and the lines after it are still answered."""
    good = '{"id": "nl", "text": "The Netherlands will pay 500 million euros for a PURL package."}'
    result = run_extract(
        f'{{"id": 1, "text": "fine"}}\n{{not json}}\n{{"id": 7, "txt": "no text"}}\n[1, 2]\n'
        f'{{"id": 8, "text": "x", "published": "not a date"}}\n{good}\n'
        '{"id": 9, "text": "x", "title": ["not", "a", "string"]}\n'
    )
    assert result.returncode == 1  # some lines were bad
    assert "Traceback" not in result.stderr
    assert "line 2" in result.stderr and "line 3" in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 7
    assert out[0]["id"] == 1 and "error" not in out[0]
    assert out[1]["id"] is None and out[1]["line"] == 2 and "JSON" in out[1]["error"]
    assert out[2]["id"] == 7 and out[2]["line"] == 3 and '"text"' in out[2]["error"]
    assert out[3]["line"] == 4 and "object" in out[3]["error"]
    assert out[4]["id"] == 8 and '"published" must be a date' in out[4]["error"]
    assert out[5]["id"] == "nl" and out[5]["pledges"][0]["amount"] == 500_000_000
    assert out[6]["id"] == 9 and '"title" must be a string' in out[6]["error"]


def test_a_lines_title_names_the_giver_its_text_leaves_unsaid():
    line = {"id": "au", "text": "Approximately $300 million for the purchase of a PURL package for Ukraine.",
            "title": "Australia reinforces its support for Ukraine"}  # fmt: skip
    result = run_extract(json.dumps(line) + "\n")
    assert result.returncode == 0, result.stderr
    [pledge] = json.loads(result.stdout)["pledges"]
    assert (pledge["donors"], pledge["currency"]) == (["AUS"], "AUD")


def test_explain_says_which_rules_decided_each_statement():
    line = {
        "id": "se",
        "text": "Sweden, which led the second package with $275 million, will give another $100 million to PURL.",
    }
    result = run_extract(json.dumps(line) + "\n", "--explain")
    assert result.returncode == 0, result.stderr
    (out,) = [json.loads(x) for x in result.stdout.splitlines()]
    (pledge,) = out["pledges"]
    (recap,) = out["recaps"]
    assert (
        pledge["amount"] == 100e6 and pledge["trace"][0] == "kind: a donor and an amount, nothing against it"
    )
    assert recap["amount"] == 275e6 and recap["trace"][0] == "kind: a recap cue, or dated before publication"
    assert "marked as a new commitment" in pledge["notes"]
    # Without --explain the contract stays as it was.
    plain = json.loads(run_extract(json.dumps(line) + "\n").stdout)
    assert "trace" not in plain["pledges"][0]
