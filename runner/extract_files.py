"""Which files in the extracts folder are which extract: found by name, before anything is read.

Apart from loading (extracts.py), so that deciding whether a build is up to date, which
fingerprints these files, needs neither DuckDB nor the loader.
"""

from __future__ import annotations

import stat
from pathlib import Path

from .errors import InputError

EXTENSIONS = (".csv", ".parquet", ".xlsx")


class ExtractError(InputError):
    """An extract is missing, cannot be read, or lacks a required column. One line, naming the
    file."""


def extract_files(extracts_dir: Path, names: list[str]) -> dict[str, list[Path]]:
    """Each extract's files, sorted by name. A file belongs to the longest extract name it
    starts with, so that no extract picks up another's files even if one name prefixes another.
    Names and extensions are compared case-insensitively, as Windows, where the files come from,
    does. An entry named like an extract that is not a regular file (a symbolic link, a folder,
    a named pipe) is an input error naming it: read, it could show what it points at; skipped,
    an extract would be short without a word."""
    found = {name: [] for name in names}
    for path in sorted(extracts_dir.iterdir()):
        lower = path.name.lower()
        if not lower.endswith(EXTENSIONS):
            continue
        owners = [name for name in names if lower.startswith(name.lower())]
        if not owners:
            continue
        _regular_file(path)
        found[max(owners, key=len)].append(path)
    return found


def _regular_file(path: Path) -> None:
    mode = path.lstat().st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        raise ExtractError(
            f"{path.name}: a symbolic link; lis reads only regular files in the extracts folder "
            "(copy the file there)"
        )
    what = "a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else None
    raise ExtractError(
        f"{path.name}: {what or 'a special file'}, not a file; an extract is a regular file "
        "(move it out of the extracts folder)"
    )
