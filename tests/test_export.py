"""Exports for reporting: what Power BI, Danish Excel and LibreOffice read back is what the
warehouse holds, text from the extracts never becomes a formula, and an export is a whole set."""

import csv
import math
import os
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date, datetime

import duckdb
import openpyxl
import pytest

from runner.cli import main
from runner.export import export_marts
from runner.project import load_project
from tests.extract_builder import cpr
from tests.small_build import AS_OF, SMALL, build

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

# Caseworker ids that Excel and LibreOffice would evaluate if they met them raw.
FORMULAS = ['=HYPERLINK("http://x","y")', "+2+3", "@SUM(1+1)", "-1+2"]
MARTS = 23  # 19 indicator models, indicator_values, helmaanedsmodtagere, varedeklaration,
# aendringer


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """The worked example's extracts, plus municipality 860 whose caseworkers' ids look like
    formulas (indicator 08 shows them as breakdown values)."""
    folder = tmp_path_factory.mktemp("export")
    extracts = shutil.copytree(SMALL, folder / "extracts")
    with (extracts / "sagsbehandlere.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerows(
            [formula, f"Sagsbehandler {n}", "Voksen"] for n, formula in enumerate(FORMULAS)
        )
    with (extracts / "ydelser.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        for n, formula in enumerate(FORMULAS):
            writer.writerow(
                [f"F{n}", cpr(date(1980, 1, 1), n), "107", "2021-01-01", "", "860", "L1", formula]
                + [""] * 6
            )
    path = folder / "lis.duckdb"
    assert build(path, extracts=extracts) == 0
    return path


def published(warehouse, table, order="ALL"):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"SELECT * FROM marts.{table} ORDER BY {order}").fetchall()


def export(warehouse, out, formats):
    assert (
        main(["export", "--warehouse", str(warehouse), "--format", formats, "--out", str(out)]) == 0
    )
    return out / "latest"


@pytest.fixture(scope="module")
def exported(warehouse, tmp_path_factory):
    return export(warehouse, tmp_path_factory.mktemp("out"), "parquet,csv,xlsx")


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_the_formula_like_ids_reach_the_marts(warehouse):
    values = {r[3] for r in published(warehouse, "ind_08_sager_pr_sagsbehandler")}
    assert set(FORMULAS) <= values


def test_parquet_holds_every_row_of_every_mart_with_the_interfaces_names(warehouse, exported):
    assert len(list(exported.glob("*.parquet"))) == MARTS
    con = duckdb.connect()
    exported_rows = con.execute(
        f"SELECT * FROM read_parquet('{exported / 'indicator_values.parquet'}')"
    ).fetchall()
    assert exported_rows == published(
        warehouse,
        "indicator_values",
        "kommunekode, status_date, indicator, breakdown, breakdown_value",
    )
    names = [
        r[0]
        for r in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet('{exported / 'ind_02_botilbud.parquet'}')"
        ).fetchall()
    ]
    assert names == [
        "kommunekode",
        "status_date",
        "breakdown",
        "breakdown_value",
        "numerator",
        "denominator",
        "value",
    ]
    # typed text: the ids are stored as they are, as strings, which Power BI shows as text
    ids = con.execute(
        "SELECT breakdown_value FROM read_parquet(?) WHERE kommunekode = '860' "
        "AND breakdown = 'sagsbehandler' AND status_date = DATE '2022-03-31'",
        [str(exported / "ind_08_sager_pr_sagsbehandler.parquet")],
    ).fetchall()
    assert sorted(i for (i,) in ids) == sorted(FORMULAS)


def test_parquet_files_carry_the_descriptions(exported):
    metadata = dict(
        duckdb.execute(
            "SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)",
            [str(exported / "indicator_values.parquet")],
        ).fetchall()
    )
    assert metadata["description"].startswith("The published indicators (interface.md)")
    assert metadata["description:value"] == (
        "numerator / denominator; NULL where the denominator is 0."
    )
    assert {k for k in metadata if k.startswith("description:")} == {
        f"description:{c}"
        for c in (
            "kommunekode",
            "status_date",
            "indicator",
            "breakdown",
            "breakdown_value",
            "numerator",
            "denominator",
            "value",
        )
    }


def test_csv_is_what_danish_excel_opens(warehouse, exported):
    raw = (exported / "indicator_values.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfkommunekode;status_date;indicator;")  # BOM, semicolons
    rows = read_csv(exported / "indicator_values.csv")
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


def test_csv_headers_speak_the_interfaces_language_in_every_file(exported):
    header = (exported / "ind_02_botilbud.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "kommunekode;status_date;breakdown;breakdown_value;numerator;denominator;value"


def test_csv_text_that_looks_like_a_formula_gets_a_quote(exported):
    for name, column in (
        ("ind_08_sager_pr_sagsbehandler.csv", "breakdown_value"),
        ("indicator_values.csv", "breakdown_value"),
    ):
        values = {
            r[column]
            for r in read_csv(exported / name)
            if r["kommunekode"] == "860" and r["breakdown"] == "sagsbehandler"
        }
        assert values == {"'" + f for f in FORMULAS}, name
    # a negative number is a number, not text: no quote
    assert not any(
        r["numerator"].startswith("'") for r in read_csv(exported / "indicator_values.csv")
    )


def test_text_starting_with_a_tab_or_carriage_return_is_text_too(warehouse, tmp_path):
    """The extracts' reader trims such ids, so a transform puts them in the export's way."""
    starts = ["\tTAB", "\rCR", "=1+1", "ok"]

    def odd_ids(con, table):
        values = ", ".join("('" + v + "')" for v in starts)
        query = f"SELECT * FROM (VALUES {values}) AS ids(breakdown_value)"
        return replace(
            table, query=query, columns=table.columns[3:4], order_by=("breakdown_value",)
        )

    folder = export_marts(warehouse, tmp_path, ("csv", "xlsx"), load_project(), odd_ids).folder
    with (folder / "ind_02_botilbud.csv").open(encoding="utf-8-sig", newline="") as handle:
        written = [row[0] for row in csv.reader(handle, delimiter=";")][1:]
    assert sorted(written) == sorted(["'\tTAB", "'\rCR", "'=1+1", "ok"])
    sheet = openpyxl.load_workbook(folder / "marts.xlsx")["ind_02_botilbud"]
    # XML reads a carriage return in a text back as a line feed: a text all the same
    cells = {row[0].value.replace("\n", "\r"): row[0] for row in sheet.iter_rows(min_row=2)}
    assert set(cells) == set(starts)
    assert all(cells[v].data_type == "s" and cells[v].quotePrefix for v in starts[:3])
    assert not cells["ok"].quotePrefix


def test_exports_are_sorted_by_key_and_the_same_bytes_every_time(warehouse, exported, tmp_path):
    rows = read_csv(exported / "indicator_values.csv")
    keys = [
        (r["kommunekode"], r["status_date"], r["indicator"], r["breakdown"], r["breakdown_value"])
        for r in rows
    ]
    assert keys == sorted(keys)
    again = export(warehouse, tmp_path, "parquet,csv,xlsx")
    files = sorted(p.name for p in exported.iterdir())
    assert files == sorted(p.name for p in again.iterdir())
    assert len(files) == 2 * MARTS + 2  # and the set's list of its files, .lis-written
    assert [n for n in files if (exported / n).read_bytes() != (again / n).read_bytes()] == []


def test_xlsx_is_one_workbook_with_a_sheet_per_mart(warehouse, exported):
    assert [p.name for p in exported.glob("*.xlsx")] == ["marts.xlsx"]
    workbook = openpyxl.load_workbook(exported / "marts.xlsx")
    names = workbook.sheetnames
    assert len(names) == MARTS and len(set(n.lower() for n in names)) == MARTS
    assert all(len(n) <= 31 for n in names)
    assert "ind_10_udgifter_pr_sagsbehandle" in names  # 32 characters, cut to Excel's 31
    sheet = workbook["ind_02_botilbud"]
    header, *rows = list(sheet.values)
    assert header == (
        "Kommunekode",
        "Statusdato",
        "Opdeling",
        "Opdelingsværdi",
        "Tæller",
        "Nævner",
        "Værdi",
    )
    assert len(rows) == len(published(warehouse, "ind_02_botilbud"))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{len(rows) + 1}"
    for letter, label in zip("ABCDEFG", header, strict=True):
        assert sheet.column_dimensions[letter].width >= len(label)
    date_cell, number_cell = sheet["B2"], sheet["E2"]
    assert date_cell.is_date and "h" not in date_cell.number_format
    assert isinstance(date_cell.value, datetime) and date_cell.value.time() == datetime.min.time()
    assert number_cell.data_type == "n"
    whole = number_cell.value == int(number_cell.value)
    assert number_cell.number_format == ("#,##0" if whole else "#,##0.00")


def test_xlsx_speaks_danish_shows_shares_in_percent_and_whole_counts_without_decimals(exported):
    workbook = openpyxl.load_workbook(exported / "marts.xlsx")
    header = next(workbook["varedeklaration"].values)
    assert header[:5] == ("Indikator", "Model", "Navn", "Emne", "Enhed")
    assert {"Formål", "Tællemåde", "Udtræk og kolonner", "Forbehold", "Læses"} <= set(header)
    # 11's shares of budget in percent; its row per inhabitant (pr_indbygger) is kroner
    sheet = workbook["ind_11_udgifter_budget"]
    formats = {}
    for row in sheet.iter_rows(min_row=2):
        if row[6].value is not None:
            formats.setdefault(row[2].value == "pr_indbygger", set()).add(row[6].number_format)
    assert formats[False] == {"0.0%"} and "0.0%" not in formats.get(True, set())
    sheet = workbook["indicator_values"]
    names = [c.value for c in sheet[1]]
    indicator, breakdown, value = (names.index(n) for n in ("Indikator", "Opdeling", "Værdi"))
    formats = {}
    for row in sheet.iter_rows(min_row=2):
        if row[value].value is not None and row[breakdown].value != "pr_indbygger":
            formats.setdefault(row[indicator].value == "11", set()).add(row[value].number_format)
    assert formats[True] == {"0.0%"} and "0.0%" not in formats[False]
    counts = [
        r[6]
        for r in workbook["ind_03_dagtilbud"].iter_rows(min_row=2)
        if not r[2].value.startswith("pr_")
    ]
    assert counts and all(c.number_format == "#,##0" for c in counts)  # persons: whole


def test_xlsx_text_that_looks_like_a_formula_is_a_text_cell(exported):
    with zipfile.ZipFile(exported / "marts.xlsx") as archive:
        assert not any(
            b"<f>" in archive.read(name) for name in archive.namelist() if name.endswith(".xml")
        )
    sheet = openpyxl.load_workbook(exported / "marts.xlsx")["ind_08_sager_pr_sagsbehandler"]
    cells = [row[3] for row in sheet.iter_rows(min_row=2) if row[3].value in FORMULAS]
    assert {c.value for c in cells} == set(FORMULAS)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_libreoffice_reads_the_workbook_back_as_the_warehouse_holds_it(
    warehouse, exported, tmp_path, libreoffice_installed
):
    """Every sheet converted to CSV by LibreOffice headless (values, not as shown): the same rows as
    the mart, the formula-like ids as their text."""
    converted = tmp_path / "converted"
    done = subprocess.run(
        [
            libreoffice_installed,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            # ';', '"', UTF-8, from line 1, …, not as shown, …, every sheet to a file of its own
            "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(converted),
            str(exported / "marts.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
            ).fetchall()
        ]
        for table, sheet in zip(
            tables, openpyxl.load_workbook(exported / "marts.xlsx").sheetnames, strict=True
        ):
            with (converted / f"marts-{sheet}.csv").open(encoding="utf-8", newline="") as handle:
                header, *rows = list(csv.reader(handle, delimiter=";"))
            types = [
                t
                for _, t in con.execute(
                    f"SELECT column_name, column_type FROM (DESCRIBE marts.{table})"
                ).fetchall()
            ]
            expected = con.execute(f"SELECT * FROM marts.{table}").fetchall()
            assert len(header) == len(types)
            read_back = sorted(
                (tuple(_typed(v, t) for v, t in zip(row, types, strict=True)) for row in rows),
                key=_without_numbers,
            )
            assert len(read_back) == len(expected), table
            for got, wanted in zip(read_back, sorted(expected, key=_without_numbers), strict=True):
                assert _same(got, wanted), (table, got, wanted)
    ids = {
        row[3]
        for row in csv.reader(
            (converted / "marts-ind_08_sager_pr_sagsbehandler.csv").open(encoding="utf-8"),
            delimiter=";",
        )
    }
    assert set(FORMULAS) <= ids


def _typed(text: str, data_type: str):
    """A LibreOffice CSV value in the mart's type."""
    if text == "":
        return None
    if data_type == "DATE":
        return date.fromisoformat(text)
    if data_type in ("DOUBLE", "BIGINT", "HUGEINT", "INTEGER"):
        # a share formatted as a percentage comes back with its sign, the value unchanged
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    return text


def _without_numbers(row):
    """A sort key: the row's text, dates and NULLs (a mart's key has no number)."""
    return [repr(v) for v in row if not isinstance(v, (int, float))]


def _same(got, wanted) -> bool:
    """Equal, numbers to LibreOffice's 15 significant digits."""
    return all(
        math.isclose(g, w, rel_tol=1e-13)
        if isinstance(g, float) and isinstance(w, (float, int))
        else g == w
        for g, w in zip(got, wanted, strict=True)
    )


def test_an_export_is_swapped_in_whole_under_the_status_date_with_latest_pointing_at_it(
    warehouse, tmp_path
):
    out = tmp_path / "exports"
    export(warehouse, out, "parquet")  # an earlier export of the same status date
    (out / ".2022-03-31.building-dead").mkdir()  # a killed export's folder
    latest = export(warehouse, out, "csv")
    assert latest.is_symlink() and os.readlink(latest) == "2022-03-31"
    assert sorted(p.name for p in out.iterdir()) == ["2022-03-31", "latest"]
    assert not list(latest.glob("*.parquet"))
    assert len(list(latest.glob("*.csv"))) == MARTS


def test_a_failed_export_leaves_the_last_one_in_place(warehouse, tmp_path):
    out = tmp_path / "exports"
    latest = export(warehouse, out, "csv")
    before = {p.name: p.read_bytes() for p in latest.iterdir()}

    def breaks_halfway(con, table):
        # the marts before ind_05 are written; ind_05's query fails
        return (
            replace(table, query="SELECT no_such_column")
            if table.name.startswith("ind_05")
            else table
        )

    with pytest.raises(duckdb.Error, match="no_such_column"):
        export_marts(warehouse, out, ("parquet",), load_project(), breaks_halfway)
    assert {p.name: p.read_bytes() for p in latest.iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == ["2022-03-31", "latest"]


def test_a_transform_rewrites_each_table_before_it_is_written(warehouse, tmp_path):
    """The hook a discreet export uses: here, leave out municipality 860."""

    def without_860(con, table):
        if "kommunekode" not in [c.name for c in table.columns]:
            return table  # marts.varedeklaration
        return replace(table, query=f"SELECT * FROM ({table.query}) WHERE kommunekode <> '860'")

    done = export_marts(warehouse, tmp_path, ("csv",), load_project(), without_860)
    rows = read_csv(done.folder / "indicator_values.csv")
    assert rows and not any(r["kommunekode"] == "860" for r in rows)


def test_build_with_export_is_the_nightly_job_in_one_command(warehouse, tmp_path):
    extracts = warehouse.parent / "extracts"
    target = tmp_path / "lis.duckdb"
    shutil.copy(warehouse, target)  # the same publication: the build is up to date, then exports
    out = tmp_path / "exports"
    args = ["build", "--extracts", str(extracts), "--as-of", AS_OF, "--warehouse", str(target)]
    assert main([*args, "--export", "parquet", "--export-dir", str(out)]) == 0
    assert len(list((out / "latest").glob("*.parquet"))) == MARTS
    # a build that publishes nothing exports nothing
    failed = tmp_path / "failed"
    args = ["build", "--extracts", str(tmp_path / "missing"), "--as-of", AS_OF]
    assert (
        main([*args, "--warehouse", str(target), "--export", "csv", "--export-dir", str(failed)])
        != 0
    )
    assert not failed.exists()


def test_unknown_export_format_is_a_usage_error(warehouse, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["export", "--warehouse", str(warehouse), "--format", "pdf", "--out", str(tmp_path)])
    assert "formats are parquet, csv, xlsx" in capsys.readouterr().err


def test_a_discreet_export_hides_few_persons_under_the_interfaces_names(warehouse, tmp_path):
    args = ["export", "--warehouse", str(warehouse), "--discreet", "--out", str(tmp_path)]
    assert main([*args, "--format", "parquet,xlsx"]) == 0
    latest = tmp_path / "latest"
    assert len(list(latest.glob("*.parquet"))) == MARTS
    con = duckdb.connect()

    def read(table):
        path = str(latest / f"{table}.parquet")
        names = [
            r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
        ]
        return names, con.execute("SELECT * FROM read_parquet(?)", [path]).fetchall()

    names, rows = read("ind_08_sager_pr_sagsbehandler")
    assert names == [
        "kommunekode",
        "status_date",
        "breakdown",
        "breakdown_value",
        "numerator",
        "denominator",
        "value",
        "undertrykt",
    ]
    exact = published(warehouse, "ind_08_sager_pr_sagsbehandler")
    assert any(r[2] == "sagsbehandler" for r in exact)
    assert rows and not any(r[2] == "sagsbehandler" for r in rows)
    # 08's numerator counts persons: fewer than 5 is hidden, a row shown is the mart's
    by_key = {r[:4]: r for r in exact}
    for row in rows:
        numerator = by_key[row[:4]][4]
        if 0 < numerator < 5:
            assert row[4:] == (None, None, None, "<5"), row
        elif row[7] is None:
            assert row[:7] == by_key[row[:4]], row
    names, rows = read("helmaanedsmodtagere")
    assert names[-1] == "undertrykt"
    for row in rows:
        assert (row[-1] is not None) == (row[-2] is None), row
    assert any(row[-1] == "<5" for row in rows), "the worked example has few recipients"
    sheet = openpyxl.load_workbook(latest / "marts.xlsx", read_only=True)["indicator_values"]
    assert next(sheet.iter_rows(values_only=True))[-1] == "Undertrykt"
