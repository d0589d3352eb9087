"""The last moment before publishing: the final steps of a build (the run's audit, the tables'
comments, the checkpoint, the file's mode) and the rename, in that order.

What a build reports and what it did must agree: every exit but 0 leaves the published file byte
for byte as it was, and no building file behind; an exit 0 after the rename is a publication,
whatever arrives after it. The interruptions are real signals sent to the test's own process at
the named step (the runner's own functions wrapped, DuckDB untouched).
"""

from __future__ import annotations

import os
import signal

import pytest

from runner import execute, publish
from tests.small_build import build, digest, fresh_copy, journal

pytestmark = pytest.mark.e2e


def rebuild(warehouse) -> int:
    return build(warehouse, "--full-refresh")


def last_run(warehouse) -> dict:
    return journal(warehouse)[-1]


def nothing_published(warehouse, before: str) -> None:
    assert digest(warehouse) == before
    assert [p.name for p in warehouse.parent.iterdir() if ".building-" in p.name] == []
    assert last_run(warehouse)["status"] == "error"


def after(monkeypatch, module, name: str, then) -> None:
    """Run `then()` right after module.name(...) returns."""
    original = getattr(module, name)

    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        then()
        return result

    monkeypatch.setattr(module, name, wrapped)


def sigterm() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


def sigterm_swallowed() -> None:
    """A signal whose KeyboardInterrupt a library caught on its way."""
    try:
        sigterm()
    except KeyboardInterrupt:
        pass


def test_a_signal_during_the_final_steps_publishes_nothing(published, tmp_path, monkeypatch):
    warehouse = fresh_copy(published, tmp_path)
    before = digest(warehouse)
    after(monkeypatch, execute, "document_tables", sigterm)
    assert rebuild(warehouse) == 143
    nothing_published(warehouse, before)


def test_a_signal_swallowed_just_before_the_rename_still_stops_it(published, tmp_path, monkeypatch):
    warehouse = fresh_copy(published, tmp_path)
    before = digest(warehouse)
    after(monkeypatch, publish, "_keep_permissions", sigterm_swallowed)
    assert rebuild(warehouse) == 143
    nothing_published(warehouse, before)


def test_a_signal_after_the_rename_changes_nothing(published, tmp_path, monkeypatch, capsys):
    warehouse = fresh_copy(published, tmp_path)
    before = digest(warehouse)
    after(monkeypatch, publish.os, "replace", sigterm)
    assert rebuild(warehouse) == 0
    assert digest(warehouse) != before  # the new file is the publication
    assert last_run(warehouse)["status"] == "success"
    assert "after publishing" in capsys.readouterr().err


def test_a_final_step_that_fails_publishes_nothing(published, tmp_path, monkeypatch):
    warehouse = fresh_copy(published, tmp_path)
    before = digest(warehouse)

    def disk_full():
        raise OSError(28, "No space left on device")

    after(monkeypatch, execute, "document_tables", disk_full)
    assert rebuild(warehouse) == 8
    nothing_published(warehouse, before)
