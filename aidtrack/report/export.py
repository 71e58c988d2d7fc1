"""Every table and view of the warehouse to CSV or Parquet files, with DuckDB's own ``COPY``."""

from __future__ import annotations

from pathlib import Path

import duckdb

FORMATS = ("csv", "parquet")


def relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, 'BASE TABLE' | 'VIEW') for every table and view in the warehouse's main schema."""
    return con.execute(
        """select table_name, table_type from information_schema.tables
           where table_schema = 'main' and table_catalog = current_database()
           order by table_type, table_name"""
    ).fetchall()


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def export_warehouse(con: duckdb.DuckDBPyConnection, out_dir: Path, fmt: str = "csv") -> list[Path]:
    """Write one ``<name>.csv`` (with header) or ``<name>.parquet`` per table and view into ``out_dir``.

    A read-only connection is enough (COPY ... TO writes files, not the warehouse). Returns the paths.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    options = "(format csv, header true)" if fmt == "csv" else "(format parquet, compression zstd)"
    written = []
    for name, _kind in relations(con):
        path = out_dir / f"{name}.{fmt}"
        con.execute(
            f"copy (select * from {_quote_identifier(name)}) to {_quote_literal(str(path))} {options}"
        )
        written.append(path)
    return written
