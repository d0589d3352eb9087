"""Exporting the published marts for reporting: Parquet for Power BI, CSV that Danish Excel opens,
and one XLSX workbook with a sheet per mart.

An export is a set: every mart of one publication, in every format asked for, written into a new
folder and swapped in as `<out>/<status date>`; `<out>/latest` then points at it, so a report
that reads `latest` never sees half a set. Each mart becomes a `Table` (its query, sort key and
column docs); a transform given to `export_marts` may rewrite each table before it is written, or
leave it out (None): `lis export --discreet` passes runner/discretion.py's.
"""

from __future__ import annotations

import os
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from . import owned
from .errors import InputError, UsageError
from .project import Project
from .sql import literal

FORMATS = ("parquet", "csv", "xlsx")
LATEST = "latest"
COMMAND = "lis export"
WORKBOOK = "marts.xlsx"
XLSX_MAX_ROWS = 1_048_575  # a sheet's rows, less the header
SHEET_NAME_MAX = 31  # Excel's limit
BOM = "\ufeff"
XLSX_REPLACEMENT = "\ufffd"  # for a character an xlsx cannot hold
# Text starting with one of these is a formula to Excel or LibreOffice (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"integer": "#,##0", "decimal": "#,##0.00", "date": "yyyy-mm-dd"}
PERCENT = "0.0%"  # a share (an indicator whose unit is andel) as Excel shows percentages
_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT")
_INTEGER_TYPES += ("UINTEGER", "UBIGINT", "UHUGEINT")


@dataclass(frozen=True)
class Column:
    name: str  # the export's name (CSV and Parquet header)
    label: str  # the XLSX header
    description: str


@dataclass(frozen=True)
class Table:
    """One mart as exported: `query` selects its rows under the export's column names, unordered;
    writers order them by `order_by`."""

    name: str
    description: str
    columns: tuple[Column, ...]
    query: str
    order_by: tuple[str, ...]


Transform = Callable[[duckdb.DuckDBPyConnection, Table], Table | None]


@dataclass(frozen=True)
class Export:
    folder: Path  # <out>/<status date>
    files: tuple[Path, ...]


def parse_formats(text: str) -> tuple[str, ...]:
    """'csv,xlsx' -> ('csv', 'xlsx'); for argparse."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats are {', '.join(FORMATS)} (comma-separated), not {text!r}")
    return formats


def export_marts(
    warehouse: Path,
    out_dir: Path,
    formats: tuple[str, ...],
    project: Project,
    transform: Transform | None = None,
) -> Export:
    """Write every table of schema marts in each format to a new folder <out_dir>/<status date>,
    swapped in whole, and point <out_dir>/latest at it."""
    if not warehouse.is_file():
        raise InputError(f"{warehouse}: no published warehouse (run lis build first)")
    latest = out_dir / LATEST
    if latest.exists() and not latest.is_symlink():
        raise UsageError(f"{latest}: not the symlink lis export keeps there; move it away")
    out_dir.mkdir(parents=True, exist_ok=True)
    # what a killed export left: a set half written, or one already replaced
    owned.remove_stale(out_dir, [".*.building-*", ".*.replaced-*"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        status_date = _status_date(con, warehouse)
        owned.check_replaceable(out_dir / status_date.isoformat(), COMMAND)
        with owned.new_folder(out_dir, f".{status_date}.building-") as building:
            tables = [transform(con, t) if transform else t for t in _tables(con, project)]
            tables = [t for t in tables if t is not None]
            files = []
            for fmt in formats:
                if fmt == "xlsx":
                    files.append(_xlsx(con, tables, building / WORKBOOK, status_date))
                    continue
                for table in tables:
                    path = building / f"{table.name}.{fmt}"
                    _WRITERS[fmt](con, table, path)
                    files.append(path)
            owned.write_list(building)
            folder = _swap_in(building, out_dir, status_date.isoformat())
    return Export(folder, tuple(folder / f.name for f in files))


def _status_date(con, warehouse: Path) -> date:
    (found,) = con.execute("SELECT max(status_date) FROM marts.indicator_values").fetchall()[0]
    if found is None:
        raise InputError(f"{warehouse}: marts.indicator_values is empty: nothing to export")
    return found


def _tables(con, project: Project) -> list[Table]:
    """Each mart under the export's names, with its documentation from the warehouse's comments
    and its sort key from the uniqueness expectation of its YAML (else every column)."""
    comments = dict(
        con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchall()
    )
    columns_of = {}
    for table, column, comment in con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() "
        "WHERE schema_name = 'marts' ORDER BY table_name, column_index"
    ).fetchall():
        columns_of.setdefault(table, []).append((column, comment or ""))
    tables = []
    for name in sorted(comments):
        names = {c: project.export_column_names.get(c, c) for c, _ in columns_of[name]}
        key = _key(project, name) or [c for c, _ in columns_of[name]]
        rest = [c for c, _ in columns_of[name] if c not in key]
        tables.append(
            Table(
                name=name,
                description=comments[name] or "",
                columns=tuple(
                    Column(names[c], project.export_labels.get(names[c], names[c]), doc)
                    for c, doc in columns_of[name]
                ),
                query="SELECT "
                + ", ".join(f"{_ident(c)} AS {_ident(names[c])}" for c, _ in columns_of[name])
                + f" FROM marts.{_ident(name)}",
                order_by=tuple(names[c] for c in [*key, *rest]),
            )
        )
    return tables


def _key(project: Project, table: str) -> list[str]:
    node = project.nodes.get(table)
    for spec in node.expectations if node else ():
        if spec.type == "expect_compound_columns_to_be_unique":
            return list(spec.kwargs["column_list"])
        if spec.type == "expect_column_values_to_be_unique":
            return [spec.kwargs["column"]]
    return []


def _ordered(table: Table, select: str = "*") -> str:
    """The table's rows in key order; the key's own values, not what `select` makes of them."""
    order = ", ".join(f"mart.{_ident(c)}" for c in table.order_by)
    return f"SELECT {select} FROM ({table.query}) AS mart ORDER BY {order}"


def _types(con, table: Table) -> list[tuple[str, str]]:
    return con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table.query})").fetchall()


def _parquet(con, table: Table, path: Path) -> None:
    """Parquet is typed: text stays text in every tool that reads it (Power BI, Power Query), so
    values are written as they are. The descriptions go in the file's key-value metadata:
    `description` (the table's) and `description:<column>`."""
    metadata = {"description": table.description} | {
        f"description:{c.name}": c.description for c in table.columns
    }
    kv = ", ".join(f"{literal(k)}: {literal(v)}" for k, v in metadata.items())
    con.execute(
        f"COPY ({_ordered(table)}) TO {literal(str(path))} (FORMAT parquet, KV_METADATA {{{kv}}})"
    )


def _csv(con, table: Table, path: Path) -> None:
    """Danish Excel opens a CSV by double-click when it is ';'-separated with a decimal comma; the
    BOM tells it the file is UTF-8 (æ, ø, å). Numbers keep six decimals, the contract's precision.
    Text that Excel would take for a formula gets a leading ' (OWASP's advice): it shows as text."""
    select = ", ".join(_csv_value(name, data_type) for name, data_type in _types(con, table))
    body = path.with_suffix(".body")
    con.execute(f"COPY ({_ordered(table, select)}) TO {literal(str(body))} (HEADER, DELIMITER ';')")
    with (
        path.open("w", encoding="utf-8", newline="") as out,
        body.open(encoding="utf-8", newline="") as text,
    ):
        out.write(BOM)
        while chunk := text.read(1 << 20):
            out.write(chunk)
    body.unlink()


def _csv_value(name: str, data_type: str) -> str:
    column = _ident(name)
    if data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL"):
        return f"replace(rtrim(rtrim(printf('%.6f', {column}), '0'), '.'), '.', ',') AS {column}"
    if data_type == "VARCHAR":
        starts = ", ".join(literal(c) for c in FORMULA_STARTS)
        return (
            f"CASE WHEN left({column}, 1) IN ({starts}) THEN '''' || {column} ELSE {column} END "
            f"AS {column}"
        )
    return column


def _xlsx(con, tables: list[Table], path: Path, status_date: date) -> Path:
    """One workbook, a sheet per mart: dates as dates, numbers as numbers, every text as a text cell
    (never a formula), the header row frozen and filtered, columns as wide as their contents."""
    workbook = openpyxl.Workbook(write_only=True)
    for table, sheet_name in zip(tables, _sheet_names([t.name for t in tables]), strict=True):
        rows = con.execute(f"SELECT count(*) FROM ({table.query})").fetchall()[0][0]
        if rows > XLSX_MAX_ROWS:
            raise InputError(
                f"marts.{table.name}: {rows:,} rows do not fit in an xlsx sheet; "
                "export it as parquet or csv"
            )
        types = _types(con, table)
        kinds = [_kind(data_type) for _, data_type in types]
        sheet = workbook.create_sheet(sheet_name)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(types))}{rows + 1}"
        for index, width in enumerate(_widths(con, table, types, kinds), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([_text_cell(sheet, column.label) for column in table.columns])
        share = _share_column(con, table)
        result = con.execute(_ordered(table))
        while batch := result.fetchmany(10_000):
            for row in batch:
                cells = [_cell(sheet, v, k) for v, k in zip(row, kinds, strict=True)]
                if share and share[1](row) and row[share[0]] is not None:
                    cells[share[0]].number_format = PERCENT
                sheet.append(cells)
    workbook.save(path)
    _fix_timestamps(path, status_date)
    return path


def _fix_timestamps(path: Path, when: date) -> None:
    """An xlsx is a zip with the time of writing in every entry and in its properties; the status
    date in their place makes two exports of one publication the same bytes."""
    stamp = f"{when.isoformat()}T00:00:00Z"
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                    lambda m: m.group(1) + stamp.encode(),
                    data,
                )
            target.writestr(
                zipfile.ZipInfo(
                    info.filename, date_time=(when.year, when.month, when.day, 0, 0, 0)
                ),
                data,
                zipfile.ZIP_DEFLATED,
            )


def _sheet_names(tables: list[str]) -> list[str]:
    """Excel's sheet names: at most 31 characters, unique (case-insensitively)."""
    names, seen = [], set()
    for table in tables:
        name, n = table[:SHEET_NAME_MAX], 1
        while name.lower() in seen:
            n += 1
            name = f"{table[: SHEET_NAME_MAX - len(str(n)) - 1]}~{n}"
        seen.add(name.lower())
        names.append(name)
    return names


def _kind(data_type: str) -> str:
    if data_type in _INTEGER_TYPES:
        return "integer"
    if data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL"):
        return "decimal"
    if data_type == "DATE":
        return "date"
    return "text"


def _widths(con, table: Table, types, kinds) -> list[float]:
    """Each column as wide as its header or longest value (numbers as shown, with thousands
    separators and two decimals), within 8 and 60 characters."""
    lengths = ", ".join(
        f"max(length({_ident(name)}::VARCHAR))"
        if kind != "decimal"
        else f"max(length(printf('%,.2f', {_ident(name)})))"
        for (name, _), kind in zip(types, kinds, strict=True)
    )
    longest = con.execute(f"SELECT {lengths} FROM ({table.query})").fetchall()[0]
    shown = [
        (n or 0) + (n or 0) // 3 if kind == "integer" else (n or 0)
        for n, kind in zip(longest, kinds, strict=True)
    ]
    return [
        min(60, max(8, len(column.label) + 3, n + 2))
        for column, n in zip(table.columns, shown, strict=True)
    ]


def _cell(sheet, value, kind: str) -> WriteOnlyCell:
    if kind == "text":
        return _text_cell(sheet, value)
    cell = WriteOnlyCell(sheet, value)
    # a whole number (a count, whole kroner) without decimals, also in a decimal column
    whole = kind == "decimal" and value is not None and value == int(value)
    cell.number_format = NUMBER_FORMATS["integer" if whole else kind]
    return cell


def _share_column(con, table: Table):
    """The value column of a sheet whose rows may be shares, and which rows are: those of an
    indicator whose varedeklaration unit is andel, except its per-capita rows (kroner)."""
    names = [c.name for c in table.columns]
    known = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' "
        "and table_name = 'varedeklaration'"
    ).fetchone()[0]
    if "value" not in names or not known:
        return None
    shares = con.execute(
        "select indicator, model from marts.varedeklaration where enhed = 'andel'"
    ).fetchall()
    indicators, models = {i for i, _ in shares}, {m for _, m in shares}
    value = names.index("value")
    breakdown = names.index("breakdown") if "breakdown" in names else None
    indicator = names.index("indicator") if "indicator" in names else None
    if indicator is None and table.name not in models:
        return None

    def is_share(row: tuple) -> bool:
        if breakdown is not None and str(row[breakdown]).startswith("pr_"):
            return False
        return indicator is None or row[indicator] in indicators

    return value, is_share


def _text_cell(sheet, value) -> WriteOnlyCell:
    """A string cell, never a formula; one that Excel would read as a formula when edited gets the
    quote prefix, so it stays text. A control character, which an xlsx cannot hold, shows as
    U+FFFD (the replacement character) instead of failing the export."""
    text = None if value is None else ILLEGAL_CHARACTERS_RE.sub(XLSX_REPLACEMENT, str(value))
    cell = WriteOnlyCell(sheet, text)
    if value is not None:
        cell.data_type = "s"
        if str(value).startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def _swap_in(building: Path, out_dir: Path, status_date: str) -> Path:
    """Rename the finished folder to <status date> (replacing an earlier export of that date, and
    nothing else: runner/owned.py) and point `latest` at it; the symlink is replaced atomically."""
    folder = out_dir / status_date
    with owned.swapping(out_dir):
        owned.check_replaceable(folder, COMMAND)
        with owned.set_aside(folder, f".{status_date}.replaced-"):
            building.rename(folder)
            pointer = out_dir / f".{LATEST}.{uuid.uuid4().hex[:8]}"
            pointer.symlink_to(status_date, target_is_directory=True)
            os.replace(pointer, out_dir / LATEST)
    return folder


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_WRITERS = {"parquet": _parquet, "csv": _csv}
