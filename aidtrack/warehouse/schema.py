"""Schema management: numbered migrations, SQL models (views) and seeds, all from ``sql/``."""

from __future__ import annotations

import csv
import hashlib
import logging
import re
from datetime import date
from pathlib import Path

import duckdb

from aidtrack.errors import AidtrackError
from aidtrack.ledger.fx import usd_rate
from aidtrack.warehouse.paths import sql_dir

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3,})_[a-z0-9_]+\.sql$")


class MigrationError(AidtrackError, RuntimeError):
    """A migration file is malformed, or an applied migration was edited afterwards."""


def _migrations(folder: Path) -> list[tuple[int, str, str]]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: migration files must be named NNN_name.sql")
        found.append((int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{folder}: two migrations share a number")
    return found


def migrate(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> list[str]:
    """Apply every migration not yet recorded in ``schema_migrations``, each in its own transaction.

    Returns the names applied now. Safe to call on every run.
    """
    folder = folder or sql_dir() / "migrations"
    con.execute(
        """create table if not exists schema_migrations (
               version integer primary key, name varchar not null,
               checksum varchar not null, applied_at timestamptz not null default now())"""
    )
    applied = dict(con.execute("select version, checksum from schema_migrations").fetchall())
    done = []
    for version, name, sql in _migrations(folder):
        checksum = hashlib.sha256(sql.encode()).hexdigest()
        if version in applied:
            if applied[version] != checksum:
                log.warning("migration %s changed after it was applied; write a new migration instead", name)
            continue
        con.execute("begin")
        try:
            con.execute(sql)
            con.execute(
                "insert into schema_migrations (version, name, checksum) values (?, ?, ?)",
                [version, name, checksum],
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        done.append(name)
    return done


def model_files(folder: Path | None = None) -> list[Path]:
    """Model files in dependency order: ``staging/`` first, then ``marts/``, each sorted by name."""
    folder = folder or sql_dir() / "models"
    return sorted(folder.glob("staging/*.sql")) + sorted(folder.glob("marts/*.sql"))


def apply_models(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> None:
    """(Re)create every view in ``sql/models``; each file is one ``create or replace view``."""
    for path in model_files(folder):
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise MigrationError(f"model {path.name} failed: {exc}") from exc


def load_target_seeds(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> int:
    """Upsert ``sql/seeds/targets*.csv`` into ``targets`` (USD amount computed at ``valid_from``)."""
    folder = folder or sql_dir() / "seeds"
    rows = []
    for path in sorted(folder.glob("targets*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for line_no, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    valid_from = date.fromisoformat(row["valid_from"])
                    amount = float(row["amount_per_month"])
                    currency = row["currency"].strip().upper()
                    rows.append(
                        (
                            row["target_id"],
                            row["program"],
                            amount,
                            currency,
                            amount * usd_rate(currency, valid_from)[0],
                            valid_from,
                            date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
                            row.get("stated_by") or None,
                            date.fromisoformat(row["stated_on"]) if row.get("stated_on") else None,
                            row.get("source_url") or None,
                        )
                    )
                except (KeyError, ValueError) as exc:
                    raise MigrationError(f"{path.name} line {line_no}: {exc}") from exc
    if rows:
        con.executemany("insert or replace into targets values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def prepare(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Migrations, seeds, then models: everything a run needs before it loads."""
    applied = migrate(con)
    con.execute("begin")
    try:
        load_target_seeds(con)
        apply_models(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return applied
