"""The error hierarchy; the command line maps each kind to its own exit code."""


class LisError(Exception):
    """A failure the user can act on; str(error) is one line."""

    exit_code = 1


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
