"""The DuckDB warehouse: connection discipline, migrations and models from ``sql/``, and loads."""

from aidtrack.warehouse.connection import (
    RunInProgressError,
    WarehouseBusyError,
    WarehouseNotWritableError,
    check_writable,
    exclusive_run,
    read_only,
    writer,
)
from aidtrack.warehouse.schema import apply_models, migrate, prepare

__all__ = [
    "RunInProgressError",
    "WarehouseBusyError",
    "WarehouseNotWritableError",
    "check_writable",
    "exclusive_run",
    "apply_models",
    "migrate",
    "prepare",
    "read_only",
    "writer",
]
