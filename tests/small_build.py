"""The worked example's extracts (tests/fixtures/small) built with `lis build`, for the tests of
building, publishing and what a scheduler sees. conftest.py's `published` fixture is one such
build per test module."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

from runner.cli import main

SMALL = Path(__file__).parent / "fixtures" / "small" / "extracts"
AS_OF = "2022-03-31"
LIS = Path(sys.executable).with_name("lis")  # the console script, for a build in a process


def build_args(warehouse: Path, *extra: str, extracts: Path = SMALL, as_of: str = AS_OF) -> list:
    """lis build's arguments for an extract folder (the worked example's by default)."""
    args = ["build", "--extracts", str(extracts), "--as-of", as_of]
    return [*args, "--warehouse", str(warehouse), *extra]


def build(warehouse: Path, *extra: str, extracts: Path = SMALL, as_of: str = AS_OF) -> int:
    """lis build in this process; its exit code."""
    return main(build_args(warehouse, *extra, extracts=extracts, as_of=as_of))


def fresh_copy(published: Path, folder: Path) -> Path:
    """A copy of a publication and its run journal in `folder`, for a test that changes it."""
    warehouse = folder / "lis.duckdb"
    shutil.copy(published, warehouse)
    shutil.copy(journal_path(published), journal_path(warehouse))
    return warehouse


def journal_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".runs.jsonl")


def journal(warehouse: Path) -> list[dict]:
    return [json.loads(line) for line in journal_path(warehouse).read_text().splitlines()]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
