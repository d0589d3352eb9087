"""SIGINT and SIGTERM during a build: remembered, whatever a library makes of them.

The command line turns a signal into an exception (KeyboardInterrupt) so that the build unwinds
and cleans up. A library may catch that exception, or DuckDB may turn it into an 'Interrupted'
error that great-expectations then records as one failed expectation; the build would go on
and publish. So the build also remembers every signal, and checks right before the rename:
a signal received before the publication's rename means nothing is published.
"""

from __future__ import annotations

import logging
import signal
import threading

log = logging.getLogger("lis")

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    def __init__(self) -> None:
        self.received: list[int] = []
        self.published = False
        self._previous: dict[int, object] = {}

    def _handle(self, signum, frame) -> None:
        if self.published:  # too late to stop: the new file is the publication
            log.warning("%s received after publishing; the publication stands", _name(signum))
            return
        self.received.append(signum)
        previous = self._previous.get(signum)
        if callable(previous):
            previous(signum, frame)  # the command line's: it raises
        raise KeyboardInterrupt

    def check(self) -> None:
        """Raise if a signal was received, even if the exception it raised was swallowed."""
        if self.received:
            raise KeyboardInterrupt(f"{_name(self.received[0])} received; nothing was published")

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)

    def last_chance(self) -> None:
        """Right before the rename: stop if a signal came; from now on a signal cannot stop it."""
        self.check()
        self.published = True


def watch() -> Interrupts:
    """Remember SIGINT and SIGTERM until .restore(). Only the main thread can set handlers (and
    Python runs them only there); elsewhere nothing is watched."""
    interrupts = Interrupts()
    if threading.current_thread() is not threading.main_thread():
        return interrupts
    for signum in SIGNALS:
        previous = signal.getsignal(signum)
        if previous is signal.SIG_IGN:
            continue
        interrupts._previous[signum] = previous
        signal.signal(signum, interrupts._handle)
    return interrupts


def _name(signum: int) -> str:
    return signal.Signals(signum).name
