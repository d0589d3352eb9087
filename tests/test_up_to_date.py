"""An unchanged build decides it is up to date from the copy of the publication's fingerprints
beside it (runner/published.py), and takes that copy for no other file than the one it was
copied from."""

import json
import os
import subprocess
import sys

import duckdb
import pytest

from tests.small_build import build, build_args, fresh_copy

pytestmark = pytest.mark.e2e

# `lis build` in a process of its own, saying afterwards whether it loaded DuckDB.
BUILD_AND_TELL = (
    "import sys\n"
    "from runner.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(code, 'duckdb' in sys.modules)\n"
)


def copy_of(warehouse):
    return warehouse.with_name(warehouse.name + ".fingerprints.json")


def last_status_date(warehouse) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return str(con.execute("SELECT max(status_date) FROM marts.indicator_values").fetchone()[0])


def test_after_a_publication_an_unchanged_build_is_decided_without_duckdb(tmp_path):
    warehouse = tmp_path / "lis.duckdb"
    assert build(warehouse) == 0
    assert copy_of(warehouse).is_file()
    before = warehouse.stat()
    told = subprocess.run(
        [sys.executable, "-c", BUILD_AND_TELL, *build_args(warehouse)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "up to date" in told.stderr
    assert told.stdout.split() == ["0", "False"]
    assert warehouse.stat().st_mtime_ns == before.st_mtime_ns


def test_a_missing_or_torn_copy_is_made_again_from_the_file(published, tmp_path, capsys):
    warehouse = fresh_copy(published, tmp_path)  # the file alone, no copy beside it
    assert build(warehouse) == 0
    assert "up to date" in capsys.readouterr().err
    whole = json.loads(copy_of(warehouse).read_text())
    copy_of(warehouse).write_text(copy_of(warehouse).read_text()[:40])
    assert build(warehouse) == 0
    assert "up to date" in capsys.readouterr().err
    assert json.loads(copy_of(warehouse).read_text()) == whole


def test_another_publication_written_over_the_file_is_not_taken_for_it(published, tmp_path, capsys):
    warehouse = fresh_copy(published, tmp_path)
    assert build(warehouse) == 0  # up to date, and the copy taken
    assert copy_of(warehouse).is_file()
    other = tmp_path / "other" / "lis.duckdb"
    other.parent.mkdir()
    assert build(other, as_of="2022-02-28") == 0
    assert last_status_date(other) == "2022-02-28"
    # Written over in place, as cp does: the same inode, and the old times put back.
    kept = warehouse.stat()
    with warehouse.open("r+b") as handle:
        handle.truncate(0)
        handle.write(other.read_bytes())
    os.utime(warehouse, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    assert warehouse.stat().st_ino == kept.st_ino
    capsys.readouterr()

    assert build(warehouse) == 0
    assert "published" in capsys.readouterr().err
    assert last_status_date(warehouse) == "2022-03-31"
