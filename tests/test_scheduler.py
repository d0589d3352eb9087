"""What a scheduler and its monitor see: run results per warehouse, and failures of the machine
(a read-only folder, a full disk, an analyst's lock) told apart from bugs, each with its code."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runner.cli import main
from tests.small_build import LIS, SMALL, build

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


def run_results(warehouse: Path) -> dict:
    return json.loads(warehouse.with_name("lis.duckdb.run_results.json").read_text())


def test_run_results_sit_beside_their_warehouse_so_a_test_build_leaves_production_s_alone(
    published, tmp_path
):
    production = run_results(published)
    assert production["status"] == "success"
    assert {r["unique_id"] for r in production["results"]} >= {"model.lis.indicator_values"}
    test_warehouse = tmp_path / "lis.duckdb"
    assert build(test_warehouse, extracts=tmp_path / "no-extracts") == 4
    assert run_results(test_warehouse)["status"] == "error"
    assert run_results(published) == production
    assert not list(tmp_path.glob(".lis.duckdb.run_results.json*")), "a partial file was left"


def test_an_as_of_before_the_extracts_first_date_is_refused(published, tmp_path, capsys):
    """The small extracts begin 2020-01-01; 2002 is a typo of 2022, whose counts would all be 0."""
    warehouse = tmp_path / "lis.duckdb"
    assert build(warehouse, as_of="2002-03-31") == 64
    reason = capsys.readouterr().err.splitlines()[-1]
    assert "before the extracts' first date 2020-01-01" in reason and "--allow-any-date" in reason
    assert not warehouse.exists()


@pytest.fixture
def analyst(published, tmp_path):
    """A second process holding a copy of the publication open read-write, as the DuckDB CLI and
    DBeaver do by default."""
    warehouse = tmp_path / "lis.duckdb"
    shutil.copy(published, warehouse)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "print(con.execute('select count(*) from marts.indicator_values').fetchone()[0], "
            "flush=True)\n"
            "sys.stdin.read()",
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert int(holder.stdout.readline()) > 0
    yield warehouse, holder.pid
    holder.stdin.close()
    holder.wait(timeout=30)


@pytest.mark.parametrize("command", [["test"], ["export", "--format", "csv"]])
def test_an_analyst_holding_the_file_read_write_is_named_with_its_own_code(
    analyst, tmp_path, capsys, command
):
    warehouse, pid = analyst
    extra = ["--out", str(tmp_path / "out")] if command[0] == "export" else []
    assert main([*command, "--warehouse", str(warehouse), *extra]) == 9
    reason = capsys.readouterr().err.splitlines()[-1]
    assert reason.startswith(f"lis: {warehouse} is open read-write in another program")
    assert f"PID {pid}" in reason and "read-only" in reason
    assert "internal error" not in reason


def _unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0
    except OSError:
        return False


needs_unshare = pytest.mark.skipif(
    not _unshare_works(), reason="needs unshare -rm (user and mount namespaces) to mount a tmpfs"
)


def lis_on_a_tmpfs(mount_options: str, folder: Path, *argv) -> subprocess.CompletedProcess:
    """Run lis in its own mount namespace with `folder` a fresh tmpfs: a real read-only or
    full file system, for this process only. stdout ends with what lis left in the folder."""
    folder.mkdir()
    script = (
        'mount -t tmpfs -o "$1" tmpfs "$2" || exit 99; '
        'd=$2; shift 2; "$@"; c=$?; ls -A "$d"; exit $c'
    )
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", mount_options, str(folder), str(LIS), *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


@needs_unshare
def test_a_read_only_folder_is_an_environment_error_saying_what_to_fix(tmp_path):
    folder = tmp_path / "readonly"
    done = lis_on_a_tmpfs(
        "ro", folder, "build", "--extracts", str(SMALL), "--warehouse", str(folder / "lis.duckdb")
    )
    assert done.returncode == 8, done.stderr
    reason = done.stderr.splitlines()[-1]
    assert reason.startswith(f"lis: {folder}/lis.duckdb.lock: the file system is read-only")
    assert "choose a writable folder" in reason


@needs_unshare
def test_a_full_disk_is_an_environment_error_and_nothing_is_left_behind(tmp_path):
    folder = tmp_path / "full"
    done = lis_on_a_tmpfs(
        "size=64k",
        folder,
        "build",
        "--extracts",
        str(SMALL),
        "--as-of",
        "2022-03-31",
        "--warehouse",
        str(folder / "lis.duckdb"),
    )
    assert done.returncode == 8, done.stderr
    reason = done.stderr.splitlines()[-1]
    assert "the disk is full: free space on it" in reason, reason
    assert ".building-" in reason  # the file it could not write
    assert not [name for name in done.stdout.split() if ".building-" in name]


def test_the_nightly_build_still_publishes_while_an_analyst_holds_the_file(analyst, capsys):
    warehouse, _ = analyst
    assert build(warehouse, "--full-refresh", as_of="2022-04-30") == 0
    assert run_results(warehouse)["status"] == "success"
