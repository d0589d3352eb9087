"""The demo path a newcomer takes, and the reconciliation on the generator's clean and dirty
extracts."""

from datetime import date

import duckdb
import pytest

from runner.cli import main
from runner.synth import write_extracts

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

AS_OF = "2026-11-23"


def test_lis_demo_writes_builds_and_says_where_the_warehouse_is(tmp_path, capsys):
    warehouse = tmp_path / "lis.duckdb"
    assert (
        main(
            [
                "demo",
                "--out",
                str(tmp_path / "extracts"),
                "--grants",
                "2000",
                "--as-of",
                AS_OF,
                "--warehouse",
                str(warehouse),
            ]
        )
        == 0
    )
    assert str(warehouse) in capsys.readouterr().out
    with duckdb.connect(str(warehouse), read_only=True) as con:
        balanced = con.execute(
            "SELECT bool_and(balanced), sum(rows_quarantine) FROM audit.reconciliation"
        ).fetchone()
        indicators = con.execute(
            "SELECT list(DISTINCT indicator ORDER BY indicator) FROM marts.indicator_values "
            f"WHERE status_date = DATE '{AS_OF}'"
        ).fetchone()[0]
        per_capita = con.execute(
            "SELECT DISTINCT indicator || ':' || breakdown AS cell FROM marts.indicator_values "
            f"WHERE status_date = DATE '{AS_OF}' AND breakdown LIKE 'pr_%' ORDER BY cell"
        ).fetchall()
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
