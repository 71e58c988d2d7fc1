"""One direction of dependency: a module imports only from its own layer or the layers below.

    domain, records, errors, settings, fx, owed, progress, interrupt  (what every stage shares)
      → fetch, parse, extract, sources                    (one stage each, no warehouse)
      → ledger, warehouse                                 (storage and the ledger over it)
      → collect, runs, reprocess, report                  (a run, and what reads the warehouse)
      → cli, flows, demo, serving, prefect_api            (how people and schedulers call it)

Imports under ``if TYPE_CHECKING:`` are annotations, not dependencies, and are not counted. The test
reads the source (no import), so a new upward arrow fails here before it becomes a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = (
    {"__init__", "domain", "records", "errors", "settings", "fx", "owed", "progress", "interrupt"},
    {"fetch", "parse", "extract", "sources"},
    {"ledger", "warehouse"},
    {"collect", "runs", "reprocess", "report"},
    {"cli", "flows", "demo", "serving", "prefect_api"},
)
LAYER_OF = {unit: depth for depth, units in enumerate(LAYERS) for unit in units}


def _unit(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "flows":
        return "flows"
    if parts[0] != "aidtrack":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _runtime_imports(tree: ast.AST) -> list[tuple[str, int]]:
    """(module, line) of every import that runs: those under ``if TYPE_CHECKING`` are left out."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
    return found


def _modules() -> list[Path]:
    return sorted([*(ROOT / "aidtrack").rglob("*.py"), *(ROOT / "flows").rglob("*.py")])


def test_every_package_has_a_layer() -> None:
    units = {_unit(".".join(p.relative_to(ROOT).with_suffix("").parts)) for p in _modules()}
    assert units - set(LAYER_OF) == set(), "give each new module a layer in LAYERS (and the docstring)"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_points_up(path: Path) -> None:
    importer = _unit(".".join(path.relative_to(ROOT).with_suffix("").parts))
    assert importer is not None
    upward = []
    for module, line in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        target = _unit(module)
        if target is None or target == importer:
            continue
        if LAYER_OF[target] > LAYER_OF[importer]:
            upward.append(f"{path.relative_to(ROOT)}:{line} {importer} imports {module}")
    assert not upward, "\n".join(upward)


def test_the_check_sees_an_upward_import() -> None:
    tree = ast.parse(
        "from aidtrack.collect import SourceBatch\nif TYPE_CHECKING:\n    from aidtrack.cli import app\n"
    )
    assert [m for m, _ in _runtime_imports(tree)] == ["aidtrack.collect"]
