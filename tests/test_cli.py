"""The command line: help, listing, compiling, and the one-line reasons a scheduler reads."""

import argparse
import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from runner import cli, errors
from runner.cli import main
from tests.small_build import LIS

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parent.parent / "README.md"


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
        names.index("stg_ydelser")
        < names.index("int_bevillinger")
        < names.index("indicator_values")
    )
    assert all(line.split()[0] in ("staging", "intermediate", "marts") for line in lines)


def test_compile_prints_the_sql_with_the_status_date(capsys):
    assert main(["compile", "int_statusdatoer", "--as-of", "2024-02-29"]) == 0
    assert "date '2024-02-29'" in capsys.readouterr().out


def test_an_unknown_model_is_a_project_error(capsys):
    assert main(["compile", "no_such_model"]) == 2
    assert capsys.readouterr().err.strip() == "lis: no model named no_such_model (see lis ls)"


def test_a_missing_extracts_folder_is_one_line(tmp_path, capsys):
    assert main(_missing_extracts(tmp_path)) == 4
    assert (
        capsys.readouterr()
        .err.strip()
        .splitlines()[-1]
        .endswith("the extracts folder does not exist")
    )


def test_a_bad_date_is_a_usage_error_64_not_a_project_error_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--extracts", ".", "--as-of", "31-03-2022"])
    assert exit_.value.code == 64 and "not a date in the form YYYY-MM-DD" in capsys.readouterr().err
    for argv in (["no-such-command"], ["build"], ["export", "--format", "pdf"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 64, argv


def test_the_log_file_keeps_what_a_scheduler_would_see(tmp_path):
    log = tmp_path / "logs" / "lis.log"
    assert main(["--log-file", str(log), *_missing_extracts(tmp_path)]) == 4
    assert "building status date" in log.read_text()


def test_every_name_lis_ls_prints_is_one_lis_compile_takes(capsys):
    from runner.project import load_project

    assert main(["ls"]) == 0
    names = [line.split()[1] for line in capsys.readouterr().out.splitlines()]
    # compile looks a name up among the project's models (compiling all of them takes a minute)
    assert sorted(names) == sorted(load_project().nodes)
    # quarantine's schema (audit) is not its layer (staging): the name, not the relation, is listed
    assert main(["compile", names[names.index("quarantine")], "--as-of", "2022-03-31"]) == 0
    # and the relation an analyst sees in the warehouse works too
    assert main(["compile", "audit.quarantine"]) == 0
    capsys.readouterr()


def test_version_names_lis_duckdb_and_great_expectations_without_importing_them():
    from importlib import metadata

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from runner.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit as e:\n"
            "    print(e.code, 'great_expectations' in sys.modules, 'duckdb' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out == [
        f"lis {metadata.version('lis')}",
        f"DuckDB {metadata.version('duckdb')}",
        f"great-expectations {metadata.version('great-expectations')}",
        "0 False False",
    ]


def _missing_extracts(tmp_path):
    return [
        "build",
        "--extracts",
        str(tmp_path / "nope"),
        "--warehouse",
        str(tmp_path / "w.duckdb"),
    ]


@pytest.mark.parametrize("where", ["before", "after"])
def test_log_options_work_before_or_after_the_command(tmp_path, capsys, where):
    log = tmp_path / "lis.log"
    options = ["-v", "--log-file", str(log), "--log-format", "json"]
    command = _missing_extracts(tmp_path)
    argv = options + command if where == "before" else command + options
    assert main(argv) == 4
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines[0]["message"].startswith("building status date")
    assert all({"time", "level", "message"} <= line.keys() for line in lines)
    # the reason is the last line, with the exit code and the run that ended
    assert lines[-1]["level"] == "error" and lines[-1]["exit_code"] == 4
    assert lines[-1]["message"].endswith("the extracts folder does not exist")
    assert lines[-1]["run_id"]
    # stderr, too, is JSON only: a collector reading it needs no other parser
    err = capsys.readouterr().err.splitlines()
    assert [json.loads(line) for line in err][-1]["exit_code"] == 4


def test_an_option_after_the_command_overrides_the_one_before(tmp_path):
    log = tmp_path / "lis.log"
    command = _missing_extracts(tmp_path)
    assert (
        main(["--log-format", "text", *command, "--log-file", str(log), "--log-format", "json"])
        == 4
    )
    assert json.loads(log.read_text().splitlines()[-1])["exit_code"] == 4


def test_an_as_of_in_the_future_is_refused_unless_allowed(tmp_path, capsys):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert main([*_missing_extracts(tmp_path), "--as-of", tomorrow]) == 64
    assert "in the future" in capsys.readouterr().err.splitlines()[-1]
    # allowed, the build goes on (and stops at the next thing wrong: no extracts)
    assert main([*_missing_extracts(tmp_path), "--as-of", tomorrow, "--allow-any-date"]) == 4


def test_a_warehouse_in_a_folder_that_does_not_exist_is_refused_not_created(tmp_path, capsys):
    warehouse = tmp_path / "typo" / "lis.duckdb"
    argv = ["build", "--extracts", str(tmp_path), "--warehouse", str(warehouse)]
    assert main(argv) == 64
    assert "does not exist" in capsys.readouterr().err.splitlines()[-1]
    assert not warehouse.parent.exists()


def test_an_internal_error_keeps_its_traceback_in_the_log_file_and_with_v(
    tmp_path, capsys, monkeypatch
):
    """A bug (here: one planted in the fingerprinting) is exit 1 with one line on stderr; its
    traceback is in the log file always, on stderr with -v."""
    import runner.fingerprint

    def planted_bug(*args):
        return {}["no such key"]

    monkeypatch.setattr(runner.fingerprint, "compute", planted_bug)
    (tmp_path / "extracts").mkdir()
    log = tmp_path / "lis.log"
    argv = ["build", "--extracts", str(tmp_path / "extracts"), "--warehouse", str(tmp_path / "w")]
    assert main(["--log-file", str(log), *argv]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "lis: internal error: KeyError: 'no such key'"
    assert "Traceback" not in err
    assert "Traceback" in log.read_text() and "planted_bug" in log.read_text()
    assert main(["-v", *argv]) == 1
    err = capsys.readouterr().err
    assert "planted_bug" in err and err.splitlines()[-1].startswith("lis: internal error")


def _kinds(cls):
    return {cls.exit_code} | {code for sub in cls.__subclasses__() for code in _kinds(sub)}


def test_the_readme_lists_every_exit_code_and_option_the_code_has():
    readme = README.read_text(encoding="utf-8")
    paragraph = readme[readme.index("Exit codes:") : readme.index("### Nightly use")]
    documented = {int(code) for code in re.findall(r"`(\d+)`", paragraph)}
    # 0 success, 130/143 signals, 141 a closed stdout: the codes that are no LisError
    assert documented == _kinds(errors.LisError) | {0, 130, 141, 143}
    parser = cli._parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    shared = {option for a in cli._global_options(top=True)._actions for option in a.option_strings}
    assert all(option in readme for option in shared if option.startswith("--"))
    for name, sub in commands.choices.items():
        row = next(line for line in readme.splitlines() if line.startswith(f"| `lis {name}"))
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option not in shared | {"--help"}:
                    assert option in row or (name == "demo" and "build`'s options" in row), (
                        f"lis {name} {option}"
                    )


def test_a_log_file_lis_cannot_write_is_an_environment_error_8(tmp_path, capsys):
    assert main(["--log-file", "/proc/no-such-dir/lis.log", "ls"]) == 8
    assert capsys.readouterr().err.splitlines()[-1].startswith("lis: ")


def test_lis_demo_checks_its_options_before_writing_extracts(tmp_path, capsys):
    out = tmp_path / "extracts"
    argv = ["demo", "--out", str(out), "--warehouse", str(tmp_path / "typo" / "lis.duckdb")]
    assert main(argv) == 64
    assert not out.exists()


def test_a_named_project_without_a_project_file_is_an_error_naming_the_folder(
    tmp_path, monkeypatch, capsys
):
    # Before: exit 0 and the installed checkout's models; a nightly job could build the wrong one.
    nowhere = tmp_path / "nonexistent"
    assert main(["--project", str(nowhere), "ls"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"lis: --project {nowhere}: no lis_project.yml in {nowhere}"
    )
    monkeypatch.setenv("LIS_PROJECT_DIR", str(tmp_path))
    assert main(["ls"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"lis: LIS_PROJECT_DIR {tmp_path}: no lis_project.yml in {tmp_path}"
    )


def test_an_explicit_project_wins_over_lis_project_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LIS_PROJECT_DIR", str(tmp_path))
    assert main(["--project", str(README.parent), "ls"]) == 0
    assert "stg_ydelser" in capsys.readouterr().out
