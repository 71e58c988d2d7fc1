"""The DuckDB warehouse: connection discipline, migrations and models from ``sql/``, and loads."""

from aidtrack.warehouse.connection import WarehouseBusyError, read_only, writer
from aidtrack.warehouse.schema import apply_models, migrate, prepare

__all__ = ["WarehouseBusyError", "apply_models", "migrate", "prepare", "read_only", "writer"]
