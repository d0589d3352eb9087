"""The log: plain lines on a terminal, timestamped lines or JSON objects for a log collector."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path

from .errors import EnvironmentProblem, environment_error, one_line
from .privacy import mask_cpr

log = logging.getLogger("lis")

FORMATS = ("text", "json")

# The run being built, once its record exists; every log line after that carries it.
run_id: ContextVar[str | None] = ContextVar("lis_run_id", default=None)


class _Formatter(logging.Formatter):
    """Leaves tracebacks out unless asked: stderr shows them with -v, the log file always."""

    def __init__(self, fmt: str | None, tracebacks: bool):
        super().__init__(fmt)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        # a message or a traceback may quote file content: every line written is masked
        return mask_cpr(self._format(record))

    def _format(self, record: logging.LogRecord) -> str:
        if self.tracebacks or not record.exc_info:
            return self.render(record)
        saved = record.exc_info, record.exc_text
        record.exc_info = record.exc_text = None
        try:
            return self.render(record)
        finally:
            record.exc_info, record.exc_text = saved

    def render(self, record: logging.LogRecord) -> str:
        return super().format(record)

    def formatMessage(self, record: logging.LogRecord) -> str:
        # a path or a value in a message cannot forge a line of its own (a traceback, appended
        # after the message, keeps its lines)
        record.message = one_line(record.message)
        return super().formatMessage(record)


class _JsonFormatter(_Formatter):
    """One JSON object per line: time, level, message, and the run id, exit code and traceback
    where there is one."""

    def render(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        if run_id.get():
            entry["run_id"] = run_id.get()
        if hasattr(record, "exit_code"):
            entry["exit_code"] = record.exit_code
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _NotTheReason(logging.Filter):
    """The one-line reason a run ends with is printed as stderr's last line in text mode;
    its log record goes to stderr only to show the traceback that -v asks for."""

    def __init__(self, verbose: bool):
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "reason", False) or bool(self.verbose and record.exc_info)


def setup(verbose: bool, log_file: Path | None, fmt: str = "text") -> None:
    tty = sys.stderr.isatty()
    if fmt == "json":
        console = _JsonFormatter(None, tracebacks=verbose)
        in_file = _JsonFormatter(None, tracebacks=True)
    else:
        console = _Formatter(
            "%(levelname)s: %(message)s" if tty else "%(asctime)s %(levelname)s %(message)s",
            tracebacks=verbose,
        )
        in_file = _Formatter("%(asctime)s %(levelname)s %(message)s", tracebacks=True)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(console)
    if fmt == "text":
        handler.addFilter(_NotTheReason(verbose))
    for old in log.handlers:
        old.close()
    # stderr first: a log file that cannot be opened is then reported there
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    log.propagate = False
    if log_file:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            file_handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as error:
            raise environment_error(error) or EnvironmentProblem(
                f"--log-file {log_file}: {error.strerror}: choose a file lis can write"
            ) from error
        file_handler.setFormatter(in_file)
        log.addHandler(file_handler)


def reason(message: str, exit_code: int, error: BaseException | None = None) -> None:
    """The one-line reason a run ended with; `error` adds its traceback (a bug's, or -v's)."""
    log.error(
        "%s",
        message,
        exc_info=(type(error), error, error.__traceback__) if error else None,
        extra={"reason": True, "exit_code": exit_code},
    )
