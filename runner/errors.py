"""The error hierarchy; the command line maps each kind to its own exit code."""

from __future__ import annotations

import errno
import re
import sys
from pathlib import Path

from .privacy import mask_cpr


class LisError(Exception):
    """A failure the user can act on; str(error) is one line. A message is often built from file
    content (a header, a line), so CPR numbers are masked here, before anything logs or keeps it."""

    exit_code = 1

    def __init__(self, message: object = "", *args) -> None:
        super().__init__(one_line(mask_cpr(str(message))), *args)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """`text` with its line breaks and other control characters shown as escapes ('\\n'): a file
    name or a value quoted in a message cannot start a line of its own in a log."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class ProjectError(LisError):
    """The project (project file, model YAML, seeds) is malformed."""

    exit_code = 2


class CompileError(LisError):
    """A model does not render, does not parse, or references an unknown table."""

    exit_code = 3


class InputError(LisError):
    """An extract cannot be read or lacks a required column."""

    exit_code = 4


class ExecutionError(LisError):
    """DuckDB failed while building a model."""

    exit_code = 5


class GateFailed(LisError):
    """An error-level expectation failed; nothing downstream was built."""

    exit_code = 6


class BuildRunning(LisError):
    """Another build of the same warehouse holds its lock."""

    exit_code = 7


class EnvironmentProblem(LisError):
    """The machine, not lis nor its input: a folder lis may not write, a read-only or full disk."""

    exit_code = 8


class WarehouseInUse(LisError):
    """Another program (an analyst's DuckDB CLI or DBeaver) holds the warehouse open read-write."""

    exit_code = 9


class UsageError(LisError):
    """The command line asks for what lis refuses: argparse's errors and the checks after it."""

    exit_code = 64


_WHAT_TO_FIX = {
    errno.EACCES: "permission denied: let the user running lis write there, or choose another path",
    errno.EPERM: "not permitted: let the user running lis write there, or choose another path",
    errno.EROFS: "the file system is read-only: choose a writable folder, or remount it read-write",
    errno.ENOSPC: "the disk is full: free space on it, or choose a folder on another disk",
    errno.EDQUOT: "the disk quota is used up: free space in it, or raise the quota",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n)",
    errno.ENFILE: "too many open files on this machine: raise the limit, or close other programs",
    errno.EIO: "the disk reported an input/output error: check the disk and its file system",
}
# DuckDB reports the same failures as text in its own exception types.
_DUCKDB_TEXTS = {
    "Permission denied": errno.EACCES,
    "Read-only file system": errno.EROFS,
    "No space left on device": errno.ENOSPC,
    "Disk quota exceeded": errno.EDQUOT,
    "Too many open files": errno.EMFILE,
}
_LOCK = re.compile(
    r'Could not set lock on file "(?P<file>[^"]+)"'
    r"(?:: Conflicting lock is held in (?P<holder>.+?) \(PID (?P<pid>\d+)\))?"
)


def environment_error(error: BaseException) -> LisError | None:
    """The failure as what to fix when the machine caused it, not lis nor its input; else None."""
    if isinstance(error, OSError) and error.errno in _WHAT_TO_FIX:
        where = error.filename or "a file"
        return EnvironmentProblem(f"{where}: {_WHAT_TO_FIX[error.errno]}")
    duckdb = sys.modules.get("duckdb")
    if duckdb is None or not isinstance(error, duckdb.Error):
        return None
    text = str(error)
    lock = _LOCK.search(text)
    if lock:
        holder = f" ({Path(lock['holder']).name}, PID {lock['pid']})" if lock["holder"] else ""
        return WarehouseInUse(
            f"{lock['file']} is open read-write in another program{holder}, which locks it: "
            "close that connection, or open the file read-only there "
            "(duckdb -readonly FILE; DBeaver: the connection's 'Read-only' setting), and run again"
        )
    for fragment, number in _DUCKDB_TEXTS.items():
        if fragment in text:
            where = re.search(r'file "(?P<file>[^"]+)"', text)
            return EnvironmentProblem(
                f"{where['file'] if where else 'the warehouse'}: {_WHAT_TO_FIX[number]}"
            )
    return None
