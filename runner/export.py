"""Exporting the published marts for reporting: Parquet, CSV that Danish Excel opens, and XLSX."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .errors import InputError

FORMATS = ("parquet", "csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # a sheet's rows, less the header
BOM = "\ufeff"


def export_marts(warehouse: Path, out_dir: Path, fmt: str) -> list[Path]:
    """Write every table of schema marts to out_dir as <table>.<fmt>, rows sorted by their key
    (every mart's leading columns), so the same marts give the same bytes; return the files."""
    if not warehouse.is_file():
        raise InputError(f"{warehouse}: no published warehouse (run lis build first)")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
                "ORDER BY table_name"
            ).fetchall()
        ]
        for table in tables:
            path = out_dir / f"{table}.{fmt}"
            _WRITERS[fmt](con, f"marts.{table}", path)
            written.append(path)
    return written


def _parquet(con, relation: str, path: Path) -> None:
    con.execute(
        f"COPY (SELECT * FROM {relation} ORDER BY ALL) TO '{_quoted(path)}' (FORMAT parquet)"
    )


def _csv(con, relation: str, path: Path) -> None:
    """Danish Excel opens a CSV by double-click when it is ';'-separated with a decimal comma; the
    BOM tells it the file is UTF-8 (æ, ø, å). Numbers keep six decimals, the contract's precision."""
    columns = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {relation})").fetchall()
    select = ", ".join(
        f"replace(rtrim(rtrim(printf('%.6f', \"{name}\"), '0'), '.'), '.', ',') AS \"{name}\""
        if data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL")
        else f'"{name}"'
        for name, data_type in columns
    )
    body = path.with_suffix(".body")
    con.execute(
        f"COPY (SELECT {select} FROM {relation} ORDER BY ALL) TO '{_quoted(body)}' "
        "(HEADER, DELIMITER ';')"
    )
    with (
        path.open("w", encoding="utf-8", newline="") as out,
        body.open(encoding="utf-8", newline="") as text,
    ):
        out.write(BOM)
        while chunk := text.read(1 << 20):
            out.write(chunk)
    body.unlink()


def _xlsx(con, relation: str, path: Path) -> None:
    rows = con.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0]
    if rows > XLSX_MAX_ROWS:
        raise InputError(
            f"{relation}: {rows:,} rows do not fit in an xlsx sheet; export it as parquet or csv"
        )
    con.execute(f"SELECT * FROM {relation} ORDER BY ALL").df().to_excel(
        path, index=False, sheet_name=relation.split(".")[1][:31]
    )


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


_WRITERS = {"parquet": _parquet, "csv": _csv, "xlsx": _xlsx}
