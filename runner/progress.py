"""Progress while building: a line per step on a terminal, log lines a scheduler can keep
otherwise."""

from __future__ import annotations

import logging
import sys
import time
from contextlib import contextmanager

log = logging.getLogger("lis")


class _Step:
    def __init__(self):
        self.rows = None

    def done(self, rows: int | None) -> None:
        self.rows = rows


class Progress:
    """On a terminal (enabled) each step prints layer, name, rows and time; otherwise each step is
    a DEBUG log line."""

    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled

    @contextmanager
    def step(self, layer: str, name: str):
        step = _Step()
        started = time.perf_counter()
        if self.enabled:
            self.stream.write(f"  {layer:<13} {name:<40} …\r")
            self.stream.flush()
        yield step
        seconds = time.perf_counter() - started
        rows = "" if step.rows is None else f"{step.rows:>12,} rows"
        line = f"{layer:<13} {name:<40} {rows:>17} {seconds:7.2f}s"
        if self.enabled:
            self.stream.write(f"  {line}\n")
            self.stream.flush()
        else:
            log.debug(line)
