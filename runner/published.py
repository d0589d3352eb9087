"""What the published file was built from: its `audit.fingerprints`, and a copy of them beside it
(`<warehouse>.fingerprints.json`) that spares an up-to-date build loading DuckDB to open the file.

Loading DuckDB and opening the warehouse took about half of an unchanged rebuild. The copy is
taken for the one file it was copied from: it names that file's device, inode, size,
modification and change times, and any other file at the path (a new publication, a copy put
there, the same file written to) differs in at least one of them; a change time cannot be set
back. When they differ, or the copy is missing or torn, the file itself is read, and the copy
taken again. The copy holds hashes only.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("lis")

SUFFIX = ".fingerprints.json"


def copy_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + SUFFIX)


def fingerprints(warehouse: Path) -> dict[str, str] | None:
    """The fingerprints the published file was built from, or None if there is none to compare."""
    identity = _identity(warehouse)
    if identity is None:
        return None
    copy = _read_copy(warehouse)
    if copy is not None and copy.get("file") == identity:
        return copy["fingerprints"]
    found = _read_file(warehouse)
    if found is not None and _identity(warehouse) == identity:  # the file read is the one named
        remember(warehouse, found)
    return found


def remember(warehouse: Path, prints: dict[str, str]) -> None:
    """Copy the fingerprints of the file now at `warehouse` beside it, with the file's mode. A copy
    that cannot be written is no failure: the next build reads the file instead. Written in
    place: a torn copy is not JSON, so it is never taken for a whole one."""
    identity = _identity(warehouse)
    if identity is None:
        return
    text = json.dumps({"file": identity, "fingerprints": prints}, sort_keys=True)
    try:
        descriptor = os.open(copy_path(warehouse), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, stat.S_IMODE(warehouse.stat().st_mode))
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        log.debug("could not copy the fingerprints beside the warehouse: %s", error)


def _identity(warehouse: Path) -> list[int] | None:
    """What tells this file from any other put at its path; None if there is no file."""
    try:
        found = warehouse.stat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return [found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns]


def _read_copy(warehouse: Path) -> dict | None:
    try:
        copy = json.loads(copy_path(warehouse).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return copy if isinstance(copy, dict) and isinstance(copy.get("fingerprints"), dict) else None


def _read_file(warehouse: Path) -> dict[str, str] | None:
    import duckdb  # here, not above: only a build without a valid copy opens the file

    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute("SELECT kind, fingerprint FROM audit.fingerprints").fetchall()
    except duckdb.Error:
        return None
    return dict(rows)
