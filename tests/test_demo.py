"""The demo path a newcomer takes, and the reconciliation on the generator's clean and dirty
extracts."""

import contextlib
import io
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from runner.cli import main
from tools.synth import write_extracts

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

AS_OF = "2026-11-23"
ROOT = Path(__file__).resolve().parent.parent
AS_OF_MONTH_BEFORE = "2026-10-31"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`lis demo` of three municipalities (2,000 grants), run once for the module: the warehouse
    and what the command printed."""
    folder = tmp_path_factory.mktemp("demo")
    warehouse = folder / "lis.duckdb"
    argv = ["demo", "--out", str(folder / "extracts"), "--grants", "2000", "--municipalities"]
    argv += ["3", "--as-of", AS_OF, "--warehouse", str(warehouse)]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(argv) == 0
    return warehouse, out.getvalue()


def test_lis_demo_writes_builds_and_says_where_the_warehouse_is(demo):
    warehouse, out = demo
    assert str(warehouse) in out
    with duckdb.connect(str(warehouse), read_only=True) as con:
        balanced = con.execute(
            "SELECT bool_and(balanced), sum(rows_quarantine) FROM audit.reconciliation"
        ).fetchone()
        indicators = con.execute(
            "SELECT list(DISTINCT indicator ORDER BY indicator) FROM marts.indicator_values "
            f"WHERE status_date = DATE '{AS_OF}'"
        ).fetchone()[0]
        # built twice: the month before first, so that marts.aendringer compares with it
        baseline = con.execute(
            "select distinct forrige_status_date::varchar from marts.aendringer"
        ).fetchall()
        per_capita = con.execute(
            "SELECT DISTINCT indicator || ':' || breakdown AS cell FROM marts.indicator_values "
            f"WHERE status_date = DATE '{AS_OF}' AND breakdown LIKE 'pr_%' ORDER BY cell"
        ).fetchall()
    assert baseline == [(AS_OF_MONTH_BEFORE,)]
    assert balanced == (True, 0)
    # 06 needs the year's refusion thresholds, which the seed has only for 2020-2022
    assert indicators == [
        "01",
        "02",
        "03",
        "04",
        "05",
        "07",
        "08",
        "09",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "A1",
        "F1",
        "F2",
        "V1",
    ]
    # the generator writes befolkning for this year and last: the per-capita rows are there
    assert [cell for (cell,) in per_capita] == [
        "02:pr_1000_18_64",
        "03:pr_1000_18_64",
        "04:pr_1000_18_64",
        "05:pr_1000_18_64",
        "11:pr_indbygger",
    ]


def test_lis_demo_out_keeps_the_warehouse_there_and_takes_builds_export(tmp_path, capsys):
    # Before: --export was refused, and --out replaced the project's own warehouse/lis.duckdb.
    project = tmp_path / "project"
    for part in ("models", "macros", "seeds"):
        shutil.copytree(ROOT / part, project / part)
    shutil.copy(ROOT / "lis_project.yml", project)
    (project / "warehouse").mkdir()
    out, exports = tmp_path / "try", tmp_path / "exports"
    argv = ["--project", str(project), "demo", "--out", str(out), "--grants", "500"]
    argv += ["--as-of", AS_OF, "--export", "csv", "--export-dir", str(exports)]
    assert main(argv) == 0
    assert f"The warehouse is {out / 'lis.duckdb'}" in capsys.readouterr().out
    assert list((project / "warehouse").iterdir()) == []
    assert (exports / "latest" / "indicator_values.csv").is_file()


def test_every_bad_row_the_generator_injects_lands_in_quarantine_with_its_code(tmp_path):
    extracts = tmp_path / "extracts"
    injected = write_extracts(
        extracts, grants=40_000, seed=7, as_of=date.fromisoformat(AS_OF), dirty=True
    )
    warehouse = tmp_path / "lis.duckdb"
    assert (
        main(
            ["build", "--extracts", str(extracts), "--as-of", AS_OF, "--warehouse", str(warehouse)]
        )
        == 0
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        quarantined = dict(
            con.execute(
                "SELECT extract || ':' || reason, count(*) FROM audit.quarantine GROUP BY ALL"
            ).fetchall()
        )
        reconciliation = con.execute(
            "SELECT extract, rows_in_files, rows_staging, rows_quarantine, balanced "
            "FROM audit.reconciliation"
        ).fetchall()
        references = dict(
            con.execute(
                "SELECT reference, count(*) FROM audit.reference_errors WHERE extract = 'ydelser' "
                "GROUP BY ALL"
            ).fetchall()
        )
    expected = {k: v for k, v in injected.items() if ":" in k and "unknown_" not in k}
    assert quarantined == expected
    for extract, in_files, staged, in_quarantine, balanced in reconciliation:
        assert balanced and in_files == staged + in_quarantine == injected.get(extract, in_files)
    assert references == {
        "leverandoer_id": injected["ydelser:unknown_leverandoer"],
        "sagsbehandler_id": injected["ydelser:unknown_sagsbehandler"],
    }


def test_lis_test_audits_the_discretion_of_a_three_municipality_demo(demo, capsys):
    # The disclosure audit (runner/disclosure_audit.py) runs in lis test: no hidden count of the
    # reports and discreet exports can be narrowed below the protection level.
    warehouse, _ = demo
    assert main(["test", "--warehouse", str(warehouse)]) == 0
    assert "disclosure audit: 0 hidden counts a reader could work out" in capsys.readouterr().err
