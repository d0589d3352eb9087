"""The command line: help, listing, compiling, and the one-line reasons a scheduler reads."""

import subprocess
import sys
from pathlib import Path

import pytest

from runner.cli import main

LIS = Path(sys.executable).with_name("lis")


def test_help_is_instant_and_lists_every_command():
    out = subprocess.run([str(LIS), "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("build", "demo", "test", "export", "ls", "compile"):
        assert command in out
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runner.cli, sys; print('great_expectations' in sys.modules)",
        ],
        capture_output=True,
        text=True,
    )
    assert imported.stdout.strip() == "False"


def test_ls_lists_models_in_run_order(capsys):
    assert main(["ls"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[1] for line in lines]
    assert (
        names.index("staging.stg_ydelser")
        < names.index("intermediate.int_bevillinger")
        < names.index("marts.indicator_values")
    )
    assert all(line.split()[0] in ("staging", "intermediate", "marts") for line in lines)


def test_compile_prints_the_sql_with_the_status_date(capsys):
    assert main(["compile", "int_statusdatoer", "--as-of", "2024-02-29"]) == 0
    assert "DATE '2024-02-29'" in capsys.readouterr().out


def test_an_unknown_model_is_a_project_error(capsys):
    assert main(["compile", "no_such_model"]) == 2
    assert capsys.readouterr().err.strip() == "lis: no model named no_such_model (see lis ls)"


def test_a_missing_extracts_folder_is_one_line(tmp_path, capsys):
    assert (
        main(
            [
                "build",
                "--extracts",
                str(tmp_path / "nope"),
                "--warehouse",
                str(tmp_path / "w.duckdb"),
            ]
        )
        == 4
    )
    assert (
        capsys.readouterr()
        .err.strip()
        .splitlines()[-1]
        .endswith("the extracts folder does not exist")
    )


def test_a_bad_date_is_rejected_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--extracts", ".", "--as-of", "31-03-2022"])
    assert exit_.value.code == 2 and "not a date in the form YYYY-MM-DD" in capsys.readouterr().err


def test_the_log_file_keeps_what_a_scheduler_would_see(tmp_path):
    log = tmp_path / "logs" / "lis.log"
    assert (
        main(
            [
                "--log-file",
                str(log),
                "build",
                "--extracts",
                str(tmp_path / "nope"),
                "--warehouse",
                str(tmp_path / "w.duckdb"),
            ]
        )
        == 4
    )
    assert "building status date" in log.read_text()
