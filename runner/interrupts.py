"""SIGINT and SIGTERM: the one place that handles them, for a whole command and for a build in it.

A signal becomes an exception (KeyboardInterrupt) so that the command unwinds and cleans up; a
SIGTERM (a scheduler's timeout) unwinds the same way and is told apart by `received`. A library
may catch that exception, or DuckDB may turn it into an 'Interrupted' error that
great-expectations then records as one failed expectation; the build would go on and publish. So
every signal is also remembered, and the build checks right before the rename: a signal received
before the publication's rename means nothing is published.
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
        self._depth = 0

    def _handle(self, signum, frame) -> None:
        if self.published:  # too late to stop: the new file is the publication
            log.warning("%s received after publishing; the publication stands", _name(signum))
            return
        self.received.append(signum)
        raise KeyboardInterrupt

    @property
    def terminated(self) -> bool:
        return signal.SIGTERM in self.received

    def check(self) -> None:
        """Raise if a signal was received, even if the exception it raised was swallowed."""
        if self.received:
            raise KeyboardInterrupt(f"{_name(self.received[0])} received; nothing was published")

    def last_chance(self) -> None:
        """Right before the rename: stop if a signal came; from now on a signal cannot stop it."""
        self.check()
        self.published = True

    def restore(self) -> None:
        """The end of one watch(): a publication's grace ends with it (a signal stops what the
        command does next); the outermost also puts the previous handlers back."""
        self.published = False
        self._depth -= 1
        if self._depth == 0:
            for signum, previous in self._previous.items():
                signal.signal(signum, previous)
            self._previous.clear()


def watch() -> Interrupts:
    """Remember SIGINT and SIGTERM until .restore(). Within a watch (the command line's, around a
    build), the same watch: one handler, one record of what was received. Only the main thread can
    set handlers (and Python runs them only there); elsewhere nothing is watched."""
    watching = [getattr(signal.getsignal(signum), "__self__", None) for signum in SIGNALS]
    interrupts = next((w for w in watching if isinstance(w, Interrupts)), None)
    if interrupts is None:
        interrupts = Interrupts()
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNALS:
                previous = signal.getsignal(signum)
                if previous is signal.SIG_IGN:
                    continue
                interrupts._previous[signum] = previous
                signal.signal(signum, interrupts._handle)
    interrupts._depth += 1
    return interrupts


def _name(signum: int) -> str:
    return signal.Signals(signum).name
