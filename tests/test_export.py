"""Exports for reporting: what Power BI and Danish Excel read back is what the warehouse holds."""

import csv
from pathlib import Path

import duckdb
import openpyxl
import pytest

from runner.cli import main

SMALL = Path(__file__).parent / "fixtures" / "small" / "extracts"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "lis.duckdb"
    assert (
        main(["build", "--extracts", str(SMALL), "--as-of", "2022-03-31", "--warehouse", str(path)])
        == 0
    )
    return path


def published(warehouse, table):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"SELECT * FROM marts.{table}").fetchall()


def test_parquet_holds_every_row_of_every_mart(warehouse, tmp_path):
    assert (
        main(
            ["export", "--warehouse", str(warehouse), "--format", "parquet", "--out", str(tmp_path)]
        )
        == 0
    )
    assert (
        len(list(tmp_path.glob("*.parquet"))) == 19
    )  # 16 indicator models, indicator_values, helmaanedsmodtagere, varedeklaration
    exported = duckdb.execute(
        f"SELECT * FROM read_parquet('{tmp_path / 'indicator_values.parquet'}')"
    ).fetchall()
    assert exported == published(warehouse, "indicator_values")


def test_csv_is_what_danish_excel_opens(warehouse, tmp_path):
    assert (
        main(["export", "--warehouse", str(warehouse), "--format", "csv", "--out", str(tmp_path)])
        == 0
    )
    raw = (tmp_path / "indicator_values.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfkommunekode;status_date;indicator;")  # BOM, semicolons
    rows = list(
        csv.DictReader(
            (tmp_path / "indicator_values.csv").open(encoding="utf-8-sig"), delimiter=";"
        )
    )
    row = next(
        r
        for r in rows
        if (r["kommunekode"], r["status_date"], r["indicator"], r["breakdown"])
        == ("751", "2022-03-31", "01", "total")
    )
    # the worked example's 01 total: 19.166667 / 1.544444 = 12.410072, with a decimal comma
    assert (row["numerator"], row["denominator"], row["value"]) == (
        "19,166667",
        "1,544444",
        "12,410072",
    )
    empty = next(
        r
        for r in rows
        if (r["kommunekode"], r["status_date"], r["indicator"], r["breakdown"])
        == ("101", "2022-03-31", "11", "total")
    )
    assert (empty["denominator"], empty["value"]) == ("0", "")  # no budget: 0, and no value
    assert len(rows) == len(published(warehouse, "indicator_values"))


def test_xlsx_has_a_sheet_per_mart(warehouse, tmp_path):
    assert (
        main(["export", "--warehouse", str(warehouse), "--format", "xlsx", "--out", str(tmp_path)])
        == 0
    )
    sheet = openpyxl.load_workbook(tmp_path / "ind_02_botilbud.xlsx").active
    header, *rows = list(sheet.values)
    assert header == (
        "kommunekode",
        "status_date",
        "opdeling",
        "opdeling_vaerdi",
        "taeller",
        "naevner",
        "vaerdi",
    )
    assert len(rows) == len(published(warehouse, "ind_02_botilbud"))
