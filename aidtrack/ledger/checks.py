"""Data checks on the ledger, declared next to the SQL like dbt tests: each ``sql/checks/*.sql`` is one
query returning the offending rows (none = pass); its first comment line says what it guards.

``run_checks`` runs them all at the end of every ledger rebuild; any offending row raises
``DataCheckError`` naming the check and the rows, and the caller's transaction rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb

from aidtrack.errors import AidtrackError
from aidtrack.fx import Rates, load_rates
from aidtrack.warehouse.paths import sql_dir

# Donor codes that are not countries but are legitimate donors (EUU: EU institutions, World Bank code).
DONOR_ALLOW_LIST = frozenset({"EUU"})
_SHOWN_ROWS = 5


@dataclass(frozen=True)
class CheckFailure:
    name: str
    description: str
    columns: list[str]
    rows: list[tuple]  # the first offending rows
    n_rows: int

    def __str__(self) -> str:
        shown = "; ".join(
            ", ".join(f"{c}={_short(v)}" for c, v in zip(self.columns, row, strict=True)) for row in self.rows
        )
        more = f" (and {self.n_rows - len(self.rows)} more)" if self.n_rows > len(self.rows) else ""
        noun = "row" if self.n_rows == 1 else "rows"
        return f"{self.name}: {self.n_rows} {noun} — {shown}{more}"


class DataCheckError(AidtrackError, RuntimeError):
    """One or more data checks found offending rows; the ledger was not written."""

    def __init__(self, failures: list[CheckFailure]) -> None:
        self.failures = failures
        lines = "\n".join(f"  {f}" for f in failures)
        super().__init__(f"data checks failed, warehouse left unchanged:\n{lines}")


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_files(folder: Path | None = None) -> list[Path]:
    folder = folder or sql_dir() / "checks"
    return sorted(folder.glob("*.sql"))


def _description(sql: str) -> str:
    for line in sql.splitlines():
        if line.startswith("--"):
            return line.lstrip("- ").strip()
    return ""


@lru_cache(maxsize=1)
def known_donors() -> frozenset[str]:
    """Every donor code the extractor's lexicons (all languages) know, plus the allow-list."""
    from aidtrack.extract.lexicon import donor_codes

    return frozenset(donor_codes()) | frozenset(DONOR_ALLOW_LIST)


def _reference_tables(con: duckdb.DuckDBPyConnection, rates: Rates) -> None:
    import pandas as pd  # here, not at import: readers of the warehouse never pay for pandas

    currencies = pd.DataFrame({"code": sorted(rates.currencies)})  # noqa: F841
    donors = pd.DataFrame({"code": sorted(known_donors())})  # noqa: F841
    con.execute("create or replace temp table check_known_currencies as select * from currencies")
    con.execute("create or replace temp table check_known_donors as select * from donors")


def failing_checks(
    con: duckdb.DuckDBPyConnection, folder: Path | None = None, *, rates: Rates | None = None
) -> list[CheckFailure]:
    """Run every check; return the failing ones (empty when all pass). The currencies known are those
    of ``rates`` (None: the bundled rates)."""
    _reference_tables(con, rates if rates is not None else load_rates(None))
    failures = []
    for path in check_files(folder):
        sql = path.read_text(encoding="utf-8")
        cursor = con.execute(f"select * from ({sql.strip().rstrip(';')}) as offending")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        if rows:
            failures.append(
                CheckFailure(path.stem, _description(sql), columns, rows[:_SHOWN_ROWS], len(rows))
            )
    return failures


def run_checks(
    con: duckdb.DuckDBPyConnection, folder: Path | None = None, *, rates: Rates | None = None
) -> None:
    """Raise ``DataCheckError`` naming every failing check and its first offending rows."""
    failures = failing_checks(con, folder, rates=rates)
    if failures:
        raise DataCheckError(failures)
