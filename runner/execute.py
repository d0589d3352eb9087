"""Running models in DuckDB: seeds first, then each model as a table or view, with timings and row counts."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .compile import SEED_SCHEMA
from .errors import ExecutionError
from .project import Node


@dataclass(frozen=True)
class ModelResult:
    node: Node
    rows: int | None
    seconds: float


def load_seeds(con: duckdb.DuckDBPyConnection, seeds: dict[str, Path]) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SEED_SCHEMA}")
    for name, path in seeds.items():
        try:
            # all_varchar keeps codes such as '085' or '107' as text; models cast what they compute with.
            con.execute(
                f"CREATE OR REPLACE TABLE {SEED_SCHEMA}.{name} AS "
                "SELECT * FROM read_csv(?, header = true, all_varchar = true)",
                [str(path)],
            )
        except duckdb.Error as error:
            raise ExecutionError(f"seeds/{path.name}: {str(error).splitlines()[0]}") from error


def run_model(con: duckdb.DuckDBPyConnection, node: Node) -> ModelResult:
    started = time.perf_counter()
    kind = "VIEW" if node.materialized == "view" else "TABLE"
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {node.schema}")
    try:
        con.execute(f"CREATE OR REPLACE {kind} {node.relation} AS\n{node.compiled_sql}")
        rows = (
            None
            if kind == "VIEW"
            else con.execute(f"SELECT count(*) FROM {node.relation}").fetchall()[0][0]
        )
        _document(con, node, kind)
    except duckdb.Error as error:
        raise ExecutionError(f"{node.path.name}: {str(error).splitlines()[0]}") from error
    return ModelResult(node, rows, time.perf_counter() - started)


def _document(con: duckdb.DuckDBPyConnection, node: Node, kind: str) -> None:
    """The YAML's descriptions as DuckDB comments, so an analyst finds them in the warehouse itself
    (duckdb_tables(), duckdb_views(), duckdb_columns())."""
    if node.description:
        con.execute(f"COMMENT ON {kind} {node.relation} IS {_literal(node.description)}")
    for column in node.columns:
        if column.get("description"):
            con.execute(
                f"COMMENT ON COLUMN {node.relation}.{column['name']} IS {_literal(column['description'])}"
            )


def _literal(text: str) -> str:
    return "'" + str(text).strip().replace("'", "''") + "'"
