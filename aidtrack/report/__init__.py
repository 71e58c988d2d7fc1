"""What users look at: the terminal report, the chart, the static HTML report, exports and ad-hoc SQL.

- ``publish(settings)`` writes ``report.png`` and ``report.html`` next to the warehouse (after every run);
- ``print_report(con, console, program="PURL", currency="USD")`` prints the terminal report;
- ``aidtrack report | chart | export | sql`` are the commands in ``aidtrack.cli.report``.

The two entry points are imported lazily so that ``import aidtrack.report.terminal`` (used by the CLI on
every run) does not pull in matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aidtrack.report.publishing import publish
    from aidtrack.report.terminal import print_report

__all__ = ["print_report", "publish"]


def __getattr__(name: str) -> Any:
    if name == "publish":
        from aidtrack.report.publishing import publish

        return publish
    if name == "print_report":
        from aidtrack.report.terminal import print_report

        return print_report
    raise AttributeError(f"module 'aidtrack.report' has no attribute {name!r}")
