"""The build as a run: one at a time per warehouse, journalled whatever its end, and nothing built
when the publication is up to date; building a new publication is layers.py."""

from __future__ import annotations

import logging
import signal
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import (
    fingerprint,
    interrupts,
    logs,
    publish,
    published,
    record,
)
from .compile import run_vars
from .errors import (
    ExecutionError,
    InputError,
    LisError,
    environment_error,
)
from .progress import Progress
from .project import Project

log = logging.getLogger("lis")


@dataclass(frozen=True)
class BuildOutcome:
    status: str  # "published" or "up_to_date"
    record: record.RunRecord


def build(
    project: Project,
    extracts_dir: Path,
    as_of: date,
    warehouse: Path,
    full_refresh: bool = False,
    progress: Progress | None = None,
    allow_any_date: bool = False,
) -> BuildOutcome:
    """Build and publish; every run, whatever its end, is journalled and described in
    <warehouse>.run_results.json."""
    variables = run_vars(project, as_of)
    rec = record.RunRecord(
        status_date=as_of.isoformat(),
        extracts_dir=str(extracts_dir),
        git_revision=record.git_revision(project.root),
    )
    logs.run_id.set(rec.run_id)
    signals = interrupts.watch()
    try:
        with publish.exclusive(warehouse):
            try:
                status = _build(
                    project,
                    extracts_dir,
                    variables,
                    warehouse,
                    full_refresh,
                    progress or Progress(enabled=False),
                    rec,
                    allow_any_date,
                    signals,
                )
            except BaseException as error:
                rec.finish("error", _failure(error, signals))
                raise
            finally:
                _keep_record(
                    warehouse,
                    rec,
                    {
                        "as_of": as_of.isoformat(),
                        "extracts": str(extracts_dir),
                        "warehouse": str(warehouse),
                    },
                )
    except Exception as error:
        if signals.received:  # whatever a library made of the signal, it stops the build
            raise KeyboardInterrupt(_failure(error, signals)) from error
        # The machine's failures, also those met running a model, are told as what to fix.
        cause = error.__cause__ if isinstance(error, LisError) else error
        problem = environment_error(cause) if cause is not None else None
        if problem is not None:
            raise problem from cause
        if isinstance(error, LisError):
            raise
        import duckdb  # only now: an up-to-date build never loads it

        if isinstance(error, duckdb.Error):
            first_line = (str(error).splitlines() or [""])[0]
            raise ExecutionError(f"{type(error).__name__}: {first_line}") from error
        raise  # a bug: the command line logs its traceback
    finally:
        signals.restore()
    return BuildOutcome(status, rec)


def _failure(error: BaseException, signals: interrupts.Interrupts) -> str:
    if signals.received:
        return f"{signal.Signals(signals.received[0]).name} received; nothing was published"
    return str(error) if isinstance(error, LisError) else f"{type(error).__name__}: {error}"


def _keep_record(warehouse: Path, rec: record.RunRecord, args: dict) -> None:
    """Journal the run and write run_results.json. Neither may turn a published build into a
    failure, nor hide why a build failed, so a failure here is logged, not raised."""
    for write in (
        lambda: publish.append_journal(warehouse, rec.as_dict()),
        lambda: record.write_run_results(record.run_results_path(warehouse), rec, args),
    ):
        try:
            write()
        except OSError as error:
            log.warning("could not keep the run record: %s", error)


def _build(  # noqa: PLR0913 - the run's inputs, passed once from build() and used once each
    project: Project,
    extracts_dir: Path,
    variables: dict,
    warehouse: Path,
    full_refresh: bool,
    progress: Progress,
    rec: record.RunRecord,
    allow_any_date: bool,
    signals: interrupts.Interrupts,
) -> str:
    if not extracts_dir.is_dir():
        raise InputError(f"{extracts_dir}: the extracts folder does not exist")
    before = None if full_refresh else published.fingerprints(warehouse)
    rec.fingerprints = fingerprint.compute(project, extracts_dir, variables, before)
    if fingerprint.same_output(rec.fingerprints, before):
        rec.finish(
            "up_to_date",
            "extracts, seeds, models, code and status date are those of the publication",
        )
        return "up_to_date"

    # The build's machinery (DuckDB, great-expectations, the loader) is loaded only now: an
    # up-to-date build, the nightly run on unchanged extracts, needs none of it.
    from .layers import build_layers

    build_layers(
        project, extracts_dir, variables, warehouse, progress, rec, allow_any_date, signals
    )
    return "published"
