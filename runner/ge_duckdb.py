"""great-expectations (GE) 1.24 on DuckDB: what it takes for GE's SQL execution engine to run on
a cursor of the runner's own connection. It touches GE internals, hence GE's pin to 1.24.x and
the guard tests in tests/test_expectations_on_duckdb.py (../shared/notes/great-expectations.md
tells what was measured).
"""

from __future__ import annotations

import enum
import functools
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def cursor_for(con: duckdb.DuckDBPyConnection, schema: str):
    """A DB-API connection for GE: a new cursor of the runner's connection.

    Its search_path names the table's schema, since GE's SQL names the table alone (a table
    asset's schema_name is deprecated in GE 1.24). The setting is the cursor's own.
    """
    cursor = con.cursor()
    try:
        cursor.execute("SET search_path = ?", [schema])
    except Exception:  # no such schema; don't leave the cursor open
        cursor.close()
        raise
    return autocommit_connection_class()(cursor)


def reflect_from_information_schema(dialect) -> None:
    """Answer GE's reflection of a table from information_schema, on this dialect instance.

    duckdb-engine 0.17 inherits SQLAlchemy 2.1's PostgreSQL reflection, whose pg_catalog
    queries DuckDB rejects (no pg_collation, no REGCLASS) after ≈35 ms per table, a third of
    a small table's gate; GE then lists the columns with `SELECT * ... LIMIT 1`. GE needs the
    column names only; the types stay unknown (NullType) as they did after that fallback. The
    dialect belongs to one schema's datasource, so one query lists the columns of all its tables.
    """
    from sqlalchemy.types import NULLTYPE

    listed: dict[str | None, dict[str, list[str]]] = {}

    def get_columns(connection, table_name, schema=None, **kw):
        if schema not in listed:
            listed[schema] = {}
            for table, column in connection.exec_driver_sql(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_catalog = current_database()"
                " AND table_schema = coalesce($1, current_schema())"
                " ORDER BY table_name, ordinal_position",
                (schema,),
            ).fetchall():
                listed[schema].setdefault(table, []).append(column)
        return [
            {"name": name, "type": NULLTYPE, "nullable": True, "default": None}
            for name in listed[schema].get(str(table_name), [])
        ]

    dialect.get_columns = get_columns
    dialect.get_pk_constraint = lambda *args, **kw: {"constrained_columns": [], "name": None}


@functools.cache
def autocommit_connection_class():
    """duckdb-engine's connection wrapper, minus the BEGIN it issues for each SQLAlchemy
    transaction.

    On GE's one persisted connection that BEGIN would make a whole validation one DuckDB
    transaction, and the first SQL error in it (one broken expectation) would abort it and
    fail every later query of the table's other expectations. Without it each query commits
    on its own; GE only reads.
    """
    import duckdb_engine

    class AutocommitConnection(duckdb_engine.ConnectionWrapper):
        def begin(self) -> None:
            pass

    return AutocommitConnection


def import_great_expectations():
    """Import, quieten and fix GE; idempotent."""
    import great_expectations as gx

    # GE logs SQL failures with tracebacks, which the results already carry, and chatter
    # such as each context's set-up; some of its modules set their own level, so the
    # whole tree is cut off rather than raised to a level.
    ge_logger = logging.getLogger("great_expectations")
    if not ge_logger.handlers:
        ge_logger.addHandler(logging.NullHandler())  # else Python's last-resort handler prints
    ge_logger.propagate = False
    fix_ge_for_duckdb()
    return gx


class _Dialect(enum.StrEnum):
    """Stands in for the GXSqlDialect member duckdb lacks: equal to its name, with a .value."""

    DUCKDB = "duckdb"


def fix_ge_for_duckdb() -> None:
    """Make GE 1.24's SQL execution engine work with duckdb-engine; idempotent.

    It touches GE internals, hence GE's pin to 1.24.x and the guard test in
    tests/test_expectations_on_duckdb.py.

    1. GE fetches query results after its `with engine.connect()` block has closed; in
       duckdb-engine the cursor is the connection, so the rollback on close discards them and
       every expectation fails with "list index out of range" (GE issues #10738, #11579). GE
       keeps one persisted connection for the dialects in _PERSISTED_CONNECTION_DIALECTS
       (SQLite and others): add duckdb.
    2. GE builds regex SQL from the engine's dialect_module, which it leaves None for dialects
       it does not know ("Regex is not supported for dialect duckdb"). duckdb-engine's dialect
       is PostgreSQL's and DuckDB understands PostgreSQL's `~`, so use SQLAlchemy's postgresql.
    """
    from great_expectations.execution_engine import sqlalchemy_execution_engine as sae
    from sqlalchemy.dialects import postgresql

    if _Dialect.DUCKDB not in sae._PERSISTED_CONNECTION_DIALECTS:
        sae._PERSISTED_CONNECTION_DIALECTS += (_Dialect.DUCKDB,)

    engine_class = sae.SqlAlchemyExecutionEngine
    if getattr(engine_class.__init__, "fixed_for_duckdb", False):
        return
    original_init = engine_class.__init__

    @functools.wraps(original_init)
    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if self.dialect_name == _Dialect.DUCKDB and self.dialect_module is None:
            self.dialect_module = postgresql

    __init__.fixed_for_duckdb = True
    engine_class.__init__ = __init__
