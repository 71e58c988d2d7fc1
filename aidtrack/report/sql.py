"""``aidtrack sql``: run a query string or a ``.sql`` file against the warehouse (read-only) and print the
result as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
from rich.markup import escape
from rich.table import Table

from aidtrack.errors import AidtrackError

FORMATS = ("table", "csv", "json")


class QueryError(AidtrackError, RuntimeError):
    """The query could not run; the message says why in one line."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]


def read_query(query_or_file: str) -> str:
    """The SQL text: the file's contents when the argument names a file (or ends in .sql), else the argument."""
    path = Path(query_or_file)
    looks_like_file = query_or_file.strip().lower().endswith(".sql") and "\n" not in query_or_file
    if looks_like_file or (len(query_or_file) < 4096 and "\n" not in query_or_file and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read {query_or_file}: {exc.strerror or exc}") from None
    return query_or_file


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> QueryResult:
    """Run ``sql`` (several statements allowed; the last one's rows are returned)."""
    if not sql.strip():
        raise QueryError("empty query")
    try:
        cursor = con.execute(sql)
        if cursor.description is None:
            return QueryResult([], [])
        return QueryResult([d[0] for d in cursor.description], cursor.fetchall())
    except duckdb.Error as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "read-only mode" in message:
            detail = message.removeprefix("Invalid Input Error: ")
            raise QueryError(f"read-only: `aidtrack sql` never writes to the warehouse ({detail})") from None
        raise QueryError(message) from None


def _plain(value: object) -> object:
    """JSON- and CSV-friendly values: lists stay lists, dates and decimals become strings."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([json.dumps(_plain(v)) if isinstance(v, list | dict) else _plain(v) for v in row])
    return buffer.getvalue()


def to_json(result: QueryResult) -> str:
    return json.dumps(
        [dict(zip(result.columns, map(_plain, row), strict=True)) for row in result.rows],
        indent=2,
        ensure_ascii=False,
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and abs(value) >= 1 and value == value:  # not NaN
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return escape(str(value))


def to_table(result: QueryResult, title: str | None = None) -> Table:
    """A rich table: numbers right-aligned with thousands separators, long text folded rather than cut."""
    table = Table(title=title, title_justify="left")
    columns = list(zip(*result.rows, strict=True)) or [()] * len(result.columns)
    for name, values in zip(result.columns, columns, strict=True):
        numeric = bool(values) and all(
            v is None or isinstance(v, int | float) and not isinstance(v, bool) for v in values
        )
        textual = any(isinstance(v, str) for v in values)
        # numbers and dates never wrap (min_width = their widest cell); text and headers fold when needed
        widest = max((len(_cell(v)) for v in values), default=0)
        table.add_column(
            escape(name),
            justify="right" if numeric else "left",
            overflow="fold",
            min_width=None if textual else widest or None,
        )
    for row in result.rows:
        table.add_row(*(_cell(v) for v in row))
    table.caption = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    table.min_width = len(table.caption) + 4
    return table
