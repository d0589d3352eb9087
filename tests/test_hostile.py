"""Hostile input, signals and tampering (issue 10): nothing leaked, nothing lost, a clear reason."""

import contextlib
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from runner import gates
from runner.cli import main
from tests.small_build import SMALL, build, build_args, fresh_copy

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


def extracts_copy(folder: Path) -> Path:
    extracts = folder / "extracts"
    shutil.copytree(SMALL, extracts)
    return extracts


def runs(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select status, message from audit.runs order by started_at").fetchall()


@pytest.fixture(scope="module")
def rebuilt(published, tmp_path_factory):
    """One rebuild of a copy of the publication whose journal and file were tampered with first
    (each test below reads its own part of it): a failed run whose error message held a CPR
    number, an old journal line holding one, lines that are JSON but no run, and the file's mode
    and group changed. What each step wrote to stderr is kept."""
    folder = tmp_path_factory.mktemp("rebuilt")
    warehouse = fresh_copy(published, folder)
    journal = folder / "lis.duckdb.runs.jsonl"
    seen = {"folder": folder, "warehouse": warehouse}
    # a run that fails on a header-less ydelser: its message quotes a row, CPR number and all
    extracts = extracts_copy(folder)
    ydelser = extracts / "ydelser.csv"
    ydelser.write_text("".join(ydelser.read_text().splitlines(keepends=True)[1:]))
    seen["log_file"] = folder / "lis.log"
    started = time.time()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        argv = ["--log-file", str(seen["log_file"])] + build_args(warehouse, extracts=extracts)
        seen["failed_code"] = main(argv)
    seen["failed_err"] = err.getvalue()
    seen["journal_after_failure"] = journal.read_text()
    # target/run_results.json (or, where it has moved, beside the warehouse) describes this run
    seen["run_results"] = [
        path.read_text()
        for path in (ROOT / "target" / "run_results.json", folder / "lis.duckdb.run_results.json")
        if path.is_file() and path.stat().st_mtime >= started
    ]
    # an old journal line with a CPR number in its message
    old = json.loads(journal.read_text().splitlines()[0])
    old.update(run_id="old", status="error", message="columns found: b0000001, 200674-2955")
    with journal.open("a") as handle:
        handle.write(json.dumps(old) + "\n")
    # lines that are JSON but not a run
    seen["good"] = len(journal.read_text().splitlines())
    with journal.open("a") as handle:
        handle.write('[1, 2]\n{"models": 5}\n{"run_id": "x", "status": "ok", "models": [7]}\n')
        handle.write('{"run_id": "y", "status": "ok", "started_at": "not a time"}\n')
    # the file's mode and group changed by its owner
    other = next((g for g in os.getgroups() if g != warehouse.stat().st_gid), None)
    if os.geteuid() == 0:
        other = other if other is not None else 1
    seen["group"] = other
    if other is not None:
        os.chmod(warehouse, 0o600)
        os.chown(warehouse, -1, other)
    with contextlib.redirect_stderr(io.StringIO()) as err:
        seen["rebuild_code"] = build(warehouse, "--full-refresh")
    seen["rebuild_err"] = err.getvalue()
    return seen


def test_a_cpr_number_in_an_error_message_is_masked_wherever_the_message_goes(rebuilt):
    assert rebuilt["failed_code"] == 4
    err = rebuilt["failed_err"]
    assert "0101801234" not in err and "010180-XXXX" in err
    assert "0101801234" not in rebuilt["journal_after_failure"]
    assert "0101801234" not in rebuilt["log_file"].read_text()
    for text in rebuilt["run_results"]:
        assert "010180-XXXX" in text and "0101801234" not in text
    # the failed run reaches the next publication's audit.runs, masked
    assert rebuilt["rebuild_code"] == 0
    failed = [message for status, message in runs(rebuilt["warehouse"]) if status == "error"]
    assert any("010180-XXXX" in message for message in failed)
    assert not any("0101801234" in message for message in failed)


def test_an_old_journal_line_with_a_cpr_number_is_masked_in_audit_runs(rebuilt):
    assert rebuilt["rebuild_code"] == 0
    messages = [message for _, message in runs(rebuilt["warehouse"])]
    assert "columns found: b0000001, 200674-XXXX" in messages


def test_a_journal_line_that_is_json_but_not_a_run_is_skipped_with_a_warning(rebuilt):
    assert rebuilt["rebuild_code"] == 0
    good = rebuilt["good"]
    for line in range(good + 1, good + 5):
        assert f"lis.duckdb.runs.jsonl, line {line}: not a run record" in rebuilt["rebuild_err"]
    assert len(runs(rebuilt["warehouse"])) == good + 1


def test_a_header_only_ydelser_is_an_input_error_naming_the_file(published, tmp_path, capsys):
    warehouse = fresh_copy(published, tmp_path)
    extracts = extracts_copy(tmp_path)
    ydelser = extracts / "ydelser.csv"
    ydelser.write_text(ydelser.read_text().splitlines(keepends=True)[0])
    before = warehouse.read_bytes()
    assert build(warehouse, extracts=extracts) == 4
    assert "ydelser.csv: the required extract 'ydelser' has no data rows" in capsys.readouterr().err
    assert warehouse.read_bytes() == before


def test_a_rebuild_keeps_the_published_files_mode_and_group(rebuilt):
    if rebuilt["group"] is None:
        pytest.skip("the test user belongs to one group only")
    assert rebuilt["rebuild_code"] == 0
    assert stat.S_IMODE(rebuilt["warehouse"].stat().st_mode) == 0o600
    assert rebuilt["warehouse"].stat().st_gid == rebuilt["group"]


def test_a_first_publication_is_not_readable_by_others(published):
    assert stat.S_IMODE(published.stat().st_mode) & 0o007 == 0


@pytest.mark.parametrize(
    "signum, code, then",
    [
        (signal.SIGTERM, 143, None),
        (signal.SIGINT, 130, None),
        (signal.SIGINT, 130, RuntimeError("Query interrupted")),
    ],
    ids=["sigterm", "sigint", "sigint-as-query-interrupted"],
)
def test_a_signal_a_library_swallows_during_the_gates_still_stops_the_build(
    published, tmp_path, monkeypatch, capsys, signum, code, then
):
    # What great-expectations and DuckDB may do with the exception a signal raises: catch it and
    # go on, or turn it into an error of their own. Sent from inside the gates, so not by chance.
    real = gates.run_expectations

    def swallowing(con, expectations):
        try:
            os.kill(os.getpid(), signum)
            time.sleep(1)  # the handler runs at once; this is never waited out
        except BaseException:
            pass
        if then is not None:
            raise then
        return real(con, expectations)

    monkeypatch.setattr(gates, "run_expectations", swallowing)
    # A shell's background job (`pytest ... &`) starts with SIGINT ignored, which a build rightly
    # keeps ignoring: give this process Python's own handler, as an interactive run has.
    previous = signal.signal(
        signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
    )
    warehouse = fresh_copy(published, tmp_path)
    before = warehouse.read_bytes()
    try:
        assert build(warehouse, "--full-refresh") == code
    finally:
        signal.signal(signum, previous)
    assert warehouse.read_bytes() == before
    assert not list(tmp_path.glob(".lis.duckdb.building-*"))
    assert "nothing more was published" in capsys.readouterr().err.splitlines()[-1]
    last = json.loads((tmp_path / "lis.duckdb.runs.jsonl").read_text().splitlines()[-1])
    assert last["status"] == "error" and "received; nothing was published" in last["message"]


def test_a_build_never_removes_a_building_file_a_live_build_holds(published, tmp_path, capsys):
    # The first build's lock file was deleted: only its building file, open in DuckDB, is left.
    warehouse = fresh_copy(published, tmp_path)
    building = tmp_path / ".lis.duckdb.building-20990101T000000-first"
    first = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys\n"
            f"con = duckdb.connect({str(building)!r})\n"
            "print('open', flush=True)\n"
            "sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout.readline().strip() == "open"
        assert build(warehouse, "--full-refresh") == 7
        assert building.exists()
        assert building.name in capsys.readouterr().err
    finally:
        first.communicate("\n", timeout=60)


def test_a_deleted_lock_file_does_not_let_a_second_build_in(tmp_path):
    from runner.errors import BuildRunning
    from runner.publish import exclusive

    warehouse = tmp_path / "lis.duckdb"
    with exclusive(warehouse):
        (tmp_path / "lis.duckdb.lock").unlink()
        with pytest.raises(BuildRunning):
            with exclusive(warehouse):
                pass


def test_a_run_id_never_reads_as_a_cpr_number():
    # Seen in a full run: 20261201T234001-2824e2 holds '234001-2824', which the gates refused.
    from datetime import datetime

    from runner.privacy import CPR
    from runner.record import new_run_id

    run_id = new_run_id(datetime(2026, 12, 1, 23, 40, 1), "2824e2")
    assert run_id.startswith("20261201T234001") and not CPR.search(run_id)
