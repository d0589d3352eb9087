"""The input contract as models/sources.yml declares it, read in one place: an extract's columns,
required columns, fixed widths, reason codes and first date."""

from __future__ import annotations

from pathlib import Path

from .errors import ProjectError

TYPES = ("text", "date", "decimal", "boolean", "year", "integer")
COLUMN_KEYS = {"name", "type", "required", "width", "description"}


def check(path: Path, tables: list[dict]) -> None:
    """Refuse an entry the readers below would misread: an unknown type or key, a width that is
    not a whole number, a first date that is not a date column."""
    for table in tables:
        where = f"{path}: extract {table.get('name')}"
        for column in table.get("columns") or []:
            _check_column(f"{where}: column {column.get('name')}", column)
        first = table.get("first_date")
        if first is not None and first not in columns(table, of_type="date"):
            raise ProjectError(f"{where}: first_date {first!r} is not one of its date columns")


def _check_column(where: str, column: dict) -> None:
    unknown = set(column) - COLUMN_KEYS
    if unknown:
        raise ProjectError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if column.get("type", "text") not in TYPES:
        raise ProjectError(f"{where}: type {column['type']!r} is not one of {', '.join(TYPES)}")
    width = column.get("width")
    if width is not None and (isinstance(width, bool) or not isinstance(width, int)):
        raise ProjectError(f"{where}: width must be a whole number, not {width!r}")


def table(tables: list[dict], extract: str) -> dict:
    for entry in tables:
        if entry["name"] == extract:
            return entry
    raise ProjectError(f"models/sources.yml declares no extract '{extract}'")


def columns(entry: dict, required: bool = False, of_type: str | None = None) -> list[str]:
    """The extract's columns in the contract's order; only the required ones, or one type's."""
    return [
        column["name"]
        for column in entry["columns"]
        if (column.get("required") or not required)
        and (of_type is None or column.get("type", "text") == of_type)
    ]


def widths(entry: dict) -> dict[str, int]:
    return {column["name"]: column["width"] for column in entry["columns"] if "width" in column}


def reason_codes(tables: list[dict], extract: str | None = None) -> list[str]:
    """The reason codes one extract's rows can earn, or (no extract) any row of any extract, in
    the contract's order."""
    if extract is not None:
        return list(table(tables, extract).get("reasons") or [])
    codes = []
    for entry in tables:
        codes += [code for code in entry.get("reasons") or [] if code not in codes]
    return codes


def first_dates(tables: list[dict]) -> dict[str, str]:
    """stg_<extract> -> the column where its extract's dates begin."""
    return {f"stg_{t['name']}": t["first_date"] for t in tables if t.get("first_date")}
