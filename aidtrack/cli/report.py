"""`aidtrack report | chart | export | sql`: the commands users read the warehouse with.

All of them open the warehouse read-only (so they work while a pipeline run writes: the reader waits,
bounded, for the writer's short load phase), and turn every expected failure into one clear line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aidtrack.cli.common import WarehouseOpt, console, user_errors
from aidtrack.settings import load_settings

if TYPE_CHECKING:
    import duckdb


class ReportFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


ProgramOpt = Annotated[str, typer.Option("--program", "-p", help="program with a target (e.g. PURL)")]
CurrencyOpt = Annotated[
    str, typer.Option("--currency", "-c", help="reporting currency: USD, EUR (ECB rates)")
]
DonorOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--donor",
        "-d",
        metavar="CODE|NAME",
        help="only pledges by this donor: ISO alpha-3 code (NLD) or country name; repeat for several",
    ),
]
SinceOpt = Annotated[str | None, typer.Option(metavar="DATE", help="only from this date (YYYY-MM-DD)")]
UntilOpt = Annotated[str | None, typer.Option(metavar="DATE", help="only up to this date (YYYY-MM-DD)")]
LanguageOpt = Annotated[
    str,
    typer.Option(
        "--language", "-l", metavar="TAG", help="language of the country names (CLDR: en-GB, en, de, fr, …)"
    ),
]


app = typer.Typer()


@contextmanager
def reading(warehouse: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    from aidtrack.warehouse import read_only

    with user_errors():
        settings = load_settings(warehouse=warehouse)
        with read_only(settings) as con:
            yield con


def emit(text: str) -> None:
    typer.echo(text, nl=not text.endswith("\n"))


def _day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{option} {value!r} is not a date in YYYY-MM-DD form") from None


def _build(con, program: str, currency: str, donor, since, until, language, warehouse):  # noqa: ANN001, ANN202
    """The report as asked on the command line (the filters' errors become one line via ``reading``),
    converted at the rates a run with these settings uses (the fx flow's file, else the bundled ones)."""
    from aidtrack.fx import load_rates
    from aidtrack.report.data import build_report

    return build_report(
        con,
        program=program,
        currency=currency.upper(),
        donors=tuple(donor or ()),
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        language=language,
        rates=load_rates(load_settings(warehouse=warehouse).fx_file),
    )


@app.command()
def report(
    program: ProgramOpt = "PURL",
    currency: CurrencyOpt = "USD",
    format: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="table (rich), csv (the months), json (everything)"),
    ] = ReportFormat.table,
    last: Annotated[
        int | None, typer.Option(min=1, help="only the last N months in the table (1 or more)")
    ] = None,
    donor: DonorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    language: LanguageOpt = "en-GB",
    warehouse: WarehouseOpt = None,
) -> None:
    """Months vs target (rolling 3m, cumulative, gap), pace, top donors, official totals, the check
    against independent references (Kiel's allocations), failed sources. Countries are named in
    --language; --donor, --since and --until narrow what is shown."""
    from aidtrack.report.terminal import report_renderable

    with reading(warehouse) as con:
        data = _build(con, program, currency, donor, since, until, language, warehouse)
    if format is ReportFormat.table:
        console.print(report_renderable(data, last=last))
    elif format is ReportFormat.json:
        emit(json.dumps(data.as_dict(), indent=2, default=str, ensure_ascii=False))
    else:
        emit(_months_csv(data))


@app.command()
def chart(
    out: Annotated[Path, typer.Option("--out", "-o", help="image file (.png, .svg or .pdf)")] = Path(
        "chart.png"
    ),
    program: ProgramOpt = "PURL",
    currency: CurrencyOpt = "USD",
    donor: DonorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    language: LanguageOpt = "en-GB",
    warehouse: WarehouseOpt = None,
) -> None:
    """Monthly bars by donor with the target line, and cumulative vs cumulative target beside the
    reference's allocations and officials' totals, as an image."""
    from aidtrack.report.chart import write_chart

    with reading(warehouse) as con:
        data = _build(con, program, currency, donor, since, until, language, warehouse)
        written = write_chart(data, out)
    console.print(f"wrote {written}")


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.csv,
    out: Annotated[Path, typer.Option("--out", "-o", help="folder for one file per table and view")] = Path(
        "export"
    ),
    warehouse: WarehouseOpt = None,
) -> None:
    """Every table and mart to CSV or Parquet files (DuckDB COPY), one file each."""
    from aidtrack.report.export import export_warehouse

    with reading(warehouse) as con:
        written = export_warehouse(con, out, format.value)
    console.print(f"wrote {len(written)} {format.value} files to {out}")


@app.command()
def sql(
    query: Annotated[
        str,
        typer.Argument(
            help='a query ("select ...") or a .sql file, e.g. sql/queries/this_month_vs_target.sql'
        ),
    ],
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
    warehouse: WarehouseOpt = None,
) -> None:
    """Run a read-only query (or a .sql file) on the warehouse; print a table, CSV or JSON."""
    from aidtrack.report.sql import read_query, run_query, to_csv, to_json, to_table

    render: Callable = {ReportFormat.csv: to_csv, ReportFormat.json: to_json}.get(format, to_table)
    with reading(warehouse) as con:
        result = run_query(con, read_query(query))
    if format is ReportFormat.table:
        console.print(render(result))
    else:
        emit(render(result))


def _months_csv(data) -> str:  # noqa: ANN001 - a Report
    buffer = io.StringIO()
    rows = [{"program": data.program, "currency": data.currency, **asdict(r)} for r in data.months]
    fields = [
        "program",
        "currency",
        "month",
        "contributed",
        "target",
        "rolling_3m",
        "rolling_3m_target",
        "cumulative",
        "cumulative_target",
        "cumulative_gap",
    ]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
