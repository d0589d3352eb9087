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
import functools
import itertools
import os
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from . import sources as contract
from .extract_files import ExtractError, extract_files
from .sql import literal

if TYPE_CHECKING:
    import pyarrow

SCHEMA = "raw"
# _line of a file's rows, over the table the file was read into. A table created from one scan
# keeps the file's order in its rowid (preserve_insertion_order, DuckDB's default), which numbers
# the lines without per-row Python. xlsx skips empty rows, so it carries the sheet's row numbers.
LINE = {".csv": "rowid + 2", ".parquet": "rowid + 1", ".xlsx": "_line"}
# Windows-1252 differs from Latin-1 only in these bytes; without them DuckDB's own
# latin-1 decoding reads a cp1252 file correctly and no transcoding is needed.
C1_BYTES = bytes(range(0x80, 0xA0))
CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
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
# The most cells read from an xlsx extract (about 350,000 rows of ydelser's 14 columns): each is
# made text in Python, some 40,000 a CPU second and 150 MB a million (README, Limits).
XLSX_MAX_CELLS = 5_000_000
# A parquet timestamp with a time zone is an instant; the date it means is the date in Denmark.
EXTRACTS_TIME_ZONE = "Europe/Copenhagen"
# How DuckDB's CSV errors state their reason (its other lines quote the row, or suggest options).
CSV_REASONS = (
    "Expected Number of Columns",
    "Value with unterminated quote",
    "Maximum line size",
    "Invalid unicode",
)


def load_extracts(
    con: duckdb.DuckDBPyConnection,
    extracts_dir: Path,
    sources: list[dict],
    overrides: dict | None = None,
) -> dict[str, int]:
    """Load every extract file into raw.<extract> (schema raw), return rows loaded per extract.

    `sources` is the `tables` list of models/sources.yml; `overrides` maps an extract to its
    settings in lis_project.yml's `extracts:` ({delimiter, encoding} for its CSV files, and
    may_be_empty). A required extract without a data row is broken input unless may_be_empty.
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
        columns = contract.columns(table)
        options = _csv_options(name, overrides.get(name) or {})
        may_be_empty = options.pop("may_be_empty", False)
        parts = []
        for i, path in enumerate(files[name], start=1):
            file_table = f"{SCHEMA}._{name}_{i}"
            _load_file(con, path, file_table, table, options)
            parts.append(
                f"SELECT {', '.join(columns)}, {literal(path.name)} AS _file, "
                f"{LINE[path.suffix.lower()]} AS _line FROM {file_table}"
            )
        if not parts:  # an optional extract without files is an empty one
            nulls = ", ".join(f"CAST(NULL AS VARCHAR) AS {column}" for column in columns)
            parts.append(
                f"SELECT {nulls}, CAST(NULL AS VARCHAR) AS _file, "
                "CAST(NULL AS BIGINT) AS _line WHERE false"
            )
        con.execute(f"CREATE VIEW {SCHEMA}.{name} AS " + "\nUNION ALL\n".join(parts))
        loaded[name] = con.execute(f"SELECT count(*) FROM {SCHEMA}.{name}").fetchall()[0][0]
        if files[name] and not loaded[name] and table.get("required") and not may_be_empty:
            raise ExtractError(
                f"{', '.join(path.name for path in files[name])}: the required extract '{name}' "
                f"has no data rows (a header only); if that is right, set "
                f"extracts.{name}.may_be_empty: true in lis_project.yml"
            )
    return loaded


def _csv_options(extract: str, override: dict) -> dict:
    unknown = set(override) - {"delimiter", "encoding", "may_be_empty"}
    if unknown:
        raise ExtractError(
            f"lis_project.yml: extracts.{extract}: unknown option(s) {', '.join(sorted(unknown))} "
            "(known: delimiter, encoding, may_be_empty)"
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
    entry: dict,
    options: dict,
) -> None:
    """Read one file into `table` in one scan: the columns of the extract's `entry` in
    sources.yml as trimmed text (plus _line for xlsx). A code stored as a number in parquet
    or xlsx has lost its leading zeros: it is padded back to its declared width."""
    extract, columns = entry["name"], contract.columns(entry)
    required, widths = contract.columns(entry, required=True), contract.widths(entry)
    suffix = path.suffix.lower()
    try:
        with ExitStack() as stack:
            if suffix == ".csv":
                source, params, text = _csv_reader(path, options, stack)
            elif suffix == ".parquet":
                source, params = "read_parquet(?)", [str(path)]
                described = con.execute(f"DESCRIBE SELECT * FROM {source}", params).fetchall()
                text = _by_header(
                    path,
                    [
                        (name, _typed_as_text(name, data_type, widths))
                        for name, data_type, *_ in described
                    ],
                )
            else:
                header, frame = _xlsx_frame(path, widths)
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
        line, reason = _reason(error)
        where = f"{path.name}, line {line}" if line else path.name
        raise ExtractError(f"{where}: cannot be read: {reason}") from error
    finally:
        if suffix == ".xlsx":
            con.unregister(XLSX_FRAME)


def _csv_reader(path: Path, options: dict, stack: ExitStack) -> tuple[str, list, dict[str, str]]:
    """read_csv for this file, with its delimiter and encoding detected unless the project sets
    them.

    The header is read here and the columns are given to DuckDB by position: its sniffer, left to
    itself, silently skips a header whose column count differs from the rows', and then reads
    every line number wrong; told the columns, it reports such a file with the line at fault.
    A file DuckDB cannot read as it is (Windows-1252 with bytes Latin-1 lacks, or line endings
    that change within the file) is streamed to it through a pipe as UTF-8 with LF endings: no
    clear-text copy is ever written to disk."""
    first = _first_line(path)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in first:
        raise ExtractError(
            f"{path.name}, line 1: UTF-16 or a NUL byte; the contract allows UTF-8 or Windows-1252"
        )
    if not first.strip():
        raise ExtractError(f"{path.name}: the file is empty (no header row)")
    delimiter = options.get("delimiter") or (";" if first.count(b";") > first.count(b",") else ",")
    scan = _scan(path)
    encoding = options.get("encoding") or ("utf-8" if scan.utf8 else "cp1252")
    header = next(
        csv.reader(
            [first.decode("utf-8-sig" if encoding == "utf-8" else encoding, "replace")],
            delimiter=delimiter,
            quotechar='"',
        )
    )
    source = str(path)
    if (encoding == "cp1252" and _c1_bytes(path)) or scan.mixed_line_endings:
        transcode = encoding == "cp1252"
        source = str(stack.enter_context(_utf8_pipe(path, "cp1252" if transcode else None)))
        encoding = "utf-8" if transcode else encoding
    elif encoding == "cp1252":
        encoding = "latin-1"  # no byte where the two differ: DuckDB's own decoding reads it
    positions = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    reader = (
        f"read_csv(?, delim = ?, header = true, quote = '\"', escape = '\"', encoding = ?, "
        f"auto_detect = false, columns = {positions})"
    )
    return (
        reader,
        [source, delimiter, encoding],
        _by_header(path, [(n, f"c{i}") for i, n in enumerate(header)]),
    )


def _first_line(path: Path) -> bytes:
    """The header line, whether lines end in LF, CRLF or CR."""
    with path.open("rb") as file:
        head = file.read(1 << 16)
        while not re.search(b"[\r\n]", head) and (more := file.read(1 << 16)):
            head += more
    return re.split(b"\r\n|\r|\n", head, maxsplit=1)[0]


@dataclass
class _Scan:
    utf8: bool = True
    mixed_line_endings: bool = False


def _scan(path: Path) -> _Scan:
    """One pass over the file's bytes: whether it is UTF-8, and whether its line endings mix."""
    scan, decoder = _Scan(), codecs.getincrementaldecoder("utf-8")()
    lf = cr = 0
    with path.open("rb") as file:
        while chunk := file.read(1 << 22):
            if scan.utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    scan.utf8 = False
            lf += chunk.count(b"\n")
            cr += chunk.count(b"\r") if b"\r" in chunk else 0
    if scan.utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            scan.utf8 = False
    # LF only, CR only, or as many CRs as LFs (CRLF): one kind of line ending, read by DuckDB.
    scan.mixed_line_endings = bool(lf and cr and lf != cr)
    return scan


def _c1_bytes(path: Path) -> bool:
    """Whether a Windows-1252 file has bytes 0x80-0x9F, where it differs from Latin-1; raises
    if one of them is a byte Windows-1252 has no character for."""
    found = False
    with path.open("rb") as file:
        while chunk := file.read(1 << 22):
            if len(chunk.translate(None, C1_BYTES)) != len(chunk):
                found = True
                if undefined := [byte for byte in CP1252_UNDEFINED if byte in chunk]:
                    raise ExtractError(
                        f"{path.name}: neither UTF-8 nor Windows-1252 (byte "
                        f"0x{chunk[min(map(chunk.index, undefined))]:02x} has no character)"
                    )
    return found


@contextmanager
def _utf8_pipe(path: Path, encoding: str | None):
    """A named pipe DuckDB reads `path` from, as UTF-8 (decoded from `encoding`, if given) with
    every line ending made LF; a line stays a line, so DuckDB's line numbers are the file's.
    Only the empty pipe is on disk: a killed build leaves no clear-text copy behind."""
    folder = Path(tempfile.mkdtemp(prefix="lis-"))
    fifo = folder / (path.stem + ".csv")
    os.mkfifo(fifo, 0o600)

    def feed() -> None:
        try:
            with path.open("rb") as source, open(fifo, "wb") as sink:
                carry = b""
                while chunk := source.read(1 << 22):
                    chunk, carry = carry + chunk, b""
                    if chunk.endswith(b"\r"):  # a CRLF may be split between two chunks
                        chunk, carry = chunk[:-1], b"\r"
                    text = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                    sink.write(text.decode(encoding).encode("utf-8") if encoding else text)
                sink.write(b"\n" if carry else b"")
        except BrokenPipeError:
            pass  # DuckDB stopped reading: it has an error to report

    feeder = threading.Thread(target=feed, name=f"lis-feed-{path.name}", daemon=True)
    feeder.start()
    try:
        yield fifo
    finally:
        # DuckDB has finished with the pipe. A feeder still waiting for a reader, or writing to
        # one that left, is let go: opening and closing the read end ends its wait with EPIPE.
        while feeder.is_alive():
            reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            try:
                feeder.join(0.05)
            finally:
                os.close(reader)
        fifo.unlink()
        folder.rmdir()


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


def _typed_as_text(name: str, data_type: str, widths: dict[str, int]) -> str:
    """SQL giving a typed parquet value the text a CSV would carry: '2022-01-31', '751',
    '2500.5'."""
    column = '"' + name.replace('"', '""') + '"'
    width = widths.get(name.strip().lower())
    if data_type == "VARCHAR":
        return column
    if data_type == "TIMESTAMP WITH TIME ZONE":
        # an instant: its date in Denmark, where the extracts come from, not on the build's host
        return f"strftime(timezone({literal(EXTRACTS_TIME_ZONE)}, {column}), '%Y-%m-%d')"
    if data_type == "DATE" or data_type.startswith("TIMESTAMP"):
        return f"strftime({column}, '%Y-%m-%d')"
    if data_type in INTEGER_TYPES:
        text = f"CAST({column} AS VARCHAR)"
    elif data_type in ("FLOAT", "DOUBLE") or data_type.startswith("DECIMAL"):
        # 2500.0 reads as '2500', not '2500.0', so that an integral id or code keeps its form.
        # NaN and infinity stay 'nan' and 'inf', which staging reports as number_invalid.
        finite = f"isfinite({column}) AND " if data_type in ("FLOAT", "DOUBLE") else ""
        text = (
            f"CASE WHEN {finite}{column} = trunc({column}) AND abs({column}) < 1e38 "
            f"THEN CAST(CAST({column} AS HUGEINT) AS VARCHAR) ELSE CAST({column} AS VARCHAR) END"
        )
    else:
        return f"CAST({column} AS VARCHAR)"  # booleans become 'true'/'false', which staging reads
    if not width:
        return text
    # Pad only: lpad would cut a longer value ('7510' to '751'), which must reach staging whole.
    return f"CASE WHEN length({text}) < {width} THEN lpad({text}, {width}, '0') ELSE {text} END"


def _xlsx_frame(path: Path, width_of: dict[str, int]) -> tuple[list[str], pyarrow.Table]:
    """The first sheet's header (row 1), and its rows as text columns c0, c1 ... plus _line. Cells
    are made text in Python (openpyxl yields them one by one anyway), as a column may mix types."""
    # here: their imports (and numpy's) took a third of an unchanged rebuild, which reads no XLSX
    import openpyxl
    import pyarrow

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise ExtractError(
            f"{path.name}: cannot be read as an xlsx workbook: not a zip file (an xlsx workbook "
            "is one)"
        ) from None
    except Exception as error:  # openpyxl raises KeyError and XML errors alike for a bad file
        raise ExtractError(
            f"{path.name}: cannot be read as an xlsx workbook: {_reason(error)[1]}"
        ) from error
    try:
        rows = _sheet_rows(workbook)
        first = next(rows, (None, {}))
        cells = first[1] if first[0] == 1 else {}
        header = [_cell_text(cells.get(i), None) or "" for i in range(1, max(cells, default=0) + 1)]
        if first[0] not in (None, 1):
            rows = itertools.chain([first], rows)
        widths = [width_of.get(name.strip().lower()) for name in header]
        lines, data = [], [[] for _ in header]
        held = len(cells)
        for line, cells in rows:
            held += len(cells)
            if held > XLSX_MAX_CELLS:
                raise ExtractError(
                    f"{path.name}: more than {XLSX_MAX_CELLS:,} cells, the most lis reads from a "
                    "workbook; deliver the extract as CSV or Parquet"
                )
            if all(value is None or value == "" for value in cells.values()):
                continue  # an empty or merely formatted row is not a data row
            lines.append(line)
            for i, width in enumerate(widths, start=1):
                data[i - 1].append(_cell_text(cells.get(i), width))
    except ExtractError:
        raise
    except Exception as error:
        raise ExtractError(
            f"{path.name}: cannot be read as an xlsx workbook: {_reason(error)[1]}"
        ) from error
    finally:
        workbook.close()
    arrays = [pyarrow.array(values, pyarrow.string()) for values in data]
    frame = pyarrow.table(
        [*arrays, pyarrow.array(lines, pyarrow.int64())],
        names=[*(f"c{i}" for i in range(len(header))), "_line"],
    )
    return header, frame


@functools.cache
def _cell_parser() -> type:
    """openpyxl's parser of a sheet's XML, reading a formula's cached value (data_only); a formula
    cell without one gives its formula's text ('=365000/365'), which staging cannot read as a
    number or a date, rather than an empty field. Made on first use: a build of CSV extracts, or
    an unchanged rebuild, need not import openpyxl."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            # t="str" with an empty value is a cached empty text: the formula gave ''
            if cell["value"] is None and formula is not None and element.get("t") != "str":
                cell["value"] = "=" + (formula.text or "")
            return cell

    return CellParser


def _sheet_rows(workbook) -> Iterator[tuple[int, dict[int, object]]]:
    """The first sheet's rows as (row number, {column number: value}), only the cells the file
    holds: its declared dimension is not trusted (it may understate the sheet, or claim all of
    A1:XFD1048576), and no gap is filled in, so reading costs what the file's cells cost."""
    sheet = workbook.worksheets[0]
    with sheet._get_source() as source:
        parser = _cell_parser()(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for line, cells in parser.parse():
            yield line, {cell["column"]: cell["value"] for cell in cells}


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


def _reason(error: Exception) -> tuple[int | None, str]:
    """The line DuckDB names, if any, and why it failed: its first line, or for a CSV error the
    reason it gave (columns expected and found, an unterminated quote, a line too long ...);
    never DuckDB's 'Original Line', which would put the row, CPR number and all, into the log."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return None, type(error).__name__
    first = lines[0].removeprefix("Invalid Input Error: ")
    reasons = [line for line in lines[1:] if line.startswith(CSV_REASONS)]
    if found := re.match(r"CSV Error on Line: (\d+)", first):
        return int(found[1]), "; ".join(reasons) or first
    return None, ": ".join([first, *reasons])
