"""The SQL models are applied in the order their ``-- depends:`` headers give (like dbt's ref()), whatever
their file names; a cycle, a dependency on no model, or a model that reads another without declaring it is
an error that names the models."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from aidtrack.warehouse.paths import sql_dir
from aidtrack.warehouse.schema import MigrationError, apply_models, model_files, ordered_models, read_model


def _models(folder: Path, files: dict[str, str]) -> Path:
    for name, sql in files.items():
        path = folder / f"{name}.sql"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql, encoding="utf-8")
    return folder


def _names(folder: Path) -> list[str]:
    return [p.relative_to(folder).with_suffix("").as_posix() for p in model_files(folder)]


def test_models_come_after_what_they_depend_on_whatever_their_names(tmp_path):
    folder = _models(
        tmp_path,
        {
            "marts/a_total": "-- depends: intermediate/z_parts\ncreate or replace view a_total as select sum(x) as x from z_parts",
            "intermediate/z_parts": "-- depends: staging/y_base, macros/twice\n"
            "create or replace view z_parts as select twice(x) as x from y_base",
            "staging/y_base": "-- depends: none\ncreate or replace view y_base as select 21 as x",
            "macros/twice": "create or replace macro twice(x) as 2 * x",
        },
    )
    assert _names(folder) == ["macros/twice", "staging/y_base", "intermediate/z_parts", "marts/a_total"]
    con = duckdb.connect()
    apply_models(con, folder)
    assert con.execute("select x from a_total").fetchone() == (42,)


PLEDGES = {"staging/pledges": "create or replace view pledges as select 1 as x"}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {
                "marts/a": "-- depends: marts/b\ncreate or replace view a as select * from b",
                "marts/b": "-- depends: marts/a\ncreate or replace view b as select * from a",
            },
            "SQL models depend on each other in a cycle: marts/(a -> marts/b -> marts/a|b -> marts/a -> marts/b)",
        ),
        (
            {"marts/a": "-- depends: marts/a\ncreate or replace view a as select 1 as x"},
            "cycle: marts/a -> marts/a",
        ),
        (
            {
                "marts/a": "-- depends: staging/pledges, intermediate/nope\ncreate view a as select 1",
                **PLEDGES,
            },
            "model marts/a depends on 'intermediate/nope', which is no model",
        ),
        (
            {"marts/a": "create or replace view a as select * from pledges", **PLEDGES},
            "model marts/a reads staging/pledges without declaring it",
        ),
    ],
    ids=["cycle", "itself", "unknown", "undeclared"],
)
def test_a_wrong_dependency_is_an_error_that_names_the_models(tmp_path, files, message):
    with pytest.raises(MigrationError, match=message):
        model_files(_models(tmp_path, files))


def test_names_in_comments_and_strings_are_not_reads(tmp_path):
    folder = _models(
        tmp_path,
        {
            "marts/a": "-- like pledges, but smaller\ncreate or replace view a as select 'pledges' as word",
            **PLEDGES,
        },
    )
    assert _names(folder) == ["marts/a", "staging/pledges"]


def test_a_failing_model_is_named_by_its_path(tmp_path):
    folder = _models(tmp_path, {"marts/broken": "create or replace view broken as select * from nowhere"})
    with pytest.raises(MigrationError, match="model marts/broken failed"):
        apply_models(duckdb.connect(), folder)


def test_the_shipped_models_declare_what_they_read():
    folder = sql_dir() / "models"
    models = ordered_models([read_model(p, folder) for p in sorted(folder.rglob("*.sql"))])
    position = {m.name: i for i, m in enumerate(models)}
    assert all(position[dep] < position[m.name] for m in models for dep in m.depends)
    shipped = {m.name: set(m.depends) for m in models}
    assert shipped["marts/donor_totals"] == {"intermediate/pledge_shares"}
    assert {"intermediate/pledge_shares", "macros/money_text"} <= shipped["marts/reconciliation"]
    assert "macros/money_text" in shipped["marts/reference_comparison"]
    assert all(m.path.read_text(encoding="utf-8").startswith("-- depends:") for m in models)
