"""Reports and exports replace only what they wrote themselves (issue 24): a folder holding
anything else is refused, a killed run's leftovers are removed by the next, and a folder a live
run is writing is never touched."""

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from runner.cli import main

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

AS_OF = "2022-03-31"


@pytest.fixture(scope="module")
def warehouse(published):
    """The worked example's publication (conftest.py)."""
    return published


def report(warehouse: Path, out: Path) -> int:
    return main(["report", "--warehouse", str(warehouse), "--out", str(out)])


def export(warehouse: Path, out: Path, formats: str = "csv") -> int:
    return main(["export", "--warehouse", str(warehouse), "--format", formats, "--out", str(out)])


def contents(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


def test_a_report_into_a_folder_holding_other_files_is_refused_and_touches_nothing(
    warehouse, tmp_path, capsys
):
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "budget-notat.docx").write_bytes(b"the director's document")
    (out / "sub" / "bilag.pdf").write_bytes(b"%PDF")
    before = contents(out)
    assert report(warehouse, out) == 64
    assert contents(out) == before
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert str(out) in last and "budget-notat.docx" in last
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_report_into_the_warehouses_folder_is_refused(warehouse, tmp_path):
    folder = tmp_path / "warehouse"
    shutil.copytree(warehouse.parent, folder)
    before = contents(folder)
    assert report(folder / "lis.duckdb", folder) == 64
    assert contents(folder) == before


def test_a_report_replaces_its_own_earlier_set_and_fills_an_empty_folder(warehouse, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    assert report(warehouse, out) == 0  # an empty folder holds nothing to lose
    first = sorted(p.name for p in out.iterdir())
    assert "index.html" in first
    assert report(warehouse, out) == 0
    assert sorted(p.name for p in out.iterdir()) == first
    # a file added to the set since is not the report's: the next report refuses
    (out / "noter.txt").write_text("mine")
    assert report(warehouse, out) == 64
    assert (out / "noter.txt").read_text() == "mine"


def test_a_killed_reports_leftovers_are_removed_by_the_next_run(warehouse, tmp_path):
    out = tmp_path / "reports"
    for leftover in (".reports.new-999999", ".reports.old-999999"):
        (tmp_path / leftover).mkdir()
        (tmp_path / leftover / "index.html").write_text("half a set")
    assert report(warehouse, out) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


@contextmanager
def held(folder: Path):
    """A live process's hold on a folder it is writing: an exclusive flock on the folder."""
    folder.mkdir()
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield folder
    finally:
        os.close(descriptor)


def test_a_folder_a_live_report_or_export_is_writing_is_never_removed(warehouse, tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    with (
        held(out / ".2022-03-31.building-live") as building,
        held(tmp_path / ".reports.new-live") as new,
    ):
        (building / "indicator_values.csv").write_text("being written")
        (new / "index.html").write_text("being written")
        (out / ".2022-03-31.building-dead").mkdir()  # a killed export's
        assert export(warehouse, out) == 0
        assert report(warehouse, tmp_path / "reports") == 0
        assert (building / "indicator_values.csv").read_text() == "being written"
        assert (new / "index.html").read_text() == "being written"
        assert not (out / ".2022-03-31.building-dead").exists()


def test_an_export_replaces_its_own_set_but_never_a_folder_holding_other_files(
    warehouse, tmp_path, capsys
):
    out = tmp_path / "exports"
    assert export(warehouse, out, "csv") == 0
    assert export(warehouse, out, "parquet") == 0  # its own earlier set: replaced
    assert {p.suffix for p in (out / "latest").iterdir() if p.name != ".lis-written"} == {
        ".parquet"
    }
    (out / AS_OF / "min-analyse.xlsx").write_bytes(b"an analyst's workbook")
    before = contents(out)
    assert export(warehouse, out, "csv") == 64
    assert contents(out) == before
    assert "min-analyse.xlsx" in capsys.readouterr().err.strip().splitlines()[-1]


def test_an_export_never_replaces_a_latest_that_is_not_its_symlink(warehouse, tmp_path):
    out = tmp_path / "exports"
    (out / "latest").mkdir(parents=True)
    (out / "latest" / "rapport.pbix").write_bytes(b"a Power BI report")
    before = contents(out)
    assert export(warehouse, out) == 64
    assert contents(out) == before
