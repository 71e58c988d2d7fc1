"""Every command that writes answers an unwritable warehouse with the one clear line `run` gives, never a
traceback; the command line answers at once for --version and bad arguments."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from aidtrack import __version__
from aidtrack.cli import app
from aidtrack.settings import load_settings
from aidtrack.warehouse import prepare, writer

WRITES = [
    ["review", "confirm", "p_0", "--reason", "checked"],
    ["review", "reject", "p_0", "--reason", "checked"],
    ["review", "edit", "p_0", "--reason", "typo", "--amount", "200m"],
    ["add-pledge", "--donors", "CAN", "--amount", "200m", "--currency", "CAD", "--date", "2025-12-03",
     "--reason", "by hand"],
    ["reprocess"],
]  # fmt: skip


@pytest.fixture
def unwritable(tmp_path):
    """A warehouse that exists but cannot be written: its lock file cannot be created (a folder stands
    where it goes; file permissions would not stop the root user CI runs as)."""
    settings = load_settings(warehouse=tmp_path / "aid.duckdb")
    with writer(settings) as con:
        prepare(con)
    settings.lock_path.unlink()
    settings.lock_path.mkdir()
    return settings.warehouse


@pytest.mark.parametrize("command", WRITES, ids=lambda c: " ".join(c[:2]))
def test_a_write_to_an_unwritable_warehouse_is_one_line(unwritable, command):
    result = CliRunner().invoke(app, [*command, "--warehouse", str(unwritable)])
    assert result.exit_code == 1, result.output
    assert "cannot write the warehouse in" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_version_and_bad_arguments():
    runner = CliRunner()
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.strip() == f"aidtrack {__version__}"
    for last in ("0", "-3"):
        bad = runner.invoke(app, ["report", "--last", last])
        assert bad.exit_code == 2 and "--last" in bad.output
