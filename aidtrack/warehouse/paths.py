"""Where the SQL files live: ``sql/`` in a checkout, ``aidtrack/_sql`` in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def sql_dir() -> Path:
    for candidate in (_PACKAGE_DIR.parent / "sql", _PACKAGE_DIR / "_sql"):
        if (candidate / "migrations").is_dir():
            return candidate
    raise FileNotFoundError(
        f"SQL folder not found next to {_PACKAGE_DIR} (looked for sql/ and aidtrack/_sql/)"
    )
