"""`aidtrack report | chart | export | sql`, publish() and the canned queries on a real warehouse file."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from aidtrack.cli import app
from aidtrack.report import publish
from aidtrack.report.sample import build_sample_warehouse
from aidtrack.warehouse import read_only, writer

QUERIES = sorted((Path(__file__).resolve().parents[2] / "sql" / "queries").glob("*.sql"))


@pytest.fixture
def warehouse(settings) -> Path:
    with writer(settings) as con:
        build_sample_warehouse(con)
    return settings.warehouse


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_report_table(warehouse):
    result = invoke("report", "--warehouse", str(warehouse))
    assert result.exit_code == 0, result.output
    for expected in (
        "PURL: monthly contributions vs target (USD)",
        "2025-08",
        "pace (",
        "top donors",
        "Germany",
        "running totals reported by officials",
        "our pledges vs the Kiel Institute's allocations",
        "source(s) failed",
        "outlet",
    ):
        assert expected in result.output, expected


def test_report_csv_and_json_in_euros(warehouse):
    result = invoke("report", "-w", str(warehouse), "--currency", "eur", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["month"] == "2025-08-01" and rows[0]["currency"] == "EUR"
    assert float(rows[-1]["cumulative"]) > 0
    result = invoke("report", "-w", str(warehouse), "--format", "json")
    data = json.loads(result.output)
    assert data["currency"] == "USD" and data["pace"]["status"] == "falling behind"
    assert {p["pledge_id"] for p in data["pledges"]} >= {"p-nld-1", "p-pol-1"}


def test_chart_and_export(warehouse, tmp_path: Path):
    out = tmp_path / "c" / "chart.png"
    result = invoke("chart", "-w", str(warehouse), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
    result = invoke("export", "-w", str(warehouse), "--format", "parquet", "--out", str(tmp_path / "x"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x" / "monthly_vs_target.parquet").exists()
    result = invoke("export", "-w", str(warehouse), "--format", "csv", "--out", str(tmp_path / "y"))
    assert (tmp_path / "y" / "pledges.csv").read_text().startswith("pledge_id,donors,amount")


def test_sql_is_read_only_and_errors_are_one_line(warehouse):
    result = invoke("sql", "-w", str(warehouse), "select count(*) as n from pledges", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output) == [{"n": 8}]
    result = invoke("sql", "-w", str(warehouse), "delete from pledge_ledger")
    assert result.exit_code == 1
    assert "read-only" in result.output and "Traceback" not in result.output
    with read_only_count(warehouse) as n:
        assert n == 8
    for args, message in (
        (("sql", "-w", str(warehouse), "select * from nope"), "does not exist"),
        (("report", "-w", str(warehouse.parent / "missing.duckdb")), "no warehouse at"),
        (("report", "-w", str(warehouse), "--program", "NOPE"), "no target for program"),
        (("report", "-w", str(warehouse), "--currency", "XYZ"), "cannot report in XYZ"),
        (("chart", "-w", str(warehouse), "--out", "x.gif"), ".png, .svg or .pdf"),
    ):
        result = invoke(*args)
        assert result.exit_code == 1, args
        assert message in result.output and "Traceback" not in result.output, result.output


class read_only_count:
    def __init__(self, path: Path):
        self.con = duckdb.connect(str(path), read_only=True)

    def __enter__(self) -> int:
        return self.con.execute("select count(*) from pledge_ledger").fetchone()[0]

    def __exit__(self, *exc) -> None:
        self.con.close()


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_canned_queries_run_read_only(warehouse, settings, query: Path):
    with read_only(settings) as con:  # what `duckdb -readonly warehouse/aid.duckdb < file` does
        con.execute(query.read_text())
    result = invoke("sql", "-w", str(warehouse), str(query), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines(), query.name


def test_canned_queries_answer_on_sample_data(warehouse):
    def rows(name: str) -> list[dict]:
        result = invoke("sql", "-w", str(warehouse), f"sql/queries/{name}.sql", "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    assert [r["pledge_id"] for r in rows("pledges_needing_review")] == ["p-can-1"]
    assert [r["source"] for r in rows("sources_failing")] == ["outlet"]
    assert len(rows("reconciliation")) == 2
    assert rows("this_month_vs_target")[0]["program"] == "PURL"
    assert rows("top_donors_this_year")  # the sample has pledges in the last three months
    assert rows("pace")[0]["pace_status"] == "falling behind"


def test_publish_writes_png_and_html_next_to_the_warehouse(warehouse, settings):
    paths = publish(settings)
    assert [p.name for p in paths] == ["report.png", "report.html"]
    assert all(p.parent == warehouse.parent for p in paths)
    assert paths[0].read_bytes().startswith(b"\x89PNG")
    assert "data:image/png;base64," in paths[1].read_text()
    assert not list(warehouse.parent.glob(".report.*"))  # no temporary files left behind


def test_report_answers_while_a_writer_in_another_process_holds_the_working_database(warehouse):
    """A pipeline run holds its working database read-write: the reader opens the published snapshot at
    once, while the writer still holds it (issue 15: readers never wait)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys
            from aidtrack.settings import load_settings
            from aidtrack.warehouse import writer
            with writer(load_settings(warehouse={str(warehouse)!r})) as con:
                print("holding", flush=True)
                sys.stdin.readline()  # until the test has its report
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = invoke("report", "-w", str(warehouse), "--format", "csv")
        still_holding = holder.poll() is None
    finally:
        holder.communicate("done\n", timeout=30)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("program,currency,month")
    assert still_holding  # it got in while the writer held its database
