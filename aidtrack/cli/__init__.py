"""`aidtrack …`: the command line, one typer app made of the command modules of this package.

Importing it is quick: every command imports what it needs (DuckDB, pandas, Prefect) when it runs, so
`aidtrack --help` and a mistyped option or sources file answer at once.
"""

from __future__ import annotations

from typing import Annotated

import typer

from aidtrack import __version__
from aidtrack.cli import pipeline, report, review
from aidtrack.cli.common import INTERRUPTED_EXIT, err

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Track military-aid pledges for Ukraine (PURL and more) in a DuckDB warehouse.",
)
for commands in (pipeline.app, review.app, report.app):
    app.add_typer(commands)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"aidtrack {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Track military-aid pledges for Ukraine (PURL and more) in a DuckDB warehouse."""


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # a Ctrl-C the command itself did not turn into a clean stop
        err.print("interrupted")
        raise SystemExit(INTERRUPTED_EXIT) from None


__all__ = ["app", "main"]
