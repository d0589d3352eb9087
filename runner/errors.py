"""The error hierarchy; the command line maps each kind to its own exit code."""

from .privacy import mask_cpr


class LisError(Exception):
    """A failure the user can act on; str(error) is one line. A message is often built from file
    content (a header, a line), so CPR numbers are masked here, before anything logs or keeps it."""

    exit_code = 1

    def __init__(self, message: object = "", *args) -> None:
        super().__init__(mask_cpr(str(message)), *args)


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
