"""Reading extract files in every dialect of the input contract into raw.<extract>.

raw.<extract> holds the contract's columns as trimmed text (empty = NULL), plus `_file` (the
file's name) and `_line` (where the row is in that file: the header is line 1, so the first
data row is 2; for xlsx the sheet's row number; for parquet, which has no header, the row's
index + 1). Parsing the text into types is the staging models' job, so that every rule about
a value lives in SQL and reports through the quarantine.

A CSV line number counts records: DuckDB skips a blank line and reads a quoted line break as
part of its field, so after either the number is one off per such line.

`raw` is an in-memory database attached to the build's connection, not a schema of the
warehouse file: the extract files themselves are the record of what came in, writing a second
copy into the file cost more than reading them, and CPR numbers in clear then live only as
long as the build. Each file is read in one scan into a table of its own; raw.<extract> is
the view that puts an extract's files together.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import tempfile
from pathlib import Path

import duckdb
import openpyxl
import pyarrow

from .errors import InputError

SCHEMA = "raw"
EXTENSIONS = (".csv", ".parquet", ".xlsx")
# _line of a file's rows, over the table the file was read into. A table created from one scan
# keeps the file's order in its rowid (preserve_insertion_order, DuckDB's default), which numbers
# the lines without per-row Python. xlsx skips empty rows, so it carries the sheet's row numbers.
LINE = {".csv": "rowid + 2", ".parquet": "rowid + 1", ".xlsx": "_line"}
# A code stored as a number in parquet or xlsx has lost its leading zeros: pad it back.
FIXED_WIDTH = {"betalingskommune": 3, "cpr": 10}
# Windows-1252 differs from Latin-1 only in these bytes; without them DuckDB's own
# latin-1 decoding reads a cp1252 file correctly and no transcoding is needed.
C1_BYTES = bytes(range(0x80, 0xA0))
# An override's encoding, by Python's codec name, as this loader reads it.
ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp1252": "cp1252", "iso8859-1": "latin-1"}
INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}
XLSX_FRAME = "_xlsx_frame"


class ExtractError(InputError):
    """An extract is missing, cannot be read, or lacks a required column. One line, naming the file."""


def load_extracts(
    con: duckdb.DuckDBPyConnection,
    extracts_dir: Path,
    sources: list[dict],
    overrides: dict | None = None,
) -> dict[str, int]:
    """Load every extract file into raw.<extract> (schema raw), return rows loaded per extract.

    `sources` is the `tables` list of models/sources.yml; `overrides` maps an extract to
    {delimiter, encoding} for its CSV files, from lis_project.yml's `extracts:`.
    """
    overrides = overrides or {}
    files = extract_files(extracts_dir, [table["name"] for table in sources])
    con.execute(f"DETACH DATABASE IF EXISTS {SCHEMA}")
    con.execute(f"ATTACH ':memory:' AS {SCHEMA}")
    loaded = {}
    for table in sources:
        name = table["name"]
        if not files[name] and table.get("required"):
            raise ExtractError(
                f"{extracts_dir / name}*.csv|.parquet|.xlsx: the required extract "
                f"'{name}' is missing (no file whose name starts with '{name}')"
            )
        columns = [column["name"] for column in table["columns"]]
        required = [column["name"] for column in table["columns"] if column.get("required")]
        options = _csv_options(name, overrides.get(name) or {})
        parts = []
        for i, path in enumerate(files[name], start=1):
            file_table = f"{SCHEMA}._{name}_{i}"
            _load_file(con, path, file_table, name, columns, required, options)
            parts.append(
                f"SELECT {', '.join(columns)}, {_literal(path.name)} AS _file, "
                f"{LINE[path.suffix.lower()]} AS _line FROM {file_table}"
            )
        if not parts:  # an optional extract without files is an empty one
            nulls = ", ".join(f"CAST(NULL AS VARCHAR) AS {column}" for column in columns)
            parts.append(
                f"SELECT {nulls}, CAST(NULL AS VARCHAR) AS _file, CAST(NULL AS BIGINT) AS _line WHERE false"
            )
        con.execute(f"CREATE VIEW {SCHEMA}.{name} AS " + "\nUNION ALL\n".join(parts))
        loaded[name] = con.execute(f"SELECT count(*) FROM {SCHEMA}.{name}").fetchall()[0][0]
    return loaded


def extract_files(extracts_dir: Path, names: list[str]) -> dict[str, list[Path]]:
    """Each extract's files, sorted by name. A file belongs to the longest extract name it
    starts with, so that no extract picks up another's files even if one name prefixes another.
    Names and extensions are compared case-insensitively, as Windows, where the files come from, does."""
    found = {name: [] for name in names}
    for path in sorted(extracts_dir.iterdir()):
        lower = path.name.lower()
        if not path.is_file() or not lower.endswith(EXTENSIONS):
            continue
        owners = [name for name in names if lower.startswith(name.lower())]
        if owners:
            found[max(owners, key=len)].append(path)
    return found


def _csv_options(extract: str, override: dict) -> dict:
    unknown = set(override) - {"delimiter", "encoding"}
    if unknown:
        raise ExtractError(
            f"lis_project.yml: extracts.{extract}: unknown option(s) {', '.join(sorted(unknown))} "
            "(known: delimiter, encoding)"
        )
    options = dict(override)
    if "encoding" in options:
        try:
            options["encoding"] = ENCODINGS[codecs.lookup(options["encoding"]).name]
        except (LookupError, KeyError):
            raise ExtractError(
                f"lis_project.yml: extracts.{extract}: encoding {options['encoding']!r} is not "
                "one of utf-8, cp1252, latin-1"
            ) from None
    return options


def _load_file(
    con,
    path: Path,
    table: str,
    extract: str,
    columns: list[str],
    required: list[str],
    options: dict,
) -> None:
    """Read one file into `table` in one scan: the contract's columns as trimmed text (plus _line for xlsx)."""
    suffix = path.suffix.lower()
    try:
        with tempfile.TemporaryDirectory(prefix="lis-") as scratch:
            if suffix == ".csv":
                source, params, text = _csv_reader(path, options, Path(scratch))
            elif suffix == ".parquet":
                source, params = "read_parquet(?)", [str(path)]
                described = con.execute(f"DESCRIBE SELECT * FROM {source}", params).fetchall()
                text = _by_header(
                    path,
                    [(name, _typed_as_text(name, data_type)) for name, data_type, *_ in described],
                )
            else:
                header, frame = _xlsx_frame(path)
                con.register(XLSX_FRAME, frame)
                source, params, text = (
                    XLSX_FRAME,
                    [],
                    _by_header(path, [(n, f"c{i}") for i, n in enumerate(header)]),
                )
            missing = [column for column in required if column not in text]
            if missing:
                raise ExtractError(
                    f"{path.name}: the required column '{missing[0]}' of extract '{extract}' is "
                    f"missing (columns found: {', '.join(text) or 'none'})"
                )
            values = [
                f"nullif(trim({text[c]}), '') AS {c}"
                if c in text
                else f"CAST(NULL AS VARCHAR) AS {c}"
                for c in columns
            ]
            if suffix == ".xlsx":
                values.append("_line")
            con.execute(f"CREATE TABLE {table} AS SELECT {', '.join(values)} FROM {source}", params)
    except (duckdb.Error, OSError) as error:
        raise ExtractError(f"{path.name}: cannot be read: {_reason(error)}") from error
    finally:
        if suffix == ".xlsx":
            con.unregister(XLSX_FRAME)


def _csv_reader(path: Path, options: dict, scratch: Path) -> tuple[str, list, dict[str, str]]:
    """read_csv for this file, with its delimiter and encoding detected unless the project sets them.

    The header is read here and the columns are given to DuckDB by position: its sniffer, left to
    itself, silently skips a header whose column count differs from the rows', and then reads
    every line number wrong; told the columns, it reports such a file with the line at fault."""
    with path.open("rb") as file:
        first = file.readline()
    if not first.strip():
        raise ExtractError(f"{path.name}: the file is empty (no header row)")
    delimiter = options.get("delimiter") or (";" if first.count(b";") > first.count(b",") else ",")
    encoding = options.get("encoding") or ("utf-8" if _is_utf8(path) else "cp1252")
    header = next(
        csv.reader(
            [first.decode("utf-8-sig" if encoding == "utf-8" else encoding, "replace")],
            delimiter=delimiter,
            quotechar='"',
        )
    )
    if encoding == "cp1252":
        if _has_c1_bytes(path):
            path = _transcode_to_utf8(path, scratch)
            encoding = "utf-8"
        else:
            encoding = "latin-1"
    positions = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    reader = (
        f"read_csv(?, delim = ?, header = true, quote = '\"', escape = '\"', encoding = ?, "
        f"auto_detect = false, columns = {positions})"
    )
    return (
        reader,
        [str(path), delimiter, encoding],
        _by_header(path, [(n, f"c{i}") for i, n in enumerate(header)]),
    )


def _by_header(path: Path, columns: list[tuple[str, str]]) -> dict[str, str]:
    """Lowercased, trimmed header name -> the SQL that reads its column. An unnamed column is
    left out; a name given twice is an error, as either column could be the one meant."""
    text = {}
    for name, sql in columns:
        key = name.strip().lower()
        if not key:
            continue
        if key in text:
            raise ExtractError(f"{path.name}: the column '{key}' appears twice in the header")
        text[key] = sql
    return text


def _typed_as_text(name: str, data_type: str) -> str:
    """SQL giving a typed parquet value the text a CSV would carry: '2022-01-31', '751', '2500.5'."""
    column = '"' + name.replace('"', '""') + '"'
    width = FIXED_WIDTH.get(name.strip().lower())
    if data_type == "VARCHAR":
        return column
    if data_type == "DATE" or data_type.startswith("TIMESTAMP"):
        return f"strftime({column}, '%Y-%m-%d')"
    if data_type in INTEGER_TYPES:
        text = f"CAST({column} AS VARCHAR)"
    elif data_type in ("FLOAT", "DOUBLE") or data_type.startswith("DECIMAL"):
        # 2500.0 reads as '2500', not '2500.0', so that an integral id or code keeps its form.
        text = (
            f"CASE WHEN {column} = trunc({column}) THEN CAST(CAST({column} AS HUGEINT) AS VARCHAR) "
            f"ELSE CAST({column} AS VARCHAR) END"
        )
    else:
        return f"CAST({column} AS VARCHAR)"  # booleans become 'true'/'false', which staging reads
    return f"lpad({text}, {width}, '0')" if width else text


def _xlsx_frame(path: Path) -> tuple[list[str], pyarrow.Table]:
    """The first sheet's header (row 1), and its rows as text columns c0, c1 ... plus _line. Cells
    are made text in Python (openpyxl yields them one by one anyway), as a column may mix types."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            header = ["" if cell is None else str(cell) for cell in next(rows, ())]
            widths = [FIXED_WIDTH.get(name.strip().lower()) for name in header]
            lines, data = [], [[] for _ in header]
            # Rows are numbered as the sheet numbers them; openpyxl yields empty rows for gaps.
            for line, row in enumerate(rows, start=2):
                if all(cell is None or cell == "" for cell in row):
                    continue  # an empty or merely formatted row is not a data row
                lines.append(line)
                for i, width in enumerate(widths):
                    data[i].append(_cell_text(row[i] if i < len(row) else None, width))
        finally:
            workbook.close()
    except (
        Exception
    ) as error:  # openpyxl raises zipfile, KeyError and XML errors alike for a bad file
        raise ExtractError(
            f"{path.name}: cannot be read as an xlsx workbook: {_reason(error)}"
        ) from error
    arrays = [pyarrow.array(values, pyarrow.string()) for values in data]
    frame = pyarrow.table(
        [*arrays, pyarrow.array(lines, pyarrow.int64())],
        names=[*(f"c{i}" for i in range(len(header))), "_line"],
    )
    return header, frame


def _cell_text(value, width: int | None) -> str | None:
    """An xlsx cell as the text a CSV would carry; mirrors _typed_as_text for parquet."""
    if value is None:
        return None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = str(int(value)) if float(value).is_integer() else repr(value)
        return text.zfill(width) if width else text
    return str(value)


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as file:
            while chunk := file.read(1 << 22):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _has_c1_bytes(path: Path) -> bool:
    with path.open("rb") as file:
        while chunk := file.read(1 << 22):
            if len(chunk.translate(None, C1_BYTES)) != len(chunk):
                return True
    return False


def _transcode_to_utf8(path: Path, scratch: Path) -> Path:
    target = scratch / (path.stem + ".utf8.csv")
    try:
        with path.open("rb") as source, target.open("wb") as sink:
            # cp1252 is one byte per character, so any chunk boundary is a character boundary.
            while chunk := source.read(1 << 22):
                sink.write(chunk.decode("cp1252").encode("utf-8"))
    except UnicodeDecodeError as error:
        raise ExtractError(
            f"{path.name}: neither UTF-8 nor Windows-1252 (byte 0x{error.object[error.start]:02x} "
            "has no character)"
        ) from error
    return target


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reason(error: Exception) -> str:
    """The first line of an error, and for a CSV error the count of columns expected and found;
    never DuckDB's 'Original Line', which would put the row, CPR number and all, into the log."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    kept = lines[:1] + [line for line in lines if line.startswith("Expected Number of Columns")]
    return ": ".join(kept) or type(error).__name__
