"""The real programs some tests drive, from Debian's packages: found on PATH, or installed with
apt-get when missing (as root, or through password-less sudo), as on a fresh machine the README's
test command must pass. A missing program never skips a test: without a way to install it, the
test fails naming the package."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def debian_program(names: tuple[str, ...], package: str) -> str:
    """The path of the first of `names` on PATH, after installing `package` if none is."""
    found = _which(names)
    if found is not None:
        return found
    # one install at a time: the test processes of `pytest -n 2` may both find the program missing
    with open(Path(tempfile.gettempdir()) / "lis-tests-apt.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = _which(names)
        if found is not None:
            return found
        trouble = _install(package) or f"installed {package}, but no {names[0]} on PATH"
    found = _which(names)
    if found is None:
        pytest.fail(
            f"{names[0]} is needed and not installed: install Debian's package {package} "
            f"(apt-get install {package}); run as root, the tests install it themselves "
            f"({trouble})",
            pytrace=False,
        )
    return found


def _which(names: tuple[str, ...]) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


def _install(package: str) -> str:
    """apt-get update and install; what went wrong, or ''."""
    if shutil.which("apt-get") is None:
        return "no apt-get on this machine"
    if os.geteuid() == 0:
        prefix = []
    elif shutil.which("sudo"):
        prefix = ["sudo", "-n"]  # never a password prompt in a test run
    else:
        return "not root, and no sudo"
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
    ):
        done = subprocess.run(
            [*prefix, *command], env=environment, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            return f"{' '.join(command[:2])}: {(done.stderr.strip().splitlines() or [''])[-1]}"
    return ""
