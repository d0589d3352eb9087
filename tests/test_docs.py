"""Analysts read the warehouse directly: every table and column is described, in the warehouse too,
and the DuckDB their tools ship (the 1.4 long-term-support line) opens it."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from runner.errors import ProjectError
from runner.project import load_project
from tests.tiny_project import write_project

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

# DuckDB 1.4 in an environment of its own, made once and kept between runs.
LTS_VENV = Path(
    os.environ.get("LIS_DUCKDB_LTS_VENV", Path.home() / ".cache" / "lis" / "duckdb-1.4-venv")
)
LTS_REQUIREMENT = "duckdb>=1.4,<1.5"


@pytest.fixture(scope="module")
def warehouse(published):
    """The worked example's publication (conftest.py)."""
    return published


def comments(warehouse):
    """relation -> its comment, and relation -> {column: comment}, of every table and view."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = {}
        for schema, table, column, comment in con.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
            "WHERE NOT internal ORDER BY schema_name, table_name, column_index"
        ).fetchall():
            columns.setdefault(f"{schema}.{table}", {})[column] = comment
        relations = dict(
            con.execute(
                "SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() UNION ALL "
                "SELECT schema_name || '.' || view_name, comment FROM duckdb_views() "
                "WHERE NOT internal"
            ).fetchall()
        )
    return relations, columns


def test_every_model_and_column_is_described_and_the_yaml_matches_the_sql(warehouse):
    project = load_project()
    relations, built = comments(warehouse)
    for node in project.nodes.values():
        documented = [c["name"] for c in node.columns]
        assert node.description and relations[node.relation], node.name
        assert documented == list(built[node.relation]), (
            f"{node.name}: YAML columns differ from the model's"
        )
        assert all(built[node.relation].values()), f"{node.name}: a column without a description"


def test_every_table_and_column_of_the_warehouse_has_a_comment_seeds_and_audit_included(warehouse):
    relations, built = comments(warehouse)
    assert {r.split(".")[0] for r in relations} >= {"marts", "audit", "seeds"}
    assert {r for r, comment in relations.items() if not comment} == set()
    assert {
        f"{relation}.{column}"
        for relation, columns in built.items()
        for column, comment in columns.items()
        if not comment
    } == set()


def test_seed_and_run_record_docs_name_the_columns_the_tables_have(warehouse):
    project = load_project()
    _, built = comments(warehouse)
    assert set(project.seed_docs) == set(project.seeds)
    for name, path in project.seeds.items():
        with path.open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert [c["name"] for c in project.seed_docs[name]["columns"]] == header, name
        assert list(built[f"seeds.{name}"]) == header
    assert set(project.table_docs) == {
        "audit.runs",
        "audit.model_runs",
        "audit.expectation_results",
        "audit.fingerprints",
    }
    for relation, entry in project.table_docs.items():
        assert [c["name"] for c in entry["columns"]] == list(built[relation]), relation


def _lts_python() -> Path:
    """The python of a virtual environment with DuckDB 1.4, created when missing. Outside CI a
    machine without network may skip; in CI (CI=true) not being able to make it is a failure."""
    python = LTS_VENV / "bin" / "python"
    if python.is_file():
        return python
    staging = LTS_VENV.with_name(LTS_VENV.name + f".creating-{os.getpid()}")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(staging)], check=True, timeout=300)
        subprocess.run(
            [str(staging / "bin" / "pip"), "install", "-q", LTS_REQUIREMENT],
            check=True,
            timeout=600,
        )
        staging.rename(LTS_VENV)
    except (OSError, subprocess.SubprocessError) as error:
        message = f"could not make a DuckDB 1.4 environment in {LTS_VENV}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return python


READ_WITH_LTS = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "version": duckdb.__version__,
    "rows": con.execute(
        "select kommunekode, status_date::varchar, indicator, breakdown, breakdown_value, "
        "numerator, denominator, value from marts.indicator_values order by all").fetchall(),
    "comments": con.execute(
        "select column_name, comment from duckdb_columns() "
        "where schema_name = 'marts' and table_name = 'indicator_values' order by column_index"
    ).fetchall(),
}))
"""


def test_duckdb_1_4_reads_the_published_warehouse_and_its_comments(warehouse):
    python = _lts_python()
    done = subprocess.run(
        [str(python), "-c", READ_WITH_LTS, str(warehouse)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["version"].startswith("1.4.")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select kommunekode, status_date::varchar, indicator, breakdown, breakdown_value, "
            "numerator, denominator, value from marts.indicator_values order by all"
        ).fetchall()
    assert len(rows) > 100
    assert [tuple(row) for row in seen["rows"]] == rows
    documented = load_project().nodes["indicator_values"].columns
    assert seen["comments"] == [[c["name"], c["description"].strip()] for c in documented]


def test_storage_version_is_checked(tmp_path):
    root = write_project(tmp_path / "p", {"staging/a": "select 1 as x"})
    project_file = root / "lis_project.yml"
    assert load_project(root).storage_version == "v1.4.0"
    project_file.write_text(project_file.read_text() + "storage_version: '1.4'\n")
    with pytest.raises(ProjectError, match="storage_version must be a DuckDB version"):
        load_project(root)


def test_ci_runs_exactly_the_readmes_test_command():
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8").splitlines()
    command = readme[readme.index("Install and run the tests (what `.ci/run` runs):") + 2].strip()
    assert command.startswith("python3 -m venv .venv && ")
    assert command in (root / ".ci" / "run").read_text(encoding="utf-8").splitlines()
