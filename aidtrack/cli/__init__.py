"""`aidtrack …`: the command line. Errors become one clear line and a non-zero exit status."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aidtrack.settings import load_settings

# The CLI prints its own summary; Prefect's per-task INFO lines stay in the Prefect UI and logs.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Track military-aid pledges for Ukraine (PURL and more) in a DuckDB warehouse.",
)
# Piped or redirected output gets room for the wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 150)
err = Console(stderr=True)

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse", "-w", help="DuckDB file (default: $AIDTRACK_WAREHOUSE or warehouse/aid.duckdb)"
    ),
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/bold red] {message}")
    return typer.Exit(code)


_SUMMARY_COLUMNS = (  # (key in the per-source counts, column heading)
    ("discovered", "found"),
    ("fetched", "fetched"),
    ("not_modified", "304"),
    ("failed", "failed"),
    ("skipped_robots", "robots"),
    ("unparsable", "bad"),
    ("documents", "docs"),
    ("mentions", "mentions"),
    ("new_pledges", "new pledges"),
)


def _print_summary(summary: dict) -> None:
    table = Table(title=f"run {summary['run_id']}: {summary['status']}", title_justify="left")
    table.add_column("source")
    for _, heading in _SUMMARY_COLUMNS:
        table.add_column(heading, justify="right")
    for name, counts in summary["per_source"].items():
        label = f"[red]{name} ✗[/red]" if name in summary["failed"] else name
        table.add_row(label, *(str(counts.get(key, 0)) for key, _ in _SUMMARY_COLUMNS))
    console.print(table)
    for name, reason in summary["failed"].items():
        console.print(f"[red]✗ {name}[/red]: {reason}", soft_wrap=True)
    console.print(
        f"{summary['n_pledges']} pledges in the ledger; {len(summary['new_pledges'])} new in this run"
    )


@contextmanager
def _source_progress():
    """A progress bar over the sources of the run in this process (Prefect logs the details)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from aidtrack.progress import subscribe

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    bar = {}

    def listen(event: str, details: dict) -> None:
        if event == "run-started":
            bar["id"] = progress.add_task("sources", total=details["sources"])
        elif event == "source-done" and "id" in bar:
            progress.update(bar["id"], advance=1, description=f"sources (last: {details['name']})")
        elif event == "ledger-started" and "id" in bar:
            progress.update(bar["id"], description="building the ledger")

    unsubscribe = subscribe(listen)
    try:
        with progress:
            yield
    finally:
        unsubscribe()


def _run_pipeline(
    sources_file: Path,
    warehouse: Path | None,
    since: date | None,
    delay: float | None,
    full_report: bool = False,
) -> int:
    from aidtrack.report.terminal import print_monthly, print_report
    from aidtrack.warehouse import WarehouseNotWritableError, check_writable, read_only
    from flows.pipeline import pipeline  # imports Prefect: only when a run is asked for

    settings = load_settings(warehouse=warehouse, sources_file=sources_file)
    try:
        check_writable(settings)  # before Prefect starts: a bad path is a one-line error at once
    except WarehouseNotWritableError as exc:
        raise _fail(str(exc)) from None
    with _source_progress():
        state = pipeline(
            sources_file=str(settings.sources_file),
            warehouse=str(settings.warehouse),
            since=since,
            delay=delay,
            return_state=True,
        )
    try:
        result = state.result(raise_on_failure=False)
    except Exception as exc:  # noqa: BLE001 - shown to the user as one line
        result = exc
    if isinstance(result, BaseException):
        raise _fail(f"pipeline run failed: {result}")
    if state.name == "Skipped":
        console.print(f"[yellow]skipped[/yellow]: {state.message}")
        return 0
    summary = result.as_dict()
    _print_summary(summary)
    with read_only(settings) as con:
        if full_report:
            print_report(con, console=console)
        else:
            print_monthly(con, console=console, last=6)
    for name in ("report.png", "report.html"):
        if (settings.warehouse.parent / name).exists():
            console.print(f"wrote {settings.warehouse.parent / name}")
    if state.is_failed():
        err.print(f"[bold red]every source failed[/bold red]: {state.message}")
        return 2
    return 0


@app.command()
def run(
    sources: Annotated[Path, typer.Option("--sources", "-s", help="sources YAML file")] = Path(
        "sources.yaml"
    ),
    warehouse: WarehouseOpt = None,
    since: Annotated[
        str | None, typer.Option(help="backfill: walk sources back to this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """One full pipeline run through Prefect (ephemeral mode when no server is configured)."""
    from aidtrack.sources import SourcesFileError, load_sources

    try:
        since_date = date.fromisoformat(since) if since else None
        load_sources(sources)  # fail fast, with the entry and key named, before Prefect starts
    except (SourcesFileError, FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(_run_pipeline(sources, warehouse, since_date, None))


DEMO_PORT = 47219  # a fixed port keeps the sample pages' URLs, so a second demo run adds nothing


def _demo_site():
    from aidtrack.demo import SiteServer

    try:
        return SiteServer(port=DEMO_PORT)
    except OSError:  # taken: any free port works, only repeated demos then see "new" pages
        return SiteServer()


@app.command()
def demo(warehouse: WarehouseOpt = None) -> None:
    """Run the real pipeline against the bundled sample sites, served on a loopback port (offline)."""
    from aidtrack.demo import demo_sources_yaml

    started = time.monotonic()
    settings = load_settings(warehouse=warehouse)
    with _demo_site() as server, tempfile.TemporaryDirectory(prefix="aidtrack-demo-") as tmp:
        sources_file = Path(tmp) / "demo-sources.yaml"
        sources_file.write_text(demo_sources_yaml(server.base_url), encoding="utf-8")
        console.print(f"serving the sample sites at {server.base_url}; warehouse: {settings.warehouse}")
        code = _run_pipeline(sources_file, settings.warehouse, None, delay=0.0, full_report=True)
    console.print(f"demo finished in {time.monotonic() - started:.1f}s")
    raise typer.Exit(code)


@app.command()
def extract() -> None:
    """JSON lines in ({"id", "text", "published"?, "url"?}), JSON lines out (pledges, aggregates, targets)."""
    from aidtrack.extract import extract as extract_statements

    out = sys.stdout
    for line_no, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or "text" not in item:
                raise ValueError('each line must be a JSON object with a "text" field')
            published = date.fromisoformat(item["published"][:10]) if item.get("published") else None
        except (json.JSONDecodeError, ValueError, TypeError) as exc:
            raise _fail(f"stdin line {line_no}: {exc}") from None
        extraction = extract_statements(
            str(item["text"]), published=published, url=item.get("url"), source_country=item.get("country")
        )
        out.write(json.dumps(extraction.to_contract(item.get("id")), ensure_ascii=False, default=str) + "\n")
        out.flush()


@app.command()
def status(
    warehouse: WarehouseOpt = None,
    runs: Annotated[int, typer.Option(help="how many recent runs to show")] = 10,
) -> None:
    """The last runs and the sources that are failing, from the warehouse (read-only)."""
    from aidtrack.warehouse import read_only
    from aidtrack.warehouse.status import failing_sources, last_runs

    settings = load_settings(warehouse=warehouse)
    try:
        with read_only(settings) as con:
            recent, failing = last_runs(con, runs), failing_sources(con)
    except (FileNotFoundError, RuntimeError) as exc:
        raise _fail(str(exc)) from None
    table = Table(title="last runs", title_justify="left")
    for column in ("started (UTC)", "duration", "status", "sources", "failed", "run id"):
        table.add_column(column)
    for run_row in recent:
        duration = (
            f"{(run_row.finished_at - run_row.started_at).total_seconds():.0f}s"
            if run_row.finished_at
            else "running or died"
        )
        colour = {"completed": "green", "partial": "yellow"}.get(run_row.status, "red")
        table.add_row(
            f"{run_row.started_at:%Y-%m-%d %H:%M}",
            duration,
            f"[{colour}]{run_row.status}[/{colour}]",
            str(run_row.n_sources or 0),
            str(run_row.n_failed or 0),
            run_row.run_id,
        )
    console.print(table)
    if not failing:
        console.print("[green]no failing sources[/green]")
        return
    table = Table(title="failing sources", title_justify="left")
    for column in ("source", "failing since", "runs", "last error"):
        table.add_column(column)
    for source in failing:
        table.add_row(
            source.source,
            f"{source.failing_since:%Y-%m-%d %H:%M}",
            str(source.runs_failed),
            source.last_error or "",
        )
    console.print(table)


@app.command()
def reprocess(warehouse: WarehouseOpt = None) -> None:
    """Parse and extract every archived article again with the current code (no network), then rebuild
    the ledger. Use it after the parser or the extractor improves."""
    from rich.progress import Progress

    from aidtrack.reprocess import reprocess as reprocess_archive

    settings = load_settings(warehouse=warehouse)
    if not settings.warehouse.exists():
        raise _fail(f"no warehouse at {settings.warehouse}: nothing to reprocess")
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("re-extracting archived articles", total=None)
        summary = reprocess_archive(
            settings, lambda done, total: progress.update(task, completed=done, total=total)
        )
    console.print(
        f"re-extracted {summary.articles} archived articles into {summary.documents} documents; "
        f"{summary.n_pledges} pledges in the ledger"
    )
    if summary.missing_bodies:
        console.print(
            f"[yellow]{summary.missing_bodies} articles have no archived body (fetched before the "
            "archive existed, or the archive was pruned)[/yellow]"
        )
    for url, problem in summary.problems:
        console.print(f"[yellow]{url}[/yellow]: {problem}", soft_wrap=True)


@app.command()
def serve(
    sources: Annotated[Path, typer.Option("--sources", "-s", help="sources YAML file")] = Path(
        "sources.yaml"
    ),
    warehouse: WarehouseOpt = None,
    port: Annotated[int, typer.Option(help="loopback port of the Prefect server")] = 4200,
    limit: Annotated[int, typer.Option(help="flow runs executing at once")] = 2,
) -> None:
    """Run on a schedule on this machine: a local Prefect server plus every deployment, until Ctrl-C."""
    from aidtrack.serving import ServeError
    from aidtrack.serving import serve as run_scheduler
    from aidtrack.sources import SourcesFileError, load_sources

    settings = load_settings(warehouse=warehouse, sources_file=sources)
    try:
        load_sources(settings.sources_file)
        code = run_scheduler(
            settings, settings.sources_file.resolve(), port=port, limit=limit, on_ready=console.print
        )
    except (SourcesFileError, FileNotFoundError, ServeError) as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(code)


# --- commands defined in other modules register themselves below (one line each) ---
from aidtrack.report.commands import register as register_report_commands  # noqa: E402

register_report_commands(app)
from aidtrack.ledger.commands import register as register_ledger_commands  # noqa: E402

register_ledger_commands(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
