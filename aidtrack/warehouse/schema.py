"""Schema management: numbered migrations, SQL models (views and macros, applied in the order their
``-- depends:`` headers give) and seeds, all from ``sql/``."""

from __future__ import annotations

import csv
import graphlib
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from aidtrack.errors import AidtrackError
from aidtrack.fx import Rates, load_rates
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


# Each model file may declare the models it reads in a header line, by their paths under sql/models
# without ".sql" (as dbt's ref() names a model): ``-- depends: staging/pledges, intermediate/pledge_shares``
# (``-- depends: none`` or no line: it reads only tables). Models are applied in that order.
_DEPENDS = re.compile(r"^--\s*depends:(.*)$", re.MULTILINE)
_CREATES = re.compile(r"\bcreate\s+or\s+replace\s+(?:view|macro)\s+(\w+)", re.IGNORECASE)
_COMMENTS_AND_STRINGS = re.compile(r"--[^\n]*|'(?:[^']|'')*'")
_WORDS = re.compile(r"\b\w+\b")


@dataclass(frozen=True)
class Model:
    """One file of ``sql/models``: ``name`` is its path there without ``.sql`` (``marts/pace``)."""

    name: str
    path: Path
    depends: tuple[str, ...]
    creates: str | None  # the view or macro the file (re)creates
    words: frozenset[str]  # every word of its SQL outside comments and string literals, lower case


def read_model(path: Path, folder: Path) -> Model:
    sql = path.read_text(encoding="utf-8")
    code = _COMMENTS_AND_STRINGS.sub(" ", sql)
    declared = [d.strip() for line in _DEPENDS.findall(sql) for d in line.split(",")]
    created = _CREATES.search(code)
    return Model(
        name=path.relative_to(folder).with_suffix("").as_posix(),
        path=path,
        depends=tuple(d for d in declared if d and d.lower() != "none"),
        creates=created.group(1).lower() if created else None,
        words=frozenset(w.lower() for w in _WORDS.findall(code)),
    )


def ordered_models(models: list[Model]) -> list[Model]:
    """``models`` sorted so that each comes after the models it depends on (by name among equals).

    Raises ``MigrationError`` for a dependency on no model, a cycle, or a model that reads another one
    (names its view or macro) without declaring it."""
    by_name = {m.name: m for m in models}
    by_object = {m.creates: m.name for m in models if m.creates}
    for m in models:
        for dep in m.depends:
            if dep not in by_name:
                raise MigrationError(
                    f"model {m.name} depends on {dep!r}, which is no model (models are named by their path"
                    f" under sql/models without .sql: {', '.join(sorted(by_name))})"
                )
        undeclared = sorted(
            name
            for obj, name in by_object.items()
            if obj in m.words and name != m.name and name not in m.depends
        )
        if undeclared:
            raise MigrationError(
                f"model {m.name} reads {', '.join(undeclared)} without declaring it: add it to the model's"
                " `-- depends:` line"
            )
    sorter = graphlib.TopologicalSorter({m.name: m.depends for m in models})
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        raise MigrationError(
            f"SQL models depend on each other in a cycle: {' -> '.join(exc.args[1])}"
        ) from None
    order: list[Model] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(by_name[name] for name in ready)
        sorter.done(*ready)
    return order


def model_files(folder: Path | None = None) -> list[Path]:
    """Every ``.sql`` file under ``sql/models`` (any depth), each after the models its header names."""
    folder = folder or sql_dir() / "models"
    return [m.path for m in ordered_models([read_model(p, folder) for p in sorted(folder.rglob("*.sql"))])]


def apply_models(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> None:
    """(Re)create every view and macro in ``sql/models``, in dependency order; each file is one
    ``create or replace view`` (or ``macro``)."""
    folder = folder or sql_dir() / "models"
    for path in model_files(folder):
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            name = path.relative_to(folder).with_suffix("").as_posix()
            raise MigrationError(f"model {name} failed: {exc}") from exc


def load_target_seeds(
    con: duckdb.DuckDBPyConnection, folder: Path | None = None, *, rates: Rates | None = None
) -> int:
    """Upsert ``sql/seeds/targets*.csv`` into ``targets`` (USD amount computed at ``valid_from`` with
    ``rates``; None: the bundled rates)."""
    folder = folder or sql_dir() / "seeds"
    rates = rates if rates is not None else load_rates(None)
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
                            amount * rates.usd_rate(currency, valid_from)[0],
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


def prepare(con: duckdb.DuckDBPyConnection, *, rates: Rates | None = None) -> list[str]:
    """Migrations, seeds (targets converted with ``rates``; None: the bundled rates), then models:
    everything a run needs before it loads."""
    applied = migrate(con)
    con.execute("begin")
    try:
        load_target_seeds(con, rates=rates)
        apply_models(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return applied
