"""`aidtrack run | demo | serve | status | reprocess | extract`: running the pipeline and watching it."""

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
from rich.table import Table

from aidtrack.cli.common import INTERRUPTED_EXIT, WarehouseOpt, console, err, fail, one_line, user_errors
from aidtrack.settings import Settings, load_settings

app = typer.Typer()

SourcesOpt = Annotated[Path, typer.Option("--sources", "-s", help="sources YAML file")]

_SUMMARY_COLUMNS = (  # (key in the per-source counts, column heading)
    ("discovered", "found"),
    ("fetched", "fetched"),
    ("not_modified", "304"),
    ("failed", "failed"),
    ("skipped_robots", "robots"),
    ("unparsable", "bad"),
    ("documents", "docs"),
    ("short_text", "short"),  # documents whose text is suspiciously short for their page
    ("unread_language", "unread lang"),  # documents in a language without a lexicon
    ("mentions", "mentions"),
    ("new_pledges", "new pledges"),
    ("owed", "owed"),
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
    owed = _total(summary, "owed")
    if owed:
        console.print(
            f"{_pages(owed)} not read in this run are owed: later runs ask again (`aidtrack status`)"
        )


def _total(summary: dict, key: str) -> int:
    """One count summed over the sources of a stored run summary (``RunSummary.total`` for the dict)."""
    return sum(counts.get(key, 0) for counts in summary["per_source"].values())


def _pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


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


def _quiet_prefect() -> None:
    """The CLI prints its own summary; Prefect's per-task INFO lines stay in the Prefect UI and logs.
    Set for this process only (before Prefect is imported), never for `serve`'s children."""
    if "PREFECT_LOGGING_LEVEL" not in os.environ:
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
        os.environ["AIDTRACK_CLI_SET_PREFECT_LOGGING_LEVEL"] = "1"
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _stored_summary(settings: Settings, run_id: str) -> dict | None:
    """The summary the run recorded in the warehouse (a cancelled run's state carries none)."""
    from aidtrack.warehouse import read_only

    try:
        with read_only(settings) as con:
            row = con.execute("select summary from runs where run_id = ?", [run_id]).fetchone()
    except Exception:  # noqa: BLE001 - the summary is a courtesy; the run's outcome is already known
        return None
    return json.loads(row[0]) if row and row[0] else None


def _run_pipeline(
    sources_file: Path,
    warehouse: Path | None,
    since: date | None,
    delay: float | None,
    full_report: bool = False,
) -> int:
    from aidtrack.prefect_api import choose_api
    from aidtrack.warehouse import check_writable

    settings = load_settings(warehouse=warehouse, sources_file=sources_file)
    with user_errors():
        check_writable(settings)  # before Prefect starts: a bad path is a one-line error at once
    _quiet_prefect()
    with user_errors("Prefect: "):
        api = choose_api()
    err.print(f"Prefect: {api.how}", highlight=False, soft_wrap=True)
    from flows.pipeline import pipeline  # imports Prefect: only when a run is asked for

    with _source_progress():
        state = pipeline(
            sources_file=str(settings.sources_file),
            warehouse=str(settings.warehouse),
            since=since,
            delay=delay,
            return_state=True,
        )
    run_id = str(state.state_details.flow_run_id)
    if state.is_cancelled():
        summary = _stored_summary(settings, run_id)
        if summary is None:
            err.print(f"interrupted: {state.message}; nothing was changed")
        else:
            owed, documents = _total(summary, "owed"), _total(summary, "documents")
            err.print(
                f"interrupted: saved {documents} documents and {len(summary['new_pledges'])} new pledges; "
                f"{_pages(owed)} owed, fetched by the next run"
            )
        return INTERRUPTED_EXIT
    if state.name == "Skipped":
        console.print(f"[yellow]skipped[/yellow]: {state.message}")
        return 0
    result = state.result(raise_on_failure=False)
    summary_of = getattr(result, "summary", result)  # EverySourceFailed carries the summary
    if not hasattr(summary_of, "as_dict"):
        raise fail(
            f"pipeline run failed: {one_line(result) if isinstance(result, BaseException) else result}"
        )
    _print_summary(summary_of.as_dict())
    from aidtrack.report.terminal import print_monthly, print_report
    from aidtrack.warehouse import read_only

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


def _interruptible(work) -> int:  # noqa: ANN001 - a callable returning an exit status
    """Ctrl-C before the run got going (or a second one) still ends in one line, not a traceback."""
    try:
        return work()
    except KeyboardInterrupt:
        err.print("interrupted: stopped before the run could save anything; the next run starts afresh")
        return INTERRUPTED_EXIT


@app.command()
def run(
    sources: SourcesOpt = Path("sources.yaml"),
    warehouse: WarehouseOpt = None,
    since: Annotated[
        str | None, typer.Option(help="backfill: walk sources back to this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """One full pipeline run through Prefect: the local server if one is up (`aidtrack serve`'s, or
    $PREFECT_API_URL), else a temporary one. Ctrl-C stops it cleanly: what is whole is saved."""
    from aidtrack.sources.config import load_sources

    with user_errors():
        since_date = date.fromisoformat(since) if since else None
        load_sources(sources)  # fail fast, with the entry and key named, before Prefect starts
    raise typer.Exit(_interruptible(lambda: _run_pipeline(sources, warehouse, since_date, None)))


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

    def work() -> int:
        with _demo_site() as server, tempfile.TemporaryDirectory(prefix="aidtrack-demo-") as tmp:
            sources_file = Path(tmp) / "demo-sources.yaml"
            sources_file.write_text(demo_sources_yaml(server.base_url), encoding="utf-8")
            console.print(f"serving the sample sites at {server.base_url}; warehouse: {settings.warehouse}")
            return _run_pipeline(sources_file, settings.warehouse, None, delay=0.0, full_report=True)

    code = _interruptible(work)
    console.print(f"demo finished in {time.monotonic() - started:.1f}s")
    raise typer.Exit(code)


def _extract_line(line: str, line_no: int, explain: bool = False, language: str | None = None) -> dict:
    """One input line's answer: the extraction, or an error object for that line (same id). The
    language is the line's "language", else ``language``, else detected from the text; a language
    without a lexicon gives no statements and ``"language_read": false``."""
    from aidtrack.extract import Extraction
    from aidtrack.extract import extract as extract_statements
    from aidtrack.extract.language import choose

    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": line_no, "error": f"not JSON: {exc}"}
    if not isinstance(item, dict):
        return {"id": None, "line": line_no, "error": "each line must be a JSON object"}
    item_id = item.get("id")
    try:
        if not isinstance(item.get("text"), str):
            raise ValueError('needs a "text" field holding a string')
        published = item.get("published")
        try:
            published = date.fromisoformat(str(published)[:10]) if published else None
        except ValueError:
            raise ValueError(f'"published" must be a date (YYYY-MM-DD), not {published!r}') from None
        title = item.get("title")
        if title is not None and not isinstance(title, str):
            raise ValueError(f'"title" must be a string (the page\'s headline), not {title!r}')
        chosen = choose(item["text"], override=item.get("language") or language)
        extraction = Extraction(())
        if chosen.supported and chosen.language:
            extraction = extract_statements(
                item["text"],
                published=published,
                url=item.get("url"),
                source_country=item.get("country"),
                language=chosen.language,
                title=title,
            )
    except (ValueError, TypeError) as exc:
        return {"id": item_id, "line": line_no, "error": one_line(exc)}
    answer = extraction.to_contract(item_id, explain=explain)
    return answer | {"language": chosen.language, "language_read": chosen.supported}


@app.command()
def extract(
    explain: Annotated[
        bool, typer.Option("--explain", help="add each statement's trace: the rules that decided it")
    ] = False,
    language: Annotated[
        str | None,
        typer.Option("--language", "-l", help="language of every line (default: each line's, else detected)"),
    ] = None,
) -> None:
    """JSON lines in ({"id", "text", "published"?, "url"?, "title"?, "country"?, "language"?}), JSON lines out
    (pledges, aggregates, targets, and the language read), one per input line in the same order; a bad
    line gets an error object (with its id and line number) and the stream goes on. Exit status 1 if
    any line was bad."""
    out = sys.stdout
    bad = 0
    for line_no, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        answer = _extract_line(line, line_no, explain, language)
        if "error" in answer:
            bad += 1
            err.print(f"line {line_no}: {answer['error']}", highlight=False, soft_wrap=True)
        out.write(json.dumps(answer, ensure_ascii=False, default=str) + "\n")
        out.flush()
    if bad:
        raise typer.Exit(1)


@app.command()
def status(
    warehouse: WarehouseOpt = None,
    runs: Annotated[int, typer.Option(min=1, help="how many recent runs to show")] = 10,
    owed: Annotated[int, typer.Option(min=0, help="how many owed and given-up pages to list")] = 10,
) -> None:
    """The last runs, the sources that are failing, and the pages owed a retry (read-only)."""
    from aidtrack.warehouse import read_only
    from aidtrack.warehouse.status import failing_sources, last_runs, owed_pages, published_snapshot

    settings = load_settings(warehouse=warehouse)
    with user_errors(), read_only(settings) as con:
        snapshot = published_snapshot(con)
        recent, failing = last_runs(con, runs), failing_sources(con)
        owed_summary = owed_pages(con, owed)
    if snapshot is None:
        console.print(f"{settings.warehouse}: from before published snapshots (the next run publishes one)")
    else:
        by = f"`aidtrack {snapshot.published_by}`"
        if snapshot.run_id:
            by = f"run {snapshot.run_id}" + (
                " at its start" if snapshot.published_by == "run (started)" else ""
            )
        console.print(
            f"snapshot {settings.warehouse} published {snapshot.published_at:%Y-%m-%d %H:%M:%S %Z} by {by}",
            highlight=False,
            soft_wrap=True,
        )
    table = Table(title="last runs", title_justify="left")
    for column in ("started (UTC)", "duration", "status", "sources", "failed", "run id"):
        table.add_column(column)
    for run_row in recent:
        if run_row.finished_at:
            duration = f"{(run_row.finished_at - run_row.started_at).total_seconds():.0f}s"
        else:
            duration = "running or died"
        colour = {"completed": "green", "partial": "yellow", "cancelled": "yellow"}.get(run_row.status, "red")
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
    else:
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
    _print_owed(owed_summary)


def _print_owed(summary) -> None:  # noqa: ANN001 - an OwedSummary
    if not summary.n_owed and not summary.n_given_up:
        console.print("[green]no pages owed[/green]")
        return
    console.print(
        f"{_pages(summary.n_owed)} owed a retry, {summary.n_given_up} given up "
        "(`aidtrack run --since DATE` asks for the given-up ones again)"
    )
    if not summary.rows:
        return
    table = Table(title="owed and given-up pages", title_justify="left")
    for column in ("source", "status", "tries", "next try (UTC)", "url", "reason"):
        table.add_column(column, overflow="fold")
    for row in summary.rows:
        colour = "yellow" if row.status == "owed" else "red"
        table.add_row(
            row.source,
            f"[{colour}]{row.status.replace('_', ' ')}[/{colour}]",
            str(row.tries),
            f"{row.next_try_at:%Y-%m-%d %H:%M}" if row.status == "owed" else "-",
            row.url,
            row.last_reason,
        )
    console.print(table)


@app.command()
def reprocess(warehouse: WarehouseOpt = None) -> None:
    """Parse and extract every archived article again with the current code (no network), then rebuild
    the ledger. Use it after the parser or the extractor improves."""
    from rich.progress import Progress

    from aidtrack.reprocess import reprocess as reprocess_archive
    from aidtrack.warehouse import check_writable

    settings = load_settings(warehouse=warehouse)
    if not (settings.warehouse.exists() or settings.work_path.exists()):
        raise fail(f"no warehouse at {settings.warehouse}: nothing to reprocess")
    with user_errors():
        check_writable(settings)
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
    sources: SourcesOpt = Path("sources.yaml"),
    warehouse: WarehouseOpt = None,
    port: Annotated[int, typer.Option(help="loopback port of the Prefect server")] = 4200,
    limit: Annotated[int, typer.Option(min=1, help="flow runs executing at once")] = 2,
) -> None:
    """Run on a schedule on this machine: a local Prefect server plus every deployment, until Ctrl-C."""
    from aidtrack.serving import serve as run_scheduler
    from aidtrack.sources.config import load_sources

    settings = load_settings(warehouse=warehouse, sources_file=sources)
    with user_errors():
        load_sources(settings.sources_file)
        code = run_scheduler(
            settings, settings.sources_file.resolve(), port=port, limit=limit, on_ready=console.print
        )
    raise typer.Exit(code)
