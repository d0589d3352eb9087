"""Hostile input, signals and tampering (issue 10): nothing leaked, nothing lost, a clear reason."""

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from runner.cli import main

SMALL = Path(__file__).parent / "fixtures" / "small" / "extracts"


def build(extracts: Path, warehouse: Path, *extra) -> int:
    return main(
        ["build", "--extracts", str(extracts), "--as-of", "2022-03-31"]
        + ["--warehouse", str(warehouse), *extra]
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("pub") / "lis.duckdb"
    assert build(SMALL, warehouse) == 0
    return warehouse


def fresh_copy(published: Path, folder: Path) -> Path:
    warehouse = folder / "lis.duckdb"
    shutil.copy(published, warehouse)
    shutil.copy(published.with_name("lis.duckdb.runs.jsonl"), folder / "lis.duckdb.runs.jsonl")
    return warehouse


def extracts_copy(folder: Path) -> Path:
    extracts = folder / "extracts"
    shutil.copytree(SMALL, extracts)
    return extracts


def runs(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select status, message from audit.runs order by started_at").fetchall()


def test_a_cpr_number_in_an_error_message_is_masked_wherever_the_message_goes(
    published, tmp_path, capsys
):
    warehouse = fresh_copy(published, tmp_path)
    extracts = extracts_copy(tmp_path)
    ydelser = extracts / "ydelser.csv"
    ydelser.write_text("".join(ydelser.read_text().splitlines(keepends=True)[1:]))
    log_file = tmp_path / "lis.log"
    assert main(["--log-file", str(log_file)] + _args(extracts, warehouse)) == 4
    err = capsys.readouterr().err
    assert "0101801234" not in err and "010180-XXXX" in err
    assert "0101801234" not in (tmp_path / "lis.duckdb.runs.jsonl").read_text()
    assert "0101801234" not in log_file.read_text()
    # the failed run reaches the next publication's audit.runs, masked
    assert build(SMALL, warehouse, "--full-refresh") == 0
    failed = [message for status, message in runs(warehouse) if status == "error"]
    assert failed and "010180-XXXX" in failed[0] and "0101801234" not in failed[0]


def test_an_old_journal_line_with_a_cpr_number_is_masked_in_audit_runs(published, tmp_path):
    warehouse = fresh_copy(published, tmp_path)
    journal = tmp_path / "lis.duckdb.runs.jsonl"
    old = json.loads(journal.read_text().splitlines()[0])
    old.update(run_id="old", status="error", message="columns found: b0000001, 200674-2955")
    with journal.open("a") as handle:
        handle.write(json.dumps(old) + "\n")
    assert build(SMALL, warehouse, "--full-refresh") == 0
    messages = [message for _, message in runs(warehouse)]
    assert "columns found: b0000001, 200674-XXXX" in messages


def _args(extracts: Path, warehouse: Path, *extra) -> list[str]:
    return ["build", "--extracts", str(extracts), "--as-of", "2022-03-31"] + [
        "--warehouse",
        str(warehouse),
        *extra,
    ]


def test_a_journal_line_that_is_json_but_not_a_run_is_skipped_with_a_warning(
    published, tmp_path, capsys
):
    warehouse = fresh_copy(published, tmp_path)
    journal = tmp_path / "lis.duckdb.runs.jsonl"
    good = len(journal.read_text().splitlines())
    with journal.open("a") as handle:
        handle.write('[1, 2]\n{"models": 5}\n{"run_id": "x", "status": "ok", "models": [7]}\n')
        handle.write('{"run_id": "y", "status": "ok", "started_at": "not a time"}\n')
    assert build(SMALL, warehouse, "--full-refresh") == 0
    err = capsys.readouterr().err
    for line in range(good + 1, good + 5):
        assert f"lis.duckdb.runs.jsonl, line {line}: not a run record" in err
    assert len(runs(warehouse)) == good + 1


def test_a_header_only_ydelser_is_an_input_error_naming_the_file(published, tmp_path, capsys):
    warehouse = fresh_copy(published, tmp_path)
    extracts = extracts_copy(tmp_path)
    ydelser = extracts / "ydelser.csv"
    ydelser.write_text(ydelser.read_text().splitlines(keepends=True)[0])
    before = warehouse.read_bytes()
    assert build(extracts, warehouse) == 4
    assert "ydelser.csv: the required extract 'ydelser' has no data rows" in capsys.readouterr().err
    assert warehouse.read_bytes() == before
