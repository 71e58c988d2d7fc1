"""`aidtrack demo`: the offline first experience, through the real command."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from aidtrack.cli import app
from aidtrack.settings import load_settings
from aidtrack.warehouse import read_only

pytestmark = pytest.mark.slow


def test_demo_prints_the_report_writes_png_and_html_and_is_idempotent(prefect_harness, tmp_path):
    warehouse = tmp_path / "aid.duckdb"
    first = CliRunner().invoke(app, ["demo", "--warehouse", str(warehouse)])
    assert first.exit_code == 0, first.output
    for expected in (
        "PURL: monthly contributions vs target",
        "2025-08",
        "$2.18bn",
        "top donors",
        "running totals reported by officials",
        "no source failed",
    ):
        assert expected in first.output, expected
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<table" in (tmp_path / "report.html").read_text()

    def counts():
        with read_only(load_settings(warehouse=warehouse)) as con:
            return [
                con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("documents", "mentions", "pledges")
            ]

    before = counts()
    second = CliRunner().invoke(app, ["demo", "--warehouse", str(warehouse)])
    assert second.exit_code == 0, second.output
    assert counts() == before and "0 new in this run" in second.output
