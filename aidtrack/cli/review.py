"""`aidtrack review …` and `aidtrack add-pledge …`: analysts look at the pledges the ledger is least sure
about and record decisions (confirm, reject, edit, add) that survive every re-run and `aidtrack reprocess`.

Reading opens the warehouse read-only; a decision takes the writer lock, appends to the override log and
rebuilds the ledger in one transaction (the data checks run too: a decision that would break them is
rolled back and explained).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from aidtrack.cli.common import WarehouseOpt, console, fail, user_errors
from aidtrack.settings import LedgerPolicy, load_settings

if TYPE_CHECKING:
    import duckdb

    from aidtrack.fx import Rates

ReasonOpt = Annotated[str, typer.Option("--reason", "-r", help="why (kept in the pledge's history)")]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="who decides (default: $AIDTRACK_ANALYST, else your login name)")
]


def _analyst(by: str | None) -> str:
    if by:
        return by
    try:
        return os.environ.get("AIDTRACK_ANALYST") or getpass.getuser()
    except OSError:
        return "unknown"


def _money(value: float | None, currency: str = "USD") -> str:
    from aidtrack.report.terminal import money

    return money(value, currency)


@contextmanager
def reading(warehouse: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    from aidtrack.warehouse import read_only

    with user_errors():
        settings = load_settings(warehouse=warehouse)
        with read_only(settings) as con:
            yield con


def writing(
    warehouse: Path | None,
    work: Callable[[duckdb.DuckDBPyConnection, LedgerPolicy, Rates], object],
    by: str = "review",
) -> object:
    """Run ``work`` (with the settings' ledger policy and ECB rates) in one transaction on the working
    database, then publish the snapshot readers see."""
    from aidtrack.fx import load_rates
    from aidtrack.warehouse import prepare, writer

    with user_errors():
        settings = load_settings(warehouse=warehouse)
        if not (settings.warehouse.exists() or settings.work_path.exists()):
            raise FileNotFoundError(
                f"no warehouse at {settings.warehouse}: run `aidtrack run` first, or pass --warehouse"
            )
        rates = load_rates(settings.fx_file)  # as a run converts: the fx flow's file, else the bundled
        with writer(settings, published_by=by) as con:
            prepare(con, rates=rates)  # an older warehouse gets the overrides table first
            con.execute("begin")
            try:
                result = work(con, settings.ledger_policy, rates)
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
    # The HTML report and chart beside the warehouse show the decision at once, not at the next run.
    from aidtrack.runs import publish_reports

    publish_reports(settings, rates)
    return result


app = typer.Typer()
review_app = typer.Typer(
    help="Pledges the ledger is least sure about, and analysts' decisions on them.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(review_app, name="review")


@review_app.callback()
def review(
    ctx: typer.Context,
    status: Annotated[str, typer.Option("--status", "-s", help="review, counted, rejected or all")] = "all",
    program: Annotated[str | None, typer.Option("--program", "-p", help="only this program")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="how many pledges")] = 20,
    warehouse: WarehouseOpt = None,
) -> None:
    """List pledges, lowest confidence first, with their quotes, sources and decisions."""
    if ctx.invoked_subcommand is not None:
        return
    from aidtrack.ledger.review import STATUSES, review_queue

    if status != "all" and status not in STATUSES:
        raise fail(f"--status {status!r}: one of {', '.join(STATUSES)} or all")
    with reading(warehouse) as con:
        pledges = review_queue(con, limit=limit, status=None if status == "all" else status, program=program)
    if not pledges:
        console.print("no pledges to show")
        return
    for pledge in pledges:
        print_pledge(pledge)


def print_pledge(p) -> None:  # noqa: ANN001 - a PledgeView
    colour = {"counted": "green", "review": "yellow", "rejected": "red"}.get(p.status, "white")
    stated = _money(p.amount, p.currency)
    usd = "" if p.currency == "USD" else f" = {_money(p.amount_usd)} (ECB {p.fx_date})"
    console.print(
        f"[bold]{p.pledge_id}[/bold]  [{colour}]{p.status}[/{colour}]  confidence {p.confidence:.2f}  "
        f"{', '.join(p.donors)}  {stated}{usd}  {p.program}  {p.announced_on}  "
        f"{p.n_sources} source{'s' if p.n_sources != 1 else ''} ({p.origin})",
        soft_wrap=True,
    )
    for c in p.citations:
        amount = f" {_money(c.amount, c.currency)}" if c.amount is not None else ""
        assumed = " (currency assumed)" if c.currency_assumed else ""
        console.print(
            f"    {c.kind:<8} {str(c.published_on or ''):<10}  {escape(c.source or '-')}"
            f" {escape('[' + (c.tier or '?') + ']')}"
            f"{amount}{assumed}  {escape(c.url or '')}",
            soft_wrap=True,
        )
        if c.quote:
            quote = c.quote if len(c.quote) <= 200 else c.quote[:197] + "..."
            console.print(f'             [dim]"{escape(quote)}"[/dim]', soft_wrap=True)
        why = [*(c.trace or [])[:1], *(c.notes or [])]
        if why:  # "why was this counted?": the kind rule, then the extractor's reasons
            console.print(f"             [dim]why: {escape('; '.join(why))}[/dim]", soft_wrap=True)
    for d in p.decisions:
        console.print(
            f"    [cyan]{d.action}[/cyan] by {escape(d.analyst)} on {d.decided_at:%Y-%m-%d %H:%M}"
            f"{' ' + escape(d.changes) if d.changes else ''}: {escape(d.reason)}",
            soft_wrap=True,
        )


@review_app.command()
def show(
    pledge_id: Annotated[str, typer.Argument(help="pledge id (from `aidtrack review`)")],
    warehouse: WarehouseOpt = None,
) -> None:
    """One pledge with every citation and its decision history."""
    from aidtrack.ledger.review import review_queue

    with reading(warehouse) as con:
        found = review_queue(con, limit=1, pledge_id=pledge_id)
    if not found:
        raise fail(f"no pledge {pledge_id!r} in the ledger (see `aidtrack review`)")
    print_pledge(found[0])


def after(verb: str, p) -> None:  # noqa: ANN001 - a PledgeView
    counted = "counts in the totals" if p.status == "counted" else "is not in the totals"
    console.print(f"{verb} {p.pledge_id}: now {p.status}; it {counted}")
    print_pledge(p)


def _decide(
    pledge_id: str, action: str, reason: str, by: str | None, warehouse: Path | None, done: str
) -> None:
    """confirm and reject: one decision about one pledge, written under the lock and published."""
    from aidtrack.ledger.review import decide

    p = writing(
        warehouse,
        lambda con, policy, rates: decide(
            con, pledge_id, action, analyst=_analyst(by), reason=reason, policy=policy, rates=rates
        ),
        by=f"review {action}",
    )
    after(done, p)


def _decision_command(action: str, done: str, doc: str) -> None:
    """Register ``review <action>``: the same arguments and body for confirm and reject."""

    def command(
        pledge_id: Annotated[str, typer.Argument(help="pledge id")],
        reason: ReasonOpt,
        by: ByOpt = None,
        warehouse: WarehouseOpt = None,
    ) -> None:
        _decide(pledge_id, action, reason, by, warehouse, done)

    command.__doc__ = doc
    review_app.command(name=action)(command)


_decision_command(
    "confirm", "confirmed", "Count this pledge even if its confidence is below the review threshold."
)
_decision_command(
    "reject",
    "rejected",
    "Take this pledge out of the totals (it stays in the ledger as 'rejected', with its history).",
)


@review_app.command()
def edit(
    pledge_id: Annotated[str, typer.Argument(help="pledge id")],
    reason: ReasonOpt,
    amount: Annotated[str | None, typer.Option(help="e.g. 200m, 1.5bn, 200000000")] = None,
    currency: Annotated[str | None, typer.Option(help="ISO 4217, e.g. CAD")] = None,
    donors: Annotated[str | None, typer.Option(help="ISO alpha-3, comma-separated, e.g. DNK,NOR,SWE")] = None,
    on: Annotated[str | None, typer.Option("--date", help="announcement date, YYYY-MM-DD")] = None,
    program: Annotated[str | None, typer.Option(help="PURL, bilateral or other")] = None,
    by: ByOpt = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Correct a pledge's amount, currency, donors, date or program (the old values stay in history)."""
    from aidtrack.ledger.review import (
        decide,
        parse_amount,
        parse_currency,
        parse_date,
        parse_donors,
        parse_program,
    )

    with user_errors():
        values = {
            "amount": parse_amount(amount) if amount else None,
            "currency": parse_currency(currency) if currency else None,
            "donors": parse_donors(donors) if donors else None,
            "announced_on": parse_date(on) if on else None,
            "program": parse_program(program) if program else None,
        }
    p = writing(
        warehouse,
        lambda con, policy, rates: decide(
            con,
            pledge_id,
            "edit",
            analyst=_analyst(by),
            reason=reason,
            policy=policy,
            rates=rates,
            **values,
        ),
        by="review edit",
    )
    after("edited", p)


@app.command("add-pledge")
def add_pledge(
    donors: Annotated[str, typer.Option(help="ISO alpha-3, comma-separated, e.g. CAN or DNK,NOR,SWE")],
    amount: Annotated[str, typer.Option(help="as stated, e.g. 200m, 1.5bn")],
    currency: Annotated[str, typer.Option(help="ISO 4217 as stated, e.g. CAD")],
    on: Annotated[str, typer.Option("--date", help="announcement date, YYYY-MM-DD")],
    reason: ReasonOpt,
    program: Annotated[str, typer.Option(help="PURL, bilateral or other")] = "PURL",
    source_url: Annotated[str | None, typer.Option("--source-url", help="where it was announced")] = None,
    by: ByOpt = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Add a pledge no followed source reported (mentions of it found later attach to it)."""
    from aidtrack.ledger.review import (
        add_pledge as record_pledge,
    )
    from aidtrack.ledger.review import (
        parse_amount,
        parse_currency,
        parse_date,
        parse_donors,
        parse_program,
    )

    with user_errors():
        values = {
            "donors": parse_donors(donors),
            "amount": parse_amount(amount),
            "currency": parse_currency(currency),
            "announced_on": parse_date(on),
            "program": parse_program(program),
        }
    p = writing(
        warehouse,
        lambda con, policy, rates: record_pledge(
            con,
            source_url=source_url,
            analyst=_analyst(by),
            reason=reason,
            policy=policy,
            rates=rates,
            **values,
        ),
        by="add-pledge",
    )
    after("added", p)
