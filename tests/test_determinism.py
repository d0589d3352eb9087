"""Identical input gives identical output (interface.md): two from-scratch builds of one
multi-municipality extract, with DuckDB running 4 threads, publish the same rows in every table
of `marts`, compared exactly (floats with ==), and `lis export` writes the same CSV bytes.

The extract comes from the project's generator (tools/synth.py): 6 municipalities and about
6,000 grants, at a status date in a year the refusion seed covers, so every indicator is
computed. The project is copied with `duckdb: threads: 4` (lis_project.yml).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from runner.cli import main
from runner.export import FORMATS, export_marts
from runner.project import load_project
from tools.synth import write_extracts

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2022, 11, 23)
THREADS = 4


def project_with_threads(folder: Path, threads) -> Path:
    """A copy of this project whose lis_project.yml sets duckdb.threads."""
    for part in ("models", "macros", "seeds"):
        shutil.copytree(ROOT / part, folder / part)
    settings = yaml.safe_load((ROOT / "lis_project.yml").read_text(encoding="utf-8"))
    settings["duckdb"]["threads"] = threads
    (folder / "lis_project.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("determinism")
    extracts = base / "extracts"
    write_extracts(extracts, grants=6_000, municipalities=6, seed=9, as_of=AS_OF)
    project = project_with_threads(base / "project", THREADS)
    warehouses = []
    for run in ("first", "second"):
        warehouse = base / run / "lis.duckdb"
        warehouse.parent.mkdir()
        args = ["--project", str(project), "build", "--extracts", str(extracts)]
        args += ["--warehouse", str(warehouse), "--full-refresh"]
        # the month before first, so that marts.aendringer compares the two
        month_before = AS_OF.replace(day=1) - timedelta(days=1)
        assert main([*args, "--as-of", month_before.isoformat()]) == 0
        assert main([*args, "--as-of", AS_OF.isoformat()]) == 0
        warehouses.append(warehouse)
    return warehouses[0], warehouses[1]


def marts_tables(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
                "ORDER BY table_name"
            ).fetchall()
        ]
        return {
            name: con.execute(f"SELECT * FROM marts.{name} ORDER BY ALL").fetchall()
            for name in names
        }


def test_every_marts_table_is_equal_row_for_row(two_builds):
    first, second = (marts_tables(w) for w in two_builds)
    assert set(first) == set(second)
    assert {"indicator_values", "ind_06_refusion", "ind_11_udgifter_budget"} <= set(first)
    assert len({row[0] for row in first["indicator_values"]}) == 6  # every municipality
    differing = {}
    for name, rows in first.items():
        other = second[name]
        assert rows, f"marts.{name} is empty: the extract does not exercise it"
        if rows != other:
            differing[name] = [(a, b) for a, b in zip(rows, other, strict=False) if a != b][:3]
    assert not differing, f"tables that differ between two builds: {differing}"


def test_money_is_not_trivially_equal(two_builds):
    # The comparison means something: money indicators carry oere and fractions of a krone.
    with duckdb.connect(str(two_builds[0]), read_only=True) as con:
        fractional = con.execute(
            "SELECT count(*) FROM marts.indicator_values WHERE numerator <> round(numerator) "
            "AND indicator IN ('10', '11', '12', '13', '14', '15')"
        ).fetchall()[0][0]
    assert fractional > 0


def test_every_export_is_equal_byte_for_byte(two_builds, tmp_path):
    project = load_project(ROOT)
    first, second = (
        export_marts(warehouse, tmp_path / name, FORMATS, project)
        for warehouse, name in zip(two_builds, ("first", "second"), strict=True)
    )
    assert [p.name for p in first.files] == [p.name for p in second.files]
    assert {p.suffix for p in first.files} == {".csv", ".parquet", ".xlsx"}
    differing = [
        a.name
        for a, b in zip(first.files, second.files, strict=True)
        if a.read_bytes() != b.read_bytes()
    ]
    assert not differing, f"exports that differ between two builds: {differing}"


def test_a_threads_setting_that_is_no_whole_number_is_a_project_error(tmp_path):
    extracts = tmp_path / "extracts"
    write_extracts(extracts, grants=50, municipalities=1, seed=1, as_of=AS_OF)
    project = project_with_threads(tmp_path / "project", "four")
    warehouse = tmp_path / "lis.duckdb"
    args = ["--project", str(project), "build", "--extracts", str(extracts)]
    assert main(args + ["--as-of", AS_OF.isoformat(), "--warehouse", str(warehouse)]) == 2
    assert not warehouse.exists()
