"""Publishing: build into a new file beside the published one, then swap it in with one atomic
rename.

A reader holding the old file open keeps reading the old file (its inode lives on until closed);
a build that fails or is killed never touches the published path.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import stat
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .errors import BuildRunning
from .record import is_run

log = logging.getLogger("lis")

BUILDING_MARK = ".building-"


@contextmanager
def exclusive(warehouse: Path):
    """One build of a warehouse at a time: a second one would remove the first one's building file.

    The lock is held on `lis.duckdb.lock` and on the warehouse's folder. A lock file can be
    deleted while a build holds it, and a second build would then lock a new file of that name;
    a folder that holds the warehouse cannot be, so a second build in the same folder waits for
    no one and exits instead."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    busy = f"{warehouse}: another build of this warehouse is running"
    with ExitStack() as held:
        folder = os.open(warehouse.parent, os.O_RDONLY)
        held.callback(os.close, folder)
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildRunning(f"{busy} (in the same folder)") from None
        except OSError:
            pass  # a file system that cannot lock a folder: the lock file alone
        held.enter_context(_locked_file(warehouse.with_name(warehouse.name + ".lock"), busy))
        yield


@contextmanager
def _locked_file(path: Path, busy: str):
    while True:
        handle = open(path, "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise BuildRunning(busy) from None
        try:
            ours = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            ours = False
        if ours:
            break
        handle.close()  # removed or replaced between open and lock: lock what the name is now
    with handle:
        yield


def building_path(warehouse: Path, run_id: str) -> Path:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return warehouse.parent / f".{warehouse.name}{BUILDING_MARK}{run_id}"


def remove_stale_builds(warehouse: Path) -> list[Path]:
    """Files left by builds that were killed; they were never published, so they can go. A
    building file that DuckDB still holds open belongs to a live build: that is never removed."""
    if not warehouse.parent.is_dir():
        return []
    stale = sorted(warehouse.parent.glob(f".{warehouse.name}{BUILDING_MARK}*"))
    for path in stale:
        if not path.name.endswith(".wal") and _in_use(path):
            raise BuildRunning(
                f"{warehouse}: another build of this warehouse is writing {path.name}"
            )
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _in_use(path: Path) -> bool:
    """Whether another process holds DuckDB's lock on the file (a POSIX record lock)."""
    try:
        descriptor = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(descriptor)
    return False


def discard(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


# A first publication's mode, less what the umask removes: the file holds CPR numbers in its
# restricted layers, so it is never readable by others unless someone makes it so.
FIRST_MODE = 0o640


def private_umask() -> int:
    """From now on, what the process creates is readable by its owner only (the building file,
    its WAL and spill files). Returns the umask it replaced, for the caller to restore and for
    the published file's mode to respect."""
    return os.umask(0o077)


def swap_in(building: Path, warehouse: Path, umask: int, last_chance=lambda: None) -> None:
    """Make the finished file durable, give it the published file's mode and group (a first
    publication FIRST_MODE), call `last_chance` (which may raise to stop), and rename it over
    the published one."""
    with building.open("rb+") as handle:
        os.fsync(handle.fileno())
    _keep_permissions(building, warehouse, umask)
    last_chance()
    os.replace(building, warehouse)
    directory = os.open(warehouse.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _keep_permissions(building: Path, warehouse: Path, umask: int) -> None:
    try:
        published = warehouse.stat()
    except FileNotFoundError:
        os.chmod(building, FIRST_MODE & ~umask)
        return
    mode = stat.S_IMODE(published.st_mode)
    if building.stat().st_gid != published.st_gid:
        try:
            os.chown(building, -1, published.st_gid)
        except PermissionError:
            # Another group would get the group's rights: keep only the owner's.
            log.warning(
                "%s: cannot give the new file the group %d of the published one; "
                "it is readable by its owner only",
                warehouse.name,
                published.st_gid,
            )
            mode &= 0o700
    os.chmod(building, mode)


def journal_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".runs.jsonl")


def append_journal(warehouse: Path, record: dict) -> None:
    """Every run, published or not, appends one line; the published file's audit holds a copy.
    A line torn by a crash is ended first, so it stays one bad line rather than spoiling this
    one."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    path = journal_path(warehouse)
    # the journal tells what the warehouse holds: it gets the warehouse's mode, whatever the umask
    mode = stat.S_IMODE(warehouse.stat().st_mode) if warehouse.is_file() else FIRST_MODE & ~_umask()
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(descriptor, mode)
    with os.fdopen(descriptor, "a+b") as handle:
        torn = False
        if handle.seek(0, os.SEEK_END) > 0:
            handle.seek(-1, os.SEEK_END)
            torn = handle.read(1) != b"\n"
        line = json.dumps(record, default=str, ensure_ascii=False) + "\n"
        handle.write((b"\n" if torn else b"") + line.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())


def _umask() -> int:
    current = os.umask(0o077)
    os.umask(current)
    return current


def read_journal(warehouse: Path) -> list[dict]:
    """The journal's runs. A line that is not a run (torn by a crash, or edited into something
    else) is left out with a warning: it must not fail every later build."""
    path = journal_path(warehouse)
    if not path.is_file():
        return []
    records = []
    for number, line in enumerate(
        path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
    ):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        if is_run(record):
            records.append(record)
        else:
            log.warning(
                "%s, line %d: not a run record (torn by a crash?); left out of audit.runs",
                path.name,
                number,
            )
    return records
