"""Extracts that lie about themselves (issue 24): a spreadsheet whose dimension understates it, a
formula without a value, a cell at the sheet's far corner, a broken workbook, time-zoned parquet
timestamps on any host, and extract names that are not plain files."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import openpyxl
import pyarrow
import pyarrow.parquet
import pytest

from runner import extracts
from runner.extract_files import ExtractError
from tests.small_build import build
from tests.test_extracts import folder, load, rows

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["bevilling_id", "cpr", "paragraf", "startdato", "betalingskommune", "takst"]


def _workbook(path: Path, rows_: list[list], edit=None) -> Path:
    """An xlsx with `rows_` on its first sheet; `edit` rewrites the sheet's XML as bytes."""
    workbook = openpyxl.Workbook()
    for row in rows_:
        workbook.active.append(row)
    workbook.save(path)
    if edit:
        with zipfile.ZipFile(path) as source:
            entries = [(info, source.read(info)) for info in source.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in entries:
                target.writestr(info, edit(data) if info.filename.endswith("sheet1.xml") else data)
    return path


def _grants(n: int) -> list[list]:
    return [HEADER] + [[f"G{i}", "0101801234", 107, "2022-01-01", 751, 100] for i in range(n)]


@pytest.mark.parametrize("ref", ["A1:F9", "A1"])
def test_every_row_of_a_sheet_is_read_whatever_its_dimension_says(tmp_path, ref):
    def understated(xml: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)

    _workbook(tmp_path / "ydelser.xlsx", _grants(43), understated)
    assert f'ref="{ref}"'.encode() in zipfile.ZipFile(tmp_path / "ydelser.xlsx").read(
        "xl/worksheets/sheet1.xml"
    )
    con, counts = load(folder(tmp_path, {}))
    assert counts["ydelser"] == 43
    found = con.execute("select min(_line), max(_line), count(takst) from raw.ydelser").fetchall()
    assert found == [(2, 44, 43)]


def test_a_formula_cell_gives_its_cached_value_or_its_formula_never_an_empty_field(tmp_path):
    """openpyxl writes a formula without a cached value; the second grant's gets one by hand.
    Without a value the formula's text reaches staging, which quarantines it (number_invalid)."""

    def cache_the_second(xml: bytes) -> bytes:
        formula = b"<f>365000/365</f><v />"
        assert xml.count(formula) == 2, xml
        first = xml.index(formula) + len(formula)
        return xml[:first] + xml[first:].replace(formula, b"<f>365000/365</f><v>1000</v>")

    rows_ = _grants(2)
    rows_[1][5] = rows_[2][5] = "=365000/365"
    _workbook(tmp_path / "ydelser.xlsx", rows_, cache_the_second)
    con, _ = load(folder(tmp_path, {}))
    assert rows(con, "ydelser", "bevilling_id, takst") == [("G0", "=365000/365"), ("G1", "1000")]


@pytest.mark.e2e
def test_a_formula_without_a_value_is_quarantined_as_number_invalid(tmp_path):
    extracts = shutil.copytree(ROOT / "tests" / "fixtures" / "small" / "extracts", tmp_path / "x")
    rows_ = [[*HEADER, "takst_enhed", "timer_pr_uge"]]
    rows_.append(["FORMEL1", "0101801234", 107, "2022-01-01", 751, "=365000/365", "time", 10])
    # enough ordinary rows that one quarantined stays under quarantine_max_share
    rows_ += [[f"FYLD{n}", "0101801234", 107, "2022-01-01", 751, 100, "dag"] for n in range(30)]
    _workbook(extracts / "ydelser_formel.xlsx", rows_)
    warehouse = tmp_path / "lis.duckdb"
    assert build(warehouse, extracts=extracts) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(
            "select reason from audit.quarantine where file = 'ydelser_formel.xlsx'"
        ).fetchall()
    assert found == [("number_invalid",)]


def test_a_cell_at_the_far_corner_of_the_sheet_costs_what_its_cells_cost(tmp_path):
    """A 7 KB workbook declaring A1:XFD1048576: read before the fix as 1,048,576 rows of 16,384
    cells (12 minutes and more). The guard is generous: the read takes well under a second."""
    rows_ = _grants(1)
    path = _workbook(tmp_path / "ydelser.xlsx", rows_)
    workbook = openpyxl.load_workbook(path)
    workbook.active["XFD1048576"] = "x"
    workbook.save(path)
    assert path.stat().st_size < 10_000
    script = (
        "import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]); "
        "from tests.test_extracts import load, rows; "
        "con, counts = load(Path(sys.argv[1])); "
        "print(json.dumps(rows(con, 'ydelser', '_line, bevilling_id')))"
    )
    folder(tmp_path, {})
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    # the far cell's row is a data row (it is not empty), with no value in the contract's columns
    assert json.loads(done.stdout) == [[2, "G0"], [1048576, None]]


def test_a_workbook_beyond_the_cells_lis_reads_is_an_input_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(extracts, "XLSX_MAX_CELLS", 6 * 3)
    _workbook(tmp_path / "ydelser.xlsx", _grants(2))
    con, counts = load(folder(tmp_path, {}))  # the header and two rows: 18 cells
    assert counts["ydelser"] == 2
    _workbook(tmp_path / "ydelser.xlsx", _grants(3))
    with pytest.raises(ExtractError, match=r"^ydelser\.xlsx: more than 18 cells, the most lis"):
        load(folder(tmp_path, {}))


def test_a_broken_workbook_is_an_input_error_naming_the_file(tmp_path):
    (tmp_path / "ydelser.xlsx").write_bytes(b"bevilling_id;cpr\nG1;0101801234\n")
    with pytest.raises(ExtractError) as raised:
        load(folder(tmp_path, {}))
    assert str(raised.value) == (
        "ydelser.xlsx: cannot be read as an xlsx workbook: not a zip file (an xlsx workbook is one)"
    )
    assert raised.value.exit_code == 4


def test_a_time_zoned_parquet_timestamp_is_the_date_in_denmark_on_any_host(tmp_path):
    """Midnight in Copenhagen is 23:00 UTC the day before: a UTC host read it as that day."""
    copenhagen = ZoneInfo("Europe/Copenhagen")
    at = [
        datetime.datetime(2022, 1, 1, tzinfo=copenhagen),  # winter: UTC+1
        datetime.datetime(2022, 7, 1, tzinfo=copenhagen),  # summer: UTC+2
        datetime.datetime(2022, 3, 1, 23, 30, tzinfo=datetime.UTC),  # 00:30 on 2 March in DK
    ]
    for zone in ("Europe/Copenhagen", "UTC"):
        table = pyarrow.table(
            {
                "bevilling_id": [f"{zone}{i}" for i in range(3)],
                "cpr": ["0101801234"] * 3,
                "paragraf": ["107"] * 3,
                "startdato": pyarrow.array(at, pyarrow.timestamp("us", tz=zone)),
                "betalingskommune": ["751"] * 3,
            }
        )
        pyarrow.parquet.write_table(table, tmp_path / f"ydelser_{zone.replace('/', '_')}.parquet")
    folder(tmp_path, {})
    script = (
        "import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]); "
        "from tests.test_extracts import load, rows; "
        "con, counts = load(Path(sys.argv[1])); "
        "print(json.dumps(rows(con, 'ydelser', 'startdato')))"
    )
    wanted = [["2022-01-01"], ["2022-07-01"], ["2022-03-02"]] * 2
    for host_zone in ("UTC", "America/Los_Angeles", "Pacific/Kiritimati"):
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path), str(ROOT)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "TZ": host_zone},
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == wanted, host_zone


def test_a_symlinked_extract_is_an_input_error_that_shows_nothing_of_its_target(tmp_path):
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("root:x:0:0:0101801234\n")
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    (extracts / "sagsbehandlere.csv").symlink_to(secret)
    with pytest.raises(ExtractError) as raised:
        load(folder(extracts, {}))
    assert str(raised.value) == (
        "sagsbehandlere.csv: a symbolic link; lis reads only regular files in the extracts "
        "folder (copy the file there)"
    )
    assert "root" not in str(raised.value)


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_fifo_or_a_folder_named_like_an_extract_is_an_input_error_naming_it(tmp_path, kind):
    if kind == "fifo":
        os.mkfifo(tmp_path / "ydelser_del2.csv")
    else:
        (tmp_path / "ydelser_del2.csv").mkdir()
    with pytest.raises(ExtractError) as raised:
        load(folder(tmp_path, {}))
    what = "a named pipe" if kind == "fifo" else "a folder"
    assert str(raised.value) == (
        f"ydelser_del2.csv: {what}, not a file; an extract is a regular file "
        "(move it out of the extracts folder)"
    )
