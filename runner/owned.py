"""Folders lis writes whole and swaps in (a report set, an export's set): lis replaces only what it
wrote itself.

A set is written into a new folder beside its place, holding an exclusive lock on that folder
while it is written; each finished set lists its files in `.lis-written`. A folder in the set's
place is replaced only when it holds nothing but the files its list names (or nothing at all):
anything else there is someone's, and the command is refused, naming it. A new or set-aside folder
left by a killed run is removed by the next run, but never one a live run still holds locked (the
build's own pattern, runner/publish.py)."""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .errors import UsageError

WRITTEN = ".lis-written"


def write_list(folder: Path) -> None:
    """Record the files of a finished set, before it is swapped in."""
    names = sorted(p.name for p in folder.iterdir() if p.name != WRITTEN)
    (folder / WRITTEN).write_text("".join(f"{name}\n" for name in names), encoding="utf-8")


def check_replaceable(folder: Path, command: str) -> None:
    """Refuse (exit 64) unless `folder` is absent, empty, or holds only the files its list names."""
    if not os.path.lexists(folder):
        return
    if folder.is_symlink() or not folder.is_dir():
        raise UsageError(f"{folder}: not a folder {command} wrote; choose another, or move it away")
    listed = _listed(folder)
    others = sorted(
        p.name
        for p in folder.iterdir()
        if p.name != WRITTEN and (p.name not in listed or p.is_symlink() or not p.is_file())
    )
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise UsageError(
            f"{folder}: holds what {command} did not write ({shown}); "
            "lis replaces only its own files: choose an empty or new folder, or move them away"
        )


def _listed(folder: Path) -> set[str]:
    try:
        return set((folder / WRITTEN).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return set()


@contextmanager
def new_folder(parent: Path, prefix: str):
    """A new folder `<parent>/<prefix><random>`, held locked until the block ends; removed if the
    block fails."""
    with ExitStack() as held:
        while True:
            folder = parent / f"{prefix}{uuid.uuid4().hex[:8]}"
            folder.mkdir()
            descriptor = os.open(folder, os.O_RDONLY)
            held.callback(os.close, descriptor)
            _lock(descriptor, blocking=True)
            if _same(folder, descriptor):
                break  # else a stale-folder sweep removed it between mkdir and lock: again
        try:
            yield folder
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise


@contextmanager
def set_aside(folder: Path, prefix: str):
    """Rename `folder` to `<parent>/<prefix><random>`, locked, and remove it when the block ends
    without failing; yields the new path (None if there was no folder)."""
    if not folder.exists():
        yield None
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        _lock(descriptor, blocking=True)
        aside = folder.parent / f"{prefix}{uuid.uuid4().hex[:8]}"
        os.rename(folder, aside)
        try:
            yield aside
        except BaseException:
            if not os.path.lexists(folder):
                os.rename(aside, folder)  # put back what the failed swap took away
            raise
        shutil.rmtree(aside)
    finally:
        os.close(descriptor)


@contextmanager
def swapping(parent: Path):
    """One swap at a time in `parent`: two runs replacing the same folder take turns."""
    descriptor = os.open(parent, os.O_RDONLY)
    try:
        _lock(descriptor, blocking=True)
        yield
    finally:
        os.close(descriptor)


def remove_stale(parent: Path, patterns: list[str]) -> list[Path]:
    """Remove the folders matching `patterns` in `parent` that no live run holds locked."""
    removed = []
    for pattern in patterns:
        for folder in sorted(parent.glob(pattern)):
            if folder.is_symlink() or not folder.is_dir():
                continue
            try:
                descriptor = os.open(folder, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                if _lock(descriptor, blocking=False) and _same(folder, descriptor):
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
            finally:
                os.close(descriptor)
    return removed


def _lock(descriptor: int, blocking: bool) -> bool:
    """An exclusive flock; False when another holds it, or when the file system cannot lock a
    folder (then no folder is known to be stale, and none is removed)."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def _same(folder: Path, descriptor: int) -> bool:
    try:
        return os.stat(folder).st_ino == os.fstat(descriptor).st_ino
    except FileNotFoundError:
        return False
