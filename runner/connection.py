"""The build's DuckDB connection, with lis_project.yml's `duckdb:` settings: each one takes effect,
or the build is refused before it starts."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .errors import ProjectError
from .project import Project

# Settings DuckDB takes only when opening a database; `SET` answers with this for them.
_OPEN_ONLY = "must be set when opening"


def connect(building: Path, project: Project, warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A connection to the file being built. DuckDB accepts some settings at connect and silently
    ignores them (disabled_compression_methods in 2.0): each is set once more after connecting, so
    it takes effect, or an unknown name or a bad value fails the build naming the setting."""
    config = project.duckdb_config(warehouse)
    try:
        con = duckdb.connect(str(building), config=config)
    except duckdb.IOException:  # the file, not the settings: the build's own handling says which
        raise
    except duckdb.Error as error:
        raise ProjectError(f"lis_project.yml: {_refused(config) or 'duckdb:'}: {error}") from None
    try:
        for name, value in config.items():
            _set(con, name, value)
        _set_threads(con, project.duckdb_settings.get("threads"))
    except BaseException:
        con.close()
        raise
    return con


def _refused(config: dict) -> str | None:
    """The first setting DuckDB refuses on its own, as duckdb.<name> = 'value'."""
    for name, value in config.items():
        try:
            duckdb.connect(":memory:", config={name: value}).close()
        except duckdb.Error:
            return f"duckdb.{name} = {value!r} is refused"
    return None


def _set(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    literal = "'" + value.replace("'", "''") + "'"
    try:
        con.execute(f'SET "{name}" = {literal}')
    except duckdb.Error as error:
        if _OPEN_ONLY not in str(error):
            raise ProjectError(
                f"lis_project.yml: duckdb.{name} = {value!r} is refused: {error}"
            ) from None


def _set_threads(con: duckdb.DuckDBPyConnection, threads) -> None:
    """DuckDB's worker threads from duckdb.threads; unset: DuckDB's default, one per core."""
    if threads is None:
        return
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ProjectError(
            f"lis_project.yml: duckdb.threads must be a whole number >= 1, not {threads!r}"
        )
    con.execute(f"SET threads = {threads}")
