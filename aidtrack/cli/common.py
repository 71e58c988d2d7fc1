"""What every command shares: the consoles, the --warehouse option, and the one place where expected
failures become one clear line and an exit status."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from aidtrack.errors import AidtrackError

# Piped or redirected output gets room for the wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 150)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 150)

INTERRUPTED_EXIT = 130  # what a shell reports for a command ended by Ctrl-C (128 + SIGINT)

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse", "-w", help="DuckDB file (default: $AIDTRACK_WAREHOUSE or warehouse/aid.duckdb)"
    ),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as one error line; returns the exit to raise."""
    err.print(f"[bold red]error:[/bold red] {escape(message)}", soft_wrap=True, highlight=False)
    return typer.Exit(code)


def one_line(exc: BaseException) -> str:
    """An exception as one line a user can act on (DuckDB's and multi-line messages folded)."""
    if isinstance(exc, OSError) and exc.strerror:
        where = exc.filename or ""
        return f"{where}: {exc.strerror}" if where else exc.strerror
    text = " ".join(part.strip() for part in str(exc).strip().splitlines() if part.strip())
    return text or type(exc).__name__


@contextmanager
def user_errors(prefix: str = "") -> Iterator[None]:
    """Turn the failures a user can act on into one line and exit status 1: our own errors, a missing
    or unwritable file, a bad value, a DuckDB error. Anything else is a bug and keeps its traceback."""
    try:
        yield
    except (AidtrackError, OSError, ValueError) as exc:
        raise fail(prefix + one_line(exc)) from None
    except Exception as exc:
        if type(exc).__module__.split(".")[0] in {"duckdb", "_duckdb"}:
            raise fail(f"{prefix}warehouse: {one_line(exc)}") from None
        raise
