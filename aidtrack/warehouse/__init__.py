"""The DuckDB warehouse: connection discipline, migrations and models from ``sql/``, and loads."""

from aidtrack.warehouse.connection import (
    RunInProgressError,
    WarehouseBusyError,
    WarehouseNotWritableError,
    check_writable,
    exclusive_run,
    publish_now,
    read_only,
    writer,
)
from aidtrack.warehouse.publish import DiskFullError, PublishError
from aidtrack.warehouse.schema import apply_models, migrate, prepare

__all__ = [
    "DiskFullError",
    "PublishError",
    "RunInProgressError",
    "WarehouseBusyError",
    "WarehouseNotWritableError",
    "check_writable",
    "exclusive_run",
    "apply_models",
    "migrate",
    "prepare",
    "publish_now",
    "read_only",
    "writer",
]
