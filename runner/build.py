"""The build: load the project, compile and plan, build layer by layer behind its gates, publish."""

from __future__ import annotations

import logging
import os
import signal
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from . import (
    baseline,
    connection,
    dag,
    execute,
    fingerprint,
    gates,
    interrupts,
    logs,
    publish,
    record,
    sources,
)
from .compile import Compiler, run_vars
from .errors import (
    ExecutionError,
    GateFailed,
    InputError,
    LisError,
    UsageError,
    environment_error,
)
from .extracts import load_extracts
from .progress import Progress
from .project import Node, Project

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
    published = None if full_refresh else publish.published_fingerprints(warehouse)
    rec.fingerprints = fingerprint.compute(project, extracts_dir, variables, published)
    if fingerprint.same_output(rec.fingerprints, published):
        rec.finish(
            "up_to_date",
            "extracts, seeds, models, code and status date are those of the publication",
        )
        return "up_to_date"

    compiler = Compiler(project, variables)
    layers = dag.plan(compiler.compile_all(), project.layers)
    for stale in publish.remove_stale_builds(warehouse):
        log.info("removed %s, left by a build that did not finish", stale.name)
    building = publish.building_path(warehouse, rec.run_id)
    con = None
    umask = publish.private_umask()
    try:
        con = connection.connect(building, project, warehouse)
        execute.load_seeds(con, project.seeds, project.seed_docs)
        with progress.step("load", "extracts") as step:
            step.done(
                sum(
                    load_extracts(
                        con, extracts_dir, project.source_tables(), project.extract_overrides
                    ).values()
                )
            )
        baseline.load(con, project, warehouse, date.fromisoformat(variables["as_of"]))
        for group in layers:
            _run_layer(con, group, rec, progress)
            if not allow_any_date:
                as_of = date.fromisoformat(variables["as_of"])
                _check_status_date(con, group, as_of, sources.first_dates(project.source_tables()))
            _gate(con, compiler, group, rec, progress)
            signals.check()
        rec.finish("success", "published")
        record.write_audit(con, publish.read_journal(warehouse), rec)
        execute.document_tables(con, project.table_docs, [n for group in layers for n in group])
        con.execute("CHECKPOINT")
        con.close()
        publish.swap_in(building, warehouse, umask, signals.last_chance)
    except BaseException:
        if con is not None:
            con.close()
        publish.discard(building)
        raise
    finally:
        os.umask(umask)
    return "published"


def _check_status_date(con, group: list[Node], as_of: date, first_dates: dict[str, str]) -> None:
    """A status date before anything in the extracts began is a mistyped date, not a back-fill:
    every count would be 0. Checked once the staged dates exist; `first_dates` (sources.yml's
    first_date) names where each staging model's dates begin: the first day of a service, a
    placement or a one-off grant."""
    staged = [node for node in group if node.name in first_dates]
    if not staged:
        return
    union = " union all ".join(
        f"select min({first_dates[node.name]}) as first_date from {node.relation}"
        for node in staged
    )
    (first,) = con.execute(f"select min(first_date) from ({union})").fetchone()
    if first is not None and as_of < first:
        raise UsageError(
            f"--as-of {as_of} is before the extracts' first date {first} (the earliest start or "
            "grant date), so every count would be 0: correct the date, or --allow-any-date "
            "builds it anyway"
        )


def _run_layer(con, group: list[Node], rec: record.RunRecord, progress: Progress) -> None:
    for node in group:
        with progress.step(node.layer, node.name) as step:
            started = record.now()
            result = execute.run_model(con, node)
            step.done(result.rows)
        rec.add_model(
            node.name, node.layer, node.materialized, result.rows, result.seconds, started
        )


def _gate(
    con, compiler: Compiler, group: list[Node], rec: record.RunRecord, progress: Progress
) -> None:
    """Run the layer's expectations; an error-level failure stops the build before the next
    layer."""
    expectations = compiler.expectations(group)
    if not expectations:
        return
    layer = group[0].layer
    with progress.step(layer, f"gate ({len(expectations)} expectations)") as step:
        results = gates.run_expectations(con, expectations)
        step.done(None)
    for result in results:
        rec.add_expectation(result)
    for result in results:
        if not result.success and result.expectation.severity == "warn":
            log.warning("%s", result.message)
    failed = [r for r in results if not r.success and r.expectation.severity == "error"]
    if failed:
        for result in failed:
            log.error("%s", result.message)
        raise GateFailed(
            f"the {layer} gate failed: {failed[0].message}"
            + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else "")
        )
