"""``publish(settings)``: the chart and the HTML report written next to the warehouse after every run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aidtrack.fx import Rates, load_rates
from aidtrack.report.chart import render_chart
from aidtrack.report.data import build_report
from aidtrack.report.html import render_html
from aidtrack.settings import Settings
from aidtrack.warehouse import read_only


def write_atomically(path: Path, data: bytes) -> Path:
    """Write via a temporary file and rename, so a browser or web server never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def publish(
    settings: Settings, program: str = "PURL", currency: str = "USD", rates: Rates | None = None
) -> list[Path]:
    """Write ``report.png`` and ``report.html`` beside the warehouse file; returns their paths. Converts
    with ``rates`` (the run's; None: ``load_rates(settings.fx_file)``).

    Opens the warehouse read-only (waiting, bounded, while a writer holds it), so call it after the run's
    last write has been committed and its writer closed.
    """
    with read_only(settings) as con:
        report = build_report(
            con,
            program=program,
            currency=currency,
            rates=rates if rates is not None else load_rates(settings.fx_file),
        )
    png = render_chart(report, "png")
    folder = settings.warehouse.parent
    return [
        write_atomically(folder / "report.png", png),
        write_atomically(folder / "report.html", render_html(report, png).encode("utf-8")),
    ]
