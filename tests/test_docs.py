"""Analysts read the warehouse directly: every model and column is described, in the warehouse too."""

from pathlib import Path

import duckdb

from runner.cli import main
from runner.project import load_project

SMALL = Path(__file__).parent / "fixtures" / "small" / "extracts"


def test_every_model_and_column_is_described_and_the_yaml_matches_the_sql(tmp_path):
    warehouse = tmp_path / "lis.duckdb"
    assert (
        main(
            [
                "build",
                "--extracts",
                str(SMALL),
                "--as-of",
                "2022-03-31",
                "--warehouse",
                str(warehouse),
            ]
        )
        == 0
    )
    project = load_project()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        built = {}
        for schema, table, column, comment in con.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns()"
        ).fetchall():
            built.setdefault(f"{schema}.{table}", {})[column] = comment
        relation_comments = dict(
            con.execute(
                "SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() UNION ALL "
                "SELECT schema_name || '.' || view_name, comment FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        )
    for node in project.nodes.values():
        documented = [c["name"] for c in node.columns]
        assert node.description and relation_comments[node.relation], node.name
        assert documented == list(built[node.relation]), (
            f"{node.name}: YAML columns differ from the model's"
        )
        assert all(built[node.relation].values()), f"{node.name}: a column without a description"
